/**
 * The off-the-shelf containers several examples share (an unprivileged nginx and a Redis
 * store), written once so that every example runs them the same restricted way.
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ResourcePreset } from '../../src';

/** Options of `nginxContainer`. */
export interface NginxContainerOptions {
  /** The container's name. Default: 'nginx'. */
  readonly name?: string;
  /** The readiness path. Default: '/'. */
  readonly readinessPath?: string;
  /** The construct id and volume name of the writable /tmp. Default: 'nginx-tmp'. */
  readonly tmpVolume?: string;
}

/** nginx-unprivileged on port 8080, with a writable /tmp and HTTP readiness / TCP liveness. */
export function nginxContainer(scope: Construct, options: NginxContainerOptions = {}): kplus.ContainerProps {
  const tmp = options.tmpVolume ?? 'nginx-tmp';
  return {
    name: options.name ?? 'nginx',
    image: 'nginxinc/nginx-unprivileged:1.27.2-alpine',
    portNumber: 8080,
    securityContext: { user: 10101, group: 10101 },
    resources: ResourcePreset.SMALL.toContainerResources(),
    readiness: kplus.Probe.fromHttpGet(options.readinessPath ?? '/', { port: 8080 }),
    liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
    volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(scope, tmp, tmp, { sizeLimit: Size.mebibytes(64) }) }],
  };
}

/** Options of `redisContainer`. */
export interface RedisContainerOptions {
  /** The construct id of the data volume. Default: 'redis-data'. */
  readonly dataVolumeId?: string;
  /** Size limit of the data volume in MiB. Default: 256. */
  readonly dataMebibytes?: number;
}

/** Redis 7 as an in-memory store on port 6379: no persistence, PING readiness, TCP liveness. */
export function redisContainer(scope: Construct, options: RedisContainerOptions = {}): kplus.ContainerProps {
  return {
    name: 'redis',
    image: 'redis:7.4.1-alpine',
    args: ['--save', '', '--appendonly', 'no'],
    portNumber: 6379,
    securityContext: { user: 10999, group: 10999 },
    resources: ResourcePreset.SMALL.toContainerResources(),
    readiness: kplus.Probe.fromCommand(['redis-cli', 'ping']),
    liveness: kplus.Probe.fromTcpSocket({ port: 6379 }),
    volumeMounts: [{
      path: '/data',
      volume: kplus.Volume.fromEmptyDir(scope, options.dataVolumeId ?? 'redis-data', 'data', { sizeLimit: Size.mebibytes(options.dataMebibytes ?? 256) }),
    }],
  };
}
