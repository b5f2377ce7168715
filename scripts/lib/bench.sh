# Shared by scripts/load.sh and scripts/proxy-load.sh (sourced, not run):
# the tools they need, the release binary they measure, and waiting for a
# listener. Expects `set -euo pipefail` and $WORK (a private temp dir).

need() { command -v "$1" >/dev/null 2>&1; }

# need_tools TOOL... : installs the missing ones from Debian with apt-get when
# running as root, else exits 2 naming them. (nginx lives in /usr/sbin, which
# a non-login root shell may lack.)
need_tools() {
  need nginx || PATH="$PATH:/usr/sbin"
  local missing=() t
  for t in "$@"; do need "$t" || missing+=("$t"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && need apt-get; then
    echo "== installing ${missing[*]} (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${missing[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
  else
    echo "${missing[*]} missing: apt-get install ${missing[*]}" >&2
    exit 2
  fi
}

# private_binary: builds the release binary (unless NO_BUILD is set) and sets
# BIN to a private copy of it (or of $BIN when given), so that a build
# elsewhere cannot swap the binary mid-run.
private_binary() {
  if [ -z "${NO_BUILD:-}" ]; then
    echo "== cargo build --release --locked --bin cognito-bff" >&2
    cargo build --release --locked --bin cognito-bff >&2
  fi
  local src=${BIN:-${CARGO_TARGET_DIR:-target}/release/cognito-bff}
  cp "$src" "$WORK/cognito-bff"
  BIN="$WORK/cognito-bff"
}

now_ns() { date +%s%N; }

# wait_http URL [TRIES]: until URL answers 200, polling every 5 ms.
wait_http() {
  local i
  for ((i = 0; i < ${2:-2000}; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null || true)" = 200 ] && return 0
    sleep 0.005
  done
  echo "no 200 from $1" >&2
  return 1
}
