"""One Linter shared by several threads gives exactly the single-threaded results."""

import concurrent.futures
import threading
import unicodedata
import unittest

import replylint
from support import default_linter, example_texts, report_tuple

PHRASES = [
    "Здравствуйте!", "Уважаемый клиент!", "Денежные средства вернутся на карту.",
    "В настоящее время ведутся технические работы.", "Приносим извинения за неудобства.",
    "Ваш запрос получен.", "Спасибо, что написали!", "Осуществите оплату в течение дня.",
    "Hello!", "We apologize for the inconvenience.", "Please be advised that it is fixed.",
    "Thanks for waiting!", "KINDLY WAIT!!!", "😀", "Хорошего дня!", "\r\n", "\n\n",
    "С уважением,\nСлужба поддержки",
]


def synthetic_replies(n):
    """Deterministic replies of varied length, language and content."""
    replies = [text for _, text in example_texts()]
    state = 12345
    while len(replies) < n:
        parts = []
        for _ in range(2 + len(replies) % 9):
            state = (state * 1103515245 + 12345) % 2**31
            parts.append(PHRASES[state % len(PHRASES)])
        text = " ".join(parts)
        replies.append(unicodedata.normalize("NFD", text) if len(replies) % 7 == 0 else text)
    return replies[:n]


def run(linter, text):
    kwargs = {"customer_name": "Иван"} if len(text) % 2 else {"channel": "chat"}
    return report_tuple(linter.check(text, **kwargs)), linter.fix(text, **kwargs)


class TestThreads(unittest.TestCase):
    def test_pool_matches_single_thread(self):
        linter = default_linter()
        replies = synthetic_replies(600)
        expected = [run(linter, t) for t in replies]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            got = list(pool.map(lambda t: run(linter, t), replies))
        self.assertEqual(got, expected)

    def test_threads_while_linters_come_and_go(self):
        # Linters built and dropped while others lint: the rule sets are independent.
        replies = synthetic_replies(100)
        expected = [run(default_linter(), t) for t in replies]
        errors = []

        def worker(k):
            try:
                linter = replylint.Linter() if k % 2 else default_linter()
                for t in replies:
                    if run(linter, t) != expected[replies.index(t)]:
                        errors.append("mismatch in thread %d" % k)
                        return
            except Exception as e:  # reported below rather than lost in the thread
                errors.append(repr(e))

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

    def test_errors_in_threads(self):
        linter = default_linter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(linter.check, "x", channel="sms") for _ in range(8)]
            for f in futures:
                with self.assertRaises(ValueError):
                    f.result()


if __name__ == "__main__":
    unittest.main()
