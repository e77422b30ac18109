/**
 * microservices: an API gateway in front of three services, and a monolith being strangled.
 * - api.shop.test: /orders, /users and /catalog, each to its own service (ApiGateway, which
 *   creates the Gateway: class `traefik`, listener port 8000, Traefik's `web` entry point);
 * - www.shop.test: the legacy shop, outside the cluster (ExternalService with its address), of
 *   which /orders has already moved to the new orders service (Strangler, on the same Gateway).
 * - the three services are members of an Istio ambient mesh with strict mTLS (ServiceMesh: a pod
 *   label and a PeerAuthentication each; the e2e installs Istio's CRDs, not Istio, so the pods run
 *   as plain pods there);
 * - zero trust in the namespace (NetworkSegmentation): every pod isolated, the gateway's pods
 *   (namespace traefik) reach the routed services, and the storefront web tier of namespace
 *   shop-web reaches orders, nothing else.
 * The legacy shop's address is the e2e node's (10.250.0.1:18081), where the behavior check runs
 * a stand-in for it; in your cluster it is your data centre's.
 *
 * The next release (`buildNextApp`) publishes each service's resources as their own paths, 17 on
 * api.shop.test: more than one HTTPRoute holds (16 rules), so the ApiGateway writes a second
 * HTTPRoute for the rest, which the Gateway merges with the first.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ApiGateway, ExternalService, HighlyAvailable, MeshDataPlane, NetworkPeer, NetworkSegmentation, ResourcePreset, RestrictedPods, ServiceMesh,
  StandardLabels, Strangler, TrafficRouting,
} from '../../src';

/** A small HTTP service that answers `<name> on <pod>`, behind a ClusterIP Service. */
function microservice(scope: Construct, name: string): { deployment: kplus.Deployment; service: kplus.Service } {
  const deployment = new kplus.Deployment(scope, name, {
    replicas: 2,
    containers: [{
      name,
      image: 'ghcr.io/cdk8s-patterns/storefront:1.0.0',
      args: [`--name=${name}`],
      portNumber: 8080,
      securityContext: { user: 10001, group: 10001 },
      resources: ResourcePreset.MICRO.toContainerResources(),
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
      liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
    }],
  });
  for (const [k, v] of Object.entries(StandardLabels.of({ name, instance: name, component: 'server', partOf: 'shop' }))) {
    deployment.metadata.addLabel(k, v);
    deployment.podMetadata.addLabel(k, v);
  }
  new HighlyAvailable(scope, `${name}-ha`, { workload: deployment });
  return { deployment, service: deployment.exposeViaService({ name, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }) };
}

/** The resources each service serves, as the next release publishes them on api.shop.test. */
const RESOURCES: { readonly [service: string]: string[] } = {
  orders: ['/orders', '/carts', '/checkout', '/payments', '/invoices', '/shipments'],
  users: ['/users', '/accounts', '/sessions', '/addresses', '/wishlists'],
  catalog: ['/catalog', '/products', '/categories', '/search', '/reviews', '/inventory'],
};

/** The shop's services, its API gateway and the strangled monolith. */
export class MicroservicesChart extends Chart {
  /** @param resourcePaths publish every resource path of RESOURCES (the next release), not one path per service */
  constructor(scope: Construct, id: string, resourcePaths = false) {
    super(scope, id);
    const orders = microservice(this, 'orders');
    const users = microservice(this, 'users');
    const catalog = microservice(this, 'catalog');

    const api = new ApiGateway(this, 'api', {
      gatewayClassName: 'traefik',
      listenerPort: 8000,
      hostnames: ['api.shop.test'],
      partOf: 'shop',
      routes: resourcePaths
        ? Object.entries({ orders, users, catalog }).flatMap(([name, s]) => RESOURCES[name].map(pathPrefix => ({ pathPrefix, service: s.service })))
        : [
          { pathPrefix: '/orders', service: orders.service },
          { pathPrefix: '/users', service: users.service },
          { pathPrefix: '/catalog', service: catalog.service },
        ],
    });

    const legacy = new ExternalService(this, 'legacy-shop', { addresses: ['10.250.0.1'], port: 80, targetPort: 18081, partOf: 'shop' });
    const www = new Strangler(this, 'www', {
      legacy: legacy.service,
      strangled: [{ pathPrefix: '/orders', service: orders.service }],
      hostnames: ['www.shop.test'],
      routing: TrafficRouting.gatewayApi({ gatewayName: api.gateway!.name }),
      partOf: 'shop',
    });

    const segmentation = new NetworkSegmentation(this, 'zero-trust', { partOf: 'shop' });
    const gatewayPods = NetworkPeer.podsInNamespace('traefik', { 'app.kubernetes.io/name': 'traefik' });
    segmentation.allowFromGateway(api, [gatewayPods]);
    segmentation.allowFromGateway(www, [gatewayPods]);
    segmentation.allowToService(orders.service, [NetworkPeer.podsInNamespace('shop-web', { 'app.kubernetes.io/name': 'storefront' })]);

    new ServiceMesh(this, 'mesh', {
      dataPlane: MeshDataPlane.ISTIO_AMBIENT,
      workloads: [orders.deployment, users.deployment, catalog.deployment],
      partOf: 'shop',
    });

    RestrictedPods.applyTo(this);
  }
}

/** Adds this example's chart to an app. */
export function buildApp(app: App): void {
  new MicroservicesChart(app, 'microservices');
}

/** The next release: every resource path on api.shop.test (17 routes, two HTTPRoutes). */
export function buildNextApp(app: App): void {
  new MicroservicesChart(app, 'microservices', true);
}

if (require.main === module) {
  const app = new App();
  buildApp(app);
  app.synth();
}
