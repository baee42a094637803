#!/usr/bin/env python3
#
# The pfsubmit Ansible module for real: ansible-playbook with a local
# connection runs contrib/ansible/library/pfsubmit.py, which runs the
# pfsubmit built here (./pfsubmit), on scratch configuration directories
# (Debian 12's master.cf and a small main.cf that passes `postfix check`).
#
#   playbook    contrib/ansible/pfsubmit.yml as the README prints it:
#               --check --diff shows the diff and changes no byte; a run
#               changes three tasks; a second run changes none; the
#               relay password is in no output.
#   diff        a real run's diff, applied with patch -p1 to the original
#               files, gives the files the run left; in check mode the
#               module predicts the same lines.
#   failures    a bad restriction fails with pfsubmit's reason and
#               changes nothing; a `postfix check` failure (root) fails
#               with "put back" and exit 2, the files as they were.
#   doc         ansible-doc -M contrib/ansible/library renders the module.
#   sender      sender_domains, when this pfsubmit has sender-domains.
#
# Postfix is not started: every run has reload=false (--no-reload).
# Prints one line per check and exits 1 when one failed.

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PFSUBMIT = os.path.join(TOP, "pfsubmit")
LIBRARY = os.path.join(TOP, "contrib", "ansible", "library")
PLAYBOOK = os.path.join(TOP, "contrib", "ansible", "pfsubmit.yml")
README = os.path.join(TOP, "README.md")
IS_ROOT = os.geteuid() == 0
PASSWORD = "Rel4y-pw-never-shown"

fails = 0


def ok(msg):
    print("ansible: ok: %s" % msg)


def fail(msg, output=None):
    global fails
    fails += 1
    if output is not None:
        print(output[-4000:])
    print("ansible: FAIL: %s" % msg)


def env():
    e = dict(os.environ)
    e.update(ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0",
             ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
             ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_LIBRARY=LIBRARY,
             PATH=TOP + os.pathsep + e.get("PATH", ""))
    return e


def ansible(argv, cwd=None):
    p = subprocess.run(argv, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env(), cwd=cwd,
                       universal_newlines=True, timeout=600)
    return p.returncode, p.stdout


def recap(out):
    """The counts of the PLAY RECAP line, as a dict."""
    m = re.search(r"^localhost\s+:\s+(.*)$", out, re.M)
    if m is None:
        return {}
    return dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)",
                                                    m.group(1)))


def snapshot(d):
    """Every file under d with the hash of its bytes, and its mode."""
    files = {}
    for root, dirs, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            st = os.lstat(p)
            with open(p, "rb") as f:
                files[os.path.relpath(p, d)] = (
                    hashlib.sha256(f.read()).hexdigest(), st.st_mode)
    return files


def scratch(tmp, name):
    """Debian's master.cf and the small main.cf, with a SASL back end of
    the directory's own (Cyrus's sasl/smtpd.conf, where Debian's smtpd
    reads it), so that pfsubmit's check does not depend on this host's
    Dovecot."""
    d = os.path.join(tmp, name)
    os.mkdir(d)
    shutil.copy(os.path.join(TOP, "fixtures", "master", "debian-3.7.cf"),
                os.path.join(d, "master.cf"))
    with open(os.path.join(TOP, "fixtures", "main", "small.cf")) as f:
        main = [l for l in f if not l.startswith("smtpd_sasl_")]
    with open(os.path.join(d, "main.cf"), "w") as f:
        f.write("".join(main) + "smtpd_sasl_type = cyrus\n")
    os.mkdir(os.path.join(d, "sasl"))
    shutil.copy(os.path.join(TOP, "fixtures", "check", "sasl", "smtpd.conf"),
                os.path.join(d, "sasl"))
    return d


class Task:
    """One pfsubmit task in a playbook of its own; its registered result
    is written to a file, even when it fails."""

    def __init__(self, tmp, name, args):
        self.out = os.path.join(tmp, name + ".result.json")
        self.play = os.path.join(tmp, name + ".yml")
        play = [{"hosts": "localhost", "gather_facts": False, "tasks": [
            {"name": "pfsubmit", "pfsubmit": args, "register": "r",
             "ignore_errors": True},
            {"name": "save the result", "check_mode": False,
             "changed_when": False,
             "ansible.builtin.copy": {"content": "{{ r | to_json }}",
                                      "dest": self.out}}]}]
        with open(self.play, "w") as f:
            json.dump(play, f, indent=1)

    def run(self, *opts):
        if os.path.exists(self.out):
            os.unlink(self.out)
        rc, out = ansible(["ansible-playbook", "-i", "localhost,", "-c",
                           "local"] + list(opts) + [self.play])
        result = None
        if os.path.exists(self.out):
            with open(self.out) as f:
                result = json.load(f)
        return rc, out, result


