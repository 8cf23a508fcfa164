from __future__ import annotations

import signal
import sys
import time
from typing import TYPE_CHECKING

import typer

from copro_news.commands import common

if TYPE_CHECKING:
    from copro_news.preview.server import Snapshot


def command(
    ctx: typer.Context,
    issue: str | None = typer.Argument(None, help=common.ISSUE_HELP),
    terminal: bool = typer.Option(
        False, "--terminal", help="Show the issue in the terminal (the default)."
    ),
    browser: bool = typer.Option(
        False,
        "--browser",
        help="Serve a page with desktop, mobile, plain-text and web views that follows every save.",
    ),
    text: bool = typer.Option(
        False, "--text", help="Print the exact plain-text part of the email, nothing else."
    ),
    port: int | None = typer.Option(
        None,
        "--port",
        min=0,
        max=65535,
        metavar="N",
        help="The port to serve on (default: a free one).",
    ),
    host: str | None = typer.Option(
        None,
        "--host",
        help="The address to serve on (default: 127.0.0.1, this computer only). "
        "Any other address lets other computers read the draft.",
    ),
    no_open: bool = typer.Option(
        False, "--no-open", help="Do not open the browser; only print the address."
    ),
) -> None:
    """See the issue as subscribers will.

    In the terminal, or in a browser that follows as you write.

    The terminal view shows each section and then the problems the offline
    check finds; the exit code is 1 if there are errors. --text prints the
    plain-text part exactly as it is sent (Buttondown writes its own from the
    HTML: --text then shows copro-news's version, and says so).

    --browser serves the same HTML that draft builds, on 127.0.0.1 only, and
    rebuilds it whenever a snippet, issue.md, a template or copro-news.toml is
    saved: the open page follows without reloading. Its Web view shows the
    issue's page as copro-news web writes it. Nothing is written to build/.
    Stop it with Ctrl-C.

    \b
    Examples:
      copro-news preview
      copro-news preview 2026-12 --text | less
      copro-news preview --browser
      copro-news preview --browser --port 8000 --no-open
    """
    from copro_news.errors import UsageError

    if host is not None and not host.strip():
        raise UsageError("--host needs an address.", "Leave it out to serve on 127.0.0.1.")
    serving = port is not None or host is not None or no_open
    if terminal and (browser or text):
        raise UsageError(
            f"--terminal and {'--browser' if browser else '--text'} cannot go together.",
            "Choose one view.",
        )
    if text and (browser or serving):
        raise UsageError(
            "--text prints the plain-text part; it does not serve a page.",
            "Leave out --text to preview in the browser, or --browser to print the text.",
        )
    if terminal and serving:
        raise UsageError(
            "--port, --host and --no-open are for the browser view.",
            "Use them with --browser.",
        )
    if browser or serving:
        _browser(ctx, issue, host or "127.0.0.1", port or 0, open_page=not no_open)
    elif text:
        _text(ctx, issue)
    else:
        _terminal(ctx, issue)


def _terminal(ctx: typer.Context, name: str | None) -> None:
    from copro_news.checks import send_time
    from copro_news.preview import terminal
    from copro_news.problems import count

    ws, loaded = common.issue(ctx, name)
    judged = send_time(ws, loaded)
    problems = terminal.offline_problems(ws, loaded, judged)
    terminal.show(ws, loaded, problems, at=judged)
    if count(problems)[0]:
        raise typer.Exit(1)


def _text(ctx: typer.Context, name: str | None) -> None:
    from copro_news import console
    from copro_news.build import build_with_problems
    from copro_news.errors import ContentError
    from copro_news.problems import count, plural

    ws, loaded = common.issue(ctx, name)
    try:
        build, problems = build_with_problems(ws, loaded)
    except ContentError as e:
        errors = count(e.problems)[0]
        raise ContentError(
            e.problems,
            f"The issue has {plural(errors, 'error')}, so it cannot be shown.",
        ) from None
    if problems:
        console.print_problems(problems)
    note = common.own_text_note(ws)
    if note:
        console.info(note)
    sys.stdout.write(build.text)
    sys.stdout.flush()


def _browser(ctx: typer.Context, name: str | None, host: str, port: int, open_page: bool) -> None:
    from copro_news import console
    from copro_news.preview import server

    ws = common.workspace(ctx)
    folder = ws.resolve_issue(name)
    if not server.is_loopback(host):
        console.warn(
            f"Serving on {host}: anyone who can reach this computer on the network can read "
            "the draft. Leave out --host to keep it to this computer."
        )
    running = server.start(ws.root, folder, host=host, port=port, on_build=_report)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl-C
    try:
        first = running.preview.snapshot
        out = console.out()
        out.print(f"Previewing {console.escape(folder.name)} at {running.url}", soft_wrap=True)
        out.file.flush()
        watched = server.describe(running.watcher.watched() if running.watcher else [], ws.rel)
        console.info(f"Watching {watched}. Press Ctrl-C to stop.")
        _report(first)
        if open_page and not server.open_browser(running.url):
            console.info("No browser can be opened from here: open the address above in one.")
        running.wait()
    finally:
        running.close()
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report(snap: Snapshot) -> None:
    """One line on stderr per build: what the page now shows."""
    from copro_news import console
    from copro_news.problems import plural

    stamp = time.strftime("%H:%M:%S", time.localtime(snap.built_at))
    if snap.ok:
        summary = plural(snap.warning_count, "warning") if snap.warning_count else "no problems"
        console.info(f"{stamp} Built in {snap.ms:.0f} ms: {summary}.")
        return
    console.err().print(
        f"{stamp} [red]Cannot build:[/] {console.escape(snap.message or 'see the page')}"
    )
    errors = [p for p in snap.problems if p.severity == "error"]
    for p in errors[:5]:
        console.err().print(
            f"  {console.escape(p.location or '(issue)')}: {console.escape(p.message)}"
        )
    if len(errors) > 5:
        console.info(f"  ... and {len(errors) - 5} more on the page.")
