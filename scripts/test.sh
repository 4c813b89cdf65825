#!/bin/sh
# test.sh: every test, three ways: the normal build, an ASan+UBSan build, and the unit
# suite under valgrind memcheck; then a bounded libFuzzer run (60 s per harness, ASan+UBSan).
# Run scripts/bootstrap.sh first (the README does).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== tests (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DREPLYLINT_SANITIZE=ON > /dev/null
cmake --build build-asan -j "$jobs"
# The sanitizers slow code several times over: Check's per-test time limits stretch with them.
CK_TIMEOUT_MULTIPLIER=10 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== unit suite under valgrind memcheck"
CK_FORK=no REPLYLINT_DICT_DIR=/usr/share/hunspell valgrind -q --leak-check=full \
    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
    --error-exitcode=1 build/tests/check_replylint

echo "== fuzzing: 60 s per harness under ASan+UBSan (tests/fuzz/run.sh, build-fuzz/)"
# A build folder of its own (clang, -DREPLYLINT_FUZZ=ON), under build*/ which git ignores;
# new corpus inputs and crash artifacts go to build-fuzz/fuzz-work.  FUZZ_SAVE=0: a finding
# fails this step and is listed, but nothing is written under tests/ (that stays a
# deliberate, reviewed copy).  The check around the run makes sure of it.
tests_before=""
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    tests_before=$(git status --porcelain --untracked-files=all -- tests)
fi
FUZZ_SECONDS=60 FUZZ_SAVE=0 FUZZ_KEEP_GOING=0 FUZZ_BUILD="$PWD/build-fuzz" \
    FUZZ_WORK="$PWD/build-fuzz/fuzz-work" tests/fuzz/run.sh
if git rev-parse --is-inside-work-tree > /dev/null 2>&1 &&
    [ "$(git status --porcelain --untracked-files=all -- tests)" != "$tests_before" ]; then
    echo "test.sh: the fuzzing step changed files under tests/" >&2
    exit 1
fi

echo "== all tests passed"
