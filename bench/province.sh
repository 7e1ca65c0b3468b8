#!/usr/bin/env bash
# bench/province.sh -- `make bench`, part three: the province's view (issue 13) over a province of
# COMMUNES communes with about two years of dossiers each (thanthien demo --dossiers N
# --communes K: the working days since 2024-12-01, so "two years" when run in late 2026).
#   view    GET /tinh/so-sanh (this year and the previous period beside it, every unit, the SVG)
#           as the provincial assessor, REQUESTS times one after another, each for a period of its
#           own (cold: the page keeps a period's figures a minute): median and p95
#   sorted  the same page sorted by another column (the figures just computed, kept)
#   xlsx    GET /tinh/so-sanh.xlsx, the same table as a workbook
#   unit    GET /tinh/don-vi/TN-<COMMUNES>, one commune's drill-down (by month, audit sample)
#   rss     the server's resident memory after them (VmRSS) and its peak (VmHWM)
# The database is built once and cached in bench/.work/. Every process started here is stopped by
# PID on exit. With the dossiers come (--voice) ratings of the returned ones and two years of
# feedback and receptions for every commune; letters are those of the demo's communes.
#
# Settings (environment):
#   N=750000 COMMUNES=150 REQUESTS=20 PORT=8094 THANTHIEN=build/thanthien
# Output: bench/.work/province-results/STAMP/summary.md
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

N=${N:-750000}
COMMUNES=${COMMUNES:-150}
REQUESTS=${REQUESTS:-20}
PORT=${PORT:-8094}
THANTHIEN=${THANTHIEN:-$ROOT/build/thanthien}
PASSWORD=ThanThien@2026
WORK=$HERE/.work

die() { echo "bench/province.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ && $COMMUNES =~ ^[1-9][0-9]*$ && $REQUESTS =~ ^[1-9][0-9]*$ ]] ||
  die "N, COMMUNES and REQUESTS must be positive numbers"
[[ -x $THANTHIEN ]] || die "$THANTHIEN is missing: run 'make' first (make bench does)"
for c in curl awk sort; do command -v "$c" >/dev/null || die "$c is missing"; done

STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$WORK/province-results/$STAMP
mkdir -p "$OUT"
SUMMARY=$OUT/summary.md
echo "== bench/province.sh $STAMP (output in $OUT)"

# ---- process control: only what this script started, by PID -------------------------------
SRV=
alive() { [[ -r /proc/$1/stat ]] && [[ $(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1) != Z ]]; }
stop_server() {
  [[ -n $SRV ]] || return 0
  kill -TERM "$SRV" 2>/dev/null || true
  for _ in $(seq 80); do alive "$SRV" || break; sleep 0.1; done
  if alive "$SRV"; then kill -KILL "$SRV" 2>/dev/null || true; fi
  wait "$SRV" 2>/dev/null || true
  SRV=
}
trap stop_server EXIT
trap 'exit 130' INT TERM
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# the server's CPU time so far (user + system), in clock ticks: the machine may be shared, so the
# CPU a request costs is reported beside the time it took
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
HZ=$(getconf CLK_TCK)

# ---- the database ----------------------------------------------------------------------------
DB=$WORK/province-$N-$COMMUNES-voice.db
if [[ ! -s $DB ]]; then
  echo "building $DB ($N dossiers over $COMMUNES communes)..."
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$THANTHIEN" demo --db "$DB.tmp" --dossiers "$N" --communes "$COMMUNES" --voice > "$OUT/build.log" 2>&1 ||
    { tail -5 "$OUT/build.log" >&2; rm -f "$DB.tmp"*; die "building the database failed"; }
  mv "$DB.tmp" "$DB"
  rm -f "$DB.tmp-wal" "$DB.tmp-shm"
  tail -1 "$OUT/build.log"
fi

# ---- the server ------------------------------------------------------------------------------
port_busy "$PORT" && die "port $PORT is in use (set PORT)"
"$THANTHIEN" serve --db "$DB" --port "$PORT" --listen 127.0.0.1 --quiet > "$OUT/server.log" 2>&1 &
SRV=$!
for _ in $(seq 150); do
  curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  alive "$SRV" || die "the server exited; see $OUT/server.log"
  sleep 0.1
done
JAR=$OUT/cookies
curl -fsS -c "$JAR" -b "$JAR" -o /dev/null "http://127.0.0.1:$PORT/dang-nhap"
CSRF=$(awk '$6 == "tt_csrf" {print $7}' "$JAR")
code=$(curl -sS -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code}' \
  --data "_csrf=$CSRF&username=thamdinh&password=$PASSWORD" "http://127.0.0.1:$PORT/dang-nhap")
[[ $code == 303 ]] || die "signing in as thamdinh answered $code"

# The pages keep a period's figures for a minute (sorting asks for them again), so "cold"
# requests each ask for a period of their own (this year up to a different day: every unit's
# rows of two periods are read again) and "sorted" ones re-sort the period just computed.
KEYS=(dossier.on_time_rate dossier.received rating.satisfied_rate feedback.on_time_rate letter.thanks
      reception.sessions dossier.avg_days dossier.online_rate dialogue.held complaint.received)
YEAR=$(date +%Y)
path_of() { # NAME I: the path of the I-th request (0 = the warm-up)
  local d k=$2
  [[ $1 == xlsx ]] && k=$(( k + 150 ))   # periods the view did not ask for
  d=$(date -d "-$(( k % 330 )) day" +%F)
  [[ $d == "$YEAR"-* ]] || d=$YEAR-01-01
  case $1 in
    view) echo "/tinh/so-sanh?tu=$YEAR-01-01&den=$d" ;;
    sorted) echo "/tinh/so-sanh?sap_xep=${KEYS[$(( $2 % ${#KEYS[@]} ))]}&chieu=giam" ;;
    xlsx) echo "/tinh/so-sanh.xlsx?tu=$YEAR-01-01&den=$d" ;;
    unit) echo "/tinh/don-vi/$(printf 'TN-%02d' "$COMMUNES")?hat=$2" ;;
  esac
}

