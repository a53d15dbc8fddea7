#!/usr/bin/env bash
# Model-gateway benchmark: Veyra beside the mock upstream and the Portkey gateway, one run,
# one mock.
#
# Starts veyra-mock-upstream (the upstream every target answers from), veyra routing
# POST /v1/chat/completions to it, and the Portkey gateway (bench/peers/portkey) routing to
# it too, then measures the same non-streamed OpenAI chat call against
#   (a) the mock directly, (b) veyra, (c) Portkey:
#   1. added latency at one connection: wrk -t1 -c1 --latency, p50 and p99, minus the mock's
#   2. throughput at 16 and 64 connections (wrk -t2): requests/s and p99
#   3. streamed chat, time to the first "data:" chunk: bench/first_chunk.mjs, sequential
#      streams on one keep-alive connection
#   4. resident memory (VmRSS): idle after start, after the load, and while holding
#      BENCH_OPEN_STREAMS (10,000) concurrent open streams (bench/open_streams.mjs, one
#      connection each), first against a paced mock directly (can the HTTP core hold them?),
#      then through veyra to a second paced mock
# Every target must answer a non-streamed and a streamed call with 200 and a valid body
# before it is measured. If veyra answers 404 there, it reports "veyra: gateway endpoint
# missing" and goes on with the others; if Portkey cannot be installed, it says so and goes
# on. Any other failure of a target, and any wrk run with non-2xx answers or socket errors,
# is flagged in the tables and makes the exit status 1.
#
# Builds nothing: it expects build/veyra and build/veyra-mock-upstream (or VEYRA_BIN and
# VEYRA_MOCK_BIN). Portkey is installed with `npm ci` into bench/peers/portkey/node_modules
# the first time (needs the npm registry). Prints markdown tables on stdout; raw output, the
# servers' logs and the tables are kept under bench/results/gateway-<UTC time>/ (gitignored).
# Everything it starts is stopped on exit, Ctrl-C included.
#
# Environment:
#   BENCH_SECONDS         measured seconds per wrk run (default 10)
#   BENCH_WARMUP_SECONDS  unrecorded warm-up per target before its first run (default 2; 0 = none)
#   BENCH_TTFC_STREAMS    sequential streams per target for time to first chunk (default 500)
#   BENCH_OPEN_STREAMS    concurrent open streams for the memory reading (default 10000)
#   BENCH_HOLD_SECONDS    how long the open streams are held while memory is sampled (default 5)
#   BENCH_OPEN_TIMEOUT    seconds allowed to open them all (default 120)
#   BENCH_PORTKEY         0 leaves Portkey out (default 1)
#   BENCH_RESULTS_DIR     where raw output goes (default bench/results/gateway-<time>)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
veyra_bin=${VEYRA_BIN:-$repo_root/build/veyra}
mock_bin=${VEYRA_MOCK_BIN:-$repo_root/build/veyra-mock-upstream}
seconds=${BENCH_SECONDS:-10}
warmup_seconds=${BENCH_WARMUP_SECONDS:-2}
ttfc_streams=${BENCH_TTFC_STREAMS:-500}
open_streams=${BENCH_OPEN_STREAMS:-10000}
hold_seconds=${BENCH_HOLD_SECONDS:-5}
open_timeout=${BENCH_OPEN_TIMEOUT:-120}
portkey_wanted=${BENCH_PORTKEY:-1}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results_dir=${BENCH_RESULTS_DIR:-$repo_root/bench/results/gateway-$stamp}
portkey_dir=$repo_root/bench/peers/portkey
portkey_main=$portkey_dir/node_modules/@portkey-ai/gateway/build/start-server.js

chat_body='{"model":"mock-chat","messages":[{"role":"user","content":"hello"}]}'
stream_body='{"model":"mock-chat","stream":true,"messages":[{"role":"user","content":"hello"}]}'
held_body='{"model":"mock-chat-held","stream":true,"messages":[{"role":"user","content":"hello"}]}'
# The mock that keeps streams open waits this long between chunks (its maximum).
held_chunk_delay_ms=600000

die() {
  echo "gateway.sh: $*" >&2
  exit 1
}

for bin in "$veyra_bin" "$mock_bin"; do
  [[ -x $bin ]] || die "$bin not found; build it first (ninja -C build veyra veyra-mock-upstream)"
