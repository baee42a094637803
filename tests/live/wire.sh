#!/bin/sh
# The one-command story, live: a private Postfix whose main.cf names no
# SASL back end, next to a Dovecot whose auth service has a listener at
# the instance's private/auth.  `pfsubmit enable` alone must find it,
# set it on the service (not in main.cf), reload and prove the result
# with verify; then swaks logs in on 587.  Dovecot stopped: enable is
# refused and writes nothing.  A certificate given with --cert/--key,
# and Debian's snakeoil pair when main.cf names none, give STARTTLS.
set -u
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	say "wire: skipped: needs root"
	exit 0
fi
need postfix postconf dovecot swaks openssl ss
[ -x "$PFSUBMIT" ] || { say "build pfsubmit first (make)"; exit 1; }

D=$(mktemp -d /tmp/pfsubmit-wire.XXXXXX)
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
# No SASL settings in main.cf: enable must find the back end itself.
sed -i -e '/^smtpd_sasl_type/d' -e '/^smtpd_sasl_path/d' "$C/main.cf"
# Dovecot's listener for Postfix where Debian's documentation puts it.
mkdir -p "$D/spool/private"
chown postfix "$D/spool/private"
sed -i -e '/^service auth {/a\
  unix_listener '"$D"'/spool/private/auth {\
    mode = 0660\
    user = postfix\
    group = postfix\
  }' "$D/dovecot/dovecot.conf"
if ! start_instance "$D"; then
	say "FAIL: the private Postfix did not start"
	cat "$D/maillog" "$D/dovecot/dovecot.log" 2>/dev/null | tail -20
	exit 1
