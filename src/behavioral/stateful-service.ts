import { Names, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertUniquePodPorts } from '../core/container-defaults';
import { StandardLabels } from '../core/labels';
import { setManifestField } from '../core/manifest-fields';
import { PodMutations } from '../core/pod-mutations';
import { DEFAULT_RUN_AS_ID } from '../core/security';
import {
  invalid, required, validateAbsolutePath, validateDnsLabel, validateDnsSubdomain, validateList, validatePositiveInt, validateProps,
} from '../core/validation';
import {
  HighAvailabilityDefaults, WorkloadPatternProps, hardenContainers, labelAndSelect, patternLabels,
} from '../core/workload-pattern';
import { HighlyAvailable } from '../scaling/highly-available';

/**
 * A PersistentVolumeClaim template of a `StatefulService`: every pod gets its own claim,
 * `<name>-<statefulset>-<ordinal>`, which survives the pod and follows it to another node.
 */
export interface VolumeClaimTemplate {
  /**
   * The claim template's name, also the volume name the containers mount.
   */
  readonly name: string;

  /**
   * Where the containers mount the volume.
   */
  readonly mountPath: string;

  /**
   * The storage each pod's claim requests.
   */
  readonly storage: Size;

  /**
   * The StorageClass that provisions the volumes.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * How the volume may be mounted.
   * @default [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE]
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];

  /**
   * The names of the containers that mount the volume.
   * @default - the first container
   */
  readonly containers?: string[];
}

/**
 * Props of `StatefulService`.
 */
export interface StatefulServiceProps extends WorkloadPatternProps, HighAvailabilityDefaults {
  /**
   * Pods, each with a stable name (`<statefulset>-0`, `-1`, ...) and its own volumes. More
   * than one only for applications that replicate or shard their state themselves.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Per-pod persistent volumes.
   * @default - none: the pods keep no state across restarts beyond what they mount themselves
   */
  readonly volumeClaimTemplates?: VolumeClaimTemplate[];

  /**
   * Start and stop pods one at a time in ordinal order (`ORDERED_READY`), or all at once
   * (`PARALLEL`, for applications whose members need not join in order).
   * @default kplus.PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: kplus.PodManagementPolicy;

  /**
   * How pods are replaced when the template changes.
   * @default kplus.StatefulSetUpdateStrategy.rollingUpdate() - highest ordinal first, one at a time
   */
  readonly updateStrategy?: kplus.StatefulSetUpdateStrategy;

  /**
   * Publish pods in the headless Service's DNS before they are ready, for members that must
   * find each other to become ready (e.g. to form a quorum).
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;

  /**
   * Also create a regular (ClusterIP) Service that load-balances clients over the ready pods.
   * @default false - clients address pods through the headless Service (`podDnsName`)
   */
  readonly clientService?: boolean;
}

/**
 * Stateful service (Kubernetes Patterns, Stateful Service): a StatefulSet with stable pod
 * names, per-pod persistent volumes, and the headless Service that gives each pod a stable DNS
 * name, `<statefulset>-<ordinal>.<service>` (see `podDnsName`).
 *
 * The StatefulSet's `serviceName` is the headless Service (`clusterIP: None`), which selects
 * exactly the pods by their stable labels. Each `volumeClaimTemplates` entry becomes a claim
 * per pod, mounted into the containers it names. With two or more replicas the pods get a
 * PodDisruptionBudget (one pod down at a time) and are spread over nodes and zones. Pods are
 * Pod Security *restricted* and mount no service-account token. The StatefulSet's name is at
 * most 52 characters, so that its pods' `controller-revision-hash` label stays valid.
 */
