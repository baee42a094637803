#!/bin/sh
# story.sh - the README's one-command story, run for real: a private
# Postfix with Debian's stock master.cf and main.cf, next to a Dovecot
# with its stock authentication and no listener for Postfix, on a
# loopback address of its own.  Prints each command and its output.
# Usage (from the top directory, as root, after make): sh tools/story.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/live/lib.sh"
export PATH="$top:$PATH"
need postfix dovecot swaks openssl ss

D=/tmp/story
rm -rf "$D"
mkdir -p "$D"
LIVE_ADDR=$(pick_addr) || { echo "no loopback address"; exit 1; }
AUTHPORT=$(free_port "$LIVE_ADDR" 12540)
export LIVE_ADDR AUTHPORT
trap 'stop_instance "$D"; drop_addr "$LIVE_ADDR"' EXIT
setup_instance "$D" "$top/fixtures/master/debian-3.7.cf" >/dev/null 2>&1
C=$D/etc
# Debian's main.cf, with the instance's own queue, address and log; no
# SASL back end; the certificate a certificate authority would sign.
own='^(queue_directory|data_directory|inet_interfaces|inet_protocols|'\
'maillog_file|maillog_file_prefixes|myhostname|mydestination|alias_maps|'\
'alias_database|defer_transports) '
{
	grep -Ev "$own" "$top/fixtures/main/debian.cf"
	grep -E "$own" "$C/main.cf"
} > "$C/main.cf.new"
mv "$C/main.cf.new" "$C/main.cf"
mkdir -p "$D/spool/private"
chown postfix "$D/spool/private"
start_instance "$D" >/dev/null 2>&1 || { echo "Postfix did not start"; exit 1; }
echo secret > "$D/pw"
chmod 600 "$D/pw"

# st COMMAND... - the command, its output and its exit status
st() {
	"$@" > "$D/out" 2>&1
	echo $? > "$D/st"
	printf '$ %s\n' "$*" | sed "s|$D|/tmp/story|g"
	sed "s|$D|/tmp/story|g" "$D/out"
	printf '(exit %s)\n\n' "$(cat "$D/st")"
}

st pfsubmit -c "$C" enable
# Dovecot's own answer: the listener block that enable printed.
sed -i -e '/^service auth {/a\
  unix_listener '"$D"'/spool/private/auth {\
    mode = 0660\
    user = postfix\
    group = postfix\
  }' "$D/dovecot/dovecot.conf"
kill "$(cat "$D/dovecot/run/master.pid")"
i=0
while [ -e "$D/dovecot/run/master.pid" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
dovecot -c "$D/dovecot/dovecot.conf"
i=0
while [ ! -S "$D/spool/private/auth" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
st pfsubmit -c "$C" enable --cert "$C/cert.pem" --key "$C/key.pem"
st pfsubmit -c "$C" check
st pfsubmit -c "$C" sender-domains
st pfsubmit -c "$C" verify --user alice@test.example --password-file "$D/pw" \
    --cafile "$C/cert.pem" --send-to bob@remote.example
