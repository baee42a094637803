#!/bin/sh
# The live suite: pfsubmit against a real Postfix on loopback, checked
# the way a mail client meets the result (swaks).  Runs as root only;
# everything lives in one temporary directory, and the private Postfix
# and Dovecot are stopped (by pid) at the end, pass or fail.
set -u
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	say "skipped: the live suite needs root (it starts a private" \
	    "Postfix on a loopback address of its own); run make check" \
	    "as root"
	exit 0
fi
need postfix postconf dovecot swaks openssl ss
[ -x "$PFSUBMIT" ] || { say "build pfsubmit first (make)"; exit 1; }

D=$(mktemp -d /tmp/pfsubmit-live.XXXXXX)
C=$D/etc
if ! LIVE_ADDR=$(pick_addr); then
	say "FAIL: no free loopback address 127.0.0.100-249 to add"
	rm -rf "$D"
	exit 1
fi
AUTHPORT=$(free_port "$LIVE_ADDR" 12340)
export AUTHPORT LIVE_ADDR
OTHER_ADDR=
IMPOSTOR=
cleanup() {
	[ -n "$IMPOSTOR" ] && kill "$IMPOSTOR" 2>/dev/null
	stop_instance "$D/provider"
	stop_instance "$D"
	drop_addr "$LIVE_ADDR"
	drop_addr "$OTHER_ADDR"
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Another server holds 587 on another local address for the whole run,
# as a system Postfix would: every check must reach this run's own
# instance, never that one (it greets as impostor.example).
if OTHER_ADDR=$(pick_addr); then
	python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 587))
s.listen(16)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"220 impostor.example ESMTP not this run\r\n")
    except OSError:
        pass
    c.close()
' "$OTHER_ADDR" &
	IMPOSTOR=$!
	i=0
	while ! ss -Hltn "src $OTHER_ADDR:587" | grep -q . && [ $i -lt 50 ]
	do
		sleep 0.1
		i=$((i + 1))
	done
else
	OTHER_ADDR=
fi

setup_instance "$D" "$TOP/fixtures/master/debian-3.7.cf"
if ! start_instance "$D"; then
	say "FAIL: the private Postfix did not start"
	cat "$D/maillog" "$D/dovecot/dovecot.log" 2>/dev/null | tail -20
	exit 1
fi
say "private Postfix on $LIVE_ADDR, config $C, Dovecot auth on $AUTHPORT"

SW="swaks --server $LIVE_ADDR --timeout 10 --helo client.example"
AUTH="--auth PLAIN --auth-user alice@test.example --auth-password secret"
SNAP=$D/snap
mkdir -p "$SNAP"

snapshot() {
	cp "$C/main.cf" "$SNAP/main.cf"
	cp "$C/master.cf" "$SNAP/master.cf"
}

unchanged() {
	cmp -s "$C/main.cf" "$SNAP/main.cf" &&
	    cmp -s "$C/master.cf" "$SNAP/master.cf"
}

# 1. enable, with its own check and reload
out=$("$PFSUBMIT" -c "$C" enable 2>&1)
st=$?
if [ $st -eq 0 ] && echo "$out" | grep -q "postfix reloaded"; then
	pass "enable: exit 0, checked and reloaded"
else
	fail "enable: exit $st: $out"
fi
if wait_port 587 up; then
	pass "enable: port 587 listens"
else
	fail "enable: port 587 does not listen"
fi
ehlo=$($SW --port 587 --quit-after EHLO 2>&1)
if echo "$ehlo" | grep -q '250-STARTTLS\|250 STARTTLS'; then
	pass "587: EHLO offers STARTTLS"
else
	fail "587: EHLO does not offer STARTTLS: $ehlo"
fi
if echo "$ehlo" | grep -q '250[- ]AUTH'; then
	fail "587: AUTH is offered before TLS"
else
	pass "587: no AUTH before TLS"
