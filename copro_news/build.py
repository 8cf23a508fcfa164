"""Draft an issue: validate, check offline, render, write build/.

Used by draft, preview and send alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from copro_news.content import SECTIONS, Issue
from copro_news.errors import ContentError
from copro_news.problems import Problem, count, summary
from copro_news.render import Build, build_issue, write_build
from copro_news.workspace import Workspace

_SINGULAR = {
    "events": "event",
    "partnerships": "partnership",
    "actions": "action",
    "stories": "story",
}


@dataclass
class DraftResult:
    build: Build
    paths: list[Path]
    problems: list[Problem]

    def contents_line(self) -> str:
        parts = ["intro" if self.build.issue.intro.strip() else "no intro"]
        for kind in SECTIONS:
            n = self.build.sections.get(kind, 0)
            if n:
                parts.append(f"{n} {_SINGULAR[kind] if n == 1 else kind}")
        return ", ".join(parts)

    def problems_line(self) -> str:
        if not self.problems:
            return "No problems found."
        line = f"{summary(self.problems, joiner=' and ')} (listed above)."
        if count(self.problems)[0]:
            line += " Fix the errors before sending: send refuses an issue with errors."
        return line


def build_with_problems(
    ws: Workspace,
    issue: Issue,
    *,
    at: datetime | None = None,
    provider: str | None = None,
    offline: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Build, list[Problem]]:
    """Render ``issue`` and run the checks (the offline ones unless ``offline`` is False);
    return the build and every problem found, errors too.

    Raises ContentError when a file of the issue cannot be used and TemplateError when a
    template cannot: then there is no email to show. What the checks find is returned for
    the caller to show: drafts and previews are made while the issue is being written; send
    is the one that refuses on errors.
    """
    from copro_news.checks import check_issue

    if issue.has_errors:
        raise ContentError(issue.problems)
    build = build_issue(ws, issue, provider=provider)
    problems = check_issue(ws, issue, build, at=at, offline=offline, progress=progress)
    return build, problems


def draft_issue(ws: Workspace, issue: Issue, *, at: datetime | None = None) -> DraftResult:
    build, problems = build_with_problems(ws, issue, at=at)
    paths = write_build(build)
    return DraftResult(build=build, paths=paths, problems=problems)
