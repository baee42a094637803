#!/usr/bin/env python3
#
# Crash consistency, fault injection and concurrency of pfsubmit, black
# box: the real ./pfsubmit binary, built as shipped (no test hooks), is
# disturbed from outside with strace's syscall tampering and run in
# parallel with itself and with postconf.  The in-process version of the
# failure injection is tests/test_txn.c (--wrap); this is its end-to-end
# counterpart.
#
#	python3 tests/crash_test.py [-v] [-j N] [--only SECTION,...]
#	    [--bound N] [--keep]
#
# Root only (the files are edited as root, and section 2 bind-mounts a
# scratch directory read-only); needs strace and Postfix's postconf, and
# is skipped (status 0, one line) without them.
# strace runs without -f: injection is counted per tracee, so with -f the
# Nth call of pfsubmit's `postconf -d` child would be hit as well.
# Every run gets its own scratch directory under $TMPDIR; nothing outside
# them is written but the "/tmp/pfsubmit-defaults.*" directories pfsubmit
# itself makes (those a killed run leaves behind are removed here).
#
# 1. crash: for each scenario (an edit of both files, `enable` alone,
#    `rollback`, and an edit that prunes the oldest of 20 backup sets), one
#    clean traced run counts the write-path syscalls of the pfsubmit
#    process; then for EVERY occurrence N of each, pfsubmit is killed with
#    SIGKILL on entering that call (the kernel does not execute a syscall
#    whose entry stop leaves a fatal signal pending, so the state checked
#    is the one just before the Nth call; killing at every write-path call
#    reaches every state the files and directories go through).  Checked:
#    main.cf and master.cf are each the complete old or the complete new
#    version (bytes, mode, owner); every backup set under its final name
#    is complete (main.cf, master.cf, info; the original bytes and mode);
#    the same edit run again, undisturbed, succeeds, ends with the
#    complete new version, leaves no *.pfsubmit-new, *.pfsubmit-old, *.tmp
#    nor *.tmp backup set, and loses no complete backup set (but for the
#    oldest, beyond the PF_BACKUP_KEEP newest, that pruning removes).
#    Reported, not failed: crash points that leave one file new and the
#    other old (see the summary).  The clean trace is also checked for
#    the durability order: fsync before rename, the directory after.
# 2. faults: the same enumeration, read calls included (a failed read-back
#    is status 2), with error=ENOSPC, EIO and EACCES, and EINTR on read,
#    write and flock: the exit status is 1, 2 or 4 -- or 0 when the failed
#    call is one whose failure pfsubmit's code tolerates (see
#    is_critical: a directory fsync after the rename, an unlink, a close
#    or read off the data path, the postconf -d helper, EINTR where it
#    retries); with status 0 the files are the complete new version,
#    otherwise the originals are intact; no temporary file is left, in
#    the directory or in /tmp; backup sets as in 1.  The dynamic loader's
#    calls before main() are not faulted (that is ld.so's exit 127).
#    And read-only bind mounts: of the configuration directory (status 1,
#    nothing changed, one error line) and of pfsubmit-backups alone.
# 3. concurrency: 25 pfsubmit `param set` and 25 `postconf -e` at once on
#    one directory; then pfsubmit `set` (master.cf overrides), `param
#    set`, postconf -e and postconf -P mixed.  No lost update, both files
#    parse, nobody hangs.
#
# --only picks sections (crash, fault, eintr, readonly, concurrency);
# --bound N caps the occurrences tried per syscall (default: all).
# Exit status 0 when every check passed (or the suite was skipped), 1
# otherwise.  Python 3 standard library only.

import argparse
import concurrent.futures
import grp
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PFSUBMIT = os.path.join(ROOT, "pfsubmit")
FIXTURES = os.path.join(ROOT, "fixtures")
POSTCONF = "/usr/sbin/postconf"
STRACE = shutil.which("strace")
FAST = ["--no-check", "--no-reload"]
BK_DIR = "pfsubmit-backups"
JOURNAL = "pfsubmit.journal"
BACKUP_KEEP = 20			# PF_BACKUP_KEEP in src/pfsubmit.h
ENV = dict(os.environ, LC_ALL="C", LANG="C")
ENV.pop("MAIL_CONFIG", None)

# The syscalls of the write path (every name strace knows that changes,
# syncs or locks a file or directory, or opens or closes one).  Only those
# the clean run makes are enumerated.
WRITE_PATH = ("open", "openat", "openat2", "creat", "write", "pwrite64",
              "writev", "pwritev", "fsync", "fdatasync", "sync_file_range",
              "syncfs", "rename", "renameat", "renameat2", "link", "linkat",
              "symlink", "symlinkat", "unlink", "unlinkat", "mkdir",
              "mkdirat", "rmdir", "chown", "fchown", "lchown", "fchownat",
              "chmod", "fchmod", "fchmodat", "truncate", "ftruncate",
              "flock", "close")
# Faults go into the read path as well: a failed read-back is status 2.
FAULT_PATH = WRITE_PATH + ("read", "pread64", "readv")
FAULT_ERRNOS = ("ENOSPC", "EIO", "EACCES")
EINTR_CALLS = ("read", "write", "flock")

EDIT_BOTH = ["set-restriction", "submission", "sender",
             "check_sender_access hash:/x, reject",
             "--via-param", "mua_sender_restrictions"]

VERBOSE = False
_print_lock = threading.Lock()


def log(*a):
    with _print_lock:
        print(*a, flush=True)


def vlog(*a):
    if VERBOSE:
        log(*a)


# --------------------------------------------------------------------------
# Small helpers

def fixture(*parts):
    with open(os.path.join(FIXTURES, *parts), "rb") as f:
        return f.read()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run(argv, timeout=60, env=ENV):
    t0 = time.monotonic()
    # input=b"": an empty pipe, not /dev/null (see null_device_ok)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, env=env, input=b"")
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def null_device_ok():
    """Is /dev/null the character device 1,3?  Writing a report to
    /dev/null with a tool that replaces its output file by rename (gcovr
    --txt /dev/null does) turns it into a regular file for everyone, and
    a linker's -o /dev/null then recreates it as an empty 0755 file."""
    try:
        st = os.lstat("/dev/null")
    except FileNotFoundError:
        null_device_ok.what = "missing"
        return False
    if not stat.S_ISCHR(st.st_mode) or os.major(st.st_rdev) != 1 or \
            os.minor(st.st_rdev) != 3:
        null_device_ok.what = "mode %o, %d bytes" % (st.st_mode, st.st_size)
        return False
    return True


def other_group():
    """A group other than root's: main.cf gets it, so that pfsubmit has
    to fchown what it writes (root:root files need no fchown at all)."""
    for name in ("postfix", "mail", "daemon", "adm", "nogroup"):
        try:
            g = grp.getgrnam(name)
        except KeyError:
            continue
        if g.gr_gid != 0:
            return g.gr_gid
    return 0


