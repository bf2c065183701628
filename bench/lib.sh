# Shared by the bench scripts: a throw-away oidcd on a loopback port.
# Source it from the repository root; it sets $dir, $port, $pid and the
# functions below, and cleans up on exit.
bin=${OIDCD_BIN:-build/oidcd}
port=${PORT:-18765}
dir=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    for p in ${extra_pids:-}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$dir"
}
trap cleanup EXIT

cat >"$dir/oidcd.ini" <<INI
[server]
issuer = http://127.0.0.1:$port
listen = 127.0.0.1:$port
[database]
url = sqlite:$dir/oidcd.db
[keys]
encryption_key_file = $dir/oidcd.kek
[log]
level = info
INI

oidcd() { "$bin" --config "$dir/oidcd.ini" "$@"; }

# create_client NAME SCOPE [flags…] → sets $client_id, $client_secret
create_client() {
    local name=$1 scope=$2
    shift 2
    oidcd client create --name "$name" --grant-types client_credentials --scope "$scope" \
        --json "$@" >"$dir/$name.json" 2>>"$dir/cli.log"
    client_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_id"])' "$dir/$name.json")
    client_secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_secret"])' "$dir/$name.json")
}

start_server() {
    if curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1; then
        echo "port $port is already in use (set PORT=…)" >&2
        exit 1
    fi
    "$bin" --config "$dir/oidcd.ini" serve 2>"$dir/serve.log" &
    pid=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
    echo "server did not start" >&2
    exit 1
}

# get_token ID SECRET → prints an access token
get_token() {
    curl -sf -u "$1:$2" -d grant_type=client_credentials "http://127.0.0.1:$port/token" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# rss_watch FILE: samples the server's RSS (KiB) every 0.5 s into FILE
rss_watch() {
    (while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid"; sleep 0.5; done) >"$1" &
    extra_pids="${extra_pids:-} $!"
}

# wrk_run NAME URL SCRIPT: a 1 s warm-up, then wrk -t2 -c$conns -d${secs}s;
# the summary line on stderr, its rps on stdout
wrk_run() {
    wrk -t2 -c"$conns" -d1s -s "$3" "$2" >/dev/null
    local r
    r=$(wrk -t2 -c"$conns" -d"${secs}s" -s "$3" "$2" | tail -1)
    echo "$1: $r" >&2
    rps_of "$r"
}

rps_of() { sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$1"; }
ratio() { python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
