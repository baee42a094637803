#!/bin/sh
# deps.sh build|check|demo - make sure what `make demo' or `make check'
# needs is installed on Debian: as root, install what is missing; as
# anyone else, print the exact line to run and fail.
set -eu
what=${1:-check}

missing=
pkg() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $1"
}

for p in build-essential pkg-config libbsd-dev libssl-dev; do pkg "$p"; done
if [ "$what" = check ] || [ "$what" = demo ]; then
	pkg postfix
fi
if [ "$what" = check ]; then
	for p in libcmocka-dev python3 patch iproute2 mandoc clang \
	    libclang-rt-14-dev dovecot-core swaks openssl libsasl2-modules \
	    ansible-core strace ssl-cert acl; do
		pkg "$p"
	done
fi
[ -z "$missing" ] && exit 0

line="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "missing Debian packages:$missing"
	echo "install them as root (with debconf answering postfix's question):"
	echo "  echo 'postfix postfix/main_mailer_type select No configuration'" \
	    "| debconf-set-selections"
	echo "  apt-get update && $line"
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
made_policy=no
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	made_policy=yes
fi
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
if [ "$made_policy" = yes ]; then
	rm -f /usr/sbin/policy-rc.d
fi
