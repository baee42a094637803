#!/usr/bin/env python3
"""The corpus: pfsubmit on real master.cf/main.cf files of public
mail-server projects (fixtures/corpus/<project>/, sources in
fixtures/corpus/SOURCES).

  python3 tests/corpus_test.py [-v] [PROJECT ...]   (make corpus)

For every corpus directory (a project without a main.cf of its own gets
SMALL_MAIN below), on scratch copies:

  differential   pfsubmit's reading against postconf's, as
                 tests/differential.py does it: postconf -M (services and
                 their fields), -F (fields, command, -o list, arguments),
                 -P/-Px (overrides, expanded), -n/-nx (main.cf);
  defaults       every parameter whose default refers to another one
                 ($name in `postconf -d`), expanded by pfsubmit (`param
                 show -x NAME`) against `postconf -x NAME` on the same
                 files, compared word by word (Postfix splits such values
                 on white space and commas);
  check          `pfsubmit check` reports no error: the corpus files are
                 in use as they are, so an error is a false one unless
                 Postfix itself would hit it (no corpus file has such an
                 error so far);
  for `enable` and `enable submissions` (--no-check --no-reload):
    enable       exit 0, and a live inet smtpd on the port afterwards
                 (postconf -M);
    dry run      the diff of `-n enable`, applied with `patch -p1` in a
                 copy of the directory, gives what enable wrote;
    untouched    every line the edit does not concern is byte-identical:
                 the changed lines lie inside the live entry on the port
                 (its first to its last continuation line), or are a '##'
                 line that lost one '#'; main.cf is unchanged;
    placement    a new entry (nothing live or commented out on the port
                 before) comes right after the live port-25 inet service,
                 whatever its name (smtp, 25, host:smtp ...), else at the
                 end of the file;
    idempotent   a second enable changes nothing, byte for byte, and says
                 so (exit 0 with --detailed-exitcode);
    set-restriction, show  `set-restriction SERVICE client ...` (-n) and
                 `show SERVICE` find the service enable made live, however
                 it is named (SERVICE is submission or submissions);
    no new error `pfsubmit check` on the result has no error the original
                 did not have;
    disable      exit 0; nothing live on the port; every changed line is
                 the old line with one '#' in front;
    round trip   enable after disable brings back the same entry (postconf
                 -M of the port's entries equal to those after the first
                 enable: fields, command, -o overrides, arguments), and the
                 same file byte for byte;
  differential after enable
                 pfsubmit's reading of the master.cf both enables wrote
                 against postconf's (-F, -P, -Px);
  postfix check  `postfix -c DIR check` (root only) on the original
                 master.cf and on the one after both enables, each with
                 SMALL_MAIN and a private queue directory: when the
                 original passes, so must the result.  Postfix is never
                 started;
  listen         `enable --listen 127.0.0.1` where nothing is live on 587:
                 a live 127.0.0.1 entry afterwards, a new one right after
                 the port-25 service (placement as above);
  classic        `enable --profile classic`: when the live service
                 requires TLS by Postfix's rules (smtpd_tls_security_level
                 encrypt or a client-side level, smtpd_tls_wrappermode=yes,
                 or with the level empty smtpd_enforce_tls=yes; override
                 first, then main.cf), no note says that TLS is not
                 required.

Also: fixtures/corpus/SOURCES has an entry for every file.

KNOWN lists the checks that fail today, each with why; they are reported
as "expected failure" and do not fail the run.  A known failure that
passes is reported as "unexpected pass" (remove it from KNOWN).  Exit 0
when every other check passed.
"""

import difflib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfcommon as pc  # noqa: E402

CORPUS = os.path.join(pc.ROOT, "fixtures", "corpus")
POSTFIX = shutil.which("postfix") or "/usr/sbin/postfix"
PATCH = shutil.which("patch")

