#!/usr/bin/env python3
"""Threads sharing one Linter: the speed-up of 4 threads over 1.

    PYTHONPATH=build/bindings/python python3 bindings/python/bench_threads.py [-n 10000]

check() releases the GIL while it lints, so threads sharing one Linter (an immutable C
rule set) run on every core.  The script lints the same replies with 1 thread and with 4
and prints the speed-up twice: for check() alone (the reports are kept and read after the
clock stops), and for check() plus reading every finding (rule, offsets, text) in the
timed loop, as an application would; that Python work holds the GIL.  It checks that all
runs give identical results.  The best of --repeat runs counts: the machine may be busy.
"""

import argparse
import concurrent.futures
import os
import sys
import time

import replylint
from bench_replies import replies


def summary(report):
    return (report.score, report.language, report.words,
            tuple((d.rule, d.start, d.end, d.byte_start, d.text) for d in report))


def check_chunk(linter, chunk):
    return [linter.check(text) for text in chunk]


def check_and_read_chunk(linter, chunk):
    return [summary(linter.check(text)) for text in chunk]


def run(fn, linter, texts, workers, chunk):
    """Lint `texts` in tasks of `chunk` replies on `workers` threads: (wall s, CPU s, results)."""
    chunks = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        pool.submit(int).result()  # start-up outside the clock
        t0, c0 = time.perf_counter(), time.process_time()
        parts = list(pool.map(lambda c: fn(linter, c), chunks))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    results = [r for part in parts for r in part]
    if fn is check_chunk:
        results = [summary(r) for r in results]
    return wall, cpu, results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=10000, help="replies to lint (default 10000)")
    ap.add_argument("--threads", type=int, default=4, help="threads to compare with 1")
    ap.add_argument("--chunk", type=int, default=50, help="replies per task")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each; the best counts")
    ap.add_argument("--require", type=float, default=0.0,
                    help="exit 1 if the check() speed-up is below this (default: only report)")
    args = ap.parse_args()

    texts, source = replies(args.n)
    linter = replylint.Linter()
    total = sum(len(t.encode()) for t in texts)
    print("replylint %s, %d replies (%.1f MB) from %s; %d CPUs" %
          (replylint.__version__, len(texts), total / 1e6, source, os.cpu_count() or 0))
    run(check_chunk, linter, texts[:500], 1, args.chunk)  # warm-up: page in the rule set

    reference = None
    speedups = {}
    for fn, label in ((check_chunk, "check()"),
                      (check_and_read_chunk, "check() + reading every finding")):
        best = {}  # workers -> (wall, cpu) of the fastest run
        for _ in range(args.repeat):
            for workers in (1, args.threads):  # interleaved: both see the same load
                wall, cpu, results = run(fn, linter, texts, workers, args.chunk)
                if reference is None:
                    reference = results
                elif results != reference:
                    sys.exit("bench_threads: %s on %d threads gives different results" %
                             (label, workers))
                if workers not in best or wall < best[workers][0]:
                    best[workers] = (wall, cpu)
        print(label)
        for workers in (1, args.threads):
            wall, cpu = best[workers]
            print("  %d thread%s: %.3f s, %6.0f replies/s, %.2f CPUs busy" %
                  (workers, " " if workers == 1 else "s", wall, len(texts) / wall, cpu / wall))
        speedups[fn] = best[1][0] / best[args.threads][0]
        print("  speed-up %d threads vs 1: %.2fx" % (args.threads, speedups[fn]))
    findings = sum(len(r[3]) for r in reference)
    print("results identical in every run (%d findings)" % findings)
    if speedups[check_chunk] < args.require:
        print("bench_threads: below the required %.2fx" % args.require)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
