#!/usr/bin/env bash
# Benchmark of the authenticated reverse proxy (remote APIs, BFF_UPSTREAMS). In
# one run, in interleaved rounds, wrk against a small upstream three ways:
#   direct       wrk -> upstream
#   nginx        wrk -> nginx (Debian's, a plain reverse proxy, no auth) -> upstream
#   cognito-bff  wrk -> cognito-bff (production profile, access cookie,
#                BFF_UPSTREAMS=/api/bench=...) -> upstream
# and prints one report: req/s and p50/p99 per leg, cognito-bff ÷ nginx
# throughput (goal >= 0.8) and the p99 each proxy adds over the direct path
# (goal for cognito-bff: < 1 ms).
#
#   scripts/proxy-load.sh                      # build, run, report (about 60 s after the build)
#   DURATION=10 ROUNDS=7 scripts/proxy-load.sh # longer wrk runs, more rounds
#   NO_BUILD=1 BIN=/path/to/cognito-bff scripts/proxy-load.sh
#   LEGS="direct nginx" scripts/proxy-load.sh  # without cognito-bff (no build, no local Cognito)
#
# The upstream is a second nginx instance answering every path with a fixed
# 200 body of BODY_BYTES. The proxies run from private configs under a temp
# directory (own pid, logs and temp paths; no daemon, no root, /etc untouched),
# one worker each, no access log, keep-alive to the upstream, and forward
# /api/bench/x to the upstream's /x (prefix stripped, as cognito-bff does by
# default).
#
# Cores: the proxy under test (nginx or cognito-bff) alone on core 0
# (SERVER_CPU); wrk, the upstream and the local Cognito on core 1 (LOAD_CPU).
# The upstream goes on the load core so that a proxy's core does only proxy
# work: next to the proxy, the upstream's own cost per request would be added
# to both proxies alike and pull the ratio towards 1. The price: the direct
# leg shares one core between wrk and the upstream, and a proxied leg can be
# limited by the load core rather than by its proxy. The report therefore
# also gives each proxy's CPU use (% of its core, from /proc) and req/s per
# CPU-second; a proxy well below 100% was not the bottleneck, and the
# throughput verdict uses the lower of the two ratios.
#
# Needs: bash, curl, taskset (util-linux), pgrep, wrk and nginx (installed
# from Debian with apt-get when missing and running as root). Two or more
# cores. Traffic goes to 127.0.0.1 only. Run it on an otherwise idle machine:
# anything else on those cores shows in the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-3}          # seconds per measured wrk run
ROUNDS=${ROUNDS:-5}              # interleaved direct + nginx + cognito-bff rounds (best req/s, median ratio)
WARMUP=${WARMUP:-1}              # seconds of warm-up per leg before the rounds
CONNS=${CONNS:-32}
BODY_BYTES=${BODY_BYTES:-128}    # size of the upstream's 200 body
LEGS=${LEGS:-direct nginx bff}   # which legs to run; without bff nothing is built
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
LC_PORT=${LC_PORT:-19229}
BFF_PORT=${BFF_PORT:-18080}
UP_PORT=${UP_PORT:-18081}        # the upstream (nginx, fixed body)
NGX_PORT=${NGX_PORT:-18082}      # nginx as the reverse proxy
POOL=us-east-1_localdemo
CLIENT=1oc41demo0c1ient0000000000
USER=demo
PASS='Demo-Passw0rd!'
PREFIX=/api/bench                # the proxied prefix, on both proxies

has_leg() { [[ " $LEGS " == *" $1 "* ]]; }
for leg in $LEGS; do
  case $leg in direct | nginx | bff) ;; *) echo "LEGS: unknown leg '$leg' (direct, nginx, bff)" >&2; exit 2 ;; esac
done

# shellcheck source=scripts/lib/bench.sh
source scripts/lib/bench.sh
need_tools wrk nginx
for t in curl taskset pgrep; do need "$t" || { echo "$t is missing" >&2; exit 2; }; done
if [ "$(nproc)" -lt 2 ]; then echo "needs 2 cores (one for the proxy, one for the load)" >&2; exit 2; fi

# How busy the machine is before anything starts (1 s of /proc/stat): other
# work on either core shows in every leg, mostly in the p99s.
BUSY_BEFORE=$({ head -1 /proc/stat; sleep 1; head -1 /proc/stat; } |
  awk '{ idle = $5 + $6; all = 0; for (i = 2; i <= 9; i++) all += $i } NR == 1 { i0 = idle; a0 = all } NR == 2 { printf "%.0f", 100 * (1 - (idle - i0) / (all - a0)) }')
