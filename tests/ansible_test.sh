#!/bin/sh
# Run contrib/ansible/pfsubmit.yml for real, on this host with a local
# connection, against a scratch configuration directory: the first run
# must change three things, the second none.  Skipped (with a line)
# when ansible-playbook is not installed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v ansible-playbook >/dev/null 2>&1; then
	echo "ansible: skipped: ansible-playbook is not installed" \
	    "(apt-get install ansible-core)"
	exit 0
fi
dir=$(mktemp -d /tmp/pfsubmit-ansible.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cp "$top/fixtures/master/debian-3.7.cf" "$dir/master.cf"
cp "$top/fixtures/main/small.cf" "$dir/main.cf"
printf '[mailservers]\nlocalhost ansible_connection=local\n' > "$dir/hosts"

play() {
	ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 \
	    ANSIBLE_INVENTORY_UNPARSED_WARNING=0 \
	    ansible-playbook -i "$dir/hosts" \
	    -e "pfsubmit=$top/pfsubmit" \
	    -e "pfsubmit_options='-c $dir --no-check --no-reload'" \
	    -e "ansible_become=false" \
	    "$top/contrib/ansible/pfsubmit.yml"
}

ansible-playbook --syntax-check -i "$dir/hosts" \
    "$top/contrib/ansible/pfsubmit.yml" >/dev/null
out=$(play 2>&1) || { echo "$out"; echo "ansible: FAIL: first run"; exit 1; }
echo "$out" | grep -q 'changed=3 ' || { echo "$out";
    echo "ansible: FAIL: the first run should change 3 things"; exit 1; }
out=$(play 2>&1) || { echo "$out"; echo "ansible: FAIL: second run"; exit 1; }
echo "$out" | grep -q 'changed=0 ' || { echo "$out";
    echo "ansible: FAIL: the second run should change nothing"; exit 1; }
"$top/pfsubmit" -c "$dir" -q --no-check check >/dev/null ||
    { echo "ansible: FAIL: the result does not pass check"; exit 1; }
echo "ansible: ok: the playbook changed 3 things, then nothing"
