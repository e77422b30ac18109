import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { invalidInput } from './validation';

/**
 * Options for turning a preset into container resources.
 */
export interface ResourcePresetOptions {
  /**
   * Also set a CPU limit equal to the CPU request.
   *
   * CPU limits throttle a container even when the node is idle, so they are off by default;
   * turn them on where a namespace's LimitRange or a scanner policy demands one.
   * @default false
   */
  readonly cpuLimit?: boolean;
}

/**
 * Named container sizes: CPU and memory requests, with a memory limit equal to the request
 * (memory is not compressible: a container over its request is the first to be evicted).
 *
 * | preset | CPU request | memory request = limit |
 * |---|---|---|
 * | NANO | 25m | 32Mi |
 * | MICRO | 50m | 64Mi |
 * | SMALL | 100m | 128Mi |
 * | MEDIUM | 250m | 256Mi |
 * | LARGE | 500m | 512Mi |
 * | XLARGE | 1000m | 1Gi |
 */
export class ResourcePreset {
  /** 25m CPU, 32Mi memory: a tiny helper such as a config copier. */
  public static readonly NANO = new ResourcePreset('nano', 25, 32);
  /** 50m CPU, 64Mi memory: proxies, exporters, log shippers. */
  public static readonly MICRO = new ResourcePreset('micro', 50, 64);
  /** 100m CPU, 128Mi memory: small services. */
  public static readonly SMALL = new ResourcePreset('small', 100, 128);
  /** 250m CPU, 256Mi memory: the default for application containers. */
  public static readonly MEDIUM = new ResourcePreset('medium', 250, 256);
  /** 500m CPU, 512Mi memory. */
  public static readonly LARGE = new ResourcePreset('large', 500, 512);
  /** 1 CPU, 1Gi memory. */
  public static readonly XLARGE = new ResourcePreset('xlarge', 1000, 1024);

  /**
   * A custom size.
   * @param cpuMillis CPU request in millicores
   * @param memoryMebibytes memory request and limit in MiB
   */
  public static custom(cpuMillis: number, memoryMebibytes: number): ResourcePreset {
    if (!Number.isInteger(cpuMillis) || cpuMillis < 1) {
      invalidInput('ResourcePreset.custom', 'cpuMillis', cpuMillis, 'must be a whole number of at least 1');
    }
    if (!Number.isInteger(memoryMebibytes) || memoryMebibytes < 1) {
      invalidInput('ResourcePreset.custom', 'memoryMebibytes', memoryMebibytes, 'must be a whole number of at least 1');
    }
    return new ResourcePreset('custom', cpuMillis, memoryMebibytes);
  }

  private constructor(
    /** The preset's name, e.g. `small`. */
    public readonly name: string,
    /** CPU request in millicores. */
    public readonly cpuMillis: number,
    /** Memory request and limit in MiB. */
    public readonly memoryMebibytes: number,
  ) {}

  /**
   * The cdk8s-plus resources for a container of this size.
   */
  public toContainerResources(options: ResourcePresetOptions = {}): kplus.ContainerResources {
    const cpu = kplus.Cpu.millis(this.cpuMillis);
    const memory = Size.mebibytes(this.memoryMebibytes);
    return {
      cpu: options.cpuLimit ? { request: cpu, limit: cpu } : { request: cpu },
      memory: { request: memory, limit: memory },
    };
  }
}
