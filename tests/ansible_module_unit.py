#!/usr/bin/env python3
#
# Unit tests of the pfsubmit Ansible module (contrib/ansible/library/
# pfsubmit.py), with ansible-core's module_utils and a stand-in for the
# pfsubmit binary:
#
#   Plan        the parameters as pfsubmit commands: order, arguments,
#               values (booleans, lists, null), names refused, the
#               relay password on standard input only.
#   Arguments   AnsibleModule's checks of the parameters: nothing asked
#               for, bad choices, exclusive and required suboptions.
#   Status      every exit status 0-5 (and others) of a step, as changed,
#               failed and the message; the reason from the JSON errors,
#               from postfix check or reload, or from standard error.
#   Run         the sequence stops at the first failure; check mode runs
#               with -n on a copy; diff mode; secrets scrubbed; values
#               passed as they are ($name and ~ not expanded).
#
# The stand-in (written by each test) prints the JSON documents a test
# gives it, in turn, and records its argv and standard input.
#
#       python3 -m unittest [-v] tests/ansible_module_unit.py
#
# needs the Python that ansible-core is installed for (tests/ansible_test.sh
# picks it).

import importlib.util
import io
import json
import os
import shutil
import sys
import tempfile
import unittest
from unittest import mock

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = os.path.join(TOP, "contrib", "ansible", "library", "pfsubmit.py")

sys.dont_write_bytecode = True
from ansible.module_utils import basic  # noqa: E402
from ansible.module_utils.common.text.converters import to_bytes  # noqa: E402

spec = importlib.util.spec_from_file_location("pfsubmit_module", MODULE)
pf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pf)

FAKE = r'''#!%(python)s
# A stand-in for pfsubmit: records argv and stdin, prints the next reply.
import json, os, sys
d = %(dir)r
data = sys.stdin.buffer.read() if "-" in sys.argv else b""
with open(os.path.join(d, "calls"), "a") as f:
    f.write(json.dumps({"argv": sys.argv[1:],
                        "stdin": data.decode("utf-8", "replace")}) + "\n")
if sys.argv[-1] == "check":
    with open(os.path.join(d, "findings")) as f:
        sys.stdout.write(f.read())
    sys.exit(0)
with open(os.path.join(d, "replies")) as f:
    replies = json.load(f)
n = 0
if os.path.exists(os.path.join(d, "n")):
    with open(os.path.join(d, "n")) as f:
        n = int(f.read())
with open(os.path.join(d, "n"), "w") as f:
    f.write(str(n + 1))
r = replies[min(n, len(replies) - 1)]
if r.get("echo_stdin"):
    r["doc"]["notes"] = ["got " + data.decode()]
    r["stderr"] = "pfsubmit: got " + data.decode()
# @CFG@ stands for the directory given with -c.
cfg = sys.argv[sys.argv.index("-c") + 1] if "-c" in sys.argv else ""
if r.get("doc") is not None:
    sys.stdout.write(json.dumps(r["doc"]).replace("@CFG@", cfg))
sys.stderr.write(r.get("stderr", ""))
sys.exit(r["status"])
'''


def doc(status, changed=False, diff="", backup=None, notes=(), errors=(),
        **extra):
    d = {"changed": changed, "files": [], "status": status,
         "backup": backup, "checked": status in (0, 3, 5) and changed,
         "reloaded": False, "dry_run": False, "diff": diff,
         "notes": list(notes),
         "errors": [{"file": None, "line": None, "message": m}
                    for m in errors]}
    d.update(extra)
    return d


class Exit(Exception):
    def __init__(self, failed, result):
        Exception.__init__(self, result.get("msg"))
        self.failed = failed
        self.result = result


def exit_json(self, **kw):
    raise Exit(False, kw)


def fail_json(self, msg, **kw):
    kw["msg"] = msg
    raise Exit(True, kw)