done
command -v wrk >/dev/null || die "wrk not found; install it (apt-get install -y wrk)"
command -v curl >/dev/null || die "curl not found; install it (apt-get install -y curl)"
command -v node >/dev/null || die "node not found; install Node 18 or later (apt-get install -y nodejs)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 18)) || die "node $(node --version) is too old; Node 18 or later is needed"

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/veyra-bench-XXXXXX")
mkdir -p "$results_dir/logs"
bg_pids=()  # servers and clients started in the background, stopped in reverse order on exit
fg_pid=""   # the load tool running now
# Paced mocks: their streams sleep for minutes, so a graceful drain would only wait out its
# grace period; they are killed instead.
kill_pids=()
exit_status=0
warnings=()
notes=()

# veyra rejects VEYRA_* names it does not know, VEYRA_BIN among them: start servers without any.
clean_env=(env)
while IFS= read -r name; do clean_env+=(-u "$name"); done < <(compgen -e | grep '^VEYRA_' || true)

# Stops PID with SIGNAL (default TERM), then KILL after 5 s, and reaps it. Says so when a
# process stopped with TERM crashes while shutting down.
stop_pid() {
  local pid=$1 signal=${2:-TERM} status=0
  [[ -n $pid ]] || return 0
  {
    if kill -0 "$pid" 2>/dev/null; then
      kill -"$signal" "$pid" 2>/dev/null || true
      for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" || status=$?
  } 2>/dev/null  # bash's own "Killed" job notices
  # 132 SIGILL, 134 SIGABRT, 135 SIGBUS, 136 SIGFPE, 139 SIGSEGV
  if [[ $signal == TERM ]] && [[ " 132 134 135 136 139 " == *" $status "* ]]; then
    echo "gateway.sh: ${pid_name[$pid]:-process $pid} ended by signal" \
      "SIG$(kill -l $((status - 128))) while shutting down" >&2
  fi
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  stop_pid "$fg_pid"
  local i
  for ((i = ${#bg_pids[@]} - 1; i >= 0; i--)); do
    if [[ " ${kill_pids[*]} " == *" ${bg_pids[i]} "* ]]; then
      stop_pid "${bg_pids[i]}" KILL
    else
      stop_pid "${bg_pids[i]}"
    fi
  done
  rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts a command in the background with its output in LOG; sets last_pid.
declare -A pid_name
start_bg() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  last_pid=$!
  bg_pids+=("$last_pid")
  pid_name[$last_pid]=$(basename "$log" .log)
}

# Runs a command in the background and waits for it, so a signal to this script is handled
# at once (bash defers traps while a foreground child runs) and cleanup can stop it too.
# Returns the command's status.
run_fg() {
  local status=0
  "$@" &
  fg_pid=$!
  wait "$fg_pid" || status=$?
  fg_pid=""
  return "$status"
}

# Waits up to SECONDS for a line of LOG matching the sed expression EXPR (which prints the
# port) while PID lives; echoes the port.
wait_for_port() {
  local name=$1 log=$2 expr=$3 pid=$4 timeout=$5 port=""
  local tries=$((timeout * 10))
  for _ in $(seq "$tries"); do
    port=$(sed -n -E "$expr" "$log" | head -n1)
    if [[ -n $port ]]; then
      echo "$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "gateway.sh: $name did not start listening within $timeout s; its output:" >&2
  tail -n 40 "$log" >&2
  return 1
}

rss_mib() {
  if [[ -r /proc/$1/status ]]; then
    awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
  else
    echo "—"
  fi
}

# The larger of two RSS readings ("—" counts as nothing).
max_mib() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a == "—") print b; else if (b == "—") print a; else print (a + 0 >= b + 0) ? a : b
  }'
}

# Converts a wrk duration (31.00us, 1.20ms, 2.00s) to microseconds.
to_us() {
  [[ -n $1 ]] || { echo ""; return; }
  awk -v value="$1" 'BEGIN {
    number = value + 0
    if (value ~ /us$/) factor = 1; else if (value ~ /ms$/) factor = 1000;
    else if (value ~ /m$/) factor = 60000000; else factor = 1000000
    printf "%.0f", number * factor
  }'
}

