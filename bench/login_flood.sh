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

printf 'listen = "127.0.0.1:0"\ndatabase_url = "sqlite://%s/veyra.db"\n\n[log]\naccess = false\n' \
  "$work_dir" >"$work_dir/veyra.toml"
"${clean_env[@]}" "$veyra_bin" serve --config "$work_dir/veyra.toml" >"$work_dir/veyra.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 150); do
  port=$(sed -n -E 's/.* listening .*port=([0-9]+).*/\1/p' "$work_dir/veyra.log" | head -n1)
  [[ -n $port ]] && break
  sleep 0.1
done
[[ -n $port ]] || { cat "$work_dir/veyra.log" >&2; exit 1; }
base=http://127.0.0.1:$port
body="{\"email\":\"bench@example.com\",\"password\":\"$password\"}"

curl -fsS -X POST "$base/v1/auth/register" -d "$body" >/dev/null
token=$(curl -fsS -X POST "$base/v1/auth/login" -d "$body" |
  sed -E 's/.*"access_token":"([^"]+)".*/\1/')
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' \
  "'$body'" >"$work_dir/login.lua"

account() {
  wrk -t1 -c4 -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base/v1/account"
}
login_flood() {
  wrk -t1 -c8 -d"$1s" --latency -s "$work_dir/login.lua" "$base/v1/auth/login"
}

account >"$results_dir/account_baseline.txt"
login_flood "$seconds" >"$results_dir/logins_alone.txt"
login_flood $((seconds + 2)) >"$results_dir/logins_flood.txt" &
flood_pid=$!
sleep 1
account >"$results_dir/account_during_flood.txt"
wait "$flood_pid" || true
flood_pid=""

# One table row: requests/s, p50, p99, non-2xx answers.
summary() {
  local file=$1 rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$file")
  p50=$(awk '$1 == "50%" { print $2 }' "$file")
  p99=$(awk '$1 == "99%" { print $2 }' "$file")
  errors=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$file")
  echo "| $rps | $p50 | $p99 | ${errors:-0} |"
}

echo "login_flood.sh: ${seconds} s per run, default Argon2id (19456 KiB, 2 passes), $(nproc) cores"
echo
echo "| run | requests/s | p50 | p99 | non-2xx |"
echo "|---|---:|---:|---:|---:|"
echo "| GET /v1/account, -c4, alone $(summary "$results_dir/account_baseline.txt")"
echo "| POST /v1/auth/login, -c8, alone $(summary "$results_dir/logins_alone.txt")"
echo "| POST /v1/auth/login, -c8, beside the account calls $(summary "$results_dir/logins_flood.txt")"
echo "| GET /v1/account, -c4, during the login flood $(summary "$results_dir/account_during_flood.txt")"
echo
echo "raw output: $results_dir"
