import { mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ValidationContext } from 'cdk8s-cli/plugins';
import type { Validation } from 'cdk8s-cli/plugins';
import { stringify } from 'yaml';
import { exampleNames, synthExample } from '../../scripts/synth-examples';
import { PatternsValidation } from '../../src/plugin';

// Compile-time proof that the plugin's structural types match cdk8s-cli's Validation interface.
const asValidation: Validation = new PatternsValidation();
void asValidation;

/** Runs the plugin the way cdk8s-cli does: a real ValidationContext over manifest files. */
async function run(files: string[], properties: any = {}, metadata: Record<string, { path: string }> = {}) {
  const context = new ValidationContext(files, 'cdk8s-patterns', '0.0.0', metadata, false);
  await new PatternsValidation(properties).validate(context);
  return { success: context.report.success, json: context.report.toJson(), text: context.report.toString() };
}

function writeManifests(docs: any[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'plugin-')), 'chart.k8s.yaml');
  writeFileSync(file, docs.map(d => stringify(d)).join('---\n'));
  return file;
}

const privileged = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'bad-deploy' },
  spec: {
    selector: { matchLabels: { app: 'bad' } },
    template: {
      metadata: { labels: { app: 'bad' } },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'main',
          image: 'busybox:1.36',
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } },
          securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        }],
      },
    },
  },
};
const lonelyService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lonely-svc' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } };

test('a privileged container and a Service selecting nothing fail the report, named with construct paths', async () => {
  const file = writeManifests([privileged, lonelyService]);
  const { success, json, text } = await run([file], {}, { 'bad-deploy': { path: 'bad/deploy/Resource' } });
  expect(success).toBe(false);
  expect(json.violations.map(v => v.ruleName)).toEqual(['restricted-pod-security', 'service-selects-pods']);
  expect(json.violations[0].violatingConstructs).toEqual([{
    resourceName: 'bad-deploy',
    constructPath: 'bad/deploy/Resource',
    manifestPath: file,
    locations: ['Deployment/bad-deploy: spec.template.spec.containers[main].securityContext.privileged must not be true'],
  }]);
  expect(json.violations[1].violatingConstructs[0].locations).toEqual([
    'Service/lonely-svc: spec.selector {"app":"nobody"} selects no pod template in the synthesized manifests',
  ]);
  expect(text).toContain('Deployment/bad-deploy');
  expect(text).toContain('Service/lonely-svc');
  expect(json.summary.metadata).toMatchObject({ 'Violations': '2', 'Rules disabled': 'none' });
});

test('disabledRules from cdk8s.yaml properties switch rules off', async () => {
  const file = writeManifests([privileged, lonelyService]);
  const { success, json } = await run([file], { disabledRules: ['restricted-pod-security', 'service-selects-pods'] });
  expect(success).toBe(true);
  expect(json.violations).toEqual([]);
  expect(json.summary.metadata).toMatchObject({ 'Rules disabled': 'restricted-pod-security, service-selects-pods' });
});

test('an unknown rule id fails when cdk8s-cli constructs the plugin', () => {
  expect(() => new PatternsValidation({ disabledRules: ['restricted'] })).toThrow(/unknown rule id\(s\) restricted/);
});

describe('every example of this repository passes', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'plugin-examples-'));
  test.each(exampleNames())('%s', async (name) => {
    const files = synthExample(name, outdir).filter(f => f.endsWith('.yaml')).map(f => join(outdir, f));
    expect(files.length).toBeGreaterThan(0);
    const { success, json } = await run(files);
    expect(json.violations.flatMap(v => v.violatingConstructs.flatMap(c => c.locations))).toEqual([]);
    expect(success).toBe(true);
  });

  test('synthesized every example', () => {
    expect(readdirSync(outdir).length).toBeGreaterThanOrEqual(exampleNames().length);
  });
});

test('a Service for one StatefulSet member selects it by the pod-name label its controller adds', async () => {
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [] } } },
  };
  const member = (name: string, pod: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { 'statefulset.kubernetes.io/pod-name': pod }, ports: [{ port: 1 }] } });
  const { json } = await run([writeManifests([sts, member('db-1', 'db-1'), member('db-2', 'db-2')])], { disabledRules: ['restricted-pod-security', 'container-requests'] });
  expect(json.violations.flatMap(v => v.violatingConstructs.flatMap(c => c.locations))).toEqual([
    'Service/db-2: spec.selector {"statefulset.kubernetes.io/pod-name":"db-2"} selects no pod template in the synthesized manifests',
  ]);
});
