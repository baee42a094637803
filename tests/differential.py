#!/usr/bin/env python3
"""Differential test: pfsubmit's reading of master.cf and main.cf against
postconf's, on every fixture.

  python3 tests/differential.py     (from the top directory; make differential)

Fixtures: fixtures/master/*.cf, each paired with the fixtures/main/*.cf of
the same name (debian-3.7 -> debian; else small.cf); our own
tests/data/master/*.cf and tests/data/main/*.cf, paired the same way; and
the installed /etc/postfix/master.cf.proto with main.cf.proto, when present
(read only; /etc/postfix is never written).  main.cf fixtures that no
master.cf pairs with are read with an empty master.cf.

For each pair a scratch directory gets copies; pfsubmit reads it (`show
all`, `param show -x`), then main.cf gets one more line,
`smtpd_restriction_classes = <every user-defined name>`, and postconf reads
it: postconf prints a user-defined parameter only when something
references it (see pfcommon.restriction_classes_line; the trick is
verified first).  One directory for both, so that $config_directory means
the same to both.

Compared (see pfcommon.py for the details):
  * every enabled service's 8 fields against `postconf -F`; postconf's
    command attribute is the command word plus the normalised daemon
    arguments, so it is split into command word, -o list (in order) and
    positional args, and each is compared;
  * -o overrides against `postconf -P`, expanded against `postconf -Px`
    (white space folded; entries with the same name/type merged);
  * every main.cf parameter against `postconf -n` and `-nx` (the forms of
    `-nh NAME` / `-xh NAME` that name each line), white space folded;
  * round trip of every file through `pftool roundtrip`, byte for byte.
Where postconf is wrong (its -oname=value splitting bug when the payload
holds an 'o'; -Px expanding raw parameters), postconf is skipped for that
override and pfsubmit is held to master(8)'s / the daemon's reading.
tests/data/master/o-in-payload.cf exercises the splitting bug; its
expectations are also written out below (EXPECT), independent of the
reference reader in pfcommon.

Exit status 0 when everything agrees, 1 on any mismatch.
"""

import glob
import json
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfcommon as pc  # noqa: E402

# What master(8) + the daemon's getopt make of our own fixture, written
# out by hand: (name, value) of every -o, in order, per live entry.
EXPECT = {
    "tests/data/master/o-in-payload.cf": {
        "smtp/inet": [("syslog_name", "postfix/obug"),
                      ("smtpd_tls_security_level", "encrypt"),
                      ("smtpd_sasl_auth_enable", "yes")],
        "submission/inet": [("smtpd_client_restrictions",
                             "permit_sasl_authenticated,reject"),
                            ("milter_macro_daemon_name", "ORIGINATING"),
                            ("smtpd_banner", "$myhostname"),
                            ("smtpd_sasl_auth_enable", "yes")],
        "relay/unix": [("syslog_name", "postfix/$service_name"),
                       ("smtp_helo_timeout", "$helo_to")],
        "pickup/unix": [],
    },
}
# ...and what they expand to (the daemon expands -o values like main.cf)
EXPECT_EXPANDED = {
    "tests/data/master/o-in-payload.cf": {
        ("smtp/inet", "syslog_name"): "postfix/obug",
        ("submission/inet", "smtpd_banner"): "mail.example.org",
        ("relay/unix", "smtp_helo_timeout"): "30s",
        ("relay/unix", "syslog_name"): "postfix/relay",
    },
}


def rel(path):
    r = os.path.relpath(path, pc.ROOT)
    return path if r.startswith("..") else r


