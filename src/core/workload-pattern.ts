import { Chart, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerKind, hardenedContainerProps } from './container-defaults';
import { DisruptionBudget } from './disruption-budget';
import { StandardLabels, StandardLabelsProps } from './labels';
import { TopologyKey, addTopologySpread } from './pod-spec-fields';
import { ResourcePreset } from './resource-preset';
import { ContainerSecurityOptions } from './security';
import { invalid, isLabelValue, validateList } from './validation';

/**
 * How a workload pattern runs the containers it is given, and how it labels what it creates.
 */
export interface WorkloadOptions {
  /**
   * Resources of each container that sets none.
   * @default ResourcePreset.MEDIUM
   */
  readonly resources?: ResourcePreset;

  /**
   * How the containers are locked down (always Pod Security *restricted*).
   * @default - UID/GID 65532, read-only root filesystem, no capabilities
   */
  readonly security?: ContainerSecurityOptions;

  /**
   * Paths each container may write to under its read-only root filesystem: each gets an
   * emptyDir of its own (64 MiB), e.g. `['/tmp']` for an image that keeps temp or pid files
   * there. Images that need writable paths fail at start without them.
   * @default - none: the whole root filesystem is read-only
   */
  readonly writablePaths?: string[];

  /**
   * `app.kubernetes.io/name` of everything the pattern creates.
   * @default - the construct's id
   */
  readonly appName?: string;

  /**
   * `app.kubernetes.io/part-of` of everything the pattern creates.
   * @default - not set
   */
  readonly partOf?: string;
}

/**
 * Props shared by every workload pattern: the user's containers and how they are run.
 */
export interface WorkloadPatternProps extends WorkloadOptions {
  /**
   * The application containers. Each gets the restricted security context merged over what it
   * sets, and `resources` from the preset when it sets none.
   */
  readonly containers: kplus.ContainerProps[];
}

/**
 * The labels of one pattern instance: `instance` comes from the construct path, so two
 * instances of a pattern in one namespace never select each other's pods.
 */
export function patternLabels(scope: Construct, props: WorkloadOptions, component: string): StandardLabelsProps {
  const name = props.appName ?? scope.node.id;
  for (const [field, value] of [['appName', name], ['partOf', props.partOf]] as const) {
    if (value !== undefined && (value === '' || !isLabelValue(value))) {
      const why = props.appName === undefined && field === 'appName' ? ' (it defaults to the construct id; give appName when the id is not one)' : '';
      invalid(scope, field, value, `must be a label value: 1 to 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit${why}`);
    }
  }
  return { name, instance: Names.toLabelValue(scope), component, partOf: props.partOf };
}

/**
 * The user's containers, hardened and sized; fails on none, or on two with the same name.
 */
export function hardenContainers(
  scope: Construct,
  props: WorkloadPatternProps,
  defaultPreset: ResourcePreset = ResourcePreset.MEDIUM,
  kind: ContainerKind = ContainerKind.REGULAR,
  readinessElsewhere = false,
): kplus.ContainerProps[] {
  validateList(scope, 'containers', props.containers);
  if (props.containers.length === 0) invalid(scope, 'containers', [], 'must list at least one container');
  const writablePaths = props.writablePaths === undefined ? [] : validateList(scope, 'writablePaths', props.writablePaths);
  const userVolumes = new Set(props.containers.flatMap(c => (Array.isArray(c?.volumeMounts) ? c.volumeMounts : []).map(m => m?.volume?.name)));
  const seen = new Set<string>();
  return props.containers.map((c, i) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) invalid(scope, `containers[${i}]`, c, 'must be container props with at least an image');
    const name = c.name ?? (i === 0 ? 'main' : `container-${i}`);
    if (seen.has(name)) invalid(scope, `containers[${i}].name`, name, 'must be unique within the pod');
    seen.add(name);
    const hardened = hardenedContainerProps(scope, `containers[${i}]`, { ...c, name }, {
      preset: props.resources ?? defaultPreset,
      security: props.security,
      kind,
      readinessElsewhere,
    });
    return { ...hardened, volumeMounts: [...(hardened.volumeMounts ?? []), ...writableMounts(scope, name, hardened, writablePaths, userVolumes)] };
  });
}

/** An emptyDir per writable path of one container; fails on relative, repeated or taken paths. */
function writableMounts(
  scope: Construct, container: string, props: kplus.ContainerProps, paths: string[], userVolumes: Set<string>,
): kplus.VolumeMount[] {
  const taken = new Set((props.volumeMounts ?? []).map(m => m.path));
  const seen = new Set<string>();
  return paths.map((path, i) => {
    if (!/^\/[^\0]*$/.test(path) || path.split('/').includes('..') || path === '/') {
      invalid(scope, `writablePaths[${i}]`, path, 'must be an absolute path below /, without ".."');
    }
    if (seen.has(path)) invalid(scope, `writablePaths[${i}]`, path, 'must not repeat a path');
    if (taken.has(path)) invalid(scope, `writablePaths[${i}]`, path, `must differ from the mount paths container ${container} already has`);
    seen.add(path);
    const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
    const volumeName = `${container}-${slug}`.slice(0, 63).replace(/-+$/, '');
    if (userVolumes.has(volumeName)) {
      invalid(scope, `writablePaths[${i}]`, path, `needs a volume named ${volumeName}, which a container's volumeMounts already use: rename that volume`);
    }
    const volume = kplus.Volume.fromEmptyDir(scope, `writable-${container}-${i}`, volumeName, { sizeLimit: Size.mebibytes(64) });
    return { path, volume };
  });
}