export class StatefulService extends Construct {
  /** The StatefulSet. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The headless Service that is the StatefulSet's `serviceName`. */
  public readonly headlessService: kplus.Service;
  /** The load-balancing Service, when `clientService` is set. */
  public readonly clientService?: kplus.Service;
  /** The PodDisruptionBudget, for two or more replicas. */
  public readonly highAvailability?: HighlyAvailable;
  /** The number of pods. */
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: StatefulServiceProps) {
    super(scope, id);
    validateProps(this, props, ['containers']);
    validateList(this, 'containers', props.containers).forEach((c, i) => required(this, `containers[${i}]`, c, 'container props with at least image'));
    this.replicas = validatePositiveInt(this, 'replicas', props.replicas ?? 1);
    const policies = Object.values(kplus.PodManagementPolicy) as string[];
    if (props.podManagementPolicy !== undefined && !policies.includes(props.podManagementPolicy)) {
      invalid(this, 'podManagementPolicy', props.podManagementPolicy, `must be one of ${policies.join(', ')}`);
    }
    if (props.updateStrategy !== undefined && !(props.updateStrategy instanceof kplus.StatefulSetUpdateStrategy)) {
      invalid(this, 'updateStrategy', props.updateStrategy, 'must be a kplus.StatefulSetUpdateStrategy, e.g. StatefulSetUpdateStrategy.rollingUpdate()');
    }
    for (const field of ['publishNotReadyAddresses', 'clientService', 'highAvailability'] as const) {
      if (props[field] !== undefined && typeof props[field] !== 'boolean') invalid(this, field, props[field], 'must be true or false');
    }
    const templates = props.volumeClaimTemplates === undefined ? [] : validateList(this, 'volumeClaimTemplates', props.volumeClaimTemplates);
    const labels = patternLabels(this, props, 'stateful-service');
    const containers = hardenContainers(this, props);

    this.headlessService = new kplus.Service(this, 'headless', {
      clusterIP: 'None',
      publishNotReadyAddresses: props.publishNotReadyAddresses,
    });
    StandardLabels.applyTo(this.headlessService, labels);
    this.statefulSet = new kplus.StatefulSet(this, 'statefulset', {
      // Pods carry `controller-revision-hash: <statefulset>-<10-char hash>`, a label value of
      // at most 63 characters.
      metadata: { name: Names.toDnsLabel(this, { extra: ['statefulset'], maxLen: 52 }) },
      select: false,
      containers,
      service: this.headlessService,
      replicas: this.replicas,
      podManagementPolicy: props.podManagementPolicy ?? kplus.PodManagementPolicy.ORDERED_READY,
      strategy: props.updateStrategy,
      // Freshly provisioned volumes are root-owned: give them the containers' group so a
      // non-root process can write its data.
      securityContext: templates.length > 0 ? {
        fsGroup: props.security?.runAsGroup ?? DEFAULT_RUN_AS_ID,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      } : undefined,
    });
    labelAndSelect(this.statefulSet, labels);
    // Services select by the stable labels (`select(workload)` would use cdk8s-plus's address
    // label; the StatefulSet has already added it to the headless Service, where it is harmless).
    const selectPods = (svc: kplus.Service) => {
      for (const [k, v] of Object.entries(this.statefulSet.matchLabels)) svc.selectLabel(k, v);
    };
    selectPods(this.headlessService);

    const ports = servicePorts(this, this.statefulSet);
    ports.forEach(p => this.headlessService.bind(p.port, p));
    if (props.clientService) {
      this.clientService = new kplus.Service(this, 'client', { ports });
      selectPods(this.clientService);
      StandardLabels.applyTo(this.clientService, labels);
    }

    if (templates.length > 0) {
      addVolumeClaimTemplates(this, this.statefulSet, templates, StandardLabels.of(labels));
    }
    if (this.replicas >= 2 && props.highAvailability !== false) {
      this.highAvailability = new HighlyAvailable(this, 'high-availability', { workload: this.statefulSet, replicas: this.replicas, labels });
    }
  }

  /**
   * The stable DNS name of one pod, `<statefulset>-<ordinal>.<headless service>`, which
   * resolves from any pod in the same namespace (append `.<namespace>.svc.cluster.local` from
   * elsewhere).
   */
  public podDnsName(ordinal: number): string {
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= this.replicas) {
      invalid(this, 'ordinal', ordinal, `must be a whole number from 0 to replicas - 1 (${this.replicas - 1})`);
    }
    return `${this.statefulSet.name}-${ordinal}.${this.headlessService.name}`;
  }

  /**
   * The stable DNS names of every pod, in ordinal order.
   */
  public podDnsNames(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => this.podDnsName(i));
  }
}

/**
 * The Service ports of every container port; names are required when there are several.
 */
