#!/bin/sh
# test_layers.sh -- tools/layers.sh passes a tree whose includes go the right way and fails
# on each planted wrong-way include (a core file including the store, the store including
# the kit, the kit including a feature or the server, a feature including the server),
# naming the file.
here=$(dirname "$0")
layers=$here/../../tools/layers.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# A small sound tree: every layer includes what it may.
sound() {
    rm -rf "$tmp/src"
    mkdir -p "$tmp/src/core" "$tmp/src/store" "$tmp/src/kit" "$tmp/src/shop" "$tmp/src/till" "$tmp/src/server" "$tmp/src/cli"
    printf '#include <stdio.h>\n#include "text.h"\n' >"$tmp/src/core/text.c"
    printf '#include "../core/text.h"\n#include "db.h"\n' >"$tmp/src/store/db.c"
    printf '#include "../core/text.h"\n#include "../store/db.h"\n#include "web.h"\n' >"$tmp/src/kit/render.c"
    printf '#include "../kit/web.h"\n#include "../store/db.h"\n#include "../till/till.h"\n' >"$tmp/src/shop/shop_web.c"
    printf '#include "../shop/shop.h"\n#include "../kit/web.h"\n' >"$tmp/src/server/routes.c"
    printf '#include "../server/app.h"\n#include "../shop/shop.h"\n' >"$tmp/src/cli/main.c"
}

expect() {   # expect WANT_RC WHAT
    out=$("$layers" "$tmp/src" 2>&1); rc=$?
    if [ "$rc" -ne "$1" ]; then
        echo "FAIL: $2: layers.sh exited $rc, want $1"; echo "$out"; fail=1
    elif [ "$1" -ne 0 ] && ! echo "$out" | grep -q "$3"; then
        echo "FAIL: $2: the report does not name $3"; echo "$out"; fail=1
    else
        echo "ok: $2"
    fi
}

sound
expect 0 "a sound tree passes"

plant() {   # plant FILE INCLUDE WHAT
    sound
    printf '#include "%s"\n' "$2" >>"$tmp/src/$1"
    expect 1 "$3" "src/$1"
}
plant core/text.c ../store/db.h "core includes the store"
plant store/db.c ../kit/web.h "the store includes the kit"
plant kit/render.c ../shop/shop.h "the kit includes a feature"
plant kit/render.c ../server/app.h "the kit includes the server"
plant shop/shop_web.c ../server/app.h "a feature includes the server"
plant shop/shop_web.c ../cli/main.h "a feature includes the command line"

exit $fail
