# A throwaway PostgreSQL 15 cluster on a free loopback port, for tests and benchmarks.
# wb_pg_start exports WANGBAN_TEST_PG_HOST/PORT/USER/PASSWORD (and PGHOST.. for psql);
# wb_pg_stop removes the cluster. Runs the server as the `postgres` user when root.

WB_PG_BIN=/usr/lib/postgresql/15/bin

wb_pg_run() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wb_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wb_pg_start() {
  WB_PG_DIR=$(mktemp -d /tmp/wangban-pg.XXXXXX)
  chmod 755 "$WB_PG_DIR"
  local password
  password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$WB_PG_DIR/pwfile"
  [ "$(id -u)" = 0 ] && chown -R postgres "$WB_PG_DIR"
  wb_pg_run "$WB_PG_BIN/initdb" -D "$WB_PG_DIR/data" -U wangban --pwfile="$WB_PG_DIR/pwfile" \
    --auth=scram-sha-256 -E UTF8 --no-locale >"$WB_PG_DIR/initdb.log" 2>&1 ||
    { cat "$WB_PG_DIR/initdb.log" >&2; return 1; }
  local port tries=0
  while :; do
    port=$((20000 + RANDOM % 30000))
    if wb_port_free "$port" && wb_pg_run "$WB_PG_BIN/pg_ctl" -D "$WB_PG_DIR/data" -w -t 60 -l "$WB_PG_DIR/server.log" \
         -o "-p $port -k $WB_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null; then
      break
    fi
    tries=$((tries + 1))
    [ "$tries" -lt 5 ] || { cat "$WB_PG_DIR/server.log" >&2; return 1; }
  done
  export WANGBAN_TEST_PG_HOST=127.0.0.1 WANGBAN_TEST_PG_PORT=$port WANGBAN_TEST_PG_USER=wangban
  export WANGBAN_TEST_PG_PASSWORD=$password
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=wangban PGPASSWORD=$password
  wb_say "PostgreSQL 15 on 127.0.0.1:$port (cluster in $WB_PG_DIR)"
}

wb_pg_stop() {
  [ -n "${WB_PG_DIR:-}" ] && [ -d "$WB_PG_DIR" ] || return 0
  wb_pg_run "$WB_PG_BIN/pg_ctl" -D "$WB_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WB_PG_DIR"
  WB_PG_DIR=
}
