import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BuiltTrack, ITrackAttachment, ReleaseProps, ReleaseTrackProps, attachToTracks, buildTracks, checkReleaseProps, routeToTracks,
} from './release-track';
import { RequestMatch, TrafficRouting } from './traffic-routing';
import { IRoutedBackends } from '../core/routed-backends';
import { invalid, validateProps } from '../core/validation';
import { patternLabels } from '../core/workload-pattern';

/**
 * Props of `AbTestDeployment`.
 */
export interface AbTestDeploymentProps extends ReleaseProps {
  /** Variant A: every request that does not match. Its `replicas` default to 2. */
  readonly a: ReleaseTrackProps;

  /** Variant B: the requests that match. Its `replicas` default to 1. */
  readonly b: ReleaseTrackProps;

  /** Which requests go to B: `RequestMatch.header(name, value)` or `RequestMatch.cookie(name, value)`. */
  readonly match: RequestMatch;

  /**
   * `TrafficRouting.gatewayApi()` (an HTTPRoute with a header match rule for B and a catch-all
   * rule for A) or `TrafficRouting.ingressNginx()` (a canary Ingress with `canary-by-header`
   * or `canary-by-cookie`). A replica ratio cannot route by request.
   */
  readonly routing: TrafficRouting;
}

/**
 * A/B testing (microservice operations): two variants of an application run side by side and
 * requests are routed by who sends them, not by chance: those with a given header or cookie value
 * (a user segment, a feature flag set by the front end) reach B, all others A, so each user sees
 * one variant consistently and the variants can be compared. Routing is a Gateway API HTTPRoute
 * with `matches` (default choice) or ingress-nginx `canary-by-header` / `canary-by-cookie`. Each
 * track is labelled `release.cdk8s-patterns.io/track: a|b`. Attach pod patterns to both with
 * `forEachTrack`.
 */
export class AbTestDeployment extends Construct implements IRoutedBackends {
  /** The Services requests are routed to (A, then B). */
  public readonly backends: kplus.Service[];
  /** Variant A's Deployment. */
  public readonly a: kplus.Deployment;
  /** Variant B's Deployment. */
  public readonly b: kplus.Deployment;
  /** Both Deployments, A first. */
  public readonly deployments: kplus.Deployment[];
  /** Variant A's Service. */
  public readonly aService: kplus.Service;
  /** Variant B's Service. */
  public readonly bService: kplus.Service;
  /** The HTTPRoute, with `TrafficRouting.gatewayApi()`. */
  public readonly route?: ApiObject;
  /** The Ingresses (A, then B's canary Ingress), with `TrafficRouting.ingressNginx()`. */
  public readonly ingresses: kplus.Ingress[];

  private readonly tracks: BuiltTrack[];

  constructor(scope: Construct, id: string, props: AbTestDeploymentProps) {
    super(scope, id);
    validateProps(this, props, ['a', 'b', 'match', 'routing']);
    const port = checkReleaseProps(this, props);
    if (!(props.match instanceof RequestMatch)) invalid(this, 'match', props.match, 'must be RequestMatch.header(name, value) or RequestMatch.cookie(name, value)');
    props.match._check(this, 'match');
    const routing = props.routing;
    if (!(routing instanceof TrafficRouting) || routing.kind === 'replicaRatio') {
      invalid(this, 'routing', routing instanceof TrafficRouting ? `TrafficRouting.${routing.kind}()` : routing,
        'must be TrafficRouting.gatewayApi() or TrafficRouting.ingressNginx(): an A/B test routes by request header or cookie');
    }
    if (routing.kind === 'ingressNginx' && props.match.kind === 'cookie' && props.match.value !== 'always') {
      invalid(this, 'match.value', props.match.value, 'must be "always" with TrafficRouting.ingressNginx(): ingress-nginx routes a cookie to the canary only when its value is "always" (use a header, or TrafficRouting.gatewayApi(), for other values)');
    }
    const options = routing._checked(this, 'routing');
    const labels = patternLabels(this, props, 'server');
    this.tracks = buildTracks(this, props, labels, [
      { name: 'a', track: props.a, replicas: props.a?.replicas ?? 2 },
      { name: 'b', track: props.b, replicas: props.b?.replicas ?? 1 },
    ]);
    for (const t of this.tracks) {
      if (t.replicas === 0) invalid(this, `${t.name}.replicas`, 0, 'must be at least 1: the route would send requests to a Service without endpoints');
    }
    const [a, b] = this.tracks;
    this.a = a.deployment;
    this.b = b.deployment;
    this.deployments = [this.a, this.b];
    const match = { kind: props.match.kind, name: props.match.name, value: props.match.value };
    const routed = routeToTracks(this, this.tracks, labels, port, routing, options, {
      rules: (aBackend, bBackend) => [{ match, backends: [bBackend] }, { backends: [aBackend] }],
      canary: { match },
    });
    [this.aService, this.bService] = routed.services;
    this.backends = routed.services;
    this.route = routed.route;
    this.ingresses = routed.ingresses;
  }

  /** Attaches pod patterns to both variants (A, then B). */
  public forEachTrack(attachment: ITrackAttachment): void {
    attachToTracks(this.tracks, attachment);
  }
}
