#!/usr/bin/env bash
# tests/scripts/test_nginx_dir.sh -- bench/nginx-dir.sh: nginx's unprivileged workers can read
# the files of a benchmark run from a clone nobody else may enter (a clone under /root).
# Checked as the user nginx's workers run as (nobody), with setpriv, when run as root.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/bench/nginx-dir.sh"
fails=0
check() { if "${@:2}"; then echo "  ok   $1"; else echo "  FAIL $1"; fails=$((fails + 1)); fi; }
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@" >/dev/null 2>&1; }

top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
chmod 755 "$top"
mkdir -p "$top/open/clone/bench" "$top/closed/clone/bench" "$top/tmp"
chmod 700 "$top/closed"

echo "test_nginx_dir"
got=$(TMPDIR=$top/tmp nginx_dir "$top/open/clone/bench/.work/nginx" nginx)
check "an open clone keeps nginx's files in .work" [ "$got" = "$top/open/clone/bench/.work/nginx" ]

got=$(TMPDIR=$top/tmp nginx_dir "$top/closed/clone/bench/.work/nginx" nginx)
check "a closed clone gets a directory under TMPDIR" [ "$got" = "$top/tmp/thanthien-bench-$(id -u)/nginx" ]
echo page > "$got/page.html"
if [ "$(id -u)" = 0 ]; then
  echo page > "$top/closed/clone/bench/.work/nginx/page.html"
  check "nobody cannot read the closed clone (the failure this avoids)" \
    bash -c "! setpriv --reuid=65534 --regid=65534 --clear-groups cat '$top/closed/clone/bench/.work/nginx/page.html' >/dev/null 2>&1"
  check "nobody reads the page where nginx_dir put it" as_nobody cat "$got/page.html"
fi
echo "test_nginx_dir: $fails failed"
[ "$fails" = 0 ]
