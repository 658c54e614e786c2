#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, for the cluster tier and for trying the chart:
# kube-apiserver, controller-manager, scheduler, kubelet and kube-proxy built from the Go module
# proxy (scripts/tools/install.sh kubernetes), Debian's etcd, containerd, runc and CNI plugins,
# and CoreDNS on the host behind the kube-dns Service.
#
#   scripts/cluster/node.sh up        start everything (idempotent); prints the kubeconfig path
#   scripts/cluster/node.sh down      stop everything and remove every trace but the caches
#   scripts/cluster/node.sh status    what is running
#   source <(scripts/cluster/node.sh env)   KUBECONFIG and PATH for kubectl/helm
#
# The node's address is 10.250.0.1 on an interface of our own (glimpse0, a bridge with no ports): the API server,
# the kubelet, NodePorts and CoreDNS answer there, so nothing listens on the machine's network.
# Pods get 10.244.0.0/24 on the bridge cni0; Services 10.96.0.0/16.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/tools/env.sh"
source "$ROOT/scripts/cluster/common.sh"

NODE_IP=10.250.0.1
NODE_NAME=glimpse-node
POD_CIDR=10.244.0.0/24
CLUSTER_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
PKI="$CLUSTER_STATE/pki"
PV_COUNT=${GLIMPSE_CLUSTER_PVS:-24}
# containerd's images and layers outlive the node (`down` keeps them), so a second run does not
# import the images again; everything else of the node goes with `down`.
CONTAINERD_ROOT="${GLIMPSE_CONTAINERD_ROOT:-$GLIMPSE_TOOLS_DIR/containerd}"

log() { printf '[node %3ss] %s\n' "$(( SECONDS ))" "$*" >&2; }
die() { printf '[node] ERROR: %s\n' "$*" >&2; exit 1; }

need_binaries() {
  local b missing=()
  for b in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl coredns; do
    [ -x "$GLIMPSE_TOOLS_DIR/bin/$b" ] || missing+=("$b")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "building ${missing[*]} (cached in $GLIMPSE_TOOLS_DIR; the first build takes tens of minutes)"
    bash "$ROOT/scripts/tools/install.sh" kubernetes kubectl coredns
  fi
  for b in etcd containerd runc ctr conntrack iptables jq openssl; do
    command -v "$b" >/dev/null || die "$b is missing: run scripts/cluster/prereqs.sh"
  done
}

# --- network: the node address and the kernel settings Pods and Services need ---------------
network_up() {
  ip link show glimpse0 >/dev/null 2>&1 || ip link add glimpse0 type bridge   # a bridge with no ports: this kernel has no dummy devices
  ip addr show dev glimpse0 | grep -q "$NODE_IP/32" || ip addr add "$NODE_IP/32" dev glimpse0
  ip link set glimpse0 up
  sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 \
    net.ipv4.conf.all.route_localnet=1 >/dev/null
  # Docker sets FORWARD's policy to DROP; Pod traffic is accepted by the CNI firewall plugin,
  # and these two rules let replies and Pod-to-node traffic through as well.
  iptables -C FORWARD -s "$CLUSTER_CIDR" -j ACCEPT 2>/dev/null || iptables -I FORWARD -s "$CLUSTER_CIDR" -j ACCEPT
  iptables -C FORWARD -d "$CLUSTER_CIDR" -j ACCEPT 2>/dev/null || iptables -I FORWARD -d "$CLUSTER_CIDR" -j ACCEPT
}

