#!/bin/sh
# probe.sh mk|sh - what this platform lacks, found before anything
# compiles.  Prints variable settings for the Makefile (mk) or for a
# shell (sh); stops with the install line when a library is missing.
#
# From the environment:
#   CC, CFLAGS, CPPFLAGS, LDFLAGS	as the build will use them
#   PKG_CONFIG				default pkg-config
#   LIBBSD=yes|no			use libbsd-overlay (yes: it must be there)
#   COMPAT=all | a list of names	force these on: reallocarray closefrom
#					explicit_bzero pipe2 strtonum strlcpy
#					strlcat progname strvis vis_h
#					sock_cloexec
#   OPENSSL_CFLAGS, OPENSSL_LIBS	when set, taken as they are
#   CONFIG_KEY				written out as CONFIG_MADE_FOR
#
# Each name below is a compat/ file and a NEED_ macro of compat/compat.h:
# a function is taken from the platform when a program that calls it
# compiles (warnings as errors) and links, else from compat/.

fmt=${1:-mk}
: "${CC:=cc}" "${PKG_CONFIG:=pkg-config}"
LIBBSD=${LIBBSD:-no}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pfsubmit-probe.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

die() {
	echo "$*" >&2
	exit 1
}

# try NAME - compile and link $tmp/NAME.c with the flags found so far
try() {
	# shellcheck disable=SC2086
	$CC $CFLAGS -Werror $CPPFLAGS $LIBBSD_CFLAGS $xcflags $LDFLAGS \
	    -o "$tmp/$1" "$tmp/$1.c" $LIBBSD_LIBS $xlibs >"$tmp/$1.log" 2>&1
}

forced() {
	case " $COMPAT " in
	*" all "*|*" $1 "*)
		return 0 ;;
	esac
	return 1
}

LIBBSD_CFLAGS= LIBBSD_LIBS= xcflags= xlibs=
if [ "$LIBBSD" = yes ]; then
	$PKG_CONFIG --atleast-version=0.10 libbsd-overlay 2>/dev/null ||
	    die "libbsd 0.10 or later is needed: apt-get install" \
	    "libbsd-dev pkg-config (or: make check, as root)"
	LIBBSD_CFLAGS=$($PKG_CONFIG --cflags libbsd-overlay)
	LIBBSD_LIBS=$($PKG_CONFIG --libs libbsd-overlay)
fi

if [ -z "${OPENSSL_CFLAGS+set}" ] && [ -z "${OPENSSL_LIBS+set}" ]; then
	cat > "$tmp/openssl.c" <<'EOF'
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error OpenSSL 3.0 or later is needed
#endif
int
main(void)
{
	return OPENSSL_init_ssl(0, NULL) == 1 ? 0 : 1;
}
EOF
	if $PKG_CONFIG --atleast-version=3.0.0 openssl 2>/dev/null; then
		OPENSSL_CFLAGS=$($PKG_CONFIG --cflags openssl)
		OPENSSL_LIBS=$($PKG_CONFIG --libs openssl)
	else
		OPENSSL_CFLAGS= OPENSSL_LIBS="-lssl -lcrypto"
		xlibs=$OPENSSL_LIBS
		try openssl ||
		    case $(uname -s) in
		    Linux)
			die "OpenSSL 3.0 or later is needed: apt-get" \
			    "install libssl-dev (or: make check, as root)" ;;
		    *)
			die "OpenSSL 3.0 or later is needed, with" \
			    "pkg-config: see README.md, Building" ;;
		    esac
		xlibs=
	fi
fi

cpp= srcs= found= missing=
need() {
	cpp="$cpp -DNEED_$(echo "$1" | tr 'a-z' 'A-Z')"
	[ -z "$2" ] || srcs="$srcs compat/$2.c"
	missing="$missing $1"
}

# probe NAME FILE BODY... - NAME from the platform, or compat/FILE.c
probe() {
	name=$1 file=$2
	shift 2
	if forced "$name"; then
		need "$name" "$file"
		return
	fi
	printf '%s\n' "$@" > "$tmp/$name.c"
	if try "$name"; then
		found="$found $name"
	else
		need "$name" "$file"
	fi
}

