#!/usr/bin/env python3
#
# The transaction from outside: the real ./pfsubmit, the real Postfix,
# and the hostile or unlucky things that happen around an edit.
#
#	python3 tests/txn_test.py [-v] [substring ...]
#
#   Swap        a parent directory renamed while pfsubmit works: refused
#               up front when another user owns a parent; postfix never
#               runs on a directory swapped in by anyone.
#   Recovery    a killed run is undone only over the files its journal
#               describes; a later postconf -e is kept.  A run killed
#               after postfix check, before the reload: the next run
#               reloads.  Ctrl-C during postfix check finishes the edit
#               and says so.
#   Backups     the info file cannot be forged by an argument; order by
#               sequence number, not clock; the first set is kept;
#               retention; backups show and diff; rollback over a broken
#               file; a set with check errors; backups as non-root.
#   Report      needs_restart, check_output, diff_base64 (applies with
#               patch), an override's error with its file and line.
#   Attributes  an edit keeps user.* attributes and the POSIX ACL.
#
# Root only for most (postfix check, useradd, strace); each test that
# needs a tool it lacks is skipped.  Every test makes its own scratch
# directory under $TMPDIR, and a user made for a test is removed after.
# Python 3 standard library only.

import base64
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_test as ct                                   # noqa: E402

PFSUBMIT = ct.PFSUBMIT
FAST = ct.FAST
CHECKED = ct.CHECKED
IS_ROOT = ct.IS_ROOT
STRACE = shutil.which("strace")
SETFACL = shutil.which("setfacl")
GETFACL = shutil.which("getfacl")
USERADD = shutil.which("useradd")
PATCH = shutil.which("patch")
JOURNAL = "pfsubmit.journal"

# Changes main.cf and master.cf (a -o override pointing to a new
# parameter): both files are installed, one after the other.
EDIT_BOTH = ["set-restriction", "submission", "sender",
             "check_sender_access hash:/x, reject",
             "--via-param", "mua_sender_restrictions"]

# Run as the user or root that swaps directories: waits (inotify) for the
# journal to appear in WATCH, then renames VICTIM aside and EVIL in its
# place; prints "ready" once watching.
SWAPPER = r'''
import ctypes, os, struct, sys
watch, victim, evil = sys.argv[1:4]
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init()
wd = libc.inotify_add_watch(fd, watch.encode(), 0x100 | 0x80)
if fd < 0 or wd < 0:
    sys.exit(3)
print("ready", flush=True)
while True:
    buf = os.read(fd, 65536)
    off = 0
    while off < len(buf):
        _, _, _, n = struct.unpack_from("iIII", buf, off)
        name = buf[off + 16:off + 16 + n].rstrip(b"\0")
        off += 16 + n
        if name.startswith(b"pfsubmit.journal"):
            os.rename(victim, victim + ".real")
            os.rename(evil, victim)
            print("swapped", flush=True)
            sys.exit(0)
'''


def needs(cond, why):
    return unittest.skipUnless(cond, why)


def write(path, data, mode=0o644, uid=None):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    if uid is not None:
        os.chown(path, uid, -1)
    t = time.time() - 60
    os.utime(path, (t, t))


def read(path):
    with open(path, "rb") as f:
        return f.read()


