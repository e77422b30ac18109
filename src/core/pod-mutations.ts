import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { podMetadataOfManifest, podSpecOfManifest, podTemplatePath } from './pod-spec';
import { REFUSED_SECURITY_SETTINGS, RestrictedProfile } from './restricted-profile';
import { ContainerSecurityOptions } from './security';
import { copyJson, sortedAt } from './sorted-json';
import { PodPort, formatValue, invalid, invalidInput, portClash, validateLinuxId } from './validation';

/**
 * Where a container a pattern adds sits among the init containers. Init containers run in
 * order, so the order is fixed by what they do, not by the order patterns were attached:
 * configuration is written first, then native sidecars start, then the steps of a startup
 * sequence run. Within a rank, by the path of the pattern, then in the order it added them.
 */
export enum ContainerRank {
  /** Init containers that write configuration (ImmutableConfigImage, ConfigTemplate). */
  CONFIGURATION = 0,
  /** Helpers: regular containers, or native sidecars (Sidecar, Ambassador, Adapter). */
  HELPER = 1,
  /** Steps of a StartupSequence. */
  STEP = 2,
}

/** How `PodMutations.addContainer` adds a container. */
export interface AddContainerOptions {
  /** An init container (a native sidecar when its restartPolicy is Always). */
  readonly init: boolean;
  /** A helper beside the application (Sidecar, Ambassador, Adapter). */
  readonly helper: boolean;
  /** The field named when the container name is taken. @default `<field>.name` */
  readonly nameField?: string;
  /** The field named when a port number is taken. @default `<field>.ports` */
  readonly portField?: string;
  /** The field named when a port name is taken. @default `<field>.ports` */
  readonly portNameField?: string;
  /**
   * Ports the container listens on without declaring them (a proxy bound to 127.0.0.1): they
   * are taken in the pod's network namespace all the same. @default - none
   */
  readonly localPorts?: number[];
  /** The field named when a local port is taken. @default `<field>.localPorts` */
  readonly localPortField?: string;
}

/** One value a party asked for. */
interface Setting {
  readonly value: any;
  readonly by: string;
}

/** A container a pattern added. */
interface AddedContainer {
  readonly by: string;
  readonly rank: ContainerRank;
  readonly seq: number;
  readonly helper: boolean;
}

const REGISTRY = new WeakMap<kplus.AbstractPod, PodMutations>();

/**
 * The one mechanism through which patterns change a pod they did not create.
 *
 * Patterns declare what they add (containers, volumes, mounts, environment variables,
 * annotations, topology spreads) and what they set (pod fields, container fields such as
 * probes and lifecycle hooks); this layer applies all of it when the workload synthesizes,
 * as one step over its final JSON:
 * - additive contributions merge; a name, mount path or port that is taken fails, naming the
 *   pattern that took it (or the workload's own settings);
 * - a field set twice to the same value is fine, to different values it fails naming both
 *   parties; what the user set through cdk8s-plus is a party too;
 * - the result does not depend on the order in which patterns were attached: containers,
 *   volumes, mounts and variables that patterns add are ordered by rule (see `ContainerRank`),
 *   and the objects it writes have their keys sorted, as cdk8s sorts its own.
 * Containers are always addressed by name.
 */
export class PodMutations {
  /** The mutations of a workload's pods (created on first use). */
  public static of(workload: kplus.AbstractPod): PodMutations {
    let m = REGISTRY.get(workload);
    if (!m) {
      m = new PodMutations(workload);
      REGISTRY.set(workload, m);
    }
    return m;
  }

  /** Whether a container was added by a pod pattern as a helper (Sidecar, Ambassador, Adapter). */
  public static isHelper(workload: kplus.AbstractPod, containerName: string): boolean {
    return REGISTRY.get(workload)?.added?.get(containerName)?.helper ?? false;
  }

