# Shared by the stack scripts: where state lives, and how to install Debian packages once.
STACK_DIR="${GLIMPSE_STACK_DIR:-/tmp/glimpse-stack}"
export STACK_DIR
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
