"""The Markdown parser, configured once: the email, its text part and the loader that
finds each file's images and links all read Markdown the same way.

markdown-it is imported when Markdown is first read.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"typographer": True, "html": False, "linkify": False})
    md.enable(["replacements", "smartquotes", "table", "strikethrough"])
    return md


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Any, ...]:
    """The Markdown ``text`` parsed, once per process: the email, its text part, the web
    edition and the checks all read the same tokens (never change them). The preview,
    which rebuilds on every save, parses again only the snippets that changed."""
    return tuple(parser().parse(text, {}))
