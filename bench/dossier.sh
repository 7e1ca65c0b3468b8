#!/usr/bin/env bash
# bench/dossier.sh -- `make bench`, part two: the one-stop dossier with one million dossiers in our
# own database.
#   lookup  the citizen's tracking page and JSON lookup through the shared side-by-side kit
#           (../shared/bench/run.sh), beside its nginx limit and its Express + better-sqlite3 peer
#   intake  durable intakes per second: real POST /ho-so over HTTP by a signed-in officer, 1 and
#           INTAKE_CLIENTS concurrent clients (bench/intake_load.c); the server fsyncs every commit
#   slip    the appointment slip PDF for dossiers just received (hook: real figures once the forms
#           feature is merged; until then it reports that the PDFs are not real)
#   (intake also times the citizen's voice: feedback cases and paper rating slips keyed in)
#   kill    kill -9 of the server while intakes are posted, restart, and every acknowledged intake
#           (HTTP 201 with its code) must be in the database: "acknowledged N, found N, missing 0"
# The database (thanthien demo --dossiers N) and its codes list (thanthien export codes --sample K)
# are built once and cached in bench/.work/. Every process started here is stopped by PID on exit.
#
# Settings (environment):
#   N=1000000 SAMPLE=100000          dossiers in the database, codes in the lookup list
#   ONLY="lookup intake kill"        which parts to run
#   BENCH_KIT=../shared/bench        the shared kit (else /work/shared/bench)
#   KIT_ARGS                         extra environment for the kit, e.g. "ROUNDS=3 DURATION=10s"
#   KIT_ONLY="limit peer project"    the kit's own ONLY (ours above is not passed on)
#   INTAKE_CLIENTS=16 INTAKE_SECONDS=10 SLIPS=200 KILL_AFTER=4 PORT=8093
#   THANTHIEN=build/thanthien
# Output: bench/.work/dossier-results/STAMP/ (summary.md, the kit's table, intake and kill logs).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

N=${N:-1000000}
SAMPLE=${SAMPLE:-100000}
ONLY=${ONLY:-lookup intake kill}
THANTHIEN=${THANTHIEN:-$ROOT/build/thanthien}
INTAKE_CLIENTS=${INTAKE_CLIENTS:-16}
INTAKE_SECONDS=${INTAKE_SECONDS:-10}
SLIPS=${SLIPS:-200}
KILL_AFTER=${KILL_AFTER:-4}
PORT=${PORT:-8093}
PASSWORD=ThanThien@2026
WORK=$HERE/.work
# shellcheck source=bench/nginx-dir.sh
source "$HERE/nginx-dir.sh"
if [[ -z ${BENCH_KIT:-} ]]; then
  if [[ -x $ROOT/../shared/bench/run.sh ]]; then BENCH_KIT=$(cd "$ROOT/../shared/bench" && pwd); else BENCH_KIT=/work/shared/bench; fi
fi

