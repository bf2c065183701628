#!/usr/bin/env bash
# /gate and /introspect throughput against a hello-world libmicrohttpd server
# (bench/hello.c, the same thread pool and epoll set-up) in one run.
# Usage: bench/gate.sh [seconds] [connections]   (needs wrk and build/bench-hello:
#        cmake --build build --target bench-hello)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-16}
hello=${HELLO_BIN:-build/bench-hello}
source bench/lib.sh

create_client books-cli "read_books add_books"
books_id=$client_id books_secret=$client_secret
create_client books-api "token_introspection $books_id"
export RS_AUTH=$(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)
start_server
TOKEN=$(get_token "$books_id" "$books_secret")
export TOKEN

hello_port=$((port + 1))
"$hello" "$hello_port" "$(nproc)" &
extra_pids="${extra_pids:-} $!"
sleep 0.3

echo "== wrk -t2 -c$conns -d${secs}s each"
ceiling=$(wrk_run hello "http://127.0.0.1:$hello_port/" bench/hello.lua)
# the same POST /introspect request, answered by the hello server
ceiling_post=$(wrk_run hello-post "http://127.0.0.1:$hello_port/" bench/introspect.lua)
gate=$(wrk_run gate "http://127.0.0.1:$port/gate?scope=read_books" bench/gate.lua)
introspect=$(wrk_run introspect "http://127.0.0.1:$port/introspect" bench/introspect.lua)
echo "ratio gate/hello: $(ratio "$gate" "$ceiling")"
echo "ratio introspect/hello: $(ratio "$introspect" "$ceiling")"
echo "ratio introspect/hello-post: $(ratio "$introspect" "$ceiling_post")"