# The small main.cf of a private test instance (without the
# logging lines): used for a project that has no main.cf of its own, and
# with postfix check, where the corpus main.cf files name maps, users and
# directories that this host does not have.
SMALL_MAIN = """compatibility_level = 3.6
queue_directory = {d}/spool
data_directory = {d}/data
inet_interfaces = loopback-only
myhostname = test.example
mydestination = test.example, localhost
"""

# (corpus directory, check): why it fails.
POSTCONF_SPACE = ("not a pfsubmit bug: postconf's default of mynetworks "
                  "ends in a space before the comma")


def no_relay_restriction(d):
    """Are smtpd_relay_restrictions and smtpd_recipient_restrictions both
    empty, as postconf expands them?  Then smtpd dies ("specify at least
    one working instance of ..."): an old main.cf without
    compatibility_level gets empty defaults for both on Postfix 3.x, so
    check's smtpd-fatal is true there, not false."""
    r = pc.run(["/usr/sbin/postconf", "-c", d, "-xh",
                "smtpd_relay_restrictions", "smtpd_recipient_restrictions"])
    return r[0] == 0 and not r[1].strip()


def true_error(d, e):
    return e[0] == "smtpd-fatal" and "neither smtpd_relay_restrictions" \
        in e[1] and no_relay_restriction(d)


KNOWN = {
    # postconf's own default of mynetworks ends in " ," ("[fe80::]/64 ,"),
    # which shows where $mynetworks is expanded inside proxy_read_maps;
    # pfsubmit's value is the same list without it
    ("mailcow", "differential"): POSTCONF_SPACE,
}


PORTS = {"submission": 587, "submissions": 465}
NAMED = {"smtp": 25, "submission": 587, "submissions": 465, "smtps": 465}


def port_of(name):
    """The port of an inet service name: [host:]port, symbolic or not."""
    port = name.rsplit(":", 1)[-1] if not name.endswith("]") else name
    if port.isdigit():
        return int(port)
    if port in NAMED:
        return NAMED[port]
    try:
        return socket.getservbyname(port, "tcp")
    except OSError:
        return None


def live_on_port(text, port, command=None):
    """Live inet entries on port, as Postfix's reader sees master.cf:
    [(first line, last line, name, command)]."""
    out = []
    for no, logical, pieces, orphan in pc.read_logical_lines(text):
        if orphan:
            continue
        toks = [t for _, t in pc.mystrtokq(logical)]
        if len(toks) < 8 or toks[1] != "inet" or port_of(toks[0]) != port:
            continue
        if command and toks[7] != command:
            continue
        out.append((no, pieces[-1][1], toks[0], toks[7]))
    return out


def lines(b):
    """Physical lines, each with its LF; a CR is an ordinary byte (as
    for Postfix), so bytes.splitlines() will not do."""
    return re.findall(rb"[^\n]*\n|[^\n]+$", b)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    pc.write_file(path, data)


class Results:
    def __init__(self, verbose):
        self.verbose = verbose
        self.passed = []
        self.failed = []
        self.xfail = []
        self.xpass = []

    def check(self, corpus, name, ok, detail=""):
        key = (corpus, name)
        label = "%s: %s" % (corpus, name)
        if ok:
            if key in KNOWN:
                self.xpass.append(label)
                print("UNEXPECTED PASS %s (remove from KNOWN: %s)"
                      % (label, KNOWN[key]), flush=True)
            else:
                self.passed.append(label)
                if self.verbose:
                    print("ok %s" % label, flush=True)
        elif key in KNOWN:
            self.xfail.append(label)
            print("expected failure %s [%s]%s" % (
                label, KNOWN[key], ("\n    " + detail[:600]) if
                self.verbose and detail else ""), flush=True)
        else:
            self.failed.append(label)
            print("FAIL %s\n    %s" % (label, detail[:2000]), flush=True)
        return ok


def pf(d, *args):
    return pc.run([pc.PFSUBMIT, "-c", d] + list(args))


