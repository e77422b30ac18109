import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ResourcePreset } from './resource-preset';
import { ContainerSecurityOptions, mergeSecurityContext } from './security';
import { invalid, validateDnsLabel } from './validation';

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
  if (props.name !== undefined) validateDnsLabel(scope, `${field}.name`, props.name);
  (props.ports ?? []).forEach((p, j) => {
    if (p.hostPort !== undefined) {
      invalid(scope, `${field}.ports[${j}].hostPort`, p.hostPort, 'must be unset: host ports are not allowed by Pod Security "restricted"; use a Service');
    }
  });
  return {
    ...props,
    securityContext: mergeSecurityContext(scope, `${field}.securityContext`, props.securityContext, defaults.security),
    resources: props.resources ?? defaults.preset.toContainerResources(),
  };
}

/**
 * Gives a container with a read-only root filesystem a small writable `/tmp` (an emptyDir).
 */
export function mountWritableTmp(scope: Construct, container: kplus.Container): kplus.Volume {
  const volume = kplus.Volume.fromEmptyDir(scope, `${container.name}-tmp`, `${container.name}-tmp`, {
    sizeLimit: Size.mebibytes(64),
  });
  container.mount('/tmp', volume);
  return volume;
}

/**
 * Fails when a pod already has a container (or init container) of that name: the API server
 * would reject the pod.
 */
export function assertContainerNameFree(scope: Construct, workload: kplus.AbstractPod, field: string, name: string): void {
  const taken = [...workload.containers, ...workload.initContainers].map(c => c.name);
  if (taken.includes(name)) {
    invalid(scope, field, name, `must differ from the pod's other container names: ${taken.join(', ')}`);
  }
}