  // Each collection is created on its first entry: a workload uses a few of them, and thousands
  // of empty Maps cost megabytes of heap in a large app.
  private podFields?: Map<string, Setting>;
  private workloadFields?: Map<string, Setting>;
  private checks?: Array<{ readonly by: string; readonly check: (manifest: any) => void }>;
  private annotations?: Map<string, Setting>;
  private labels?: Map<string, Setting>;
  private spreads?: Map<string, Setting>;
  private containerFields?: Map<string, Map<string, Setting>>;
  private added?: Map<string, AddedContainer>;
  private addedVolumes?: Map<string, { readonly by: string; readonly volume: kplus.Volume }>;
  private addedMounts?: Map<string, Map<string, string>>;
  private addedEnv?: Map<string, Map<string, string>>;
  private rawMounts?: Map<string, Map<string, Setting>>;
  /** Localhost-only ports, by the container that listens on them. */
  private localPorts?: Map<number, string>;
  private restriction?: Setting;
  private seq = 0;
  private hooked = false;
  private rendered?: any;
  /** Bumped by every mutation: a kept render of the same generation is still current. */
  private generation = 0;
  private renderedGeneration = -1;

  private constructor(private readonly workload: kplus.AbstractPod) {}

  /**
   * Adds a container (regular, or init with `init`) for a pattern. Fails when its name, or one
   * of its port numbers or names, is taken in the pod.
   */
  public addContainer(
    by: IConstruct, field: string, props: kplus.ContainerProps, rank: ContainerRank, options: AddContainerOptions,
  ): kplus.Container {
    const name = props.name!;
    const existing = this.allContainers().find(c => c.name === name);
    if (existing) invalid(by, options.nameField ?? `${field}.name`, name, `must differ from the pod's other container names: ${name} is ${this.ownerOf(name)}`);
    // What the pod's containers serve, and the localhost ports proxies listen on.
    const taken: PodPort[] = [
      ...this.allContainers().flatMap(c => c.ports.map(p => ({ container: c.name, number: p.number, name: p.name }))),
      ...[...(this.localPorts ?? [])].map(([number, container]) => ({ container, number })),
    ];
    const holder = (p: PodPort) => `container ${p.container} (${this.ownerOf(p.container)}) `
      + (this.localPorts?.get(p.number) === p.container ? `listens on ${p.number} (on localhost)` : `has port ${p.number}`);
    const served = [...(props.ports ?? []), ...(props.portNumber !== undefined ? [{ number: props.portNumber }] : [])];
    const candidates = [
      ...served.map(p => ({ number: p.number, name: p.name, field: options.portField, nameField: options.portNameField })),
      ...(options.localPorts ?? []).map(number => ({ number, name: undefined, field: options.localPortField ?? `${field}.localPorts`, nameField: undefined })),
    ];
    for (const q of candidates) {
      const clash = portClash(taken, q);
      if (clash?.on === 'number') {
        invalid(by, q.field ?? `${field}.ports`, q.number, `must not be used by another container of the pod (they share one network namespace): ${holder(clash.port)}`);
      }
      if (clash?.on === 'name') {
        invalid(by, q.nameField ?? `${field}.ports`, q.name, `must not repeat a port name of the pod: container ${clash.port.container} (${this.ownerOf(clash.port.container)}) has a port named ${clash.port.name}`);
      }
    }
    const container = options.init ? this.workload.addInitContainer(props) : this.workload.addContainer(props);
    for (const port of options.localPorts ?? []) (this.localPorts ??= new Map()).set(port, name);
    (this.added ??= new Map()).set(name, { by: by.node.path, rank, seq: this.seq++, helper: options.helper });
    this.hook();
    return container;
  }

  /**
   * Mounts a volume into a container for a pattern. Fails when the container already mounts
   * something at that path, or the pod has another volume of that name.
   */
  public mount(
    by: IConstruct, field: string, container: kplus.Container, path: string, volume: kplus.Volume,
    options: kplus.MountOptions = {}, volumeField = `${field} volume name`,
  ): void {
    const taken = container.mounts.find(m => m.path === path);
    if (taken) {
      const owner = this.addedMounts?.get(container.name)?.get(path);
      invalid(by, field, path, `must differ from the mount paths of container ${container.name}: ${path} is mounted by ${owner ?? `${this.ownerOf(container.name)}, through cdk8s-plus`}`);
    }
    const raw = this.rawMounts?.get(container.name)?.get(path);
    if (raw) invalid(by, field, path, `must differ from the mount paths of container ${container.name}: ${path} is mounted by ${raw.by}`);
    const sameName = this.allVolumes().find(v => v.name === volume.name && v !== volume);
    if (sameName) {
      invalid(by, volumeField, volume.name, `must differ from the pod's other volume names: ${volume.name} is ${this.addedVolumes?.get(volume.name)?.by ?? 'a volume of the workload itself'}`);
    }
    container.mount(path, volume, options);
    if (!this.addedVolumes?.has(volume.name) && !this.userVolumes().has(volume)) {
      (this.addedVolumes ??= new Map()).set(volume.name, { by: by.node.path, volume });
    }
    this.mapOf(this.addedMounts ??= new Map(), container.name).set(path, by.node.path);
    this.hook();
  }

