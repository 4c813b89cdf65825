#!/usr/bin/env python3
"""python_example.py: the replylint Python package in a few lines.

Lints one reply with the embedded default rules, prints each finding with its position
and suggestions, then the reply with the safe suggestions applied.  After the build and
`python3 bindings/python/install_dev.py build` (see the README):

    python3 examples/python_example.py
"""

import replylint

REPLY = ("Здравствуйте!\n"
         "Приносим извинения за доставленные неудобства. "
         "Денежные средства вернутся на карту в течение трёх дней.")

# Build the rule set once and reuse it: it is immutable and may be shared by threads.
# A team adds its own rules with replylint.Linter(rules="team.yaml").
linter = replylint.Linter()

report = linter.check(REPLY, customer_name="Иван")  # the reply should use the name
print("language %s, score %.1f, %d words" % (report.language, report.score, report.words))
for d in report:
    # start/end are str indices: REPLY[d.start:d.end] == d.text, emoji and all.
    print("%d:%d %s [%s] %r: %s" % (d.line, d.column, d.severity, d.rule, d.text, d.message))
    for s in d.suggestions:
        print("    -> %s" % s)

print()
print(linter.fix(REPLY, customer_name="Иван"))
