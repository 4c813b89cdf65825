#!/bin/sh
# run.sh: build the libFuzzer harnesses and fuzz each one for a bounded time, one after
# the other (never in parallel: CI and developer machines have two cores).
#
#   tests/fuzz/run.sh                      # every harness, 60 s each (what CI runs)
#   FUZZ_SECONDS=10 tests/fuzz/run.sh      # a quick local check
#   FUZZ_SECONDS=600 tests/fuzz/run.sh lint
#
# Environment:
#   FUZZ_SECONDS  seconds of fuzzing per harness (default 60)
#   FUZZ_BUILD    build folder (default /tmp/replylint-fuzz; configured with clang and
#                 -DREPLYLINT_FUZZ=ON if it is not already)
#   FUZZ_WORK     where the growing corpora and crash artifacts go (default
#                 $FUZZ_BUILD/fuzz-work); the seed corpora in tests/fuzz/corpus are
#                 read, never written
#   FUZZ_SAVE=1   copy each crash/leak/timeout input into tests/fuzz/regressions/<harness>/
#                 so that ctest replays it from then on (without it, nothing under
#                 tests/ is written: CI leaves it unset)
#   FUZZ_KEEP_GOING=1  do not stop at the first finding (libFuzzer -fork=1 with
#                 -ignore_crashes/timeouts/ooms: one worker process, still one core)
#
# Before fuzzing, each harness replays its seeds and regressions (replay.sh).  The exit
# status is non-zero if any replay or fuzzing run found a crash, leak, UB, broken
# invariant, timeout (30 s for one input) or out-of-memory (4 GiB); the inputs are listed
# at the end.  Every finding becomes a regression input (FUZZ_SAVE=1, or copy it by hand).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD:-/tmp/replylint-fuzz}
work=${FUZZ_WORK:-$build/fuzz-work}
harnesses=${*:-rules lint audit}

if ! command -v clang > /dev/null; then
    echo "run.sh: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi
# The logs live inside the build folder, so that a build folder in the source tree
# (build-fuzz/, ignored by git) leaves nothing beside it.
mkdir -p "$build"
if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREPLYLINT_FUZZ=ON \
        > "$build/fuzz-configure.log" 2>&1 || { cat "$build/fuzz-configure.log"; exit 2; }
fi
targets=""
for h in $harnesses; do targets="$targets fuzz_$h"; done
# shellcheck disable=SC2086
cmake --build "$build" -j "$(nproc)" --target $targets > "$build/fuzz-build.log" 2>&1 ||
    { tail -n 50 "$build/fuzz-build.log"; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=""
summary=""
for h in $harnesses; do
    bin="$build/tests/fuzz/fuzz_$h"
    dict="$here/lint.dict"
    [ "$h" = rules ] && dict="$here/rules.dict"
    echo "== fuzz_$h: replay seeds and regressions"
    if ! "$here/replay.sh" "$bin" "$here/corpus/$h" "$here/regressions/$h"; then
        failed="$failed fuzz_$h(replay)"
        continue
    fi
    mkdir -p "$work/corpus/$h" "$work/artifacts/$h"
    # Only this run's artifacts count: a build folder kept between runs still holds the
    # inputs of earlier findings, which must not fail a later, clean run.
    stamp="$work/.started-$h"
    touch "$stamp"
    log="$work/fuzz_$h.log"
    echo "== fuzz_$h: fuzzing for $seconds s (log: $log)"
    # New inputs go to the work corpus (first folder); the seeds are only read.
    status=0
    keep=""
    # The audit prints a note per rejected row on stderr: keep it out of the log
    # (sanitizer and libFuzzer reports still come through).
    [ "$h" = audit ] && keep="-close_fd_mask=3"
    [ "${FUZZ_KEEP_GOING:-0}" = 1 ] &&
        keep="$keep -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
    # shellcheck disable=SC2086
    "$bin" $keep -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=8192 \
        -print_final_stats=1 -dict="$dict" -artifact_prefix="$work/artifacts/$h/" \
        "$work/corpus/$h" "$here/corpus/$h" "$here/regressions/$h" > "$log" 2>&1 || status=$?
    stats=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    case "$keep" in *fork*) stats="$stats; $(grep -E '^INFO: fuzzed for|^INFO: exiting' "$log" | tail -n 1 || true)" ;; esac
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    line="fuzz_$h: ${seconds}s, ${execs:-?} execs, ${rate:-?}/s, last: ${stats:-?}"
    found=$(find "$work/artifacts/$h" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' \
        -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) 2>/dev/null || true)
    if [ "$status" -ne 0 ] || [ -n "$found" ]; then
        grep -v '^#[0-9]' "$log" | grep -v '^INFO:' | tail -n 60
        failed="$failed fuzz_$h"
        line="$line  FOUND: $(echo $found)"
        if [ "${FUZZ_SAVE:-0}" = 1 ]; then
            for f in $found; do cp "$f" "$here/regressions/$h/"; done
        fi
    else
        line="$line  no crash"
    fi
    echo "$line"
    summary="$summary$line
"
done
echo "== summary"
printf '%s' "$summary"
if [ -n "$failed" ]; then
    echo "run.sh: findings in:$failed (inputs under $work/artifacts)" >&2
    exit 1
fi
echo "run.sh: no findings"
