# bench/nginx-dir.sh -- sourced by run.sh and dossier.sh: where nginx's files may live.
#
# Started by root, nginx runs its workers as an unprivileged user (nobody), which must be able
# to walk down to the page it serves. A clone under /root, or any directory of mode 700, does
# not allow that, and every request of the limit row failed with 403. Such a clone keeps
# nginx's files in a directory of its own under /tmp instead; any other keeps them in .work.

# True when every directory from / down to $1 lets others through (the x bit for "other").
others_can_enter() {
  local d
  d=$(cd "$1" && pwd -P) || return 1
  while [[ -n $d && $d != / ]]; do
    (( 0$(stat -c %a "$d") & 1 )) || return 1
    d=${d%/*}
  done
}

# Prints a directory for nginx's files: $1 when others can enter it, else
# ${TMPDIR:-/tmp}/thanthien-bench-UID/$2 (created, mode 755).
nginx_dir() {
  local want=$1 name=$2 alt
  mkdir -p "$want"
  if others_can_enter "$want"; then echo "$want"; return; fi
  alt=${TMPDIR:-/tmp}/thanthien-bench-$(id -u)/$name
  mkdir -p "$alt"
  chmod 755 "${alt%/*}" "$alt"
  others_can_enter "$alt" || { echo "bench: no directory nginx's workers can read ($alt)" >&2; return 1; }
  echo "$alt"
}
