#!/usr/bin/env python3
"""accuracy.py: how often the default rules fire on real agent replies, and on what.

Runs `replylint check --format json` over the evaluation corpora in /work/shared/corpus
(read at run time, never copied) and prints, per category x language, the number of
replies, of replies with a finding and of findings, then a seeded random sample of findings
with the flagged text in context, for a person to judge against the catalog.

    python3 tools/accuracy.py --replylint build/replylint --sample 30

Corpora and how they are checked:

  ru  rutube   rutube-support-cases/cases.csv, column «Ответ сотрудника» (801 answers).
               Channel email: each answer is a complete written reply to one question (up
               to 470 words, links, numbered steps).  Some answer a follow-up in a chat-like
               exchange; docs/accuracy.md says what that does to the greeting rule.
  en  twcs     twcs-head5000/agent_replies.csv, column text (2,222 agent tweets).
  en  ibm      ibm-twitter-cdp/agent_utterances.csv, column text (1,139 rows, 1,136 with
               text).
               Channel chat for both: tweets are short turns of a public conversation.

The language is given with --lang (ru for RUTUBE, en for the tweets) so that the report
measures the rules, not the language detector; `--lang auto` lets the CLI detect it.
The sample is drawn with one generator per category and language (seeded from --seed), so
a change in one category does not reshuffle the samples of the others.

Nothing from the corpora is written anywhere but stdout and a temporary directory under
/tmp (removed at exit); --save-json writes the raw findings to a path you give (keep it
under /tmp, never in the repository).

Other modes:
  --letters  check the usedesk guide's ten letters (spec/usedesk-letters.json): each bad
             letter must be flagged for every category in `criticized`, each good one must
             get no warning or error.  Exit 1 if not.
  --names    probe the name rule on tweets that greet the customer by a first name: the
             reply is checked with that name, and with the full form of the name from the
             rule's `aliases` (Kate -> Katherine); a name finding there is a false alarm.
  --threads  the greeting rule on tweets, split by position in the thread: the TWCS agent
             tweets are checked as email (so that greeting.en.missing runs) and each
             finding is classed by twcs_head5000.csv as a first reply to a customer who
             opened the thread, or a later turn.
  --judged F a TSV file (keep it in /tmp) of earlier judgements: key<TAB>T|F<TAB>note.
             Keys are printed with each sampled finding; precision is computed over the
             judged findings of the sample.
"""
import argparse
import csv
import datetime
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

CORPUS = "/work/shared/corpus"
SPEC = "/work/shared/spec"
SEVERITIES = {"suggestion": 0, "warning": 1, "error": 2}
CATEGORIES = ["jargon", "inconvenience", "greeting", "name", "length", "deflection", "robotic",
              "tone", "closing", "thanks", "signature", "vague-time"]


QUESTIONS = {}  # rutube key -> the user's question (printed with --show-question)
FOLLOWUPS = set()  # keys of replies that answer a later turn of a thread (--turn followup)


def later_turns(root):
    """Agent tweets of TWCS that reply to a later turn of a thread (the customer's tweet
    they answer itself answers an earlier tweet): a helpdesk knows this and passes
    --turn followup, so a missing greeting is not expected there."""
    def pid(x):
        x = (x or "").strip()
        return x[:-2] if x.endswith(".0") else x
    path = os.path.join(root, "twcs-head5000/twcs_head5000.csv")
    if not os.path.exists(path):
        return set()
    with open(path, newline="", encoding="utf-8") as f:
        rows = {r["tweet_id"]: r for r in csv.DictReader(f)}
    later = set()
    for tid, r in rows.items():
        parent = rows.get(pid(r["in_response_to_tweet_id"]))
        if r["inbound"] == "False" and parent is not None and pid(parent["in_response_to_tweet_id"]):
            later.add(tid)
    return later


