#!/usr/bin/env python3
"""No memory growth over many calls: 100,000 check() calls, RSS at start, middle and end.

    PYTHONPATH=build/bindings/python python3 bindings/python/bench_memory.py [-n 100000]

Every call reads every field of every finding, so that the Report and Diagnostic objects
and the strings they make are all exercised; every 10th call also runs fix(), and every
100th passes a bad argument, so the error paths are covered too.  The resident set size is
read from /proc/self/statm (or resource.getrusage where there is no /proc) after a warm-up
that fills the allocators' pools.  It fails (exit 1) if RSS grows by more than the margin
(default 4 MiB) from the start to the end, or from the middle to the end.
"""

import argparse
import gc
import os
import resource
import sys

import replylint
from bench_replies import replies

FIELDS = ("rule", "category", "severity", "message", "start", "end", "byte_start", "byte_end",
          "utf16_start", "utf16_end", "line", "column", "text", "suggestions", "fixable")


def rss_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc: the peak is the best there is (KiB on Linux, bytes on macOS)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def one_call(linter, text, i):
    report = linter.check(text, customer_name="Иван" if i % 2 else None,
                          channel="chat" if i % 3 else "email")
    n = 0
    for d in report:
        for name in FIELDS:
            getattr(d, name)
        repr(d)
        n += 1
    (report.score, report.language, report.words, repr(report), report[-1:])
    if i % 10 == 0:
        linter.fix(text)
    if i % 100 == 0:
        for bad in ({"channel": "sms"}, {"customer_name": 42}, {"text": "\ud800"}):
            try:
                linter.check(**dict({"text": text}, **bad))
            except (ValueError, TypeError):
                pass
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100000, help="check() calls (default 100000)")
    ap.add_argument("--margin-mib", type=float, default=4.0, help="allowed growth (MiB)")
    args = ap.parse_args()

    texts, source = replies(min(args.n, 10000))
    linter = replylint.Linter()
    print("replylint %s, %d calls over %d distinct replies from %s" %
          (replylint.__version__, args.n, len(texts), source))
    for i in range(2000):  # warm-up
        one_call(linter, texts[i % len(texts)], i)
    gc.collect()
    mib = 1 << 20
    points = [("start", rss_bytes())]
    findings = 0
    for i in range(args.n):
        findings += one_call(linter, texts[i % len(texts)], i)
        if i + 1 == args.n // 2:
            gc.collect()
            points.append(("middle", rss_bytes()))
    gc.collect()
    points.append(("end", rss_bytes()))
    for name, rss in points:
        print("RSS %-6s %8.1f MiB" % (name, rss / mib))
    start, middle, end = (p[1] for p in points)
    print("growth: start->end %+.2f MiB, middle->end %+.2f MiB (%d findings read)" %
          ((end - start) / mib, (end - middle) / mib, findings))
    margin = args.margin_mib * mib
    if end - start > margin or end - middle > margin / 2:
        print("bench_memory: RSS grew beyond the %.1f MiB margin: a leak?" % args.margin_mib)
        return 1
    print("bench_memory: OK (margin %.1f MiB)" % args.margin_mib)
    return 0


if __name__ == "__main__":
    sys.exit(main())
