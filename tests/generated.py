#!/usr/bin/env python3
"""Generated tests: seeded random but valid master.cf and main.cf files.

  python3 tests/generated.py           (from the top directory: make generated)

Environment:
  PFSUBMIT_SEED            seed (default 20261129); printed, so that a failing
                           run can be repeated exactly
  PFSUBMIT_GEN_MASTER      number of master.cf files (default 3000)
  PFSUBMIT_GEN_MAIN        number of main.cf files (default 3000)
  PFSUBMIT_POSTCONF_EVERY  compare every Nth pair with postconf (default 5)
  PFSUBMIT_JOBS            parallel workers (default: number of CPUs, >= 2)
  PFSUBMIT_KEEP            directory to copy failing inputs to (default
                           /tmp/pfsubmit-generated-SEED)

File i of each kind is generated from its own generator seeded with
"SEED/i", so one file can be looked at without the others.  Pair i (master
i with main i, or an empty file when one kind has fewer files) is one
configuration directory.

Every file: `pftool roundtrip` must give it back byte for byte, and
`pftool parse` must accept it (they are valid).  Every Nth pair, and every
pair that failed those, is also compared:
  * pfsubmit (`show all`, `param show -x`) against what the generator knows
    it wrote: every service, live or commented out, with its 8 fields,
    line, -o overrides (name, value, line, in order) and args; every
    parameter's value (exact, unfolded) and line;
  * pfsubmit against postconf, as tests/differential.py does it
    (pfcommon.compare_master / compare_main): -F, -P, -Px, -n, -nx.

What the files hold (all valid for postconf 3.7 and master(8)):
master.cf: service names plain, host:port and [v6]:port; types inet
(private n), unix, unix-dgram, fifo, pass; y/n/- fields; wakeup 60, 1000?;
limits; commands with paths; -o in every form (-o name=value,
-oname=value whose payload has no letter 'o' -- postconf mis-splits those,
see differential.py --, several -o on one line, -o { name = value with
spaces } also across lines, -o name={literal braces}, empty values, values
with $name references to main.cf parameters, to other -o names of the
entry, to $service_name and $process_name), positional args (braced ones
too), continuation lines indented with tabs and spaces, comment and blank
lines inside entries, commented-out service blocks with #  -o lines and
prose, CRLF or LF, with or without a final newline.
main.cf: continuation lines, comment and blank lines inside values,
duplicates, $name ${name} $(name) ${name?x} ${name:x} ${name?{x}:{y}} and
relational references (no loops: a parameter refers only to parameters
later in a random order, or to built-in ones), references to undefined
names (postconf -x gives the empty string), $$, empty values, CR inside
values of CRLF files, compatibility_level and defaults that depend on it,
and built-in names whose defaults Postfix derives at run time
($config_directory is the -c directory; $mydomain comes from myhostname
and, on a host whose name has no dot, $myhostname from mydomain).

Default run: 3000 + 3000 files, about 50 s on 2 cores.
"""

import concurrent.futures
import os
import random
import re
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfcommon as pc  # noqa: E402

SEED = os.environ.get("PFSUBMIT_SEED", "20261129")
N_MASTER = int(os.environ.get("PFSUBMIT_GEN_MASTER", "3000"))
N_MAIN = int(os.environ.get("PFSUBMIT_GEN_MAIN", "3000"))
EVERY = max(1, int(os.environ.get("PFSUBMIT_POSTCONF_EVERY", "5")))
JOBS = int(os.environ.get("PFSUBMIT_JOBS", "0")) or max(2, os.cpu_count()
                                                         or 2)
KEEP = os.environ.get("PFSUBMIT_KEEP",
                      os.path.join(tempfile.gettempdir(),
                                   "pfsubmit-generated-%s" % SEED))

WORDS = ("alpha", "beta", "gamma", "delta", "mail", "relay", "permit",
         "reject", "x1", "q42", "hash", "lmdb", "ttl", "zz", "k9")
NOO_WORDS = ("alpha", "beta", "gamma", "delta", "mail", "relay", "permit",
             "reject", "x1", "q42", "hash", "lmdb", "yes", "may", "encrypt",
             "zz", "k9", "12", "3s")

# main.cf: built-in names safe to set to anything (no other default we
# reference depends on them, except myhostname -> mydomain, on purpose)
MAIN_BUILTINS = ("myhostname", "mydomain", "relayhost", "alias_maps",
                 "mynetworks", "recipient_delimiter", "biff", "mydestination",
                 "delay_warning_time", "home_mailbox", "mailbox_command",
                 "smtp_tls_security_level", "smtpd_banner")
