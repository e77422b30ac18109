/**
 * The containers of a workload's pod as diagram nodes: init containers in order (native sidecars
 * marked), then the main container and its helpers, each with the role the manifests show.
 * Internal to the diagram module.
 */
import { ContainerRole } from './diagram-elements';
import { isMap } from './label-selector';
import { ManifestObject, WorkloadObject, stringMap } from './manifest-objects';
import { Shape } from './mermaid-syntax';

/** The pod-template annotation prefix the Ambassador (and other config-rendering helpers) set per container. */
const CONFIG_HASH_PREFIX = 'config-hash.cdk8s-patterns.io/';

/** A container node, before it gets an id and a drawing position. */
export interface ContainerNodeSpec {
  readonly kind: string;
  readonly name: string;
  readonly label: string;
  readonly parent: string;
  readonly containerRole: ContainerRole;
  readonly nativeSidecar?: boolean;
  readonly initOrder?: number;
  readonly shape: Shape;
  readonly styleClass: 'main' | 'helper' | 'init';
  readonly group: false;
}

/** The containers of `w`, init containers first, in pod order. */
export function containerNodes(w: WorkloadObject, parent: string, images: boolean, configMaps: readonly ManifestObject[]): ContainerNodeSpec[] {
  const spec = w.template.spec;
  const annotations = stringMap(w.template.metadata?.annotations);
  const inits: any[] = (Array.isArray(spec.initContainers) ? spec.initContainers : []).filter(isNamed);
  const regular: any[] = (Array.isArray(spec.containers) ? spec.containers : []).filter(isNamed);
  const defaultName = annotations['kubectl.kubernetes.io/default-container'];
  const main = regular.find(c => c.name === defaultName) ?? regular[0];
  const ambassadorConfigMaps = new Set(configMaps
    .filter(m => m.ns === w.ns && stringMap(m.raw.metadata?.labels)['app.kubernetes.io/component'] === 'ambassador').map(m => m.name));
  const volumes: any[] = Array.isArray(spec.volumes) ? spec.volumes : [];

  const helperRole = (c: any): ContainerRole => {
    const ports: any[] = Array.isArray(c.ports) ? c.ports : [];
    const scrape = annotations['prometheus.io/port'];
    if (scrape !== undefined && ports.some(p => String(p?.containerPort) === scrape || p?.name === scrape)) return ContainerRole.ADAPTER;
    const mounted = new Set((Array.isArray(c.volumeMounts) ? c.volumeMounts : []).map((m: any) => m?.name));
    const mountsAmbassadorConfig = volumes.some(v => mounted.has(v?.name) && ambassadorConfigMaps.has(v?.configMap?.name));
    if (mountsAmbassadorConfig || (annotations[`${CONFIG_HASH_PREFIX}${c.name}`] !== undefined && ports.length === 0)) return ContainerRole.AMBASSADOR;
    return ContainerRole.SIDECAR;
  };

  const lines = (c: any, role: string): string => {
    const ports = (Array.isArray(c.ports) ? c.ports : []).map((p: any) => `:${String(p?.containerPort)}${p?.protocol && p.protocol !== 'TCP' ? `/${String(p.protocol)}` : ''}`);
    return [String(c.name), [role, ports.join(', ')].filter(x => x).join(' · '), images && c.image ? String(c.image) : ''].filter(l => l !== '').join('\n');
  };

  const out: ContainerNodeSpec[] = [];
  inits.forEach((c, i) => {
    const native = c.restartPolicy === 'Always';
    const role = native ? helperRole(c) : ContainerRole.INIT;
    const step = `${i + 1} of ${inits.length}`;
    const text = native ? `${role === ContainerRole.SIDECAR ? 'native sidecar' : `${role} (native sidecar)`}, init ${step}` : `init ${step}`;
    out.push({
      kind: 'Container',
      name: c.name,
      label: lines(c, text),
      parent,
      containerRole: role,
      nativeSidecar: native || undefined,
      initOrder: i + 1,
      shape: Shape.ROUNDED,
      styleClass: native ? 'helper' : 'init',
      group: false,
    });
  });
  for (const c of regular) {
    const role = c === main ? ContainerRole.MAIN : helperRole(c);
    out.push({
      kind: 'Container',
      name: c.name,
      label: lines(c, role),
      parent,
      containerRole: role,
      shape: Shape.BOX,
      styleClass: role === ContainerRole.MAIN ? 'main' : 'helper',
      group: false,
    });
  }
  return out;
}

function isNamed(c: unknown): boolean {
  return isMap(c) && typeof c.name === 'string';
}
