import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CONFIG_KEY, MAX_CONFIG_BYTES, contentHash } from './content-hash';
import { invalidInput } from '../core/validation';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

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
    const where = scope.node.path ? `${scope.node.path}/${id}` : id;
    const baseName = props.baseName ?? id;
    validateHashedName(where, baseName);
    validateEntries(where, props.data ?? {}, props.binaryData ?? {});
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
  if (baseName.length > 242 || !DNS_SUBDOMAIN.test(baseName)) {
    invalidInput(where, 'baseName', baseName, 'must be a DNS-1123 subdomain of at most 242 characters (a-z, 0-9, "-" and "."), so that "<baseName>-<10-character hash>" is a valid name; pass baseName when the construct id is not one');
  }
}

/** Fails on keys the API server rejects and on content over the 1 MiB object limit. */
export function validateEntries(where: string, ...sections: Array<{ [key: string]: string }>): void {
  let bytes = 0;
  const seen = new Set<string>();
  for (const section of sections) {
    for (const [key, value] of Object.entries(section)) {
      if (key.length > 253 || !CONFIG_KEY.test(key)) {
        invalidInput(where, 'data key', key, 'must be at most 253 characters of A-Z, a-z, 0-9, "-", "_" and "."');
      }
      if (seen.has(key)) invalidInput(where, 'data key', key, 'must appear only once across data and binaryData');
      seen.add(key);
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
  }
  if (bytes > MAX_CONFIG_BYTES) {
    invalidInput(where, 'data size', bytes, `must be at most ${MAX_CONFIG_BYTES} bytes (1 MiB, the API server's object limit)`);
  }
}
