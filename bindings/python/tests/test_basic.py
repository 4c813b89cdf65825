"""The package, the Report and Diagnostic objects, the rule list."""

import gc
import re
import unittest

import replylint
from support import default_linter, diag_tuple

RU_BAD = ("Уважаемый клиент!\n"
          "Доводим до Вашего сведения, что денежные средства будут возвращены "
          "в кратчайшие сроки.\n\nС уважением,\nСлужба поддержки")
EN_BAD = "Dear customer, we apologize for the inconvenience caused. Thanks!"


class TestModule(unittest.TestCase):
    def test_version(self):
        self.assertRegex(replylint.__version__, r"^\d+\.\d+\.\d+")

    def test_public_names(self):
        for name in replylint.__all__:
            self.assertTrue(hasattr(replylint, name), name)
        for cls in (replylint.Linter, replylint.Report, replylint.Diagnostic, replylint.Rule,
                    replylint.Error, replylint.RuleError):
            self.assertEqual(cls.__module__, "replylint")
            self.assertTrue(cls.__doc__)

    def test_exception_hierarchy(self):
        self.assertTrue(issubclass(replylint.RuleError, replylint.Error))
        self.assertTrue(issubclass(replylint.Error, Exception))
        self.assertEqual(replylint.Status.ERULE_SYNTAX, -10)

    def test_types_are_not_constructible_or_subclassable(self):
        with self.assertRaises(TypeError):
            replylint.Report()
        with self.assertRaises(TypeError):
            replylint.Diagnostic()
        with self.assertRaises(TypeError):
            type("Sub", (replylint.Linter,), {})


class TestReport(unittest.TestCase):
    def setUp(self):
        self.linter = default_linter()

    def test_russian_report(self):
        r = self.linter.check(RU_BAD)
        self.assertEqual(r.language, "ru")
        self.assertIsInstance(r.score, float)
        self.assertTrue(0.0 <= r.score < 10.0)
        self.assertIsInstance(r.words, int)
        self.assertGreater(r.words, 10)
        self.assertIs(r.incomplete, False)
        self.assertIs(r.text, RU_BAD)
        self.assertGreater(len(r), 0)
        self.assertTrue(r)
        rules = [d.rule for d in r]
        self.assertIn("jargon.ru.money", rules)
        self.assertRegex(repr(r), r"^<replylint\.Report: language=ru, score=\d+\.\d, words=\d+, "
                                  r"\d+ diagnostics>$")

    def test_english_report(self):
        r = self.linter.check(EN_BAD)
        self.assertEqual(r.language, "en")
        self.assertIn("inconvenience", [d.category for d in r])

    def test_score_range(self):
        for text in ["", "ok", RU_BAD, EN_BAD, "Денежные средства! " * 500]:
            s = self.linter.check(text).score
            self.assertIsInstance(s, float)
            self.assertGreaterEqual(s, 0.0)
            self.assertLessEqual(s, 10.0)
            self.assertEqual(s, round(s, 1))

    def test_sequence_protocol(self):
        r = self.linter.check(RU_BAD)
        n = len(r)
        items = list(r)
        self.assertEqual(len(items), n)
        self.assertEqual(diag_tuple(r[0]), diag_tuple(items[0]))
        self.assertEqual(diag_tuple(r[-1]), diag_tuple(items[-1]))
        self.assertEqual([diag_tuple(d) for d in r[1:3]], [diag_tuple(d) for d in items[1:3]])
        self.assertEqual([diag_tuple(d) for d in r[::-1]], [diag_tuple(d) for d in items[::-1]])
        self.assertEqual(r[n:], [])
        with self.assertRaises(IndexError):
            r[n]
        with self.assertRaises(IndexError):
            r[-n - 1]
        with self.assertRaises(IndexError):
            r[2**70]
        with self.assertRaises(TypeError):
            r["jargon.ru.money"]
        # Sorted by position, then rule id.
        keys = [(d.byte_start, d.byte_end, d.rule) for d in r]
        self.assertEqual(keys, sorted(keys))

    def test_diagnostic_fields(self):
        r = self.linter.check(RU_BAD)
        for d in r:
            for name in ("rule", "category", "message", "text"):
                self.assertIsInstance(getattr(d, name), str, name)
            self.assertIn(d.severity, ("suggestion", "warning", "error"))
            for name in ("start", "end", "byte_start", "byte_end", "utf16_start", "utf16_end",
                         "line", "column"):
                self.assertIsInstance(getattr(d, name), int, name)
            self.assertLessEqual(d.start, d.end)
            self.assertGreaterEqual(d.line, 1)
            self.assertGreaterEqual(d.column, 1)
            self.assertIsInstance(d.suggestions, tuple)
            self.assertTrue(all(isinstance(s, str) for s in d.suggestions))
            self.assertIsInstance(d.fixable, bool)
            if d.fixable:
                self.assertEqual(len(d.suggestions), 1)
            self.assertEqual(RU_BAD[d.start:d.end], d.text)
            with self.assertRaises(AttributeError):
                d.start = 0
        money = [d for d in r if d.rule == "jargon.ru.money"][0]
        self.assertEqual(money.text, "денежные средства")
        self.assertEqual(money.suggestions, ("деньги",))
        self.assertTrue(money.fixable)
        self.assertEqual(money.category, "jargon")

    def test_diagnostic_repr(self):
        d = [d for d in self.linter.check(RU_BAD) if d.rule == "jargon.ru.money"][0]
        self.assertRegex(
            repr(d), r"^<replylint\.Diagnostic jargon\.ru\.money \((suggestion|warning|error)\) "
            r"at 2:33 \[50:67\] text='денежные средства' suggestions=\('деньги'.*\)>$")

    def test_diagnostic_equality(self):
        a = list(self.linter.check(RU_BAD))
        b = list(self.linter.check(RU_BAD))
        self.assertEqual(a, b)
        self.assertEqual(len(set(a) | set(b)), len(a))
        self.assertNotEqual(a[0], a[1])
        self.assertNotEqual(a[0], "x")

    def test_diagnostic_outlives_report_and_linter(self):
        linter = replylint.Linter()
        text = "Денежные " + "средства"
        d = linter.check(text)[0]
        del linter
        gc.collect()
        self.assertEqual(d.text, "Денежные средства")

    def test_empty_report(self):
        self.assertIsInstance(len(self.linter.check("")), int)
        r = replylint.Linter(defaults=False).check("Денежные средства, KINDLY WAIT!!!")
        self.assertEqual(len(r), 0)
        self.assertFalse(r)
        self.assertEqual(list(r), [])
        self.assertEqual(r[:], [])
        self.assertEqual(r.score, 10.0)

    def test_options(self):
        text = "Здравствуйте! Денежные средства вернутся."
        rules = {d.rule for d in self.linter.check(text, customer_name="Иван")}
        self.assertIn("name.ru.unused", rules)
        self.assertNotIn("name.ru.unused", {d.rule for d in self.linter.check(text)})
        # lang forces the language whose rules run.
        self.assertEqual(self.linter.check(text, lang="en").language, "en")
        self.assertEqual(self.linter.check("Hello there", lang="ru").language, "ru")
        # min_severity drops weaker findings, and they then do not lower the score.
        full = self.linter.check(RU_BAD)
        strong = self.linter.check(RU_BAD, min_severity="warning")
        self.assertTrue(all(d.severity != "suggestion" for d in strong))
        self.assertLess(len(strong), len(full))
        self.assertGreaterEqual(strong.score, full.score)
        # followup: a reply later in a thread need not greet again.
        bare = "Денежные средства вернутся на карту."
        self.assertIn("greeting.ru.missing", {d.rule for d in self.linter.check(bare)})
        self.assertNotIn("greeting.ru.missing",
                         {d.rule for d in self.linter.check(bare, followup=True)})
        # Keyword and positional forms agree.
        a = self.linter.check(text, "Иван", "Анна", "chat", "ru")
        b = self.linter.check(text=text, customer_name="Иван", agent_name="Анна",
                              channel="chat", lang="ru")
        self.assertEqual(list(a), list(b))

    def test_channel_changes_length_limits(self):
        long_reply = ("Здравствуйте! " + "Мы проверили ваш заказ и всё исправили. " * 40 +
                      "Спасибо! Хорошего дня!")
        email = {d.rule for d in self.linter.check(long_reply, channel="email")}
        chat = {d.rule for d in self.linter.check(long_reply, channel="chat")}
        self.assertTrue(any(r.startswith("length.") for r in chat), chat)
        self.assertLessEqual(len([r for r in email if r.startswith("length.")]),
                             len([r for r in chat if r.startswith("length.")]))


