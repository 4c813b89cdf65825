#!/bin/sh
# bench/run.sh: the speed of libreplylint with the full default rule set, next to the tools a
# user would pick instead and to the hardware baseline, in one run (see docs/performance.md).
#
#   bench/run.sh [--no-peers]
#
# Reads the real replies in ../shared/corpus (beside the clone, or $CORPUS) at run time and
# generates 100,000 synthetic replies; nothing is kept.  Installs the peers (GNU diction,
# proselint from Debian, write-good from npm) into the system or /tmp on first use.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$repo/../shared/corpus}
peers=1
[ "${1:-}" = "--no-peers" ] && peers=0
build=$repo/build-bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DREPLYLINT_TESTS=OFF > /dev/null
cmake --build "$build" -j "$(nproc)" > /dev/null
cc -O2 -I"$repo/include" "$repo/bench/bench.c" "$build/libreplylint.a" \
    $(pkg-config --libs libpcre2-8 icu-uc libutf8proc yaml-0.1) -lm -o "$tmp/bench"
bin=$build/replylint

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "replylint $("$bin" --version | awk '{print $2}'), $("$bin" rules | wc -l) default rules"

# The corpus as one reply per record (form feed + newline between records), plus the same
# text as plain files for the CLI tools, and the English part alone for the English peers.
python3 - "$corpus" "$tmp" <<'PY'
import csv, os, sys
corpus, tmp = sys.argv[1], sys.argv[2]
csv.field_size_limit(1 << 30)
ru, en = [], []
with open(os.path.join(corpus, "rutube-support-cases/cases.csv"), encoding="utf-8", newline="") as f:
    ru = [r["Ответ сотрудника"] for r in csv.DictReader(f) if r["Ответ сотрудника"].strip()]
with open(os.path.join(corpus, "twcs-head5000/agent_replies.csv"), encoding="utf-8", newline="") as f:
    en = [r["text"] for r in csv.DictReader(f) if r["text"].strip()]
with open(os.path.join(corpus, "ibm-twitter-cdp/agent_utterances.csv"), encoding="utf-8", newline="") as f:
    en += [r["text"] for r in csv.DictReader(f) if r["text"].strip()]
mixed = ru + en
with open(os.path.join(tmp, "replies.txt"), "w", encoding="utf-8") as f:
    f.write("\f\n".join(mixed))
for name, items in (("mixed", mixed), ("en", en)):
    with open(os.path.join(tmp, name + ".txt"), "w", encoding="utf-8") as f:
        f.write("\n\n".join(items) + "\n")
print("corpus: %d replies (%d ru, %d en), %.2f MB" % (len(mixed), len(ru), len(en),
      sum(len(t.encode()) for t in mixed) / 1e6))
PY

echo "== in-process (one thread): load, throughput, latency, cost against length"
"$tmp/bench" "$tmp/replies.txt" 100000 | tee "$tmp/bench.out"
# A 1 MB reply needs about 16 MB of working memory that glibc hands back to the kernel after
# every call, and fresh pages cost a fault each.  The same length test with glibc told to
# keep freed memory, as a long-lived service would, shows the library's own cost.
echo "-- cost against length again, glibc keeping freed memory (MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_)"
MALLOC_TRIM_THRESHOLD_=268435456 MALLOC_MMAP_THRESHOLD_=268435456 "$tmp/bench" "$tmp/replies.txt" --lengths |
    grep '^length'

