#!/usr/bin/env bash
# `npm run test:cluster`: the Helm chart on a real single-node Kubernetes, on this machine.
# Builds what is missing (tools from the Go module proxy and images from our Dockerfile, both
# cached), starts the node and the production profile's external servers, runs
# tests/cluster/*.cluster.test.ts (install, helm test, a user's journey through Traefik, faults,
# upgrade, uninstall; trial and production profiles), then stops everything it started.
# Needs root (apt-get, containerd, iptables). Prints the seconds each step took.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
source scripts/tools/env.sh
source scripts/cluster/common.sh
mkdir -p "$CLUSTER_LOGS" reports
t0=$SECONDS; last=$SECONDS
timing() { echo "cluster: step '$1' took $(( SECONDS - last ))s (total $(( SECONDS - t0 ))s)"; last=$SECONDS; }
fail() { echo "cluster: $1 failed; logs in $CLUSTER_LOGS" >&2; exit 1; }

cleanup() {
  local rc=$?
  echo "cluster: stopping everything"
  bash scripts/cluster/externals.sh stop >/dev/null 2>&1 || true
  bash scripts/cluster/node.sh down >/dev/null 2>&1 || true
  bash scripts/cluster/docker.sh stop >/dev/null 2>&1 || true
  echo "cluster: done in $(( SECONDS - t0 ))s"
  exit $rc
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || fail "the cluster tier needs root"
bash scripts/cluster/prereqs.sh || fail "installing Debian packages"; timing prereqs
nice -n 10 bash scripts/tools/install.sh kubernetes kubectl coredns helm minio gorse traefik mailpit || fail "building the tools"; timing tools
bash scripts/cluster/docker.sh start || fail "starting dockerd"; timing docker
nice -n 10 bash scripts/cluster/images.sh || fail "building the images"; timing images
bash scripts/cluster/node.sh down >/dev/null 2>&1   # whatever an interrupted run left
bash scripts/cluster/node.sh up >/dev/null || fail "starting the node"; timing node
bash scripts/cluster/images.sh --import || fail "importing the images into containerd"; timing import
# the images are in containerd now; the Docker engine is not needed by the cluster
bash scripts/cluster/docker.sh stop >/dev/null 2>&1 || true
bash scripts/cluster/externals.sh reset >/dev/null 2>&1
bash scripts/cluster/externals.sh start || fail "starting the external servers"; timing externals
export GLIMPSE_EXTERNALS_ENV="$(bash scripts/cluster/externals.sh env)"
npx vitest run --config vitest.cluster.config.ts
status=$?
timing tests
exit $status