# A - B, or "—" when either is missing.
minus() {
  if [[ -z $1 || -z $2 || $1 == "—" || $2 == "—" ]]; then
    echo "—"
  else
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; printf "%s%d", (d > 0 ? "+" : ""), d }'
  fi
}

# The value of KEY in the last JSON line of FILE whose "event" is EVENT (any line if empty).
json_get() {
  node -e '
    const [file, event, key] = process.argv.slice(1);
    const lines = require("fs").readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith("{"));
    const found = lines.map((l) => JSON.parse(l)).filter((o) => !event || o.event === event).pop();
    const value = found ? found[key] : undefined;
    console.log(value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : value);
  ' "$1" "$2" "$3"
}

# Checks a saved answer: KIND "json" wants an OpenAI chat.completion with content, "sse" a
# stream of chat.completion.chunk events with content ending in "data: [DONE]". Prints why not.
validate_answer() {
  node -e '
    const [file, kind] = process.argv.slice(1);
    const text = require("fs").readFileSync(file, "utf8");
    const fail = (why) => { console.log(why + ": " + text.slice(0, 300).replace(/\s+/g, " ")); process.exit(1); };
    if (kind === "json") {
      let body;
      try { body = JSON.parse(text); } catch { fail("not JSON"); }
      if (body.object !== "chat.completion") fail("object is not chat.completion");
      const content = body.choices?.[0]?.message?.content;
      if (typeof content !== "string" || content === "") fail("no choices[0].message.content");
    } else {
      const events = text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim());
      if (events.at(-1) !== "[DONE]") fail("stream does not end with data: [DONE]");
      let content = "";
      for (const event of events.slice(0, -1)) {
        let chunk;
        try { chunk = JSON.parse(event); } catch { fail("a data: event is not JSON"); }
        if (chunk.object !== "chat.completion.chunk") fail("an event is not a chat.completion.chunk");
        content += chunk.choices?.[0]?.delta?.content ?? "";
      }
      if (content === "") fail("the stream carries no content");
    }
  ' "$1" "$2"
}

# Calls TARGET once non-streamed and once streamed. Returns 0 when both answer 200 with a
# valid body, 2 when the first answers 404, 1 otherwise; sets check_reason.
check_target() {
  local target=$1 url=$2
  local -n check_headers=${target}_headers
  local curl_args=(-sS -m 15 -X POST "$url" -H "Content-Type: application/json")
  local header code why
  for header in "${check_headers[@]}"; do curl_args+=(-H "$header"); done
  check_reason=""

  code=$(curl "${curl_args[@]}" -o "$results_dir/check-$target.json" -w '%{http_code}' \
    -d "$chat_body" 2>"$work_dir/curl.err") || code=000
  if [[ $code == 404 ]]; then
    check_reason="POST /v1/chat/completions answered 404: $(head -c 200 "$results_dir/check-$target.json")"
    return 2
  fi
  if [[ $code != 200 ]]; then
    check_reason="non-streamed chat answered $code: $(head -c 300 "$results_dir/check-$target.json" \
      "$work_dir/curl.err" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  if ! why=$(validate_answer "$results_dir/check-$target.json" json); then
    check_reason="non-streamed chat: $why"
    return 1
  fi

  code=$(curl "${curl_args[@]}" -N -o "$results_dir/check-$target-stream.txt" -w '%{http_code}' \
    -d "$stream_body" 2>"$work_dir/curl.err") || code=000
  if [[ $code != 200 ]]; then
    check_reason="streamed chat answered $code: $(head -c 300 "$results_dir/check-$target-stream.txt" \
      "$work_dir/curl.err" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  if ! why=$(validate_answer "$results_dir/check-$target-stream.txt" sse); then
    check_reason="streamed chat: $why"
    return 1
  fi
  return 0
}

# The headers each target needs, as "Name: value" (read through namerefs: ${target}_headers).
# shellcheck disable=SC2034
mock_headers=()
veyra_headers=()
portkey_headers=()
declare -A target_url target_label target_state

