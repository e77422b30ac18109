"""The bindings test's app (npm run test:bindings, scripts/test-bindings.sh): app.ts beside it,
written in Python against the cdk8s-patterns package that jsii-pacmak builds. Writes its charts
into the directory given as the first argument; the test compares them with app.ts's byte for byte.
"""
import sys

import cdk8s_plus_28 as kplus
from cdk8s import App, Chart
from cdk8s_patterns import (
    Adapter, Ambassador, AmbassadorProxy, HighlyAvailable, LeaderElected, NetworkPeer, NetworkSegmentation,
    ResourcePreset, RestrictedPods, WorkQueue,
)

app = App(outdir=sys.argv[1] if len(sys.argv) > 1 else "dist")

# The README quickstart: a web shop that reaches its Redis through an ambassador and exports
# nginx metrics through an adapter.
chart = Chart(app, "shop")
redis = kplus.Deployment(chart, "redis",
    replicas=1,
    containers=[kplus.ContainerProps(
        name="redis",
        image="redis:7.4.1-alpine",
        args=["--save", "", "--appendonly", "no"],
        port_number=6379,
        security_context=kplus.ContainerSecurityContextProps(user=10999, group=10999),
        resources=ResourcePreset.SMALL.to_container_resources(),
        readiness=kplus.Probe.from_command(["redis-cli", "ping"]),
        liveness=kplus.Probe.from_tcp_socket(port=6379),
        volume_mounts=[kplus.VolumeMount(path="/data", volume=kplus.Volume.from_empty_dir(chart, "redis-data", "data"))],
    )],
)
cache = redis.expose_via_service(name="cache", ports=[kplus.ServicePort(port=6379, target_port=6379, name="redis")])
conf = kplus.ConfigMap(chart, "nginx-conf",
    data={
        "default.conf": "\n".join([
            "server {",
            "  listen 8080;",
            "  location / { root /usr/share/nginx/html; }",
            "  location = /stub_status { stub_status; allow 127.0.0.1; deny all; }",
            "}",
        ]),
    },
)
shop = kplus.Deployment(chart, "shop",
    replicas=2,
    containers=[kplus.ContainerProps(
        name="shop",
        image="nginxinc/nginx-unprivileged:1.27.2-alpine",
        port_number=8080,
        security_context=kplus.ContainerSecurityContextProps(user=10101, group=10101),
        resources=ResourcePreset.SMALL.to_container_resources(),
        readiness=kplus.Probe.from_http_get("/", port=8080),
        liveness=kplus.Probe.from_tcp_socket(port=8080),
        volume_mounts=[
            kplus.VolumeMount(path="/tmp", volume=kplus.Volume.from_empty_dir(chart, "tmp", "tmp")),
            kplus.VolumeMount(path="/etc/nginx/conf.d", volume=kplus.Volume.from_config_map(chart, "conf", conf), read_only=True),
        ],
    )],
)
service = shop.expose_via_service(ports=[kplus.ServicePort(port=80, target_port=8080, name="http")])
ambassador = Ambassador(chart, "cache-ambassador",
    workload=shop,
    proxy=AmbassadorProxy.twemproxy_redis(image="ghcr.io/cdk8s-patterns/twemproxy:0.5.0", servers=[f"{cache.name}:6379"]),
    env_var="REDIS_URL",
    url_scheme="redis",
)
adapter = Adapter(chart, "metrics",
    workload=shop,
    container=kplus.ContainerProps(image="nginx/nginx-prometheus-exporter:1.3.0", args=["--nginx.scrape-uri=http://localhost:8080/stub_status"]),
    metrics_port=9113,
    service=service,
)
HighlyAvailable(chart, "shop-ha", workload=shop)
segmentation = NetworkSegmentation(chart, "segmentation", metrics_scrapers=[NetworkPeer.namespace_named("monitoring")])
segmentation.allow_flows_of(ambassador)
segmentation.allow_flows_of(adapter)
RestrictedPods.apply_to(chart)

# Jobs: thumbnails from a Redis work queue filled by a producer, and a controller of which one
# replica leads through a Lease.
jobs = Chart(app, "jobs")
thumbnails = WorkQueue(jobs, "thumbnails",
    worker=kplus.ContainerProps(image="ghcr.io/cdk8s-patterns/thumbnailer:2.0.0", args=["--drain"]),
    producer=kplus.ContainerProps(image="ghcr.io/cdk8s-patterns/thumbnail-producer:2.0.0", args=["--bucket=uploads"]),
    parallelism=4,
    queue_name="thumbnails",
)
reconciler = LeaderElected(jobs, "reconciler",
    lease_name="reconciler-leader",
    containers=[kplus.ContainerProps(
        name="reconciler",
        image="ghcr.io/cdk8s-patterns/reconciler:0.9.2",
        args=["--leader-elect", "--leader-elect-lease=$(LEASE_NAME)"],
        port_number=8081,
        readiness=kplus.Probe.from_http_get("/readyz", port=8081),
    )],
)
jobs_segmentation = NetworkSegmentation(jobs, "segmentation")
jobs_segmentation.allow_flows_of(thumbnails)
jobs_segmentation.allow_flows_of(reconciler)

app.synth()