class ModuleCase(unittest.TestCase):
    """Runs the module's main() on arguments, with the stand-in."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pfsubmit-ansible-unit.")
        self.cfg = os.path.join(self.dir, "cfg")
        os.mkdir(self.cfg)
        for name in ("main.cf", "master.cf"):
            with open(os.path.join(self.cfg, name), "w") as f:
                f.write("# %s\n" % name)
        self.fake = os.path.join(self.dir, "pfsubmit")
        with open(self.fake, "w") as f:
            f.write(FAKE % {"python": sys.executable, "dir": self.dir})
        os.chmod(self.fake, 0o755)
        self.findings([])
        self.patches = [mock.patch.object(basic.AnsibleModule, "exit_json",
                                          exit_json),
                        mock.patch.object(basic.AnsibleModule, "fail_json",
                                          fail_json)]
        for p in self.patches:
            p.start()

    def tearDown(self):
        for p in self.patches:
            p.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def replies(self, *rs):
        with open(os.path.join(self.dir, "replies"), "w") as f:
            json.dump(list(rs), f)

    def findings(self, found):
        with open(os.path.join(self.dir, "findings"), "w") as f:
            json.dump({"config_directory": self.cfg, "findings": found,
                       "errors": 0, "warnings": len(found)}, f)

    def calls(self):
        path = os.path.join(self.dir, "calls")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f]

    def edits(self):
        return [c for c in self.calls() if c["argv"][-1] != "check"]

    def run_module(self, args, check_mode=False, diff=False, fake=True):
        a = dict(args)
        if fake:
            a.setdefault("executable", self.fake)
            a.setdefault("config_dir", self.cfg)
        a["_ansible_check_mode"] = check_mode
        a["_ansible_diff"] = diff
        a["_ansible_tmpdir"] = self.dir
        a["_ansible_remote_tmp"] = self.dir
        a["_ansible_keep_remote_files"] = False
        payload = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": a}))
        with mock.patch.object(basic, "_ANSIBLE_ARGS", payload), \
                mock.patch("sys.stdout", new_callable=io.StringIO):
            try:
                pf.main()
            except Exit as e:
                return e
        self.fail("the module neither exited nor failed")


class Plan(unittest.TestCase):
    """Parameters to pfsubmit commands, without running anything."""

    def params(self, **kw):
        p = dict((k, None) for k in pf.ARGUMENT_SPEC)
        p.update(service="submission", check=True, reload=True)
        p.update(kw)
        return p

    def test_order_is_fixed(self):
        steps = pf.plan(self.params(
            relayhost=dict(state="absent"),
            restrictions={"client": "permit_sasl_authenticated,reject"},
            overrides={"syslog_name": "postfix/sub"},
            params={"b": "2", "a": "1"},
            submission="enabled",
            sender_domains=dict(domains=["example.org"], service=None,
                                all=False, table=None, login_maps=False,
                                state="present")))
        self.assertEqual([s.label for s in steps],
                         ["submission", "params b", "params a",
                          "overrides syslog_name", "restrictions client",
                          "sender_domains", "relayhost"])

    def test_submission(self):
        s, = pf.plan(self.params(submission="enabled"))
        self.assertEqual(s.args, ["enable", "--", "submission"])
        s, = pf.plan(self.params(submission="enabled", port=465,
                                 listen="127.0.0.1", profile="classic"))
        self.assertEqual(s.args, ["enable", "--listen", "127.0.0.1",
                                  "--profile", "classic", "--",
                                  "submissions"])
        s, = pf.plan(self.params(submission="disabled", port=587))
        self.assertEqual(s.args, ["disable", "--", "submission"])
        s, = pf.plan(self.params(submission="disabled", port=465))
        self.assertEqual(s.args, ["disable", "--", "submissions"])

    def test_submission_options_need_enabled(self):
        for kw in (dict(listen="127.0.0.1"), dict(profile="modern")):
            with self.assertRaisesRegex(pf.PlanError,
                                        "only to submission=enabled"):
                pf.plan(self.params(submission="disabled", **kw))
            with self.assertRaisesRegex(pf.PlanError, "needs submission"):
                pf.plan(self.params(params={"a": "b"}, **kw))

    def test_params_values(self):
        steps = pf.plan(self.params(params={
            "a": "x y", "b": True, "c": False, "d": 10,
            "e": ["one", "two"], "f": None, "g": "", "h": "-x"}))
        self.assertEqual([s.args for s in steps], [
            ["param", "set", "--", "a=x y"],
            ["param", "set", "--", "b=yes"],
            ["param", "set", "--", "c=no"],
            ["param", "set", "--", "d=10"],
            ["param", "set", "--", "e=one, two"],
            ["param", "unset", "--", "f"],
            ["param", "set", "--", "g="],
            ["param", "set", "--", "h=-x"]])

    def test_overrides_and_restrictions_on_service(self):
        steps = pf.plan(self.params(
            service="submissions/inet",
            overrides={"smtpd_tls_auth_only": True,
                       "milter_macro_daemon_name": None,
                       "x": ["a", "b"]},
            restrictions={"sender": ["reject_non_fqdn_sender", "permit"],
                          "relay": None,
                          "recipient": "permit_sasl_authenticated, reject"}))
        self.assertEqual([s.args for s in steps], [
            ["set", "--", "submissions/inet", "smtpd_tls_auth_only=yes"],
            ["unset", "--", "submissions/inet", "milter_macro_daemon_name"],
            ["set", "--", "submissions/inet", "x=a,b"],
            ["set-restriction", "--", "submissions/inet", "sender",
             "reject_non_fqdn_sender,permit"],
            ["unset", "--", "submissions/inet", "smtpd_relay_restrictions"],
            ["set-restriction", "--", "submissions/inet", "recipient",
             "permit_sasl_authenticated, reject"]])

    def test_bad_names_refused(self):
        for kind in ("params", "overrides"):
            for name in ("a=b", "a b", "", "a\nb", "a\tb"):
                with self.assertRaisesRegex(pf.PlanError, kind):
                    pf.plan(self.params(**{kind: {name: "v"}}))
        with self.assertRaisesRegex(pf.PlanError, "unknown class 'bogus'"):
            pf.plan(self.params(restrictions={"bogus": "reject"}))
        with self.assertRaisesRegex(pf.PlanError, "a name is text"):
            pf.plan(self.params(params={1: "v"}))
        with self.assertRaisesRegex(pf.PlanError, "a value must be"):
            pf.plan(self.params(params={"a": {"b": "c"}}))

    def test_sender_domains(self):
        base = dict(domains=[], service=None, all=False, table=None,
                    login_maps=False, state="present")
        s, = pf.plan(self.params(sender_domains=dict(
            base, domains=["example.org", "example.net"])))
        self.assertEqual(s.args, ["sender-domains", "--", "example.org",
                                  "example.net"])
        s, = pf.plan(self.params(sender_domains=dict(
            base, all=True, table="/etc/postfix/senders", login_maps=True,
            state="absent", domains=["example.org"])))
        self.assertEqual(s.args, ["sender-domains", "--all", "--table",
                                  "/etc/postfix/senders", "--login-maps",
                                  "--remove", "--", "example.org"])
        s, = pf.plan(self.params(sender_domains=dict(base,
                                                     service="submissions")))
        self.assertEqual(s.args, ["sender-domains", "--service",
                                  "submissions", "--"])

    def test_relayhost_password_on_stdin(self):
        s, = pf.plan(self.params(relayhost=dict(
            host="smtp.example.net:2525", user="me", password="pw 1",
            password_file=None, state="present")))
        self.assertEqual(s.args, ["relayhost", "--user", "me",
                                  "--password-file", "-", "--",
                                  "smtp.example.net:2525"])
        self.assertEqual(s.stdin, b"pw 1\n")
        self.assertEqual(s.secret, "pw 1")
        self.assertNotIn("pw 1", " ".join(s.args))

    def test_relayhost_password_line_break_refused(self):
        for pw in ("a\nb", "ab\n", "a\rb"):
            with self.assertRaisesRegex(pf.PlanError, "line break") as cm:
                pf.plan(self.params(relayhost=dict(
                    host="h", user="u", password=pw, password_file=None,
                    state="present")))
            self.assertNotIn(pw, str(cm.exception))

    def test_check_mode_advances(self):
        sd = dict(domains=[], service=None, all=False, table=None,
                  login_maps=False, state="present")
        steps = pf.plan(self.params(
            submission="enabled", params={"a": "1"}, sender_domains=sd,
            relayhost=dict(state="absent")))
        self.assertEqual([pf.advances(steps, i) for i in range(len(steps))],
                         [True, True, False, False])

    def test_relayhost_password_file(self):
        d = tempfile.mkdtemp()
        try:
            path = os.path.join(d, "pw")
            with open(path, "wb") as f:
                f.write(b"filepw\r\nsecond line\n")
            s, = pf.plan(self.params(relayhost=dict(
                host="h", user="u", password=None, password_file=path,
                state="present")))
            self.assertEqual(s.stdin, b"filepw\r\nsecond line\n")
            self.assertEqual(s.secret, "filepw")
            self.assertNotIn(path, s.args)
            with self.assertRaisesRegex(pf.PlanError,
                                        "cannot read password_file"):
                pf.plan(self.params(relayhost=dict(
                    host="h", user="u", password=None,
                    password_file=os.path.join(d, "none"),
                    state="present")))
        finally:
            shutil.rmtree(d)

    def test_relayhost_remove(self):
        s, = pf.plan(self.params(relayhost=dict(
            host=None, user=None, password=None, password_file=None,
            state="absent")))
        self.assertEqual(s.args, ["relayhost", "--remove"])
        self.assertIsNone(s.stdin)

    def test_common_args(self):
        p = self.params(lock_wait=30)
        self.assertEqual(pf.common_args("/x/pfsubmit", p, "/etc/pf", True,
                                        False, False),
                         ["/x/pfsubmit", "-j", "--detailed-exitcode", "-c",
                          "/etc/pf", "-n", "--no-check", "--no-reload",
                          "--lock-wait", "30"])
        self.assertEqual(pf.common_args("pfsubmit", self.params(), None,
                                        False),
                         ["pfsubmit", "-j", "--detailed-exitcode"])

    def test_copy_config(self):
        d = tempfile.mkdtemp()
        try:
            with open(os.path.join(d, "main.cf"), "w") as f:
                f.write("a = hash:%s/sasl_passwd\nb = %s-other/x\n" %
                        (d, d))
            os.chmod(os.path.join(d, "main.cf"), 0o640)
            with open(os.path.join(d, "master.cf"), "w") as f:
                f.write("smtp inet n - y - - smtpd\n")
            with open(os.path.join(d, "sasl_passwd"), "w") as f:
                f.write("[h]:587 u:p\n")
            os.mkdir(os.path.join(d, "pfsubmit-backups"))
            copy = pf.copy_config(d + "/")
            try:
                self.assertEqual(sorted(os.listdir(copy)),
                                 ["main.cf", "master.cf", "sasl_passwd"])
                with open(os.path.join(copy, "main.cf")) as f:
                    self.assertEqual(f.read(),
                                     "a = hash:%s/sasl_passwd\n"
                                     "b = %s-other/x\n" % (copy, copy))
                self.assertEqual(os.stat(os.path.join(copy, "main.cf"))
                                 .st_mode & 0o777, 0o640)
                self.assertEqual(os.stat(copy).st_mode & 0o777, 0o700)
            finally:
                shutil.rmtree(copy)
            with open(os.path.join(d, "main.cf")) as f:
                self.assertIn(d + "/sasl_passwd", f.read())
        finally:
            shutil.rmtree(d)

    def test_scrub(self):
        r = pf.scrub({"a": ["x secret y", {"b": "secret"}], "n": 3},
                     ["secret"])
        self.assertEqual(r, {"a": ["x ******** y", {"b": "********"}],
                             "n": 3})


class Status(unittest.TestCase):
    """Exit status to (failed, changed, message)."""

    def test_every_status(self):
        e = doc(1, errors=["bad value"])
        self.assertEqual(pf.interpret("s", 0, doc(0), ""),
                         (False, False, None))
        self.assertEqual(pf.interpret("s", 5, doc(5, True), ""),
                         (False, True, None))
        self.assertEqual(pf.interpret("s", 1, e, "pfsubmit: x"),
                         (True, False,
                          "s: nothing changed (exit 1): bad value"))
        self.assertEqual(
            pf.interpret("s", 2, doc(2, check_output="postfix: warn\n"
                                     "postfix: fatal: bad\n",
                                     errors=["postfix check failed"]), ""),
            (True, False, "s: postfix check failed; files put back "
             "(exit 2): postfix: fatal: bad"))
        self.assertEqual(
            pf.interpret("s", 3, doc(3, True, reload_output="fatal: no\n"),
                         ""),
            (True, True, "s: installed, not reloaded (exit 3): fatal: no"))
        self.assertEqual(
            pf.interpret("s", 4, None, "pfsubmit: error: restore failed; "
                         "backup set 1\n"),
            (True, True, "s: restoring the originals failed; the files may "
             "be inconsistent (exit 4): pfsubmit: error: restore failed; "
             "backup set 1"))
        self.assertEqual(
            pf.interpret("s", 6, doc(6, True), "pass  connect x\n"
                         "fail  auth-offered AUTH is not offered\n"
                         "submission: FAILED\n"),
            (True, True, "s: installed and reloaded, but verify found the "
             "service not working (exit 6): fail auth-offered AUTH is not "
             "offered"))
        self.assertEqual(pf.interpret("s", 127, None, ""),
                         (True, False, "s: pfsubmit exited 127: no reason "
                          "given"))
        self.assertEqual(pf.interpret("s", -9, None, ""),
                         (True, False, "s: pfsubmit was killed by signal 9: "
                          "no reason given"))

    def test_reason_falls_back(self):
        # No document: standard error's last line, on one line.
        self.assertEqual(pf.reason(1, None, "note\npfsubmit: unknown "
                                   "restriction class \"x\"\n\n"),
                         "pfsubmit: unknown restriction class \"x\"")
        # 2 without check output: the errors.
        self.assertEqual(pf.reason(2, doc(2, errors=["a", "b\nc"]), ""),
                         "a; b c")
        self.assertEqual(pf.reason(1, doc(1), ""), "no reason given")


class Arguments(ModuleCase):
    """AnsibleModule's checks, before pfsubmit runs."""

    def expect_fail(self, args, text):
        e = self.run_module(args)
        self.assertTrue(e.failed, e.result)
        self.assertIn(text, e.result["msg"])
        self.assertEqual(self.calls(), [])

    def test_nothing_asked(self):
        self.expect_fail({}, "one of the following is required")

    def test_bad_choices(self):
        self.expect_fail({"submission": "on"}, "submission")
        self.expect_fail({"submission": "enabled", "port": 25}, "port")
        self.expect_fail({"submission": "enabled", "profile": "x"},
                         "profile")

    def test_port_needs_submission(self):
        self.expect_fail({"port": 465, "params": {"a": "b"}},
                         "missing parameter(s) required by 'port'")

    def test_relayhost_suboptions(self):
        self.expect_fail({"relayhost": {"host": "h", "user": "u"}},
                         "password, password_file")
        self.expect_fail({"relayhost": {"host": "h", "password": "p"}},
                         "user")
        self.expect_fail({"relayhost": {"host": "h", "user": "u",
                                        "password": "p",
                                        "password_file": "/f"}},
                         "mutually exclusive")

    def test_bad_name(self):
        self.expect_fail({"params": {"a=b": "c"}}, "params: bad name")

    def test_executable_from_path(self):
        # PATH comes before /usr/sbin, where an installed pfsubmit is.
        self.replies({"status": 0, "doc": doc(0)})
        with mock.patch.dict(os.environ, {"PATH": self.dir + os.pathsep +
                                          os.environ.get("PATH", "")}):
            e = self.run_module({"params": {"a": "b"},
                                 "config_dir": self.cfg}, fake=False)
        self.assertFalse(e.failed, e.result)
        self.assertEqual(e.result["steps"][0]["command"][0], self.fake)
        self.assertEqual(len(self.edits()), 1)

    def test_executable(self):
        self.expect_fail({"params": {"a": "b"},
                          "executable": os.path.join(self.dir, "none")},
                         "is not an executable file")


