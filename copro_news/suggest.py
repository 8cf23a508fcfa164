"""Did you mean...? The nearest known name to a misspelt one.

One helper for every misspelling copro-news points out: settings, front matter fields,
sections, issues, rule codes. It imports nothing of copro-news.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name nearest to ``name``, if one is near enough to be a likely misspelling."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None
