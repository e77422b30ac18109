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
  /**
   * Serve `/stub_status` on 127.0.0.1 (for nginx-prometheus-exporter): the image's own
   * default.conf has no such location, so a server block from a ConfigMap replaces it.
   * Default: false.
   */
  readonly stubStatus?: boolean;
  /**
   * A server block that replaces the image's default.conf (mounted from a ConfigMap); it must
   * listen on 8080. Default: the image's own, or the stub_status one with `stubStatus`.
   */
  readonly serverConf?: string;
}

/** The image's default server (port 8080, the html directory) plus stub_status for local scrapers. */
const STUB_STATUS_CONF = `server {
    listen 8080;
    server_name localhost;
    location / {
        root /usr/share/nginx/html;
        index index.html;
    }
    location = /stub_status {
        stub_status;
        access_log off;
        allow 127.0.0.1;
        deny all;
    }
}
`;

/**
 * nginx-unprivileged on port 8080, with a writable /tmp (where the image keeps its pid file and
 * temp paths) and HTTP readiness / TCP liveness.
 */
export function nginxContainer(scope: Construct, options: NginxContainerOptions = {}): kplus.ContainerProps {
  const tmp = options.tmpVolume ?? 'nginx-tmp';
  const mounts: kplus.VolumeMount[] = [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(scope, tmp, tmp, { sizeLimit: Size.mebibytes(64) }) }];
  const serverConf = options.serverConf ?? (options.stubStatus ? STUB_STATUS_CONF : undefined);
  if (serverConf) {
    const conf = new kplus.ConfigMap(scope, `${tmp}-conf`, { data: { 'default.conf': serverConf } });
    mounts.push({ path: '/etc/nginx/conf.d', volume: kplus.Volume.fromConfigMap(scope, `${tmp}-conf-volume`, conf, { name: 'nginx-conf' }), readOnly: true });
  }
  return {
    name: options.name ?? 'nginx',
    image: 'nginxinc/nginx-unprivileged:1.27.2-alpine',
    portNumber: 8080,
    securityContext: { user: 10101, group: 10101 },
    resources: ResourcePreset.SMALL.toContainerResources(),
    readiness: kplus.Probe.fromHttpGet(options.readinessPath ?? '/', { port: 8080 }),
    liveness: kplus.Probe.fromTcpSocket({ port: 8080 }),
    volumeMounts: mounts,
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
