"""Helpers shared by tests/differential.py and tests/generated.py.

Python 3 standard library only (CI runs Debian's python3).

What is compared, and why this way (Postfix's reading of both files):

* master.cf fields: pfsubmit's enabled services against `postconf -F`, entry
  by entry in file order.  postconf's `command` attribute is not the command
  word alone: it is the command followed by the daemon arguments,
  normalised (`-o {a = b}` becomes `-o a=b`, a word holding white space is
  printed inside `{}`, tokens joined by one space).  So it is split again
  here (brace aware) into command word, `-o` list and positional arguments,
  and each part is compared with pfsubmit's command, overrides (in order,
  duplicates included) and args.
* -o overrides: pfsubmit's overrides against `postconf -P` (per entry, names
  sorted, last value wins, white space runs folded) and the expanded values
  against `postconf -Px`.  Two entries with the same name/type share one
  namespace in postconf, so the expectation is the merge, in file order.
* main.cf: every parameter against `postconf -n` / `postconf -nx` (the
  name = value form of -nh / -xh, one call for all names), after folding
  white space runs.

Where postconf differs from what master(8) and the daemons do, postconf is
not consulted and pfsubmit is held to the daemon's reading instead:

* postconf's -oname=value splitting bug (section 4.3): for a combined option
  token it splits at any letter 'o' after the second character, payload
  included (`-osyslog_name=x` shows as `-o sysl -o g_name=x`).  The daemon's
  getopt gives `-o` the whole rest of the token.  Such overrides are checked
  against reference_master8() below, not against postconf.
* raw parameters (mailbox_command, smtpd_reject_footer, ...): `postconf -x`
  leaves them verbatim in main.cf, but `postconf -Px` expands them when they
  are -o values.  The daemon reads them raw (they are expanded later, per
  message), so pfsubmit's `expanded` must equal the value verbatim.
"""

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PFSUBMIT = os.path.join(ROOT, "pfsubmit")
PFTOOL = os.path.join(ROOT, "build", "pftool")
POSTCONF = shutil.which("postconf") or "/usr/sbin/postconf"

ENV = dict(os.environ, LC_ALL="C", LANG="C")
ENV.pop("MAIL_CONFIG", None)

FIELDS = ("service", "type", "private", "unprivileged", "chroot", "wakeup",
          "process_limit", "command")
# pfsubmit's JSON key for each of postconf's field names
PF_KEY = {"service": "name", "type": "type", "private": "private",
          "unprivileged": "unpriv", "chroot": "chroot", "wakeup": "wakeup",
          "process_limit": "maxproc", "command": "command"}

CHARS_SPACE = " \t\r\n"          # master.cf separators, postconf folding
ISSPACE = " \t\n\v\f\r"          # isspace(): line reader, split_nameval
READ_ONLY = ("process_name", "process_id", "service_name")
# Options of Postfix's server skeletons (single/multi/trigger_server.c,
# getopt string "cdDi:lm:n:o:s:St:uvVz") that take a value.
DAEMON_VALUE_OPTS = "imnost"


# --------------------------------------------------------------------------
# running things

def run_bytes(argv, timeout=60):
    """Run argv; return (rc, stdout bytes, stderr bytes).  A binary that
    is being relinked at that moment (EACCES, ETXTBSY) is retried."""
    for attempt in range(5):
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=ENV,
                               timeout=timeout)
            return p.returncode, p.stdout, p.stderr
        except OSError as e:
            if e.errno not in (errno.EACCES, errno.ETXTBSY) or attempt == 4:
                raise
            time.sleep(1)


def run(argv, timeout=60):
    """Run argv; return (rc, stdout str, stderr str).  Bytes are decoded
    with surrogateescape so that nothing is lost."""
    rc, out, err = run_bytes(argv, timeout)
    return (rc, out.decode("utf-8", "surrogateescape"),
            err.decode("utf-8", "surrogateescape"))


