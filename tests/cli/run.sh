#!/bin/sh
# run.sh REPLYLINT CASEDIR: golden tests of the CLI.  Each case in cases/NAME has `args`
# (one argument per line; @DIR@ is this directory), optional `stdin`, and the expected
# `stdout` and `rc`.  With UPDATE=1 the expected files are rewritten (review the diff!).
set -u
bin=$1
dir=$2
fail=0
total=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for case in "$dir"/cases/*/; do
    name=$(basename "$case")
    total=$((total + 1))
    set --
    while IFS= read -r a || [ -n "$a" ]; do
        set -- "$@" "$(printf '%s' "$a" | sed "s|@DIR@|$dir|g")"
    done < "$case/args"
    if [ -f "$case/stdin" ]; then
        (cd "$dir" && NO_COLOR=1 "$bin" "$@" < "$case/stdin" > "$tmp/out" 2> "$tmp/err")
    else
        (cd "$dir" && NO_COLOR=1 "$bin" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err")
    fi
    rc=$?
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$tmp/out" "$case/stdout"
        echo "$rc" > "$case/rc"
        [ -s "$tmp/err" ] && cp "$tmp/err" "$case/stderr" || rm -f "$case/stderr"
        continue
    fi
    if ! diff -u "$case/stdout" "$tmp/out" > "$tmp/diff"; then
        echo "FAIL $name: stdout differs"; cat "$tmp/diff"; fail=$((fail + 1)); continue
    fi
    if [ "$rc" != "$(cat "$case/rc")" ]; then
        echo "FAIL $name: exit $rc, expected $(cat "$case/rc")"; cat "$tmp/err"; fail=$((fail + 1)); continue
    fi
    if [ -f "$case/stderr" ] && ! diff -u "$case/stderr" "$tmp/err" > "$tmp/diff"; then
        echo "FAIL $name: stderr differs"; cat "$tmp/diff"; fail=$((fail + 1)); continue
    fi
done
echo "cli: $((total - fail)) passed, $fail failed"
[ "$fail" = 0 ]