  /**
   * Adds a `volumeMounts` entry that names a volume cdk8s-plus does not model (a
   * StatefulSet's volume claim template).
   */
  public mountClaim(
    by: IConstruct, field: string, containerName: string,
    mount: { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean },
  ): void {
    const container = this.container(by, field, containerName);
    const path = mount.mountPath;
    const owner = this.rawMounts?.get(containerName)?.get(path)?.by ?? this.addedMounts?.get(containerName)?.get(path)
      ?? (container.mounts.some(m => m.path === path) ? `${this.ownerOf(containerName)}, through cdk8s-plus` : undefined);
    if (owner) invalid(by, field, path, `must differ from the mount paths of container ${containerName}: ${path} is mounted by ${owner}`);
    this.mapOf(this.rawMounts ??= new Map(), containerName).set(mount.mountPath, { value: { ...mount }, by: by.node.path });
    this.hook();
  }

  /**
   * Sets an environment variable of a container for a pattern; fails when the container already
   * has the variable.
   */
  public addEnv(by: IConstruct, field: string, container: kplus.Container, name: string, value: kplus.EnvValue): void {
    if (container.env.variables[name] !== undefined) {
      const owner = this.addedEnv?.get(container.name)?.get(name);
      invalid(by, field, name, `must not be set twice in container ${container.name}: ${name} is set by ${owner ?? `${this.ownerOf(container.name)}, through cdk8s-plus`}`);
    }
    container.env.addVariable(name, value);
    this.mapOf(this.addedEnv ??= new Map(), container.name).set(name, by.node.path);
    this.hook();
  }

  /** Sets a pod-spec field (by its name in the manifest, e.g. `terminationGracePeriodSeconds`). */
  public setPodField(by: string, field: string, value: any): void {
    this.set(this.podFields ??= new Map(), by, field, field, value);
  }

  /**
   * Sets a field of the workload's own spec, outside the pod template (e.g. a Deployment's
   * `strategy`, `minReadySeconds`, `progressDeadlineSeconds`), with the same conflict rules as
   * pod fields.
   */
  public setWorkloadField(by: string, field: string, value: any): void {
    this.set(this.workloadFields ??= new Map(), by, field, `spec.${field}`, value);
  }

  /**
   * Adds a check of the rendered manifest (after every mutation), run before any file is
   * written; it throws (through `invalidInput`) to fail the synthesis.
   */
  public addCheck(by: string, check: (manifest: any) => void): void {
    (this.checks ??= []).push({ by, check });
    this.hook();
  }

  /** Sets an annotation of the pod template; distinct keys merge. */
  public addAnnotation(by: string, key: string, value: string): void {
    this.set(this.annotations ??= new Map(), by, key, `annotation ${key}`, value);
  }

  /**
   * Sets a label of the pod template (not of the workload, and not in its selector: a label
   * that opts pods into something, e.g. a service mesh); distinct keys merge.
   */
  public addLabel(by: string, key: string, value: string): void {
    this.set(this.labels ??= new Map(), by, key, `label ${key}`, value);
  }

  /** Adds a topology spread constraint; one per topology key. */
  public addTopologySpread(by: string, constraint: { readonly topologyKey: string; readonly [key: string]: any }): void {
    this.set(this.spreads ??= new Map(), by, constraint.topologyKey, `topologySpreadConstraints[${constraint.topologyKey}]`, constraint);
  }

  /**
   * Sets a field of a container found by name, as a dotted path in the manifest (e.g.
   * `readinessProbe`, `lifecycle.preStop`). The name is resolved when the pod renders, so the
   * container may be one a pattern adds later; a name the pod never gets fails then, before any
   * file is written.
   */
  public setContainerField(by: IConstruct | string, containerName: string, field: string, value: any): void {
    const party = typeof by === 'string' ? by : by.node.path;
    if (typeof containerName !== 'string' || containerName === '') invalidInput(party, 'container name', containerName, 'must name a container of the pod');
    this.set(this.mapOf(this.containerFields ??= new Map(), containerName), party, field, `container ${containerName} ${field}`, value);
  }

