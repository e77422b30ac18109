import { Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ROLLS_PODS, addConfigInitMount } from './config-mount';
import { HashedConfigMap } from './hashed-config-map';
import { StandardLabels } from '../core/labels';
import { validateWorkload } from '../core/pod-attachment';
import { PodMutations } from '../core/pod-mutations';
import { ResourcePreset } from '../core/resource-preset';
import { ContainerSecurityOptions } from '../core/security';
import { invalid, validateDnsLabel, validatePinnedImage, validateProps } from '../core/validation';

/**
 * The gomplate image that renders the templates by default: gomplate's official image, published
 * on Docker Hub (`docker.io/hairyhenderson/gomplate`), a static binary at `/gomplate` as its
 * entrypoint and no shell.
 */
export const GOMPLATE_IMAGE = 'hairyhenderson/gomplate:v4.1.0';

const TEMPLATES_DIR = '/templates';
const PARAMS_DIR = '/params';
const PARAMS_FILE = 'params.json';
const RENDERED_DIR = '/rendered';

/**
 * Props of `ConfigTemplate`.
 */
export interface ConfigTemplateProps {
  /**
   * The workload whose containers get the rendered configuration.
   */
  readonly workload: kplus.AbstractPod;

  /**
   * The templates, by file name, in gomplate (Go template) syntax. Parameters are under
   * `.params`, e.g. `log.format={{ .params.logFormat }}`.
   */
  readonly templates: { [fileName: string]: string };

  /**
   * The parameters to render with. Give either this or `parameterSets` with `environment`.
   * @default - `parameterSets[environment]`
   */
  readonly parameters?: { [name: string]: string };

  /**
   * Parameters per environment, e.g. `{ dev: { logLevel: 'DEBUG' }, prod: { logLevel: 'WARN' } }`;
   * `environment` picks one.
   * @default - use `parameters`
   */
  readonly parameterSets?: { [environment: string]: { [name: string]: string } };

  /**
   * The key of `parameterSets` to use.
   * @default - required with `parameterSets`
   */
  readonly environment?: string;

  /**
   * Where the application containers see the rendered files (mounted read-only).
   * @default '/config'
   */
  readonly mountPath?: string;

  /**
   * The application containers that mount the rendered files.
   * @default - every container of the workload that a pod pattern did not add
   */
  readonly containers?: string[];

  /**
   * The renderer image. It is run with gomplate's arguments (`--file`, `--out`, `--context`).
   * @default 'hairyhenderson/gomplate:v4.1.0'
   */
  readonly image?: string;

  /**
   * The name of the init container.
   * @default 'config-template'
   */
  readonly initContainerName?: string;

  /**
   * The name of the emptyDir holding the rendered files.
   * @default - `<initContainerName>`
   */
  readonly volumeName?: string;

  /**
   * Cap the emptyDir's size.
   * @default Size.mebibytes(64)
   */
  readonly sizeLimit?: Size;

  /**
   * Resources of the init container.
   * @default ResourcePreset.MICRO
   */
  readonly resources?: ResourcePreset;

  /**
   * How the init container is locked down (always Pod Security *restricted*).
   * @default - UID/GID 65532, read-only root filesystem, no capabilities
   */
  readonly security?: ContainerSecurityOptions;
}

/**
 * Configuration Template (Kubernetes Patterns): the application's configuration files are
 * templates, rendered at pod start with the parameters of one environment.
 *
 * The templates and the parameters are two immutable, content-hashed ConfigMaps
 * (`HashedConfigMap`), so changing either gives new names and rolls the pods. An init container
 * (gomplate by default) renders every template into an emptyDir, which the application
 * containers mount read-only. Dev and prod differ only in the parameter set.
 */
export class ConfigTemplate extends Construct {
  /** The ConfigMap holding the templates. */
  public readonly templatesConfigMap: HashedConfigMap;

  /** The ConfigMap holding the parameters (one key, `params.json`). */
  public readonly parametersConfigMap: HashedConfigMap;

