#!/usr/bin/env bash
# Creates the kind cluster "glimpse" and a local registry at localhost:5001 for Tilt
# (the registry recipe of kind's documentation). Idempotent. Needs docker and kind.
#   k8s/kind-up.sh            create (or reuse) the registry and the cluster
#   k8s/kind-up.sh --delete   delete both
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=glimpse
REG_NAME=kind-registry
REG_PORT=5001

for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null || { echo "kind-up: $tool is not installed" >&2; exit 1; }
done

if [ "${1:-}" = "--delete" ]; then
  kind delete cluster --name "$CLUSTER" || true
  docker rm -f "$REG_NAME" >/dev/null 2>&1 || true
  echo "deleted cluster $CLUSTER and registry $REG_NAME"
  exit 0
fi

# 1. the registry container
if [ "$(docker inspect -f '{{.State.Running}}' "$REG_NAME" 2>/dev/null || true)" != 'true' ]; then
  docker run -d --restart=always -p "127.0.0.1:${REG_PORT}:5000" --network bridge --name "$REG_NAME" registry:2
fi

# 2. the cluster
if ! kind get clusters | grep -qx "$CLUSTER"; then
  kind create cluster --config k8s/kind-config.yaml
fi

# 3. every node resolves localhost:5001 to the registry container
REGISTRY_DIR="/etc/containerd/certs.d/localhost:${REG_PORT}"
for node in $(kind get nodes --name "$CLUSTER"); do
  docker exec "$node" mkdir -p "$REGISTRY_DIR"
  printf '[host."http://%s:5000"]\n' "$REG_NAME" | docker exec -i "$node" cp /dev/stdin "$REGISTRY_DIR/hosts.toml"
done

# 4. the registry joins the cluster's network
if [ "$(docker inspect -f='{{json .NetworkSettings.Networks.kind}}' "$REG_NAME")" = 'null' ]; then
  docker network connect kind "$REG_NAME"
fi

# 5. tell Tilt (and anyone) where the registry is (KEP-1755)
kubectl --context "kind-$CLUSTER" apply -f - <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:${REG_PORT}"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
YAML

echo "cluster kind-$CLUSTER is ready, registry localhost:${REG_PORT}; now run: tilt up"