  /** Makes every container of the pod meet Pod Security *restricted* (see `RestrictedPods`). */
  public restrict(by: string, options: ContainerSecurityOptions): void {
    const value = { ...options };
    if (this.restriction && canonical(this.restriction.value) !== canonical(value)) {
      invalidInput(by, 'options', value, `conflicts with ${formatValue(this.restriction.value)} given by ${this.restriction.by} for ${this.workload.node.path}: give nested scopes the same options`);
    }
    // RestrictedPods restricts again in every validation pass: the same restriction changes nothing.
    if (this.restriction) return;
    this.restriction = { value, by };
    this.hook();
  }

  /** The names of the containers a pattern added, with who added them. */
  private ownerOf(name: string): string {
    const added = this.added?.get(name);
    return added ? `added by ${added.by}` : `a container of ${this.workload.node.path}`;
  }

  private allContainers(): kplus.Container[] {
    return [...this.workload.containers, ...this.workload.initContainers];
  }

  private userVolumes(): Set<kplus.Volume> {
    return new Set(this.workload.volumes);
  }

  private allVolumes(): kplus.Volume[] {
    return [...new Set([...this.workload.volumes, ...this.allContainers().flatMap(c => c.mounts.map(m => m.volume))])];
  }

  private container(where: IConstruct, field: string, name: string): kplus.Container {
    const found = this.allContainers().find(c => c.name === name);
    if (!found) {
      const names = this.allContainers().map(c => c.name);
      invalid(where, field, name, `must name a container of ${this.workload.node.path}: ${names.join(', ') || '(none yet)'}`);
    }
    return found;
  }

