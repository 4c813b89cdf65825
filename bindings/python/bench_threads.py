#!/usr/bin/env python3
"""Threads sharing one Linter: the speed-up of 4 threads over 1.

    PYTHONPATH=build/bindings/python python3 bindings/python/bench_threads.py [-n 10000]

check() releases the GIL while it lints, so threads sharing one Linter (an immutable C
rule set) run on every core.  The script lints the same replies with 1 thread and with 4,
checks that the results are identical, and prints the speed-up.  Each task lints a chunk
of replies and reads every finding (rule, offsets, text), as an application would.
"""

import argparse
import concurrent.futures
import os
import sys
import time

import replylint
from bench_replies import replies


def lint_chunk(linter, chunk):
    out = []
    for text in chunk:
        r = linter.check(text)
        out.append((r.score, r.language, tuple((d.rule, d.start, d.end, d.text) for d in r)))
    return out


def run(linter, texts, workers, chunk):
    chunks = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = [res for part in pool.map(lambda c: lint_chunk(linter, c), chunks)
                   for res in part]
    return time.perf_counter() - t0, results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=10000, help="replies to lint (default 10000)")
    ap.add_argument("--threads", type=int, default=4, help="threads to compare with 1")
    ap.add_argument("--chunk", type=int, default=50, help="replies per task")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    ap.add_argument("--require", type=float, default=0.0,
                    help="exit 1 if the speed-up is below this (default: only report)")
    args = ap.parse_args()

    texts, source = replies(args.n)
    linter = replylint.Linter()
    total = sum(len(t.encode()) for t in texts)
    print("replylint %s, %d replies (%.1f MB) from %s; %d CPUs" %
          (replylint.__version__, len(texts), total / 1e6, source, os.cpu_count() or 0))
    run(linter, texts[:500], 1, args.chunk)  # warm-up: page in the rule set

    best = {}
    results = {}
    for _ in range(args.repeat):
        for workers in (1, args.threads):
            t, res = run(linter, texts, workers, args.chunk)
            best[workers] = min(best.get(workers, t), t)
            if workers in results and results[workers] != res:
                sys.exit("bench_threads: results differ between runs with %d threads" % workers)
            results[workers] = res
    if results[1] != results[args.threads]:
        sys.exit("bench_threads: %d threads give different results than 1" % args.threads)

    findings = sum(len(r[2]) for r in results[1])
    for workers in (1, args.threads):
        print("%d thread%s: %.3f s, %.0f replies/s" %
              (workers, "" if workers == 1 else "s", best[workers], len(texts) / best[workers]))
    speedup = best[1] / best[args.threads]
    print("speed-up %d threads vs 1: %.2fx; results identical (%d findings)" %
          (args.threads, speedup, findings))
    if speedup < args.require:
        print("bench_threads: below the required %.2fx" % args.require)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