def copy_tree(src, dst):
    """Copy a configuration directory: bytes, mode, owner, times."""
    st = os.lstat(src)
    os.mkdir(dst)
    for n in sorted(os.listdir(src)):
        s, d = os.path.join(src, n), os.path.join(dst, n)
        sst = os.lstat(s)
        if stat.S_ISDIR(sst.st_mode):
            copy_tree(s, d)
        elif stat.S_ISREG(sst.st_mode):
            with open(d, "wb") as f:
                f.write(read(s))
            os.chown(d, sst.st_uid, sst.st_gid)
            os.chmod(d, stat.S_IMODE(sst.st_mode))
            os.utime(d, ns=(sst.st_atime_ns, sst.st_mtime_ns))
    os.chown(dst, st.st_uid, st.st_gid)
    os.chmod(dst, stat.S_IMODE(st.st_mode))
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))


def fileinfo(path):
    """(bytes, mode, uid, gid) of a regular file; None if absent; a
    string saying what it is otherwise."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (mode %o)" % st.st_mode
    return (read(path), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)


def conf_files(d):
    return {n: fileinfo(os.path.join(d, n)) for n in ("main.cf", "master.cf")}


def id_key(i):
    """Backup set order (src/backup.c id_cmp): time, then the -N."""
    return (i[:16], int(i[17:]) if len(i) > 16 and i[16] == "-" else 1)


VALID_ID = re.compile(r"^\d{8}T\d{6}Z(-[1-9]\d{0,5})?$")


def backup_sets(d):
    """{name: {file: fileinfo}} of every entry of pfsubmit-backups."""
    b = os.path.join(d, BK_DIR)
    out = {}
    if not os.path.isdir(b):
        return out
    for n in os.listdir(b):
        p = os.path.join(b, n)
        if os.path.isdir(p) and not os.path.islink(p):
            out[n] = {f: fileinfo(os.path.join(p, f)) for f in os.listdir(p)}
        else:
            out[n] = "not a directory"
    return out


def leftovers(d):
    """Temporary files in the configuration directory and backup sets
    still under their temporary name."""
    bad = sorted(n for n in os.listdir(d)
                 if n.endswith((".pfsubmit-new", ".pfsubmit-old", ".tmp")) or
                 n == JOURNAL)
    bad += sorted(os.path.join(BK_DIR, n) for n in backup_sets(d)
                  if n.endswith(".tmp"))
    return bad


def state_name(info, old, new):
    if info == new and info == old:
        return "old=new"
    if info == old:
        return "old"
    if info == new:
        return "new"
    if info is None:
        return "MISSING"
    if isinstance(info, str):
        return info.upper()
    data = info[0]
    what = "OTHER(%d bytes" % len(data)
    for tag, ref in (("old", old), ("new", new)):
        if ref is not None and not isinstance(ref, str):
            if data == ref[0]:
                what += ", bytes of %s but mode/owner %o %d:%d vs %o %d:%d" % (
                    tag, info[1], info[2], info[3], ref[1], ref[2], ref[3])
            elif ref[0].startswith(data):
                what += ", a prefix of %s" % tag
    return what + ")"


# --------------------------------------------------------------------------
# strace traces (-y: every descriptor shown with its path)

LINE_RE = re.compile(r"^(\w+)\((.*)\)\s+=\s+(.*)$")


def parse_trace(path):
    calls = []
    try:
        text = read(path).decode("utf-8", "replace")
    except FileNotFoundError:
        return calls
    for line in text.splitlines():
        m = LINE_RE.match(line)
        if m:
            calls.append((m.group(1), m.group(2), m.group(3), line))
    return calls


def count_calls(calls):
    n = {}
    for c in calls:
        n[c[0]] = n.get(c[0], 0) + 1
    return n


def fd_path(args):
    """The path strace -y shows for the first descriptor argument."""
    m = re.match(r"-?\d+<(.*?)>", args)
    return m.group(1) if m else None


def first_string(args):
    m = re.search(r'"((?:[^"\\]|\\.)*)"', args)
    return m.group(1) if m else None


LOADER_RE = re.compile(r'(ld\.so\.(cache|preload)|'
                       r'/lib[^"<>]*\.so(\.[0-9.]+)?)[>"]')


def loader_occurrences(calls):
    """(syscall, N) of the calls the dynamic loader makes for shared
    libraries before main(): a fault there is ld.so's exit 127, not
    pfsubmit's doing, so faults skip them (kills do not)."""
    seen, out = {}, set()
    for c in calls:
        seen[c[0]] = seen.get(c[0], 0) + 1
        if LOADER_RE.search(c[3]):
            out.add((c[0], seen[c[0]]))
    return out


def defaults_dirs(calls):
    """The /tmp/pfsubmit-defaults.* directories the run made."""
    out = []
    for name, args, ret, _ in calls:
        if name == "mkdir" and ret.startswith("0"):
            s = first_string(args)
            if s and "pfsubmit-defaults" in s:
                out.append(s)
    return out


def is_critical(call, cdir, err):
    """Would pfsubmit be wrong to finish with status 0 when this call
    failed with err?  From src/txn.c, safefile.c and backup.c: every
    failure on the data path (creating, writing, owning, moding, syncing,
    closing a new file; linking and renaming; making the backup set;
    taking a lock; reading main.cf or master.cf) must stop the edit.
    Tolerated by the code: unlink and rmdir (always (void)), a directory
    fsync after the rename (a warning), closing or reading a descriptor
    that is not written, listing and pruning backup sets, the postconf -d
    helper in /tmp, and EINTR where the call is retried."""
    name, args, _, _ = call
    if err == "EINTR" and name in ("read", "write", "flock"):
        return False
    inside = lambda p: p is not None and (p == cdir or
                                          p.startswith(cdir + "/"))
    fp = fd_path(args)
    s = first_string(args)
    if name in ("fchmod", "fchown", "ftruncate", "linkat", "link",
                "renameat", "renameat2", "rename", "flock"):
        return True
    if name in ("mkdirat",):
        return True
    if name in ("unlinkat", "unlink", "rmdir", "mkdir"):
        return False
    if name in ("openat", "open"):
        target = s if s and s.startswith("/") else (
            (fp + "/" + s) if fp and s else s)
        if not inside(target):
            return False
        base = os.path.basename(target)
        if "O_CREAT" in args:
            return True		# lock file, staged file, backup file
        if target == cdir or base in ("main.cf", "master.cf") and \
                os.path.dirname(target) == cdir:
            return True		# the directory, or the files read
        if base.endswith(".tmp") and BK_DIR in target:
            return True		# the new backup set
        return False		# listing, pruning, info files
    if name in ("write", "pwrite64", "writev"):
        return inside(fp)
    if name in ("fsync", "fdatasync"):
        if not inside(fp):
            return False
        return not (fp == cdir or fp == os.path.join(cdir, BK_DIR))
    if name == "close":
        return inside(fp) and (fp.endswith(".pfsubmit-new") or
                               re.search(r"\.tmp/(main\.cf|master\.cf|info)$",
                                         fp) is not None)
    if name in ("read", "pread64", "readv"):
        return fp in (os.path.join(cdir, "main.cf"),
                      os.path.join(cdir, "master.cf"))
    return False


# --------------------------------------------------------------------------
# Scenarios: a base directory and an edit

class Scenario:
    def __init__(self, name, edit, build, crash_calls=None, fault_calls=None,
                 describe=""):
        self.name = name
        self.edit = edit
        self.rerun = edit
        self.build = build
        self.crash_calls = crash_calls		# None: every write-path call
        self.fault_calls = fault_calls
        self.describe = describe
        self.base = None
        self.old = self.new = None
        self.counts = {}
        self.base_sets = {}


