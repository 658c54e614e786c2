#!/usr/bin/env bash
# The "external" dependencies of the chart's production profile, run on the host as an operator's
# own servers would be: PostgreSQL (standing in for CockroachDB), RabbitMQ, MinIO and Gorse, the
# same servers the stack tier uses (scripts/stack), listening on the Kubernetes node's address
# (10.250.0.1, on our dummy interface) so that Pods reach them and nothing else does.
#
#   scripts/cluster/externals.sh start    start them; writes the credentials to $EXTERNALS_ENV
#   scripts/cluster/externals.sh stop
#   scripts/cluster/externals.sh reset    stop them and remove their data
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
export GLIMPSE_STACK_DIR="${GLIMPSE_EXTERNALS_DIR:-/tmp/glimpse-cluster/externals}"
export STACK_BIND=10.250.0.1
export PG_PORT=55532 RABBITMQ_PORT=5672 MINIO_PORT=59100 GORSE_HTTP_PORT=18288 GORSE_GRPC_PORT=18286
export STACK_PG_CLIENT_CIDRS="10.244.0.0/16"
export GORSE_API_KEY=glimpse-external-gorse-key
source "$ROOT/scripts/stack/env.sh"
EXTERNALS_ENV="$STACK_DIR/externals.env"
PASSWORD=glimpse-external-secret

start() {
  ip addr show dev glimpse0 2>/dev/null | grep -q "$STACK_BIND/" || { echo "externals: the node is not up (no $STACK_BIND); run scripts/cluster/node.sh up" >&2; exit 1; }
  pg_start
  pg_as "$PG_BIN/psql -h $STACK_BIND -p $PG_PORT -U postgres -d glimpse -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'glimpse') THEN CREATE ROLE glimpse LOGIN PASSWORD '$PASSWORD'; END IF; END \\\$\\\$; ALTER DATABASE glimpse OWNER TO glimpse; ALTER SCHEMA public OWNER TO glimpse;\""
  rabbitmq_start
  rabbitmqctl -q list_users | grep -q '^glimpse' || rabbitmqctl -q add_user glimpse "$PASSWORD" >/dev/null
  rabbitmqctl -q list_vhosts | grep -qx glimpse || rabbitmqctl -q add_vhost glimpse >/dev/null
  rabbitmqctl -q set_permissions -p glimpse glimpse '.*' '.*' '.*' >/dev/null
  rabbitmqctl -q set_user_tags glimpse management >/dev/null
  minio_start
  gorse_start
  cat >"$EXTERNALS_ENV" <<ENV
DATABASE_URL=postgres://glimpse:$PASSWORD@$STACK_BIND:$PG_PORT/glimpse
AMQP_URL=amqp://glimpse:$PASSWORD@$STACK_BIND:$RABBITMQ_PORT/glimpse
S3_ENDPOINT=$S3_ENDPOINT
S3_ACCESS_KEY=$S3_ACCESS_KEY
S3_SECRET_KEY=$S3_SECRET_KEY
GORSE_URL=$GORSE_URL
GORSE_API_KEY=$GORSE_API_KEY
ENV
  echo "externals: up on $STACK_BIND; credentials in $EXTERNALS_ENV"
}

stop() { gorse_stop; minio_stop; rabbitmq_stop; pg_stop; }

# a run starts from empty servers, as an operator's fresh ones would be
reset() {
  stop
  rm -rf "$STACK_DIR"
  if command -v rabbitmqctl >/dev/null && rabbitmqctl -q status >/dev/null 2>&1; then rabbitmqctl -q delete_vhost glimpse >/dev/null 2>&1 || true; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  reset) reset ;;
  env) echo "$EXTERNALS_ENV" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