# built-in names a value may refer to without defining them; their
# defaults do not refer to anything a generated file defines (mydomain's
# is derived from myhostname, which is the point of having it here)
REF_BUILTINS = ("mail_name", "mail_version", "data_directory",
                "queue_directory", "daemon_directory", "config_directory",
                "mydomain", "myhostname", "default_process_limit",
                # defaults that depend on compatibility_level
                "smtputf8_enable", "mynetworks_style", "append_dot_mydomain")
COMPAT_LEVELS = ("0", "1", "2", "3.6", "3.7", "3.10")
# -o names: disjoint from MAIN_BUILTINS, so no reference loop can run
# through main.cf and back
O_BUILTINS = ("syslog_name", "smtpd_tls_security_level",
              "smtpd_sasl_auth_enable", "smtpd_client_restrictions",
              "smtpd_helo_restrictions", "smtpd_sender_restrictions",
              "smtpd_relay_restrictions", "smtpd_recipient_restrictions",
              "milter_macro_daemon_name", "smtpd_etrn_restrictions",
              "smtpd_data_restrictions", "smtpd_reject_unlisted_recipient",
              "smtp_helo_timeout", "smtpd_tls_wrappermode", "content_filter",
              "receive_override_options", "smtpd_reject_footer",
              "smtpd_tls_auth_only", "smtpd_tls_cert_file")

INET_NAMES = ("smtp", "submission", "submissions", "smtps", "2525", "10025",
              "127.0.0.1:2525", "127.0.0.1:submission", "[::1]:2526",
              "[2001:db8::1]:587", "[::1]:submission",
              "mail.example.org:10026", "0.0.0.0:25", "localhost:10587")
UNIX_NAMES = ("relay", "pickup", "cleanup", "qmgr", "lmtp", "virtual",
              "maildrop", "uucp", "spamassassin", "dovecot", "amavis",
              "tlsproxy", "dnsblog", "my-svc", "x_filter", "retry", "smtp")
COMMANDS = ("smtpd", "smtp", "pipe", "local", "virtual", "lmtp", "qmgr",
            "cleanup", "pickup", "trivial-rewrite", "bounce", "postlogd",
            "spawn", "tlsproxy", "dnsblog", "postscreen", "anvil", "scache",
            "discard", "error", "showq", "verify", "flush", "proxymap",
            "/usr/lib/postfix/sbin/smtp", "smtpd.x")
ARGS = ("flags=DRXhu", "user=vmail", "argv=/usr/bin/maildrop", "-d",
        "${recipient}", "$nexthop!rmail", "($recipient)", "-a$sender", "-",
        "size=1000", "x=y=z", "a,b", "-o", "k=v")


class Rnd(random.Random):
    def chance(self, p):
        return self.random() < p

    def ws(self, lo=1, hi=3, tabs=True):
        return "".join(self.choice(" \t" if tabs else " ")
                       for _ in range(self.randint(lo, hi)))

    def word(self, no_o=False):
        return self.choice(NOO_WORDS if no_o else WORDS)


# --------------------------------------------------------------------------
# main.cf

