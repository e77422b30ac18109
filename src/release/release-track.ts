import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ReleaseStrategy, applyReleaseStrategy } from './release-strategy';
import { TrafficRouting } from './traffic-routing';
import { StandardLabels, StandardLabelsProps } from '../core/labels';
import { NginxCanary, RouteBackend, RouteRule, createHttpRoute, createNginxIngress } from '../core/traffic-routes';
import { invalid, validateBoolean, validatePort, validateProps } from '../core/validation';
import { HighAvailabilityDefaults, WorkloadOptions, hardenContainers, labelAndSelect } from '../core/workload-pattern';
import { HighlyAvailable } from '../scaling/highly-available';

/** The label that tells the tracks of a release apart (`blue`, `green`, `stable`, `canary`, `a`, `b`). */
export const TRACK_LABEL = 'release.cdk8s-patterns.io/track';

/**
 * One version of the application in a release: its containers and how many pods run it.
 */
export interface ReleaseTrackProps {
  /**
   * The containers of this version. Each gets the restricted security context and the resource
   * preset, as in every workload pattern. The first container's first port is the one the
   * Services route to; every track must use the same port number.
   */
  readonly containers: kplus.ContainerProps[];

  /**
   * Pods of this version.
   * @default - the pattern's default for the track
   */
  readonly replicas?: number;
}

/**
 * Props shared by the release patterns (blue-green, canary, A/B).
 */
export interface ReleaseProps extends WorkloadOptions, HighAvailabilityDefaults {
  /**
   * The port the Services listen on (they forward to the containers' port).
   * @default 80
   */
  readonly port?: number;

  /**
   * How each track's Deployment replaces its own pods when its containers change.
   * @default - cdk8s-plus's rolling update (25% surge, 25% unavailable)
   */
  readonly strategy?: ReleaseStrategy;
}

/**
 * Attaches pod patterns to every track of a release at once (`forEachTrack`), so both colors of
 * a blue-green release, or stable and canary, get the same sidecars, adapters and settings.
 */
export interface ITrackAttachment {
  /**
   * Called once per track: `scope` is the track's own construct (give patterns the same ids for
   * every track), `workload` its Deployment, `track` its name (`blue`, `green`, `stable`, ...).
   */
  attach(scope: Construct, workload: kplus.Deployment, track: string): void;
}

/** A track as built: its scope, Deployment, target port and replicas. */
export interface BuiltTrack {
  readonly name: string;
  readonly scope: Construct;
  readonly deployment: kplus.Deployment;
  readonly targetPort: number;
  readonly replicas: number;
  readonly highAvailability?: HighlyAvailable;
}

/** Checks the props every release pattern shares; returns the Service port. */
export function checkReleaseProps(scope: Construct, props: ReleaseProps): number {
  validateBoolean(scope, 'highAvailability', props.highAvailability);
  return validatePort(scope, 'port', props.port ?? 80);
}

/**
 * One track: a Deployment of the track's containers, hardened, labelled with the pattern's
 * labels plus the track label, selected by both; a PodDisruptionBudget and topology spread when
 * it runs two or more replicas (unless `highAvailability: false`), and the release strategy.
 */
export function buildTrack(
  parent: Construct, name: string, props: ReleaseProps, track: ReleaseTrackProps, labels: StandardLabelsProps, replicas: number,
): BuiltTrack {
  const scope = new Construct(parent, name);
  validateProps(parent, track, ['containers']);
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    invalid(parent, `${name}.replicas`, replicas, 'must be a whole number ≥ 0');
  }
  const containers = hardenContainers(scope, { ...props, containers: track.containers });
  const first = containers[0];
  const targetPort = first.portNumber ?? first.ports?.[0]?.number;
  if (targetPort === undefined) {
    invalid(parent, `${name}.containers[0].portNumber`, undefined, 'must be set: the release\'s Services route to the first container\'s port');
  }
  const deployment = new kplus.Deployment(scope, 'deployment', { replicas, select: false, containers });
  labelAndSelect(deployment, labels);
  deployment.metadata.addLabel(TRACK_LABEL, name);
  deployment.podMetadata.addLabel(TRACK_LABEL, name);
  deployment.select(kplus.LabelSelector.of({ labels: { [TRACK_LABEL]: name } }));
  if (props.strategy !== undefined) applyReleaseStrategy(parent, 'strategy', deployment, props.strategy);
  const highAvailability = replicas >= 2 && props.highAvailability !== false
    ? new HighlyAvailable(scope, 'high-availability', { workload: deployment, replicas, labels })
    : undefined;
  return { name, scope, deployment, targetPort, replicas, highAvailability };
}

