"""What the text rules read: the prose of an issue, each piece with its file and line.

Rules that look at words (weekdays, months, placeholders, glued words) read *spans*: the
subject, the preheader, each snippet's text fields and each file's Markdown body. Markdown
syntax that is not prose (link targets, bare URLs, e-mail addresses, code) is blanked out
with spaces, so an offset in a span still points at the same character of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copro_news.checks.registry import Context
    from copro_news.content import Issue, SourceFile

# Front-matter fields that readers see as words, per kind of file.
PROSE_FIELDS: dict[str, tuple[str, ...]] = {
    "issue": ("subject", "preheader"),
    "events": ("title", "location", "link_text"),
    "partnerships": ("title", "partner", "link_text"),
    "actions": ("title", "button"),
    "stories": ("title",),
}


@dataclass(frozen=True)
class Span:
    """A piece of prose: ``text`` starts on ``line`` of ``file``; ``field`` is where it is from.

    ``field`` is a front-matter field name, or ``body`` for the Markdown text.
    """

    file: str
    line: int
    text: str
    field: str

    def line_at(self, offset: int) -> int:
        return self.line + self.text.count("\n", 0, max(0, offset))

    @property
    def is_body(self) -> bool:
        return self.field == "body"


_FENCE = re.compile(r"^(```|~~~).*?(^\1[^\n]*$|\Z)", re.M | re.S)
_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.S)
_CODE = re.compile(r"`[^`\n]*`")
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*\S+.*$", re.M)
_AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]]+", re.I)
# Starts only where a run of address characters starts: tried at every letter of a long
# word, the part before @ would be read again from each one (quadratic).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])[@#][\w.]+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>\n]*>")


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_markdown(text: str) -> str:
    """``text`` with everything that is not prose replaced by spaces (newlines kept)."""
    for pattern in (_FENCE, _COMMENT, _CODE, _REF_DEF, _AUTOLINK, _HTML_TAG):
        text = pattern.sub(_blank, text)
    text = _LINK_TARGET.sub(lambda m: "]" + _blank(m)[1:], text)
    for pattern in (_URL, _EMAIL, _HANDLE):
        text = pattern.sub(_blank, text)
    return text


def mask_plain(text: str) -> str:
    """A front-matter value with URLs and addresses replaced by spaces."""
    for pattern in (_URL, _EMAIL, _HANDLE):
        text = pattern.sub(_blank, text)
    return text


def _file_spans(kind: str, src: SourceFile, data: dict[str, Any]) -> Iterator[Span]:
    for name in PROSE_FIELDS.get(kind, ()):
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            yield Span(src.rel, src.lines.get(name, 1), mask_plain(value), name)
    if kind == "issue":
        hero = data.get("hero")
        if isinstance(hero, dict):
            for key in ("alt", "credit"):
                value = hero.get(key)
                if isinstance(value, str) and value.strip():
                    yield Span(src.rel, src.lines.get("hero", 1), mask_plain(value), f"hero.{key}")
    if src.body.strip():
        yield Span(src.rel, src.body_line, mask_markdown(src.body), "body")


def spans(issue: Issue, ctx: Context | None = None) -> list[Span]:
    """Every piece of prose in ``issue``, file by file (cached on ``ctx``)."""
    if ctx is not None and "spans" in ctx.cache:
        return ctx.cache["spans"]
    found: list[Span] = []
    if issue.source is not None:
        found += _file_spans("issue", issue.source, issue.data)
    for s in issue.snippets():
        found += _file_spans(s.kind, s.source, s.data)
    if ctx is not None:
        ctx.cache["spans"] = found
    return found


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def headings(span: Span) -> Iterator[tuple[int, str, int]]:
    """(offset, heading text, line) for each ATX heading in a body span."""
    for m in _HEADING.finditer(span.text):
        yield m.start(2), m.group(2), span.line_at(m.start(2))


# --- where a URL comes from ------------------------------------------------------------------


def locate(ctx: Context, url: str) -> tuple[str | None, int | None]:
    """The file and line that put ``url`` in the email: a snippet, the issue, or the settings."""
    cache: dict[str, tuple[str | None, int | None]] = ctx.cache.setdefault("locate", {})
    if url in cache:
        return cache[url]
    found: tuple[str | None, int | None] = (None, None)
    for place in ctx.issue.image_places:  # a picture of the issue folder: cid: in the email
        if place.image is not None and place.image.src == url:
            cache[url] = (place.file, place.line)
            return cache[url]
    candidates = [url, url.replace("&amp;", "&")]
    base = ctx.ws.settings.links.get("website")
    if base and url.startswith(base.rstrip("/") + "/"):
        candidates.append(url[len(base.rstrip("/")) :])
    if url.startswith("mailto:"):
        candidates.append(url[len("mailto:") :].split("?", 1)[0])
    for src in ctx.issue.files():
        for text in candidates:
            i = _find_whole(src.text, text)
            if i >= 0:
                found = (src.rel, src.text.count("\n", 0, i) + 1)
                break
        if found[0] is not None:
            break
    else:
        settings = settings_text(ctx)
        for text in candidates:
            i = _find_whole(settings, text)
            if i >= 0:
                found = ("copro-news.toml", settings.count("\n", 0, i) + 1)
                break
    cache[url] = found
    return found


def _find_whole(haystack: str, needle: str) -> int:
    """The first index of ``needle`` not followed by more of a URL; -1 if none."""
    if not needle:
        return -1
    start = 0
    while True:
        i = haystack.find(needle, start)
        if i < 0:
            return -1
        after = haystack[i + len(needle) : i + len(needle) + 1]
        if not after or not re.match(r"[\w/%?=&#~+-]", after):
            return i
        start = i + 1


def settings_text(ctx: Context) -> str:
    """The text of copro-news.toml (cached on ``ctx``)."""
    if "settings_text" not in ctx.cache:
        from copro_news.fsutil import read_regular

        try:
            raw = read_regular(ctx.ws.root / "copro-news.toml", 1_000_000)
            text = raw.decode("utf-8-sig", errors="replace")
        except OSError:
            text = ""
        ctx.cache["settings_text"] = text
    return str(ctx.cache["settings_text"])


# --- the built email -------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """An ``<a>`` or ``<img>`` of the built HTML."""

    tag: str
    url: str
    text: str  # the link's words, or the image's alt
    has_alt: bool = True


def elements(ctx: Context) -> list[Element]:
    """The links and images of the built email (empty without a build)."""
    if "elements" in ctx.cache:
        return ctx.cache["elements"]
    found: list[Element] = []
    if ctx.build is not None:
        found = parse_html(ctx.build.html)
    ctx.cache["elements"] = found
    return found


def parse_html(html: str) -> list[Element]:
    from html.parser import HTMLParser

    found: list[Element] = []

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.link: list[Any] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "a" and a.get("href"):
                self.link = [a["href"], []]
            elif tag == "img":
                alt = a.get("alt")
                found.append(
                    Element("img", a.get("src") or "", alt or "", bool((alt or "").strip()))
                )
                if self.link is not None and alt:
                    self.link[1].append(alt)

        def handle_data(self, data: str) -> None:
            if self.link is not None:
                self.link[1].append(data)

        def handle_endtag(self, tag: str) -> None:
            if tag == "a" and self.link is not None:
                text = " ".join("".join(self.link[1]).split())
                found.append(Element("a", self.link[0], text))
                self.link = None

    parser = Parser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some malformed markup
        pass
    return found
