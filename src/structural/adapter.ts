import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerProbes, HealthProbe } from '../core/health-probe';
import { INetworkClient, NetworkFlow, asWorkload } from '../core/network-flow';
import { PodAttachmentProps, attachHelperContainer, findMainContainer, shareEmptyDir, validateWorkload } from '../core/pod-attachment';
import { PodMutations } from '../core/pod-mutations';
import { invalid, validateAbsolutePath, validateBoolean, validatePort, validatePortName, validateProps } from '../core/validation';

/**
 * A volume the application writes (logs, status files) and the adapter reads.
 */
export interface AdapterSharedVolume {
  /**
   * Where the application writes, e.g. `/var/log/app`.
   */
  readonly mainMountPath: string;

  /**
   * Where the adapter reads, mounted read-only.
   * @default - the same path as the application
   */
  readonly adapterMountPath?: string;

  /**
   * Cap the volume's size.
   * @default Size.mebibytes(256)
   */
  readonly sizeLimit?: Size;
}

/**
 * Props of `Adapter`.
 */
export interface AdapterProps extends PodAttachmentProps {
  /**
   * The exporter container (e.g. a Prometheus exporter for the application's native format).
   * Leave `ports` unset: the adapter gives it one, the metrics port.
   */
  readonly container: kplus.ContainerProps;

  /**
   * The port the exporter serves metrics on; the adapter owns it.
   */
  readonly metricsPort: number;

  /**
   * The HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly metricsPath?: string;

  /**
   * The name of the metrics port in the pod and on the Service.
   * @default 'metrics'
   */
  readonly metricsPortName?: string;

  /**
   * A volume shared with the application when the adapter reads files it writes.
   * @default - none
   */
  readonly sharedVolume?: AdapterSharedVolume;

  /**
   * A Service (selecting the workload's pods) that also exposes the metrics port and carries the
   * scrape annotations.
   * @default - no Service is changed
   */
  readonly service?: kplus.Service;

  /**
   * Add `prometheus.io/scrape`, `prometheus.io/port` and `prometheus.io/path` annotations to
   * the pod template (and to `service`).
   * @default true
   */
  readonly scrapeAnnotations?: boolean;

  /**
   * Probes of the exporter.
   * @default - readiness: HTTP GET of the metrics path; liveness: TCP connect to the metrics port
   */
  readonly probes?: ContainerProbes;
}

/**
 * Adapter (Burns & Oppenheimer; Kubernetes Patterns): an exporter container that turns the
 * application's own output (a status page, log files, a proprietary protocol) into a standard
 * interface, Prometheus metrics, so every application is monitored the same way.
 *
 * The adapter owns the metrics port, reads a shared volume when it consumes files, exposes the
 * port on a Service and sets the usual scrape annotations.
 */
export class Adapter extends Construct implements INetworkClient {
  /** The exporter container. */
  public readonly container: kplus.Container;

  /** The volume shared with the application, when one was asked for. */
  public readonly sharedVolume?: kplus.Volume;

  /** The metrics port. */
  public readonly metricsPort: number;

  /** The metrics path. */
  public readonly metricsPath: string;

  /** The workload the adapter was added to. */
  public readonly workload: kplus.AbstractPod;

  /** The metrics port, to be scraped (for `NetworkSegmentation.allowFlowsOf`). */
  public get networkFlows(): NetworkFlow[] {
    const w = asWorkload(this.workload);
    return w ? [NetworkFlow.metrics(w, this.metricsPort, `Adapter ${this.node.path}: metrics on port ${this.metricsPort}`)] : [];
  }

  constructor(scope: Construct, id: string, props: AdapterProps) {
    super(scope, id);
    validateProps(this, props, ['workload', 'container', 'metricsPort']);
    this.workload = validateWorkload(this, props.workload);
    this.metricsPort = validatePort(this, 'metricsPort', props.metricsPort);
    this.metricsPath = validateAbsolutePath(this, 'metricsPath', props.metricsPath ?? '/metrics');
    const portName = validatePortName(this, 'metricsPortName', props.metricsPortName ?? 'metrics');
    validateBoolean(this, 'scrapeAnnotations', props.scrapeAnnotations);
    const main = findMainContainer(this, props.workload, props.mainContainer);
    if (props.container.ports !== undefined) {
      invalid(this, 'container.ports', props.container.ports, 'must be unset: the adapter owns its one port, metricsPort');
    }
    if (props.container.portNumber !== undefined && props.container.portNumber !== this.metricsPort) {
      invalid(this, 'container.portNumber', props.container.portNumber, `must be unset or equal to metricsPort (${this.metricsPort}): the adapter owns its one port`);
    }

    // Readiness asks for the metrics themselves; liveness only that the port answers, so a
    // slow scrape marks the exporter unready without restarting it.
    const probes = props.probes ?? {
      readiness: HealthProbe.http(this.metricsPath, { port: this.metricsPort, period: Duration.seconds(10), timeout: Duration.seconds(5) }),
      liveness: HealthProbe.tcp({ port: this.metricsPort, period: Duration.seconds(20) }),
    };
    this.container = attachHelperContainer(this, props, {
      ...props.container,
      portNumber: undefined,
      ports: [{ number: this.metricsPort, name: portName }],
    }, { name: 'adapter', probes, ports: { portField: 'metricsPort', portNameField: 'metricsPortName' } });

    if (props.sharedVolume) {
      this.sharedVolume = shareEmptyDir(this, props.workload, 'sharedVolume', this.container, main, {
        name: `${this.container.name}-shared`,
        helperMountPath: props.sharedVolume.adapterMountPath ?? props.sharedVolume.mainMountPath,
        mainMountPath: props.sharedVolume.mainMountPath,
        helperReadOnly: true,
        mainReadOnly: false,
        sizeLimit: props.sharedVolume.sizeLimit,
      });
    }

    const annotations = {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(this.metricsPort),
      'prometheus.io/path': this.metricsPath,
    };
    if (props.scrapeAnnotations ?? true) {
      const mutations = PodMutations.of(props.workload);
      for (const [k, v] of Object.entries(annotations)) mutations.addAnnotation(this.node.path, k, v);
    }
    if (props.service) {
      if (!(props.service instanceof kplus.Service)) invalid(this, 'service', props.service, 'must be a cdk8s-plus Service');
      const unnamed = props.service.ports.filter(p => !p.name);
      if (unnamed.length > 0) {
        invalid(this, 'service', props.service.node.path, `must name all its ports: a Service with several ports needs a name on each (unnamed: ${unnamed.map(p => p.port).join(', ')})`);
      }
      const taken = props.service.ports.find(p => p.port === this.metricsPort || p.name === portName);
      if (taken) {
        invalid(this, 'service', props.service.node.path, `must not already have port ${this.metricsPort} or a port named ${portName}: it has ${taken.name ?? ''} ${taken.port}`);
      }
      props.service.bind(this.metricsPort, { name: portName, targetPort: this.metricsPort });
      if (props.scrapeAnnotations ?? true) {
        for (const [k, v] of Object.entries(annotations)) {
          const own = props.service.metadata.toJson().annotations?.[k];
          if (own !== undefined && own !== v) invalid(this, `service annotation ${k}`, v, `conflicts with ${JSON.stringify(own)} already on ${props.service.node.path}: one Service scrapes one exporter; set scrapeAnnotations: false on one of them`);
          props.service.metadata.addAnnotation(k, v);
        }
      }
    }
  }
}