  private mapOf<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
    let inner = outer.get(key);
    if (!inner) {
      inner = new Map();
      outer.set(key, inner);
    }
    return inner;
  }

  private set(map: Map<string, Setting>, by: string, key: string, field: string, value: any): void {
    const existing = map.get(key);
    if (existing && canonical(existing.value) !== canonical(value)) {
      invalidInput(by, field, value, `conflicts with ${formatValue(existing.value)} set by ${existing.by} on ${this.workload.node.path}: give the field one value`);
    }
    if (!existing) map.set(key, { value, by });
    this.hook();
  }

  /**
   * Renders the mutations into the workload's JSON, and checks them before any file is written
   * (cdk8s runs validations before it writes; the same render then runs again for the output).
   */
  private hook(): void {
    this.generation++;
    if (this.hooked) return;
    this.hooked = true;
    const obj = ApiObject.of(this.workload);
    const serialize = obj.toJson.bind(obj);
    // cdk8s validates right before it renders (App.synth, Testing.synth, Chart.toJson), so the
    // validation's render is kept for the one render that follows it instead of being repeated.
    obj.toJson = () => {
      const kept = this.rendered;
      this.rendered = undefined;
      return kept ?? this.render(this.serialized(serialize));
    };
    // cdk8s validates the app and then each chart again as it renders it: a render kept from the
    // first pass is reused when no mutation came since, so each workload renders once per synth.
    this.workload.node.addValidation({
      validate: () => {
        if (this.rendered !== undefined && this.renderedGeneration === this.generation) return [];
        this.rendered = undefined;
        try {
          const generation = this.generation;
          this.rendered = obj.toJson();
          this.renderedGeneration = generation;
          return [];
        } catch (e) {
          return [(e as Error).message];
        }
      },
    });
  }

  /** The workload as cdk8s-plus renders it; its errors (no containers, ...) get the workload's path. */
  private serialized(serialize: () => any): any {
    try {
      return serialize();
    } catch (e) {
      const message = String((e as Error)?.message ?? e).replace(/^Failed serializing construct at path '[^']*' with name '[^']*': (Error: )?/, '');
      return invalidInput(this.workload.node.path, 'pod spec', '(as written through cdk8s-plus)', `cdk8s-plus cannot render it: ${message}`);
    }
  }

  private render(json: any): any {
    const own = `${this.workload.node.path} itself (through cdk8s-plus)`;
    for (const [field, s] of sorted(this.workloadFields)) {
      const existing = json.spec?.[field];
      if (existing !== undefined && canonical(existing) !== canonical(s.value) && !isPlusDefault(`spec.${field}`, existing)) {
        invalidInput(s.by, `spec.${field}`, s.value, `conflicts with ${formatValue(existing)} set by ${own}: give the field one value`);
      }
      json.spec[field] = copyJson(s.value);
    }
    const spec = podSpecOfManifest(json);
    if (spec === undefined) return json;

    for (const [field, s] of sorted(this.podFields)) {
      if (spec[field] !== undefined && canonical(spec[field]) !== canonical(s.value) && !isPlusDefault(field, spec[field])) {
        invalidInput(s.by, field, s.value, `conflicts with ${formatValue(spec[field])} set by ${own}: give the field one value`);
      }
      spec[field] = copyJson(s.value);
    }
    if (this.spreads) {
      const list: any[] = spec.topologySpreadConstraints ?? [];
      for (const [key, s] of sorted(this.spreads)) {
        const existing = list.find(c => c.topologyKey === key);
        if (existing && canonical(existing) === canonical(s.value)) continue;
        if (existing) {
          invalidInput(s.by, `topologySpreadConstraints[${key}]`, s.value, `conflicts with the spread over ${key} set by ${own}`);
        }
        list.push(copyJson(s.value));
      }
      spec.topologySpreadConstraints = list;
    }
    for (const [field, settings] of [['annotations', this.annotations], ['labels', this.labels]] as const) {
      if (settings === undefined) continue;
      const meta = podMetadataOfManifest(json, true);
      const values = meta[field] ?? {};
      const what = field === 'annotations' ? 'annotation' : 'label';
      for (const [key, s] of sorted(settings)) {
        if (values[key] !== undefined && values[key] !== s.value) {
          invalidInput(s.by, `${what} ${key}`, s.value, `conflicts with ${formatValue(values[key])} set by ${own}: give the ${what} one value`);
        }
        values[key] = s.value;
      }
      meta[field] = values;
    }

    const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    for (const [name, fields] of sorted(this.containerFields)) {
      const c = containers.find(x => x.name === name);
      if (!c) {
        const names = containers.map(x => x.name).join(', ') || '(none)';
        invalidInput(sorted(fields)[0][1].by, 'container name', name, `must name a container of ${this.workload.node.path}: ${names}`);
      }
      for (const [field, s] of sorted(fields)) {
        const existing = getPath(c, field);
        if (existing !== undefined && canonical(existing) !== canonical(s.value) && !isPlusDefault(field, existing, c)) {
          const setter = this.added?.has(name) ? `the props of container ${name} (${this.ownerOf(name)})` : `container ${name} of ${own}`;
          invalidInput(s.by, `container ${name} ${field}`, s.value, `conflicts with ${formatValue(existing)} set by ${setter}: give the field one value`);
        }
        setPath(c, field, copyJson(s.value));
      }
    }
    for (const [name, mounts] of sorted(this.rawMounts)) {
      const c = containers.find(x => x.name === name);
      c.volumeMounts = [...(c.volumeMounts ?? []), ...sorted(mounts).map(([, s]) => copyJson(s.value))];
    }
    for (const c of containers) {
      // An undefined list (none to order) is left out by the final sort, like cdk8s leaves it out.
      c.volumeMounts = this.ordered(c.volumeMounts, m => m.mountPath, this.addedMounts?.get(c.name), this.rawMounts?.get(c.name));
      c.env = this.ordered(c.env, e => e.name, this.addedEnv?.get(c.name));
    }
    spec.containers = this.orderedContainers(spec.containers);
    spec.initContainers = this.orderedContainers(spec.initContainers);
    spec.volumes = this.ordered(spec.volumes, v => v.name, new Map([...(this.addedVolumes ?? [])].map(([k, v]) => [k, v.by])));

    if (this.restriction) this.harden(spec, this.restriction);
    // Keys in the order cdk8s writes its own (sorted), wherever the layer added them.
    const result = sortedAt(json, podTemplatePath(json.kind) ?? []);
    for (const c of this.checks ?? []) c.check(result);
    return result;
  }

  /** The pod's own entries first, as cdk8s-plus wrote them; then the patterns' entries by key. */
  private ordered(list: any[] | undefined, key: (x: any) => string, ...added: Array<Map<string, unknown> | undefined>): any[] | undefined {
    if (list === undefined) return undefined;
    const ours = (x: any) => added.some(m => m?.has(key(x)));
    return [...list.filter(x => !ours(x)), ...list.filter(ours).sort((a, b) => compare(key(a), key(b)))];
  }

  private orderedContainers(list: any[] | undefined): any[] | undefined {
    if (list === undefined) return undefined;
    const mine = (c: any) => this.added?.get(c.name);
    const rankOf = (c: any): [number, string, number] => {
      const a = mine(c)!;
      return [a.rank, a.by, a.seq];
    };
    const ours = list.filter(c => mine(c)).sort((a, b) => {
      const [ra, ba, sa] = rankOf(a);
      const [rb, bb, sb] = rankOf(b);
      return ra - rb || compare(ba, bb) || sa - sb;
    });
    return [...list.filter(c => !mine(c)), ...ours];
  }

  private harden(spec: any, restriction: Setting): void {
    const lists: Array<[string, any[]]> = [['initContainers', spec.initContainers ?? []], ['containers', spec.containers ?? []]];
    const why = `; ${restriction.by} does not override what a container asks for`;
    for (const [list, containers] of lists) {
      for (const c of containers) {
        const sc = c.securityContext ?? {};
        for (const id of ['runAsUser', 'runAsGroup']) validateLinuxId(this.workload.node.path, `${list}[${c.name}].securityContext.${id}`, sc[id]);
        if (sc.seccompProfile?.type === 'Localhost' && !sc.seccompProfile.localhostProfile) {
          invalidInput(this.workload.node.path, `${list}[${c.name}].securityContext.seccompProfile.localhostProfile`, undefined, 'must name the profile on the node for type Localhost');
        }
        for (const rule of REFUSED_SECURITY_SETTINGS) {
          const value = getPath(c.securityContext, rule.field);
          if (rule.refused(value)) invalidInput(this.workload.node.path, `${list}[${c.name}].securityContext.${rule.field}`, value, `${rule.allowed}${why}`);
        }
        c.securityContext = RestrictedProfile.hardenedSecurityContext(c.securityContext, restriction.value);
      }
    }
    const problems = RestrictedProfile.violations(spec);
    if (problems.length > 0) invalidInput(this.workload.node.path, 'pod spec', problems, `must meet Pod Security "restricted"${why}`);
  }
}