# --- file descriptors: 10,000 streams through veyra need two descriptors each there -------
fd_want=$((2 * open_streams + 1024))
ulimit -Hn "$fd_want" 2>/dev/null || true
fd_hard=$(ulimit -Hn)
[[ $fd_hard == unlimited ]] && fd_hard=1048576
ulimit -Sn $((fd_want < fd_hard ? fd_want : fd_hard))
fd_limit=$(ulimit -Sn)
mock_open_streams=$open_streams
veyra_open_streams=$open_streams
if ((open_streams + 256 > fd_limit)); then mock_open_streams=$((fd_limit - 256)); fi
if ((2 * open_streams + 256 > fd_limit)); then
  veyra_open_streams=$(((fd_limit - 256) / 2))
  notes+=("Open streams through veyra capped at $veyra_open_streams instead of $open_streams:" \
    "the open-files limit here is $fd_limit (hard limit $fd_hard) and veyra needs two" \
    "descriptors per stream (client and upstream). Raise the hard limit (as root with" \
    "CAP_SYS_RESOURCE, or in limits.conf) to measure $open_streams.")
fi

echo "gateway.sh: ${seconds}s per wrk run, raw output in $results_dir" >&2

# --- the mocks -------------------------------------------------------------------------------
port_from_mock_log='s/^listening on .*:([0-9]+)$/\1/p'
port_from_veyra_log='s/.* listening .*port=([0-9]+).*/\1/p'
port_from_portkey_log='s/^bench: listening on .*:([0-9]+)$/\1/p'

start_bg "$results_dir/logs/mock.log" "${clean_env[@]}" "$mock_bin" --listen 127.0.0.1:0 --quiet
mock_pid=$last_pid
mock_port=$(wait_for_port mock "$results_dir/logs/mock.log" "$port_from_mock_log" "$mock_pid" 15)

# A second mock, paced so that streams stay open, for the streams held through veyra.
start_bg "$results_dir/logs/mock-held.log" "${clean_env[@]}" "$mock_bin" --listen 127.0.0.1:0 \
  --quiet --chunk-delay-ms "$held_chunk_delay_ms"
held_mock_pid=$last_pid
kill_pids+=("$held_mock_pid")
held_mock_port=$(wait_for_port "paced mock" "$results_dir/logs/mock-held.log" \
  "$port_from_mock_log" "$held_mock_pid" 15)

target_url[mock]=http://127.0.0.1:$mock_port/v1/chat/completions
target_label[mock]="mock (direct)"
if check_target mock "${target_url[mock]}"; then
  target_state[mock]=ok
else
  die "the mock does not answer a valid chat completion: $check_reason"
fi

# --- veyra -----------------------------------------------------------------------------------
cat >"$work_dir/veyra.toml" <<EOF
listen = "127.0.0.1:0"
database_url = "sqlite://$work_dir/veyra.db"

[http]
shutdown_grace = "2s"

[log]
format = "text"
access = false

[auth]
access_token_ttl = "1h"

# The upstream pool holds 256 connections per origin by default, and the held streams need
# one each; their silence between chunks must not outlast the idle timeout while they open.
[upstream]
max_connections_per_origin = $((veyra_open_streams + 256))
idle_timeout = "10m"

[[providers]]
id = "mock"
type = "openai"
base_url = "http://127.0.0.1:$mock_port/v1"
api_key = "sk-mock"

[[providers]]
id = "mock-held"
type = "openai"
base_url = "http://127.0.0.1:$held_mock_port/v1"
api_key = "sk-mock"

[[models]]
id = "mock-chat"
capabilities = ["chat"]
deployments = [{ provider = "mock", model = "mock-chat" }]

[[models]]
id = "mock-chat-held"
capabilities = ["chat"]
deployments = [{ provider = "mock-held", model = "mock-chat" }]

[plans.free]
models = ["*"]
EOF
cp "$work_dir/veyra.toml" "$results_dir/veyra.toml"
start_bg "$results_dir/logs/veyra.log" "${clean_env[@]}" "$veyra_bin" serve \
  --config "$work_dir/veyra.toml"
veyra_pid=$last_pid
veyra_port=$(wait_for_port veyra "$results_dir/logs/veyra.log" "$port_from_veyra_log" \
  "$veyra_pid" 30) || die "veyra did not start"
