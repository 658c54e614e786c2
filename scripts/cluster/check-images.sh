#!/usr/bin/env bash
# Smoke test of the images scripts/cluster/images.sh builds: each one starts the way the chart
# runs it (its uid, read-only root filesystem, the chart's writable mounts, env and args) and
# answers its health check. Published ports are bound to 127.0.0.1 only.
#
#   scripts/cluster/check-images.sh [NAME...]    NAME: runtime apps tagger web postgres rabbitmq
#                                                minio gorse traefik mailpit pause coredns (default: all)
# Prints `ok NAME: ...` or `FAILED NAME: ...` per check; exits 1 if any failed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DOCKER=/usr/bin/docker
install_list() { bash "$ROOT/scripts/tools/install.sh" --list | awk -v n="$1" '$1 == n { print $3 }'; }
APPS="auth upload feed search static image-processor indexer"
PASSWORD=check-secret-1
failed=0

# remove only the containers this run started (they carry its label; run() is called in
# subshells, so a list kept in a variable would not survive)
cleanup() {
  local ids
  ids=$("$DOCKER" ps -aq --filter "label=glimpse-check=$$")
  [ -z "$ids" ] || "$DOCKER" rm -f -v $ids >/dev/null 2>&1
}
trap cleanup EXIT

ok() { printf 'ok %s\n' "$*"; }
fail() { printf 'FAILED %s\n' "$*"; failed=1; }

# run NAME DOCKER-RUN-ARGS...: a detached container, port 127.0.0.1:random -> each -p
run() {
  "$DOCKER" run -d --name "glimpse-check-$1-$$" --label "glimpse-check=$$" "${@:2}"
}
port() { "$DOCKER" port "$1" "$2" | head -n1 | sed 's/.*://'; }
# wait_for SECONDS COMMAND...: retry until it succeeds
wait_for() {
  local until=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $until ] || return 1; sleep 1; done
}
uid_of() { "$DOCKER" top "$1" -eo pid,uid | awk 'NR == 2 { print $2 }'; }
logs() { "$DOCKER" logs "$1" 2>&1 | tail -n 15 | sed 's/^/    /'; }

check_runtime() {
  local out
  out=$("$DOCKER" run --rm --read-only glimpse-base/nodejs22-runtime:nonroot -e \
    'console.log(process.version, process.getuid(), require("tls").rootCertificates.length > 0, Intl.DateTimeFormat().resolvedOptions().timeZone)')
  [[ "$out" == v22.*' 65532 true '* ]] && ok "runtime: $out" || fail "runtime: $out"
}

check_apps() {
  local app id p
  for app in $APPS; do
    id=$(run "$app" --read-only --tmpfs /tmp -e GLIMPSE_DATA_DIR=/tmp/x -e TAGGER_ENABLED=false \
      -e AUTH_JWKS_URL=http://127.0.0.1:9/.well-known/jwks.json \
      -p 127.0.0.1::8080 "glimpse/$app:ci") || { fail "$app: did not start"; continue; }
    p=$(port "$id" 8080)
    if wait_for 60 curl -fsS "http://127.0.0.1:$p/healthz"; then
      ok "$app: /healthz on 8080 as uid $(uid_of "$id"), read-only root"
    else
      fail "$app: no /healthz"; logs "$id"
    fi
  done
  local out
  out=$("$DOCKER" run --rm --read-only --tmpfs /tmp -e GLIMPSE_DATA_DIR=/tmp/x glimpse/cli:ci --help 2>&1 | head -n 3)
  [ -n "$out" ] && ok "cli: --help prints $(printf '%s' "$out" | head -n1)" || fail "cli: --help printed nothing"
}

check_tagger() {
  local id
  id=$(run tagger --read-only --tmpfs /tmp -e GLIMPSE_DATA_DIR=/tmp/x glimpse/image-tagger:ci) || { fail "tagger: did not start"; return; }
  if wait_for 180 sh -c "$DOCKER logs $id 2>&1 | grep -q 'models loaded'"; then
    ok "image-tagger: $("$DOCKER" logs "$id" 2>&1 | grep -o '"ms":[0-9]*' | head -n1) models loaded, as uid $(uid_of "$id")"
  else
    fail "image-tagger: models did not load"; logs "$id"
  fi
}

check_web() {
  local id p
  id=$(run web --read-only --tmpfs /tmp -p 127.0.0.1::8080 glimpse/web:ci) || { fail "web: did not start"; return; }
  p=$(port "$id" 8080)
  if wait_for 30 curl -fsS "http://127.0.0.1:$p/healthz" && curl -fsS "http://127.0.0.1:$p/some/spa/route" | grep -qi '<!doctype html'; then
    ok "web: index.html and the SPA fallback on 8080 as uid $(uid_of "$id"), read-only root"
  else
    fail "web: not serving"; logs "$id"
  fi
}

