"""Whatever is passed, a clear TypeError or ValueError, never a crash."""

import unittest

import replylint
from support import default_linter

MAX_BYTES = 1 << 20


class TestCheckArguments(unittest.TestCase):
    def setUp(self):
        self.linter = default_linter()

    def both(self, *args, **kwargs):
        """Call check() and fix() alike; both must raise the same way."""
        self.linter.check(*args, **kwargs)
        self.linter.fix(*args, **kwargs)

    def test_text_type(self):
        for bad in (None, b"bytes", bytearray(b"x"), 42, 4.2, ["list"], object()):
            with self.subTest(text=bad):
                with self.assertRaises(TypeError):
                    self.linter.check(bad)
                with self.assertRaises(TypeError):
                    self.linter.fix(bad)
        with self.assertRaisesRegex(TypeError, "decode"):
            self.linter.check(b"\xd0\x94")

    def test_str_subclass_is_fine(self):
        class S(str):
            pass

        self.assertEqual(len(self.linter.check(S("Денежные средства"))),
                         len(self.linter.check("Денежные средства")))

    def test_missing_and_extra_arguments(self):
        with self.assertRaises(TypeError):
            self.linter.check()
        with self.assertRaises(TypeError):
            self.linter.check("a", None, None, "email", "auto", "warning")  # keyword-only
        with self.assertRaises(TypeError):
            self.linter.check("a", None, None, "email", "auto", None, True)  # keyword-only
        with self.assertRaises(TypeError):
            self.linter.check("a", colour="red")
        with self.assertRaises(TypeError):
            self.linter.check("a", text="b")

    def test_lone_surrogates(self):
        for text in ("\ud800", "Денежные средства \udfff", "a\udc80b"):
            with self.subTest(text=ascii(text)):
                with self.assertRaises(ValueError):
                    self.linter.check(text)
                with self.assertRaises(ValueError):
                    self.linter.fix(text)
        with self.assertRaises(ValueError):
            self.linter.check("ok", customer_name="\ud83d")
        with self.assertRaises(ValueError):
            self.linter.check("ok", agent_name="x\udc00")

    def test_names(self):
        for bad in (b"Ivan", 1, ["Ivan"]):
            with self.assertRaises(TypeError):
                self.linter.check("ok", customer_name=bad)
            with self.assertRaises(TypeError):
                self.linter.check("ok", agent_name=bad)
        with self.assertRaisesRegex(ValueError, "NUL"):
            self.linter.check("ok", customer_name="Iv\0an")
        with self.assertRaisesRegex(ValueError, "NUL"):
            self.linter.fix("ok", agent_name="\0")
        self.both("ok", customer_name="", agent_name="")
        self.both("ok", customer_name="😀" * 1000, agent_name="Анна-Мария")

    def test_choices(self):
        for kw, good, bad in (("channel", ("email", "chat"), ("sms", "EMAIL", "", "email\0")),
                              ("lang", ("auto", "ru", "en"), ("de", "RU", "russian")),
                              ("min_severity", ("suggestion", "warning", "error", None),
                               ("fatal", "info", ""))):
            for value in good:
                self.both("ok", **{kw: value})
            for value in bad:
                with self.subTest(kw=kw, value=value):
                    with self.assertRaisesRegex(ValueError, kw):
                        self.linter.check("ok", **{kw: value})
                    with self.assertRaises(ValueError):
                        self.linter.fix("ok", **{kw: value})
            for value in (1, b"email", ["chat"]) + ((None,) if kw != "min_severity" else ()):
                with self.subTest(kw=kw, value=value):
                    with self.assertRaises(TypeError):
                        self.linter.check("ok", **{kw: value})

    def test_sizes(self):
        self.both("")
        self.both("\0" * 1000)
        self.both("a" * MAX_BYTES)  # exactly the limit
        for text in ("a" * (MAX_BYTES + 1),
                     "ж" * (MAX_BYTES // 2 + 1),  # few code points, too many bytes
                     "😀" * (10 * MAX_BYTES)):  # refused before it is encoded
            with self.assertRaisesRegex(ValueError, "too|exceed|limit|big|long"):
                self.linter.check(text)
            with self.assertRaises(ValueError):
                self.linter.fix(text)

    def test_huge_sentence_and_many_lines(self):
        r = self.linter.check("Денежные средства " * 25000)
        self.assertGreater(len(r), 1000)
        self.assertEqual(r[-1].text, "Денежные средства")
        self.both("\n" * 500000)
        self.both("!" * 500000)


class TestLinterArguments(unittest.TestCase):
    def test_rules_types(self):
        for bad in (42, 4.2, object(), [42], [None], ["ok.yaml", 1]):
            with self.subTest(rules=bad):
                with self.assertRaises(TypeError):
                    replylint.Linter(rules=bad)
        with self.assertRaises(ValueError):
            replylint.Linter(rules="a\0b.yaml")
        with self.assertRaises(TypeError):
            replylint.Linter(dict_dir=42)
        with self.assertRaises(TypeError):
            replylint.Linter(None, True)  # defaults is keyword-only
        with self.assertRaises(TypeError):
            replylint.Linter(colour="red")

    def test_empty_rule_lists(self):
        n = len(replylint.Linter().rules())
        for rules in (None, [], (), iter([])):
            self.assertEqual(len(replylint.Linter(rules=rules).rules()), n)

    def test_iterator_errors_propagate(self):
        def gen():
            yield "x.yaml"
            raise RuntimeError("boom")

        with self.assertRaisesRegex(RuntimeError, "boom"):
            replylint.Linter(rules=gen())


if __name__ == "__main__":
    unittest.main()
