#!/usr/bin/env python3
#
# End-to-end tests of the pfsubmit command line, against the interface
# contract (docs/cli.md) and against the real Postfix 3.7 installed here:
# postconf -c DIR reads what pfsubmit wrote, and postfix -c DIR check
# (root only) judges it.
#
# Every test makes its own scratch directory under $TMPDIR and removes it.
# Nothing outside those directories is touched; /etc/postfix is never
# read or written (every command gets -c DIR).
#
#	python3 tests/cli_test.py [-v] [substring ...]
#
# runs every test (or those whose name contains a substring), prints one
# line per test and a summary, and exits 1 when a test failed.  Python 3
# standard library only.

import errno
import grp
import json
import os
import pwd
import re
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PFSUBMIT = os.path.join(ROOT, "pfsubmit")
FIXTURES = os.path.join(ROOT, "fixtures")
POSTCONF = "/usr/sbin/postconf"
POSTFIX = "/usr/sbin/postfix"
IS_ROOT = os.geteuid() == 0
HAVE_POSTFIX = os.access(POSTFIX, os.X_OK) and os.access(POSTCONF, os.X_OK)

# Options for edits that need not involve postfix check / reload.
FAST = ("--no-check", "--no-reload")
# Options for edits that go through postfix check (root only).
CHECKED = ("--no-reload",) if IS_ROOT else FAST

VERBOSE = False


def fixture(*parts):
    with open(os.path.join(FIXTURES, *parts), "rb") as f:
        return f.read()


DEBIAN_MASTER = fixture("master", "debian-3.7.cf")
DEBIAN_MAIN = fixture("main", "debian.cf")
MACOSX_MASTER = fixture("master", "macosx-2x.cf")
NO_NL_MAIN = fixture("main", "no-final-newline.cf")
TRICKY_MAIN = fixture("main", "tricky.cf")

# The profiles of the contract, in its order.
MODERN_SUBMISSION = [
    ("syslog_name", "postfix/submission"),
    ("smtpd_tls_security_level", "encrypt"),
    ("smtpd_sasl_auth_enable", "yes"),
    ("smtpd_tls_auth_only", "yes"),
    ("smtpd_reject_unlisted_recipient", "no"),
    ("smtpd_client_restrictions", "permit_sasl_authenticated,reject"),
    ("smtpd_relay_restrictions", "permit_sasl_authenticated,reject"),
    ("milter_macro_daemon_name", "ORIGINATING"),
]
CLASSIC_SUBMISSION = [
    ("smtpd_etrn_restrictions", "reject"),
    ("smtpd_client_restrictions", "permit_sasl_authenticated,reject"),
    ("smtpd_helo_restrictions", "permit"),
    ("smtpd_sender_restrictions", "reject_non_fqdn_sender,permit"),
    ("smtpd_recipient_restrictions",
     "reject_non_fqdn_recipient,permit_sasl_authenticated,reject"),
    ("smtpd_sasl_auth_enable", "yes"),
]

# The -o lines of Debian's 3.7 submission template, in file order.
DEBIAN_SUBMISSION_OVERRIDES = [
    ("syslog_name", "postfix/submission"),
    ("smtpd_tls_security_level", "encrypt"),
    ("smtpd_sasl_auth_enable", "yes"),
    ("smtpd_tls_auth_only", "yes"),
    ("smtpd_reject_unlisted_recipient", "no"),
    ("smtpd_client_restrictions", ""),
    ("smtpd_helo_restrictions", ""),
    ("smtpd_sender_restrictions", ""),
    ("smtpd_relay_restrictions", ""),
    ("smtpd_recipient_restrictions", "permit_sasl_authenticated,reject"),
    ("milter_macro_daemon_name", "ORIGINATING"),
]
DEBIAN_SUBMISSIONS_OVERRIDES = [
    ("syslog_name", "postfix/submissions"),
    ("smtpd_tls_wrappermode", "yes"),
    ("smtpd_sasl_auth_enable", "yes"),
    ("smtpd_reject_unlisted_recipient", "no"),
    ("smtpd_client_restrictions", ""),
    ("smtpd_helo_restrictions", ""),
    ("smtpd_sender_restrictions", ""),
    ("smtpd_relay_restrictions", ""),
    ("smtpd_recipient_restrictions", "permit_sasl_authenticated,reject"),
    ("milter_macro_daemon_name", "ORIGINATING"),
]
DEBIAN_RELAY_P = "relay/unix/syslog_name = postfix/$service_name"

EDIT_JSON_KEYS = {"changed", "files", "backup", "checked", "reloaded", "diff"}
SHOW_JSON_KEYS = {"config_directory", "services"}
SERVICE_JSON_KEYS = {"name", "type", "enabled", "file", "line", "private",
                     "unpriv", "chroot", "wakeup", "maxproc", "command",
                     "overrides", "args"}
OVERRIDE_JSON_KEYS = {"name", "value", "expanded", "line"}
PARAM_JSON_KEYS = {"file", "parameters"}
PARAMETER_JSON_KEYS = {"name", "value", "expanded", "line"}


# --------------------------------------------------------------------------
# Helpers: running commands, scratch directories, expected files.

class Run:
    def __init__(self, argv, rc, out, err, secs):
        self.argv, self.rc, self.out, self.err, self.secs = \
            argv, rc, out, err, secs

    def text(self):
        return self.out.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.out.decode("utf-8"))

    def __str__(self):
        def cut(b):
            s = b.decode("utf-8", "backslashreplace")
            return s if len(s) < 3000 else s[:3000] + "...[cut]"
        return ("\n  argv: %r\n  exit: %s\n  stdout: %s\n  stderr: %s" %
                (self.argv, self.rc, cut(self.out), cut(self.err)))


def run(argv, timeout=120, preexec_fn=None, cwd=None, input=None):
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.pop("MAIL_CONFIG", None)
    t0 = time.monotonic()
    p = subprocess.run(list(argv), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, env=env,
                       preexec_fn=preexec_fn, cwd=cwd,
                       input=input if input is not None else b"")
    return Run(list(argv), p.returncode, p.stdout, p.stderr,
               time.monotonic() - t0)


def run_pty(argv, timeout=120):
    """Run argv with a pseudo-terminal as its stdio (postfix check only
    prints to a terminal); returns a Run with the terminal's text."""
    t0 = time.monotonic()
    master, slave = os.openpty()
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.pop("MAIL_CONFIG", None)
    p = subprocess.Popen(list(argv), stdin=slave, stdout=slave, stderr=slave,
                         start_new_session=True, close_fds=True, env=env)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while True:
            r, _, _ = select.select([master], [], [], 0.1)
            if r:
                try:
                    data = os.read(master, 65536)
                except OSError as e:
                    if e.errno == errno.EIO:
                        break
                    raise
                if not data:
                    break
                out += data
            elif p.poll() is not None:
                break
            if time.monotonic() > deadline:
                p.kill()
                break
        rc = p.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        os.close(master)
    return Run(list(argv), rc, out, b"", time.monotonic() - t0)


def nobody_ids():
    pw = pwd.getpwnam("nobody")
    return pw.pw_uid, pw.pw_gid


def as_nobody():
    uid, gid = nobody_ids()
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def other_group():
    """A group other than root's, for the ownership test."""
    for name in ("postfix", "mail", "nogroup", "daemon", "adm"):
        try:
            g = grp.getgrnam(name)
        except KeyError:
            continue
        if g.gr_gid != 0:
            return g.gr_gid
    return None


