#!/bin/sh
# The live tests of check's system rules (sasl-backend, map, tls-files)
# on a private Postfix and Dovecot, on a loopback address of this run's
# own: what check says while Dovecot answers and after it stops, that an
# edit turning AUTH on without a backend is refused, a table named and
# then removed, and Debian's stock main.cf taken, as a new administrator
# would, from enable to a passing swaks submission.  Root only; the
# instance is stopped by pid at the end, pass or fail.
set -u
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	say "skipped: check's live tests need root (a private Postfix on" \
	    "a loopback address of its own)"
	exit 0
fi
need postfix postconf postmap dovecot swaks openssl ss
[ -x "$PFSUBMIT" ] || { say "build pfsubmit first (make)"; exit 1; }

D=$(mktemp -d /tmp/pfsubmit-check.XXXXXX)
C=$D/etc
if ! LIVE_ADDR=$(pick_addr); then
	say "FAIL: no free loopback address 127.0.0.100-249 to add"
	rm -rf "$D"
	exit 1
fi
AUTHPORT=$(free_port "$LIVE_ADDR" 12340)
export AUTHPORT LIVE_ADDR
cleanup() {
	stop_instance "$D"
	drop_addr "$LIVE_ADDR"
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

setup_instance "$D" "$TOP/fixtures/master/debian-3.7.cf"
# A certificate that is not about to expire: tls-files warns otherwise.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=test.example \
    -keyout "$C/key.pem" -out "$C/cert.pem" >/dev/null 2>&1
chmod 600 "$C/key.pem"
if ! start_instance "$D"; then
	say "FAIL: the private Postfix did not start"
	cat "$D/maillog" "$D/dovecot/dovecot.log" 2>/dev/null | tail -20
	exit 1
fi
say "private Postfix on $LIVE_ADDR, config $C, Dovecot auth on $AUTHPORT"
SW="swaks --server $LIVE_ADDR --timeout 10 --helo client.example"
AUTH="--auth PLAIN --auth-user alice@test.example --auth-password secret"

same() {
	cmp -s "$C/main.cf" "$1/main.cf" && cmp -s "$C/master.cf" "$1/master.cf"
}

keep() {
	mkdir -p "$1"
	cp "$C/main.cf" "$C/master.cf" "$1/"
}

dovecot_stop() {
	kill "$(cat "$D/dovecot/run/master.pid")" 2>/dev/null
	wait_port "$AUTHPORT" down
}

dovecot_start() {
	dovecot -c "$D/dovecot/dovecot.conf" && wait_port "$AUTHPORT" up
}

# 1. Dovecot answers: enable passes, and check names what it offers.
out=$("$PFSUBMIT" -c "$C" enable 2>&1)
st=$?
[ $st -eq 0 ] && pass "enable with Dovecot answering: exit 0" ||
    fail "enable with Dovecot answering: exit $st: $out"
out=$("$PFSUBMIT" -c "$C" check 2>&1)
st=$?
if [ $st -eq 0 ] && ! echo "$out" | grep -q 'error:.*\[sasl-backend\]\|sasl-backend.*error' &&
    echo "$out" | grep -q "answers and offers PLAIN LOGIN"; then
	pass "check: Dovecot answers, no sasl-backend finding, mechanisms named"
else
	fail "check with Dovecot answering: exit $st: $out"
fi
j=$("$PFSUBMIT" -c "$C" -j check 2>&1)
if echo "$j" | grep -q '"rule":"sasl-backend"' &&
    ! echo "$j" | grep -q '"severity":"error","rule":"sasl-backend"'; then
	pass "check -j: sasl-backend only as a note"
else
	fail "check -j with Dovecot answering: $j"
fi

# 2. Dovecot stopped: an error, and an edit that turns AUTH on is refused.
dovecot_stop
out=$("$PFSUBMIT" -c "$C" check 2>&1)
st=$?
if [ $st -eq 1 ] && echo "$out" | grep -q "error: Dovecot's auth service at inet:$LIVE_ADDR:$AUTHPORT does not answer: cannot connect"; then
	pass "check: Dovecot stopped is a sasl-backend error"
else
	fail "check with Dovecot stopped: exit $st: $out"
fi
"$PFSUBMIT" -c "$C" -q disable >/dev/null 2>&1 ||
    fail "disable with Dovecot stopped"
keep "$D/before-enable"
out=$("$PFSUBMIT" -c "$C" enable 2>&1)
st=$?
if [ $st -eq 1 ] && same "$D/before-enable" &&
    echo "$out" | grep -q "nothing written: the result would have this error: Dovecot's auth service at inet:$LIVE_ADDR:$AUTHPORT does not answer"; then
	pass "enable with Dovecot stopped: refused, the reason named, nothing written"
else
	fail "enable with Dovecot stopped: exit $st: $out"
fi
dovecot_start || fail "Dovecot did not start again"
out=$("$PFSUBMIT" -c "$C" enable 2>&1)
st=$?
[ $st -eq 0 ] && pass "enable once Dovecot answers again: exit 0" ||
    fail "enable after restarting Dovecot: exit $st: $out"
wait_port 587 up || fail "587 does not listen"

# 3. A table: refused while it does not exist, fine when built, an error
# when removed.
T=$C/permit_mydomain
keep "$D/before-map"
out=$("$PFSUBMIT" -c "$C" set-restriction submission sender \
    "check_sender_access hash:$T, permit_sasl_authenticated, reject" 2>&1)
st=$?
if [ $st -eq 1 ] && same "$D/before-map" &&
    echo "$out" | grep -q "run postmap hash:$T"; then
	pass "set-restriction naming a table not built: refused, postmap named"
else
	fail "set-restriction with a missing table: exit $st: $out"
fi
echo "test.example OK" > "$T"
postmap -c "$C" "hash:$T"
out=$("$PFSUBMIT" -c "$C" set-restriction submission sender \
    "check_sender_access hash:$T, permit_sasl_authenticated, reject" 2>&1)
st=$?
[ $st -eq 0 ] && pass "set-restriction once postmap made the table" ||
    fail "set-restriction with the table built: exit $st: $out"
out=$($SW --port 587 --tls $AUTH --from alice@test.example \
    --to bob@remote.example 2>&1)
echo "$out" | grep -q '250 .*queued' &&
    pass "587: a submission through the table is queued" ||
    fail "587 with the table: $out"
rm -f "$T" "$T.db"
out=$("$PFSUBMIT" -c "$C" check 2>&1)
st=$?
if [ $st -eq 1 ] && echo "$out" | grep -q "error: smtpd_sender_restrictions: hash:$T: neither $T nor $T.db exists"; then
	pass "check: a table referred to and then removed is a map error"
else
	fail "check after removing the table: exit $st: $out"
fi
out=$($SW --port 587 --tls $AUTH --from alice@test.example \
    --to bob@remote.example 2>&1)
echo "$out" | grep -q '451 4.3.5' &&
    pass "587: and smtpd says 451 4.3.5, as check said" ||
    fail "587 without the table: $out"

# 4. Debian's stock main.cf, as a new administrator meets it: only what
# makes it run here privately is changed (address, directories, name).
sed -e "s|^myhostname = .*|myhostname = test.example|" \
    -e "s|^inet_interfaces = .*|inet_interfaces = $LIVE_ADDR|" \
    -e "s|^inet_protocols = .*|inet_protocols = ipv4|" \
    -e "s|^alias_maps = .*|alias_maps =|" \
    -e "s|^alias_database = .*|alias_database =|" \
    "$TOP/fixtures/main/debian.cf" > "$C/main.cf"
cat >> "$C/main.cf" <<EOM
queue_directory = $D/spool
data_directory = $D/data
maillog_file = $D/maillog
maillog_file_prefixes = $D
defer_transports = smtp
EOM
# Debian's master.cf as it came (submission commented out).
sed -E 's/^(#?[^ #	][^ 	]*[ 	]+(inet|unix|unix-dgram|fifo|pass)[ 	]+[-yn][ 	]+[-yn][ 	]+)y/\1n/' \
    "$TOP/fixtures/master/debian-3.7.cf" > "$C/master.cf"
postfix -c "$C" reload >/dev/null 2>&1
keep "$D/before-stock"
out=$("$PFSUBMIT" -c "$C" enable 2>&1)
st=$?
if [ $st -eq 1 ] && same "$D/before-stock" &&
    echo "$out" | grep -q "smtpd_sasl_type is cyrus, and no smtpd.conf is in"; then
	pass "stock Debian: enable refused, no SASL backend named"
else
	fail "stock Debian enable: exit $st: $out"
fi
"$PFSUBMIT" -c "$C" -q param set smtpd_sasl_type=dovecot >/dev/null 2>&1 &&
    "$PFSUBMIT" -c "$C" -q param set \
    "smtpd_sasl_path=inet:$LIVE_ADDR:$AUTHPORT" >/dev/null 2>&1 ||
    fail "param set smtpd_sasl_type and smtpd_sasl_path"
out=$("$PFSUBMIT" -c "$C" enable 2>&1)
st=$?
[ $st -eq 0 ] && pass "stock Debian with Dovecot: enable exit 0" ||
    fail "stock Debian with Dovecot: enable exit $st: $out"
# What is still missing: the snake-oil certificate (absent, or not for
# test.example), and nothing else.
out=$("$PFSUBMIT" -c "$C" -j check 2>&1)
others=$(echo "$out" | tr '{' '\n' | grep '"severity":"\(error\|warning\)"' |
    grep -v '"rule":"tls-files"')
if echo "$out" | grep -q '"rule":"tls-files"' && [ -z "$others" ]; then
	pass "stock Debian after enable: check lists the certificate only"
else
	fail "stock Debian after enable: $out"
fi
# Certificate and key change together: the first of the two edits would
# leave a pair that does not match, which check refuses.
"$PFSUBMIT" -c "$C" -q param set "smtpd_tls_cert_file=$C/cert.pem" \
    >/dev/null 2>&1 && fail "a certificate without its key: not refused"
"$PFSUBMIT" -c "$C" -q --no-check --no-reload param set \
    "smtpd_tls_cert_file=$C/cert.pem" >/dev/null 2>&1 &&
    "$PFSUBMIT" -c "$C" -q param set \
    "smtpd_tls_key_file=$C/key.pem" >/dev/null 2>&1 ||
    fail "param set the certificate and key"
out=$("$PFSUBMIT" -c "$C" check 2>&1)
st=$?
if [ $st -eq 0 ] && echo "$out" | grep -q "^0 errors, 0 warnings"; then
	pass "stock Debian, each thing fixed: check is clean"
else
	fail "stock Debian fixed: check exit $st: $out"
fi
wait_port 587 up || fail "587 does not listen"
out=$($SW --port 587 --tls $AUTH --from alice@test.example \
    --to bob@remote.example 2>&1)
echo "$out" | grep -q '250 .*queued' &&
    pass "stock Debian: swaks submission on 587 queued" ||
    fail "stock Debian submission: $out"

say "$live_pass passed, $live_fail failed"
[ $live_fail -eq 0 ]