def gen_main(r, tmp_names=None):
    """Returns (text, truth) with truth = {name: (value, line)} (the last
    definition of each name) and the list of names in definition order."""
    crlf = r.chance(0.2)
    cr = "\r" if crlf else ""
    n = r.randint(2, 16)
    names = []
    for k in range(n):
        if r.chance(0.3):
            nm = r.choice(MAIN_BUILTINS)
        else:
            nm = "pfg%d_%s" % (k, r.word())
        if nm not in names:
            names.append(nm)
    if r.chance(0.25):
        names.append("compatibility_level")       # a literal value
    # a random DAG order: names[i] may refer to names[j] with j > i
    r.shuffle(names)
    rank = {nm: i for i, nm in enumerate(names)}

    def ref(owner):
        later = [x for x in names if rank[x] > rank[owner]]
        pick = r.random()
        if later and pick < 0.6:
            target = r.choice(later)
        elif pick < 0.93:
            # (myhostname = $mydomain would be a loop through mydomain's
            # default, which Postfix derives from myhostname)
            target = r.choice([b for b in REF_BUILTINS if b not in names and
                               not (owner == "myhostname" and
                                    b == "mydomain")] or ["mail_name"])
        else:
            target = "pfundef_%s" % r.word()
        return target

    def atom(owner, raw):
        k = r.randint(0, 15)
        if k <= 3:
            return r.word()
        t = ref(owner) if not raw else "client_address"
        if k == 4:
            return "$" + t
        if k == 5:
            return "${%s}" % t
        if k == 6:
            return "$(%s)" % t
        if k == 7:
            return "${%s?%s}" % (t, r.word())
        if k == 8:
            return "${%s:%s}" % (t, r.word())
        if k == 9:
            return "${%s?{%s %s}:{%s}}" % (t, r.word(), r.word(), r.word())
        if k == 10:
            return "${{$%s} == {%s}?{eq}:{ne}}" % (t, r.word())
        if k == 11:
            return "$$" + r.word()
        if k == 12:
            return "hash:/etc/postfix/" + r.word()
        if k == 13:
            return "$%s.%s" % (t, r.word())
        if k == 14:
            return r.choice(("1 # not a comment", "a=b", "{lit}", "x,y",
                             "[::1]:25"))
        return "%s=%s" % (r.word(), r.word())

    def value_atoms(owner):
        if owner == "compatibility_level":
            return [r.choice(COMPAT_LEVELS)]
        raw = owner in ("mailbox_command",)
        if r.chance(0.1):
            return []
        return [atom(owner, raw) for _ in range(r.randint(1, 5))]

    lines = []          # physical lines, without line ends
    truth = {}
    order = []

    def trivia():
        k = r.randint(0, 7)
        if k == 0:
            lines.append("# " + " ".join(r.word() for _ in range(3)))
        elif k == 1:
            lines.append("")
        elif k == 2:
            lines.append(r.ws(1, 4))
        elif k == 3:
            lines.append("#%s = %s" % (r.choice(names), r.word()))
        elif k == 4:
            lines.append(r.ws(1, 3) + "# indented comment " + r.word())
        elif k == 5:
            lines.append("#")
        elif k == 6:
            lines.append("##### " + r.word())
        else:
            lines.append("#\t" + r.word())

    def define(nm, atoms):
        first = len(lines) + 1
        eq = r.choice((" = ", "=", " =", "= ", "\t=\t", "  =  ", " =\t"))
        # split the atoms over physical lines
        chunks = [[]]
        for a in atoms:
            if chunks[-1] and r.chance(0.25):
                chunks.append([])
            chunks[-1].append(a)
        sep = lambda: r.choice((" ", ", ", ",", "  ", "\t", " , "))  # noqa
        phys = []
        for ci, ch in enumerate(chunks):
            text = ""
            for ai, a in enumerate(ch):
                text += (sep() if ai else "") + a
            if ci == 0:
                phys.append(nm + (eq.rstrip() if not text else eq) + text)
            else:
                phys.append(r.ws(1, 4) + text)
            if r.chance(0.15):
                phys[-1] += r.ws(1, 2)          # trailing white space
        logical = ""
        for pi, p in enumerate(phys):
            if pi:
                # comment and blank lines inside a value
                while r.chance(0.12):
                    trivia_inside()
            lines.append(p)
            logical += p + cr
        if not atoms and r.chance(0.3):
            lines[-1] += r.ws(1, 2)
            logical = lines[-1] + cr
        name, value = pc.split_nameval(logical)
        assert name == nm, (name, nm)
        truth[nm] = (value, first)
        if nm not in order:
            order.append(nm)

    def trivia_inside():
        k = r.randint(0, 3)
        if k == 0:
            lines.append("# inside " + r.word())
        elif k == 1:
            lines.append("")
        elif k == 2:
            lines.append(r.ws(1, 3))
        else:
            lines.append(r.ws(1, 2) + "# indented " + r.word())

    while r.chance(0.4):
        trivia()
    defs = list(names)
    r.shuffle(defs)
    # duplicates: an earlier definition that a later one overrides
    for nm in list(defs):
        if r.chance(0.12):
            defs.insert(r.randint(0, defs.index(nm)), ("shadow", nm))
    for d in defs:
        while r.chance(0.3):
            trivia()
        if isinstance(d, tuple):
            define(d[1], [r.word() for _ in range(r.randint(0, 2))])
        else:
            define(d, value_atoms(d))
    while r.chance(0.3):
        trivia()
    eol = "\r\n" if crlf else "\n"
    text = eol.join(lines)
    if r.chance(0.85):
        text += eol
    # the last definition of each name wins
    return text, truth, order


