# shellcheck shell=bash
# The real nodes of the e2e cluster: per node containerd + runc (Debian packages) and a kubelet
# (built with the control plane) with a CNI bridge network of its own; shared by the nodes:
# kube-proxy, a loopback image registry and local PersistentVolumes; and, as kubeadm deploys it,
# CoreDNS in pods (the Deployment kube-system/coredns behind the Service kube-dns). Sourced by
# scripts/e2e/cluster.sh, which provides RUN_DIR, LOGS, PIDS, PKI, BIN, CACHE, launch,
# is_running, wait_for, kubectl_, free_ports, write_kubeconfig, stop_components, log, die.
#
# The nodes are processes of this one machine: they share its network namespace, so one
# kube-proxy's iptables rules serve them all, and they share its 2 CPUs (each kubelet reports
# them all; several nodes let the examples' requests run side by side and give topology spread,
# DaemonSets and PDBs more than one node to work with). Each kubelet has its own containerd
# (a kubelet stops every pod sandbox of its runtime that it does not know) and its own cgroup root.
#
# Every address lives on this machine only: node i has the address 10.250.0.<i+1> on an empty
# bridge (the API server listens on node 0's, port 6443), its pods get 10.244.<i>.0/24 on a
# bridge of their own, Services 10.96.0.0/16 through kube-proxy. The cluster DNS is the Service
# kube-system/kube-dns at 10.96.0.10 (the kubelets' clusterDNS) in front of pods labelled
# k8s-app=kube-dns, as on a kubeadm cluster, so a NetworkPolicy that allows DNS to those pods
# works here as there. What the nodes create outside
# RUN_DIR (bridges, iptables chains, network namespaces, cgroups, two sysctls) is recorded and
# removed by node_stop. Facts behind each setting: ../shared/notes/real-pods.md.

NODE_COUNT="${CDK8S_E2E_NODES:-3}"
NODE_IP="10.250.0.1"
NODE_BRIDGE="k8se2e-node"
CLUSTER_CIDR="10.244.0.0/16"
SERVICE_CIDR="10.96.0.0/16"
# The cluster DNS Service's address (kubeadm's: the tenth address of the service range).
CLUSTER_DNS_IP="10.96.0.10"
ZONES=(a b c d e f g h)
node_name() { echo "e2e-node-$1"; }
node_ip() { echo "10.250.0.$(($1 + 1))"; }
# Pre-created local volumes (the StorageClass has no provisioner; claims bind when a pod
# is scheduled, as with the local static provisioner).
NODE_PVS="${CDK8S_E2E_PVS:-24}"
PAUSE_IMAGE="registry.k8s.io/pause:3.10"
# The cluster DNS image (test/e2e/images/recipes/coredns.sh), served by the loopback registry.
COREDNS_IMAGE="registry.k8s.io/coredns/coredns:v1.15.0"

ctr_sock() { echo "$RUN_DIR/containerd-$1/containerd.sock"; }

