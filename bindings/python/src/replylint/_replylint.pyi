"""Type hints for the C extension behind the replylint package."""

import os
from typing import Iterable, Iterator, Literal, NamedTuple, Optional, Union, overload

_StrPath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
Severity = Literal["suggestion", "warning", "error"]
Channel = Literal["email", "chat"]
Lang = Literal["auto", "ru", "en"]

__version__: str
_status_codes: dict[str, int]

class Error(Exception):
    """Base class of the errors libreplylint reports."""

    code: int
    message: Optional[str]

class RuleError(Error):
    """A rule file is invalid; file, line and column (1-based, 0 if unknown) say where."""

    file: Optional[str]
    line: int
    column: int
    offset: int

class Rule(NamedTuple):
    """One enabled rule, as Linter.rules() lists them."""

    id: str
    category: str
    language: Literal["ru", "en", "any"]
    severity: Severity
    kind: str
    message: str
    rationale: str
    source: str
    line: int

class Diagnostic:
    """One finding of a Report."""

    @property
    def rule(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def message(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def suggestions(self) -> tuple[str, ...]: ...
    @property
    def fixable(self) -> bool: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def byte_start(self) -> int: ...
    @property
    def byte_end(self) -> int: ...
    @property
    def utf16_start(self) -> int: ...
    @property
    def utf16_end(self) -> int: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Report:
    """The result of Linter.check(): a read-only sequence of Diagnostic objects."""

    @property
    def score(self) -> float: ...
    @property
    def language(self) -> Literal["ru", "en"]: ...
    @property
    def words(self) -> int: ...
    @property
    def incomplete(self) -> bool:
        """True if a search stopped at a limit, so findings may be missing."""
    @property
    def text(self) -> str: ...
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int) -> Diagnostic: ...
    @overload
    def __getitem__(self, index: slice) -> list[Diagnostic]: ...
    def __iter__(self) -> Iterator[Diagnostic]: ...
    def __bool__(self) -> bool: ...

class Linter:
    """A compiled rule set, shareable by any number of threads."""

    def __init__(
        self,
        rules: Union[None, _StrPath, Iterable[_StrPath]] = None,
        *,
        defaults: bool = True,
        dict_dir: Optional[_StrPath] = None,
        check_examples: bool = True,
    ) -> None: ...
    @property
    def files(self) -> tuple[str, ...]: ...
    @property
    def defaults(self) -> bool: ...
    def check(
        self,
        text: str,
        customer_name: Optional[str] = None,
        agent_name: Optional[str] = None,
        channel: Channel = "email",
        lang: Lang = "auto",
        *,
        min_severity: Optional[Severity] = None,
        followup: bool = False,
    ) -> Report: ...
    def fix(
        self,
        text: str,
        customer_name: Optional[str] = None,
        agent_name: Optional[str] = None,
        channel: Channel = "email",
        lang: Lang = "auto",
        *,
        min_severity: Optional[Severity] = None,
        followup: bool = False,
    ) -> str: ...
    def rules(self) -> list[Rule]: ...
    def rule(self, id: str, /) -> Rule: ...
