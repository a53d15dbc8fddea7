#!/usr/bin/env bash
# Installs the Debian packages Veyra needs to build, run and test, and only those that are
# missing. Idempotent: a second run installs nothing and takes well under a second.
# Usage: scripts/install-deps.sh [build|test|bench]   (default: test, which includes build)
set -euo pipefail

what=${1:-test}

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev ca-certificates libsqlite3-dev libsodium-dev
  libtomlplusplus-dev libspdlog-dev libfmt-dev libcli11-dev
  libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  libavformat-dev libavcodec-dev libswresample-dev libavutil-dev
)
test_pkgs=(googletest libgtest-dev clang libclang-rt-14-dev nodejs npm procps espeak-ng ffmpeg)
bench_pkgs=(wrk procps curl libbenchmark-dev)

pkgs=("${build_pkgs[@]}")
case "$what" in
  build) ;;
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 64 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  # dpkg-query is quick; a package counts as present only when fully installed
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

# Node may come from elsewhere (nvm, NodeSource): only ask Debian for it when absent.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
