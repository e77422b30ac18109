import { execSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { apiServerProblems } from './apiserver';
import { Scenario } from './arbitraries';
import { BuildContext, FactoryError, HarnessError } from './recipes';
import { validateManifests } from '../schema';
import { restrictedViolations } from '../util';
import { wiringProblems } from '../wiring';

/*
 * The property every pattern must have: for any props, building the pattern and synthesizing
 * the chart either
 *  (a) throws the library's error, `<construct path>: invalid <field> <value>: <allowed>` (also
 *      inside cdk8s's "Validation failed with the following errors:" list), or, from a static
 *      factory called before any construct exists, `<Class.factory>: invalid ...`; or
 *  (b) gives manifests that pass the strict Kubernetes 1.28 schema, have no Pod Security
 *      "restricted" violation, no wiring finding (the validation plugin's rules), none of the API
 *      server's rules the schema cannot express (./apiserver.ts), and are byte-identical when the
 *      same props build a second, independent chart.
 * Anything else fails: TypeErrors and other crashes, errors without a construct path (cdk8s's and
 * cdk8s-plus's own), and invalid manifests the pattern accepted.
 *
 * Each pattern's RUNS prop sets come from a fixed seed (fc.sample), so every run checks the same
 * ones; when any fails, fc.assert replays the first failing one (same seed and run index) and
 * shrinks it to the counterexample the test reports, next to a tally of every failure kind.
 *
 * Environment:
 * - PROP_REPORT=1: nothing is asserted; every failure kind is tallied, one shrunk counterexample is
 *   found per kind, and the report is written to PROP_REPORT_FILE (default /tmp/prop-report.md);
 * - PROP_RUNS (default 1000), PROP_SHRINK_MS (how long shrinking may take), PROP_DEBUG=1 or 2
 *   (print the most frequent library errors, =2 with an example message).
 */

/** Prop sets per pattern. */
export const RUNS = Number(process.env.PROP_RUNS ?? 1000);
export const REPORT = process.env.PROP_REPORT === '1';
const REPORT_FILE = process.env.PROP_REPORT_FILE ?? '/tmp/prop-report.md';
const OUTDIR = join(tmpdir(), 'cdk8s-patterns-property');
/** How long fast-check may shrink a counterexample (per pattern; per failure kind in the report). */
const SHRINK_MS = Number(process.env.PROP_SHRINK_MS ?? (REPORT ? 15_000 : 2_500));

/** One pattern's property. */
export interface PatternProperty<S extends Scenario = Scenario> {
  /** The pattern, as exported from src/index.ts. */
  readonly name: string;
  /** The fixed seed, so that every run tries the same prop sets. */
  readonly seed: number;
  readonly scenarios: fc.Arbitrary<S>;
  /** Builds the pattern (and what it attaches to) from one prop set into a fresh chart. */
  readonly build: (ctx: BuildContext, scenario: S) => void;
  /** Findings that are documented behaviour for this prop set (each one explained where it is given). */
  readonly exempt?: (failure: Failure, scenario: S) => boolean;
}

export type FailureKind = 'crash' | 'path-less error' | 'schema' | 'restricted' | 'wiring' | 'apiserver' | 'non-determinism' | 'harness';

export interface Failure {
  readonly kind: FailureKind;
  /** The failure with names, values and numbers abstracted: one key per distinct problem. */
  readonly key: string;
  /** The failure as it happened. */
  readonly detail: string;
}

export interface Outcome {
  readonly verdict: 'valid' | 'error' | 'factory error' | 'failed';
  readonly failures: Failure[];
  readonly message?: string;
}

const PATH = '(test(?:/[\\w-]+)*)';
/** The library's error, thrown in a constructor. */
const LIBRARY_ERROR = new RegExp(`^${PATH}: invalid .+?: .+`, 's');
/** One entry of cdk8s's "Validation failed" list. */
const VALIDATION_ENTRY = new RegExp(`^\\[[^\\]]+\\] ${PATH}: invalid .+?: .+`, 's');
/** The library's error from a static factory (no construct yet). */
const FACTORY_ERROR = /^[A-Z]\w*\.\w+: invalid .+?: .+/s;

/** Abstracts a message: quoted values, numbers and bracketed names replaced, values as `⟨v⟩`. */
export function abstractMessage(s: string): string {
  return s.split('\n')[0]
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/(^|[\s(])'[^']*'/g, '$1\'…\'')
    .replace(/\[[^\]]*\]/g, '[…]')
    .replace(/\{[^{}]*\}/g, '{…}')
    .replace(/-?\b\d+(\.\d+)?\b/g, 'N')
    .replace(/(?<=\s)("…"|N|\[…\]|\{…\}|null|true|false|undefined|NaN|-?Infinity)(?=\s|$)/g, '⟨v⟩')
    .slice(0, 240);
}

