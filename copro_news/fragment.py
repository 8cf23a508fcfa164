"""The issue's body for a CMS: HTML that a rich-text field takes, and the same as CommonMark.

A CMS (Webflow, WordPress, Squarespace) gives the post its own title, date and styles, and
keeps only plain markup in its rich-text fields. :func:`clean` keeps the structure (headings,
paragraphs, lists, links, pictures with their captions, quotes, tables, ``<time>``) and
drops every class, style and id, and the wrappers a CMS has no use for (``<section>``,
``<div>``...), keeping what they hold. :func:`markdown` writes the cleaned HTML as
CommonMark, every link and picture kept. Only the standard library is used.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Elements kept, each with the attributes it keeps.
KEPT: dict[str, tuple[str, ...]] = {
    **{f"h{n}": () for n in range(1, 7)},
    "p": (),
    "a": ("href", "title"),
    "strong": (),
    "b": (),
    "em": (),
    "i": (),
    "code": (),
    "pre": (),
    "del": (),
    "s": (),
    "br": (),
    "hr": (),
    "ul": (),
    "ol": ("start",),
    "li": (),
    "blockquote": (),
    "figure": (),
    "figcaption": (),
    "img": ("src", "alt", "width", "height", "title"),
    "time": ("datetime",),
    "table": (),
    "thead": (),
    "tbody": (),
    "tr": (),
    "th": (),
    "td": (),
}
#: Elements dropped with everything in them.
DROPPED = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "head"})
VOID = frozenset({"br", "hr", "img"})
BLOCK = frozenset(
    {*(f"h{n}" for n in range(1, 7)), "p", "ul", "ol", "li", "blockquote", "figure"}
    | {"figcaption", "pre", "table", "thead", "tbody", "tr", "hr"}
)


@dataclass
class Node:
    """An element of the cleaned HTML (``tag`` None: a run of text in ``text``)."""

    tag: str | None
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def attr(self, name: str) -> str:
        return next((v for k, v in self.attrs if k == name), "")


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED:
            if tag not in VOID:
                self.dropping += 1
            return
        if self.dropping or tag not in KEPT:
            return
        keep = KEPT[tag]
        node = Node(tag, [(k, v or "") for k, v in attrs if k in keep])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and tag in KEPT and not self.dropping:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in KEPT or tag in VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.stack[-1].children.append(Node(None, text=data))


def parse(markup: str) -> Node:
    """The cleaned tree of ``markup``."""
    builder = _Builder()
    builder.feed(markup)
    builder.close()
    return builder.root


# --- HTML ----------------------------------------------------------------------------------


def clean(markup: str) -> str:
    """``markup`` with only the elements and attributes a rich-text field keeps, one block
    a line."""
    out: list[str] = []
    _write_html(parse(markup), out, in_pre=False)
    text = "".join(out)
    text = re.sub(r"[ \t]*\n[ \t\n]*", "\n", text)
    return text.strip() + "\n"


def _write_html(node: Node, out: list[str], in_pre: bool) -> None:
    for child in node.children:
        if child.tag is None:
            shown = html.escape(child.text, quote=False)
            out.append(shown if in_pre else re.sub(r"\s+", " ", shown))
            continue
        attrs = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in child.attrs)
        if child.tag in VOID:
            out.append(f"<{child.tag}{attrs}>")
            if child.tag != "img":
                out.append("\n")
            continue
        opens_line = child.tag in BLOCK and child.tag not in ("li", "tr", "figcaption")
        if opens_line:
            out.append("\n")
        out.append(f"<{child.tag}{attrs}>")
        if child.tag in ("ul", "ol", "table", "thead", "tbody", "tr", "figure", "blockquote"):
            out.append("\n")
        _write_html(child, out, in_pre or child.tag == "pre")
        out.append(f"</{child.tag}>")
        if child.tag in BLOCK:
            out.append("\n")


# --- CommonMark ------------------------------------------------------------------------------


def markdown(markup: str) -> str:
    """The cleaned HTML as CommonMark: headings, paragraphs, lists, links, pictures, quotes
    and code as Markdown; a table as the HTML it is (CommonMark has none)."""
    blocks = _blocks(parse(markup), depth=0)
    text = "\n\n".join(b for b in blocks if b.strip())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _blocks(node: Node, depth: int) -> list[str]:
    """The Markdown blocks of ``node``'s children; loose text is gathered into paragraphs."""
    blocks: list[str] = []
    inline: list[Node] = []

    def flush() -> None:
        if inline:
            text = _inline_of(inline).strip()
            if text:
                blocks.append(_escape_start(text))
            inline.clear()

    for child in node.children:
        if child.tag is None or child.tag not in BLOCK:
            inline.append(child)
            continue
        flush()
        blocks.extend(_block(child, depth))
    flush()
    return blocks