function servicePorts(scope: Construct, workload: kplus.Workload): kplus.ServicePort[] {
  const ports = workload.containers.flatMap(c => c.ports.map(p => ({ container: c.name, ...p })));
  assertUniquePodPorts(scope, ports);
  if (ports.length === 0) {
    invalid(scope, 'containers', workload.containers.map(c => c.name),
      'must expose at least one port (portNumber or ports): the headless Service publishes the pods on it');
  }
  if (ports.length > 1) {
    const unnamed = ports.find(p => !p.name);
    if (unnamed) {
      invalid(scope, `containers[${unnamed.container}].ports[${unnamed.number}].name`, null,
        'must be set when the pods expose several ports: a Service names each of its ports');
    }
  }
  return ports.map(p => ({ port: p.number, targetPort: p.number, name: p.name, protocol: p.protocol }));
}

/**
 * Writes `volumeClaimTemplates` and the containers' mounts of them (cdk8s-plus-28's StatefulSet
 * has neither). Claims are not pod volumes, so the mounts cannot go through `container.mount()`.
 */
function addVolumeClaimTemplates(
  scope: Construct, sts: kplus.StatefulSet, templates: VolumeClaimTemplate[], labels: { [key: string]: string },
): void {
  const names = new Set<string>();
  // The StatefulSet controller replaces a pod volume of the same name with the claim.
  const podVolumes = new Set([...sts.volumes.map(v => v.name), ...sts.containers.flatMap(c => c.mounts.map(m => m.volume.name))]);
  const mutations = PodMutations.of(sts);
  const claims = templates.map((t, i) => {
    const field = `volumeClaimTemplates[${i}]`;
    if (t === null || typeof t !== 'object' || Array.isArray(t)) invalid(scope, field, t, 'must be an object with at least name, mountPath and storage');
    validateDnsLabel(scope, `${field}.name`, t.name);
    if (names.has(t.name)) invalid(scope, `${field}.name`, t.name, 'must be unique among the claim templates');
    if (podVolumes.has(t.name)) invalid(scope, `${field}.name`, t.name, 'must differ from the names of the pod\'s volumes: the claim would silently replace that volume');
    names.add(t.name);
    validateAbsolutePath(scope, `${field}.mountPath`, t.mountPath);
    if (t.storageClassName !== undefined) validateDnsSubdomain(scope, `${field}.storageClassName`, t.storageClassName);
    if (!(t.storage instanceof Size)) invalid(scope, `${field}.storage`, t.storage, 'must be a Size, e.g. Size.gibibytes(10)');
    const accessModes = t.accessModes === undefined ? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE] : validateList(scope, `${field}.accessModes`, t.accessModes);
    if (accessModes.length === 0) invalid(scope, `${field}.accessModes`, [], 'must list at least one access mode');
    const modes = Object.values(kplus.PersistentVolumeAccessMode) as string[];
    accessModes.forEach((m, j) => {
      if (!modes.includes(m)) invalid(scope, `${field}.accessModes[${j}]`, m, `must be one of ${modes.join(', ')}`);
    });
    const targets = t.containers === undefined ? [sts.containers[0].name] : validateList(scope, `${field}.containers`, t.containers);
    if (targets.length === 0) invalid(scope, `${field}.containers`, [], 'must name at least one container');
    for (const name of targets) {
      const container = sts.containers.find(c => c.name === name);
      if (!container) invalid(scope, `${field}.containers`, name, `must name a container of the pod: ${sts.containers.map(c => c.name).join(', ')}`);
      mutations.mountClaim(scope, `${field}.mountPath`, container.name, { name: t.name, mountPath: t.mountPath });
    }
    return {
      metadata: { name: t.name, labels },
      spec: {
        accessModes: [...accessModes],
        storageClassName: t.storageClassName,
        // The L1 serializer reads quantities as `{ value }` and drops a bare string.
        resources: { requests: { storage: k8s.Quantity.fromString(quantity(scope, `${field}.storage`, t.storage)) } },
      },
    };
  });

  setManifestField(sts, '/spec/volumeClaimTemplates', claims);
}

/** A size as a Kubernetes quantity in the largest whole binary unit (`10Gi`, `512Mi`). */
function quantity(scope: Construct, field: string, size: Size): string {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(kib) || kib < 1) invalid(scope, field, `${kib}KiB`, 'must be a whole number of KiB, at least 1');
  for (const [unit, factor] of [['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024]] as Array<[string, number]>) {
    if (kib % factor === 0) return `${kib / factor}${unit}`;
  }
  return `${kib}Ki`;
}
