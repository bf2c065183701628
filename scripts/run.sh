#!/usr/bin/env bash
# Sets everything up and runs the server on http://127.0.0.1:8000 with the
# embedded SQLite database (oidcd.db) and key file (oidcd.kek) in this folder.
# Any arguments go to `oidcd serve` (for example --config oidcd.ini).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/oidcd serve "$@"
