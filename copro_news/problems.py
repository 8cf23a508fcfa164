"""Problems: one thing wrong, where it is, and how to fix it; and how to count and word them.

The ground floor: every layer reports problems (settings, content, templates, rules), so
this module imports nothing of copro-news.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
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
    def is_error(self) -> bool:
        return self.severity == "error"

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
    """(number of errors, number of warnings)."""
    errors = warnings = 0
    for p in problems:
        if p.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 error', '2 errors', '0 stories' (``words`` when the plural is not word + 's')."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def summary(problems: Iterable[Problem], *, zeros: bool = False, joiner: str = ", ") -> str:
    """'1 error, 2 warnings'; the counts that are zero are left out unless ``zeros``.

    Empty when there is nothing to count and ``zeros`` is false.
    """
    errors, warnings = count(problems)
    parts = []
    if errors or zeros:
        parts.append(plural(errors, "error"))
    if warnings or zeros:
        parts.append(plural(warnings, "warning"))
    return joiner.join(parts)
