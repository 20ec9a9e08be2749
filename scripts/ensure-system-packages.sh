#!/usr/bin/env bash
# Makes sure the Debian packages the tests need are present:
#   postgresql-15         server binaries for the throwaway cluster of scripts/postgres-temp.sh;
#   python3-torch         Debian's CPU-only torch 1.13 for the LoRA training worker (PyPI's torch is the CUDA
#                         build: ~5 GB with its nvidia wheels, and it does not import without them);
#   libopenblas0-pthread  a threaded BLAS for that torch (2-3x faster matmuls than the reference BLAS);
#   python3-venv          Debian's python3.11 venv module, for the worker's venv with system site packages;
#   chromium              the browser playwright-core drives in the dashboard's end-to-end tests
#                         (src/gateway/dashboard-browser.test.ts; UNDERSTUDY_CHROMIUM names another binary).
# As root it installs what is missing (about 70 s for the torch stack); otherwise it names the command to run
# and fails. (better-sqlite3's build tools matter only at npm install.)
set -euo pipefail

PG_BIN="${UNDERSTUDY_PG_BIN:-/usr/lib/postgresql/15/bin}"
wanted=(postgresql-15 python3-torch libopenblas0-pthread python3-venv chromium)

installed() {
  local package="$1"
  if [[ "$package" == postgresql-15 ]]; then
    for binary in initdb pg_ctl postgres; do
      [[ -x "$PG_BIN/$binary" ]] || return 1
    done
    return 0
  fi
  [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" == "install ok installed" ]]
}

missing_packages() {
  local package
  for package in "${wanted[@]}"; do
    installed "$package" || echo "$package"
  done
}

mapfile -t missing < <(missing_packages)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "understudy tests need Debian packages: run 'sudo apt-get install -y --no-install-recommends ${missing[*]}'" >&2
  exit 1
fi

echo "ensure-system-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

mapfile -t still_missing < <(missing_packages)
if [[ ${#still_missing[@]} -gt 0 ]]; then
  echo "ensure-system-packages: installed ${missing[*]}, but ${still_missing[*]} still missing (for PostgreSQL: $PG_BIN/initdb or pg_ctl)" >&2
  exit 1
fi