/** `Kind/name: field problem` as `field problem`, with indexes, names and values abstracted. */
function abstractObjectLine(line: string, cutAtColon = false): string {
  const m = /^[\w]+\/[^:]*: (.*)$/s.exec(line);
  let rest = (m ? m[1] : line).replace(/\/\d+(?=\/|\s|$)/g, '/*').replace(/ \(got .*\)$/s, '');
  if (cutAtColon && rest.includes(': ')) rest = rest.slice(0, rest.indexOf(': '));
  return abstractMessage(rest);
}

/** A crash's message with numbers abstracted only (the property and the value read matter). */
function crashMessage(s: string): string {
  return s.split('\n')[0].replace(/-?\b\d+(\.\d+)?\b/g, 'N').slice(0, 240);
}

/** The innermost message of an error cdk8s wrapped ("Failed serializing construct ...: Error: ..."). */
function innermost(message: string): string {
  const i = message.lastIndexOf('Error: ');
  return (i >= 0 ? message.slice(i + 'Error: '.length) : message).replace(/spec: \S+ has/, 'spec: … has');
}

/** The first frame of the library's own source in a stack, e.g. `src/structural/ambassador.ts:85`. */
function sourceFrame(e: unknown): string | undefined {
  const stack = e instanceof Error ? e.stack ?? '' : '';
  const root = `${process.cwd()}/`;
  for (const line of stack.split('\n').slice(1)) {
    if (line.includes('node_modules')) continue;
    const m = /\(?([^\s()]+\.ts):(\d+):\d+\)?$/.exec(line.trim());
    if (m && m[1].startsWith(`${root}src/`)) return `${m[1].slice(root.length)}:${m[2]}`;
  }
  return undefined;
}

function failed(kind: FailureKind, key: string, detail: string): Outcome {
  return { verdict: 'failed', failures: [{ kind, key, detail }] };
}

/** Whether an error is the library's clear error (a), or which failure it is. */
export function classifyError(e: unknown): Outcome {
  if (e instanceof HarnessError) {
    const original = e.original instanceof Error ? e.original.message : String(e.original);
    return failed('harness', `harness: ${abstractMessage(original)}`, e.message);
  }
  if (e instanceof FactoryError) {
    const o = e.original;
    if (!(o instanceof Error) || o.name !== 'Error') {
      const name = o instanceof Error ? o.name : typeof o;
      const msg = o instanceof Error ? o.message : String(o);
      return failed('crash', `${name} in ${e.recipe.replace(/\(.*$/s, '')}: ${crashMessage(msg)} at ${sourceFrame(o) ?? '?'}`, `${name}: ${msg}\n  in ${e.recipe}`);
    }
    if (FACTORY_ERROR.test(o.message)) return { verdict: 'factory error', failures: [], message: o.message };
    return failed('path-less error', `path-less error from ${e.recipe.replace(/\(.*$/s, '')}: ${abstractMessage(o.message)} at ${sourceFrame(o) ?? '?'}`, o.message);
  }
  if (!(e instanceof Error)) return failed('crash', `non-Error thrown: ${typeof e}`, String(e));
  if (e.name !== 'Error') {
    return failed('crash', `${e.name}: ${crashMessage(e.message)} at ${sourceFrame(e) ?? '?'}`, `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`);
  }
  const msg = e.message;
  if (msg.startsWith('Validation failed with the following errors:')) {
    const entries = msg.split('\n').slice(1).map(l => l.trim()).filter(l => l.length > 0);
    const bad = entries.filter(l => !VALIDATION_ENTRY.test(l));
    if (bad.length === 0) return { verdict: 'error', failures: [], message: msg };
    return {
      verdict: 'failed',
      failures: bad.map(l => ({ kind: 'path-less error' as const, key: `path-less error: ${abstractMessage(innermost(l.replace(/^\[[^\]]*\] /, '')))}`, detail: l })),
    };
  }
  if (LIBRARY_ERROR.test(msg)) return { verdict: 'error', failures: [], message: msg };
  // A static method given no construct to name (RestrictedPods.applyTo(undefined)) names itself.
  if (FACTORY_ERROR.test(msg)) return { verdict: 'factory error', failures: [], message: msg };
  const frame = sourceFrame(e);
  return failed('path-less error', `path-less error: ${abstractMessage(innermost(msg))}${frame ? ` at ${frame}` : ''}`, msg);
}

type Built = { readonly manifests: any[]; readonly json: string } | { readonly error: unknown };

