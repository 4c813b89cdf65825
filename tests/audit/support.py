"""Helpers shared by the `replylint audit` tests: run the tool, collect checks."""
import json
import os
import subprocess
import sys

SKIP = 77  # ctest's SKIP_RETURN_CODE for these tests


class Checks:
    """Named checks that keep going after a failure and end with ctest's plain line."""

    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = 0

    def check(self, name, condition, detail=""):
        if condition:
            self.passed += 1
            print(f"ok {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        return condition

    def finish(self):
        print(f"{self.suite}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def run(binary, args, stdin=None, env=None):
    """Run `replylint audit ARGS`; returns (exit code, stdout text, stderr text)."""
    full_env = dict(os.environ)
    full_env.pop("TERM", None)
    if env:
        full_env.update(env)
    p = subprocess.run([binary, "audit", *args], input=stdin, capture_output=True,
                       env=full_env, timeout=600)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def summary_line(stderr):
    lines = [l for l in stderr.splitlines() if l.startswith("audit: ")]
    return lines[-1] if lines else ""
