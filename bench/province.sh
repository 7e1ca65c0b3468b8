#!/usr/bin/env bash
# bench/province.sh -- `make bench`, part three: the province's view (issue 13) over a province of
# COMMUNES communes with about two years of dossiers each (thanthien demo --dossiers N
# --communes K: the working days since 2024-12-01, so "two years" when run in late 2026).
#   view    GET /tinh/so-sanh (this year and the previous period beside it, every unit, the SVG)
#           as the provincial assessor, REQUESTS times one after another: median and p95
#   xlsx    GET /tinh/so-sanh.xlsx, the same table as a workbook
#   unit    GET /tinh/don-vi/TN-001, one commune's drill-down (by month, audit sample)
#   rss     the server's resident memory after them (VmRSS) and its peak (VmHWM)
# The database is built once and cached in bench/.work/. Every process started here is stopped by
# PID on exit. Only the dossiers are generated in bulk: ratings, feedback, letters and reception
# rows are those of the demo's communes (their queries run over the same subtree all the same).
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

# ---- the database ----------------------------------------------------------------------------
DB=$WORK/province-$N-$COMMUNES.db
if [[ ! -s $DB ]]; then
  echo "building $DB ($N dossiers over $COMMUNES communes)..."
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$THANTHIEN" demo --db "$DB.tmp" --dossiers "$N" --communes "$COMMUNES" > "$OUT/build.log" 2>&1 ||
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

# times (seconds, one a line) of REQUESTS GETs of a path, after one warm-up; fails on a non-200
measure() { # NAME PATH COUNT
  local name=$1 path=$2 count=$3 out=$OUT/$1.times
  : > "$out"
  curl -fsS -b "$JAR" -o "$OUT/$name.body" "http://127.0.0.1:$PORT$path" || die "$path failed"
  for _ in $(seq "$count"); do
    curl -sS -b "$JAR" -o /dev/null -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$PORT$path" >> "$out.raw"
  done
  awk '$1 != 200 {bad++} END {exit bad > 0}' "$out.raw" || die "$path answered other than 200: $(sort -u "$out.raw" | head -3)"
  awk '{print $2}' "$out.raw" | sort -g > "$out"
  local n med p95 max
  n=$(wc -l < "$out")
  med=$(awk -v n="$n" 'NR == int((n + 1) / 2) {printf "%.0f", $1 * 1000}' "$out")
  p95=$(awk -v n="$n" 'BEGIN {k = int(n * 0.95 + 0.999); if (k < 1) k = 1} NR == k {printf "%.0f", $1 * 1000}' "$out")
  max=$(tail -1 "$out" | awk '{printf "%.0f", $1 * 1000}')
  printf '| %s | `%s` | %s | %s ms | %s ms | %s ms | %s KiB |\n' "$name" "$path" "$n" "$med" "$p95" "$max" \
    "$(( $(stat -c %s "$OUT/$name.body") / 1024 ))" | tee -a "$SUMMARY"
}

{
  echo "# The province's view: $COMMUNES communes, $N dossiers ($(date -u +%Y-%m-%d))"
  echo
  echo "Sequential requests as the provincial assessor, after one warm-up each; build: $THANTHIEN."
  echo
  echo "| what | path | requests | median | p95 | max | body |"
  echo "|---|---|---|---|---|---|---|"
} > "$SUMMARY"
cat "$SUMMARY"
measure view "/tinh/so-sanh" "$REQUESTS"
measure xlsx "/tinh/so-sanh.xlsx" "$(( (REQUESTS + 1) / 2 ))"
measure unit "/tinh/don-vi/TN-001?hat=1" "$(( (REQUESTS + 1) / 2 ))"
rows=$(grep -o 'data-code="[^"]*"' "$OUT/view.body" | sort -u | wc -l)
{
  echo
  echo "Units in the table: $rows. Server memory after the requests: RSS $(( $(kib "$SRV" VmRSS) / 1024 )) MiB, peak $(( $(kib "$SRV" VmHWM) / 1024 )) MiB."
} | tee -a "$SUMMARY"
stop_server
echo "== summary: $SUMMARY"
