import { realCrdFor } from '../go-modules';

/**
 * KEDA's own ScaledObject CRD (the version pinned in scripts/crd-versions.env): the ScaledObjects
 * this library writes must be instances of it (strictly: unknown fields are errors).
 */
export function kedaScaledObjectCrd(): any {
  return realCrdFor('keda.sh/v1alpha1', 'ScaledObject');
}
