#!/usr/bin/env bash
# Load test of the release binary, production profile, against the embedded
# local Cognito. Prints one report: /api/me vs /healthz throughput and
# latency at 32 connections, peak RSS under 256 connections, time from exec
# to /readyz 200, and the sign-in round trip minus the local Cognito's own.
#
#   scripts/load.sh                  # build, run, report (about 40 s after the build)
#   DURATION=10 ROUNDS=5 scripts/load.sh   # longer wrk runs, more rounds
#   NO_BUILD=1 BIN=/path/to/cognito-bff scripts/load.sh
#
# Needs: bash, curl, taskset (util-linux), wrk (installed from Debian with
# apt-get when missing and running as root). Two or more cores: the service
# is pinned to core 0 (SERVER_CPU), wrk, curl and the local Cognito to
# core 1 (LOAD_CPU). Traffic goes to 127.0.0.1 only. Run it on an otherwise
# idle machine: anything else on those cores shows in the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-3}          # seconds per measured wrk run
ROUNDS=${ROUNDS:-5}              # interleaved /healthz + /api/me rounds (best req/s, median ratio)
WARMUP=${WARMUP:-1}              # seconds of warm-up before each
CONNS=${CONNS:-32}
RSS_CONNS=${RSS_CONNS:-256}
SIGNINS=${SIGNINS:-200}          # sign-ins per side for the overhead (~25 ms a pair)
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
LC_PORT=${LC_PORT:-19229}
BFF_PORT=${BFF_PORT:-18080}
POOL=us-east-1_localdemo
CLIENT=1oc41demo0c1ient0000000000
USER=demo
PASS='Demo-Passw0rd!'

# shellcheck source=scripts/lib/bench.sh
source scripts/lib/bench.sh
need_tools wrk
for t in curl taskset; do need "$t" || { echo "$t is missing" >&2; exit 2; }; done
if [ "$(nproc)" -lt 2 ]; then echo "needs 2 cores (one for the service, one for the load)" >&2; exit 2; fi

