#!/usr/bin/env bash
# bench/run.sh -- `make bench`: wrk on loopback against our procedure pages and API, beside nginx
# serving a static file (the practical limit for one HTTP response on this machine):
#   limit  nginx, 2 workers, keep-alive, no access log, serving a saved copy of /thu-tuc/{first id}
#          (same body size as ours)
#   page   GET /thu-tuc/{id}            (HTML; id drawn at random per request by wrk/ids.lua)
#   api    GET /api/v1/procedures/{id}  (JSON; same)
# Each target: a warm-up, then `wrk -tTHREADS -cCONNS -dDURATION --latency`; the table shows req/s,
# p50, p99, non-2xx answers, socket errors, the serving process's RSS after the run, and the share
# of the limit's req/s. Everything listens on 127.0.0.1; every process started here is stopped by
# PID on exit. Needs build/thanthien (make builds it), wrk, nginx, sqlite3, curl
# (scripts/deps.sh bench installs them). Modelled on the shared kit ../shared/bench/run.sh, but
# stands alone: it needs nothing outside this repository.
#
# Settings (environment):
#   THREADS=2 CONNS=64 DURATION=10s WARMUP=3s   wrk settings (WARMUP=0s: no warm-up)
#   PORT=8092 NGINX_PORT=8090                     where our server and nginx listen (127.0.0.1)
#   ONLY="limit page api"                         which targets to run
#   THANTHIEN=build/thanthien                     the server binary
#   QUIET_WAIT=10 QUIET_MAX=25   before each timed run, wait up to QUIET_WAIT s for the machine to be
#                                under QUIET_MAX% of one core busy (it is shared with other work);
#                                runs where other processes took >= 25% of a core are flagged NOISY
# Output: bench/.work/results/STAMP/ (wrk output per target, results.tsv, versions.txt, table.md,
# server and nginx logs). The demo database and nginx's files live in bench/.work/.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
PORT=${PORT:-8092}
NGINX_PORT=${NGINX_PORT:-8090}
ONLY=${ONLY:-limit page api}
THANTHIEN=${THANTHIEN:-$ROOT/build/thanthien}
QUIET_WAIT=${QUIET_WAIT:-10}
QUIET_MAX=${QUIET_MAX:-25}
WORK=$HERE/.work
# shellcheck source=bench/nginx-dir.sh
source "$HERE/nginx-dir.sh"

die() { echo "bench: $*" >&2; exit 2; }
[[ $THREADS =~ ^[1-9][0-9]?$ && $CONNS =~ ^[1-9][0-9]{0,3}$ && $CONNS -ge $THREADS ]] || die "THREADS 1..99, CONNS THREADS..9999"
[[ $DURATION =~ ^[0-9]+s$ && ${DURATION%s} -ge 1 && ${DURATION%s} -le 300 ]] || die "DURATION must be 1s..300s"
[[ $WARMUP =~ ^[0-9]+s$ && ${WARMUP%s} -le 60 ]] || die "WARMUP must be 0s..60s"
[[ $PORT =~ ^[0-9]+$ && $NGINX_PORT =~ ^[0-9]+$ && $PORT != "$NGINX_PORT" ]] || die "PORT and NGINX_PORT: two different numbers"
[[ $QUIET_WAIT =~ ^[0-9]+$ && $QUIET_WAIT -le 600 && $QUIET_MAX =~ ^[0-9]+$ ]] || die "QUIET_WAIT 0..600, QUIET_MAX a number"
for t in $ONLY; do [[ $t == limit || $t == page || $t == api ]] || die "ONLY: limit, page, api (got '$t')"; done
want() { [[ " $ONLY " == *" $1 "* ]]; }

for c in wrk sqlite3 curl; do command -v "$c" >/dev/null || die "$c is missing (scripts/deps.sh bench installs it)"; done
if want limit; then
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || die "nginx is missing (scripts/deps.sh bench installs it)"
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
fi
[[ -x $THANTHIEN ]] || die "$THANTHIEN is missing: run 'make build/thanthien' (make bench does)"

STAMP=$(date +%Y%m%d-%H%M%S)
OUTDIR=$WORK/results/$STAMP
mkdir -p "$OUTDIR"
RESULTS=$OUTDIR/results.tsv
printf 'target\treq_s\tp50_us\tp99_us\tnon2xx\tsock_err\trequests\tbytes\trss_kib\tsrv_cpu_pct\twrk_cpu_pct\tother_cpu_pct\n' > "$RESULTS"
echo "== bench $STAMP (output in $OUTDIR)"
CLK_TCK=$(getconf CLK_TCK)