# node_prereqs: the Debian packages of the runtime (installed when missing; CI machines may be fresh).
node_prereqs() {
  local missing=() p
  for p in containerd:containerd runc:runc ctr:containerd iptables:iptables conntrack:conntrack curl:curl; do
    command -v "${p%%:*}" >/dev/null || missing+=("${p#*:}")
  done
  [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "installing ${missing[*]} (Debian packages)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
      >"$LOGS/apt.log" 2>&1 || die "apt-get install ${missing[*]} failed:\n$(tail -20 "$LOGS/apt.log")"
  fi
}

# node_net_up: the node address (needed before the API server binds to it) and forwarding.
node_net_up() {
  mkdir -p "$RUN_DIR/node"
  ip link add "$NODE_BRIDGE" type bridge 2>/dev/null || die "cannot create bridge $NODE_BRIDGE (exists already? run: bash scripts/e2e/cluster.sh stop)"
  echo "$NODE_BRIDGE" >>"$RUN_DIR/node/links"
  local i
  for ((i = 0; i < NODE_COUNT; i++)); do ip addr add "$(node_ip "$i")/32" dev "$NODE_BRIDGE"; done
  ip link set "$NODE_BRIDGE" up
  # Remember the sysctls to restore them on stop.
  local k
  for k in net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables; do
    echo "$k=$(sysctl -n "$k")" >>"$RUN_DIR/node/sysctls"
    sysctl -qw "$k=1"
  done
  ls /var/run/netns 2>/dev/null | sort >"$RUN_DIR/node/netns-before" || true
}

node_pki() {
  local o="$PKI" i name ip spec subj
  {
    for ((i = 0; i < NODE_COUNT; i++)); do
      name="$(node_name "$i")"
      ip="$(node_ip "$i")"
      printf 'subjectAltName=IP:%s,DNS:%s\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n' "$ip" "$name" >"$o/kubelet-$i.ext"
      openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$o/kubelet-serving-$i.key" -out "$o/kubelet-serving-$i.csr"
      openssl x509 -req -in "$o/kubelet-serving-$i.csr" -CA "$o/ca.crt" -CAkey "$o/ca.key" -CAcreateserial -days 2 -extfile "$o/kubelet-$i.ext" -out "$o/kubelet-serving-$i.crt"
    done
    for spec in "kube-proxy:/CN=system:kube-proxy" "apiserver-kubelet-client:/O=system:masters/CN=kube-apiserver-kubelet-client" \
      $(for ((i = 0; i < NODE_COUNT; i++)); do echo "kubelet-$i:/O=system:nodes/CN=system:node:$(node_name "$i")"; done); do
      name="${spec%%:*}"
      subj="${spec#*:}"
      openssl req -newkey rsa:2048 -nodes -subj "$subj" -keyout "$o/$name.key" -out "$o/$name.csr"
      openssl x509 -req -in "$o/$name.csr" -CA "$o/ca.crt" -CAkey "$o/ca.key" -CAcreateserial -days 2 -extfile "$o/client.ext" -out "$o/$name.crt"
    done
  } >>"$LOGS/openssl.log" 2>&1 || die "openssl (node certificates) failed:\n$(tail -20 "$LOGS/openssl.log")"
  chmod 600 "$o"/*.key
}

# node_containerd I: node I's containerd, with node I's pod network.
node_containerd() {
  local i=$1 d="$RUN_DIR/containerd-$1" bridge="k8se2e-cni$1"
  mkdir -p "$d/root" "$d/state" "$d/cni-conf" "$d/opt" "$RUN_DIR/cni-ipam-$i"
  cp -r "$RUN_DIR/certs.d" "$d/certs.d"
  # The defaults of this containerd, changed where the notes say: oom_score_adj (root here
  # lacks CAP_SYS_RESOURCE), Debian's CNI path, our own pause image, and every path in RUN_DIR.
  containerd config default | sed \
    -e "s#^root = .*#root = \"$d/root\"#" \
    -e "s#^state = .*#state = \"$d/state\"#" \
    -e "/^\[grpc\]/,/^\[/ s#^  address = .*#  address = \"$(ctr_sock "$i")\"#" \
    -e "/^\[ttrpc\]/,/^\[/ s#^  address = .*#  address = \"$d/ttrpc.sock\"#" \
    -e "s#restrict_oom_score_adj = false#restrict_oom_score_adj = true#" \
    -e "s#sandbox_image = .*#sandbox_image = \"$PAUSE_IMAGE\"#" \
    -e "s#bin_dir = \"/opt/cni/bin\"#bin_dir = \"/usr/lib/cni\"#" \
    -e "s#conf_dir = \"/etc/cni/net.d\"#conf_dir = \"$d/cni-conf\"#" \
    -e "s#path = \"/opt/containerd\"#path = \"$d/opt\"#" \
    -e "s#config_path = \"\"#config_path = \"$d/certs.d\"#" \
    >"$d/config.toml"
  grep -q "config_path = \"$d/certs.d\"" "$d/config.toml" || die "could not set the registry config_path in the containerd config"
  grep -q "restrict_oom_score_adj = true" "$d/config.toml" || die "could not set restrict_oom_score_adj in the containerd config"
  cat >"$d/cni-conf/10-k8se2e.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "k8se2e",
  "plugins": [
    {
      "type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$RUN_DIR/cni-ipam-$i",
        "ranges": [[{ "subnet": "10.244.$i.0/24", "gateway": "10.244.$i.1" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
  echo "$bridge" >>"$RUN_DIR/node/links"
  launch "containerd-$i" containerd --config "$d/config.toml" --log-level warn
  wait_for "containerd of node $i" 30 "containerd-$i" ctr --address "$(ctr_sock "$i")" version
}

# node_registry: a registry on loopback (crane's) holding every image the examples use
# (test/e2e/images/build.sh), which containerd uses as the mirror of each image's registry.
# So the manifests run as written: `imagePullPolicy: Always` really pulls, and an image that
# was not built fails as ErrImagePull, as it would on a cluster.
node_registry() {
  local index="$IMAGES_DIR/index.tsv" t0=$SECONDS n=0 ref tar port host hosts=()
  [[ -f "$index" ]] || die "no image index at $index; run: bash test/e2e/images/build.sh"
  read -r port <<<"$(free_ports 1)"
  REGISTRY="127.0.0.1:$port"
  # Blobs persist between runs (content-addressed), manifests are pushed anew each run.
  mkdir -p "$CACHE/registry-blobs"
  launch registry "$BIN/crane" registry serve --address "$REGISTRY" --disk "$CACHE/registry-blobs"
  wait_for "image registry" 30 registry http_ok "http://$REGISTRY/v2/"
  # Four pushes at a time (waiting on their PIDs only: the registry is a job of this shell
  # too); each writes its own log, a failure names its image.
  mkdir -p "$LOGS/registry-push"
  local pushes=() running pid
  while IFS=$'\t' read -r ref tar; do
    [[ -n "$ref" && "$ref" != \#* ]] || continue
    for ((;;)); do
      running=0
      for pid in "${pushes[@]}"; do kill -0 "$pid" 2>/dev/null && running=$((running + 1)); done
      [[ $running -lt 4 ]] && break
      sleep 0.2
    done
    ( "$BIN/crane" push --insecure "$tar" "$REGISTRY/$ref" >"$LOGS/registry-push/${ref//\//_}.log" 2>&1 ||
      echo "$ref ($tar)" >>"$LOGS/registry-push/FAILED" ) &
    pushes+=($!)
    host="${ref%%/*}"
    [[ " ${hosts[*]} " == *" $host "* ]] || hosts+=("$host")
    n=$((n + 1))
  done <"$index"
  for pid in "${pushes[@]}"; do wait "$pid" || true; done
  [[ ! -f "$LOGS/registry-push/FAILED" ]] ||
    die "pushing to the loopback registry failed for: $(cat "$LOGS/registry-push/FAILED") (logs in $LOGS/registry-push/)"
  local img
  for img in "$PAUSE_IMAGE" "$COREDNS_IMAGE"; do
    grep -q "^$img"$'\t' "$index" || die "the image $img is not among the built images (run: bash test/e2e/images/build.sh)"
  done
  # One hosts.toml per upstream registry: the mirror answers under /v2/<host>/...
  local d="$RUN_DIR/certs.d"
  for host in "${hosts[@]}"; do
    mkdir -p "$d/$host"
    printf 'server = "https://%s"\n\n[host."http://%s/v2/%s"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n' \
      "$host" "$REGISTRY" "$host" >"$d/$host/hosts.toml"
  done
  log "registry $REGISTRY holds $n images (${hosts[*]}) after $((SECONDS - t0))s"
}

# node_kubelet I: node I's kubelet, under a cgroup root of its own.
node_kubelet() {
  local i=$1 k="$RUN_DIR/kubelet-$1" kubelet_port healthz_port name ip h
  name="$(node_name "$i")"
  ip="$(node_ip "$i")"
  mkdir -p "$k/root" "$k/pod-logs" "$k/volume-plugins"
  for h in /sys/fs/cgroup/*/; do
    [[ -d "$h" && "$h" != /sys/fs/cgroup/unified/ ]] && mkdir -p "$h/k8se2e-$i"
  done
  read -r kubelet_port healthz_port <<<"$(free_ports 2)"
  : >"$k/resolv.conf"
  cat >"$k/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $ip
port: $kubelet_port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $healthz_port
tlsCertFile: $PKI/kubelet-serving-$i.crt
tlsPrivateKeyFile: $PKI/kubelet-serving-$i.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
# containerd 1.6 does not answer RuntimeConfig, so the driver is set here; the host is cgroup v1.
cgroupDriver: cgroupfs
failCgroupV1: false
cgroupRoot: /k8se2e-$i
containerRuntimeEndpoint: unix://$(ctr_sock "$i")
clusterDomain: cluster.local
clusterDNS: [$CLUSTER_DNS_IP]
resolvConf: $k/resolv.conf
podLogsDir: $k/pod-logs
volumePluginDir: $k/volume-plugins
failSwapOn: false
serializeImagePulls: false
# A shared CI disk: evict only when it is really full, never collect the imported images.
evictionHard: {memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
maxPods: 110
shutdownGracePeriod: 0s
EOF
  write_kubeconfig "$k/kubeconfig" "system:node:$name" "kubelet-$i" "$API_SERVER"
  launch "kubelet-$i" "$BIN/kubelet" --config "$k/config.yaml" --kubeconfig "$k/kubeconfig" \
    --root-dir "$k/root" --hostname-override "$name" --node-ip "$ip" \
    --node-labels "topology.kubernetes.io/region=e2e-region,topology.kubernetes.io/zone=e2e-zone-${ZONES[$((i % 8))]}" --v=1
}

node_kube_proxy() {
  local p="$RUN_DIR/kube-proxy" healthz_port metrics_port
  mkdir -p "$p"
  read -r healthz_port metrics_port <<<"$(free_ports 2)"
  write_kubeconfig "$p/kubeconfig" system:kube-proxy kube-proxy "$API_SERVER"
  cat >"$p/config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $p/kubeconfig}
hostnameOverride: $(node_name 0)
clusterCIDR: $CLUSTER_CIDR
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:$healthz_port
metricsBindAddress: 127.0.0.1:$metrics_port
nodePortAddresses: ["10.250.0.0/24"]
# Leave the host's conntrack table size alone.
conntrack: {maxPerCore: 0, min: 0}
EOF
  echo 1 >"$RUN_DIR/node/kube-proxy-started"
  launch kube-proxy "$BIN/kube-proxy" --config "$p/config.yaml" --v=1
  # Healthy once it has synced the rules; then the API server's Service IP must answer.
  wait_for "kube-proxy healthy" 60 kube-proxy http_ok "http://127.0.0.1:$healthz_port/healthz"
  wait_for "the kubernetes Service (10.96.0.1:443) through kube-proxy" 30 kube-proxy \
    curl -sk -m 2 -o /dev/null -w '%{http_code}' https://10.96.0.1/readyz
}

# The cluster DNS as kubeadm deploys it (cmd/kubeadm/app/phases/addons/dns/manifests.go): the
# ServiceAccount coredns with the ClusterRole system:coredns, the Corefile in the ConfigMap coredns,
# the Deployment coredns (2 replicas, pods labelled k8s-app=kube-dns) and the Service kube-dns at
# $CLUSTER_DNS_IP. Differences from kubeadm's manifests:
#   - the pod also sets runAsNonRoot and the RuntimeDefault seccomp profile (Pod Security
#     "restricted"; kubeadm's relies on the image's user 65532 and the runtime's default profile);
#   - no `forward . /etc/resolv.conf`: pods have no route out of this machine (the CNI bridge does
#     not masquerade) and the kubelets' resolv.conf is empty, so the cluster answers only its own
#     names (cluster.local and the reverse zones of pods and Services); any other name gets SERVFAIL
#     at once (not a time-out), which `errors` reports as one line per 5 minutes, not one per query;
#   - `ttl 5` instead of 30, so that clients that cache follow replaced pods within seconds.
# The image keeps the upstream one's contract: user 65532 and /coredns with the file capability
# cap_net_bind_service, which, with that capability added and every other one dropped, lets it bind
# port 53 under allowPrivilegeEscalation: false.
coredns_manifests() {
  cat <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors {
           consolidate 5m ".* no next plugin found$" warning
        }
        health {
           lameduck 5s
        }
        ready
        kubernetes cluster.local in-addr.arpa ip6.arpa {
           pods insecure
           fallthrough in-addr.arpa ip6.arpa
           ttl 5
        }
        prometheus :9153
        cache 30 {
           disable success cluster.local
           disable denial cluster.local
        }
        loop
        reload
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 2
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      priorityClassName: system-cluster-critical
      serviceAccountName: coredns
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              labelSelector:
                matchExpressions: [{key: k8s-app, operator: In, values: [kube-dns]}]
              topologyKey: kubernetes.io/hostname
      tolerations:
      - {key: CriticalAddonsOnly, operator: Exists}
      - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
      nodeSelector: {kubernetes.io/os: linux}
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: coredns
        image: $COREDNS_IMAGE
        imagePullPolicy: IfNotPresent
        resources:
          limits: {memory: 170Mi}
          requests: {cpu: 100m, memory: 70Mi}
        args: ["-conf", "/etc/coredns/Corefile"]
        volumeMounts:
        - {name: config-volume, mountPath: /etc/coredns, readOnly: true}
        ports:
        - {containerPort: 53, name: dns, protocol: UDP}
        - {containerPort: 53, name: dns-tcp, protocol: TCP}
        - {containerPort: 9153, name: metrics, protocol: TCP}
        - {containerPort: 8080, name: liveness-probe, protocol: TCP}
        - {containerPort: 8181, name: readiness-probe, protocol: TCP}
        livenessProbe:
          httpGet: {path: /health, port: liveness-probe, scheme: HTTP}
          initialDelaySeconds: 60
          timeoutSeconds: 5
          successThreshold: 1
          failureThreshold: 5
        readinessProbe:
          httpGet: {path: /ready, port: readiness-probe, scheme: HTTP}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
          readOnlyRootFilesystem: true
      dnsPolicy: Default
      volumes:
      - name: config-volume
        configMap:
          name: coredns
          items: [{key: Corefile, path: Corefile}]
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/cluster-service: "true", kubernetes.io/name: CoreDNS}
  annotations: {prometheus.io/port: "9153", prometheus.io/scrape: "true"}
spec:
  clusterIP: $CLUSTER_DNS_IP
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
  - {name: metrics, port: 9153, protocol: TCP, targetPort: 9153}
  selector: {k8s-app: kube-dns}
EOF
}

# node_coredns_apply: creates the cluster DNS (after kube-proxy, so that its pods reach the API
# server through 10.96.0.1 from their first try).
node_coredns_apply() {
  COREDNS_T0=$SECONDS
  coredns_manifests | kubectl_ apply -f - >"$LOGS/coredns-apply.log" 2>&1 ||
    die "creating the cluster DNS (CoreDNS) failed:\n$(cat "$LOGS/coredns-apply.log")"
}

# dns_answer SERVER NAME udp|tcp: asks SERVER:53 for NAME's A record; prints the address of the
# (last) answer, fails without one.
dns_answer() {
  python3 - "$@" <<'PY'
import socket, struct, sys
server, name, proto = sys.argv[1:4]
q = struct.pack('>HHHHHH', 1, 0x0100, 1, 0, 0, 0) + b''.join(bytes([len(p)]) + p.encode() for p in name.split('.')) + b'\0' + struct.pack('>HH', 1, 1)
if proto == 'tcp':
    s = socket.create_connection((server, 53), timeout=1); s.sendall(struct.pack('>H', len(q)) + q)
    n = struct.unpack('>H', s.recv(2))[0]; r = b''
    while len(r) < n: r += s.recv(n - len(r))
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1); s.sendto(q, (server, 53)); r = s.recv(512)
if (r[3] & 0xf) != 0 or struct.unpack('>H', r[6:8])[0] == 0: sys.exit(1)
print('.'.join(str(b) for b in r[-4:]))
PY
}