def check_tools():
    """Exit with a clear message when something we need is missing."""
    missing = [p for p in (PFSUBMIT, PFTOOL) if not os.access(p, os.X_OK)]
    if missing:
        sys.exit("missing %s: run `make && make build/pftool` in %s"
                 % (", ".join(missing), ROOT))
    if not os.access(POSTCONF, os.X_OK):
        sys.exit("postconf is missing (apt-get install postfix)")


def fold(s):
    """postconf prints every run of white space in a value as one space,
    and none at either end (the line is `name = value`, and a value that
    expands to " x " shows as `name = x`): compare values that way."""
    return None if s is None else re.sub("[ \t\r\n]+", " ", s).strip(" ")


def show(s, limit=300):
    """A value for a message: repr, shortened."""
    r = repr(s)
    return r if len(r) <= limit else r[:limit] + "...(%d chars)" % len(r)


def fatal_lines(stderr):
    return [l for l in stderr.split("\n") if "fatal" in l or "error:" in l]


# --------------------------------------------------------------------------
# a report of comparisons and mismatches

class Report:
    """Counts comparisons; collects mismatches (printed as they come,
    unless quiet, up to max_print) and groups them by kind."""

    def __init__(self, max_print=40, quiet=False):
        self.comparisons = 0
        self.mismatches = []          # (kind, full message)
        self.notes = []
        self.max_print = max_print
        self.quiet = quiet

    def eq(self, ctx, what, expected, got, exp_label="postconf",
           got_label="pfsubmit", kind=None):
        """One comparison; records a mismatch when expected != got.  kind
        groups mismatches in the summary (default: what)."""
        self.comparisons += 1
        if expected != got:
            self.fail(ctx, "%s: %s %s, %s %s" % (
                what, exp_label, show(expected), got_label, show(got)),
                kind=kind or what)
            return False
        return True

    def fail(self, ctx, msg, kind=None):
        self._add(kind or msg.split(":")[0][:80], "%s: %s" % (ctx, msg))

    def _add(self, kind, full):
        self.mismatches.append((kind, full))
        if self.quiet:
            return
        if len(self.mismatches) <= self.max_print:
            print("MISMATCH " + full, flush=True)
        elif len(self.mismatches) == self.max_print + 1:
            print("(more mismatches: only counted from here; summary at "
                  "the end)", flush=True)

    def note(self, msg):
        self.notes.append(msg)

    def merge(self, other):
        self.comparisons += other.comparisons
        for kind, full in other.mismatches:
            self._add(kind, full)
        self.notes.extend(other.notes)

    def summary(self):
        """Mismatches by kind: count and the first example."""
        kinds = {}
        for kind, full in self.mismatches:
            if kind not in kinds:
                kinds[kind] = [0, full]
            kinds[kind][0] += 1
        for kind, (n, first) in sorted(kinds.items(), key=lambda x: -x[1][0]):
            print("  %5d x %s\n        e.g. %s" % (n, kind, first[:600]))


# --------------------------------------------------------------------------
# postconf

def parse_kv(text):
    """`name = value` lines (postconf output) as a list of (name, value).
    Split on LF only: a value may hold CR, VT or FF."""
    out = []
    for line in text.split("\n"):
        if line == "":
            continue
        i = line.find(" = ")
        if i >= 0:
            out.append((line[:i], line[i + 3:]))
        elif line.endswith(" ="):
            out.append((line[:-2], ""))
        else:
            raise ValueError("unexpected postconf output line %r" % line)
    return out


def postconf(d, *args):
    """Run postconf -c d args; returns stdout, raises on failure."""
    rc, out, err = run([POSTCONF, "-c", d] + list(args))
    if rc != 0 or fatal_lines(err):
        raise RuntimeError("postconf -c %s %s failed (exit %d): %s" % (
            d, " ".join(args), rc, err.strip()[:2000]))
    return out


def postconf_F(d):
    """postconf -F: one dict per entry, in file order."""
    entries = []
    cur = None
    for key, value in parse_kv(postconf(d, "-F")):
        svc, typ, field = key.rsplit("/", 2)
        if field == "service":
            cur = {"_key": svc + "/" + typ}
            entries.append(cur)
        cur[field] = value
    return entries