check_postgres() {
  local id p
  id=$(run postgres --read-only --tmpfs /tmp --tmpfs /var/run/postgresql -v /var/lib/postgresql/data \
    -e POSTGRES_USER=glimpse -e POSTGRES_DB=glimpse -e "POSTGRES_PASSWORD=$PASSWORD" \
    -e PGDATA=/var/lib/postgresql/data/pgdata -e POSTGRES_INITDB_ARGS=--auth-host=scram-sha-256 \
    -p 127.0.0.1::5432 glimpse-deps/postgres:15 -c default_transaction_isolation=serializable) || { fail "postgres: did not start"; return; }
  p=$(port "$id" 5432)
  if ! wait_for 90 "$DOCKER" exec "$id" pg_isready -h 127.0.0.1 -U glimpse -d glimpse; then
    fail "postgres: pg_isready never succeeded"; logs "$id"; return
  fi
  # a password login over TCP, from outside the container, and a wrong password refused
  local iso
  iso=$("$DOCKER" exec -e "PGPASSWORD=$PASSWORD" "$id" psql -h 127.0.0.1 -U glimpse -d glimpse -tAc 'show default_transaction_isolation')
  if [ "$iso" = serializable ] && node -e '
      const pg = require(process.argv[1] + "/node_modules/pg");
      const login = (password) => { const c = new pg.Client({ host: "127.0.0.1", port: +process.argv[2], user: "glimpse", database: "glimpse", password }); return c.connect().then(() => c.end()); };
      login(process.argv[3]).then(() => login("wrong").then(() => process.exit(1), () => process.exit(0)), (e) => { console.error(e.message); process.exit(1); });
    ' "$ROOT" "$p" "$PASSWORD"; then
    ok "postgres: initialised, password login (scram) accepted and a wrong one refused, as uid $(uid_of "$id"), $iso"
  else
    fail "postgres: login failed (isolation: $iso)"; logs "$id"
  fi
}

check_rabbitmq() {
  local id p m
  id=$(run rabbitmq --read-only --tmpfs /tmp -v /var/lib/rabbitmq -e RABBITMQ_NODENAME=rabbit@localhost \
    -e RABBITMQ_DEFAULT_USER=glimpse -e "RABBITMQ_DEFAULT_PASS=$PASSWORD" -e HOME=/var/lib/rabbitmq \
    -p 127.0.0.1::5672 -p 127.0.0.1::15672 glimpse-deps/rabbitmq:3.10-management) || { fail "rabbitmq: did not start"; return; }
  p=$(port "$id" 5672) m=$(port "$id" 15672)
  if ! wait_for 120 "$DOCKER" exec "$id" rabbitmq-diagnostics -q check_port_connectivity; then
    fail "rabbitmq: check_port_connectivity never succeeded"; logs "$id"; return
  fi
  "$DOCKER" exec "$id" rabbitmq-diagnostics -q ping >/dev/null || fail "rabbitmq: ping failed"
  if node -e '
      const amqp = require(process.argv[1] + "/node_modules/amqplib");
      amqp.connect(`amqp://glimpse:${process.argv[3]}@127.0.0.1:${process.argv[2]}`).then((c) => c.close(), (e) => { console.error(e.message); process.exit(1); });
    ' "$ROOT" "$p" "$PASSWORD" && wait_for 30 curl -fsS -u "glimpse:$PASSWORD" "http://127.0.0.1:$m/api/whoami"; then
    ok "rabbitmq: AMQP login and management API as the default user, as uid $(uid_of "$id")"
  else
    fail "rabbitmq: login failed"; logs "$id"
  fi
}

check_minio() {
  local id p tag
  tag="glimpse-deps/minio:$(install_list minio)"
  id=$(run minio --read-only --user 65532:65532 --tmpfs /tmp --tmpfs /data:mode=1777 -e HOME=/tmp \
    -e MINIO_BROWSER_REDIRECT=false -e MINIO_ROOT_USER=glimpse -e "MINIO_ROOT_PASSWORD=$PASSWORD" \
    -p 127.0.0.1::9000 --entrypoint minio "$tag" server /data --address :9000 --console-address :9001 --certs-dir /tmp/certs) \
    || { fail "minio: did not start"; return; }
  p=$(port "$id" 9000)
  if wait_for 60 curl -fsS "http://127.0.0.1:$p/minio/health/live" && wait_for 30 curl -fsS "http://127.0.0.1:$p/minio/health/ready"; then
    ok "minio: /minio/health/live and /ready as uid $(uid_of "$id"), read-only root"
  else
    fail "minio: not healthy"; logs "$id"
  fi
}

