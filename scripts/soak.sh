#!/usr/bin/env bash
# Soak test (not in CI): minutes of mixed sign-in / refresh / API traffic
# against the service in local mode (embedded local Cognito, 127.0.0.1 only).
# Bounded by duration AND request count; stops by itself. Counts responses
# whose status is not the expected one, samples the service's RSS every few
# seconds, prints a summary.
#
#   scripts/soak.sh                         # 180 s, 4 workers
#   SOAK_SECS=600 SOAK_WORKERS=8 scripts/soak.sh
#
# Variables: SOAK_SECS (180), SOAK_WORKERS (4), SOAK_MAX_REQUESTS (2000000),
# SOAK_RSS_EVERY (5 s), SOAK_BIN (a built binary; default: cargo build --release
# --locked, then target/release/cognito-bff), SOAK_PORT / SOAK_COGNITO_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${SOAK_SECS:-180}
WORKERS=${SOAK_WORKERS:-4}
MAX_REQUESTS=${SOAK_MAX_REQUESTS:-2000000}
RSS_EVERY=${SOAK_RSS_EVERY:-5}
PORT=${SOAK_PORT:-18080}
COGNITO_PORT=${SOAK_COGNITO_PORT:-19229}
BASE="http://127.0.0.1:$PORT"

if [[ -z "${SOAK_BIN:-}" ]]; then
  cargo build --release --locked --bin cognito-bff >&2
  SOAK_BIN="${CARGO_TARGET_DIR:-target}/release/cognito-bff"
fi

WORK=$(mktemp -d)
SERVICE_PID=""
cleanup() {
  [[ -n "$SERVICE_PID" ]] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null
  true
}
trap cleanup EXIT

# Only this script's variables: an unknown BFF_* in the caller's environment
# would be refused anyway.
env -u BFF_PROFILE BFF_LISTEN="127.0.0.1:$PORT" \
  BFF_LOCAL_COGNITO_LISTEN="127.0.0.1:$COGNITO_PORT" \
  RUST_LOG="${RUST_LOG:-warn}" \
  "$SOAK_BIN" serve >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!

for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "$BASE/readyz" || { echo "service did not become ready" >&2; cat "$WORK/service.log" >&2; exit 1; }

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVICE_PID/status" 2>/dev/null || echo 0; }

START=$(date +%s)
DEADLINE=$((START + SECS))
PER_WORKER=$((MAX_REQUESTS / WORKERS))

# One request: prints "<label> <status> <expected>" to the worker's file.
req() {
  local out=$1 label=$2 expected=$3; shift 3
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@") || true
  echo "$label $status $expected" >>"$out"
}

worker() {
  local id=$1 out="$WORK/worker-$1.txt" jar="$WORK/jar-$1"
  local n=0
  : >"$out"
  while (( $(date +%s) < DEADLINE && n < PER_WORKER )); do
    rm -f "$jar"
    req "$out" signin 200 -c "$jar" -b "$jar" -H 'X-CSRF: 1' -H 'Content-Type: application/json' \
      -d '{"username":"demo","password":"Demo-Passw0rd!"}' "$BASE/auth/signin"
    for _ in 1 2 3 4 5; do
      req "$out" me 200 -b "$jar" "$BASE/api/me"
    done
    req "$out" refresh 200 -c "$jar" -b "$jar" -H 'X-CSRF: 1' -X POST "$BASE/auth/refresh"
    req "$out" me 200 -b "$jar" "$BASE/api/me"
    req "$out" attributes 200 -b "$jar" "$BASE/api/me/attributes"
    req "$out" bad_password 401 -H 'X-CSRF: 1' -H 'Content-Type: application/json' \
      -d "{\"username\":\"nobody-$id\",\"password\":\"Wrong-Passw0rd!\"}" "$BASE/auth/signin"
    req "$out" no_token 401 "$BASE/api/me"
    req "$out" healthz 200 "$BASE/healthz"
    if (( n % 5 == 0 )); then
      req "$out" signout 204 -c "$jar" -b "$jar" -H 'X-CSRF: 1' -X POST "$BASE/auth/signout"
    fi
    n=$((n + 13))
  done
}

echo "soak: ${SECS}s, $WORKERS workers, binary $SOAK_BIN, pid $SERVICE_PID" >&2
RSS_START=$(rss_kib)
echo "$(date +%s) $RSS_START" >"$WORK/rss.txt"
WORKER_PIDS=()
for w in $(seq 1 "$WORKERS"); do
  worker "$w" &
  WORKER_PIDS+=($!)
done
running() {
  local p
  for p in "${WORKER_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done
  return 1
}
while running; do
  sleep "$RSS_EVERY"
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then echo "the service died" >&2; break; fi
  echo "$(date +%s) $(rss_kib)" >>"$WORK/rss.txt"
done
for p in "${WORKER_PIDS[@]}"; do wait "$p" || true; done
END=$(date +%s)
RSS_END=$(rss_kib)
ALIVE=yes; kill -0 "$SERVICE_PID" 2>/dev/null || ALIVE=no

cat "$WORK"/worker-*.txt >"$WORK/all.txt"
TOTAL=$(wc -l <"$WORK/all.txt")
UNEXPECTED=$(awk '$2 != $3' "$WORK/all.txt" | wc -l)
RSS_PEAK=$(awk '{ if ($2 > m) m = $2 } END { print m + 0 }' "$WORK/rss.txt")
DURATION=$((END - START))

echo
echo "== soak summary ($(date -u +%Y-%m-%dT%H:%MZ))"
echo "duration:    ${DURATION} s, $WORKERS workers"
echo "requests:    $TOTAL ($(( TOTAL / (DURATION > 0 ? DURATION : 1) )) req/s)"
echo "unexpected:  $UNEXPECTED"
if (( UNEXPECTED > 0 )); then
  awk '$2 != $3 { print "  " $1 " got " $2 " (expected " $3 ")" }' "$WORK/all.txt" | sort | uniq -c | sort -rn | head -20
fi
echo "by route:"
awk '{ print $1 " " $2 }' "$WORK/all.txt" | sort | uniq -c | sort -rn | sed 's/^/  /'
echo "RSS (KiB):   start $RSS_START, peak $RSS_PEAK, end $RSS_END ($(wc -l <"$WORK/rss.txt") samples every ${RSS_EVERY}s)"
echo "RSS samples: $(awk '{ printf "%s ", $2 }' "$WORK/rss.txt")"
echo "service alive at the end: $ALIVE; panics in its log: $(grep -c panicked "$WORK/service.log" || true)"
rm -rf "$WORK"
[[ "$UNEXPECTED" -eq 0 && "$ALIVE" == yes ]]
