import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  BuiltTrack, ITrackAttachment, ReleaseProps, ReleaseTrackProps, attachToTracks, buildTracks, checkReleaseProps, trackService,
} from './release-track';
import { TrafficRouting } from './traffic-routing';
import { IRoutedBackends } from '../core/routed-backends';
import { createHttpRoute, createNginxIngress } from '../core/traffic-routes';
import { invalid, validateBoolean, validateProps } from '../core/validation';
import { patternLabels } from '../core/workload-pattern';

/**
 * The two colors of a blue-green release.
 */
export enum BlueGreenColor {
  /** The blue Deployment. */
  BLUE = 'blue',
  /** The green Deployment. */
  GREEN = 'green',
}

/**
 * Props of `BlueGreenDeployment`.
 */
export interface BlueGreenDeploymentProps extends ReleaseProps {
  /** The blue version. */
  readonly blue: ReleaseTrackProps;

  /** The green version. */
  readonly green: ReleaseTrackProps;

  /**
   * The color that serves: the active Service selects its pods, the preview Service the other's.
   * Switching is changing this one prop and applying again.
   * @default BlueGreenColor.BLUE
   */
  readonly active?: BlueGreenColor;

  /**
   * Pods of each color (a color's own `replicas` wins).
   * @default 2
   */
  readonly replicas?: number;

  /**
   * Run no pods of the idle color (saves its resources; the next switch then waits for its pods
   * to start, and an immediate switch back is no longer possible).
   * @default false - both colors run, so a switch (and a switch back) is instant
   */
  readonly scaleIdleToZero?: boolean;

  /**
   * Also route external traffic to the active Service: a Gateway API HTTPRoute or an
   * ingress-nginx Ingress (`replicaRatio` does not apply to blue-green).
   * @default - no route: clients reach the active Service inside the cluster
   */
  readonly routing?: TrafficRouting;
}

/**
 * Blue-green release (microservice operations; Kubernetes Patterns, Declarative Deployment):
 * two complete Deployments of one application, blue and green, and an *active* Service whose
 * selector picks exactly one color, plus a *preview* Service for the other, where the new
 * version is tested before it takes traffic. Switching is one prop (`active`): the active
 * Service's selector changes and all traffic moves at once, with no mixed versions; switching
 * back is as quick while the old color still runs. Each color is labelled
 * `release.cdk8s-patterns.io/track: blue|green`; with two or more replicas it gets a
 * PodDisruptionBudget and spread. Attach pod patterns to both colors with `forEachTrack`.
 */
export class BlueGreenDeployment extends Construct implements IRoutedBackends {
  /** The active and the preview Service (testers reach the preview one too). */
  public readonly backends: kplus.Service[];
  /** The blue Deployment. */
  public readonly blue: kplus.Deployment;
  /** The green Deployment. */
  public readonly green: kplus.Deployment;
  /** The Service of the active color: what clients use. */
  public readonly activeService: kplus.Service;
  /** The Service of the idle color: for testing the next version before the switch. */
  public readonly previewService: kplus.Service;
  /** The color that serves. */
  public readonly active: BlueGreenColor;
  /** Both Deployments, blue first. */
  public readonly deployments: kplus.Deployment[];
  /** The HTTPRoute to the active Service, with `TrafficRouting.gatewayApi()`. */
  public readonly route?: ApiObject;
  /** The Ingress to the active Service, with `TrafficRouting.ingressNginx()`. */
  public readonly ingress?: kplus.Ingress;

  private readonly tracks: BuiltTrack[];

  constructor(scope: Construct, id: string, props: BlueGreenDeploymentProps) {
    super(scope, id);
    validateProps(this, props, ['blue', 'green']);
    const port = checkReleaseProps(this, props);
    const active = props.active ?? BlueGreenColor.BLUE;
    if (active !== BlueGreenColor.BLUE && active !== BlueGreenColor.GREEN) invalid(this, 'active', active, 'must be BlueGreenColor.BLUE or BlueGreenColor.GREEN');
    const idleToZero = validateBoolean(this, 'scaleIdleToZero', props.scaleIdleToZero) ?? false;
    const routing = props.routing;
    if (routing !== undefined && (!(routing instanceof TrafficRouting) || routing.kind === 'replicaRatio')) {
      invalid(this, 'routing', routing instanceof TrafficRouting ? `TrafficRouting.${routing.kind}()` : routing,
        'must be TrafficRouting.gatewayApi() or TrafficRouting.ingressNginx(): a blue-green switch moves all traffic, there is no ratio');
    }
    const options = routing?._checked(this, 'routing');
    const labels = patternLabels(this, props, 'server');
    const replicasOf = (color: BlueGreenColor, track: ReleaseTrackProps) =>
      (idleToZero && color !== active ? 0 : track?.replicas ?? props.replicas ?? 2);

    this.tracks = buildTracks(this, props, labels, [
      { name: BlueGreenColor.BLUE, track: props.blue, replicas: replicasOf(BlueGreenColor.BLUE, props.blue) },
      { name: BlueGreenColor.GREEN, track: props.green, replicas: replicasOf(BlueGreenColor.GREEN, props.green) },
    ]);
    const [blue, green] = this.tracks;
    if ((active === BlueGreenColor.BLUE ? blue : green).replicas === 0) {
      invalid(this, `${active}.replicas`, 0, 'must be at least 1 for the active color: the active Service would have no endpoints');
    }
    this.blue = blue.deployment;
    this.green = green.deployment;
    this.deployments = [this.blue, this.green];
    this.active = active;
    const idle = active === BlueGreenColor.BLUE ? BlueGreenColor.GREEN : BlueGreenColor.BLUE;
    this.activeService = trackService(this, 'active', labels, port, blue.targetPort, active);
    this.previewService = trackService(this, 'preview', labels, port, blue.targetPort, idle);
    this.backends = [this.activeService, this.previewService];

    const backend = { service: this.activeService, port };
    if (routing?.kind === 'gatewayApi') {
      this.route = createHttpRoute(this, 'route', options, [{ backends: [backend] }], labels);
    } else if (routing?.kind === 'ingressNginx') {
      this.ingress = createNginxIngress(this, 'ingress', options, backend, undefined, labels);
    }
  }

  /** Attaches pod patterns to both colors (blue, then green). */
  public forEachTrack(attachment: ITrackAttachment): void {
    attachToTracks(this.tracks, attachment);
  }
}
