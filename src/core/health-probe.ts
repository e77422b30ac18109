import { Duration } from 'cdk8s';
import { invalidInput, isPort, wholeSeconds } from './validation';

/**
 * Timing shared by every kind of probe.
 */
export interface HealthProbeOptions {
  /**
   * Wait this long after the container starts before the first probe. Prefer a startup
   * probe to a long initial delay for slow starters.
   * @default Duration.seconds(0)
   */
  readonly initialDelay?: Duration;

  /**
   * How often to probe.
   * @default Duration.seconds(10)
   */
  readonly period?: Duration;

  /**
   * How long one probe may take.
   * @default Duration.seconds(1)
   */
  readonly timeout?: Duration;

  /**
   * Consecutive failures before the probe counts as failed. For a startup probe the start-up
   * budget is failureThreshold × period.
   * @default 3
   */
  readonly failureThreshold?: number;

  /**
   * Consecutive successes before a failed probe counts as passing again (readiness only;
   * Kubernetes requires 1 for liveness and startup).
   * @default 1
   */
  readonly successThreshold?: number;
}

/**
 * Options of an HTTP GET probe.
 */
export interface HttpHealthProbeOptions extends HealthProbeOptions {
  /**
   * The container port to call.
   */
  readonly port: number;

  /**
   * Call with HTTPS instead of HTTP (the certificate is not verified, as with every HTTPS probe).
   * @default false
   */
  readonly https?: boolean;
}

/**
 * Options of a TCP connect probe.
 */
export interface TcpHealthProbeOptions extends HealthProbeOptions {
  /**
   * The container port to connect to.
   */
  readonly port: number;
}

/**
 * Options of a gRPC health-checking-protocol probe (GA in Kubernetes 1.27).
 */
export interface GrpcHealthProbeOptions extends HealthProbeOptions {
  /**
   * The container port of the gRPC server.
   */
  readonly port: number;

  /**
   * The service name sent in the `HealthCheckRequest`.
   * @default - the server's overall health
   */
  readonly service?: string;
}

/**
 * A liveness, readiness or startup check: HTTP, TCP, exec or gRPC.
 *
 * cdk8s-plus-28 has no gRPC probe; this class covers all four kinds so that every pattern
 * wires probes the same way (see `PodSpecFields.setProbes`).
 */
export class HealthProbe {
  /**
   * An HTTP GET on `path`; any status from 200 to 399 passes.
   */
  public static http(path: string, options: HttpHealthProbeOptions): HealthProbe {
    optionsOf('http', options, true);
    if (typeof path !== 'string' || !path.startsWith('/')) invalidInput('HealthProbe.http', 'path', path, 'must be an absolute HTTP path starting with "/"');
    return new HealthProbe('http', options, {
      httpGet: { path, port: options.port, scheme: options.https ? 'HTTPS' : 'HTTP' },
    });
  }

  /**
   * A TCP connection to `port`.
   */
  public static tcp(options: TcpHealthProbeOptions): HealthProbe {
    optionsOf('tcp', options, true);
    return new HealthProbe('tcp', options, { tcpSocket: { port: options.port } });
  }

  /**
   * A command run in the container; exit code 0 passes.
   */
  public static exec(command: string[], options: HealthProbeOptions = {}): HealthProbe {
    if (!Array.isArray(command) || command.length === 0 || command.some(a => typeof a !== 'string')) {
      invalidInput('HealthProbe.exec', 'command', command, 'must give at least the program to run');
    }
    return new HealthProbe('exec', optionsOf('exec', options ?? {}, false), { exec: { command: [...command] } });
  }

  /**
   * The gRPC health checking protocol on `port`.
   */
  public static grpc(options: GrpcHealthProbeOptions): HealthProbe {
    optionsOf('grpc', options, true);
    if (options.service !== undefined && typeof options.service !== 'string') invalidInput('HealthProbe.grpc', 'service', options.service, 'must be a string');
    return new HealthProbe('grpc', options, {
      grpc: options.service === undefined ? { port: options.port } : { port: options.port, service: options.service },
    });
  }

  /**
   * `http`, `tcp`, `exec` or `grpc`.
   */
  public readonly kind: string;

  /** The port probed, when the probe uses one. */
  public readonly port?: number;

  private readonly options: HealthProbeOptions;
  private readonly handler: { [key: string]: any };

  private constructor(kind: string, options: HealthProbeOptions, handler: { [key: string]: any }) {
    this.kind = kind;
    this.options = options;
    this.handler = handler;
    this.port = (options as { port?: number }).port;
    for (const [field, value] of Object.entries({
      failureThreshold: options.failureThreshold,
      successThreshold: options.successThreshold,
    })) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        invalidInput(`HealthProbe.${kind}`, field, value, 'must be a whole number of at least 1');
      }
    }
    for (const [field, value] of Object.entries({ period: options.period, timeout: options.timeout })) {
      if (value !== undefined && value !== null) wholeSeconds(`HealthProbe.${kind}`, field, value, 1);
    }
    if (options.initialDelay !== undefined && options.initialDelay !== null) wholeSeconds(`HealthProbe.${kind}`, 'initialDelay', options.initialDelay, 0);
    if (this.port !== undefined && (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535)) {
      invalidInput(`HealthProbe.${kind}`, 'port', this.port, 'must be an integer port number from 1 to 65535');
    }
  }

  /**
   * The seconds a startup probe waits for the container at most: failureThreshold × period.
   */
  public get startupBudgetSeconds(): number {
    return (this.options.failureThreshold ?? 3) * (this.options.period ?? Duration.seconds(10)).toSeconds();
  }

  /**
   * The probe as the Kubernetes `Probe` object.
   * @param successThresholdAllowed false for liveness and startup probes, where Kubernetes requires 1
   */
  public toJson(successThresholdAllowed: boolean = true): { [key: string]: any } {
    const o = this.options;
    return {
      ...this.handler,
      initialDelaySeconds: o.initialDelay?.toSeconds() ?? 0,
      periodSeconds: o.period?.toSeconds() ?? 10,
      timeoutSeconds: o.timeout?.toSeconds() ?? 1,
      failureThreshold: o.failureThreshold ?? 3,
      successThreshold: successThresholdAllowed ? o.successThreshold ?? 1 : 1,
    };
  }
}

/** Refuses probe options that are not an object, or lack the port a probe needs. */
function optionsOf<T extends HealthProbeOptions>(kind: string, options: T, needsPort: boolean): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    invalidInput(`HealthProbe.${kind}`, 'options', options, needsPort ? 'must be an object with at least port' : 'must be an object');
  }
  if (needsPort && !isPort((options as { port?: number }).port)) {
    invalidInput(`HealthProbe.${kind}`, 'port', (options as { port?: number }).port, 'must be an integer port number from 1 to 65535');
  }
  return options;
}

/**
 * The probes of one container.
 */
export interface ContainerProbes {
  /**
   * Restart the container when this fails.
   * @default - no liveness probe
   */
  readonly liveness?: HealthProbe;

  /**
   * Take the pod out of Service endpoints while this fails.
   * @default - no readiness probe
   */
  readonly readiness?: HealthProbe;

  /**
   * Hold liveness and readiness off until this passes once (for slow starters).
   * @default - no startup probe
   */
  readonly startup?: HealthProbe;
}
