import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ConfigTemplate, RestrictedPods } from '../../src';
import { container, only, podSpec, restrictedViolations, synth } from '../util';
import { wiringProblems } from '../wiring';

const SETS = { dev: { logLevel: 'DEBUG', banner: 'dev' }, prod: { logLevel: 'WARN', banner: 'shop' } };
const TEMPLATES = { 'app.properties': 'log.level={{ .params.logLevel }}\n', 'banner.txt': '{{ .params.banner }}\n' };

function setup() {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', {
    replicas: 2,
    containers: [{ name: 'web', image: 'shop/web:1.4.2', portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/', { port: 8080 }), securityContext: { user: 10101, group: 10101 } }],
  });
  return { chart, web };
}

function build(environment: string, templates: { [file: string]: string } = TEMPLATES): any[] {
  const { chart, web } = setup();
  new ConfigTemplate(chart, 'tmpl', { workload: web, templates, parameterSets: SETS, environment });
  RestrictedPods.applyTo(chart);
  return synth(chart);
}

describe('ConfigTemplate', () => {
  test('an init container renders every template with the parameters into an emptyDir the app mounts read-only', () => {
    const manifests = build('prod');
    const spec = podSpec(only(manifests, 'Deployment'));
    const init = container(spec, 'config-template');
    expect(init.image).toBe('hairyhenderson/gomplate:v4.1.0');
    expect(init.args).toEqual([
      '--file=/templates/app.properties', '--out=/rendered/app.properties',
      '--file=/templates/banner.txt', '--out=/rendered/banner.txt',
      '--context=params=file:///params/params.json',
    ]);
    const cms = manifests.filter(m => m.kind === 'ConfigMap');
    const tpl = cms.find(m => m.metadata.name.includes('-templates-'));
    const params = cms.find(m => m.metadata.name.includes('-params-'));
    expect(tpl.data).toEqual(TEMPLATES);
    expect(JSON.parse(params.data['params.json'])).toEqual(SETS.prod);
    for (const cm of cms) {
      expect(cm.immutable).toBe(true);
      expect(cm.metadata.name).toMatch(/-[a-z0-9]{10}$/);
    }
    const vols = Object.fromEntries(spec.volumes.map((v: any) => [v.name, v]));
    expect(vols['config-template']).toEqual({ name: 'config-template', emptyDir: { sizeLimit: '64Mi' } });
    expect(vols['config-template-in'].configMap.name).toBe(tpl.metadata.name);
    expect(vols['config-template-params'].configMap.name).toBe(params.metadata.name);
    // Mounts a pattern adds are ordered by path, whatever order they were added in.
    expect(init.volumeMounts).toEqual([
      { name: 'config-template-params', mountPath: '/params', readOnly: true },
      { name: 'config-template', mountPath: '/rendered' },
      { name: 'config-template-in', mountPath: '/templates', readOnly: true },
    ]);
    expect(container(spec, 'web').volumeMounts).toEqual([{ name: 'config-template', mountPath: '/config', readOnly: true }]);
    expect(restrictedViolations(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  test('dev and prod differ only in the parameters ConfigMap and the pod template that names it', () => {
    const dev = build('dev');
    const prod = build('prod');
    const name = (ms: any[]) => ms.find(m => m.kind === 'ConfigMap' && m.metadata.name.includes('-params-')).metadata.name;
    expect(name(dev)).not.toBe(name(prod));
    const devParams = dev.find(m => m.metadata.name === name(dev)).data['params.json'];
    const prodParams = prod.find(m => m.metadata.name === name(prod)).data['params.json'];
    const swapped = JSON.stringify(prod).split(name(prod)).join(name(dev))
      .replace(JSON.stringify(prodParams).slice(1, -1), JSON.stringify(devParams).slice(1, -1));
    expect(swapped).toBe(JSON.stringify(dev));
    // a template change renames the templates ConfigMap, so the pods roll
    const changed = build('prod', { ...TEMPLATES, 'banner.txt': 'v2 {{ .params.banner }}\n' });
    expect(JSON.stringify(podSpec(only(changed, 'Deployment')))).not.toBe(JSON.stringify(podSpec(only(prod, 'Deployment'))));
  });

  test('single parameter set, options', () => {
    const { chart, web } = setup();
    const t = new ConfigTemplate(chart, 'tmpl', {
      workload: web,
      templates: { 'a.conf': 'x={{ .params.x }}' },
      parameters: { x: '1' },
      mountPath: '/etc/app',
      initContainerName: 'render',
      volumeName: 'rendered',
      image: 'hairyhenderson/gomplate:v4.1.0-alpine',
    });
    const spec = podSpec(only(synth(chart), 'Deployment'));
    expect(container(spec, 'render').image).toBe('hairyhenderson/gomplate:v4.1.0-alpine');
    expect(container(spec, 'web').volumeMounts).toEqual([{ name: 'rendered', mountPath: '/etc/app', readOnly: true }]);
    expect(t.mountPath).toBe('/etc/app');
    expect(t.parametersConfigMap.data['params.json']).toBe('{\n  "x": "1"\n}\n');
    const { chart: c2, web: w2 } = setup();
    const empty = new ConfigTemplate(c2, 'tmpl', { workload: w2, templates: { 'a.conf': 'static' } });
    expect(empty.parametersConfigMap.data['params.json']).toBe('{}\n');
  });

  test('validation messages', () => {
    const { chart, web } = setup();
    const w = { workload: web, templates: TEMPLATES };
    expect(() => new ConfigTemplate(chart, 'a', { workload: web, templates: {} }))
      .toThrow('test/a: invalid templates {}: must hold at least one template');
    expect(() => new ConfigTemplate(chart, 'b', { ...w, parameterSets: SETS, environment: 'qa' }))
      .toThrow('test/b: invalid environment "qa": must be one of the keys of parameterSets: dev, prod');
    expect(() => new ConfigTemplate(chart, 'c', { ...w, parameters: { a: '1' }, environment: 'dev' }))
      .toThrow('test/c: invalid parameters {"a":"1"}: must not be combined with parameterSets or environment: give one parameter set, or per-environment sets and the environment to use');
    expect(() => new ConfigTemplate(chart, 'd', { ...w, image: 'hairyhenderson/gomplate' }))
      .toThrow('test/d: invalid image "hairyhenderson/gomplate": must be pinned');
    expect(() => new ConfigTemplate(chart, 'e', { ...w, initContainerName: 'Render' }))
      .toThrow('test/e: invalid initContainerName "Render": must be a DNS-1123 label');
    expect(() => new ConfigTemplate(chart, 'f', { workload: web, templates: { 'conf/app.xml': 'x' } }))
      .toThrow('test/f/templates: invalid data key "conf/app.xml": must be at most 253 characters of A-Z, a-z, 0-9, "-", "_" and "."');
    expect(() => new ConfigTemplate(chart, 'g', { ...w, mountPath: 'config' }))
      .toThrow('test/g: invalid mountPath "config": must be an absolute path');
  });
});
