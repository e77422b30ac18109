/**
 * A cdk8s-cli validation plugin that runs this library's checks on any synthesized app, charts
 * written without the patterns included. Enable it in the app's cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-patterns/lib/plugin
 *     version: 0.0.0            # any exact version: cdk8s-cli requires one, a local path ignores it
 *     class: PatternsValidation
 *     properties:
 *       disabledRules: [readiness-probe]   # optional
 * ```
 *
 * Not part of the jsii API (it is not exported from the package root): the cdk8s-cli types it
 * implements are not jsii types. The cdk8s-cli interfaces are declared structurally below, so
 * the compiled package does not need cdk8s-cli to type-check; test/plugin proves they match.
 */
import { checkManifests, enabledRules, CheckOptions, Finding, RULES } from './rules';

export { checkManifests, enabledRules, labelSelectorSelects, imageIsPinned, RULES } from './rules';
export type { CheckOptions, Finding, RuleInfo } from './rules';

/** The part of cdk8s-cli's `ValidationViolation` the plugin produces. */
export interface PluginViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: readonly { readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }[];
}

/** The part of cdk8s-cli's `ValidationContext` (from `cdk8s-cli/plugins`) the plugin uses. */
export interface PluginContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: PluginViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  parseManifest(manifestPath: string): any[];
}

/** The plugin's `properties` in cdk8s.yaml. */
export interface PatternsValidationProperties extends CheckOptions {}

/**
 * cdk8s-cli loads this class by name and constructs it with the `properties` of its cdk8s.yaml
 * entry; `cdk8s synth` then calls `validate` with the synthesized manifests and exits with
 * code 2 when the report fails.
 */
export class PatternsValidation {
  private readonly options: CheckOptions;

  public constructor(properties: PatternsValidationProperties = {}) {
    this.options = { disabledRules: properties.disabledRules ?? [] };
    enabledRules(this.options); // fail at load time on unknown rule ids
  }

  public async validate(context: PluginContext): Promise<void> {
    const docs: { manifest: any; path: string }[] = [];
    for (const path of context.manifests) {
      for (const manifest of context.parseManifest(path) ?? []) {
        if (manifest && typeof manifest === 'object') docs.push({ manifest, path });
      }
    }
    const findings = checkManifests(docs.map(d => d.manifest), this.options);
    for (const rule of RULES) {
      const mine = findings.filter(f => f.rule === rule.id);
      if (mine.length === 0) continue;
      // One violating resource per object, one location per finding.
      const byObject = new Map<number, Finding[]>();
      for (const f of mine) byObject.set(f.index, [...(byObject.get(f.index) ?? []), f]);
      context.report.addViolation({
        ruleName: rule.id,
        recommendation: rule.description,
        fix: rule.fix,
        violatingResources: [...byObject.entries()].map(([index, fs]) => ({
          // The resource name is metadata.name: cdk8s-cli maps it to the construct path.
          resourceName: fs[0].name,
          manifestPath: docs[index].path,
          locations: fs.map(f => f.message),
        })),
      });
    }
    const enabled = enabledRules(this.options);
    context.report.submit(findings.length === 0 ? 'success' : 'failure', {
      'Rules checked': `${enabled.length} of ${RULES.length}`,
      'Rules disabled': (this.options.disabledRules ?? []).join(', ') || 'none',
      'Objects checked': String(docs.length),
      'Violations': String(findings.length),
    });
  }
}
