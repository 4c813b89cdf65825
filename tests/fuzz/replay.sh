#!/bin/sh
# replay.sh FUZZER DIR...: run a libFuzzer harness once over every file in the given
# folders (its seed corpus and its regressions): no fuzzing, seconds.  Used by ctest
# (fuzz_*_replay) and by run.sh.  Fails, with the harness's report, if any input crashes,
# leaks, hits UB, breaks an invariant or runs longer than 60 s.
set -u
fuzzer=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for d in "$@"; do
    [ -d "$d" ] && find "$d" -type f ! -name '.gitkeep' ! -name 'README*' | sort >> "$tmp/list"
done
n=$(cat "$tmp/list" 2>/dev/null | wc -l)
if [ "$n" -eq 0 ]; then
    echo "replay: no inputs in $*"
    exit 0
fi
# Given files (not folders), libFuzzer runs each once and exits.  xargs may split a long
# list over several runs; it exits non-zero if any of them does.
if tr '\n' '\0' < "$tmp/list" |
    xargs -0 "$fuzzer" -timeout=60 -rss_limit_mb=4096 > "$tmp/log" 2>&1; then
    echo "replay: $n inputs through $(basename "$fuzzer"): all passed"
    exit 0
fi
grep -v '^Running: \|^Executed ' "$tmp/log" | tail -n 80
last=$(grep '^Running: ' "$tmp/log" | tail -n 1 | sed 's/^Running: //')
echo "replay: FAILED on ${last:-?} (of $n inputs through $(basename "$fuzzer"))"
exit 1
