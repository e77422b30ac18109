import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { validateManifests } from './schema';
import { restrictedViolations } from './util';
import { wiringProblems } from './wiring';
import { exampleNames } from '../scripts/synth-examples';

const names = exampleNames();

function synthYaml(name: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(__dirname, '..', 'examples', name, 'main.ts'));
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'ex-')) });
  mod.buildApp(app);
  return app.synthYaml();
}

test('the examples this issue promises exist', () => {
  expect(names).toEqual(expect.arrayContaining(['flask-redis', 'sidecar', 'ambassador', 'adapter', 'startup-sequence', 'composed']));
});

describe.each(names)('example %s', (name) => {
  const yaml = synthYaml(name);
  const manifests = parseAllDocuments(yaml).map(d => d.toJS()).filter((m: any) => m);

  test('matches the reviewed snapshot', () => {
    expect(yaml).toMatchSnapshot();
  });

  test('two synths are byte-identical', () => {
    expect(synthYaml(name)).toBe(yaml);
  });

  test('every manifest validates strictly against Kubernetes 1.28', () => {
    expect(() => validateManifests(manifests)).not.toThrow();
  });

  test('every pod template meets Pod Security "restricted"', () => {
    expect(restrictedViolations(manifests)).toEqual([]);
  });

  test('selectors, volumes, ports, resources, probes and images are wired', () => {
    expect(wiringProblems(manifests)).toEqual([]);
  });
});
