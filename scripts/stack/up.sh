#!/usr/bin/env bash
# `npm run stack`: the production shape on this machine. Installs and starts PostgreSQL and
# RabbitMQ (Debian packages), MinIO and Traefik (built with `go install`, cached), runs the
# migrations, starts every service and worker as its own process on the production
# adapters, puts Traefik in front with the chart's routes and middlewares, and prints the
# URL. Ctrl-C (or SIGTERM) stops everything, services first, gracefully.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/stack/env.sh"
PORT_BASE=${GLIMPSE_STACK_PORT_BASE:-18100}
TRAEFIK_PORT=${GLIMPSE_STACK_PORT:-8090}
LOGS="$STACK_DIR/logs/stack"
mkdir -p "$LOGS"
pids=()

stop_all() {
  trap - INT TERM EXIT
  echo; echo "stack: stopping services"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  gorse_stop; minio_stop; rabbitmq_stop; pg_replica_stop; pg_stop
  echo "stack: stopped"
}
trap stop_all INT TERM EXIT

bash scripts/tools/install.sh minio traefik gorse || exit 1
pg_start && rabbitmq_start && minio_start && gorse_start || exit 1
gorse_start || exit 1
npm run build:web --silent || exit 1

KEYS="$STACK_DIR/keys"; mkdir -p "$KEYS"
[ -f "$KEYS/auth.pem" ] || openssl genpkey -algorithm ed25519 -out "$KEYS/auth.pem" 2>/dev/null
[ -f "$KEYS/url-secret" ] || openssl rand -hex 32 > "$KEYS/url-secret"
export NODE_ENV=production HOST=127.0.0.1 LOG_LEVEL=${LOG_LEVEL:-info} TRUSTED_PROXIES=127.0.0.1
export AUTH_PRIVATE_KEY="$(cat "$KEYS/auth.pem")" STATIC_URL_SECRET="$(cat "$KEYS/url-secret")"
export AUTH_JWKS_URL="http://127.0.0.1:$PORT_BASE/.well-known/jwks.json"
export PUBLIC_URL="http://127.0.0.1:$TRAEFIK_PORT"

echo "stack: migrating $DATABASE_URL"
node --import tsx apps/cli/src/main.ts migrate --wait 60 || exit 1

start() { # name entry port
  PORT=$3 node --import tsx "$2" >> "$LOGS/$1.log" 2>&1 &
  pids+=($!)
}
start auth apps/auth/src/main.ts "$PORT_BASE"
start upload apps/upload/src/main.ts $((PORT_BASE + 1))
start feed apps/feed/src/main.ts $((PORT_BASE + 2))
start search apps/search/src/main.ts $((PORT_BASE + 3))
start static apps/static/src/main.ts $((PORT_BASE + 4))
start image-tagger workers/image-tagger/src/main.ts $((PORT_BASE + 7))
start image-processor workers/image-processor/src/main.ts $((PORT_BASE + 5))
# email: SMTP_URL when set, else .eml files under the stack's data dir
start notifier workers/notifier/src/main.ts $((PORT_BASE + 8))
PORT=$((PORT_BASE + 6)) node scripts/stack/serve-web.mjs >> "$LOGS/web.log" 2>&1 & pids+=($!)
for port in $PORT_BASE $((PORT_BASE + 1)) $((PORT_BASE + 2)) $((PORT_BASE + 3)) $((PORT_BASE + 4)) $((PORT_BASE + 5)) $((PORT_BASE + 7)); do
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.5; done
done
config=$(node scripts/stack/render-traefik.mjs "$STACK_DIR/traefik" "$TRAEFIK_PORT" \
  AUTH_URL=http://127.0.0.1:$PORT_BASE UPLOAD_URL=http://127.0.0.1:$((PORT_BASE + 1)) FEED_URL=http://127.0.0.1:$((PORT_BASE + 2)) \
  SEARCH_URL=http://127.0.0.1:$((PORT_BASE + 3)) STATIC_URL=http://127.0.0.1:$((PORT_BASE + 4)) WEB_URL=http://127.0.0.1:$((PORT_BASE + 6)))
"$GLIMPSE_TRAEFIK_BIN" --configFile="$config" >> "$LOGS/traefik.log" 2>&1 & pids+=($!)
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$PUBLIC_URL/api/feed/latest" && break; sleep 0.5; done

echo
echo "  Glimpse (stack) is running at $PUBLIC_URL"
echo "  services on 127.0.0.1:$PORT_BASE-$((PORT_BASE + 6)), logs in $LOGS; Ctrl-C stops everything"
echo
wait -n "${pids[@]}"
echo "stack: a process exited unexpectedly; see $LOGS"