veyra_base=http://127.0.0.1:$veyra_port
target_url[veyra]=$veyra_base/v1/chat/completions
target_label[veyra]="veyra"
sleep 1  # let start-up work settle before the idle reading
veyra_rss_idle=$(rss_mib "$veyra_pid")

credentials='{"email":"bench@example.com","password":"bench horse battery staple"}'
curl -fsS -m 30 -X POST "$veyra_base/v1/auth/register" \
  -d '{"email":"bench@example.com","password":"bench horse battery staple","name":"Bench"}' \
  >"$work_dir/register.json" || die "veyra: registering the bench user failed"
token=$(curl -fsS -m 30 -X POST "$veyra_base/v1/auth/login" -d "$credentials" |
  sed -n -E 's/.*"access_token":"([^"]+)".*/\1/p')
[[ -n $token ]] || die "veyra: login gave no access_token"
veyra_headers=("Authorization: Bearer $token")

if check_target veyra "${target_url[veyra]}"; then
  target_state[veyra]=ok
else
  case $? in
    2)
      target_state[veyra]="gateway endpoint missing"
      echo "veyra: gateway endpoint missing ($check_reason); measuring the others" >&2
      ;;
    *)
      target_state[veyra]="FAILED: $check_reason"
      echo "gateway.sh: FAILED: veyra does not answer a valid chat completion: $check_reason" >&2
      exit_status=1
      ;;
  esac
fi

# --- Portkey ---------------------------------------------------------------------------------
target_label[portkey]="portkey"
if [[ $portkey_wanted == 0 ]]; then
  target_state[portkey]="left out (BENCH_PORTKEY=0)"
else
  if [[ ! -f $portkey_main || $portkey_dir/package-lock.json -nt \
    $portkey_dir/node_modules/.package-lock.json ]]; then
    echo "gateway.sh: installing Portkey (npm ci in $portkey_dir)" >&2
    if ! (cd "$portkey_dir" && npm ci --no-audit --no-fund --loglevel=error) \
      >"$results_dir/logs/portkey-npm.log" 2>&1; then
      tail -n 20 "$results_dir/logs/portkey-npm.log" >&2
    fi
  fi
  if [[ ! -f $portkey_main ]]; then
    target_state[portkey]="not installed (npm ci failed; see logs/portkey-npm.log)"
    echo "gateway.sh: Portkey could not be installed; measuring the others" >&2
  else
    start_bg "$results_dir/logs/portkey.log" env NODE_OPTIONS="--require $portkey_dir/loopback.cjs" \
      node "$portkey_main" --port=0 --headless
    portkey_pid=$last_pid
    if portkey_port=$(wait_for_port portkey "$results_dir/logs/portkey.log" \
      "$port_from_portkey_log" "$portkey_pid" 60); then
      target_url[portkey]=http://127.0.0.1:$portkey_port/v1/chat/completions
      # shellcheck disable=SC2034
      portkey_headers=("x-portkey-provider: openai"
        "x-portkey-custom-host: http://127.0.0.1:$mock_port/v1"
        "Authorization: Bearer anything")
      sleep 1
      portkey_rss_idle=$(rss_mib "$portkey_pid")
      if check_target portkey "${target_url[portkey]}"; then
        target_state[portkey]=ok
      else
        target_state[portkey]="FAILED: $check_reason"
        echo "gateway.sh: FAILED: Portkey does not answer a valid chat completion: $check_reason" >&2
        exit_status=1
      fi
    else
      target_state[portkey]="FAILED: did not start (see logs/portkey.log)"
      exit_status=1
    fi
  fi
fi

targets=()
for target in mock veyra portkey; do
  [[ ${target_state[$target]:-} == ok ]] && targets+=("$target")
done
mock_rss_idle=$(rss_mib "$mock_pid")
held_mock_rss_idle=$(rss_mib "$held_mock_pid")

# --- 1 and 2: wrk ----------------------------------------------------------------------------
declare -A rps p50 p99 errs

warm_up() {
  local target=$1 header wrk_args=()
  local -n warm_headers=${target}_headers
  for header in "${warm_headers[@]}"; do wrk_args+=(-H "$header"); done
  if ((warmup_seconds > 0)); then
    run_fg env BENCH_CHAT_BODY="$chat_body" wrk -t2 -c16 -d"${warmup_seconds}s" \
      -s "$repo_root/bench/lua/chat.lua" "${wrk_args[@]}" "${target_url[$target]}" >/dev/null ||
      true
  fi
}

