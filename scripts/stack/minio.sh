# MinIO built from the Go module proxy (scripts/tools/install.sh), on 127.0.0.1 only.
# Sourced by scripts/stack/*.sh; uses STACK_DIR, TOOLS_BIN and MINIO_PORT.
: "${STACK_DIR:?}" "${MINIO_PORT:=59000}"
MINIO_DATA="$STACK_DIR/minio"
export S3_ENDPOINT="http://$STACK_BIND:$MINIO_PORT" S3_ACCESS_KEY=glimpse S3_SECRET_KEY=glimpse-stack-secret S3_REGION=us-east-1

minio_running() { pgrep -f "minio server $MINIO_DATA/data" >/dev/null; }

minio_start() {
  [ -x "$TOOLS_BIN/minio" ] || bash "$ROOT/scripts/tools/install.sh" minio >&2
  mkdir -p "$MINIO_DATA"
  minio_running && return 0
  MINIO_ROOT_USER=$S3_ACCESS_KEY MINIO_ROOT_PASSWORD=$S3_SECRET_KEY MINIO_BROWSER=off \
    nohup "$TOOLS_BIN/minio" server "$MINIO_DATA/data" --address "$STACK_BIND:$MINIO_PORT" --console-address "$STACK_BIND:$((MINIO_PORT + 1))" \
    >> "$MINIO_DATA/server.log" 2>&1 &
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "http://$STACK_BIND:$MINIO_PORT/minio/health/ready" && return 0
    sleep 0.5
  done
  echo "stack: MinIO did not become ready; see $MINIO_DATA/server.log" >&2
  return 1
}

# By command line rather than a pid file, so a server left by an interrupted run is found too.
minio_stop() {
  pkill -f "minio server $MINIO_DATA/data" 2>/dev/null || return 0
  while minio_running; do sleep 0.2; done
}