# ---- process control: only what this script started, by PID -------------------------------
PIDS=()
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }
alive() { local st; st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) && [[ -n $st && ${st:0:1} != Z ]]; }
stop_pid() { # TERM, up to 8 s, then KILL; then the same for children that outlived it
  local pid=$1 kids k
  kids=$(children "$pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 80); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
  for k in $kids; do
    for _ in $(seq 30); do alive "$k" || break; sleep 0.1; done
    if alive "$k"; then kill -KILL "$k" 2>/dev/null || true; fi
  done
}
cleanup() {
  local i
  set +e
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  PIDS=()
  rm -f "$OUTDIR/.times"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # URL PID: up to 20 s for a 200
  local url=$1 pid=$2
  for _ in $(seq 100); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    alive "$pid" || { echo "bench: process $pid exited before answering $url" >&2; return 1; }
    sleep 0.2
  done
  echo "bench: no answer from $url in 20 s" >&2; return 1
}
html_escape() { local s=$1; s=${s//&/&amp;}; s=${s//</&lt;}; s=${s//>/&gt;}; s=${s//\"/&quot;}; printf '%s' "$s"; }
stack_pids() { echo "$1"; children "$1"; }   # a server and its workers (nginx)
rss_kib() { local t=0 p v; for p in "$@"; do v=$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null || true); t=$((t + ${v:-0})); done; echo "$t"; }
cpu_ticks() { local t=0 p v; for p in "$@"; do v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}'); t=$((t + ${v:-0})); done; echo "$t"; }
sys_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }   # busy ticks, all cores
# CHILD_SECS = user+sys seconds of this shell's finished children, from `times` (second line:
# "0m1.234s 0m0.567s"). Call it directly, not in $( ): `times` must run in this shell itself.
children_secs() { times > "$OUTDIR/.times"; CHILD_SECS=$(awk 'NR==2{ s = 0
  for (i = 1; i <= NF; i++) { split($i, a, "m"); s += a[1]*60 + substr(a[2], 1, length(a[2])-1) } printf "%.3f", s }' "$OUTDIR/.times"); }
wait_quiet() { # up to QUIET_WAIT s until under QUIET_MAX% of one core is busy (1 s samples)
  local a b waited=0 busy
  while (( QUIET_WAIT > 0 )); do
    a=$(sys_ticks); sleep 1; b=$(sys_ticks)
    busy=$(( (b - a) * 100 / CLK_TCK ))
    (( busy < QUIET_MAX )) && break
    waited=$((waited + 1))
    if (( waited >= QUIET_WAIT )); then echo "  (machine still busy: ${busy}% of a core after ${waited} s; measuring anyway)"; break; fi
  done
}

# ---- 1. a fresh demo database and its procedure ids ------------------------------------------
DB=$WORK/demo.db
IDS=$WORK/ids.txt
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
"$THANTHIEN" demo --db "$DB" > "$OUTDIR/demo.log" 2>&1 || { cat "$OUTDIR/demo.log" >&2; die "thanthien demo failed"; }
sqlite3 -readonly "$DB" 'SELECT id FROM procedures' > "$IDS"
NIDS=$(grep -c . "$IDS" || true)
[[ $NIDS -gt 0 ]] || die "the demo database has no procedures"
FIRST_ID=$(head -n 1 "$IDS")

# ---- 2. our server -------------------------------------------------------------------------
port_busy "$PORT" && die "127.0.0.1:$PORT is already in use"
"$THANTHIEN" serve --db "$DB" --port "$PORT" --listen 127.0.0.1 --quiet --max-per-ip 10000 > "$OUTDIR/server.log" 2>&1 &
SRV_PID=$!; PIDS+=("$SRV_PID")
BASE=http://127.0.0.1:$PORT
wait_http "$BASE/healthz" "$SRV_PID"

# Every id answers: the page with 200 and the procedure's name in it, the API with JSON carrying
# its "id" (wrk would count failures only as non-2xx, this says which and why).
while IFS=$'\t' read -r id name; do
  body=$(curl -fsS --max-time 5 "$BASE/thu-tuc/$id") || die "GET /thu-tuc/$id did not answer 200"
  [[ $body == *"$(html_escape "$name")"* ]] || die "GET /thu-tuc/$id does not show the procedure's name '$name'"
  body=$(curl -fsS --max-time 5 -w '\n%{content_type}' "$BASE/api/v1/procedures/$id") || die "GET /api/v1/procedures/$id did not answer 200"
  ctype=${body##*$'\n'}; body=${body%$'\n'*}
  [[ $ctype == application/json* ]] || die "GET /api/v1/procedures/$id: Content-Type '$ctype', not JSON"
  [[ $body =~ ^[[:space:]]*\{ && $body =~ \"id\"[[:space:]]*:[[:space:]]*${id}[[:space:]]*[,}] ]] ||
    die "GET /api/v1/procedures/$id: no JSON object with \"id\":$id"
done < <(sqlite3 -readonly -separator $'\t' "$DB" 'SELECT id, name FROM procedures')
echo "checked: $NIDS procedures answer /thu-tuc/ID (200, name shown) and /api/v1/procedures/ID (JSON, \"id\")"

# ---- 2b. nginx serving a saved copy of /thu-tuc/FIRST_ID -------------------------------------
NGINX_PID=
PAGE_BYTES=$(curl -fsS --max-time 5 -o /dev/null -w '%{size_download}' "$BASE/thu-tuc/$FIRST_ID")
if want limit; then
  port_busy "$NGINX_PORT" && die "127.0.0.1:$NGINX_PORT is already in use"
  NG=$(nginx_dir "$WORK/nginx" nginx) || die "no directory for nginx"
  mkdir -p "$NG/html" "$NG/tmp"
  curl -fsS --max-time 5 "$BASE/thu-tuc/$FIRST_ID" > "$NG/html/page.html"
  PAGE_BYTES=$(stat -c %s "$NG/html/page.html")
  cat > "$NG/nginx.conf" <<EOF
# written by bench/run.sh: the limit row -- one static page, 2 workers, keep-alive, no access log
worker_processes 2;
pid nginx.pid;
error_log error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    server_tokens off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    open_file_cache max=64 inactive=60s;
    types { text/html html; }
    default_type text/html;
    charset utf-8;
    client_body_temp_path tmp/client_body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root html;
        location / { }
    }
}
EOF
  "$NGINX" -p "$NG/" -c "$NG/nginx.conf" -e "$NG/error.log" -g 'daemon off;' > "$OUTDIR/nginx.log" 2>&1 &
  NGINX_PID=$!; PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$NGINX_PORT/page.html" "$NGINX_PID"
  got=$(curl -fsS --max-time 5 -o /dev/null -w '%{size_download}' "http://127.0.0.1:$NGINX_PORT/page.html")
  [[ $got == "$PAGE_BYTES" ]] || die "nginx serves $got bytes, the saved page has $PAGE_BYTES"
fi

# ---- versions -------------------------------------------------------------------------------
{
  echo "date:      $(date '+%Y-%m-%d %H:%M:%S %z')"
  echo "machine:   $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "cpu:       $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "thanthien: $THANTHIEN ($(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'no git')), idle RSS $(rss_kib "$SRV_PID") KiB"
  if want limit; then echo "nginx:     $("$NGINX" -v 2>&1 | sed 's/.*: //')"; fi
  echo "wrk:       $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); -t$THREADS -c$CONNS -d$DURATION --latency, warm-up $WARMUP"
  echo "sqlite3:   $(sqlite3 --version | cut -d' ' -f1)"
  echo "database:  $DB, $(stat -c %s "$DB") bytes, $NIDS procedures"
  echo "page:      /thu-tuc/$FIRST_ID, $PAGE_BYTES bytes (the limit's static copy)"
} > "$OUTDIR/versions.txt"
cat "$OUTDIR/versions.txt"

# ---- 3. the runs ----------------------------------------------------------------------------
# run_target NAME SERVER_PID URL SCRIPT [SCRIPT ARGS...]
run_target() {
  local name=$1 spid=$2 url=$3 script=$4; shift 4
  local log=$OUTDIR/$name.txt pids line rss c0 c1 s0 s1 t0 t1 cpu wcpu ocpu
  if [[ ${WARMUP%s} -gt 0 ]]; then
    timeout 120 wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" -s "$script" "$url" -- "$@" > "$OUTDIR/$name.warmup.txt" 2>&1 || true
  fi
  read -r -a pids <<< "$(stack_pids "$spid" | tr '\n' ' ')"
  wait_quiet
  c0=$(cpu_ticks "${pids[@]}"); s0=$(sys_ticks); t0=$(date +%s.%N)
  # wrk in the background and `wait`, so that a TERM/INT runs the EXIT trap at once (which stops
  # wrk too, through timeout); `times` before and after gives wrk's user+sys seconds
  local w0 w1 wpid
  children_secs; w0=$CHILD_SECS
  timeout $((${DURATION%s} + 120)) wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 5s --latency -s "$script" "$url" -- "$@" > "$log" 2>&1 &
  wpid=$!; PIDS+=("$wpid")
  wait "$wpid" || { cat "$log" >&2; die "wrk failed for $name (see $log)"; }
  unset 'PIDS[${#PIDS[@]}-1]'
  children_secs; w1=$CHILD_SECS
  c1=$(cpu_ticks "${pids[@]}"); s1=$(sys_ticks); t1=$(date +%s.%N)
  rss=$(rss_kib "${pids[@]}")
  # CPU during the timed run, 100 = one core: the server, wrk, and everything else on this shared
  # machine (other sessions' work)
  read -r cpu wcpu ocpu < <(awk -v a="$c0" -v b="$c1" -v sa="$s0" -v sb="$s1" -v s="$t0" -v e="$t1" -v hz="$CLK_TCK" \
    -v w="$(awk -v a="$w0" -v b="$w1" 'BEGIN{ printf "%.3f", b - a }')" \
    'BEGIN{ d = e - s; srv = (b-a)/hz/d*100; wrk = w/d*100; o = (sb-sa)/hz/d*100 - srv - wrk; if (o < 0) o = 0
            printf "%.0f %.0f %.0f\n", srv, wrk, o }')
  line=$(grep '^BENCH' "$log" | tail -n 1) || die "no BENCH line in $log"
  alive "$spid" || die "the $name server (pid $spid) died during the run"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(cut -f2-8 <<< "$line")" "$rss" "$cpu" "$wcpu" "$ocpu" >> "$RESULTS"
  awk -F'\t' -v n="$name" '{ printf "  %-6s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  non-2xx %s  errors %s  ", n, $2, $3/1000, $4/1000, $5, $6 }' <<< "$line"
  echo "rss $((rss / 1024)) MiB  cpu: server ${cpu}%, wrk ${wcpu}%, other ${ocpu}% (100 = one core)"
}

echo "== wrk runs"
if want limit; then run_target limit "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/page.html" "$HERE/wrk/report.lua"; fi
if want page; then run_target page "$SRV_PID" "$BASE" "$HERE/wrk/ids.lua" "$IDS" /thu-tuc/; fi
if want api; then run_target api "$SRV_PID" "$BASE" "$HERE/wrk/ids.lua" "$IDS" /api/v1/procedures/; fi

cleanup

# ---- 4. the table -----------------------------------------------------------------------------
{
  echo
  echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency on 127.0.0.1, $(nproc) cores shared by wrk and the server;" \
       "$NIDS procedures, ids at random; limit = nginx static copy of /thu-tuc/$FIRST_ID ($PAGE_BYTES bytes)"
  echo
  awk -F'\t' '
    NR == 1 { next }
    { n++; name[n] = $1; rps[n] = $2; p50[n] = $3; p99[n] = $4; bad[n] = $5; err[n] = $6; rss[n] = $9
      if ($1 == "limit") limit = $2 }
    END {
      print "| target | req/s | p50 ms | p99 ms | non-2xx | errors | server RSS MiB | share of limit |"
      print "|---|--:|--:|--:|--:|--:|--:|--:|"
      for (i = 1; i <= n; i++) {
        label = name[i] == "limit" ? "limit (nginx static page)" : name[i] == "page" ? "page `/thu-tuc/{id}`" : "api `/api/v1/procedures/{id}`"
        share = limit > 0 ? sprintf("%.1f%%", rps[i] / limit * 100) : "–"
        printf "| %s | %.0f | %.2f | %.2f | %d | %d | %.1f | %s |\n", label, rps[i], p50[i] / 1000, p99[i] / 1000, bad[i], err[i], rss[i] / 1024, share
      }
    }' "$RESULTS"
} | tee "$OUTDIR/table.md"
awk -F'\t' 'NR > 1 && ($5 > 0 || $6 > 0) { printf "WARNING: %s had %d non-2xx answers and %d socket errors (see %s.txt)\n", $1, $5, $6, $1; bad = 1 }
  NR > 1 && $12 >= 25 { printf "NOISY: during %s other processes took %d%% of a core (server %d%%, wrk %d%%); rerun for a clean figure\n", $1, $12, $10, $11 }
  END { exit bad }' "$RESULTS" >&2 || true
echo
echo "raw output, results.tsv, versions.txt and table.md: $OUTDIR"