if [ "$BUSY_BEFORE" -gt 10 ]; then
  echo "warning: the machine was ${BUSY_BEFORE}% busy before the run: other processes will show in the numbers" >&2
fi

WORK=$(mktemp -d /tmp/bff-proxy-load.XXXXXX)
PIDS=()                          # everything started here, stopped by cleanup
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if has_leg bff; then private_binary; fi

# Something already listening would answer in place of the processes
# started here, and be measured instead.
for port in "$UP_PORT" "$NGX_PORT" "$LC_PORT" "$BFF_PORT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "127.0.0.1:$port is already in use; stop what listens there (or set UP_PORT/NGX_PORT/LC_PORT/BFF_PORT)" >&2
    exit 2
  fi
done

# --- nginx instances: the upstream, and the plain reverse proxy ------------
BODY=$(head -c "$BODY_BYTES" /dev/zero | tr '\0' x)
start_nginx() { # name cpu http-block -> pid of the master in NGINX_PID
  local dir="$WORK/$1"
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  default_type application/json;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/client_body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
$3
}
EOF
  # -e: the error log before the config is read (else /var/log/nginx).
  nginx -t -q -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" 2>"$dir/test.log" ||
    { echo "nginx rejects $dir/nginx.conf:" >&2; cat "$dir/test.log" "$dir/error.log" >&2; exit 1; }
  taskset -c "$2" nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/out.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
}
# The master and its worker: the processes whose CPU time is the proxy's.
nginx_pids() { echo "$1" $(pgrep -P "$1"); }

echo "== upstream: nginx, fixed ${BODY_BYTES}-byte 200, on 127.0.0.1:$UP_PORT (core $LOAD_CPU)" >&2
start_nginx upstream "$LOAD_CPU" "  server {
    listen 127.0.0.1:$UP_PORT;
    location / { return 200 '$BODY'; }
  }"
UP_PID=$NGINX_PID
wait_http "http://127.0.0.1:$UP_PORT/"
UP_PIDS=$(nginx_pids "$UP_PID")

