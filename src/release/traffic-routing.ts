import { IConstruct } from 'constructs';
import { HTTP_ROUTE_LIMITS } from '../core/traffic-routes';
import { invalid, isDnsLabel, isDnsSubdomain, isHostname, isHttpPathPrefix, validateProps } from '../core/validation';

/**
 * Options of `TrafficRouting.gatewayApi()`.
 */
export interface GatewayRoutingOptions {
  /** The name of the Gateway the HTTPRoute attaches to (`parentRefs[0].name`). */
  readonly gatewayName: string;

  /**
   * The Gateway's namespace. A route in another namespace needs the listener's
   * `allowedRoutes.namespaces` to admit it.
   * @default - the route's namespace
   */
  readonly gatewayNamespace?: string;

  /**
   * One listener of the Gateway, by name (`parentRefs[0].sectionName`).
   * @default - every listener of the Gateway that admits the route
   */
  readonly listenerName?: string;

  /**
   * Host names the route answers (`Host` header), e.g. `shop.example.com` or `*.example.com`.
   * @default - every host of the Gateway's listener
   */
  readonly hostnames?: string[];

  /**
   * The path prefix routed.
   * @default '/'
   */
  readonly pathPrefix?: string;
}

/**
 * Options of `TrafficRouting.ingressNginx()`.
 */
export interface IngressNginxRoutingOptions {
  /**
   * The host name of the Ingress rule.
   * @default - every host
   */
  readonly host?: string;

  /**
   * The path prefix routed.
   * @default '/'
   */
  readonly pathPrefix?: string;

  /**
   * `spec.ingressClassName` of the Ingresses.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
}

/**
 * Options of `TrafficRouting.replicaRatio()`.
 */
export interface ReplicaRatioRoutingOptions {
  /**
   * The replicas of both tracks together; the share of a track is its replicas divided by
   * this, so the share moves in steps of `100 / replicas` percent.
   */
  readonly replicas: number;
}

/**
 * How requests are split between the tracks of a release (canary, A/B, blue-green).
 * Gateway API is the primary target; ingress-nginx annotations are an alternative for clusters
 * that still run it (the ingress-nginx project was retired in March 2026: no more fixes);
 * a replica ratio behind one Service works on any cluster but is coarse.
 */
export class TrafficRouting {
  /**
   * A Gateway API `HTTPRoute` (`gateway.networking.k8s.io/v1`) attached to a Gateway: weighted
   * `backendRefs` for a canary (exact, per request), header `matches` for A/B. Needs the
   * Gateway API CRDs and a Gateway implementation (Traefik, Envoy Gateway, Istio, Cilium, ...).
   */
  public static gatewayApi(options: GatewayRoutingOptions): TrafficRouting {
    return new TrafficRouting('gatewayApi', options);
  }

  /**
   * ingress-nginx: one Ingress for the main track and a second one with the
   * `nginx.ingress.kubernetes.io/canary*` annotations for the other (weight, header or cookie).
   * ingress-nginx was retired in March 2026; prefer `gatewayApi()` on new clusters.
   */
  public static ingressNginx(options: IngressNginxRoutingOptions = {}): TrafficRouting {
    return new TrafficRouting('ingressNginx', options);
  }

  /**
   * One Service selecting the pods of both tracks, each track getting its share of the replicas:
   * no router needed, but the share is per connection through kube-proxy, only approximate,
   * and moves in steps of `100 / replicas` percent (10 replicas: 10%, 20%, ...). Canary only.
   */
  public static replicaRatio(options: ReplicaRatioRoutingOptions): TrafficRouting {
    return new TrafficRouting('replicaRatio', options);
  }

  /** `gatewayApi`, `ingressNginx` or `replicaRatio`. */
  public readonly kind: string;

  private readonly options: any;

  private constructor(kind: string, options: any) {
    this.kind = kind;
    this.options = options;
  }

