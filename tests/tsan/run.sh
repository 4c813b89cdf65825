#!/bin/sh
# run.sh: ThreadSanitizer check of the library's thread safety (see threads.c): 8 threads
# share one rule set and lint + fix a few hundred replies; every result must equal the
# single-threaded one and TSan must report nothing.
#
#   tests/tsan/run.sh                 # build in $TSAN_BUILD (default /tmp/replylint-tsan)
#   TSAN_HELGRIND=1 tests/tsan/run.sh # also run a small case under valgrind's helgrind,
#                                     # which sees inside ICU (TSan does not: ICU is not
#                                     # instrumented)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${TSAN_BUILD:-/tmp/replylint-tsan}

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREPLYLINT_TSAN=ON \
        > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 2; }
fi
cmake --build "$build" -j "$(nproc)" --target threads_tsan threads > "$build.build.log" 2>&1 ||
    { tail -n 50 "$build.build.log"; exit 2; }
# ASLR with high entropy breaks TSan's memory layout on newer kernels; setarch -R turns
# it off for this process only, when available.
norand=""
if command -v setarch > /dev/null && setarch "$(uname -m)" -R true 2> /dev/null; then
    norand="setarch $(uname -m) -R"
fi
echo "== threads under ThreadSanitizer"
TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1} \
    $norand "$build/tests/tsan/threads_tsan" "$@"
if [ "${TSAN_HELGRIND:-0}" = 1 ]; then
    echo "== threads (4 threads, 30 replies) under valgrind --tool=helgrind"
    valgrind --tool=helgrind --error-exitcode=1 \
        "$build/tests/threads" --threads 4 --replies 30 --rounds 1
fi
echo "tsan: no data races reported"
