#!/bin/sh
# coverage.sh - line and branch coverage of src/ by the test suites.
#
# The tree is copied to build/cov/tree (sources, tests and fixtures; no
# build products) and built there by the project's own Makefile with
# CFLAGS="-O0 -g --coverage", so the flags, the test rules and the
# --wrap lists are exactly those of a normal build.  Every suite then
# runs from the copy: the Python tests and the live suite run the
# copy's ./pfsubmit, so the normal ./pfsubmit and build/ are never
# touched, and nothing needs restoring if this is interrupted.
#
# Suites: the cmocka unit tests, tests/cli_test.py, tests/cli_more_test.py,
# the suites of single commands (tests/verify_test.py and the like),
# tests/differential.py and, as root, every tests/live/*.sh (unless
# COV_LIVE=0); tests/generated.py
# as well when COV_GENERATED=1 (it adds little and takes minutes).  The
# report covers src/*.c only.  It is printed and kept in
# build/cov/coverage.txt (line and branch tables, each with the uncovered
# line numbers per file), build/cov/coverage.json and
# build/cov/html/index.html.
#
# One blind spot: with -std=c11, gcc does not treat fork and execve as
# builtins, so it does not route them through __gcov_fork and
# __gcov_execve; a child's counters are never written (it execs or
# _exits), and run.c's child() shows as never run although every
# postfix, postconf and postmap call goes through it.
#
# Exit status: 0 when every suite passed; 1 when a suite failed or the
# build failed.  With COV_ENFORCE=1, also 1 when the totals are below
# COV_LINE_MIN (default 90) or COV_BRANCH_MIN (default 80) percent.
#
# Environment: COV_CC (default gcc; gcov must match it), COV_GENERATED,
# COV_LIVE, COV_ENFORCE, COV_LINE_MIN, COV_BRANCH_MIN, MAKE, PYTHON.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cov=$top/build/cov
tree=$cov/tree
cc=${COV_CC:-gcc}
make=${MAKE:-make}
python=${PYTHON:-python3}
line_min=${COV_LINE_MIN:-90}
branch_min=${COV_BRANCH_MIN:-80}
failed=
ran=

say() {
	printf 'coverage: %s\n' "$*"
}

# suite NAME COMMAND... - run one suite in the copy; a failure is noted,
# and the remaining suites still run so that the report is complete
suite() {
	name=$1
	shift
	say "== $name"
	ran="${ran:+$ran }$name"
	if (cd "$tree" && "$@"); then
		say "$name: passed"
	else
		say "$name: FAILED (exit $?)"
		failed="$failed $name"
	fi
}

command -v gcovr >/dev/null 2>&1 || {
	say "gcovr is needed: apt-get install -y gcovr"
	exit 1
}
command -v "$cc" >/dev/null 2>&1 || {
	say "$cc is needed for --coverage builds"
	exit 1
}

# A fresh copy every time: stale .gcda files from other sources would
# not merge, and a deleted source must not linger in the report.
rm -rf "$cov"
mkdir -p "$tree"
(cd "$top" && tar -cf - --exclude=./.git --exclude=./build \
    --exclude=./pfsubmit --exclude='*.o' --exclude='*.d' \
    --exclude='*.gcda' --exclude='*.gcno' .) | (cd "$tree" && tar -xf -)

# pfsubmit (objects in src/), the unit tests and pftool (objects in
# build/lib/): two sets of counters per source, which gcovr adds up.
# Test binaries link with $(CFLAGS), pfsubmit with $(LDFLAGS).
cflags="-O0 -g --coverage"
tests=$(cd "$tree" && for t in tests/test_*.c; do
	[ -e "$t" ] && printf 'build/tests/%s ' "$(basename "$t" .c)"
done)
say "building in $tree with CC=$cc CFLAGS=\"$cflags\""
# shellcheck disable=SC2086
if ! "$make" -C "$tree" -s CC="$cc" CFLAGS="$cflags" LDFLAGS=--coverage \
    pfsubmit build/pftool $tests; then
	say "the build failed"
	exit 1
fi