die() { echo "bench/dossier.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ && $SAMPLE =~ ^[1-9][0-9]*$ ]] || die "N and SAMPLE must be positive numbers"
[[ $INTAKE_CLIENTS =~ ^[1-9][0-9]{0,2}$ && $INTAKE_SECONDS =~ ^[1-9][0-9]*$ && $KILL_AFTER =~ ^[1-9][0-9]*$ ]] ||
  die "INTAKE_CLIENTS 1..999, INTAKE_SECONDS and KILL_AFTER positive"
for t in $ONLY; do [[ $t == lookup || $t == intake || $t == kill ]] || die "ONLY: lookup, intake, kill (got '$t')"; done
want() { [[ " $ONLY " == *" $1 "* ]]; }
[[ -x $THANTHIEN ]] || die "$THANTHIEN is missing: run 'make' first (make bench does)"
for c in sqlite3 curl cc; do command -v "$c" >/dev/null || die "$c is missing (scripts/deps.sh bench installs it)"; done
if want lookup; then [[ -x $BENCH_KIT/run.sh ]] || die "the shared kit is not at $BENCH_KIT (set BENCH_KIT)"; fi

STAMP=$(date +%Y%m%d-%H%M%S)
OUT=$WORK/dossier-results/$STAMP
mkdir -p "$OUT"
SUMMARY=$OUT/summary.md
echo "== bench/dossier.sh $STAMP (output in $OUT)"

# ---- process control: only what this script started, by PID -------------------------------
PIDS=()
alive() { [[ -r /proc/$1/stat ]] && [[ $(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1) != Z ]]; }
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 80); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() { local i; set +e; for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done; PIDS=(); }
forget() { local keep=() p; for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done; PIDS=("${keep[@]}"); }
trap cleanup EXIT
trap 'exit 130' INT TERM
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() { # URL PID
  for _ in $(seq 150); do
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    alive "$2" || { echo "bench/dossier.sh: server $2 exited before answering $1" >&2; return 1; }
    sleep 0.2
  done
  echo "bench/dossier.sh: no answer from $1 in 30 s" >&2; return 1
}
rss_mib() { awk '/^VmRSS:/{printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---- 1. the database and its codes, built once ------------------------------------------------
DB=$WORK/dossiers-$N.db
CODES=$WORK/codes-$N.tsv
mkdir -p "$WORK"
if [[ ! -s $DB ]]; then
  echo "building $DB (thanthien demo --dossiers $N; once, then cached)"
  tmp=$DB.tmp.$$
  rm -f "$tmp" "$tmp-wal" "$tmp-shm"
  "$THANTHIEN" demo --db "$tmp" --dossiers "$N" > "$OUT/demo.log" 2>&1 || { tail -5 "$OUT/demo.log" >&2; die "demo --dossiers failed"; }
  rm -f "$tmp-wal" "$tmp-shm"
  mv "$tmp" "$DB"
  tail -n 1 "$OUT/demo.log" | sed 's/.*: //' | tee "$DB.genstats"
fi
if [[ ! -s $CODES || $DB -nt $CODES ]]; then
  "$THANTHIEN" export codes --db "$DB" --sample "$SAMPLE" > "$CODES.tmp"
  mv "$CODES.tmp" "$CODES"
fi
DOSSIERS=$(sqlite3 -readonly "$DB" 'SELECT COUNT(*) FROM dossiers')
STEPS=$(sqlite3 -readonly "$DB" 'SELECT COUNT(*) FROM dossier_steps')
{
  echo "# bench/dossier.sh $STAMP"
  echo
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)"
  echo "- thanthien: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo 'no git') (release build)"
  echo "- database: $DB, $DOSSIERS dossiers, $STEPS steps, $(( $(stat -c %s "$DB") / 1048576 )) MiB; built by \`thanthien demo --dossiers $N\`: $(cat "$DB.genstats" 2>/dev/null || echo 'time not recorded')"
  echo "- codes: $(wc -l < "$CODES") spread over the table (\`thanthien export codes --sample $SAMPLE\`)"
} > "$SUMMARY"

# ---- 2. lookups beside nginx and the peer -------------------------------------------------------
if want lookup; then
  echo "== lookup: $BENCH_KIT/run.sh (limit, peer, project)"
  # wrk opens 64 connections from one address: the per-address limit (default 32) is raised;
  # every code is valid, so the wrong-secret limit of the lookup is never reached
  # the kit's nginx serves from its work directory: one its workers can enter (bench/nginx-dir.sh)
  KIT_WORK=$(nginx_dir "$WORK/kit" kit) || die "no directory for the kit's nginx"
  env BENCH_WORK="$KIT_WORK" N="$N" ONLY="${KIT_ONLY:-limit peer project}" \
    PROJECT_CMD="$THANTHIEN serve --listen 127.0.0.1 --quiet --max-per-ip 256 --max-connections 512" \
    PROJECT_DB="$DB" PROJECT_CODES="$CODES" PROJECT_API_PREFIX=/api/v1/dossiers/ PROJECT_SECRET_PARAM=secret \
    ${KIT_ARGS:-} "$BENCH_KIT/run.sh" 2>&1 | tee "$OUT/lookup.txt"
  [[ ${PIPESTATUS[0]} == 0 ]] || die "the kit's run failed (see $OUT/lookup.txt)"
  { echo; echo "## Lookup (shared kit, \`wrk -t2 -c64\`)"; echo; sed -n '/^N=/,$p' "$OUT/lookup.txt" | grep -v '^raw wrk'; } >> "$SUMMARY"
