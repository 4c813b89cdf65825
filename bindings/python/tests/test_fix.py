"""Linter.fix(): the safe suggestions applied, everything else kept as it was."""

import unicodedata
import unittest

from support import default_linter, example_texts


class TestFix(unittest.TestCase):
    def setUp(self):
        self.linter = default_linter()

    def test_swaps_keep_case(self):
        text = ("ДЕНЕЖНЫЕ СРЕДСТВА вернутся. Денежные средства вернутся. "
                "Мы вернём денежные средства.")
        self.assertEqual(self.linter.fix(text),
                         "ДЕНЬГИ вернутся. Деньги вернутся. Мы вернём деньги.")

    def test_only_fixable_diagnostics_change(self):
        text = ("Уважаемый клиент!\nВ настоящее время денежные средства вернутся "
                "в кратчайшие сроки 😀.\r\nПриносим извинения за доставленные неудобства.")
        report = self.linter.check(text)
        fixable = [d for d in report if d.fixable]
        self.assertTrue(fixable)
        self.assertTrue([d for d in report if not d.fixable])
        # Build the expected text from the diagnostics, right to left so the earlier
        # offsets stay valid; the replacement takes the case of the replaced text.
        expected = text
        for d in sorted(fixable, key=lambda d: d.start, reverse=True):
            repl = d.suggestions[0]
            if d.text[:1].isupper() and not d.text.isupper():
                repl = repl[:1].upper() + repl[1:]
            expected = expected[:d.start] + repl + expected[d.end:]
        fixed = self.linter.fix(text)
        self.assertEqual(fixed, expected)
        self.assertFalse([d for d in self.linter.check(fixed) if d.fixable])
        # What was not fixable is still reported.
        self.assertIn("inconvenience.ru.apology", {d.rule for d in self.linter.check(fixed)})

    def test_nothing_to_fix(self):
        for text in ["", "Здравствуйте! Деньги вернутся.", "\x00", "😀" * 100,
                     unicodedata.normalize("NFD", "Алёна, йод")]:
            self.assertEqual(self.linter.fix(text), text)

    def test_nul_and_emoji_survive(self):
        text = "😀\x00Денежные средства\x00😀"
        self.assertEqual(self.linter.fix(text), "😀\x00Деньги\x00😀")

    def test_examples_fix_is_stable(self):
        for name, text in example_texts():
            with self.subTest(example=name):
                fixed = self.linter.fix(text, customer_name="Иван")
                self.assertIsInstance(fixed, str)
                self.assertEqual(self.linter.fix(fixed, customer_name="Иван"), fixed)

    def test_options_are_accepted(self):
        text = "Здравствуйте! Денежные средства вернутся."
        self.assertEqual(self.linter.fix(text, "Иван", "Анна", "chat", "ru",
                                         min_severity="suggestion"),
                         "Здравствуйте! Деньги вернутся.")
        # Findings below min_severity are not fixed either.
        self.assertEqual(self.linter.fix(text, min_severity="error"), text)


if __name__ == "__main__":
    unittest.main()
