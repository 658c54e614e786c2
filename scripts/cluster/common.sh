# Sourced by the cluster scripts: where the node keeps its state, and small process helpers.
# Everything of the node lives under these three directories; `node.sh down` removes them.
: "${GLIMPSE_CLUSTER_DIR:=/var/lib/glimpse-cluster}"
CLUSTER_STATE="$GLIMPSE_CLUSTER_DIR"
CLUSTER_RUN=/run/glimpse-cluster
CLUSTER_LOGS="${GLIMPSE_CLUSTER_LOGS:-/tmp/glimpse-cluster/logs}"
CONTAINERD_ADDRESS="$CLUSTER_RUN/containerd.sock"
export CLUSTER_STATE CLUSTER_RUN CLUSTER_LOGS CONTAINERD_ADDRESS
export KUBECONFIG="$CLUSTER_STATE/admin.kubeconfig"

k() { kubectl --kubeconfig "$KUBECONFIG" "$@"; }

is_running() { [ -f "$CLUSTER_RUN/$1.pid" ] && kill -0 "$(cat "$CLUSTER_RUN/$1.pid")" 2>/dev/null; }

stop_pid() { # name: TERM, then KILL after 15 s
  local pidf="$CLUSTER_RUN/$1.pid" pid i
  [ -f "$pidf" ] || return 0
  pid=$(cat "$pidf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidf"
}