def load_corpora(root, which):
    """[(corpus, lang, channel, row_id, text)]"""
    out = []
    if which in ("all", "ru", "rutube"):
        with open(os.path.join(root, "rutube-support-cases/cases.csv"), newline="",
                  encoding="utf-8") as f:
            for i, row in enumerate(csv.DictReader(f), start=2):  # line 1 is the header
                text = row["Ответ сотрудника"]
                if text.strip():
                    QUESTIONS["rutube:r%d" % i] = row["Вопрос пользователя"]
                    out.append(("rutube", "ru", "email", "r%d" % i, text))
    if which in ("all", "en", "twcs"):
        later = later_turns(root)
        with open(os.path.join(root, "twcs-head5000/agent_replies.csv"), newline="",
                  encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["text"].strip():
                    key = "t" + row["tweet_id"]
                    if row["tweet_id"] in later:
                        FOLLOWUPS.add("twcs:" + key)
                    out.append(("twcs", "en", "chat", key, row["text"]))
    if which in ("all", "en", "ibm"):
        with open(os.path.join(root, "ibm-twitter-cdp/agent_utterances.csv"), newline="",
                  encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["text"].strip():
                    out.append(("ibm", "en", "chat", "i" + row["tweet_id"], row["text"]))
    return out


def run_check(binary, items, tmp, lang_mode, extra, batch=400):
    """items: [(key, text, channel, lang, name, agent)] -> {key: report}.  Replies that
    share channel, language, name and agent go through one process per `batch` files."""
    groups = defaultdict(list)
    for key, text, channel, lang, name, agent in items:
        turn = "followup" if key in FOLLOWUPS else "first"
        groups[(channel, lang if lang_mode != "auto" else "auto", name, agent, turn)].append(
            (key, text))
    reports = {}
    n = 0
    for (channel, lang, name, agent, turn), group in groups.items():
        for start in range(0, len(group), batch):
            chunk = group[start:start + batch]
            paths = {}
            for key, text in chunk:
                n += 1
                p = os.path.join(tmp, "%06d.txt" % n)
                with open(p, "w", encoding="utf-8", newline="") as f:
                    f.write(text)
                paths[p] = key
            cmd = [binary, "check", "--format", "json", "--channel", channel, "--lang", lang,
                   "--turn", turn, "--color", "never", "--fail-level", "error"]
            if name:
                cmd += ["--name", name]
            if agent:
                cmd += ["--agent", agent]
            for r in extra:
                cmd += ["--defaults", "no"] if r == "--defaults=no" else ["--rules", r]
            cmd += ["--"] + list(paths)
            proc = subprocess.run(cmd, capture_output=True)
            if proc.returncode not in (0, 1):
                sys.exit("replylint failed (exit %d): %s" % (proc.returncode,
                                                            proc.stderr.decode()[:2000]))
            for line in proc.stdout.decode("utf-8").splitlines():
                if not line.strip():
                    continue
                rep = json.loads(line)
                reports[paths[rep["file"]]] = rep
            for p in paths:
                os.unlink(p)
    return reports


def one_line(s):
    return re.sub(r"\s+", " ", s).strip()


def context(text, start, end, width):
    left = one_line(text[max(0, start - width):start])
    right = one_line(text[end:end + width])
    pre = "…" if start - width > 0 else ""
    post = "…" if end + width < len(text) else ""
    return "%s%s ⟦%s⟧ %s%s" % (pre, left, one_line(text[start:end]), right, post)


def load_judged(path):
    judged = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2 and parts[1] in ("T", "F"):
                    judged[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return judged


def version(binary):
    try:
        return subprocess.run([binary, "--version"], capture_output=True,
                              text=True).stdout.strip()
    except OSError as e:
        sys.exit("cannot run %s: %s" % (binary, e))


def cmd_corpora(args):
    items = load_corpora(args.corpus_dir, args.corpus)
    by_key = {}
    todo = []
    for corpus, lang, channel, rid, text in items:
        key = "%s:%s" % (corpus, rid)
        by_key[key] = (corpus, lang, channel, text)
        todo.append((key, text, channel, lang, None, None))
    with tempfile.TemporaryDirectory(prefix="replylint-acc-") as tmp:
        reports = run_check(args.replylint, todo, tmp, args.lang, args.rules)
    if args.save_json:
        with open(args.save_json, "w", encoding="utf-8") as f:
            json.dump(reports, f, ensure_ascii=False)

    findings = []  # (key, corpus, lang, diag)
    replies = Counter()
    for key, (corpus, lang, channel, text) in by_key.items():
        replies[(corpus, lang)] += 1
        replies[("*", lang)] += 1
        for d in reports[key]["diagnostics"]:
            findings.append((key, corpus, lang, d))

    print("# replylint accuracy run")
    print("date: %s" % datetime.date.today().isoformat())
    print("binary: %s (%s)" % (args.replylint, version(args.replylint)))
    print("lang: %s; channel: email for rutube, chat for twcs and ibm; seed %d"
          % (args.lang, args.seed))
    print("replies: " + ", ".join("%s %d" % (c, n) for (c, l), n in sorted(replies.items())
                                  if c != "*"))
    print()

    # Counts: category x corpus (and language total), split by severity.
    corpora = [c for c in ("rutube", "twcs", "ibm") if any(k[0] == c for k in replies)]
    langs = [l for l in ("ru", "en") if ("*", l) in replies]
    cols = [(c, l) for l in langs for c in corpora if (c, l) in replies] + \
           [("*", l) for l in langs]
    hits = defaultdict(Counter)      # (cat, col) -> Counter(severity)
    hit_replies = defaultdict(set)   # (cat, col) -> replies
    rule_hits = defaultdict(Counter)  # col -> rule -> n
    for key, corpus, lang, d in findings:
        for col in ((corpus, lang), ("*", lang)):
            hits[(d["category"], col)][d["severity"]] += 1
            hit_replies[(d["category"], col)].add(key)
            rule_hits[col][d["rule"]] += 1
    head = ["category"] + ["%s/%s" % (l, "all" if c == "*" else c) for c, l in cols]
    print("## Findings per category: replies with a finding / findings (e error, w warning, "
          "s suggestion)")
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    print("| replies | " + " | ".join(str(replies[c]) for c in cols) + " |")
    for cat in CATEGORIES:
        cells = []
        for col in cols:
            h = hits[(cat, col)]
            if not h:
                cells.append("0")
                continue
            sev = " ".join("%d%s" % (h[s], s[0]) for s in ("error", "warning", "suggestion")
                           if h[s])
            cells.append("%d / %s" % (len(hit_replies[(cat, col)]), sev))
        print("| %s | %s |" % (cat, " | ".join(cells)))
    print()
    print("## Findings per rule")
    print()
    for l in langs:
        col = ("*", l)
        print("%s: " % l + ", ".join("%s %d" % (r, n) for r, n in
                                     sorted(rule_hits[col].items(), key=lambda x: (-x[1], x[0]))))
    print()

    # Samples.
    if args.sample <= 0:
        return 0
    judged = load_judged(args.judged)
    minsev = SEVERITIES[args.severity]
    cats = args.category or CATEGORIES
    print("## Samples (severity >= %s, up to %d per category and language, seed %d)"
          % (args.severity, args.sample, args.seed))
    summary = []
    for cat in cats:
        for l in langs:
            pool = [f for f in findings if f[3]["category"] == cat and f[2] == l
                    and SEVERITIES[f[3]["severity"]] >= minsev
                    and (not args.rule or f[3]["rule"] in args.rule)]
            if not pool:
                continue
            pool.sort(key=lambda f: (f[0], f[3]["rule"], f[3]["cp_start"]))
            # One generator per category and language: a change in one category does not
            # reshuffle the samples of the others.
            rng = random.Random("%d:%s:%s" % (args.seed, cat, l))
            sample = pool if len(pool) <= args.sample else rng.sample(pool, args.sample)
            sample.sort(key=lambda f: (f[3]["rule"], f[0], f[3]["cp_start"]))
            print()
            print("### %s / %s: %d findings, %d sampled" % (cat, l, len(pool), len(sample)))
            t = fl = 0
            for key, corpus, lang, d in sample:
                text = by_key[key][3]
                jkey = "%s:%s:%d" % (key, d["rule"], d["cp_start"])
                j = judged.get(jkey)
                mark = ""
                if j:
                    mark = " [%s%s]" % (j[0], (": " + j[1]) if j[1] else "")
                    t += j[0] == "T"
                    fl += j[0] == "F"
                if d["rule"].split(".")[-1] in ("missing",) or d["category"] == "length":
                    shown = "⟦%s⟧" % one_line(text[:args.context * 2]) + \
                            ("…" if len(text) > args.context * 2 else "")
                    shown += "  (%d words)" % reports[key]["words"]
                else:
                    shown = context(text, d["cp_start"], d["cp_end"], args.context)
                print("- %s %s%s\n    %s" % (jkey, d["severity"][0], mark, shown))
                if args.show_question and key in QUESTIONS:
                    print("    Q: %s" % one_line(QUESTIONS[key])[:args.context * 2])
            if t + fl:
                summary.append((cat, l, len(pool), len(sample), t, fl))
    if summary:
        print()
        print("## Precision on the judged part of each sample")
        print()
        print("| category | lang | findings | sampled | judged true | judged false | precision |")
        print("|---|---|---|---|---|---|---|")
        for cat, l, n, s, t, fl in summary:
            print("| %s | %s | %d | %d | %d | %d | %.2f |" % (cat, l, n, s, t, fl, t / (t + fl)))
    return 0


def cmd_letters(args):
    with open(os.path.join(SPEC, "usedesk-letters.json"), encoding="utf-8") as f:
        letters = json.load(f)["letters"]
    todo = []
    for l in letters:
        for which in ("bad", "good"):
            todo.append(("%d:%s" % (l["n"], which), l[which], "email", "ru",
                         l["customer_name"], l["agent_name"]))
    with tempfile.TemporaryDirectory(prefix="replylint-acc-") as tmp:
        reports = run_check(args.replylint, todo, tmp, "ru", args.rules)
    ok = True
    for l in letters:
        bad = reports["%d:bad" % l["n"]]["diagnostics"]
        good = reports["%d:good" % l["n"]]["diagnostics"]
        got = {d["category"] for d in bad}
        missing = [c for c in l["criticized"] if c not in got]
        loud = [d for d in good if SEVERITIES[d["severity"]] >= 1]
        status = "ok" if not missing and not loud else "FAIL"
        ok &= status == "ok"
        print("letter %2d %-4s bad: %s%s | good: %s" % (
            l["n"], status, ",".join(sorted(got)),
            (" MISSING " + ",".join(missing)) if missing else "",
            "; ".join("%s %s «%s»" % (d["severity"], d["rule"], d["text"]) for d in loud)
            or "no warning/error"))
        if args.verbose:
            for d in bad:
                print("      bad  %s %s «%s»" % (d["severity"], d["rule"], one_line(d["text"])))
            for d in good:
                print("      good %s %s «%s»" % (d["severity"], d["rule"], one_line(d["text"])))
    print("usedesk letters: %s" % ("all right" if ok else "SOME WRONG"))
    return 0 if ok else 1


GREET_EN = re.compile(r"^(?:\s*@\w+[\s,]*)*(?i:hi|hello|hey|hiya|dear|good (?:morning|afternoon|"
                      r"evening))\s*,?\s+([A-Z][a-z]+)\b(?!['@-])")
NOT_NAMES = {"there", "again", "all", "team", "everyone", "folks", "friend", "guys", "thanks",
             "sorry", "and", "we", "i", "yes", "no", "the", "this", "that", "it", "you",
             "thank", "please", "ok", "okay", "great", "good", "happy", "welcome"}


def aliases_from_rules(path):
    """The name rule's aliases from a rules YAML file, with a small YAML reader for the
    flow lists it uses (one group per line: `- [Alexander, Alex, Sasha]`)."""
    groups = []
    if not os.path.exists(path):
        return groups
    inside = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s.startswith("aliases:"):
                inside = True
                continue
            if inside:
                m = re.match(r"^- \[(.*)\]\s*(#.*)?$", s)
                if m:
                    groups.append([x.strip().strip("'\"") for x in m.group(1).split(",")])
                elif s and not s.startswith("#"):
                    inside = False
    return groups


def cmd_names(args):
    items = load_corpora(args.corpus_dir, "en")
    groups = aliases_from_rules(os.path.join(os.path.dirname(__file__), "..", "rules", "en",
                                             "name.yaml"))
    full_of = {}
    for g in groups:
        for v in g[1:]:
            full_of.setdefault(v.lower(), g[0])
    todo = []
    meta = {}
    for corpus, lang, channel, rid, text in items:
        m = GREET_EN.match(text)
        if not m or m.group(1).lower() in NOT_NAMES:
            continue
        used = m.group(1)
        key = "%s:%s" % (corpus, rid)
        todo.append((key + ":as-written", text, channel, "en", used, None))
        meta[key + ":as-written"] = (used, used)
        full = full_of.get(used.lower())
        if full:
            todo.append((key + ":full-form", text, channel, "en", full, None))
            meta[key + ":full-form"] = (used, full)
    with tempfile.TemporaryDirectory(prefix="replylint-acc-") as tmp:
        reports = run_check(args.replylint, todo, tmp, "en", args.rules)
    res = Counter()
    for key, (used, given) in sorted(meta.items()):
        kind = key.rsplit(":", 1)[1]
        flagged = any(d["rule"] == "name.en.unused" for d in reports[key]["diagnostics"])
        res[(kind, flagged)] += 1
        if flagged or args.verbose:
            print("%s greeted %r, --name %r: %s" % (key, used, given,
                                                   "FLAGGED (false alarm)" if flagged else "ok"))
    for kind in ("as-written", "full-form"):
        n = res[(kind, True)] + res[(kind, False)]
        print("%s: %d replies greeting a first name, name.en.unused fired on %d"
              % (kind, n, res[(kind, True)]))
    return 0


def cmd_threads(args):
    def pid(x):
        x = (x or "").strip()
        return x[:-2] if x.endswith(".0") else x
    with open(os.path.join(args.corpus_dir, "twcs-head5000/twcs_head5000.csv"), newline="",
              encoding="utf-8") as f:
        rows = {r["tweet_id"]: r for r in csv.DictReader(f)}
    todo, pos = [], {}
    for tid, r in rows.items():
        if r["inbound"] != "False" or not r["text"].strip():
            continue
        parent = rows.get(pid(r["in_response_to_tweet_id"]))
        if parent is None:
            where = "unknown"
        elif not pid(parent["in_response_to_tweet_id"]):
            where = "first reply"
        else:
            where = "later turn"
        key = "twcs:t" + tid
        pos[key] = where
        todo.append((key, r["text"], "email", "en", None, None))
    with tempfile.TemporaryDirectory(prefix="replylint-acc-") as tmp:
        reports = run_check(args.replylint, todo, tmp, "en", args.rules)
    n, hit = Counter(), Counter()
    for key, where in pos.items():
        n[where] += 1
        if any(d["rule"] == "greeting.en.missing" for d in reports[key]["diagnostics"]):
            hit[where] += 1
    for where in ("first reply", "later turn", "unknown"):
        print("%-11s %5d agent tweets, greeting.en.missing (as email) on %5d" % (where, n[where],
                                                                             hit[where]))
    total = sum(hit.values())
    if total:
        print("share of findings on first replies: %d/%d = %.2f" % (hit["first reply"], total,
                                                                   hit["first reply"] / total))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replylint", default="build/replylint", help="the CLI binary")
    ap.add_argument("--corpus-dir", default=CORPUS)
    ap.add_argument("--corpus", default="all",
                    choices=["all", "ru", "en", "rutube", "twcs", "ibm"])
    ap.add_argument("--lang", default="fixed", choices=["fixed", "auto"],
                    help="fixed: ru for RUTUBE, en for tweets (default); auto: let the CLI detect")
    ap.add_argument("--sample", type=int, default=30, help="findings sampled per category "
                    "and language (0: counts only)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--severity", default="warning", choices=list(SEVERITIES),
                    help="sample findings at least this severe (default warning)")
    ap.add_argument("--category", action="append", help="sample only this category "
                    "(repeatable)")
    ap.add_argument("--rule", action="append", help="sample only this rule (repeatable)")
    ap.add_argument("--context", type=int, default=70, help="characters of context each side")
    ap.add_argument("--show-question", action="store_true",
                    help="print the user's question under each sampled RUTUBE answer")
    ap.add_argument("--rules", action="append", default=[],
                    help="extra rule file passed to the CLI (repeatable)")
    ap.add_argument("--rules-dir", help="use the rule files DIR/*/*.yaml instead of the "
                    "embedded defaults (to measure edited rules without rebuilding)")
    ap.add_argument("--judged", help="TSV of judgements (key, T|F, note); keep it in /tmp")
    ap.add_argument("--save-json", help="write the raw reports here (a path under /tmp)")
    ap.add_argument("--letters", action="store_true", help="check the usedesk letters")
    ap.add_argument("--names", action="store_true", help="probe the name rule on tweets")
    ap.add_argument("--threads", action="store_true",
                    help="split greeting findings on TWCS tweets by thread position")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.rules_dir:
        import glob
        files = sorted(glob.glob(os.path.join(args.rules_dir, "*", "*.yaml")))
        if not files:
            sys.exit("--rules-dir: no %s/*/*.yaml" % args.rules_dir)
        args.rules = ["--defaults=no"] + files + args.rules
    if args.save_json and os.path.realpath(args.save_json).startswith(
            os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))):
        sys.exit("--save-json: keep corpus text out of the repository (use /tmp)")
    if args.letters:
        return cmd_letters(args)
    if args.names:
        return cmd_names(args)
    if args.threads:
        return cmd_threads(args)
    return cmd_corpora(args)


if __name__ == "__main__":
    sys.exit(main())
