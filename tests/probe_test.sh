#!/bin/sh
# probe_test.sh - the build's probe (compat/probe.sh, run by the
# Makefile) in a scratch copy of the tree: a missing library is named
# with its install line before anything compiles, and COMPAT picks the
# compat/ files.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
MAKE=${MAKE:-make}
tree=$top/build/probe-test
pass=0 failed=0

ok() { pass=$((pass + 1)); echo "ok    $*"; }
fail() { failed=$((failed + 1)); echo "FAIL  $*"; }

rm -rf "$tree"
mkdir -p "$tree"
tar -cf - --exclude=./build --exclude=./.git --exclude='*.o' \
    --exclude='*.d' --exclude=./pfsubmit . | (cd "$tree" && tar -xf -)

# reset - no probe result, no object
reset() {
	rm -rf "$tree/build"
	find "$tree/src" "$tree/compat" -name '*.o' -exec rm -f {} +
}

objects() {
	find "$tree/src" "$tree/compat" -name '*.o' | wc -l
}

# No libbsd (pkg-config finds nothing): the line, and no object.
reset
out=$("$MAKE" -C "$tree" PKG_CONFIG=false LIBBSD=yes 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [ "$(objects)" -eq 0 ] &&
    printf '%s\n' "$out" | grep -q \
    '^libbsd 0.10 or later is needed: apt-get install libbsd-dev pkg-config'
then
	ok "no libbsd: stops before any object, with the apt-get line"
else
	fail "no libbsd: exit $rc, $(objects) objects:" "$out"
fi

# No OpenSSL: pkg-config has no openssl, and the compiler cannot build
# a program that includes <openssl/ssl.h>.
reset
cat > "$tree/build-fakes.sh" <<'EOF'
#!/bin/sh
case $1 in
pkg-config)
	shift
	case "$*" in *openssl*) exit 1 ;; esac
	exec pkg-config "$@" ;;
cc)
	shift
	for a; do
		case $a in *openssl.c) exit 1 ;; esac
	done
	exec cc "$@" ;;
esac
EOF
out=$("$MAKE" -C "$tree" PKG_CONFIG="sh $tree/build-fakes.sh pkg-config" \
    CC="sh $tree/build-fakes.sh cc" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [ "$(objects)" -eq 0 ] &&
    printf '%s\n' "$out" | grep -q \
    '^OpenSSL 3.0 or later is needed: apt-get install libssl-dev'
then
	ok "no OpenSSL: stops before any object, with the apt-get line"
else
	fail "no OpenSSL: exit $rc, $(objects) objects:" "$out"
fi

# COMPAT=all: every compat/ file, no libbsd.
reset
if "$MAKE" -C "$tree" COMPAT=all have-libbsd >/dev/null 2>&1; then
	want=$(cd "$tree" && ls compat/*.c | sort | tr '\n' ' ')
	got=$(sed -n 's/^COMPAT_SRCS=[[:space:]]*//p' "$tree/build/config.mk" |
	    tr ' ' '\n' | sort | tr '\n' ' ')
	if [ "$want" = "$got" ] &&
	    grep -q '^LIBBSD_LIBS=[[:space:]]*$' "$tree/build/config.mk"; then
		ok "COMPAT=all: every compat/ file and no libbsd"
	else
		fail "COMPAT=all: compat/ files '$got', want '$want'"
	fi
else
	fail "COMPAT=all: the probe failed"
fi

# COMPAT="names": those and no other; a new COMPAT probes again.
if "$MAKE" -C "$tree" COMPAT="strtonum strlcpy" have-libbsd >/dev/null 2>&1 &&
    grep -q '^COMPAT_SRCS=[[:space:]]*compat/strtonum.c compat/strlcpy.c$' \
    "$tree/build/config.mk" &&
    grep -q '^COMPAT_CPPFLAGS=[[:space:]]*-DNEED_STRTONUM -DNEED_STRLCPY$' \
    "$tree/build/config.mk"; then
	ok "COMPAT=\"strtonum strlcpy\": those two, probed again"
else
	fail "COMPAT=\"strtonum strlcpy\":" "$(cat "$tree/build/config.mk")"
fi

rm -rf "$tree"
echo "probe_test: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
