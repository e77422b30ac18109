import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabels, StandardLabelsProps } from './labels';
import {
  Gateway, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode,
  HttpRoute, HttpRouteSpecRules, HttpRouteSpecRulesMatches, HttpRouteSpecRulesMatchesHeadersType, HttpRouteSpecRulesMatchesPathType,
} from '../imports/gateway-api';

/**
 * What one Gateway API HTTPRoute may hold: the `maxItems` of `spec.rules` and `spec.hostnames` in
 * the gateway.networking.k8s.io/v1 HTTPRoute CRD (v1.0 to v1.4). An API server with the CRDs
 * installed refuses a longer list, so patterns split their rules or fail at synth instead.
 */
export const HTTP_ROUTE_LIMITS = { rules: 16, hostnames: 16 } as const;

/** A Service port that a route sends requests to, with its share. */
export interface RouteBackend {
  readonly service: kplus.Service;
  readonly port: number;
  /** Proportional share among the rule's backends (Gateway API `weight`). */
  readonly weight?: number;
}

/** A header or cookie that selects requests. */
export interface RouteMatch {
  readonly kind: string;
  readonly name: string;
  readonly value: string;
}

/** One rule: requests matching `match` (all requests without one) go to the backends. */
export interface RouteRule {
  readonly match?: RouteMatch;
  /** The rule's path prefix. @default - the route's `pathPrefix` */
  readonly pathPrefix?: string;
  readonly backends: RouteBackend[];
}

/** Where a Gateway API route attaches and what it answers. */
export interface HttpRouteOptions {
  readonly gatewayName: string;
  readonly gatewayNamespace?: string;
  readonly listenerName?: string;
  readonly hostnames?: string[];
  readonly pathPrefix?: string;
}

/**
 * The one place that writes Gateway API HTTPRoutes (typed by the classes generated from the
 * real CRDs, src/imports/gateway-api.ts). Rules with a match come first in the order given; the
 * Gateway API also ranks by match specificity, so a header rule wins over the catch-all anyway.
 */
export function createHttpRoute(scope: Construct, id: string, options: HttpRouteOptions, rules: RouteRule[], labels: StandardLabelsProps): ApiObject {
  const specRules: HttpRouteSpecRules[] = rules.map(rule => {
    const path = { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: rule.pathPrefix ?? options.pathPrefix ?? '/' };
    const match: HttpRouteSpecRulesMatches = rule.match ? { path, headers: [headerMatch(rule.match)] } : { path };
    return {
      matches: [match],
      backendRefs: rule.backends.map(b => ({
        name: b.service.name,
        port: b.port,
        ...(b.weight !== undefined ? { weight: b.weight } : {}),
      })),
    };
  });
  const route = new HttpRoute(scope, id, {
    metadata: { labels: StandardLabels.of(labels) },
    spec: {
      parentRefs: [{
        name: options.gatewayName,
        ...(options.gatewayNamespace !== undefined ? { namespace: options.gatewayNamespace } : {}),
        ...(options.listenerName !== undefined ? { sectionName: options.listenerName } : {}),
      }],
      ...(options.hostnames && options.hostnames.length > 0 ? { hostnames: [...options.hostnames] } : {}),
      rules: specRules,
    },
  });
  return route;
}

function headerMatch(match: RouteMatch) {
  if (match.kind === 'header') return { type: HttpRouteSpecRulesMatchesHeadersType.EXACT, name: match.name, value: match.value };
  // No cookie match in the Gateway API: the Cookie header, as a regular expression (RE2).
  const esc = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return {
    type: HttpRouteSpecRulesMatchesHeadersType.REGULAR_EXPRESSION,
    name: 'Cookie',
    value: `(^|;\\s*)${esc(match.name)}=${esc(match.value)}(;|$)`,
  };
}

/** A listener of a Gateway this library creates. */
export interface GatewayListener {
  readonly name: string;
  readonly port: number;
  readonly hostname?: string;
  /** HTTPS with the certificate of this Secret (in the Gateway's namespace); HTTP without. */
  readonly tlsSecretName?: string;
}

