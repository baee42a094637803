#!/bin/sh
# Live tests of the editing commands: sender-domains,
# set-restriction --all, and relayhost's table through rollback, against
# a private Postfix and Dovecot on a loopback address of its own (see
# lib.sh), checked with swaks as the client.  Root only; everything is
# in one temporary directory, stopped and removed at the end.
set -u
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	say "skipped: the live edit tests need root"
	exit 0
fi
need postfix postconf postmap dovecot swaks openssl ss
[ -x "$PFSUBMIT" ] || { say "build pfsubmit first (make)"; exit 1; }

D=$(mktemp -d /tmp/pfsubmit-live-edit.XXXXXX)
C=$D/etc
if ! LIVE_ADDR=$(pick_addr); then
	say "FAIL: no free loopback address 127.0.0.100-249 to add"
	rm -rf "$D"
	exit 1
fi
AUTHPORT=$(free_port "$LIVE_ADDR" 12440)
export AUTHPORT LIVE_ADDR
cleanup() {
	stop_instance "$D"
	drop_addr "$LIVE_ADDR"
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

setup_instance "$D" "$TOP/fixtures/master/debian-3.7.cf"
if ! start_instance "$D"; then
	say "FAIL: the private Postfix did not start"
	cat "$D/maillog" "$D/dovecot/dovecot.log" 2>/dev/null | tail -20
	exit 1
fi
say "private Postfix on $LIVE_ADDR, config $C, Dovecot auth on $AUTHPORT"

SW="swaks --server $LIVE_ADDR --timeout 10 --helo client.example"
AUTH="--auth PLAIN --auth-user alice@test.example --auth-password secret"

# accepted/refused - swaks' transcript shows RCPT TO taken / a 5xx
# ("<-" in clear text, "<~" under TLS; "*" marks an error reply)
accepted() {
	echo "$1" | grep -q '^<[-~]  250 2\.1\.5 ' &&
	    ! echo "$1" | grep -q '^<[-~]\*'
}
refused() {
	echo "$1" | grep -q '^<[-~]\*\** 5[0-9][0-9] '
}

# send PORT FROM - an authenticated MAIL FROM and RCPT TO (no DATA);
# prints swaks' transcript
send() {
	if [ "$1" = 465 ]; then
		tls=--tls-on-connect
	else
		tls=--tls
	fi
	$SW --port "$1" $tls $AUTH --from "$2" --to bob@remote.example \
	    --quit-after RCPT 2>&1
}

# 1. both submission services live, as an administrator would have them
"$PFSUBMIT" -q -c "$C" enable || fail "enable: exit $?"
"$PFSUBMIT" -q -c "$C" enable submissions || fail "enable submissions"
if wait_port 587 up && wait_port 465 up; then
	pass "587 and 465 listen"
else
	fail "587 or 465 does not listen"
fi
for port in 587 465; do
	out=$(send $port mallory@evil.example)
	if accepted "$out"; then
		pass "$port: before sender-domains, a foreign sender is taken"
	else
		fail "$port: before sender-domains: $(echo "$out" | tail -3)"
	fi
done
mkdir -p "$D/before"
cp "$C/main.cf" "$C/master.cf" "$D/before/"

# 2. sender-domains, literally as the manual shows it (with -c)
out=$("$PFSUBMIT" -c "$C" sender-domains 2>&1)
st=$?
if [ $st -eq 0 ] && echo "$out" | grep -q "postfix reloaded"; then
	pass "sender-domains: exit 0, checked and reloaded"
else
	fail "sender-domains: exit $st: $out"
fi
if [ -f "$C/permit_mydomain" ] && [ -f "$C/permit_mydomain.db" ] &&
    grep -qx 'test.example OK' "$C/permit_mydomain"; then
	pass "sender-domains: the table and its index are there"
else
	fail "sender-domains: no table: $(cat "$C/permit_mydomain" 2>&1)"
fi
SEED='reject_non_fqdn_sender,${check_sender_mydomain},reject'
n=$(grep -cxF "  -o smtpd_sender_restrictions=$SEED" "$C/master.cf")
if [ "$n" = 2 ] && grep -qxF "check_sender_mydomain = check_sender_access \
hash:$C/permit_mydomain" "$C/main.cf"; then
	pass "sender-domains: the seed's form on both services"
else
	fail "sender-domains: not the seed's form ($n services)"
fi
sleep 1
for port in 587 465; do
	out=$(send $port alice@test.example)
	if accepted "$out"; then
		pass "$port: alice@test.example may send after AUTH"
	else
		fail "$port: alice@test.example refused: $(echo "$out" |
		    tail -4)"
	fi
	out=$(send $port mallory@evil.example)
	if refused "$out"; then
		pass "$port: mallory@evil.example gets a 5xx"
	else
		fail "$port: mallory@evil.example not refused with 5xx:" \
		    "$(echo "$out" | tail -4)"
	fi
