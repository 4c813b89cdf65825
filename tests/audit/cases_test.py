#!/usr/bin/env python3
"""cases_test.py REPLYLINT SOURCE_DIR [--memory]: `replylint audit` edge cases.

Bad rows of every kind in JSON Lines and CSV (reported with file and line, counted, the
audit goes on), CSV details (BOM, CRLF, quoted line breaks, spaces kept), the output
formats (JSONL, CSV, SARIF), HTML escaping, exit codes, order under any --jobs, the
progress bar, and with --memory that memory stays flat however long the input is."""
import csv
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import Checks, jsonl, run, summary_line  # noqa: E402

BIN = sys.argv[1]
SRC = sys.argv[2]
MEMORY = "--memory" in sys.argv[3:]
T = Checks("audit cases")
tmp = tempfile.mkdtemp(prefix="audit-cases-")


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


GOOD_RU = ("Здравствуйте, Ирина!\n\nСпасибо, что написали. Посылка уже у курьера, привезёт "
           "завтра до 14:00.\n\nХорошего дня!\nАнна Петрова, служба поддержки")
BAD_RU = ("Уважаемый клиент! Доводим до Вашего сведения, что денежные средства будут "
          "возвращены в кратчайшие сроки. С уважением, Служба поддержки")
BAD_EN = "We apologize for the inconvenience. Your issue will be resolved ASAP."


def line(obj):
    return json.dumps(obj, ensure_ascii=False)


# ---- JSON Lines: every kind of bad row, with its line number --------------------------------
rows = [
    "\ufeff" + line({"id": "A1", "agent": "Анна", "customer_name": "Ирина", "text": GOOD_RU}),
    line({"id": "A2", "agent": "Bob", "text": BAD_EN}),
    '{"id": "A3", "text": "unterminated',                        # 3 broken JSON
    line({"id": "A4", "agent": "Bob"}),                          # 4 missing text
    line({"id": "A5", "text": None}),                            # 5 text not a string
    "",                                                          # 6 blank: not a ticket
    line(["not", "an", "object"]),                               # 7 not an object
    line({"id": 6, "agent": 42, "text": BAD_RU}) + "\r",         # 8 numbers, CRLF
    line({"agent": "Bob", "text": BAD_EN}),                      # 9 no id: FILE:LINE
    '{"id": "A10", "text": "bad \xff byte"}',                    # 10 invalid UTF-8
    line({"id": "A11", "text": "Hi\u0000there, thanks for writing!"}),  # 11 NUL is fine
]
data = "\n".join(rows[:9]).encode("utf-8") + b"\n" + rows[9].encode("latin-1") + b"\n" + \
    rows[10].encode("utf-8") + b"\n"
bad_jsonl = write("bad.jsonl", data)
rc, out, err = run(BIN, [bad_jsonl, "--jobs", "2"])
results = jsonl(out)
T.check("jsonl: exit 1 when rows are rejected", rc == 1, f"rc={rc} {err}")
T.check("jsonl: one result per good row, in order",
        [r["id"] for r in results] == ["A1", "A2", "6", f"{bad_jsonl}:9", "A11"],
        [r["id"] for r in results])
for n, what in [(3, "invalid JSON"), (4, "missing field 'text'"),
                (5, "field 'text' is null, not a string"), (7, "not a JSON object"),
                (10, "invalid UTF-8")]:
    T.check(f"jsonl: line {n} reported ({what})", f"replylint: {bad_jsonl}:{n}: {what}" in err,
            err)
T.check("jsonl: the blank line is not a ticket", f"{bad_jsonl}:6:" not in err)
T.check("jsonl: counts add up in the summary",
        summary_line(err).startswith("audit: 10 tickets: 5 checked, 5 rejected (1 broken JSON, "
                                     "1 not a JSON object, 1 missing text, 1 text not a string, "
                                     "1 invalid UTF-8)"), summary_line(err))
T.check("jsonl: a numeric agent is written out", results[2]["agent"] == "42")
T.check("jsonl: a missing agent is null", results[4]["agent"] is None)
T.check("jsonl: the customer's name reaches the linter",
        not any(d["category"] == "name" for d in results[0]["diagnostics"]))
