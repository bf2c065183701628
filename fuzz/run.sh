#!/bin/sh
# Runs the libFuzzer targets (built by fuzz/build.sh, which this calls first).
#   fuzz/run.sh replay [target...]   every seed in fuzz/corpus/<target>/ once;
#                                    non-zero exit on any crash (CI, ~10 s)
#   fuzz/run.sh run SECONDS [target...]
#                                    fuzz each target SECONDS in turn; new inputs
#                                    go to build-fuzz/corpus/<target>/, crashes to
#                                    build-fuzz/crashes/, logs to build-fuzz/logs/
set -u

cd "$(dirname "$0")/.." || exit 2
ALL="form basic bearer jwt config scope b64url redirect_uri cookie authorize render otp webauthn forwarded"
OUT=build-fuzz

usage() {
    echo "usage: fuzz/run.sh replay [target...] | run SECONDS [target...]" >&2
    exit 2
}

replay() {
    failed=""
    for t in $TARGETS; do
        # Files (not the directory) as arguments: libFuzzer runs each exactly
        # once and does not merge or skip any.
        if "$OUT/fuzz_$t" -timeout=10 -rss_limit_mb=2048 fuzz/corpus/"$t"/* \
            >"$OUT/logs/replay-$t.log" 2>&1; then
            echo "replay $t: ok ($(grep -c '^Executed ' "$OUT/logs/replay-$t.log") inputs)"
        else
            echo "replay $t: FAILED, see $OUT/logs/replay-$t.log"
            grep -E 'ERROR: |runtime error|^Running: ' "$OUT/logs/replay-$t.log" | tail -3
            failed="$failed $t"
        fi
    done
    [ -z "$failed" ] || { echo "crashed:$failed" >&2; return 1; }
}

run() {
    secs=$1
    failed=""
    mkdir -p "$OUT/crashes"
    for t in $TARGETS; do
        mkdir -p "$OUT/corpus/$t"
        log="$OUT/logs/run-$t.log"
        # The scratch corpus comes first: libFuzzer writes new inputs there
        # and only reads the seeds.
        "$OUT/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t-" \
            "$OUT/corpus/$t" fuzz/corpus/"$t" >"$log" 2>&1
        rc=$?
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]*')
        echo "run $t: exit $rc, ${execs:-?} executions, $cov, corpus $(find "$OUT/corpus/$t" -type f | wc -l) new"
        [ "$rc" -eq 0 ] || { failed="$failed $t"; grep -E 'ERROR: |runtime error|Test unit written' "$log" | head -3; }
    done
    [ -z "$failed" ] || { echo "crashed:$failed" >&2; return 1; }
}

[ $# -ge 1 ] || usage
mode=$1
shift
if [ "$mode" = run ]; then
    [ $# -ge 1 ] || usage
    secs=$1
    shift
fi
TARGETS=${*:-$ALL}
# shellcheck disable=SC2086 # one argument per target
fuzz/build.sh $TARGETS >/dev/null || exit 1
mkdir -p "$OUT/logs"
case $mode in
replay) replay ;;
run) run "$secs" ;;
*) usage ;;
esac
