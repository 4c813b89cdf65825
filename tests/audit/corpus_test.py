#!/usr/bin/env python3
"""corpus_test.py REPLYLINT CORPUS_DIR: `replylint audit` on real support replies.

The replies in CORPUS_DIR (shared/corpus beside the clone: RUTUBE support answers, column
«Ответ сотрудника», and the agent tweets of Customer Support on Twitter) are turned into a
temporary JSON Lines export at run time (they may not be copied into the repository), with
one broken line and one line without text added.  The bar: one result line per good
ticket, in input order; both bad lines reported with their line numbers; tickets in =
checked + rejected.  Then the same export as CSV (the RUTUBE answers span many lines, so
record line numbers are tested for real), the other output formats, and --jobs 1 vs 2."""
import csv
import io
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SKIP, Checks, jsonl, run, summary_line  # noqa: E402

BIN, CORPUS = sys.argv[1], sys.argv[2]
RUTUBE = os.path.join(CORPUS, "rutube-support-cases", "cases.csv")
TWCS = os.path.join(CORPUS, "twcs-head5000", "agent_replies.csv")
if not (os.path.isfile(RUTUBE) and os.path.isfile(TWCS)):
    print(f"SKIP: the shared corpus is not at {CORPUS} (shared/ beside the clone)")
    sys.exit(SKIP)

csv.field_size_limit(1 << 30)
T = Checks("audit corpus")
tmp = tempfile.mkdtemp(prefix="audit-corpus-")


def tickets():
    with open(RUTUBE, encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f), 1):
            yield {"id": f"rutube-{i}", "agent": "RUTUBE support", "channel": "email",
                   "text": row["Ответ сотрудника"]}
    with open(TWCS, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield {"id": f"twcs-{row['tweet_id']}", "agent": row["author_id"], "channel": "chat",
                   "text": row["text"]}


good = list(tickets())
BROKEN_AT, NO_TEXT_AT = 500, 1500  # 1-based line numbers of the two bad lines
lines = [json.dumps(t, ensure_ascii=False) for t in good]
lines.insert(BROKEN_AT - 1, '{"id": "broken", "agent": "x", "text": "no closing brace"')
lines.insert(NO_TEXT_AT - 1, json.dumps({"id": "no-text", "agent": "x", "body": "where?"}))
export = os.path.join(tmp, "corpus.jsonl")
with open(export, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
n_in = len(lines)

# ---- the bar ----------------------------------------------------------------------------------------
rc, out, err = run(BIN, [export, "--jobs", "2"])
results = jsonl(out)
T.check(f"{len(good)} good tickets from the corpus", len(good) > 3000)
T.check("one result line per good ticket", len(results) == len(good), (len(results), len(good)))
T.check("results in input order", [r["id"] for r in results] == [t["id"] for t in good])
T.check("the broken line is reported with its line number",
        f"replylint: {export}:{BROKEN_AT}: invalid JSON" in err, err[-500:])
T.check("the line without text is reported with its line number",
        f"replylint: {export}:{NO_TEXT_AT}: missing field 'text'" in err, err[-500:])
T.check("nothing else is reported", err.count("replylint: ") == 2, err[-1000:])
T.check("the counts add up: tickets in = checked + rejected",
        summary_line(err).startswith(f"audit: {n_in} tickets: {len(good)} checked, 2 rejected "
                                     "(1 broken JSON, 1 missing text)"), summary_line(err))
T.check("exit 1: rows were rejected", rc == 1, rc)

# Every offset of every finding selects the flagged text in its own unit.
bad = []
for r, t in zip(results, good):
    text = t["text"]
    raw, u16 = text.encode(), text.encode("utf-16-le")
    for d in r["diagnostics"]:
        if not (raw[d["byte_start"]:d["byte_end"]].decode() == d["text"] ==
                text[d["cp_start"]:d["cp_end"]] ==
                u16[2 * d["utf16_start"]:2 * d["utf16_end"]].decode("utf-16-le")):
            bad.append((r["id"], d))
T.check("every offset selects the flagged text (bytes, code points, UTF-16)", not bad, bad[:3])
T.check("both languages", {r["language"] for r in results} == {"ru", "en"})

rc1, out1, err1 = run(BIN, [export, "--jobs", "1"])
T.check("--jobs 1 gives byte-identical output", out1 == out and rc1 == rc)

# ---- the same export as CSV ---------------------------------------------------------------------------
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n")
w.writerow(["id", "agent", "channel", "text"])
line_no, starts = 2, []
for i, t in enumerate(good):
    if i == 700:  # a row with a missing column, reported on the line it starts
        short_at = line_no
        buf.write("short,row,only\n")
        line_no += 1
    starts.append(line_no)
    before = buf.tell()
    w.writerow([t["id"], t["agent"], t["channel"], t["text"]])
    line_no += buf.getvalue()[before:].count("\n")
csv_export = os.path.join(tmp, "corpus.csv")
with open(csv_export, "w", encoding="utf-8", newline="") as f:
    f.write(buf.getvalue())
rc, out_csv, err = run(BIN, [csv_export])
T.check("CSV export: same results as JSON Lines", out_csv == out, len(jsonl(out_csv)))
T.check("CSV export: the short row is reported on the line it starts",
        f"replylint: {csv_export}:{short_at}: expected 4 fields as in the header, got 3" in err,
        (short_at, err[-300:]))
T.check("CSV export: counts add up",
        summary_line(err).startswith(f"audit: {len(good) + 1} tickets: {len(good)} checked, "
                                     "1 rejected (1 wrong column count)"), summary_line(err))

# ---- output formats -------------------------------------------------------------------------------------
rc, out_c, err = run(BIN, [export, "--format", "csv"])
rows = list(csv.reader(io.StringIO(out_c)))
T.check("--format csv: one row per good ticket", len(rows) == len(good) + 1 and
        [r[0] for r in rows[1:]] == [t["id"] for t in good])
rc, out_s, err = run(BIN, [export, "--format", "sarif"])
try:
    sarif = json.loads(out_s)
    n_diag = sum(len(r["diagnostics"]) for r in results)
    T.check("--format sarif: valid, one result per finding",
            len(sarif["runs"][0]["results"]) == n_diag, n_diag)
except ValueError as e:
    T.check("--format sarif: valid JSON", False, str(e))
report = os.path.join(tmp, "corpus.html")
rc, _, err = run(BIN, [export, "--format", "none", "--html", report])
html = open(report, encoding="utf-8").read()
T.check("--html: the report has the totals",
        f'<span class="num">{len(good):,}</span><span class="lbl">checked' in html and
        "1 broken JSON" in html)
T.check("--html: every agent of the corpus in the table", all(
    f'<td class="agent">{a}</td>' in html for a in {"RUTUBE support", "AppleSupport"}))

shutil.rmtree(tmp)
T.finish()
