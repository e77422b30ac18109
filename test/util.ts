import { Chart, Testing } from 'cdk8s';
import { validateManifests } from './schema';
import { RestrictedProfile } from '../src/core/restricted-profile';

/**
 * Synthesizes a chart the way tests should: every manifest is validated strictly against the
 * Kubernetes 1.28 schema before the test sees it.
 */
export function synth(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  validateManifests(manifests);
  return manifests;
}

/** The one manifest of a kind (and name prefix), failing when there is not exactly one. */
export function only(manifests: any[], kind: string, namePrefix?: string): any {
  const found = manifests.filter(m => m.kind === kind && (namePrefix === undefined || m.metadata.name.startsWith(namePrefix)));
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}${namePrefix ? ` named ${namePrefix}*` : ''}, found ${found.length}`);
  return found[0];
}

/** The pod spec of a workload manifest. */
export function podSpec(manifest: any): any {
  return RestrictedProfile.podSpecOf(manifest);
}

/** A container of a pod spec by name, searching containers and init containers. */
export function container(spec: any, name: string): any {
  const c = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].find((x: any) => x.name === name);
  if (!c) throw new Error(`no container ${name} in pod spec`);
  return c;
}

/** Every pod-bearing manifest's restricted-profile violations, keyed by kind/name. */
export function restrictedViolations(manifests: any[]): string[] {
  return manifests.flatMap(m => {
    const spec = RestrictedProfile.podSpecOf(m);
    return spec ? RestrictedProfile.violations(spec).map(v => `${m.kind}/${m.metadata.name}: ${v}`) : [];
  });
}
