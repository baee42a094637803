#!/bin/sh
# tour.sh - the README's tour, run for real: the commands and their
# output, on a scratch copy of Debian's master.cf (and, as root, with
# `postfix check' and a private Postfix on loopback for verify).
# Usage (from the top directory, as root): sh tools/tour.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$top:$PATH"
d=/tmp/tour
rm -rf "$d"
mkdir -p "$d"
cp "$top/fixtures/master/debian-3.7.cf" "$d/master.cf"
cp "$top/fixtures/main/debian.cf" "$d/main.cf"
cd "$d" || exit 1

# run COMMAND... - the command as one would type it, its output and
# exit status
run() {
	printf '$'
	for a in "$@"; do
		case $a in
		*[\ \$\{]*)	printf " '%s'" "$a" ;;
		*)		printf ' %s' "$a" ;;
		esac
	done
	printf '\n'
	"$@" 2>&1
	printf '(exit %d)\n\n' $?
}

run pfsubmit -c "$d" show
run pfsubmit -c "$d" enable
run pfsubmit -c "$d" -n --force enable
run pfsubmit -c "$d" --force enable
run pfsubmit -c "$d" check
run pfsubmit -c "$d" --detailed-exitcode enable
run pfsubmit -c "$d" set-restriction submission client \
    permit_sasl_authenticated,reject
run pfsubmit -c "$d" set-restriction submission sender \
    'reject_non_fqdn_sender, check_sender_access hash:/etc/postfix/permit_mydomain, reject'
run pfsubmit -c "$d" sender-domains
run pfsubmit -c "$d" show submission
run pfsubmit -c "$d" set-restriction submission sender 'permit_sasl_authenticated, rejct'
run pfsubmit -c "$d" param set default_process_limit=abc
run pfsubmit -c "$d" backups
run pfsubmit -c "$d" rollback
