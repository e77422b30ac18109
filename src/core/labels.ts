import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid, isLabelValue } from './validation';

/** The label keys recommended by Kubernetes for every object of an application. */
export const LABEL_NAME = 'app.kubernetes.io/name';
/** @see LABEL_NAME */
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
/** @see LABEL_NAME */
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
/** @see LABEL_NAME */
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
/** @see LABEL_NAME */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/** The value of `app.kubernetes.io/managed-by` on everything this library creates. */
export const MANAGED_BY = 'cdk8s-patterns';

/**
 * The recommended `app.kubernetes.io/*` labels of one pattern instance.
 */
export interface StandardLabelsProps {
  /**
   * `app.kubernetes.io/name`: the application.
   */
  readonly name: string;

  /**
   * `app.kubernetes.io/instance`: this instance of the application.
   * @default - the same as `name`
   */
  readonly instance?: string;

  /**
   * `app.kubernetes.io/component`: the role within the application (e.g. `proxy`, `queue`).
   * @default - not set
   */
  readonly component?: string;

  /**
   * `app.kubernetes.io/part-of`: the higher-level application this is part of.
   * @default - not set
   */
  readonly partOf?: string;
}

/**
 * Checks `StandardLabelsProps` (every value a non-empty label value, `name` required), naming
 * `where` and the field.
 */
export function validateStandardLabels(where: IConstruct | string, field: string, props: StandardLabelsProps): void {
  if (props === null || typeof props !== 'object') invalid(where, field, props, 'must be an object with at least name');
  for (const key of ['name', 'instance', 'component', 'partOf'] as const) {
    const v = props[key];
    if ((key === 'name' || v !== undefined) && (!isLabelValue(v) || v === '')) {
      invalid(where, `${field}.${key}`, v, 'must be a label value: 1 to 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit');
    }
  }
}

/**
 * Computes and applies the recommended `app.kubernetes.io/*` labels.
 *
 * Selectors built by this library use only `name`, `instance` and `component`: values that
 * do not change between releases, because a Deployment's selector is immutable.
 */
export class StandardLabels {
  /**
   * Every recommended label, `managed-by` included.
   */
  public static of(props: StandardLabelsProps): { [key: string]: string } {
    validateStandardLabels('StandardLabels', 'props', props);
    const labels: { [key: string]: string } = {
      [LABEL_NAME]: props.name,
      [LABEL_INSTANCE]: props.instance ?? props.name,
    };
    if (props.component) labels[LABEL_COMPONENT] = props.component;
    if (props.partOf) labels[LABEL_PART_OF] = props.partOf;
    labels[LABEL_MANAGED_BY] = MANAGED_BY;
    return labels;
  }

  /**
   * The stable subset of the labels, for selectors.
   */
  public static selector(props: StandardLabelsProps): { [key: string]: string } {
    const all = StandardLabels.of(props);
    delete all[LABEL_MANAGED_BY];
    delete all[LABEL_PART_OF];
    return all;
  }

  /**
   * Adds the labels to the metadata of an API object (or the construct that holds one).
   */
  public static applyTo(target: IConstruct, props: StandardLabelsProps): void {
    const obj = ApiObject.of(target);
    for (const [key, value] of Object.entries(StandardLabels.of(props))) {
      obj.metadata.addLabel(key, value);
    }
  }
}