# --------------------------------------------------------------------------
# master.cf

def gen_master(r, main_names):
    """Returns (text, services): every service the generator wrote, in
    file order, as pfsubmit's show -j should list it."""
    crlf = r.chance(0.2)
    cr = "\r" if crlf else ""
    lines = []
    services = []
    used = set()
    user_main = [n for n in main_names if n.startswith("pfg")]

    def trivia():
        k = r.randint(0, 6)
        if k == 0:
            lines.append("# " + " ".join(r.word() for _ in range(3)))
        elif k == 1:
            lines.append("")
        elif k == 2:
            lines.append(r.ws(1, 4))
        elif k == 3:
            lines.append("#")
        elif k == 4:
            lines.append("# " + "=" * r.randint(3, 40))
        elif k == 5:
            lines.append(r.ws(1, 3) + "# indented comment")
        else:
            lines.append("#\t" + r.word() + " " + r.word())

    def inner_trivia():
        k = r.randint(0, 4)
        if k == 0:
            lines.append("# comment inside an entry")
        elif k == 1:
            lines.append("")
        elif k == 2:
            lines.append(r.ws(1, 3))
        elif k == 3:
            lines.append("#  -o smtpd_%s=%s" % (r.word(), r.word()))
        else:
            lines.append(r.ws(1, 3) + "# indented")

    def fields():
        typ = r.choice(("inet",) * 7 + ("unix",) * 8 + ("unix-dgram", "fifo",
                                                        "fifo", "pass",
                                                        "pass"))
        for _ in range(50):
            if typ == "inet":
                name = r.choice(INET_NAMES)
                if r.chance(0.3):
                    name = r.choice(("127.0.0.1:", "[::1]:", "[fe80::1]:",
                                     "")) + str(r.randint(1024, 65535))
            else:
                name = r.choice(UNIX_NAMES)
                if r.chance(0.4):
                    name += str(r.randint(2, 99))
            if (name, typ) not in used:
                break
        yn = lambda: r.choice("yn-")  # noqa: E731
        priv = "n" if typ == "inet" else yn()
        wake = r.choice(("-", "-", "-", "0", "60", "300", "1000?", "5?"))
        limit = r.choice(("-", "-", "0", "1", "100", "7"))
        cmd = r.choice(COMMANDS)
        return [name, typ, priv, yn(), yn(), wake, limit, cmd]

    def o_name(no_o=False):
        pool = [n for n in O_BUILTINS if not no_o or "o" not in n]
        if r.chance(0.2):
            return "xv%s_%s" % (r.randint(0, 9), r.word(no_o))
        return r.choice(pool)

    def o_value(no_o, refs):
        """A value without white space or braces."""
        parts = []
        for _ in range(r.randint(0, 3)):
            k = r.randint(0, 9)
            if no_o:
                k = r.choice((0, 1, 2, 9))
            if k <= 2:
                parts.append(r.word(no_o))
            elif k == 3 and refs:
                parts.append("$" + r.choice(refs))
            elif k == 4 and user_main:
                parts.append("${%s}" % r.choice(user_main))
            elif k == 5:
                parts.append("$" + r.choice(("service_name", "process_name",
                                             "myhostname", "mail_name",
                                             "mydomain", "config_directory")))
            elif k == 6 and user_main:
                parts.append("$" + r.choice(user_main))
            elif k == 7:
                parts.append("$$" + r.word())
            elif k == 8:
                parts.append(r.choice(("hash:/etc/postfix/x", "a=b=c",
                                       "permit_sasl_authenticated,reject",
                                       "postfix/sub", "inline:{a=b}")))
            else:
                parts.append(r.choice(("12", "x-y", "a.b", "yes", "may")))
        out = ""
        for k, part in enumerate(parts):
            if k:
                # nothing between parts, unless that would run a $name
                # into the next part
                bare_ref = re.search(r"\$[A-Za-z0-9_]+$", out)
                out += r.choice((",", "/", ":") + (() if bare_ref else
                                                   ("",)))
            out += part
        return out

    def live_entry():
        f = fields()
        used.add((f[0], f[1]))
        svc = {"name": f[0], "type": f[1], "enabled": True,
               "line": len(lines) + 1, "private": f[2], "unpriv": f[3],
               "chroot": f[4], "wakeup": f[5], "maxproc": f[6],
               "command": f[7], "overrides": [], "args": []}
        # the -o names first, so that a value refers only to names whose
        # winning (last) occurrence comes later: no reference loops
        forms = []
        for _ in range(r.choice((0, 0, 1, 2, 3, 4, 6))):
            form = r.choice("AAABBCCDE")
            forms.append((form, o_name(no_o=(form == "B"))))
        eff = {}
        for pos, (_, nm) in enumerate(forms):
            eff[nm] = pos
        units = []       # (text with \n for line breaks, override index)
        for pos, (form, nm) in enumerate(forms):
            refs = [x for x, p in eff.items() if p > pos]
            if form == "B":
                val = o_value(True, [])
                units.append(("-o" + nm + "=" + val, nm, val))
            elif form == "C":
                words = [o_value(False, refs) or r.word()
                         for _ in range(r.randint(1, 4))]
                seps = []
                for _ in words[1:]:
                    if r.chance(0.25):
                        seps.append(r.ws(0, 1) + "\n" + r.ws(1, 3))
                    else:
                        seps.append(r.ws(1, 3))
                val = words[0] + "".join(a + b for a, b in zip(seps,
                                                               words[1:]))
                tok = "{%s%s%s=%s%s%s}" % (r.ws(0, 2), nm, r.ws(0, 2),
                                           r.ws(0, 2), val, r.ws(0, 2))
                units.append(("-o" + r.ws(1, 2, False) + tok, nm,
                              val.replace("\n", cr)))
            elif form == "D":
                val = "{%s}" % r.ws(0, 1).join(
                    [r.word()] + [r.ws(1, 2) + r.word()
                                  for _ in range(r.randint(0, 2))])
                units.append(("-o" + r.ws(1, 2) + nm + "=" + val, nm, val))
            elif form == "E":
                units.append(("-o" + r.ws(1, 2) + nm + "=", nm, ""))
            else:
                val = o_value(False, refs)
                units.append(("-o" + r.ws(1, 2) + nm + "=" + val, nm, val))
        nargs = r.choice((0, 0, 0, 1, 2, 4)) if f[7] != "pipe" else \
            r.randint(1, 5)
        for k in range(nargs):
            a = r.choice(ARGS)
            if k == 0 and (a.startswith("-") or r.chance(0.2)):
                a = r.choice(("flags=F", "x", "{a  b}", "{ one two }"))
            elif r.chance(0.15):
                a = "{%s%s%s%s}" % (r.ws(0, 1), r.word(), r.ws(1, 2),
                                    r.word())
            units.append((a, None, None))
            svc["args"].append(pc.extpar(a))
        # lay out: the fields, then the units
        cur = f[0]
        for k in range(1, 8):
            if k == 1 and r.chance(0.03) or k > 1 and r.chance(0.02):
                lines.append(cur)
                cur = r.ws(1, 4) + f[k]
            else:
                cur += r.ws(1, 4) + f[k]
        lines.append(cur)
        for text, nm, val in units:
            if r.chance(0.45):
                while r.chance(0.1):
                    inner_trivia()
                lines.append(r.ws(1, 8))
            else:
                lines[-1] += r.ws(1, 3)
            start = len(lines)
            parts = text.split("\n")
            lines[-1] += parts[0]
            for p in parts[1:]:
                while r.chance(0.15):
                    inner_trivia()
                lines.append(p)
            if nm is not None:
                svc["overrides"].append({"name": nm, "value": val,
                                         "line": start})
            if r.chance(0.05):
                lines[-1] += r.ws(1, 2)
        services.append(svc)

    def disabled_block():
        f = fields()
        svc = {"name": f[0], "type": f[1], "enabled": False,
               "line": len(lines) + 1, "private": f[2], "unpriv": f[3],
               "chroot": f[4], "wakeup": f[5], "maxproc": f[6],
               "command": f[7], "overrides": [], "args": []}
        head = "#" + f[0] + "".join(r.ws(1, 4) + x for x in f[1:])
        if r.chance(0.2):
            nm, val = o_name(), r.word()
            head += " -o %s=%s" % (nm, val)
            svc["overrides"].append({"name": nm, "value": val,
                                     "line": len(lines) + 1})
        lines.append(head)
        for _ in range(r.randint(0, 5)):
            k = r.randint(0, 9)
            if k == 0:
                lines.append("#     Prose " + " ".join(r.word()
                                                      for _ in range(3)))
                continue
            if k == 1:
                lines.append("")
                continue
            line = "#" + r.ws(1, 4)
            for j in range(1 if k > 3 else 2):
                nm = o_name(no_o=(k == 2))
                val = o_value(k == 2, [])
                line += (" " if j else "") + ("-o" + nm if k == 2 else
                                              "-o " + nm) + "=" + val
                svc["overrides"].append({"name": nm, "value": val,
                                         "line": len(lines) + 1})
            lines.append(line)
        services.append(svc)

    while r.chance(0.3):
        trivia()
    for _ in range(r.randint(1, 9)):
        if r.chance(0.2):
            disabled_block()
            # what follows ends the block: a live entry, another block's
            # header, or the end of the file
            if r.chance(0.8):
                live_entry()
        else:
            live_entry()
        while r.chance(0.25):
            trivia()
    eol = "\r\n" if crlf else "\n"
    text = eol.join(lines)
    if r.chance(0.85):
        text += eol
    # overrides and args of live services: white space inside a brace
    # value of a CRLF file holds the CR (the reader keeps it)
    return text, services