  /** The init container that renders the templates. */
  public readonly initContainer: kplus.Container;

  /** The emptyDir holding the rendered files. */
  public readonly volume: kplus.Volume;

  /** Where the application containers see the rendered files. */
  public readonly mountPath: string;

  /** The workload the configuration was added to. */
  public readonly workload: kplus.AbstractPod;

  constructor(scope: Construct, id: string, props: ConfigTemplateProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'templates']);
    this.workload = validateWorkload(this, props.workload);
    if (typeof props.templates !== 'object' || Array.isArray(props.templates)) invalid(this, 'templates', props.templates, 'must map file names to template text');
    const files = Object.keys(props.templates).sort();
    if (files.length === 0) invalid(this, 'templates', props.templates, 'must hold at least one template');
    const parameters = selectParameters(this, props);
    const image = validatePinnedImage(this, 'image', props.image ?? GOMPLATE_IMAGE, ROLLS_PODS);
    const name = props.initContainerName ?? 'config-template';
    validateDnsLabel(this, 'initContainerName', name);

    const base = Names.toDnsLabel(this, { maxLen: 40 });
    const labels = StandardLabels.of({ name: Names.toLabelValue(props.workload), component: 'config-template' });
    this.templatesConfigMap = new HashedConfigMap(this, 'templates', { baseName: `${base}-templates`, data: props.templates, labels });
    this.parametersConfigMap = new HashedConfigMap(this, 'parameters', {
      baseName: `${base}-params`,
      data: { [PARAMS_FILE]: canonicalJson(parameters) },
      labels,
    });

    // workload, containers, sizeLimit, resources and security pass through unchanged.
    const result = addConfigInitMount(this, {
      ...props,
      initContainer: {
        name,
        image,
        args: [
          ...files.flatMap(f => [`--file=${TEMPLATES_DIR}/${f}`, `--out=${RENDERED_DIR}/${f}`]),
          `--context=params=file://${PARAMS_DIR}/${PARAMS_FILE}`,
        ],
      },
      initMountPath: RENDERED_DIR,
      mountPath: props.mountPath ?? '/config',
      volumeName: props.volumeName ?? name,
    });
    this.initContainer = result.initContainer;
    this.volume = result.volume;
    this.mountPath = props.mountPath ?? '/config';
    const mutations = PodMutations.of(props.workload);
    mutations.mount(this, 'templates', this.initContainer, TEMPLATES_DIR, kplus.Volume.fromConfigMap(this, 'templates-volume', this.templatesConfigMap, { name: `${name}-in` }), { readOnly: true });
    mutations.mount(this, 'parameters', this.initContainer, PARAMS_DIR, kplus.Volume.fromConfigMap(this, 'params-volume', this.parametersConfigMap, { name: `${name}-params` }), { readOnly: true });
  }
}

function selectParameters(scope: Construct, props: ConfigTemplateProps): { [name: string]: string } {
  if (props.parameters !== undefined) {
    if (props.parameterSets !== undefined || props.environment !== undefined) {
      invalid(scope, 'parameters', props.parameters, 'must not be combined with parameterSets or environment: give one parameter set, or per-environment sets and the environment to use');
    }
    return props.parameters;
  }
  if (props.parameterSets === undefined) return {};
  const envs = Object.keys(props.parameterSets).sort();
  if (props.environment === undefined || !envs.includes(props.environment)) {
    invalid(scope, 'environment', props.environment ?? null, `must be one of the keys of parameterSets: ${envs.join(', ')}`);
  }
  return props.parameterSets[props.environment];
}

/** JSON with sorted keys, so the same parameters always give the same bytes and hash. */
function canonicalJson(params: { [name: string]: string }): string {
  const sorted: { [name: string]: string } = {};
  for (const k of Object.keys(params).sort()) sorted[k] = params[k];
  return `${JSON.stringify(sorted, undefined, 2)}\n`;
}
