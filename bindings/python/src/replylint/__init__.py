"""Lint customer-support replies (Russian and English) before they are sent.

replylint finds what makes a support reply read badly and says what to change and
where: bureaucratese («денежные средства» -> «деньги»), the empty "sorry for the
inconvenience", a missing greeting or unused customer name, a wall of text, a reply
that ends without a human closing, and more.  It wraps the C library libreplylint.

    >>> import replylint
    >>> linter = replylint.Linter()              # the embedded default rules
    >>> text = "Здравствуйте! Денежные средства вернутся на карту."
    >>> report = linter.check(text, customer_name="Иван")
    >>> report.score, report.language             # doctest: +SKIP
    (6.4, 'ru')
    >>> for d in report:                          # doctest: +SKIP
    ...     print(d.line, d.column, d.severity, d.rule, repr(text[d.start:d.end]))
    >>> linter.fix(text)                          # doctest: +SKIP
    'Здравствуйте! Деньги вернутся на карту.'

Linter
    A compiled rule set: the embedded defaults, plus team rule files
    (``Linter(rules="team.yaml")``), or only those (``defaults=False``).  Build it
    once and share it: check() and fix() release the GIL, so threads sharing one
    Linter use every core.
Report
    What check() returns: ``score`` (0.0-10.0), ``language``, ``words`` and a
    sequence of Diagnostic objects.
Diagnostic
    One finding: ``rule``, ``category``, ``severity``, ``message``,
    ``suggestions``, ``fixable`` and where it is: ``start``/``end`` (str indices,
    so ``text[d.start:d.end] == d.text``), ``byte_start``/``byte_end`` (UTF-8),
    ``utf16_start``/``utf16_end`` (JavaScript, LSP), ``line``/``column``.
Rule
    A namedtuple describing one enabled rule (Linter.rules()).
Error, RuleError
    Exceptions: RuleError names the file, line and column of a bad rule file.
Status
    The library's status codes, as found in ``Error.code``.
"""

import enum as _enum

from ._replylint import (
    Diagnostic,
    Error,
    Linter,
    Report,
    Rule,
    RuleError,
    __version__,
    _status_codes,
)

Status = _enum.IntEnum("Status", _status_codes, module=__name__)
Status.__doc__ = """Status codes of libreplylint (replylint_status), as Error.code holds them."""
del _status_codes

__all__ = [
    "Diagnostic",
    "Error",
    "Linter",
    "Report",
    "Rule",
    "RuleError",
    "Status",
    "__version__",
]