def _block(node: Node, depth: int) -> list[str]:
    tag = node.tag or ""
    if tag.startswith("h") and tag[1:].isdigit():
        return [f"{'#' * int(tag[1:])} {_inline_of(node.children).strip()}"]
    if tag == "p" or tag == "figcaption":
        text = _inline_of(node.children).strip()
        return [_escape_start(text)] if text else []
    if tag == "hr":
        return ["* * *"]
    if tag == "pre":
        code = "".join(_text_of(node))
        fence = "```"
        while fence in code:
            fence += "`"
        return [f"{fence}\n{code.rstrip(chr(10))}\n{fence}"]
    if tag in ("ul", "ol"):
        return [_list(node, depth)]
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(node, depth))
        return ["\n".join(f"> {line}".rstrip() for line in inner.split("\n"))]
    if tag == "figure":
        return _blocks(node, depth)
    if tag in ("table", "thead", "tbody", "tr"):
        out: list[str] = []
        _write_html(Node("#root", children=[node]), out, in_pre=False)
        return ["".join(out).strip()]  # an HTML block: CommonMark keeps it as it is
    return _blocks(node, depth)


def _list(node: Node, depth: int) -> str:
    ordered = node.tag == "ol"
    try:
        number = int(node.attr("start") or 1)
    except ValueError:
        number = 1
    items: list[str] = []
    for child in node.children:
        if child.tag != "li":
            continue
        marker = f"{number}. " if ordered else "- "
        number += 1
        inner = "\n\n".join(_blocks(child, depth + 1)) or ""
        pad = " " * len(marker)
        lines = inner.split("\n")
        shown = [marker + lines[0]] + [(pad + line) if line else "" for line in lines[1:]]
        items.append("\n".join(shown))
    loose = any("\n\n" in item for item in items)
    return ("\n\n" if loose else "\n").join(items)


def _text_of(node: Node) -> list[str]:
    if node.tag is None:
        return [node.text]
    return [t for child in node.children for t in _text_of(child)]


def _inline_of(nodes: list[Node]) -> str:
    out: list[str] = []
    for node in nodes:
        tag = node.tag
        if tag is None:
            out.append(_escape(re.sub(r"\s+", " ", node.text)))
        elif tag == "br":
            out.append("\\\n")
        elif tag == "img":
            out.append(_image(node))
        elif tag == "a":
            words = _inline_of(node.children).strip() or _escape(node.attr("href"))
            title = node.attr("title")
            shown_title = f' "{_quote_title(title)}"' if title else ""
            out.append(f"[{words}]({_destination(node.attr('href'))}{shown_title})")
        elif tag in ("strong", "b"):
            inner = _inline_of(node.children).strip()
            out.append(f"**{inner}**" if inner else "")
        elif tag in ("em", "i"):
            inner = _inline_of(node.children).strip()
            out.append(f"*{inner}*" if inner else "")
        elif tag in ("del", "s"):
            out.append(_inline_of(node.children))
        elif tag == "code":
            code = "".join(_text_of(node))
            ticks = "`"
            while ticks in code:
                ticks += "`"
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            out.append(f"{ticks}{pad}{code}{pad}{ticks}")
        else:  # time, and anything else inline: its words
            out.append(_inline_of(node.children))
    return "".join(out)


def _image(node: Node) -> str:
    alt = _escape(node.attr("alt"))
    title = node.attr("title")
    shown_title = f' "{_quote_title(title)}"' if title else ""
    return f"![{alt}]({_destination(node.attr('src'))}{shown_title})"


def _destination(url: str) -> str:
    """A link's address as Markdown takes it: in <...> when it has spaces or brackets."""
    if not url:
        return "<>"
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def _quote_title(title: str) -> str:
    return title.replace("\\", "\\\\").replace('"', '\\"')


_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def _escape(text: str) -> str:
    """Text as Markdown shows it literally: its punctuation that Markdown reads escaped."""
    return _ENTITY.sub("\\&", _SPECIAL.sub(r"\\\1", text))


def _escape_start(text: str) -> str:
    """A paragraph that would otherwise start a heading, a list, a quote or a thematic break."""
    if re.match(r"(#{1,6}(\s|$)|[-+=](\s|$)|>|\d{1,9}[.)](\s|$))", text):
        m = re.match(r"\d{1,9}", text)
        if m and len(text) > m.end():
            return f"{text[: m.end()]}\\{text[m.end() :]}"
        return "\\" + text
    if re.match(r"([-*_])(\s*\1){2,}\s*$", text):
        return "\\" + text
    return text
