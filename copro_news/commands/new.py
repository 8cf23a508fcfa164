from __future__ import annotations

import typer

from copro_news.commands import common


def command(
    ctx: typer.Context,
    month: str | None = typer.Argument(
        None, help="The issue's month, YYYY-MM (default: next month)."
    ),
) -> None:
    """Start a new monthly issue.

    It writes drafts/YYYY-MM/issue.md, with every field of its front matter
    explained. It never overwrites an issue.

    \b
    Examples:
      copro-news new            # next month
      copro-news new 2026-12
    """
    from datetime import datetime

    from copro_news import console
    from copro_news.scaffold import new_issue
    from copro_news.workspace import next_month

    ws = common.workspace(ctx)
    name = month or next_month(datetime.now(ws.settings.tz).date())
    path = new_issue(ws.drafts, name, ws.settings.name)
    console.out().print(f"Created {console.escape(ws.rel(path))}")
    console.out().print(f'Next: copro-news add events "Title" --issue {name}')
