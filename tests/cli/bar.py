#!/usr/bin/env python3
"""bar.py REPLYLINT: the core issue's bar, end to end through the CLI with the embedded
default rules.  The sample reply, with an emoji before it, and the same reply in NFD, in
capitals, with NBSP and with line breaks inside the phrases, must each report
`inconvenience`, `jargon` (on the money phrase, with a suggestion) and `name`, and every
offset pair must select exactly the flagged text in its own unit."""
import json
import subprocess
import sys
import unicodedata

BASE = ("😀 Здравствуйте!\nПриносим извинения за доставленные неудобства. "
        "Денежными средствами можно оплатить заказ.")
VARIANTS = {
    "plain": BASE,
    "nfd": unicodedata.normalize("NFD", BASE),
    "capitals": BASE.upper(),
    "nbsp": BASE.replace("за доставленные", "за\u00a0доставленные")
                .replace("Денежными средствами", "Денежными\u00a0средствами"),
    "line breaks": BASE.replace("извинения за", "извинения\nза")
                       .replace("Денежными средствами", "Денежными\r\nсредствами"),
}


def check(name, text, binary):
    out = subprocess.run([binary, "check", "--format", "json", "--name", "Иван", "-"],
                         input=text.encode(), capture_output=True)
    assert out.returncode == 1, f"{name}: exit {out.returncode}: {out.stderr.decode()}"
    report = json.loads(out.stdout)
    cats = {d["category"] for d in report["diagnostics"]}
    for want in ("inconvenience", "jargon", "name"):
        assert want in cats, f"{name}: no {want} finding in {sorted(cats)}"
    raw = text.encode()
    utf16 = text.encode("utf-16-le")
    for d in report["diagnostics"]:
        assert raw[d["byte_start"]:d["byte_end"]].decode() == d["text"], (name, d)
        assert text[d["cp_start"]:d["cp_end"]] == d["text"], (name, d)
        assert utf16[2 * d["utf16_start"]:2 * d["utf16_end"]].decode("utf-16-le") == d["text"]
    money = [d for d in report["diagnostics"] if d["category"] == "jargon"
             and unicodedata.normalize("NFC", d["text"]).lower().split()[0] == "денежными"]
    assert money and money[0]["suggestions"], f"{name}: money phrase not flagged with a fix"
    return len(report["diagnostics"])


def main():
    binary = sys.argv[1]
    for name, text in VARIANTS.items():
        n = check(name, text, binary)
        print(f"ok {name}: {n} findings")
    print(f"bar: {len(VARIANTS)} passed, 0 failed")


if __name__ == "__main__":
    main()