echo "== CLI start-up plus one short reply (median of 50 runs)"
printf 'Здравствуйте, Анна! Денежные средства вернутся завтра. Хорошего дня!\n' > "$tmp/short.txt"
python3 - "$bin" "$tmp/short.txt" <<'PY'
import resource, statistics, subprocess, sys, time
binary, path = sys.argv[1], sys.argv[2]
times = []
for _ in range(50):
    t = time.perf_counter()
    subprocess.run([binary, "check", path], stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("cli start-up + one reply: median %.1f ms, p90 %.1f ms; peak RSS %.1f MB"
      % (statistics.median(times) * 1e3, sorted(times)[44] * 1e3, peak / 1024))
PY

echo "== the whole mixed corpus through the CLI (one process), and the hardware baseline"
python3 - "$bin" "$tmp" "$repo" "$peers" "$tmp/bench" <<'PY'
import glob, json, os, re, resource, shutil, subprocess, sys, time
binary, tmp, repo, peers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
bench = sys.argv[5]
mixed = os.path.join(tmp, "mixed.txt")
en = os.path.join(tmp, "en.txt")
size = {p: os.path.getsize(p) for p in (mixed, en)}

def best(cmd, n=3, **kw):
    out = 1e30
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        out = min(out, time.perf_counter() - t)
    return out

results = {}
t = best([binary, "check", "--format", "json", mixed])
results["replylint (CLI, whole file as one text)"] = (size[mixed] / t / 1e6, mixed)
t = best(["cat", mixed])
results["baseline: read the text (cat)"] = (size[mixed] / t / 1e6, mixed)
# Every phrase of every rule, as plain text, scanned at once with grep's multi-pattern matcher.
phrases = set()
for path in glob.glob(os.path.join(repo, "rules", "*", "*.yaml")):
    for m in re.finditer(r'^\s+- "?([^"#\n]+?)"?\s*$', open(path, encoding="utf-8").read(), re.M):
        words = m.group(1).replace("=", "")
        if "(" not in words and "*" not in words and len(words) > 3:
            phrases.add(words.lower())
with open(os.path.join(tmp, "phrases.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(sorted(phrases)) + "\n")
t = best(["grep", "-c", "-i", "-F", "-f", os.path.join(tmp, "phrases.txt"), mixed])
results["baseline: %d phrases, one automaton (grep -F -i)" % len(phrases)] = (size[mixed] / t / 1e6, mixed)

if peers:
    def have(cmd):
        return shutil.which(cmd) is not None
    if not have("diction") or not have("proselint"):
        subprocess.run(["sh", "-c", "apt-get install -y -qq diction python3-proselint > /dev/null 2>&1 || "
                        "sudo apt-get install -y -qq diction python3-proselint > /dev/null 2>&1"])
    wg = os.path.join("/tmp", "replylint-peers")
    if not os.path.exists(os.path.join(wg, "node_modules", "write-good")):
        os.makedirs(wg, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", wg, "write-good@1"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if have("diction"):
        # The best of three, as replylint's own figure is the best of its passes: a single
        # run of diction on this VM varied from 0.6 to 0.96 MB/s, and a slow one flattered
        # the ratio.
        t = best(["diction", "-s", mixed], n=3)
        results["GNU diction"] = (size[mixed] / t / 1e6, mixed)
    if have("proselint"):
        t = best(["proselint", en], n=1)
        results["proselint (English part only)"] = (size[en] / t / 1e6, en)
    wgbin = os.path.join(wg, "node_modules", ".bin", "write-good")
    if os.path.exists(wgbin):
        t = best([wgbin, "--parse", en], n=1)
        results["write-good (English part only)"] = (size[en] / t / 1e6, en)
    t = best([binary, "check", "--format", "json", en])
    results["replylint (CLI, English part only)"] = (size[en] / t / 1e6, en)

ref = results["replylint (CLI, whole file as one text)"][0]
for name, (mbs, path) in results.items():
    print("%-52s %9.2f MB/s  (replylint is %6.1fx)" % (name, mbs, ref / mbs if mbs else 0))
# The in-process single-thread throughput on the same replies (bench.out, above), against
# each peer: the issue's "single-thread throughput ... x GNU diction's on the same text".
m = re.search(r"real corpus \(mixed ru/en\)\s+\d+ replies\s+[\d.]+ MB\s+([\d.]+) MB/s",
              open(os.path.join(tmp, "bench.out")).read())
if m:
    lib = float(m.group(1))
    for name, (mbs, path) in results.items():
        if not name.startswith("replylint") and not name.startswith("baseline") and mbs:
            print("in-process replylint (%.1f MB/s, one reply per call) vs %-22s %6.1fx"
                  % (lib, name, lib / mbs))

# The vCPUs of a VM need not be equally fast (this one's two differed by 1.4x in 2026-12,
# which the scheduler's choice turned into run-to-run noise), and other guests slow either
# tool for seconds at a time.  So the ratio the issue asks for is measured in paired rounds:
# unpinned, then pinned to each CPU in turn, three rounds each of replylint in-process (the
# best of its 30 passes) right before one run of GNU diction, and the ratio of the best of
# each.  Both are then sampled over the same few seconds; the rows above time replylint
# first and diction a minute later, so a slow spell can fall on either alone.
if peers and shutil.which("taskset") and shutil.which("diction"):
    print("-- replylint in-process vs GNU diction, paired rounds (replylint, then diction; best of 3 each)")
    for cpu in [None] + sorted(os.sched_getaffinity(0)):
        pin = [] if cpu is None else ["taskset", "-c", str(cpu)]
        libs, dics = [], []
        for _ in range(3):
            out = subprocess.run(pin + [bench, os.path.join(tmp, "replies.txt"), "--corpus"],
                                 capture_output=True, text=True).stdout
            m = re.search(r"real corpus \(mixed ru/en\)\s+\d+ replies\s+[\d.]+ MB\s+([\d.]+) MB/s", out)
            if not m:
                break
            libs.append(float(m.group(1)))
            dics.append(size[mixed] / best(pin + ["diction", "-s", mixed], n=1) / 1e6)
        if len(libs) == 3:
            rounds = "  ".join("%.0f/%.2f" % (l, d) for l, d in zip(libs, dics))
            print("%-9s replylint %6.1f MB/s, GNU diction %5.2f MB/s: %6.1fx   (rounds, MB/s: %s)"
                  % ("unpinned" if cpu is None else "cpu %d" % cpu, max(libs), max(dics),
                     max(libs) / max(dics), rounds))
PY

if [ -x "$repo/bench/audit_bench.sh" ]; then
    echo "== audit on all cores"
    "$repo/bench/audit_bench.sh" "$bin" 20 2 || true
fi
