import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { contentHash } from './content-hash';
import { validateEntries, validateHashedName } from './hashed-config-map';
import { invalidInput } from '../core/validation';

/**
 * Props of `HashedSecret`.
 */
export interface HashedSecretProps {
  /**
   * The name before the content hash: the Secret is named `<baseName>-<hash>`.
   * @default - the construct id
   */
  readonly baseName?: string;

  /**
   * The entries, as plain strings (written as `stringData`). All content must be given here:
   * the object is immutable and its name is a hash of this content.
   */
  readonly stringData: { [key: string]: string };

  /**
   * The Secret's type, e.g. `kubernetes.io/basic-auth`.
   * @default 'Opaque' (the API server's default)
   */
  readonly secretType?: string;

  /**
   * Labels of the Secret.
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the Secret (not part of the hash).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * Configuration Resource (Kubernetes Patterns), immutable: a cdk8s-plus `Secret` with
 * `immutable: true` whose name ends in a hash of its content and type (`<baseName>-<10 chars>`),
 * as kustomize's `secretGenerator` names them. A change of content gives a new name, and every
 * volume and environment variable built from this construct follows it, so the pods roll.
 *
 * The values are in the synthesized YAML (as with any cdk8s Secret): keep real credentials out
 * of source control and prefer an external secret store for them.
 */
export class HashedSecret extends kplus.Secret {
  /** The hash suffix of the name (10 characters). */
  public readonly contentHash: string;

  constructor(scope: Construct, id: string, props: HashedSecretProps) {
    const where = scope.node.path ? `${scope.node.path}/${id}` : id;
    const baseName = props.baseName ?? id;
    validateHashedName(where, baseName);
    validateEntries(where, props.stringData);
    const hash = contentHash('Secret', baseName, { stringData: props.stringData, type: props.secretType });
    super(scope, id, {
      metadata: { name: `${baseName}-${hash}`, labels: props.labels, annotations: props.annotations },
      stringData: { ...props.stringData },
      type: props.secretType,
      immutable: true,
    });
    this.contentHash = hash;
  }

  /**
   * Not allowed: the name is a hash of the content. Pass every entry in `stringData`.
   */
  public addStringData(key: string, _value: string): void {
    invalidInput(this.node.path, 'addStringData key', key, 'cannot add data to a HashedSecret after construction: its name is a hash of its content; pass every entry in props.stringData');
  }
}
