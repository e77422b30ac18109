import * as kplus from 'cdk8s-plus-28';

/**
 * A construct that routes requests to Services (an API gateway, a strangler, a release's tracks):
 * `NetworkSegmentation.allowFromGateway` lets the gateway's traffic reach exactly these.
 */
export interface IRoutedBackends {
  /** The Services requests are routed to (ClusterIP Services of this chart, or ExternalServices'). */
  readonly backends: kplus.Service[];
}