def write_conf(d, main, master, gid):
    os.mkdir(d)
    os.chmod(d, 0o755)
    for n, data in (("main.cf", main), ("master.cf", master)):
        p = os.path.join(d, n)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, 0o644)
        os.chown(p, 0, gid if n == "main.cf" else 0)
        t = time.time() - 120
        os.utime(p, (t, t))


def pf(d, *args, timeout=60):
    return run([PFSUBMIT, "-c", d] + FAST + list(args), timeout=timeout)


def must(r, what):
    if r[0] != 0:
        raise RuntimeError("%s failed (%d): %s" % (
            what, r[0], r[2].decode("utf-8", "replace")))
    return r


def build_fixtures(d):
    write_conf(d, fixture("main", "debian.cf"),
               fixture("master", "debian-3.7.cf"), other_group())


def build_enabled(d):
    build_fixtures(d)
    must(pf(d, "enable"), "enable")


def build_restricted(d):
    build_enabled(d)
    must(pf(d, *EDIT_BOTH), "set-restriction")


def build_prune(d):
    """The enabled directory with 20 backup sets: the edit makes the 21st
    and prunes the oldest."""
    build_enabled(d)
    b = os.path.join(d, BK_DIR)
    src = os.path.join(b, sorted(os.listdir(b))[0])
    for i in range(BACKUP_KEEP - 1):
        sid = "20200101T0000%02dZ" % i
        os.mkdir(os.path.join(b, sid), 0o700)
        for n in os.listdir(src):
            s = os.path.join(src, n)
            t = os.path.join(b, sid, n)
            with open(t, "wb") as f:
                f.write(read(s))
            st = os.stat(s)
            os.chown(t, st.st_uid, st.st_gid)
            os.chmod(t, stat.S_IMODE(st.st_mode))


SCENARIOS = [
    Scenario("both", EDIT_BOTH, build_enabled,
             describe="set-restriction --via-param after enable: main.cf "
             "and master.cf"),
    Scenario("enable", ["enable"], build_fixtures,
             describe="enable on the Debian files: master.cf only, first "
             "backup (makes pfsubmit-backups/)"),
    Scenario("rollback", ["rollback"], build_restricted,
             describe="rollback after enable + set-restriction: both files; "
             "run again as rollback ID"),
    # Faults: only unlinkat, the pruning itself; every other call of this
    # run is the "both" scenario's, plus 20 more backup sets listed (about
    # 800 more runs, a minute, for nothing new).
    Scenario("prune", EDIT_BOTH, build_prune, fault_calls=("unlinkat",),
             describe="the two-file edit with 20 backup sets present: "
             "pruning the oldest"),
]


def prepare(scn, work):
    """Build the base, run the edit undisturbed (the reference new
    version) and once traced (the syscall counts)."""
    scn.base = os.path.join(work, "base-" + scn.name)
    os.mkdir(scn.base)
    scn.build(os.path.join(scn.base, "pf"))
    base = os.path.join(scn.base, "pf")
    scn.old = conf_files(base)
    scn.base_sets = backup_sets(base)
    ref = os.path.join(work, "ref-" + scn.name)
    copy_tree(scn.base, ref)
    r = must(pf(os.path.join(ref, "pf"), *scn.edit), scn.name + " reference")
    if scn.name == "rollback":
        m = re.search(rb"restoring backup set (\S+)", r[2])
        if not m:
            raise RuntimeError("rollback did not say which set: %r" % r[2])
        scn.rerun = ["rollback", m.group(1).decode()]
    scn.new = conf_files(os.path.join(ref, "pf"))
    if scn.new == scn.old:
        raise RuntimeError("%s: the edit changes nothing" % scn.name)
    # The same edit again must be a no-op (the recovery relies on it).
    r2 = must(pf(os.path.join(ref, "pf"), *scn.rerun), scn.name + " again")
    if conf_files(os.path.join(ref, "pf")) != scn.new:
        raise RuntimeError("%s: running the edit twice changes more" %
                           scn.name)
    shutil.rmtree(ref)
    # The traced clean run.
    tr = os.path.join(work, "trace-" + scn.name)
    copy_tree(scn.base, tr)
    trace = os.path.join(work, "trace-%s.txt" % scn.name)
    rc, _, err, _ = run([STRACE, "-qq", "-y", "-o", trace, PFSUBMIT, "-c",
                         os.path.join(tr, "pf")] + FAST + scn.edit)
    if rc != 0 or conf_files(os.path.join(tr, "pf")) != scn.new:
        raise RuntimeError("%s: traced clean run differs (%d): %s" % (
            scn.name, rc, err.decode("utf-8", "replace")))
    scn.calls = parse_trace(trace)
    scn.trace_dir = os.path.join(tr, "pf")
    scn.counts = count_calls(scn.calls)
    scn.loader = loader_occurrences(scn.calls)
    for dd in defaults_dirs(scn.calls):
        shutil.rmtree(dd, ignore_errors=True)


def durability_order(scn):
    """On the clean trace: each installed file was fsynced before its
    rename and the directory after; each backup set's files and directory
    before its rename, the backup directory after it and before the first
    install.  Returns (problems, notes)."""
    cdir = scn.trace_dir
    calls = scn.calls
    probs, notes = [], []
    scn.renames_checked = 0
    fsynced = []			# (index, path)
    for i, (name, args, ret, line) in enumerate(calls):
        if name in ("fsync", "fdatasync") and ret.startswith("0"):
            fsynced.append((i, fd_path(args)))
    first_install = None
    for i, (name, args, ret, line) in enumerate(calls):
        if name not in ("rename", "renameat", "renameat2"):
            continue
        strs = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
        paths = re.findall(r"\d+<(.*?)>", args)
        if len(strs) != 2 or len(paths) < 1:
            continue
        d = paths[0]
        src, dst = os.path.join(d, strs[0]), os.path.join(d, strs[1])
        later_dir = [j for j, p in fsynced if j > i and p == d]
        scn.renames_checked += 1
        if d == cdir and strs[1] in ("main.cf", "master.cf"):
            if first_install is None:
                first_install = i
            if not any(j < i and p == src for j, p in fsynced):
                probs.append("%s renamed over %s without an fsync of it "
                             "first" % (src, strs[1]))
            if not later_dir:
                probs.append("no fsync of %s after renaming %s" % (d, dst))
        elif d.endswith(BK_DIR) and strs[0].endswith(".tmp"):
            for f in ("main.cf", "master.cf", "info", ""):
                want = os.path.join(src, f) if f else src
                if f and not os.path.exists(os.path.join(dst, f)):
                    continue
                if not any(j < i and p == want for j, p in fsynced):
                    probs.append("backup %s renamed before an fsync of %s" %
                                 (strs[1], want))
            scn._bk_rename = (i, later_dir, d)
    if first_install is not None and getattr(scn, "_bk_rename", None):
        i, later, d = scn._bk_rename
        if not [j for j in later if j < first_install]:
            probs.append("the backup directory is not fsynced between the "
                         "set's rename and the first install")
    for i, (name, args, ret, line) in enumerate(calls):
        if name == "mkdirat" and BK_DIR in args and ret.startswith("0"):
            d = fd_path(args)
            if first_install is not None and not any(
                    i < j < first_install and p == d for j, p in fsynced):
                notes.append("%s: %s/%s is made and the first file "
                             "installed with no fsync of %s in between "
                             "(the new directory entry's durability rests "
                             "on the journal's order)" % (scn.name, d, BK_DIR,
                                                          d))
    return probs, notes