check_gorse() {
  local id p tag dir
  tag="glimpse-deps/gorse-in-one:$(install_list gorse)"
  dir=$(mktemp -d)
  # the chart's config.toml, with the chart's default feedback types, and its /etc/passwd
  awk '/config.toml: \|/ { on = 1; next } on && /^---/ { exit } on { sub(/^    /, ""); print }' \
    "$ROOT/charts/glimpse/templates/deps/gorse.yaml" \
    | sed 's/{{ toJson $g.positiveFeedbackTypes }}/["like"]/; s/{{ toJson $g.readFeedbackTypes }}/["read"]/' >"$dir/config.toml"
  printf '%s\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' 'gorse:x:65532:65532:gorse:/home/gorse:/usr/sbin/nologin' >"$dir/passwd"
  chmod 755 "$dir" && chmod 644 "$dir"/*
  id=$(run gorse --read-only --user 65532:65532 --tmpfs /tmp --tmpfs /var/lib/gorse:mode=1777 \
    --tmpfs /home/gorse:mode=1777 -v "$dir:/etc/gorse:ro" -v "$dir/passwd:/etc/passwd:ro" -e HOME=/home/gorse -e USER=gorse \
    -e "GORSE_SERVER_API_KEY=$PASSWORD" -e "GORSE_ADMIN_API_KEY=$PASSWORD" -e GORSE_DASHBOARD_USER_NAME=glimpse \
    -e "GORSE_DASHBOARD_PASSWORD=$PASSWORD" -p 127.0.0.1::8088 \
    "$tag" -c /etc/gorse/config.toml --cache-path /var/lib/gorse) || { fail "gorse: did not start"; return; }
  p=$(port "$id" 8088)
  if wait_for 90 curl -fsS "http://127.0.0.1:$p/api/health/ready" \
    && curl -fsS -H "X-API-Key: $PASSWORD" "http://127.0.0.1:$p/api/latest" >/dev/null; then
    ok "gorse-in-one: /api/health/ready and the API with its key, as uid $(uid_of "$id"), read-only root, the chart's volumes"
  else
    fail "gorse-in-one: not ready"; logs "$id"
  fi
  rm -rf "$dir"
}

check_traefik() {
  local id p tag
  tag="glimpse-deps/traefik:$(install_list traefik)"
  id=$(run traefik --read-only --user 65532:65532 --tmpfs /tmp -p 127.0.0.1::9100 "$tag" \
    --global.checkNewVersion=false --global.sendAnonymousUsage=false --entryPoints.web.address=:8000/tcp \
    --entryPoints.traefik.address=:9100/tcp --ping=true --ping.entryPoint=traefik --metrics.prometheus=true \
    --metrics.prometheus.entryPoint=traefik) || { fail "traefik: did not start"; return; }
  p=$(port "$id" 9100)
  if wait_for 30 curl -fsS "http://127.0.0.1:$p/ping"; then
    ok "traefik: /ping with the chart's args, as uid $(uid_of "$id"), read-only root"
  else
    fail "traefik: no /ping"; logs "$id"
  fi
}

check_mailpit() {
  local id p tag
  tag="glimpse-deps/mailpit:$(install_list mailpit)"
  # the chart's env (templates/deps/mailpit.yaml), its uid, volumes and read-only root
  id=$(run mailpit --read-only --user 65532:65532 --tmpfs /tmp --tmpfs /data:mode=1777 -p 127.0.0.1::8025 \
    -e MP_SMTP_BIND_ADDR=0.0.0.0:1025 -e MP_UI_BIND_ADDR=0.0.0.0:8025 -e MP_DATABASE=/data/mailpit.db -e MP_MAX_MESSAGES=500 \
    -e MP_SMTP_AUTH_ACCEPT_ANY=true -e MP_SMTP_AUTH_ALLOW_INSECURE=true -e MP_DISABLE_VERSION_CHECK=true -e TMPDIR=/tmp \
    "$tag") || { fail "mailpit: did not start"; return; }
  p=$(port "$id" 8025)
  if wait_for 30 curl -fsS "http://127.0.0.1:$p/readyz" \
    && curl -fsS "http://127.0.0.1:$p/api/v1/messages" >/dev/null \
    && curl -fsS -o /dev/null "http://127.0.0.1:$p/dist/app.js"; then
    ok "mailpit: /readyz, the API and the web UI's script, as uid $(uid_of "$id"), read-only root, the chart's env"
  else
    fail "mailpit: not ready, or its web UI is missing"; logs "$id"
  fi
}

check_pause() {
  local id
  id=$(run pause --read-only glimpse-base/pause:3.10) || { fail "pause: did not start"; return; }
  sleep 1
  local start=$SECONDS
  if [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$id")" = true ] && "$DOCKER" stop -t 10 "$id" >/dev/null \
    && [ $((SECONDS - start)) -lt 5 ]; then
    ok "pause: runs as uid 65535 and stops on SIGTERM"
  else
    fail "pause: did not run or stop"; logs "$id"
  fi
}

check_coredns() {
  local tag="glimpse-deps/coredns:$(install_list coredns | sed 's/^v//')" out
  if ! "$DOCKER" image inspect "$tag" >/dev/null 2>&1; then ok "coredns: not built (no coredns binary), skipped"; return; fi
  out=$("$DOCKER" run --rm --read-only "$tag" -version 2>&1 | head -n1)
  [[ "$out" == CoreDNS-* ]] && ok "coredns: $out" || fail "coredns: $out"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(runtime apps tagger web postgres rabbitmq minio gorse traefik mailpit pause coredns)
for n in "${names[@]}"; do
  start=$SECONDS
  "check_$n"
  cleanup
  printf '  (%s: %ss)\n' "$n" $((SECONDS - start))
done
exit $failed
