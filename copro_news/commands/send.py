from __future__ import annotations

import sys
from datetime import tzinfo
from typing import TYPE_CHECKING

import typer

from copro_news.commands import common

if TYPE_CHECKING:
    from copro_news.content import Issue
    from copro_news.sending import SendOutcome, SendPlan
    from copro_news.workspace import Workspace


def command(
    ctx: typer.Context,
    issue: str | None = typer.Argument(None, help=common.ISSUE_HELP),
    test: list[str] = typer.Option(
        [],
        "--test",
        "-t",
        metavar="ADDRESS",
        help="Send a test to this address (repeatable, or several separated by commas).",
    ),
    schedule: str | None = typer.Option(
        None,
        "--schedule",
        metavar='"YYYY-MM-DD HH:MM"',
        help="Send at this time in the workspace time zone instead of now.",
    ),
    cancel: bool = typer.Option(False, "--cancel", help="Cancel a scheduled send."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Do everything except what changes something at the provider."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    offline: bool = typer.Option(
        False, "--offline", help="Skip the checks that need the network (links)."
    ),
) -> None:
    """Send a test, or the issue to the list once.

    Every check runs first; any error stops the send to the list (a test
    goes out with them, as a proof marked "[Test]", or "[PREVIEW]" by
    Buttondown). Before sending to the list it shows what will go where and
    asks to confirm (--yes for scripts).
    An issue already sent or scheduled is refused, whichever copy of the
    workspace sent it. A send that was cut off resumes where it stopped when
    you run the command again.

    The provider is [provider] name in copro-news.toml: the outbox (files),
    Mailchimp (schedules on the quarter hour) or Buttondown (any minute; the
    list is the newsletter of the API key, and Buttondown writes the
    plain-text part itself). --cancel works while the send is still
    scheduled; a send to the list now cannot be called back.

    \b
    Examples:
      copro-news send --test me@example.org
      copro-news send --dry-run
      copro-news send
      copro-news send --schedule "2026-12-01 09:00"
      copro-news send --cancel
    """
    from copro_news import console, sending
    from copro_news.errors import UsageError
    from copro_news.workspace import is_email

    if sum((bool(test), schedule is not None, cancel)) > 1:
        raise UsageError(sending.ONE_ACTION)
    given = bool(test)
    test = [a.strip() for value in test for a in value.split(",") if a.strip()]
    if given and not test:  # never let an empty --test turn into a send to the list
        raise UsageError("--test needs an email address.", "For example: --test me@example.org")
    for address in test:
        if not is_email(address):
            raise UsageError(
                f"--test {address!r} is not an email address.",
                "Separate several addresses with commas, or repeat --test.",
            )
    request = sending.SendRequest(
        test=tuple(test), schedule=schedule, cancel=cancel, dry_run=dry_run, offline=offline
    )
    ws, loaded = common.issue(ctx, issue)

    def confirm(plan: SendPlan) -> bool:
        _show(plan, ws.settings.tz)
        return dry_run or yes or _ask(plan)

    outcome = sending.send_issue(
        ws,
        loaded,
        request,
        confirm=confirm,
        progress=console.waiting,
        link_progress=console.progress,
        warn=console.print_problems,
    )
    _report(ws, loaded, outcome)


def _report(ws: Workspace, loaded: Issue, outcome: SendOutcome) -> None:
    from copro_news import console, sendrecord
    from copro_news.problems import plural

    if outcome.declined:
        # The person said no: not an error, but still not a send (exit 1 for scripts).
        console.info("Nothing was sent.")
        raise typer.Exit(1)
    out = console.out()
    note = common.own_text_note(ws)
    if outcome.errors:
        went = "would go out" if outcome.dry_run else "went out"
        console.warn(
            f"This test {went} with {plural(outcome.errors, 'error')} (listed above): a "
            "proof, for you and your colleagues to catch them. A send to the list refuses "
            "until they are fixed."
        )
    if outcome.dry_run:
        out.print("Dry run: nothing was changed at the provider. It would:")
        for step in outcome.done:
            out.print(f"  - {console.escape(step)}")
        if note:
            console.info(note)
        return
    for step in outcome.done:
        out.print(console.escape(step[:1].upper() + step[1:]) + ".")
    rec = outcome.record
    if rec is not None:
        path = ws.rel(sendrecord.path_for(loaded.folder))
        out.print(f"Issue {loaded.id} is now {rec.state} (record: {path}).")
    if note and outcome.done:
        console.info(note)


def _show(plan: SendPlan, tz: tzinfo) -> None:
    from copro_news import console, sending, sendrecord

    c = console.err()
    e = console.escape
    members = (
        f"{plan.list.members:,} subscribers" if plan.list.members is not None else "local files"
    )
    c.print(f"[bold]Issue {e(plan.issue)}[/] through {e(plan.provider)}")
    c.print(f"  Subject:  {e(plan.subject)}")
    c.print(f"  From:     {e(plan.sender)}")
    c.print(f"  To:       {e(plan.list.name)} ({e(plan.list.id)}), {members}")
    when = sending.format_when(plan.when, tz) if plan.when else "now"
    c.print(f"  When:     {e(when)}")
    if plan.last_test is None:
        c.print("  Test:     [yellow]no test was sent[/] (copro-news send --test ADDRESS)")
    else:
        at = sendrecord.parse_time(plan.last_test.at)
        stamp = sending.format_when(at, tz) if at else plan.last_test.at
        c.print(f"  Test:     sent to {e(', '.join(plan.last_test.addresses))} on {e(stamp)}")
        if plan.content_changed_since_test:
            c.print(
                "            [yellow]the issue changed since that test[/]; "
                "the new content goes up first"
            )
    if plan.resuming:
        c.print(
            "  [yellow]An earlier send did not finish; it resumes from the provider's state.[/]"
        )


def _can_ask() -> bool:
    return sys.stdin.isatty()


def _ask(plan: SendPlan) -> bool:
    from copro_news import console
    from copro_news.errors import RefusedError

    if not _can_ask():
        raise RefusedError(
            "Nothing was sent: there is no terminal to confirm on.",
            "Add --yes to send from a script.",
        )
    from rich.prompt import Confirm

    what = "Schedule" if plan.when else "Send"
    return Confirm.ask(
        f"{what} issue {plan.issue} to {plan.list.name}?", console=console.err(), default=False
    )
