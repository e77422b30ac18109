import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';

/**
 * Generated prop sets are plain data, so that one prop set builds two independent charts (the
 * determinism check) and prints as a readable counterexample. Whatever must be created in a chart
 * (the workload a pod pattern attaches to, volumes) or by a factory that may throw
 * (`HealthProbe.http`, `AmbassadorProxy.envoyTcp`) is a `Recipe`, turned into the real object by
 * `materialize` when the chart is built.
 */

/**
 * When a recipe runs:
 * - `harness`: test scaffolding (plain cdk8s-plus objects a user would write); an error here is
 *   a bug of the generators, reported as such;
 * - `factory`: a static factory of this library, called before the pattern exists, so its errors
 *   name the factory (`HealthProbe.http: invalid port 0: ...`) instead of a construct path;
 * - `value`: cannot fail.
 */
export type RecipePhase = 'harness' | 'factory' | 'value';

/** What recipes create objects in: one chart, with a cache of named volumes. */
export class BuildContext {
  /** The workload the last workload recipe created (pod patterns attach to it). */
  public workload?: kplus.AbstractPod;
  private readonly volumes = new Map<string, kplus.Volume>();
  private ids = 0;

  constructor(public readonly chart: Chart) {}

  /** A fresh construct id. */
  public id(prefix: string): string {
    return `${prefix}${this.ids++}`;
  }

  /** One emptyDir per name, shared by every mount of that name (as a user would write it). */
  public volume(name: string): kplus.Volume {
    let v = this.volumes.get(name);
    if (!v) {
      v = kplus.Volume.fromEmptyDir(this.chart, this.id('volume-'), name);
      this.volumes.set(name, v);
    }
    return v;
  }

  /** The props of a generated prop set, with every recipe run. */
  public materialize<T = any>(value: unknown): T {
    return materialize(value, this) as T;
  }
}

/** An object created when the chart is built, printed as the code that creates it. */
export class Recipe<T = unknown> {
  constructor(
    public readonly label: string,
    public readonly phase: RecipePhase,
    public readonly make: (ctx: BuildContext) => T,
  ) {}

  public [fc.toStringMethod](): string {
    return this.label;
  }
}

/** An error of a `harness` recipe: a bug of the generators, not of the library. */
export class HarnessError extends Error {
  constructor(public readonly recipe: string, public readonly original: unknown) {
    super(`harness recipe ${recipe} failed: ${original instanceof Error ? original.message : String(original)}`);
    this.name = 'HarnessError';
  }
}

/** An error thrown by a library factory before any construct exists. */
export class FactoryError extends Error {
  constructor(public readonly recipe: string, public readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = 'FactoryError';
  }
}

/** Code-like text of a value, for recipe labels. */
export function show(value: unknown): string {
  return fc.stringify(value);
}

/** A recipe for test scaffolding. */
export function harness<T>(label: string, make: (ctx: BuildContext) => T): Recipe<T> {
  return new Recipe(label, 'harness', make);
}

/** A recipe that calls a factory of this library. */
export function factory<T>(label: string, make: (ctx: BuildContext) => T): Recipe<T> {
  return new Recipe(label, 'factory', make);
}

/** Gives an immutable value (a Duration, a Size, a preset) the label it prints as. */
export function labelled<T extends object>(value: T, label: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => label, enumerable: false, configurable: true });
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Replaces every recipe in a value by what it makes (plain objects and arrays are copied,
 * keys with an explicit `undefined` kept); other values pass through.
 */
export function materialize(value: unknown, ctx: BuildContext): unknown {
  if (value instanceof Recipe) {
    if (value.phase === 'value') return value.make(ctx);
    try {
      return value.make(ctx);
    } catch (e) {
      if (e instanceof HarnessError || e instanceof FactoryError) throw e;
      throw value.phase === 'harness' ? new HarnessError(value.label, e) : new FactoryError(value.label, e);
    }
  }
  if (Array.isArray(value)) return value.map(v => materialize(v, ctx));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = materialize(v, ctx);
    return out;
  }
  return value;
}
