"""Shared helpers of the replylint binding tests.

Run the tests against a build tree with
    PYTHONPATH=build/bindings/python python3 -m unittest discover -s bindings/python/tests -v
(or after install_dev.py, without PYTHONPATH).
"""

import os
import pathlib
import re
import tempfile
import textwrap

import replylint

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = pathlib.Path(os.environ.get("REPLYLINT_SOURCE_DIR") or HERE.parents[2])
DICT_DIR = os.environ.get("REPLYLINT_DICT_DIR") or "/usr/share/hunspell"

_linter = None


def default_linter():
    """One Linter with the embedded rules, shared by the tests (as an application would)."""
    global _linter
    if _linter is None:
        _linter = replylint.Linter()
    return _linter


def example_texts():
    """The example replies shipped in the repository (examples/*.txt, examples/*/*.txt)."""
    examples = SOURCE_DIR / "examples"
    paths = sorted(examples.glob("*.txt")) + sorted(examples.glob("*/*.txt"))
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


_BREAK = re.compile(r"\r\n|\r|\n")


def line_column(text, index):
    """1-based line and column (in code points) of str index `index`, with CRLF, CR and LF
    each ending a line, as the library counts them."""
    line, start = 1, 0
    for m in _BREAK.finditer(text, 0, index):
        if m.end() > index:
            break
        line, start = line + 1, m.end()
    return line, index - start + 1


def diag_tuple(d):
    """Every field of a Diagnostic, for comparisons that do not rely on Diagnostic.__eq__."""
    return (d.rule, d.category, d.severity, d.message, d.start, d.end, d.byte_start,
            d.byte_end, d.utf16_start, d.utf16_end, d.line, d.column, d.text, d.suggestions,
            d.fixable)


def report_tuple(r):
    return (r.score, r.language, r.words, tuple(diag_tuple(d) for d in r))


class TempDir:
    """A temporary folder for rule files; write(name, yaml) returns the path."""

    def __init__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="replylint-test-")
        self.path = pathlib.Path(self._tmp.name)

    def write(self, name, content):
        p = self.path / name
        p.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return p

    def cleanup(self):
        self._tmp.cleanup()
