import * as kplus from 'cdk8s-plus-28';

/** What a `NetworkFlow` connects. */
export enum NetworkFlowKind {
  /** Pods of a workload send to the pods behind a Service of the same chart. */
  SERVICE = 'service',
  /** Pods of a workload call the Kubernetes API server. */
  API_SERVER = 'apiServer',
  /** Pods of a workload send to a host name or address on a port (outside the chart). */
  HOST = 'host',
  /** A workload's pods serve metrics that a monitoring system scrapes. */
  METRICS = 'metrics',
}

/**
 * A network flow that a pattern's pods need: the queue a WorkQueue's workers read, the API server
 * a LeaderElected workload renews its Lease on, the upstream of an Ambassador, the metrics port of
 * an Adapter. Patterns list theirs in `networkFlows`; `NetworkSegmentation.allowFlowsOf` turns
 * them into NetworkPolicies, so the segmentation follows the wiring instead of restating it.
 */
export class NetworkFlow {
  /** Pods of `source` send to the pods behind `service` on its target ports. */
  public static toService(source: kplus.Workload, service: kplus.Service, description: string): NetworkFlow {
    return new NetworkFlow(NetworkFlowKind.SERVICE, source, description, { service });
  }

  /** Pods of `source` call the Kubernetes API server. */
  public static toApiServer(source: kplus.Workload, description: string): NetworkFlow {
    return new NetworkFlow(NetworkFlowKind.API_SERVER, source, description, {});
  }

  /** Pods of `source` send to `host` (a DNS name or an IP address) on TCP `port`. */
  public static toHost(source: kplus.Workload, host: string, port: number, description: string): NetworkFlow {
    return new NetworkFlow(NetworkFlowKind.HOST, source, description, { host, port });
  }

  /** The pods of `source` serve metrics on TCP `port`, to be scraped. */
  public static metrics(source: kplus.Workload, port: number, description: string): NetworkFlow {
    return new NetworkFlow(NetworkFlowKind.METRICS, source, description, { port });
  }

  /** What the flow connects. */
  public readonly kind: NetworkFlowKind;
  /** The workload whose pods send (or, for METRICS, serve). */
  public readonly source: kplus.Workload;
  /** Which pattern needs the flow and why, e.g. `WorkQueue thumbnails: workers read the queue`. */
  public readonly description: string;
  /** The destination Service (SERVICE). */
  public readonly service?: kplus.Service;
  /** The destination host (HOST). */
  public readonly host?: string;
  /** The destination port (HOST) or the metrics port (METRICS). */
  public readonly port?: number;

  private constructor(kind: NetworkFlowKind, source: kplus.Workload, description: string,
    to: { service?: kplus.Service; host?: string; port?: number }) {
    this.kind = kind;
    this.source = source;
    this.description = description;
    this.service = to.service;
    this.host = to.host;
    this.port = to.port;
  }
}

/**
 * A pattern whose pods need network flows (for `NetworkSegmentation.allowFlowsOf`).
 */
export interface INetworkClient {
  /** The flows the pattern's pods need, in a stable order. */
  readonly networkFlows: NetworkFlow[];
}

/** The pod holder as a workload when it is one (flows are per workload: a bare Pod has no selector). */
export function asWorkload(pod: kplus.AbstractPod): kplus.Workload | undefined {
  return pod instanceof kplus.Workload ? pod : undefined;
}
