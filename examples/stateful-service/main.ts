/**
 * stateful-service: a three-member etcd cluster. Each member is named after its pod and finds
 * its peers by their stable DNS names, `<statefulset>-<ordinal>.<headless service>`
 * (StatefulService.podDnsNames), published before the members are ready so that they can form
 * a quorum; they start in parallel for the same reason. Clients use the client Service. With
 * three replicas the pods get a PodDisruptionBudget and are spread over nodes and zones.
 *
 * Each member keeps its data on a claim of its own (`volumeClaimTemplates`, the cluster's
 * default StorageClass): a replaced pod gets its member's data back and rejoins, which an
 * emptyDir with `ETCD_INITIAL_CLUSTER_STATE=new` could not do.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkPeer, NetworkSegmentation, StatefulService } from '../../src';

const MEMBERS = 3;

/** An etcd cluster with stable member identities. */
export class StatefulServiceChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const etcd = new StatefulService(this, 'etcd', {
      replicas: MEMBERS,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      publishNotReadyAddresses: true,
      clientService: true,
      volumeClaimTemplates: [{ name: 'data', mountPath: '/var/run/etcd', storage: Size.gibibytes(1) }],
      containers: [{
        name: 'etcd',
        image: 'quay.io/coreos/etcd:v3.6.8',
        ports: [{ number: 2379, name: 'client' }, { number: 2380, name: 'peer' }],
        envVariables: {
          POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
          ETCD_NAME: kplus.EnvValue.fromValue('$(POD_NAME)'),
          ETCD_DATA_DIR: kplus.EnvValue.fromValue('/var/run/etcd/default.etcd'),
          ETCD_LISTEN_CLIENT_URLS: kplus.EnvValue.fromValue('http://0.0.0.0:2379'),
          ETCD_LISTEN_PEER_URLS: kplus.EnvValue.fromValue('http://0.0.0.0:2380'),
          ETCD_INITIAL_CLUSTER_STATE: kplus.EnvValue.fromValue('new'),
        },
        // /health fails without a quorum: a member is ready when the cluster is.
        readiness: kplus.Probe.fromHttpGet('/health', { port: 2379 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 2379, initialDelaySeconds: Duration.seconds(10) }),
      }],
    });

    // The peer URLs are only known once the StatefulSet and its headless Service are named.
    const members = etcd.podDnsNames();
    const env = etcd.statefulSet.containers[0].env;
    const headless = etcd.headlessService.name;
    env.addVariable('ETCD_INITIAL_CLUSTER', kplus.EnvValue.fromValue(
      members.map((dns, i) => `${etcd.statefulSet.name}-${i}=http://${dns}:2380`).join(',')));
    env.addVariable('ETCD_INITIAL_CLUSTER_TOKEN', kplus.EnvValue.fromValue(etcd.statefulSet.name));
    env.addVariable('ETCD_INITIAL_ADVERTISE_PEER_URLS', kplus.EnvValue.fromValue(`http://$(POD_NAME).${headless}:2380`));
    env.addVariable('ETCD_ADVERTISE_CLIENT_URLS', kplus.EnvValue.fromValue(`http://$(POD_NAME).${headless}:2379`));

    // Zero trust in the namespace: every pod isolated, DNS allowed, and the members reach each other (peer
    // and client ports, through the headless Service's pods).
    new NetworkSegmentation(this, 'segmentation').allowToService(etcd.headlessService, [NetworkPeer.workload(etcd.statefulSet)]);
  }
}

/** Adds this example's charts to an app. */
export function buildApp(app: App): void {
  new StatefulServiceChart(app, 'stateful-service');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