class Conf:
    """A scratch Postfix configuration directory: TOP/postfix, mode 0755,
    with main.cf and master.cf (mode 0644, dated a minute back, so that
    Postfix does not wait for a "young" main.cf)."""

    def __init__(self, master=DEBIAN_MASTER, main=DEBIAN_MAIN):
        self.top = tempfile.mkdtemp(prefix="pfsubmit-cli.")
        self.dir = os.path.join(self.top, "postfix")
        os.mkdir(self.dir)
        os.chmod(self.dir, 0o755)
        if main is not None:
            self.write("main.cf", main)
        if master is not None:
            self.write("master.cf", master)
        # A Cyrus SASL configuration where Debian's smtpd looks for it
        # ($config_directory/sasl/smtpd.conf): check's sasl-backend rule
        # asks for one, and an edit that turned submission on without a
        # SASL backend would be refused.
        os.mkdir(self.path("sasl"))
        shutil.copy(os.path.join(FIXTURES, "check", "sasl", "smtpd.conf"),
                    self.path("sasl"))

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, data, mode=0o644):
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        t = time.time() - 60
        os.utime(p, (t, t))

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def files(self):
        return {n: self.read(n) for n in ("main.cf", "master.cf")}

    def snapshot(self, strict=True):
        """Every entry of the directory: kind, mode, owner, and bytes (a
        symbolic link: its target text; files behind it are compared
        through the file names).  strict: also inode and modification
        time, so that rewriting the same bytes counts as a change."""
        snap = {}
        for n in sorted(os.listdir(self.dir)):
            p = self.path(n)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                snap[n] = ("link", os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    snap[n] = ("file", stat.S_IMODE(st.st_mode), st.st_uid,
                               st.st_gid, f.read())
                if strict:
                    snap[n] += (st.st_ino, st.st_mtime_ns)
            else:
                snap[n] = ("other", stat.S_IFMT(st.st_mode),
                           stat.S_IMODE(st.st_mode))
        return snap

    def leftovers(self):
        return sorted(n for n in os.listdir(self.dir)
                      if n.endswith(".tmp") or n.endswith(".pfsubmit-new"))

    def backup_ids(self):
        d = self.path("pfsubmit-backups")
        if not os.path.isdir(d):
            return []
        return sorted(os.listdir(d))

    def copy(self):
        """Another scratch directory with the same two files."""
        c = Conf(master=None, main=None)
        for n in ("main.cf", "master.cf"):
            if os.path.exists(self.path(n)):
                c.write(n, self.read(n))
        return c

    def cleanup(self):
        shutil.rmtree(self.top, ignore_errors=True)


def lines_of(data):
    return data.splitlines(keepends=True)


def uncomment_block(master, header):
    """What enabling a commented template must produce: '#' removed from
    the header line and from the '#<white space>-o' lines that follow it;
    prose comments inside the block ('#     Instead ...') stay; the block
    ends at the first other line."""
    ls = lines_of(master)
    h = ls.index(header)
    ls[h] = ls[h][1:]
    for i in range(h + 1, len(ls)):
        if re.match(rb"#[ \t]+-o[ \t]", ls[i]):
            ls[i] = ls[i][1:]
        elif re.match(rb"#[ \t]{2,}\S", ls[i]):
            continue            # prose inside the block
        else:
            break
    return b"".join(ls)


DEBIAN_SUBMISSION_HEADER = \
    b"#submission inet n       -       y       -       -       smtpd\n"
DEBIAN_SUBMISSIONS_HEADER = \
    b"#submissions     inet  n       -       y       -       -       smtpd\n"
DEBIAN_LOOPBACK_HEADER = \
    b"#127.0.0.1:submission inet n -   y       -       -       smtpd\n"
DEBIAN_ENABLED_MASTER = uncomment_block(DEBIAN_MASTER,
                                        DEBIAN_SUBMISSION_HEADER)


def debian_without_templates(chroot=b"y"):
    """Debian's master.cf without the submission and submissions
    templates (and with the given chroot column for smtp inet)."""
    ls = lines_of(DEBIAN_MASTER)
    start = ls.index(b"# Choose one: enable submission for loopback "
                     b"clients only, or for any client.\n")
    end = ls.index(b"#628       inet  n       -       y       -       -"
                   b"       qmqpd\n")
    ls = ls[:start] + ls[end:]
    i = ls.index(b"smtp      inet  n       -       y       -       -"
                 b"       smtpd\n")
    ls[i] = (b"smtp      inet  n       -       " + chroot +
             b"       -       -       smtpd\n")
    return b"".join(ls)


def p_lines(service, pairs, extra=(DEBIAN_RELAY_P,)):
    """postconf -P output: the service's parameters sorted by name, then
    the other entries' (in file order)."""
    out = ["%s/%s = %s" % (service, n, v) if v else "%s/%s =" % (service, n)
           for n, v in sorted(pairs)]
    return out + list(extra)


def m_line(header_fields, pairs):
    """postconf -M output line of an entry."""
    return header_fields + "".join(" -o %s=%s" % (n, v) for n, v in pairs)


def control_bytes(data):
    """Bytes below 0x20 other than newline and tab."""
    return sorted(set(b for b in data if b < 0x20 and b not in (9, 10)))


def apply_unified(dirpath, diff):
    """Apply a unified diff (-p1) in dirpath, strictly (no fuzz, no
    offset); used only when patch(1) is not installed."""
    ls = lines_of(diff)
    i = 0
    while i < len(ls):
        if not ls[i].startswith(b"--- "):
            i += 1
            continue
        assert ls[i + 1].startswith(b"+++ b/"), ls[i + 1]
        name = ls[i + 1][6:].rstrip(b"\n").decode()
        i += 2
        path = os.path.join(dirpath, name)
        with open(path, "rb") as f:
            cur = lines_of(f.read())
        out, pos = [], 0
        while i < len(ls) and ls[i].startswith(b"@@"):
            m = re.match(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@",
                         ls[i])
            assert m, ls[i]
            old_start = int(m.group(1))
            old_n = int(m.group(2)) if m.group(2) is not None else 1
            if old_n == 0:
                old_start += 1
            i += 1
            old, new, last = [], [], None
            while i < len(ls) and ls[i][:1] in (b" ", b"-", b"+", b"\\"):
                tag, body = ls[i][:1], ls[i][1:]
                if tag == b"\\":
                    if last is not None:
                        for lst in last:
                            lst[-1] = lst[-1].rstrip(b"\n")
                elif tag == b" ":
                    old.append(body)
                    new.append(body)
                    last = (old, new)
                elif tag == b"-":
                    old.append(body)
                    last = (old,)
                else:
                    new.append(body)
                    last = (new,)
                i += 1
            at = old_start - 1
            out.extend(cur[pos:at])
            assert cur[at:at + len(old)] == old, "hunk does not apply"
            out.extend(new)
            pos = at + len(old)
        out.extend(cur[pos:])
        with open(path, "wb") as f:
            f.write(b"".join(out))


# --------------------------------------------------------------------------
# The test base class.

class Base(unittest.TestCase):
    maxDiff = 6000

    def conf(self, **kw):
        c = Conf(**kw)
        self.addCleanup(c.cleanup)
        return c

    def pf(self, c, *args, preexec_fn=None, timeout=120):
        argv = [PFSUBMIT, "-c", c.dir] + list(args)
        r = run(argv, preexec_fn=preexec_fn, timeout=timeout)
        if VERBOSE:
            sys.stderr.write("   $ %r -> %d\n" % (args, r.rc))
        self.assertEqual(c.leftovers(), [],
                         "temporary or lock files left behind:%s" % r)
        self.assertEqual(control_bytes(r.err), [],
                         "raw control bytes on standard error:%s" % r)
        return r

    def pf_ok(self, c, *args, rc=0, **kw):
        r = self.pf(c, *args, **kw)
        self.assertEqual(r.rc, rc, "unexpected exit status:%s" % r)
        return r

    def postconf(self, c, *args):
        return run([POSTCONF, "-c", c.dir] + list(args))

    def postconf_lines(self, c, *args):
        r = self.postconf(c, *args)
        self.assertEqual(r.rc, 0, "postconf failed:%s" % r)
        return r.text().splitlines()

    def postfix_check(self, c):
        r = run_pty([POSTFIX, "-c", c.dir, "check"])
        self.assertEqual(r.rc, 0, "postfix check failed:%s" % r)
        return r

    def unused_params(self, c):
        """What Postfix itself reads for parameters it does not know:
        postconf warns 'unused parameter: NAME=VALUE' for each."""
        r = self.postconf(c, "-n")
        self.assertEqual(r.rc, 0, "postconf -n failed:%s" % r)
        found = {}
        for line in r.err.decode("utf-8", "replace").splitlines():
            m = re.search(r"unused parameter: ([^=]+)=(.*)$", line)
            if m:
                found[m.group(1)] = m.group(2)
        return found

    def assertOneLineRefusal(self, r, before, c):
        self.assertEqual(r.rc, 1, "expected exit status 1:%s" % r)
        self.assertEqual(c.snapshot(), before,
                         "the directory changed:%s" % r)
        self.assertEqual(r.out, b"", "expected nothing on stdout:%s" % r)
        self.assertTrue(r.err.endswith(b"\n") and r.err.count(b"\n") == 1
                        and r.err.strip() != b"",
                        "exit 1 and nothing changed, but expected a "
                        "one-line message on stderr, got %d lines:%s" %
                        (r.err.count(b"\n"), r))


def requires_root(fn):
    return unittest.skipUnless(IS_ROOT, "needs root")(fn)


def requires_postfix(fn):
    return unittest.skipUnless(HAVE_POSTFIX, "Postfix is not installed")(fn)


# --------------------------------------------------------------------------
# 1. enable

class Enable(Base):

    def test_enable_debian_uncomments_template_in_place(self):
        c = self.conf()
        r = self.pf_ok(c, *CHECKED, "enable")
        new = c.read("master.cf")
        self.assertEqual(new, DEBIAN_ENABLED_MASTER)
        self.assertEqual(c.read("main.cf"), DEBIAN_MAIN)
        # What must not have moved, spelled out.
        old_l, new_l = lines_of(DEBIAN_MASTER), lines_of(new)
        changed = [i for i, (a, b) in enumerate(zip(old_l, new_l)) if a != b]
        self.assertEqual(len(old_l), len(new_l))
        for i in changed:
            self.assertTrue(old_l[i] == DEBIAN_SUBMISSION_HEADER or
                            old_l[i].startswith(b"#  -o "), old_l[i])
            self.assertEqual(b"#" + new_l[i], old_l[i])
        self.assertEqual(len(changed), 12)
        for i, line in enumerate(old_l):
            if (line.startswith(b"#     ") or
                    line.startswith(b"# Choose one:") or
                    line.startswith(b"#127.0.0.1:submission") or
                    b"submissions" in line or
                    (line.startswith(b"#  -o") and i > 35)):
                self.assertEqual(new_l[i], line, "line %d moved" % (i + 1))
        self.assertEqual(self.postconf_lines(c, "-P"),
                         p_lines("submission/inet",
                                 DEBIAN_SUBMISSION_OVERRIDES))
        self.assertEqual(
            self.postconf_lines(c, "-M", "submission/inet"),
            [m_line("submission inet  n       -       y       -       -"
                    "       smtpd", DEBIAN_SUBMISSION_OVERRIDES)])
        # A second enable changes nothing, exit 0.
        r = self.pf_ok(c, *CHECKED, "enable")
        self.assertEqual(c.read("master.cf"), DEBIAN_ENABLED_MASTER)

    def test_enable_detailed_exitcode_5_then_0(self):
        c = self.conf()
        self.pf_ok(c, *FAST, "--detailed-exitcode", "enable", rc=5)
        first = c.files()
        nb = len(c.backup_ids())
        self.pf_ok(c, *FAST, "--detailed-exitcode", "enable", rc=0)
        self.assertEqual(c.files(), first)
        self.assertEqual(len(c.backup_ids()), nb,
                         "a no-op enable made a backup set")

    def test_enable_submissions(self):
        c = self.conf()
        self.pf_ok(c, *CHECKED, "--detailed-exitcode", "enable",
                   "submissions", rc=5)
        self.assertEqual(c.read("master.cf"),
                         uncomment_block(DEBIAN_MASTER,
                                         DEBIAN_SUBMISSIONS_HEADER))
        self.assertEqual(self.postconf_lines(c, "-P"),
                         p_lines("submissions/inet",
                                 DEBIAN_SUBMISSIONS_OVERRIDES))
        self.pf_ok(c, *FAST, "--detailed-exitcode", "enable", "submissions",
                   rc=0)

    def test_enable_listen_loopback_uses_its_template(self):
        c = self.conf()
        self.pf_ok(c, *CHECKED, "enable", "--listen", "127.0.0.1")
        new = lines_of(c.read("master.cf"))
        old = lines_of(DEBIAN_MASTER)
        h = old.index(DEBIAN_LOOPBACK_HEADER)
        # Header uncommented in place, the profile's overrides right after
        # it, everything else (the all-interfaces template too) unchanged.
        self.assertEqual(new[:h], old[:h])
        self.assertEqual(new[h], old[h][1:])
        added = new[h + 1:h + 1 + len(MODERN_SUBMISSION)]
        indent = re.match(rb"[ \t]+", added[0]).group(0)
        self.assertEqual(added, [indent + ("-o %s=%s\n" % p).encode()
                                 for p in MODERN_SUBMISSION])
        self.assertEqual(new[h + 1 + len(MODERN_SUBMISSION):], old[h + 1:])
        self.assertEqual(self.postconf_lines(c, "-P"),
                         p_lines("127.0.0.1:submission/inet",
                                 MODERN_SUBMISSION))
        self.assertEqual(self.postconf_lines(c, "-M", "submission/inet"), [])
        self.pf_ok(c, *FAST, "--detailed-exitcode", "enable", "--listen",
                   "127.0.0.1", rc=0)

    def test_enable_listen_ipv6_and_host_name(self):
        for addr, name in (("::1", "[::1]:submission"),
                           ("mail.example.org",
                            "mail.example.org:submission")):
            with self.subTest(addr=addr):
                c = self.conf(master=debian_without_templates(b"y"))
                self.pf_ok(c, *FAST, "enable", "--listen", addr)
                self.assertEqual(
                    [l.split()[0] for l in self.postconf_lines(c, "-M")
                     if "submission" in l], [name])

    def _enable_without_template(self, chroot):
        master = debian_without_templates(chroot)
        c = self.conf(master=master)
        self.pf_ok(c, *CHECKED, "enable")
        new = lines_of(c.read("master.cf"))
        old = lines_of(master)
        i = next(k for k, l in enumerate(old) if l.startswith(b"smtp      inet"))
        header = (b"submission inet  n       -       " + chroot +
                  b"       -       -       smtpd\n")
        self.assertEqual(new[:i + 1], old[:i + 1])
        self.assertEqual(new[i + 1], header)
        added = new[i + 2:i + 2 + len(MODERN_SUBMISSION)]
        indent = re.match(rb"[ \t]+", added[0]).group(0)
        self.assertEqual(added, [indent + ("-o %s=%s\n" % p).encode()
                                 for p in MODERN_SUBMISSION])
        self.assertEqual(new[i + 2 + len(MODERN_SUBMISSION):], old[i + 1:])
        # The header is in postconf's own columns.
        mf = self.postconf_lines(c, "-Mf", "submission/inet")
        self.assertEqual(mf[0].encode() + b"\n", header)
        self.assertEqual(self.postconf_lines(c, "-P"),
                         p_lines("submission/inet", MODERN_SUBMISSION))
        self.pf_ok(c, *FAST, "--detailed-exitcode", "enable", rc=0)

    def test_enable_without_template_inserts_after_smtp(self):
        self._enable_without_template(b"y")

    def test_enable_without_template_copies_chroot_n(self):
        self._enable_without_template(b"n")

    def test_enable_without_smtp_inet_appends(self):
        master = (b"# no smtp inet here\n"
                  b"pickup    unix  n       -       y       60      1"
                  b"       pickup\n"
                  b"postlog   unix-dgram n  -       n       -       1"
                  b"       postlogd\n")
        c = self.conf(master=master)
        self.pf_ok(c, *FAST, "enable")
        new = c.read("master.cf")
        self.assertTrue(new.startswith(master), new)
        rest = lines_of(new[len(master):])
        self.assertEqual(rest[0], b"submission inet  n       -       n       -"
                         b"       -       smtpd\n")
        self.assertEqual(len(rest), 1 + len(MODERN_SUBMISSION))
        self.assertEqual(self.postconf_lines(c, "-P"),
                         p_lines("submission/inet", MODERN_SUBMISSION,
                                 extra=()))

    def test_enable_macosx_classic_keeps_tabs(self):
        c = self.conf(master=MACOSX_MASTER)
        r = self.pf_ok(c, *CHECKED, "enable", "--profile", "classic")
        self.assertIn(b"clear text", r.err)
        old = lines_of(MACOSX_MASTER)
        new = lines_of(c.read("master.cf"))
        h = old.index(b"#submission inet n      -       n       -       -"
                      b"       smtpd\n")
        self.assertEqual(new[:h], old[:h])
        self.assertEqual(new[h:h + 3], [
            b"submission inet n      -       n       -       -       smtpd\n",
            b"\t-o smtpd_etrn_restrictions=reject\n",
            b"\t-o smtpd_client_restrictions=permit_sasl_authenticated,"
            b"reject\n"])
        have = {"smtpd_etrn_restrictions", "smtpd_client_restrictions"}
        missing = [p for p in CLASSIC_SUBMISSION if p[0] not in have]
        self.assertEqual(new[h + 3:h + 3 + len(missing)],
                         [("\t-o %s=%s\n" % p).encode() for p in missing])
        # The smtps block and the rest stay commented and untouched.
        self.assertEqual(new[h + 3 + len(missing):], old[h + 3:])
        self.assertEqual(self.postconf_lines(c, "-P"),
                         p_lines("submission/inet", CLASSIC_SUBMISSION,
                                 extra=("relay/unix/fallback_relay =",)))
        self.pf_ok(c, *FAST, "--detailed-exitcode", "enable", "--profile",
                   "classic", rc=0)

    def test_enable_conflicts_with_live_loopback_entry(self):
        c = self.conf()
        self.pf_ok(c, *FAST, "enable", "--listen", "127.0.0.1")
        before = c.snapshot()
        r = self.pf(c, *FAST, "enable")
        self.assertEqual(r.rc, 1, r)
        self.assertIn(b"127.0.0.1:submission", r.err)
        self.assertEqual(c.snapshot(), before)

    def test_enable_live_service_keeps_admin_overrides(self):
        master = debian_without_templates() + (
            b"submission inet n - y - - smtpd\n"
            b"  -o smtpd_tls_security_level=may\n"
            b"  -o syslog_name=postfix/msa\n")
        c = self.conf(master=master)
        r = self.pf_ok(c, *FAST, "enable")
        self.assertIn(b"smtpd_tls_security_level", r.err,
                      "a kept override should be reported")
        new = c.read("master.cf")
        self.assertTrue(new.startswith(master), new)
        added = lines_of(new[len(master):])
        keep = {"smtpd_tls_security_level", "syslog_name"}
        missing = [p for p in MODERN_SUBMISSION if p[0] not in keep]
        self.assertEqual(added, [("  -o %s=%s\n" % p).encode()
                                 for p in missing])
        got = dict(l.split(" = ", 1) if " = " in l else (l[:-2], "")
                   for l in self.postconf_lines(c, "-P", "submission/inet"))
        self.assertEqual(got["submission/inet/smtpd_tls_security_level"],
                         "may")
        self.assertEqual(got["submission/inet/syslog_name"], "postfix/msa")

    def test_disable_comments_out_so_enable_can_return(self):
        c = self.conf()
        self.pf_ok(c, *FAST, "enable")
        self.pf_ok(c, *FAST, "--detailed-exitcode", "disable", rc=5)
        # disable leaves a mark before the entry, for enable.
        lines = lines_of(c.read("master.cf"))
        marks = [l for l in lines if l.startswith(b"#pfsubmit: disabled ")]
        self.assertEqual(len(marks), 1, lines)
        self.assertEqual(b"".join(l for l in lines if l not in marks),
                         DEBIAN_MASTER)
        self.pf_ok(c, *FAST, "--detailed-exitcode", "disable", rc=0)
        self.pf_ok(c, *FAST, "enable")
        self.assertEqual(c.read("master.cf"), DEBIAN_ENABLED_MASTER)

    def test_disable_then_enable_keeps_commented_options_off(self):
        """An -o line the administrator had commented out, inside the
        entry or just after it, would read as part of the commented-out
        service, and enable would turn it on.  disable gives it a second
        '#', enable takes that off: the round trip is byte-exact, and the
        option stays off.  Found: enable switched it on."""
        lines = lines_of(DEBIAN_ENABLED_MASTER)
        hdr = next(i for i, l in enumerate(lines)
                   if l.startswith(b"submission inet"))
        inside = b"#  -o smtpd_etrn_restrictions=$mua_etrn_restrictions\n"
        after = b"#  -o smtpd_data_restrictions=reject_unauth_pipelining\n"
        end = next(i for i in range(hdr + 1, len(lines))
                   if not lines[i][:1].isspace() and
                   not lines[i].startswith(b"#  "))
        lines.insert(end, after)
        lines.insert(hdr + 2, inside)
        master = b"".join(lines)
        c = self.conf(master=master)
        self.pf_ok(c, *FAST, "disable")
        text = c.read("master.cf")
        self.assertIn(b"#" + inside, text)
        self.assertIn(b"#" + after, text)
        self.assertEqual([l for l in self.postconf_lines(c, "-M")
                          if l.startswith("submission ")], [])
        self.pf_ok(c, *FAST, "--detailed-exitcode", "enable", rc=5)
        self.assertEqual(c.read("master.cf"), master)
        self.assertEqual([l for l in self.postconf_lines(c, "-P")
                          if "etrn_restrictions" in l or
                          "data_restrictions" in l], [])

    def test_show_after_enable_matches_postconf(self):
        c = self.conf()
        self.pf_ok(c, *FAST, "enable")
        d = self.pf_ok(c, "-j", "show").json()
        self.assertTrue(SHOW_JSON_KEYS <= set(d), d.keys())
        self.assertEqual(d["config_directory"], c.dir)
        names = [(s["name"], s["enabled"]) for s in d["services"]]
        self.assertEqual(names, [("127.0.0.1:submission", False),
                                 ("submission", True),
                                 ("127.0.0.1:submissions", False),
                                 ("submissions", False)])
        s = d["services"][1]
        self.assertTrue(SERVICE_JSON_KEYS <= set(s), s.keys())
        self.assertEqual((s["type"], s["file"], s["line"], s["private"],
                          s["unpriv"], s["chroot"], s["wakeup"],
                          s["maxproc"], s["command"], s["args"]),
                         ("inet", c.path("master.cf"), 19, "n", "-", "y",
                          "-", "-", "smtpd", []))
        for o in s["overrides"]:
            self.assertTrue(OVERRIDE_JSON_KEYS <= set(o), o.keys())
        self.assertEqual([(o["name"], o["value"]) for o in s["overrides"]],
                         DEBIAN_SUBMISSION_OVERRIDES)
        self.assertEqual([o["line"] for o in s["overrides"]],
                         [20, 21, 22, 23, 24, 29, 30, 31, 32, 33, 34])
        self.assertEqual([o["expanded"] for o in s["overrides"]],
                         [v for _, v in DEBIAN_SUBMISSION_OVERRIDES])
        # The text form says the same, one line per override.
        t = self.pf_ok(c, "show", "submission").text()
        self.assertEqual(len(re.findall(r"(?m)^    line \d+: ", t)),
                         len(DEBIAN_SUBMISSION_OVERRIDES), t)
        self.assertIn("line 33: smtpd_recipient_restrictions = "
                      "permit_sasl_authenticated,reject\n", t)


# --------------------------------------------------------------------------
# 2. -n and -j

class DryRunAndJson(Base):

    def test_dry_run_prints_diff_and_changes_nothing(self):
        c = self.conf()
        before = c.snapshot()
        r = self.pf_ok(c, "-n", "enable")
        self.assertTrue(r.out.startswith(b"--- a/master.cf\n+++ b/master.cf\n"
                                         b"@@ -"), r)
        self.assertEqual(c.snapshot(), before,
                         "-n wrote something (lock, backup or file)")
        self.assertEqual(sorted(os.listdir(c.dir)),
                         ["main.cf", "master.cf", "sasl"])
        self.pf_ok(c, "-n", "--detailed-exitcode", "enable", rc=5)
        self.pf_ok(c, *FAST, "enable")
        r = self.pf_ok(c, "-n", "--detailed-exitcode", "enable", rc=0)
        self.assertEqual(r.out, b"")

    def _patch_equals_real(self, c, *args):
        copy = c.copy()
        self.addCleanup(copy.cleanup)
        before = c.snapshot()
        dry = self.pf_ok(c, "-n", *args)
        self.assertEqual(c.snapshot(), before)
        self.assertNotEqual(dry.out, b"", "no diff printed")
        diff_path = os.path.join(copy.top, "change.diff")
        with open(diff_path, "wb") as f:
            f.write(dry.out)
        if shutil.which("patch"):
            p = run(["patch", "-p1", "-F0", "--batch", "--quiet",
                     "--no-backup-if-mismatch", "-i", diff_path],
                    cwd=copy.dir)
            self.assertEqual(p.rc, 0, "patch -p1 failed:%s" % p)
        else:
            apply_unified(copy.dir, dry.out)
        real = self.pf_ok(c, *FAST, "-j", *args)
        self.assertEqual(copy.files(), c.files(),
                         "patch -p1 of the -n diff differs from the real run")
        self.assertEqual(real.json()["diff"], dry.text(),
                         "the real run's diff is not the dry run's")
        return dry

    def test_dry_run_patch_enable(self):
        self._patch_equals_real(self.conf(), "enable")

    def test_dry_run_patch_two_files(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        dry = self._patch_equals_real(c, "set-restriction", "--via-param",
                                      "mua_sender_restrictions", "submission",
                                      "sender",
                                      "reject_non_fqdn_sender, reject")
        self.assertIn(b"\n+++ b/main.cf\n", b"\n" + dry.out)
        self.assertIn(b"\n+++ b/master.cf\n", b"\n" + dry.out)

    def test_dry_run_patch_no_final_newline(self):
        c = self.conf(main=NO_NL_MAIN)
        self._patch_equals_real(c, "param", "set", "zeta=z")
        self.assertTrue(c.read("main.cf").endswith(b"  rcont\nzeta = z\n"))

    def test_dry_run_patch_param_unset_and_set_in_place(self):
        c = self.conf()
        self._patch_equals_real(c, "param", "unset", "biff")
        self._patch_equals_real(c, "param", "set", "myhostname=mx.example.net")

    def test_json_dry_run_keys(self):
        c = self.conf()
        before = c.snapshot()
        d = self.pf_ok(c, "-n", "-j", "enable").json()
        self.assertTrue(EDIT_JSON_KEYS <= set(d), d.keys())
        self.assertIs(d["changed"], True)
        self.assertIsNone(d["backup"])
        self.assertIs(d["checked"], False)
        self.assertIs(d["reloaded"], False)
        self.assertEqual(sorted((f["path"], f["changed"]) for f in d["files"]),
                         [(c.path("main.cf"), False),
                          (c.path("master.cf"), True)])
        self.assertTrue(d["diff"].startswith("--- a/master.cf\n"))
        self.assertEqual(c.snapshot(), before)

    def test_json_real_run_keys(self):
        c = self.conf()
        d = self.pf_ok(c, *CHECKED, "-j", "enable").json()
        self.assertTrue(EDIT_JSON_KEYS <= set(d), d.keys())
        self.assertIs(d["changed"], True)
        self.assertIsInstance(d["backup"], str)
        self.assertEqual(c.backup_ids(), [d["backup"]])
        self.assertIs(d["checked"], IS_ROOT)
        self.assertIs(d["reloaded"], False)
        self.assertEqual((d["status"], d["errors"]), (0, []))
        for f in d["files"]:
            self.assertTrue({"path", "changed"} <= set(f), f)
        # Nothing to do: changed false, empty diff, no backup.
        d = self.pf_ok(c, *FAST, "-j", "enable").json()
        self.assertTrue(EDIT_JSON_KEYS <= set(d), d.keys())
        self.assertIs(d["changed"], False)
        self.assertEqual(d["diff"], "")
        self.assertTrue(all(f["changed"] is False for f in d["files"]))

    def test_json_refused_edit_reports_nothing_changed(self):
        """Exit 1 inside the transaction (the result would have an error
        that check finds): one document, changed false, the diff that
        was refused, the status and the error."""
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        before = c.snapshot()
        r = self.pf(c, *FAST, "-j", "set-restriction", "submission",
                    "sender", "permit_sasl_authenticated, rejct")
        self.assertEqual(r.rc, 1, r)
        d = r.json()
        self.assertTrue(EDIT_JSON_KEYS <= set(d), d.keys())
        self.assertIs(d["changed"], False)
        self.assertTrue(all(f["changed"] is False for f in d["files"]))
        self.assertEqual(d["status"], 1)
        self.assertIsNone(d["backup"])
        self.assertIn("rejct", d["diff"])
        self.assertEqual(len(d["errors"]), 1, d["errors"])
        self.assertIn('unknown restriction "rejct"',
                      d["errors"][0]["message"])
        self.assertIn(b'unknown restriction "rejct"', r.err)
        self.assertEqual(c.snapshot(), before)

    @requires_root
    @requires_postfix
    def test_json_failed_check_reports_nothing_changed(self):
        """Exit 2: the files were put back, so changed is false; the
        refused diff and postfix check's words are in the document."""
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        r = self.pf(c, "--no-reload", "-j", "param", "set",
                    "default_process_limit=abc")
        self.assertEqual(r.rc, 2, r)
        d = r.json()
        self.assertIs(d["changed"], False)
        self.assertTrue(all(f["changed"] is False for f in d["files"]))
        self.assertEqual(d["status"], 2)
        self.assertIsNone(d["backup"])
        self.assertIs(d["checked"], False)
        self.assertIn("+default_process_limit = abc", d["diff"])
        self.assertIn("default_process_limit", d["check_output"])
        self.assertTrue(any("postfix check failed" in e["message"]
                            for e in d["errors"]), d["errors"])
        self.assertEqual(c.files(), {"main.cf": DEBIAN_MAIN,
                                     "master.cf": DEBIAN_ENABLED_MASTER})

    def test_json_param_show_contract_example(self):
        c = self.conf()
        self.pf_ok(c, *FAST, "param", "set", "check_sender_mydomain="
                   "check_sender_access hash:/etc/postfix/permit_mydomain")
        self.pf_ok(c, *FAST, "param", "set", "mua_sender_restrictions="
                   "reject_non_fqdn_sender,${check_sender_mydomain},reject")
        d = self.pf_ok(c, "-j", "param", "show", "-x",
                       "mua_sender_restrictions").json()
        self.assertTrue(PARAM_JSON_KEYS <= set(d), d.keys())
        self.assertEqual(d["file"], c.path("main.cf"))
        self.assertEqual(len(d["parameters"]), 1)
        p = d["parameters"][0]
        self.assertTrue(PARAMETER_JSON_KEYS <= set(p), p.keys())
        n = len(lines_of(DEBIAN_MAIN)) + 2
        self.assertEqual(p, dict(p, name="mua_sender_restrictions",
                                 value="reject_non_fqdn_sender,"
                                 "${check_sender_mydomain},reject",
                                 expanded="reject_non_fqdn_sender,"
                                 "check_sender_access hash:/etc/postfix/"
                                 "permit_mydomain,reject", line=n))
        # Defaults come from postconf -d when main.cf does not set a name.
        d = self.pf_ok(c, "-j", "param", "show", "-x", "mydestination",
                       "myorigin").json()
        got = {p["name"]: p["expanded"] for p in d["parameters"]}
        self.assertEqual(got["mydestination"], "mail.example.org, "
                         "example.org, localhost.localdomain, localhost")
        self.assertEqual(got["myorigin"], self.postconf_lines(
            c, "-xh", "myorigin")[0])


# --------------------------------------------------------------------------
# 3. set-restriction, set, unset, param

class Restrictions(Base):

    def p_value(self, c, name, x=False):
        lines = self.postconf_lines(c, "-Px" if x else "-P", name)
        self.assertEqual(len(lines), 1, lines)
        _, _, v = lines[0].partition(" =")
        return v[1:] if v.startswith(" ") else v

    def test_undefined_name_is_written_with_a_note(self):
        """A $name that nothing defines expands to nothing: a typo in a
        restriction would quietly mean "no restriction".  The edit is
        made (Postfix accepts it), and says what check will warn."""
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        r = self.pf_ok(c, *FAST, "set-restriction", "submission", "helo",
                       "$mua_helo_restrictons")
        note = ("pfsubmit: check will warn: -o smtpd_helo_restrictions "
                "refers to $mua_helo_restrictons, which is not defined")
        self.assertIn(note, r.err.decode().splitlines())
        d = self.pf_ok(c, *FAST, "-j", "set-restriction", "submission",
                       "sender", "$mua_sender_restrictons").json()
        self.assertIn("check will warn: -o smtpd_sender_restrictions "
                      "refers to $mua_sender_restrictons, which is not "
                      "defined", d["notes"])
        # A warning that was there before is not repeated.
        d = self.pf_ok(c, *FAST, "-j", "param", "set", "biff=no").json()
        self.assertEqual([n for n in d["notes"] if "check will" in n], [])

    def test_issue_examples_as_written(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        self.pf_ok(c, *CHECKED, "set-restriction", "submission", "client",
                   "permit_sasl_authenticated,reject")
        self.assertEqual(self.p_value(
            c, "submission/inet/smtpd_client_restrictions"),
            "permit_sasl_authenticated,reject")
        value = ("reject_non_fqdn_sender, check_sender_access "
                 "hash:/etc/postfix/permit_mydomain, reject")
        # check's map rule: this host has no such table, so the edit is
        # refused with the command that makes it; --no-check writes it,
        # as for a staging directory whose host has the table.
        if IS_ROOT:
            before = c.snapshot()
            r = self.pf_ok(c, *CHECKED, "set-restriction", "submission",
                           "sender", value, rc=1)
            self.assertIn(b"postmap hash:/etc/postfix/permit_mydomain",
                          r.err)
            self.assertEqual(c.snapshot(), before)
        self.pf_ok(c, *FAST, "set-restriction", "submission", "sender",
                   value)
        self.assertEqual(self.p_value(
            c, "submission/inet/smtpd_sender_restrictions"), value)
        # Postfix 3.7: the { name = value } form, in place of the
        # template's empty -o line.
        want = lines_of(DEBIAN_ENABLED_MASTER)
        want[28] = b"  -o smtpd_client_restrictions=" \
                   b"permit_sasl_authenticated,reject\n"
        want[30] = ("  -o { smtpd_sender_restrictions = %s }\n" %
                    value).encode()
        self.assertEqual(c.read("master.cf"), b"".join(want))
        self.pf_ok(c, *FAST, "param", "set", "check_sender_mydomain="
                   "check_sender_access hash:/etc/postfix/permit_mydomain")
        self.assertEqual(c.read("main.cf"), DEBIAN_MAIN +
                         b"check_sender_mydomain = check_sender_access "
                         b"hash:/etc/postfix/permit_mydomain\n")
        self.pf_ok(c, *FAST, "set-restriction", "submission", "sender",
                   "reject_non_fqdn_sender,${check_sender_mydomain},reject")
        want[30] = (b"  -o smtpd_sender_restrictions=reject_non_fqdn_sender,"
                    b"${check_sender_mydomain},reject\n")
        self.assertEqual(c.read("master.cf"), b"".join(want))
        self.assertEqual(self.p_value(
            c, "submission/inet/smtpd_sender_restrictions"),
            "reject_non_fqdn_sender,${check_sender_mydomain},reject")
        self.assertEqual(self.p_value(
            c, "submission/inet/smtpd_sender_restrictions", x=True),
            "reject_non_fqdn_sender,check_sender_access "
            "hash:/etc/postfix/permit_mydomain,reject")
        if IS_ROOT:
            self.postfix_check(c)

    def test_via_param_writes_both_files_in_one_transaction(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        value = "reject_non_fqdn_sender, permit_sasl_authenticated, reject"
        d = self.pf_ok(c, *CHECKED, "-j", "set-restriction", "--via-param",
                       "mua_sender_restrictions", "submission", "sender",
                       value).json()
        self.assertEqual(sorted(f["changed"] for f in d["files"]),
                         [True, True])
        self.assertEqual(len(c.backup_ids()), 1, "one transaction, one set")
        bk = c.path(os.path.join("pfsubmit-backups", d["backup"]))
        for n in ("main.cf", "master.cf"):
            with open(os.path.join(bk, n), "rb") as f:
                self.assertEqual(f.read(), {"main.cf": DEBIAN_MAIN,
                                            "master.cf":
                                            DEBIAN_ENABLED_MASTER}[n])
        self.assertEqual(c.read("main.cf"), DEBIAN_MAIN +
                         ("mua_sender_restrictions = %s\n" % value).encode())
        want = lines_of(DEBIAN_ENABLED_MASTER)
        want[30] = b"  -o smtpd_sender_restrictions=$mua_sender_restrictions\n"
        self.assertEqual(c.read("master.cf"), b"".join(want))
        self.assertEqual(self.p_value(
            c, "submission/inet/smtpd_sender_restrictions"),
            "$mua_sender_restrictions")
        self.assertEqual(self.p_value(
            c, "submission/inet/smtpd_sender_restrictions", x=True), value)

    def test_via_param_refuses_postfix_parameter(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        for name in ("smtpd_sender_restrictions", "myhostname"):
            before = c.snapshot()
            r = self.pf(c, *FAST, "set-restriction", "--via-param", name,
                        "submission", "sender", "reject_non_fqdn_sender, "
                        "reject")
            self.assertOneLineRefusal(r, before, c)

    def test_unknown_class_refused(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        for cls in ("bogus", "smtpd_sender", "Client", "recipient_"):
            before = c.snapshot()
            r = self.pf(c, *FAST, "set-restriction", "submission", cls,
                        "reject")
            self.assertOneLineRefusal(r, before, c)

    def test_every_contract_class_accepted(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        classes = ["client", "helo", "sender", "relay", "recipient", "data",
                   "end_of_data", "etrn"]
        for cls in classes:
            self.pf_ok(c, *FAST, "set-restriction", "submission", cls,
                       "permit_sasl_authenticated,reject")
        got = self.postconf_lines(c, "-P", "submission/inet")
        for cls in classes:
            self.assertIn("submission/inet/smtpd_%s_restrictions = "
                          "permit_sasl_authenticated,reject" % cls, got)

    def test_service_not_live_refused(self):
        c = self.conf()             # submission still commented out
        for svc in ("submission", "submissions", "submission/inet",
                    "127.0.0.1:submission"):
            before = c.snapshot()
            r = self.pf(c, *FAST, "set-restriction", svc, "client",
                        "permit_sasl_authenticated,reject")
            self.assertOneLineRefusal(r, before, c)

    def test_set_and_unset_overrides(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        want = lines_of(DEBIAN_ENABLED_MASTER)
        # Replace in place.
        self.pf_ok(c, *FAST, "set", "submission",
                   "smtpd_tls_security_level=may")
        want[20] = b"  -o smtpd_tls_security_level=may\n"
        self.assertEqual(c.read("master.cf"), b"".join(want))
        # A new one goes after the last -o line, in the entry's style.
        self.pf_ok(c, *FAST, "set", "submission/inet",
                   "smtpd_helo_required=yes")
        want.insert(34, b"  -o smtpd_helo_required=yes\n")
        self.assertEqual(c.read("master.cf"), b"".join(want))
        # White space: { name = value }, and Postfix reads it back.
        self.pf_ok(c, *FAST, "set", "submission",
                   "smtpd_banner=$myhostname ESMTP submission")
        want.insert(35, b"  -o { smtpd_banner = $myhostname ESMTP "
                    b"submission }\n")
        self.assertEqual(c.read("master.cf"), b"".join(want))
        self.assertEqual(self.p_value(c, "submission/inet/smtpd_banner"),
                         "$myhostname ESMTP submission")
        self.assertEqual(self.p_value(c, "submission/inet/smtpd_banner",
                                      x=True),
                         "mail.example.org ESMTP submission")
        # Same value again: nothing changes.
        self.pf_ok(c, *FAST, "--detailed-exitcode", "set", "submission",
                   "smtpd_helo_required=yes", rc=0)
        # unset takes the whole line.
        self.pf_ok(c, *FAST, "--detailed-exitcode", "unset", "submission",
                   "smtpd_helo_restrictions", rc=5)
        del want[29]
        self.assertEqual(c.read("master.cf"), b"".join(want))
        got = self.postconf_lines(c, "-P", "submission/inet")
        self.assertNotIn("submission/inet/smtpd_helo_restrictions =", got)
        self.assertIn("submission/inet/smtpd_helo_required = yes", got)
        self.assertIn("submission/inet/smtpd_tls_security_level = may", got)
        self.pf_ok(c, *FAST, "--detailed-exitcode", "unset", "submission",
                   "smtpd_helo_restrictions", rc=0)
        if IS_ROOT:
            self.postfix_check(c)

    def test_param_set_replaces_in_place(self):
        c = self.conf()
        self.pf_ok(c, *FAST, "param", "set", "myhostname=mx.example.net")
        self.pf_ok(c, *FAST, "param", "set",
                   "smtpd_tls_cert_file=/etc/ssl/certs/new.pem")
        want = DEBIAN_MAIN.replace(
            b"\nmyhostname = mail.example.org\n",
            b"\nmyhostname = mx.example.net\n").replace(
            b"\nsmtpd_tls_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem\n",
            b"\nsmtpd_tls_cert_file=/etc/ssl/certs/new.pem\n")
        self.assertEqual(c.read("main.cf"), want)
        self.assertEqual(self.postconf_lines(c, "-h", "myhostname",
                                             "smtpd_tls_cert_file"),
                         ["mx.example.net", "/etc/ssl/certs/new.pem"])
        self.pf_ok(c, *FAST, "--detailed-exitcode", "param", "set",
                   "myhostname = mx.example.net", rc=0)

    def test_param_set_continued_value_as_postconf_e(self):
        # Replacing a value spread over lines: the continuation lines go,
        # the comment and blank line inside it stay -- as postconf -e does.
        c = self.conf(main=TRICKY_MAIN)
        ref = c.copy()
        self.addCleanup(ref.cleanup)
        self.pf_ok(c, *FAST, "param", "set", "multi=one,two")
        r = self.postconf(ref, "-e", "multi=one,two")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(c.read("main.cf"), ref.read("main.cf"))

    def test_param_set_appends_new(self):
        c = self.conf()
        self.pf_ok(c, *FAST, "param", "set", "mua_helo_restrictions=permit")
        self.assertEqual(c.read("main.cf"),
                         DEBIAN_MAIN + b"mua_helo_restrictions = permit\n")
        self.assertEqual(self.unused_params(c)["mua_helo_restrictions"],
                         "permit")

    def test_param_set_without_final_newline_not_corrupted(self):
        c = self.conf(main=NO_NL_MAIN)
        relay = self.postconf_lines(c, "-h", "relayhost")
        self.pf_ok(c, *FAST, "param", "set", "zeta=z")
        self.assertEqual(c.read("main.cf"), NO_NL_MAIN + b"\nzeta = z\n")
        self.assertEqual(self.postconf_lines(c, "-h", "relayhost"), relay)
        self.assertEqual(self.unused_params(c).get("zeta"), "z")

    def test_param_unset(self):
        c = self.conf()
        self.pf_ok(c, *FAST, "--detailed-exitcode", "param", "unset", "biff",
                   rc=5)
        self.assertEqual(c.read("main.cf"),
                         DEBIAN_MAIN.replace(b"\nbiff = no\n", b"\n"))
        self.assertNotIn("biff = no", self.postconf_lines(c, "-n"))
        self.pf_ok(c, *FAST, "--detailed-exitcode", "param", "unset", "biff",
                   rc=0)

    def test_param_show_text_and_x(self):
        c = self.conf()
        t = self.pf_ok(c, "param", "show", "mydestination", "biff").text()
        self.assertEqual(t, "mydestination = $myhostname, example.org, "
                         "localhost.localdomain, localhost\nbiff = no\n")
        t = self.pf_ok(c, "param", "show", "-x", "mydestination",
                       "smtp_tls_session_cache_database").text()
        want = self.postconf_lines(c, "-x", "mydestination",
                                   "smtp_tls_session_cache_database")
        self.assertEqual(t.splitlines(), want)
        r = self.pf(c, "param", "show", "no_such_parameter_here")
        self.assertEqual(r.rc, 1, r)


# --------------------------------------------------------------------------
# 4. The transaction (root: postfix check runs)

class Transaction(Base):

    @requires_root
    @requires_postfix
    def test_postfix_check_passes_after_each_edit(self):
        c = self.conf()
        edits = [
            ("enable",),
            ("enable", "submissions"),
            ("set-restriction", "submission", "sender",
             "reject_non_fqdn_sender, reject"),
            ("set-restriction", "--via-param", "mua_relay_restrictions",
             "submission", "relay", "permit_sasl_authenticated, reject"),
            ("set", "submissions", "smtpd_tls_security_level=encrypt"),
            ("unset", "submissions", "smtpd_helo_restrictions"),
            ("param", "set", "smtpd_tls_security_level=encrypt"),
            ("param", "unset", "biff"),
            ("disable", "submissions"),
        ]
        for e in edits:
            d = self.pf_ok(c, "--no-reload", "-j", *e).json()
            self.assertIs(d["checked"], True, e)
            self.postfix_check(c)

    @requires_root
    @requires_postfix
    def test_failed_check_restores_both_files(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        before = c.snapshot()
        r = self.pf(c, "--no-reload", "param", "set",
                    "default_process_limit=abc")
        self.assertEqual(r.rc, 2, r)
        self.assertIn(b"postfix check", r.err)
        self.assertEqual(c.files(), {"main.cf": DEBIAN_MAIN,
                                     "master.cf": DEBIAN_ENABLED_MASTER})
        after = c.snapshot(strict=False)
        before = {k: v[:5] if v[0] == "file" else v
                  for k, v in before.items()}
        after.pop("pfsubmit-backups", None)
        before.pop("pfsubmit-backups", None)
        self.assertEqual(after, before)
        self.postfix_check(c)

    def test_backups_newest_first(self):
        c = self.conf()
        # More than ten sets within a second or two: the order must not
        # depend on how the ids sort as text.
        cmds = [("enable",), ("param", "set", "a1=1"),
                ("set", "submission", "smtpd_helo_required=yes"),
                ("param", "set", "a2=2")] + [
                ("param", "set", "b%d=%d" % (i, i)) for i in range(10)]
        ids = []
        for cmd in cmds:
            ids.append(self.pf_ok(c, *FAST, "-j", *cmd).json()["backup"])
        self.assertEqual(len(set(ids)), len(ids))
        r = self.pf_ok(c, "backups")
        listed = [l.split()[0] for l in r.text().splitlines()]
        self.assertEqual(listed, ids[::-1])
        for line, cmd in zip(r.text().splitlines(), cmds[::-1]):
            self.assertIn(" ".join(cmd), line)
            self.assertIn("main.cf", line)
        d = self.pf_ok(c, "-j", "backups").json()
        self.assertEqual([b["id"] for b in d["backups"]], ids[::-1])
        for b in d["backups"]:
            self.assertTrue({"id", "time", "files"} <= set(b), b)

    @requires_root
    @requires_postfix
    def test_twenty_sets_kept_and_a_failed_edit_costs_none(self):
        """Twenty sets are kept besides the first (the configuration
        before pfsubmit's first edit, kept for ever), the oldest pruned
        after a successful edit; an edit that postfix check refuses
        removes its own set and no other (it used to prune the oldest
        before installing)."""
        c = self.conf()
        ids = [self.pf_ok(c, *FAST, "-j", "param", "set",
                          "p%d=%d" % (i, i)).json()["backup"]
               for i in range(22)]
        self.assertEqual(sorted(c.backup_ids()), sorted(ids[:1] + ids[2:]))
        r = self.pf(c, "--no-reload", "param", "set",
                    "default_process_limit=abc")
        self.assertEqual(r.rc, 2, r)
        self.assertEqual(sorted(c.backup_ids()), sorted(ids[:1] + ids[2:]))
        new = self.pf_ok(c, *FAST, "-j", "param", "set",
                         "q=1").json()["backup"]
        self.assertEqual(sorted(c.backup_ids()),
                         sorted(ids[:1] + ids[3:] + [new]))

    def test_rollback_restores_and_is_backed_up(self):
        c = self.conf()
        a = c.files()
        s1 = self.pf_ok(c, *CHECKED, "-j", "enable").json()["backup"]
        b = c.files()
        s2 = self.pf_ok(c, *CHECKED, "-j", "set-restriction", "--via-param",
                        "mua_client_restrictions", "submission", "client",
                        "permit_sasl_authenticated, reject").json()["backup"]
        cc = c.files()
        self.assertNotEqual(b, cc)
        d = self.pf_ok(c, *CHECKED, "-j", "rollback").json()
        self.assertEqual(c.files(), b, "rollback did not restore the files "
                         "before the last edit")
        self.assertIs(d["checked"], IS_ROOT)
        s3 = d["backup"]
        self.assertIsInstance(s3, str)
        listed = [l.split()[0] for l in
                  self.pf_ok(c, "backups").text().splitlines()]
        self.assertEqual(listed, [s3, s2, s1])
        with open(c.path("pfsubmit-backups/%s/main.cf" % s3), "rb") as f:
            self.assertEqual(f.read(), cc["main.cf"])
        with open(c.path("pfsubmit-backups/%s/master.cf" % s3), "rb") as f:
            self.assertEqual(f.read(), cc["master.cf"])
        # An explicit id, and undoing the rollback through its own set.
        self.pf_ok(c, *FAST, "rollback", s1)
        self.assertEqual(c.files(), a)
        self.pf_ok(c, *FAST, "rollback", s3)
        self.assertEqual(c.files(), cc)
        r = self.pf(c, *FAST, "rollback", "19700101T000000Z")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(c.files(), cc)
        if IS_ROOT:
            self.postfix_check(c)

    def test_rollback_without_id_walks_back(self):
        """Without an id, rollback undoes the last edit; right after a
        rollback it goes on from the set that rollback restored, so that
        repeated, it walks back through every edit to the first and then
        has nothing left.  Found: the third rollback went forward again,
        to the newest set that differed."""
        c = self.conf()
        states = [c.files()]
        for cmd in (("enable",), ("param", "set", "biff=yes"),
                    ("param", "set", "pfsubmit_test=x"),
                    ("param", "unset", "pfsubmit_test")):
            self.pf_ok(c, *FAST, *cmd)
            states.append(c.files())
        # The last edit undid the one before: the walk goes through it.
        self.assertEqual(states[4], states[2])
        for want in (states[3], states[2], states[1], states[0]):
            self.pf_ok(c, *FAST, "rollback")
            self.assertEqual(c.files(), want)
        r = self.pf(c, *FAST, "rollback")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(c.files(), states[0])
        # An edit after a rollback: the next rollback undoes that edit.
        self.pf_ok(c, *FAST, "param", "set", "biff=yes")
        self.pf_ok(c, *FAST, "rollback")
        self.assertEqual(c.files(), states[0])

    def test_disable_by_name_and_type(self):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        before = c.read("master.cf")
        # No such live service: nothing changes, exit 0 (idempotent).
        self.pf_ok(c, *FAST, "disable", "submission/unix")
        self.assertEqual(c.read("master.cf"), before)
        self.pf_ok(c, *FAST, "disable", "pickup/unix")
        new = [l for l in lines_of(c.read("master.cf"))
               if not l.startswith(b"#pfsubmit: disabled ")]
        old = lines_of(before)
        changed = [i for i, (x, y) in enumerate(zip(old, new)) if x != y]
        self.assertEqual(len(changed), 1, changed)
        self.assertEqual(new[changed[0]], b"#" + old[changed[0]])
        self.assertTrue(old[changed[0]].startswith(b"pickup"))
        names = [l.split()[0] for l in self.postconf_lines(c, "-M")]
        self.assertNotIn("pickup", names)
        self.assertIn("submission", names)

    def test_enable_warns_without_a_certificate(self):
        """With STARTTLS required and no certificate, no client could log
        in: enable says so, in text and in -j's notes."""
        main = b"".join(l for l in lines_of(DEBIAN_MAIN)
                        if not l.startswith((b"smtpd_tls_cert_file",
                                             b"smtpd_tls_key_file",
                                             b"smtpd_tls_chain_files")))
        c = self.conf(main=main)
        d = self.pf_ok(c, *FAST, "-n", "-j", "enable").json()
        self.assertTrue(any(n.startswith("warning: main.cf sets no server "
                                         "certificate") for n in d["notes"]),
                        d["notes"])
        r = self.pf_ok(c, *FAST, "enable")
        self.assertIn(b"pfsubmit: warning: main.cf sets no server "
                      b"certificate", r.err)
        # Debian's main.cf has the snakeoil pair: no such warning.
        c = self.conf()
        r = self.pf_ok(c, *FAST, "enable")
        self.assertNotIn(b"server certificate", r.err)

    def test_quiet_check_prints_only_errors(self):
        c = self.conf(main=DEBIAN_MAIN + b"smtpd_enforce_tls = no\n")
        r = self.pf(c, "check")
        self.assertEqual(r.rc, 0, r)
        self.assertIn(b": warning: ", r.out + r.err)
        r = self.pf(c, "-q", "check")
        self.assertEqual((r.rc, r.out, r.err), (0, b"", b""), r)

    def test_quiet_edit_says_nothing(self):
        c = self.conf()
        r = self.pf_ok(c, *FAST, "-q", "enable")
        self.assertEqual((r.out, r.err), (b"", b""), r)
        r = self.pf_ok(c, *FAST, "-q", "enable")
        self.assertEqual((r.out, r.err), (b"", b""), r)

    @requires_root
    def test_owner_and_mode_kept(self):
        gid = other_group()
        if gid is None:
            self.skipTest("no group other than root's")
        c = self.conf()
        for n in ("main.cf", "master.cf"):
            os.chmod(c.path(n), 0o640)
            os.chown(c.path(n), 0, gid)
        ino = {n: os.stat(c.path(n)).st_ino for n in ("main.cf", "master.cf")}

        def check():
            for n in ("main.cf", "master.cf"):
                st = os.stat(c.path(n))
                self.assertEqual((stat.S_IMODE(st.st_mode), st.st_uid,
                                  st.st_gid), (0o640, 0, gid), n)
        self.pf_ok(c, *CHECKED, "enable")
        self.pf_ok(c, *CHECKED, "set-restriction", "--via-param",
                   "mua_client_restrictions", "submission", "client",
                   "permit_sasl_authenticated, reject")
        for n in ("main.cf", "master.cf"):
            self.assertNotEqual(os.stat(c.path(n)).st_ino, ino[n],
                                "%s was not replaced by rename" % n)
        check()
        self.pf_ok(c, *FAST, "rollback")
        check()
        self.pf_ok(c, *FAST, "param", "set", "x=1")
        check()

    @requires_root
    def test_non_root_refused_without_no_check_no_reload(self):
        c = self.conf()
        uid, gid = nobody_ids()
        os.chmod(c.top, 0o755)
        for root, dirs, files in os.walk(c.dir):
            os.chown(root, uid, gid)
            for n in files:
                os.chown(os.path.join(root, n), uid, gid)
        for opts in ((), ("--no-check",), ("--no-reload",)):
            before = c.snapshot()
            r = self.pf(c, *opts, "param", "set", "a=b",
                        preexec_fn=as_nobody)
            self.assertOneLineRefusal(r, before, c)
            self.assertIn(b"root", r.err)
        before = c.snapshot()
        r = self.pf(c, "enable", preexec_fn=as_nobody)
        self.assertOneLineRefusal(r, before, c)
        # -n needs no root; a staging directory of one's own may be edited.
        r = self.pf_ok(c, "-n", "enable", preexec_fn=as_nobody)
        self.assertTrue(r.out.startswith(b"--- a/master.cf\n"), r)
        self.assertEqual(c.snapshot(), before)
        self.pf_ok(c, *FAST, "enable", preexec_fn=as_nobody)
        self.assertEqual(c.read("master.cf"), DEBIAN_ENABLED_MASTER)
        st = os.stat(c.path("master.cf"))
        self.assertEqual((st.st_uid, st.st_gid), (uid, gid))


# --------------------------------------------------------------------------
# 5. Hostile arguments and files: exit 1, one line, nothing changed

MIB2 = 2 * 1024 * 1024

HOSTILE_ARGS = [
    ("value_newline", ("param", "set", "a=b\nc=d")),
    ("value_cr", ("param", "set", "a=b\rc")),
    ("name_newline", ("param", "set", "a\nb=c")),
    ("unset_name_cr", ("param", "unset", "biff\r")),
    ("service_newline", ("set", "submission\n", "smtpd_helo_required=yes")),
    ("service_cr", ("set-restriction", "submission\r", "client", "reject")),
    ("override_value_newline", ("set", "submission", "smtpd_banner=a\nb")),
    ("override_name_newline", ("unset", "submission",
                               "smtpd_helo_restrictions\n")),
    ("restriction_newline", ("set-restriction", "submission", "client",
                             "permit_sasl_authenticated\nreject")),
    ("restriction_cr", ("set-restriction", "submission", "client",
                        "permit_sasl_authenticated,\rreject")),
    ("via_param_newline", ("set-restriction", "--via-param", "mua_x\n",
                           "submission", "client", "reject")),
    ("listen_newline", ("enable", "--listen", "127.0.0.1\n")),
    ("rollback_id_newline", ("rollback", "x\ny")),
    ("rollback_id_escape", ("rollback", "\x1b[2Jx")),
    ("value_escape", ("set", "submission", "smtpd_banner=a\x1b[2Jb")),
    ("param_value_escape", ("param", "set", "smtpd_banner=a\x1b]0;t\x07")),
    ("service_escape", ("set", "sub\x1b[2Jmission", "smtpd_banner=x")),
    ("param_show_newline", ("param", "show", "biff\nmyhostname")),
    ("value_starts_with_hash", ("param", "set", "a=#x")),
    ("value_starts_with_hash_spaced", ("param", "set", "a = #x")),
    ("override_value_starts_with_hash", ("set", "submission",
                                         "smtpd_banner=#x")),
    ("restriction_starts_with_hash", ("set-restriction", "submission",
                                      "client", "#reject")),
    ("argument_starts_with_hash", ("param", "set", "#a=x")),
    ("name_space", ("param", "set", "my param=x")),
    ("name_tab", ("param", "set", "my\tparam=x")),
    ("override_name_space", ("set", "submission", "smtpd banner=x")),
    ("unset_name_space", ("param", "unset", "my param")),
    ("via_param_space", ("set-restriction", "--via-param", "mua x",
                         "submission", "client", "reject")),
    ("service_equals", ("set", "sub=mission", "smtpd_helo_required=yes")),
    ("service_equals_restriction", ("set-restriction", "submission=x",
                                    "client", "reject")),
    ("service_equals_unset", ("unset", "submission/inet=x", "syslog_name")),
    ("braces_open", ("param", "set", "a={x")),
    ("braces_close", ("set", "submission", "smtpd_banner=x}")),
    ("braces_restriction", ("set-restriction", "submission", "client",
                            "{permit_sasl_authenticated, reject")),
    ("dollar_bare", ("param", "set", "a=$")),
    ("dollar_cost", ("param", "set", "a=cost 5$")),
    ("dollar_override", ("set", "submission", "smtpd_banner=cost 5$")),
    ("dollar_restriction", ("set-restriction", "submission", "client",
                            "permit, $")),
    ("dollar_unterminated", ("param", "set", "smtpd_banner=${myhostname")),
    ("unknown_class", ("set-restriction", "submission", "bogus", "reject")),
    ("unknown_class_prefixed", ("set-restriction", "submission",
                                "smtpd_client", "reject")),
    ("missing_equals_param", ("param", "set", "myhostname")),
    ("missing_equals_set", ("set", "submission", "smtpd_banner")),
    ("unknown_service_set", ("set", "nosuch", "smtpd_banner=x")),
    ("unknown_service_restriction", ("set-restriction", "nosuch", "client",
                                     "reject")),
    ("unknown_service_unset", ("unset", "nosuch", "syslog_name")),
    ("unknown_service_type", ("set", "submission/unix", "smtpd_banner=x")),
    ("bad_service_type", ("set", "submission/tcp", "smtpd_banner=x")),
    ("unknown_command", ("frobnicate",)),
    ("unknown_param_command", ("param", "frob", "a=b")),
    ("unknown_global_option", ("--frobnicate", "param", "set", "a=b")),
    ("unknown_command_option", ("param", "set", "--frobnicate", "a=b")),
    ("unknown_enable_option", ("enable", "--frobnicate")),
    ("unknown_profile", ("enable", "--profile", "ancient")),
    ("enable_other_service", ("enable", "smtp")),
    ("listen_space", ("enable", "--listen", "127.0.0.1 x")),
    ("listen_tab", ("enable", "--listen", "127.0.0.1\tx")),
    # An address with a port would become "[127.0.0.1:2525]:submission".
    ("listen_with_port", ("enable", "--listen", "127.0.0.1:2525")),
    ("listen_option_like", ("enable", "--listen", "-x")),
    ("listen_bracketed", ("enable", "--listen", "[::1]")),
    ("listen_empty", ("enable", "--listen", "")),
]


def _symlink_master(c):
    os.rename(c.path("master.cf"), c.path("master.cf.real"))
    os.symlink("master.cf.real", c.path("master.cf"))


def _symlink_main(c):
    os.rename(c.path("main.cf"), c.path("main.cf.real"))
    os.symlink("main.cf.real", c.path("main.cf"))


HOSTILE_FILES = [
    ("symlinked_master_enable", _symlink_master, ("enable",)),
    ("symlinked_master_param_set", _symlink_master,
     ("param", "set", "a=b")),
    ("symlinked_main", _symlink_main, ("param", "set", "a=b")),
    ("config_dir_writable_by_others",
     lambda c: os.chmod(c.dir, 0o777), ("param", "set", "a=b")),
    ("config_dir_writable_by_group",
     lambda c: os.chmod(c.dir, 0o775), ("enable",)),
    ("main_cf_writable_by_others",
     lambda c: os.chmod(c.path("main.cf"), 0o666), ("param", "set", "a=b")),
    ("master_cf_writable_by_group",
     lambda c: os.chmod(c.path("master.cf"), 0o664), ("enable",)),
    ("master_nul_byte",
     lambda c: c.write("master.cf", DEBIAN_MASTER.replace(
         b"pickup    unix", b"pickup\0   unix")), ("enable",)),
    ("main_nul_byte",
     lambda c: c.write("main.cf", DEBIAN_MAIN + b"x = a\0b\n"),
     ("param", "set", "a=b")),
    ("master_short_entry",
     lambda c: c.write("master.cf", DEBIAN_MASTER +
                       b"foo       unix  -       -       y\n"),
     ("param", "set", "a=b")),
    ("master_2mib_line",
     lambda c: c.write("master.cf", DEBIAN_MASTER +
                       b"bar unix - - y - - smtp\n  -o smtp_helo_name=" +
                       b"x" * MIB2 + b"\n"), ("enable",)),
    ("main_2mib_line",
     lambda c: c.write("main.cf", DEBIAN_MAIN + b"smtpd_banner = " +
                       b"x" * MIB2 + b"\n"), ("param", "set", "a=b")),
]


class Hostile(Base):
    """Each case: exit 1, one line on stderr, nothing on stdout, the
    directory exactly as before (no backup set, no lock file)."""

    def refusal(self, args, setup=None):
        c = self.conf(master=DEBIAN_ENABLED_MASTER)
        if setup is not None:
            setup(c)
        before = c.snapshot()
        r = self.pf(c, *FAST, *args)
        self.assertOneLineRefusal(r, before, c)
        # The same with the real transaction (root: postfix check).
        if IS_ROOT:
            r = self.pf(c, *CHECKED, *args)
            self.assertOneLineRefusal(r, before, c)


def _add_hostile_tests():
    for name, args in HOSTILE_ARGS:
        def t(self, args=args):
            self.refusal(args)
        t.__name__ = "test_arg_" + name
        t.__doc__ = "pfsubmit %s" % " ".join(repr(a) for a in args)
        setattr(Hostile, t.__name__, t)
    for name, setup, args in HOSTILE_FILES:
        def t(self, setup=setup, args=args):
            self.refusal(args, setup)
        t.__name__ = "test_file_" + name
        setattr(Hostile, t.__name__, t)


_add_hostile_tests()


HOSTILE_MASTER_OK = DEBIAN_MASTER + (
    b"sub\x1b[2Jmission inet n - y - - smtpd\n"
    b"  -o syslog_name=a\x1b[31mred\x07\n"
    b"  -o x\x1b]0;title\x07=1\n"
    b"  -o smtpd_banner=\x01\x02\x08\x0b\x0c\x7f$myhostname\n"
    b"  -o smtpd_client_restrictions=$mua\x1b[2J\n"
    b"#submission\x1b[2J inet n - y - - smtpd\n"
    b"#  -o smtpd_banner=\x1b[2J\x08x\n")
HOSTILE_MAIN_OK = DEBIAN_MAIN + (
    b"evil\x1b[2J = \x1b]0;x\x07 $myhostname\n"
    b"mua = a\x1b[31m\x0e\n")
HOSTILE_MASTER_BAD = DEBIAN_MASTER + (
    b"\x1b[2Jfoo unix - - y\n"
    b"sub\x1b[2J inet n - y - - smtpd\n"
    b"  -o { x\x1b]0;title\x07=1\n"
    b"  -o syslog_name=a\x1b[31m$\x07\n")
HOSTILE_MAIN_BAD = DEBIAN_MAIN + (
    b"evil = \x1b[2J$\x01x\n"
    b"bad\x1b[2J = ${\x1b[2J}\n"
    b"no equals \x1b[2J here\n")


class HostileOutput(Base):
    """Nothing a hostile file holds reaches the terminal raw."""

    COMMANDS = [("show",), ("show", "all"), ("-j", "show", "all"),
                ("show", "sub\\033[2Jmission"), ("check",), ("-j", "check"),
                ("param", "show"), ("param", "show", "-x"),
                ("-j", "param", "show"), ("-j", "param", "show", "-x"),
                ("param", "show", "-x", "mua", "evil\x1b[2J"),
                ("backups",)]
    EDITS = [("enable",), ("param", "set", "a=b"),
             ("set", "submission", "x=1")]

    def scan(self, c):
        for cmd in self.COMMANDS:
            r = self.pf(c, *cmd)
            for stream, data in (("stdout", r.out), ("stderr", r.err)):
                self.assertEqual(control_bytes(data), [],
                                 "raw control bytes on %s:%s" % (stream, r))
            if cmd[0] == "-j" and r.out:
                r.json()        # valid JSON even on a broken file
        for cmd in self.EDITS:
            r = self.pf(c, *FAST, "-n", *cmd)
            self.assertEqual(control_bytes(r.err), [], r)
            r = self.pf(c, *FAST, *cmd)
            self.assertEqual(control_bytes(r.err), [], r)
            self.assertEqual(control_bytes(r.out), [], r)

    def test_parseable_hostile_files(self):
        c = self.conf(master=HOSTILE_MASTER_OK, main=HOSTILE_MAIN_OK)
        r = self.pf_ok(c, "show", "all")
        self.assertIn(b"sub\\033[2Jmission", r.out)
        self.scan(c)

    def test_broken_hostile_files(self):
        c = self.conf(master=HOSTILE_MASTER_BAD, main=HOSTILE_MAIN_BAD)
        before = c.snapshot()
        r = self.pf(c, "check")
        self.assertEqual(r.rc, 1, r)
        self.scan(c)
        self.assertEqual(c.snapshot(), before)


# --------------------------------------------------------------------------
# 6. Concurrency with postconf -e

class Concurrency(Base):

    @requires_root
    @requires_postfix
    def test_parallel_pfsubmit_and_postconf(self):
        c = self.conf()
        n = 20
        env = dict(os.environ, LC_ALL="C")
        procs = []
        deadline = time.monotonic() + 120
        try:
            for i in range(1, n + 1):
                procs.append(subprocess.Popen(
                    [PFSUBMIT, "-q", "-c", c.dir, *FAST, "param", "set",
                     "p%d=v%d" % (i, i)], stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, env=env))
                procs.append(subprocess.Popen(
                    [POSTCONF, "-c", c.dir, "-e", "q%d=w%d" % (i, i)],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env))
            results = []
            for p in procs:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise subprocess.TimeoutExpired(p.args, 120)
                out, err = p.communicate(timeout=left)
                results.append((p.args, p.returncode, out, err))
        except subprocess.TimeoutExpired:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            self.fail("deadlock: not done within 120 s")
        for args, rc, out, err in results:
            self.assertEqual(rc, 0, "%r failed: %r %r" % (args, out, err))
        main = c.read("main.cf")
        for i in range(1, n + 1):
            for k, v in (("p%d" % i, "v%d" % i), ("q%d" % i, "w%d" % i)):
                found = re.findall(rb"(?m)^%s = (.*)$" % k.encode(), main)
                self.assertEqual(found, [v.encode()], "%s in main.cf" % k)
        self.assertTrue(main.startswith(DEBIAN_MAIN.rstrip(b"\n")))
        seen = self.unused_params(c)
        for i in range(1, n + 1):
            self.assertEqual(seen.get("p%d" % i), "v%d" % i)
            self.assertEqual(seen.get("q%d" % i), "w%d" % i)
        self.assertEqual(self.postconf(c, "-n").rc, 0)
        self.pf_ok(c, "check")
        self.assertEqual(c.read("master.cf"), DEBIAN_MASTER)
        self.assertEqual(c.leftovers(), [])


# --------------------------------------------------------------------------
# 7. check

class Check(Base):

    def test_enable_refuses_a_tampered_template(self):
        """A template whose restrictions let anyone relay is not turned
        on: check's open-relay rule, compared before and after."""
        master = fixture("check", "tampered", "master.cf")
        c = self.conf(master=master)
        before = c.snapshot()
        r = self.pf_ok(c, *FAST, "enable", rc=1)
        self.assertIn(b"an open relay", r.err)
        self.assertIn(b"nothing written", r.err)
        self.assertEqual(c.snapshot(), before)
        # The template, uncommented by hand, is what check reports.
        c.write("master.cf", uncomment_block(master, DEBIAN_SUBMISSION_HEADER))
        r = self.pf_ok(c, "--no-check", "check", rc=1)
        self.assertIn(b"error: submission/inet: an open relay", r.out)

    def test_check_debian_clean(self):
        c = self.conf()
        # The files alone: whether this host has the snake-oil
        # certificate, and for which name, is not the test's business.
        r = self.pf_ok(c, "--no-check", "check")
        self.assertNotIn(b": error: ", r.out)
        self.assertNotIn(b": warning: ", r.out)
        c2 = self.conf(master=DEBIAN_ENABLED_MASTER)
        self.pf_ok(c2, "--no-check", "check")

    def test_check_broken_files(self):
        nmain = len(lines_of(DEBIAN_MAIN))
        nmaster = len(lines_of(DEBIAN_MASTER))
        c = self.conf(
            master=DEBIAN_MASTER + b"foo       unix  -       -       y\n"
            b"sub inet n - y - - smtpd\n  -o {smtpd_banner=x\n",
            main=DEBIAN_MAIN + b"this line has no equals sign\n"
            b"smtpd_banner = cost 5$\n")
        before = c.snapshot()
        r = self.pf(c, "check")
        self.assertEqual(r.rc, 1, r)
        lines = r.text().splitlines()
        for path, line in ((c.path("master.cf"), nmaster + 1),
                           (c.path("master.cf"), nmaster + 2),
                           (c.path("main.cf"), nmain + 1),
                           (c.path("main.cf"), nmain + 2)):
            prefix = "%s:%d: error: " % (path, line)
            self.assertTrue(any(l.startswith(prefix) for l in lines),
                            "no %r line:%s" % (prefix, r))
        where = re.escape(c.dir + "/") + r"(main|master)\.cf"
        for l in lines:
            self.assertRegex(l, r"^(%s:\d+: (error|warning|note): .+|"
                             r"\d+ errors?, \d+ warnings?)$" % where)
        d = self.pf(c, "-j", "check")
        self.assertEqual(d.rc, 1, d)
        j = d.json()
        self.assertIsInstance(j, dict)
        findings = next(v for v in j.values() if isinstance(v, list))
        locs = {(f["file"], f["line"]) for f in findings}
        self.assertTrue({(c.path("master.cf"), nmaster + 1),
                         (c.path("main.cf"), nmain + 1)} <= locs, locs)
        for f in findings:
            self.assertTrue({"file", "line", "message"} <= set(f), f)
        self.assertEqual(c.snapshot(), before)

    def test_check_json_clean(self):
        c = self.conf()
        r = self.pf_ok(c, "-j", "check")
        j = r.json()
        findings = next(v for v in j.values() if isinstance(v, list))
        self.assertEqual([f for f in findings
                          if f.get("severity") == "error"], [])


# The check rules of the contract beyond postfix check.  hard: Postfix
# (master or the daemon) refuses it, so check must exit 1; otherwise a
# finding on the right line is enough.
_SUB_OK = (b"submission inet n - y - - smtpd\n"
           b"  -o smtpd_sasl_auth_enable=yes\n"
           b"  -o smtpd_tls_security_level=encrypt\n")
CHECK_RULES = [
    ("inet_private_y", b"2525      inet  y       -       y       -       -"
     b"       smtpd\n", None, True),
    ("uncommented_prose", _SUB_OK +
     b"     Instead of specifying complex smtpd_<xxx>_restrictions here,\n",
     None, True),
    ("bad_tls_security_level", b"submission inet n - y - - smtpd\n"
     b"  -o smtpd_sasl_auth_enable=yes\n"
     b"  -o smtpd_tls_security_level=bogus\n", None, True),
    ("bad_yes_no_value", b"submission inet n - y - - smtpd\n"
     b"  -o smtpd_sasl_auth_enable=maybe\n"
     b"  -o smtpd_tls_security_level=encrypt\n", None, True),
    ("unbalanced_braces", _SUB_OK + b"  -o { smtpd_banner = x\n", None, True),
    ("bare_dollar_override", _SUB_OK + b"  -o smtpd_banner=cost5$\n",
     None, True),
    ("bare_dollar_main", None, b"smtpd_banner = cost 5$\n", True),
    ("same_port_submission_587", _SUB_OK + b"587 inet n - y - - smtpd\n"
     b"  -o smtpd_sasl_auth_enable=yes\n"
     b"  -o smtpd_tls_security_level=encrypt\n", None, False),
    ("same_port_submissions_smtps",
     b"submissions inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n"
     b"  -o smtpd_tls_wrappermode=yes\n"
     b"smtps inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n"
     b"  -o smtpd_tls_wrappermode=yes\n", None, False),
    ("undefined_reference", _SUB_OK +
     b"  -o smtpd_client_restrictions=$undefined_thing\n", None, False),
    ("submission_without_sasl", b"submission inet n - y - - smtpd\n"
     b"  -o smtpd_tls_security_level=encrypt\n", None, False),
    ("submission_without_tls", b"submission inet n - y - - smtpd\n"
     b"  -o smtpd_sasl_auth_enable=yes\n", None, False),
]


def _add_check_rule_tests():
    for name, master_extra, main_extra, hard in CHECK_RULES:
        def t(self, master_extra=master_extra, main_extra=main_extra,
              hard=hard):
            master = DEBIAN_MASTER + (master_extra or b"")
            main = DEBIAN_MAIN + (main_extra or b"")
            c = self.conf(master=master, main=main)
            if master_extra:
                fname = "master.cf"
                first = len(lines_of(DEBIAN_MASTER)) + 1
                last = len(lines_of(master))
            else:
                fname = "main.cf"
                first = len(lines_of(DEBIAN_MAIN)) + 1
                last = len(lines_of(main))
            r = self.pf(c, "check")
            pat = re.compile(r"^%s:(\d+): " % re.escape(c.path(fname)))
            hits = [int(m.group(1)) for m in
                    (pat.match(l) for l in r.text().splitlines()) if m]
            self.assertTrue(any(first <= h <= last for h in hits),
                            "no finding for lines %d-%d of %s:%s" %
                            (first, last, fname, r))
            if hard:
                self.assertEqual(r.rc, 1, "Postfix refuses this; check "
                                 "must exit 1:%s" % r)
        t.__name__ = "test_rule_" + name
        setattr(Check, t.__name__, t)


_add_check_rule_tests()


# --------------------------------------------------------------------------
# The runner: one line per test, then the failures, then a summary.

class LineResult(unittest.TestResult):

    def __init__(self):
        super().__init__()
        self.t0 = 0
        self.passed = 0
        self.log = []

    def name(self, test):
        return "%s.%s" % (type(test).__name__, test._testMethodName)

    def startTest(self, test):
        super().startTest(test)
        self.t0 = time.monotonic()

    def line(self, word, test, extra=""):
        print("%-5s %s (%.2fs)%s" % (word, self.name(test),
                                     time.monotonic() - self.t0, extra),
              flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1
        self.line("ok", test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.line("FAIL", test)

    def addError(self, test, err):
        super().addError(test, err)
        self.line("ERROR", test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.line("skip", test, ": " + reason)


def main(argv):
    global VERBOSE
    args = [a for a in argv if a != "-v"]
    VERBOSE = len(args) != len(argv)
    if not os.access(PFSUBMIT, os.X_OK):
        print("cli_test: %s is missing; run make first" % PFSUBMIT)
        return 1
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for cls in (Enable, DryRunAndJson, Restrictions, Transaction, Hostile,
                HostileOutput, Concurrency, Check):
        for t in loader.loadTestsFromTestCase(cls):
            name = "%s.%s" % (cls.__name__, t._testMethodName)
            if not args or any(a in name for a in args):
                suite.addTest(t)
    if not HAVE_POSTFIX:
        print("cli_test: warning: Postfix is not installed; the tests "
              "compare with postconf and will fail")
    if not IS_ROOT:
        print("cli_test: note: not root; postfix check, ownership and "
              "concurrency tests are skipped")
    t0 = time.monotonic()
    result = LineResult()
    suite.run(result)
    secs = time.monotonic() - t0
    for kind, items in (("FAIL", result.failures), ("ERROR", result.errors)):
        for test, tb in items:
            print("\n" + "=" * 70)
            print("%s: %s" % (kind, result.name(test)))
            if test._testMethodDoc:
                print(test._testMethodDoc.strip())
            print("-" * 70)
            print(tb.rstrip())
    nfail = len(result.failures) + len(result.errors)
    print("\ncli_test: %d tests, %d passed, %d failed, %d skipped in %.1f s"
          % (result.testsRun, result.passed, nfail, len(result.skipped),
             secs))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
