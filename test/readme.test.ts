import { mkdtempSync, readFileSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { validateManifests } from './schema';
import { restrictedViolations } from './util';
import { wiringProblems } from './wiring';
import { runQuickstart } from '../scripts/readme-quickstart';

/** The README's quickstart, run as written (only the package import points at the source). */
test('the README quickstart synthesizes valid, restricted, wired manifests', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'quickstart-'));
  runQuickstart(outdir);
  const files = readdirSync(outdir);
  expect(files).toEqual(['shop.k8s.yaml']);
  const manifests = parseAllDocuments(readFileSync(join(outdir, files[0]), 'utf8')).map(d => d.toJS());
  expect(() => validateManifests(manifests)).not.toThrow();
  expect(restrictedViolations(manifests)).toEqual([]);
  expect(wiringProblems(manifests)).toEqual([]);
  expect(manifests.map(m => m.kind).sort()).toEqual([
    'ConfigMap', 'ConfigMap', 'Deployment', 'Deployment',
    'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy',
    'PodDisruptionBudget', 'Service', 'Service',
  ]);
  // The segmentation follows the wiring: the shop's pods reach the cache's on 6379 (the
  // ambassador's upstream), Prometheus reaches the adapter's 9113, and nothing else is open.
  const pods = (name: string) => manifests.find(m => m.kind === 'Deployment' && m.metadata.name.startsWith(name)).spec.selector.matchLabels;
  const specs = manifests.filter(m => m.kind === 'NetworkPolicy').map(m => m.spec);
  expect(specs).toContainEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  expect(specs).toContainEqual({
    podSelector: { matchLabels: pods('shop-redis') },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: pods('shop-c') } }], ports: [{ port: 6379, protocol: 'TCP' }] }],
  });
  expect(specs).toContainEqual({
    podSelector: { matchLabels: pods('shop-c') },
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: { matchLabels: pods('shop-redis') } }], ports: [{ port: 6379, protocol: 'TCP' }] }],
  });
  expect(specs).toContainEqual({
    podSelector: { matchLabels: pods('shop-c') },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9113, protocol: 'TCP' }] }],
  });
});
