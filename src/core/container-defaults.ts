import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodMutations } from './pod-mutations';
import { ResourcePreset } from './resource-preset';
import { ContainerSecurityOptions, mergeSecurityContext, validateSecurityOptions } from './security';
import { PodPort, invalid, portClash, validateAbsolutePath, validateDnsLabel, validateEnvVarName, validateList, validatePinnedImage, validatePort, validatePortName } from './validation';

/**
 * Defaults applied to a container this library adds to a pod.
 */
export interface ContainerDefaults {
  /** The size used when the user gave no `resources`. */
  readonly preset: ResourcePreset;
  /** How the container is locked down. */
  readonly security?: ContainerSecurityOptions;
  /** Where the container runs, which decides the fields it may have. @default ContainerKind.REGULAR */
  readonly kind?: ContainerKind;
  /** The pattern sets the readiness probe itself (its `probes` prop). @default false */
  readonly readinessElsewhere?: boolean;
}

/**
 * Checks a container's resources: memory requested and limited together (the scheduler and the
 * OOM killer need both), and no request above its limit (the API server refuses it).
 */
export function validateResources(scope: Construct, field: string, resources: kplus.ContainerResources | undefined): void {
  if (resources === undefined) return;
  if (resources === null || typeof resources !== 'object') invalid(scope, field, resources, 'must be ContainerResources (an object), or unset for the preset');
  const mem = resources.memory;
  if (mem === undefined || mem.request === undefined || mem.limit === undefined) {
    invalid(scope, `${field}.memory`, mem === undefined ? undefined : '(incomplete)', 'must give both request and limit: the scheduler places by the request and the kernel kills at the limit (the container-requests and memory-limit rules)');
  }
  for (const [name, r] of [['memory', mem], ['ephemeralStorage', resources.ephemeralStorage]] as const) {
    if (r?.request !== undefined && r?.limit !== undefined) {
      for (const [k, v] of [['request', r.request], ['limit', r.limit]] as const) {
        if (!(v instanceof Size)) invalid(scope, `${field}.${name}.${k}`, v, 'must be a Size, e.g. Size.mebibytes(256)');
      }
      const kib = (size: Size) => size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
      const [req, lim] = [kib(r.request), kib(r.limit)];
      if (!(req <= lim)) invalid(scope, `${field}.${name}.request`, `${req}Ki`, `must be at most the limit (${lim}Ki)`);
    }
  }
  const cpu = resources.cpu;
  if (cpu?.request !== undefined && cpu?.limit !== undefined && !(millicores(cpu.request) <= millicores(cpu.limit))) {
    invalid(scope, `${field}.cpu.request`, cpu.request.amount, `must be at most the limit (${cpu.limit.amount})`);
  }
}

/** CPU as millicores, from cdk8s-plus's `Cpu.amount` (`250m` or `1.5`). */
function millicores(cpu: kplus.Cpu): number {
  const amount = String(cpu?.amount);
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) : Number(amount) * 1000;
}

/** Where a container runs in the pod: what the API server and the wiring rules allow differs. */
export enum ContainerKind {
  /** A container beside the application for the pod's life: ports need a readiness probe. */
  REGULAR = 'regular',
  /** A container of a Job's pod: it runs to completion, no readiness probe needed. */
  JOB = 'job',
  /** An init container that runs to completion: no probes, no lifecycle hooks, no restartPolicy. */
  INIT = 'init',
  /** A native sidecar (`restartPolicy: Always`): probes allowed, readiness needed for ports. */
  NATIVE_SIDECAR = 'native-sidecar',
}

/**
 * A container's props with the restricted security context merged in and resources from a
 * preset when the user gave none. Fails on settings that break Pod Security *restricted*.
 */
export function hardenedContainerProps(
  scope: Construct,
  field: string,
  props: kplus.ContainerProps,
  defaults: ContainerDefaults,
): kplus.ContainerProps {
  validateContainerProps(scope, field, props, defaults.kind ?? ContainerKind.REGULAR, defaults.readinessElsewhere ?? false);
  if (!(defaults.preset instanceof ResourcePreset)) invalid(scope, 'resources', defaults.preset, 'must be a ResourcePreset, e.g. ResourcePreset.SMALL');
  validateSecurityOptions(scope, 'security', defaults.security);
  return {
    ...props,
    securityContext: mergeSecurityContext(scope, `${field}.securityContext`, props.securityContext, defaults.security),
    resources: props.resources ?? defaults.preset.toContainerResources(),
  };
}

/**
 * Checks the container fields the API server validates, so that a bad value fails here with
 * the construct's path instead of at apply time (or inside cdk8s-plus without one): the name,
 * the image, ports (numbers, names, no number or name twice, no host ports), variable names and
 * mount paths.
 */