fi
out=$($SW --port 587 --tls $AUTH --from alice@test.example \
    --to bob@remote.example 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q '235 ' &&
    echo "$out" | grep -q '250 .*queued'; then
	pass "587: STARTTLS, AUTH PLAIN, mail to an outside address queued"
else
	fail "587: authenticated relay failed: $(echo "$out" | tail -5)"
fi
out=$($SW --port 587 --tls --from alice@test.example \
    --to bob@remote.example 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q '<[~*]\* 554'; then
	pass "587: without AUTH, relaying is refused"
else
	fail "587: relay without AUTH was not refused: $(echo "$out" |
	    tail -5)"
fi
out=$($SW --port 587 --tls $AUTH --auth-password wrong \
    --to bob@remote.example 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q '<[~*]\* 535'; then
	pass "587: a wrong password is refused (535)"
else
	fail "587: a wrong password was not refused"
fi
ehlo=$($SW --port 25 --quit-after EHLO 2>&1)
if echo "$ehlo" | grep -q '250[- ]AUTH'; then
	fail "25: port 25 started offering AUTH"
else
	pass "25: port 25 does not offer AUTH"
fi

# 2. enable submissions: TLS from the first byte on 465
out=$("$PFSUBMIT" -q -c "$C" enable submissions 2>&1)
st=$?
if [ $st -eq 0 ] && wait_port 465 up; then
	pass "enable submissions: exit 0, port 465 listens"
else
	fail "enable submissions: exit $st: $out"
fi
out=$($SW --port 465 --tlsc $AUTH --from alice@test.example \
    --to bob@remote.example 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q 'TLS started' &&
    echo "$out" | grep -q '235 '; then
	pass "465: TLS first, then AUTH and relay"
else
	fail "465: $(echo "$out" | tail -5)"
fi
out=$(swaks --server "$LIVE_ADDR" --port 465 --timeout 3 --quit-after BANNER \
    2>&1)
if echo "$out" | grep -q '<-  220'; then
	fail "465: speaks plain SMTP before TLS"
else
	pass "465: no plain-text banner"
fi

# 3. set-restriction with a table: a listed sender is refused
printf 'blocked@test.example REJECT not you\n' > "$C/senders"
postmap -c "$C" "hash:$C/senders"
out=$("$PFSUBMIT" -q -c "$C" set-restriction submission sender \
    "check_sender_access hash:$C/senders, permit" 2>&1)
st=$?
[ $st -eq 0 ] || fail "set-restriction: exit $st: $out"
out=$($SW --port 587 --tls $AUTH --from blocked@test.example \
    --to bob@remote.example 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q 'not you'; then
	pass "set-restriction: a sender listed in the table is refused"
else
	fail "set-restriction: listed sender not refused: $(echo "$out" |
	    tail -5)"
fi
out=$($SW --port 587 --tls $AUTH --from alice@test.example \
    --to bob@remote.example 2>&1)
if [ $? -eq 0 ]; then
	pass "set-restriction: other senders pass"
else
	fail "set-restriction: another sender was refused"
fi

# 4. a change that postfix check rejects: exit 2, nothing changed
snapshot
"$PFSUBMIT" -q -c "$C" param set default_process_limit=abc >/dev/null 2>&1
st=$?
if [ $st -eq 2 ] && unchanged; then
	pass "check failure: exit 2, both files byte-identical"
else
	fail "check failure: exit $st, files changed: $(unchanged && echo no ||
	    echo yes)"
fi
if $SW --port 587 --tls $AUTH --to bob@remote.example >/dev/null 2>&1; then
	pass "check failure: the server still serves as before"
else
	fail "check failure: the server stopped serving"
fi

# 5. disable: 587 stops listening
out=$("$PFSUBMIT" -q -c "$C" disable 2>&1)
st=$?
if [ $st -eq 0 ] && wait_port 587 down; then
	pass "disable: exit 0, port 587 no longer listens"
else
	fail "disable: exit $st, 587 still listens: $out"
fi

# 6. rollback: the files before disable are back, and served
snapshot
out=$("$PFSUBMIT" -q -c "$C" rollback 2>&1)
st=$?
if [ $st -eq 0 ] && wait_port 587 up &&
    $SW --port 587 --tls $AUTH --to bob@remote.example >/dev/null 2>&1
then
	pass "rollback: exit 0, 587 is back and serves AUTH"
else
	fail "rollback: exit $st: $out"
fi

# 7. verify, as the live service's client: where the service listens
# comes from the configuration (no --host), the self-signed certificate
# is trusted with --cafile (its name, test.example, is myhostname), and
# after AUTH it checks an authenticated MAIL FROM and RCPT TO
echo secret > "$D/pw"
echo wrong > "$D/badpw"
chmod 600 "$D/pw" "$D/badpw"
VF="$PFSUBMIT -c $C verify --user alice@test.example --cafile $C/cert.pem"
out=$($VF --password-file "$D/pw" 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q '^pass  auth ' &&
    echo "$out" | grep -q '^pass  mail-from .*MAIL FROM:<alice@test.example> after AUTH: 250 ' &&
    echo "$out" | grep -q '^pass  rcpt-to .*RCPT TO:<pfsubmit-verify@example.net> after AUTH: 250 ' &&
    ! echo "$out" | grep -q 'secret'; then
	pass "verify: every item holds on 587, authenticated MAIL and RCPT" \
	    "shown (password never printed)"
else
	fail "verify: $out"
fi
if echo "$out" | grep -q "^pass  connect            $LIVE_ADDR port 587\$" &&
    echo "$out" | grep -q '^pass  banner-name        test.example, as myhostname' &&
    echo "$out" | grep -q '^pass  certificate-name   issued for test.example'
then
	pass "verify: found the service on $LIVE_ADDR without --host"
else
	fail "verify went elsewhere: $out"
fi
out=$("$PFSUBMIT" -c "$C" verify submissions --user alice@test.example \
    --cafile "$C/cert.pem" --password-file "$D/pw" 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q '^pass  tls .*TLS first' &&
    echo "$out" | grep -q "^pass  connect            $LIVE_ADDR port 465\$"
then
	pass "verify submissions: TLS first, every item holds on 465"
else
	fail "verify submissions: $out"
fi
out=$("$PFSUBMIT" -c "$C" verify --user alice@test.example \
    --password-file "$D/pw" 2>&1)
if [ $? -eq 1 ] &&
    echo "$out" | grep -q '^fail  auth .*the password was not sent: the certificate is not trusted' &&
    ! grep -q 'auth.*alice@test.example' "$D/dovecot/dovecot.log" 2>/dev/null
then
	pass "verify: no AUTH to a certificate it cannot trust (no --cafile)"
else
	fail "verify sent AUTH to an untrusted certificate: $out"
fi
out=$($VF --password-file "$D/badpw" 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -q '^fail  auth .* refused: 535 ' &&
    echo "$out" | grep -q '^log   .*maillog, this session:' &&
    echo "$out" | grep -q 'authentication failed'; then
	pass "verify: a wrong password fails auth with the 535 reply and" \
	    "the session's log lines"
else
	fail "verify with a wrong password: $out"
fi
out=$("$PFSUBMIT" -j -c "$C" verify all --user alice@test.example \
    --cafile "$C/cert.pem" --password-file "$D/pw" 2>&1)
if [ $? -eq 0 ] && [ "$(echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s:%d:%s" % (s["service"], s["port"], s["ok"])
               for s in d["services"]))')" = \
    "submission:587:True submissions:465:True" ]; then
	pass "verify all: 587 and 465, one block each"
else
	fail "verify all: $out"
fi
out=$($VF --password-file "$D/pw" --send-to bob@remote.example -j 2>&1)
qid=$(echo "$out" | python3 -c 'import json, sys
print(json.load(sys.stdin)["queue_id"] or "")' 2>/dev/null)
sleep 1
if [ -n "$qid" ] && grep -q "$qid: to=<bob@remote.example>\|$qid: from=<alice@test.example>" "$D/maillog"
then
	pass "verify --send-to: queued as $qid, which the log knows"
else
	fail "verify --send-to: $out"
fi
# A sender restriction naming a table that is not there: Postfix
# answers 451, and verify shows that reply and the log lines
printf 'test.example OK\n' > "$C/permit_mydomain"
postmap -c "$C" "hash:$C/permit_mydomain"
snapshot
if "$PFSUBMIT" -q -c "$C" param set \
    "check_sender_mydomain=check_sender_access hash:$C/permit_mydomain" &&
    "$PFSUBMIT" -q -c "$C" set-restriction submission sender \
    'reject_non_fqdn_sender,${check_sender_mydomain},reject'; then
	rm -f "$C/permit_mydomain.db"
	out=$($VF --password-file "$D/pw" 2>&1)
	if [ $? -eq 1 ] &&
	    echo "$out" | grep -q '^fail  rcpt-to .* after AUTH refused: 451 4\.3\.' &&
	    echo "$out" | grep -q '^    .*NOQUEUE: reject: RCPT from .*: 451 4\.3\.'
	then
		pass "verify: the missing sender table fails with the 451" \
		    "reply and its log line"
	else
		fail "verify with a missing table: $out"
	fi
	# smtpd keeps a table it could not open: new processes, then.
	postmap -c "$C" "hash:$C/permit_mydomain"
	postfix -c "$C" reload >/dev/null 2>&1
	sleep 1
	out=$($VF --password-file "$D/pw" 2>&1)
	if [ $? -eq 0 ]; then
		pass "verify: the table back, verify passes again"
	else
		fail "verify with the table back: $out"
	fi
	cp "$SNAP/main.cf" "$C/main.cf"
	cp "$SNAP/master.cf" "$C/master.cf"
	postfix -c "$C" reload >/dev/null 2>&1
else
	fail "the sender table restriction could not be set"
fi
"$PFSUBMIT" -q -c "$C" set submission smtpd_tls_security_level=may &&
    "$PFSUBMIT" -q -c "$C" set submission smtpd_tls_auth_only=no
out=$($VF --password-file "$D/pw" 2>&1)
if [ $? -eq 1 ] && echo "$out" | grep -q '^fail  no-auth-before-tls'; then
	pass "verify: AUTH before TLS is caught, exit 1"
else
	fail "verify did not catch AUTH before TLS: $out"
fi
"$PFSUBMIT" -q -c "$C" set submission smtpd_tls_security_level=encrypt &&
    "$PFSUBMIT" -q -c "$C" set submission smtpd_tls_auth_only=yes

# 8. relayhost: a second Postfix plays the provider, on $LIVE_ADDR port
# 2587 (Postfix binds only addresses the host has), with AUTH required;
# mail for the outside goes through it, and it logs who logged in
P=$D/provider
mkdir -p "$P"
setup_instance "$P" "$TOP/fixtures/master/debian-3.7.cf"
sed -i -e 's/^myhostname = .*/myhostname = provider.example/' \
    -e 's/^mydestination = .*/mydestination = provider.example/' \
    -e 's/^mynetworks = .*/mynetworks = 192.0.2.1\/32/' "$P/etc/main.cf"
PF="$PFSUBMIT -q -c $P/etc --no-check --no-reload"
$PF --force disable smtp/inet &&
    printf '2587      inet  n       -       n       -       -       smtpd\n' \
    >> "$P/etc/master.cf" &&
    $PF set 2587 syslog_name=postfix/provider &&
    $PF set 2587 smtpd_tls_security_level=encrypt &&
    $PF set 2587 smtpd_sasl_auth_enable=yes &&
    $PF set 2587 smtpd_relay_restrictions=permit_sasl_authenticated,reject
if ! postfix -c "$P/etc" start >/dev/null 2>&1 || ! wait_port 2587 up; then
	fail "relayhost: the provider instance did not start"
else
	out=$("$PFSUBMIT" -c "$C" relayhost "$LIVE_ADDR:2587" \
	    --user alice@test.example --password-file "$D/pw" 2>&1)
	st=$?
	mode=$(stat -c %a "$C/sasl_passwd" 2>/dev/null)
	if [ $st -eq 0 ] && [ "$mode" = 600 ] &&
	    [ "$(stat -c %a "$C/sasl_passwd.db")" = 600 ] &&
	    grep -qF "relayhost = [$LIVE_ADDR]:2587" "$C/main.cf" &&
	    ! echo "$out" | grep -q secret &&
	    ! grep -rq secret "$C/pfsubmit-backups"; then
		pass "relayhost: set, table 0600, password in no output" \
		    "or backup"
	else
		fail "relayhost: exit $st, table mode $mode: $out"
	fi
	"$PFSUBMIT" -q -c "$C" param unset defer_transports
	$SW --port 25 --from alice@test.example --to bob@remote.example \
	    >/dev/null 2>&1
	i=0
	while ! grep -q 'sasl_username=alice@test.example' \
	    "$P/maillog" 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
	if grep -q 'provider.*sasl_username=alice@test.example' \
	    "$P/maillog" && grep -q \
	    "relay=$LIVE_ADDR\\[$LIVE_ADDR\\]:2587.*status=sent" "$D/maillog"
	then
		pass "relayhost: mail went through the provider, which" \
		    "logged the login"
	else
		fail "relayhost: not relayed: $(tail -5 "$D/maillog")"
	fi
	"$PFSUBMIT" -q -c "$C" relayhost --remove
	if ! grep -q '^relayhost' "$C/main.cf" &&
	    [ ! -e "$C/sasl_passwd" ] && [ ! -e "$C/sasl_passwd.db" ]; then
		pass "relayhost --remove: parameters and table gone"
	else
		fail "relayhost --remove left something behind"
	fi
	"$PFSUBMIT" -q -c "$C" param set defer_transports=smtp
fi
stop_instance "$P"

# 9. the Postfix 2.x / Mac OS X Server style template, classic profile
stop_instance "$D"
sed -E 's/^(#?[^ #	][^ 	]*[ 	]+(inet|unix|unix-dgram|fifo|pass)[ 	]+[-yn][ 	]+[-yn][ 	]+)y/\1n/' \
    "$TOP/fixtures/master/macosx-2x.cf" > "$C/master.cf"
if ! start_instance "$D"; then
	fail "classic: the instance did not start on the 2.x master.cf"
else
	# The classic profile does not require TLS: enable's proof finds
	# AUTH offered before it, and says so with exit 6.
	out=$("$PFSUBMIT" -c "$C" enable --profile classic 2>&1)
	st=$?
	if [ $st -eq 6 ] &&
	    echo "$out" | grep -q '^fail  no-auth-before-tls' &&
	    wait_port 587 up &&
	    grep -q '^	-o smtpd_etrn_restrictions=reject' "$C/master.cf"
	then
		pass "classic: the 2.x template uncommented in place, loaded"
	else
		fail "classic: exit $st: $out"
	fi
	out=$($SW --port 587 --tls $AUTH --from alice@test.example \
	    --to bob@remote.example 2>&1)
	if [ $? -eq 0 ] && echo "$out" | grep -q '235 '; then
		pass "classic: AUTH works"
	else
		fail "classic: AUTH failed: $(echo "$out" | tail -12)"
	fi
fi

if [ -n "$OTHER_ADDR" ]; then
	if ss -Hltn "src $OTHER_ADDR:587" | grep -q .; then
		pass "another listener held $OTHER_ADDR:587 all along"
	else
		fail "the listener on $OTHER_ADDR:587 went away"
	fi
fi

say "$live_pass passed, $live_fail failed"
if [ $live_fail -ne 0 ]; then
	say "maillog:"
	grep -E "warning|error|fatal" "$D/maillog" | grep -v "group or other" | tail -30
	exit 1
fi
exit 0