class TestUser:
    """An unprivileged user made for one test, removed by cleanup()."""

    def __init__(self):
        self.name = "pfsub%d" % os.getpid()
        subprocess.run([USERADD, "-M", "-N", "-r", "-s", "/bin/false",
                        self.name], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        pw = pwd.getpwnam(self.name)
        self.uid, self.gid = pw.pw_uid, pw.pw_gid

    def become(self):
        os.setgroups([])
        os.setgid(self.gid)
        os.setuid(self.uid)

    def cleanup(self):
        subprocess.run(["userdel", self.name], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def strace_calls(argv, calls):
    """Run argv under strace, tracing calls; the list of (name, args)."""
    fd, out = tempfile.mkstemp(prefix="pfsubmit-strace.")
    os.close(fd)
    try:
        ct.run([STRACE, "-o", out, "-qq", "-y", "-e", "trace=" +
                ",".join(calls)] + argv)
        got = []
        for line in open(out, encoding="utf-8", errors="replace"):
            m = re.match(r"(\w+)\((.*)", line)
            if m:
                got.append((m.group(1), m.group(2)))
        return got
    finally:
        os.unlink(out)


def occurrence(calls, pred):
    """(name, n): the first call for which pred holds, and how many calls
    of that name up to it (strace's when=n)."""
    for i, (name, args) in enumerate(calls):
        if pred(name, args):
            return name, sum(1 for c in calls[:i + 1] if c[0] == name)
    return None, 0


def killed_at(argv, name, n):
    """Run argv under strace, killed on entering the nth call of name."""
    return ct.run([STRACE, "-o", "/dev/null", "-qq", "-e", "trace=" + name,
                   "-e", "inject=%s:signal=SIGKILL:when=%d" % (name, n)] +
                  argv)


class Base(ct.Base):
    def marker_tree(self, top, owner):
        """top/evil: a configuration whose postfix-script, run by any
        postfix -c top/evil, leaves top/MARKER.  Owned by owner."""
        evil = os.path.join(top, "evil")
        daemon = os.path.join(top, "evild")
        os.mkdir(evil, 0o755)
        os.mkdir(daemon, 0o755)
        write(os.path.join(evil, "master.cf"), ct.DEBIAN_MASTER)
        write(os.path.join(evil, "main.cf"), ct.DEBIAN_MAIN +
              b"daemon_directory = " + daemon.encode() + b"\n")
        write(os.path.join(daemon, "postfix-script"), b"#!/bin/sh\n"
              b"touch '" + top.encode() + b"/MARKER'\nexit 0\n", 0o755)
        for p in (evil, daemon):
            os.chown(p, owner, -1)
            for n in os.listdir(p):
                os.chown(os.path.join(p, n), owner, -1)
        return evil

    def swapper(self, watch, victim, evil, preexec_fn=None):
        # The user made for the test may not reach this interpreter.
        python = "/usr/bin/python3" if os.access("/usr/bin/python3",
                                                 os.X_OK) else sys.executable
        p = subprocess.Popen([python, "-c", SWAPPER, watch, victim,
                              evil], stdout=subprocess.PIPE,
                             preexec_fn=preexec_fn)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        self.assertEqual(p.stdout.readline(), b"ready\n")
        return p


# --------------------------------------------------------------------------

class Swap(Base):
    @ct.requires_root
    @ct.requires_postfix
    @needs(USERADD is not None, "useradd is missing")
    def test_parent_owned_by_another_user_is_refused(self):
        """The race of the parent-directory swap: a user owns a parent of -c and renames
        her own directory into place when the journal appears.  pfsubmit
        must refuse the path before anything is written, and her
        postfix-script must never run."""
        u = TestUser()
        self.addCleanup(u.cleanup)
        top = tempfile.mkdtemp(prefix="pfsubmit-swap.")
        self.addCleanup(shutil.rmtree, top, True)
        os.chmod(top, 0o755)
        home = os.path.join(top, "home")
        os.mkdir(home, 0o755)
        os.chown(home, u.uid, u.gid)
        conf = os.path.join(home, "postfix")
        os.mkdir(conf, 0o755)
        write(os.path.join(conf, "main.cf"), ct.DEBIAN_MAIN)
        write(os.path.join(conf, "master.cf"), ct.DEBIAN_MASTER)
        evil = self.marker_tree(top, u.uid)
        os.rename(evil, os.path.join(home, "evil"))
        evil = os.path.join(home, "evil")
        sw = self.swapper(conf, conf, evil, preexec_fn=u.become)
        argv = [PFSUBMIT, "-c", conf, "--no-reload", "param", "set",
                "mynetworks=127.0.0.0/8"]
        # Slow fsync down, so that a swap on the journal surely comes
        # before postfix check (as a determined attacker's would).
        if STRACE:
            argv = [STRACE, "-o", "/dev/null", "-qq", "-e", "trace=fsync",
                    "-e", "inject=fsync:delay_exit=200000"] + argv
        r = ct.run(argv)
        sw.kill()
        sw.wait()
        self.assertFalse(os.path.exists(os.path.join(top, "MARKER")),
                         "postfix ran on the swapped directory:%s" % r)
        self.assertEqual(r.rc, 1, r)
        self.assertIn(b"owned by uid %d" % u.uid, r.err)
        self.assertEqual(r.err.count(b"\n"), 1, r)
        self.assertEqual(read(os.path.join(conf, "main.cf")), ct.DEBIAN_MAIN)

    @ct.requires_root
    @ct.requires_postfix
    @needs(STRACE is not None, "strace is missing")
    def test_swap_before_check_is_noticed(self):
        """Whoever swaps the directory (here root itself, which the
        component check cannot prevent), postfix check and reload run
        only on the directory that was opened and written: the edit is
        undone in that directory, and the swapped-in one is never run."""
        top = tempfile.mkdtemp(prefix="pfsubmit-swap.")
        self.addCleanup(shutil.rmtree, top, True)
        os.chmod(top, 0o755)
        conf = os.path.join(top, "postfix")
        os.mkdir(conf, 0o755)
        write(os.path.join(conf, "main.cf"), ct.DEBIAN_MAIN)
        write(os.path.join(conf, "master.cf"), ct.DEBIAN_MASTER)
        evil = self.marker_tree(top, 0)
        sw = self.swapper(conf, conf, evil)
        r = ct.run([STRACE, "-o", "/dev/null", "-qq", "-e", "trace=fsync",
                    "-e", "inject=fsync:delay_exit=200000", PFSUBMIT, "-c",
                    conf, "param", "set", "mynetworks=127.0.0.0/8"])
        self.assertEqual(sw.stdout.readline(), b"swapped\n")
        self.assertFalse(os.path.exists(os.path.join(top, "MARKER")),
                         "postfix ran on the swapped directory:%s" % r)
        self.assertEqual(r.rc, 2, r)
        self.assertIn(b"is no longer the directory pfsubmit opened", r.err)
        # The edit was undone where it was made.
        self.assertEqual(read(os.path.join(conf + ".real", "main.cf")),
                         ct.DEBIAN_MAIN)
        self.assertNotIn(JOURNAL, os.listdir(conf + ".real"))

    def test_control_character_in_path(self):
        """A newline or escape in -c is refused before anything is opened
        (it would go into main.cf values, messages and argv)."""
        top = tempfile.mkdtemp(prefix="pfsubmit-swap.")
        self.addCleanup(shutil.rmtree, top, True)
        for name in ("a\nb", "a\x1b[2Jb", "a\tb"):
            d = os.path.join(top, name)
            os.mkdir(d, 0o755)
            write(os.path.join(d, "main.cf"), ct.DEBIAN_MAIN)
            write(os.path.join(d, "master.cf"), ct.DEBIAN_MASTER)
            for args in (FAST + ("param", "set", "a=b"), ("backups",),
                         ("show",)):
                r = ct.run([PFSUBMIT, "-c", d] + list(args))
                self.assertEqual(r.rc, 1, r)
                self.assertEqual(r.err.count(b"\n"), 1, r)
                self.assertIn(b"control character", r.err)
                self.assertEqual(ct.control_bytes(r.err), [], r)
            self.assertEqual(sorted(os.listdir(d)), ["main.cf", "master.cf"])

    def test_group_writable_parent(self):
        c = self.conf()
        os.chmod(c.top, 0o775)
        before = c.snapshot()
        r = self.pf(c, *FAST, "param", "set", "a=b")
        self.assertOneLineRefusal(r, before, c)
        self.assertIn(b"writable by its group", r.err)
        # A sticky directory, such as /tmp, is not a refusal.
        os.chmod(c.top, 0o1777)
        self.pf_ok(c, *FAST, "param", "set", "a=b")


# --------------------------------------------------------------------------

class Recovery(Base):
    @ct.requires_root
    @needs(STRACE is not None, "strace is missing")
    def test_later_edit_survives_recovery(self):
        """A run killed between the two installs, then postconf -e: the
        next run does not put the old main.cf back over the later change;
        it keeps the files and the journal (aside), and says what to do."""
        c = self.conf(master=ct.DEBIAN_ENABLED_MASTER)
        argv = [PFSUBMIT, "-c", c.dir] + list(FAST) + EDIT_BOTH
        probe = c.copy()
        self.addCleanup(probe.cleanup)
        calls = strace_calls([PFSUBMIT, "-c", probe.dir] + list(FAST) +
                             EDIT_BOTH, ["rename", "renameat", "renameat2"])
        name, n = occurrence(calls, lambda nm, a:
                             '"master.cf.pfsubmit-new"' in a)
        self.assertIsNotNone(name, calls)
        r = killed_at(argv, name, n)
        self.assertEqual(r.rc, -signal.SIGKILL, r)
        self.assertIn(JOURNAL, os.listdir(c.dir))
        self.assertNotEqual(c.read("main.cf"), ct.DEBIAN_MAIN)
        pc = ct.run([ct.POSTCONF, "-c", c.dir, "-e",
                     "mynetworks = 192.0.2.0/24"])
        self.assertEqual(pc.rc, 0, pc)
        after_postconf = c.files()
        r = self.pf(c, *FAST, "param", "set", "x=1")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err.count(b"\n"), 1, r)
        self.assertIn(b"changed since a pfsubmit run was interrupted", r.err)
        self.assertIn(b"pfsubmit rollback", r.err)
        self.assertEqual(c.files(), after_postconf)
        kept = [n for n in os.listdir(c.dir) if n.startswith(JOURNAL + ".")]
        self.assertEqual(len(kept), 1, os.listdir(c.dir))
        self.assertNotIn(JOURNAL, os.listdir(c.dir))
        # The next run goes on from the files as they are.
        self.pf_ok(c, *FAST, "param", "set", "x=1")
        self.assertIn(b"mynetworks = 192.0.2.0/24", c.read("main.cf"))
        self.assertIn(b"\nx = 1\n", c.read("main.cf"))

    @ct.requires_root
    @needs(STRACE is not None, "strace is missing")
    def test_untouched_files_are_recovered(self):
        """The same kill without a later change: undone as before."""
        c = self.conf(master=ct.DEBIAN_ENABLED_MASTER)
        argv = [PFSUBMIT, "-c", c.dir] + list(FAST) + EDIT_BOTH
        probe = c.copy()
        self.addCleanup(probe.cleanup)
        calls = strace_calls([PFSUBMIT, "-c", probe.dir] + list(FAST) +
                             EDIT_BOTH, ["rename", "renameat", "renameat2"])
        name, n = occurrence(calls, lambda nm, a:
                             '"master.cf.pfsubmit-new"' in a)
        r = killed_at(argv, name, n)
        self.assertEqual(r.rc, -signal.SIGKILL, r)
        r = self.pf_ok(c, *FAST, "param", "set", "x=1")
        self.assertIn(b"interrupted before it was checked has been undone",
                      r.err)
        self.assertEqual(c.read("master.cf"), ct.DEBIAN_ENABLED_MASTER)
        self.assertEqual(c.read("main.cf"), ct.DEBIAN_MAIN + b"x = 1\n")

    def test_damaged_journal_is_kept_not_followed(self):
        """A journal this version cannot read (damaged, or an older
        format without the files' hashes) is not followed: it is kept
        aside inside the directory, whatever id it names, and nothing is
        put back."""
        for text in (b"pfsubmit journal 2\nbackup: ../../x\nbogus\n",
                     b"backup: 20200101T000000Z\ncommand: pfsubmit\n"):
            c = self.conf()
            c.write("main.cf.pfsubmit-old", b"old = 1\n")
            c.write(JOURNAL, text, 0o600)
            r = self.pf(c, *FAST, "param", "set", "x=1")
            self.assertEqual(r.rc, 1, r)
            self.assertEqual(r.err.count(b"\n"), 1, r)
            self.assertIn(b"another version of pfsubmit, or damaged",
                          r.err)
            self.assertEqual(c.read("main.cf"), ct.DEBIAN_MAIN)
            kept = sorted(n for n in os.listdir(c.dir)
                          if n.startswith(JOURNAL))
            self.assertEqual(len(kept), 1, kept)
            self.assertEqual(read(c.path(kept[0])), text)
            self.assertEqual(sorted(os.listdir(c.top)), ["postfix"])
            self.pf_ok(c, *FAST, "param", "set", "x=1")

    @ct.requires_root
    @ct.requires_postfix
    @needs(STRACE is not None, "strace is missing")
    def test_killed_before_reload_reloads_next_time(self):
        """Killed after postfix check passed and before the reload: the
        next run (even one with nothing to change) notices and reloads,
        or says why not."""
        c = self.conf()
        argv = [PFSUBMIT, "-c", c.dir, "param", "set", "x=1"]
        probe = c.copy()
        self.addCleanup(probe.cleanup)
        calls = strace_calls([PFSUBMIT, "-c", probe.dir, "param", "set",
                              "x=1"], ["renameat", "clone", "clone3",
                                       "vfork", "fork"])
        seen = [0]

        def after_reload_state(nm, a):
            if '"pfsubmit.journal"' in a and nm.startswith("rename"):
                seen[0] += 1
                return False
            return seen[0] == 2 and not nm.startswith("rename")
        name, n = occurrence(calls, after_reload_state)
        self.assertIsNotNone(name, calls)
        r = killed_at(argv, name, n)
        self.assertEqual(r.rc, -signal.SIGKILL, r)
        self.assertIn(b"state: reload", read(c.path(JOURNAL)))
        r = self.pf_ok(c, "--no-check", "param", "set", "x=1")
        self.assertIn(b"nothing to change", r.out + r.err)
        self.assertIn(b"interrupted after its edit was checked and before "
                      b"Postfix was reloaded", r.err)
        self.assertNotIn(JOURNAL, os.listdir(c.dir))

    @ct.requires_root
    @ct.requires_postfix
    def test_interrupt_during_check_finishes(self):
        """Ctrl-C while postfix check runs: the edit is finished (checked,
        and reloaded when Postfix runs) and pfsubmit says so, instead of
        dying with the files installed, unannounced and not reloaded."""
        c = self.conf()
        p = subprocess.Popen([PFSUBMIT, "-c", c.dir, "param", "set", "x=1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        children = "/proc/%d/task/%d/children" % (p.pid, p.pid)
        deadline = time.monotonic() + 30
        sent = False
        while time.monotonic() < deadline and p.poll() is None:
            try:
                kids = open(children).read().split()
            except OSError:
                kids = []
            for k in kids:
                try:
                    cmd = open("/proc/%s/cmdline" % k, "rb").read()
                except OSError:
                    continue
                if b"\0check" in cmd:
                    p.send_signal(signal.SIGINT)
                    sent = True
            if sent:
                break
            time.sleep(0.002)
        out, err = p.communicate(timeout=120)
        self.assertTrue(sent, "postfix check was not seen running")
        self.assertIn(b"interrupted: the edit was finished first", err)
        self.assertIn(b"postfix check passed", err)
        self.assertEqual(c.read("main.cf"), ct.DEBIAN_MAIN + b"x = 1\n")
        self.assertNotIn(JOURNAL, os.listdir(c.dir))
        self.assertEqual(c.leftovers(), [])


# --------------------------------------------------------------------------

class Backups(Base):
    def test_info_cannot_be_forged(self):
        """The info file is encoded after a header: a line forged into
        it (as a newline in an argument once made) does not count, and a
        value comes back as it was given.  (That no argument can add a
        line is tests/test_backup.c's.)"""
        c = self.conf()
        d = self.pf_ok(c, *FAST, "-j", "param", "set", "x=1").json()
        info = read(c.path("pfsubmit-backups/%s/info" % d["backup"]))
        self.assertTrue(info.startswith(b"version: 2\nseq: 1\nfirst: "
                                        b"yes\n"), info)
        sid = "20200101T000000Z"
        os.makedirs(c.path("pfsubmit-backups/" + sid), 0o700)
        write(c.path("pfsubmit-backups/%s/main.cf" % sid), ct.DEBIAN_MAIN)
        write(c.path("pfsubmit-backups/%s/master.cf" % sid),
              ct.DEBIAN_MASTER)
        write(c.path("pfsubmit-backups/%s/info" % sid),
              b"version: 2\nrollback: no\ncommand: a\\012rollback: "
              b"yes\nrollback: yes\n", 0o600)
        b = self.pf_ok(c, "-j", "backups").json()["backups"]
        mine = [x for x in b if x["id"] == sid][0]
        self.assertIs(mine["rollback"], False)
        self.assertEqual(mine["command"], "a\nrollback: yes")
        out = self.pf_ok(c, "backups").out
        self.assertEqual(out.count(b"\n"), 2, out)
        self.assertIn(b"a\\nrollback: yes", out)

    def test_order_by_sequence_not_clock(self):
        """Sets named by a clock that was ahead: the next edit's set is
        still the newest, is not pruned, and rollback takes it."""
        c = self.conf()
        ids = [self.pf_ok(c, *FAST, "-j", "param", "set",
                          "p%d=%d" % (i, i)).json()["backup"]
               for i in range(21)]
        bk = c.path("pfsubmit-backups")
        for i, sid in enumerate(ids):
            os.rename(os.path.join(bk, sid),
                      os.path.join(bk, "2099%02d01T000000Z" % (i % 12 + 1)
                                   if i < 12 else
                                   "2098%02d01T000000Z" % (i - 11)))
        before = c.files()
        new = self.pf_ok(c, *FAST, "-j", "param", "set",
                         "q=1").json()["backup"]
        listed = self.pf_ok(c, "-j", "backups").json()["backups"]
        self.assertEqual(listed[0]["id"], new)
        self.assertIn(new, c.backup_ids())
        self.pf_ok(c, *FAST, "rollback")
        self.assertEqual(c.files(), before)

    def test_first_set_kept_and_retention(self):
        c = self.conf()
        first = self.pf_ok(c, *FAST, "-j", "param", "set",
                           "a=0").json()["backup"]
        write(c.path("pfsubmit-backups/keep"), b"3\n", 0o600)
        ids = [self.pf_ok(c, *FAST, "-j", "param", "set",
                          "a=%d" % i).json()["backup"] for i in range(1, 6)]
        self.assertEqual([i for i in c.backup_ids() if i != "keep"],
                         sorted([first] + ids[-3:]))
        b = self.pf_ok(c, "-j", "backups").json()["backups"]
        self.assertEqual([x["first"] for x in b], [False] * 3 + [True])
        self.assertIn(b"(first, kept)", self.pf_ok(c, "backups").out)

    def test_show_and_diff(self):
        c = self.conf()
        sid = self.pf_ok(c, *FAST, "-j", "param", "set",
                         "mynetworks=10.0.0.0/8").json()["backup"]
        r = self.pf_ok(c, "backups", "show", sid)
        self.assertIn(b"id: " + sid.encode() + b"\n", r.out)
        self.assertIn(b"command: pfsubmit -c", r.out)
        self.assertIn(b"file: main.cf  %d bytes  mode 0644" %
                      len(ct.DEBIAN_MAIN), r.out)
        d = self.pf_ok(c, "-j", "backups", "show", sid).json()
        self.assertEqual(d["id"], sid)
        self.assertIs(d["first"], True)
        self.assertEqual([f["name"] for f in d["file_details"]],
                         ["main.cf", "master.cf"])
        r = self.pf_ok(c, "backups", "diff", sid)
        self.assertIn(b"--- a/main.cf\n+++ b/main.cf\n", r.out)
        self.assertIn(b"\n+mynetworks = 10.0.0.0/8\n", r.out)
        self.assertNotIn(b"master.cf", r.out)
        d = self.pf_ok(c, "-j", "backups", "diff", sid).json()
        self.assertEqual(base64.b64decode(d["diff_base64"]), r.out)
        r = self.pf(c, "backups", "show", "20200101T000000Z")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, b"pfsubmit: error: no backup set "
                         b"20200101T000000Z; pfsubmit backups lists them\n")

    @ct.requires_root
    def test_backups_as_non_root(self):
        c = self.conf()
        os.chmod(c.top, 0o755)
        self.pf_ok(c, *FAST, "param", "set", "a=b")
        r = ct.run([PFSUBMIT, "-c", c.dir, "backups"],
                   preexec_fn=ct.as_nobody)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, b"", r)
        self.assertEqual(r.err.count(b"\n"), 1, r)
        self.assertIn(b"only root may read the backup sets", r.err)

    def test_rollback_over_a_broken_file(self):
        """A hand-broken main.cf: every command says rollback is the way
        back, and rollback (with and without an id) works."""
        c = self.conf()
        sid = self.pf_ok(c, *FAST, "-j", "param", "set",
                         "a=1").json()["backup"]
        good = c.files()
        c.write("main.cf", good["main.cf"] + b"this is not a parameter\n")
        r = self.pf(c, *FAST, "param", "set", "b=2")
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err.count(b"\n"), 1, r)
        self.assertIn(b"pfsubmit rollback", r.err)
        # The newest set: the files before the last edit.
        r = self.pf_ok(c, *FAST, "rollback")
        self.assertEqual(c.read("main.cf"), ct.DEBIAN_MAIN)
        self.assertIn(b"do not parse", r.err)
        c.write("main.cf", b"broken\n")
        self.pf_ok(c, *FAST, "rollback", sid)
        self.assertEqual(c.read("main.cf"), ct.DEBIAN_MAIN)
        del good

    def test_rollback_refuses_a_set_with_check_errors(self):
        """A set whose files have a check error (not a parse error) is
        refused unless --force."""
        c = self.conf()
        c.write("main.cf", ct.DEBIAN_MAIN +
                b"smtpd_tls_security_level = bogus\n")
        sid = self.pf_ok(c, *FAST, "--force", "-j", "param", "unset",
                         "smtpd_tls_security_level").json()["backup"]
        before = c.snapshot()
        r = self.pf(c, *FAST, "rollback", sid)
        self.assertOneLineRefusal(r, before, c)
        self.assertIn(b"has this check error", r.err)
        self.assertIn(b"--force", r.err)
        self.pf_ok(c, *FAST, "--force", "rollback", sid)
        self.assertIn(b"bogus", c.read("main.cf"))

    def test_rollback_past_an_error_the_files_share(self):
        """An error the files have now as well (such as this host's
        missing SASL back end) is no reason to stay: the rollback goes
        through without --force."""
        c = self.conf()
        c.write("main.cf", ct.DEBIAN_MAIN +
                b"smtpd_tls_security_level = bogus\n")
        sid = self.pf_ok(c, *FAST, "-j", "param", "set",
                         "mailbox_size_limit=1024").json()["backup"]
        self.pf_ok(c, *FAST, "rollback", sid)
        self.assertIn(b"\nmailbox_size_limit = 0\n", c.read("main.cf"))
        self.assertIn(b"bogus", c.read("main.cf"))


