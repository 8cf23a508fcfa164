from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from copro_news.commands import common

if TYPE_CHECKING:
    from copro_news.workspace import Workspace


def command(
    ctx: typer.Context,
    month: str | None = typer.Argument(
        None, help="The issue's month, YYYY-MM (default: next month)."
    ),
    carry: bool = typer.Option(
        True,
        "--carry/--no-carry",
        help="Carry the recurring events (those with repeat:) of the issue before it, "
        "each on its next date.",
    ),
) -> None:
    """Start a new monthly issue.

    It writes drafts/YYYY-MM/issue.md, with every field of its front matter
    explained. It never overwrites an issue.

    Events with a rule such as "repeat: first tuesday" in the issue before it
    are carried over, each on the next day on its rule, with its time and text.

    \b
    Examples:
      copro-news new            # next month
      copro-news new 2026-12
      copro-news new 2027-01 --no-carry
    """
    from datetime import datetime

    from copro_news import console
    from copro_news.scaffold import has_recurring, new_issue
    from copro_news.workspace import next_month

    ws = common.workspace(ctx)
    name = month or next_month(datetime.now(ws.settings.tz).date())
    earlier = [folder for folder in ws.issues() if folder.name < name]
    path = new_issue(ws.drafts, name, ws.settings.name)
    out = console.out()
    out.print(f"Created {console.escape(ws.rel(path))}")
    if carry and earlier and has_recurring(earlier[-1]):
        _carry(ws, earlier[-1], path.parent)
    out.print(f'Next: copro-news add events "Title" --issue {name}')


def _carry(ws: Workspace, previous: Path, folder: Path) -> None:
    """Carry the recurring events of ``previous`` into ``folder`` and say what was carried."""
    from datetime import datetime

    from copro_news import console
    from copro_news.content import load_issue
    from copro_news.dates import event_when, long_date
    from copro_news.problems import plural
    from copro_news.scaffold import carry_recurring, issue_month

    earlier = load_issue(ws, previous)
    carried, notes = carry_recurring(earlier, folder, issue_month(folder.name))
    out = console.out()
    if carried:
        out.print(f"Carried {plural(len(carried), 'recurring event')} from {previous.name}:")
    for c in carried:
        locale = ws.settings.locale
        when = (
            event_when(c.start, None, locale)
            if isinstance(c.start, datetime)
            else long_date(c.start, locale)
        )
        out.print(f"  {console.escape(ws.rel(c.path))}: {console.escape(when)} ({c.repeat})")
    for note in notes:
        console.warn(note)
