import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ApiRoute, checkBackend, checkRoutes } from './api-gateway';
import { IRoutedBackends } from '../core/routed-backends';
import { HTTP_ROUTE_LIMITS, createHttpRoute, createIngress } from '../core/traffic-routes';
import { invalid, validateList, validateProps } from '../core/validation';
import { patternLabels } from '../core/workload-pattern';
import { TrafficRouting } from '../release/traffic-routing';

/**
 * Props of `Strangler`.
 */
export interface StranglerProps {
  /**
   * The legacy application: everything not yet migrated goes here (a catch-all on `/`). It may
   * run outside the cluster: pass an `ExternalService`'s `service`.
   */
  readonly legacy: kplus.Service;

  /**
   * The legacy Service's port.
   * @default - its first port
   */
  readonly legacyPort?: number;

  /**
   * The paths already moved to new services (longest prefix wins; `/` stays with the legacy
   * application until the last step, when the strangler is removed). May be empty on day one.
   */
  readonly strangled: ApiRoute[];

  /**
   * Host names of the application.
   * @default - every host of the Gateway's listener
   */
  readonly hostnames?: string[];

  /**
   * The Gateway the route attaches to (`TrafficRouting.gatewayApi()`), or one ingress-nginx
   * Ingress (`TrafficRouting.ingressNginx()`, retired controller).
   */
  readonly routing: TrafficRouting;

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
 * Strangler fig (microservice migration, Martin Fowler): a monolith is replaced step by step.
 * One route answers for the application; each migrated path prefix goes to its new service and
 * everything else falls through to the legacy application, which may live outside the cluster
 * (an `ExternalService`). Each release moves one more path (`strangled`); clients never change
 * the address they call.
 */
export class Strangler extends Construct implements IRoutedBackends {
  /** The Services requests are routed to: the migrated services, then the legacy one. */
  public readonly backends: kplus.Service[];
  /** The HTTPRoute, with `TrafficRouting.gatewayApi()`. */
  public readonly route?: ApiObject;
  /** The Ingress, with `TrafficRouting.ingressNginx()`. */
  public readonly ingress?: kplus.Ingress;

  constructor(scope: Construct, id: string, props: StranglerProps) {
    super(scope, id);
    validateProps(this, props, ['legacy', 'strangled', 'routing']);
    const labels = patternLabels(this, props, 'strangler');
    const legacy = checkBackend(this, 'legacy', props.legacy, props.legacyPort, 'legacyPort');
    validateList(this, 'strangled', props.strangled);
    const moved = props.strangled.length === 0 ? [] : checkRoutes(this, 'strangled', props.strangled, props.hostnames);
    moved.forEach((r, i) => {
      if (r.pathPrefix === '/') invalid(this, `strangled[${i}].pathPrefix`, '/', 'must not be "/": the legacy application keeps the catch-all; once nothing is left for it, replace the Strangler by an ApiGateway');
      if (props.strangled[i].hostnames !== undefined) invalid(this, `strangled[${i}].hostnames`, props.strangled[i].hostnames, 'must be left out: the strangled application has one set of host names (hostnames)');
    });
    this.backends = [...new Set([...moved.map(r => r.backend.service), legacy.service])];
    const routing = props.routing;
    if (!(routing instanceof TrafficRouting) || routing.kind === 'replicaRatio') {
      invalid(this, 'routing', routing instanceof TrafficRouting ? `TrafficRouting.${routing.kind}()` : routing, 'must be TrafficRouting.gatewayApi() or TrafficRouting.ingressNginx()');
    }
    const options = routing._checked(this, 'routing');
    for (const field of ['pathPrefix', 'hostnames', 'host'] as const) {
      if (options[field] !== undefined) invalid(this, `routing.${field}`, options[field], 'must be left out: a Strangler takes its hosts from hostnames and its paths from strangled');
    }
    const hosts = moved[0]?.hostnames ?? (props.hostnames === undefined ? [] : checkRoutes(this, 'legacy', [{ service: props.legacy, port: legacy.port }], props.hostnames)[0].hostnames);
    if (routing.kind === 'gatewayApi') {
      // One HTTPRoute keeps the catch-all and the moved paths together, so it must fit them all.
      if (moved.length >= HTTP_ROUTE_LIMITS.rules) {
        invalid(this, 'strangled', `${moved.length} paths`, `must list at most ${HTTP_ROUTE_LIMITS.rules - 1} paths with TrafficRouting.gatewayApi(): the HTTPRoute holds ${HTTP_ROUTE_LIMITS.rules} rules, one of them the legacy catch-all; move services under a shared path prefix, or use TrafficRouting.ingressNginx()`);
      }
      if (hosts.length > HTTP_ROUTE_LIMITS.hostnames) {
        invalid(this, 'hostnames', hosts, `must list at most ${HTTP_ROUTE_LIMITS.hostnames} host names with TrafficRouting.gatewayApi(): an HTTPRoute holds no more`);
      }
      this.route = createHttpRoute(this, 'route', { ...options, hostnames: hosts }, [
        ...moved.map(r => ({ pathPrefix: r.pathPrefix, backends: [r.backend] })),
        { pathPrefix: '/', backends: [legacy] },
      ], labels);
    } else {
      const entries = [...moved.map(r => ({ pathPrefix: r.pathPrefix, backend: r.backend })), { pathPrefix: '/', backend: legacy }];
      this.ingress = createIngress(this, 'ingress', options.ingressClassName ?? 'nginx',
        (hosts.length > 0 ? hosts : [undefined]).flatMap(host => entries.map(e => ({ ...e, host }))), undefined, labels);
    }
  }
}
