"""Rules about the built email: the footer the law asks for, its size, images' alt text."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from copro_news.checks.registry import Context, rule
from copro_news.checks.source import elements, locate
from copro_news.problems import Problem

if TYPE_CHECKING:
    from copro_news.content import Issue


def _template_file(ctx: Context) -> str | None:
    """The workspace's own email template, where a footer would have been removed."""
    path = ctx.ws.templates / "email.html"
    return ctx.ws.rel(path) if path.is_file() else None


def _visible_text(markup: str) -> str:
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", markup, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html_lib.unescape(text).split())


def _unsubscribe_link(ctx: Context) -> bool:
    from copro_news.render import unsubscribe_placeholder

    target = unsubscribe_placeholder(ctx.ws.settings, ctx.build.provider)
    for el in elements(ctx):
        if el.tag != "a":
            continue
        if el.url == target or "unsub" in el.url.lower() or "unsubscribe" in el.text.lower():
            return True
    return False


@rule(
    "footer-missing",
    severity="error",
    summary="No postal address or no unsubscribe link in the built email.",
    explanation=(
        "The law (CAN-SPAM, PECR) and the inbox providers ask every bulk email for the "
        "sender's postal address and a way to unsubscribe. The house template has both; a "
        "template of the workspace's own may have lost them.\n\n"
        "Example that fails: templates/email.html without {{ sender.postal_address }} or "
        'without <a href="{{ unsubscribe_url }}">Unsubscribe</a>.\n\n'
        "Fix: put them back in the footer of templates/email.html, and set "
        "postal_address under [sender] in copro-news.toml."
    ),
)
def footer_missing(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if ctx.build is None:
        return
    where = _template_file(ctx)
    address = ctx.ws.settings.sender.postal_address
    shown = _visible_text(ctx.build.html)
    parts = [p.strip() for p in re.split(r"[,\n]", address) if p.strip()]
    if not parts or not all(" ".join(p.split()) in shown for p in parts):
        yield ctx.problem(
            "footer-missing",
            "The built email does not show the postal address.",
            file=where,
            hint="Set postal_address under [sender] in copro-news.toml and keep "
            "{{ sender.postal_address }} in the footer of the email template.",
        )
    if not _unsubscribe_link(ctx):
        yield ctx.problem(
            "footer-missing",
            "The built email has no unsubscribe link.",
            file=where,
            hint='Keep <a href="{{ unsubscribe_url }}">Unsubscribe</a> in the footer of the '
            "email template.",
        )


@rule(
    "email-clipped",
    severity="warning",
    summary="The HTML is over 102 KB, where Gmail clips messages.",
    explanation=(
        "Gmail shows only the first 102 KB of an email's HTML and hides the rest, footer and "
        "unsubscribe link included, behind 'View entire message'.\n\n"
        "Example that warns: an issue with dozens of long snippets.\n\n"
        "Fix: shorten the snippets, or link to the full text on the website."
    ),
)
def email_clipped(issue: Issue, ctx: Context) -> Iterator[Problem]:
    from copro_news.render import GMAIL_CLIP_BYTES

    if ctx.build is not None and ctx.build.clipped:
        kb = ctx.build.html_bytes / 1024
        yield ctx.problem(
            "email-clipped",
            f"The email's HTML is {kb:.0f} KB; Gmail clips messages over "
            f"{GMAIL_CLIP_BYTES // 1024} KB.",
            hint="Shorten the longest snippets, or link to the full text on the website.",
        )


@rule(
    "image-alt-missing",
    severity="error",
    summary="An image without alt text.",
    explanation=(
        "Alt text is what people who cannot see an image hear instead, and what everyone sees "
        "while images are blocked, as many inboxes do by default.\n\n"
        "Example that fails: ![](https://example.org/photo.jpg) in a snippet, or a hero "
        "without 'alt'.\n\n"
        "Fix: describe the picture: ![Volunteers at the forum](...), or hero: alt: '...'."
    ),
)
def image_alt_missing(issue: Issue, ctx: Context) -> Iterator[Problem]:
    for el in elements(ctx):
        if el.tag != "img" or el.has_alt:
            continue
        file, line = locate(ctx, el.url)
        hero = issue.hero or {}
        local = issue.local_image(hero["image"]) if hero.get("image") else None
        hero_src = local.src if local is not None else hero.get("image")
        if hero_src == el.url and issue.source is not None:
            file, line = issue.source.rel, issue.source.lines.get("hero", line)
            hint = "Add alt under hero: a few words saying what the picture shows."
        else:
            hint = "Write what the picture shows between the brackets: ![Volunteers at ...](...)"
        yield ctx.problem(
            "image-alt-missing",
            f"The image {el.url} has no alt text.",
            file=file or _template_file(ctx),
            line=line,
            hint=hint,
        )
