// Behavior checks: after an example is Ready on the real nodes, the harness drives it and asserts
// what its pattern exists for (test/e2e/behavior/<pattern>.mjs, one module per pattern).
//
// A module's default export:
//   {
//     pattern: 'Ambassador',
//     examples: { ambassador: { ...params } },  // chart stems it runs on ('*': every example), with the
//                                              // parameters its checks get
//     except: ['periodic-job'],                // with '*': examples it does not apply to
//     checks: [{ name, timeout, run: async (t, params) => 'detail' }],
//     counterparts: [{ check, breaks, example?, timeout?, break: async (t, params) => {} }],
//   }
// `t` is a BehaviorContext (lib.mjs). A check passes when `run` resolves and fails when it throws.
//
// A counterpart proves that its check can fail: it removes the behavior from the running example
// (`break`: stop the upstream, remove the preStop hook, unbind the Lease's Role ...), then runs the
// check again, which must now fail with a BehaviorFailure; it passes when it does. Counterparts run
// after every check of the example (they leave it broken), one module after the other, on the
// module's first example unless they name one (modules on '*' must name one). Every module must
// have at least one.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BehaviorContext, BehaviorFailure } from './lib.mjs';

const DIR = path.dirname(fileURLToPath(import.meta.url));

/** Loads and validates every behavior module of this directory. */
export async function loadBehaviors() {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.mjs') && !['index.mjs', 'lib.mjs', 'run-example.mjs'].includes(f)).sort();
  const mods = [];
  for (const f of files) {
    const m = (await import(pathToFileURL(path.join(DIR, f)).href)).default;
    const where = `test/e2e/behavior/${f}`;
    if (!m || typeof m.pattern !== 'string' || !m.examples || !Array.isArray(m.checks) || !m.checks.length) {
      throw new Error(`${where}: the default export needs pattern, examples and at least one check`);
    }
    if (!Array.isArray(m.counterparts) || !m.counterparts.length) throw new Error(`${where}: ${m.pattern} has no counterpart (a check that cannot be shown to fail proves nothing)`);
    const names = new Set(m.checks.map((c) => c.name));
    for (const c of m.counterparts) {
      if (!names.has(c.check)) throw new Error(`${where}: counterpart "${c.breaks}" names check "${c.check}", which ${m.pattern} does not have`);
      if ('*' in m.examples ? !c.example : c.example && !(c.example in m.examples)) {
        throw new Error(`${where}: counterpart "${c.breaks}" must run on one of ${m.pattern}'s examples (name it in "example")`);
      }
    }
    mods.push({ ...m, file: where });
  }
  return mods;
}

/** Stems named by modules without a chart: stale behavior modules. */
export function staleExamples(mods, stems) {
  return mods.flatMap((m) => [...Object.keys(m.examples), ...(m.except || [])].filter((s) => s !== '*' && !stems.has(s))
    .map((s) => `${m.file}: ${m.pattern} names example "${s}", but there is no ${s}.k8s.yaml`));
}

/** The modules that apply to an example, with its parameters. */
export function behaviorsFor(mods, stem) {
  return mods.filter((m) => stem in m.examples || ('*' in m.examples && !(m.except || []).includes(stem))).map((m) => ({ mod: m, params: m.examples[stem] ?? m.examples['*'] }));
}

async function withTimeout(promise, seconds, what) {
  let timer;
  const t = new Promise((_, rej) => { timer = setTimeout(() => rej(new BehaviorFailure(`${what}: timed out after ${seconds}s`)), seconds * 1000); });
  try {
    return await Promise.race([promise, t]);
  } finally {
    clearTimeout(timer);
  }
}

const oneLine = (s) => String(s).replace(/\s+/g, ' ').trim().slice(0, 400);

/**
 * Runs the checks, then the counterparts, of every module that applies to `stem`.
 * Returns [{ pattern, name, kind: 'check' | 'counterpart', ok, detail, secs }].
 */
export async function runBehaviors(mods, stem, { ns, kubectl, log }) {
  const applicable = behaviorsFor(mods, stem);
  const results = [];
  if (!applicable.length) return results;
  const t = new BehaviorContext({ ns, stem, kubectl, log });
  const report = (r) => {
    results.push(r);
    log(`behavior ${stem}: ${r.pattern}: ${r.name} ${r.ok ? 'ok' : 'FAIL'} (${r.detail}; ${r.secs}s)`);
  };
  try {
    for (const { mod, params } of applicable) {
      for (const c of mod.checks) {
        const t0 = Date.now();
        try {
          const detail = await withTimeout(Promise.resolve().then(() => c.run(t, params)), c.timeout ?? 120, c.name);
          report({ pattern: mod.pattern, name: c.name, kind: 'check', ok: true, detail: oneLine(detail || 'observed'), secs: Math.round((Date.now() - t0) / 1000) });
        } catch (e) {
          report({ pattern: mod.pattern, name: c.name, kind: 'check', ok: false, detail: oneLine(e instanceof BehaviorFailure ? e.message : `error: ${e.message}`), secs: Math.round((Date.now() - t0) / 1000) });
        } finally {
          t.close();
        }
      }
    }
    for (const { mod, params } of applicable) {
      for (const cp of mod.counterparts) {
        if ((cp.example ?? Object.keys(mod.examples)[0]) !== stem) continue;
        const c = mod.checks.find((x) => x.name === cp.check);
        const name = `${c.name}: fails when ${cp.breaks}`;
        const t0 = Date.now();
        let r;
        try {
          await withTimeout(Promise.resolve().then(() => cp.break(t, params)), 180, `breaking (${cp.breaks})`);
          try {
            const detail = await withTimeout(Promise.resolve().then(() => c.run(t, { ...params, counterpart: true })), cp.timeout ?? c.timeout ?? 120, c.name);
            r = { ok: false, detail: `the check still passed: ${oneLine(detail || 'observed')}` };
          } catch (e) {
            r = e instanceof BehaviorFailure
              ? { ok: true, detail: `it failed as it must: ${oneLine(e.message)}` }
              : { ok: false, detail: `the check errored instead of failing: ${oneLine(e.message)}` };
          }
        } catch (e) {
          r = { ok: false, detail: `could not break the example: ${oneLine(e.message)}` };
        } finally {
          t.close();
        }
        report({ pattern: mod.pattern, name, kind: 'counterpart', ...r, secs: Math.round((Date.now() - t0) / 1000) });
      }
    }
  } finally {
    t.close();
  }
  return results;
}

/**
 * runBehaviors in a child process (run-example.mjs), so that the synchronous kubectl calls of
 * examples checked side by side do not block each other; its lines go to `log` as they come.
 */
export function runBehaviorsInChild(stem, { ns, kubectl, log }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(DIR, 'run-example.mjs'), stem, ns, kubectl], { stdio: ['ignore', 'pipe', 'pipe'] });
    let results = null;
    let buf = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) {
        if (l.startsWith('RESULTS ')) results = JSON.parse(l.slice('RESULTS '.length));
        else if (l) log(l);
      }
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => {
      if (results) resolve(results);
      else {
        const detail = `the behavior run of ${stem} ended (exit ${code}) without results: ${err.trim().split('\n').slice(-3).join(' | ')}`;
        resolve([{ pattern: '(harness)', name: 'behavior checks', kind: 'check', ok: false, detail, secs: 0 }]);
      }
    });
  });
}
