#!/bin/sh
# install_test.sh - `make install' and `make uninstall' into a scratch
# DESTDIR with PREFIX=/usr: the files, their modes, the installed binary,
# manual and Ansible module; the bash completion, sourced and called the way bash calls
# it; and that `pfsubmit --help', the manual's SYNOPSIS and the
# completion name the same commands.  Exits 1 on any failure.
#
# Plain sh; bash only runs the completion.  Edits only scratch
# directories of its own (removed on exit).
set -euf		# -f: no file name globbing, lists below are split on spaces
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
MAKE=${MAKE:-make}

fails=0
fail() { echo "install: FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "install: ok: $*"; }

tmp=$(mktemp -d /tmp/pfsubmit-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
dest=$tmp/dest
cfg=$tmp/cfg
mkdir "$dest" "$cfg"

version=$(sed -n 's/^VERSION=[[:space:]]*//p' Makefile)
[ -n "$version" ] || { fail "no VERSION in the Makefile"; exit 1; }

# --- build and install ------------------------------------------------------

$MAKE >"$tmp/build.log" 2>&1 || {
	cat "$tmp/build.log"; fail "make"; exit 1; }
$MAKE install DESTDIR="$dest" PREFIX=/usr >"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log"; fail "make install DESTDIR=... PREFIX=/usr"
	exit 1; }
ok "make install DESTDIR=... PREFIX=/usr"

bin=$dest/usr/sbin/pfsubmit
man=$dest/usr/share/man/man1/pfsubmit.1
comp=$dest/usr/share/bash-completion/completions/pfsubmit
module=$dest/usr/share/ansible/plugins/modules/pfsubmit.py

# mode FILE MODE - FILE is a regular file with this ls -l mode string
mode() {
	if [ ! -f "$1" ] || [ -L "$1" ]; then
		fail "${1#"$dest"} is not installed (or not a regular file)"
		return
	fi
	# shellcheck disable=SC2012 # the mode string; the name is ours
	m=$(ls -ld "$1" | cut -c1-10)
	if [ "$m" = "$2" ]; then
		ok "${1#"$dest"} $m"
	else
		fail "${1#"$dest"} is $m, not $2"
	fi
}
mode "$bin" -rwxr-xr-x
mode "$man" -rw-r--r--
mode "$comp" -rw-r--r--
mode "$module" -rw-r--r--

# Nothing else is installed.
find "$dest" ! -type d | sed "s|^$dest||" | sort >"$tmp/files"
printf '%s\n' /usr/sbin/pfsubmit /usr/share/bash-completion/completions/pfsubmit \
    /usr/share/man/man1/pfsubmit.1 \
    /usr/share/ansible/plugins/modules/pfsubmit.py | sort >"$tmp/want"
if cmp -s "$tmp/files" "$tmp/want"; then
	ok "exactly the four files are installed"
else
	fail "installed files differ from the four expected:"
	diff "$tmp/want" "$tmp/files" || :
fi

# --- the installed binary and manual ---------------------------------------

out=$("$bin" --version 2>&1) || fail "installed pfsubmit --version exits $?"
if [ "$out" = "pfsubmit $version" ]; then
	ok "installed pfsubmit --version: $out"
else
	fail "installed pfsubmit --version prints \"$out\", not" \
	    "\"pfsubmit $version\" (the Makefile's VERSION)"
fi

rendered=0
if command -v man >/dev/null 2>&1; then
	if MANPAGER=cat PAGER=cat MANWIDTH=80 man -l "$man" \
	    >"$tmp/man.txt" 2>"$tmp/man.err" &&
	    grep -q SYNOPSIS "$tmp/man.txt" && grep -q pfsubmit "$tmp/man.txt"
	then
		ok "man -l renders the installed page"
		rendered=1
	else
		cat "$tmp/man.err"
		fail "man -l does not render the installed page"
	fi
fi
if command -v mandoc >/dev/null 2>&1; then
	# -Tascii makes bold with backspaces: take them out.
	bs=$(printf '\b')
	if mandoc -Tascii "$man" >"$tmp/mandoc.out" 2>"$tmp/mandoc.err" &&
	    sed "s/.$bs//g" "$tmp/mandoc.out" >"$tmp/mandoc.txt" &&
	    grep -q SYNOPSIS "$tmp/mandoc.txt"; then
		ok "mandoc renders the installed page"
		rendered=1
	else
		cat "$tmp/mandoc.err"
		fail "mandoc does not render the installed page"
	fi
fi
[ "$rendered" = 1 ] || fail "neither man nor mandoc is installed to" \
    "render the page (apt-get install man-db or mandoc)"

# The module, from the directory it is installed in.
if cmp -s "$module" contrib/ansible/library/pfsubmit.py; then
	ok "the Ansible module is contrib/ansible/library/pfsubmit.py"
else
	fail "the installed Ansible module differs from contrib's"
fi
if ! command -v ansible-doc >/dev/null 2>&1; then
	echo "install: skipped: ansible-doc (apt-get install ansible-core)"
elif ANSIBLE_NOCOLOR=1 ansible-doc -M "${module%/*}" pfsubmit \
    >"$tmp/doc.txt" 2>&1 && grep -q '^> PFSUBMIT' "$tmp/doc.txt"; then
	ok "ansible-doc renders the installed module"
else
	cat "$tmp/doc.txt"
	fail "ansible-doc does not render the installed module"
fi

# --- the bash completion ----------------------------------------------------

cp fixtures/master/debian-3.7.cf "$cfg/master.cf"
cp fixtures/main/debian.cf "$cfg/main.cf"

# complete WORD... - source the installed completion and call its
# function as bash does for a line of these words, the cursor at the end
# of the last; prints COMPREPLY, one a line.
complete_words() {
	(cd "$tmp" && bash -c '
		comp=$1
		shift
		. "$comp" || exit 1
		spec=$(complete -p pfsubmit) || exit 1
		case $spec in
		*"-F _pfsubmit "*) ;;
		*) echo "not complete -F _pfsubmit: $spec" >&2; exit 1 ;;
		esac
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_pfsubmit pfsubmit "${COMP_WORDS[COMP_CWORD]}" \
		    "${COMP_WORDS[COMP_CWORD - 1]}" || exit 1
		if [ ${#COMPREPLY[@]} -gt 0 ]; then
			printf "%s\n" "${COMPREPLY[@]}"
		fi
	' bash "$comp" "$@")
}

# list "WORD..." - the words on one line
list() { echo "$1" | tr -s ' \n' '  ' | sed 's/ $//'; }

# expect_set "WANT..." WORD... - the completions are exactly WANT
expect_set() {
	want=$1
	shift
	# shellcheck disable=SC2086 # split the list
	printf '%s\n' $want | sort >"$tmp/want"
	if ! complete_words "$@" | sort >"$tmp/got"; then
		fail "completion of \"$*\" failed"
		return
	fi
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok "completion of \"$*\": $(list "$want")"
	else
		fail "completion of \"$*\": want $(list "$want")," \
		    "got $(tr '\n' ' ' <"$tmp/got")"
	fi
}

# expect_has "WANT..." WORD... - the completions include every WANT
expect_has() {
	want=$1
	shift
	if ! complete_words "$@" >"$tmp/got"; then
		fail "completion of \"$*\" failed"
		return
	fi
	missing=
	# shellcheck disable=SC2086 # split the list
	for w in $want; do
		grep -qxF -- "$w" "$tmp/got" || missing="$missing $w"
	done
	if [ -z "$missing" ]; then
		ok "completion of \"$*\" includes $(list "$want")" \
		    "($(wc -l <"$tmp/got" | tr -d ' ') in all)"
	else
		fail "completion of \"$*\" lacks$missing; got" \
		    "$(tr '\n' ' ' <"$tmp/got")"
	fi
}

if ! command -v bash >/dev/null 2>&1; then
	fail "bash is not installed: cannot test the completion"
else
	if command -v shellcheck >/dev/null 2>&1; then
		if shellcheck -s bash "$comp"; then
			ok "shellcheck: the completion is clean"
		else
			fail "shellcheck: the completion has findings"
		fi
	fi
	bash -n "$comp" || fail "bash -n: the completion does not parse"

	cmds=$("$bin" --help | sed -n '/^commands:/,$p' | sed -n \
	    's/^[[:space:]]\{1,\}\([a-z][a-z-]*\).*/\1/p' | sort -u)
	# Commands, by the installed binary's name as bash passes it.
	expect_set "$cmds" "$bin" ""
	expect_set "sender-domains set set-restriction show" "$bin" s
	expect_set "modern classic" "$bin" enable --profile ""
	expect_set "classic" "$bin" enable --profile=c
	expect_set "submission submissions" "$bin" enable ""
	expect_set "client helo sender relay recipient data end_of_data etrn" \
	    "$bin" set-restriction submission ""
	expect_set "set unset show" "$bin" param ""
	expect_has "--listen --profile --dry-run --config-dir" \
	    "$bin" enable --
	expect_has "--sasl --cert --key --chain-file --no-verify" \
	    "$bin" enable --
	expect_set "dovecot cyrus none" "$bin" enable --sasl ""
	expect_has "--host --port --user --password-file" "$bin" verify --
	expect_has "--cafile --insecure --mech --send-to --tls-name" \
	    "$bin" verify --
	expect_set "plain login" "$bin" verify --mech ""
	expect_has "--user --password-file --remove" "$bin" relayhost --
	expect_has "--via-param" "$bin" set-restriction --
	expect_has "-x" "$bin" param show -
	expect_has "--version" "$bin" --

	# master.cf and main.cf names, from the directory given with -c or
	# --config-dir, before or after the command.
	expect_has "all submission/inet submissions/inet smtp/inet pickup/unix" \
	    "$bin" -c "$cfg" show ""
	expect_set "submission/inet submissions/inet" \
	    "$bin" show --config-dir "$cfg" subm
	expect_set "submission/inet submissions/inet" \
	    "$bin" --config-dir="$cfg" show subm
	expect_has "submission submissions smtpd/pass cyrus/unix" \
	    "$bin" -c "$cfg" disable ""
	expect_has "submission/inet" "$bin" -c "$cfg" set-restriction ""
	# bash splits at ':': what follows the last colon is replaced.
	expect_set "submission/inet submissions/inet" \
	    "$bin" -c "$cfg" show 127.0.0.1 : sub
	expect_has "syslog_name smtpd_sasl_auth_enable" \
	    "$bin" -c "$cfg" unset submission/inet ""
	expect_has "smtpd_banner myhostname relayhost" \
	    "$bin" -c "$cfg" param show ""
	expect_set "myhostname mydestination mynetworks" \
	    "$bin" -c "$cfg" param unset my
	expect_set "smtpd_banner=" "$bin" -c "$cfg" param set smtpd_b

	# A service name that is shell syntax is offered as text, not run
	# (complete_words runs in $tmp).
	# shellcheck disable=SC2016 # no expansion meant
	printf '%s\n' '$(touch${IFS}ran) unix - n n - - pipe' \
	    >>"$cfg/master.cf"
	# shellcheck disable=SC2016
	expect_has '$(touch${IFS}ran)/unix' "$bin" -c "$cfg" show ""
	[ ! -e "$tmp/ran" ] || fail "completion ran a name from master.cf"

	# rollback: the id of a backup, made as root by an edit.
	cp "$cfg/master.cf" "$tmp/master.before"
	cp "$cfg/main.cf" "$tmp/main.before"
	if [ "$(id -u)" != 0 ]; then
		echo "install: skipped: rollback completion (not root)"
	elif ! "$bin" -c "$cfg" -q --no-check --no-reload enable; then
		fail "pfsubmit -c DIR --no-check --no-reload enable"
	else
		id=$("$bin" -c "$cfg" backups | sed -n '1s/ .*//p')
		if [ -z "$id" ]; then
			fail "pfsubmit backups lists no backup after enable"
		else
			expect_set "$id" "$bin" -c "$cfg" rollback ""
		fi
		cp "$cfg/master.cf" "$tmp/master.before"
		cp "$cfg/main.cf" "$tmp/main.before"
	fi

	# Completing never edits.
	for c in "show " "disable " "set-restriction " "unset submission/inet " \
	    "param show " "param unset " "rollback "; do
		# shellcheck disable=SC2086
		complete_words "$bin" -c "$cfg" $c "" >/dev/null || :
	done
	if cmp -s "$cfg/master.cf" "$tmp/master.before" &&
	    cmp -s "$cfg/main.cf" "$tmp/main.before"; then
		ok "completing changed neither file"
	else
		fail "completing changed master.cf or main.cf"
	fi
fi

# --- one set of commands: --help, the manual's SYNOPSIS, the completion ----

"$bin" --help | sed -n '/^commands:/,$p' |
    sed -n 's/^[[:space:]]\{1,\}\([a-z][a-z-]*\).*/\1/p' | sort -u \
    >"$tmp/cmds.help"
# Each .Nm block of the SYNOPSIS that names a command: its first .Cm.
awk '
	/^\.Sh / { syn = ($2 == "SYNOPSIS"); next }
	!syn { next }
	/^\.Nm/ { want = 1; next }
	want && /^\.Cm / { print $2; want = 0; next }
	want && /^\.(Op|Ar|Fl)/ { next }
' pfsubmit.1 | sort -u >"$tmp/cmds.man"
if command -v bash >/dev/null 2>&1; then
	complete_words "$bin" "" | sort -u >"$tmp/cmds.comp" || :
else
	cp "$tmp/cmds.help" "$tmp/cmds.comp"
fi
same=1
for other in man comp; do
	case $other in
	man)	what="the SYNOPSIS of pfsubmit.1" ;;
	comp)	what="the bash completion" ;;
	esac
	if ! cmp -s "$tmp/cmds.help" "$tmp/cmds.$other"; then
		same=0
		only=$(comm -23 "$tmp/cmds.help" "$tmp/cmds.$other" | tr '\n' ' ')
		extra=$(comm -13 "$tmp/cmds.help" "$tmp/cmds.$other" | tr '\n' ' ')
		[ -z "$only" ] ||
		    fail "in pfsubmit --help but not in $what: $only"
		[ -z "$extra" ] ||
		    fail "in $what but not in pfsubmit --help: $extra"
	fi
done
[ "$same" = 0 ] || ok "pfsubmit --help, the SYNOPSIS and the completion" \
    "name the same $(wc -l <"$tmp/cmds.help" | tr -d ' ') commands"

# --- uninstall --------------------------------------------------------------

if $MAKE uninstall DESTDIR="$dest" PREFIX=/usr >"$tmp/uninstall.log" 2>&1
then
	left=$(find "$dest" ! -type d)
	if [ -z "$left" ]; then
		ok "make uninstall leaves no file behind"
	else
		fail "make uninstall leaves:" "$(list "$left")"
	fi
else
	cat "$tmp/uninstall.log"
	fail "make uninstall DESTDIR=... PREFIX=/usr"
fi

if [ "$fails" -gt 0 ]; then
	echo "install: $fails failed"
	exit 1
fi
echo "install: all passed"