/** One track of a release to build: its name (the track label's value), props and replicas. */
export interface TrackSpec {
  readonly name: string;
  readonly track: ReleaseTrackProps;
  readonly replicas: number;
}

/** The tracks of a release, in the order given (see `buildTrack`), checked to serve on one port. */
export function buildTracks(parent: Construct, props: ReleaseProps, labels: StandardLabelsProps, specs: TrackSpec[]): BuiltTrack[] {
  const tracks = specs.map(s => buildTrack(parent, s.name, props, s.track, labels, s.replicas));
  checkSamePort(parent, tracks);
  return tracks;
}

/** Every track must serve on the same port: one Service routes to any of them. */
function checkSamePort(parent: Construct, tracks: BuiltTrack[]): void {
  const [first, ...rest] = tracks;
  for (const t of rest) {
    if (t.targetPort !== first.targetPort) {
      invalid(parent, `${t.name}.containers[0].portNumber`, t.targetPort, `must equal ${first.name}.containers[0].portNumber (${first.targetPort}): every track serves on the same port`);
    }
  }
}

/**
 * A ClusterIP Service on `port` → the tracks' port, selecting the pattern's pods, of one track
 * (`track`) or of all.
 */
export function trackService(
  parent: Construct, id: string, labels: StandardLabelsProps, port: number, targetPort: number, track?: string,
): kplus.Service {
  const service = new kplus.Service(parent, id, {
    metadata: { labels: { ...StandardLabels.of(labels), ...(track ? { [TRACK_LABEL]: track } : {}) } },
    ports: [{ name: 'http', port, targetPort }],
  });
  for (const [k, v] of Object.entries(StandardLabels.selector(labels))) service.selectLabel(k, v);
  if (track) service.selectLabel(TRACK_LABEL, track);
  return service;
}

/** Calls an attachment once per track. */
export function attachToTracks(tracks: BuiltTrack[], attachment: ITrackAttachment): void {
  for (const t of tracks) attachment.attach(t.scope, t.deployment, t.name);
}

/** How a release that splits requests between two tracks (canary, A/B test) routes them. */
export interface TrackSplit {
  /** The HTTPRoute's rules (`TrafficRouting.gatewayApi()`), given the first and the second track's backend. */
  readonly rules: (first: RouteBackend, second: RouteBackend) => RouteRule[];
  /** What sends requests to the second track's canary Ingress (`TrafficRouting.ingressNginx()`). */
  readonly canary: NginxCanary;
}

/** What `routeToTracks` created. */
export interface RoutedTracks {
  /** One Service per track, in the order of the tracks. */
  readonly services: kplus.Service[];
  /** The HTTPRoute, with `TrafficRouting.gatewayApi()`. */
  readonly route?: ApiObject;
  /** The first track's Ingress and the second's canary Ingress, with `TrafficRouting.ingressNginx()`. */
  readonly ingresses: kplus.Ingress[];
}

/**
 * Routes requests to the two tracks of a split release: a Service per track (`service` in the
 * track's scope, selecting its pods), and an HTTPRoute with `split.rules` (gatewayApi) or an
 * Ingress to the first track with a canary Ingress (`<second track>-ingress`) to the second
 * (ingressNginx).
 */
export function routeToTracks(
  parent: Construct, tracks: BuiltTrack[], labels: StandardLabelsProps, port: number, routing: TrafficRouting, options: any, split: TrackSplit,
): RoutedTracks {
  const [first, second] = tracks;
  const services = tracks.map(t => trackService(t.scope, 'service', labels, port, first.targetPort, t.name));
  const [firstBackend, secondBackend] = services.map(service => ({ service, port }));
  if (routing.kind === 'gatewayApi') {
    return { services, route: createHttpRoute(parent, 'route', options, split.rules(firstBackend, secondBackend), labels), ingresses: [] };
  }
  return {
    services,
    ingresses: [
      createNginxIngress(parent, 'ingress', options, firstBackend, undefined, labels),
      createNginxIngress(parent, `${second.name}-ingress`, options, secondBackend, split.canary, labels),
    ],
  };
}
