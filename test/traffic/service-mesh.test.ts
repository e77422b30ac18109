import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GracefulShutdown, MeshDataPlane, RestrictedPods, ServiceMesh } from '../../src';
import { validateManifests } from '../schema';
import { restrictedViolations } from '../util';

const synth = (c: Construct): any[] => Testing.synth(c as any);
const web = (scope: Construct, id: string) => new kplus.Deployment(scope, id, {
  containers: [{ image: `shop/${id}:1.0.0`, portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/ready') }],
});

describe('ServiceMesh', () => {
  test('Istio ambient: a pod label, no extra containers, restricted; strict mTLS per member (real CRD)', () => {
    const chart = Testing.chart();
    const orders = web(chart, 'orders');
    const users = web(chart, 'users');
    const mesh = new ServiceMesh(chart, 'mesh', { dataPlane: MeshDataPlane.ISTIO_AMBIENT, workloads: [orders, users] });
    RestrictedPods.applyTo(chart);
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    expect(restrictedViolations(ms)).toEqual([]);
    const deps = ms.filter(m => m.kind === 'Deployment');
    for (const d of deps) {
      expect(d.spec.template.metadata.labels['istio.io/dataplane-mode']).toBe('ambient');
      expect(d.spec.selector.matchLabels['istio.io/dataplane-mode']).toBeUndefined();
    }
    const pas = ms.filter(m => m.kind === 'PeerAuthentication');
    expect(pas.map(p => p.apiVersion)).toEqual(['security.istio.io/v1', 'security.istio.io/v1']);
    expect(pas[0].spec).toEqual({ selector: { matchLabels: deps[0].spec.selector.matchLabels }, mtls: { mode: 'STRICT' } });
    expect(mesh.peerAuthentications).toHaveLength(2);
  });

  test('Istio sidecars with a revision; Linkerd with the all-authenticated inbound policy; permissive', () => {
    const chart = Testing.chart();
    new ServiceMesh(chart, 'istio', { dataPlane: MeshDataPlane.ISTIO_SIDECAR, workloads: [web(chart, 'a')], istioRevision: 'canary-1-24' });
    new ServiceMesh(chart, 'linkerd', { dataPlane: MeshDataPlane.LINKERD, workloads: [web(chart, 'b')] });
    new ServiceMesh(chart, 'loose', { dataPlane: MeshDataPlane.ISTIO_AMBIENT, workloads: [web(chart, 'c')], strictMtls: false });
    const ms = synth(chart);
    expect(() => validateManifests(ms)).not.toThrow();
    const [a, b, c] = ms.filter(m => m.kind === 'Deployment').map(d => d.spec.template.metadata);
    expect(a.labels).toMatchObject({ 'sidecar.istio.io/inject': 'true', 'istio.io/rev': 'canary-1-24' });
    expect(b.annotations).toEqual({ 'config.linkerd.io/default-inbound-policy': 'all-authenticated', 'linkerd.io/inject': 'enabled' });
    expect(c.labels['istio.io/dataplane-mode']).toBe('ambient');
    expect(ms.filter(m => m.kind === 'PeerAuthentication')).toHaveLength(1);
    expect(ServiceMesh.namespaceLabels(MeshDataPlane.ISTIO_AMBIENT)).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(ServiceMesh.namespaceAnnotations(MeshDataPlane.LINKERD)).toEqual({ 'linkerd.io/inject': 'enabled' });
  });

  test('composes with other pod patterns in any order; a conflicting membership names both', () => {
    const build = (meshFirst: boolean) => {
      const chart = Testing.chart();
      const d = web(chart, 'api');
      const mesh = () => new ServiceMesh(chart, 'mesh', { dataPlane: MeshDataPlane.ISTIO_AMBIENT, workloads: [d] });
      const drain = () => new GracefulShutdown(chart, 'drain', { workload: d });
      if (meshFirst) { mesh(); drain(); } else { drain(); mesh(); }
      return synth(chart);
    };
    expect(build(true)).toEqual(build(false));
    const chart = Testing.chart();
    const d = web(chart, 'api');
    d.podMetadata.addLabel('istio.io/dataplane-mode', 'none');
    new ServiceMesh(chart, 'mesh', { dataPlane: MeshDataPlane.ISTIO_AMBIENT, workloads: [d] });
    expect(() => synth(chart)).toThrow('test/mesh: invalid label istio.io/dataplane-mode "ambient": conflicts with "none" set by test/api itself (through cdk8s-plus): give the label one value');
  });

  test('validation messages', () => {
    const chart = Testing.chart();
    const d = web(chart, 'api');
    const job = new kplus.Job(chart, 'job', { containers: [{ image: 'x/y:1' }] });
    expect(() => new ServiceMesh(chart, 'a', { dataPlane: 'consul' as any, workloads: [d] })).toThrow('test/a: invalid dataPlane "consul": must be one of istio-ambient, istio-sidecar, linkerd');
    expect(() => new ServiceMesh(chart, 'b', { dataPlane: MeshDataPlane.LINKERD, workloads: [] })).toThrow('test/b: invalid workloads []: must list at least one workload');
    expect(() => new ServiceMesh(chart, 'c', { dataPlane: MeshDataPlane.LINKERD, workloads: [d], istioRevision: 'x' })).toThrow('test/c: invalid istioRevision "x": must be left out for Linkerd');
    expect(() => new ServiceMesh(chart, 'd', { dataPlane: MeshDataPlane.ISTIO_AMBIENT, workloads: [job] }))
      .toThrow('test/d: invalid workloads[0] "test/job": must not be a Job: a sidecar proxy keeps the pod from completing, and batch traffic gains little from a mesh');
    const other = Testing.chart();
    expect(() => new ServiceMesh(chart, 'e', { dataPlane: MeshDataPlane.ISTIO_AMBIENT, workloads: [web(other, 'x')] })).toThrow('test/e: invalid workloads[0] "test/x": must be in the same chart as the ServiceMesh, test');
  });
});
