#!/usr/bin/env bash
# HTTP core benchmark: what the listener, parser, router and response writer cost on their own.
#
# Measures GET /healthz (no database, no upstream) with wrk --latency against
#   1. veyra with the access log off   (the core itself)
#   2. veyra with the access log on    (what one JSON log line per request adds)
#   3. veyra-mock-upstream --quiet      (a reference: the same HTTP stack with no gateway around,
#                                        answering the same /healthz body)
# each at 1 connection (-t1 -c1) and 64 connections (-t2 -c64), plus veyra's resident memory
# (VmRSS) when idle after start and again after the load.
#
# Builds nothing: it expects build/veyra and build/veyra-mock-upstream (or VEYRA_BIN and
# VEYRA_MOCK_BIN). Prints a markdown table on stdout; raw wrk output and the table are kept
# under bench/results/http_core-<UTC time>/ (gitignored). Everything it starts is stopped on
# exit, Ctrl-C included.
#
# Environment:
#   BENCH_SECONDS         measured seconds per run (default 10)
#   BENCH_WARMUP_SECONDS  unrecorded warm-up per server before its runs (default 2; 0 = none)
#   BENCH_RESULTS_DIR     where raw output goes (default bench/results/http_core-<time>)
#   BENCH_MOCK_PATH       path requested from the mock (default /healthz)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
veyra_bin=${VEYRA_BIN:-$repo_root/build/veyra}
mock_bin=${VEYRA_MOCK_BIN:-$repo_root/build/veyra-mock-upstream}
seconds=${BENCH_SECONDS:-10}
warmup_seconds=${BENCH_WARMUP_SECONDS:-2}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results_dir=${BENCH_RESULTS_DIR:-$repo_root/bench/results/http_core-$stamp}
mock_path=${BENCH_MOCK_PATH:-/healthz}

for bin in "$veyra_bin" "$mock_bin"; do
  if [[ ! -x $bin ]]; then
    echo "http_core.sh: $bin not found;" \
      "build it first (ninja -C build veyra veyra-mock-upstream)" >&2
    exit 1
  fi
done
if ! command -v wrk >/dev/null; then
  echo "http_core.sh: wrk not found; install it (apt-get install -y wrk)" >&2
  exit 1
fi

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/veyra-bench-XXXXXX")
mkdir -p "$results_dir"
server_pid=""
wrk_pid=""

# veyra rejects VEYRA_* names it does not know, VEYRA_BIN among them: start servers without any.
clean_env=(env)
while IFS= read -r name; do clean_env+=(-u "$name"); done < <(compgen -e | grep '^VEYRA_' || true)

stop_server() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
wrk_pid=""
}