# --- PKI: one CA; the components use certificates it signs -----------------------------------
cert() { # name CN O [SANs]
  local name=$1 cn=$2 org=$3 sans=${4:-}
  [ -f "$PKI/$name.crt" ] && return 0
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  local subj="/CN=$cn"; [ -n "$org" ] && subj="/O=$org/CN=$cn"
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  local ext="$PKI/$name.ext"
  { echo "basicConstraints=CA:FALSE"; echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"; [ -n "$sans" ] && echo "subjectAltName=$sans"; } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 30 -sha256 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
}

kubeconfig() { # file user
  local file=$1 user=$2
  [ -f "$file" ] && return 0
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: glimpse
  cluster: {server: "https://$NODE_IP:6443", certificate-authority: "$PKI/ca.crt"}
users:
- name: $user
  user: {client-certificate: "$PKI/$user.crt", client-key: "$PKI/$user.key"}
contexts:
- name: glimpse
  context: {cluster: glimpse, user: $user}
current-context: glimpse
EOF
}

pki_up() {
  mkdir -p "$PKI"
  if [ ! -f "$PKI/ca.crt" ]; then
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=glimpse-cluster-ca" -days 30 -out "$PKI/ca.crt" 2>/dev/null
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  cert apiserver kube-apiserver "" \
    "IP:$NODE_IP,IP:$API_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  cert admin glimpse-admin system:masters
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert controller-manager system:kube-controller-manager ""
  cert scheduler system:kube-scheduler ""
  cert kubelet "system:node:$NODE_NAME" system:nodes "IP:$NODE_IP,DNS:$NODE_NAME"
  cert kube-proxy system:kube-proxy ""
  cert coredns glimpse-coredns ""
  local u; for u in admin controller-manager scheduler kubelet kube-proxy coredns; do
    kubeconfig "$CLUSTER_STATE/$u.kubeconfig" "$u"; done
}

# Config files are rewritten only when their content changes: kube-proxy exits when its file
# changes under it, and a second `up` must not disturb what the first one started.
write_file() { # path (content on stdin)
  local tmp; tmp=$(mktemp)
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

# --- processes -------------------------------------------------------------------------------
start_bg() { # name command...
  local name=$1; shift
  if is_running "$name"; then return 0; fi
  nohup "$@" >>"$CLUSTER_LOGS/$name.log" 2>&1 &
  echo $! >"$CLUSTER_RUN/$name.pid"
}

wait_for() { # what seconds command...
  local what=$1 secs=$2; shift 2
  local end=$(( SECONDS + secs ))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "$what did not come up in ${secs}s (logs: $CLUSTER_LOGS)"
    sleep 1
  done
}

etcd_up() {
  start_bg etcd etcd --name glimpse --data-dir "$CLUSTER_STATE/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster glimpse=http://127.0.0.1:2380 --quota-backend-bytes 2147483648
  wait_for etcd 60 curl -fsS http://127.0.0.1:2379/health
}

apiserver_up() {
  start_bg kube-apiserver "$GLIMPSE_TOOLS_DIR/bin/kube-apiserver" \
    --etcd-servers=http://127.0.0.1:2379 \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=6443 \
    --service-cluster-ip-range="$SERVICE_CIDR" --service-node-port-range=30000-32767 \
    --client-ca-file="$PKI/ca.crt" --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --kubelet-preferred-address-types=InternalIP,Hostname \
    --allow-privileged=true --profiling=false --event-ttl=1h
  wait_for kube-apiserver 180 kubectl --kubeconfig "$CLUSTER_STATE/admin.kubeconfig" get --raw /readyz
}

controllers_up() {
  start_bg kube-controller-manager "$GLIMPSE_TOOLS_DIR/bin/kube-controller-manager" \
    --kubeconfig="$CLUSTER_STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$CLUSTER_STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$CLUSTER_STATE/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
    --use-service-account-credentials=true \
    --allocate-node-cidrs=true --cluster-cidr="$CLUSTER_CIDR" --node-cidr-mask-size=24 \
    --service-cluster-ip-range="$SERVICE_CIDR" --controllers='*,-cloud-node-lifecycle'
  start_bg kube-scheduler "$GLIMPSE_TOOLS_DIR/bin/kube-scheduler" \
    --kubeconfig="$CLUSTER_STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig="$CLUSTER_STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig="$CLUSTER_STATE/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false
}

containerd_up() {
  mkdir -p "$CLUSTER_STATE/containerd" "$CLUSTER_STATE/cni/net.d" "$CLUSTER_STATE/bin"
  # root here lacks CAP_SYS_RESOURCE, so runc cannot apply the kubelet's negative
  # oomScoreAdj ("can't get final child's PID"); the wrapper clamps negative values to 0.
  write_file "$CLUSTER_STATE/bin/runc" <<'EOF'
#!/bin/sh
bundle=""; prev=""
for a in "$@"; do
  [ "$prev" = "--bundle" ] || [ "$prev" = "-b" ] && bundle="$a"
  case "$a" in --bundle=*) bundle="${a#--bundle=}" ;; esac
  prev="$a"
done
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
  sed -i -E 's/"oomScoreAdj":-[0-9]+/"oomScoreAdj":0/' "$bundle/config.json"
fi
exec /usr/sbin/runc "$@"
EOF
  chmod +x "$CLUSTER_STATE/bin/runc"
  write_file "$CLUSTER_STATE/containerd/config.toml" <<EOF
version = 2
root = "$CONTAINERD_ROOT"
state = "$CLUSTER_RUN/containerd-state"
[grpc]
  address = "$CONTAINERD_ADDRESS"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/glimpse-base/pause:3.10"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$CLUSTER_STATE/bin/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CLUSTER_STATE/cni/net.d"
EOF
  write_file "$CLUSTER_STATE/cni/net.d/10-glimpse.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "glimpse",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]],
              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$CLUSTER_STATE/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "firewall"}
  ]
}
EOF
  # the CRI plugin answers "server is not initialized yet" until it has recovered its state
  # (0.8 s with a warm image store here), after containerd itself answers: the kubelet exits on
  # that answer, so wait for the plugin's last start-up line, counted from this start on.
  local starts; starts=$(grep -c 'Start streaming server' "$CLUSTER_LOGS/containerd.log" 2>/dev/null || true)
  start_bg containerd containerd --config "$CLUSTER_STATE/containerd/config.toml"
  wait_for containerd 60 ctr --address "$CONTAINERD_ADDRESS" version
  wait_for "containerd's CRI plugin" 60 cri_started "${starts:-0}"
}

