#!/usr/bin/env bash
# Runs a command with the stack's servers up: PostgreSQL and RabbitMQ (Debian packages),
# MinIO, Traefik and Gorse (built with `go install`, cached), all on 127.0.0.1, with their
# URLs in the environment. Stops them afterwards.   with-servers.sh <command> [args…]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/stack/env.sh"

cleanup() { gorse_stop; minio_stop; rabbitmq_stop; pg_replica_stop; pg_stop; }
trap cleanup EXIT

echo "stack: tools (cached in ${TOOLS_BIN%/bin})"
bash scripts/tools/install.sh minio traefik gorse || exit 1
echo "stack: starting PostgreSQL, RabbitMQ, MinIO, Gorse on 127.0.0.1"
pg_start || exit 1
pg_replica_start || exit 1
rabbitmq_start || exit 1
minio_start || exit 1
gorse_start || exit 1
export GLIMPSE_RABBITMQ_RESTART_CMD="bash $ROOT/scripts/stack/ctl.sh rabbitmq-restart"
echo "stack: DATABASE_URL=$DATABASE_URL DATABASE_REPLICA_URL=$DATABASE_REPLICA_URL AMQP_URL=$AMQP_URL S3_ENDPOINT=$S3_ENDPOINT GORSE_URL=$GORSE_URL"
npm run build:web --silent || exit 1
"$@"