# --------------------------------------------------------------------------

class Report(Base):
    def test_needs_restart(self):
        c = self.conf()
        d = self.pf_ok(c, *FAST, "-j", "param", "set",
                       "inet_interfaces=loopback-only").json()
        self.assertIs(d["needs_restart"], True)
        self.assertTrue(any("postfix -c %s stop && postfix -c %s start" %
                            (c.dir, c.dir) in n for n in d["notes"]),
                        d["notes"])
        r = self.pf_ok(c, *FAST, "param", "set", "inet_protocols=ipv4")
        self.assertIn(b"inet_protocols changed, which postfix reload does "
                      b"not apply", r.err)
        d = self.pf_ok(c, *FAST, "-j", "param", "set", "x=1").json()
        self.assertIs(d["needs_restart"], False)

    @ct.requires_root
    @ct.requires_postfix
    def test_check_output_on_success(self):
        """postfix check's warnings are passed on when it passes."""
        c = self.conf()
        d = self.pf_ok(c, "--no-reload", "-j", "param", "set",
                       "x=1").json()
        self.assertIs(d["checked"], True)
        self.assertIn("check_output", d)
        self.assertIsInstance(d["check_output"], str)

    @needs(PATCH is not None, "patch is missing")
    def test_diff_base64_applies(self):
        c = self.conf(main=ct.DEBIAN_MAIN + b"# caf\xe9 \xff\n")
        orig = c.read("main.cf")
        d = self.pf_ok(c, *FAST, "-j", "param", "set", "x=1").json()
        raw = base64.b64decode(d["diff_base64"])
        self.assertIn("\ufffd", d["diff"] + "\ufffd")
        work = tempfile.mkdtemp(prefix="pfsubmit-patch.")
        self.addCleanup(shutil.rmtree, work, True)
        write(os.path.join(work, "main.cf"), orig)
        p = subprocess.run([PATCH, "-s", "-p1", "-d", work], input=raw,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p)
        self.assertEqual(read(os.path.join(work, "main.cf")),
                         c.read("main.cf"))

    def test_override_error_has_file_and_line(self):
        c = self.conf(master=ct.DEBIAN_ENABLED_MASTER)
        r = self.pf(c, *FAST, "-j", "set", "submission",
                    "smtpd_tls_security_level=bogus")
        self.assertEqual(r.rc, 1, r)
        errs = r.json()["errors"]
        self.assertTrue(errs, r)
        self.assertTrue(errs[0]["file"].endswith("master.cf"), errs)
        self.assertIsInstance(errs[0]["line"], int)


