#!/usr/bin/env python3
"""Write a master.cf of N services, with -o lines and comments, and a
small main.cf, into DIR: python3 bench/gen.py N DIR"""
import os
import random
import sys


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


def main():
    n = int(sys.argv[1])
    d = sys.argv[2]
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "master.cf"), "w") as f:
        f.write(master(n, random.Random(n)))
    with open(os.path.join(d, "main.cf"), "w") as f:
        f.write("myhostname = bench.example\ncompatibility_level = 3.6\n")


main()
