"""Draft an issue: validate, check offline, render, write build/.

Used by draft, preview and send alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from copro_news.checks import SendTime, send_time
from copro_news.content import Issue
from copro_news.errors import ContentError
from copro_news.problems import Problem, count, summary
from copro_news.render import Build, build_issue, write_build
from copro_news.sections import DEFAULT_TITLES, counted
from copro_news.workspace import Workspace


def contents_line(issue: Issue) -> str:
    """What the issue holds, top to bottom: 'intro, 1 story, 2 events, 1 partnership
    ("Working together"), 2 actions'; a heading of the issue's own is named."""
    parts = ["intro" if issue.intro.strip() else "no intro"]
    for block in issue.layout:
        part = counted(block.kind, len(block.items))
        if block.heading is not None and block.heading != DEFAULT_TITLES.get(block.kind):
            part += f' ("{block.heading}")' if block.heading else " (no heading)"
        parts.append(part)
    return ", ".join(parts)


@dataclass
class DraftResult:
    build: Build
    paths: list[Path]
    problems: list[Problem]
    judged: SendTime

    def contents_line(self) -> str:
        return contents_line(self.build.issue)

    def judged_line(self) -> str:
        """'Dates judged at 2026-12-01 09:00 GMT (the issue's date and send time).'"""
        return f"Dates judged at {self.judged.describe()}."

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
    """Render ``issue`` and run the checks (the offline ones unless ``offline`` is False)
    at the send time (``at``, else as :func:`copro_news.checks.send_time` says); return the
    build and every problem found, errors too.

    Raises ContentError when a file of the issue cannot be used and TemplateError when a
    template cannot: then there is no email to show. What the checks find is returned for
    the caller to show: drafts and previews are made while the issue is being written; send
    is the one that refuses on errors.
    """
    from copro_news.checks import check_issue

    if issue.has_errors:
        raise ContentError(issue.problems)
    build = build_issue(ws, issue, provider=provider)
    when = send_time(ws, issue, at).at
    problems = check_issue(ws, issue, build, at=when, offline=offline, progress=progress)
    return build, problems


def draft_issue(ws: Workspace, issue: Issue, *, at: datetime | None = None) -> DraftResult:
    judged = send_time(ws, issue, at)
    build, problems = build_with_problems(ws, issue, at=judged.at)
    paths = write_build(build)
    return DraftResult(build=build, paths=paths, problems=problems, judged=judged)
