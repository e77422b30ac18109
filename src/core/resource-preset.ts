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
 * (memory is not compressible: a container over its request is the first to be evicted), and
 * an ephemeral-storage request and limit (the writable layer, logs and emptyDir volumes count
 * against the pod's total, so a runaway log cannot fill the node's disk).
 *
 * | preset | CPU request | memory request = limit | ephemeral storage request / limit |
 * |---|---|---|---|
 * | NANO | 25m | 32Mi | 1Gi / 2Gi |
 * | MICRO | 50m | 64Mi | 1Gi / 2Gi |
 * | SMALL | 100m | 128Mi | 1Gi / 2Gi |
 * | MEDIUM | 250m | 256Mi | 1Gi / 2Gi |
 * | LARGE | 500m | 512Mi | 1Gi / 4Gi |
 * | XLARGE | 1000m | 1Gi | 1Gi / 4Gi |
 *
 * (cdk8s-plus-28 renders ephemeral storage in whole GiB.)
 */
export class ResourcePreset {
  /** 25m CPU, 32Mi memory: a tiny helper such as a config copier. */
  public static readonly NANO = new ResourcePreset('nano', 25, 32, 1, 2);
  /** 50m CPU, 64Mi memory: proxies, exporters, log shippers. */
  public static readonly MICRO = new ResourcePreset('micro', 50, 64, 1, 2);
  /** 100m CPU, 128Mi memory: small services. */
  public static readonly SMALL = new ResourcePreset('small', 100, 128, 1, 2);
  /** 250m CPU, 256Mi memory: the default for application containers. */
  public static readonly MEDIUM = new ResourcePreset('medium', 250, 256, 1, 2);
  /** 500m CPU, 512Mi memory. */
  public static readonly LARGE = new ResourcePreset('large', 500, 512, 1, 4);
  /** 1 CPU, 1Gi memory. */
  public static readonly XLARGE = new ResourcePreset('xlarge', 1000, 1024, 1, 4);

  /**
   * A custom size.
   * @param cpuMillis CPU request in millicores
   * @param memoryMebibytes memory request and limit in MiB
   * @param ephemeralStorageGibibytes ephemeral-storage limit in GiB (the request is 1Gi)
   */
  public static custom(cpuMillis: number, memoryMebibytes: number, ephemeralStorageGibibytes: number = 2): ResourcePreset {
    if (!Number.isInteger(cpuMillis) || cpuMillis < 1) {
      invalidInput('ResourcePreset.custom', 'cpuMillis', cpuMillis, 'must be a whole number of at least 1');
    }
    if (!Number.isInteger(memoryMebibytes) || memoryMebibytes < 1) {
      invalidInput('ResourcePreset.custom', 'memoryMebibytes', memoryMebibytes, 'must be a whole number of at least 1');
    }
    if (!Number.isInteger(ephemeralStorageGibibytes) || ephemeralStorageGibibytes < 1) {
      invalidInput('ResourcePreset.custom', 'ephemeralStorageGibibytes', ephemeralStorageGibibytes, 'must be a whole number of at least 1');
    }
    return new ResourcePreset('custom', cpuMillis, memoryMebibytes, 1, ephemeralStorageGibibytes);
  }

  private constructor(
    /** The preset's name, e.g. `small`. */
    public readonly name: string,
    /** CPU request in millicores. */
    public readonly cpuMillis: number,
    /** Memory request and limit in MiB. */
    public readonly memoryMebibytes: number,
    /** Ephemeral-storage request in GiB. */
    public readonly ephemeralStorageRequestGibibytes: number,
    /** Ephemeral-storage limit in GiB. */
    public readonly ephemeralStorageLimitGibibytes: number,
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
      ephemeralStorage: {
        request: Size.gibibytes(this.ephemeralStorageRequestGibibytes),
        limit: Size.gibibytes(this.ephemeralStorageLimitGibibytes),
      },
    };
  }
}