# --------------------------------------------------------------------------
# One disturbed run

class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.failures = []		# dicts
        self.crash_points = {}		# scenario -> {syscall: n}
        self.not_reached = 0
        self.faults = {}		# errno -> n
        self.fault_status = {}		# (errno, status) -> n
        self.mixed = []			# (scenario, syscall, N, states)
        self.joint = {}			# scenario -> {states: n}
        self.tmp_left_by_kill = 0
        self.eintr = {}			# (syscall, outcome) -> n
        self.tolerated = {}		# description -> n
        self.notes = []
        self.kept = 0
        self.conc = {}
        self.skipped_loader = {}
        self.journal_recoveries = 0
        self.tolerated_left = {}

    def fail(self, **kw):
        with self.lock:
            self.failures.append(kw)

    def bump(self, table, key, n=1):
        with self.lock:
            table[key] = table.get(key, 0) + n


R = Results()


def check_sets(d, scn, where, known, expect):
    """Every set under its final name is complete: main.cf, master.cf and
    info.  A set in known must be unchanged; any other set was made by
    the run just checked and must hold what the files were before it
    (expect: fileinfo of main.cf and master.cf).  Returns (problems,
    {id: files} of the complete sets)."""
    probs, complete = [], {}
    for sid, files in backup_sets(d).items():
        if sid.endswith(".tmp"):
            continue
        if not VALID_ID.match(sid):
            probs.append("%s: stray entry %s in %s" % (where, sid, BK_DIR))
            continue
        if isinstance(files, str):
            probs.append("%s: %s is %s" % (where, sid, files))
            continue
        miss = [f for f in ("main.cf", "master.cf", "info")
                if not isinstance(files.get(f), tuple)]
        if miss:
            probs.append("%s: backup set %s under its final name lacks %s "
                         "(has: %s)" % (where, sid, ", ".join(miss),
                                        ", ".join(sorted(files)) or "nothing"))
            continue
        if sid in known:
            if files != known[sid]:
                probs.append("%s: backup set %s (there before) changed" %
                             (where, sid))
                continue
        else:
            for f in ("main.cf", "master.cf"):
                if files[f] != expect[f]:
                    probs.append("%s: new backup set %s: %s is not the file "
                                 "as it was before (%s)" % (
                                     where, sid, f, state_name(
                                         files[f], scn.old[f], scn.new[f])))
            info = files["info"][0]
            # "version: 2" and "seq: N" head an info since sets are
            # numbered; the old ones start with the time.
            if not (info.startswith(b"time: ") or
                    info.startswith(b"version: 2\nseq: ")) or \
                    b"\ncommand: pfsubmit" not in info:
                probs.append("%s: backup set %s: info is %r" % (
                    where, sid, info[:80]))
        complete[sid] = files
    return probs, complete


def pruned_ok(lost, after_ids):
    """A set may disappear only when PF_BACKUP_KEEP newer ones remain."""
    bad = []
    for sid in lost:
        newer = [a for a in after_ids if VALID_ID.match(a) and
                 id_key(a) > id_key(sid)]
        if len(newer) < BACKUP_KEEP:
            bad.append(sid)
    return bad


def injected_call(calls, syscall, mode):
    if mode == "kill":
        for c in reversed(calls):
            if c[0] == syscall and c[2].startswith("?"):
                return c
        return None
    for c in calls:
        if c[3].endswith("(INJECTED)") and c[0] == syscall:
            return c
    return None


def keep_or_remove(rundir, failed, keep_all):
    if failed and (keep_all or R.kept < 25):
        with R.lock:
            R.kept += 1
        return rundir
    shutil.rmtree(rundir, ignore_errors=True)
    return None


