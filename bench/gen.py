#!/usr/bin/env python3
"""Write a master.cf of N services, with -o lines and comments, and a
small main.cf, into DIR: python3 bench/gen.py N DIR

Or one of the hostile shapes, sized by N:
    python3 bench/gen.py chain N DIR      one service, N "-o pI=$pJ" lines
    python3 bench/gen.py commented N DIR  a commented-out service of N
                                          "#  -o" lines
    python3 bench/gen.py params N DIR     a main.cf of N parameters"""
import os
import random
import sys
import time


def master(n, rnd):
    out = ["# generated master.cf: %d services\n" % n,
           "smtp      inet  n       -       y       -       -       smtpd\n",
           "#submission inet n       -       y       -       -       smtpd\n",
           "#  -o syslog_name=postfix/submission\n",
           "#  -o smtpd_tls_security_level=encrypt\n",
           "#  -o smtpd_sasl_auth_enable=yes\n"]
    for i in range(n - 1):
        if i % 10 == 0:
            out.append("# transport group %d\n" % (i // 10))
        kind = rnd.choice(("unix", "unix", "inet"))
        if kind == "inet":
            out.append("127.0.0.%d:%d inet n - y - - smtpd\n"
                       % (1 + i % 250, 10000 + i))
        else:
            out.append("relay%d    unix  -       -       y       -       -"
                       "       smtp\n" % i)
        for k in range(rnd.randint(1, 4)):
            out.append("  -o syslog_name=postfix/$service_name\n" if k == 0
                       else "  -o smtp_helo_timeout=%d\n" % rnd.randint(1, 60))
    return "".join(out)


HEAD = ("smtp      inet  n       -       y       -       -       smtpd\n"
        "pickup    unix  n       -       y       60      1       pickup\n")
MAIN = "myhostname = bench.example\ncompatibility_level = 3.6\n"


def chain(n):
    """One service whose overrides refer to the next: -o p0=$p1 ...;
    every 90th link is a literal, so that postconf, which stops at 100
    levels of nesting, can still expand them all."""
    out = [HEAD, "relay     unix  -       -       n       -       -"
           "       smtp\n"]
    for i in range(n):
        nxt = "end" if (i + 1) % 90 == 0 or i + 1 == n else "$p%d" % (i + 1)
        out.append("  -o p%d=%s\n" % (i, nxt))
    return "".join(out), MAIN


def commented(n):
    """A commented-out service of n option lines (the 200,000-line case
    of the security review is past the 1 MiB bound for one entry)."""
    out = [HEAD, "#submission inet n       -       y       -       -"
           "       smtpd\n"]
    for i in range(n):
        out.append("#  -o p%06d=v\n" % i)
    return "".join(out), MAIN


def params(n):
    """A main.cf of n parameters, every tenth referring to another."""
    out = [MAIN]
    for i in range(n):
        out.append("p%d = %s\n" % (i, "$p%d" % (i - 1) if i % 10 == 1
                                   else "value %d" % i))
    return HEAD, "".join(out)


def port(n):
    """n live services on one port, one of them on all addresses: each
    pair is a port finding for check (3,870 of them in 123 KB took 17 s
    and 0.94 GB before)."""
    out = [HEAD, "587       inet  n       -       n       -       -"
           "       smtpd\n"]
    for i in range(n - 1):
        out.append("127.%d.%d.%d:587 inet n - n - - smtpd\n" % (
            i // 65536 % 256, i // 256 % 256, i % 256))
    return "".join(out), MAIN


SHAPES = {"chain": chain, "commented": commented, "params": params,
          "port": port}


def write(d, master_text, main_text):
    """Both files, dated a minute back: postconf reads a file changed
    within the last second again and again, 300 ms apart, until it is
    older, which would be timed as postconf's work."""
    os.makedirs(d, exist_ok=True)
    old = time.time() - 60
    for name, text in (("master.cf", master_text), ("main.cf", main_text)):
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(text)
        os.utime(path, (old, old))


def main():
    if sys.argv[1] in SHAPES:
        write(sys.argv[3], *SHAPES[sys.argv[1]](int(sys.argv[2])))
        return
    n = int(sys.argv[1])
    write(sys.argv[2], master(n, random.Random(n)),
          "myhostname = bench.example\ncompatibility_level = 3.6\n")


main()
