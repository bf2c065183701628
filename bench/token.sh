#!/usr/bin/env bash
# Token endpoint throughput against its ceiling, in one run:
#   1. openssl speed: RSA-2048 signatures per second on every core (the ceiling)
#   2. wrk: client_credentials tokens per second from the real server
# then the ratio, p99 latency and the server's peak RSS.
# Usage: bench/token.sh [seconds] [connections] [jwt|opaque]   (needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-16}
format=${3:-jwt}
source bench/lib.sh

create_client bench "read_books add_books" --access-token-format "$format"
export AUTH=$(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)
start_server

echo "== ceiling: openssl speed -seconds 5 -multi $(nproc) rsa2048"
ceiling=$(openssl speed -seconds 5 -multi "$(nproc)" rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6}')
echo "rsa2048 signs/s: $ceiling"

echo "== wrk -t1 -c$conns -d${secs}s POST /token (client_credentials, Basic, keep-alive, $format)"
wrk -t1 -c"$conns" -d1s -s bench/token.lua "http://127.0.0.1:$port/token" >/dev/null # warm-up
rss_watch "$dir/rss"
result=$(wrk -t1 -c"$conns" -d"${secs}s" -s bench/token.lua "http://127.0.0.1:$port/token" | tail -1)
echo "$result"
echo "server peak RSS: $(( $(sort -n "$dir/rss" | tail -1) / 1024 )) MiB"
echo "ratio tokens/s / rsa2048 signs/s: $(ratio "$(rps_of "$result")" "$ceiling")"
