#!/usr/bin/env bash
# bench/rollup.sh -- the province's yearly roll-up of the report on the model (src/report,
# GET /bao-cao/tong-hop) over COMMUNES communes with two years of data each: the time to render
# it as JSON, HTML, PDF and XLSX (median of ROUNDS requests each, after one warm-up), and the
# server's peak resident memory (VmHWM) before and after.
#
# The database is `thanthien demo --dossiers N --communes COMMUNES --voice`: dossiers from
# 2024-12-01 to today spread over COMMUNES communes of the province, their ratings, and two
# years of feedback and receptions for every commune and department. Built once per
# (N, COMMUNES) and cached in bench/.work/. The server it starts is stopped by PID on exit.
#
# Settings (environment): N=300000 COMMUNES=150 ROUNDS=5 PORT=8094 YEAR=(last year)
#   THANTHIEN=build/thanthien
# Output: one table on stdout, also in bench/.work/rollup-results/STAMP.md
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
N=${N:-300000}
COMMUNES=${COMMUNES:-150}
ROUNDS=${ROUNDS:-5}
PORT=${PORT:-8094}
YEAR=${YEAR:-$(($(date -u +%Y) - 1))}
THANTHIEN=${THANTHIEN:-$ROOT/build/thanthien}
PASSWORD=ThanThien@2026
WORK=$HERE/.work
DB=$WORK/rollup-$N-$COMMUNES-voice.db
mkdir -p "$WORK/rollup-results"

[ -x "$THANTHIEN" ] || { echo "rollup: $THANTHIEN is missing (make all)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "rollup: the sqlite3 command is missing" >&2; exit 1; }

if [ ! -f "$DB" ]; then
    echo "== building $DB ($N dossiers, $COMMUNES communes)"
    rm -f "$DB.tmp" "$DB.tmp-wal" "$DB.tmp-shm"
    "$THANTHIEN" demo --db "$DB.tmp" --dossiers "$N" --communes "$COMMUNES" --voice >/dev/null
    sqlite3 "$DB.tmp" "PRAGMA journal_mode = DELETE; ANALYZE;" >/dev/null
    mv "$DB.tmp" "$DB"
fi
echo "== $(sqlite3 "$DB" "SELECT COUNT(*) FROM units WHERE kind = 'commune'") communes, \
$(sqlite3 "$DB" "SELECT COUNT(*) FROM dossiers") dossiers, \
$(sqlite3 "$DB" "SELECT COUNT(*) FROM dossiers WHERE received_at >= strftime('%s', '$YEAR-01-01') - 25200 AND received_at < strftime('%s', '$((YEAR + 1))-01-01') - 25200") in $YEAR"

PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; true; }
trap cleanup EXIT
"$THANTHIEN" serve --db "$DB" --port "$PORT" --quiet 2>"$WORK/rollup-server.log" &
PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
hwm() { awk '/VmHWM/ {print $2}' "/proc/$PID/status"; }
HWM0=$(hwm)

JAR=$WORK/rollup-cookies.txt
rm -f "$JAR"
CSRF=$(curl -fs -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/dang-nhap" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$CSRF" --data-urlencode "username=thamdinh" \
    --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$PORT/dang-nhap"

Q="don_vi=19&nam=$YEAR&ky=nam"
OUT=$WORK/rollup-results/$(date -u +%Y%m%d-%H%M%S).md
{
    echo "| roll-up $YEAR ($COMMUNES communes) | median ms | bytes |"
    echo "|---|---:|---:|"
    for kind in json html pdf xlsx; do
        case $kind in
        json) url="/bao-cao/tong-hop?$Q"; hdr="Accept: application/json" ;;
        html) url="/bao-cao/tong-hop?$Q"; hdr="Accept: text/html" ;;
        pdf) url="/bao-cao/tong-hop.pdf?$Q"; hdr="Accept: */*" ;;
        xlsx) url="/bao-cao/tong-hop.xlsx?$Q"; hdr="Accept: */*" ;;
        esac
        curl -fs -o /dev/null -b "$JAR" -H "$hdr" "http://127.0.0.1:$PORT$url"   # warm-up
        times=()
        size=0
        for _ in $(seq "$ROUNDS"); do
            read -r t s < <(curl -fs -o /dev/null -b "$JAR" -H "$hdr" -w '%{time_total} %{size_download}\n' \
                "http://127.0.0.1:$PORT$url")
            times+=("$(awk -v t="$t" 'BEGIN {printf "%.1f", t * 1000}')")
            size=$s
        done
        med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
        echo "| $kind | $med | $size |"
    done
    echo
    echo "server peak RSS (VmHWM): ${HWM0} KiB after start, $(hwm) KiB after the roll-ups"
} | tee "$OUT"
