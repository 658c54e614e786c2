# RabbitMQ from Debian's packages, on 127.0.0.1 only (AMQP, clustering port and epmd).
# Debian's wrapper runs it as the `rabbitmq` user. Sourced by scripts/stack/*.sh.
: "${RABBITMQ_PORT:=5672}"
export AMQP_URL="amqp://guest:guest@$STACK_BIND:$RABBITMQ_PORT"
rabbitmq_pidfile() { echo "/var/lib/rabbitmq/mnesia/rabbit@$(hostname -s).pid"; }

rabbitmq_start() {
  command -v rabbitmq-server >/dev/null || { echo "stack: installing RabbitMQ from Debian's packages"; apt_install rabbitmq-server; }
  if ! rabbitmqctl -q status >/dev/null 2>&1; then
    RABBITMQ_NODE_IP_ADDRESS=$STACK_BIND RABBITMQ_NODE_PORT=$RABBITMQ_PORT ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_DIST_PORT=25672 \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' rabbitmq-server -detached
  fi
  rabbitmqctl -q wait --timeout 90 "$(rabbitmq_pidfile)" >/dev/null || { echo "stack: RabbitMQ did not start" >&2; return 1; }
}

rabbitmq_stop() {
  command -v rabbitmqctl >/dev/null || return 0
  [ -f "$(rabbitmq_pidfile)" ] || return 0
  timeout 90 rabbitmqctl -q stop "$(rabbitmq_pidfile)" >/dev/null 2>&1 || true
}

rabbitmq_add_vhost() {
  rabbitmqctl -q add_vhost "$1" >/dev/null
  rabbitmqctl -q set_permissions -p "$1" guest '.*' '.*' '.*' >/dev/null
}

# Restarts the broker application (queues and messages on disk survive), as an outage would.
rabbitmq_restart() {
  rabbitmqctl -q stop_app >/dev/null && rabbitmqctl -q start_app >/dev/null
}
