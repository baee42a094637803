#!/bin/sh
# analyze.sh - static analysis of src/: cppcheck, clang-tidy (with the
# checked-in .clang-tidy) and scan-build on a clean copy of the tree.
# Every tool runs even when an earlier one found something; each
# finding is printed as "tool: file:line: message" and the list is kept
# in build/analyze/findings.txt, with each tool's full output beside it
# and scan-build's HTML reports in build/analyze/scan-build/.
#
# The preprocessor flags come from the Makefile (CPPFLAGS, with libbsd's
# and OpenSSL's from pkg-config), so the tools see what the compiler sees.
#
# Exit status: 0 when no tool reports anything, 1 otherwise (or when a
# tool is missing or fails to run).  Environment: JOBS (default: number
# of CPUs), MAKE.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/analyze
make=${MAKE:-make}
jobs=${JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
failed=

say() {
	printf 'analyze: %s\n' "$*"
}

missing=
for t in cppcheck:cppcheck clang-tidy:clang-tidy scan-build:clang-tools \
    clang:clang python3:python3; do
	command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
if [ -n "$missing" ]; then
	say "missing tools; install them with:"
	say "  apt-get install -y --no-install-recommends$missing"
	exit 1
fi

rm -rf "$out"
mkdir -p "$out/tidy"
: > "$out/findings.txt"

# record TOOL < LINES - add a tool's findings to the list
record() {
	sed "s|^$top/||; s|^|$1: |" >> "$out/findings.txt"
}

# The flags, from the Makefile itself (read only; nothing is built).
cat > "$out/flags.mk" <<'EOF'
print-cppflags:
	@echo $(CPPFLAGS)
EOF
cppflags=$("$make" -s --no-print-directory -C "$top" -f Makefile \
    -f "$out/flags.mk" print-cppflags)
say "CPPFLAGS: $cppflags"
# cppcheck has no -isystem: the same directories as plain -I.
cppcheck_flags=$(echo "$cppflags" | sed 's/-isystem  */-I/g')

# --- cppcheck -----------------------------------------------------------
#
# --library=bsd knows that err(3) and errx(3) do not return (without it,
# "x = f(); if (x == NULL) errx(...); x->y" reads as a NULL dereference);
# --library=posix knows open/close, opendir/closedir and the like, for
# leak checks.  posix.cfg also flags readdir, gmtime and getservbyname
# as not reentrant: pfsubmit has one thread, and readdir_r, which it
# suggests, is deprecated by glibc and POSIX; those three are off.
say "== cppcheck"
# shellcheck disable=SC2086
if (cd "$top" && cppcheck -q --std=c11 --enable=warning,portability \
    --error-exitcode=1 --inline-suppr --library=posix --library=bsd \
    --suppress=readdirCalled --suppress=gmtimeCalled \
    --suppress=getservbynameCalled \
    -j "$jobs" -Isrc $cppcheck_flags \
    --template='{file}:{line}: {severity}: {message} [{id}]' \
    src) 2> "$out/cppcheck.txt"; then
	say "cppcheck: clean"
else
	say "cppcheck: findings (exit $?)"
	failed="$failed cppcheck"
fi
record cppcheck < "$out/cppcheck.txt"

# --- clang-tidy ---------------------------------------------------------
#
# The checks are in .clang-tidy; one process per file, JOBS at a time.
# A warning in src/pfsubmit.h shows once per file that includes it, so
# the list is made unique.
say "== clang-tidy"
# shellcheck disable=SC2016
(cd "$top" && printf '%s\n' src/*.c) | xargs -P "$jobs" -n 1 sh -c '
	f=$4
	cd "$2" || exit 1
	clang-tidy --quiet "$f" -- -std=c11 -Isrc $1 \
	    > "$3/${f##*/}.txt" 2>&1 ||
	    echo "$f: clang-tidy exit $?" >> "$3/${f##*/}.txt"
	exit 0' tidy "$cppflags" "$top" "$out/tidy"
cat "$out"/tidy/*.txt > "$out/clang-tidy.txt"
grep -E ': (warning|error): |: clang-tidy exit ' "$out/clang-tidy.txt" |
    sort -u > "$out/clang-tidy.findings" || true
if [ -s "$out/clang-tidy.findings" ]; then
	say "clang-tidy: findings ($(wc -l < "$out/clang-tidy.findings"))"
	failed="$failed clang-tidy"
else
	say "clang-tidy: clean"
fi
record clang-tidy < "$out/clang-tidy.findings"

# --- scan-build ---------------------------------------------------------
#
# A clean copy (sources only), so that every file is compiled, and the
# normal build is untouched.  Default checkers, plus strcpy/strcat (house
# style rule 7) and the Unix API's implementation-defined cases.
say "== scan-build"
mkdir -p "$out/tree"
(cd "$top" && tar -cf - --exclude=./.git --exclude=./build \
    --exclude=./pfsubmit --exclude='*.o' --exclude='*.d' \
    --exclude='*.gcda' --exclude='*.gcno' .) | (cd "$out/tree" && tar -xf -)
if scan-build -o "$out/scan-build" -plist-html --status-bugs \
    -enable-checker security.insecureAPI.strcpy \
    -enable-checker optin.portability.UnixAPI \
    "$make" -s -C "$out/tree" -j "$jobs" \
    > "$out/scan-build.txt" 2>&1; then
	say "scan-build: clean"
else
	say "scan-build: findings or a failed build (exit $?)"
	failed="$failed scan-build"
	if ! grep -q 'bugs\{0,1\} found' "$out/scan-build.txt" ||
	    grep -q 'No bugs found' "$out/scan-build.txt"; then
		# No report: the build itself failed.
		grep -E 'error:|\*\*\*' "$out/scan-build.txt" | sed 5q |
		    sed "s|^|scan-build: build failed: |" |
		    tee -a "$out/findings.txt"
	fi
fi
# The reports, as file:line: message [category: type].
python3 - "$out/scan-build" "$out/tree/" <<'EOF' | record scan-build
import glob, os, plistlib, sys
base, tree = sys.argv[1], sys.argv[2]
seen = set()
for p in sorted(glob.glob(os.path.join(base, "*", "*.plist"))):
    with open(p, "rb") as f:
        pl = plistlib.load(f)
    for d in pl.get("diagnostics", []):
        loc = d["location"]
        path = pl["files"][loc["file"]]
        if path.startswith(tree):
            path = path[len(tree):]
        s = "%s:%d: %s [%s: %s]" % (path, loc["line"], d["description"],
                                    d.get("category", "?"), d.get("type", "?"))
        if s not in seen:
            seen.add(s)
            print(s)
EOF

# --- summary ------------------------------------------------------------
n=$(wc -l < "$out/findings.txt")
if [ "$n" -gt 0 ]; then
	cat "$out/findings.txt"
fi
say "$n finding(s); the list is in $out/findings.txt"
if [ -n "$failed" ]; then
	say "FAILED:$failed"
	exit 1
fi
exit 0