/**
 * The one place that writes Gateway API Gateways: listeners admit routes of the Gateway's own
 * namespace only (routes elsewhere need an explicit allowance, which is a platform decision).
 */
export function createGateway(scope: Construct, id: string, className: string, listeners: GatewayListener[], labels: StandardLabelsProps): ApiObject {
  return new Gateway(scope, id, {
    metadata: { labels: StandardLabels.of(labels) },
    spec: {
      gatewayClassName: className,
      listeners: listeners.map(l => ({
        name: l.name,
        port: l.port,
        protocol: l.tlsSecretName ? 'HTTPS' : 'HTTP',
        ...(l.hostname !== undefined ? { hostname: l.hostname } : {}),
        ...(l.tlsSecretName ? { tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ kind: 'Secret', name: l.tlsSecretName }] } } : {}),
        allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } },
      })),
    },
  });
}

/** Where an ingress-nginx Ingress routes. */
export interface NginxIngressOptions {
  readonly host?: string;
  readonly pathPrefix?: string;
  readonly ingressClassName?: string;
}

/** What makes an Ingress the canary of another one with the same host and path. */
export interface NginxCanary {
  /** Percent of requests. */
  readonly weight?: number;
  /** Requests with this header value or cookie. */
  readonly match?: RouteMatch;
}

const CANARY = 'nginx.ingress.kubernetes.io/canary';

/**
 * An ingress-nginx Ingress for one backend; with `canary`, the canary Ingress of the same host
 * and path (the `nginx.ingress.kubernetes.io/canary*` annotations; header beats cookie beats
 * weight). The one place that writes them.
 */
export function createNginxIngress(
  scope: Construct, id: string, options: NginxIngressOptions, backend: RouteBackend, canary: NginxCanary | undefined, labels: StandardLabelsProps,
): kplus.Ingress {
  const annotations: { [key: string]: string } = {};
  if (canary) {
    annotations[CANARY] = 'true';
    if (canary.weight !== undefined) annotations[`${CANARY}-weight`] = String(canary.weight);
    if (canary.match?.kind === 'header') {
      annotations[`${CANARY}-by-header`] = canary.match.name;
      annotations[`${CANARY}-by-header-value`] = canary.match.value;
    } else if (canary.match?.kind === 'cookie') {
      annotations[`${CANARY}-by-cookie`] = canary.match.name;
    }
  }
  const ingress = new kplus.Ingress(scope, id, {
    metadata: { labels: StandardLabels.of(labels), annotations },
    className: options.ingressClassName ?? 'nginx',
    rules: [{
      host: options.host,
      path: options.pathPrefix ?? '/',
      pathType: kplus.HttpIngressPathType.PREFIX,
      backend: kplus.IngressBackend.fromService(backend.service, { port: backend.port }),
    }],
  });
  return ingress;
}

/** One host/path rule of an Ingress. */
export interface IngressEntry {
  readonly host?: string;
  readonly pathPrefix: string;
  readonly backend: RouteBackend;
}

/** An Ingress with many host/path rules (an API gateway on an Ingress controller), with TLS from a Secret. */
export function createIngress(
  scope: Construct, id: string, className: string, entries: IngressEntry[],
  tls: { readonly secretName: string; readonly hosts: string[] } | undefined, labels: StandardLabelsProps,
): kplus.Ingress {
  return new kplus.Ingress(scope, id, {
    metadata: { labels: StandardLabels.of(labels) },
    className,
    rules: entries.map(e => ({
      host: e.host,
      path: e.pathPrefix,
      pathType: kplus.HttpIngressPathType.PREFIX,
      backend: kplus.IngressBackend.fromService(e.backend.service, { port: e.backend.port }),
    })),
    tls: tls ? [{ hosts: tls.hosts.length > 0 ? tls.hosts : undefined, secret: kplus.Secret.fromSecretName(scope, `${id}-tls`, tls.secretName) }] : undefined,
  });
}