def disturbed(scn, work, syscall, n, mode, err=None, keep_all=False):
    """mode: "kill" (SIGKILL) or "error" (err) at the nth syscall."""
    tag = "%s-%s-%s-%d" % (scn.name, mode if mode == "kill" else err,
                           syscall, n)
    rundir = os.path.join(work, "run-" + tag)
    copy_tree(scn.base, rundir)
    d = os.path.join(rundir, "pf")
    trace = os.path.join(rundir, "trace.txt")
    inject = ("%s:signal=SIGKILL:when=%d" % (syscall, n) if mode == "kill"
              else "%s:error=%s:when=%d" % (syscall, err, n))
    try:
        rc, out, serr, secs = run([STRACE, "-qq", "-y", "-o", trace,
                                   "--inject=" + inject, PFSUBMIT, "-c", d] +
                                  FAST + scn.edit, timeout=60)
    except subprocess.TimeoutExpired:
        R.fail(scn=scn.name, mode=mode, err=err, syscall=syscall, n=n,
               prop="hung: no exit within 60 s", call="", detail=[],
               stderr="", dir=rundir)
        return
    calls = parse_trace(trace)
    hit = injected_call(calls, syscall, mode)
    errs = serr.decode("utf-8", "replace").strip()
    probs = []
    state = conf_files(d)
    st = tuple(state_name(state[f], scn.old[f], scn.new[f])
               for f in ("main.cf", "master.cf"))
    tmpdirs = [p for p in defaults_dirs(calls) if os.path.exists(p)]

    if hit is None:
        # The run did not make that many calls this time.
        if rc == 0 and state == scn.new:
            with R.lock:
                R.not_reached += 1
            shutil.rmtree(rundir, ignore_errors=True)
            return
        probs.append("no injection seen, yet status %d and files %s" %
                     (rc, "/".join(st)))

    if mode == "kill":
        if hit is not None and rc != -signal.SIGKILL:
            probs.append("strace ended with status %d, not killed" % rc)
        R.bump(R.crash_points.setdefault(scn.name, {}), syscall)
        for f in ("main.cf", "master.cf"):
            if state[f] not in (scn.old[f], scn.new[f]):
                probs.append("%s after the kill: %s" % (
                    f, state_name(state[f], scn.old[f], scn.new[f])))
        R.bump(R.joint.setdefault(scn.name, {}), "/".join(st))
        if "old" in st and "new" in st:
            with R.lock:
                R.mixed.append((scn.name, syscall, n, st,
                                hit[3] if hit else ""))
        p, complete = check_sets(d, scn, "after the kill", scn.base_sets,
                                 scn.old)
        sets_after_kill = {k: v for k, v in backup_sets(d).items()
                           if not k.endswith(".tmp")}
        probs += p
        before_left = leftovers(d)
        # Killed between the journal and the commit: the next run first
        # puts the kept originals back, so it starts from the old pair.
        journal = os.path.exists(os.path.join(d, JOURNAL))
        with R.lock:
            R.journal_recoveries += int(journal)
        # Recovery: the same edit again, undisturbed.
        try:
            rc2, _, serr2, _ = pf(d, *scn.rerun)
        except subprocess.TimeoutExpired:
            rc2, serr2 = "timeout", b""
        errs += "\n-- run again: " + serr2.decode("utf-8", "replace").strip()
        if rc2 != 0:
            probs.append("run again: status %s" % rc2)
        state2 = conf_files(d)
        for f in ("main.cf", "master.cf"):
            if state2[f] != scn.new[f]:
                probs.append("%s after running again: %s" % (
                    f, state_name(state2[f], scn.old[f], scn.new[f])))
        left = leftovers(d)
        if left:
            probs.append("left after running again: %s (after the kill: "
                         "%s)" % (", ".join(left), ", ".join(before_left)))
        p2, complete2 = check_sets(d, scn, "after running again",
                                   sets_after_kill,
                                   scn.old if journal else state)
        probs += p2
        lost = [s for s in complete if s not in complete2]
        bad = pruned_ok(lost, list(backup_sets(d)))
        if bad:
            probs.append("complete backup set(s) lost by running again: %s" %
                         ", ".join(bad))
        for t in tmpdirs:
            with R.lock:
                R.tmp_left_by_kill += 1
            shutil.rmtree(t, ignore_errors=True)
    else:
        R.bump(R.faults, err)
        R.bump(R.fault_status, (err, rc))
        crit = hit is not None and is_critical(hit, d, err)
        if err == "EINTR":
            R.bump(R.eintr, (syscall, "retried, status 0" if rc == 0 else
                             "failed, status %d" % rc))
        if rc not in (0, 1, 2, 4):
            probs.append("exit status %d (not 0, 1, 2 or 4)" % rc)
        if rc == 0:
            if crit:
                probs.append("status 0 although the failed call is on the "
                             "data path")
            elif hit is not None:
                R.bump(R.tolerated, "%s %s" % (syscall, err))
            for f in ("main.cf", "master.cf"):
                if state[f] != scn.new[f]:
                    probs.append("status 0 but %s is %s" % (
                        f, state_name(state[f], scn.old[f], scn.new[f])))
            if hit is not None and hit[0] in ("fsync", "fdatasync") and \
                    not crit and fd_path(hit[1]) and \
                    fd_path(hit[1]).startswith(d) and "fsync" not in errs:
                probs.append("a failed directory fsync, status 0, and no "
                             "warning")
        else:
            for f in ("main.cf", "master.cf"):
                if state[f] != scn.old[f]:
                    probs.append("status %d but %s is %s" % (
                        rc, f, state_name(state[f], scn.old[f], scn.new[f])))
            if not errs:
                probs.append("status %d and nothing on stderr" % rc)
        left = leftovers(d)
        # Tolerated: a leftover that pfsubmit named in a warning (the
        # next edit removes it), postconf's own lock file after a failed
        # flock (postconf reuses it), and an old backup set whose pruning
        # was cut short, left as ID.tmp, never incomplete under its own
        # name (the next run removes it).
        named = [n for n in left if ("warning: " in errs and
                                     os.path.basename(n) in errs)]
        lock = [n for n in left if n in ("main.cf.tmp", "master.cf.tmp")
                and hit is not None and hit[0] == "flock"]
        pruned = [n for n in left if n.startswith(BK_DIR + "/") and
                  n[len(BK_DIR) + 1:-4] in scn.base_sets]
        for n in named + lock + pruned:
            R.bump(R.tolerated_left, n.split("/")[0] if "/" in n else n)
        left = [n for n in left if n not in named + lock + pruned]
        if left:
            probs.append("temporary files left: %s" % ", ".join(left))
        if tmpdirs:
            probs.append("left in /tmp: %s (%s)" % (
                ", ".join(tmpdirs), ", ".join(
                    sorted(os.listdir(tmpdirs[0])))))
            for t in tmpdirs:
                shutil.rmtree(t, ignore_errors=True)
        p, _ = check_sets(d, scn, "after the failure", scn.base_sets,
                          scn.old)
        probs += p
    if probs:
        kept = keep_or_remove(rundir, True, keep_all)
        for prop in probs:
            R.fail(scn=scn.name, mode=mode, err=err, syscall=syscall, n=n,
                   rc=rc, prop=prop, call=hit[3] if hit else "(none)",
                   state="/".join(st), stderr=errs, dir=kept)
        vlog("FAIL %s: %s" % (tag, "; ".join(probs)))
    else:
        keep_or_remove(rundir, False, keep_all)
        vlog("ok   %s (%s)" % (tag, hit[3][:100] if hit else "-"))


def enumerate_jobs(scn, names, bound, skip_loader=False):
    jobs = []
    for s in sorted(names):
        c = scn.counts.get(s, 0)
        k = 0
        for n in range(1, c + 1):
            if skip_loader and (s, n) in scn.loader:
                R.bump(R.skipped_loader, s)
                continue
            k += 1
            if bound and k > bound:
                break
            jobs.append((s, n))
    return jobs