export function validateContainerProps(
  scope: Construct, field: string, props: kplus.ContainerProps, kind: ContainerKind = ContainerKind.REGULAR, readinessElsewhere = false,
): void {
  if (props === null || typeof props !== 'object') invalid(scope, field, props, 'must be container props with at least an image');
  if (props.name !== undefined) validateDnsLabel(scope, `${field}.name`, props.name);
  validatePinnedImage(scope, `${field}.image`, props.image, 'so that every node runs the same code and a new version is a new image reference (the image-pinned rule)');
  validateResources(scope, `${field}.resources`, props.resources);
  const ports = props.ports === undefined ? [] : validateList(scope, `${field}.ports`, props.ports);
  const numbers = new Set<number>();
  const names = new Set<string>();
  ports.forEach((p, j) => {
    validatePort(scope, `${field}.ports[${j}].number`, p?.number);
    if (p.name !== undefined) validatePortName(scope, `${field}.ports[${j}].name`, p.name);
    if (p.hostPort !== undefined) {
      invalid(scope, `${field}.ports[${j}].hostPort`, p.hostPort, 'must be unset: host ports are not allowed by Pod Security "restricted"; use a Service');
    }
    if (numbers.has(p.number)) invalid(scope, `${field}.ports[${j}].number`, p.number, 'must not repeat a port of the container');
    if (p.name !== undefined && names.has(p.name)) invalid(scope, `${field}.ports[${j}].name`, p.name, 'must not repeat a port name of the container');
    numbers.add(p.number);
    if (p.name !== undefined) names.add(p.name);
  });
  if (props.portNumber !== undefined) {
    validatePort(scope, `${field}.portNumber`, props.portNumber);
    if (numbers.has(props.portNumber)) invalid(scope, `${field}.portNumber`, props.portNumber, 'must not repeat a number of ports (give it once)');
  }
  const native = kind === ContainerKind.NATIVE_SIDECAR;
  if (props.restartPolicy !== undefined && !(native && props.restartPolicy === kplus.ContainerRestartPolicy.ALWAYS)) {
    invalid(scope, `${field}.restartPolicy`, props.restartPolicy, 'must be unset: only a native sidecar has one (Always), and the pattern sets it');
  }
  if (kind === ContainerKind.INIT) {
    for (const probe of ['readiness', 'liveness', 'startup', 'lifecycle'] as const) {
      if (props[probe] !== undefined) invalid(scope, `${field}.${probe}`, '(set)', 'must be unset for an init container that runs to completion: the API server refuses probes and hooks there');
    }
    for (const port of ['portNumber', 'ports'] as const) {
      if (props[port] !== undefined) invalid(scope, `${field}.${port}`, props[port], 'must be unset for an init container that runs to completion: it serves nothing (and cdk8s-plus would give it a startup probe, which the API server refuses)');
    }
  }
  const served = (Array.isArray(props.ports) ? props.ports.length : 0) + (props.portNumber !== undefined ? 1 : 0);
  if ((kind === ContainerKind.REGULAR || native) && served > 0 && props.readiness === undefined && !readinessElsewhere) {
    invalid(scope, `${field}.readiness`, undefined, 'must be given for a container that serves ports (portNumber or ports), so that Services only route to ready pods (the readiness-probe rule)');
  }
  for (const name of Object.keys(props.envVariables ?? {})) validateEnvVarName(scope, `${field}.envVariables`, name);
  const paths = new Set<string>();
  (props.volumeMounts === undefined ? [] : validateList(scope, `${field}.volumeMounts`, props.volumeMounts)).forEach((m, j) => {
    validateAbsolutePath(scope, `${field}.volumeMounts[${j}].path`, m?.path);
    if (paths.has(m.path)) invalid(scope, `${field}.volumeMounts[${j}].path`, m.path, 'must not repeat a mount path of the container');
    paths.add(m.path);
  });
}

/**
 * Gives a container with a read-only root filesystem a small writable `/tmp` (an emptyDir).
 */
export function mountWritableTmp(scope: Construct, workload: kplus.AbstractPod, container: kplus.Container): kplus.Volume {
  const volume = kplus.Volume.fromEmptyDir(scope, `${container.name}-tmp`, `${container.name}-tmp`, {
    sizeLimit: Size.mebibytes(64),
  });
  PodMutations.of(workload).mount(scope, 'writableTmp', container, '/tmp', volume);
  return volume;
}

/**
 * Fails when two containers of a pod expose the same port number or port name: they share the
 * pod's network, and a Service publishes (and names) each port once. (Within one container the
 * container checks do it.)
 */
export function assertUniquePodPorts(scope: Construct, ports: PodPort[]): void {
  const seen: PodPort[] = [];
  for (const p of ports) {
    const clash = portClash(seen.filter(s => s.container !== p.container), p);
    if (clash?.on === 'number') {
      invalid(scope, `containers[${p.container}].ports`, p.number, `must differ from the ports of container ${clash.port.container}: the containers share the pod's network, and a Service publishes each port once`);
    }
    if (clash?.on === 'name') {
      invalid(scope, `containers[${p.container}].ports[${p.number}].name`, p.name, `must differ from the port names of container ${clash.port.container}: a Service names each port once`);
    }
    seen.push(p);
  }
}
