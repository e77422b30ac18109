import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { kedaScaledObjectCrd } from './keda-crd';
import { buildApp } from '../../examples/elastic/main';
import { customResourceProblems } from '../advanced/custom-resource-schema';
import { validateManifests } from '../schema';
import { only, podSpec } from '../util';

/** The facts examples/elastic promises, and the namespace budget admitting every pod at its maximum. */
const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'elastic-')) });
buildApp(app);
const manifests = app.charts.flatMap(c => c.toJson());

const cpu = (q: string | undefined) => (q === undefined ? 0 : q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
const mib = (q: string | undefined) => {
  if (q === undefined) return 0;
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};

test('one chart, elastic, in its own namespace, strictly valid', () => {
  expect(app.charts.map(c => c.node.id)).toEqual(['elastic']);
  expect(() => validateManifests(manifests)).not.toThrow();
  expect(new Set(manifests.map(m => m.metadata.namespace))).toEqual(new Set(['elastic']));
});

test('the web Deployment is scaled by an HPA on CPU, 1 to 4 replicas, and leaves replicas to it', () => {
  const web = only(manifests, 'Deployment', 'elastic-web');
  const hpa = only(manifests, 'HorizontalPodAutoscaler');
  expect(web.spec.replicas).toBeUndefined();
  expect(hpa.spec).toMatchObject({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: web.metadata.name },
    minReplicas: 1,
    maxReplicas: 4,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
  });
  const c = podSpec(web).containers[0];
  expect(c.image).toBe('ghcr.io/cdk8s-patterns/elastic-web:1.0.0');
  expect(c.resources.requests.cpu).toBe('100m');
  const svc = manifests.find(m => m.kind === 'Service' && m.metadata.name === 'elastic-web');
  expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
  expect(podSpec(web).priorityClassName).toBe(only(manifests, 'PriorityClass').metadata.name);
});

test('the worker is scaled by a KEDA ScaledObject on the Redis list, valid against KEDA\'s CRD', () => {
  const worker = only(manifests, 'Deployment', 'elastic-worker');
  const so = only(manifests, 'ScaledObject');
  const redis = manifests.find(m => m.kind === 'Service' && m.metadata.name === 'elastic-redis');
  expect(worker.spec.replicas).toBeUndefined();
  expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: worker.metadata.name });
  expect(so.spec.triggers).toEqual([{ type: 'redis', metadata: { address: 'elastic-redis.elastic.svc.cluster.local:6379', listName: 'thumbnails', listLength: '5' } }]);
  expect(redis).toBeDefined();
  expect(podSpec(worker).containers[0].env).toEqual(expect.arrayContaining([{ name: 'QUEUE_NAME', value: 'thumbnails' }]));
  expect(customResourceProblems(kedaScaledObjectCrd(), so)).toEqual([]);
});

test('the quota admits every pod at its maximum replicas plus a rolling-update surge pod, and the LimitRange every container', () => {
  const hard = only(manifests, 'ResourceQuota').spec.hard;
  const max = only(manifests, 'LimitRange').spec.limits[0].max;
  const total = { cpu: 0, memory: 0, limits: 0, pods: 0 };
  for (const d of manifests.filter(m => m.kind === 'Deployment')) {
    const scaler = manifests.find(m => (m.kind === 'HorizontalPodAutoscaler' || m.kind === 'ScaledObject') && m.spec.scaleTargetRef.name === d.metadata.name);
    const replicas = scaler?.spec.maxReplicas ?? scaler?.spec.maxReplicaCount ?? d.spec.replicas;
    const pods = replicas + Math.ceil(replicas * 0.25); // cdk8s-plus's rolling update: maxSurge 25%
    for (const c of podSpec(d).containers) {
      expect(mib(c.resources.limits.memory)).toBeLessThanOrEqual(mib(max.memory));
      total.cpu += pods * cpu(c.resources.requests.cpu);
      total.memory += pods * mib(c.resources.requests.memory);
      total.limits += pods * mib(c.resources.limits.memory);
    }
    total.pods += pods;
  }
  expect(total.cpu).toBeLessThanOrEqual(cpu(hard['requests.cpu']));
  expect(total.memory).toBeLessThanOrEqual(mib(hard['requests.memory']));
  expect(total.limits).toBeLessThanOrEqual(mib(hard['limits.memory']));
  expect(total.pods).toBeLessThanOrEqual(Number(hard.pods));
  expect(Number(hard['count/services'])).toBeGreaterThanOrEqual(manifests.filter(m => m.kind === 'Service').length);
});
