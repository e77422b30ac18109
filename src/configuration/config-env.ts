import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalidInput, isEnvVarName } from '../core/validation';

/**
 * Environment variables of one container from the downward API: facts about the pod and the
 * container's own resources, for applications configured through the environment (Kubernetes
 * Patterns, EnvVar Configuration). Each option is the name of the variable to set.
 */
export interface DownwardApiEnvOptions {
  /** The pod's name (`metadata.name`). @default - not set */
  readonly podName?: string;
  /** The pod's namespace (`metadata.namespace`). @default - not set */
  readonly podNamespace?: string;
  /** The pod's IP (`status.podIP`). @default - not set */
  readonly podIp?: string;
  /** The node's name (`spec.nodeName`). @default - not set */
  readonly nodeName?: string;
  /** The pod's service account (`spec.serviceAccountName`). @default - not set */
  readonly serviceAccountName?: string;
  /** The container's CPU request in millicores (`requests.cpu`, divisor `1m`). @default - not set */
  readonly cpuRequest?: string;
  /** The container's CPU limit in millicores (`limits.cpu`, divisor `1m`; the node's capacity when unset). @default - not set */
  readonly cpuLimit?: string;
  /** The container's memory request in MiB (`requests.memory`, divisor `1Mi`). @default - not set */
  readonly memoryRequest?: string;
  /** The container's memory limit in MiB (`limits.memory`, divisor `1Mi`), e.g. to size a JVM heap. @default - not set */
  readonly memoryLimit?: string;
}

/**
 * Environment-variable configuration helpers for what cdk8s-plus-28 lacks or spreads out.
 */
export class ConfigEnv {
  /**
   * All keys of a Secret as environment variables, each name prefixed (`envFrom.prefix`);
   * cdk8s-plus-28's `Env.fromSecret` takes no prefix. Add it with `container.env.copyFrom(...)`.
   */
  public static fromSecret(secret: kplus.ISecret, prefix?: string): kplus.EnvFrom {
    validateNamedResource('ConfigEnv.fromSecret', 'secret', secret, 'a cdk8s-plus Secret (kplus.Secret, HashedSecret or Secret.fromSecretName)');
    if (prefix !== undefined && prefix !== null) validatePrefix('ConfigEnv.fromSecret', prefix);
    return new kplus.EnvFrom(undefined, prefix, secret);
  }

  /**
   * All keys of a ConfigMap as environment variables, each name prefixed (`envFrom.prefix`),
   * with the prefix validated.
   */
  public static fromConfigMap(configMap: kplus.IConfigMap, prefix?: string): kplus.EnvFrom {
    validateNamedResource('ConfigEnv.fromConfigMap', 'configMap', configMap, 'a cdk8s-plus ConfigMap (kplus.ConfigMap, HashedConfigMap or ConfigMap.fromConfigMapName)');
    if (prefix !== undefined && prefix !== null) validatePrefix('ConfigEnv.fromConfigMap', prefix);
    return kplus.Env.fromConfigMap(configMap, prefix);
  }

  /**
   * Sets downward-API variables on a container: pod facts through `fieldRef` and the
   * container's own requests and limits through `resourceFieldRef`, in stable units.
   */
  public static addDownwardApi(container: kplus.Container, options: DownwardApiEnvOptions): void {
    if (!(container instanceof kplus.Container)) invalidInput('ConfigEnv.addDownwardApi', 'container', container, 'must be a kplus.Container, e.g. deployment.containers[0]');
    const where = `ConfigEnv.addDownwardApi(${container.name})`;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) invalidInput(where, 'options', options, 'must be an object naming at least one variable to set');
    const fields: Array<[string | undefined, kplus.EnvFieldPaths]> = [
      [options.podName, kplus.EnvFieldPaths.POD_NAME],
      [options.podNamespace, kplus.EnvFieldPaths.POD_NAMESPACE],
      [options.podIp, kplus.EnvFieldPaths.POD_IP],
      [options.nodeName, kplus.EnvFieldPaths.NODE_NAME],
      [options.serviceAccountName, kplus.EnvFieldPaths.SERVICE_ACCOUNT_NAME],
    ];
    const resources: Array<[string | undefined, kplus.ResourceFieldPaths, string]> = [
      [options.cpuRequest, kplus.ResourceFieldPaths.CPU_REQUEST, '1m'],
      [options.cpuLimit, kplus.ResourceFieldPaths.CPU_LIMIT, '1m'],
      [options.memoryRequest, kplus.ResourceFieldPaths.MEMORY_REQUEST, '1Mi'],
      [options.memoryLimit, kplus.ResourceFieldPaths.MEMORY_LIMIT, '1Mi'],
    ];
    const names = [...fields.map(f => f[0]), ...resources.map(r => r[0])].filter((n): n is string => n !== undefined && n !== null);
    if (names.length === 0) invalidInput(where, 'options', options, 'must name at least one variable to set');
    const seen = new Set<string>(Object.keys(container.env.variables));
    for (const n of names) {
      if (!isEnvVarName(n)) invalidInput(where, 'variable name', n, 'must be an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit');
      if (seen.has(n)) invalidInput(where, 'variable name', n, 'must be set only once in the container');
      seen.add(n);
    }
    for (const [n, path] of fields) {
      if (n !== undefined && n !== null) container.env.addVariable(n, kplus.EnvValue.fromFieldRef(path));
    }
    for (const [n, path, divisor] of resources) {
      if (n !== undefined && n !== null) container.env.addVariable(n, kplus.EnvValue.fromResource(path, { divisor }));
    }
  }
}

function validatePrefix(where: string, prefix: string): void {
  // Not empty: an empty prefix is the same as none, and cdk8s-plus would write it.
  if (!isEnvVarName(prefix)) {
    invalidInput(where, 'prefix', prefix, 'must be a non-empty start of an environment variable name: letters, digits, "_", "-" and ".", not starting with a digit');
  }
}

/** A Secret or ConfigMap argument: a construct with a name (JavaScript callers may pass a string). */
function validateNamedResource(where: string, field: string, value: unknown, allowed: string): void {
  if (!Construct.isConstruct(value) || typeof (value as { name?: unknown }).name !== 'string') invalidInput(where, field, value, `must be ${allowed}`);
}
