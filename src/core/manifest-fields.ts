import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Sets a field that cdk8s-plus-28 does not model on an object other than a pod template (a
 * Job's `completions`, a DaemonSet's `updateStrategy`, a Service's `internalTrafficPolicy`, a
 * StatefulSet's `volumeClaimTemplates`). Pod templates change only through `PodMutations`; this
 * is the one other place where the library writes a JSON patch. `path` is the field's JSON
 * pointer, e.g. `/spec/updateStrategy`; the field must be one Kubernetes 1.28 knows, because
 * cdk8s-plus's typed serializer drops unknown names.
 */
export function setManifestField(construct: IConstruct, path: string, value: any): void {
  ApiObject.of(construct).addJsonPatch(JsonPatch.add(path, value));
}

/**
 * Removes a field that cdk8s-plus-28 writes but that must be absent, e.g. the empty
 * `spec.selector` of a Service whose endpoints are listed by hand (an EndpointSlice).
 */
export function removeManifestField(construct: IConstruct, path: string): void {
  ApiObject.of(construct).addJsonPatch(JsonPatch.remove(path));
}
