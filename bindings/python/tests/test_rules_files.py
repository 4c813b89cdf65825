"""Team rule files: adding rules, overriding defaults, and every kind of broken file."""

import errno
import os
import pathlib
import unittest

import replylint
from support import DICT_DIR, TempDir

TEAM = """
# A team's own rules, on top of the defaults.
rules:
  - id: jargon.ru.team-ticket
    category: jargon
    language: ru
    severity: error
    kind: phrase
    message: Клиенту не нужен «тикет» — скажите «обращение»
    rationale: Внутреннее слово службы поддержки.
    swap:
      тикет: обращение
    examples:
      bad: [Ваш тикет закрыт.]
      good: [Ваше обращение закрыто.]
  - id: tone.en.team-kindly
    category: tone
    language: en
    kind: regex
    pattern: '\\bkindly\\b'
    message: '"Kindly" reads as cold; just ask'
    examples:
      bad: [Kindly send us the order number.]
      good: [Could you send us the order number?]
overrides:
  - rule: thanks.ru.missing
    enabled: false
  - rule: jargon.ru.money
    severity: error
"""


class TestTeamRules(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.addCleanup(self.tmp.cleanup)

    def test_team_file_adds_and_overrides(self):
        path = self.tmp.write("team.yaml", TEAM)
        base = replylint.Linter()
        team = replylint.Linter(rules=str(path), dict_dir=DICT_DIR)
        self.assertEqual(team.files, (str(path),))
        self.assertIn(str(path), repr(team))
        ids = {r.id for r in team.rules()}
        self.assertIn("jargon.ru.team-ticket", ids)
        self.assertIn("tone.en.team-kindly", ids)
        self.assertNotIn("thanks.ru.missing", ids)
        self.assertEqual(len(team.rules()), len(base.rules()) + 2 - 1)
        rule = team.rule("jargon.ru.team-ticket")
        self.assertEqual(rule.source, str(path))
        self.assertEqual(rule.line, 3)
        self.assertEqual(rule.severity, "error")
        self.assertEqual(rule.rationale, "Внутреннее слово службы поддержки.")
        self.assertEqual(team.rule("jargon.ru.money").severity, "error")

        text = "Здравствуйте! Ваш тикет закрыт, денежные средства вернутся."
        report = team.check(text)
        by_rule = {d.rule: d for d in report}
        ticket = by_rule["jargon.ru.team-ticket"]
        self.assertEqual((ticket.text, ticket.severity, ticket.suggestions),
                         ("тикет", "error", ("обращение",)))
        self.assertEqual(by_rule["jargon.ru.money"].severity, "error")
        self.assertNotIn("thanks.ru.missing", by_rule)
        self.assertNotIn("jargon.ru.team-ticket", {d.rule for d in base.check(text)})
        self.assertLess(report.score, base.check(text).score)
        self.assertEqual(team.fix(text),
                         "Здравствуйте! Ваш обращение закрыт, деньги вернутся.")

        en = team.check("Hello! Kindly send us the order number. Thanks, have a great day!")
        self.assertIn("tone.en.team-kindly", {d.rule for d in en})

    def test_incomplete_when_a_regex_hits_its_limit(self):
        # Catastrophic backtracking stops at PCRE2's match limit: no finding, and the
        # report says that its silence proves nothing.
        path = self.tmp.write("backtrack.yaml", """
rules:
  - id: tone.en.backtrack
    category: tone
    kind: regex
    message: m
    pattern: '(a+)+$'
    examples: {bad: [aaa], good: [ccc]}
""")
        linter = replylint.Linter(rules=path, defaults=False, dict_dir=DICT_DIR)
        r = linter.check("a" * 40 + "!")
        self.assertEqual(len(r), 0)
        self.assertIs(r.incomplete, True)
        self.assertIs(linter.check("aaa").incomplete, False)

    def test_paths_list_pathlike_and_no_defaults(self):
        a = self.tmp.write("a.yaml", TEAM)
        b = self.tmp.write("b.yaml", """
            overrides:
              - rule: jargon.ru.team-ticket
                severity: suggestion
            """)
        for rules in ([a, b], (str(a), str(b)), iter([a, os.fsencode(b)])):
            linter = replylint.Linter(rules=rules, dict_dir=pathlib.Path(DICT_DIR))
            self.assertEqual(linter.rule("jargon.ru.team-ticket").severity, "suggestion")
            self.assertEqual(linter.files, (str(a), str(b)))
        # Without the defaults, an override of a default rule names no loaded rule.
        with self.assertRaises(replylint.RuleError) as cm:
            replylint.Linter(rules=a, defaults=False, dict_dir=DICT_DIR)
        self.assertEqual(cm.exception.code, replylint.Status.ENOTFOUND)
        only = self.tmp.write("only.yaml", TEAM.split("overrides:")[0])
        linter = replylint.Linter(only, defaults=False, dict_dir=DICT_DIR)
        self.assertEqual([r.id for r in linter.rules()],
                         ["jargon.ru.team-ticket", "tone.en.team-kindly"])
        self.assertEqual([d.rule for d in linter.check("Ваш тикет закрыт.")],
                         ["jargon.ru.team-ticket"])

    def test_check_examples_flag(self):
        wrong = self.tmp.write("wrong.yaml", """
            rules:
              - id: jargon.ru.team-wrong
                category: jargon
                language: ru
                kind: phrase
                message: m
                phrases: [тикет]
                examples:
                  bad: [Ваше обращение закрыто.]
                  good: [Ваш тикет закрыт.]
            """)
        with self.assertRaises(replylint.RuleError) as cm:
            replylint.Linter(wrong, dict_dir=DICT_DIR)
        self.assertEqual(cm.exception.code, replylint.Status.ERULE_EXAMPLE)
        self.assertEqual(cm.exception.file, str(wrong))
        self.assertGreater(cm.exception.line, 1)
        linter = replylint.Linter(wrong, dict_dir=DICT_DIR, check_examples=False)
        self.assertIn("jargon.ru.team-wrong", {r.id for r in linter.rules()})


class TestRuleErrors(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.addCleanup(self.tmp.cleanup)

    def rule_error(self, content):
        path = self.tmp.write("bad.yaml", content)
        with self.assertRaises(replylint.RuleError) as cm:
            replylint.Linter(rules=path, dict_dir=DICT_DIR)
        e = cm.exception
        self.assertIsInstance(e, replylint.Error)
        self.assertEqual(e.file, str(path))
        self.assertTrue(str(e).startswith("%s:%d:%d: " % (path, e.line, e.column)), str(e))
        self.assertTrue(e.message and e.message in str(e))
        return e

    def test_bad_yaml(self):
        e = self.rule_error("""
            rules:
              - id: x
                message: [unclosed
            """)
        self.assertEqual(e.code, replylint.Status.ERULE_SYNTAX)
        self.assertEqual((e.line, e.column), (4, 1))
        self.assertIn("YAML", e.message)

    def test_unknown_category(self):
        e = self.rule_error("""
            rules:
              - id: x.ru.y
                category: jargonn
                kind: phrase
                message: m
                phrases: [a]
                examples: {bad: [a], good: [b]}
            """)
        self.assertEqual(e.code, replylint.Status.ERULE)
        self.assertEqual((e.line, e.column), (3, 15))
        self.assertIn("jargonn", e.message)

    def test_unknown_key(self):
        e = self.rule_error("""
            rules:
              - id: x.ru.y
                category: jargon
                kind: phrase
                mesage: typo
                phrases: [a]
                examples: {bad: [a], good: [b]}
            """)
        self.assertEqual(e.code, replylint.Status.ERULE)
        self.assertEqual(e.line, 5)

    def test_bad_regex(self):
        e = self.rule_error("""
            rules:
              - id: tone.en.bad-regex
                category: tone
                language: en
                kind: regex
                pattern: 'a(b'
                message: m
                examples: {bad: [ab], good: [c]}
            """)
        self.assertEqual(e.code, replylint.Status.ERULE_REGEX)
        self.assertEqual(e.line, 6)

    def test_unknown_override(self):
        e = self.rule_error("""
            overrides:
              - rule: no.such.rule
                enabled: false
            """)
        self.assertEqual(e.code, replylint.Status.ENOTFOUND)
        self.assertEqual(e.line, 2)

    def test_file_errors_are_oserrors(self):
        missing = self.tmp.path / "missing.yaml"
        with self.assertRaises(FileNotFoundError) as cm:
            replylint.Linter(rules=missing)
        self.assertEqual(cm.exception.filename, str(missing))
        self.assertEqual(cm.exception.errno, errno.ENOENT)
        with self.assertRaises(IsADirectoryError):
            replylint.Linter(rules=self.tmp.path)

    def test_failed_file_leaves_nothing_behind(self):
        good = self.tmp.write("good.yaml", TEAM)
        bad = self.tmp.write("bad.yaml", "rules: [")
        with self.assertRaises(replylint.RuleError) as cm:
            replylint.Linter(rules=[good, bad], dict_dir=DICT_DIR)
        self.assertEqual(cm.exception.file, str(bad))

    def test_empty_and_non_utf8_files(self):
        empty = self.tmp.write("empty.yaml", "")
        self.assertEqual(len(replylint.Linter(empty).rules()), len(replylint.Linter().rules()))
        latin1 = self.tmp.path / "latin1.yaml"
        latin1.write_bytes(b"rules:\n  - id: x\n    message: caf\xe9\n")
        with self.assertRaises(replylint.RuleError):
            replylint.Linter(latin1)


if __name__ == "__main__":
    unittest.main()
