#!/bin/sh
# deb_test.sh - build the Debian package, lint it, install it, check what
# it installed, and purge it again.  Exits 1 on any failure.
#
# The package is built from a copy of the source tree (the files git
# tracks, and new ones it does not ignore) in a scratch directory, so the
# build's `make clean' and its ../*.deb, ../*.changes and ../*.buildinfo
# touch neither this tree nor its parent; the scratch directory goes on
# exit.  Building and linting run as anyone; installing needs root and
# an installed postfix, and is skipped, with a line, when not root.
# Needs: dpkg-dev debhelper lintian (and man-db to read the manual).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

fails=0
fail() { echo "deb: FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "deb: ok: $*"; }
die() { fail "$*"; exit 1; }

missing=
for c in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian; do
	command -v "${c%%:*}" >/dev/null 2>&1 || missing="$missing ${c#*:}"
done
[ -z "$missing" ] ||
    die "missing Debian packages; apt-get install$missing"

tmp=$(mktemp -d /tmp/pfsubmit-deb.XXXXXX)
installed=no
cleanup() {
	if [ "$installed" = yes ]; then
		dpkg --purge pfsubmit >/dev/null 2>&1 || :
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# --- versions ---------------------------------------------------------------

version=$(sed -n 's/^VERSION=[[:space:]]*//p' Makefile)
[ -n "$version" ] || die "no VERSION in the Makefile"
dversion=$(dpkg-parsechangelog -S Version)
if [ "$dversion" = "$version" ]; then
	ok "debian/changelog's version is the Makefile's: $version"
else
	fail "debian/changelog says $dversion, the Makefile's VERSION $version"
fi
format=$(cat debian/source/format)
[ "$format" = "3.0 (native)" ] ||
    fail "debian/source/format is \"$format\", not \"3.0 (native)\""

# --- build -------------------------------------------------------------------

src=$tmp/pfsubmit-$version
mkdir "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -c -o --exclude-standard | while IFS= read -r f; do
		[ ! -e "$f" ] || printf '%s\n' "$f"
	done >"$tmp/srcfiles"
	tar -cf - -T "$tmp/srcfiles" | tar -xf - -C "$src"
else
	(cd "$top" && tar -cf - .) | tar -xf - -C "$src"
fi
for f in debian/control debian/rules debian/changelog debian/copyright \
    contrib/bash-completion/pfsubmit; do
	[ -f "$src/$f" ] || die "$f is not in the copy of the tree"
done

echo "deb: dpkg-buildpackage -us -uc -b (log: build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1
then
	tail -40 "$tmp/build.log"
	die "dpkg-buildpackage -us -uc -b"
fi
arch=$(dpkg --print-architecture)
deb=$tmp/pfsubmit_${version}_$arch.deb
[ -f "$deb" ] || die "no ${deb#"$tmp/"} after the build"
ok "dpkg-buildpackage built ${deb#"$tmp/"}"
if grep -Eq '^[[:space:]]*(make|dh_auto_test)[^[:space:]]* .*\<check\>' \
    "$tmp/build.log"; then
	fail "the build ran make check"
fi

# --- the package's contents and fields ------------------------------------

dpkg-deb -c "$deb" | awk '{ print $1, $6 }' >"$tmp/contents"
for want in "-rwxr-xr-x ./usr/sbin/pfsubmit" \
    "-rw-r--r-- ./usr/share/man/man1/pfsubmit.1.gz" \
    "-rw-r--r-- ./usr/share/bash-completion/completions/pfsubmit" \
    "-rw-r--r-- ./usr/share/ansible/plugins/modules/pfsubmit.py" \
    "-rw-r--r-- ./usr/share/doc/pfsubmit/copyright" \
    "-rw-r--r-- ./usr/share/doc/pfsubmit/changelog.gz"; do
	if grep -qxF -- "$want" "$tmp/contents"; then
		ok "package has $want"
	else
		fail "package lacks $want"
	fi
done
if grep -q ' \./usr/local' "$tmp/contents"; then
	fail "package installs under /usr/local"
fi
depends=$(dpkg-deb -f "$deb" Depends)
for want in postfix libc6 libbsd0 libssl3; do
	case ", $depends," in
	*", $want "*|*", $want,"*) ;;
	*) fail "Depends lacks $want: $depends" ;;
	esac
done
recommends=$(dpkg-deb -f "$deb" Recommends)
[ "$recommends" = libsasl2-modules ] ||
    fail "Recommends is \"$recommends\", not libsasl2-modules"
section=$(dpkg-deb -f "$deb" Section)
[ "$section" = mail ] || fail "Section is \"$section\", not mail"
ok "Depends: $depends; Recommends: $recommends; Section: $section"

# --- lintian -----------------------------------------------------------------

lintian "$deb" >"$tmp/lintian.txt" 2>&1 || :
grep -v '^running with root privileges' "$tmp/lintian.txt" || :
if grep -q '^E: ' "$tmp/lintian.txt"; then
	fail "lintian reports errors"
