# Shared by the stack scripts: where state lives, and how to install Debian packages once.
STACK_DIR="${GLIMPSE_STACK_DIR:-/tmp/glimpse-stack}"
# The address the servers listen on: loopback for the stack tier; the cluster tier's production
# profile uses the Kubernetes node's own address (scripts/cluster/externals.sh) so Pods reach them.
STACK_BIND="${STACK_BIND:-127.0.0.1}"
export STACK_DIR STACK_BIND
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