def readme_block():
    """The YAML block of the README's fleet section."""
    with open(README) as f:
        text = f.read()
    m = re.search(r"^## Provisioning a fleet\n(.*?)^## ", text, re.M | re.S)
    if m is None:
        return None
    b = re.search(r"^```yaml\n(.*?)^```\n", m.group(1), re.M | re.S)
    return b.group(1) if b else None


def test_playbook(tmp):
    d = scratch(tmp, "play")
    hosts = os.path.join(tmp, "hosts")
    with open(hosts, "w") as f:
        f.write("[mailservers]\nlocalhost ansible_connection=local\n")

    block = readme_block()
    with open(PLAYBOOK) as f:
        book = f.read()
    if block is None:
        fail("README.md's fleet section has no ```yaml block")
    elif block not in book:
        fail("the README's playbook is not contrib/ansible/pfsubmit.yml")
    else:
        ok("the README prints contrib/ansible/pfsubmit.yml (%d lines)" %
           block.count("\n"))

    base = ["ansible-playbook", "-i", hosts,
            "-e", "postfix_config_dir=%s" % d, "-e", "postfix_reload=false",
            "-e", "ansible_become=false",
            "-e", "relay_host=smtp.provider.example",
            "-e", "relay_user=me@provider.example",
            "-e", "relay_password=%s" % PASSWORD, PLAYBOOK]
    rc, out = ansible(base[:1] + ["--syntax-check"] + base[1:])
    if rc != 0:
        return fail("ansible-playbook --syntax-check", out)

    before = snapshot(d)
    rc, out = ansible(base + ["--check", "--diff"])
    r = recap(out)
    want = ["+submission inet n       -       y       -       -       smtpd",
            "+submissions     inet  n       -       y       -       -       "
            "smtpd",
            "+  -o smtpd_client_restrictions=permit_sasl_authenticated,"
            "reject",
            "+relayhost = [smtp.provider.example]:587",
            "+smtp_sasl_password_maps = hash:%s/sasl_passwd" % d]
    missing = [w for w in want if w not in out.splitlines()]
    if rc != 0 or r.get("changed") != 3 or missing:
        fail("--check --diff: status %d, changed=%s, missing %s" %
             (rc, r.get("changed"), missing), out)
    else:
        ok("--check --diff: changed=3, and the diff shows what would "
           "change")
    if snapshot(d) != before:
        fail("--check --diff changed the configuration directory")
    else:
        ok("--check --diff left every byte (and mode) alone")
    left = glob.glob(os.path.join(tempfile.gettempdir(),
                                  "pfsubmit-check.*"))
    if left:
        fail("check mode left its copy behind: %s" % left)

    outputs = [out]
    rc, out = ansible(base + ["-v"])
    outputs.append(out)
    r = recap(out)
    if rc != 0 or r.get("changed") != 3:
        fail("first run: status %d, changed=%s, not 3" %
             (rc, r.get("changed")), out)
    else:
        ok("first run: changed=3")
    with open(os.path.join(d, "sasl_passwd")) as f:
        if PASSWORD not in f.read():
            fail("the password did not reach sasl_passwd")
    rc, out = ansible(base + ["-vvv", "--diff"])
    outputs.append(out)
    r = recap(out)
    if rc != 0 or r.get("changed") != 0 or r.get("failed") != 0:
        fail("second run: status %d, changed=%s, not 0" %
             (rc, r.get("changed")), out)
    else:
        ok("second run: ok=%d changed=0" % r.get("ok", 0))
    rc, out = ansible(base + ["--check", "--diff"])
    outputs.append(out)
    r = recap(out)
    if rc != 0 or r.get("changed") != 0 or "\n+++ b/" in out:
        fail("--check --diff after the run: status %d, changed=%s, not 0" %
             (rc, r.get("changed")), out)
    else:
        ok("--check --diff after the run: changed=0, no diff")
    if any(PASSWORD in o for o in outputs):
        fail("the relay password is in ansible-playbook's output")
    else:
        ok("the relay password is in no output (-v, -vvv, --diff)")
    rc, out = ansible([PFSUBMIT, "-c", d, "-q", "check"])
    if rc != 0:
        fail("the result does not pass pfsubmit check", out)


