"""A secret value (an API key) whose ``repr`` and ``str`` are masked.

It cannot leak through a log line, an error message or a traceback's locals. Every secret
this process has seen is remembered, so that :func:`copro_news.credentials.redact` can take
it out of any text. It imports nothing of copro-news: providers hold keys, and the
credentials, which know where keys come from, sit above the providers.
"""

from __future__ import annotations

# Every secret value this process has seen, so that redact() can take it out of any text.
_SEEN: set[str] = set()


class Secret:
    """A value that shows itself only through :meth:`reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= 8:
            _SEEN.add(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        raise TypeError("a Secret is not picklable")


def seen() -> set[str]:
    """Every secret value this process has seen (long enough to be a key)."""
    return set(_SEEN)
