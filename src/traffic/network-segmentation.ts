import { ApiObject, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { StandardLabels, StandardLabelsProps } from '../core/labels';
import { INetworkClient, NetworkFlow, NetworkFlowKind } from '../core/network-flow';
import { IRoutedBackends } from '../core/routed-backends';
import { invalid, isCidr, isDnsLabel, isLabelKey, isLabelValue, validateBoolean, validateList, validatePort, validateProps } from '../core/validation';

/** The API server's address on every cluster: the kubernetes Service (443) and kubeadm's port (6443). */
const API_SERVER_PORTS = [443, 6443];
import { patternLabels } from '../core/workload-pattern';

/**
 * Where allowed traffic comes from, or goes to: pods of a workload, a namespace, pods of another
 * namespace, or an IP range.
 */
export class NetworkPeer {
  /** The pods of a Deployment, StatefulSet, DaemonSet or Job of this namespace (by its selector). */
  public static workload(workload: kplus.Workload): NetworkPeer {
    return new NetworkPeer('workload', { workload });
  }

  /** Every pod of a namespace, by name (`kubernetes.io/metadata.name`, set by the API server). */
  public static namespaceNamed(name: string): NetworkPeer {
    return new NetworkPeer('namespace', { namespace: name });
  }

  /** Every pod of every namespace (a cluster-wide service, e.g. a node-local cache). */
  public static allNamespaces(): NetworkPeer {
    return new NetworkPeer('allNamespaces', {});
  }

  /** Pods with these labels in a namespace, by name: e.g. the gateway implementation's pods. */
  public static podsInNamespace(namespaceName: string, labels: { [key: string]: string }): NetworkPeer {
    return new NetworkPeer('podsInNamespace', { namespace: namespaceName, labels });
  }

  /** An IP range in CIDR notation (off-cluster clients or endpoints, a node network). */
  public static ipBlock(cidr: string): NetworkPeer {
    return new NetworkPeer('ipBlock', { cidr });
  }

  /** `workload`, `namespace`, `allNamespaces`, `podsInNamespace` or `ipBlock`. */
  public readonly kind: string;
  private readonly spec: any;

  private constructor(kind: string, spec: any) {
    this.kind = kind;
    this.spec = spec;
  }

  /**
   * The workload of a `workload` peer.
   * @internal
   */
  public get _workload(): kplus.Workload | undefined {
    return this.spec.workload;
  }

  /**
   * Checks the peer; fails naming `scope` and `field`.
   * @internal
   */
  public _check(scope: IConstruct, field: string): void {
    const s = this.spec;
    if (this.kind === 'workload') {
      if (!(s.workload instanceof kplus.Workload)) invalid(scope, field, s.workload, 'must be a cdk8s-plus Deployment, StatefulSet, DaemonSet or Job');
      if (Chart.of(s.workload) !== Chart.of(scope)) invalid(scope, field, s.workload.node.path, 'must be in the same chart (namespace) as the NetworkSegmentation: use NetworkPeer.podsInNamespace for pods elsewhere');
      selectorOf(s.workload);
    }
    if (this.kind === 'namespace' || this.kind === 'podsInNamespace') {
      if (!isDnsLabel(s.namespace)) invalid(scope, `${field}.namespace`, s.namespace, 'must be a namespace name (a DNS label)');
    }
    if (this.kind === 'podsInNamespace') {
      const labels = s.labels;
      if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) invalid(scope, `${field}.labels`, labels, 'must be at least one label');
      for (const [k, v] of Object.entries(labels)) {
        if (!isLabelKey(k) || !isLabelValue(v)) invalid(scope, `${field}.labels`, { [k]: v }, 'must be label keys and values');
      }
    }
    if (this.kind === 'ipBlock' && !isCidr(s.cidr)) invalid(scope, `${field}.cidr`, s.cidr, 'must be an IPv4 or IPv6 CIDR, e.g. 10.0.0.0/8');
  }

  /**
   * The peer as a NetworkPolicy peer (at synthesis: workload selectors are final then).
   * @internal
   */
  public _toPeer(): any {
    const s = this.spec;
    const nsSelector = (name: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
    switch (this.kind) {
      case 'workload': return { podSelector: selectorOf(s.workload) };
      case 'namespace': return { namespaceSelector: nsSelector(s.namespace) };
      case 'podsInNamespace': return { namespaceSelector: nsSelector(s.namespace), podSelector: { matchLabels: { ...s.labels } } };
      case 'allNamespaces': return { namespaceSelector: {} };
      default: return { ipBlock: { cidr: s.cidr } };
    }
  }

  /** A text naming the peer, for errors and docs. */
  public toString(): string {
    const s = this.spec;
    switch (this.kind) {
      case 'workload': return `the pods of ${s.workload?.node?.path}`;
      case 'namespace': return `namespace ${s.namespace}`;
      case 'podsInNamespace': return `pods ${JSON.stringify(s.labels)} of namespace ${s.namespace}`;
      case 'allNamespaces': return 'every pod of every namespace';
      default: return `${s.cidr}`;
    }
  }
}

/**
 * Props of `NetworkSegmentation`.
 */
export interface NetworkSegmentationProps {
  /**
   * Deny all ingress and egress of every pod in the chart's namespace unless a policy allows it
   * (one NetworkPolicy with an empty pod selector and no rules).
   * @default true
   */
  readonly defaultDeny?: boolean;

  /**
   * Let every pod of the namespace resolve names: egress on port 53 (UDP and TCP) to the
   * cluster DNS pods.
   * @default true
   */
  readonly allowDns?: boolean;

  /**
   * The namespace of the cluster DNS.
   * @default 'kube-system'
   */
  readonly dnsNamespace?: string;

  /**
   * The labels of the cluster DNS pods (CoreDNS keeps kube-dns's).
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly dnsLabels?: { [key: string]: string };

  /**
   * Where the Kubernetes API server is, for flows to it (`allowFlowsOf` a LeaderElected, Controller,
   * Operator, ...). NetworkPolicies see the API server's own address, after the `kubernetes`
   * Service is translated, and that address is the cluster's: narrow it to your control plane's
   * range (e.g. `NetworkPeer.ipBlock('10.0.0.0/28')`) when you know it.
   * @default NetworkPeer.ipBlock('0.0.0.0/0') on `apiServerPorts`
   */
  readonly apiServer?: NetworkPeer;

  /**
   * The API server's ports, as NetworkPolicies see them (after the `kubernetes` Service).
   * @default [443, 6443]
   */
  readonly apiServerPorts?: number[];

  /**
   * Who scrapes metrics ports (`allowFlowsOf` an Adapter): e.g. Prometheus's namespace. Required
   * when a pattern with a metrics port is allowed.
   * @default - none: allowing a metrics flow fails until it is set
   */
  readonly metricsScrapers?: NetworkPeer[];

  /**
   * `app.kubernetes.io/name` of the policies.
   * @default - the construct's id
   */
  readonly appName?: string;

  /**
   * `app.kubernetes.io/part-of` of the policies.
   * @default - not set
   */
  readonly partOf?: string;
}

/**
 * Network segmentation (Kubernetes Patterns, Network Segmentation): zero trust inside the
 * namespace. Every pod is isolated by default (ingress and egress denied), DNS stays allowed, and
 * each allowed flow is a NetworkPolicy of its own: `allowToService` lets peers reach the pods behind
 * a Service on its target ports (and, for peers that are workloads of this namespace, lets them
 * send it), `allowEgress` lets pods reach something outside. Selectors and ports are read from the
 * final Service and workload manifests at synthesis, so policies follow the wiring the patterns
 * created. NetworkPolicies need a CNI plugin that enforces them (Calico, Cilium, kube-router, ...);
 * without one they are accepted and ignored.
 */
export class NetworkSegmentation extends Construct {
  /** The default-deny policy, unless `defaultDeny: false`. */
  public readonly defaultDeny?: ApiObject;
  /** The DNS egress policy, unless `allowDns: false`. */
  public readonly dnsPolicy?: ApiObject;
  /** Every policy, in creation order. */
  public readonly policies: ApiObject[] = [];

  private readonly labels: StandardLabelsProps;
  private readonly ids = new Map<string, number>();
  private readonly apiServer: NetworkPeer;
  private readonly apiServerPorts: number[];
  private readonly metricsScrapers?: NetworkPeer[];
  private readonly allowedFlows = new Set<string>();
  private readonly targets: kplus.Service[] = [];

  constructor(scope: Construct, id: string, props: NetworkSegmentationProps = {}) {
    super(scope, id);
    validateProps(this, props);
    this.labels = patternLabels(this, props, 'network-policy');
    this.apiServer = props.apiServer ?? NetworkPeer.ipBlock('0.0.0.0/0');
    if (!(this.apiServer instanceof NetworkPeer)) invalid(this, 'apiServer', this.apiServer, 'must be a NetworkPeer, e.g. NetworkPeer.ipBlock(\'10.0.0.0/28\')');
    this.apiServer._check(this, 'apiServer');
    this.apiServerPorts = this.ports('apiServerPorts', props.apiServerPorts ?? API_SERVER_PORTS);
    if (props.metricsScrapers !== undefined) {
      this.metricsScrapers = this.peers('metricsScrapers', props.metricsScrapers);
    }
    // A Service's selector may change after allowToService: its pods are checked before synthesis,
    // so the error names this construct rather than surfacing from a policy's serialization.
    this.node.addValidation({
      validate: () => this.targets.flatMap(service => {
        try {
          serviceTarget(this, service);
          return [];
        } catch (e) {
          return [(e as Error).message];
        }
      }),
    });
    if (validateBoolean(this, 'defaultDeny', props.defaultDeny) ?? true) {
      this.defaultDeny = this.policy('deny-all', () => ({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    }
    if (validateBoolean(this, 'allowDns', props.allowDns) ?? true) {
      const ns = props.dnsNamespace ?? 'kube-system';
      const labels = props.dnsLabels ?? { 'k8s-app': 'kube-dns' };
      const peer = NetworkPeer.podsInNamespace(ns, labels);
      peer._check(this, 'dns');
      this.dnsPolicy = this.policy('allow-dns', () => ({
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [peer._toPeer()], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
      }));
    }
  }

  /**
   * Lets `peers` reach the pods behind `service` on its target ports: an ingress policy on those
   * pods and, for each peer that is a workload of this namespace, an egress policy on that
   * workload's pods (needed under the default deny).
   */
  public allowToService(service: kplus.Service, peers: NetworkPeer[]): void {
    if (!(service instanceof kplus.Service)) invalid(this, 'service', service, 'must be a cdk8s-plus Service');
    this.peers('peers', peers);
    if (isSelectorless(service)) serviceTarget(this, service); // fails now, naming the Service
    this.targets.push(service);
    const target = () => serviceTarget(this, service);
    this.policy(`allow-to-${service.name}`, () => {
      const t = target();
      return { podSelector: { matchLabels: t.selector }, policyTypes: ['Ingress'], ingress: [{ from: peers.map(p => p._toPeer()), ports: t.ports }] };
    });
    for (const p of peers.filter(x => x._workload !== undefined)) {
      this.policy(`allow-${p._workload!.name}-to-${service.name}`, () => {
        const t = target();
        return {
          podSelector: selectorOf(p._workload!),
          policyTypes: ['Egress'],
          egress: [{ to: [{ podSelector: { matchLabels: t.selector } }], ports: t.ports }],
        };
      });
    }
  }

  /**
   * Lets a gateway's traffic (`gatewayPeers`: the gateway implementation's pods or namespace, or
   * the node network when it runs on the nodes) reach every backend of an `ApiGateway`,
   * `Strangler` or release pattern that runs in this namespace. Backends outside the cluster
   * (ExternalServices) are skipped: the gateway sends to them from its own namespace.
   */
  public allowFromGateway(routed: IRoutedBackends, gatewayPeers: NetworkPeer[]): void {
    const backends = routed?.backends;
    if (!Array.isArray(backends)) invalid(this, 'routed', routed, 'must be an ApiGateway, Strangler, BlueGreenDeployment, CanaryDeployment or AbTestDeployment');
    for (const service of backends) {
      if (isSelectorless(service)) continue;
      this.allowToService(service, gatewayPeers);
    }
  }

  /**
   * Lets the pods of `source` (a workload of this namespace) send to `destination` on `ports` (TCP): an
   * external endpoint (`NetworkPeer.ipBlock`), another namespace, or pods of one.
   */
  public allowEgress(source: kplus.Workload, destination: NetworkPeer, ports: number[]): void {
    const peer = NetworkPeer.workload(source);
    peer._check(this, 'source');
    if (!(destination instanceof NetworkPeer)) invalid(this, 'destination', destination, 'must be a NetworkPeer');
    destination._check(this, 'destination');
    this.ports('ports', ports);
    this.policy(`allow-${source.name}-egress`, () => ({
      podSelector: selectorOf(source),
      policyTypes: ['Egress'],
      egress: [{ to: [destination._toPeer()], ports: ports.map(port => ({ port, protocol: 'TCP' })) }],
    }));
  }

  /**
   * Allows the network flows a pattern's pods need (`networkFlows` of a WorkQueue, LeaderElected,
   * Controller, Operator, Ambassador, Adapter, ...): to a Service of this chart, ingress on its
   * pods and egress from the sender; to the API server, egress to `apiServer` on `apiServerPorts`;
   * to a host, egress on its port (to that address when it is an IP, else to any address: a
   * NetworkPolicy cannot name a DNS name; a host that names a Service of this chart is that
   * Service); a metrics port, ingress from `metricsScrapers`. A flow allowed twice gives one policy.
   */
  public allowFlowsOf(client: INetworkClient): void {
    const flows = client?.networkFlows;
    if (!Array.isArray(flows)) invalid(this, 'client', client, 'must be a pattern with networkFlows (WorkQueue, LeaderElected, Controller, Operator, Ambassador, Adapter, ...)');
    for (const flow of flows) this.allowFlow(flow);
  }

  private allowFlow(flow: NetworkFlow): void {
    const source = flow.source;
    NetworkPeer.workload(source)._check(this, `flow "${flow.description}" source`);
    const service = flow.kind === NetworkFlowKind.SERVICE ? flow.service
      : flow.kind === NetworkFlowKind.HOST ? this.serviceNamed(flow.host!) : undefined;
    const key = service ? `service:${source.node.path}>${service.node.path}` : `${flow.kind}:${source.node.path}>${flow.host ?? ''}:${flow.port ?? ''}`;
    if (this.allowedFlows.has(key)) return;
    this.allowedFlows.add(key);
    if (service) {
      this.allowToService(service, [NetworkPeer.workload(source)]);
      return;
    }
    switch (flow.kind) {
      case NetworkFlowKind.API_SERVER:
        this.policy(`allow-${source.name}-to-api-server`, () => ({
          podSelector: selectorOf(source),
          policyTypes: ['Egress'],
          egress: [{ to: [this.apiServer._toPeer()], ports: this.apiServerPorts.map(port => ({ port, protocol: 'TCP' })) }],
        }));
        return;
      case NetworkFlowKind.HOST: {
        const ip = isCidr(`${flow.host}/32`) ? `${flow.host}/32` : undefined;
        this.policy(`allow-${source.name}-to-${flow.host}`, () => ({
          podSelector: selectorOf(source),
          policyTypes: ['Egress'],
          egress: [{ ...(ip ? { to: [{ ipBlock: { cidr: ip } }] } : {}), ports: [{ port: flow.port, protocol: 'TCP' }] }],
        }));
        return;
      }
      case NetworkFlowKind.METRICS: {
        const scrapers = this.metricsScrapers;
        if (scrapers === undefined) {
          invalid(this, 'metricsScrapers', undefined, `must name who scrapes metrics (e.g. NetworkPeer.namespaceNamed('monitoring')) to allow "${flow.description}" (port ${flow.port})`);
        }
        this.policy(`allow-scrape-${source.name}`, () => ({
          podSelector: selectorOf(source),
          policyTypes: ['Ingress'],
          ingress: [{ from: scrapers.map(p => p._toPeer()), ports: [{ port: flow.port, protocol: 'TCP' }] }],
        }));
        return;
      }
      default:
        invalid(this, 'flow', flow.kind, `is not a flow kind this construct knows (${Object.values(NetworkFlowKind).join(', ')})`);
    }
  }

  /** A Service of this chart that `host` names (`svc`, `svc.ns`, `svc.ns.svc...` in the chart's namespace). */
  private serviceNamed(host: string): kplus.Service | undefined {
    const chart = Chart.of(this);
    const [name, namespace] = host.split('.');
    if (namespace !== undefined && namespace !== chart.namespace) return undefined;
    if (host.split('.').length > 2 && !/^[^.]+\.[^.]+\.svc(\.|$)/.test(host)) return undefined;
    return chart.node.findAll().find((c): c is kplus.Service => c instanceof kplus.Service && c.name === name && !isSelectorless(c));
  }

  private peers(field: string, peers: NetworkPeer[]): NetworkPeer[] {
    validateList(this, field, peers);
    if (peers.length === 0) invalid(this, field, [], 'must name at least one peer');
    peers.forEach((p, i) => {
      if (!(p instanceof NetworkPeer)) invalid(this, `${field}[${i}]`, p, 'must be a NetworkPeer');
      p._check(this, `${field}[${i}]`);
    });
    return peers;
  }

  private ports(field: string, ports: number[]): number[] {
    validateList(this, field, ports);
    if (ports.length === 0) invalid(this, field, [], 'must list at least one port');
    ports.forEach((p, i) => validatePort(this, `${field}[${i}]`, p));
    return ports;
  }

  private policy(base: string, spec: () => any): ApiObject {
    const n = this.ids.get(base) ?? 0;
    this.ids.set(base, n + 1);
    const obj = new ApiObject(this, n === 0 ? base : `${base}-${n}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { labels: StandardLabels.of(this.labels) },
      spec: Lazy.any({ produce: spec }),
    });
    this.policies.push(obj);
    return obj;
  }
}

/**
 * A workload's pod selector, as NetworkPolicy wants it. Jobs and CronJobs have no selector of
 * their own (the Job controller labels its pods by the Job's UID): their pods are selected by the
 * pod template's labels, without the ones that do not identify the workload. An empty selector
 * would select every pod of the namespace, so a workload without labels fails.
 */
function selectorOf(workload: kplus.Workload): any {
  const expressions = workload.matchExpressions;
  let matchLabels: { [key: string]: string } = { ...workload.matchLabels };
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
    matchLabels = { ...(workload.podMetadata.toJson().labels ?? {}) };
    for (const k of UNSELECTIVE_LABELS) delete matchLabels[k];
    delete matchLabels['cdk8s.io/metadata.addr'];
  }
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
    invalid(workload, 'pod labels', {}, 'must identify the workload\'s pods for a NetworkPolicy (an empty selector would select every pod of the namespace): label its pod template, e.g. workload.podMetadata.addLabel(\'app.kubernetes.io/name\', ...)');
  }
  return {
    matchLabels,
    ...(expressions.length > 0 ? { matchExpressions: expressions.map(e => ({ key: e.key, operator: e.operator, values: e.values })) } : {}),
  };
}

/** Labels that many workloads share: not a way to tell one workload's pods from another's. */
const UNSELECTIVE_LABELS = ['app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of', 'app.kubernetes.io/version'];

/** The pods and ports behind a Service, from its final manifest. */
function serviceTarget(scope: IConstruct, service: kplus.Service): { selector: { [k: string]: string }; ports: any[] } {
  const spec = ApiObject.of(service).toJson().spec ?? {};
  const selector = spec.selector ?? {};
  if (Object.keys(selector).length === 0) {
    invalid(scope, 'service', service.node.path, 'must select pods: a Service without a selector (an ExternalService) has no pods to protect; use allowEgress to reach it');
  }
  const ports = (spec.ports ?? []).map((p: any) => ({ port: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP' }));
  return { selector, ports };
}

/** Whether a Service has no selector (an ExternalService): its final manifest says. */
function isSelectorless(service: kplus.Service): boolean {
  return Object.keys(ApiObject.of(service).toJson().spec?.selector ?? {}).length === 0;
}