def pf_edit(d, *args):
    """An edit without postfix check and reload, with -j: (exit status,
    document or None, stderr)."""
    rc, out, err = pf(d, "--no-check", "--no-reload", "-j", *args)
    try:
        doc = json.loads(out) if out.strip() else None
    except ValueError:
        doc = None
    return rc, doc, err


def check_errors(d):
    """pfsubmit check's errors: [(rule, message, line)].  With
    --no-check: the rules that read the files, not the probes of this
    host (its sockets and certificates say nothing of the corpus's)."""
    rc, out, err = pf(d, "--no-check", "-j", "check")
    try:
        doc = json.loads(out)
    except ValueError:
        return [("unreadable", "pfsubmit -j check: exit %d: %s %s"
                 % (rc, out[:300], err[:300]), None)]
    return [(f.get("rule"), f["message"], f.get("line"))
            for f in doc["findings"] if f["severity"] == "error"]


def copy_dir(src_master, src_main, d):
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    write(os.path.join(d, "master.cf"), src_master)
    write(os.path.join(d, "main.cf"), src_main)
    return d


# --------------------------------------------------------------------------
# the checks

def differential(name, master, main, d, tmp, res):
    rep = pc.Report(quiet=True)
    try:
        services = pc.pf_show(d)
        params = pc.pf_params(d)
    except (RuntimeError, ValueError) as e:
        res.check(name, "differential", False, str(e))
        return
    names = pc.main_names(pc.decode(main))
    pc.write_pc_main(d, main, pc.user_names(names))
    try:
        # postconf -M: the live entries, their names, types and fields
        pcM = pc.postconf_M(d)
        live = [s for s in services if s["enabled"]]
        rep.eq(name, "live entries (postconf -M)", [(m[0], m[1], m[2])
               for m in pcM], [(s["name"], s["type"], [
                   s["private"], s["unpriv"], s["chroot"], s["wakeup"],
                   s["maxproc"]]) for s in live])
        pc.compare_master(name, services, d, pc.decode(master), rep, tmp)
        pc.compare_main(name, params, d, rep,
                        "smtpd_restriction_classes" in names)
    except RuntimeError as e:
        rep.fail(name, str(e))
    res.check(name, "differential", not rep.mismatches,
              "%d of %d comparisons differ: %s" % (
                  len(rep.mismatches), rep.comparisons,
                  "\n    ".join(m for _, m in rep.mismatches[:5])))
    return rep.comparisons


def defaults(name, d, res):
    """Parameters whose default refers to another: pfsubmit param show
    -x against postconf -x, on the files as they are."""
    names = [l.split(" = ")[0] for l in pc.postconf(d, "-d").split("\n")
             if "$" in l]
    names = [n for n in names if re.fullmatch(r"[a-z0-9_]+", n)]
    rc, out, err = pf(d, "-j", "param", "show", "-x", *names)
    try:
        mine = {p["name"]: p for p in json.loads(out)["parameters"]}
    except (ValueError, KeyError):
        res.check(name, "defaults", False, "pfsubmit param show -x: exit "
                  "%d: %s" % (rc, err[:500]))
        return
    theirs = dict(pc.parse_kv(pc.postconf(d, "-x", *names)))
    raw = dict(pc.parse_kv(pc.postconf(d, *names)))
    bad = []
    for n in names:
        got, want = mine.get(n, {}).get("expanded"), theirs.get(n)
        if "process_id" in (raw.get(n) or "") and got and want:
            # the pid of whoever expanded it: compare digits masked
            got, want = re.sub("[0-9]+", "N", got), re.sub("[0-9]+", "N",
                                                           want)
        if pc.list_words(got) != pc.list_words(want):
            bad.append("%s: postconf %s, pfsubmit %s" % (
                n, pc.show(theirs.get(n), 160), pc.show(got, 160)))
    res.check(name, "defaults", not bad, "%d of %d differ: %s" % (
        len(bad), len(names), "\n    ".join(bad[:6])))