done

# 3. idempotent
out=$("$PFSUBMIT" -c "$C" --detailed-exitcode sender-domains 2>&1)
st=$?
if [ $st -eq 0 ] && echo "$out" | grep -q "nothing to change"; then
	pass "sender-domains again: nothing to change"
else
	fail "sender-domains again: exit $st: $out"
fi

# 4. --remove gives both files back byte for byte, and no table
out=$("$PFSUBMIT" -c "$C" sender-domains --remove 2>&1)
st=$?
if [ $st -eq 0 ] && cmp -s "$C/main.cf" "$D/before/main.cf" &&
    cmp -s "$C/master.cf" "$D/before/master.cf" &&
    [ ! -e "$C/permit_mydomain" ] && [ ! -e "$C/permit_mydomain.db" ]; then
	pass "sender-domains --remove: both files byte for byte, no table"
else
	fail "sender-domains --remove: exit $st: $out"
fi
sleep 1
out=$(send 465 mallory@evil.example)
if accepted "$out"; then
	pass "465: after --remove, the foreign sender is taken again"
else
	fail "465: after --remove: $(echo "$out" | tail -3)"
fi

# 5. rollback brings the table back with the files, byte for byte
"$PFSUBMIT" -q -c "$C" sender-domains || fail "sender-domains (2)"
mkdir -p "$D/with"
cp "$C/main.cf" "$C/master.cf" "$C/permit_mydomain" "$D/with/"
"$PFSUBMIT" -q -c "$C" sender-domains --remove || fail "--remove (2)"
id=$(ls "$C/pfsubmit-backups" | sort | tail -1)
out=$("$PFSUBMIT" -c "$C" rollback "$id" 2>&1)
st=$?
if [ $st -eq 0 ] && cmp -s "$C/permit_mydomain" "$D/with/permit_mydomain" &&
    cmp -s "$C/main.cf" "$D/with/main.cf" &&
    [ -f "$C/permit_mydomain.db" ]; then
	pass "rollback: the table is back, indexed"
else
	fail "rollback: exit $st: $out"
fi
sleep 1
out=$(send 587 mallory@evil.example)
if refused "$out"; then
	pass "587: after rollback, mallory@evil.example gets a 5xx again"
else
	fail "587: after rollback: $(echo "$out" | tail -3)"
fi
"$PFSUBMIT" -q -c "$C" sender-domains --remove || fail "--remove (3)"

# 6. --login-maps: each login sends as itself only
out=$("$PFSUBMIT" -c "$C" sender-domains --login-maps 2>&1)
st=$?
[ $st -eq 0 ] || fail "sender-domains --login-maps: exit $st: $out"
sleep 1
for port in 587 465; do
	a=$(send $port alice@test.example)
	m=$(send $port mallory@evil.example)
	if accepted "$a" && refused "$m"; then
		pass "$port: --login-maps: alice sends as herself, mallory 5xx"
	else
		fail "$port: --login-maps: $(echo "$a" | tail -2)" \
		    "$(echo "$m" | tail -2)"
	fi
done
"$PFSUBMIT" -q -c "$C" sender-domains --login-maps --remove ||
    fail "--login-maps --remove"
if cmp -s "$C/main.cf" "$D/before/main.cf" &&
    cmp -s "$C/master.cf" "$D/before/master.cf"; then
	pass "--login-maps --remove: both files byte for byte"
else
	fail "--login-maps --remove: files differ"
fi

# 7. set-restriction --all: one transaction for 587 and 465
out=$("$PFSUBMIT" -c "$C" set-restriction --all sender \
    'reject_non_fqdn_sender,reject_unknown_sender_domain' 2>&1)
st=$?
n=$(grep -cxF '  -o smtpd_sender_restrictions=reject_non_fqdn_sender,'\
'reject_unknown_sender_domain' "$C/master.cf")
b=$(echo "$out" | grep -c "backup ")
if [ $st -eq 0 ] && [ "$n" = 2 ] && [ "$b" = 1 ]; then
	pass "set-restriction --all: both services, one transaction"
else
	fail "set-restriction --all: exit $st, $n services: $out"
fi

say "edit: $live_pass passed, $live_fail failed"
[ $live_fail -eq 0 ]
