#!/usr/bin/env bash
# bench/ceiling.sh -- where the citizen's JSON lookup spends its time, step by step, against the
# fastest answer this machine can give through the same load generator.
#
# The shared kit (../shared/bench) compares our lookup with nginx serving a static page without a
# script, and with the Express peer. This script splits the gap into its parts, each measured with
# the kit's own client (wrk -t2 -c64 and its wrk/codes.lua, which draws a code per request):
#   nginx    nginx serving our own JSON answer for one dossier as a static file (same bytes)
#   healthz  our server's /healthz (no lookup): what our HTTP layer costs per request
#   hot      our JSON lookup of one code over and over: the lookup with every page in memory
#   lookup   our JSON lookup over the 100,000 codes spread across the 1M dossiers (the kit's row)
# For each: requests per second, p50/p99, and per request the server's CPU time, wrk's CPU time
# and the server's system calls, and database pages read from the OS (pread64), per request.
#
# Uses the database and codes list that bench/dossier.sh builds (bench/.work/dossiers-N.db).
# Settings: N=1000000 DURATION=8s WARMUP=2s ROUNDS=3 PORT=8097 NGINX_PORT=8095
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
N=${N:-1000000}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-8097}
NGINX_PORT=${NGINX_PORT:-8095}
THANTHIEN=${THANTHIEN:-$ROOT/build/thanthien}
WORK=$HERE/.work
DB=$WORK/dossiers-$N.db
CODES=$WORK/codes-$N.tsv
# shellcheck source=bench/nginx-dir.sh
source "$HERE/nginx-dir.sh"
if [[ -z ${BENCH_KIT:-} ]]; then
  if [[ -x $ROOT/../shared/bench/run.sh ]]; then BENCH_KIT=$(cd "$ROOT/../shared/bench" && pwd); else BENCH_KIT=/work/shared/bench; fi
fi
LUA=$BENCH_KIT/wrk/codes.lua

die() { echo "bench/ceiling.sh: $*" >&2; exit 2; }
[[ -x $THANTHIEN ]] || die "$THANTHIEN is missing: run 'make' first"
[[ -s $DB && -s $CODES ]] || die "$DB or $CODES is missing: run bench/dossier.sh first (it builds them)"
[[ -f $LUA ]] || die "the shared kit's wrk/codes.lua is not at $LUA (set BENCH_KIT)"
for c in wrk nginx curl awk; do command -v "$c" >/dev/null || die "$c is missing (scripts/deps.sh bench installs it)"; done

STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$WORK/ceiling-results/$STAMP
mkdir -p "$OUT"