class TestRules(unittest.TestCase):
    def test_rules_list(self):
        linter = default_linter()
        rules = linter.rules()
        self.assertIsInstance(rules, list)
        self.assertGreater(len(rules), 10)
        ids = [r.id for r in rules]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(ids)), len(ids))
        for r in rules:
            self.assertIsInstance(r, replylint.Rule)
            self.assertIsInstance(r, tuple)
            self.assertEqual(r._fields[:7], ("id", "category", "language", "severity", "kind",
                                             "message", "rationale"))
            self.assertIn(r.language, ("ru", "en", "any"))
            self.assertIn(r.severity, ("suggestion", "warning", "error"))
            self.assertIn(r.kind, ("phrase", "regex", "require", "name", "signature", "length",
                                   "shouting", "conditional"))
            self.assertTrue(r.source.startswith("<embedded>/"), r.source)
            self.assertGreaterEqual(r.line, 1)
        money = linter.rule("jargon.ru.money")
        self.assertEqual(money.id, "jargon.ru.money")
        self.assertEqual(money, rules[ids.index("jargon.ru.money")])
        with self.assertRaises(KeyError):
            linter.rule("no.such.rule")
        with self.assertRaises(KeyError):
            linter.rule("jargon.ru.money\0")
        with self.assertRaises(TypeError):
            linter.rule(None)

    def test_linter_repr_and_attributes(self):
        linter = default_linter()
        self.assertEqual(linter.files, ())
        self.assertTrue(linter.defaults)
        self.assertTrue(re.match(r"<replylint\.Linter: \d+ rules, defaults=True, files=\(\)>",
                                 repr(linter)), repr(linter))

    def test_no_defaults(self):
        linter = replylint.Linter(defaults=False)
        self.assertEqual(linter.rules(), [])
        self.assertFalse(linter.defaults)
        r = linter.check(RU_BAD)
        self.assertEqual(len(r), 0)
        self.assertEqual(r.score, 10.0)


if __name__ == "__main__":
    unittest.main()
