import { checkManifests } from '../src/plugin/rules';

/**
 * Wiring checks over a set of manifests: the facts that make a chart work once applied, which
 * neither a schema nor a snapshot proves. The tests use the rule engine of the validation
 * plugin that users run on their own charts, so both check the same things.
 */
export function wiringProblems(manifests: any[]): string[] {
  return checkManifests(manifests, { disabledRules: ['restricted-pod-security'] }).map(f => `[${f.rule}] ${f.message}`);
}
