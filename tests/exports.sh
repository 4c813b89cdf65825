#!/bin/sh
# exports.sh LIB: the shared library exports the public API and nothing else.
set -eu
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' \
      | grep -v '^replylint_[a-z]' || true)
internal=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep '^replylint__' || true)
count=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^replylint_[a-z]' || true)
if [ -n "$bad$internal" ]; then
    echo "unexpected exports: $bad $internal"
    exit 1
fi
# Every function declared in the header is exported.
hdr=$(dirname "$0")/../include/replylint.h
for f in $(grep -o 'replylint_[a-z_0-9]*(' "$hdr" | tr -d '(' | sort -u); do
    nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep -qx "$f" \
        || { echo "not exported: $f"; exit 1; }
done
echo "exports: $count public symbols, nothing else"
