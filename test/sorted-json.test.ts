import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Adapter, HighlyAvailable, RestrictedPods, Sidecar } from '../src';
import { copyJson, sortedAt, sortedJson } from '../src/core/sorted-json';
import { only, synth } from './util';

/** Every object below `value` whose keys are not in sorted order, by path. */
function unsortedPaths(value: any, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unsortedPaths(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  const here = keys.some((k, i) => i > 0 && keys[i - 1] > k) ? [path || '(root)'] : [];
  return [...here, ...keys.flatMap(k => unsortedPaths(value[k], `${path}.${k}`))];
}

describe('sortedJson', () => {
  test('keeps objects already in order and replaces the others by sorted copies', () => {
    const inner = { b: 1, a: 2 };
    const ordered = { x: 1, y: inner };
    const list = [{ d: 1, c: 2 }, 'text', 3];
    const root = { z: list, m: ordered };
    const result = sortedJson(root);
    expect(Object.keys(result)).toEqual(['m', 'z']);
    expect(result).not.toBe(root);
    // An ordered object is kept (its parent gets no copy), and receives its sorted children.
    expect(result.m).toBe(ordered);
    expect(Object.keys(result.m.y)).toEqual(['a', 'b']);
    // The out-of-order original is not reordered in place: it is replaced.
    expect(Object.keys(inner)).toEqual(['b', 'a']);
    // Arrays are kept, their elements sorted.
    expect(result.z).toBe(list);
    expect(Object.keys(result.z[0])).toEqual(['c', 'd']);
    expect(result.z.slice(1)).toEqual(['text', 3]);
  });

  test('leaves out keys that hold undefined, as cdk8s does', () => {
    expect(sortedJson({ a: 1, b: undefined, c: { d: undefined } })).toStrictEqual({ a: 1, c: {} });
  });

  test('scalars and null pass through', () => {
    expect(sortedJson(null)).toBeNull();
    expect(sortedJson('s')).toBe('s');
    expect(sortedJson(0)).toBe(0);
  });
});

describe('sortedAt', () => {
  test('sorts deeply at the path and only the objects on the way to it', () => {
    const beside = { y: 1, x: 2 };
    const root = { spec: { template: { spec: { b: 1, a: 1 }, metadata: {} }, other: beside, a: 1 } };
    const result = sortedAt(root, ['spec', 'template']);
    expect(Object.keys(result.spec)).toEqual(['a', 'other', 'template']);
    expect(Object.keys(result.spec.template)).toEqual(['metadata', 'spec']);
    expect(Object.keys(result.spec.template.spec)).toEqual(['a', 'b']);
    expect(result.spec.other).toBe(beside);
    expect(Object.keys(beside)).toEqual(['y', 'x']);
  });

  test('an empty path sorts the whole value; a missing step stops', () => {
    expect(Object.keys(sortedAt({ b: 1, a: 1 }, []))).toEqual(['a', 'b']);
    expect(sortedAt({ spec: undefined }, ['spec', 'template'])).toStrictEqual({});
  });
});

describe('copyJson', () => {
  test('copies deeply, keeping key order and leaving out undefined', () => {
    const value = { b: [{ y: 1, x: [1, 2] }], a: 'v', u: undefined };
    const copy = copyJson(value);
    expect(copy).toStrictEqual({ b: [{ y: 1, x: [1, 2] }], a: 'v' });
    expect(Object.keys(copy)).toEqual(['b', 'a']);
    expect(copy.b).not.toBe(value.b);
    expect(copy.b[0].x).not.toBe(value.b[0].x);
  });
});

test('a workload several patterns changed has every key of its pod template in sorted order', () => {
  const chart = Testing.chart();
  const d = new kplus.Deployment(chart, 'web', {
    replicas: 2,
    containers: [{ name: 'app', image: 'registry.example/app:1.0.0', portNumber: 8080 }],
  });
  new Adapter(chart, 'metrics', { workload: d, container: { image: 'registry.example/exporter:0.15.0' }, metricsPort: 9102 });
  new Sidecar(chart, 'logs', {
    workload: d,
    container: { name: 'log-shipper', image: 'registry.example/fluent-bit:3.1.9' },
    sharedVolume: { sidecarMountPath: '/var/log/app', sidecarReadOnly: true },
  });
  new HighlyAvailable(chart, 'ha', { workload: d });
  RestrictedPods.applyTo(chart);
  const deployment = only(synth(chart), 'Deployment');
  expect(unsortedPaths(deployment.spec.template)).toEqual([]);
  expect(unsortedPaths(deployment.spec)).toEqual([]);
});
