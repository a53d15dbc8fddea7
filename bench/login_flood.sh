#!/usr/bin/env bash
# Sign-in cost and isolation: how many password logins per second Veyra sustains at the
# default Argon2id cost (19 MiB, 2 passes), and whether a login flood slows authenticated
# calls that do not hash (DESIGN.md budget: their p99 stays under 5 ms).
#
# Runs, with wrk --latency against one veyra (access log off, default Argon2id):
#   1. GET /v1/account with an access token, -t1 -c4     (baseline: token check + one DB read)
#   2. POST /v1/auth/login, -t1 -c8                     (logins per second alone)
#   3. run 1 again while run 2 floods beside it          (the isolation the budget speaks to)
#
# Environment: VEYRA_BIN (default build/veyra), BENCH_SECONDS (default 10),
# BENCH_RESULTS_DIR (default bench/results/login_flood-<UTC stamp>).
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
veyra_bin=${VEYRA_BIN:-$repo_root/build/veyra}
seconds=${BENCH_SECONDS:-10}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results_dir=${BENCH_RESULTS_DIR:-$repo_root/bench/results/login_flood-$stamp}
password="bench horse battery staple"

[[ -x $veyra_bin ]] || { echo "login_flood.sh: build $veyra_bin first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "login_flood.sh: apt-get install -y wrk" >&2; exit 1; }

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/veyra-bench-XXXXXX")
mkdir -p "$results_dir"
server_pid=""
flood_pid=""
clean_env=(env)
while IFS= read -r name; do clean_env+=(-u "$name"); done < <(compgen -e | grep '^VEYRA_' || true)

cleanup() {
  [[ -n $flood_pid ]] && kill -TERM "$flood_pid" 2>/dev/null || true
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cat >"$work_dir/veyra.toml" <<EOF
listen = "127.0.0.1:0"
database_url = "sqlite://$work_dir/veyra.db"

[log]
access = false
