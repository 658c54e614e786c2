#!/usr/bin/env bash
# Debian packages the cluster tier needs (once; apt-get skips what is installed): a Docker
# engine to build images, containerd/runc/CNI plugins/etcd for the node, debootstrap for base
# images, PostgreSQL and RabbitMQ for the production profile's external servers.
set -euo pipefail
PACKAGES=(docker.io containerd runc etcd-server containernetworking-plugins conntrack iptables
  debootstrap jq openssl curl socat postgresql rabbitmq-server)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "cluster: installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
