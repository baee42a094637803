#!/usr/bin/env python3
"""pfsubmit against postconf, side by side, in one run.

For master.cf files of 1,000, 4,000 and 16,000 services (bench/gen.py:
-o lines and comments), time `pfsubmit -j show all` against `postconf
-M` on the same files, `pfsubmit enable` (no postfix check, no reload)
against `show all`, and the peak memory of pfsubmit.  Times are the
median of several runs; postconf, which is quadratic here, runs once and
is given up on after BENCH_POSTCONF_MAX seconds (default 900).

Then the hostile shapes of the security review, each at n, 2n and 4n,
with the growth from one size to the next (linear: x2), pfsubmit
against the postconf command that reads the same thing:
  chain      one service of n "-o pI=$pJ" lines: show all (which expands
             every override) against postconf -Px
  commented  a commented-out service of n "#  -o" lines: show all
             against postconf -M
  params     a main.cf of n parameters: param show -x against
             postconf -nx
  port       n live services on one port, one on all addresses: check
             (its rules of the files) against postconf -M
BENCH_HOSTILE_SCALE (default 1) multiplies the sizes; 0 skips them.

Usage: python3 bench/run.py [N ...]      (from the top directory)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PFSUBMIT = os.path.join(TOP, "pfsubmit")
POSTCONF = "/usr/sbin/postconf"
REPEAT = 5


def run(argv, timeout=None):
    """Run argv; return (seconds, peak RSS in KiB, exit status)."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            return (time.monotonic() - start, ru.ru_maxrss,
                    os.waitstatus_to_exitcode(status))
        if deadline is not None and time.monotonic() > deadline:
            p.kill()
            os.wait4(p.pid, 0)
            return (None, 0, -9)
        time.sleep(0.002)


def median_run(argv, setup=None):
    times, rss = [], 0
    for _ in range(REPEAT):
        if setup:
            setup()
        t, m, st = run(argv)
        if st != 0:
            sys.exit("bench: %s exited %d" % (" ".join(argv), st))
        times.append(t)
        rss = max(rss, m)
    return statistics.median(times), rss


# shape: (base n, pfsubmit arguments after -c DIR, postconf arguments)
HOSTILE = [
    ("chain", 5000, ["-j", "show", "all"], ["-Px"]),
    ("commented", 15000, ["-j", "show", "all"], ["-M"]),
    ("params", 50000, ["-j", "param", "show", "-x"], ["-nx"]),
    ("port", 2000, ["--no-check", "-j", "check"], ["-M"]),
]
HOSTILE_REPEAT = 3


def hostile(tmp, maxpc):
    """The hostile shapes at n, 2n, 4n; returns printable rows."""
    global REPEAT
    scale = float(os.environ.get("BENCH_HOSTILE_SCALE", "1"))
    rows = []
    if scale <= 0:
        return rows
    saved, REPEAT = REPEAT, HOSTILE_REPEAT
    try:
        for shape, base, pfargs, pcargs in HOSTILE:
            prev = prevpc = None
            for k in (1, 2, 4):
                n = max(1, int(base * scale)) * k
                d = os.path.join(tmp, "%s%d" % (shape, n))
                subprocess.run([sys.executable, os.path.join(
                    TOP, "bench", "gen.py"), shape, str(n), d], check=True)
                kb = sum(os.path.getsize(os.path.join(d, f))
                         for f in ("master.cf", "main.cf")) / 1024
                t, rss = median_run([PFSUBMIT, "-c", d] + pfargs)
                pc, _, st = run([POSTCONF, "-c", d] + pcargs,
                                timeout=maxpc)
                if st not in (0, -9):
                    pc = None
                rows.append((shape, n, kb, t, pc,
                             t / prev if prev else None,
                             pc / prevpc if pc and prevpc else None,
                             rss))
                prev, prevpc = t, pc
                shutil.rmtree(d, ignore_errors=True)
            print("bench: %s done" % shape, file=sys.stderr)
    finally:
        REPEAT = saved
    return rows


def print_hostile(rows, maxpc):
    if not rows:
        return
    print()
    print("%-10s %-7s %-8s %-11s %-8s %-13s %-9s %s" % (
        "hostile", "n", "KiB", "pfsubmit", "growth", "postconf",
        "growth", "peak RSS"))
    print("%-10s %-7s %-8s %-11s %-8s %-13s %-9s %s" % (
        "shape", "", "", "(s)", "(x2: 2)", "(s)", "", "(MiB)"))
    for shape, n, kb, t, pc, g, gpc, rss in rows:
        print("%-10s %-7d %-8.0f %-11.4f %-8s %-13s %-9s %.1f" % (
            shape, n, kb, t, "x%.2f" % g if g else "-",
            "%.3f" % pc if pc is not None else "> %d" % maxpc,
            "x%.2f" % gpc if gpc else "-", rss / 1024))


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 4000, 16000]
    maxpc = float(os.environ.get("BENCH_POSTCONF_MAX", "900"))
    tmp = tempfile.mkdtemp(prefix="pfsubmit-bench.")
    rows = []
    try:
        for n in sizes:
            d = os.path.join(tmp, "n%d" % n)
            subprocess.run([sys.executable, os.path.join(TOP, "bench",
                            "gen.py"), str(n), d], check=True)
            lines = sum(1 for _ in open(os.path.join(d, "master.cf")))
            show, rss = median_run([PFSUBMIT, "-c", d, "-j", "show",
                                    "all"])
            e = os.path.join(tmp, "e%d" % n)

            def fresh():
                shutil.rmtree(e, ignore_errors=True)
                shutil.copytree(d, e)
            enable, erss = median_run([PFSUBMIT, "-q", "-c", e,
                                       "--no-check", "--no-reload",
                                       "enable"], setup=fresh)
            pc, _, st = run([POSTCONF, "-c", d, "-M"], timeout=maxpc)
            rows.append((n, lines, show, pc, enable, max(rss, erss)))
            print("bench: %d services done" % n, file=sys.stderr)
        hrows = hostile(tmp, maxpc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("%-9s %-8s %-16s %-16s %-9s %-17s %-9s %s" % (
        "services", "lines", "pfsubmit show", "postconf -M", "speedup",
        "pfsubmit enable", "enable/", "peak RSS"))
    print("%-9s %-8s %-16s %-16s %-9s %-17s %-9s %s" % (
        "", "", "-j all (s)", "(s)", "", "(s, no check)", "show", "(MiB)"))
    for n, lines, show, pc, enable, rss in rows:
        pcs = "%.3f" % pc if pc is not None else "> %d" % maxpc
        sp = "%.0fx" % (pc / show) if pc is not None else "-"
        print("%-9d %-8d %-16.4f %-16s %-9s %-17.4f %-9.2f %.1f" % (
            n, lines, show, pcs, sp, enable, enable / show, rss / 1024))
    if len(rows) >= 2 and rows[-2][0] * 4 == rows[-1][0]:
        print("growth %d -> %d services: show all x%.2f (linear: x4)" % (
            rows[-2][0], rows[-1][0], rows[-1][2] / rows[-2][2]))
    print_hostile(hrows, maxpc)
    stats = os.path.join(TOP, "build", "fuzz", "stats.txt")
    if os.path.exists(stats):
        print("last fuzz run (make fuzz-short or fuzz-long):")
        sys.stdout.write(open(stats).read())


main()
