#!/bin/sh
# ansible_test.sh - the pfsubmit Ansible module: its unit tests
# (tests/ansible_module_unit.py) and its runs for real with
# ansible-playbook and ansible-doc (tests/ansible_module_test.py).
# Skipped (with a line) when ansible-core is not installed.  Exits 1
# when a test failed.
#
# The unit tests import ansible's module_utils, so they run under the
# Python that ansible-playbook itself runs under (its #! line), which
# need not be the python3 first in PATH.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v ansible-playbook >/dev/null 2>&1; then
	echo "ansible: skipped: ansible-playbook is not installed" \
	    "(apt-get install ansible-core)"
	exit 0
fi
py=$(sed -n '1s/^#![[:space:]]*//p' "$(command -v ansible-playbook)")
case $py in
*/env\ *)	py=${py#*/env } ;;
esac
if [ -z "$py" ] || ! $py -c 'import ansible.module_utils.basic' 2>/dev/null
then
	echo "ansible: FAIL: cannot find the Python that ansible-core is" \
	    "installed for (ansible-playbook's #! line: \"$py\")"
	exit 1
fi

cd "$top"
export PYTHONDONTWRITEBYTECODE=1
bad=0
echo "ansible: unit tests ($py -m unittest tests/ansible_module_unit.py)"
if out=$($py -m unittest tests/ansible_module_unit.py 2>&1); then
	echo "ansible: ok: unit tests: $(echo "$out" | sed -n 's/^Ran //p')"
else
	echo "$out"
	echo "ansible: FAIL: unit tests"
	bad=1
fi
$py tests/ansible_module_test.py || bad=1
exit $bad