# Runs wrk against TARGET with THREADS and CONNS and records its numbers.
measure() {
  local target=$1 threads=$2 conns=$3 header wrk_args=()
  local -n wrk_headers=${target}_headers
  for header in "${wrk_headers[@]}"; do wrk_args+=(-H "$header"); done
  local out=$results_dir/wrk-$target-c$conns.txt key=$target,$conns
  run_fg env BENCH_CHAT_BODY="$chat_body" wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency \
    -s "$repo_root/bench/lua/chat.lua" "${wrk_args[@]}" "${target_url[$target]}" >"$out" || true

  rps[$key]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")
  p50[$key]=$(to_us "$(awk '$1 == "50%" { print $2 }' "$out")")
  p99[$key]=$(to_us "$(awk '$1 == "99%" { print $2 }' "$out")")
  local socket non2xx
  socket=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$out")
  socket=${socket:-0}
  non2xx=${non2xx:-0}
  if [[ -z ${rps[$key]} ]]; then
    errs[$key]="**⚠ wrk failed**"
    warnings+=("wrk against $target at $conns connections produced no result (see $out)")
    exit_status=1
  elif ((socket + non2xx > 0)); then
    errs[$key]="**⚠ $non2xx non-2xx, $socket socket**"
    warnings+=("$target at $conns connections: $non2xx non-2xx answers, $socket socket errors")
    exit_status=1
  else
    errs[$key]=0
  fi
}

for conns in 1 16 64; do
  for target in "${targets[@]}"; do
    if [[ $conns == 1 ]]; then warm_up "$target"; fi
    echo "gateway.sh: wrk $target, $conns connection(s)" >&2
    if [[ $conns == 1 ]]; then measure "$target" 1 1; else measure "$target" 2 "$conns"; fi
  done
done

# --- 3: time to first chunk ------------------------------------------------------------------
declare -A ttfc_p50 ttfc_p99 ttfc_errs
for target in "${targets[@]}"; do
  echo "gateway.sh: $ttfc_streams sequential streams, $target" >&2
  declare -n ttfc_headers=${target}_headers
  node_args=()
  for header in "${ttfc_headers[@]}"; do node_args+=(--header "$header"); done
  unset -n ttfc_headers
  out=$results_dir/first-chunk-$target.json
  run_fg node "$repo_root/bench/first_chunk.mjs" --url "${target_url[$target]}" \
    --count "$ttfc_streams" --body "$stream_body" "${node_args[@]}" >"$out" || true
  ttfc_p50[$target]=$(json_get "$out" "" p50_us)
  ttfc_p99[$target]=$(json_get "$out" "" p99_us)
  errors=$(json_get "$out" "" errors)
  if [[ -z $errors ]]; then
    ttfc_errs[$target]="**⚠ no result**"
    warnings+=("first_chunk.mjs against $target produced no result (see $out)")
    exit_status=1
  elif ((errors > 0)); then
    ttfc_errs[$target]="**⚠ $errors**"
    warnings+=("$target: $errors of the streams failed: $(json_get "$out" "" first_error)")
    exit_status=1
  else
    ttfc_errs[$target]=0
  fi
done

sleep 1
veyra_rss_load=$(rss_mib "$veyra_pid")
mock_rss_load=$(rss_mib "$mock_pid")
portkey_rss_load=${portkey_pid:+$(rss_mib "$portkey_pid")}

# --- 4: open streams -------------------------------------------------------------------------
declare -A streams_row