fi

# ---- 3. durable intakes, slips, and the kill -9 test on a copy of the database -------------------
if want intake || want kill; then
  LOAD=$WORK/intake_load
  if [[ ! -x $LOAD || $HERE/intake_load.c -nt $LOAD ]]; then
    cc -O2 -std=c17 -Wall -Wextra -Werror -o "$LOAD" "$HERE/intake_load.c" -lcurl -lpthread
  fi
  IDB=$WORK/intake.db
  rm -f "$IDB" "$IDB-wal" "$IDB-shm" "$IDB.audit-log" "$IDB.audit-key"
  cp "$DB" "$IDB"
  PROC=$(sqlite3 -readonly "$IDB" "SELECT id FROM procedures WHERE code = '2.000815'")
  [[ -n $PROC ]] || die "no procedure 2.000815 in the database"
  BASE=http://127.0.0.1:$PORT
  start_server() {
    port_busy "$PORT" && die "127.0.0.1:$PORT is already in use"
    "$THANTHIEN" serve --db "$IDB" --port "$PORT" --listen 127.0.0.1 --quiet --max-per-ip 256 --max-connections 512 \
      >> "$OUT/intake-server.log" 2>&1 &
    SRV=$!; PIDS+=("$SRV")
    wait_http "$BASE/healthz" "$SRV"
  }
  load() { "$LOAD" --base "$BASE" --user canbo1 --password "$PASSWORD" --procedure "$PROC" "$@"; }
fi

if want intake; then
  echo "== intake: POST /ho-so over HTTP, fsync on every commit"
  start_server
  load --clients 1 --duration 5 | tee "$OUT/intake-1.txt"
  load --clients "$INTAKE_CLIENTS" --duration "$INTAKE_SECONDS" | tee "$OUT/intake-$INTAKE_CLIENTS.txt"
  # the slips while citizens look their dossiers up: wrk's lookups (16 connections) run all the
  # while; one client's intakes for a second, then the slips of those dossiers one by one
  LOOKUP_LUA=$BENCH_KIT/wrk/codes.lua
  [[ -f $LOOKUP_LUA ]] || die "the shared kit's wrk/codes.lua is not at $BENCH_KIT (set BENCH_KIT)"
  # (wrk runs past the slips: about 7 ms each, 3 s to spare)
  timeout 120 wrk -t1 -c16 -d$((3 + SLIPS / 20))s --latency -s "$LOOKUP_LUA" "$BASE" -- "$CODES" /api/v1/dossiers/ secret \
    > "$OUT/slip-lookups.txt" 2>&1 &
  WPID=$!; PIDS+=("$WPID")
  sleep 1
  load --clients 1 --duration 1 --slips "$SLIPS" | grep '^slips' | sed 's/^slips:/slips while lookups run:/' | tee -a "$OUT/intake-$INTAKE_CLIENTS.txt"
  wait "$WPID" || die "wrk's lookups beside the slips failed (see $OUT/slip-lookups.txt)"
  forget "$WPID"
  awk '/Requests\/sec/{r=$2} / 99%/{p=$2} /Non-2xx/{e=$NF} END{printf "lookups meanwhile: %s req/s, p99 %s, non-2xx %s\n", r, p, e ? e : 0}' \
    "$OUT/slip-lookups.txt" | tee -a "$OUT/intake-$INTAKE_CLIENTS.txt"
  echo "server RSS after: $(rss_mib "$SRV") MiB" | tee -a "$OUT/intake-$INTAKE_CLIENTS.txt"
  # the citizen's voice keyed in at the desk, durable the same way: named phản ánh taken by the
  # hotline (POST /phan-anh), and paper rating slips of returned dossiers (POST /danh-gia/phieu)
  echo "== voice: feedback cases and ratings over HTTP, fsync on every commit"
  load --kind feedback --clients "$INTAKE_CLIENTS" --duration "$INTAKE_SECONDS" | tee "$OUT/voice.txt"
  RCODES=$OUT/rating-codes.txt
  sqlite3 -readonly "$IDB" "SELECT d.code FROM dossiers d WHERE d.unit_id = (SELECT unit_id FROM users WHERE \
    username = 'canbo1') AND d.status IN ('done', 'returned') AND NOT EXISTS (SELECT 1 FROM ratings r WHERE \
    r.dossier_id = d.id) ORDER BY d.id DESC LIMIT 100000" > "$RCODES"
  load --kind rating --codes "$RCODES" --clients "$INTAKE_CLIENTS" --duration "$INTAKE_SECONDS" | tee -a "$OUT/voice.txt"
  stop_pid "$SRV"; forget "$SRV"
  {
    echo
    echo "## Durable intakes (POST /ho-so over HTTP, one fsync'd commit each)"
    echo
    sed 's/^/- /' "$OUT/intake-1.txt" "$OUT/intake-$INTAKE_CLIENTS.txt"
    echo
    echo "## The citizen's voice (POST /phan-anh and /danh-gia/phieu over HTTP, one fsync'd commit each)"
    echo
    sed 's/^/- /' "$OUT/voice.txt"
  } >> "$SUMMARY"
