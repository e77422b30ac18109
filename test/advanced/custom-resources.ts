import { Chart, Testing } from 'cdk8s';
import { customResourceProblems } from './custom-resource-schema';
import { validateManifests } from '../schema';

export { customResourceProblems, structuralProblems } from './custom-resource-schema';

/**
 * Strict validation of a manifest set with custom resources: instances of CRDs in the set are
 * validated against them; everything else against Kubernetes 1.28 (test/schema.ts).
 */
export function validateWithCustomResources(manifests: any[]): void {
  const crds = manifests.filter(m => m.kind === 'CustomResourceDefinition' && String(m.apiVersion).startsWith('apiextensions.k8s.io/'));
  const crdOf = (m: any) => crds.find(c => String(m.apiVersion).split('/')[0] === c.spec.group && m.kind === c.spec.names.kind);
  const problems = manifests.filter(crdOf).flatMap(m => customResourceProblems(crdOf(m), m));
  if (problems.length > 0) throw new Error(`custom resource validation failed:\n  ${problems.join('\n  ')}`);
  validateManifests(manifests.filter(m => !crdOf(m)));
}

/** `synth()` of test/util.ts, for charts with custom resources of their own CRDs. */
export function synthWithCustomResources(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  validateWithCustomResources(manifests);
  return manifests;
}