def test_diff(tmp):
    d = scratch(tmp, "diff")
    orig = os.path.join(tmp, "diff.orig")
    shutil.copytree(d, orig)
    args = {"config_dir": d, "reload": False, "submission": "enabled",
            "params": {"smtpd_sasl_security_options": "noanonymous",
                       "mua_sender_restrictions":
                       "reject_non_fqdn_sender, permit_sasl_authenticated,"
                       " reject",
                       "smtpd_sasl_path": None},
            "overrides": {"smtpd_tls_auth_only": True,
                          "syslog_name": "postfix/sub"},
            "restrictions": {"sender": "$mua_sender_restrictions",
                             "relay": ["permit_sasl_authenticated",
                                       "reject"]}}
    t = Task(tmp, "diff", args)
    rc, out, check = t.run("--check", "--diff")
    if check is None or check.get("failed") or not check.get("changed"):
        return fail("check mode: %s" % (check or {}).get("msg"), out)
    rc, out, real = t.run("--diff")
    if real is None or real.get("failed") or not real.get("changed"):
        return fail("real run: %s" % (real or {}).get("msg"), out)
    prepared = real.get("diff", {}).get("prepared", "")
    if "--- a/master.cf" not in prepared or "--- a/main.cf" not in prepared:
        return fail("the real run's diff lacks a file: %r" % prepared[:300])
    if prepared.splitlines()[0] not in out.splitlines():
        fail("--diff does not print the diff", out)
    p = subprocess.run(["patch", "-s", "-p1", "-d", orig],
                       input=prepared, universal_newlines=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        return fail("patch -p1 refuses the real run's diff", p.stdout)
    same = all(open(os.path.join(orig, n), "rb").read() ==
               open(os.path.join(d, n), "rb").read()
               for n in ("main.cf", "master.cf"))
    if same:
        ok("the real run's diff (%d steps) applied to the originals gives "
           "the files it left" % len(real["steps"]))
    else:
        fail("the files differ from the originals patched with the diff")

    def changes(text):
        return sorted(line for line in text.splitlines()
                      if line[:1] in "+-" and line[:3] not in ("+++", "---"))
    if changes(check.get("diff", {}).get("prepared", "")) == \
            changes(prepared):
        ok("check mode predicted the same changed lines")
    else:
        fail("check mode's diff differs from the real run's")
    if len(real.get("backups", [])) < 1 or \
            not all(os.path.isdir(os.path.join(d, "pfsubmit-backups", b))
                    for b in real["backups"]):
        fail("backups are not the ids of backup sets: %s" %
             real.get("backups"))
    else:
        ok("backups: %s" % ", ".join(real["backups"]))
    rc, out, again = t.run("--diff")
    if again is None or again.get("changed") or again.get("failed"):
        fail("a second run is not ok: %s" % (again or {}).get("msg"))
    else:
        ok("a second run: changed=false")


def test_failures(tmp):
    d = scratch(tmp, "fail")
    t = Task(tmp, "enable", {"config_dir": d, "reload": False,
                             "submission": "enabled"})
    rc, out, r = t.run()
    if r is None or not r.get("changed"):
        return fail("enable before the failures", out)

    before = snapshot(d)
    t = Task(tmp, "badrestriction", {
        "config_dir": d, "reload": False,
        "restrictions": {"sender": "permit_everything"}})
    for mode in (["--check"], []):
        rc, out, r = t.run(*mode)
        what = "bad restriction%s" % (" (check mode)" if mode else "")
        msg = (r or {}).get("msg", "")
        if r is None or not r.get("failed") or \
                r.get("failed_step") != "restrictions sender" or \
                "permit_everything" not in msg or "exit 1" not in msg:
            fail("%s: %s" % (what, msg or "no result"), out)
        elif snapshot(d) != before:
            fail("%s: the files changed" % what)
        else:
            ok("%s fails, nothing changed: %s" % (what, msg))

    # The steps before the failing one stay made; those after it do not
    # run.
    t = Task(tmp, "sequence", {
        "config_dir": d, "reload": False,
        "restrictions": {"client": "permit_sasl_authenticated,reject",
                         "sender": "permit_everything",
                         "relay": "permit_sasl_authenticated,reject"}})
    rc, out, r = t.run()
    with open(os.path.join(d, "master.cf")) as f:
        text = f.read()
    if r is None or not r.get("failed") or not r.get("changed") or \
            [s["step"] for s in r.get("steps", [])] != \
            ["restrictions client", "restrictions sender"] or \
            "-o smtpd_client_restrictions=permit_sasl_authenticated," \
            "reject" not in text or \
            "-o smtpd_relay_restrictions=permit_sasl_authenticated," \
            "reject" in text:
        fail("a failure mid-sequence: %s" % (r or {}).get("msg"), out)
    else:
        ok("a failure mid-sequence: the step before stays, changed=true, "
           "the step after does not run")

    if not IS_ROOT:
        print("ansible: skipped: postfix check failure (not root)")
        return
    before = snapshot(d)
    t = Task(tmp, "checkfails", {
        "config_dir": d, "reload": False,
        "params": {"default_process_limit": "abc"}})
    rc, out, r = t.run()
    msg = (r or {}).get("msg", "")
    if r is None or not r.get("failed") or r.get("status") != 2 or \
            "put back" not in msg or r.get("changed"):
        fail("postfix check failure: %s" % (msg or "no result"), out)
    elif snapshot(d) != before:
        fail("postfix check failure: the files were not put back")
    elif "default_process_limit" not in r.get("check_output", ""):
        fail("postfix check failure: no check_output: %r" %
             r.get("check_output"))
    else:
        ok("postfix check failure fails, files put back: %s" % msg)


def test_doc(tmp):
    rc, out = ansible(["ansible-doc", "-M", LIBRARY, "pfsubmit"])
    want = ["> PFSUBMIT", "OPTIONS", "EXAMPLES:", "RETURN VALUES:",
            "- submission", "- restrictions", "- relayhost",
            "- password_file", "- config_dir", "- failed_step"]
    missing = [w for w in want if w not in out]
    if rc != 0 or missing or "WARNING" in out or "ERROR" in out:
        fail("ansible-doc -M contrib/ansible/library pfsubmit: status %d, "
             "missing %s" % (rc, missing), out)
    else:
        ok("ansible-doc renders the module's documentation (%d lines)" %
           out.count("\n"))


def test_sender_domains(tmp):
    p = subprocess.run([PFSUBMIT, "help", "sender-domains"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        print("ansible: skipped: sender_domains (this pfsubmit has no "
              "sender-domains command: pfsubmit help sender-domains exits "
              "%d)" % p.returncode)
        return
    d = scratch(tmp, "sender")
    t = Task(tmp, "sender", {"config_dir": d, "reload": False,
                             "submission": "enabled",
                             "sender_domains": {"domains": ["example.org"]}})
    before = snapshot(d)
    rc, out, r = t.run("--check", "--diff")
    if r is None or r.get("failed") or not r.get("changed") or \
            snapshot(d) != before:
        return fail("sender_domains, check mode: %s" %
                    (r or {}).get("msg"), out)
    rc, out, r = t.run()
    if r is None or r.get("failed") or not r.get("changed"):
        return fail("sender_domains: %s" % (r or {}).get("msg"), out)
    rc, out, r = t.run()
    if r is None or r.get("failed") or r.get("changed"):
        return fail("sender_domains, second run: %s" % (r or {}).get("msg"),
                    out)
    ok("sender_domains: check mode, a change, then none")


def main():
    if not os.access(PFSUBMIT, os.X_OK):
        print("ansible: FAIL: %s is not built (make)" % PFSUBMIT)
        return 1
    tmp = tempfile.mkdtemp(prefix="pfsubmit-ansible.")
    try:
        for t in (test_doc, test_playbook, test_diff, test_failures,
                  test_sender_domains):
            t(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if fails:
        print("ansible: %d failed" % fails)
        return 1
    print("ansible: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
