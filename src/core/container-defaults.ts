import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodMutations } from './pod-mutations';
import { ResourcePreset } from './resource-preset';
import { ContainerSecurityOptions, mergeSecurityContext, validateSecurityOptions } from './security';
import { invalid, validateAbsolutePath, validateDnsLabel, validateEnvVarName, validateImage, validateList, validatePort, validatePortName } from './validation';

/**
 * Defaults applied to a container this library adds to a pod.
 */
export interface ContainerDefaults {
  /** The size used when the user gave no `resources`. */
  readonly preset: ResourcePreset;
  /** How the container is locked down. */
  readonly security?: ContainerSecurityOptions;
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
  validateContainerProps(scope, field, props);
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
export function validateContainerProps(scope: Construct, field: string, props: kplus.ContainerProps): void {
  if (props === null || typeof props !== 'object') invalid(scope, field, props, 'must be container props with at least an image');
  if (props.name !== undefined) validateDnsLabel(scope, `${field}.name`, props.name);
  validateImage(scope, `${field}.image`, props.image);
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
  if (props.restartPolicy !== undefined && props.restartPolicy !== kplus.ContainerRestartPolicy.ALWAYS) {
    invalid(scope, `${field}.restartPolicy`, props.restartPolicy, 'must be unset (or Always, for a native sidecar)');
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
export function assertUniquePodPorts(
  scope: Construct, ports: Array<{ readonly container: string; readonly number: number; readonly name?: string }>,
): void {
  const byNumber = new Map<number, string>();
  const byName = new Map<string, string>();
  for (const p of ports) {
    const other = byNumber.get(p.number);
    if (other !== undefined && other !== p.container) {
      invalid(scope, `containers[${p.container}].ports`, p.number, `must differ from the ports of container ${other}: the containers share the pod's network, and a Service publishes each port once`);
    }
    byNumber.set(p.number, p.container);
    if (p.name === undefined) continue;
    const named = byName.get(p.name);
    if (named !== undefined && named !== p.container) {
      invalid(scope, `containers[${p.container}].ports[${p.number}].name`, p.name, `must differ from the port names of container ${named}: a Service names each port once`);
    }
    byName.set(p.name, p.container);
  }
}