cri_started() { # starts-before
  [ "$(grep -c 'Start streaming server' "$CLUSTER_LOGS/containerd.log" 2>/dev/null || true)" -gt "$1" ]
}

kubelet_up() {
  mkdir -p "$CLUSTER_STATE/kubelet"
  write_file "$CLUSTER_STATE/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CONTAINERD_ADDRESS
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$PKI/kubelet.crt"
tlsPrivateKeyFile: "$PKI/kubelet.key"
failSwapOn: false
serializeImagePulls: false
maxPods: 110
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
evictionHard: {memory.available: "200Mi", nodefs.available: "2%", imagefs.available: "2%"}
EOF
  start_bg kubelet "$GLIMPSE_TOOLS_DIR/bin/kubelet" \
    --config="$CLUSTER_STATE/kubelet/config.yaml" --kubeconfig="$CLUSTER_STATE/kubelet.kubeconfig" \
    --root-dir="$CLUSTER_STATE/kubelet/root" --node-ip="$NODE_IP" --hostname-override="$NODE_NAME"
}

proxy_up() {
  write_file "$CLUSTER_STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$CLUSTER_STATE/kube-proxy.kubeconfig"}
mode: iptables
clusterCIDR: $CLUSTER_CIDR
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
nodePortAddresses: ["$NODE_IP/32"]
conntrack: {maxPerCore: 0}
EOF
  start_bg kube-proxy "$GLIMPSE_TOOLS_DIR/bin/kube-proxy" --config="$CLUSTER_STATE/kube-proxy.yaml"
}

# CoreDNS runs on the node (no image needed), answering on the node address behind the kube-dns
# Service, with the kubernetes plugin reading the API as its own user.
dns_up() {
  write_file "$CLUSTER_STATE/Corefile" <<EOF
.:53 {
    bind $NODE_IP
    errors
    health 127.0.0.1:18180
    ready 127.0.0.1:18181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $CLUSTER_STATE/coredns.kubeconfig glimpse
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    forward . /etc/resolv.conf
    cache 30
    loop
}
EOF
  k apply -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: glimpse-coredns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:coredns}
subjects: [{kind: User, name: glimpse-coredns}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:coredns}
rules:
- {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $DNS_SERVICE_IP
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-node
  namespace: kube-system
  labels: {kubernetes.io/service-name: kube-dns, endpointslice.kubernetes.io/managed-by: glimpse-node}
addressType: IPv4
endpoints: [{addresses: ["$NODE_IP"], conditions: {ready: true}}]
ports:
- {name: dns, port: 53, protocol: UDP}
- {name: dns-tcp, port: 53, protocol: TCP}
EOF
  start_bg coredns "$GLIMPSE_TOOLS_DIR/bin/coredns" -conf "$CLUSTER_STATE/Corefile"
  wait_for coredns 60 curl -fsS http://127.0.0.1:18181/ready
}

