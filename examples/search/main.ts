/**
 * search: a scatter/gather search service (ScatterGather). Three leaves each hold one partition of
 * a small document corpus (document d on leaf d mod 3: each leaf reads its ordinal from
 * LEAF_INDEX, the StatefulSet's pod-index label, and the count from LEAF_COUNT); the root, the
 * entry point behind a ClusterIP Service, sends every query to all three at once, by their stable
 * names `<statefulset>-<i>.<headless service>` (LEAF_ADDRESSES, written by the pattern), waits at
 * most 1.5 s for each and merges the hits by score. Its answer says which leaves answered; one
 * that did not makes it `partial`.
 *
 * Zero trust in the namespace (NetworkSegmentation): every pod isolated, DNS allowed, the root
 * reaches the leaves (derived from the pattern's wiring, `allowFlowsOf`), and the search frontend
 * of namespace search-web (pods labelled app.kubernetes.io/name=search-frontend) reaches the root;
 * nothing else.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkPeer, NetworkSegmentation, ResourcePreset, ScatterGather } from '../../src';

/** The demo images' HTTP server: port 8080, `/ready` and `/healthz`, user 10001. */
function demoServer(image: string): kplus.ContainerProps {
  return {
    image,
    portNumber: 8080,
    securityContext: { user: 10001, group: 10001 },
    resources: ResourcePreset.MICRO.toContainerResources(),
    readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
    liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
  };
}

/** A search root in front of three partitioned leaves, segmented. */
export class SearchChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const engine = new ScatterGather(this, 'engine', {
      appName: 'search',
      root: demoServer('ghcr.io/cdk8s-patterns/search-root:1.0.0'),
      leaf: demoServer('ghcr.io/cdk8s-patterns/search-leaf:1.0.0'),
      leaves: 3,
      rootReplicas: 2,
      servicePort: 80,
      leafTimeout: Duration.millis(1500),
    });

    const segmentation = new NetworkSegmentation(this, 'zero-trust', { partOf: 'search' });
    segmentation.allowFlowsOf(engine);
    segmentation.allowToService(engine.rootService, [NetworkPeer.podsInNamespace('search-web', { 'app.kubernetes.io/name': 'search-frontend' })]);
  }
}

/** Adds this example's chart to an app. */
export function buildApp(app: App): void {
  new SearchChart(app, 'search');
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
