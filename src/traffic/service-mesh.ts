import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StandardLabels } from '../core/labels';
import { PodMutations } from '../core/pod-mutations';
import { invalid, isDnsLabel, validateList, validateProps } from '../core/validation';
import { patternLabels } from '../core/workload-pattern';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode } from '../imports/istio';

/**
 * The service mesh a workload joins, and how.
 */
export enum MeshDataPlane {
  /**
   * Istio ambient mode (ztunnel on each node; waypoints for L7): pods get the label
   * `istio.io/dataplane-mode: ambient` and keep their own containers, so they stay Pod Security
   * *restricted*. Istio 1.24 or later.
   */
  ISTIO_AMBIENT = 'istio-ambient',

  /**
   * Istio sidecars: pods get the label `sidecar.istio.io/inject: "true"` and the injector adds
   * the istio-proxy container at admission. Under Pod Security *restricted* this needs the Istio
   * CNI node agent (without it the injected istio-init container asks for NET_ADMIN and NET_RAW,
   * and the pods are refused).
   */
  ISTIO_SIDECAR = 'istio-sidecar',

  /**
   * Linkerd: pods get the annotation `linkerd.io/inject: enabled` and the injector adds the
   * linkerd-proxy. Under Pod Security *restricted* this needs the linkerd-cni plugin (without it
   * the injected linkerd-init asks for NET_ADMIN and NET_RAW).
   */
  LINKERD = 'linkerd',
}

/**
 * Props of `ServiceMesh`.
 */
export interface ServiceMeshProps {
  /** The mesh and its data plane. */
  readonly dataPlane: MeshDataPlane;

  /** The workloads that join the mesh (Deployments, StatefulSets, DaemonSets of this chart). */
  readonly workloads: kplus.Workload[];

  /**
   * Refuse plain-text traffic to the members: Istio gets a `PeerAuthentication`
   * (`security.istio.io/v1`) with mTLS `STRICT` for each member; Linkerd members get the annotation
   * `config.linkerd.io/default-inbound-policy: all-authenticated` (only meshed, mTLS clients).
   * With `false`, Istio and Linkerd still use mTLS between members but accept plain text too
   * (migration).
   * @default true
   */
  readonly strictMtls?: boolean;

  /**
   * The Istio revision to inject (label `istio.io/rev`, for canary upgrades of the control plane;
   * Istio data planes only).
   * @default - the default revision
   */
  readonly istioRevision?: string;

  /**
   * `app.kubernetes.io/name` of the policies.
   * @default - the construct's id
   */
  readonly appName?: string;

  /**
   * `app.kubernetes.io/part-of` of the policies.
   * @default - not set
   */
  readonly partOf?: string;
}

/**
 * Service mesh membership (microservice operations): workloads join Istio or Linkerd, which
 * give them mutual TLS, retries, traffic metrics and L7 policy without changing the application.
 * Membership is a label or annotation on the pod template (through the pod mutation layer, so
 * it composes with the other pod patterns; a different value from elsewhere fails naming both);
 * strict mTLS is an Istio `PeerAuthentication` per member, typed from Istio's real CRD, or
 * Linkerd's default inbound policy. To opt a whole namespace in, label the Namespace with
 * `ServiceMesh.namespaceLabels(dataPlane)`. The mesh's control plane is installed separately.
 */
export class ServiceMesh extends Construct {
  /**
   * The labels that opt every pod of a namespace into the mesh, for a Namespace you create
   * (Linkerd uses an annotation instead: `linkerd.io/inject: enabled`, see `namespaceAnnotations`).
   */
  public static namespaceLabels(dataPlane: MeshDataPlane): { [key: string]: string } {
    switch (dataPlane) {
      case MeshDataPlane.ISTIO_AMBIENT: return { 'istio.io/dataplane-mode': 'ambient' };
      case MeshDataPlane.ISTIO_SIDECAR: return { 'istio-injection': 'enabled' };
      default: return {};
    }
  }

  /** The annotations that opt every pod of a namespace into the mesh (Linkerd). */
  public static namespaceAnnotations(dataPlane: MeshDataPlane): { [key: string]: string } {
    return dataPlane === MeshDataPlane.LINKERD ? { 'linkerd.io/inject': 'enabled' } : {};
  }

  /** The PeerAuthentications (Istio with strict mTLS), one per member. */
  public readonly peerAuthentications: ApiObject[] = [];

  constructor(scope: Construct, id: string, props: ServiceMeshProps) {
    super(scope, id);
    validateProps(this, props, ['dataPlane', 'workloads']);
    const plane = props.dataPlane;
    if (!Object.values(MeshDataPlane).includes(plane)) invalid(this, 'dataPlane', plane, `must be one of ${Object.values(MeshDataPlane).join(', ')}`);
    validateList(this, 'workloads', props.workloads);
    if (props.workloads.length === 0) invalid(this, 'workloads', [], 'must list at least one workload');
    const strict = props.strictMtls ?? true;
    if (typeof strict !== 'boolean') invalid(this, 'strictMtls', strict, 'must be true or false');
    const istio = plane !== MeshDataPlane.LINKERD;
    if (props.istioRevision !== undefined) {
      if (!istio) invalid(this, 'istioRevision', props.istioRevision, 'must be left out for Linkerd');
      if (!isDnsLabel(props.istioRevision)) invalid(this, 'istioRevision', props.istioRevision, 'must be a revision name (a DNS label)');
    }
    const labels = StandardLabels.of(patternLabels(this, props, 'service-mesh'));
    const by = this.node.path;

    props.workloads.forEach((w, i) => {
      if (!(w instanceof kplus.Workload)) invalid(this, `workloads[${i}]`, w, 'must be a cdk8s-plus Deployment, StatefulSet or DaemonSet');
      if (w instanceof kplus.Job) invalid(this, `workloads[${i}]`, w.node.path, 'must not be a Job: a sidecar proxy keeps the pod from completing, and batch traffic gains little from a mesh');
      if (Chart.of(w) !== Chart.of(this)) invalid(this, `workloads[${i}]`, w.node.path, `must be in the same chart as the ServiceMesh, ${Chart.of(this).node.path}`);
      const pods = PodMutations.of(w);
      if (plane === MeshDataPlane.ISTIO_AMBIENT) pods.addLabel(by, 'istio.io/dataplane-mode', 'ambient');
      if (plane === MeshDataPlane.ISTIO_SIDECAR) pods.addLabel(by, 'sidecar.istio.io/inject', 'true');
      if (istio && props.istioRevision !== undefined) pods.addLabel(by, 'istio.io/rev', props.istioRevision);
      if (plane === MeshDataPlane.LINKERD) {
        pods.addAnnotation(by, 'linkerd.io/inject', 'enabled');
        if (strict) pods.addAnnotation(by, 'config.linkerd.io/default-inbound-policy', 'all-authenticated');
      }
      if (istio && strict) {
        this.peerAuthentications.push(new PeerAuthentication(this, `mtls-${w.node.id}`, {
          metadata: { labels },
          spec: {
            selector: { matchLabels: { ...w.matchLabels } },
            mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT },
          },
        }));
      }
    });
  }
}
