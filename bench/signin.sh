#!/usr/bin/env bash
# Sign-in throughput against its ceilings, in one run (issue 9):
#   a. code flows per second with a live session (GET /authorize with the
#      session cookie → 302 with a code → POST /token; two RS256 signatures
#      each) against half of `openssl speed rsa2048` on every core (target ≥ 0.8);
#   b. password logins per second (POST /login: argon2id with the default
#      passwords.argon2_* and a new session) against libargon2's own hashes per
#      second with the same parameters, as many at once as the server has
#      threads (bench/argon2_speed.c; target ≥ 0.9), and the server's peak RSS
#      under that load (target ≤ 32 MiB + argon2 memory × threads);
#   c. GET /userinfo per second against hello (bench/hello.c; target ≥ 0.6).
# Usage: bench/signin.sh [seconds] [connections]   (needs wrk, python3-requests,
#        cmake --build build --target bench-hello bench-argon2)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-16}
hello=${HELLO_BIN:-build/bench-hello}
argon2=${ARGON2_BIN:-build/bench-argon2}
py=${PYTHON:-/usr/bin/python3}
source bench/lib.sh
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }

threads=$(nproc)
export OIDCD_SERVER_THREADS=$threads
mem=19456 iters=2 par=1 # the passwords.argon2_* defaults, which the server uses
export PASSWORD=bench-password-1234
redirect=http://127.0.0.1:9/cb
export REDIRECT=http%3A%2F%2F127.0.0.1%3A9%2Fcb

printf '%s\n' "$PASSWORD" | oidcd user create bench --password-stdin \
    --claim email=bench@example.org >/dev/null 2>>"$dir/cli.log"
oidcd client create --name rp --grant-types authorization_code --scope "openid email" \
    --redirect-uri "$redirect" --require-consent false --json >"$dir/rp.json" 2>>"$dir/cli.log"
client_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_id"])' "$dir/rp.json")
client_secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_secret"])' "$dir/rp.json")
export CLIENT_ID=$client_id AUTH=$(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)
start_server
eval "$("$py" bench/signin_session.py "http://127.0.0.1:$port" "$client_id" "$client_secret" \
    "$redirect" "$PASSWORD")"

hello_port=$((port + 1))
"$hello" "$hello_port" "$threads" &
extra_pids="${extra_pids:-} $!"
sleep 0.3

echo "== a. code flows: openssl speed -seconds 5 -multi $threads rsa2048; wrk -t2 -c$conns -d${secs}s"
signs=$(openssl speed -seconds 5 -multi "$threads" rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6}')
echo "rsa2048 signs/s: $signs (ceiling: $signs / 2 flows/s)"
flows=$(wrk_run flows "http://127.0.0.1:$port/" bench/code_flow.lua)
echo "ratio flows/s / (rsa2048 signs/s / 2): $(ratio "$flows" "$(python3 -c "print($signs / 2)")")"

echo "== b. logins: bench-argon2 $secs $threads $mem $iters $par; wrk -t2 -c$threads -d${secs}s POST /login"
hashes=$("$argon2" "$secs" "$threads" "$mem" "$iters" "$par")
echo "libargon2: $hashes"
rss_watch "$dir/rss"
# one connection per server thread: each login holds its thread for a whole
# argon2id verification, so more connections would only queue
logins=$(conns=$threads wrk_run logins "http://127.0.0.1:$port/login" bench/login.lua)
echo "ratio logins/s / argon2 hashes/s: $(ratio "$logins" "$(rps_of "${hashes/hps/rps}")")"
peak=$(( $(sort -n "$dir/rss" | tail -1) / 1024 ))
echo "server peak RSS under logins: $peak MiB (bound: 32 + $(( mem / 1024 )) x $threads = $(( 32 + mem * threads / 1024 )) MiB)"

echo "== c. userinfo: wrk -t2 -c$conns -d${secs}s each"
ceiling=$(wrk_run hello "http://127.0.0.1:$hello_port/" bench/hello.lua)
userinfo=$(wrk_run userinfo "http://127.0.0.1:$port/userinfo" bench/userinfo.lua)
echo "ratio userinfo/hello: $(ratio "$userinfo" "$ceiling")"
