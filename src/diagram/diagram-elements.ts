/**
 * Direction of a topology diagram's flowchart.
 */
export enum DiagramDirection {
  /** Left to right (`flowchart LR`): entry points on the left, backends on the right. */
  LEFT_TO_RIGHT = 'LR',
  /** Top to bottom (`flowchart TB`). */
  TOP_TO_BOTTOM = 'TB',
}

/**
 * What a container does in its pod, as the diagram infers it from the manifests alone.
 */
export enum ContainerRole {
  /**
   * The application: the container named by the pod's `kubectl.kubernetes.io/default-container`
   * annotation, else the first container (the pod patterns' default `mainContainer`).
   */
  MAIN = 'main',
  /** Any other long-running helper container (`Sidecar`, a log shipper, an agent). */
  SIDECAR = 'sidecar',
  /**
   * A proxy the application reaches on localhost (`Ambassador`): it mounts a ConfigMap labelled
   * `app.kubernetes.io/component: ambassador`, or the pod has a `config-hash.cdk8s-patterns.io/<name>`
   * annotation for it and it exposes no port.
   */
  AMBASSADOR = 'ambassador',
  /**
   * The container that serves the port named by the pod's `prometheus.io/port` annotation
   * (`Adapter`), when it is not the main container.
   */
  ADAPTER = 'adapter',
  /** An init container that runs to completion before the next one starts. */
  INIT = 'init',
}

/**
 * What an edge of the diagram means.
 */
export enum DiagramEdgeKind {
  /** A Service's selector matches the workload's pods (computed from the labels). */
  SELECTS = 'selects',
  /** A Gateway, HTTPRoute or Ingress sends requests to a route or Service. */
  ROUTES = 'routes',
  /**
   * A container or autoscaler reaches a Service by its DNS name: an environment variable
   * (`QUEUE_URL`, `*_HOST`, `*_ADDR`, ...), a `host:port` in its arguments or in a mounted
   * ConfigMap, or a KEDA trigger's address.
   */
  CONNECTS = 'connects',
  /** A pod runs as a ServiceAccount. */
  RUNS_AS = 'runs as',
  /** A RoleBinding or ClusterRoleBinding grants a Role or ClusterRole to a subject. */
  BINDS = 'binds',
  /** An autoscaler (HorizontalPodAutoscaler, KEDA ScaledObject) scales a workload. */
  SCALES = 'scales',
  /** Start order inside a pod: an init container runs (or, a native sidecar starts) before the next. */
  STARTS_BEFORE = 'starts before',
  /** A selector-less Service's endpoints (EndpointSlice addresses, ExternalName). */
  ENDPOINTS = 'endpoints',
  /**
   * A volume shared by two or more containers of a pod: container → volume where it is mounted
   * writable, volume → container where it is mounted read-only (the way the data flows).
   */
  MOUNTS = 'mounts',
}

/**
 * A node (or a group, for workloads) of a topology diagram.
 */
export interface DiagramNode {
  /** The Mermaid identifier: unique in the diagram, `[A-Za-z][A-Za-z0-9_]*`. */
  readonly id: string;
  /**
   * The Kubernetes kind (`Deployment`, `Service`, `HTTPRoute`, ...), `Container` for a
   * container, `Volume` for a volume containers of a pod share, or `Summary` for the
   * NetworkPolicy and other-objects notes.
   */
  readonly kind: string;
  /** The object's (or container's) name. */
  readonly name: string;
  /**
   * The object's namespace (named so because `namespace` is a reserved word in C#).
   * @default - none: the object has no namespace in its manifest
   */
  readonly objectNamespace?: string;
  /** The label text, lines separated by `\n` (before Mermaid escaping). */
  readonly label: string;
  /**
   * The id of the group (workload) this node is drawn in.
   * @default - none: a top-level node
   */
  readonly parent?: string;
  /**
   * For a container: its role in the pod.
   * @default - not a container
   */
  readonly containerRole?: ContainerRole;
  /**
   * For a container: true when it is a native sidecar (an init container with `restartPolicy: Always`).
   * @default false
   */
  readonly nativeSidecar?: boolean;
  /**
   * For an init container (native sidecars included): its 1-based position in `initContainers`.
   * @default - not an init container
   */
  readonly initOrder?: number;
  /**
   * True when the object is referenced but not among the manifests (a Service a route names,
   * an existing Gateway, a ClusterRole such as `view`).
   * @default false
   */
  readonly external?: boolean;
}

/**
 * An edge of a topology diagram.
 */
export interface DiagramEdge {
  /** The id of the node the edge starts at. */
  readonly source: string;
  /** The id of the node the edge ends at. */
  readonly target: string;
  /** What the edge means. */
  readonly kind: DiagramEdgeKind;
  /**
   * The edge's label (a route's path, the environment variables, the pods a Service selects
   * when it selects only some of a StatefulSet's).
   * @default - no label
   */
  readonly label?: string;
}
