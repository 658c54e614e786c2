#!/usr/bin/env bash
# Starts or stops a Docker engine for building Glimpse's images on a machine without systemd.
#
#   scripts/cluster/docker.sh start    start Debian's dockerd in the background unless one answers
#   scripts/cluster/docker.sh stop     stop it, but only if this script started it
#   scripts/cluster/docker.sh status
#
# Logs go to $GLIMPSE_TOOLS_DIR/logs/dockerd.log, the pid to $GLIMPSE_TOOLS_DIR/run/dockerd.pid.
# Idempotent: start on a running engine and stop on a stopped one do nothing.
set -euo pipefail

TOOLS_DIR="${GLIMPSE_TOOLS_DIR:-$HOME/.cache/glimpse-tools}"
RUN_DIR="$TOOLS_DIR/run"
PID_FILE="$RUN_DIR/dockerd.pid"
LOG_FILE="$TOOLS_DIR/logs/dockerd.log"
# Debian's client: a newer one found earlier on PATH may want a buildx plugin that is absent
DOCKER=/usr/bin/docker
DOCKERD=/usr/sbin/dockerd

log() { printf '[docker] %s\n' "$*" >&2; }
die() { printf '[docker] ERROR: %s\n' "$*" >&2; exit 1; }

answering() { "$DOCKER" info >/dev/null 2>&1; }
our_pid() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null && cat "$PID_FILE"; }

start() {
  if answering; then log "dockerd already answering"; return 0; fi
  if [ ! -x "$DOCKERD" ] || [ ! -x "$DOCKER" ]; then
    # a fresh CI machine
    log "installing Debian's docker.io"
    { apt-get install -y --no-install-recommends docker.io || { apt-get update && apt-get install -y --no-install-recommends docker.io; }; } >&2 \
      || die "apt-get install docker.io failed"
  fi
  mkdir -p "$RUN_DIR" "$(dirname "$LOG_FILE")"
  if ! our_pid >/dev/null; then
    # setsid: the engine must outlive the shell (and process group) that started it.
    # nice: image builds run as children of dockerd, on cores shared with other work.
    setsid nice -n "${GLIMPSE_DOCKERD_NICE:-19}" "$DOCKERD" >>"$LOG_FILE" 2>&1 </dev/null &
    echo $! >"$PID_FILE"
    log "started dockerd (pid $(cat "$PID_FILE"), log $LOG_FILE)"
  fi
  local i
  for i in $(seq 1 120); do
    answering && { log "dockerd ready after ${i}s"; return 0; }
    our_pid >/dev/null || { tail -n 20 "$LOG_FILE" >&2; rm -f "$PID_FILE"; die "dockerd exited; see $LOG_FILE"; }
    sleep 1
  done
  tail -n 20 "$LOG_FILE" >&2
  die "dockerd did not answer within 120s; see $LOG_FILE"
}

stop() {
  local pid
  if ! pid=$(our_pid); then
    rm -f "$PID_FILE"
    log "no dockerd started by this script is running"; return 0
  fi
  kill -TERM "$pid"
  local i
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; log "dockerd stopped"; return 0; }
    sleep 1
  done
  die "dockerd (pid $pid) did not stop within 60s"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if answering; then echo running; else echo stopped; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
