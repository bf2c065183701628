#!/usr/bin/env bash
# Installs what oidcd needs on Debian (only what is missing) and builds it
# into build/. Usage: scripts/setup.sh [extra cmake arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    build-essential cmake pkg-config valgrind clang-14 libclang-rt-14-dev
    libmicrohttpd-dev libjansson-dev libssl-dev libcjose-dev libsqlite3-dev libpq-dev postgresql
    libinih-dev libcbor-dev libcmocka-dev libcurl4-openssl-dev libargon2-dev libsystemd-dev systemd
    libqrencode-dev zbar-tools
    python3 python3-pytest python3-pytest-xdist python3-requests python3-authlib python3-jwcrypto
    python3-prometheus-client
    nginx e2fsprogs mount chromium
)
# node and npm run the browser tests (tests/browser); a machine that already
# has npm (say, from NodeSource) keeps its own
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

# playwright-core for the browser tests, exactly as locked; again only when
# node_modules is missing or the lock changed, so that setup works offline
lock_sum=$(sha256sum tests/browser/package-lock.json | cut -d' ' -f1)
stamp=tests/browser/node_modules/.oidcd-lock-sha256
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
    echo "npm ci in tests/browser"
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$stamp"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j"$(nproc)"
