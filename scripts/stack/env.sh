# Sourced by the stack scripts: every server's settings and start/stop functions.
: "${ROOT:?}"
source "$ROOT/scripts/stack/common.sh"
TOOLS_BIN="${GLIMPSE_TOOLS_DIR:-$HOME/.cache/glimpse-tools}/bin"
export TOOLS_BIN
source "$ROOT/scripts/stack/postgres.sh"
source "$ROOT/scripts/stack/rabbitmq.sh"
source "$ROOT/scripts/stack/minio.sh"
: "${GORSE_HTTP_PORT:=18188}" "${GORSE_GRPC_PORT:=18186}"
source "$ROOT/packages/recommender/gorse/gorse.sh"
export GLIMPSE_TRAEFIK_BIN="$TOOLS_BIN/traefik"
