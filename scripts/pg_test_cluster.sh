#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb in a temporary
# directory, listening on a Unix socket there and on a free loopback port,
# trust authentication for local connections only, a database oidcd_test.
#
#   scripts/pg_test_cluster.sh start [DIR]   makes and starts it; prints its URL
#   scripts/pg_test_cluster.sh url [DIR]     prints the URL of a running one
#   scripts/pg_test_cluster.sh stop [DIR]    stops it and removes DIR
#   scripts/pg_test_cluster.sh halt [DIR]    stops its server (fast shutdown),
#                                            keeping its data: an outage
#   scripts/pg_test_cluster.sh resume [DIR]  starts a halted one again, same port
#
# DIR defaults to $OIDCD_PG_DIR or /tmp/oidcd-pg. Run as root, the cluster
# belongs to the user postgres (initdb refuses root). No system service is
# touched.
set -euo pipefail

cmd=${1:-}
dir=${2:-${OIDCD_PG_DIR:-/tmp/oidcd-pg}}
bindir=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
# the cluster's owner may not be allowed into the caller's directory (a
# checkout under /root): PostgreSQL's tools look at where they are started
cd /

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() {
    local port
    port=$(cat "$dir/port")
    echo "postgresql://postgres@/oidcd_test?host=$dir&port=$port"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

run_server() {
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $(cat "$dir/port") -k $dir -c max_connections=200 -c fsync=off" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

# a fast shutdown, as an administrator's restart does: open transactions are
# rolled back, committed ones kept (a shutdown checkpoint), clients cut off
halt() {
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
}

resume() {
    [ -d "$dir/data" ] || { echo "no cluster in $dir" >&2; exit 1; }
    run_server
}

start() {
    local port
    [ -x "$bindir/initdb" ] || { echo "no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
    if [ -d "$dir/data" ]; then
        if as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
            url
            return
        fi
        stop # left over from a run that did not stop it: start afresh
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    chmod 0700 "$dir"
    port=$(free_port)
    echo "$port" > "$dir/port"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # local connections only: the socket in DIR and loopback
    cat > "$dir/data/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
HBA
    run_server
    as_owner "$bindir/psql" -h "$dir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE oidcd_test" >/dev/null
    url
}

stop() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    case "$dir" in
        /tmp/*) rm -rf "$dir" ;;
        *) echo "left $dir in place (not under /tmp)" >&2 ;;
    esac
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    url) url ;;
    halt) halt ;;
    resume) resume ;;
    *) echo "usage: $0 start|stop|url|halt|resume [DIR]" >&2; exit 2 ;;
esac