# --------------------------------------------------------------------------

class Attributes(Base):
    @ct.requires_root
    def test_xattrs_and_acl_kept(self):
        c = self.conf()
        p = c.path("main.cf")
        try:
            os.setxattr(p, "user.pfsubmit-test", b"kept")
        except OSError as e:
            self.skipTest("no user.* attributes here: %s" % e)
        if SETFACL:
            s = subprocess.run([SETFACL, "-m", "u:nobody:r", p])
            self.assertEqual(s.returncode, 0)
            acl = subprocess.run([GETFACL, "-c", p], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL).stdout
        ino = os.stat(p).st_ino
        self.pf_ok(c, *FAST, "param", "set", "x=1")
        self.assertNotEqual(os.stat(p).st_ino, ino)
        self.assertEqual(os.getxattr(p, "user.pfsubmit-test"), b"kept")
        if SETFACL:
            now = subprocess.run([GETFACL, "-c", p], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL).stdout
            self.assertEqual(now, acl)
            self.assertIn(b"user:nobody:r--", now)


CLASSES = (Swap, Recovery, Backups, Report, Attributes)


def main(argv):
    args = [a for a in argv if a != "-v"]
    ct.VERBOSE = len(args) != len(argv)
    if not os.access(PFSUBMIT, os.X_OK):
        print("txn_test: %s is missing; run make first" % PFSUBMIT)
        return 1
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    for cls in CLASSES:
        for t in loader.loadTestsFromTestCase(cls):
            name = "%s.%s" % (cls.__name__, t._testMethodName)
            if not args or any(a in name for a in args):
                suite.addTest(t)
    t0 = time.monotonic()
    result = ct.LineResult()
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
    print("\ntxn_test: %d tests, %d passed, %d failed, %d skipped in %.1f s" %
          (result.testsRun, result.passed, nfail, len(result.skipped), secs))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