fi

if want kill; then
  echo "== kill: kill -9 of the server while $INTAKE_CLIENTS clients post intakes"
  ACKED=$OUT/acked.tsv
  : > "$ACKED"
  start_server
  load --clients "$INTAKE_CLIENTS" --duration $((KILL_AFTER + 30)) --stop-on-error --acked "$ACKED" > "$OUT/kill-load.txt" 2>&1 &
  LPID=$!; PIDS+=("$LPID")
  sleep "$KILL_AFTER"
  kill -KILL "$SRV"
  wait "$SRV" 2>/dev/null || true
  forget "$SRV"
  wait "$LPID" || true
  forget "$LPID"
  echo "killed after ${KILL_AFTER} s; the load: $(head -n 1 "$OUT/kill-load.txt")"
  # the server starts again on the same file (SQLite recovers the WAL), and answers
  start_server
  ACK=$(grep -c . "$ACKED" || true)
  FOUND=$(sqlite3 -readonly "$IDB" \
    ".mode tabs" "CREATE TEMP TABLE acked (code TEXT, secret TEXT, id INTEGER)" ".import --schema temp $ACKED acked" \
    "SELECT COUNT(*) FROM temp.acked a JOIN dossiers d ON d.code = a.code AND d.secret = a.secret AND d.id = a.id")
  # the last acknowledged ones, the most at risk, through the restarted server's JSON lookup
  API_OK=0
  while IFS=$'\t' read -r code secret _; do
    curl -fsS --max-time 5 "$BASE/api/v1/dossiers/$code?secret=$secret" | grep -q "\"$code\"" && API_OK=$((API_OK + 1))
  done < <(tail -n 20 "$ACKED")
  AUDIT=$("$THANTHIEN" verify-audit --db "$IDB" 2>&1 | head -n 1 || true)   # judged below, with the rest
  stop_pid "$SRV"; forget "$SRV"
  MISSING=$((ACK - FOUND))
  RESULT="acknowledged $ACK, found $FOUND, missing $MISSING"
  echo "$RESULT; the last 20 answer the restarted server's lookup: $API_OK/20; verify-audit: $AUDIT" | tee "$OUT/kill.txt"
  {
    echo
    echo "## kill -9 under intake load"
    echo
    echo "- $INTAKE_CLIENTS clients posting intakes; the server killed with SIGKILL after $KILL_AFTER s, then started again on the same file"
    echo "- **$RESULT**; the last 20 acknowledged answer the restarted server's JSON lookup: $API_OK/20"
    echo "- verify-audit after the crash: $AUDIT"
  } >> "$SUMMARY"
  rm -f "$IDB" "$IDB-wal" "$IDB-shm" "$IDB.audit-log" "$IDB.audit-key"
  [[ $MISSING == 0 && $ACK -gt 0 && $API_OK == 20 && $AUDIT == OK* ]] ||
    { cat "$SUMMARY"; die "kill test failed: $RESULT; verify-audit: $AUDIT"; }
elif want intake; then
  rm -f "$IDB" "$IDB-wal" "$IDB-shm" "$IDB.audit-log" "$IDB.audit-key"
fi

echo
cat "$SUMMARY"
echo
echo "summary: $SUMMARY"