first = results[1]
T.check("jsonl: result fields as in check --format json",
        list(first) == ["id", "agent", "language", "score", "words", "incomplete",
                        "diagnostics"] and first["incomplete"] is False and
        first["diagnostics"] and
        list(first["diagnostics"][0]) == ["rule", "category", "severity", "message", "line",
                                          "column", "byte_start", "byte_end", "cp_start",
                                          "cp_end", "utf16_start", "utf16_end", "text",
                                          "suggestions"], first)
rc1, out1, _ = run(BIN, [bad_jsonl, "--jobs", "1"])
rc5, out5, _ = run(BIN, [bad_jsonl, "--jobs", "5"])
T.check("jsonl: the same output with --jobs 1, 2 and 5", out1 == out == out5)

# ---- check and audit agree on one reply -------------------------------------------------------
single = write("single.txt", BAD_RU)
chk = subprocess.run([BIN, "check", "--format", "json", single], capture_output=True)
chk_diags = json.loads(chk.stdout)["diagnostics"]
T.check("audit's diagnostics equal check's", results[2]["diagnostics"] == chk_diags)

# ---- CSV: BOM, CRLF, quoted line breaks, wrong column counts, invalid UTF-8 -------------------
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\r\n")
w.writerow(["id", "agent", "customer_name", "channel", "text"])
w.writerow(["C1", "Анна", "Ирина", "email", GOOD_RU])                  # starts on line 2
good_lines = GOOD_RU.count("\n") + 1
w.writerow(["C2", "Bob, \"the\" agent", "", "chat", BAD_EN])            # line 2+good_lines
csv_text = "\ufeff" + buf.getvalue()
csv_text += "C3,Bob,,chat\r\n"                                          # too few fields
csv_text += "\r\n"                                                      # blank line
csv_text += "C4,Bob,,chat," + "\"  spaced  reply, kept as is  \"\r\n"
csv_text += "C5,Bob,,chat,TEXT_WITH_BAD_BYTE\r\n"
csv_text += "C6,AGENT_WITH_BAD_BYTE,,chat,Hi there\r\n"
csv_text += "C7,Bob,,chat,\"a reply with\nthree\nlines\",extra\r\n"     # too many fields
csv_text += "C8,Bob,,chat,last row without a line break"
raw = csv_text.encode("utf-8").replace(b"TEXT_WITH_BAD_BYTE", b"caf\xe9 ok") \
    .replace(b"AGENT_WITH_BAD_BYTE", b"Ren\xe9")
csv_path = write("bad.csv", raw)
c3_line = 2 + good_lines + 1
rc, out, err = run(BIN, [csv_path])
results = jsonl(out)
T.check("csv: exit 1 when rows are rejected", rc == 1, f"rc={rc} {err}")
T.check("csv: one result per good row, in order",
        [r["id"] for r in results] == ["C1", "C2", "C4", "C8"], [r["id"] for r in results])
T.check("csv: a short row is reported on the line it starts",
        f"replylint: {csv_path}:{c3_line}: expected 5 fields as in the header, got 4" in err, err)
T.check("csv: invalid UTF-8 in the text is reported with its byte",
        f"{csv_path}:{c3_line + 3}: invalid UTF-8 in field 'text' at byte 3" in err, err)
T.check("csv: invalid UTF-8 in another field is reported",
        f"{csv_path}:{c3_line + 4}: invalid UTF-8 in field 'agent'" in err, err)
T.check("csv: a multi-line row with too many fields is reported on its first line",
        f"{csv_path}:{c3_line + 5}: expected 5 fields as in the header, got 6" in err, err)
T.check("csv: counts add up",
        summary_line(err).startswith("audit: 8 tickets: 4 checked, 4 rejected (1 invalid UTF-8, "
                                     "2 wrong column count, ") or
        summary_line(err).startswith("audit: 8 tickets: 4 checked, 4 rejected (2 invalid UTF-8, "
                                     "2 wrong column count)"), summary_line(err))
T.check("csv: quotes and commas in fields survive", results[1]["agent"] == 'Bob, "the" agent')
c4 = results[2]
T.check("csv: spaces around a field are kept (offsets point into the export)",
        c4["diagnostics"] and c4["diagnostics"][0]["byte_start"] == 2 and
        c4["diagnostics"][0]["text"].startswith("spaced  reply"), c4)

quoting = write("quoting.csv", 'id,text\n1,"a ""quoted"" word, fine"\n2,ab"c\n3,"x" y\n'
                                  '4,fine\n5,"never closed\n6,swallowed\n')