/**
 * Puts the standard labels on a workload and its pod template, and selects its pods by the
 * stable ones. The workload must have been created with `select: false`.
 */
export function labelAndSelect(workload: kplus.Workload, labels: StandardLabelsProps): void {
  for (const [k, v] of Object.entries(StandardLabels.of(labels))) {
    workload.metadata.addLabel(k, v);
    workload.podMetadata.addLabel(k, v);
  }
  workload.select(kplus.LabelSelector.of({ labels: StandardLabels.selector(labels) }));
}

/**
 * Options for the high-availability defaults of a replicated workload.
 */
export interface HighAvailabilityDefaults {
  /**
   * Create a PodDisruptionBudget and spread the pods over nodes and zones (`HighlyAvailable`)
   * when the workload runs two or more replicas.
   * @default true
   */
  readonly highAvailability?: boolean;
}

/**
 * Options of `protectReplicas`.
 */
export interface ProtectReplicasOptions {
  /** Pods that may be down at once. */
  readonly maxUnavailable?: number;
  /** Spread over zones too. */
  readonly spreadOverZones?: boolean;
  /** DoNotSchedule instead of ScheduleAnyway. */
  readonly hardSpread?: boolean;
  /** Labels of the PodDisruptionBudget. */
  readonly labels?: StandardLabelsProps;
}

/**
 * The PodDisruptionBudget and topology spread of a replicated workload (shared by
 * `HighlyAvailable` and the workload patterns' defaults).
 */
export function protectReplicas(scope: Construct, workload: kplus.Workload, replicas: number, options: ProtectReplicasOptions): DisruptionBudget {
  const other = PROTECTED.get(workload);
  if (other) {
    const hint = other.pattern ? `; set highAvailability: false on ${other.pattern} to configure them with this HighlyAvailable` : '';
    invalid(scope, 'workload', workload.node.path, `already has a PodDisruptionBudget and topology spread from ${other.by}: the eviction API refuses pods with two budgets${hint}`);
  }
  // A workload pattern's own default: the HighlyAvailable and the workload are children of the pattern.
  const parent = scope.node.scope;
  const byPattern = parent !== undefined && !Chart.isChart(parent) && workload.node.scope === parent;
  PROTECTED.set(workload, { by: scope.node.path, pattern: byPattern ? parent.node.path : undefined });
  const budget = new DisruptionBudget(scope, 'disruption-budget', { workload, replicas, maxUnavailable: options.maxUnavailable, labels: options.labels });
  addTopologySpread(scope.node.path, workload, { topologyKey: TopologyKey.HOSTNAME, hard: options.hardSpread });
  if (options.spreadOverZones ?? true) {
    addTopologySpread(scope.node.path, workload, { topologyKey: TopologyKey.ZONE, hard: options.hardSpread });
  }
  return budget;
}

/** Which construct protects a workload's replicas, and whether it is a workload pattern's default. */
const PROTECTED = new WeakMap<kplus.Workload, { readonly by: string; readonly pattern?: string }>();

/**
 * Options of `apiClientDeployment`.
 */
export interface ApiClientDeploymentOptions {
  readonly replicas: number;
  readonly serviceAccount: kplus.IServiceAccount;
  /** Variables every container receives (the container's own win). */
  readonly env: { [name: string]: kplus.EnvValue };
  readonly labels: StandardLabelsProps;
  readonly strategy?: kplus.DeploymentStrategy;
}

/**
 * The Deployment of a pattern whose pods call the API server (LeaderElected, Controller): the
 * user's containers hardened, the shared variables added, the ServiceAccount's token mounted
 * (only these pods get one), and the pods selected by the pattern's stable labels.
 */
export function apiClientDeployment(scope: Construct, props: WorkloadPatternProps, options: ApiClientDeploymentOptions): kplus.Deployment {
  const containers = hardenContainers(scope, props).map(c => ({ ...c, envVariables: { ...options.env, ...c.envVariables } }));
  const deployment = new kplus.Deployment(scope, 'deployment', {
    replicas: options.replicas,
    select: false,
    containers,
    serviceAccount: options.serviceAccount,
    automountServiceAccountToken: true,
    strategy: options.strategy,
  });
  labelAndSelect(deployment, options.labels);
  return deployment;
}