fi
i=0
while [ ! -S "$D/spool/private/auth" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
say "wire: private Postfix on $LIVE_ADDR, Dovecot at $D/spool/private/auth"

SW="swaks --server $LIVE_ADDR --timeout 10 --helo client.example"
AUTH="--auth PLAIN --auth-user alice@test.example --auth-password secret"
cp "$C/main.cf" "$D/main.cf.orig"

# 1. enable alone: the back end found and set on the service, verified
out=$("$PFSUBMIT" -c "$C" enable 2>&1)
st=$?
if [ $st -eq 0 ] && echo "$out" | grep -q 'Dovecot answers at private/auth' &&
    grep -q '^  -o smtpd_sasl_type=dovecot$' "$C/master.cf" &&
    grep -q '^  -o smtpd_sasl_path=private/auth$' "$C/master.cf" &&
    cmp -s "$C/main.cf" "$D/main.cf.orig"; then
	pass "enable: Dovecot found, set on the service, main.cf untouched"
else
	fail "enable: exit $st: $out"
fi
if echo "$out" | grep -q '^submission: ok'; then
	pass "enable: ends with a passing verify of the service"
else
	fail "enable: no passing verify: $out"
fi
wait_port 587 up
out=$($SW --port 587 --tls $AUTH --from alice@test.example \
    --to bob@remote.example 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q '235 ' &&
    echo "$out" | grep -q '250 .*queued'; then
	pass "587: STARTTLS and AUTH with the back end enable found"
else
	fail "587: $(echo "$out" | tail -5)"
fi
out=$($SW --port 587 --tls $AUTH --auth-password wrong \
    --to bob@remote.example 2>&1)
if [ $? -ne 0 ] && echo "$out" | grep -q '<[~*]\* 535'; then
	pass "587: a wrong password is refused"
else
	fail "587: a wrong password was not refused"
fi
if $SW --port 25 --quit-after EHLO 2>&1 | grep -q '250[- ]AUTH'; then
	fail "25: port 25 started offering AUTH"
else
	pass "25: port 25 does not offer AUTH"
fi

# 2. a second enable changes nothing, and -j says what it found
cp "$C/master.cf" "$D/master.cf.1"
out=$("$PFSUBMIT" -c "$C" -j --detailed-exitcode enable --no-verify \
    2>"$D/err")
st=$?
if [ $st -eq 0 ] && cmp -s "$C/master.cf" "$D/master.cf.1"; then
	pass "enable twice: nothing changes"
else
	fail "enable twice: exit $st: $out $(cat "$D/err")"
fi
if python3 -c '
import json, sys
w = json.loads(sys.argv[1])["wiring"]
assert w["sasl"].startswith("dovecot at private/auth"), w
assert w["certificate"].endswith("(main.cf)"), w
assert w["set"] == {} and w["dovecot_listener"] is None, w
' "$out"; then
	pass "enable -j: the wiring found is in the document"
else
	fail "enable -j: wiring: $out"
fi

# 3. Dovecot stopped: enable is refused and writes nothing
"$PFSUBMIT" -q -c "$C" disable >/dev/null 2>&1
kill "$(cat "$D/dovecot/run/master.pid")" 2>/dev/null
i=0
while [ -e "$D/dovecot/run/master.pid" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
cp "$C/master.cf" "$D/master.cf.2"
out=$("$PFSUBMIT" -c "$C" enable 2>&1)
st=$?
if [ $st -eq 1 ] && cmp -s "$C/master.cf" "$D/master.cf.2" &&
    echo "$out" | grep -q 'sasl-backend\|Dovecot'; then
	pass "Dovecot stopped: enable refused, nothing written"
else
	fail "Dovecot stopped: exit $st: $out"
fi
dovecot -c "$D/dovecot/dovecot.conf"
i=0
while [ ! -S "$D/spool/private/auth" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

# 4. --cert/--key when main.cf names no certificate
sed -i -e '/^smtpd_tls_cert_file/d' -e '/^smtpd_tls_key_file/d' "$C/main.cf"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test.example \
    -keyout "$C/given-key.pem" -out "$C/given-cert.pem" >/dev/null 2>&1
chmod 600 "$C/given-key.pem"
out=$("$PFSUBMIT" -c "$C" enable --cert "$C/given-cert.pem" \
    --key "$C/given-key.pem" 2>&1)
st=$?
if [ $st -eq 0 ] && grep -q "smtpd_tls_chain_files=$C/given-key.pem,$C/given-cert.pem" \
    "$C/master.cf" && wait_port 587 up &&
    $SW --port 587 --tls $AUTH --to bob@remote.example >/dev/null 2>&1
then
	pass "--cert/--key: set on the service, STARTTLS and AUTH work"
else
	fail "--cert/--key: exit $st: $out"
fi

# 5. Debian's snakeoil pair, with a warning, when nothing else loads
if [ -r /etc/ssl/certs/ssl-cert-snakeoil.pem ] &&
    [ -r /etc/ssl/private/ssl-cert-snakeoil.key ]; then
	"$PFSUBMIT" -q -c "$C" --force unset submission \
	    smtpd_tls_chain_files >/dev/null 2>&1
	"$PFSUBMIT" -q -c "$C" disable >/dev/null 2>&1
	out=$("$PFSUBMIT" -c "$C" enable 2>&1)
	st=$?
	if [ $st -eq 0 ] && echo "$out" | grep -q 'snakeoil' &&
	    grep -q 'smtpd_tls_chain_files=/etc/ssl/private/ssl-cert-snakeoil.key' \
	    "$C/master.cf" && wait_port 587 up &&
	    $SW --port 587 --tls $AUTH --to bob@remote.example >/dev/null 2>&1
	then
		pass "snakeoil: used with a warning, STARTTLS and AUTH work"
	else
		fail "snakeoil: exit $st: $out"
	fi
else
	say "wire: snakeoil part skipped: no /etc/ssl/certs/ssl-cert-snakeoil.pem" \
	    "(apt-get install ssl-cert)"
fi

say "wire: $live_pass passed, $live_fail failed"
if [ $live_fail -ne 0 ]; then
	grep -E "warning|error|fatal" "$D/maillog" | tail -20
	exit 1
fi
exit 0
