#!/bin/sh
# test.sh: every test, three ways: the normal build, an ASan+UBSan build, and the unit
# suite under valgrind memcheck.  Run scripts/bootstrap.sh first (the README does).
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

echo "== all tests passed"