def postconf_P(d, expand=False):
    """postconf -P / -Px: {service/type: {param: value}}."""
    res = {}
    for key, value in parse_kv(postconf(d, "-Px" if expand else "-P")):
        st, param = key.rsplit("/", 1)
        res.setdefault(st, {})[param] = value
    return res


_DEFAULT_NAMES = None


def default_names():
    """The names postconf knows built in (postconf -dH), cached."""
    global _DEFAULT_NAMES
    if _DEFAULT_NAMES is None:
        rc, out, err = run([POSTCONF, "-dH"])
        if rc != 0:
            raise RuntimeError("postconf -dH failed: " + err)
        _DEFAULT_NAMES = frozenset(l for l in out.split("\n") if l)
    return _DEFAULT_NAMES


_RAW_NAMES = None


def raw_names(tmpdir):
    """Parameters that postconf -x leaves unexpanded (raw parameters),
    found by experiment: every built-in name set to $pfprobe (a literal)
    in a scratch main.cf, then postconf -nx; cached."""
    global _RAW_NAMES
    if _RAW_NAMES is None:
        d = os.path.join(tmpdir, "rawprobe")
        os.makedirs(d, exist_ok=True)
        names = sorted(n for n in default_names()
                       if re.fullmatch(r"[a-z0-9_]+", n)
                       and n not in READ_ONLY and n != "config_directory")
        write_file(os.path.join(d, "main.cf"), "pfprobe = literal\n" +
                   "".join("%s = $pfprobe\n" % n for n in names))
        write_file(os.path.join(d, "master.cf"), "")
        out = postconf(d, "-nx")
        _RAW_NAMES = frozenset(n for n, v in parse_kv(out)
                               if v == "$pfprobe")
    return _RAW_NAMES


def restriction_classes_line(names):
    """The line appended to the scratch main.cf that postconf reads.

    postconf prints a user-defined main.cf parameter (-n, -x) only when
    something references it ($name in another value, or a listing in
    smtpd_restriction_classes); otherwise it just warns "unused parameter"
    and leaves it out.  Listing every user-defined name in
    smtpd_restriction_classes makes postconf print them all without
    changing any other value.  check_restriction_classes_trick() verifies
    this once per run."""
    return "smtpd_restriction_classes = " + " ".join(names) + "\n"


def check_restriction_classes_trick(tmpdir):
    d = os.path.join(tmpdir, "trick")
    os.makedirs(d, exist_ok=True)
    write_file(os.path.join(d, "master.cf"), "")
    base = "myhostname = h.example\nlonely_user_param = some value\n"
    write_file(os.path.join(d, "main.cf"), base)
    before = dict(parse_kv(postconf(d, "-n")))
    write_file(os.path.join(d, "main.cf"),
               base + restriction_classes_line(["lonely_user_param"]))
    after = dict(parse_kv(postconf(d, "-n")))
    if "lonely_user_param" in before or \
            after.get("lonely_user_param") != "some value":
        sys.exit("the smtpd_restriction_classes trick does not work with "
                 "this postconf: before %r, after %r" % (before, after))


# --------------------------------------------------------------------------
# pfsubmit and pftool

def pf_show(d):
    rc, out, err = run([PFSUBMIT, "-c", d, "-j", "show", "all"])
    if rc != 0:
        raise RuntimeError("pfsubmit -c %s -j show all: exit %d: %s"
                           % (d, rc, err.strip()[:2000]))
    return json.loads(out)["services"]


def pf_params(d):
    rc, out, err = run([PFSUBMIT, "-c", d, "-j", "param", "show", "-x"])
    if rc != 0:
        raise RuntimeError("pfsubmit -c %s -j param show -x: exit %d: %s"
                           % (d, rc, err.strip()[:2000]))
    return json.loads(out)["parameters"]


def roundtrip(kind, path):
    """serialize(parse(file)) == file?  Returns (ok, output bytes)."""
    rc, out, err = run_bytes([PFTOOL, "roundtrip", kind, path])
    with open(path, "rb") as f:
        data = f.read()
    return rc == 0 and out == data, out, err


