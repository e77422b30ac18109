import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Adapter } from '../../src';
import { container, only, podSpec, synth } from '../util';

function setup() {
  const chart = Testing.chart();
  const app = new kplus.Deployment(chart, 'app', { containers: [{ name: 'app', image: 'shop/legacy:3.1', portNumber: 8080 }] });
  const service = app.exposeViaService({ name: 'legacy', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
  return { chart, app, service };
}

describe('Adapter', () => {
  test('owns the metrics port, reads the shared log volume, is exposed and annotated', () => {
    const { chart, app, service } = setup();
    new Adapter(chart, 'metrics', {
      workload: app,
      container: { name: 'exporter', image: 'quay.io/prometheuscommunity/json-exporter:v0.6.0' },
      metricsPort: 7979,
      sharedVolume: { mainMountPath: '/var/log/legacy' },
      service,
    });
    const manifests = synth(chart);
    const dep = only(manifests, 'Deployment');
    const spec = podSpec(dep);
    const exporter = container(spec, 'exporter');
    expect(exporter.ports).toEqual([{ containerPort: 7979, name: 'metrics' }]);
    expect(exporter.volumeMounts).toEqual([{ name: 'exporter-shared', mountPath: '/var/log/legacy', readOnly: true }]);
    expect(container(spec, 'app').volumeMounts).toEqual([{ name: 'exporter-shared', mountPath: '/var/log/legacy', readOnly: false }]);
    expect(exporter.readinessProbe.httpGet).toEqual({ path: '/metrics', port: 7979, scheme: 'HTTP' });
    expect(exporter.livenessProbe.tcpSocket).toEqual({ port: 7979 });
    const scrape = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '7979', 'prometheus.io/path': '/metrics' };
    expect(dep.spec.template.metadata.annotations).toMatchObject(scrape);
    const svc = only(manifests, 'Service');
    expect(svc.metadata.annotations).toMatchObject(scrape);
    expect(svc.spec.ports).toEqual(expect.arrayContaining([{ name: 'metrics', port: 7979, targetPort: 7979 }]));
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
  });

  test('scrape annotations can be turned off', () => {
    const { chart, app } = setup();
    new Adapter(chart, 'm', { workload: app, container: { image: 'x/exp:1' }, metricsPort: 9100, scrapeAnnotations: false });
    expect(only(synth(chart), 'Deployment').spec.template.metadata.annotations).toBeUndefined();
  });

  test('validation messages', () => {
    const { chart, app } = setup();
    expect(() => new Adapter(chart, 'a', { workload: app, container: { image: 'x/e:1' }, metricsPort: 8080 }))
      .toThrow('test/a: invalid metricsPort 8080: must not be used by another container of the pod (they share one network namespace): container app (a container of test/app) has port 8080');
    expect(() => new Adapter(chart, 'b', { workload: app, container: { image: 'x/e:1' }, metricsPort: 0 }))
      .toThrow('test/b: invalid metricsPort 0: must be an integer port number from 1 to 65535');
    expect(() => new Adapter(chart, 'c', { workload: app, container: { image: 'x/e:1' }, metricsPort: 9100, metricsPortName: 'prometheus-metrics' }))
      .toThrow('test/c: invalid metricsPortName "prometheus-metrics": must be a port name: at most 15 characters');
    expect(() => new Adapter(chart, 'd', { workload: app, container: { image: 'x/e:1' }, metricsPort: 9100, metricsPath: 'metrics' }))
      .toThrow('test/d: invalid metricsPath "metrics": must be an absolute path');
  });
});

test('Adapter refuses a Service with unnamed ports', () => {
  const chart = Testing.chart();
  const app = new kplus.Deployment(chart, 'app', { containers: [{ name: 'app', image: 'x/a:1', portNumber: 8080 }] });
  const service = app.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
  expect(() => new Adapter(chart, 'm', { workload: app, container: { image: 'x/e:1' }, metricsPort: 9100, service }))
    .toThrow(/test\/m: invalid service "test\/app\/Service": must name all its ports: a Service with several ports needs a name on each \(unnamed: 80\)/);
});
