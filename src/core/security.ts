import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { REFUSED_SECURITY_SETTINGS, fieldAt } from './restricted-profile';
import { invalid, validateBoolean, validateLinuxId } from './validation';

/** The UID and GID our containers run as unless told otherwise: above 10000, clear of host users. */
export const DEFAULT_RUN_AS_ID = 65532;

/**
 * How a container that this library creates or hardens is locked down.
 *
 * Every default meets the Pod Security Standard *restricted*; the options only relax what
 * the standard itself allows to vary.
 */
export interface ContainerSecurityOptions {
  /**
   * The UID the container runs as.
   * @default 65532 for containers a pattern adds; `RestrictedPods.applyTo` leaves the user's
   * containers as they are (their image's USER) unless this is given
   */
  readonly runAsUser?: number;

  /**
   * The GID the container runs as.
   * @default 65532 for containers a pattern adds; `RestrictedPods.applyTo` leaves the user's
   * containers as they are unless this is given
   */
  readonly runAsGroup?: number;

  /**
   * Mount the root filesystem read-only. Writable paths then need a volume (see `writableTmp`).
   * With `RestrictedPods.applyTo`, this overrides what each container set.
   * @default true (for `RestrictedPods.applyTo`: what each container set; cdk8s-plus defaults to true)
   */
  readonly readOnlyRootFilesystem?: boolean;

  /**
   * Add `NET_BIND_SERVICE`, the one capability *restricted* allows, for a process that binds a
   * port below 1024 as a non-root user.
   * @default false
   */
  readonly allowNetBindService?: boolean;
}

/**
 * The container security context that meets Pod Security *restricted*: non-root, no privilege
 * escalation, every capability dropped (`NET_BIND_SERVICE` only on request), the runtime's
 * default seccomp profile and a read-only root filesystem.
 */
export function restrictedSecurityContext(options: ContainerSecurityOptions = {}): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: options.runAsUser ?? DEFAULT_RUN_AS_ID,
    group: options.runAsGroup ?? DEFAULT_RUN_AS_ID,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: options.readOnlyRootFilesystem ?? true,
    capabilities: {
      drop: [kplus.Capability.ALL],
      add: options.allowNetBindService ? [kplus.Capability.NET_BIND_SERVICE] : undefined,
    },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/** Checks `ContainerSecurityOptions` given by a JavaScript or jsii caller: an object, UIDs and GIDs whole numbers. */
export function validateSecurityOptions(scope: IConstruct | string, field: string, options: ContainerSecurityOptions | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) invalid(scope, field, options, 'must be ContainerSecurityOptions (an object), or unset');
  validateLinuxId(scope, `${field}.runAsUser`, options.runAsUser, 1, ' (UID 0 is root, which Pod Security "restricted" forbids)');
  validateLinuxId(scope, `${field}.runAsGroup`, options.runAsGroup);
  for (const flag of ['readOnlyRootFilesystem', 'allowNetBindService'] as const) validateBoolean(scope, `${field}.${flag}`, options[flag]);
}

/**
 * Merges a user's container security context over the restricted one, refusing settings that
 * would break the restricted profile, so a pattern never emits a pod the namespace rejects.
 */
export function mergeSecurityContext(
  scope: IConstruct,
  field: string,
  user: kplus.ContainerSecurityContextProps | undefined,
  options: ContainerSecurityOptions = {},
): kplus.ContainerSecurityContextProps {
  const base = restrictedSecurityContext(options);
  if (user === undefined || user === null) return base;
  if (typeof user !== 'object') invalid(scope, field, user, 'must be ContainerSecurityContextProps (an object), or unset');
  // UID 0 is caught below with the restricted rule's own message.
  validateLinuxId(scope, `${field}.user`, user.user);
  validateLinuxId(scope, `${field}.group`, user.group);
  for (const flag of ['readOnlyRootFilesystem', 'ensureNonRoot', 'privileged', 'allowPrivilegeEscalation'] as const) {
    validateBoolean(scope, `${field}.${flag}`, user[flag]);
  }
  if (user.seccompProfile?.type === kplus.SeccompProfileType.LOCALHOST && !user.seccompProfile.localhostProfile) {
    invalid(scope, `${field}.seccompProfile.localhostProfile`, user.seccompProfile.localhostProfile, 'must name the profile on the node for type Localhost');
  }
  for (const rule of REFUSED_SECURITY_SETTINGS) {
    let value = fieldAt(user, rule.plusField);
    if (rule.plusField === 'capabilities.add' && Array.isArray(value)) value = value.filter((c: string) => c !== kplus.Capability.NET_BIND_SERVICE);
    if (rule.refused(value)) invalid(scope, `${field}.${rule.plusField}`, value, rule.allowed);
  }
  const added = user.capabilities?.add ?? [];
  return {
    ...base,
    ...stripUndefined(user),
    capabilities: {
      drop: [kplus.Capability.ALL],
      add: added.length > 0 ? added : base.capabilities?.add,
    },
    seccompProfile: user.seccompProfile ?? base.seccompProfile,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