# No provisioner here: a default StorageClass and hostPath PersistentVolumes made ahead.
storage_up() {
  local i manifests=""
  for i in $(seq 1 "$PV_COUNT"); do
    mkdir -p "$CLUSTER_STATE/volumes/pv$i"
    chmod 0777 "$CLUSTER_STATE/volumes/pv$i"   # hostPath ignores fsGroup; the pods are non-root
    manifests+="---
apiVersion: v1
kind: PersistentVolume
metadata: {name: glimpse-pv$i, labels: {glimpse.dev/node-volume: \"true\"}}
spec:
  capacity: {storage: 50Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-hostpath
  hostPath: {path: \"$CLUSTER_STATE/volumes/pv$i\", type: DirectoryOrCreate}
"
  done
  { cat <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-hostpath
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
reclaimPolicy: Retain
volumeBindingMode: Immediate
EOF
    printf '%s' "$manifests"; } | k apply -f - >/dev/null
}

# A PV whose claim was deleted is Released; wipe it and make it Available again.
recycle_volumes() {
  local pv dir
  for pv in $(k get pv -l glimpse.dev/node-volume=true -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\n"}{end}'); do
    dir=$(k get pv "$pv" -o jsonpath='{.spec.hostPath.path}')
    case "$dir" in "$CLUSTER_STATE"/volumes/*) find "$dir" -mindepth 1 -delete ;; esac
    k patch pv "$pv" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null
  done
}

node_ready() {
  [ "$(k get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

# What a failed start leaves for whoever reads CI's output: the logs stay on the machine, so the
# lines that say why go to stderr.
node_diagnostics() {
  # a subshell without -e: a grep that finds nothing must not end the script (pipefail)
  (
    set +e
    local name
    echo "--- why the node is not Ready"
    for name in containerd kubelet kube-proxy; do if is_running "$name"; then echo "$name: running"; else echo "$name: NOT running"; fi; done
    k get node "$NODE_NAME" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}' 2>&1 || true
    echo "--- kubelet.log (errors, last 40)"; grep -E '^[EF][0-9]{4}' "$CLUSTER_LOGS/kubelet.log" 2>/dev/null | tail -40 | cut -c1-400
    echo "--- kubelet.log (last 15)"; tail -15 "$CLUSTER_LOGS/kubelet.log" 2>/dev/null | cut -c1-400
    echo "--- containerd plugins not ok"; ctr --address "$CONTAINERD_ADDRESS" plugins ls 2>&1 | awk 'NR == 1 || $NF != "ok"' | head -20
    echo "--- containerd.log (errors, last 15)"; grep -E 'level=(error|fatal)' "$CLUSTER_LOGS/containerd.log" 2>/dev/null | tail -15 | cut -c1-400
    echo "--- disk and memory"; df -h "$CLUSTER_STATE" "$CONTAINERD_ROOT" 2>&1 | uniq; free -m
  ) >&2
  return 0
}

# The kubelet registers and turns Ready in seconds here. If it has not after 90 s, or the kubelet
# exited, print why, then start containerd and the kubelet once more from nothing: fresh kubelet
# state and a fresh containerd root (a root a killed run left behind can keep the CRI plugin from
# loading; the images are imported again by `images.sh --import`, which checks what is there).
node_ready_or_retry() {
  local t0=$SECONDS restarts=0
  until node_ready || [ $SECONDS -ge $(( t0 + 90 )) ]; do
    if ! is_running kubelet; then
      # an exit at start-up (the runtime not answering yet) is worth a plain second try
      [ $restarts -lt 3 ] || break
      restarts=$(( restarts + 1 ))
      log "the kubelet exited: $(grep -E '^[EF][0-9]{4}' "$CLUSTER_LOGS/kubelet.log" 2>/dev/null | tail -1 | cut -c1-300 || true); starting it again ($restarts of 3)"
      sleep 2; kubelet_up
    fi
    sleep 1
  done
  node_ready && return 0
  log "node $NODE_NAME not Ready after $(( SECONDS - t0 ))s; starting containerd and the kubelet once more from a clean state"
  node_diagnostics
  stop_pid kubelet; stop_pid containerd
  pkill -KILL -f "containerd-shim.*$CONTAINERD_ADDRESS" 2>/dev/null || true
  awk -v r="$CLUSTER_STATE/kubelet/root" -v c="$CONTAINERD_ROOT" -v s="$CLUSTER_RUN/containerd-state" \
    '$2 ~ "^"r || $2 ~ "^"c || $2 ~ "^"s {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$CLUSTER_STATE/kubelet/root" "$CLUSTER_RUN/containerd-state" "$CONTAINERD_ROOT"
  local f; for f in kubelet containerd; do [ -e "$CLUSTER_LOGS/$f.log" ] && mv -f "$CLUSTER_LOGS/$f.log" "$CLUSTER_LOGS/$f.log.first"; done
  containerd_up; kubelet_up
  end=$(( SECONDS + 150 ))
  until node_ready; do
    if [ $SECONDS -ge $end ]; then node_diagnostics; die "node $NODE_NAME did not become Ready after a clean restart either (logs: $CLUSTER_LOGS)"; fi
    sleep 1
  done
  log "node Ready after the clean restart"
}

up() {
  local t0=$SECONDS
  need_binaries
  mkdir -p "$CLUSTER_STATE" "$CLUSTER_RUN" "$CLUSTER_LOGS"
  # a fresh start gets fresh logs (the previous start's stay beside them as *.log.prev)
  if ! is_running etcd; then
    local f; for f in "$CLUSTER_LOGS"/*.log; do [ -e "$f" ] && mv -f "$f" "$f.prev"; done
  fi
  network_up; pki_up
  etcd_up; log "etcd up"
  apiserver_up; log "kube-apiserver up"
  controllers_up; containerd_up; log "containerd up"
  kubelet_up; proxy_up
  node_ready_or_retry
  log "node Ready"
  dns_up; storage_up
  wait_for "default ServiceAccount" 60 k -n default get serviceaccount default
  log "cluster up in $(( SECONDS - t0 ))s; KUBECONFIG=$CLUSTER_STATE/admin.kubeconfig"
  echo "$CLUSTER_STATE/admin.kubeconfig"
}

down() {
  log "stopping the node"
  # the kubelet first, so that it does not restart what we stop next
  local name
  for name in kubelet kube-proxy coredns kube-scheduler kube-controller-manager; do stop_pid "$name"; done
  if is_running containerd; then
    local ns id
    for id in $(ctr --address "$CONTAINERD_ADDRESS" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$CONTAINERD_ADDRESS" -n k8s.io tasks kill -s KILL "$id" >/dev/null 2>&1 || true
    done
    sleep 2
    # the images stay (CONTAINERD_ROOT is kept); the containers and sandboxes go
    for id in $(ctr --address "$CONTAINERD_ADDRESS" -n k8s.io containers ls -q 2>/dev/null); do
      ctr --address "$CONTAINERD_ADDRESS" -n k8s.io tasks rm -f "$id" >/dev/null 2>&1 || true
      ctr --address "$CONTAINERD_ADDRESS" -n k8s.io containers rm "$id" >/dev/null 2>&1 || true
    done
  fi
  stop_pid containerd
  # shims outlive containerd; theirs are the ones whose -address is our socket
  pkill -KILL -f "containerd-shim.*$CONTAINERD_ADDRESS" 2>/dev/null || true
  stop_pid kube-apiserver; stop_pid etcd
  # mounts the kubelet and containerd made (volumes, rootfs, netns)
  awk -v s="$CLUSTER_STATE" -v r="$CLUSTER_RUN" '$2 ~ "^"s || $2 ~ "^"r {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  local n; for n in $(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}'); do ip netns delete "$n" || true; done
  ip link delete cni0 2>/dev/null || true
  ip link delete glimpse0 2>/dev/null || true
  [ -x "$GLIMPSE_TOOLS_DIR/bin/kube-proxy" ] && "$GLIMPSE_TOOLS_DIR/bin/kube-proxy" --cleanup >/dev/null 2>&1 || true
  # the CNI's NAT and firewall chains, and our two FORWARD rules
  iptables -D FORWARD -s "$CLUSTER_CIDR" -j ACCEPT 2>/dev/null || true
  iptables -D FORWARD -d "$CLUSTER_CIDR" -j ACCEPT 2>/dev/null || true
  if iptables-save | grep -q -- 'CNI-'; then iptables-save | grep -v -- 'CNI-' | iptables-restore || true; fi
  if [ "${1:-}" != --keep-data ]; then rm -rf "$CLUSTER_STATE"; fi
  rm -rf "$CLUSTER_RUN"
  log "node stopped"
}

status() {
  local name
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy coredns; do
    if is_running "$name"; then echo "$name: running (pid $(cat "$CLUSTER_RUN/$name.pid"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) shift; down "$@" ;;
  status) status ;;
  recycle-volumes) recycle_volumes ;;
  env) echo "export KUBECONFIG=$CLUSTER_STATE/admin.kubeconfig"; echo "export PATH=$GLIMPSE_TOOLS_DIR/bin:\$PATH" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