/**
 * Whether a value is one cdk8s-plus-28 writes when the user sets nothing, which a pattern may
 * replace: a grace period of 30 s, the TCP startup probe it gives every container with a
 * port, and a Deployment's rolling update of 25%/25% with no minimum ready time and a
 * 600 s progress deadline. (An explicit setting equal to the default cannot be told apart
 * from it.)
 */
function isPlusDefault(field: string, value: any, container?: any): boolean {
  if (field === 'terminationGracePeriodSeconds') return value === 30;
  if (field === 'spec.strategy') return canonical(value) === canonical({ rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' });
  if (field === 'spec.minReadySeconds') return value === 0;
  if (field === 'spec.progressDeadlineSeconds') return value === 600;
  if (field === 'startupProbe' && container) {
    const port = container.ports?.[0]?.containerPort;
    return canonical(value) === canonical({ failureThreshold: 3, tcpSocket: { port } });
  }
  return false;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sorted<V>(map: Map<string, V> | undefined): Array<[string, V]> {
  return map === undefined ? [] : [...map].sort(([a], [b]) => compare(a, b));
}

/** A stable text of a value, for equality: keys sorted at every level. */
function canonical(value: any): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: any } = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
  return out;
}


function getPath(obj: any, dotted: string): any {
  return dotted.split('.').reduce((at, k) => (at === undefined || at === null ? undefined : at[k]), obj);
}

function setPath(obj: any, dotted: string, value: any): void {
  const keys = dotted.split('.');
  let at = obj;
  for (const k of keys.slice(0, -1)) {
    if (at[k] === undefined) at[k] = {};
    at = at[k];
  }
  at[keys[keys.length - 1]] = value;
}
