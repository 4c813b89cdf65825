"""Offsets: str indices, UTF-8 bytes, UTF-16 code units, line and column all agree with
the text, whatever the text holds (Cyrillic, emoji, combining marks, CRLF, NUL)."""

import unicodedata
import unittest

from support import default_linter, example_texts, line_column

SAMPLES = [
    # Emoji outside the BMP (two UTF-16 units, four UTF-8 bytes) before the findings.
    "Здравствуйте! 😀😀 Денежные средства 👍🏽 вернутся. В настоящее время 🚀 всё работает!!",
    "Hi 👋🏻 there. We apologize for the inconvenience 😞. Please be advised that it is fixed.",
    # NFD: й and ё as base letter + combining mark: more code points than letters.
    unicodedata.normalize("NFD", "Здравствуйте, Алёна! Осуществите оплату в течение дня. "
                                 "Денежные средства вернутся. Ждём вас!"),
    unicodedata.normalize("NFD", "Уважаемый клиент! Приносим извинения за доставленные "
                                 "неудобства. Ваш запрос получен."),
    # CRLF line breaks, and a lone CR.
    "Здравствуйте!\r\nДенежные средства вернутся.\r\n\r\nВ настоящее время всё работает!!\r\n",
    "Hello!\r\nWe apologize for the inconvenience.\rSorry for any inconvenience.\r\nThanks",
    # NUL characters are text like any other: the C API takes a length.
    "Здравствуйте!\x00 Денежные\x00средства. Денежные средства вернутся\x00.",
    # Every kind of space, and a soft hyphen inside a phrase.
    "Здравствуйте!\u00a0Денежные\u00a0средства\tвернутся. Денежные сред\u00adства тоже.",
    # Mixed scripts and astral characters in the flagged text itself.
    "𝐃𝐞𝐚𝐫 customer, we apologize for the inconvenience 🙏 and KINDLY WAIT!!!",
]


class TestOffsets(unittest.TestCase):
    def check_offsets(self, name, text, **kwargs):
        report = default_linter().check(text, **kwargs)
        utf8 = text.encode("utf-8", "surrogatepass")
        utf16 = text.encode("utf-16-le", "surrogatepass")
        for d in report:
            with self.subTest(sample=name, rule=d.rule, start=d.start):
                self.assertEqual(text[d.start:d.end], d.text)
                self.assertEqual(utf8[d.byte_start:d.byte_end].decode("utf-8"), d.text)
                self.assertEqual(utf16[2 * d.utf16_start:2 * d.utf16_end].decode("utf-16-le"),
                                 d.text)
                self.assertEqual(len(text[:d.start].encode("utf-8")), d.byte_start)
                self.assertEqual(len(text[:d.start].encode("utf-16-le")) // 2, d.utf16_start)
                self.assertEqual((d.line, d.column), line_column(text, d.start))
        return report

    def test_repository_examples(self):
        examples = example_texts()
        self.assertTrue(examples, "no examples/*.txt found: is REPLYLINT_SOURCE_DIR right?")
        for name, text in examples:
            self.check_offsets(name, text, customer_name="Иван", agent_name="Анна")
            self.check_offsets(name + " (chat)", text, channel="chat")

    def test_samples(self):
        found = 0
        for i, text in enumerate(SAMPLES):
            found += len(self.check_offsets("sample %d" % i, text))
        self.assertGreater(found, len(SAMPLES))

    def test_emoji_shift_all_units(self):
        plain = "Здравствуйте! Денежные средства вернутся."
        emoji = "😀" + plain
        a = [d for d in default_linter().check(plain) if d.rule == "jargon.ru.money"][0]
        b = [d for d in default_linter().check(emoji) if d.rule == "jargon.ru.money"][0]
        self.assertEqual(b.start - a.start, 1)  # one code point
        self.assertEqual(b.utf16_start - a.utf16_start, 2)  # a surrogate pair
        self.assertEqual(b.byte_start - a.byte_start, 4)  # four UTF-8 bytes
        self.assertEqual(b.text, a.text)

    def test_nfd_matches_like_nfc(self):
        nfc = "Здравствуйте! Осуществите оплату, пожалуйста. Ждём вас."
        nfd = unicodedata.normalize("NFD", nfc)
        self.assertNotEqual(len(nfc), len(nfd))
        rules_nfc = [d.rule for d in self.check_offsets("nfc", nfc)]
        rules_nfd = [d.rule for d in self.check_offsets("nfd", nfd)]
        self.assertEqual(rules_nfc, rules_nfd)

    def test_crlf_lines(self):
        text = "Здравствуйте!\r\nСпасибо.\r\nДенежные средства вернутся."
        d = [d for d in self.check_offsets("crlf", text) if d.rule == "jargon.ru.money"][0]
        self.assertEqual((d.line, d.column), (3, 1))
        self.assertEqual(d.text, "Денежные средства")

    def test_nul_inside_flagged_text(self):
        # The C accessor returns the flagged text NUL-terminated: the binding must take
        # its length from the offsets, not from strlen().
        text = "A \x00\x00!!!\x00??"
        texts = [d.text for d in self.check_offsets("nul", text)]
        self.assertTrue(any("\x00" in t for t in texts), texts)


if __name__ == "__main__":
    unittest.main()
