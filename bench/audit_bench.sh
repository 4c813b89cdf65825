#!/bin/sh
# audit_bench.sh [REPLYLINT] [MB] [RUNS]: throughput of `replylint audit` with --jobs 1 and 2.
#
# The real replies of the shared corpus (RUTUBE answers and Customer Support on Twitter agent
# tweets, read from ../shared/corpus beside the clone, or $CORPUS) are written as a JSON Lines
# export and repeated to about MB megabytes (default 40) in a temporary folder; nothing is kept.
# Each setting runs RUNS times (default 3), alternating; the best and the median count, since
# other work on the machine can only slow a run down.  Prints replies/s for --jobs 1 and 2,
# their ratio, and the peak memory.  A benchmark, not a test: it asserts nothing.  On a shared
# machine run it as root under `chrt -f 10` so that the neighbours' work does not decide the
# ratio (Linux still leaves them 5% of each CPU).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/build/replylint}
mb=${2:-40}
runs=${3:-3}
corpus=${CORPUS:-$repo/../shared/corpus}
[ -x "$bin" ] || { echo "audit_bench: no executable $bin (build first)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "audit_bench: no corpus at $corpus (set CORPUS)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$bin" "$corpus" "$tmp" "$mb" "$runs" <<'EOF'
import csv, json, os, subprocess, sys, time

binary, corpus, tmp, mb, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
csv.field_size_limit(1 << 30)
lines = []
with open(os.path.join(corpus, "rutube-support-cases", "cases.csv"), encoding="utf-8", newline="") as f:
    for i, row in enumerate(csv.DictReader(f), 1):
        lines.append(json.dumps({"id": f"rutube-{i}", "agent": "RUTUBE", "channel": "email",
                                 "text": row["Ответ сотрудника"]}, ensure_ascii=False))
with open(os.path.join(corpus, "twcs-head5000", "agent_replies.csv"), encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        lines.append(json.dumps({"id": row["tweet_id"], "agent": row["author_id"], "channel": "chat",
                                 "text": row["text"]}, ensure_ascii=False))
chunk = ("\n".join(lines) + "\n").encode()
copies = max(1, mb * 1_000_000 // len(chunk))
export = os.path.join(tmp, "replies.jsonl")
with open(export, "wb") as f:
    for _ in range(copies):
        f.write(chunk)
tickets = copies * len(lines)
size = os.path.getsize(export)
print(f"input: {tickets:,} replies ({len(lines):,} corpus replies x {copies}), {size / 1e6:.1f} MB")
print(f"cpus online: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}"
      " (other work on the machine lowers the ratio)")


def one(jobs, fmt):
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen([binary, "audit", export, "--jobs", str(jobs), "--format", fmt],
                             stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        err = p.stderr.read().decode()
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"audit failed: {err}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


for fmt in ("jsonl", "none"):
    # Alternate the settings so that both see the same weather on a shared machine.
    runs_by_jobs = {1: [], 2: []}
    for _ in range(runs):
        for jobs in (1, 2):
            runs_by_jobs[jobs].append(one(jobs, fmt))
    best, median = {}, {}
    for jobs in (1, 2):
        times = sorted(r[0] for r in runs_by_jobs[jobs])
        fastest = min(runs_by_jobs[jobs], key=lambda r: r[0])
        best[jobs] = tickets / times[0]
        median[jobs] = tickets / times[len(times) // 2]
        print(f"--format {fmt:5} --jobs {jobs}: {best[jobs]:9,.0f} replies/s best, "
              f"{median[jobs]:9,.0f} median  ({fastest[0]:.2f} s, {fastest[2]:.2f} s CPU, "
              f"peak {fastest[1] / 1024:.0f} MiB)")
    print(f"--format {fmt:5} speed-up with 2 jobs: {best[2] / best[1]:.2f}x best, "
          f"{median[2] / median[1]:.2f}x median")
EOF
