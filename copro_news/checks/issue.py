"""Rules about the issue as a whole: what it holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from copro_news.checks.registry import Context, rule
from copro_news.problems import Problem

if TYPE_CHECKING:
    from copro_news.content import Issue


def _unreadable_snippet(issue: Issue, ctx: Context) -> bool:
    """Whether a file in a section folder could not be read (and was reported so)."""
    from copro_news.content import SECTIONS

    folder = ctx.ws.rel(issue.folder)
    return any(
        (p.file or "").startswith(tuple(f"{folder}/{kind}/" for kind in SECTIONS))
        for p in issue.problems
    )


@rule(
    "sections-empty",
    severity="warning",
    summary="No snippet in any section: the issue is only its introduction.",
    explanation=(
        "An issue's sections come from the snippets in its events/, partnerships/, actions/ "
        "and stories/ folders. An issue with none of them is usually one still being "
        "written.\n\n"
        "Example that warns: a new issue from 'copro-news new 2027-01' before any "
        "'copro-news add'.\n\n"
        'Fix: add a snippet with copro-news add events "Title" (or partnerships, actions, '
        "stories); if the issue is meant to be only its introduction, add "
        "check-ignore: [sections-empty] to issue.md."
    ),
)
def sections_empty(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if issue.snippets() or issue.source is None or _unreadable_snippet(issue, ctx):
        return
    yield ctx.problem(
        "sections-empty",
        "The issue has no sections: there is no snippet in events/, partnerships/, actions/ "
        "or stories/.",
        file=issue.source.rel,
        hint='Add one with: copro-news add events "Title" (or partnerships, actions, stories).',
    )