# coredns_report: the state, events and logs of the cluster DNS pods (for a failed start).
coredns_report() {
  kubectl_ -n kube-system get deployment,pods,endpointslices -l k8s-app=kube-dns -o wide 2>&1 || true
  kubectl_ -n kube-system get events --sort-by=.lastTimestamp 2>&1 | grep -i coredns | tail -15 || true
  local p
  for p in $(kubectl_ -n kube-system get pods -l k8s-app=kube-dns -o name 2>/dev/null); do
    echo "----- kubectl -n kube-system logs $p (last 20 lines) -----"
    kubectl_ -n kube-system logs "$p" --tail=20 2>&1 || true
  done
}

# node_coredns_wait: every CoreDNS pod Ready, then the Service answering the API server's name
# over UDP and TCP, asked from this host through kube-proxy as pods ask it; fails with the pods'
# state, events and logs otherwise.
node_coredns_wait() {
  local deadline=$((SECONDS + 120)) ip='' tcp=''
  until kubectl_ -n kube-system rollout status deployment/coredns --timeout=2s >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "the cluster DNS (Deployment kube-system/coredns) is not Ready after 120s:\n$(coredns_report)"
    sleep 0.5
  done
  deadline=$((SECONDS + 30))
  until ip="$(dns_answer "$CLUSTER_DNS_IP" kubernetes.default.svc.cluster.local udp 2>/dev/null)" && [[ "$ip" == 10.96.0.1 ]] &&
    tcp="$(dns_answer "$CLUSTER_DNS_IP" kubernetes.default.svc.cluster.local tcp 2>/dev/null)" && [[ "$tcp" == 10.96.0.1 ]]; do
    ((SECONDS < deadline)) ||
      die "the cluster DNS Service $CLUSTER_DNS_IP does not resolve kubernetes.default.svc.cluster.local to 10.96.0.1 (UDP: '${ip:-no answer}', TCP: '${tcp:-no answer}') 30s after its pods became Ready:\n$(coredns_report)"
    sleep 0.3
  done
  log "cluster DNS ready: kube-system/coredns $(kubectl_ -n kube-system get deployment coredns -o jsonpath='{.status.readyReplicas}') pods Ready, Service kube-dns $CLUSTER_DNS_IP answers over UDP and TCP, $((SECONDS - ${COREDNS_T0:-$SECONDS}))s after the apply"
}

