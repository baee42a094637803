#!/bin/sh
# make demo: pfsubmit's main job on a stock Debian master.cf, in a
# scratch directory; needs no root and touches nothing outside it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
pf=$top/pfsubmit
dir=$(mktemp -d "${TMPDIR:-/tmp}/pfsubmit-demo.XXXXXX")
cp "$top/fixtures/master/debian-3.7.cf" "$dir/master.cf"
cp "$top/fixtures/main/small.cf" "$dir/main.cf"

run() {
	printf '\n$ %s\n' "$*"
	"$@"
}

echo "A scratch copy of Debian's master.cf and a small main.cf: $dir"
run "$pf" -c "$dir" -n enable || true
run "$pf" -c "$dir" enable --no-check --no-reload
run "$pf" -c "$dir" show
cat <<MSG

The files are in $dir (remove it when done).
On a real server, as root, the same is one command:  pfsubmit enable
MSG
