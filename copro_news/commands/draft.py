from __future__ import annotations

import typer

from copro_news.commands import common


def command(
    ctx: typer.Context,
    issue: str | None = typer.Argument(None, help=common.ISSUE_HELP),
) -> None:
    """Build the issue's email: HTML, text and .eml.

    It checks the issue, renders it and writes build/issue.html (ready for
    email clients), build/issue.txt (the plain-text part; Buttondown writes its
    own) and build/issue.eml (the whole message, to open in a mail client), and
    the issue's body for a CMS: build/web.html and build/web.md (see: copro-news
    web --help).

    Every problem in every file is listed at once. If a file cannot be
    used, nothing is written and the exit code is 1. What the offline
    checks find (a past deadline, a wrong weekday) is listed and counted;
    send refuses an issue that still has errors.

    Dates are judged at the send time, as check judges them: the scheduled
    time, else the issue's date at send_time while it is ahead, else now.
    The summary says which.

    \b
    Examples:
      copro-news draft
      copro-news draft 2026-12
    """
    from copro_news import console
    from copro_news.build import draft_issue

    ws, loaded = common.issue(ctx, issue)
    result = draft_issue(ws, loaded)
    if result.problems:
        console.print_problems(result.problems)
    out = console.out()
    b = result.build
    out.print(f"Drafted {console.escape(loaded.id)}: [bold]{console.escape(b.subject)}[/]")
    out.print(f"  {console.escape(result.contents_line())}")
    out.print(f"  {console.escape(result.judged_line())}")
    kb = b.html_bytes / 1024
    state = "[red]over[/]" if b.clipped else "within"
    out.print(f"  HTML {kb:.1f} KB, {state} Gmail's 102 KB clipping limit")
    for path in result.paths:
        out.print(f"  {console.escape(ws.rel(path))}")
    out.print(f"  {console.escape(result.problems_line())}")
