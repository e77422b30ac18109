import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabelsProps } from '../core/labels';
import { IRoutedBackends } from '../core/routed-backends';
import { HTTP_ROUTE_LIMITS, RouteBackend, createGateway, createHttpRoute, createIngress } from '../core/traffic-routes';
import { invalid, isDnsSubdomain, isHostname, isHttpPathPrefix, validateList, validatePort, validateProps } from '../core/validation';
import { patternLabels } from '../core/workload-pattern';
import { HOSTNAME_ALLOWED, PATH_PREFIX_ALLOWED, TrafficRouting } from '../release/traffic-routing';

/**
 * One route of an `ApiGateway`: requests for a path prefix (and host names) go to a Service.
 */
export interface ApiRoute {
  /** The Service behind the path: a ClusterIP Service (of a workload, or an `ExternalService`). */
  readonly service: kplus.Service;

  /**
   * The path prefix routed to the Service (longest prefix wins).
   * @default '/'
   */
  readonly pathPrefix?: string;

  /**
   * The Service port.
   * @default - the Service's first port
   */
  readonly port?: number;

  /**
   * Host names of this route.
   * @default - the gateway's `hostnames`
   */
  readonly hostnames?: string[];
}

/**
 * Props of `ApiGateway`.
 */
export interface ApiGatewayProps {
  /** The routes: path prefixes (and hosts) to internal Services. At least one. */
  readonly routes: ApiRoute[];

  /**
   * Host names the routes answer (`Host` header); each may start with `*.`.
   * @default - every host
   */
  readonly hostnames?: string[];

  /**
   * Create a Gateway of this GatewayClass (e.g. `traefik`, `eg` for Envoy Gateway, `istio`,
   * `cilium`): one listener, HTTP, or HTTPS with `tlsSecretName`. Give this, or `routing`.
   * @default - no Gateway is created
   */
  readonly gatewayClassName?: string;

  /**
   * The listener port of the Gateway created with `gatewayClassName` (Traefik: its entry point's
   * port, 8000 for `web` and 8443 for `websecure` in its Helm chart).
   * @default 80, or 443 with `tlsSecretName`
   */
  readonly listenerPort?: number;

  /**
   * Terminate TLS at the gateway with the certificate and key of this `kubernetes.io/tls`
   * Secret (in the gateway's namespace; cert-manager or your PKI writes it).
   * @default - plain HTTP
   */
  readonly tlsSecretName?: string;

  /**
   * Route through something that exists instead of a Gateway of our own:
   * `TrafficRouting.gatewayApi({ gatewayName })` attaches HTTPRoutes to that Gateway,
   * `TrafficRouting.ingressNginx()` writes one Ingress (retired controller; TLS from
   * `tlsSecretName` still applies).
   * @default - a Gateway of `gatewayClassName`
   */
  readonly routing?: TrafficRouting;

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

/** A route as checked: its backend, path and hosts. */
interface CheckedRoute {
  readonly backend: RouteBackend;
  readonly pathPrefix: string;
  readonly hostnames: string[];
}

/**
 * API gateway (microservice architecture): one external entry point for many internal services.
 * Requests are routed by host and path prefix to ClusterIP Services, which stay unreachable from
 * outside except through the gateway. By default a Gateway API Gateway (`gatewayClassName`, HTTP
 * or HTTPS from a TLS Secret) and one HTTPRoute per set of host names (more when a set has
 * over 16 routes, an HTTPRoute's limit); or HTTPRoutes attached to
 * an existing Gateway; or one ingress-nginx Ingress. Cross-cutting concerns (rate limiting,
 * authentication) are implementation features: see the docs page for what each backend offers.
 */
export class ApiGateway extends Construct implements IRoutedBackends {
  /** The Services the routes send requests to (each once). */
  public readonly backends: kplus.Service[];
  /** The Gateway, when `gatewayClassName` created one. */
  public readonly gateway?: ApiObject;
  /**
   * The HTTPRoutes (Gateway API): one per distinct set of host names, split into several when a
   * set has more than 16 routes (an HTTPRoute holds at most 16 rules; the Gateway merges them).
   */
  public readonly routes: ApiObject[];
  /** The Ingress, with `TrafficRouting.ingressNginx()`. */
  public readonly ingress?: kplus.Ingress;