def file_rng(kind, i):
    return Rnd("%s/%s/%d" % (SEED, kind, i))


# --------------------------------------------------------------------------
# comparisons with what the generator wrote

def compare_truth_master(ctx, pf, truth, rep):
    rep.eq(ctx, "services (name/type, enabled, line) in file order",
           [(s["name"], s["type"], s["enabled"], s["line"]) for s in truth],
           [(s["name"], s["type"], s["enabled"], s["line"]) for s in pf],
           exp_label="generated")
    by = {}
    for s in pf:
        by.setdefault((s["name"], s["type"], s["enabled"], s["line"]), s)
    for t in truth:
        s = by.get((t["name"], t["type"], t["enabled"], t["line"]))
        if s is None:
            continue
        sctx = "%s: %s service %s/%s (line %d)" % (
            ctx, "live" if t["enabled"] else "commented-out", t["name"],
            t["type"], t["line"])
        for k in ("private", "unpriv", "chroot", "wakeup", "maxproc",
                  "command"):
            rep.eq(sctx, "field " + k, t[k], s[k], exp_label="generated")
        rep.eq(sctx, "-o overrides (name, value, line)",
               [(o["name"], o["value"], o["line"]) for o in t["overrides"]],
               [(o["name"], o["value"], o["line"]) for o in s["overrides"]],
               exp_label="generated")
        rep.eq(sctx, "args", t["args"], s["args"], exp_label="generated")


