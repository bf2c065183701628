#!/usr/bin/env bash
# Token endpoint throughput against its ceiling, in one run:
#   1. openssl speed: RSA-2048 signatures per second on every core (the ceiling)
#   2. wrk: client_credentials tokens per second from the real server
# and the ratio of the two, p99 latency and the server's peak RSS.
# Usage: bench/token.sh [seconds] [connections]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-16}
port=18765
bin=build/oidcd
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT

cat >"$dir/oidcd.ini" <<INI
[server]
issuer = http://127.0.0.1:$port
listen = 127.0.0.1:$port
[database]
url = sqlite:$dir/oidcd.db
[keys]
encryption_key_file = $dir/oidcd.kek
[log]
level = warn
INI

$bin --config "$dir/oidcd.ini" client create --name bench --grant-types client_credentials \
    --scope "read_books add_books" --json >"$dir/client.json"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_id"])' "$dir/client.json")
secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_secret"])' "$dir/client.json")
export AUTH=$(printf '%s:%s' "$id" "$secret" | base64 -w0)

$bin --config "$dir/oidcd.ini" serve 2>"$dir/serve.log" &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

echo "== ceiling: openssl speed -seconds 5 -multi $(nproc) rsa2048"
ceiling=$(openssl speed -seconds 5 -multi "$(nproc)" rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6}')
echo "rsa2048 signs/s: $ceiling"

echo "== wrk -t2 -c$conns -d${secs}s POST /token (client_credentials, Basic, keep-alive)"
wrk -t2 -c"$conns" -d1s -s bench/token.lua "http://127.0.0.1:$port/token" >/dev/null # warm-up
peak=0
(while kill -0 $pid 2>/dev/null; do
    ps -o rss= -p $pid; sleep 0.5
done) >"$dir/rss" &
result=$(wrk -t2 -c"$conns" -d"${secs}s" -s bench/token.lua "http://127.0.0.1:$port/token" | tail -1)
echo "$result"
peak=$(sort -n "$dir/rss" | tail -1)
rps=$(echo "$result" | sed -E 's/.*rps=([0-9.]+).*/\1/')
echo "server peak RSS: $((peak / 1024)) MiB"
python3 -c "import sys; print('ratio tokens/s / rsa2048 signs/s: %.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$rps" "$ceiling"
