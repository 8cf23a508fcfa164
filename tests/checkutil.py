"""Helpers for the check tests: write an issue, run the rules on it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import build_file_tree

LONDON = ZoneInfo("Europe/London")

ISSUE = """\
---
subject: "{subject}"
date: {date}
preheader: "Our meet-up, a new partnership and a survey"
---
## Welcome

{intro}
"""


def write_issue(
    root: Path,
    files: dict[str, object] | None = None,
    *,
    name: str = "2026-12",
    subject: str | None = None,
    intro: str = "Thank you to everyone who came to our training this month.",
    issue_md: str | None = None,
) -> Path:
    """An issue in ``root/drafts/NAME`` with an issue.md and the given snippet files."""
    year, month = name.split("-")
    date = f"{year}-{month}-01"
    if issue_md is None:
        month_name = datetime(int(year), int(month), 1).strftime("%B")
        issue_md = ISSUE.format(
            subject=subject or f"Team update: {month_name} {year}", date=date, intro=intro
        )
    folder = root / "drafts" / name
    build_file_tree(folder, {"issue.md": issue_md, **(files or {})})
    return folder


def problems(
    root: Path,
    name: str = "2026-12",
    *,
    at: str = "2026-12-01 09:00",
    only: list[str] | tuple[str, ...] | str | None = None,
    offline: bool = True,
    build: bool = True,
):
    """The problems of an issue, judged at ``at`` (London time)."""
    from copro_news.checks import load_rules, try_build
    from copro_news.checks.registry import Context, run
    from copro_news.content import load_issue
    from copro_news.workspace import load_workspace

    load_rules()
    ws = load_workspace(explicit=root)
    issue = load_issue(ws, ws.resolve_issue(name))
    built, template_problems = try_build(ws, issue) if build else (None, [])
    when = datetime.fromisoformat(at).replace(tzinfo=LONDON)
    if isinstance(only, str):
        only = [only]
    ctx = Context(ws=ws, issue=issue, build=built, at=when, offline=offline)
    found = template_problems + run(ctx, only=only)
    if only is not None:
        found = [p for p in found if p.code in only]
    return found


def codes(found) -> list[str]:
    return [p.code for p in found]


def event(title: str, start: str, body: str = "Join us.", **fields: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f'---\ntitle: "{title}"\nstart: {start}\n{extra}---\n{body}\n'


def story(title: str, body: str, **fields: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return f'---\ntitle: "{title}"\n{extra}---\n{body}\n'