rc, out, err = run(BIN, [quoting])
T.check("csv: stray quotes are reported, the next row is read",
        [r["id"] for r in jsonl(out)] == ["1", "4"] and
        f"{quoting}:3: bad quoting" in err and f"{quoting}:4: bad quoting" in err, err)
T.check("csv: an unclosed quote at the end is reported, not swallowed",
        f"{quoting}:6: a quoted field is never closed" in err and
        summary_line(err).startswith("audit: 5 tickets: 2 checked, 3 rejected (3 bad quoting)"),
        err)

missing_col = write("nocol.csv", "id,body\n1,hello\n")
rc, out, err = run(BIN, [missing_col, examples := os.path.join(SRC, "examples", "tickets.jsonl")])
T.check("csv: a header without the text column is an error for that file (exit 2)",
        rc == 2 and "no column 'text' in the header" in err, f"rc={rc} {err}")
T.check("csv: ...and the other files are still audited", len(jsonl(out)) == 34, len(jsonl(out)))
rc, out, err = run(BIN, [missing_col, "--text-field", "body"])
T.check("csv: --text-field names the column", rc == 0 and jsonl(out)[0]["id"] == "1", err)

# ---- the examples: JSON Lines and CSV say the same -----------------------------------------------
ex_csv = os.path.join(SRC, "examples", "tickets.csv")
rc_j, out_j, err_j = run(BIN, [examples])
rc_c, out_c, err_c = run(BIN, [ex_csv])
T.check("examples: both formats audit cleanly", rc_j == 0 and rc_c == 0, err_j + err_c)
T.check("examples: both formats give the same results", out_j == out_c and len(jsonl(out_j)) == 34)
agents = {r["agent"] for r in jsonl(out_j)}
T.check("examples: several agents, both languages",
        len(agents) >= 5 and {r["language"] for r in jsonl(out_j)} == {"ru", "en"}, agents)
scores = [r["score"] for r in jsonl(out_j)]
T.check("examples: good and bad replies", min(scores) < 3 and max(scores) == 10, scores)

# ---- formats ------------------------------------------------------------------------------------
rc, out, err = run(BIN, [examples, "--format", "csv"])
table = list(csv.reader(io.StringIO(out)))
T.check("csv format: header and one row per ticket",
        table[0] == ["id", "agent", "language", "score", "errors", "warnings", "suggestions",
                     "rules"] and len(table) == 35, table[:2])
by_id = {r["id"]: r for r in jsonl(out_j)}
ok = True
for row in table[1:]:
    r = by_id[row[0]]
    sev = [d["severity"] for d in r["diagnostics"]]
    rules = list(dict.fromkeys(d["rule"] for d in r["diagnostics"]))
    ok &= row[1] == r["agent"] and row[2] == r["language"] and float(row[3]) == r["score"]
    ok &= [int(x) for x in row[4:7]] == [sev.count("error"), sev.count("warning"),
                                          sev.count("suggestion")]
    ok &= row[7].split() == rules
T.check("csv format: rows agree with the JSON results", ok)

rc, out, err = run(BIN, [examples, "--format", "sarif"])
try:
    sarif = json.loads(out)
except ValueError as e:
    sarif = None
    T.check("sarif: valid JSON", False, str(e))
if sarif:
    run0 = sarif["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    results = run0["results"]
    T.check("sarif: version 2.1.0, one run", sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1)
    T.check("sarif: rules with their messages",
            len(rules) > 40 and all(r["id"] and r["shortDescription"]["text"] for r in rules))
    n_diags = sum(len(r["diagnostics"]) for r in jsonl(out_j))
    T.check("sarif: one result per finding", len(results) == n_diags, (len(results), n_diags))
    ok = True
    flat = [(r, d) for r in jsonl(out_j) for d in r["diagnostics"]]
    for res, (r, d) in zip(results, flat):
        reg = res["locations"][0]["physicalLocation"]["region"]
        ok &= res["ruleId"] == d["rule"] and rules[res["ruleIndex"]]["id"] == d["rule"]
        ok &= res["level"] == {"error": "error", "warning": "warning", "suggestion": "note"}[
            d["severity"]]
        ok &= res["message"]["text"] == d["message"]
        ok &= res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == r["id"]
        ok &= reg["startLine"] == d["line"] and reg["startColumn"] == d["column"]
        ok &= reg["charOffset"] == d["cp_start"] and reg["charLength"] == d["cp_end"] - d["cp_start"]
        ok &= reg["snippet"]["text"] == d["text"]
        if "\n" not in d["text"]:
            ok &= reg["endLine"] == d["line"] and reg["endColumn"] == d["column"] + len(d["text"])
        if not ok:
            T.check("sarif: results match the findings", False, (res, d))
            break
    if ok:
        T.check("sarif: results match the findings", True)
    T.check("sarif: columns are code points", run0["columnKind"] == "unicodeCodePoints")
    inv = run0["invocations"][0]
    T.check("sarif: counts in the invocation",
            inv["properties"] == {"ticketsIn": 34, "checked": 34, "rejected": 0})
odd_ids = write("odd.jsonl", line({"id": "№ 7/8 #a?b", "text": BAD_EN}) + "\n")
rc, out, err = run(BIN, [odd_ids, "--format", "sarif"])
uri = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
    "artifactLocation"]["uri"]
