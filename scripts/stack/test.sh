#!/usr/bin/env bash
# `npm run test:stack`: installs and starts PostgreSQL and RabbitMQ (Debian packages), MinIO
# and Traefik (built with `go install`, cached), then runs the stack tier: the production
# adapters' contract suites and every service as its own process behind Traefik, faults
# included. Everything listens on 127.0.0.1 and is stopped at the end.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/stack/env.sh"

cleanup() { minio_stop; rabbitmq_stop; pg_stop; }
trap cleanup EXIT

echo "stack: tools (cached in ${TOOLS_BIN%/bin})"
bash scripts/tools/install.sh minio traefik || exit 1
echo "stack: starting PostgreSQL, RabbitMQ, MinIO on 127.0.0.1"
pg_start || exit 1
rabbitmq_start || exit 1
minio_start || exit 1
export GLIMPSE_RABBITMQ_RESTART_CMD="bash $ROOT/scripts/stack/ctl.sh rabbitmq-restart"
echo "stack: DATABASE_URL=$DATABASE_URL AMQP_URL=$AMQP_URL S3_ENDPOINT=$S3_ENDPOINT"
npm run build:web --silent || exit 1
npx vitest run --config vitest.stack.config.ts "$@"
