import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CONFIG_KEY_ALLOWED, MAX_CONFIG_BYTES, contentHash, isBase64, isConfigKey } from './content-hash';
import { LABEL_KEY_ALLOWED, constructPath, invalidInput, isDnsSubdomain, isLabelKey, isLabelValue, validatePropsAt } from '../core/validation';

/**
 * Props of `HashedConfigMap`.
 */
export interface HashedConfigMapProps {
  /**
   * The name before the content hash: the ConfigMap is named `<baseName>-<hash>`.
   * @default - the construct id
   */
  readonly baseName?: string;

  /**
   * The UTF-8 entries. All content must be given here: the object is immutable and its name
   * is a hash of this content, so `addData()` after construction throws.
   * @default - none
   */
  readonly data?: { [key: string]: string };

  /**
   * Entries holding base64-encoded bytes outside UTF-8.
   * @default - none
   */
  readonly binaryData?: { [key: string]: string };

  /**
   * Labels of the ConfigMap.
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the ConfigMap (not part of the hash).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * Configuration Resource (Kubernetes Patterns), immutable: a cdk8s-plus `ConfigMap` with
 * `immutable: true` whose name ends in a hash of its content (`<baseName>-<10 chars>`), as
 * kustomize's `configMapGenerator` names them.
 *
 * A change of content gives a new object with a new name. Volumes and `envFrom` built from this
 * construct (`kplus.Volume.fromConfigMap`, `kplus.Env.fromConfigMap`, `EnvValue.fromConfigMap`)
 * pick up the new name, so the pod templates that use it change and their pods roll; the old
 * ConfigMap stays as it was for pods still running. The hash is deterministic: it covers the
 * base name and the sorted keys and values, never the time or the order of insertion.
 */
export class HashedConfigMap extends kplus.ConfigMap {
  /** The hash suffix of the name (10 characters). */
  public readonly contentHash: string;

  private readonly sealed: boolean;

  constructor(scope: Construct, id: string, props: HashedConfigMapProps = {}) {
    const where = constructPath(scope, id);
    props = props ?? {};
    validatePropsAt(where, props, []);
    const baseName = props.baseName ?? id;
    validateHashedName(where, baseName);
    validateEntries(where, { data: props.data ?? {}, binaryData: props.binaryData ?? {} });
    validateMetadata(where, props.labels, props.annotations);
    const hash = contentHash('ConfigMap', baseName, { data: props.data ?? {}, binaryData: props.binaryData ?? {} });
    super(scope, id, {
      metadata: { name: `${baseName}-${hash}`, labels: props.labels, annotations: props.annotations },
      data: props.data,
      binaryData: props.binaryData,
      immutable: true,
    });
    this.contentHash = hash;
    this.sealed = true;
  }

  /**
   * Not allowed after construction: the name is a hash of the content. Pass every entry in
   * `data`.
   */
  public addData(key: string, value: string): void {
    if (this.sealed) invalidInput(this.node.path, 'addData key', key, 'cannot add data to a HashedConfigMap after construction: its name is a hash of its content; pass every entry in props.data');
    super.addData(key, value);
  }

  /**
   * Not allowed after construction: the name is a hash of the content. Pass every entry in
   * `binaryData`.
   */
  public addBinaryData(key: string, value: string): void {
    if (this.sealed) invalidInput(this.node.path, 'addBinaryData key', key, 'cannot add data to a HashedConfigMap after construction: its name is a hash of its content; pass every entry in props.binaryData');
    super.addBinaryData(key, value);
  }
}

/** Fails unless `<baseName>-<10 chars>` is a valid object name. */
export function validateHashedName(where: string, baseName: string): void {
  if (!isDnsSubdomain(baseName) || baseName.length > 242) {
    invalidInput(where, 'baseName', baseName, 'must be a DNS-1123 subdomain of at most 242 characters (a-z, 0-9, "-" and "."), so that "<baseName>-<10-character hash>" is a valid name; pass baseName when the construct id is not one');
  }
}

/**
 * Fails on sections that are not string maps, on keys the API server rejects and on content
 * over the 1 MiB object limit.
 */
export function validateEntries(where: string, sections: { [field: string]: { [key: string]: string } }): void {
  let bytes = 0;
  const seen = new Set<string>();
  for (const [field, section] of Object.entries(sections)) {
    if (section === null || typeof section !== 'object' || Array.isArray(section)) {
      invalidInput(where, field, section, 'must be an object of keys and string values');
    }
    for (const [key, value] of Object.entries(section)) {
      if (!isConfigKey(key)) invalidInput(where, 'data key', key, CONFIG_KEY_ALLOWED);
      if (seen.has(key)) invalidInput(where, 'data key', key, 'must appear only once across data and binaryData');
      // A Secret's values are not printed, not even mistyped ones.
      if (typeof value !== 'string') invalidInput(where, `${field}["${key}"]`, field === 'stringData' ? `(${value === null ? 'null' : typeof value})` : value, 'must be a string');
      if (field === 'binaryData' && !isBase64(value)) invalidInput(where, `${field}["${key}"]`, value, 'must be base64-encoded bytes (standard alphabet, padded)');
      seen.add(key);
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
  }
  if (bytes > MAX_CONFIG_BYTES) {
    invalidInput(where, 'data size', bytes, `must be at most ${MAX_CONFIG_BYTES} bytes (1 MiB, the API server's object limit)`);
  }
}

/** Labels and annotations, when given: valid keys, label values, annotation values that are strings. */
export function validateMetadata(where: string, labels: unknown, annotations: unknown): void {
  for (const [field, map] of [['labels', labels], ['annotations', annotations]] as const) {
    if (map === undefined) continue;
    if (map === null || typeof map !== 'object' || Array.isArray(map)) invalidInput(where, field, map, 'must be an object of keys and string values');
    for (const [key, value] of Object.entries(map)) {
      if (!isLabelKey(key)) invalidInput(where, `${field} key`, key, LABEL_KEY_ALLOWED);
      if (typeof value !== 'string') invalidInput(where, `${field}["${key}"]`, value, 'must be a string');
      if (field === 'labels' && !isLabelValue(value)) {
        invalidInput(where, `${field}["${key}"]`, value, 'must be a label value: at most 63 characters of A-Z, a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit');
      }
    }
  }
}