probe reallocarray reallocarray '#include <stdlib.h>' \
    'int main(void) { void *p = reallocarray(NULL, 2, 3);' \
    'free(p); return 0; }'
probe closefrom closefrom '#include <unistd.h>' \
    'int main(void) { closefrom(3); return 0; }'
probe explicit_bzero explicit_bzero '#include <string.h>' \
    '#include <strings.h>' \
    'int main(void) { char b[4] = "abc"; explicit_bzero(b, sizeof(b));' \
    'return b[0]; }'
probe pipe2 pipe2 '#include <fcntl.h>' '#include <unistd.h>' \
    'int main(void) { int p[2]; return pipe2(p, O_CLOEXEC); }'
probe strtonum strtonum '#include <stdlib.h>' \
    'int main(void) { const char *e; return (int)strtonum("1", 0, 1, &e); }'
probe strlcpy strlcpy '#include <string.h>' \
    'int main(void) { char b[4]; return (int)strlcpy(b, "ab", sizeof(b)); }'
probe strlcat strlcat '#include <string.h>' \
    'int main(void) { char b[4] = ""; return (int)strlcat(b, "a", sizeof(b)); }'
probe progname progname '#include <stdlib.h>' \
    'int main(void) { setprogname("a"); return getprogname()[0] != 0x61; }'

# <vis.h> with the flags src/diag.c passes, VIS_NOLOCALE among them.
if forced strvis || forced vis_h; then
	need strvis strvis
	forced vis_h && need vis_h
else
	printf '%s\n' '#include <vis.h>' 'int main(void) { return 0; }' \
	    > "$tmp/vis_h.c"
	if ! try vis_h; then
		need strvis strvis
		need vis_h
	else
		probe strvis strvis '#include <vis.h>' \
		    'int main(void) { char b[8];' \
		    'return strvis(b, "a", VIS_OCTAL | VIS_CSTYLE | VIS_NL |' \
		    'VIS_NOLOCALE) != 1; }'
	fi
fi
case " $missing " in
*" vis_h "*)
	cpp="$cpp -Icompat/include" ;;
esac

# struct stat's nanosecond modification time: st_mtim, or (macOS)
# st_mtimespec.
printf '%s\n' '#include <sys/stat.h>' \
    'int main(void) { struct stat s; s.st_mtim.tv_nsec = 0;' \
    'return (int)s.st_mtim.tv_nsec; }' > "$tmp/st_mtim.c"
if ! try st_mtim; then
	printf '%s\n' '#include <sys/stat.h>' \
	    'int main(void) { struct stat s; s.st_mtimespec.tv_nsec = 0;' \
	    'return (int)s.st_mtimespec.tv_nsec; }' > "$tmp/st_mtimespec.c"
	try st_mtimespec ||
	    die "struct stat has neither st_mtim nor st_mtimespec:" \
	    "$(cat "$tmp/st_mtim.log")"
	need st_mtimespec
fi

# SOCK_CLOEXEC: compat.h makes it 0 where it is missing; forced here.
forced sock_cloexec && need sock_cloexec

echo "probe: from the platform:${found:- nothing}; from compat/:${missing:- nothing}" >&2

out() {
	if [ "$fmt" = sh ]; then
		printf "%s='%s'\n" "$1" "$(printf '%s' "$2" |
		    sed "s/'/'\\\\''/g")"
	else
		printf '%s=\t%s\n' "$1" "$2"
	fi
}
out CONFIG_MADE_FOR "$CONFIG_KEY"
out COMPAT_SRCS "${srcs# }"
out COMPAT_CPPFLAGS "${cpp# }"
out LIBBSD_CFLAGS "$LIBBSD_CFLAGS"
out LIBBSD_LIBS "$LIBBSD_LIBS"
out OPENSSL_CFLAGS "$OPENSSL_CFLAGS"
out OPENSSL_LIBS "$OPENSSL_LIBS"
