import { createHash } from 'crypto';
import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AmbassadorProxy } from './ambassador-proxy';
import { ContainerProbes } from '../core/health-probe';
import { StandardLabels } from '../core/labels';
import { INetworkClient, NetworkFlow, asWorkload } from '../core/network-flow';
import { PodAttachmentProps, attachHelperContainer, findMainContainer, validateWorkload } from '../core/pod-attachment';
import { PodMutations } from '../core/pod-mutations';
import { invalid, validateEnvVarName, validateProps } from '../core/validation';

/** Where the proxy's configuration is mounted in the ambassador container. */
const CONFIG_DIR = '/etc/ambassador';

/** Prefix of the pod-template annotation that changes with the proxy configuration, to roll the pods. */
export const CONFIG_HASH_ANNOTATION_PREFIX = 'config-hash.cdk8s-patterns.io/';

/**
 * Props of `Ambassador`.
 */
export interface AmbassadorProps extends PodAttachmentProps {
  /**
   * The proxy to run, e.g. `AmbassadorProxy.envoyTcp(...)` or `AmbassadorProxy.twemproxyRedis(...)`.
   */
  readonly proxy: AmbassadorProxy;

  /**
   * The environment variable of the application container that receives the ambassador's
   * address, e.g. `REDIS_URL`.
   * @default - none: the application is configured some other way
   */
  readonly envVar?: string;

  /**
   * The URL scheme in front of the address, e.g. `redis` gives `redis://localhost:6379`.
   * @default - no scheme: `localhost:6379`
   */
  readonly urlScheme?: string;

  /**
   * The name of the proxy container; give each ambassador of a pod its own.
   * @default 'ambassador'
   */
  readonly containerName?: string;

  /**
   * Probes of the ambassador container. The proxy listens on 127.0.0.1 only, which kubelet
   * probes (sent to the pod IP) cannot reach, so there are none by default.
   * @default - none
   */
  readonly probes?: ContainerProbes;
}

/**
 * Ambassador (Burns & Oppenheimer; Kubernetes Patterns): a proxy container in the application's
 * pod that the application reaches on localhost instead of the remote service. The proxy hides
 * where and how the service runs (sharding, discovery, retries) so the application stays simple.
 *
 * The pattern renders the proxy's configuration into a ConfigMap mounted read-only into the
 * proxy, sets the application's environment variable to the localhost address, and annotates the
 * pod template with a hash of the configuration so that a change rolls the pods.
 */
export class Ambassador extends Construct implements INetworkClient {
  /** The proxy container. */
  public readonly container: kplus.Container;

  /** The ConfigMap that holds the proxy's configuration. */
  public readonly configMap: kplus.ConfigMap;

  /** The address the application connects to, e.g. `localhost:6379`. */
  public readonly address: string;

  /** The address with the URL scheme when one was given, e.g. `redis://localhost:6379`. */
  public readonly url: string;

  /** The workload the ambassador was added to. */
  public readonly workload: kplus.AbstractPod;

  private readonly upstreams: string[];

  /** The proxy's upstreams, reached from the workload's pods (for `NetworkSegmentation.allowFlowsOf`). */
  public get networkFlows(): NetworkFlow[] {
    const w = asWorkload(this.workload);
    if (!w) return [];
    return this.upstreams.map(u => {
      const i = u.lastIndexOf(':');
      return NetworkFlow.toHost(w, u.slice(0, i), Number(u.slice(i + 1)), `Ambassador ${this.node.path}: proxies to ${u}`);
    });
  }

  constructor(scope: Construct, id: string, props: AmbassadorProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'proxy']);
    this.workload = validateWorkload(this, props.workload);
    const main = findMainContainer(this, props.workload, props.mainContainer);
    const proxy = props.proxy;
    if (!(proxy instanceof AmbassadorProxy)) invalid(this, 'proxy', proxy, 'must be an AmbassadorProxy, e.g. AmbassadorProxy.envoyTcp(...)');
    this.upstreams = [...proxy.upstreams];
    if (props.envVar !== undefined) validateEnvVarName(this, 'envVar', props.envVar);

    this.configMap = new kplus.ConfigMap(this, 'config', { data: { [proxy.configFileName]: proxy.config } });
    StandardLabels.applyTo(this.configMap, { name: Names.toLabelValue(props.workload), component: 'ambassador' });

    // No containerPort: the proxy listens on 127.0.0.1, unreachable from outside the pod.
    this.container = attachHelperContainer(this, props, {
      name: props.containerName ?? 'ambassador',
      image: proxy.image,
      command: proxy.command,
      args: proxy.args(CONFIG_DIR),
    }, { name: 'ambassador', probes: props.probes, ports: { localPorts: [proxy.listenPort], localPortField: 'proxy listenPort' } });
    const mutations = PodMutations.of(props.workload);
    const volume = kplus.Volume.fromConfigMap(this, 'config-volume', this.configMap, { name: `${this.container.name}-config` });
    mutations.mount(this, 'proxy configuration', this.container, CONFIG_DIR, volume, { readOnly: true });

    this.address = `localhost:${proxy.listenPort}`;
    this.url = props.urlScheme ? `${props.urlScheme}://${this.address}` : this.address;
    if (props.envVar !== undefined) mutations.addEnv(this, 'envVar', main, props.envVar, kplus.EnvValue.fromValue(this.url));

    const hash = createHash('sha256').update(proxy.config).digest('hex').slice(0, 16);
    mutations.addAnnotation(this.node.path, `${CONFIG_HASH_ANNOTATION_PREFIX}${this.container.name}`, hash);
  }
}
