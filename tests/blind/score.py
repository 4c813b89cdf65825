#!/usr/bin/env python3
"""score.py REPLYLINT [SET_DIR] [--verbose]: recall and false alarms of the default rules on a
blind set (SET_DIR/replies.jsonl, default: this folder's; labelled by someone who had not
seen the rules).

Recall: of the (reply, category) pairs the labels expect, the share the linter reports.
False alarm: a (reply, category) pair the linter reports that the labels do not expect, at
any severity.  Exits 1 if recall < 0.9 or there are more than two false alarms."""
import json
import os
import subprocess
import sys


def lint(binary, reply):
    args = [binary, "check", "--format", "json", "--channel", reply["channel"], "-"]
    if reply.get("customer_name"):
        args += ["--name", reply["customer_name"]]
    if reply.get("agent_name"):
        args += ["--agent", reply["agent_name"]]
    out = subprocess.run(args, input=reply["text"].encode(), capture_output=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{reply['id']}: replylint failed: {out.stderr.decode()}")
    return json.loads(out.stdout)["diagnostics"]


def main():
    binary = sys.argv[1]
    verbose = "--verbose" in sys.argv
    args = [a for a in sys.argv[2:] if not a.startswith("--")]
    here = args[0] if args else os.path.dirname(os.path.abspath(__file__))
    expected = found = 0
    per_cat = {}
    alarms = []
    with open(os.path.join(here, "replies.jsonl"), encoding="utf-8") as f:
        replies = [json.loads(line) for line in f if line.strip()]
    for reply in replies:
        diags = lint(binary, reply)
        got = {d["category"] for d in diags}
        want = set(reply["expect"])
        for cat in want:
            hit = cat in got
            expected += 1
            found += hit
            e, h = per_cat.get(cat, (0, 0))
            per_cat[cat] = (e + 1, h + hit)
            if not hit and verbose:
                print(f"MISS {reply['id']} {cat}")
        for cat in sorted(got - want):
            ds = [d for d in diags if d["category"] == cat]
            alarms.append((reply["id"], cat, ds[0]["rule"], ds[0]["severity"], ds[0]["text"][:60]))
    recall = found / expected if expected else 1.0
    print(f"{'category':15} {'expected':>8} {'found':>6} {'recall':>7}")
    for cat in sorted(per_cat):
        e, h = per_cat[cat]
        print(f"{cat:15} {e:8} {h:6} {h / e:7.2f}")
    print(f"{'all':15} {expected:8} {found:6} {recall:7.2f}")
    print(f"false alarms: {len(alarms)}")
    for a in alarms:
        print("  ALARM %s %s [%s, %s] %r" % a)
    ok = recall >= 0.9 and len(alarms) <= 2
    print(f"blind: {1 if ok else 0} passed, {0 if ok else 1} failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