def pairs():
    """[(label, master path or None, main path)]"""
    out = []
    used_main = set()
    for tree in ("fixtures", os.path.join("tests", "data")):
        mains = {os.path.basename(p)[:-3]: p for p in sorted(glob.glob(
            os.path.join(pc.ROOT, tree, "main", "*.cf")))}
        for m in sorted(glob.glob(os.path.join(pc.ROOT, tree, "master",
                                               "*.cf"))):
            stem = os.path.basename(m)[:-3]
            main = mains.get(stem) or mains.get(stem.split("-")[0]) or \
                os.path.join(pc.ROOT, "fixtures", "main", "small.cf")
            used_main.add(main)
            out.append((rel(m), m, main))
        for stem, main in mains.items():
            if main not in used_main:
                out.append((rel(main), None, main))
    proto = "/etc/postfix/master.cf.proto"
    if os.path.exists(proto):
        main = "/etc/postfix/main.cf.proto"
        if not os.path.exists(main):
            main = os.path.join(pc.ROOT, "fixtures", "main", "debian.cf")
        out.append((proto, proto, main))
    return out


def check_expect(label, services, rep):
    want = EXPECT.get(label)
    if want is None:
        return
    live = {pc.svc_key(s): s for s in services if s["enabled"]}
    rep.eq(label, "live services (hand-written expectation)",
           sorted(want), sorted(live), exp_label="expected")
    for key, ovs in want.items():
        s = live.get(key)
        if s is None:
            continue
        rep.eq("%s: service %s" % (label, key),
               "-o overrides as master(8)/getopt reads them (written out "
               "in EXPECT)", ovs,
               [(o["name"], o["value"]) for o in s["overrides"]],
               exp_label="expected")
    for (key, name), val in EXPECT_EXPANDED.get(label, {}).items():
        s = live.get(key)
        got = None
        if s is not None:
            for o in s["overrides"]:
                if o["name"] == name:
                    got = o["expanded"]
        rep.eq("%s: service %s" % (label, key),
               "expanded value of -o %s (written out in EXPECT_EXPANDED)"
               % name, val, got, exp_label="expected")


# main.cf files that set what defaults are computed from, in several
# ways: compatibility_level (the <level expressions of relay_domains,
# smtputf8_enable, append_dot_mydomain, smtpd_relay_restrictions,
# mynetworks_style, ...), mynetworks_style, inet_interfaces and
# inet_protocols (the computed mynetworks), directly and through $name.
DEFAULTS_MAINS = [
    ("empty main.cf", ""),
    ("compatibility_level 3.6", "compatibility_level = 3.6\n"),
    ("compatibility_level 1", "compatibility_level = 1\n"),
    ("level 2, subnet style, one address",
     "compatibility_level = 2\nmynetworks_style = subnet\n"
     "inet_interfaces = 127.0.0.1\n"),
    ("class style, loopback only",
     "mynetworks_style = class\ninet_interfaces = loopback-only\n"),
    ("host style, all interfaces, IPv4 only",
     "mynetworks_style = host\ninet_interfaces = all\n"
     "inet_protocols = ipv4\n"),
    ("level and style through $name",
     "lvl = 3.7\nstyle = subnet\ncompatibility_level = ${lvl}\n"
     "mynetworks_style = $style\ninet_interfaces = localhost\n"
     "myhostname = mail.example.org\n"),
    ("level 3.6, interfaces by name, mydomain set",
     "compatibility_level = 3.6\nmydomain = example.net\n"
     "inet_interfaces = localhost, 127.0.0.1\ninet_protocols = all\n"),
]

# Defaults Postfix computes in code, not as $name expressions.
COMPUTED_DEFAULTS = ("mynetworks", "myhostname", "mydomain")


def default_refers_to_others(tmp):
    """Every built-in parameter whose default (postconf -d, on an empty
    directory: no master.cf adds service names) refers to another
    parameter, and those Postfix computes from others."""
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty, exist_ok=True)
    rc, out, err = pc.run([pc.POSTCONF, "-c", empty, "-d"])
    if rc != 0:
        raise RuntimeError("postconf -d failed: " + err)
    names = [n for n, v in pc.parse_kv(out) if "$" in v]
    return sorted(set(names) | set(COMPUTED_DEFAULTS))


