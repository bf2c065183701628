#!/usr/bin/env bash
# Installs what oidcd needs on Debian (only what is missing) and builds it
# into build/. Usage: scripts/setup.sh [extra cmake arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    build-essential cmake pkg-config valgrind clang-14 libclang-rt-14-dev
    libmicrohttpd-dev libjansson-dev libssl-dev libcjose-dev libsqlite3-dev
    libinih-dev libcmocka-dev libcurl4-openssl-dev libargon2-dev
    python3 python3-pytest python3-requests python3-authlib python3-jwcrypto
    nginx e2fsprogs mount
)

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

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j"$(nproc)"
