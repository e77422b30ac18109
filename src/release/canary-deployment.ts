import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BuiltTrack, ITrackAttachment, ReleaseProps, ReleaseTrackProps, attachToTracks, buildTracks, checkReleaseProps, routeToTracks, trackService,
} from './release-track';
import { TrafficRouting } from './traffic-routing';
import { IRoutedBackends } from '../core/routed-backends';
import { invalid, validateProps } from '../core/validation';
import { patternLabels } from '../core/workload-pattern';

/**
 * Props of `CanaryDeployment`.
 */
export interface CanaryDeploymentProps extends ReleaseProps {
  /** The version that serves most requests. Its `replicas` default to 2. */
  readonly stable: ReleaseTrackProps;

  /** The new version, tried on a share of the requests. Its `replicas` default to 1. */
  readonly canary: ReleaseTrackProps;

  /**
   * The canary's share of requests, in percent (0 to 100). 0 keeps the canary running but
   * idle; 100 sends everything to it (the last step before it becomes the stable version).
   */
  readonly weight: number;

  /**
   * How requests are split: `TrafficRouting.gatewayApi()` (HTTPRoute weights, exact per
   * request: the recommended one), `TrafficRouting.ingressNginx()` (canary-weight annotation) or
   * `TrafficRouting.replicaRatio()` (one Service in front of both; the tracks' replicas are set
   * from the weight, and the share is only as fine as the replica count allows).
   */
  readonly routing: TrafficRouting;
}

/**
 * Canary release (microservice operations): the stable version and a canary of the new one run
 * side by side, and a share of the requests (`weight`, in percent) goes to the canary, so a bad
 * release hurts few users and is rolled back by setting the weight to 0. Routing is a Gateway API
 * HTTPRoute with weighted backendRefs (default choice), ingress-nginx canary annotations, or a
 * replica ratio behind one Service for clusters with neither. Each track is labelled
 * `release.cdk8s-patterns.io/track: stable|canary`. Attach pod patterns to both tracks with
 * `forEachTrack`.
 */
export class CanaryDeployment extends Construct implements IRoutedBackends {
  /** The Services requests are routed to (stable, then canary; one with replicaRatio). */
  public readonly backends: kplus.Service[];
  /** The stable Deployment. */
  public readonly stable: kplus.Deployment;
  /** The canary Deployment. */
  public readonly canary: kplus.Deployment;
  /** Both Deployments, stable first. */
  public readonly deployments: kplus.Deployment[];
  /** The canary's share, in percent. */
  public readonly weight: number;
  /**
   * The Service of the stable track (gatewayApi, ingressNginx), or the one Service of both tracks
   * (replicaRatio).
   */
  public readonly stableService: kplus.Service;
  /** The Service of the canary track (gatewayApi, ingressNginx; not with replicaRatio). */
  public readonly canaryService?: kplus.Service;
  /** The HTTPRoute, with `TrafficRouting.gatewayApi()`. */
  public readonly route?: ApiObject;
  /** The Ingresses (stable, then canary), with `TrafficRouting.ingressNginx()`. */
  public readonly ingresses: kplus.Ingress[];

  private readonly tracks: BuiltTrack[];

  constructor(scope: Construct, id: string, props: CanaryDeploymentProps) {
    super(scope, id);
    validateProps(this, props, ['stable', 'canary', 'weight', 'routing']);
    const port = checkReleaseProps(this, props);
    const weight = props.weight;
    if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
      invalid(this, 'weight', weight, 'must be a whole percentage from 0 to 100');
    }
    const routing = props.routing;
    if (!(routing instanceof TrafficRouting)) invalid(this, 'routing', routing, 'must be TrafficRouting.gatewayApi(), .ingressNginx() or .replicaRatio()');
    const options = routing._checked(this, 'routing');
    const labels = patternLabels(this, props, 'server');

    let stableReplicas = props.stable?.replicas ?? 2;
    let canaryReplicas = props.canary?.replicas ?? 1;
    if (routing.kind === 'replicaRatio') {
      const total: number = options.replicas;
      for (const [track, given] of [['stable', props.stable?.replicas], ['canary', props.canary?.replicas]] as const) {
        if (given !== undefined) invalid(this, `${track}.replicas`, given, `must not be set with TrafficRouting.replicaRatio(): the ratio sets it from weight ${weight}% of routing.replicas ${total}`);
      }
      canaryReplicas = (weight * total) / 100;
      if (!Number.isInteger(canaryReplicas)) {
        const step = 100 / total;
        const below = Math.floor(canaryReplicas) * step;
        const above = Math.ceil(canaryReplicas) * step;
        invalid(this, 'weight', weight, `must be a multiple of ${+step.toFixed(2)}% with TrafficRouting.replicaRatio({ replicas: ${total} }) (one pod is ${+step.toFixed(2)}% of the traffic): use ${+below.toFixed(2)}% or ${+above.toFixed(2)}%, more replicas, or TrafficRouting.gatewayApi() for exact shares`);
      }
      stableReplicas = total - canaryReplicas;
    } else if (weight > 0 && canaryReplicas === 0) {
      invalid(this, 'canary.replicas', 0, `must be at least 1 when weight is ${weight}%: the route would send requests to a Service without endpoints`);
    } else if (weight < 100 && stableReplicas === 0) {
      invalid(this, 'stable.replicas', 0, `must be at least 1 when weight is ${weight}%: the route would send requests to a Service without endpoints`);
    }

    this.tracks = buildTracks(this, props, labels, [
      { name: 'stable', track: props.stable, replicas: stableReplicas },
      { name: 'canary', track: props.canary, replicas: canaryReplicas },
    ]);
    const [stable, canary] = this.tracks;
    this.stable = stable.deployment;
    this.canary = canary.deployment;
    this.deployments = [this.stable, this.canary];
    this.weight = weight;

    if (routing.kind === 'replicaRatio') {
      this.stableService = trackService(this, 'service', labels, port, stable.targetPort);
      this.backends = [this.stableService];
      this.ingresses = [];
      return;
    }
    const routed = routeToTracks(this, this.tracks, labels, port, routing, options, {
      rules: (stableBackend, canaryBackend) => [{ backends: [{ ...stableBackend, weight: 100 - weight }, { ...canaryBackend, weight }] }],
      canary: { weight },
    });
    [this.stableService, this.canaryService] = routed.services;
    this.backends = routed.services;
    this.route = routed.route;
    this.ingresses = routed.ingresses;
  }

  /** Attaches pod patterns to both tracks (stable, then canary). */
  public forEachTrack(attachment: ITrackAttachment): void {
    attachToTracks(this.tracks, attachment);
  }
}