  /**
   * The options, checked; fails naming `scope` and `field` on a bad one.
   * @internal
   */
  public _checked(scope: IConstruct, field: string): any {
    const o = this.options;
    validateProps(scope as any, o, this.kind === 'gatewayApi' ? ['gatewayName'] : this.kind === 'replicaRatio' ? ['replicas'] : []);
    if (this.kind === 'gatewayApi') {
      if (!isDnsSubdomain(o.gatewayName)) invalid(scope, `${field}.gatewayName`, o.gatewayName, 'must be a DNS subdomain (a Gateway name)');
      if (o.gatewayNamespace !== undefined && !isDnsLabel(o.gatewayNamespace)) invalid(scope, `${field}.gatewayNamespace`, o.gatewayNamespace, 'must be a DNS label (a namespace)');
      if (o.listenerName !== undefined && !isDnsSubdomain(o.listenerName)) invalid(scope, `${field}.listenerName`, o.listenerName, 'must be a DNS subdomain (a listener name)');
      const hostnames = o.hostnames ?? [];
      if (!Array.isArray(hostnames)) invalid(scope, `${field}.hostnames`, hostnames, 'must be a list of host names');
      hostnames.forEach((h: unknown, i: number) => checkHost(scope, `${field}.hostnames[${i}]`, h, true));
      if (new Set(hostnames).size !== hostnames.length) invalid(scope, `${field}.hostnames`, hostnames, 'must not repeat a host name');
      if (hostnames.length > HTTP_ROUTE_LIMITS.hostnames) {
        invalid(scope, `${field}.hostnames`, hostnames, `must list at most ${HTTP_ROUTE_LIMITS.hostnames} host names: a Gateway API HTTPRoute holds no more`);
      }
    }
    if (this.kind === 'ingressNginx') {
      if (o.host !== undefined) checkHost(scope, `${field}.host`, o.host, true);
      if (o.ingressClassName !== undefined && !isDnsSubdomain(o.ingressClassName)) invalid(scope, `${field}.ingressClassName`, o.ingressClassName, 'must be a DNS subdomain (an IngressClass name)');
    }
    if (this.kind !== 'replicaRatio') {
      const prefix = o.pathPrefix ?? '/';
      if (!isHttpPathPrefix(prefix)) invalid(scope, `${field}.pathPrefix`, prefix, PATH_PREFIX_ALLOWED);
    } else if (typeof o.replicas !== 'number' || !Number.isInteger(o.replicas) || o.replicas < 2) {
      invalid(scope, `${field}.replicas`, o.replicas, 'must be a whole number ≥ 2 (one pod per track at least)');
    }
    return o;
  }
}

/** What a path prefix may be (isHttpPathPrefix), for messages. */
export const PATH_PREFIX_ALLOWED = 'must be an absolute URL path of at most 1024 characters, e.g. "/" or "/api", without empty, "." or ".." segments or an encoded "/"';

/** What a host name may be (isHostname), for messages. */
export const HOSTNAME_ALLOWED = 'must be a DNS host name of at most 253 characters, optionally starting with "*." (not an IP address)';

function checkHost(scope: IConstruct, field: string, value: unknown, wildcard: boolean): void {
  if (!isHostname(value, wildcard)) invalid(scope, field, value, HOSTNAME_ALLOWED);
}

/**
 * Which requests go to the B track of an A/B test.
 */
export class RequestMatch {
  /**
   * Requests with this header value (exact match). Header names are case-insensitive.
   */
  public static header(name: string, value: string): RequestMatch {
    return new RequestMatch('header', name, value);
  }

  /**
   * Requests with this cookie value. Gateway API has no cookie match: the HTTPRoute matches the
   * `Cookie` header with a regular expression (an implementation-specific feature, supported by
   * Traefik, Envoy Gateway and Istio). ingress-nginx routes a cookie only when its value is
   * `always`.
   */
  public static cookie(name: string, value: string): RequestMatch {
    return new RequestMatch('cookie', name, value);
  }

  /** `header` or `cookie`. */
  public readonly kind: string;
  /** The header or cookie name. */
  public readonly name: string;
  /** The value that selects B. */
  public readonly value: string;

  private constructor(kind: string, name: string, value: string) {
    this.kind = kind;
    this.name = name;
    this.value = value;
  }

  /**
   * Checks the name and value; fails naming `scope` and `field`.
   * @internal
   */
  public _check(scope: IConstruct, field: string): void {
    const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
    const cookieName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
    if (typeof this.name !== 'string' || !(this.kind === 'header' ? token : cookieName).test(this.name)) {
      invalid(scope, `${field}.name`, this.name, `must be a ${this.kind} name: 1 to 256 characters, letters, digits and !#$%&'*+-.^_\`|~`);
    }
    const valueOk = this.kind === 'header' ? /^[\x21-\x7e]([\x20-\x7e]{0,4094}[\x21-\x7e])?$/ : /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,4096}$/;
    if (typeof this.value !== 'string' || !valueOk.test(this.value)) {
      invalid(scope, `${field}.value`, this.value, this.kind === 'header'
        ? 'must be 1 to 4096 printable ASCII characters, not starting or ending with a space'
        : 'must be 1 to 4096 cookie-value characters (printable ASCII without space, ", comma, ; or \\)');
    }
  }
}
