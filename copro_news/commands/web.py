from __future__ import annotations

import typer

from copro_news.commands import common


def command(
    ctx: typer.Context,
    issue: str | None = typer.Argument(None, help=common.ISSUE_HELP),
    all_: bool = typer.Option(
        False,
        "--all",
        help="Every issue that went out (by the send records), the archive page and the feeds.",
    ),
    offline: bool = typer.Option(
        False, "--offline", help="Do not check the pages' links and pictures online."
    ),
) -> None:
    """Write the web edition: the issue as a page of the website.

    From the same snippets, order and pictures as the email, it writes
    site/YYYY-MM/index.html (a page that stands alone: its pictures and an
    .ics file for each event beside it) and, for pasting into a CMS
    (WordPress, Webflow, Squarespace), the issue's body as
    build/web.html and build/web.md.

    --all writes the page of every issue that went out, site/index.html
    (the archive, newest first), and the feeds site/feed.xml (Atom) and
    site/feed.json (JSON Feed). Publish the folder as it is, on any web
    host; [web] base_url in copro-news.toml says where it is published.

    The pages' links and pictures are checked as check does (online unless
    --offline); what is found is listed and counted.

    \b
    Examples:
      copro-news web
      copro-news web 2026-12 --offline
      copro-news web --all
    """
    from datetime import datetime

    from copro_news import console
    from copro_news.errors import UsageError
    from copro_news.problems import plural, summary
    from copro_news.web import publish

    if all_ and issue is not None:
        raise UsageError(
            "--all writes every issue that went out; it takes no issue.",
            f"Leave out {issue!r}, or --all.",
        )
    if all_:
        ws = common.workspace(ctx)
        chosen = None
    else:
        ws, chosen = common.issue(ctx, issue)
    now = datetime.now(ws.settings.tz).replace(microsecond=0)
    with console.progress("Checking links", enabled=not offline) as progress:
        result = publish(ws, chosen, now=now, offline=offline, progress=progress)
    for note in result.notes:
        console.warn(note)
    problems = result.all_problems
    if problems:
        console.print_problems(problems)
    out = console.out()
    esc = console.escape
    if all_:
        went = plural(len(result.pages), "issue that went out", "issues that went out")
        out.print(f"Wrote the web edition: {went}, the archive and the feeds.")
    for page in result.pages:
        if not all_:
            out.print(
                f"Wrote the web edition of {esc(page.issue.id)}: [bold]{esc(page.issue.subject)}[/]"
            )
        beside = []
        if page.pictures:
            beside.append(plural(page.pictures, "picture"))
        if page.calendars:
            beside.append(plural(page.calendars, "calendar file"))
        also = f" (with {' and '.join(beside)})" if beside else ""
        out.print(f"  {esc(ws.rel(page.page))}{also}")
        for path in page.build:
            out.print(f"  {esc(ws.rel(path))}")
    for path in result.archive:
        out.print(f"  {esc(ws.rel(path))}")
    if not all_:
        out.print(
            "  copro-news web --all writes the archive and the feeds of the issues that went out."
        )
    line = summary(problems, joiner=" and ")
    out.print(f"  {line} (listed above)." if line else "  No problems found.")