  constructor(scope: Construct, id: string, props: ApiGatewayProps) {
    super(scope, id);
    validateProps(this, props, ['routes']);
    const labels = patternLabels(this, props, 'api-gateway');
    const routes = checkRoutes(this, 'routes', props.routes, props.hostnames);
    this.backends = [...new Set(routes.map(r => r.backend.service))];
    const tls = props.tlsSecretName;
    if (tls !== undefined && !isDnsSubdomain(tls)) invalid(this, 'tlsSecretName', tls, 'must be a DNS subdomain (a Secret name)');
    const routing = props.routing;
    if (routing !== undefined && (!(routing instanceof TrafficRouting) || routing.kind === 'replicaRatio')) {
      invalid(this, 'routing', routing instanceof TrafficRouting ? `TrafficRouting.${routing.kind}()` : routing, 'must be TrafficRouting.gatewayApi() or TrafficRouting.ingressNginx()');
    }
    if ((routing === undefined) === (props.gatewayClassName === undefined)) {
      invalid(this, 'gatewayClassName', props.gatewayClassName, routing === undefined
        ? 'or routing must be given: the class of the Gateway to create, or the Gateway or Ingress controller to route through'
        : 'must not be given with routing: either create a Gateway or use the one routing names');
    }
    const options = routing?._checked(this, 'routing');
    for (const field of ['pathPrefix', 'hostnames', 'host'] as const) {
      if (options?.[field] !== undefined) invalid(this, `routing.${field}`, options[field], 'must be left out: an ApiGateway takes its hosts and paths from hostnames and routes');
    }
    if (routing !== undefined && props.listenerPort !== undefined) invalid(this, 'listenerPort', props.listenerPort, 'must be left out with routing: the existing Gateway or Ingress controller owns its ports');
    if (routing?.kind === 'gatewayApi' && tls !== undefined) {
      invalid(this, 'tlsSecretName', tls, 'must be left out with TrafficRouting.gatewayApi(): TLS is configured on the existing Gateway\'s listener');
    }

    if (routing?.kind === 'ingressNginx') {
      const hosts = [...new Set(routes.flatMap(r => r.hostnames))];
      const entries = routes.flatMap(r => (r.hostnames.length > 0 ? r.hostnames : [undefined])
        .map(host => ({ host, pathPrefix: r.pathPrefix, backend: r.backend })));
      this.ingress = createIngress(this, 'ingress', options.ingressClassName ?? 'nginx', entries, tls ? { secretName: tls, hosts } : undefined, labels);
      this.routes = [];
      return;
    }

    let parent = options;
    if (routing === undefined) {
      if (!isDnsSubdomain(props.gatewayClassName)) invalid(this, 'gatewayClassName', props.gatewayClassName, 'must be a DNS subdomain (a GatewayClass name)');
      const listenerPort = validatePort(this, 'listenerPort', props.listenerPort ?? (tls ? 443 : 80));
      this.gateway = createGateway(this, 'gateway', props.gatewayClassName!, [{ name: tls ? 'https' : 'http', port: listenerPort, tlsSecretName: tls }], labels);
      parent = { gatewayName: this.gateway.name };
    }
    this.routes = groupByHosts(routes).flatMap(([hosts, group, first], i) => {
      if (hosts.length > HTTP_ROUTE_LIMITS.hostnames) {
        const field = props.routes[first].hostnames === undefined ? 'hostnames' : `routes[${first}].hostnames`;
        invalid(this, field, hosts, `must list at most ${HTTP_ROUTE_LIMITS.hostnames} host names with the Gateway API: an HTTPRoute holds no more`);
      }
      // Routes of one host set beyond an HTTPRoute's 16 rules go to further HTTPRoutes: the
      // Gateway merges the rules of every route for a host, and each path has one backend.
      const base = i === 0 ? 'route' : `route-${i}`;
      return chunks(group, HTTP_ROUTE_LIMITS.rules).map((part, k) => createHttpRoute(this, k === 0 ? base : `${base}-part-${k + 1}`,
        { ...parent, hostnames: hosts }, part.map(r => ({ pathPrefix: r.pathPrefix, backends: [r.backend] })), labels as StandardLabelsProps));
    });
  }
}

/** Checks routes; shared with `Strangler`. */
export function checkRoutes(scope: Construct, field: string, routes: ApiRoute[], hostnames: string[] | undefined): CheckedRoute[] {
  validateList(scope, field, routes);
  if (routes.length === 0) invalid(scope, field, [], 'must list at least one route');
  const defaults = hostnames === undefined ? [] : checkHostnames(scope, 'hostnames', hostnames);
  const seen = new Map<string, number>();
  return routes.map((r, i) => {
    const at = `${field}[${i}]`;
    validateProps(scope, r, ['service']);
    const backend = checkBackend(scope, `${at}.service`, r.service, r.port, `${at}.port`);
    const pathPrefix = r.pathPrefix ?? '/';
    if (!isHttpPathPrefix(pathPrefix)) invalid(scope, `${at}.pathPrefix`, pathPrefix, PATH_PREFIX_ALLOWED);
    const hosts = r.hostnames === undefined ? defaults : checkHostnames(scope, `${at}.hostnames`, r.hostnames);
    for (const h of hosts.length > 0 ? hosts : ['*']) {
      const key = `${h} ${pathPrefix}`;
      if (seen.has(key)) invalid(scope, `${at}.pathPrefix`, pathPrefix, `must differ from ${field}[${seen.get(key)}].pathPrefix for host ${h}: one path, one backend`);
      seen.set(key, i);
    }
    return { backend, pathPrefix, hostnames: hosts };
  });
}

/** A route's Service and port: ClusterIP (internal services are reached only through the gateway). */
export function checkBackend(scope: Construct, field: string, service: kplus.Service, port: number | undefined, portField: string): RouteBackend {
  if (!(service instanceof kplus.Service)) invalid(scope, field, service, 'must be a cdk8s-plus Service (an ExternalService\'s `service` for endpoints outside the cluster)');
  if (service.type === kplus.ServiceType.EXTERNAL_NAME) {
    invalid(scope, field, service.node.path, 'must not be an ExternalName Service: Gateway API implementations and ingress-nginx do not route to them reliably; give the ExternalService addresses instead');
  }
  if (service.type !== kplus.ServiceType.CLUSTER_IP) {
    invalid(scope, field, service.node.path, `must be a ClusterIP Service, not ${service.type}: services behind the gateway are reached only through it`);
  }
  const ports = service.ports.map(p => p.port);
  if (port === undefined) {
    if (ports.length === 0) invalid(scope, portField, undefined, `must be given: ${service.node.path} has no ports yet`);
    return { service, port: ports[0] };
  }
  if (!ports.includes(port)) invalid(scope, portField, port, `must be a port of ${service.node.path}: ${ports.join(', ') || '(none)'}`);
  return { service, port };
}

function checkHostnames(scope: Construct, field: string, hostnames: string[]): string[] {
  validateList(scope, field, hostnames);
  hostnames.forEach((h, i) => {
    if (!isHostname(h)) invalid(scope, `${field}[${i}]`, h, HOSTNAME_ALLOWED);
  });
  if (new Set(hostnames).size !== hostnames.length) invalid(scope, field, hostnames, 'must not repeat a host name');
  return [...hostnames];
}

/**
 * Routes grouped by their host names (one HTTPRoute per group), in the order first seen, with the
 * index of the group's first route.
 */
function groupByHosts(routes: CheckedRoute[]): Array<[string[], CheckedRoute[], number]> {
  const groups = new Map<string, [string[], CheckedRoute[], number]>();
  routes.forEach((r, i) => {
    const key = [...r.hostnames].sort().join(',');
    if (!groups.has(key)) groups.set(key, [r.hostnames, [], i]);
    groups.get(key)![1].push(r);
  });
  return [...groups.values()];
}

/** The list cut into consecutive pieces of at most `size` items. */
function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