# pfsubmit sets umask 077, and cli_test.py runs some cases as nobody:
# left to itself, the first run would create each .gcda file 0600 for
# root, and a later run as nobody would print "profiling: ... Cannot
# open" on stderr, which breaks the tests that count stderr lines.
# libgcov keeps the mode of a file that exists, and treats an empty one
# as new, so every counter file is made in advance, 0666.
# Called again after each suite that may have created one as root.
open_gcda() {
	find "$tree" -name '*.gcno' | while IFS= read -r g; do
		d=${g%.gcno}.gcda
		[ -e "$d" ] || : > "$d"
		chmod 0666 "$d"
	done
}
open_gcda

# shellcheck disable=SC2086
suite unit "$make" -s CC="$cc" CFLAGS="$cflags" LDFLAGS=--coverage unit
open_gcda
suite cli "$python" tests/cli_test.py
open_gcda
suite cli_more "$python" tests/cli_more_test.py
# The suites of single commands, whichever the tree has.
for t in verify_test edit_test txn_test; do
	[ -e "$tree/tests/$t.py" ] || continue
	open_gcda
	suite "$t" "$python" "tests/$t.py"
done
open_gcda
suite differential "$python" tests/differential.py
if [ "${COV_GENERATED:-0}" = 1 ]; then
	open_gcda
	suite generated "$python" tests/generated.py
fi
# Not the crash suite: its faults hit libgcov's own writes at exit too,
# and a truncated counter file loses what the other suites counted.
if [ "${COV_LIVE:-1}" = 0 ]; then
	say "live: skipped (COV_LIVE=0)"
elif [ "$(id -u)" = 0 ]; then
	for t in "$tree"/tests/live/*.sh; do
		[ "$(basename "$t")" = lib.sh ] && continue
		open_gcda
		suite "live/$(basename "$t" .sh)" sh "tests/live/$(basename "$t")"
	done
else
	say "live: skipped (needs root)"
fi

# Only src/: the tests' own files and pftool are left out.  Branches on
# lines with no source of their own (compiler-made) are not counted.
say "== report"
(cd "$tree" && gcovr --root "$tree" --filter 'src/' \
    --exclude-unreachable-branches --json "$cov/coverage.json") || {
	say "gcovr failed"
	exit 1
}
mkdir -p "$cov/html"
{
	echo "pfsubmit coverage of src/ ($(date -u '+%Y-%m-%d %H:%M UTC'))"
	echo "suites: $ran"
	if [ -n "$failed" ]; then
		echo "FAILED suites:$failed"
	fi
	echo
	echo "Lines (Missing: line numbers never run)"
	gcovr --root "$tree" -a "$cov/coverage.json" --txt
	echo
	echo "Branches (Missing: lines with a branch never taken)"
	gcovr --root "$tree" -a "$cov/coverage.json" --txt --branches
	echo
	cat "$top/tools/coverage-notes.txt"
} > "$cov/coverage.txt"
gcovr --root "$tree" -a "$cov/coverage.json" \
    --html-details "$cov/html/index.html" >/dev/null
cat "$cov/coverage.txt"

# Not --txt /dev/null: gcovr replaces its output file, and as root that
# would turn /dev/null into a regular file.
summary=$(gcovr --root "$tree" -a "$cov/coverage.json" --print-summary \
    --txt "$cov/summary-report.txt")
echo "$summary"
say "report in $cov/coverage.txt, annotated source in" \
    "$cov/html/index.html"

status=0
if [ -n "$failed" ]; then
	say "FAILED suites:$failed"
	status=1
fi
lines=$(echo "$summary" | sed -n 's/^lines: \([0-9.]*\)%.*/\1/p')
branches=$(echo "$summary" | sed -n 's/^branches: \([0-9.]*\)%.*/\1/p')
below=$(awk -v l="${lines:-0}" -v b="${branches:-0}" -v lm="$line_min" \
    -v bm="$branch_min" 'BEGIN { s = "";
	if (l + 0 < lm + 0) s = s " lines " l "% < " lm "%";
	if (b + 0 < bm + 0) s = s " branches " b "% < " bm "%";
	print s }')
if [ -n "$below" ]; then
	say "below target:$below"
	if [ "${COV_ENFORCE:-0}" = 1 ]; then
		status=1
	fi
else
	say "target met: lines >= $line_min%, branches >= $branch_min%"
fi
exit $status
