#!/bin/sh
# deps.sh -- installs the Debian packages and npm packages Thân Thiện needs, if missing.
#   scripts/deps.sh          what `make` needs to build and run
#   scripts/deps.sh test     also what `make check` needs (cmocka, curl, chromium, nginx, pdftotext,
#                            unzip and zbarimg to read back the XLSX and the QR code, xmllint
#                            for the Open311 XML)
#   scripts/deps.sh bench    also what `make bench` needs (wrk, nginx)
# Needs root (or sudo) only when something is missing.
set -eu
cd "$(dirname "$0")/.."

pkgs="build-essential pkg-config gettext libmicrohttpd-dev libsqlite3-dev libjansson-dev libsodium-dev
libglib2.0-dev libqrencode-dev libcsv-dev libcurl4-openssl-dev sqlite3
libcairo2-dev libpango1.0-dev libxlsxwriter-dev fonts-liberation2 zlib1g-dev libbrotli-dev"
# Node.js may come from elsewhere (NodeSource ships npm inside nodejs): ask Debian only when absent.
command -v npm >/dev/null 2>&1 || pkgs="$pkgs nodejs npm"
case "${1:-}" in
  test) pkgs="$pkgs libcmocka-dev clang libclang-rt-14-dev chromium fonts-liberation2 poppler-utils curl unzip zbar-tools nginx-light libxml2-utils" ;;
  bench) pkgs="$pkgs wrk nginx-light curl linux-perf" ;;
esac

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "deps: installing:$missing"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "deps: these Debian packages are missing:$missing" >&2
    echo "deps: run as root, or install them with: apt-get install$missing" >&2
    exit 1
  fi
  if ! { $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing; }; then
    echo "deps: apt-get could not install:$missing" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] ||
   [ ! -f node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css ] || [ ! -d node_modules/purgecss ]; then
  echo "deps: npm ci (page assets, the CSS purge and browser-test tools)"
  npm ci --no-audit --no-fund
fi