function buildAndSynth<S extends Scenario>(p: PatternProperty<S>, s: S): Built {
  try {
    const chart = new Chart(new App({ outdir: OUTDIR }), 'test', { namespace: s.namespace });
    p.build(new BuildContext(chart), s);
    const manifests = Testing.synth(chart);
    return { manifests, json: JSON.stringify(manifests) };
  } catch (error) {
    return { error };
  }
}

function schemaFailures(manifests: any[]): Failure[] {
  try {
    validateManifests(manifests);
    return [];
  } catch (e) {
    const lines = (e as Error).message.split('\n').slice(1).map(l => l.trim()).filter(l => l.length > 0);
    return lines.map(l => ({ kind: 'schema' as const, key: `schema: ${abstractObjectLine(l)}`, detail: l }));
  }
}

/** The first path at which two JSON values differ. */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as any)[k], (b as any)[k], `${path}/${k}`);
      if (d !== undefined) return d;
    }
  }
  return `${path || '/'}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
}

/** Builds and checks one prop set. */
export function evaluate<S extends Scenario>(p: PatternProperty<S>, s: S): Outcome {
  const first = buildAndSynth(p, s);
  if ('error' in first) return classifyError(first.error);
  const m = first.manifests;
  const failures: Failure[] = [
    ...schemaFailures(m),
    ...restrictedViolations(m).map(v => ({ kind: 'restricted' as const, key: `restricted: ${abstractObjectLine(v)}`, detail: v })),
    ...wiringProblems(m).map(w => {
      const rule = /^\[([\w-]+)\] (.*)$/s.exec(w);
      return { kind: 'wiring' as const, key: `wiring [${rule?.[1]}] ${abstractObjectLine(rule?.[2] ?? w, true)}`, detail: w };
    }),
    ...apiServerProblems(m).map(a => ({ kind: 'apiserver' as const, key: `apiserver: ${abstractObjectLine(a)}`, detail: a })),
  ];
  const second = buildAndSynth(p, s);
  if ('error' in second) {
    failures.push({ kind: 'non-determinism', key: 'non-determinism: a second build of the same props threw', detail: String((second.error as Error)?.message ?? second.error) });
  } else if (second.json !== first.json) {
    const diff = firstDifference(m, second.manifests) ?? '?';
    failures.push({ kind: 'non-determinism', key: `non-determinism at ${abstractMessage(diff.replace(/:.*$/s, '').replace(/\/\d+(?=\/|$)/g, '/*'))}`, detail: diff });
  }
  const kept = failures.filter(f => !p.exempt?.(f, s));
  const unique = [...new Map(kept.map(f => [f.key, f])).values()];
  return unique.length > 0 ? { verdict: 'failed', failures: unique } : { verdict: 'valid', failures: [] };
}

interface KindTally {
  readonly failure: Failure;
  count: number;
  readonly firstRun: number;
}

/** What the prop sets of one pattern gave. */
export interface Tally {
  readonly name: string;
  runs: number;
  valid: number;
  errors: number;
  factoryErrors: number;
  failed: number;
  readonly kinds: Map<string, KindTally>;
  /** The library's errors, abstracted, with their counts. */
  readonly errorKinds: Map<string, { count: number; example: string }>;
  /** The index of the first prop set that failed. */
  firstFailure?: number;
  ms: number;
}

export function tallyOf<S extends Scenario>(p: PatternProperty<S>, samples: S[]): Tally {
  const t: Tally = { name: p.name, runs: 0, valid: 0, errors: 0, factoryErrors: 0, failed: 0, kinds: new Map(), errorKinds: new Map(), ms: 0 };
  const start = Date.now();
  samples.forEach((s, i) => {
    const o = evaluate(p, s);
    t.runs++;
    if (o.verdict === 'valid') {t.valid++;} else if (o.verdict === 'error') {t.errors++;} else if (o.verdict === 'factory error') {t.factoryErrors++;} else {
      t.failed++;
      t.firstFailure ??= i;
    }
    if (o.message !== undefined) {
      const key = abstractMessage(o.message.replace(/^Validation failed with the following errors:\n\s*/, '').replace(/^(\S+: invalid \S+).*$/s, '$1'));
      const k = t.errorKinds.get(key);
      if (k) k.count++;
      else t.errorKinds.set(key, { count: 1, example: o.message });
    }
    for (const f of o.failures) {
      const k = t.kinds.get(f.key);
      if (k) k.count++;
      else t.kinds.set(f.key, { failure: f, count: 1, firstRun: i });
    }
  });
  t.ms = Date.now() - start;
  return t;
}

/** The most frequent library errors (which validations the prop sets reach). */
function topErrors(t: Tally, n: number, examples = false): string {
  return [...t.errorKinds.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, n)
    .map(([k, c]) => (examples ? `\n      ${c.count} × ${c.example.slice(0, 300)}` : `${c.count} × ${k}`)).join(examples ? '' : '; ');
}

export function summaryLine(t: Tally): string {
  const kinds = t.kinds.size > 0 ? ` (${t.kinds.size} kinds)` : '';
  const line = `property ${t.name}: ${t.runs} runs, ${t.valid} valid manifests, ${t.errors + t.factoryErrors} library errors `
    + `(${t.factoryErrors} from factories), ${t.failed} failures${kinds}, ${(t.ms / 1000).toFixed(1)} s`;
  return process.env.PROP_DEBUG ? `${line}\n    top errors: ${topErrors(t, 8, process.env.PROP_DEBUG === '2')}` : line;
}

function describeOutcome(o: Outcome): string {
  return o.failures.map(f => `- ${f.kind}: ${f.detail}`).join('\n');
}

function failureSummary(t: Tally, limit = 12): string {
  const kinds = [...t.kinds.values()].sort((a, b) => b.count - a.count);
  const lines = kinds.slice(0, limit).map(k => `  ${String(k.count).padStart(4)} × ${k.failure.key}`);
  if (kinds.length > limit) lines.push(`  ... and ${kinds.length - limit} more kinds (PROP_REPORT=1 lists them all)`);
  return `${t.failed} of ${t.runs} prop sets of ${t.name} failed the property; failure kinds:\n${lines.join('\n')}`;
}

/** Long runs of one character in quotes print as `"x".repeat(n)`. */
function shortenRuns(text: string): string {
  return text.replace(/"(.)\1{23,}"/g, (all, c: string) => `"${c}".repeat(${all.length - 2})`);
}

function printable(s: unknown): string {
  return shortenRuns(fc.stringify(s));
}

// ---------------------------------------------------------------------------------------------
// The report (PROP_REPORT=1)

/** The patterns in the order the report lists them. */
const ORDER = [
  'LeaderElected', 'WorkQueue', 'Singleton', 'BatchJob', 'PeriodicJob', 'DaemonService', 'StatefulService', 'Controller', 'Operator',
  'Sidecar', 'Ambassador', 'Adapter', 'StartupSequence', 'GracefulShutdown', 'HighlyAvailable', 'ImmutableConfigImage', 'ConfigTemplate', 'DataImage',
  'HashedConfigMap', 'HashedSecret', 'CustomResourceDefinition', 'RestrictedPods.applyTo', 'DisruptionBudget',
  'ScatterGather', 'ShardedService',
];

function fragmentDir(): string {
  return `${REPORT_FILE}.d`;
}

/** Finds one shrunk counterexample per failure kind and writes the pattern's part of the report. */
function writeFragment<S extends Scenario>(p: PatternProperty<S>, t: Tally): void {
  const kinds = [...t.kinds.values()].sort((a, b) => b.count - a.count);
  const sections = kinds.map(k => {
    const details = fc.check(
      fc.property(p.scenarios, s => !evaluate(p, s).failures.some(f => f.key === k.failure.key)),
      { seed: p.seed, numRuns: RUNS, path: String(k.firstRun), interruptAfterTimeLimit: SHRINK_MS },
    );
    const example = details.failed ? details.counterexample?.[0] as S : undefined;
    const outcome = example !== undefined ? evaluate(p, example) : undefined;
    const detail = outcome?.failures.find(f => f.key === k.failure.key)?.detail ?? k.failure.detail;
    return [
      `#### ${k.count} × ${k.failure.kind}: \`${k.failure.key.replace(/`/g, '\'')}\``,
      '',
      `Counterexample (run ${k.firstRun}, shrunk ${details.numShrinks} times):`,
      '```ts',
      printable(example ?? '(not reproduced)'),
      '```',
      'Failure:',
      '```',
      detail.length > 1500 ? `${detail.slice(0, 1500)} …` : detail,
      '```',
      '',
    ].join('\n');
  });
  const body = [
    `### ${p.name}`,
    '',
    `${t.runs} runs (seed ${p.seed}): ${t.valid} valid manifests, ${t.errors} library errors, ${t.factoryErrors} factory errors, `
      + `**${t.failed} failures** in ${t.kinds.size} kinds.`,
    '',
    `Most frequent library errors: ${topErrors(t, 6) || 'none'}.`,
    '',
    ...(sections.length > 0 ? sections : ['No failures.', '']),
  ].join('\n');
  mkdirSync(fragmentDir(), { recursive: true });
  const index = ORDER.indexOf(p.name);
  const top = kinds.slice(0, 3).map(k => `${k.count} × ${k.failure.key}`).join('<br>') || '-';
  const row = `| ${p.name} | ${t.runs} | ${t.valid} | ${t.errors} | ${t.factoryErrors} | ${t.failed} | ${t.kinds.size} | ${top.replace(/\|/g, '\\|')} |`;
  writeFileSync(join(fragmentDir(), `${String(index < 0 ? 99 : index).padStart(2, '0')}-${p.name}.md`), `${row}\n${body}`);
}

