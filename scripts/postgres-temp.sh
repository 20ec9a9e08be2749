#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and CI.
#
#   scripts/postgres-temp.sh start DIR PORT   # prints postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/postgres-temp.sh stop  DIR [PORT] # stops the server and deletes DIR
#
# Listens on 127.0.0.1 only, trusts every loopback connection, and runs with fsync off: the data is disposable,
# and durability only slows tests down. `start` on a running cluster just prints the URL again.
# initdb refuses to run as root, so as root DIR is handed to the `postgres` user and the server runs as it.
set -euo pipefail

PG_BIN="${UNDERSTUDY_PG_BIN:-/usr/lib/postgresql/15/bin}"

usage() {
  echo "usage: $0 start|stop DIR [PORT]" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
command="$1"
dir="$2"
port="${3:-}"
data="$dir/data"
log="$dir/postgres.log"

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [[ -f "$data/PG_VERSION" ]] && as_owner "$PG_BIN/pg_ctl" status -D "$data" >/dev/null 2>&1
}

start() {
  [[ -n "$port" ]] || usage
  for binary in initdb pg_ctl postgres; do
    if [[ ! -x "$PG_BIN/$binary" ]]; then
      echo "postgres-temp: $PG_BIN/$binary is missing; run scripts/ensure-system-packages.sh" >&2
      exit 1
    fi
  done
  if is_running; then
    # Already up: report the port it really listens on (line 4 of postmaster.pid), which may differ from PORT.
    echo "postgres://postgres@127.0.0.1:$(sed -n 4p "$data/postmaster.pid")/postgres"
    return
  fi
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_owner "$PG_BIN/initdb" --pgdata="$data" --username=postgres --auth=trust --encoding=UTF8 --locale=C \
      --no-sync >"$dir/initdb.log" 2>&1 || {
      echo "postgres-temp: initdb failed:" >&2
      tail -n 20 "$dir/initdb.log" >&2
      exit 1
    }
  fi
  # The socket goes into DIR too, so this cluster never collides with a system one in /var/run/postgresql.
  if ! as_owner "$PG_BIN/pg_ctl" start --pgdata="$data" --log="$log" --wait --timeout=30 --silent \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null; then
    echo "postgres-temp: the server did not start on 127.0.0.1:$port:" >&2
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  if is_running; then
    as_owner "$PG_BIN/pg_ctl" stop --pgdata="$data" --mode=fast --wait --silent >/dev/null
  fi
  rm -rf "$dir"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