if has_leg nginx; then
  echo "== nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') as reverse proxy on 127.0.0.1:$NGX_PORT (core $SERVER_CPU)" >&2
  start_nginx proxy "$SERVER_CPU" "  upstream bench {
    server 127.0.0.1:$UP_PORT;
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$NGX_PORT;
    location $PREFIX/ {
      proxy_pass http://bench/;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }"
  NGX_PID=$NGINX_PID
  wait_http "http://127.0.0.1:$NGX_PORT$PREFIX/"
  NGX_PIDS=$(nginx_pids "$NGX_PID")
fi

# --- cognito-bff with the local Cognito, signed in --------------------------
COOKIE=""
if has_leg bff; then
  echo "== local Cognito on 127.0.0.1:$LC_PORT (core $LOAD_CPU)" >&2
  RUST_LOG=warn BFF_CONFIG_DIR="$PWD/config" taskset -c "$LOAD_CPU" \
    "$BIN" local-cognito --listen "127.0.0.1:$LC_PORT" >"$WORK/lc.log" 2>&1 &
  PIDS+=("$!")
  ISSUER="http://127.0.0.1:$LC_PORT/$POOL"
  wait_http "$ISSUER/.well-known/jwks.json"

  echo "== cognito-bff (production profile) on 127.0.0.1:$BFF_PORT (core $SERVER_CPU), $PREFIX -> 127.0.0.1:$UP_PORT" >&2
  COOKIE_KEY=$(head -c 64 /dev/urandom | base64 -w0)
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
    BFF_UPSTREAMS="$PREFIX=http://127.0.0.1:$UP_PORT" \
    BFF_RATE_LIMIT_PER_IP_PER_MIN=1000000 \
    BFF_RATE_LIMIT_PER_IP_BURST=1000000 \
    BFF_RATE_LIMIT_PER_USERNAME_PER_MIN=1000000 \
    BFF_RATE_LIMIT_PER_USERNAME_BURST=1000000 \
    AWS_EC2_METADATA_DISABLED=true \
    RUST_LOG=warn \
    taskset -c "$SERVER_CPU" "$BIN" serve >"$WORK/bff.log" 2>&1 &
  BFF_PID=$!
  PIDS+=("$BFF_PID")
  BASE="http://127.0.0.1:$BFF_PORT"
  for _ in $(seq 1 2000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" 2>/dev/null || true)" = 200 ] && break
    kill -0 "$BFF_PID" 2>/dev/null || break
    sleep 0.005
  done
  if ! kill -0 "$BFF_PID" 2>/dev/null; then
    if grep -q 'BFF_UPSTREAMS' "$WORK/bff.log"; then
      echo "this cognito-bff refuses BFF_UPSTREAMS: it predates the reverse proxy; or run with LEGS=\"direct nginx\"" >&2
    fi
    echo "the service exited:" >&2
    cat "$WORK/bff.log" >&2
    exit 1
  fi
  wait_http "$BASE/readyz"

  echo "== sign in as $USER" >&2
  curl -s -D "$WORK/signin.h" -o "$WORK/signin.json" -H 'Content-Type: application/json' -H 'X-CSRF: 1' \
    -d "{\"username\":\"$USER\",\"password\":\"$PASS\"}" "$BASE/auth/signin"
  ACCESS=$(grep -i '^set-cookie: __Secure-access_token=' "$WORK/signin.h" | head -1 | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
  [ -n "$ACCESS" ] || { echo "sign-in gave no access cookie:" >&2; cat "$WORK/signin.h" "$WORK/signin.json" >&2; exit 1; }
  COOKIE="Cookie: __Secure-access_token=$ACCESS"
fi

# --- each leg must answer 200 with the upstream's body before it is measured
url_of() { # leg
  case $1 in
    direct) echo "http://127.0.0.1:$UP_PORT/" ;;
    nginx) echo "http://127.0.0.1:$NGX_PORT$PREFIX/" ;;
    bff) echo "http://127.0.0.1:$BFF_PORT$PREFIX/" ;;
  esac
}
header_of() { if [ "$1" = bff ]; then echo "$COOKIE"; fi; }
pids_of() { # leg -> the processes whose CPU time the report shows
  case $1 in
    direct) echo "$UP_PIDS" ;;
    nginx) echo "$NGX_PIDS" ;;
    bff) echo "$BFF_PID" ;;
  esac
}
for leg in $LEGS; do
  args=(-s -o "$WORK/check.body" -w '%{http_code}')
  [ -n "$(header_of "$leg")" ] && args+=(-H "$(header_of "$leg")")
  code=$(curl "${args[@]}" "$(url_of "$leg")" || true)
  if [ "$leg" = bff ] && [ "$code" = 404 ]; then
    echo "cognito-bff answers 404 on $PREFIX/ with the cookie: the binary predates the proxy, or BFF_UPSTREAMS=$PREFIX=http://127.0.0.1:$UP_PORT was not applied" >&2
    cat "$WORK/check.body" >&2; echo >&2
    exit 1
  fi
  if [ "$code" != 200 ] || [ "$(cat "$WORK/check.body")" != "$BODY" ]; then
    echo "$leg: GET $(url_of "$leg") gave $code, not 200 with the upstream's body:" >&2
    head -c 500 "$WORK/check.body" >&2; echo >&2
    exit 1
  fi
done

# --- measurement -------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # pids -> utime + stime of all (all threads of each)
  local p sum=0 t
  for p in "$@"; do
    # Fields after the ")" that ends the command name: utime is the 12th, stime the 13th.
    t=$(sed -E 's/.*\) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')
    sum=$((sum + t))
  done
  echo "$sum"
}
to_ms() { # 512.00us | 1.23ms | 1.01s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
run_leg() { # leg duration -> "rps p50_ms p99_ms errors cpu_pct"
  local leg=$1 out hdr t0 t1 n0 n1 pids
  hdr=$(header_of "$leg")
  # shellcheck disable=SC2207 # pids are numbers
  pids=($(pids_of "$leg"))
  t0=$(cpu_ticks "${pids[@]}"); n0=$(now_ns)
  if [ -n "$hdr" ]; then
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"$2"s --latency -H "$hdr" "$(url_of "$leg")")
  else
    out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"$2"s --latency "$(url_of "$leg")")
  fi
  t1=$(cpu_ticks "${pids[@]}"); n1=$(now_ns)
  local rps p50 p99 bad err cpu
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  bad=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
  # "Socket errors: connect 0, read 0, write 0, timeout 0"
  err=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")
  cpu=$(awk -v t="$((t1 - t0))" -v hz="$CLK_TCK" -v ns="$((n1 - n0))" 'BEGIN { printf "%.0f", 100 * t / hz / (ns / 1e9) }')
  echo "$rps $p50 $p99 $((${bad:-0} + ${err:-0})) $cpu"
}

