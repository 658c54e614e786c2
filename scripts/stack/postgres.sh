# PostgreSQL from Debian's packages, on 127.0.0.1 only, owned by the `postgres` user (it
# refuses to run as root). Sourced by scripts/stack/*.sh; uses STACK_DIR and PG_PORT.
: "${STACK_DIR:?}" "${PG_PORT:=55432}"
PG_DATA="$STACK_DIR/postgres"
PG_BIN=""

pg_install() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PG_BIN" ]; then
    echo "stack: installing PostgreSQL from Debian's packages"
    apt_install postgresql
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
}

pg_as() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

pg_start() {
  pg_install
  mkdir -p "$STACK_DIR"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA" && { [ "$(id -u)" != 0 ] || chown postgres:postgres "$PG_DATA"; }
    pg_as "$PG_BIN/initdb -D '$PG_DATA' -U postgres --auth=trust -E UTF8 >/dev/null"
    # SERIALIZABLE by default, as on CockroachDB, so tests exercise the retry path.
    cat >> "$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '$STACK_BIND'
port = $PG_PORT
unix_socket_directories = '$PG_DATA'
default_transaction_isolation = 'serializable'
max_connections = 200
fsync = on
CONF
    # extra client networks (the cluster's Pods), with passwords
    for cidr in ${STACK_PG_CLIENT_CIDRS:-}; do echo "host all all $cidr scram-sha-256" >> "$PG_DATA/pg_hba.conf"; done
    [ "$STACK_BIND" = 127.0.0.1 ] || echo "host all all $STACK_BIND/32 trust" >> "$PG_DATA/pg_hba.conf"
  fi
  if ! pg_as "$PG_BIN/pg_ctl -D '$PG_DATA' status >/dev/null 2>&1"; then
    pg_as "$PG_BIN/pg_ctl -D '$PG_DATA' -l '$PG_DATA/server.log' -w -t 60 start >/dev/null" || { tail -20 "$PG_DATA/server.log"; return 1; }
  fi
  pg_as "$PG_BIN/psql -h $STACK_BIND -p $PG_PORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='glimpse'\"" | grep -q 1 \
    || pg_as "$PG_BIN/createdb -h $STACK_BIND -p $PG_PORT -U postgres glimpse"
  export DATABASE_URL="postgres://postgres@$STACK_BIND:$PG_PORT/glimpse"
}

# Stops the primary only: the replica keeps running and streams again once the primary is
# back (the fault tests restart PostgreSQL mid-run).
pg_stop() { [ -n "$PG_BIN" ] || pg_install; pg_as "$PG_BIN/pg_ctl -D '$PG_DATA' -m fast -w stop >/dev/null 2>&1" || true; }

# A streaming replica of it (DATABASE_READ_URL for the read-replica test), on PG_REPLICA_PORT.
: "${PG_REPLICA_PORT:=$((PG_PORT + 1))}"
PG_REPLICA_DATA="$STACK_DIR/postgres-replica"
pg_replica_start() {
  [ -n "$PG_BIN" ] || pg_install
  # A replica stopped earlier may need WAL the primary has recycled since: start from a fresh
  # base backup whenever it is not running (a second or two for the stack's small cluster).
  if ! pg_as "$PG_BIN/pg_ctl -D '$PG_REPLICA_DATA' status >/dev/null 2>&1"; then
    rm -rf "$PG_REPLICA_DATA" && mkdir -p "$PG_REPLICA_DATA" && chmod 700 "$PG_REPLICA_DATA" && { [ "$(id -u)" != 0 ] || chown postgres:postgres "$PG_REPLICA_DATA"; }
    # -R writes standby.signal and primary_conninfo: a hot standby that streams from the primary.
    pg_as "$PG_BIN/pg_basebackup -h $STACK_BIND -p $PG_PORT -U postgres -D '$PG_REPLICA_DATA' -R -X stream" || return 1
    cat >> "$PG_REPLICA_DATA/postgresql.conf" <<CONF
port = $PG_REPLICA_PORT
unix_socket_directories = '$PG_REPLICA_DATA'
hot_standby = on
CONF
  fi
  if ! pg_as "$PG_BIN/pg_ctl -D '$PG_REPLICA_DATA' status >/dev/null 2>&1"; then
    pg_as "$PG_BIN/pg_ctl -D '$PG_REPLICA_DATA' -l '$PG_REPLICA_DATA/server.log' -w -t 60 start >/dev/null" || { tail -20 "$PG_REPLICA_DATA/server.log"; return 1; }
  fi
  export DATABASE_REPLICA_URL="postgres://postgres@$STACK_BIND:$PG_REPLICA_PORT/glimpse"
}
pg_replica_stop() { [ -d "$PG_REPLICA_DATA" ] && pg_as "$PG_BIN/pg_ctl -D '$PG_REPLICA_DATA' -m fast -w stop >/dev/null 2>&1"; true; }
pg_restart() { pg_stop; pg_start; }
