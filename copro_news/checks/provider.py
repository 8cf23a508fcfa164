"""Rules about what the workspace's provider does to the email on its way to subscribers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from copro_news.checks.registry import Context, rule
from copro_news.checks.source import settings_text
from copro_news.problems import Problem
from copro_news.providers.registry import PROVIDERS
from copro_news.workspace import SETTINGS_FILE

if TYPE_CHECKING:
    from copro_news.content import Issue

HINT = (
    "Write it another way: with a space between the two signs ('{ {') it is shown as "
    "written. Or remove it."
)


def _shown(tags: list[str]) -> str:
    return " and ".join(f"'{t}'" for t in tags)


@rule(
    "template-syntax",
    severity="error",
    summary="Text the provider would fill in as a template tag: {{, {% or {# with Buttondown.",
    explanation=(
        "Buttondown runs each email (subject and body) through its template language, "
        "Django's: {{ ... }} is replaced by a value, {% ... %} runs a command, {# ... #} is "
        "a comment that disappears. Text of the issue that holds one of these would not "
        "reach subscribers as it was written, or would stop the send. copro-news's own "
        "unsubscribe link, {{ unsubscribe_url }}, is the one tag the email may hold. "
        "With other providers this rule is silent.\n\n"
        'Example that fails (with [provider] name = "buttondown"): a story that says '
        '"Reply with {{ your name }}", or a subject "Our {% best %} month".\n\n'
        "Fix: write it another way; a space between the signs ('{ {') is shown as it is."
    ),
)
def template_syntax(issue: Issue, ctx: Context) -> Iterator[Problem]:
    name = ctx.build.provider if ctx.build is not None else ctx.ws.settings.provider.name
    info = PROVIDERS.get(name)
    if info is None or not info.template_tags:
        return
    tags = info.template_tags
    found_in_files: set[str] = set()
    for src in issue.files():
        for number, line in enumerate(src.text.splitlines(), start=1):
            found = [t for t in tags if t in line]
            if found:
                found_in_files.update(found)
                yield ctx.problem(
                    "template-syntax",
                    f"{info.label} would read {_shown(found)} as a template tag and fill it "
                    "in, not show it as written.",
                    file=src.rel,
                    line=number,
                    hint=HINT,
                )
    if ctx.build is None:
        return
    # What the issue's files do not hold comes from the settings or a template.
    built = "\n".join((ctx.build.subject, ctx.build.preheader, ctx.build.html))
    rest = [t for t in info.template_tags_in(built) if t not in found_in_files]
    if not rest:
        return
    in_settings = any(t in settings_text(ctx) for t in rest)
    yield ctx.problem(
        "template-syntax",
        f"The built email holds {_shown(rest)}, which {info.label} would read as a template "
        "tag, from " + ("copro-news.toml." if in_settings else "a template of the workspace."),
        file=SETTINGS_FILE if in_settings else None,
        hint=HINT,
    )