def compare_truth_main(ctx, params, truth, order, rep):
    rep.eq(ctx, "parameter names", sorted(order),
           sorted(p["name"] for p in params), exp_label="generated")
    for p in params:
        t = truth.get(p["name"])
        if t is None:
            continue
        pctx = "%s: parameter %s" % (ctx, p["name"])
        rep.eq(pctx, "value (exact)", t[0], p["value"], exp_label="generated")
        rep.eq(pctx, "line of the definition that wins", t[1], p["line"],
               exp_label="generated")


# --------------------------------------------------------------------------

def one_pair(i, tmp):
    rep = pc.Report(quiet=True)
    stats = {"roundtrip": 0, "parse": 0, "postconf": 0, "truth": 0}
    main_text = master_text = None
    if i < N_MAIN:
        main_text, mtruth, morder = gen_main(file_rng("main", i))
    if i < N_MASTER:
        master_text, services = gen_master(file_rng("master", i),
                                           morder if main_text is not None
                                           else [])
    mb = (master_text or "").encode()
    nb = (main_text or "").encode()
    base = os.path.join(tmp, str(i))
    d = pc.make_dir(base, mb, nb)
    ctx = "seed %s pair %d" % (SEED, i)
    failed = False
    for kind, text, data in (("master", master_text, mb),
                             ("main", main_text, nb)):
        if text is None:
            continue
        path = os.path.join(d, kind + ".cf")
        ok, out, err = pc.roundtrip(kind, path)
        stats["roundtrip"] += 1
        rep.comparisons += 1
        if not ok:
            failed = True
            j = pc.first_diff(out, data)
            rep.fail("%s %s.cf" % (ctx, kind), "pftool roundtrip differs at "
                     "byte %d: file %r, output %r %s" % (
                         j, data[j:j + 40], out[j:j + 40],
                         pc.decode(err).strip()[:200]),
                     kind="pftool roundtrip not byte-exact (%s.cf)" % kind)
        perr = pc.parse_errors(kind, path)
        stats["parse"] += 1
        rep.comparisons += 1
        if perr is not None:
            failed = True
            rep.fail("%s %s.cf" % (ctx, kind), "pftool parse rejects a "
                     "valid file: %s" % perr[:500],
                     kind="pftool parse rejects a valid %s.cf" % kind)
    if i % EVERY == 0 or failed:
        n0 = len(rep.mismatches)
        try:
            pf_services = pc.pf_show(d)
            pf_params = pc.pf_params(d)
        except (RuntimeError, ValueError) as e:
            rep.fail(ctx, str(e), kind="a command failed")
            pf_services = pf_params = None
        if pf_services is not None:
            stats["truth"] += 1
            if master_text is not None:
                compare_truth_master(ctx + " master.cf", pf_services,
                                     services, rep)
            if main_text is not None:
                compare_truth_main(ctx + " main.cf", pf_params, mtruth,
                                   morder, rep)
            names = pc.main_names(main_text or "")
            # main.cf as postconf must see it, in the same directory
            pc.write_pc_main(d, nb, pc.user_names(names))
            try:
                stats["postconf"] += 1
                pc.compare_master(ctx, pf_services, d, master_text or "",
                                  rep, tmp)
                pc.compare_main(ctx, pf_params, d, rep, False)
            except RuntimeError as e:
                rep.fail(ctx, str(e), kind="a command failed")
        failed = failed or len(rep.mismatches) > n0
    if failed:
        keep = os.path.join(KEEP, str(i))
        os.makedirs(keep, exist_ok=True)
        for kind, data in (("master", mb), ("main", nb)):
            with open(os.path.join(keep, kind + ".cf"), "wb") as f:
                f.write(data)
        rep.notes.append("%s: inputs kept in %s" % (ctx, keep))
    shutil.rmtree(base, ignore_errors=True)
    return rep, stats


