"""Problems, and the registry of rules that find them.

A rule is a small generator registered once with its code and severity::

    @rule("deadline-passed", severity="error", summary="An action's deadline is before the send time.")
    def deadline_passed(issue, ctx):
        yield ctx.problem(...)

Rules never read the clock: ``ctx.at`` is the send time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is, and how to fix it.

    ``file`` is relative to the workspace root (POSIX separators); ``line`` is 1-based or None.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def location(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file


def sort_key(p: Problem) -> tuple[str, int, str]:
    return (p.file or "", p.line or 0, p.code)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=sort_key)


def count(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for p in problems:
        if p.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    explanation: str
    network: bool
    func: Callable[..., Iterator[Problem]] | None = field(default=None, compare=False)


RULES: dict[str, Rule] = {}


def declare(
    code: str, *, severity: Severity, summary: str, explanation: str = "", network: bool = False
) -> Rule:
    """Declare a rule code whose problems are produced elsewhere (the content loader)."""
    if code in RULES:
        raise ValueError(f"rule {code!r} declared twice")
    r = Rule(code, severity, summary, explanation or summary, network)
    RULES[code] = r
    return r


def rule(
    code: str, *, severity: Severity, summary: str, explanation: str = "", network: bool = False
) -> Callable[[Callable[..., Iterator[Problem]]], Callable[..., Iterator[Problem]]]:
    """Register a rule function under ``code``."""

    def wrap(func: Callable[..., Iterator[Problem]]) -> Callable[..., Iterator[Problem]]:
        if code in RULES:
            raise ValueError(f"rule {code!r} declared twice")
        RULES[code] = Rule(code, severity, summary, explanation or summary, network, func)
        return func

    return wrap


# Codes produced while loading settings and content, before any rule runs.
declare(
    "yaml-invalid",
    severity="error",
    summary="Front matter that does not parse as YAML.",
    explanation=(
        "The block between the two '---' lines at the top of a file must be YAML: "
        "one 'field: value' per line. A colon inside a value needs quotes."
    ),
)
declare(
    "field-missing",
    severity="error",
    summary="A required field is absent.",
    explanation="Each kind of file has required fields (issue.md: subject, date; events: title, start; ...).",
)
declare(
    "field-invalid",
    severity="error",
    summary="A field of the wrong type or form (a date that is not a date, a link that is not a URL).",
)
declare(
    "field-unknown",
    severity="warning",
    summary="A field that copro-news does not know, often a typo ('strat' for 'start').",
)
declare(
    "file-invalid",
    severity="error",
    summary="A file that cannot be read: not UTF-8, empty, or in the wrong place.",
)
declare(
    "settings-invalid",
    severity="error",
    summary="copro-news.toml does not parse, or a setting has the wrong form.",
)
declare(
    "settings-unknown",
    severity="warning",
    summary="A setting in copro-news.toml that copro-news does not know.",
)
