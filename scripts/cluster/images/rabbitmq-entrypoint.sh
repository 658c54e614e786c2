#!/usr/bin/env bash
# The official rabbitmq image's contract: RABBITMQ_DEFAULT_USER/PASS/VHOST become the default
# user on first start. The root filesystem may be read-only, so they go into a config file
# under /tmp, which RabbitMQ reads in addition to /etc/rabbitmq/conf.d.
set -euo pipefail

if [ "${1:0:1}" = '-' ]; then set -- rabbitmq-server "$@"; fi

if [ "$(id -u)" = 0 ] && [ "$1" = rabbitmq-server ]; then
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$BASH_SOURCE" "$@"
fi

if [ "$1" = rabbitmq-server ]; then
  conf_dir="${TMPDIR:-/tmp}/rabbitmq"
  mkdir -p "$conf_dir" && chmod 700 "$conf_dir"
  conf="$conf_dir/rabbitmq.conf"
  : >"$conf"
  [ -z "${RABBITMQ_DEFAULT_USER:-}" ] || echo "default_user = $RABBITMQ_DEFAULT_USER" >>"$conf"
  [ -z "${RABBITMQ_DEFAULT_PASS:-}" ] || echo "default_pass = $RABBITMQ_DEFAULT_PASS" >>"$conf"
  [ -z "${RABBITMQ_DEFAULT_VHOST:-}" ] || echo "default_vhost = $RABBITMQ_DEFAULT_VHOST" >>"$conf"
  export RABBITMQ_CONFIG_FILE="$conf"
  # the console gets the logs, but the upgrade log is always a file, in the log directory:
  # on a read-only root without a volume there, it goes under /tmp too
  if ! [ -w "${RABBITMQ_LOG_BASE:-/var/log/rabbitmq}" ]; then
    export RABBITMQ_LOG_BASE="$conf_dir/log"
    mkdir -p "$RABBITMQ_LOG_BASE"
  fi
fi

exec "$@"
