#!/usr/bin/env bash
# The store under load, in one run on one machine: /token (client_credentials,
# JWT and opaque access tokens) and /introspect (of an opaque token: a
# database read; of a JWT: a revocation check) for
#   sqlite  one oidcd on SQLite
#   pg1     one oidcd on PostgreSQL
#   pg2     two oidcd on one PostgreSQL database behind nginx (round-robin,
#           keep-alive to the instances), as docs/SCALING.md runs them
# then each PostgreSQL figure over SQLite's (issue 12's goal: opaque tokens
# and introspection on PostgreSQL at least 0.5 of SQLite's).
# PostgreSQL is a throwaway cluster (scripts/pg_test_cluster.sh: a Unix
# socket in a temporary directory, fsync off), one database per set-up.
# Usage: bench/store.sh [seconds] [connections]
#        (needs wrk, nginx and the PostgreSQL server binaries)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-16}
source bench/lib.sh
pgdir=$(mktemp -u /tmp/oidcd-bench-pg.XXXXXX)
nginx_pid=""

stop_all() {
    set +e # stop everything, even what has stopped already
    [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
    [ -d "$pgdir" ] && scripts/pg_test_cluster.sh stop "$pgdir" >/dev/null 2>&1
    cleanup
}
trap stop_all EXIT

# write_ini NAME PORT DATABASE_URL ISSUER → $dir/NAME.ini (one key file for all)
write_ini() {
    cat >"$dir/$1.ini" <<INI
[server]
issuer = $4
listen = 127.0.0.1:$2
[database]
url = $3
[keys]
encryption_key_file = $dir/oidcd.kek
[log]
level = warn
INI
}

# serve NAME PORT: starts the instance of $dir/NAME.ini and waits for it
serve() {
    "$bin" --config "$dir/$1.ini" serve 2>"$dir/$1.log" &
    extra_pids="${extra_pids:-} $!"
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return; sleep 0.1; done
    echo "$1 did not start:" >&2
    cat "$dir/$1.log" >&2
    exit 1
}

# client NAME INI SCOPE [flags…] → $client_id, $client_secret, $auth (Basic)
client() {
    local name=$1 ini=$2 scope=$3
    shift 3
    "$bin" --config "$dir/$ini.ini" client create --name "$name" \
        --grant-types client_credentials --scope "$scope" --json "$@" \
        >"$dir/$name.json" 2>>"$dir/cli.log"
    client_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_id"])' "$dir/$name.json")
    client_secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_secret"])' "$dir/$name.json")
    auth=$(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0)
}

# token BASE AUTH → an access token
token() {
    curl -sf -H "Authorization: Basic $2" -d grant_type=client_credentials "$1/token" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

declare -A rps
# measure SETUP INI BASE: clients made through INI's database, then wrk at BASE
measure() {
    local setup=$1 ini=$2 base=$3 jwt_auth opaque_auth jwt_id opaque_id jwt_token opaque_token
    client "jwt-$setup" "$ini" "read_books"
    jwt_auth=$auth jwt_id=$client_id
    client "opaque-$setup" "$ini" "read_books" --access-token-format opaque
    opaque_auth=$auth opaque_id=$client_id
    client "rs-$setup" "$ini" "token_introspection $jwt_id $opaque_id"
    export RS_AUTH=$auth
    echo "== $setup (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    # introspection first: the tens of thousands of tokens the /token runs
    # store start PostgreSQL's autovacuum, which would weigh on what follows
    opaque_token=$(token "$base" "$opaque_auth")
    jwt_token=$(token "$base" "$jwt_auth")
    rps[$setup.introspect_opaque]=$(export TOKEN=$opaque_token
        wrk_run "$setup introspect opaque" "$base/introspect" bench/introspect.lua)
    rps[$setup.introspect_jwt]=$(export TOKEN=$jwt_token
        wrk_run "$setup introspect jwt" "$base/introspect" bench/introspect.lua)
    rps[$setup.token_jwt]=$(export AUTH=$jwt_auth; wrk_run "$setup token jwt" "$base/token" bench/token.lua)
    rps[$setup.token_opaque]=$(export AUTH=$opaque_auth
        wrk_run "$setup token opaque" "$base/token" bench/token.lua)
}

# balance PORT UPSTREAM_PORTS…: nginx round-robin in the foreground, as
# tests/e2e/nginx_support.py's balancer, with keep-alive to the instances
balance() {
    local listen=$1 servers="" p
    shift
    for p in "$@"; do servers="$servers        server 127.0.0.1:$p;"$'\n'; done
    mkdir -p "$dir/nginx"
    cat >"$dir/nginx/nginx.conf" <<CONF
$([ "$(id -u)" -eq 0 ] && echo "user root;")
worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/nginx/client_body_temp;
    proxy_temp_path $dir/nginx/proxy_temp;
    fastcgi_temp_path $dir/nginx/fastcgi_temp;
    uwsgi_temp_path $dir/nginx/uwsgi_temp;
    scgi_temp_path $dir/nginx/scgi_temp;
    upstream oidcd {
$servers        keepalive 32;
    }
    server {
        listen 127.0.0.1:$listen;
        location / {
            proxy_pass http://oidcd;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Request-Id \$request_id;
        }
    }
}
CONF
    /usr/sbin/nginx -p "$dir/nginx/" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" \
        -g "daemon off; pid $dir/nginx/nginx.pid;" &
    nginx_pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$listen/healthz" >/dev/null && return; sleep 0.1; done
    echo "nginx did not start:" >&2
    cat "$dir/nginx/error.log" >&2
    exit 1
}

echo "== $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), wrk -t2 -c$conns -d${secs}s each" >&2
pg=$(scripts/pg_test_cluster.sh start "$pgdir")
psql "$pg" -q -c "CREATE DATABASE bench_pg1" -c "CREATE DATABASE bench_pg2"

write_ini sqlite "$port" "sqlite:$dir/bench.db" "http://127.0.0.1:$port"
serve sqlite "$port"
measure sqlite sqlite "http://127.0.0.1:$port"
kill "${extra_pids##* }" && wait "${extra_pids##* }" 2>/dev/null || true

write_ini pg1 $((port + 1)) "${pg/oidcd_test/bench_pg1}" "http://127.0.0.1:$((port + 1))"
serve pg1 $((port + 1))
measure pg1 pg1 "http://127.0.0.1:$((port + 1))"
kill "${extra_pids##* }" && wait "${extra_pids##* }" 2>/dev/null || true

lb=$((port + 2))
write_ini pg2a $((port + 3)) "${pg/oidcd_test/bench_pg2}" "http://127.0.0.1:$lb"
write_ini pg2b $((port + 4)) "${pg/oidcd_test/bench_pg2}" "http://127.0.0.1:$lb"
serve pg2a $((port + 3))
serve pg2b $((port + 4))
balance "$lb" $((port + 3)) $((port + 4))
measure pg2 pg2a "http://127.0.0.1:$lb"

echo
printf '%-20s %10s %10s %10s %10s %10s\n' "req/s" sqlite pg1 pg2 pg1/sqlite pg2/sqlite
for what in introspect_opaque introspect_jwt token_jwt token_opaque; do
    printf '%-20s %10.0f %10.0f %10.0f %10s %10s\n' "$what" "${rps[sqlite.$what]}" \
        "${rps[pg1.$what]}" "${rps[pg2.$what]}" \
        "$(ratio "${rps[pg1.$what]}" "${rps[sqlite.$what]}")" \
        "$(ratio "${rps[pg2.$what]}" "${rps[sqlite.$what]}")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
