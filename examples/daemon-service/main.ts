/**
 * daemon-service: a node-local memcached cache. One cache pod runs on every Linux node (and on
 * control-plane nodes too); applications reach the cache on their own node through a Service
 * with internalTrafficPolicy Local, the Pod Security "restricted" alternative to a host port.
 * Updates surge a new cache pod next to the old one, so no node is ever without its cache.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DaemonService, DaemonUpdateStrategy, NetworkPeer, NetworkSegmentation } from '../../src';

/** A cache on every node. */
export class DaemonServiceChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const cache = new DaemonService(this, 'node-cache', {
      containers: [{
        name: 'memcached',
        image: 'memcached:1.6.31-alpine',
        // 64 MiB of cache in a container limited to 128 MiB (the SMALL preset), no UDP.
        args: ['--memory-limit=64', '--port=11211', '--udp-port=0'],
        ports: [{ number: 11211, name: 'memcache' }],
        // Readiness asks memcached for its version; liveness only that the port answers.
        readiness: kplus.Probe.fromCommand(['sh', '-c', 'echo version | nc -w 1 127.0.0.1 11211 | grep -q VERSION']),
        liveness: kplus.Probe.fromTcpSocket({ port: 11211 }),
      }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [kplus.NodeTaintQuery.exists('node-role.kubernetes.io/control-plane', { effect: kplus.TaintEffect.NO_SCHEDULE })],
      updateStrategy: DaemonUpdateStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1) }),
      nodeLocalService: true,
    });
    // Zero trust in the namespace: every pod isolated, DNS allowed, and every pod of the cluster may use the
    // node's cache.
    new NetworkSegmentation(this, 'segmentation').allowToService(cache.service!, [NetworkPeer.allNamespaces()]);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new DaemonServiceChart(app, 'daemon-service');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
