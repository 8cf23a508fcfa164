from __future__ import annotations

from contextlib import AbstractContextManager

import typer

from copro_news.commands import common


def command(
    ctx: typer.Context,
    issue: str | None = typer.Argument(None, help=common.ISSUE_HELP),
    all_: bool = typer.Option(False, "--all", "-a", help="A table of every issue."),
) -> None:
    """Show where an issue stands, or every issue.

    Drafted, tested, scheduled or sent: from the issue's send record
    (send.json) and the provider's view of its campaign; without a record,
    the provider is asked whether the issue went out. It also says when the
    issue changed since it was tested, scheduled or sent. --all lists every
    issue from the records alone.

    \b
    Examples:
      copro-news status
      copro-news status 2026-11
      copro-news status --all
    """
    from copro_news import console
    from copro_news import status as status_lib

    ws = common.workspace(ctx)
    if all_:
        if issue is not None:
            from copro_news.errors import UsageError

            raise UsageError("Give an issue or --all, not both.")
        rows = status_lib.all_issues(ws)
        if not rows:
            console.out().print("There is no issue in drafts/ yet. Start one with: copro-news new")
            return
        console.out().print(status_lib.table(rows, ws.settings.tz))
        if any(row.record is None and row.problem is None for row in rows):
            console.out().print(
                "This table is read from the send records only. 'no record': never tested "
                "or sent from here; 'copro-news status ISSUE' asks the provider, and says "
                "what changed since a test, schedule or send."
            )
        for row in rows:
            if row.problem is not None:
                console.warn(row.problem.message)
                if row.problem.hint:
                    console.err().print(f"  {console.escape(row.problem.hint)}")
        return
    folder = ws.resolve_issue(issue)
    report = status_lib.issue_status(ws, folder, progress=_waiting)
    if report.warning:
        console.warn(report.warning)
    for line in report.lines:
        console.out().print(console.escape(line))


def _waiting(text: str) -> AbstractContextManager[object]:
    from copro_news.commands.send import waiting

    return waiting(text)