T.check("sarif: ids are percent-encoded into one URI", uri == "%E2%84%96%207%2F8%20%23a%3Fb", uri)
# Line breaks as the library counts them (\n, \r\n, a lone \r): a finding's end in SARIF must
# agree with where the next finding starts.
breaks = write("breaks.jsonl", line({"id": "B", "text": "Dear Customer,\r\rPlease be advised "
                                     "that it is fixed.\r\nWe apologize for the inconvenience."
                                     "\nRegards,\rSupport"}) + "\n")
rc, out, err = run(BIN, [breaks, "--format", "sarif"])
rc2, out2, _ = run(BIN, [breaks])
regions = [r["locations"][0]["physicalLocation"]["region"]
           for r in json.loads(out)["runs"][0]["results"]]
diags = jsonl(out2)[0]["diagnostics"]
text = json.loads(open(breaks, encoding="utf-8").read())["text"]


def position(cp):
    """(line, column) of a code point offset, counting breaks as the library does."""
    ln, col = 1, 1
    for i, ch in enumerate(text[:cp]):
        if ch == "\n" or (ch == "\r" and text[i + 1:i + 2] != "\n"):
            ln, col = ln + 1, 1
        else:
            col += 1
    return ln, col


T.check("sarif: start positions agree with the library's lines",
        all((g["startLine"], g["startColumn"]) == (d["line"], d["column"]) == position(d["cp_start"])
            for g, d in zip(regions, diags)), regions)
T.check("sarif: end positions count lines as the library does",
        all((g["endLine"], g["endColumn"]) == position(d["cp_end"]) for g, d in zip(regions, diags)),
        [(g, position(d["cp_end"])) for g, d in zip(regions, diags)])
empty = write("empty.jsonl", "")
rc, out, err = run(BIN, [empty, "--format", "sarif"])
T.check("sarif: an empty input is still a valid document",
        rc == 0 and json.loads(out)["runs"][0]["results"] == [], out)

# ---- HTML: every string escaped, nothing external, no script ----------------------------------
evil = write("evil.jsonl", "\n".join([
    line({"id": "<img src=x onerror=alert(1)>", "agent": "<script>alert('a')</script>",
          "text": "<script>alert(\"t\")</script> & Уважаемый клиент! денежные средства"}),
    line({"id": "E2", "agent": "\"quoted\" & 'single'", "text": BAD_EN + "\u0001\u007f"}),
]) + "\n")
report = os.path.join(tmp, "evil.html")
rc, out, err = run(BIN, [evil, "--html", report, "--format", "none"])
html = open(report, encoding="utf-8").read()
T.check("html: written", rc == 0 and html.startswith("<!DOCTYPE html>"), err)
T.check("html: no script, no raw markup from the input",
        "<script" not in html.lower() and "<img" not in html.lower(), "")
T.check("html: text is escaped, not dropped",
        "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp;" in html and
        "&quot;quoted&quot; &amp; &#39;single&#39;" in html)
T.check("html: control characters do not reach the page",
        "\u0001" not in html and "\u007f" not in html)
T.check("html: no network: no src, href, url() or @import",
        not re.search(r"<[^>]*\s(src|href)\s*=|url\(|@import", html))
T.check("html: findings are marked with a title", re.search(r'<mark class="sev-\w+" title="', html))
bad_html = os.path.join(tmp, "no-such-dir", "r.html")
rc, out, err = run(BIN, [examples, "--html", bad_html])
T.check("html: an unwritable report path fails before the audit (exit 2)",
        rc == 2 and out == "" and "no-such-dir" in err, f"rc={rc} {err}")