WORK=$(mktemp -d /tmp/bff-load.XXXXXX)
LC_PID=""
BFF_PID=""
cleanup() {
  [ -n "$BFF_PID" ] && kill "$BFF_PID" 2>/dev/null || true
  [ -n "$LC_PID" ] && kill "$LC_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

private_binary

# Something already listening would answer in place of the processes
# started here, and be measured instead.
for port in "$LC_PORT" "$BFF_PORT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "127.0.0.1:$port is already in use; stop what listens there (or set LC_PORT/BFF_PORT)" >&2
    exit 2
  fi
done

echo "== local Cognito on 127.0.0.1:$LC_PORT (core $LOAD_CPU)" >&2
RUST_LOG=warn BFF_CONFIG_DIR="$PWD/config" taskset -c "$LOAD_CPU" \
  "$BIN" local-cognito --listen "127.0.0.1:$LC_PORT" >"$WORK/lc.log" 2>&1 &
LC_PID=$!
ISSUER="http://127.0.0.1:$LC_PORT/$POOL"
wait_http "$ISSUER/.well-known/jwks.json"

echo "== cognito-bff (production profile) on 127.0.0.1:$BFF_PORT (core $SERVER_CPU)" >&2
COOKIE_KEY=$(head -c 64 /dev/urandom | base64 -w0)
START=$(now_ns)
env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
  BFF_CONFIG_DIR="$PWD/config" \
  BFF_PROFILE=production \
  BFF_LISTEN="127.0.0.1:$BFF_PORT" \
  BFF_COGNITO_REGION=us-east-1 \
  BFF_COGNITO_USER_POOL_ID="$POOL" \
  BFF_COGNITO_CLIENT_ID="$CLIENT" \
  BFF_COGNITO_ENDPOINT_URL="http://127.0.0.1:$LC_PORT" \
  BFF_ISSUER="$ISSUER" \
  BFF_JWKS_URL="$ISSUER/.well-known/jwks.json" \
  BFF_COOKIE_KEY="$COOKIE_KEY" \
  BFF_RATE_LIMIT_PER_IP_PER_MIN=1000000 \
  BFF_RATE_LIMIT_PER_IP_BURST=1000000 \
  BFF_RATE_LIMIT_PER_USERNAME_PER_MIN=1000000 \
  BFF_RATE_LIMIT_PER_USERNAME_BURST=1000000 \
  AWS_EC2_METADATA_DISABLED=true \
  RUST_LOG=warn \
  taskset -c "$SERVER_CPU" "$BIN" serve >"$WORK/bff.log" 2>&1 &
BFF_PID=$!
BASE="http://127.0.0.1:$BFF_PORT"
# Polled every ~5 ms with curl on the other core: an upper bound.
wait_http "$BASE/readyz"
READY_MS=$(( ($(now_ns) - START) / 1000000 ))
kill -0 "$BFF_PID" 2>/dev/null || { echo "the service exited:" >&2; cat "$WORK/bff.log" >&2; exit 1; }

echo "== sign in as $USER" >&2
curl -s -D "$WORK/signin.h" -o "$WORK/signin.json" -H 'Content-Type: application/json' -H 'X-CSRF: 1' \
  -d "{\"username\":\"$USER\",\"password\":\"$PASS\"}" "$BASE/auth/signin"
ACCESS=$(grep -i '^set-cookie: __Secure-access_token=' "$WORK/signin.h" | head -1 | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
[ -n "$ACCESS" ] || { echo "sign-in gave no access cookie:" >&2; cat "$WORK/signin.h" "$WORK/signin.json" >&2; exit 1; }
COOKIE="Cookie: __Secure-access_token=$ACCESS"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$COOKIE" "$BASE/api/me")" = 200 ] || { echo "/api/me with the cookie is not 200" >&2; exit 1; }

# wrk output -> "rps p50_ms p99_ms non2xx"
to_ms() { # 512.00us | 1.23ms | 1.01s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
run_wrk() { # conns duration path [header]
  local out
  if [ -n "${4:-}" ]; then
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$1" -d"$2"s --latency -H "$4" "$BASE$3")
  else
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$1" -d"$2"s --latency "$BASE$3")
  fi
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  bad=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
  echo "$rps $p50 $p99 ${bad:-0}"
}

echo "== wrk: $CONNS connections, $ROUNDS interleaved rounds of ${DURATION}s per route (after ${WARMUP}s warm-up)" >&2
run_wrk "$CONNS" "$WARMUP" /healthz >/dev/null
run_wrk "$CONNS" "$WARMUP" /api/me "$COOKIE" >/dev/null
# Best round per route (highest req/s, with that round's latencies): other
# processes on the machine only ever make a round slower.
best() { sort -n -r -k1,1 | head -1; }
: >"$WORK/h.runs"; : >"$WORK/m.runs"
for ((r = 0; r < ROUNDS; r++)); do
  run_wrk "$CONNS" "$DURATION" /healthz >>"$WORK/h.runs"
  run_wrk "$CONNS" "$DURATION" /api/me "$COOKIE" >>"$WORK/m.runs"
done
read -r H_RPS H_P50 H_P99 H_BAD < <(best <"$WORK/h.runs")
read -r M_RPS M_P50 M_P99 M_BAD < <(best <"$WORK/m.runs")
H_BAD=$(awk '{ s += $4 } END { print s + 0 }' "$WORK/h.runs")
M_BAD=$(awk '{ s += $4 } END { print s + 0 }' "$WORK/m.runs")
[ "$H_BAD" = 0 ] && [ "$M_BAD" = 0 ] || { echo "non-2xx answers: healthz $H_BAD, /api/me $M_BAD" >&2; exit 1; }

echo "== wrk: $RSS_CONNS connections on /api/me for peak RSS" >&2
read -r R_RPS R_P50 R_P99 R_BAD < <(run_wrk "$RSS_CONNS" "$DURATION" /api/me "$COOKIE")
RSS_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$BFF_PID/status")

echo "== $SIGNINS sign-ins through the service vs $SIGNINS InitiateAuth calls to the local Cognito" >&2
# Alternating, one request per curl (a new connection on both sides; the
# service keeps its pooled connection to the local Cognito), so drift and
# other load hit both sides alike; medians compared. The service's sign-in
# rate limits are lifted above (one user signs in SIGNINS times), and every
# answer must be a 200: a refusal is fast and would flatter the service.
: >"$WORK/bff.t"; : >"$WORK/lc.t"
for ((i = 0; i < SIGNINS; i++)); do
  taskset -c "$LOAD_CPU" curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
    -H 'Content-Type: application/json' -H 'X-CSRF: 1' \
    -d "{\"username\":\"$USER\",\"password\":\"$PASS\"}" "$BASE/auth/signin" >>"$WORK/bff.t"
  taskset -c "$LOAD_CPU" curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
    -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
    -d "{\"AuthFlow\":\"USER_PASSWORD_AUTH\",\"ClientId\":\"$CLIENT\",\"AuthParameters\":{\"USERNAME\":\"$USER\",\"PASSWORD\":\"$PASS\"}}" \
    "http://127.0.0.1:$LC_PORT/" >>"$WORK/lc.t"
done
bad=$(awk '$1 != 200' "$WORK/bff.t" "$WORK/lc.t" | wc -l)
[ "$bad" = 0 ] || { echo "$bad sign-ins were not answered 200" >&2; sort "$WORK/bff.t" "$WORK/lc.t" | uniq -c -w3 >&2; exit 1; }
median_ms() { awk '{ print $2 }' | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m * 1000 }'; }
S_BFF=$(median_ms <"$WORK/bff.t")
S_LC=$(median_ms <"$WORK/lc.t")

# The ratio of each round's pair (run back to back, so a slow spell on a
# shared host hits both alike), median over the rounds.
RATIO=$(paste -d' ' "$WORK/h.runs" "$WORK/m.runs" | awk '{ print $5 / $1 }' | sort -n |
  awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m }')
RATIOS=$(paste -d' ' "$WORK/h.runs" "$WORK/m.runs" | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $5 / $1 }')
# Median of the paired differences (each sign-in against the InitiateAuth
# next to it): the local Cognito's own time (PBKDF2, two RSA signatures,
# ~10 ms) varies far more than the overhead measured.
OVER=$(paste -d' ' "$WORK/bff.t" "$WORK/lc.t" | awk '{ print ($2 - $4) * 1000 }' | sort -n |
  awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m }')
RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
verdict() { # value op limit
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { ok = (op == "<") ? (v + 0 < l + 0) : (v + 0 >= l + 0); print (ok ? "ok" : "MISSED") }'
}
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

cat <<EOF

cognito-bff load report — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $cpu
service on core $SERVER_CPU, wrk/curl/local Cognito on core $LOAD_CPU, wrk -t1, req/s and latencies from the best of $ROUNDS interleaved ${DURATION}s runs, load average $(cut -d' ' -f1-3 /proc/loadavg)

| measure                                  | value         | target        |      |
|------------------------------------------|---------------|---------------|------|
| GET /healthz, $CONNS conns: req/s          | $H_RPS | | |
| GET /healthz p50 / p99 (ms)              | $H_P50 / $H_P99 | | |
| GET /api/me (cookie), $CONNS conns: req/s  | $M_RPS | | |
| GET /api/me p50 / p99 (ms)               | $M_P50 / $M_P99 | p99 < 2 | $(verdict "$M_P99" "<" 2) |
| /api/me ÷ /healthz throughput, median of rounds ($RATIOS) | $RATIO | >= 0.8 | $(verdict "$RATIO" ">=" 0.8) |
| GET /api/me, $RSS_CONNS conns: req/s, p99 (ms) | $R_RPS, $R_P99 | | |
| peak RSS (VmHWM) after $RSS_CONNS conns (MB) | $RSS_MB | < 40 | $(verdict "$RSS_MB" "<" 40) |
| exec to /readyz 200 (ms)                 | $READY_MS | < 300 | $(verdict "$READY_MS" "<" 300) |
| sign-in via service, median (ms)         | $S_BFF | | |
| InitiateAuth direct, median (ms)         | $S_LC | | |
| sign-in overhead, median of $SIGNINS paired differences (ms) | $OVER | < 1 | $(verdict "$OVER" "<" 1) |
EOF
