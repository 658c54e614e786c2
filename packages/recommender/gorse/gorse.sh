# gorse-in-one (Gorse v0.5.4) on 127.0.0.1 for the stack tier. Source it, then call
# gorse_start / gorse_wait / gorse_stop. Uses STACK_DIR (state), GORSE_HTTP_PORT,
# GORSE_GRPC_PORT and GORSE_API_KEY; exports GORSE_URL and GORSE_API_KEY.
: "${STACK_DIR:?}" "${GORSE_HTTP_PORT:=18088}" "${GORSE_GRPC_PORT:=18086}" "${GORSE_API_KEY:=glimpse-stack-gorse-key}"
GORSE_BIN="${GORSE_BIN:-$HOME/.cache/glimpse-tools/bin/gorse-in-one}"
GORSE_DIR="$STACK_DIR/gorse"
GORSE_CONFIG="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/config.toml"

gorse_start() {
  [ -x "$GORSE_BIN" ] || { echo "stack: $GORSE_BIN is missing (npm run tools:install builds it)"; return 1; }
  if curl -fsS "http://${STACK_BIND:-127.0.0.1}:$GORSE_HTTP_PORT/api/health/live" >/dev/null 2>&1; then
    echo "stack: something already answers on ${STACK_BIND:-127.0.0.1}:$GORSE_HTTP_PORT (a Gorse left running?); stop it or set GORSE_HTTP_PORT"; return 1
  fi
  mkdir -p "$GORSE_DIR/cache" "$GORSE_DIR/blob"
  # The master lets every request through, filling in the server API key itself, unless a
  # dashboard login is configured: the dashboard user and password are what make the API
  # key required (GORSE_ADMIN_API_KEY alone is not enough).
  GORSE_DATA_STORE="sqlite://$GORSE_DIR/data.db" GORSE_CACHE_STORE="sqlite://$GORSE_DIR/cache.db" \
  GORSE_MASTER_HOST=${STACK_BIND:-127.0.0.1} GORSE_MASTER_PORT="$GORSE_GRPC_PORT" \
  GORSE_MASTER_HTTP_HOST=${STACK_BIND:-127.0.0.1} GORSE_MASTER_HTTP_PORT="$GORSE_HTTP_PORT" \
  GORSE_SERVER_API_KEY="$GORSE_API_KEY" GORSE_ADMIN_API_KEY="$GORSE_API_KEY" \
  GORSE_DASHBOARD_USER_NAME=glimpse GORSE_DASHBOARD_PASSWORD="$GORSE_API_KEY" GORSE_BLOB_URI="$GORSE_DIR/blob" \
    nohup "$GORSE_BIN" -c "$GORSE_CONFIG" --cache-path "$GORSE_DIR/cache" >"$GORSE_DIR/gorse.log" 2>&1 &
  echo $! >"$GORSE_DIR/pid"
  export GORSE_URL="http://${STACK_BIND:-127.0.0.1}:$GORSE_HTTP_PORT" GORSE_API_KEY
  gorse_wait
}

# Ready when its data and cache stores answer (the health endpoints need no API key) and its
# first model refresh has run (the `popular` leaderboard has a Last-Modified time), while the
# process we started is still the one running.
gorse_wait() {
  local pid; pid=$(cat "$GORSE_DIR/pid")
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    if curl -fsS "http://${STACK_BIND:-127.0.0.1}:$GORSE_HTTP_PORT/api/health/ready" >/dev/null 2>&1 &&
      curl -fsS -o /dev/null -D - -H "X-API-Key: $GORSE_API_KEY" "http://${STACK_BIND:-127.0.0.1}:$GORSE_HTTP_PORT/api/non-personalized/popular?n=1" 2>/dev/null | grep -qi '^last-modified: .*20[0-9][0-9]'; then
      sleep 0.2; kill -0 "$pid" 2>/dev/null && return 0
    fi
    sleep 0.5
  done
  echo "stack: Gorse did not become ready; last lines of $GORSE_DIR/gorse.log:"; tail -20 "$GORSE_DIR/gorse.log"; return 1
}

# gorse-in-one shuts its servers down on SIGINT only (SIGTERM ends it on the spot), so ask
# with SIGINT and wait.
gorse_stop() {
  [ -s "$GORSE_DIR/pid" ] || return 0
  local pid; pid=$(cat "$GORSE_DIR/pid")
  kill -INT "$pid" 2>/dev/null || { rm -f "$GORSE_DIR/pid"; return 0; }
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$GORSE_DIR/pid"
}
