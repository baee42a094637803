# Shared by the live suite: a private Postfix and Dovecot on loopback,
# everything in one temporary directory, stopped by pid at the end.
# shellcheck shell=sh

live_fail=0
live_pass=0
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PFSUBMIT=$TOP/pfsubmit

say() {
	printf 'live: %s\n' "$*"
}

pass() {
	live_pass=$((live_pass + 1))
	say "ok: $*"
}

fail() {
	live_fail=$((live_fail + 1))
	say "FAIL: $*"
}

# need TOOL... - every tool the suite runs, or the install line
need() {
	missing=
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	if [ -n "$missing" ]; then
		say "missing:$missing; apt-get install -y postfix" \
		    "dovecot-core swaks openssl"
		exit 1
	fi
}

# listening ADDR PORT - does anything listen on ADDR:PORT, or on the
# wildcard address of PORT (which would take ADDR's connections too)?
listening() {
	ss -Hltn "( src $1:$2 or src 0.0.0.0:$2 or src [::]:$2 )" |
	    grep -q .
}

# pick_addr - a loopback address of this run's own: 127.0.0.N that no
# interface carries and where nothing listens, added to lo.  Postfix
# binds only addresses an interface has; a machine may run its own
# Postfix (or another test run) on 127.0.0.1's standard ports.
pick_addr() {
	n=$(( ($$ % 150) + 100 ))
	tries=0
	while [ $tries -lt 150 ]; do
		a=127.0.0.$n
		if ! ip -4 addr show dev lo | grep -q "inet $a/" &&
		    ! listening "$a" 25 && ! listening "$a" 587 &&
		    ! listening "$a" 465 &&
		    ip addr add "$a/32" dev lo 2>/dev/null; then
			echo "$a"
			return 0
		fi
		n=$(( n >= 249 ? 100 : n + 1 ))
		tries=$((tries + 1))
	done
	return 1
}

# drop_addr ADDR - remove what pick_addr added
drop_addr() {
	[ -n "$1" ] && ip addr del "$1/32" dev lo 2>/dev/null
	return 0
}

# free_port ADDR PORT - a TCP port nobody listens on at ADDR, from PORT up
free_port() {
	p=$2
	while listening "$1" "$p"; do
		p=$((p + 1))
	done
	echo "$p"
}

# wait_port PORT up|down - wait (up to 10 s) for a listener on
# $LIVE_ADDR:PORT to come or go; the address and port together, never
# the port alone
wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		if ss -Hltn "src $LIVE_ADDR:$1" | grep -q .; then
			[ "$2" = up ] && return 0
		else
			[ "$2" = down ] && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# setup_instance DIR MASTER_CF - a Postfix configuration in DIR/etc with
# its own queue, data and log in DIR, listening on $LIVE_ADDR only, a
# certificate, and Dovecot SASL on $LIVE_ADDR:AUTHPORT (Dovecot's files
# in DIR/dovecot, away from Postfix's)
setup_instance() {
	d=$1
	c=$d/etc
	mkdir -p "$c" "$d/spool" "$d/data" "$d/dovecot/run" "$d/dovecot/state"
	chown postfix "$d/data"
	chmod 755 "$d" "$c"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -subj /CN=test.example -keyout "$c/key.pem" \
	    -out "$c/cert.pem" >/dev/null 2>&1
	chmod 600 "$c/key.pem"
	cat > "$c/main.cf" <<EOM
compatibility_level = 3.6
queue_directory = $d/spool
data_directory = $d/data
inet_interfaces = $LIVE_ADDR
inet_protocols = ipv4
myhostname = test.example
mydestination = test.example, localhost
mynetworks = 127.0.0.0/8
maillog_file = $d/maillog
maillog_file_prefixes = $d
alias_maps =
alias_database =
smtpd_tls_cert_file = $c/cert.pem
smtpd_tls_key_file = $c/key.pem
smtpd_tls_security_level = may
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:$LIVE_ADDR:$AUTHPORT
defer_transports = smtp
EOM
	# Chroot would need copies of files inside the queue: run unchrooted.
	sed -E 's/^(#?[^ #	][^ 	]*[ 	]+(inet|unix|unix-dgram|fifo|pass)[ 	]+[-yn][ 	]+[-yn][ 	]+)y/\1n/' \
	    "$2" > "$c/master.cf"
	echo 'alice@test.example:{PLAIN}secret' > "$d/dovecot/passwd"
	chmod 644 "$d/dovecot/passwd"
	cat > "$d/dovecot/dovecot.conf" <<EOM
base_dir = $d/dovecot/run
state_dir = $d/dovecot/state
log_path = $d/dovecot/dovecot.log
ssl = no
protocols =
listen = $LIVE_ADDR
auth_mechanisms = plain login
disable_plaintext_auth = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/dovecot/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service auth {
  inet_listener {
    address = $LIVE_ADDR
    port = $AUTHPORT
  }
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
EOM
}

start_instance() {
	dovecot -c "$1/dovecot/dovecot.conf" || return 1
	wait_port "$AUTHPORT" up || return 1
	postfix -c "$1/etc" start >/dev/null 2>&1 || return 1
	wait_port 25 up
}

# stop_instance DIR - stop this instance's Postfix and Dovecot, by pid
stop_instance() {
	[ -d "$1" ] || return 0
	if [ -f "$1/spool/pid/master.pid" ]; then
		pid=$(tr -d ' ' < "$1/spool/pid/master.pid")
		postfix -c "$1/etc" stop >/dev/null 2>&1 ||
		    kill "$pid" 2>/dev/null
	fi
	if [ -f "$1/dovecot/run/master.pid" ]; then
		kill "$(cat "$1/dovecot/run/master.pid")" 2>/dev/null
	fi
	i=0
	while [ $i -lt 50 ] && { ss -Hltn "src $LIVE_ADDR:25" | grep -q . ||
	    ss -Hltn "src $LIVE_ADDR:$AUTHPORT" | grep -q .; }; do
		sleep 0.1
		i=$((i + 1))
	done
}