def parse_errors(kind, path):
    """pftool parse: None when clean, else its output."""
    rc, out, err = run([PFTOOL, "parse", kind, path])
    if rc == 0:
        return None
    return (out + err).strip()


def first_diff(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


# --------------------------------------------------------------------------
# a reference reading of master.cf as master(8) and the daemons do it;
# used only where postconf is known to be wrong

def read_logical_lines(text):
    """readllines(): [(first line number 1-based, logical text,
    [(offset in logical text, physical line number)], orphan)]"""
    phys = text.split("\n")
    if text.endswith("\n"):
        phys.pop()
    out = []
    cur = None
    for no, line in enumerate(phys, 1):
        stripped = line.lstrip(ISSPACE)
        if stripped == "" or stripped.startswith("#"):
            continue                    # ignorable: never ends an entry
        if line[0] in ISSPACE:
            if cur is None:             # orphan continuation
                cur = [no, "", [], True]
                out.append(cur)
            cur[2].append((len(cur[1]), no))
            cur[1] += line
        else:
            cur = [no, line, [(0, no)], False]
            out.append(cur)
    return [tuple(c) for c in out]


def line_at(pieces, off):
    ln = pieces[0][1]
    for o, no in pieces:
        if o <= off:
            ln = no
    return ln


def mystrtokq(s, seps=CHARS_SPACE):
    """Postfix mystrtokq(): split on seps, but not inside {} groups.
    Returns [(offset, token)]."""
    toks = []
    i, n = 0, len(s)
    while True:
        while i < n and s[i] in seps:
            i += 1
        if i >= n:
            return toks
        start, level = i, 0
        while i < n:
            c = s[i]
            if c == "{":
                level += 1
            elif level > 0 and c == "}":
                level -= 1
            elif level == 0 and c in seps:
                break
            i += 1
        toks.append((start, s[start:i]))


def extpar(tok):
    """Unwrap a token that starts with '{' (master(8) is strict)."""
    if not tok.startswith("{"):
        return tok
    level = 0
    for i, c in enumerate(tok):
        if c == "{":
            level += 1
        elif c == "}":
            level -= 1
            if level == 0:
                if i != len(tok) - 1:
                    raise ValueError("text after '}' in %r" % tok)
                return tok[1:i].strip(ISSPACE)
    raise ValueError("missing '}' in %r" % tok)


def split_nameval(s):
    """Postfix split_nameval(): (name, value) or raise."""
    s = s.lstrip(ISSPACE)
    m = re.match(r"[^ \t\n\v\f\r=]+", s)
    if not m:
        raise ValueError("missing attribute name in %r" % s)
    name, rest = m.group(0), s[m.end():].lstrip(ISSPACE)
    if not rest.startswith("="):
        raise ValueError("missing '=' after attribute name in %r" % s)
    return name, rest[1:].strip(ISSPACE)


def o_bug(tok, k):
    """Does postconf mis-split option token tok, whose value letter (as
    getopt sees it) is at index k (None: no value letter)?  postconf
    splits at the first 'o' at index >= 2, and again inside what it split
    off, so the -o payload must be free of the letter 'o'."""
    if k is None or tok[k] != "o":
        return "o" in tok[2:]
    return "o" in tok[k + 1:] or ("o" in tok[2:k])


def reference_master8(text):
    """Live entries as master(8) + the daemon's getopt read them:
    [{"line", "fields", "overrides": [(name, value, line, postconf_bug)],
      "args"}].  Raises ValueError on what master(8) would refuse."""
    res = []
    for first, logical, pieces, orphan in read_logical_lines(text):
        if orphan:
            continue
        toks = [(o, extpar(t)) for o, t in mystrtokq(logical)]
        if len(toks) < 8:
            raise ValueError("line %d: bad field count" % first)
        ent = {"line": first, "fields": [t for _, t in toks[:8]],
               "overrides": [], "args": []}
        i = 8
        while i < len(toks):
            off, t = toks[i]
            if not t.startswith("-") or t == "-":
                break
            if t == "--":
                i += 1
                break
            for k in range(1, len(t)):
                if t[k] in DAEMON_VALUE_OPTS:
                    if k + 1 < len(t):
                        val, voff = t[k + 1:], off
                    elif i + 1 < len(toks):
                        i += 1
                        voff, val = toks[i]
                    else:
                        raise ValueError("option %r without value" % t)
                    if t[k] == "o":
                        n, v = split_nameval(val)
                        ent["overrides"].append(
                            (n, v, line_at(pieces, voff),
                             o_bug(t, k) if k + 1 < len(t) else False))
                    break
            i += 1
        ent["args"] = [t for _, t in toks[i:]]
        res.append(ent)
    return res


# --------------------------------------------------------------------------
# splitting postconf's -F command attribute again

def unbrace(t):
    """postconf prints a word holding white space inside {}."""
    if t.startswith("{") and t.endswith("}"):
        return t[1:-1]
    return t


def split_F_command(cmd):
    """postconf -F command = command word, then the normalised daemon
    arguments joined by one space.  Returns (command, flags, [(name,
    value)], text of the positional arguments)."""
    toks = mystrtokq(cmd, " ")
    command, flags, ovs = toks[0][1], [], []
    i = 1
    while i < len(toks):
        t = toks[i][1]
        if not t.startswith("-") or t == "--":
            break
        if t == "-o" and i + 1 < len(toks):
            nv = unbrace(toks[i + 1][1])
            n, _, v = nv.partition("=")
            ovs.append((n, v))
            i += 2
            continue
        flags.append(t)
        i += 1
    rest = cmd[toks[i][0]:] if i < len(toks) else ""
    return command, flags, ovs, rest


def render_F_args(args):
    """Positional arguments as postconf -F prints them: joined by one
    space, each holding white space inside {} -- except the first one,
    which postconf 3.7 prints bare (it is the token that ends its option
    loop), so `pipe {a  b} {c d}` shows as `pipe a  b {c d}`."""
    out = []
    for k, a in enumerate(args):
        if k > 0 and any(c in CHARS_SPACE for c in a):
            a = "{" + a + "}"
        out.append(a)
    return " ".join(out)


# --------------------------------------------------------------------------
# the comparisons

def svc_key(s):
    return "%s/%s" % (s["name"], s["type"])


def compare_master(ctx, pf_services, pc_dir, master_text, rep, tmpdir):
    """pfsubmit's enabled services against postconf -F, -P, -Px on pc_dir
    (the directory pfsubmit read, main.cf rewritten by write_pc_main)."""
    live = [s for s in pf_services if s["enabled"]]
    try:
        ref = reference_master8(master_text)
    except ValueError as e:
        rep.fail(ctx, "the reference master(8) reader refuses master.cf: %s"
                 % e)
        ref = None
    if ref is not None and len(ref) != len(live):
        rep.fail(ctx, "live entries: master(8) reading %d, pfsubmit %d"
                 % (len(ref), len(live)))
        ref = None
    # which overrides of which service postconf misreads (-o bug)
    bug = [[o[3] for o in r["overrides"]] for r in ref] if ref else \
        [[False] * len(s["overrides"]) for s in live]

    pcF = postconf_F(pc_dir)
    if not rep.eq(ctx, "number of enabled services (postconf -F entries)",
                  len(pcF), len(live)):
        return
    for idx, (s, pc) in enumerate(zip(live, pcF)):
        sctx = "%s: service %s (line %s)" % (ctx, svc_key(s), s.get("line"))
        for f in FIELDS[:7]:
            rep.eq(sctx, "field " + f, pc[f], s[PF_KEY[f]])
        command, flags, ovs, argtext = split_F_command(pc["command"])
        rep.eq(sctx, "command word (first word of postconf -F command)",
               command, s["command"])
        pf_ovs = [(o["name"], o["value"]) for o in s["overrides"]]
        if len(bug[idx]) != len(pf_ovs):
            bug[idx] = [False] * len(pf_ovs)
        if any(bug[idx]):
            # postconf's -oname=value splitting bug: its -F command, -P
            # and -Px are wrong for this entry; hold pfsubmit to master(8)
            # and the daemon's getopt instead (reference_master8).
            want = [(o[0], o[1]) for o in ref[idx]["overrides"]]
            rep.eq(sctx, "-o overrides as master(8)/getopt reads them "
                   "(postconf skipped: -oname=value splitting bug)",
                   want, pf_ovs, exp_label="master(8)")
            rep.eq(sctx, "args as master(8) reads them", ref[idx]["args"],
                   s["args"], exp_label="master(8)")
            rep.note("%s: postconf -o splitting bug, checked against "
                     "master(8) reading: %s" % (sctx, [
                         "%s=%s" % o for o, b in zip(want, bug[idx]) if b]))
            continue
        if flags:
            rep.note("%s: daemon flags %s not shown by pfsubmit" % (sctx,
                                                                   flags))
        rep.eq(sctx, "-o overrides in order (from postconf -F command)",
               ovs, pf_ovs)
        rep.eq(sctx, "args as postconf -F prints them (first bare, others "
               "with white space in {})", argtext, render_F_args(s["args"]))

    # -P and -Px: postconf merges entries with the same name/type
    raw = None
    for expand in (False, True):
        pcP = postconf_P(pc_dir, expand)
        want = {}                 # key -> {name: (value, buggy)}
        for idx, s in enumerate(live):
            d = want.setdefault(svc_key(s), {})
            for o, b in zip(s["overrides"], bug[idx]):
                d[o["name"]] = (o, b)
        opt = "-Px" if expand else "-P"
        for key in sorted(set(want) | set(pcP)):
            mine = want.get(key, {})
            theirs = pcP.get(key, {})
            kctx = "%s: service %s" % (ctx, key)
            buggy_key = any(any(bug[i]) for i, s in enumerate(live)
                            if svc_key(s) == key)
            names = set(mine) | set(theirs)
            if buggy_key:
                # postconf invents names from the split pieces; compare only
                # what pfsubmit read from tokens postconf splits correctly
                names = {n for n in mine if not mine[n][1]}
            for n in sorted(names):
                if n not in mine:
                    rep.fail(kctx, "%s lists %s = %s, pfsubmit has no such "
                             "override" % (opt, n, show(theirs[n])),
                             kind="override missing in pfsubmit")
                    continue
                o, b = mine[n]
                if b:
                    continue
                if not expand:
                    pv = fold(o["value"])
                else:
                    if raw is None:
                        raw = raw_names(tmpdir)
                    if n in raw:
                        # postconf -Px expands raw parameters given with
                        # -o; the daemon reads them raw (expanded later,
                        # per message).  Hold pfsubmit to the daemon.
                        rep.eq(kctx, "expanded value of raw -o %s (postconf "
                               "-Px skipped: it expands raw parameters)" % n,
                               o["value"], o["expanded"],
                               exp_label="daemon (verbatim)",
                               kind="expanded value of a raw -o parameter")
                        continue
                    pv = fold(o["expanded"])
                if n not in theirs:
                    rep.fail(kctx, "%s has no %s, pfsubmit has %s = %s"
                             % (opt, n, n, show(pv)),
                             kind="override missing in postconf " + opt)
                    continue
                rep.eq(kctx, "%s value of %s (white space folded)" % (opt, n),
                       theirs[n], pv, kind="%s value of an -o override (white "
                       "space folded)" % opt)


def user_names(names):
    return [n for n in names if n not in default_names()]


def compare_main(ctx, pf_params, pc_dir, rep, own_classes):
    """pfsubmit's parameters against postconf -n / -nx on pc_dir (the
    directory pfsubmit read; main.cf now with the smtpd_restriction_classes
    line that write_pc_main adds)."""
    raw = dict(parse_kv(postconf(pc_dir, "-n")))
    exp = dict(parse_kv(postconf(pc_dir, "-nx")))
    mine = {p["name"]: p for p in pf_params}
    if len(mine) != len(pf_params):
        rep.fail(ctx, "pfsubmit lists a parameter twice: %s" % sorted(
            n for n in mine if [p["name"] for p in pf_params].count(n) > 1),
            kind="parameter listed twice")
    skip = {"smtpd_restriction_classes"}     # our own line (see caller)
    if own_classes:
        rep.note("%s: main.cf sets smtpd_restriction_classes; not compared"
                 % ctx)
    if "config_directory" not in mine:
        skip.add("config_directory")         # postconf -c injects it
    skip.update(READ_ONLY)                   # postconf ignores them
    for n in sorted((set(mine) | set(raw)) - skip):
        pctx = "%s: parameter %s" % (ctx, n)
        if n not in raw:
            rep.fail(pctx, "pfsubmit has %s = %s, postconf -n does not list "
                     "it" % (n, show(mine[n]["value"])),
                     kind="parameter missing in postconf -n")
            continue
        if n not in mine:
            rep.fail(pctx, "postconf -n has %s = %s, pfsubmit does not list "
                     "it" % (n, show(raw[n])),
                     kind="parameter missing in pfsubmit")
            continue
        rep.eq(pctx, "value (postconf -n, white space folded)", raw[n],
               fold(mine[n]["value"]))
        want, got = exp.get(n), fold(mine[n]["expanded"])
        what = "expanded value (postconf -nx, white space folded)"
        if "process_id" in raw[n] and want is not None and got is not None:
            # $process_id is the pid of whoever expands it (postconf, or
            # the postconf -d that pfsubmit ran): compare digits masked
            want, got = re.sub("[0-9]+", "N", want), re.sub("[0-9]+", "N",
                                                             got)
            what += ", digits masked for $process_id"
        rep.eq(pctx, what, want, got)


def age(path):
    """Date a file a minute back.  Postfix's dict_load_file() will not
    read a file modified in the current second: it sleeps 300 ms and
    retries, which made each first postconf run on a fresh copy cost
    about 2 seconds."""
    t = time.time() - 60
    os.utime(path, (t, t))


def write_file(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    age(path)


def make_dir(base, master, main):
    """A scratch configuration directory holding master.cf and main.cf
    exactly as given; pfsubmit reads it first.  Then write_pc_main()
    rewrites main.cf for postconf, in the same directory (so that
    $config_directory means the same to both)."""
    os.makedirs(base, exist_ok=True)
    write_file(os.path.join(base, "master.cf"), master)
    write_file(os.path.join(base, "main.cf"), main)
    return base


def write_pc_main(d, main, names):
    """main.cf for postconf: the same bytes, a line end if the last line
    had none, and the smtpd_restriction_classes line (see
    restriction_classes_line) that makes postconf print every
    user-defined parameter."""
    extra = main
    if extra and not extra.endswith(b"\n"):
        extra += b"\n"
    extra += restriction_classes_line(names).encode()
    write_file(os.path.join(d, "main.cf"), extra)


def main_names(text):
    """The parameter names a main.cf defines, as Postfix's reader sees
    them (independent of pfsubmit), in order of first definition."""
    seen = []
    for first, logical, pieces, orphan in read_logical_lines(text):
        if orphan:
            continue
        name, _ = split_nameval(logical)
        if name not in seen:
            seen.append(name)
    return seen


def decode(b):
    return b.decode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------
# helpers of tests/corpus_test.py

def run_pty(argv, timeout=120):
    """Run argv with a pseudo-terminal as its standard input, output and
    error (postfix check prints its findings only to a terminal).
    Returns (exit status, the terminal's text)."""
    import select
    master, slave = os.openpty()
    p = subprocess.Popen(list(argv), stdin=slave, stdout=slave,
                         stderr=slave, start_new_session=True,
                         close_fds=True, env=ENV)
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
    return rc, out.decode("utf-8", "surrogateescape")


def postconf_M(d):
    """postconf -M: [(service, type, [the 6 other fields], command line)]
    of every live entry, in file order."""
    out = []
    for line in postconf(d, "-M").split("\n"):
        if not line.strip():
            continue
        f = line.split()
        out.append((f[0], f[1], f[2:7], " ".join(f[7:])))
    return out


def list_words(s):
    """A list-valued parameter as Postfix splits it (white space and
    commas), for comparing values that differ only in the separators."""
    return None if s is None else [w for w in re.split(r"[ \t\r\n,]+", s)
                                   if w]
