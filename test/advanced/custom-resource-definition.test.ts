import { Testing } from 'cdk8s';
import { customResourceProblems, structuralProblems, synthWithCustomResources } from './custom-resources';
import {
  CustomResourceDefinition, CustomResourceDefinitionProps, CustomResourceScope, JsonSchema, PrinterColumnType,
} from '../../src';
import { only, synth } from '../util';

const spec = () => JsonSchema.ofObject({
  description: 'What to watch',
  properties: {
    configMap: JsonSchema.ofString({ description: 'Name of the ConfigMap to monitor', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
    podSelector: JsonSchema.mapOf(JsonSchema.ofString(), { description: 'Labels of the pods to restart', minProperties: 1 }),
    mode: JsonSchema.ofString({ allowedValues: ['restart', 'ignore'], defaultValue: 'restart' }),
    delaySeconds: JsonSchema.ofInteger({ minimum: 0, maximum: 3600, defaultValue: 0 }),
    ratio: JsonSchema.ofNumber({ minimum: 0, maximum: 1 }),
    dryRun: JsonSchema.ofBoolean({ defaultValue: false }),
    tags: JsonSchema.arrayOf(JsonSchema.ofString(), { maxItems: 5, set: true }),
    extra: JsonSchema.freeForm(),
    maxUnavailable: JsonSchema.intOrString(),
    note: JsonSchema.ofString({ nullable: true }),
  },
  required: ['configMap', 'podSelector'],
});
const status = () => JsonSchema.ofObject({ properties: { restarts: JsonSchema.ofInteger({ minimum: 0 }), lastRestart: JsonSchema.ofString({ format: 'date-time' }) } });

function setup(extra: Partial<CustomResourceDefinitionProps> = {}) {
  const chart = Testing.chart();
  const crd = new CustomResourceDefinition(chart, 'config-watcher', {
    group: 'k8spatterns.com',
    kind: 'ConfigWatcher',
    shortNames: ['cw'],
    categories: ['all'],
    versions: [{
      name: 'v1',
      spec: spec(),
      status: status(),
      printerColumns: [
        { name: 'ConfigMap', jsonPath: '.spec.configMap', description: 'The watched ConfigMap' },
        { name: 'Restarts', jsonPath: '.status.restarts', columnType: PrinterColumnType.INTEGER, priority: 1 },
      ],
    }],
    ...extra,
  });
  return { chart, crd };
}

describe('CustomResourceDefinition', () => {
  test('an apiextensions.k8s.io/v1 definition with names, scope, one storage version, columns and status', () => {
    const { chart, crd } = setup();
    const m = only(synth(chart), 'CustomResourceDefinition');
    expect(m.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(m.metadata.name).toBe('configwatchers.k8spatterns.com');
    expect(m.spec.group).toBe('k8spatterns.com');
    expect(m.spec.scope).toBe('Namespaced');
    expect(m.spec.names).toEqual({
      kind: 'ConfigWatcher', listKind: 'ConfigWatcherList', plural: 'configwatchers', singular: 'configwatcher', shortNames: ['cw'], categories: ['all'],
    });
    expect(m.spec.versions).toHaveLength(1);
    const v = m.spec.versions[0];
    expect(v).toMatchObject({ name: 'v1', served: true, storage: true, subresources: { status: {} } });
    expect(v.additionalPrinterColumns).toEqual([
      { name: 'ConfigMap', jsonPath: '.spec.configMap', type: 'string', description: 'The watched ConfigMap' },
      { name: 'Restarts', jsonPath: '.status.restarts', type: 'integer', priority: 1 },
    ]);
    expect(m.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'configwatchers', 'app.kubernetes.io/component': 'custom-resource-definition', 'app.kubernetes.io/managed-by': 'cdk8s-patterns' });
    expect(crd.apiVersion).toBe('k8spatterns.com/v1');
    expect(crd.kind).toBe('ConfigWatcher');
    expect(crd.plural).toBe('configwatchers');
    expect(crd.group).toBe('k8spatterns.com');
    expect(crd.resourceScope).toBe(CustomResourceScope.NAMESPACED);
    expect(crd.hasStatusSubresource).toBe(true);
  });

  test('the openAPIV3Schema is structural and written exactly as built', () => {
    const { chart, crd } = setup();
    const schema = only(synth(chart), 'CustomResourceDefinition').spec.versions[0].schema.openAPIV3Schema;
    expect(structuralProblems(schema)).toEqual([]);
    expect(schema).toEqual(crd.schemaOf('v1'));
    expect(schema.required).toEqual(['spec']);
    expect(schema.properties.spec.required).toEqual(['configMap', 'podSelector']);
    expect(schema.properties.spec.properties.podSelector).toEqual({ type: 'object', description: 'Labels of the pods to restart', additionalProperties: { type: 'string' }, minProperties: 1 });
    expect(schema.properties.spec.properties.mode).toEqual({ type: 'string', enum: ['restart', 'ignore'], default: 'restart' });
    expect(schema.properties.spec.properties.tags).toEqual({ 'type': 'array', 'items': { type: 'string' }, 'maxItems': 5, 'x-kubernetes-list-type': 'set' });
    expect(schema.properties.spec.properties.extra).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(schema.properties.spec.properties.maxUnavailable).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(schema.properties.spec.properties.note).toEqual({ type: 'string', nullable: true });
    expect(schema.properties.status.properties.lastRestart).toEqual({ type: 'string', format: 'date-time' });
  });

  test('plural and singular defaults, cluster scope, no status subresource without a status schema', () => {
    const chart = Testing.chart();
    const crd = new CustomResourceDefinition(chart, 'backup', {
      group: 'ops.example.com',
      kind: 'Backup',
      scope: CustomResourceScope.CLUSTER,
      versions: [{ name: 'v1alpha1', spec: JsonSchema.freeForm() }],
    });
    const m = only(synth(chart), 'CustomResourceDefinition');
    expect(m.spec.names).toEqual({ kind: 'Backup', listKind: 'BackupList', plural: 'backups', singular: 'backup' });
    expect(m.spec.scope).toBe('Cluster');
    expect(m.spec.versions[0].subresources).toBeUndefined();
    expect(crd.hasStatusSubresource).toBe(false);
  });

  test('several versions: exactly one is stored, all are served unless told', () => {
    const chart = Testing.chart();
    const crd = new CustomResourceDefinition(chart, 'db', {
      group: 'data.example.com',
      kind: 'Database',
      plural: 'databases',
      versions: [
        { name: 'v1beta1', spec: spec(), deprecationWarning: 'data.example.com/v1beta1 Database is deprecated; use v1' },
        { name: 'v1', spec: spec(), storage: true },
        { name: 'v1alpha1', spec: spec(), served: false },
      ],
    });
    const versions = only(synth(chart), 'CustomResourceDefinition').spec.versions;
    expect(versions.map((v: any) => [v.name, v.served, v.storage])).toEqual([['v1beta1', true, false], ['v1', true, true], ['v1alpha1', false, false]]);
    expect(versions.filter((v: any) => v.storage)).toHaveLength(1);
    expect(versions[0]).toMatchObject({ deprecated: true, deprecationWarning: 'data.example.com/v1beta1 Database is deprecated; use v1' });
    expect(crd.apiVersion).toBe('data.example.com/v1');
  });

  test('newInstance writes a custom resource checked against the schema', () => {
    const { chart, crd } = setup();
    const cr = crd.newInstance(chart, 'webapp', { configMap: 'webapp-config', podSelector: { app: 'webapp' } }, { name: 'webapp-config-watcher' });
    const manifests = synthWithCustomResources(chart);
    const m = only(manifests, 'ConfigWatcher');
    expect(m).toEqual({
      apiVersion: 'k8spatterns.com/v1',
      kind: 'ConfigWatcher',
      metadata: { name: 'webapp-config-watcher' },
      spec: { configMap: 'webapp-config', podSelector: { app: 'webapp' } },
    });
    expect(cr.name).toBe('webapp-config-watcher');
    // The definition comes before its objects.
    expect(manifests.findIndex(x => x.kind === 'CustomResourceDefinition')).toBeLessThan(manifests.indexOf(m));
  });

  test('an invalid instance is refused at synth, and ajv on the generated schema agrees', () => {
    const { chart, crd } = setup();
    const crdManifest = only(synth(chart), 'CustomResourceDefinition');
    const instance = (s: any) => ({ apiVersion: 'k8spatterns.com/v1', kind: 'ConfigWatcher', metadata: { name: 'x' }, spec: s });
    const good = [
      { configMap: 'web', podSelector: { app: 'web' } },
      { configMap: 'web', podSelector: { app: 'web' }, mode: 'ignore', delaySeconds: 30, ratio: 0.5, dryRun: true, tags: ['a', 'b'], extra: { any: { thing: 1 } }, maxUnavailable: '25%', note: null },
      { configMap: 'web', podSelector: { app: 'web' }, maxUnavailable: 1 },
    ];
    const bad = [
      {},
      { configMap: 'web' },
      { configMap: '', podSelector: { app: 'web' } },
      { configMap: 'Web_Config', podSelector: { app: 'web' } },
      { configMap: 'web', podSelector: {} },
      { configMap: 'web', podSelector: { app: 1 } },
      { configMap: 'web', podSelector: { app: 'web' }, mode: 'sometimes' },
      { configMap: 'web', podSelector: { app: 'web' }, delaySeconds: -1 },
      { configMap: 'web', podSelector: { app: 'web' }, delaySeconds: 1.5 },
      { configMap: 'web', podSelector: { app: 'web' }, ratio: 2 },
      { configMap: 'web', podSelector: { app: 'web' }, dryRun: 'yes' },
      { configMap: 'web', podSelector: { app: 'web' }, tags: ['a', 'a'] },
      { configMap: 'web', podSelector: { app: 'web' }, tags: ['1', '2', '3', '4', '5', '6'] },
      { configMap: 'web', podSelector: { app: 'web' }, maxUnavailable: true },
      { configMap: 'web', podSelector: { app: 'web' }, mode: null },
      { configMap: 'web', podSelector: { app: 'web' }, configmap: 'typo' },
    ];
    for (const s of good) {
      expect(customResourceProblems(crdManifest, instance(s))).toEqual([]);
      expect(() => crd.newInstance(Testing.chart(), 'ok', s)).not.toThrow();
    }
    for (const s of bad) {
      expect(customResourceProblems(crdManifest, instance(s))).not.toEqual([]);
      expect(() => crd.newInstance(Testing.chart(), 'bad', s)).toThrow('test/bad: invalid spec');
    }
    expect(() => crd.newInstance(chart, 'typo', { configMap: 'web', podSelector: { app: 'web' }, configmap: 'x' }))
      .toThrow('test/typo: invalid spec {"configMap":"web","podSelector":{"app":"web"},"configmap":"x"}: must follow the ConfigWatcher v1 schema: spec.configmap: is not a declared field');
    expect(() => crd.newInstance(chart, 'missing', { podSelector: { app: 'web' } }))
      .toThrow('test/missing: invalid spec {"podSelector":{"app":"web"}}: must follow the ConfigWatcher v1 schema: spec.configMap: is required');
    expect(() => crd.newInstance(chart, 'version', {}, { version: 'v2' })).toThrow('test/version: invalid version "v2": must be one of v1');
    expect(() => crd.newInstance(chart, 'name', { configMap: 'web', podSelector: { a: 'b' } }, { name: 'Bad' })).toThrow('test/name: invalid name "Bad": must be a DNS-1123 subdomain');
    expect(customResourceProblems(crdManifest, { ...instance(good[0]), apiVersion: 'k8spatterns.com/v2' })).toEqual(['ConfigWatcher/x: version v2 is not defined by configwatchers.k8spatterns.com']);
  });

  test('instances of an unserved version are refused', () => {
    const chart = Testing.chart();
    const crd = new CustomResourceDefinition(chart, 'db', {
      group: 'data.example.com',
      kind: 'Database',
      versions: [{ name: 'v1', spec: JsonSchema.freeForm(), storage: true }, { name: 'v0', spec: JsonSchema.freeForm(), served: false }],
    });
    expect(() => crd.newInstance(chart, 'old', {}, { version: 'v0' })).toThrow('test/old: invalid version "v0": must be a served version');
  });

  test('definition validation messages', () => {
    const chart = Testing.chart();
    const v = [{ name: 'v1', spec: JsonSchema.freeForm() }];
    const make = (id: string, p: Partial<CustomResourceDefinitionProps>) => () => new CustomResourceDefinition(chart, id, { group: 'a.example.com', kind: 'Thing', versions: v, ...p });
    expect(make('a', { group: 'example' })).toThrow('test/a: invalid group "example": must be a domain with at least one dot (e.g. "example.com")');
    expect(make('b', { group: 'Example.com' })).toThrow('test/b: invalid group "Example.com": must be a DNS-1123 subdomain');
    expect(make('c', { kind: 'thing' })).toThrow('test/c: invalid kind "thing": must be CamelCase: a capital letter followed by letters and digits, at most 63 characters');
    expect(make('d', { plural: 'Things' })).toThrow('test/d: invalid plural "Things": must be a lower-case DNS-1035 label');
    expect(make('e', { singular: '1thing' })).toThrow('test/e: invalid singular "1thing": must be a lower-case DNS-1035 label');
    expect(make('f', { plural: 'thing' })).toThrow('test/f: invalid plural "thing": must differ from the singular');
    expect(make('g', { shortNames: ['t', 'T'] })).toThrow('test/g: invalid shortNames[1] "T": must be a lower-case DNS-1035 label');
    expect(make('h', { categories: ['all', ''] })).toThrow('test/h: invalid categories[1] "": must be a lower-case DNS-1035 label');
    expect(make('i', { scope: 'Global' as any })).toThrow('test/i: invalid scope "Global": must be one of Namespaced, Cluster');
    expect(make('j', { versions: [] })).toThrow('test/j: invalid versions []: must list at least one version');
    expect(make('k', { versions: [{ name: 'V1', spec: JsonSchema.freeForm() }] })).toThrow('test/k: invalid versions[0].name "V1": must be a lower-case DNS-1035 label');
    expect(make('l', { versions: [...v, { name: 'v1', spec: JsonSchema.freeForm() }] })).toThrow('test/l: invalid versions[1].name "v1": must be unique');
    expect(make('m', { versions: [{ name: 'v1', spec: JsonSchema.ofString() }] })).toThrow('test/m: invalid versions[0].spec "string": must be an object schema (JsonSchema.ofObject, mapOf or freeForm)');
    expect(make('n', { versions: [{ name: 'v1', spec: JsonSchema.freeForm(), status: JsonSchema.arrayOf(JsonSchema.ofString()) }] }))
      .toThrow('test/n: invalid versions[0].status "array": must be an object schema');
    expect(make('o', { versions: [{ name: 'v1', spec: JsonSchema.freeForm() }, { name: 'v2', spec: JsonSchema.freeForm() }] }))
      .toThrow('test/o: invalid versions []: must mark exactly one version as storage (storage: true)');
    expect(make('p', { versions: [{ name: 'v1', spec: JsonSchema.freeForm(), storage: true }, { name: 'v2', spec: JsonSchema.freeForm(), storage: true }] }))
      .toThrow('test/p: invalid versions ["v1","v2"]: must mark exactly one version as storage (storage: true)');
    expect(make('q', { versions: [{ name: 'v1', spec: JsonSchema.freeForm(), served: false }] })).toThrow('test/q: invalid versions[0].served false: must be true for the storage version');
    expect(make('r', { versions: [{ name: 'v1', spec: JsonSchema.freeForm(), printerColumns: [{ name: 'X', jsonPath: 'spec.x' }] }] }))
      .toThrow('test/r: invalid versions[0].printerColumns[0].jsonPath "spec.x": must be a JSON path starting with "."');
    expect(make('s', { versions: [{ name: 'v1', spec: JsonSchema.freeForm(), printerColumns: [{ name: ' ', jsonPath: '.x' }] }] }))
      .toThrow('test/s: invalid versions[0].printerColumns[0].name " ": must not be empty');
    expect(make('t', { versions: [{ name: 'v1', spec: JsonSchema.freeForm(), printerColumns: [{ name: 'X', jsonPath: '.x', priority: -1 }] }] }))
      .toThrow('test/t: invalid versions[0].printerColumns[0].priority -1: must be a whole number of at least 0');
    expect(make('u', { appName: 'bad name' })).toThrow('test/u: invalid appName "bad name": must be a label value');
    expect(() => setup().crd.schemaOf('v9')).toThrow('test/config-watcher: invalid version "v9": must be one of v1');
  });
});

describe('JsonSchema', () => {
  test('validation messages of the builder', () => {
    expect(() => JsonSchema.ofString({ minLength: 5, maxLength: 2 })).toThrow('JsonSchema.ofString: invalid maxLength 2: must be at least minLength (5)');
    expect(() => JsonSchema.ofString({ minLength: -1 })).toThrow('JsonSchema.ofString: invalid minLength -1: must be a whole number of at least 0');
    expect(() => JsonSchema.ofString({ pattern: '([a-z' })).toThrow('JsonSchema.ofString: invalid pattern "([a-z": must be a valid regular expression');
    expect(() => JsonSchema.ofString({ allowedValues: [] })).toThrow('JsonSchema.ofString: invalid allowedValues []: must list at least one value (leave it out to allow any string)');
    expect(() => JsonSchema.ofString({ allowedValues: ['a'], defaultValue: 'b' })).toThrow('JsonSchema.ofString: invalid defaultValue "b": must itself be valid: defaultValue: must be one of ["a"]');
    expect(() => JsonSchema.ofInteger({ minimum: 1.5 })).toThrow('JsonSchema.ofInteger: invalid minimum 1.5: must be a whole number');
    expect(() => JsonSchema.ofInteger({ minimum: 3, maximum: 1 })).toThrow('JsonSchema.ofInteger: invalid maximum 1: must be at least minimum (3)');
    expect(() => JsonSchema.ofInteger({ minimum: 3, defaultValue: 1 })).toThrow('JsonSchema.ofInteger: invalid defaultValue 1: must itself be valid: defaultValue: must be at least 3');
    expect(() => JsonSchema.ofNumber({ maximum: Infinity })).toThrow('JsonSchema.ofNumber: invalid maximum Infinity: must be a finite number');
    expect(() => JsonSchema.ofObject({ properties: { a: JsonSchema.ofString() }, required: ['b'] })).toThrow('JsonSchema.ofObject: invalid required "b": must name one of the properties (a)');
    expect(() => JsonSchema.ofObject({ properties: { a: JsonSchema.ofString() }, required: ['a', 'a'] })).toThrow('JsonSchema.ofObject: invalid required ["a","a"]: must not list a property twice');
    expect(() => JsonSchema.ofObject({ properties: { '': JsonSchema.ofString() } })).toThrow('JsonSchema.ofObject: invalid properties "": property names must not be empty');
    expect(() => JsonSchema.arrayOf(JsonSchema.ofString(), { minItems: 3, maxItems: 2 })).toThrow('JsonSchema.arrayOf: invalid maxItems 2: must be at least minItems (3)');
    expect(() => JsonSchema.arrayOf(JsonSchema.freeForm(), { set: true })).toThrow('JsonSchema.arrayOf: invalid set true: requires scalar items (string, integer, number or boolean)');
    expect(() => JsonSchema.mapOf(JsonSchema.ofString(), { maxProperties: 1.5 })).toThrow('JsonSchema.mapOf: invalid maxProperties 1.5: must be a whole number of at least 0');
  });

  test('violations name the path of every problem', () => {
    const s = JsonSchema.ofObject({ properties: { a: JsonSchema.arrayOf(JsonSchema.ofInteger({ maximum: 3 })), m: JsonSchema.mapOf(JsonSchema.ofBoolean(), { maxProperties: 1 }) }, required: ['a'] });
    expect(s.violations({ a: [1, 5, 'x'], m: { x: true, y: 1 } }, 'spec')).toEqual([
      'spec.a[1]: must be at most 3',
      'spec.a[2]: must be of type integer, not string',
      'spec.m: must have at most 1 entries',
      'spec.m.y: must be of type boolean, not integer',
    ]);
    expect(s.violations({ a: [] })).toEqual([]);
    expect(s.jsonType).toBe('object');
  });
});

describe('CustomResourceDefinition and JsonSchema: JavaScript and jsii callers get the library\'s errors', () => {
  const v1 = { name: 'v1', spec: JsonSchema.freeForm() };
  const base = { group: 'a.example.com', kind: 'Thing', versions: [v1] };
  test.each([
    [undefined, 'test/a: invalid props undefined: must be an object with at least group, kind, versions'],
    [{}, 'test/a: invalid group undefined: is required'],
    [{ ...base, kind: 5 }, 'test/a: invalid kind 5: must be CamelCase: a capital letter followed by letters and digits, at most 63 characters'],
    [{ ...base, versions: 'v1' }, 'test/a: invalid versions "v1": must be a list'],
    [{ ...base, versions: [null] }, 'test/a: invalid versions[0] null: must be an object with at least name and spec'],
    [{ ...base, versions: [{ ...v1, name: 1 }] }, 'test/a: invalid versions[0].name 1: must be a lower-case DNS-1035 label'],
    [{ ...base, versions: [{ name: 'v1', spec: { type: 'object' } }] }, 'test/a: invalid versions[0].spec {"type":"object"}: must be a JsonSchema (JsonSchema.ofObject, mapOf or freeForm)'],
    [{ ...base, versions: [{ ...v1, status: 'object' }] }, 'test/a: invalid versions[0].status "object": must be a JsonSchema (JsonSchema.ofObject, mapOf or freeForm)'],
    [{ ...base, versions: [{ ...v1, storage: 'yes' }] }, 'test/a: invalid versions[0].storage "yes": must be true or false'],
    [{ ...base, versions: [{ ...v1, deprecationWarning: true }] }, 'test/a: invalid versions[0].deprecationWarning true: must be a string: the warning clients receive'],
    [{ ...base, versions: [{ ...v1, printerColumns: { name: 'X' } }] }, 'test/a: invalid versions[0].printerColumns {"name":"X"}: must be a list'],
    [{ ...base, versions: [{ ...v1, printerColumns: [{ name: 5, jsonPath: '.x' }] }] }, 'test/a: invalid versions[0].printerColumns[0].name 5: must be a string: the column header'],
    [{ ...base, versions: [{ ...v1, printerColumns: [{ name: 'X', jsonPath: 5 }] }] }, 'test/a: invalid versions[0].printerColumns[0].jsonPath 5: must be a JSON path starting with "."'],
    [{ ...base, versions: [{ ...v1, printerColumns: [{ name: 'X', jsonPath: '.x', columnType: 'text' }] }] },
      'test/a: invalid versions[0].printerColumns[0].columnType "text": must be one of string, integer, number, boolean, date'],
    [{ ...base, versions: [{ ...v1, printerColumns: [{ name: 'X', jsonPath: '.x', priority: '1' }] }] }, 'test/a: invalid versions[0].printerColumns[0].priority "1": must be a whole number of at least 0'],
    [{ ...base, shortNames: 'th' }, 'test/a: invalid shortNames "th": must be a list'],
    [{ ...base, categories: [7] }, 'test/a: invalid categories[0] 7: must be a lower-case DNS-1035 label'],
  ])('%#', (props, message) => {
    expect(() => new CustomResourceDefinition(Testing.chart(), 'a', props as any)).toThrow(message);
  });

  test('newInstance and schemaOf', () => {
    const { chart, crd } = setup();
    const good = { configMap: 'web', podSelector: { app: 'web' } };
    expect(() => crd.newInstance(undefined as any, 'x', good)).toThrow('test/config-watcher.newInstance: invalid scope undefined: must be a construct in a chart');
    expect(() => crd.newInstance(chart, 7 as any, good)).toThrow('test/config-watcher.newInstance(test): invalid id 7: must be a non-empty string');
    expect(() => crd.newInstance(chart, 'a', 'web' as any)).toThrow('test/a: invalid spec "web": must be an object: the .spec of the ConfigWatcher');
    expect(() => crd.newInstance(chart, 'b', good, 'v1' as any)).toThrow('test/b: invalid options "v1": must be an object');
    expect(() => crd.newInstance(chart, 'c', good, { version: 1 as any })).toThrow('test/c: invalid version 1: must be a version name');
    expect(() => crd.newInstance(chart, 'd', good, { name: 5 as any })).toThrow('test/d: invalid name 5: must be a DNS-1123 subdomain');
    expect(() => crd.schemaOf(1 as any)).toThrow('test/config-watcher: invalid version 1: must be a version name');
    // a jsii caller's null is "no options"
    expect(crd.newInstance(chart, 'e', good, null as any).kind).toBe('ConfigWatcher');
  });

  test.each([
    [() => JsonSchema.ofObject(undefined as any), 'JsonSchema.ofObject: invalid options undefined: is required: an object with at least properties'],
    [() => JsonSchema.ofObject({} as any), 'JsonSchema.ofObject: invalid properties undefined: must be an object of field names and JsonSchemas'],
    [() => JsonSchema.ofObject({ properties: { a: { type: 'string' } as any } }), 'JsonSchema.ofObject: invalid properties["a"] {"type":"string"}: must be a JsonSchema (JsonSchema.ofString, ofObject, ...)'],
    [() => JsonSchema.ofObject({ properties: {}, required: 'a' as any }), 'JsonSchema.ofObject: invalid required "a": must be a list of strings'],
    [() => JsonSchema.arrayOf(undefined as any), 'JsonSchema.arrayOf: invalid items undefined: must be a JsonSchema (JsonSchema.ofString, ofObject, ...)'],
    [() => JsonSchema.arrayOf(JsonSchema.ofString(), { set: 'yes' as any }), 'JsonSchema.arrayOf: invalid set "yes": must be true or false'],
    [() => JsonSchema.mapOf('string' as any), 'JsonSchema.mapOf: invalid values "string": must be a JsonSchema (JsonSchema.ofString, ofObject, ...)'],
    [() => JsonSchema.ofString('x' as any), 'JsonSchema.ofString: invalid options "x": must be an object'],
    [() => JsonSchema.ofString({ allowedValues: 'a' as any }), 'JsonSchema.ofString: invalid allowedValues "a": must be a list of strings'],
    [() => JsonSchema.ofString({ allowedValues: [1 as any] }), 'JsonSchema.ofString: invalid allowedValues[0] 1: must be a string'],
    [() => JsonSchema.ofString({ pattern: 5 as any }), 'JsonSchema.ofString: invalid pattern 5: must be a string'],
    [() => JsonSchema.ofString({ pattern: '^(a)\\1$' }), 'JsonSchema.ofString: invalid pattern "^(a)\\\\1$": must be an RE2 expression, as the API server compiles it: no lookahead, lookbehind or backreferences'],
    [() => JsonSchema.ofString({ pattern: '^(?!admin$)[a-z]+$' }), 'JsonSchema.ofString: invalid pattern "^(?!admin$)[a-z]+$": must be an RE2 expression'],
    [() => JsonSchema.ofString({ pattern: '(?<=v)\\d+' }), 'JsonSchema.ofString: invalid pattern "(?<=v)\\\\d+": must be an RE2 expression'],
    [() => JsonSchema.ofString({ pattern: '^(?<x>a)\\k<x>$' }), 'must be an RE2 expression'],
    [() => JsonSchema.ofString({ minLength: '1' as any }), 'JsonSchema.ofString: invalid minLength "1": must be a whole number of at least 0'],
    [() => JsonSchema.ofString({ description: 5 as any }), 'JsonSchema.ofString: invalid description 5: must be a string'],
    [() => JsonSchema.ofInteger({ minimum: '1' as any }), 'JsonSchema.ofInteger: invalid minimum "1": must be a whole number'],
    [() => JsonSchema.ofNumber({ nullable: 'yes' as any }), 'JsonSchema.ofNumber: invalid nullable "yes": must be true or false'],
    [() => JsonSchema.ofBoolean({ defaultValue: 'yes' as any }), 'JsonSchema.ofBoolean: invalid defaultValue "yes": must be true or false'],
    [() => JsonSchema.freeForm(7 as any), 'JsonSchema.freeForm: invalid options 7: must be an object'],
    [() => JsonSchema.intOrString({ description: [] as any }), 'JsonSchema.intOrString: invalid description []: must be a string'],
  ])('JsonSchema %#', (fn, message) => {
    expect(fn).toThrow(message);
  });

  test('RE2 patterns with escapes, classes and groups pass', () => {
    for (const pattern of ['^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', '^\\d+(\\.\\d+)?$', '^[(?=]+$', '^\\\\1$', '^(?:a|b)$', '^(?<x>a)$']) {
      expect(JsonSchema.ofString({ pattern }).toJson().pattern).toBe(pattern);
    }
  });

  test('JsonSchema factories take a jsii caller\'s null as no options', () => {
    expect(JsonSchema.ofString(null as any).toJson()).toEqual({ type: 'string' });
    expect(JsonSchema.arrayOf(JsonSchema.ofInteger(null as any), null as any).toJson()).toEqual({ type: 'array', items: { type: 'integer' } });
  });
});
