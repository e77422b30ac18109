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
  expect(manifests.map(m => m.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'Deployment', 'PodDisruptionBudget', 'Service', 'Service']);
});
