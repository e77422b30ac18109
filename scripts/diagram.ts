/**
 * Draws synthesized manifests as a Mermaid flowchart (TopologyDiagram):
 *
 *   npm run diagram -- examples/dist/work-queue.k8s.yaml > work-queue.mmd
 *   npm run diagram -- --write examples/dist/*.k8s.yaml     # writes <stem>.mmd beside each file
 *
 * Options: --direction LR|TB, --no-network-policies, --no-other-objects, --no-images.
 * `npm run synth` writes examples/dist/<stem>.mmd for every example itself (scripts/synth-examples.ts).
 */
import { writeFileSync } from 'fs';
import { DiagramDirection } from '../src/diagram/diagram-elements';
import { TopologyDiagram, TopologyDiagramOptions } from '../src/diagram/topology-diagram';

/** The `.mmd` path beside a `<stem>.k8s.yaml` (or `<stem>.yaml`) file. */
export function diagramPath(yamlFile: string): string {
  return yamlFile.replace(/(\.k8s)?\.ya?ml$/, '') + '.mmd';
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: diagram [--write] [--direction LR|TB] [--no-network-policies] [--no-other-objects] [--no-images] FILE.k8s.yaml...\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  const files: string[] = [];
  let write = false;
  const options: { -readonly [K in keyof TopologyDiagramOptions]: TopologyDiagramOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--write') {write = true;} else if (a === '--no-network-policies') {options.networkPolicies = false;} else if (a === '--no-other-objects') {options.otherObjects = false;} else if (a === '--no-images') {options.images = false;} else if (a === '--direction') {
      const d = argv[++i];
      if (d !== 'LR' && d !== 'TB') usage(`--direction must be LR or TB, not ${JSON.stringify(d)}`);
      options.direction = d === 'TB' ? DiagramDirection.TOP_TO_BOTTOM : DiagramDirection.LEFT_TO_RIGHT;
    } else if (a.startsWith('-')) {usage(`unknown option ${a}`);} else {files.push(a);}
  }
  if (files.length === 0) usage('no manifest file given');
  if (!write && files.length > 1) usage('several files: pass --write to write <stem>.mmd beside each');
  for (const f of files) {
    const text = TopologyDiagram.fromYamlFile(f, options).toMermaid();
    if (write) {
      writeFileSync(diagramPath(f), text);
      process.stderr.write(`${diagramPath(f)}\n`);
    } else {
      process.stdout.write(text);
    }
  }
}

if (require.main === module) main(process.argv.slice(2));