# times (seconds, one a line) of COUNT GETs, after one warm-up; fails on a non-200
measure() { # NAME COUNT
  local name=$1 count=$2 out=$OUT/$1.times path
  : > "$out"
  path=$(path_of "$name" 0)
  curl -fsS -b "$JAR" -o "$OUT/$name.body" "http://127.0.0.1:$PORT$path" || die "$path failed"
  local t0
  t0=$(ticks "$SRV")
  for i in $(seq "$count"); do
    curl -sS -b "$JAR" -o /dev/null -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$PORT$(path_of "$name" "$i")" >> "$out.raw"
  done
  awk '$1 != 200 {bad++} END {exit bad > 0}' "$out.raw" || die "$name answered other than 200: $(sort -u "$out.raw" | head -3)"
  awk '{print $2}' "$out.raw" | sort -g > "$out"
  local n med p95 max cpu
  cpu=$(( ( $(ticks "$SRV") - t0 ) * 1000 / HZ / count ))
  n=$(wc -l < "$out")
  med=$(awk -v n="$n" 'NR == int((n + 1) / 2) {printf "%.0f", $1 * 1000}' "$out")
  p95=$(awk -v n="$n" 'BEGIN {k = int(n * 0.95 + 0.999); if (k < 1) k = 1} NR == k {printf "%.0f", $1 * 1000}' "$out")
  max=$(tail -1 "$out" | awk '{printf "%.0f", $1 * 1000}')
  printf '| %s | `%s` | %s | %s ms | %s ms | %s ms | %s ms | %s KiB |\n' "$name" "$path" "$n" "$med" "$p95" "$max" \
    "$cpu" "$(( $(stat -c %s "$OUT/$name.body") / 1024 ))" | tee -a "$SUMMARY"
}

{
  echo "# The province's view: $COMMUNES communes, $N dossiers ($(date -u +%Y-%m-%d))"
  echo
  echo "Sequential requests as the provincial assessor, after one warm-up each; view and xlsx each ask for"
  echo "a period of their own (computed afresh), sorted re-sorts the period just computed; build: $THANTHIEN;"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) processors."
  echo
  echo "| what | path | requests | median | p95 | max | server CPU per request | body |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$SUMMARY"
cat "$SUMMARY"
measure view "$REQUESTS"
measure sorted "$REQUESTS"
measure xlsx "$(( (REQUESTS + 1) / 2 ))"
measure unit "$(( (REQUESTS + 1) / 2 ))"
rows=$(grep -o 'data-code="[^"]*"' "$OUT/view.body" | sort -u | wc -l)
{
  echo
  echo "Units in the table: $rows. Server memory after the requests: RSS $(( $(kib "$SRV" VmRSS) / 1024 )) MiB, peak $(( $(kib "$SRV" VmHWM) / 1024 )) MiB."
} | tee -a "$SUMMARY"
stop_server
echo "== summary: $SUMMARY"
