"""A secret value (an API key) whose ``repr`` and ``str`` are masked.

It cannot leak through a log line, an error message or a traceback's locals. Every secret
this process has seen is remembered, so that :func:`mask` (and
:func:`copro_news.credentials.redact`) can take it out of any text, in every form it takes
on the wire: as it is, URL-encoded, and Base64-encoded alone or as the ``user:key`` of HTTP
Basic auth (a server that echoes the ``Authorization`` header sends that back). It imports
nothing of copro-news: providers hold keys, and the credentials, which know where keys come
from, sit above the providers.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

# Every secret value this process has seen, so that redact() can take it out of any text.
_SEEN: set[str] = set()
#: Shorter values are not masked: they would mask ordinary words.
MIN_LENGTH = 8
MASK = "********"


class Secret:
    """A value that shows itself only through :meth:`reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        remember(value)

    def reveal(self) -> str:
        return self._value

    def basic_credentials(self, user: str) -> str:
        """``user:key`` as HTTP Basic auth sends it; remembered, so that its Base64 form is
        masked too."""
        pair = f"{user}:{self._value}"
        remember(pair)
        return pair

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


def remember(value: str) -> None:
    if len(value) >= MIN_LENGTH:
        _SEEN.add(value)


def seen() -> set[str]:
    """Every secret value this process has seen (long enough to be a key)."""
    return set(_SEEN)


def forms(value: str) -> set[str]:
    """The ways ``value`` may be written in a text: as it is, URL-encoded, Base64."""
    from urllib.parse import quote, quote_plus

    found = {value, quote(value, safe=""), quote_plus(value)}
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        raw = b""
    if raw:
        for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
            text = encoded.decode("ascii")
            found.update({text, text.rstrip("=")})
    return {f for f in found if len(f) >= MIN_LENGTH}


def mask(text: str, values: Iterable[str]) -> str:
    """``text`` with each of ``values``, in each of its :func:`forms`, replaced by asterisks."""
    every: set[str] = set()
    for value in values:
        if len(value) >= MIN_LENGTH:
            every |= forms(value)
    for form in sorted(every, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text
