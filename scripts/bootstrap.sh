#!/bin/sh
# bootstrap.sh: install what a fresh Debian machine lacks, then configure and build into
# build/.  Safe to run again: it installs only missing packages and rebuilds incrementally.
# clang and libclang-rt-14-dev (libFuzzer and clang's sanitizer runtimes, Debian 12) are for
# the fuzzing step of scripts/test.sh.
set -eu
cd "$(dirname "$0")/.."

packages="build-essential cmake pkg-config libpcre2-dev libicu-dev libutf8proc-dev libyaml-dev
libjansson-dev check libsubunit-dev hunspell-ru hunspell-en-us valgrind python3 python3-dev libcsv-dev chromium
clang libclang-rt-14-dev"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "bootstrap: installing$missing"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing > /dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j "$(nproc)"
# `import replylint` for the python3 on PATH: a .pth file pointing at the built package.
python3 bindings/python/install_dev.py build
