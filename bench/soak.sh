#!/usr/bin/env bash
# Soak: mixed load (tokens, introspection, gate, revocation) at a fixed rate
# for MINUTES, then failed requests, RSS and file descriptors at start and end.
# Usage: bench/soak.sh [minutes] [requests per second]   (default 10, 200)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
rate=${2:-200}
source bench/lib.sh

create_client books-cli "read_books add_books"
books_id=$client_id books_secret=$client_secret
create_client books-api "token_introspection $books_id"
start_server
/usr/bin/python3 bench/soak.py "$port" "$minutes" "$rate" "$pid" \
    "$books_id" "$books_secret" "$client_id" "$client_secret"
