"""Characters that have no place in a newsletter's text: control characters (a NUL, a
terminal's escape sequences), line breaks in one-line values (a subject, a sender's name:
an email header), and invisible characters inside a web address.

It imports nothing of copro-news: settings, content, checks and the consoles all use it.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls and DEL, but tab and newline (which a text of several lines holds).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What ends a line for an email header or a display: \n, \r, and the Unicode separators.
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Characters that show as nothing: zero-width spaces and joiners, word joiner, the byte
# order mark, soft hyphen, and the controls of writing direction.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Everything a terminal may read as a command: every control but newline and tab.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def name_of(char: str) -> str:
    """'U+2028 LINE SEPARATOR'; a control character has no name: 'U+001B'."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


def control(text: str) -> int | None:
    """The index of the first control character of ``text`` (tab and newline allowed)."""
    m = _CONTROL.search(text)
    return m.start() if m else None


def line_break(text: str) -> int | None:
    """The index of the first line break of ``text`` (any kind, Unicode's too)."""
    m = _LINE_BREAK.search(text)
    return m.start() if m else None


def invisible(text: str) -> int | None:
    """The index of the first invisible character of ``text``."""
    m = _INVISIBLE.search(text)
    return m.start() if m else None


def one_line_problem(text: str) -> str | None:
    """What is wrong with ``text`` as a one-line value (a subject, a name), in words; None
    when nothing is."""
    i = line_break(text)
    if i is not None:
        return f"holds a line break ({name_of(text[i])})"
    i = control(text)
    if i is not None:
        return f"holds an invisible control character ({name_of(text[i])})"
    return None


def text_problem(text: str) -> str | None:
    """What is wrong with ``text`` as text of several lines, in words; None when nothing is."""
    i = control(text)
    if i is not None:
        return f"holds an invisible control character ({name_of(text[i])})"
    return None


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: each control character (an escape sequence's
    ESC, a bell, a carriage return) shown as its code, \\x1b, instead of obeyed."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)
