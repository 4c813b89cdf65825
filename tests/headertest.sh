#!/bin/sh
# headertest.sh CC INCLUDE_DIR: the public header stands alone, as strict C11 and as C++.
set -eu
cc=$1
inc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <replylint.h>\nint main(void) { return replylint_version_number() == REPLYLINT_VERSION_NUMBER ? 0 : 1; }\n' > "$tmp/t.c"
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$inc" "$tmp/t.c"
if command -v c++ >/dev/null 2>&1; then
    cp "$tmp/t.c" "$tmp/t.cpp"
    c++ -Wall -Wextra -Werror -fsyntax-only -I"$inc" "$tmp/t.cpp"
fi
echo "header: C11 -pedantic and C++ clean"