def check_defaults(tmp, rep):
    """pfsubmit param show -x NAME against postconf -c DIR -x NAME for
    every default that refers to others, on each of DEFAULTS_MAINS."""
    names = default_refers_to_others(tmp)
    for n, (label, text) in enumerate(DEFAULTS_MAINS):
        ctx = "defaults with %s" % label
        d = pc.make_dir(os.path.join(tmp, "defaults%d" % n),
                        b"smtp inet n - y - - smtpd\n", text.encode())
        rc, out, err = pc.run([pc.PFSUBMIT, "-c", d, "-j", "param", "show",
                               "-x"] + names)
        if rc != 0:
            rep.fail(ctx, "pfsubmit param show -x: exit %d: %s" % (
                rc, err.strip()[:500]), kind="a command failed")
            continue
        got = {p["name"]: p["expanded"] for p in
               json.loads(out)["parameters"]}
        want = dict(pc.parse_kv(pc.postconf(d, "-x", *names)))
        for name in names:
            rep.eq(ctx, "param show -x %s" % name, pc.fold(want.get(name)),
                   pc.fold(got.get(name)),
                   kind="a default that refers to others")
    return len(names)


def main():
    pc.check_tools()
    t0 = time.time()
    rep = pc.Report()
    nfix = nfiles = 0
    with tempfile.TemporaryDirectory(prefix="pfsubmit-diff-") as tmp:
        pc.check_restriction_classes_trick(tmp)
        for n, (label, master, main_cf) in enumerate(pairs()):
            nfix += 1
            ctx = "%s + %s" % (label, rel(main_cf)) if master else label
            mtext = b""
            if master:
                with open(master, "rb") as f:
                    mtext = f.read()
            with open(main_cf, "rb") as f:
                ntext = f.read()
            base = os.path.join(tmp, str(n))
            d = pc.make_dir(base, mtext, ntext)
            # round trip, byte for byte
            for kind, path, data in (("master", master, mtext),
                                     ("main", main_cf, ntext)):
                if path is None:
                    continue
                nfiles += 1
                ok, out, err = pc.roundtrip(kind, os.path.join(d, kind +
                                                               ".cf"))
                rep.comparisons += 1
                if not ok:
                    i = pc.first_diff(out, data)
                    rep.fail(rel(path), "pftool roundtrip %s differs at byte "
                             "%d: file %r, output %r %s" % (
                                 kind, i, data[i:i + 40], out[i:i + 40],
                                 pc.decode(err).strip()),
                             kind="pftool roundtrip not byte-exact")
            try:
                services = pc.pf_show(d)
                params = pc.pf_params(d)
            except (RuntimeError, ValueError) as e:
                rep.fail(ctx, str(e), kind="a command failed")
                continue
            # now main.cf as postconf must see it (same directory)
            names = pc.main_names(pc.decode(ntext))
            pc.write_pc_main(d, ntext, pc.user_names(names))
            try:
                pc.compare_master(ctx, services, d, pc.decode(mtext), rep,
                                  tmp)
                pc.compare_main(ctx, params, d, rep,
                                "smtpd_restriction_classes" in names)
            except RuntimeError as e:
                rep.fail(ctx, str(e), kind="a command failed")
            check_expect(label, services, rep)
        ndef = check_defaults(tmp, rep)
    secs = time.time() - t0
    for note in rep.notes:
        print("note: " + note)
    print("differential: %d fixture pairs (%d files) checked, %d defaults "
          "that refer to others on %d main.cf files, %d comparisons, "
          "%d mismatches, %.1f s" % (nfix, nfiles, ndef, len(DEFAULTS_MAINS),
                                     rep.comparisons, len(rep.mismatches),
                                     secs))
    if rep.mismatches:
        print("mismatches by kind:")
        rep.summary()
        print("differential: FAILED")
        return 1
    print("differential: all agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