/** Puts the fragments of every pattern so far together into the report. */
function assembleReport(): void {
  const dir = fragmentDir();
  if (!existsSync(dir)) return;
  const fragments = readdirSync(dir).filter(f => f.endsWith('.md')).sort().map(f => readFileSync(join(dir, f), 'utf8'));
  let commit = '?';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch { /* not a git checkout */ }
  const rows = fragments.map(f => f.split('\n')[0]);
  const bodies = fragments.map(f => f.split('\n').slice(1).join('\n'));
  const report = [
    '# Property-based tests: failure report',
    '',
    `Generated by \`PROP_REPORT=1 npx jest test/property\` at HEAD ${commit} (plus uncommitted changes), ${new Date().toISOString()}.`,
    'Each failure kind has one counterexample, shrunk by fast-check; the counterexample is the generated prop set',
    '(recipes print as the code that builds them; `workload(...)` is the plain cdk8s-plus workload the pattern attaches to, created as `web`).',
    'The property: a clear error `<construct path>: invalid <field> <value>: <allowed>`, or manifests that pass the strict 1.28 schema,',
    'Pod Security restricted, the wiring rules, the API server\'s own rules (test/property/apiserver.ts) and are deterministic.',
    'Failure kinds: `crash` (TypeError and other non-Error throws, with the first src/ frame), `path-less error` (an Error without a',
    'construct path: cdk8s\'s, cdk8s-plus\'s or the library\'s own), `schema`, `restricted`, `wiring` (rule id), `apiserver` (a rule',
    'the 1.28 API server enforces that the schema cannot express), `non-determinism`. Keys abstract names and values (`⟨v⟩`, `N`, `…`).',
    'Factory errors (`HealthProbe.http: invalid port 0: ...`, thrown by a static factory before any construct exists) count as clear errors.',
    'Reproduce one pattern: `PROP_REPORT=1 npx jest test/property -t <Pattern>`; the seed and run index are given with each counterexample.',
    '',
    '| pattern | runs | valid | library errors | factory errors | failures | kinds | top kinds |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...bodies,
  ].join('\n');
  writeFileSync(REPORT_FILE, report);
}