# Opens COUNT streams to URL with open_streams.mjs, holds them for hold_seconds while sampling
# the RSS of the PIDs given after --, and records a row for LABEL. Sets held_rss[PID].
declare -A held_rss
hold_streams() {
  local label=$1 slug=$2 url=$3 count=$4 body=$5
  shift 5
  local header_args=()
  while [[ $# -gt 0 && $1 != -- ]]; do
    header_args+=(--header "$1")
    shift
  done
  shift
  local pids=("$@") out=$results_dir/open-streams-$slug.json pid
  for pid in "${pids[@]}"; do held_rss[$pid]="—"; done

  echo "gateway.sh: opening $count streams, $label" >&2
  node "$repo_root/bench/open_streams.mjs" --url "$url" --count "$count" --body "$body" \
    --timeout "$open_timeout" --hold $((open_timeout + hold_seconds + 60)) "${header_args[@]}" \
    >"$out" 2>"$results_dir/logs/open-streams-$slug.log" &
  fg_pid=$!
  local waited=0
  until grep -q '"event":"ready"' "$out" 2>/dev/null; do
    if ! kill -0 "$fg_pid" 2>/dev/null || ((waited > (open_timeout + 30) * 10)); then break; fi
    sleep 0.1
    waited=$((waited + 1))
  done
  if grep -q '"event":"ready"' "$out" 2>/dev/null; then
    local _
    for _ in $(seq "$hold_seconds"); do
      sleep 1
      for pid in "${pids[@]}"; do held_rss[$pid]=$(max_mib "${held_rss[$pid]}" "$(rss_mib "$pid")"); done
    done
  fi
  stop_pid "$fg_pid"
  fg_pid=""

  local opened failed still_open took first_failure
  opened=$(json_get "$out" ready opened)
  failed=$(json_get "$out" ready failed)
  took=$(json_get "$out" ready seconds)
  still_open=$(json_get "$out" closed open_now)
  first_failure=$(json_get "$out" ready first_failure)
  local flag=""
  if [[ -z $opened ]]; then
    flag=" **⚠ no result**"
    warnings+=("open_streams.mjs ($label) produced no result (see $out)")
    exit_status=1
  elif ((opened < count)) || [[ -n $still_open && $still_open -lt $opened ]]; then
    flag=" **⚠**"
    warnings+=("$label: $opened of $count streams opened, ${still_open:-?} still open after the hold; first failure: ${first_failure:-none}")
    exit_status=1
  fi
  streams_row[$slug]="| $count | ${opened:-—}$flag | ${failed:-—} | ${took:-—} | ${still_open:-—} |"
}

echo "gateway.sh: starting a paced mock for the streams held on it directly" >&2
start_bg "$results_dir/logs/mock-direct-held.log" "${clean_env[@]}" "$mock_bin" \
  --listen 127.0.0.1:0 --quiet --chunk-delay-ms "$held_chunk_delay_ms"
direct_mock_pid=$last_pid
kill_pids+=("$direct_mock_pid")
direct_mock_port=$(wait_for_port "paced mock" "$results_dir/logs/mock-direct-held.log" \
  "$port_from_mock_log" "$direct_mock_pid" 15)
sleep 1
hold_streams "mock (direct)" mock "http://127.0.0.1:$direct_mock_port/v1/chat/completions" \
  "$mock_open_streams" "$stream_body" -- "$direct_mock_pid"
direct_mock_rss_held=${held_rss[$direct_mock_pid]}
# Its streams sleep until their next chunk: stop it now so their descriptors go away.
stop_pid "$direct_mock_pid" KILL

if [[ ${target_state[veyra]} == ok ]]; then
  hold_streams "veyra" veyra "${target_url[veyra]}" "$veyra_open_streams" "$held_body" \
    "${veyra_headers[@]}" -- "$veyra_pid" "$held_mock_pid"
  veyra_rss_held=${held_rss[$veyra_pid]}
  held_mock_rss_held=${held_rss[$held_mock_pid]}
fi

# --- report ----------------------------------------------------------------------------------
{
  echo "Non-streamed chat through each target to the same veyra-mock-upstream (its default"
  echo "16-token answer), wrk --latency with bench/lua/chat.lua, ${seconds} s per run; body"
  echo "\`$chat_body\`."
  for target in mock veyra portkey; do
    if [[ ${target_state[$target]:-} != ok ]]; then
      echo
      echo "**${target_label[$target]}: ${target_state[$target]:-not run}**"
    fi
  done
  echo
  echo "Added latency, 1 connection (wrk -t1 -c1):"
  echo
  echo "| target | requests/s | p50 µs | p99 µs | p50 over mock | p99 over mock | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for target in "${targets[@]}"; do
    k=$target,1
    echo "| ${target_label[$target]} | ${rps[$k]} | ${p50[$k]} | ${p99[$k]}" \
      "| $(if [[ $target == mock ]]; then echo —; else minus "${p50[$k]}" "${p50[mock,1]}"; fi)" \
      "| $(if [[ $target == mock ]]; then echo —; else minus "${p99[$k]}" "${p99[mock,1]}"; fi)" \
      "| ${errs[$k]} |"
  done
  echo
  echo "Throughput (wrk -t2):"
  echo
  echo "| target | connections | requests/s | p50 µs | p99 µs | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  for conns in 16 64; do
    for target in "${targets[@]}"; do
      k=$target,$conns
      echo "| ${target_label[$target]} | $conns | ${rps[$k]} | ${p50[$k]} | ${p99[$k]} | ${errs[$k]} |"
    done
  done
  echo
  echo "Streamed chat, time to the first \`data:\` chunk ($ttfc_streams sequential streams on one"
  echo "keep-alive connection after 20 unrecorded, bench/first_chunk.mjs), µs:"
  echo
  echo "| target | p50 µs | p99 µs | p50 over mock | p99 over mock | failed streams |"
  echo "|---|---:|---:|---:|---:|---:|"
  for target in "${targets[@]}"; do
    echo "| ${target_label[$target]} | ${ttfc_p50[$target]} | ${ttfc_p99[$target]}" \
      "| $(if [[ $target == mock ]]; then echo —; else minus "${ttfc_p50[$target]}" "${ttfc_p50[mock]}"; fi)" \
      "| $(if [[ $target == mock ]]; then echo —; else minus "${ttfc_p99[$target]}" "${ttfc_p99[mock]}"; fi)" \
      "| ${ttfc_errs[$target]} |"
  done
  echo
  echo "Concurrent open streams (bench/open_streams.mjs, one connection each, the mock pacing"
  echo "chunks ${held_chunk_delay_ms} ms apart), held ${hold_seconds} s while memory is sampled:"
  echo
  echo "| target | streams asked | open (first chunk in) | failed | seconds to open | still open after hold |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| paced mock (direct) ${streams_row[mock]}"
  if [[ -n ${streams_row[veyra]:-} ]]; then
    echo "| veyra → paced mock ${streams_row[veyra]}"
  else
    echo "| veyra → paced mock | $veyra_open_streams | not run: veyra ${target_state[veyra]} | | | |"
  fi
  echo
  echo "Resident memory (VmRSS, MiB; \"holding\" is the largest reading during the hold):"
  echo
  echo "| process | idle after start | after load | holding the open streams |"
  echo "|---|---:|---:|---:|"
  echo "| veyra | $veyra_rss_idle | $(if [[ ${target_state[veyra]} == ok ]]; then echo "$veyra_rss_load"; else echo —; fi)" \
    "| ${veyra_rss_held:-—} |"
  echo "| mock (every load above) | $mock_rss_idle | $mock_rss_load | — |"
  echo "| paced mock, streams direct | — | — | $direct_mock_rss_held |"
  echo "| paced mock, streams behind veyra | $held_mock_rss_idle | — | ${held_mock_rss_held:-—} |"
  if [[ -n ${portkey_pid:-} ]]; then
    echo "| portkey (reference) | ${portkey_rss_idle:-—} | ${portkey_rss_load:-—} | — |"
  fi
  if ((${#notes[@]} > 0)); then
    echo
    echo "Note: ${notes[*]}"
  fi
  if ((${#warnings[@]} > 0)); then
    echo
    echo "**Warnings:**"
    for warning in "${warnings[@]}"; do echo "- $warning"; done
  fi
} | tee "$results_dir/summary.md"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "kernel: $(uname -sr)"
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk: $(wrk -v 2>&1 | head -n1)"
  echo "node: $(node --version)"
  echo "portkey: $(node -p "require('$portkey_dir/node_modules/@portkey-ai/gateway/package.json').version" 2>/dev/null || echo none)"
  echo "veyra: $("${clean_env[@]}" "$veyra_bin" version 2>&1 | head -n1)"
  echo "git: $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo none)"
  echo "seconds: $seconds; open files limit: $fd_limit (hard $fd_hard)"
  for target in mock veyra portkey; do echo "$target: ${target_state[$target]:-not run}"; done
} >"$results_dir/machine.txt"

exit "$exit_status"