# node_volumes: a default StorageClass without a provisioner and local PVs on this node.
node_volumes() {
  local f="$RUN_DIR/node/volumes.yaml" i dir
  cat >"$f" <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
EOF
  for ((i = 0; i < NODE_PVS; i++)); do
    dir="$RUN_DIR/volumes/pv-$i"
    mkdir -p "$dir"
    cat >>"$f" <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: local-pv-$i, labels: {e2e.cdk8s-patterns.io/local-volume: "true"}}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  volumeMode: Filesystem
  local: {path: $dir}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [$(node_name $((i % NODE_COUNT)))]}]
EOF
  done
  kubectl_ apply -f "$f" >"$LOGS/volumes.log" 2>&1 || die "creating local volumes failed:\n$(cat "$LOGS/volumes.log")"
}

node_start() {
  local i
  node_registry
  for ((i = 0; i < NODE_COUNT; i++)); do node_containerd "$i"; done
  for ((i = 0; i < NODE_COUNT; i++)); do node_kubelet "$i"; done
  for ((i = 0; i < NODE_COUNT; i++)); do
    wait_for "node $(node_name "$i") Ready" 90 "kubelet-$i" kubectl_ wait --for=condition=Ready "node/$(node_name "$i")" --timeout=2s
  done
  node_kube_proxy
  node_coredns_apply
  node_volumes
  node_coredns_wait
  log "$NODE_COUNT nodes Ready (kubelet $(cat "$BIN/.kubelet.version" 2>/dev/null), containerd $(containerd --version | awk '{print $3}'), $(runc --version | head -1))"
}

