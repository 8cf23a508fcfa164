"""Rules about the web edition, run when `copro-news web` writes it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from copro_news.checks.registry import Context, rule
from copro_news.problems import Problem

if TYPE_CHECKING:
    from copro_news.content import Issue


@rule(
    "web-url-missing",
    severity="warning",
    summary="The web edition is written without [web] base_url, so it does not know its address.",
    explanation=(
        "base_url under [web] says where the web edition's folder is published. Without it "
        "the pages have no canonical address and no picture when shared, the email has no "
        "'View in browser' link, the feeds' links are relative, and build/web.html names its "
        "pictures by their path beside the page and leaves out the .ics links.\n\n"
        "Example that warns: copro-news web in a workspace without [web] base_url.\n\n"
        'Fix: add base_url = "https://example.org/news/" under [web] in copro-news.toml: '
        "the address where the folder (site/) is published."
    ),
)
def web_url_missing(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if ctx.edition != "web" or ctx.ws.settings.web.base_url:
        return
    from copro_news.checks.source import settings_text
    from copro_news.settings import setting_line

    text = settings_text(ctx)
    line = setting_line(text, "base_url", "web") or setting_line(text, "", "web")
    folder = ctx.ws.settings.web.folder.rstrip("/")
    yield ctx.problem(
        "web-url-missing",
        "[web] base_url is not set: the pages have no address of their own (no canonical "
        "link, no picture when shared), the email no 'View in browser' link, and "
        "build/web.html no .ics links.",
        file="copro-news.toml",
        line=line,
        hint=f"Add base_url under [web]: the address where {folder}/ is published, e.g. "
        'base_url = "https://example.org/news/".',
    )
