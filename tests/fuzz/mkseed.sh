#!/bin/sh
# mkseed.sh OUT FLAGS NAME AGENT < reply: write one fuzz_lint input (see fuzz_lint.c):
# FLAGS is byte 0 as a decimal number, NAME and AGENT the names ("" for none).
set -eu
out=$1 flags=$2 name=$3 agent=$4
nl=$(printf '%s' "$name" | wc -c)
al=$(printf '%s' "$agent" | wc -c)
{
    printf "\\$(printf '%03o' "$flags")\\$(printf '%03o' "$nl")\\$(printf '%03o' "$al")"
    printf '%s' "$name"
    printf '%s' "$agent"
    cat
} > "$out"