def untouched(before, after, text_after, port):
    """The lines changed from before to after (bytes) lie inside a live
    entry on port, or are '##' lines that lost one '#'.  Returns a list
    of complaints."""
    spans = [(a, b) for a, b, _, _ in live_on_port(text_after, port)]
    inside = lambda no: any(a <= no <= b for a, b in spans)  # noqa: E731
    o, r = lines(before), lines(after)
    bad = []
    sm = difflib.SequenceMatcher(None, o, r, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if op == "delete":
            bad.append("lines %d-%d removed: %r" % (i1 + 1, i2, o[i1][:80]))
            continue
        for k, j in enumerate(range(j1, j2)):
            if inside(j + 1):
                continue
            old = o[i1 + k] if op == "replace" and i1 + k < i2 else None
            if old is not None and old.startswith(b"##") and \
                    r[j] == old[1:]:
                continue
            bad.append("line %d outside the entry changed: %r -> %r" % (
                j + 1, old, r[j][:100]))
    return bad


def commented_only(before, after):
    """Every changed line is the old one with one '#' in front; disable
    may add its mark, a line "#pfsubmit: disabled ...", before the
    entry, for enable to find it again."""
    o = lines(before)
    r = [x for x in lines(after) if not x.startswith(b"#pfsubmit: disabled ")]
    if len(o) != len(r):
        return ["%d lines, was %d" % (len(r), len(o))]
    return ["line %d: %r -> %r" % (k + 1, o[k][:80], r[k][:80])
            for k in range(len(o)) if r[k] != o[k] and r[k] != b"#" + o[k]]


def dry_run(name, pre, d, master0, main0, diff, rc, err, res):
    """The diff of `-n enable`, applied with `patch -p1` inside a copy
    of the directory as it was, gives what enable wrote."""
    if rc != 0:
        res.check(name, pre + ": dry run", False, "-n: exit %d: %s" % (
            rc, err.strip()[:300]))
        return
    if PATCH is None:
        return                      # noted once in main()
    dd = copy_dir(master0, main0, d + ".dry")
    ok, why = True, ""
    if diff.strip():
        p = subprocess.run([PATCH, "-s", "-p1", "-d", dd],
                           input=diff.encode("utf-8", "surrogateescape"),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            ok, why = False, "patch -p1: %s" % p.stdout.decode()[:300]
    for f in ("master.cf", "main.cf"):
        if ok and read(os.path.join(dd, f)) != read(os.path.join(d, f)):
            ok, why = False, "%s after patch differs from enable's" % f
    shutil.rmtree(dd)
    res.check(name, pre + ": dry run", ok, why)


def port_entries_M(d, port):
    """postconf -M lines of the live inet entries on port."""
    return [m for m in pc.postconf_M(d) if m[1] == "inet" and
            port_of(m[0]) == port]


def edits(name, master0, main0, d, res):
    """enable / idempotence / disable / enable for both services, on d
    (a scratch copy); returns master.cf after both enables."""
    mpath, npath = os.path.join(d, "master.cf"), os.path.join(d, "main.cf")
    errors0 = {(r, m) for r, m, _ in check_errors(d)}
    for svc in ("submission", "submissions"):
        port = PORTS[svc]
        args = [] if svc == "submission" else [svc]
        pre = "enable %s" % svc
        before = read(mpath)
        tb = pc.decode(before)
        had_live = bool(live_on_port(tb, port, "smtpd"))
        rcn, diff, errn = pc.run([pc.PFSUBMIT, "-c", d, "--no-check", "-n",
                                  "enable"] +
                                 args)
        rc, doc, err = pf_edit(d, "enable", *args)
        a1 = read(mpath)
        ta1 = pc.decode(a1)
        live1 = live_on_port(ta1, port, "smtpd")
        if not res.check(name, pre, rc == 0 and bool(live1),
                         "exit %d, live on %d after: %s; %s" % (
                             rc, port, live1, err.strip()[:800])):
            continue
        dry_run(name, pre, d, before, main0, diff, rcn, errn, res)
        bad = untouched(before, a1, ta1, port)
        if read(npath) != main0:
            bad.append("main.cf changed")
        res.check(name, pre + ": untouched lines", not bad,
                  "\n    ".join(bad[:6]))
        # a new entry: right after the port-25 service, else at the end
        header = lines(a1)[live1[0][0] - 1]
        if not had_live and b"#" + header not in lines(before):
            smtp = live_on_port(tb, 25)
            want = smtp[0][1] + 1 if smtp else len(lines(before)) + 1
            res.check(name, pre + ": placement", live1[0][0] == want,
                      "new entry at line %d, want %d (after %s)" % (
                          live1[0][0], want,
                          smtp[0][2] if smtp else "the end of the file"))
        # exit 5 with --detailed-exitcode would say that it changed a file
        rc2, doc2, err2 = pf_edit(d, "--detailed-exitcode", "enable", *args)
        same = read(mpath) == a1 and read(npath) == main0
        res.check(name, pre + ": idempotent", rc2 == 0 and same,
                  "exit %d (--detailed-exitcode); files unchanged: %s; %s"
                  % (rc2, same, err2.strip()[:300]))
        write(mpath, a1)
        # by the name of its port, whatever the entry is called
        rc3, out3, err3 = pf(d, "--no-check", "-n", "set-restriction", svc,
                             "client",
                             "permit_sasl_authenticated,reject")
        res.check(name, pre + ": set-restriction", rc3 == 0,
                  "set-restriction %s (the entry is %s): exit %d: %s" % (
                      svc, live1[-1][2], rc3, err3.strip()[:500]))
        rc6, out6, err6 = pf(d, "-j", "show", svc)
        try:
            shown = [x for x in json.loads(out6)["services"]
                     if x["enabled"]]
        except (ValueError, KeyError):
            shown = []
        res.check(name, pre + ": show", rc6 == 0 and bool(shown),
                  "show %s (the entry is %s): exit %d, live entries %s: %s"
                  % (svc, live1[-1][2], rc6, [x["name"] for x in shown],
                     err6.strip()[:300]))
        new_err = [(r, m, l) for r, m, l in check_errors(d)
                   if (r, m) not in errors0]
        res.check(name, pre + ": no new error", not new_err,
                  "; ".join("%s (line %s): %s" % e for e in new_err[:4]))
        m1 = port_entries_M(d, port)
        # disable
        rc4, doc4, err4 = pf_edit(d, "disable", *args)
        b = read(mpath)
        bad = commented_only(a1, b)
        still = live_on_port(pc.decode(b), port, "smtpd")
        if still:
            bad.append("still live: %s" % still)
        res.check(name, "disable %s" % svc, rc4 == 0 and not bad,
                  "exit %d: %s %s" % (rc4, "; ".join(bad[:5]),
                                      err4.strip()[:300]))
        # enable again: the entry as it was
        rc5, doc5, err5 = pf_edit(d, "enable", *args)
        c = read(mpath)
        m2 = port_entries_M(d, port) if rc5 == 0 else None
        detail = ""
        if m2 != m1:
            detail = "entry after the first enable: %s; after disable and " \
                "enable: %s" % (m1, m2)
        elif c != a1:
            i = pc.first_diff(lines(c), lines(a1))
            detail = "same entry, but the file differs from line %d: %r, " \
                "was %r" % (i + 1, lines(c)[i:i + 1], lines(a1)[i:i + 1])
        res.check(name, "disable/enable %s: round trip" % svc,
                  rc5 == 0 and not detail,
                  "exit %d: %s %s" % (rc5, detail, err5.strip()[:300]))
        write(mpath, a1)           # go on from the state after enable
    return read(mpath)


def postfix_check(name, master0, master1, d, res):
    """postfix check on the original and the edited master.cf, each with
    SMALL_MAIN and a private queue directory."""
    if os.geteuid() != 0:
        return
    os.makedirs(os.path.join(d, "spool"), exist_ok=True)
    data = os.path.join(d, "data")
    os.makedirs(data, exist_ok=True)
    try:
        import pwd
        pw = pwd.getpwnam("postfix")
        os.chown(data, pw.pw_uid, pw.pw_gid)
    except KeyError:
        pass
    write(os.path.join(d, "main.cf"), SMALL_MAIN.format(d=d))
    outcome = []
    for m in (master0, master1):
        write(os.path.join(d, "master.cf"), m)
        rc, out = pc.run_pty([POSTFIX, "-c", d, "check"])
        outcome.append((rc, [l for l in out.split("\n") if
                             "fatal" in l or "error" in l][:5]))
    if outcome[0][0] != 0:
        print("note: %s: postfix check fails on the original master.cf "
              "(with a small main.cf): %s" % (name, outcome[0][1]))
        return
    res.check(name, "postfix check after enable", outcome[1][0] == 0,
              "postfix check: exit %d: %s" % outcome[1])


def tls_required(d, key):
    """Does the live service key (name/type) require TLS, by Postfix's
    rules?  From postconf -P (its overrides), then main.cf/defaults."""
    ovs = pc.postconf_P(d).get(key, {})

    def val(p):
        if p in ovs:
            return ovs[p]
        return pc.postconf(d, "-xh", p).strip()
    level = val("smtpd_tls_security_level")
    if level in ("encrypt", "verify", "secure", "fprint", "dane",
                 "dane-only"):
        return True
    if val("smtpd_tls_wrappermode") == "yes":
        return True
    return level == "" and val("smtpd_enforce_tls") == "yes"


def listen(name, master0, d, res):
    """enable --listen 127.0.0.1 where nothing is live on 587: a live
    127.0.0.1 entry afterwards; a new one right after the port-25
    service, as for enable without --listen."""
    before = master0
    if live_on_port(pc.decode(before), 587):
        return                      # enable refuses, as it should
    rc, doc, err = pf_edit(d, "enable", "--listen", "127.0.0.1")
    after = read(os.path.join(d, "master.cf"))
    live = [e for e in live_on_port(pc.decode(after), 587, "smtpd")
            if e[2].startswith("127.0.0.1:")]
    if not res.check(name, "enable --listen", rc == 0 and bool(live),
                     "exit %d, live: %s; %s" % (rc, live, err.strip()[:300])):
        return
    header = lines(after)[live[0][0] - 1]
    if b"#" + header in lines(before):
        return                      # a commented-out entry, uncommented
    smtp = live_on_port(pc.decode(before), 25)
    want = smtp[0][1] + 1 if smtp else len(lines(before)) + 1
    res.check(name, "enable --listen: placement", live[0][0] == want,
              "new entry at line %d, want %d (after %s)" % (
                  live[0][0], want,
                  smtp[0][2] if smtp else "the end of the file"))


def classic(name, d, res):
    rc, doc, err = pf_edit(d, "enable", "--profile", "classic")
    if rc != 0 or doc is None:
        res.check(name, "classic", False, "enable --profile classic: exit "
                  "%d: %s" % (rc, err.strip()[:500]))
        return
    live = live_on_port(pc.decode(read(os.path.join(d, "master.cf"))), 587,
                        "smtpd")
    if not live:
        res.check(name, "classic", False, "nothing live on 587")
        return
    if not tls_required(d, live[-1][2] + "/inet"):
        return                   # the warning is right: nothing to check
    wrong = [n for n in doc.get("notes", []) if re.search(
        "TLS is not required|does not require TLS", n)]
    res.check(name, "classic", not wrong, "the service requires TLS, but: "
              + " | ".join(wrong))


def one(name, tmp, res):
    src = os.path.join(CORPUS, name)
    master = read(os.path.join(src, "master.cf"))
    mp = os.path.join(src, "main.cf")
    base = os.path.join(tmp, name)
    main = read(mp) if os.path.exists(mp) else \
        SMALL_MAIN.format(d=os.path.join(base, "pfcheck")).encode()
    d = copy_dir(master, main, os.path.join(base, "read"))
    errs = [e for e in check_errors(d) if not true_error(d, e)]
    res.check(name, "check", not errs, "; ".join(
        "%s (line %s): %s" % e for e in errs[:5]))
    defaults(name, d, res)
    differential(name, master, main, d, tmp, res)
    d = copy_dir(master, main, os.path.join(base, "edit"))
    master1 = edits(name, master, main, d, res)
    d = copy_dir(master1, main, os.path.join(base, "edited"))
    rep = pc.Report(quiet=True)
    try:
        pc.compare_master(name, pc.pf_show(d), d, pc.decode(master1), rep,
                          tmp)
    except (RuntimeError, ValueError) as e:
        rep.fail(name, str(e))
    res.check(name, "differential after enable", not rep.mismatches,
              "\n    ".join(m for _, m in rep.mismatches[:5]))
    d = copy_dir(master, main, os.path.join(base, "classic"))
    classic(name, d, res)
    d = copy_dir(master, main, os.path.join(base, "listen"))
    listen(name, master, d, res)
    postfix_check(name, master, master1, os.path.join(base, "pfcheck"), res)


def sources_listed(names, res):
    """fixtures/corpus/SOURCES has an entry, with every field, for each
    file of the corpus, and none for a file that is not there."""
    entries, cur = {}, None
    with open(os.path.join(CORPUS, "SOURCES")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if not line.startswith(" "):
                cur = entries.setdefault(line, set())
            elif cur is not None:
                cur.add(line.strip().split(":")[0])
    files = {"%s/%s" % (n, f) for n in names for f in ("master.cf", "main.cf")
             if os.path.exists(os.path.join(CORPUS, n, f))}
    need = {"repository", "path", "commit", "licence", "rendering"}
    bad = ["%s: no entry" % f for f in sorted(files - set(entries))]
    bad += ["%s: listed, not there" % f for f in sorted(set(entries) - files)
            if f.split("/")[0] in names]
    bad += ["%s: lacks %s" % (f, ", ".join(sorted(need - entries[f])))
            for f in sorted(files & set(entries)) if need - entries[f]]
    res.check("SOURCES", "an entry for each file", not bad, "; ".join(bad))


def main():
    pc.check_tools()
    verbose = "-v" in sys.argv[1:]
    only = [a for a in sys.argv[1:] if a != "-v"]
    names = sorted(n for n in os.listdir(CORPUS)
                   if os.path.isfile(os.path.join(CORPUS, n, "master.cf")))
    if only:
        names = [n for n in names if n in only]
    for key in KNOWN:
        if key[0] not in names and not only:
            sys.exit("KNOWN names a corpus directory that does not exist: "
                     "%s" % (key,))
    res = Results(verbose)
    if PATCH is None:
        print("note: patch(1) is missing: the dry-run diffs are not applied")
    sources_listed(names, res)
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="pfsubmit-corpus-") as tmp:
        pc.check_restriction_classes_trick(tmp)
        for name in names:
            one(name, tmp, res)
    print("corpus: %d directories, %d checks: %d passed, %d failed, "
          "%d expected failures, %d unexpected passes, %.1f s" % (
              len(names), len(res.passed) + len(res.failed) +
              len(res.xfail) + len(res.xpass), len(res.passed),
              len(res.failed), len(res.xfail), len(res.xpass),
              time.time() - t0))
    if res.failed:
        print("corpus: FAILED:\n  " + "\n  ".join(res.failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
