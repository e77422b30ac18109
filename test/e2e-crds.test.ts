import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { validateManifests } from './schema';

/**
 * The CustomResourceDefinitions the end-to-end harness installs (stand-ins for third-party CRDs
 * such as KEDA's) are definitions this project writes, so they are tested like its own output.
 */
const dir = join(__dirname, 'e2e', 'crds');
const files = readdirSync(dir).filter(f => f.endsWith('.yaml'));

test.each(files)('%s is a strictly valid apiextensions.k8s.io/v1 CRD with one storage version', (file) => {
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map(d => d.toJS()).filter(Boolean);
  expect(docs.map(d => d.kind)).toEqual(docs.map(() => 'CustomResourceDefinition'));
  validateManifests(docs);
  for (const crd of docs) {
    expect(crd.spec.versions.filter((v: any) => v.storage)).toHaveLength(1);
    expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
  }
});

test('the WorkQueue autoscaling example is an instance of the KEDA stand-in', () => {
  const crd = parseAllDocuments(readFileSync(join(dir, 'keda-scaledjobs.yaml'), 'utf8'))[0].toJS();
  expect(crd.spec.group).toBe('keda.sh');
  expect(crd.spec.names.kind).toBe('ScaledJob');
  expect(crd.spec.versions[0].name).toBe('v1alpha1');
});