else
	ok "lintian: no errors ($(grep -c '^W: ' "$tmp/lintian.txt") warnings)"
fi

# --- install, check, purge ----------------------------------------------------

if [ "$(id -u)" != 0 ]; then
	echo "deb: skipped: dpkg -i, the installed files, dpkg --purge" \
	    "(not root)"
elif dpkg-query -W -f='${Status}' pfsubmit 2>/dev/null |
    grep -q 'install ok installed'; then
	fail "pfsubmit is installed already; not replacing it" \
	    "(dpkg -r pfsubmit, then run this again)"
elif ! dpkg-query -W -f='${Status}' postfix 2>/dev/null |
    grep -q 'install ok installed'; then
	fail "postfix is not installed, and the package depends on it" \
	    "(apt-get install postfix)"
else
	installed=yes
	if dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then
		ok "dpkg -i ${deb#"$tmp/"}"
	else
		cat "$tmp/dpkg.log"
		die "dpkg -i ${deb#"$tmp/"}"
	fi

	out=$(/usr/sbin/pfsubmit --version 2>&1) ||
	    fail "/usr/sbin/pfsubmit --version exits non-zero"
	if [ "$out" = "pfsubmit $version" ]; then
		ok "/usr/sbin/pfsubmit --version: $out"
	else
		fail "/usr/sbin/pfsubmit --version prints \"$out\""
	fi
	out=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin pfsubmit --help 2>&1) ||
	    fail "pfsubmit --help exits non-zero"
	case $out in
	*commands:*) ok "pfsubmit --help, found in PATH" ;;
	*) fail "pfsubmit --help prints: $out" ;;
	esac

	if ! command -v man >/dev/null 2>&1; then
		fail "man is not installed (apt-get install man-db)"
	elif MANPAGER=cat PAGER=cat MANWIDTH=80 man pfsubmit \
	    >"$tmp/man.txt" 2>"$tmp/man.err" &&
	    grep -q SYNOPSIS "$tmp/man.txt"; then
		ok "man pfsubmit: $(head -1 "$tmp/man.txt" | tr -s ' ')"
	else
		cat "$tmp/man.err"
		fail "man pfsubmit"
	fi
	[ "$(man -w pfsubmit 2>/dev/null)" = \
	    /usr/share/man/man1/pfsubmit.1.gz ] ||
	    fail "man -w pfsubmit is not /usr/share/man/man1/pfsubmit.1.gz"

	comp=/usr/share/bash-completion/completions/pfsubmit
	if [ -f "$comp" ]; then
		ok "$comp is installed"
	else
		fail "$comp is not installed"
	fi
	# bash-completion, when installed, loads it on demand.
	loader=/usr/share/bash-completion/bash_completion
	if [ -f "$loader" ] && command -v bash >/dev/null 2>&1; then
		spec=$(bash -c '. "$1" && __load_completion pfsubmit &&
		    complete -p pfsubmit' bash "$loader" 2>&1) || :
		case $spec in
		*"-F _pfsubmit pfsubmit"*)
			ok "bash-completion loads it: $spec" ;;
		*)	fail "bash-completion does not load it: $spec" ;;
		esac
	fi

	# Ansible finds the module without being told where.
	if ! command -v ansible-doc >/dev/null 2>&1; then
		echo "deb: skipped: ansible-doc pfsubmit (apt-get install" \
		    "ansible-core)"
	elif (cd "$tmp" && env -u ANSIBLE_LIBRARY -u ANSIBLE_CONFIG \
	    ANSIBLE_NOCOLOR=1 ansible-doc pfsubmit) >"$tmp/doc.txt" 2>&1 &&
	    grep -q '/usr/share/ansible/plugins/modules/pfsubmit.py' \
	    "$tmp/doc.txt"; then
		ok "ansible-doc pfsubmit finds the installed module"
	else
		cat "$tmp/doc.txt"
		fail "ansible-doc pfsubmit does not find the installed module"
	fi

	dpkg -L pfsubmit >"$tmp/files"
	if dpkg --purge pfsubmit >"$tmp/purge.log" 2>&1; then
		installed=no
		ok "dpkg --purge pfsubmit"
	else
		cat "$tmp/purge.log"
		fail "dpkg --purge pfsubmit"
	fi
	left=
	while IFS= read -r f; do
		[ -d "$f" ] || [ ! -e "$f" ] || left="$left $f"
	done <"$tmp/files"
	[ -z "$left" ] || fail "left after the purge:$left"
	if dpkg-query -W pfsubmit >/dev/null 2>&1; then
		fail "dpkg still knows pfsubmit after the purge"
	else
		ok "nothing of the package is left"
	fi
fi

if [ "$fails" -gt 0 ]; then
	echo "deb: $fails failed"
	exit 1
fi
echo "deb: all passed"
