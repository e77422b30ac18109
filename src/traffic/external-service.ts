import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabels } from '../core/labels';
import { removeManifestField } from '../core/manifest-fields';
import { endpointIpFamily, invalid, isDnsSubdomain, validateList, validatePort, validatePortName, validateProps } from '../core/validation';
import { patternLabels } from '../core/workload-pattern';

/**
 * Props of `ExternalService`.
 */
export interface ExternalServiceProps {
  /**
   * The DNS name of the endpoint outside the cluster (a managed database, a serverless function,
   * the legacy data centre): an `ExternalName` Service, i.e. a CNAME in the cluster DNS. Give
   * this or `addresses`.
   * @default - not set
   */
  readonly externalName?: string;

  /**
   * IP addresses of the endpoint (all IPv4 or all IPv6): a Service without a selector and an
   * EndpointSlice listing them, so the name gets a ClusterIP that kube-proxy balances over the
   * addresses, and Gateway API implementations can route to it. Give this or `externalName`.
   * @default - not set
   */
  readonly addresses?: string[];

  /**
   * The port clients use on the in-cluster name (with `externalName`, the endpoint's own port:
   * clients connect to it directly, and the Service carries no port).
   * @default 80
   */
  readonly port?: number;

  /**
   * The endpoint's port (with `addresses`; an ExternalName Service has no port mapping).
   * @default - `port`
   */
  readonly targetPort?: number;

  /**
   * The port's name (a Gateway API or Ingress backend, or a mesh, may need it).
   * @default 'http'
   */
  readonly portName?: string;

  /**
   * `app.kubernetes.io/name` of the objects.
   * @default - the construct's id
   */
  readonly appName?: string;

  /**
   * `app.kubernetes.io/part-of` of the objects.
   * @default - not set
   */
  readonly partOf?: string;
}

/**
 * External service (hybrid applications; microservice operations): a stable in-cluster name
 * for something that runs outside the cluster. Applications address `<name>.<namespace>.svc`
 * as if the dependency were local; when it moves into the cluster, only this object changes.
 * With `externalName` the name is a CNAME (no proxying, no port mapping, and most Gateway API
 * implementations refuse it as a backend); with `addresses` it is a ClusterIP Service without a
 * selector plus an EndpointSlice (labelled `kubernetes.io/service-name`, managed by this library,
 * not the EndpointSlice controller), which routes and meshes treat like any Service.
 */
export class ExternalService extends Construct {
  /** The Service: its name is the stable in-cluster name. */
  public readonly service: kplus.Service;
  /** The EndpointSlice listing the addresses (with `addresses`). */
  public readonly endpointSlice?: ApiObject;
  /** The port clients use. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    validateProps(this, props);
    const hasName = props.externalName !== undefined;
    const hasAddresses = props.addresses !== undefined;
    if (hasName === hasAddresses) {
      invalid(this, hasName ? 'addresses' : 'externalName', hasName ? props.addresses : undefined,
        hasName ? 'must not be given with externalName: give one of the two' : 'or addresses must be given: the DNS name or the IP addresses of the external endpoint');
    }
    this.port = validatePort(this, 'port', props.port ?? 80);
    const targetPort = validatePort(this, 'targetPort', props.targetPort ?? this.port);
    const portName = validatePortName(this, 'portName', props.portName ?? 'http');
    const labels = StandardLabels.of(patternLabels(this, props, 'external-service'));

    if (hasName) {
      const name = props.externalName;
      if (!isDnsSubdomain(String(name).toLowerCase()) || String(name) !== String(name).toLowerCase() || /^[0-9.]+$/.test(String(name))) {
        invalid(this, 'externalName', name, 'must be a lower-case DNS name (not an IP address: give addresses for IPs)');
      }
      if (props.targetPort !== undefined && props.targetPort !== this.port) {
        invalid(this, 'targetPort', props.targetPort, `must equal port (${this.port}) or be left out: an ExternalName Service is a CNAME and maps no ports`);
      }
      this.service = new kplus.Service(this, 'service', {
        metadata: { labels },
        type: kplus.ServiceType.EXTERNAL_NAME,
        externalName: name,
        ports: [{ name: portName, port: this.port }],
      });
      return;
    }

    const addresses = validateList(this, 'addresses', props.addresses!);
    if (addresses.length === 0 || addresses.length > 1000) invalid(this, 'addresses', addresses, 'must list 1 to 1000 IP addresses');
    const families = new Set(addresses.map((a, i) => {
      const family = endpointIpFamily(a);
      if (!family) invalid(this, `addresses[${i}]`, a, 'must be an IPv4 or IPv6 address, not unspecified, loopback, link-local, multicast or IPv4-mapped (the API server refuses those as endpoints)');
      return family;
    }));
    if (families.size > 1) invalid(this, 'addresses', addresses, 'must all be IPv4 or all IPv6: one EndpointSlice has one address type');
    if (new Set(addresses).size !== addresses.length) invalid(this, 'addresses', addresses, 'must not repeat an address');
    this.service = new kplus.Service(this, 'service', {
      metadata: { labels },
      ports: [{ name: portName, port: this.port, targetPort }],
    });
    // cdk8s-plus writes `selector: {}`; no selector at all is what tells the EndpointSlice
    // controller to leave this Service's endpoints to us.
    removeManifestField(this.service, '/spec/selector');
    this.endpointSlice = new ApiObject(this, 'endpoints', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        labels: {
          ...labels,
          'kubernetes.io/service-name': this.service.name,
          // Not the EndpointSlice controller's value, so it leaves the slice alone.
          'endpointslice.kubernetes.io/managed-by': 'cdk8s-patterns',
        },
      },
      addressType: [...families][0],
      endpoints: addresses.map(a => ({ addresses: [a], conditions: { ready: true } })),
      ports: [{ name: portName, port: targetPort, protocol: 'TCP' }],
    });
  }
}