PIDS=()
alive() { [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) =~ ^[^Z]$ ]]; }
cleanup() {
  local p
  set +e
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
    alive "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
wait_http() {
  for _ in $(seq 150); do curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0; sleep 0.2; done
  die "no answer from $1"
}

# ---- our server, as the kit starts it --------------------------------------------------------
"$THANTHIEN" serve --db "$DB" --port "$PORT" --listen 127.0.0.1 --quiet --max-per-ip 256 --max-connections 512 \
  > "$OUT/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
wait_http "http://127.0.0.1:$PORT/healthz"
# the server's first housekeeping round (due-soon warnings over every open dossier) runs at
# start: wait until it is done, so it is not counted against the first target
for _ in $(seq 60); do
  t0=$(awk '{print $14 + $15}' "/proc/$SERVER/stat"); sleep 1; t1=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
  (( t1 - t0 < 5 )) && break
done

# ---- nginx serving our answer for the first code as a static file ------------------------------
head -n 1 "$CODES" > "$OUT/one-code.tsv"
IFS=$'\t' read -r CODE SECRET < "$OUT/one-code.tsv"
NG=$(nginx_dir "$WORK/ceiling-nginx" ceiling-nginx) || die "no directory for nginx"
mkdir -p "$NG/html" "$NG/tmp"
curl -fsS "http://127.0.0.1:$PORT/api/v1/dossiers/$CODE?secret=$SECRET" -o "$NG/html/lookup.json"
chmod -R a+rX "$NG"
sed -e "s/127.0.0.1:8090/127.0.0.1:$NGINX_PORT/" -e 's/types { text\/html html; }/types { application\/json json; }/' \
  "$BENCH_KIT/limit-nginx.conf" > "$NG/nginx.conf"
nginx -p "$NG/" -c "$NG/nginx.conf" -e "$NG/error.log" -g 'daemon off;' > "$OUT/nginx.log" 2>&1 &
PIDS+=("$!")
wait_http "http://127.0.0.1:$NGINX_PORT/lookup.json"

# ---- one measurement ---------------------------------------------------------------------------
cpu_ticks() { local s=0 p; for p in "$@"; do s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$s"; }
HZ=$(getconf CLK_TCK)
# measure NAME BASE_URL CODES_FILE PREFIX PID...
measure() {
  local name=$1 base=$2 codes=$3 prefix=$4
  shift 4
  local pids=("$@") log=$OUT/$name.r$round.txt
  [[ $WARMUP == 0s ]] || wrk -t2 -c64 -d"$WARMUP" -s "$LUA" "$base" -- "$codes" "$prefix" secret > /dev/null 2>&1
  local c0 w0 c1 w1
  c0=$(cpu_ticks "${pids[@]}")
  w0=$(awk '{print $16 + $17}' /proc/$$/stat)
  wrk -t2 -c64 -d"$DURATION" --latency -s "$LUA" "$base" -- "$codes" "$prefix" secret > "$log" 2>&1
  c1=$(cpu_ticks "${pids[@]}")
  w1=$(awk '{print $16 + $17}' /proc/$$/stat)
  # system calls by the server per request, counted in a short run of their own (perf's
  # tracepoints; "-" without perf): every one costs microseconds on a virtual machine
  local sys=- preads=-
  if command -v perf >/dev/null; then
    local plist n
    plist=$(IFS=,; echo "${pids[*]}")
    perf stat -x, -e raw_syscalls:sys_enter,syscalls:sys_enter_pread64 -p "$plist" -o "$log.perf" -- sleep 3 &
    local perf_pid=$!
    sleep 0.2
    wrk -t2 -c64 -d2s -s "$LUA" "$base" -- "$codes" "$prefix" secret > "$log.count" 2>&1
    wait "$perf_pid" || true
    n=$(awk '/requests in/{print $1}' "$log.count")
    if [[ -n $n && $n -gt 0 ]]; then
      sys=$(awk -F, -v n="$n" '/raw_syscalls:sys_enter/{printf "%.1f", $1 / n}' "$log.perf")
      preads=$(awk -F, -v n="$n" '/sys_enter_pread64/{printf "%.2f", $1 / n}' "$log.perf")
    fi
  fi
  awk -v name="$name" -v hz="$HZ" -v dc=$((c1 - c0)) -v sys="$sys" -v preads="$preads" -v dw=$((w1 - w0)) '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /requests in/ { n = $1 }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%s\t%.0f\t%.2f\t%.2f\t%.1f\t%.1f\t%s\t%s\t%d\n", name, rps, p50, p99, dc * 1e6 / hz / n, dw * 1e6 / hz / n, sys, preads, bad }' "$log"
}

{
  echo "# bench/ceiling.sh $STAMP"
  echo "- machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); thanthien $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
  echo "- database: $N dossiers; codes: $(wc -l < "$CODES"); nginx serves $(stat -c %s "$NG/html/lookup.json") bytes (our answer for $CODE)"
  echo "- wrk -t2 -c64 -d$DURATION with the kit's wrk/codes.lua, $ROUNDS rounds, median by req/s"
} | tee "$OUT/summary.md"

NGINX_PIDS=$(pgrep -P "${PIDS[1]}" | tr '\n' ' ')
: > "$OUT/rows.tsv"
for round in $(seq "$ROUNDS"); do
  # shellcheck disable=SC2086
  measure nginx "http://127.0.0.1:$NGINX_PORT" "$OUT/one-code.tsv" "/lookup.json?c=" "${PIDS[1]}" $NGINX_PIDS >> "$OUT/rows.tsv"
  measure healthz "http://127.0.0.1:$PORT" "$CODES" "/healthz?c=" "$SERVER" >> "$OUT/rows.tsv"
  measure hot "http://127.0.0.1:$PORT" "$OUT/one-code.tsv" /api/v1/dossiers/ "$SERVER" >> "$OUT/rows.tsv"
  measure lookup "http://127.0.0.1:$PORT" "$CODES" /api/v1/dossiers/ "$SERVER" >> "$OUT/rows.tsv"
done

# the median round of each target by req/s, then the parts of the lookup's cost
sort -t$'\t' -k1,1 -k2,2n "$OUT/rows.tsv" | awk -F'\t' -v rounds="$ROUNDS" '
  { k = $1; i[k]++; if (i[k] == int((rounds + 1) / 2)) row[k] = $0 }
  END {
    printf "\n| target | req/s | p50 ms | p99 ms | server CPU us/req | wrk CPU us/req | server syscalls/req | page reads/req | non-2xx |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n"
    split("nginx healthz hot lookup", order, " ")
    for (j = 1; j <= 4; j++) { split(row[order[j]], f, "\t"); cpu[order[j]] = f[5]; rps[order[j]] = f[2]
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9] }
    printf "\nServer CPU per lookup, in parts: our HTTP layer over nginx %.1f us; the lookup with its pages in memory %.1f us; reading its pages from the OS %.1f us.\n",
      cpu["healthz"] - cpu["nginx"], cpu["hot"] - cpu["healthz"], cpu["lookup"] - cpu["hot"]
  }' | tee -a "$OUT/summary.md"
echo "Server RSS after the runs: $(awk '/^VmRSS:/{printf "%.0f MiB", $2 / 1024}' "/proc/$SERVER/status")." | tee -a "$OUT/summary.md"
echo "summary: $OUT/summary.md"