# node_kill_runtime: every container process (children of the shims of our containerds).
node_kill_runtime() {
  local shims pid
  shims="$(pgrep -f -- "containerd-shim.*-address $RUN_DIR/containerd-[0-9]+/containerd.sock" || true)"
  for pid in $shims; do
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
}

node_stop() {
  [[ -d "$RUN_DIR/node" ]] || return 0
  # Best effort: every step runs even when an earlier one found nothing to remove.
  set +e
  local nodes=() i
  for ((i = 0; i < NODE_COUNT; i++)); do nodes+=("$i"); done
  stop_components kube-proxy "${nodes[@]/#/kubelet-}"
  node_kill_runtime
  stop_components "${nodes[@]/#/containerd-}"
  node_kill_runtime
  stop_components registry
  # kube-proxy's iptables rules, then any KUBE-* chain the kubelet added.
  if [[ -f "$RUN_DIR/node/kube-proxy-started" && -x "$BIN/kube-proxy" ]]; then
    "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  fi
  local table chain
  for table in filter nat mangle; do
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do
      iptables -t "$table" -S 2>/dev/null | grep -E -- "-j $chain( |$)" | sed 's/^-A/-D/' | while read -r rule; do
        # shellcheck disable=SC2086
        iptables -t "$table" $rule 2>/dev/null || true
      done
    done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do iptables -t "$table" -F "$chain" 2>/dev/null || true; done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do iptables -t "$table" -X "$chain" 2>/dev/null || true; done
  done
  # Mounts under the run dir (secrets, emptyDirs, overlay snapshots), deepest first.
  awk -v d="$RUN_DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  # Network namespaces our pods got.
  if [[ -f "$RUN_DIR/node/netns-before" ]]; then
    for ns in $(ls /var/run/netns 2>/dev/null | sort | comm -13 "$RUN_DIR/node/netns-before" -); do
      [[ "$ns" == cni-* ]] || continue
      ip netns delete "$ns" 2>/dev/null || { umount -l "/var/run/netns/$ns" 2>/dev/null; rm -f "/var/run/netns/$ns"; }
    done
  fi
  if [[ -f "$RUN_DIR/node/links" ]]; then
    while read -r l; do ip link delete "$l" 2>/dev/null || true; done <"$RUN_DIR/node/links"
  fi
  # The kubelets' cgroups (cgroupfs driver: a root per node under every v1 hierarchy).
  local h
  for h in /sys/fs/cgroup/*/k8se2e-*; do
    if [[ -d "$h" ]]; then find "$h" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  if [[ -f "$RUN_DIR/node/sysctls" ]]; then
    while IFS='=' read -r k v; do sysctl -qw "$k=$v" 2>/dev/null || true; done <"$RUN_DIR/node/sysctls"
  fi
  rm -rf "$RUN_DIR/node"
  set -e
}