def run_jobs(fn, jobs, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        futs = {ex.submit(fn, *j): j for j in jobs}
        for f in concurrent.futures.as_completed(futs):
            e = f.exception()
            if e is not None:
                j = futs[f]
                tb = "".join(traceback.format_exception(
                    type(e), e, e.__traceback__)[-3:])
                R.fail(scn=j[0].name, mode="internal", err=j[5],
                       syscall=j[2], n=j[3], prop="test error: %r" % e,
                       call="", stderr=tb, dir=None)


# --------------------------------------------------------------------------
# Read-only file system

def readonly_tests(work, scns):
    count = 0
    for scn in [s for s in scns if s.name != "prune"]:
        for what in ("dir", "backups"):
            if what == "backups" and BK_DIR not in os.listdir(
                    os.path.join(scn.base, "pf")):
                continue
            rundir = os.path.join(work, "ro-%s-%s" % (scn.name, what))
            copy_tree(scn.base, rundir)
            d = os.path.join(rundir, "pf")
            target = d if what == "dir" else os.path.join(d, BK_DIR)
            before = snapshot(d)
            mounted = False
            try:
                r = subprocess.run(["mount", "--bind", target, target],
                                   capture_output=True)
                if r.returncode != 0:
                    R.notes.append("read-only test skipped: mount --bind: "
                                   "%s" % r.stderr.decode().strip())
                    return count
                mounted = True
                r = subprocess.run(["mount", "-o", "remount,bind,ro", target],
                                   capture_output=True)
                if r.returncode != 0:
                    R.notes.append("read-only test skipped: remount ro: %s" %
                                   r.stderr.decode().strip())
                    return count
                rc, _, err, _ = pf(d, *scn.edit)
            finally:
                if mounted:
                    subprocess.run(["umount", target], capture_output=True)
            count += 1
            errs = err.decode("utf-8", "replace").strip()
            lines = [l for l in errs.splitlines() if l.strip()]
            probs = []
            if rc != 1:
                probs.append("exit status %d, not 1" % rc)
            if snapshot(d) != before:
                probs.append("something changed: %s" % diff_snap(
                    before, snapshot(d)))
            if leftovers(d):
                probs.append("left: %s" % leftovers(d))
            if what == "dir":
                if len(lines) != 1:
                    probs.append("%d lines on stderr, not one" % len(lines))
                if "Read-only file system" not in errs or \
                        "error" not in errs:
                    probs.append("the error does not say read-only: %r" %
                                 errs)
                elif d not in errs:
                    R.notes.append("read-only %s (%s): the one error line "
                                   "does not name the directory: %r" % (
                                       what, scn.name, errs))
            else:
                if "Read-only file system" not in errs:
                    probs.append("the error does not say read-only: %r" %
                                 errs)
            vlog("read-only %s %s: status %d: %r" % (what, scn.name, rc, errs))
            R.conc.setdefault("readonly", []).append(
                (scn.name, what, rc, lines))
            for p in probs:
                R.fail(scn=scn.name, mode="read-only " + what, err="EROFS",
                       syscall="-", n=0, rc=rc, prop=p, call="", state="",
                       stderr=errs, dir=None)
            shutil.rmtree(rundir, ignore_errors=True)
    return count


def snapshot(d):
    out = {}
    for top, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(top, n)
            st = os.lstat(p)
            out[os.path.relpath(p, d)] = (
                stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid,
                st.st_gid, st.st_ino, st.st_mtime_ns,
                read(p) if stat.S_ISREG(st.st_mode) else None)
    return out


def diff_snap(a, b):
    keys = sorted(set(a) | set(b))
    return ", ".join("%s %s" % (k, "added" if k not in a else "removed"
                                if k not in b else "changed")
                     for k in keys if a.get(k) != b.get(k))


# --------------------------------------------------------------------------
# Concurrency

def parallel(procs_argv, timeout):
    """Start every command at once; returns [(argv, rc, out, err, secs)]
    and whether all ended within timeout."""
    t0 = time.monotonic()
    procs = []
    for argv in procs_argv:
        procs.append((argv, subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
            stdin=subprocess.PIPE)))
    results = [None] * len(procs)
    ended = [None] * len(procs)

    def wait(i):
        argv, p = procs[i]
        try:
            out, err = p.communicate(timeout=max(0.1, timeout -
                                                 (time.monotonic() - t0)))
            ended[i] = time.monotonic() - t0
            results[i] = (argv, p.returncode, out, err, ended[i])
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            results[i] = (argv, "hung", out, err, None)
    threads = [threading.Thread(target=wait, args=(i,))
               for i in range(len(procs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, all(r[1] != "hung" for r in results)


def main_cf_values(d):
    """name -> [values] as written in main.cf (name = value lines)."""
    vals = {}
    for line in read(os.path.join(d, "main.cf")).decode().splitlines():
        m = re.match(r"^(\w+)\s*=\s*(.*?)\s*$", line)
        if m:
            vals.setdefault(m.group(1), []).append(m.group(2))
    return vals


def postconf_P(d):
    rc, out, _, _ = run([POSTCONF, "-c", d, "-P"])
    got = {}
    for line in out.decode().splitlines():
        m = re.match(r"^(\S+) = (.*)$", line)
        if m:
            got[m.group(1)] = m.group(2)
    return rc, got


def concurrency_round(work, name, base_build, specs, timeout=180):
    """specs: list of (kind, argv-tail, check) where check is
    ("main", name, value) or ("P", "svc/type/name", value)."""
    top = os.path.join(work, "conc-" + name)
    os.mkdir(top)
    d = os.path.join(top, "pf")
    base_build(d)
    master0 = read(os.path.join(d, "master.cf"))
    main0 = read(os.path.join(d, "main.cf"))
    argvs = []
    for kind, tail, _ in specs:
        if kind == "pfsubmit":
            argvs.append([PFSUBMIT, "-q", "-c", d] + FAST +
                         ["--lock-wait", "60"] + tail)
        else:
            argvs.append([POSTCONF, "-c", d] + tail)
    t0 = time.monotonic()
    results, finished = parallel(argvs, timeout)
    secs = time.monotonic() - t0
    probs = []
    if not finished:
        probs.append("hung: %d process(es) not done within %d s: %s" % (
            sum(1 for r in results if r[1] == "hung"), timeout,
            [" ".join(r[0][-2:]) for r in results if r[1] == "hung"]))
    for argv, rc, out, err, _ in results:
        if rc != 0:
            probs.append("%s: status %s: %s" % (
                " ".join(argv[-3:]), rc, err.decode("utf-8", "replace")
                .strip()))
    vals = main_cf_values(d)
    rcP, gotP = postconf_P(d)
    for _, _, chk in specs:
        if chk[0] == "main":
            if vals.get(chk[1]) != [chk[2]]:
                probs.append("lost update: main.cf has %s = %r, want [%r]" %
                             (chk[1], vals.get(chk[1]), chk[2]))
        elif chk[0] == "P":
            if gotP.get(chk[1]) != chk[2]:
                probs.append("lost update: postconf -P has %s = %r, want "
                             "%r" % (chk[1], gotP.get(chk[1]), chk[2]))
    rc, _, err, _ = run([POSTCONF, "-c", d, "-n"])
    if rc != 0:
        probs.append("postconf -n: status %d: %s" % (rc, err.decode()))
    if rcP != 0:
        probs.append("postconf -P: status %d" % rcP)
    # The edits ran with --no-check (a staging directory): so does
    # check, whose system rules would ask this host for a SASL backend.
    rc, out, err, _ = run([PFSUBMIT, "-c", d, "--no-check", "check"])
    if rc != 0:
        probs.append("pfsubmit check: status %d: %s" % (
            rc, (out + err).decode("utf-8", "replace").strip()[-600:]))
    if not read(os.path.join(d, "main.cf")).startswith(main0.rstrip(b"\n")):
        probs.append("main.cf no longer starts with its original text")
    if not any(s[0] == "P" for s in specs) and \
            not any(s[1][:1] == ["set"] for s in specs) and \
            read(os.path.join(d, "master.cf")) != master0:
        probs.append("master.cf changed although no edit was for it")
    if leftovers(d):
        probs.append("left: %s" % leftovers(d))
    sets = backup_sets(d)
    for sid, files in sets.items():
        if sid.endswith(".tmp"):
            continue
        if isinstance(files, str) or any(
                not isinstance(files.get(f), tuple)
                for f in ("main.cf", "master.cf", "info")):
            probs.append("incomplete backup set %s" % sid)
    # The first set (before pfsubmit's first edit) is kept besides.
    if len([s for s in sets if VALID_ID.match(s)]) > BACKUP_KEEP + 1:
        probs.append("%d backup sets kept, more than %d and the first" %
                     (len(sets), BACKUP_KEEP))
    waits = sorted(((r[4] or 0), " ".join(r[0][-2:])) for r in results)
    longest = waits[-1]
    kinds = {}
    for kind, tail, _ in specs:
        k = kind if kind == "postconf" else "pfsubmit " + tail[0]
        if kind == "postconf":
            k = "postconf " + tail[0]
        kinds[k] = kinds.get(k, 0) + 1
    R.conc[name] = dict(kinds=kinds, secs=secs, longest=longest,
                        sets=len(sets), ok=not probs)
    for p in probs:
        R.fail(scn="concurrency " + name, mode="concurrency", err=None,
               syscall="-", n=0, rc="", prop=p, call="", state="", stderr="",
               dir=top)
    if not probs:
        shutil.rmtree(top, ignore_errors=True)
    log("  %s: %s in %.1f s; longest wait %.2f s (%s); %d backup sets; %s" % (
        name, ", ".join("%d %s" % (v, k) for k, v in sorted(kinds.items())),
        secs, longest[0], longest[1], len(sets),
        "ok" if not probs else "%d problem(s)" % len(probs)))


def concurrency_tests(work):
    specs = []
    for i in range(1, 26):
        specs.append(("pfsubmit", ["param", "set", "p%d=v%d" % (i, i)],
                      ("main", "p%d" % i, "v%d" % i)))
        specs.append(("postconf", ["-e", "q%d=w%d" % (i, i)],
                      ("main", "q%d" % i, "w%d" % i)))
    concurrency_round(work, "param-vs-postconf-e", build_fixtures, specs)

    # Mixed: master.cf overrides (pfsubmit set, postconf -P) with main.cf
    # edits (pfsubmit param set, postconf -e), all at once.
    sub = [("smtpd_banner", "banner1"), ("smtpd_helo_required", "yes"),
           ("smtpd_timeout", "31s"), ("smtpd_delay_reject", "yes"),
           ("smtpd_error_sleep_time", "2s"), ("smtpd_soft_error_limit", "11"),
           ("smtpd_hard_error_limit", "21"), ("smtpd_recipient_limit", "1001"),
           ("smtpd_junk_command_limit", "101"),
           ("smtpd_history_flush_threshold", "101")]
    pcP = [("smtp/inet", "smtpd_client_connection_count_limit", "51"),
           ("smtp/inet", "smtpd_client_message_rate_limit", "52"),
           ("smtp/inet", "smtpd_client_recipient_rate_limit", "53"),
           ("submission/inet", "smtpd_client_connection_rate_limit", "54"),
           ("submission/inet", "smtpd_client_auth_rate_limit", "55"),
           ("submission/inet", "smtpd_client_new_tls_session_rate_limit",
            "56")]
    specs = []
    for i in range(1, 13):
        specs.append(("pfsubmit", ["param", "set", "m%d=x%d" % (i, i)],
                      ("main", "m%d" % i, "x%d" % i)))
        specs.append(("postconf", ["-e", "n%d=y%d" % (i, i)],
                      ("main", "n%d" % i, "y%d" % i)))
    for k, v in sub:
        specs.append(("pfsubmit", ["set", "submission", "%s=%s" % (k, v)],
                      ("P", "submission/inet/" + k, v)))
    for svc, k, v in pcP:
        specs.append(("postconf", ["-P", "%s/%s=%s" % (svc, k, v)],
                      ("P", "%s/%s" % (svc, k), v)))
    # interleave the kinds so that they really start together
    specs = specs[0::2] + specs[1::2]
    concurrency_round(work, "mixed-master-overrides", build_enabled, specs)


# --------------------------------------------------------------------------

def norm(text):
    text = re.sub(r"/tmp/pfsubmit-defaults\.\w+", "/tmp/pfsubmit-defaults.X",
                  text)
    text = re.sub(r"/\S*?/(run|ro|conc|trace)-[\w.-]+/pf", "DIR", text)
    return re.sub(r"\d{8}T\d{6}Z(-\d+)?", "ID", text)


def print_failures():
    if not R.failures:
        return
    groups = {}
    for f in R.failures:
        kind = {"kill": "SIGKILL", "error": "fault"}.get(f["mode"], f["mode"])
        if f.get("err") == "EINTR":
            kind = "EINTR"
        groups.setdefault((kind, norm(f["prop"])), []).append(f)
    log("\nFAILURES (%d, in %d groups)" % (len(R.failures), len(groups)))
    for (kind, prop), fs in sorted(groups.items()):
        pts = []
        for f in fs:
            p = f["scn"]
            if f.get("err") and f["mode"] == "error":
                p += ":" + f["err"]
            if f["syscall"] != "-":
                p += ":%s#%s" % (f["syscall"], f["n"])
            pts.append(p)
        log("\n* [%s] %s" % (kind, prop))
        log("  at %d point(s): %s%s" % (len(pts), " ".join(pts[:30]),
                                        " ..." if len(pts) > 30 else ""))
        f = fs[0]
        if f["syscall"] != "-":
            log("  e.g. %s %s#%s: status %s, files (main.cf/master.cf) %s" % (
                f["scn"], f["syscall"], f["n"], f.get("rc"), f.get("state")))
        if f.get("call"):
            log("  the call: %s" % norm(f["call"])[:300])
        if f.get("stderr"):
            for line in f["stderr"].splitlines()[:8]:
                if line.strip():
                    log("  stderr: %s" % norm(line)[:300])
        if f.get("dir"):
            log("  kept: %s" % f["dir"])


def main():
    global VERBOSE, PFSUBMIT
    ap = argparse.ArgumentParser(description="pfsubmit crash, fault and "
                                 "concurrency tests (root only)")
    ap.add_argument("-v", action="store_true", help="one line per run")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2,
                    help="parallel runs (default: the number of CPUs)")
    ap.add_argument("--only", default="crash,fault,eintr,readonly,"
                    "concurrency")
    ap.add_argument("--scenarios", default=",".join(s.name for s in
                                                      SCENARIOS))
    ap.add_argument("--bound", type=int, default=0,
                    help="at most N occurrences per syscall (0: all)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch directory")
    a = ap.parse_args()
    VERBOSE = a.v
    only = set(a.only.split(","))
    t_start = time.monotonic()

    if os.geteuid() != 0:
        print("crash_test: SKIPPED: needs root (files are edited as root "
              "and a directory is bind-mounted read-only)")
        return 0
    missing = [p for p, ok in (("strace (apt-get install strace)", STRACE),
                               ("./pfsubmit (make)", os.access(PFSUBMIT,
                                                               os.X_OK)),
                               ("postconf", os.access(POSTCONF, os.X_OK)))
               if not ok]
    if missing:
        print("crash_test: SKIPPED: missing %s" % ", ".join(missing))
        return 0
    if not null_device_ok():
        print("crash_test: /dev/null is not the null device (%s): results "
              "would be wrong (pfsubmit gives it to postconf as stdin); "
              "restore it: mknod -m 666 /dev/null.new c 1 3 && "
              "mv -f /dev/null.new /dev/null" % null_device_ok.what)
        return 1
    work = tempfile.mkdtemp(prefix="pfsubmit-crash.")
    os.chmod(work, 0o755)
    # One binary for the whole run, even if ./pfsubmit is rebuilt meanwhile.
    copy = os.path.join(work, "pfsubmit")
    for _ in range(10):
        shutil.copy2(PFSUBMIT, copy)
        if run([copy, "--version"])[0] == 0:
            break
        time.sleep(1)		# being linked right now
    PFSUBMIT = copy
    # strace must be able to tamper here (seccomp, containers).
    rc, _, err, _ = run([STRACE, "-qq", "-o", os.path.join(work, "probe"),
                         "--inject=getpid:error=EIO:when=1", "true"])
    if rc != 0:
        print("crash_test: SKIPPED: strace cannot trace here: %s" %
              err.decode().strip())
        shutil.rmtree(work, ignore_errors=True)
        return 0
    scns = [s for s in SCENARIOS if s.name in a.scenarios.split(",")]
    log("crash_test: scratch %s, %d parallel runs" % (work, a.j))
    sect_secs = {}
    try:
        t = time.monotonic()
        for scn in scns:
            prepare(scn, work)
            probs, notes = durability_order(scn)
            R.notes += notes
            for p in probs:
                R.fail(scn=scn.name, mode="durability order", err=None,
                       syscall="-", n=0, rc=0, prop=p, call="", state="",
                       stderr="", dir=None)
            wp = {k: v for k, v in scn.counts.items() if k in FAULT_PATH}
            log("  %s: %s; clean run: %s" % (
                scn.name, scn.describe,
                " ".join("%s %d" % kv for kv in sorted(wp.items()))))
        sect_secs["prepare"] = time.monotonic() - t

        if "crash" in only:
            t = time.monotonic()
            jobs = []
            for scn in scns:
                names = [s for s in WRITE_PATH if s in scn.counts and
                         (scn.crash_calls is None or s in scn.crash_calls)]
                for s, n in enumerate_jobs(scn, names, a.bound):
                    jobs.append((scn, work, s, n, "kill", None, a.keep))
            log("1. crash: %d kill points" % len(jobs))
            run_jobs(disturbed, jobs, a.j)
            sect_secs["crash"] = time.monotonic() - t

        if "fault" in only:
            t = time.monotonic()
            jobs = []
            for scn in scns:
                names = [s for s in FAULT_PATH if s in scn.counts and
                         (scn.fault_calls is None or s in scn.fault_calls)]
                for err in FAULT_ERRNOS:
                    for s, n in enumerate_jobs(scn, names, a.bound, True):
                        jobs.append((scn, work, s, n, "error", err, a.keep))
            log("2. faults: %d injections (%s)" % (len(jobs),
                                                   ", ".join(FAULT_ERRNOS)))
            run_jobs(disturbed, jobs, a.j)
            sect_secs["fault"] = time.monotonic() - t

        if "eintr" in only:
            t = time.monotonic()
            jobs = []
            for scn in scns:
                names = [s for s in EINTR_CALLS if s in scn.counts]
                for s, n in enumerate_jobs(scn, names, a.bound, True):
                    jobs.append((scn, work, s, n, "error", "EINTR", a.keep))
            log("   EINTR: %d injections (%s)" % (len(jobs),
                                                  ", ".join(EINTR_CALLS)))
            run_jobs(disturbed, jobs, a.j)
            sect_secs["eintr"] = time.monotonic() - t

        if "readonly" in only:
            t = time.monotonic()
            n = readonly_tests(work, scns)
            log("   read-only bind mounts: %d edits" % n)
            R.faults["EROFS"] = n
            sect_secs["readonly"] = time.monotonic() - t

        if "concurrency" in only:
            t = time.monotonic()
            log("3. concurrency")
            concurrency_tests(work)
            sect_secs["concurrency"] = time.monotonic() - t
    finally:
        for scn in scns:
            for dd in defaults_dirs(getattr(scn, "calls", [])):
                shutil.rmtree(dd, ignore_errors=True)
        if not a.keep and R.kept == 0 and not any(
                f.get("dir") for f in R.failures):
            shutil.rmtree(work, ignore_errors=True)

    # ---- summary
    secs = time.monotonic() - t_start
    print_failures()
    log("\nSUMMARY")
    tot = 0
    for scn in scns:
        cp = R.crash_points.get(scn.name, {})
        tot += sum(cp.values())
        if cp:
            log("  crash points (%s): %d = %s" % (
                scn.name, sum(cp.values()), " ".join(
                    "%s %d" % kv for kv in sorted(cp.items()))))
    log("  durability order on the clean traces: %d renames checked (%s)" % (
        sum(getattr(s, "renames_checked", 0) for s in scns),
        "ok" if not any(f["mode"] == "durability order" for f in R.failures)
        else "FAILED"))
    log("  crash points tried: %d (+%d occurrences not reached in that "
        "run)" % (tot, R.not_reached))
    for scn in scns:
        if scn.name in R.joint:
            log("  states after the kill (%s, main.cf/master.cf): %s" % (
                scn.name, ", ".join("%s %d" % kv for kv in
                                    sorted(R.joint[scn.name].items()))))
    log("  kills that left a journal, undone by the next run: %d" %
        R.journal_recoveries)
    if R.tolerated_left:
        log("  leftovers tolerated after a fault (named in a warning, "
            "postconf's lock file, a pruned set as ID.tmp): %s" % ", ".join(
                "%s %d" % kv for kv in sorted(R.tolerated_left.items())))
    if R.mixed:
        log("  NOTE: %d crash point(s) leave one file new and the other "
            "old (each is complete; the journal is there, and the next "
            "run puts the old pair back before it edits):" % len(R.mixed))
        for scn, s, n, st, call in R.mixed[:12]:
            log("    %s %s#%d %s: %s" % (scn, s, n, "/".join(st), call[:150]))
    if R.tmp_left_by_kill:
        log("  NOTE: %d killed run(s) left a /tmp/pfsubmit-defaults.* "
            "directory (no later run removes it; removed here)" %
            R.tmp_left_by_kill)
    log("  faults injected: %s" % ", ".join(
        "%s %d" % kv for kv in sorted(R.faults.items())))
    for err in FAULT_ERRNOS + ("EINTR",):
        st = {k[1]: v for k, v in R.fault_status.items() if k[0] == err}
        if st:
            log("    %s exit statuses: %s" % (err, ", ".join(
                "%s: %d" % kv for kv in sorted(st.items(), key=str))))
    if R.skipped_loader:
        log("    not injected: %d calls of the dynamic loader before main() "
            "(%s)" % (sum(R.skipped_loader.values()), ", ".join(
                "%s %d" % kv for kv in sorted(R.skipped_loader.items()))))
    if R.eintr:
        log("    EINTR outcomes: %s" % ", ".join(
            "%s %s: %d" % (k[0], k[1], v) for k, v in sorted(R.eintr.items())))
    if R.tolerated:
        log("    status 0 with a tolerated failure: %s" % ", ".join(
            "%s %d" % kv for kv in sorted(R.tolerated.items())))
    for k in ("param-vs-postconf-e", "mixed-master-overrides"):
        if k in R.conc:
            c = R.conc[k]
            log("  concurrency %s: %s; %.1f s; longest wait %.2f s (%s); "
                "%s" % (k, ", ".join("%d %s" % (v, kk) for kk, v in
                                     sorted(c["kinds"].items())),
                        c["secs"], c["longest"][0], c["longest"][1],
                        "ok" if c["ok"] else "FAILED"))
    for scn_name, what, rc, lines in R.conc.get("readonly", []):
        log("  read-only %s (%s): status %d: %s" % (
            "config dir" if what == "dir" else BK_DIR, scn_name, rc,
            " | ".join(norm(l) for l in lines)))
    for n in R.notes:
        log("  note: %s" % n)
    if not null_device_ok():
        R.fail(scn="-", mode="environment", err=None, syscall="-", n=0,
               prop="/dev/null was replaced during the run (%s): some "
               "results may be wrong; something else on this machine did "
               "it" % null_device_ok.what, call="", stderr="", dir=None)
        log("  ERROR: /dev/null is no longer the null device (%s)" %
            null_device_ok.what)
    log("  seconds: %.0f total (%s)" % (secs, ", ".join(
        "%s %.0f" % kv for kv in sect_secs.items())))
    if R.failures:
        log("crash_test: %d FAILED check(s)%s" % (
            len(R.failures), "; scratch kept in " + work
            if os.path.isdir(work) else ""))
        return 1
    log("crash_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
