"""Known words: an English word list, the workspace's own words and the settings' list.

The English list is pyspellchecker's (MIT; about 160,000 words with their frequencies),
read from the installed package, so it works offline.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copro_news.checks.registry import Context

# Words of the trade that the general list lacks and that split into two known words.
_EXTRA_WORDS = """
    inbox inboxes onboarding offboarding onsite inperson asexual agender aromantic
    coproduction coproduce coproduced coproducing codesign codesigned cocreate cocreation
    webinar webinars wellbeing meetup meetups signup signups livestream upskill upskilling
    toolkit toolkits async addon addons admin admins builtin
"""
EXTRA_WORDS = frozenset(_EXTRA_WORDS.split())

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


@lru_cache(maxsize=1)
def english() -> dict[str, int]:
    """{word: frequency} from pyspellchecker's English dictionary."""
    import gzip
    import json
    from importlib.resources import files

    data = (files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    words: dict[str, int] = json.loads(gzip.decompress(data))
    return words


# British spellings, and the American ones the word list has: colour/color, centre/center.
_BRITISH = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("ours", "ors"),
    ("our", "or"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("ourite", "orite"),
    ("ourites", "orites"),
    ("tres", "ters"),
    ("tre", "ter"),
    ("mmes", "ms"),
    ("mme", "m"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ogue", "og"),
    ("ence", "ense"),
    ("ement", "ment"),
)


def is_english(word: str) -> bool:
    low = word.lower()
    words = english()
    if low in words or low in EXTRA_WORDS:
        return True
    for british, american in _BRITISH:
        if low.endswith(british) and low[: -len(british)] + american in words:
            return True
    return False


def _tokens(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def workspace_words(ctx: Context) -> frozenset[str]:
    """Words the team uses: the settings' ``[check] words``, the newsletter's name, every word
    of the other issues in drafts/, and words used in two or more files of this issue."""
    if "workspace_words" in ctx.cache:
        return ctx.cache["workspace_words"]
    settings = ctx.ws.settings
    known: set[str] = set()
    for entry in settings.check.words:
        known.update(_tokens(entry))
    known.update(_tokens(settings.name))
    known.update(_tokens(settings.sender.name))
    this = ctx.issue.folder.resolve()
    drafts = ctx.ws.drafts
    if drafts.is_dir():
        for folder in drafts.iterdir():
            if not folder.is_dir() or folder.resolve() == this:
                continue
            for path in folder.rglob("*.md"):
                if "build" in path.relative_to(folder).parts:
                    continue
                try:
                    known.update(_tokens(path.read_text(encoding="utf-8", errors="replace")))
                except OSError:
                    continue
    seen_in: Counter[str] = Counter()
    for src in ctx.issue.files():
        seen_in.update(set(_tokens(src.text)))
    known.update(w for w, n in seen_in.items() if n >= 2)
    result = frozenset(known)
    ctx.cache["workspace_words"] = result
    return result