def main():
    pc.check_tools()
    t0 = time.time()
    print("generated: PFSUBMIT_SEED=%s, %d master.cf + %d main.cf files, "
          "postconf on one pair in %d, %d jobs" % (
              SEED, N_MASTER, N_MAIN, EVERY, JOBS), flush=True)
    rep = pc.Report()
    totals = {"roundtrip": 0, "parse": 0, "postconf": 0, "truth": 0}
    if os.path.isdir(KEEP):       # what an earlier run with this seed kept
        for x in os.listdir(KEEP):
            if x.isdigit():
                shutil.rmtree(os.path.join(KEEP, x), ignore_errors=True)
            elif x == "mismatches.txt":
                os.unlink(os.path.join(KEEP, x))
    with tempfile.TemporaryDirectory(prefix="pfsubmit-gen-") as tmp:
        pc.check_restriction_classes_trick(tmp)
        pc.raw_names(tmp)
        n = max(N_MASTER, N_MAIN)
        with concurrent.futures.ThreadPoolExecutor(JOBS) as ex:
            for r, st in ex.map(lambda i: one_pair(i, tmp), range(n)):
                rep.merge(r)
                for k in totals:
                    totals[k] += st[k]
    secs = time.time() - t0
    kept = [x for x in rep.notes if "inputs kept" in x]
    for note in rep.notes:
        if "inputs kept" not in note:
            print("note: " + note)
    if kept:
        with open(os.path.join(KEEP, "mismatches.txt"), "w") as f:
            for _, full in rep.mismatches:
                f.write(full + "\n")
        print("failing inputs kept in %s (%d pairs), every mismatch in "
              "%s/mismatches.txt" % (KEEP, len(kept), KEEP))
    print("generated: seed %s: %d master.cf + %d main.cf files; %d round "
          "trips, %d parses, %d pairs checked against the generator and %d "
          "against postconf; %d comparisons, %d mismatches; %.1f s" % (
              SEED, N_MASTER, N_MAIN, totals["roundtrip"], totals["parse"],
              totals["truth"], totals["postconf"], rep.comparisons,
              len(rep.mismatches), secs))
    if rep.mismatches:
        print("mismatches by kind:")
        rep.summary()
        print("generated: FAILED (repeat with PFSUBMIT_SEED=%s)" % SEED)
        return 1
    print("generated: all agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