# ---- exit codes, options, standard input -------------------------------------------------------
rc, out, err = run(BIN, [examples, "--format", "none"])
T.check("exit 0 with findings when --fail-level is not given", rc == 0, err)
rc, _, _ = run(BIN, [examples, "--format", "none", "--fail-level", "error"])
T.check("exit 1 with --fail-level error (shouting is an error)", rc == 1)
good_only = write("good.jsonl", line({"id": "G", "customer_name": "Ирина", "text": GOOD_RU}) + "\n")
rc, _, err = run(BIN, [good_only, "--fail-level", "suggestion"])
T.check("exit 0 with --fail-level suggestion on a clean reply", rc == 0, err)
rc, out, err = run(BIN, ["--input", "jsonl", "-"], stdin=open(examples, "rb").read())
T.check("standard input with --input jsonl", rc == 0 and out == out_j, err)
rc, out, err = run(BIN, ["-"], stdin=b"")
T.check("standard input needs --input (exit 2)", rc == 2 and "--input" in err, err)
rc, out, err = run(BIN, [write("tickets.txt", "x")])
T.check("an unknown extension needs --input (exit 2)", rc == 2 and "--input" in err, err)
rc, out, err = run(BIN, [os.path.join(tmp, "missing.jsonl"), examples])
T.check("a missing file is exit 2, the others are audited",
        rc == 2 and "missing.jsonl: No such file" in err and len(jsonl(out)) == 34, err)
for args, what in [(["--jobs", "0"], "--jobs 0"), (["--format", "xml"], "--format xml"),
                   (["--bogus", "1"], "an unknown option"), (["--rules"], "a missing value"),
                   (["-", "-", "--input", "csv"], "'-' twice")]:
    rc, out, err = run(BIN, [examples, *args])
    T.check(f"usage error: {what} (exit 2)", rc == 2 and out == "" and "replylint:" in err, err)
rc, out, err = run(BIN, ["--help"])
T.check("--help", rc == 0 and "--text-field" in out and "--html" in out)
rc, out, err = run(BIN, [examples, "--rules", os.path.join(SRC, "tests", "cli", "broken.yaml")])
T.check("a broken rule file is exit 2", rc == 2 and "broken.yaml" in err, err)
rc, out, err = run(BIN, [examples, "--lang", "en", "--format", "csv"])
T.check("--lang applies", rc == 0 and {r[2] for r in csv.reader(io.StringIO(out))} ==
        {"language", "en"})

if os.path.exists("/dev/full"):
    with open("/dev/full", "wb") as full:
        p = subprocess.run([BIN, "audit", examples], stdout=full, stderr=subprocess.PIPE)
    err = p.stderr.decode()
    T.check("a full disk is exit 2, reported once with its reason",
            p.returncode == 2 and err.count("cannot write output") == 1 and
            "No space left on device" in err, err)

# ---- progress ------------------------------------------------------------------------------------
rc, out, err = run(BIN, [examples, "--format", "none"])
T.check("no progress bar when stderr is not a terminal", "\r" not in err and "\033" not in err)
rc, out, err = run(BIN, [examples, "--format", "none", "--progress", "always", "--jobs", "1"])
T.check("--progress always draws and clears the bar",
        "\033[K" in err and err.rstrip().endswith(summary_line(err)), repr(err[-300:]))

# ---- memory stays flat ----------------------------------------------------------------------------
if MEMORY:
    base = open(examples, "rb").read()

    def peak_kb(copies):
        # Written piece by piece: a forked child's peak RSS counts what this process
        # held at the fork, and a 40 MB string would swamp the measurement.
        path = os.path.join(tmp, f"x{copies}.jsonl")
        with open(path, "wb") as f:
            for _ in range(copies):
                f.write(base)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        p = subprocess.run(["/bin/sh", "-c", f'exec "$0" audit "$1" --jobs 2 > /dev/null 2>&1',
                            BIN, path])
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        os.unlink(path)
        return p.returncode, after, before
    rc_s, small, _ = peak_kb(30)      # ~1,000 tickets
    rc_b, big, _ = peak_kb(1500)      # ~51,000 tickets, ~40 MB
    T.check("memory: the big run succeeds", rc_s == 0 and rc_b == 0)
    T.check(f"memory: flat ({small} KB for 1k tickets, {big} KB for 51k)",
            big < small + 16 * 1024, (small, big))

T.finish()
