#!/usr/bin/env bash
# Runs every test (unit, black-box and browser) on the normal build, where the unit
# programs and the black-box suite run a second time under valgrind memcheck
# (the server and books-api included), and on an AddressSanitizer +
# UndefinedBehaviorSanitizer build; then replays the fuzz corpora. Prints
# CTest's summary. CTest runs the unit programs side by side, one per core;
# each black-box or browser suite runs alone, pytest-xdist keeping every core
# busy inside it (tests/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DOIDCD_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
echo "== tests: build/"
(cd build && ctest --output-on-failure -j"$(nproc)") || status=1
echo "== tests: build-asan/ (AddressSanitizer + UndefinedBehaviorSanitizer)"
(cd build-asan && ctest --output-on-failure -j"$(nproc)") || status=1
echo "== fuzz corpora replayed (libFuzzer, ASan + UBSan)"
fuzz/run.sh replay || status=1
exit $status