cleanup() {
  if [[ -n $wrk_pid ]]; then kill -TERM "$wrk_pid" 2>/dev/null || true; fi
  stop_server
  rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until LOG has a line matching the sed expression EXPR (which prints the port); echoes it.
wait_for_port() {
  local log=$1 expr=$2 port=""
  for _ in $(seq 150); do
    port=$(sed -n -E "$expr" "$log" | head -n1)
    if [[ -n $port ]]; then
      echo "$port"
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "http_core.sh: server did not start; its output:" >&2
  cat "$log" >&2
  return 1
}

# Starts veyra with the access log on or off (ACCESS = true|false); sets server_pid, echoes port.
start_veyra() {
  local name=$1 access=$2
  local config=$work_dir/$name.toml log=$work_dir/$name.log
  cat >"$config" <<EOF
listen = "127.0.0.1:0"
database_url = "sqlite://$work_dir/$name.db"

[log]
format = "text"
access = $access
EOF
  "${clean_env[@]}" "$veyra_bin" serve --config "$config" >"$log" 2>&1 &
  server_pid=$!
}

start_mock() {
  "${clean_env[@]}" "$mock_bin" --listen 127.0.0.1:0 --quiet >"$work_dir/mock.log" 2>&1 &
  server_pid=$!
}

rss_mib() {
  awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# Converts a wrk duration (31.00us, 1.20ms, 2.00s) to microseconds.
to_us() {
  awk -v value="$1" 'BEGIN {
    number = value + 0
    if (value ~ /us$/) factor = 1; else if (value ~ /ms$/) factor = 1000;
    else if (value ~ /m$/) factor = 60000000; else factor = 1000000
    printf "%.0f", number * factor
  }'
}

# Runs wrk in the background and waits for it, so a signal to this script is handled at once
# (bash defers traps while a foreground child runs) and cleanup can stop wrk too.
run_wrk() {
  wrk "$@" &
  wrk_pid=$!
  wait "$wrk_pid"
  wrk_pid=""
}

rows=()
memory_rows=()

# Runs wrk against URL and appends a table row. LABEL names the server, THREADS/CONNS the load.
measure() {
  local label=$1 url=$2 threads=$3 conns=$4
  local slug out
  slug=$(echo "$label" | tr -cs 'A-Za-z0-9' '-' | sed 's/-*$//')
  out=$results_dir/$slug-c$conns.txt
  run_wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency "$url" >"$out"

  local rps p50 p90 p99 errors non2xx
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
  p50=$(to_us "$(awk '$1 == "50%" { print $2 }' "$out")")
  p90=$(to_us "$(awk '$1 == "90%" { print $2 }' "$out")")
  p99=$(to_us "$(awk '$1 == "99%" { print $2 }' "$out")")
  errors=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$out")
  local row="| $label | $conns (-t$threads) | $rps | $p50 | $p90 | $p99"
  rows+=("$row | ${errors:-0} | ${non2xx:-0} |")
}

warm_up() {
  if ((warmup_seconds > 0)); then
    run_wrk -t2 -c64 -d"${warmup_seconds}s" "$1" >/dev/null
  fi
}

# Runs the two loads against the server started last and records its memory around them.
bench_server() {
  local label=$1 url=$2
  sleep 1  # let start-up work (migrations, thread creation) settle before the idle reading
  local idle_rss
  idle_rss=$(rss_mib "$server_pid")
  warm_up "$url"
  measure "$label" "$url" 1 1
  measure "$label" "$url" 2 64
  memory_rows+=("| $label | $idle_rss | $(rss_mib "$server_pid") |")
  stop_server
}

port_from_text_log='s/.* listening .*port=([0-9]+).*/\1/p'
port_from_mock_log='s/^listening on .*:([0-9]+)$/\1/p'

echo "http_core.sh: ${seconds}s per run, raw output in $results_dir" >&2

start_veyra access-off false
port=$(wait_for_port "$work_dir/access-off.log" "$port_from_text_log")
bench_server "veyra, access log off" "http://127.0.0.1:$port/healthz"

start_veyra access-on true
port=$(wait_for_port "$work_dir/access-on.log" "$port_from_text_log")
bench_server "veyra, access log on" "http://127.0.0.1:$port/healthz"

start_mock
port=$(wait_for_port "$work_dir/mock.log" "$port_from_mock_log")
bench_server "mock upstream (reference)" "http://127.0.0.1:$port$mock_path"

{
  echo "GET /healthz (mock: GET $mock_path), wrk --latency, ${seconds} s per run; latencies in µs."
  echo
  echo "| server | connections | requests/s | p50 µs | p90 µs | p99 µs | socket errors" \
    "| non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "| server | RSS idle after start (MiB) | RSS after load (MiB) |"
  echo "|---|---:|---:|"
  printf '%s\n' "${memory_rows[@]}"
} | tee "$results_dir/summary.md"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "kernel: $(uname -sr)"
  echo "wrk: $(wrk -v 2>&1 | head -n1)"
  echo "veyra: $("${clean_env[@]}" "$veyra_bin" version 2>&1 | head -n1)"
  echo "git: $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "seconds: $seconds"
} >"$results_dir/machine.txt"