/**
 * One test per pattern: RUNS prop sets from a fixed seed, each must satisfy the property. The
 * counts are printed after the group; on failure, fast-check's shrunk counterexample is shown.
 */
export function describeProperties(group: string, properties: Array<PatternProperty<any>>): void {
  const summaries: string[] = [];
  describe(group, () => {
    afterAll(() => {
      // eslint-disable-next-line no-console
      console.log(summaries.join('\n'));
      if (REPORT) assembleReport();
    });
    for (const p of properties) {
      test(`${p.name}: a clear error or valid, deterministic manifests for ${RUNS} random prop sets`, () => {
        const samples = fc.sample(p.scenarios, { seed: p.seed, numRuns: RUNS });
        const t = tallyOf(p, samples);
        summaries.push(summaryLine(t));
        if (REPORT) {
          writeFragment(p, t);
          return;
        }
        if (t.failed === 0) return;
        // The same prop sets (same seed, from the first failing one on) under fc.assert, for
        // fast-check's shrunk counterexample; shrinking stops after SHRINK_MS.
        try {
          fc.assert(fc.property(p.scenarios, s => {
            const o = evaluate(p, s);
            if (o.verdict === 'failed') throw new Error(describeOutcome(o));
          }), { seed: p.seed, numRuns: RUNS, path: String(t.firstFailure), interruptAfterTimeLimit: SHRINK_MS });
        } catch (e) {
          const cause = (e as { cause?: unknown }).cause;
          const got = cause instanceof Error ? `\nThe counterexample fails with:\n${cause.message}` : '';
          throw new Error(`${failureSummary(t)}\n\n${shortenRuns((e as Error).message)}${got}`);
        }
        throw new Error(`${failureSummary(t)}\n\n(fc.assert did not reproduce the failure: the property is not deterministic)`);
      }, REPORT ? 3_600_000 : 300_000);
    }
  });
}
