#!/usr/bin/env bash
# Makes sure the Debian packages the tests need are present: today the PostgreSQL 15 server binaries, for the
# throwaway cluster of scripts/postgres-temp.sh. (better-sqlite3's build tools matter only at npm install.)
# As root it installs what is missing; otherwise it names the command to run and fails.
set -euo pipefail

PG_BIN="${UNDERSTUDY_PG_BIN:-/usr/lib/postgresql/15/bin}"
packages=(postgresql-15)

missing() {
  for binary in initdb pg_ctl postgres; do
    [[ -x "$PG_BIN/$binary" ]] || return 0
  done
  return 1
}

if ! missing; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "understudy tests need PostgreSQL 15 server binaries: run 'sudo apt-get install -y --no-install-recommends ${packages[*]}'" >&2
  exit 1
fi

echo "ensure-system-packages: installing ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

if missing; then
  echo "ensure-system-packages: ${packages[*]} installed, but $PG_BIN/initdb or pg_ctl is still missing" >&2
  exit 1
fi
