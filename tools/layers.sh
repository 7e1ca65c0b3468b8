#!/bin/sh
# layers.sh -- fails when a source file includes across the layers the wrong way.
#
#   core    (pure C: text, dates, templates)  includes only core
#   store   (the database, embedded tables)   core, store
#   kit     (the page kit: request, render)   core, store, kit -- never a feature or the server
#   feature (account, catalog, dossier, ...)  core, store, kit, other features' headers
#   server, cli (the top that wires it all)   anything
#
# A folder under src/ that is none of core, store, kit, server and cli is a feature. Only
# quoted includes ("../x/y.h") count; system headers are everyone's.
#
# usage: tools/layers.sh [SRC_DIR]      (default: src beside this script)
# Prints one line per wrong include and exits 1 when there is any.
src=${1:-$(dirname "$0")/../src}

layer() {
    case $1 in
    core | store | kit | server | cli) echo "$1" ;;
    *) echo feature ;;
    esac
}

# allowed FROM_LAYER TO_LAYER: may a file of the first layer include one of the second?
allowed() {
    case $1 in
    core) [ "$2" = core ] ;;
    store) [ "$2" = core ] || [ "$2" = store ] ;;
    kit) [ "$2" = core ] || [ "$2" = store ] || [ "$2" = kit ] ;;
    feature) [ "$2" != server ] && [ "$2" != cli ] ;;
    *) true ;;
    esac
}

for file in "$src"/*/*.c "$src"/*/*.h; do
    [ -f "$file" ] || continue
    dir=$(basename "$(dirname "$file")")
    from=$(layer "$dir")
    # the quoted include targets: "x.h" is the file's own folder, "../f/x.h" folder f
    grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
        sed -E 's/^[^"]*"([^"]*)".*/\1/' | while read -r inc; do
        case $inc in
        ../*/*) to_dir=${inc#../}; to_dir=${to_dir%%/*} ;;
        */*) continue ;;   # a subfolder of the file's own folder
        *) to_dir=$dir ;;
        esac
        to=$(layer "$to_dir")
        allowed "$from" "$to" || echo "$file: $from includes $to: \"$inc\""
    done
done | { out=$(cat); [ -z "$out" ] || { echo "$out"; echo "layers: wrong-way includes (see tools/layers.sh)"; exit 1; }; }
