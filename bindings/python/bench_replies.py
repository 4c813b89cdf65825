"""Replies for the benchmark scripts: the shared corpora when this machine has them, read
at run time (never copied into the repository), else synthetic replies."""

import csv
import os
import pathlib
import random

CORPUS = pathlib.Path(os.environ.get("REPLYLINT_CORPUS", "/work/shared/corpus"))
SOURCES = [
    # (file, column): agents' answers in Russian (RUTUBE support) and English (Twitter).
    ("rutube-support-cases/cases.csv", "Ответ сотрудника"),
    ("twcs-head5000/agent_replies.csv", "text"),
]

_PHRASES = [
    "Здравствуйте!", "Уважаемый клиент!", "Денежные средства вернутся на карту.",
    "В настоящее время ведутся технические работы.",
    "Приносим извинения за доставленные неудобства.", "Ваш запрос получен.",
    "Спасибо, что написали!", "Осуществите оплату в течение дня.", "Хорошего дня!",
    "С уважением,\nСлужба поддержки", "Hello!", "We apologize for the inconvenience.",
    "Please be advised that the issue is fixed.", "Thanks for waiting!", "KINDLY WAIT!!!",
    "Have a great day! 😀", "Your refund will be processed as soon as possible.",
]


def corpus_replies():
    """Every non-empty reply of the corpora present, and where they came from."""
    replies, used = [], []
    csv.field_size_limit(1 << 24)
    for rel, column in SOURCES:
        path = CORPUS / rel
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as f:
            rows = [row.get(column) or "" for row in csv.DictReader(f)]
        rows = [r for r in rows if r.strip()]
        if rows:
            replies.extend(rows)
            used.append("%s (%d)" % (rel, len(rows)))
    return replies, used


def synthetic_replies(n, seed=1):
    rng = random.Random(seed)
    return ["\n".join(" ".join(rng.choice(_PHRASES) for _ in range(rng.randint(1, 5)))
                      for _ in range(rng.randint(1, 4))) for _ in range(n)]


def replies(n):
    """n replies (the corpora cycled, or synthetic ones) and a description of their source."""
    pool, used = corpus_replies()
    if not pool:
        return synthetic_replies(n), "synthetic"
    return [pool[i % len(pool)] for i in range(n)], ", ".join(used)
