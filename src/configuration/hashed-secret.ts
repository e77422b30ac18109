import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { contentHash } from './content-hash';
import { validateEntries, validateHashedName, validateMetadata } from './hashed-config-map';
import { constructPath, invalidInput, validatePropsAt } from '../core/validation';

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
    const where = constructPath(scope, id);
    validatePropsAt(where, props, ['stringData']);
    const baseName = props.baseName ?? id;
    validateHashedName(where, baseName);
    validateEntries(where, { stringData: props.stringData });
    if (props.secretType !== undefined && (typeof props.secretType !== 'string' || props.secretType.length === 0)) {
      invalidInput(where, 'secretType', props.secretType, 'must be a non-empty string such as "Opaque" or "kubernetes.io/basic-auth"');
    }
    validateMetadata(where, props.labels, props.annotations);
    validateTypedSecret(where, props);
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

/**
 * The keys the API server requires of the built-in Secret types (it checks the keys, and that
 * Docker configurations are JSON; not the certificates or keys themselves).
 */
const REQUIRED_KEYS: { [type: string]: { readonly anyOf: string[]; readonly json?: boolean } } = {
  'kubernetes.io/basic-auth': { anyOf: ['username', 'password'] },
  'kubernetes.io/ssh-auth': { anyOf: ['ssh-privatekey'] },
  'kubernetes.io/tls': { anyOf: ['tls.crt'] },
  'kubernetes.io/dockercfg': { anyOf: ['.dockercfg'], json: true },
  'kubernetes.io/dockerconfigjson': { anyOf: ['.dockerconfigjson'], json: true },
};

function validateTypedSecret(where: string, props: HashedSecretProps): void {
  const type = props.secretType;
  if (type === 'kubernetes.io/service-account-token') {
    invalidInput(where, 'secretType', type, 'must not be kubernetes.io/service-account-token: the token controller fills such Secrets in, so their content cannot be hashed; use a plain kplus.Secret');
  }
  const keys = Object.keys(props.stringData);
  if (type === 'kubernetes.io/tls' && !keys.includes('tls.key')) {
    invalidInput(where, 'stringData', keys, 'must have the keys tls.crt and tls.key for secretType kubernetes.io/tls');
  }
  const rule = type === undefined ? undefined : REQUIRED_KEYS[type];
  if (!rule) return;
  const found = rule.anyOf.filter(k => keys.includes(k));
  if (found.length === 0) {
    const what = type === 'kubernetes.io/tls' ? 'the keys tls.crt and tls.key' : rule.anyOf.length > 1 ? `at least one of the keys ${rule.anyOf.join(', ')}` : `the key ${rule.anyOf[0]}`;
    invalidInput(where, 'stringData', keys, `must have ${what} for secretType ${type}`);
  }
  if (rule.json) {
    const key = rule.anyOf[0];
    try {
      JSON.parse(props.stringData[key]);
    } catch {
      invalidInput(where, `stringData["${key}"]`, '(not shown)', `must be JSON for secretType ${type}`);
    }
  }
}
