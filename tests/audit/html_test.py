#!/usr/bin/env python3
"""html_test.py REPLYLINT SOURCE_DIR OUT_DIR: the audit's HTML report in a real browser.

Renders a report of examples/tickets.jsonl plus a few bad rows in headless Chromium and
checks the rendered DOM (the histogram and category charts as SVG with bars, the agent
table with every agent, highlighted findings, the totals), that the page raised no script
error and asked for nothing over the network, and takes a screenshot
(OUT_DIR/audit_report.png) for a person to look at.  Skips, saying so, only when no
Chromium is installed (scripts/bootstrap.sh installs Debian's `chromium`)."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SKIP, Checks, run, summary_line  # noqa: E402

BIN, SRC, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
browser = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)),
               None)
if not browser:
    print("SKIP: chromium is not installed; scripts/bootstrap.sh installs Debian's chromium")
    sys.exit(SKIP)

T = Checks("audit html")
tmp = tempfile.mkdtemp(prefix="audit-html-")
examples = os.path.join(SRC, "examples", "tickets.jsonl")
extra = os.path.join(tmp, "more.jsonl")
with open(extra, "w", encoding="utf-8") as f:
    f.write('{"id": "X1", "agent": "Jake Turner", "text": "broken\n')
    f.write(json.dumps({"id": "X2", "agent": "Jake Turner", "body": "no text field"}) + "\n")
    f.write(json.dumps({"id": "<b>X3</b>", "agent": "<i>Mallory</i>",
                        "text": "<script>alert('x')</script> Please be advised that we are "
                                "unable to help. Contact your bank."}) + "\n")
report = os.path.join(tmp, "report.html")
rc, out, err = run(BIN, [examples, extra, "--format", "none", "--html", report])
T.check("the audit ran (exit 1: two rows rejected)", rc == 1, err)
T.check("the summary counts them", summary_line(err).startswith(
    "audit: 37 tickets: 35 checked, 2 rejected (1 broken JSON, 1 missing text)"), err)


def chromium(*args):
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp)
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           *args, "file://" + report]
    p = subprocess.run(cmd, capture_output=True, timeout=180)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


rc, dom, log = chromium("--dump-dom")
T.check("chromium rendered the page", rc == 0 and "<html" in dom, log[-2000:])
histogram = re.search(r'<svg id="score-histogram".*?</svg>', dom, re.S)
categories = re.search(r'<svg id="category-chart".*?</svg>', dom, re.S)
T.check("the score histogram is an SVG with 11 bars",
        histogram and histogram.group(0).count('<rect class="bar"') == 11)
T.check("the histogram marks the mean", histogram and 'id="mean-line"' in histogram.group(0))
T.check("the category chart is an SVG with bars",
        categories and categories.group(0).count('<rect class="bar"') >= 5)
table = re.search(r'<table id="agents">.*?</table>', dom, re.S)
agents = ["Анна Петрова", "Дмитрий Соколов", "Ольга Миронова", "Jake Turner", "Priya Shah",
          "Maria Lopez", "&lt;i&gt;Mallory&lt;/i&gt;"]
T.check("the agent table lists every agent",
        table and all(f'<td class="agent">{a}</td>' in table.group(0) for a in agents),
        table.group(0)[:500] if table else "no table")
T.check("the worst replies have highlighted findings",
        re.search(r'<section class="panel" id="worst">.*<mark class="sev-error" title="error: ',
                  dom, re.S))
T.check("the header has the totals",
        re.search(r'<span class="num">37</span><span class="lbl">tickets in', dom) and
        re.search(r'id="rejected"><span class="num">2</span>', dom))
T.check("ticket text stays text: no element came from it",
        "<script" not in dom.lower() and "<i>Mallory" not in dom and "<b>X3" not in dom)
T.check("no script error", "Uncaught" not in log and "SyntaxError" not in log, log[-2000:])
T.check("nothing was requested from the network",
        not re.search(r"net::ERR_|Failed to load resource|https?://(?!json\.schemastore)", log),
        log[-2000:])

os.makedirs(OUT, exist_ok=True)
shot = os.path.join(OUT, "audit_report.png")
if os.path.exists(shot):
    os.unlink(shot)
rc, _, log = chromium(f"--screenshot={shot}", "--window-size=1280,2000",
                      "--hide-scrollbars")
ok = rc == 0 and os.path.isfile(shot)
T.check(f"screenshot written to {shot}", ok, log[-2000:])
if ok:
    with open(shot, "rb") as f:
        head = f.read(24)
    width, height = struct.unpack(">II", head[16:24])
    T.check("the screenshot is a 1280x2000 PNG",
            head[:8] == b"\x89PNG\r\n\x1a\n" and (width, height) == (1280, 2000), (width, height))
    # A blank or unstyled page compresses to a few KB; charts, tables and text do not.
    T.check("the screenshot has content", os.path.getsize(shot) > 100_000, os.path.getsize(shot))

shutil.rmtree(tmp)
T.finish()
