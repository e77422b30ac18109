// Core building blocks
export { StandardLabels, StandardLabelsProps } from './core/labels';
export { ResourcePreset, ResourcePresetOptions } from './core/resource-preset';
export { ContainerSecurityOptions } from './core/security';
export { HealthProbe, HealthProbeOptions, HttpHealthProbeOptions, TcpHealthProbeOptions, GrpcHealthProbeOptions, ContainerProbes } from './core/health-probe';
export { PodSpecFields, TopologyKey, TopologySpread } from './core/pod-spec-fields';
export { RestrictedPods } from './core/restricted-pods';
export { RestrictedProfile } from './core/restricted-profile';
export { PodAttachmentProps } from './core/pod-attachment';
export { DisruptionBudget, DisruptionBudgetProps } from './core/disruption-budget';

// Scaling and availability
export { HighlyAvailable, HighlyAvailableProps } from './scaling/highly-available';
export { ElasticScale, ElasticScaleProps } from './scaling/elastic-scale';
export { ScalingMetric, ResourceMetricOptions, MetricSelectorOptions, PodsMetricOptions, ObjectMetricOptions, DescribedObject } from './scaling/scaling-metric';
export { ScalingPolicy, ScalingPolicySelect, ScalingRules } from './scaling/scaling-behavior';
export { EventDrivenScale, EventDrivenScaleProps, ScaleFallback } from './scaling/event-driven-scale';
export {
  ScaleTrigger, ScaleTriggerOptions, ScaleTriggerMetricType, TriggerAuthenticationKind,
  RedisListTriggerOptions, ResourceTriggerOptions, CustomTriggerOptions,
} from './scaling/scale-trigger';
export { PredictableDemands, PredictableDemandsProps, PodDemand } from './scaling/predictable-demands';
export { PriorityClass, PriorityClassProps, PreemptionPolicy } from './scaling/priority-class';

// Release patterns
export { ReleaseStrategy, RampedOptions, Rollout, RolloutProps } from './release/release-strategy';
export { TrafficRouting, GatewayRoutingOptions, IngressNginxRoutingOptions, ReplicaRatioRoutingOptions, RequestMatch } from './release/traffic-routing';
export { ReleaseTrackProps, ReleaseProps, ITrackAttachment } from './release/release-track';
export { BlueGreenDeployment, BlueGreenDeploymentProps, BlueGreenColor } from './release/blue-green-deployment';
export { CanaryDeployment, CanaryDeploymentProps } from './release/canary-deployment';
export { AbTestDeployment, AbTestDeploymentProps } from './release/ab-test-deployment';

// Traffic patterns
export { ExternalService, ExternalServiceProps } from './traffic/external-service';
export { ApiGateway, ApiGatewayProps, ApiRoute } from './traffic/api-gateway';
export { Strangler, StranglerProps } from './traffic/strangler';
export { NetworkSegmentation, NetworkSegmentationProps, NetworkPeer } from './traffic/network-segmentation';
export { NetworkFlow, NetworkFlowKind, INetworkClient } from './core/network-flow';
export { IRoutedBackends } from './core/routed-backends';
export { ServiceMesh, ServiceMeshProps, MeshDataPlane } from './traffic/service-mesh';

// Structural (single-node) patterns
export { Sidecar, SidecarProps, SharedVolumeOptions } from './structural/sidecar';
export { Ambassador, AmbassadorProps } from './structural/ambassador';
export { AmbassadorProxy, EnvoyTcpProxyOptions, TwemproxyRedisOptions, TwemproxyOptions, TwemproxyServer } from './structural/ambassador-proxy';
export { Adapter, AdapterProps, AdapterSharedVolume } from './structural/adapter';
export { StartupSequence, StartupSequenceProps, NativeSidecarStepOptions } from './structural/startup-sequence';
export { GracefulShutdown, GracefulShutdownProps } from './structural/graceful-shutdown';

// Behavioral patterns
export { WorkloadOptions, WorkloadPatternProps, HighAvailabilityDefaults } from './core/workload-pattern';
export { LeaderElected, LeaderElectedProps, LeaderElectorSidecarOptions, LeaseAccessOptions, LeaseAccess } from './behavioral/leader-elected';
export { WorkQueue, WorkQueueProps, WorkQueueMode, ExistingQueueOptions, WorkQueueAutoscaling } from './behavioral/work-queue';
export { Singleton, SingletonProps, SingletonGuarantee, SingletonEviction } from './behavioral/singleton';
export { DistributedLock, DaprRedisLockOptions, DaprSidecarMode } from './behavioral/distributed-lock';
export { DistributedLockSidecar, DistributedLockSidecarProps, LockSidecarOptions } from './behavioral/distributed-lock-sidecar';

// Behavioral patterns: jobs, daemons, stateful services
export { JobSpecFields, JobOptions, CompletionMode, JobRestartPolicy } from './core/job-spec-fields';
export { BatchJob, BatchJobProps } from './behavioral/batch-job';
export { PeriodicJob, PeriodicJobProps } from './behavioral/periodic-job';
export { DaemonService, DaemonServiceProps, DaemonUpdateStrategy, DaemonRollingUpdateOptions } from './behavioral/daemon-service';
export { StatefulService, StatefulServiceProps, VolumeClaimTemplate } from './behavioral/stateful-service';

// Configuration patterns
export { HashedConfigMap, HashedConfigMapProps } from './configuration/hashed-config-map';
export { HashedSecret, HashedSecretProps } from './configuration/hashed-secret';
export { ImmutableConfigImage, ImmutableConfigImageProps } from './configuration/immutable-config-image';
export { DataImage, DataImageProps, DataImageMode } from './configuration/data-image';
export { ConfigTemplate, ConfigTemplateProps } from './configuration/config-template';
export { ConfigEnv, DownwardApiEnvOptions } from './configuration/config-env';

// Advanced patterns
export { JsonSchema, SchemaOptions, StringSchemaOptions, NumberSchemaOptions, BooleanSchemaOptions, ObjectSchemaOptions, ArraySchemaOptions, MapSchemaOptions } from './advanced/json-schema';
export {
  CustomResourceDefinition, CustomResourceDefinitionProps, CustomResourceVersion, CustomResourceScope, CustomResourceInstanceOptions,
  PrinterColumn, PrinterColumnType,
} from './advanced/custom-resource-definition';
export { LeastPrivilege, AccessRule, ApiVerb, WatchedResource } from './advanced/access-rule';
export { Controller, ControllerProps, ControllerReplication } from './advanced/controller';
export { Operator, OperatorProps } from './advanced/operator';

// Distributed patterns
export { ScatterGather, ScatterGatherProps } from './distributed/scatter-gather';
export { ShardedService, ShardedServiceProps, RouterAttachmentOptions } from './distributed/sharded-service';
export { ShardProtocol, TwemproxyHash } from './core/twemproxy-config';

// Diagrams: what a chart deploys, as a Mermaid flowchart
export { TopologyDiagram, TopologyDiagramOptions } from './diagram/topology-diagram';
export { DiagramDirection, ContainerRole, DiagramEdgeKind, DiagramNode, DiagramEdge } from './diagram/diagram-elements';