class Run(ModuleCase):
    """The module end to end against the stand-in."""

    def test_unchanged(self):
        self.replies({"status": 0, "doc": doc(0)})
        e = self.run_module({"params": {"a": "b"}})
        self.assertFalse(e.failed)
        self.assertFalse(e.result["changed"])
        self.assertEqual(e.result["backups"], [])
        argv = self.edits()[0]["argv"]
        self.assertEqual(argv, ["-j", "--detailed-exitcode", "-c", self.cfg,
                                "param", "set", "--", "a=b"])

    def test_changed_and_results(self):
        self.findings([{"file": "f", "line": 1, "severity": "warning",
                        "rule": "r", "message": "m"}])
        self.replies(
            {"status": 5, "doc": doc(5, True, "--- a/master.cf\n+x\n",
                                     "B1", ["n1"])},
            {"status": 0, "doc": doc(0, notes=["n2"])},
            {"status": 5, "doc": doc(5, True, "--- a/main.cf\n+y\n", "B2",
                                     reload_output="reloaded\n")})
        e = self.run_module({"submission": "enabled",
                             "params": {"a": "1", "b": "2"}}, diff=True)
        self.assertFalse(e.failed, e.result)
        r = e.result
        self.assertTrue(r["changed"])
        self.assertEqual(r["backups"], ["B1", "B2"])
        self.assertEqual(r["notes"], ["n1", "n2"])
        self.assertEqual(r["reload_output"], "reloaded")
        self.assertEqual(r["diff"],
                         {"prepared": "--- a/master.cf\n+x\n"
                          "--- a/main.cf\n+y\n"})
        self.assertEqual([s["status"] for s in r["steps"]], [5, 0, 5])
        self.assertEqual(r["findings"][0]["rule"], "r")
        self.assertEqual(r["msg"], "2 of 3 steps changed something")

    def test_no_diff_without_diff_mode(self):
        self.replies({"status": 5, "doc": doc(5, True, "--- a/main.cf\n")})
        e = self.run_module({"params": {"a": "1"}})
        self.assertNotIn("diff", e.result)

    def test_stops_at_first_failure(self):
        self.replies(
            {"status": 5, "doc": doc(5, True, "--- a/main.cf\n+a\n", "B1")},
            {"status": 2, "doc": doc(2, diff="--- a/main.cf\n+refused\n",
                                     check_output="postfix: fatal: bad\n",
                                     errors=["postfix check failed (status "
                                             "1); both files put back as "
                                             "they were"])},
            {"status": 0, "doc": doc(0)})
        e = self.run_module({"params": {"a": "1", "b": "abc", "c": "3"}},
                            diff=True)
        self.assertTrue(e.failed)
        r = e.result
        self.assertEqual(r["failed_step"], "params b")
        self.assertEqual(r["status"], 2)
        self.assertEqual(r["msg"], "params b: postfix check failed; files "
                         "put back (exit 2): postfix: fatal: bad")
        self.assertTrue(r["changed"])  # step a stays changed
        self.assertEqual(len(r["steps"]), 2)
        self.assertEqual(len(self.edits()), 2)
        self.assertEqual(r["check_output"], "postfix: fatal: bad")
        self.assertEqual(r["diff"]["prepared"], "--- a/main.cf\n+a\n")

    def test_each_failing_status(self):
        cases = {
            1: (False, "nothing changed (exit 1): why"),
            2: (False, "postfix check failed; files put back (exit 2): why"),
            3: (True, "installed, not reloaded (exit 3): why"),
            4: (True, "restoring the originals failed; the files may be "
                "inconsistent (exit 4): why"),
            6: (True, "installed and reloaded, but verify found the service "
                "not working (exit 6): why"),
            7: (False, "pfsubmit exited 7: why"),
        }
        for status, (changed, text) in cases.items():
            with self.subTest(status=status):
                os.unlink(os.path.join(self.dir, "n")) if os.path.exists(
                    os.path.join(self.dir, "n")) else None
                self.replies({"status": status,
                              "doc": doc(status, changed, errors=["why"])})
                e = self.run_module({"params": {"a": "1"}})
                self.assertTrue(e.failed)
                self.assertEqual(e.result["msg"], "params a: " + text)
                self.assertEqual(e.result["changed"], changed)
                self.assertEqual(e.result["status"], status)

    def test_failure_without_document(self):
        self.replies({"status": 1, "doc": None,
                      "stderr": "pfsubmit: unknown restriction class "
                      "\"x\"\n"})
        e = self.run_module({"restrictions": {"sender": "permit"}})
        self.assertTrue(e.failed)
        self.assertEqual(e.result["msg"], "restrictions sender: nothing "
                         "changed (exit 1): pfsubmit: unknown restriction "
                         "class \"x\"")

    def test_values_not_expanded(self):
        self.replies({"status": 0, "doc": doc(0)})
        os.environ["PFSUBMIT_UNIT_VAR"] = "expanded"
        try:
            self.run_module({"restrictions": {
                "sender": "${PFSUBMIT_UNIT_VAR},$PFSUBMIT_UNIT_VAR"},
                "params": {"p": "~/x"}})
        finally:
            del os.environ["PFSUBMIT_UNIT_VAR"]
        argv = [c["argv"] for c in self.edits()]
        self.assertEqual(argv[0][-1], "p=~/x")
        self.assertEqual(argv[1][-1],
                         "${PFSUBMIT_UNIT_VAR},$PFSUBMIT_UNIT_VAR")

    def test_switches(self):
        self.replies({"status": 0, "doc": doc(0)})
        self.run_module({"params": {"a": "1"}, "check": False,
                         "reload": False, "lock_wait": 5})
        self.assertEqual(self.edits()[0]["argv"][:8],
                         ["-j", "--detailed-exitcode", "-c", self.cfg,
                          "--no-check", "--no-reload", "--lock-wait", "5"])

    def test_secret_scrubbed(self):
        self.replies({"status": 1, "echo_stdin": True,
                      "doc": doc(1, errors=["x"])})
        e = self.run_module({"relayhost": {"host": "smtp.example.net",
                                           "user": "me",
                                           "password": "Pa55-word"}})
        self.assertTrue(e.failed)
        call = self.edits()[0]
        self.assertEqual(call["stdin"], "Pa55-word\n")
        self.assertNotIn("Pa55-word", " ".join(call["argv"]))
        self.assertIn("--password-file", call["argv"])
        text = json.dumps(e.result)
        self.assertNotIn("Pa55-word", text)
        self.assertIn("got ********", text)

    def test_secret_from_file_scrubbed(self):
        path = os.path.join(self.dir, "pw")
        with open(path, "w") as f:
            f.write("Fi1e-secret\n")
        self.replies({"status": 5, "echo_stdin": True, "doc": doc(5, True)})
        e = self.run_module({"relayhost": {"host": "h", "user": "u",
                                           "password_file": path}})
        self.assertFalse(e.failed, e.result)
        self.assertEqual(self.edits()[0]["stdin"], "Fi1e-secret\n")
        self.assertNotIn("Fi1e-secret", json.dumps(e.result))

    def test_check_mode_runs_on_a_copy(self):
        self.replies({"status": 5, "doc": doc(5, True, "--- a/main.cf\n",
                                              notes=["note"])},
                     {"status": 0, "doc": doc(0)},
                     {"status": 5, "doc": doc(5, True)})
        before = sorted(os.listdir(self.dir))
        e = self.run_module({"submission": "enabled",
                             "params": {"a": "1"}}, check_mode=True,
                            diff=True)
        self.assertFalse(e.failed, e.result)
        self.assertTrue(e.result["changed"])
        self.assertEqual(e.result["msg"],
                         "2 of 2 steps would change something")
        argvs = [c["argv"] for c in self.calls()]
        # enable -n on the copy; enable for real on the copy, as the
        # next step follows; param set -n on the copy; check, on it.
        copy = argvs[0][argvs[0].index("-c") + 1]
        self.assertNotEqual(copy, self.cfg)
        self.assertEqual(argvs[0], ["-j", "--detailed-exitcode", "-c", copy,
                                    "-n", "enable", "--", "submission"])
        self.assertEqual(argvs[1], ["-j", "--detailed-exitcode", "-c", copy,
                                    "--no-check", "--no-reload", "enable",
                                    "--", "submission"])
        self.assertEqual(argvs[2][4:], ["-n", "param", "set", "--", "a=1"])
        self.assertEqual(argvs[3], ["-j", "-c", copy, "check"])
        self.assertEqual(len(argvs), 4)
        # Reported as on the configuration directory; the copy is gone.
        self.assertEqual(e.result["steps"][0]["command"][1:],
                         ["-j", "--detailed-exitcode", "-c", self.cfg,
                          "-n", "enable", "--", "submission"])
        self.assertFalse(os.path.exists(copy))
        self.assertEqual(sorted(os.listdir(self.dir)),
                         sorted(before + ["calls", "n"]))

    def test_check_mode_names_the_directory(self):
        self.replies({"status": 5,
                      "doc": doc(5, True, "+m = hash:@CFG@/sasl\n",
                                 notes=["@CFG@/main.cf: n"])})
        e = self.run_module({"params": {"a": "1"}}, check_mode=True,
                            diff=True)
        self.assertNotEqual(self.calls()[0]["argv"][3], self.cfg)
        self.assertEqual(e.result["notes"], ["%s/main.cf: n" % self.cfg])
        self.assertEqual(e.result["diff"]["prepared"],
                         "+m = hash:%s/sasl\n" % self.cfg)

    def test_check_mode_last_step_not_made(self):
        self.replies({"status": 5, "doc": doc(5, True)})
        self.run_module({"params": {"a": "1"}}, check_mode=True)
        argvs = [c["argv"] for c in self.calls()]
        self.assertEqual(len(argvs), 2)  # param set -n, check
        self.assertIn("-n", argvs[0])


if __name__ == "__main__":
    unittest.main()