echo "== wrk: $CONNS connections, $ROUNDS interleaved rounds of ${DURATION}s per leg ($LEGS) after ${WARMUP}s warm-up each" >&2
for leg in $LEGS; do run_leg "$leg" "$WARMUP" >/dev/null; : >"$WORK/$leg.runs"; done
for ((r = 1; r <= ROUNDS; r++)); do
  line="round $r:"
  for leg in $LEGS; do
    run_leg "$leg" "$DURATION" >>"$WORK/$leg.runs"
    line+=$(awk -v l="$leg" 'END { printf "  %s %s req/s p99 %s ms cpu %s%%", l, $1, $3, $5 }' "$WORK/$leg.runs")
  done
  echo "$line" >&2
done
for leg in $LEGS; do
  bad=$(awk '{ s += $4 } END { print s + 0 }' "$WORK/$leg.runs")
  [ "$bad" = 0 ] || { echo "$leg: $bad non-2xx answers or socket errors" >&2; exit 1; }
done

# Best round per leg (highest req/s, with that round's latencies and CPU):
# other processes on the machine only ever make a round slower. Ratios and
# added p99 are taken per round (legs run back to back, so a slow spell hits
# them alike), median over the rounds.
best() { sort -n -r -k1,1 "$WORK/$1.runs" | head -1; }
median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m }'; }
pair() { paste -d' ' "$WORK/$1.runs" "$WORK/$2.runs"; } # a's 5 fields, then b's
per_cpu() { awk -v r="$1" -v c="$2" 'BEGIN { if (c > 0) printf "%.0f", r * 100 / c; else print "-" }'; }
row() { # leg label
  if ! has_leg "$1"; then echo "| $2 | not run (LEGS) | | | | | |"; return; fi
  local rps p50 p99 cpu added="-"
  read -r rps p50 p99 _ cpu < <(best "$1")
  if [ "$1" != direct ] && has_leg direct; then
    added=$(pair "$1" direct | awk '{ print $3 - $8 }' | median)
  fi
  echo "| $2 | $rps | $p50 | $p99 | $added | $cpu | $(per_cpu "$rps" "$cpu") |"
}
verdict() { # value op limit
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "-") { print ""; exit } ok = (op == "<") ? (v + 0 < l + 0) : (v + 0 >= l + 0); print (ok ? "ok" : "MISSED") }'
}
RATIO="-"; RATIO_CPU="-"; RATIOS=""; BFF_ADDED="-"; GOAL_RATIO="-"
if has_leg bff && has_leg nginx; then
  # bff fields 1..5, nginx fields 6..10: req/s ratio, and req per CPU-second ratio.
  RATIO=$(pair bff nginx | awk '{ print $1 / $6 }' | median)
  RATIO_CPU=$(pair bff nginx | awk '{ print ($1 / $5) / ($6 / $10) }' | median)
  RATIOS=$(pair bff nginx | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 / $6 }')
  GOAL_RATIO=$(awk -v a="$RATIO" -v b="$RATIO_CPU" 'BEGIN { printf "%.3f", (a < b) ? a : b }')
fi
if has_leg bff && has_leg direct; then
  BFF_ADDED=$(pair bff direct | awk '{ print $3 - $8 }' | median)
fi
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

cat <<EOF

cognito-bff proxy load report — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $cpu
proxy under test on core $SERVER_CPU; wrk, upstream (nginx, ${BODY_BYTES}-byte 200) and local Cognito on core $LOAD_CPU
wrk -t1 -c$CONNS, GET $PREFIX/ (direct: GET /), best of $ROUNDS interleaved ${DURATION}s runs per leg
machine ${BUSY_BEFORE}% busy before the run (all cores, 1 s); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end
"CPU %": the process answering wrk (direct: the upstream; else the proxy), % of one core during that run.
"p99 added": median over the rounds of (the leg's p99 - the direct p99 of the same round).

| leg                          | req/s | p50 (ms) | p99 (ms) | p99 added (ms) | CPU % | req/s per core |
|------------------------------|-------|----------|----------|----------------|-------|----------------|
$(row direct "direct (wrk -> upstream)")
$(row nginx "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), no auth")
$(row bff "cognito-bff, cookie")

| goal                                                        | value | target |      |
|-------------------------------------------------------------|-------|--------|------|
| cognito-bff ÷ nginx req/s, median of rounds (${RATIOS:--}) | $RATIO | | |
| cognito-bff ÷ nginx req/s per CPU-second, median of rounds | $RATIO_CPU | | |
| cognito-bff ÷ nginx throughput per core (lower of the two)  | $GOAL_RATIO | >= 0.8 | $(verdict "$GOAL_RATIO" ">=" 0.8) |
| p99 added by cognito-bff over direct (ms)                   | $BFF_ADDED | < 1 | $(verdict "$BFF_ADDED" "<" 1) |
EOF
