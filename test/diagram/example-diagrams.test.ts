import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { mermaidParseErrors } from './mermaid';
import { diagramSection, pagesWithDiagrams, refreshPage, sectionStems } from '../../scripts/diagram-docs';
import { exampleNames, synthExample } from '../../scripts/synth-examples';
import { DiagramEdgeKind, TopologyDiagram } from '../../src';

/**
 * Every chart the examples synthesize, drawn the way `npm run synth` draws examples/dist/<stem>.mmd
 * (TopologyDiagram from the YAML file), checked against the manifests themselves: every workload,
 * container and Service is drawn, the Service edges are exactly the selector matches (computed
 * here independently), every diagram parses with Mermaid's own parser, and the docs pages embed
 * the current diagrams.
 */
interface Chart {
  readonly stem: string;
  readonly example: string;
  readonly manifests: any[];
  readonly diagram: TopologyDiagram;
  readonly text: string;
}

const charts: Chart[] = [];
const dir = mkdtempSync(join(tmpdir(), 'example-diagrams-'));
try {
  for (const example of exampleNames()) {
    const outdir = join(dir, example);
    for (const f of synthExample(example, outdir).filter(x => x.endsWith('.k8s.yaml')).sort()) {
      const file = join(outdir, f);
      const diagram = TopologyDiagram.fromYamlFile(file);
      charts.push({
        stem: f.replace(/\.k8s\.yaml$/, ''),
        example,
        manifests: parseAllDocuments(readFileSync(file, 'utf8')).map(d => d.toJS()).filter(m => m),
        diagram,
        text: diagram.toMermaid(),
      });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const templateOf = (m: any): any => ({
  Deployment: m.spec?.template,
  StatefulSet: m.spec?.template,
  DaemonSet: m.spec?.template,
  ReplicaSet: m.spec?.template,
  Job: m.spec?.template,
  CronJob: m.spec?.jobTemplate?.spec?.template,
  ScaledJob: m.spec?.jobTargetRef?.template,
  Pod: m,
} as Record<string, any>)[m.kind];
const workloadsOf = (ms: any[]) => ms.filter(m => templateOf(m)?.spec?.containers);
const ns = (m: any): string => m.metadata.namespace ?? '';

/** The label sets of a workload's pods: the template's, and each StatefulSet pod's name and ordinal. */
function podLabels(w: any): Array<Record<string, string>> {
  const labels = templateOf(w).metadata?.labels ?? {};
  if (w.kind !== 'StatefulSet') return [labels];
  return Array.from({ length: Math.max(w.spec.replicas ?? 1, 1) }, (_, i) => ({
    ...labels, 'statefulset.kubernetes.io/pod-name': `${w.metadata.name}-${i}`, 'apps.kubernetes.io/pod-index': String(i),
  }));
}

/** Service → workload pairs whose selectors match, computed from the manifests alone. */
function expectedSelections(ms: any[]): string[] {
  const pairs: string[] = [];
  for (const s of ms.filter(m => m.kind === 'Service' && m.apiVersion === 'v1')) {
    const selector = s.spec?.selector ?? {};
    if (Object.keys(selector).length === 0) continue;
    for (const w of workloadsOf(ms)) {
      if (ns(w) !== ns(s)) continue;
      if (podLabels(w).some(l => Object.entries(selector).every(([k, v]) => l[k] === v))) pairs.push(`${s.metadata.name} -> ${w.kind}/${w.metadata.name}`);
    }
  }
  return pairs.sort();
}

test('the examples have charts to draw', () => {
  expect(charts.length).toBeGreaterThan(20);
});

describe.each(charts.map(c => [c.stem, c] as const))('%s', (_stem, chart) => {
  const { diagram, manifests, text } = chart;
  const nodeName = (id: string) => {
    const n = diagram.nodes.find(x => x.id === id)!;
    return n.kind === 'Service' ? n.name : `${n.kind}/${n.name}`;
  };

  test('every workload is a box holding each of its containers, in pod order', () => {
    for (const w of workloadsOf(manifests)) {
      const node = diagram.findNode(w.kind, w.metadata.name, w.metadata.namespace);
      expect(node).toBeDefined();
      expect(text).toContain(`  subgraph ${node!.id}["${w.kind} ${w.metadata.name}`);
      const spec = templateOf(w).spec;
      const names = [...(spec.initContainers ?? []), ...spec.containers].map((c: any) => c.name);
      expect(diagram.containersOf(node!).map(c => c.name)).toEqual(names);
      for (const c of diagram.containersOf(node!)) expect(text).toMatch(new RegExp(`\\n    ${c.id}[[(]"${c.name}<br/>`));
    }
  });

  test('every Service is drawn', () => {
    for (const s of manifests.filter(m => m.kind === 'Service')) {
      const node = diagram.findNode('Service', s.metadata.name, s.metadata.namespace);
      expect(node).toBeDefined();
      expect(text).toContain(`  ${node!.id}(["Service ${s.metadata.name}`);
    }
  });

  test("Service edges are exactly the selectors' matches", () => {
    const drawn = diagram.edges.filter(e => e.kind === DiagramEdgeKind.SELECTS).map(e => `${nodeName(e.source)} -> ${nodeName(e.target)}`).sort();
    expect(drawn).toEqual(expectedSelections(manifests));
  });

  test('every edge of the graph is in the flowchart, between declared nodes', () => {
    const declared = new Set([...text.matchAll(/^\s+(?:subgraph )?([A-Za-z][A-Za-z0-9_]*)[[({>]/gm)].map(m => m[1]));
    for (const e of diagram.edges) {
      expect(declared).toContain(e.source);
      expect(declared).toContain(e.target);
      expect(text).toMatch(new RegExp(`\\n  ${e.source} [-=.>]+(\\|"[^"]*"\\|)? ${e.target}\\n`));
    }
  });
});

test('every example diagram parses with Mermaid as a flowchart', () => {
  expect(mermaidParseErrors(charts.map(c => ({ name: c.stem, text: c.text })))).toEqual([]);
}, 120_000);

describe('docs pages embed the current diagrams', () => {
  const diagrams = new Map(charts.map(c => [c.stem, { example: c.example, mermaid: c.text }]));
  const pages = pagesWithDiagrams();

  test.each(pages.map(p => [p.file, p] as const))('%s', (file, page) => {
    for (const stem of sectionStems(page.text)) {
      expect(diagrams.has(stem)).toBe(true);
      expect(page.text).toContain(diagramSection(stem, diagrams.get(stem)!));
    }
    expect(refreshPage(file, page.text, diagrams)).toBe(page.text);
  });

  test('every pattern page with an example has a diagram section', () => {
    // Building blocks that no one example is about, and the index.
    const without = ['README.md', 'health-probes.md', 'pod-spec-fields.md', 'resource-presets.md', 'restricted-pods.md'];
    const withDiagrams = new Set(pages.map(p => p.file.split('/').pop()));
    const missing = readdirSync(join(__dirname, '..', '..', 'docs', 'patterns'))
      .filter(f => f.endsWith('.md') && !without.includes(f) && !withDiagrams.has(f));
    expect(missing).toEqual([]);
  });
});
