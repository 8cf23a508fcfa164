from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, Any

import typer

from copro_news.commands import common

if TYPE_CHECKING:
    from copro_news.status import Change, IssueStatus, Row


def command(
    ctx: typer.Context,
    issue: str | None = typer.Argument(None, help=common.ISSUE_HELP),
    all_: bool = typer.Option(False, "--all", "-a", help="A table of every issue."),
) -> None:
    """Show where an issue stands, or every issue.

    Drafted, tested, scheduled or sent: from the issue's send record
    (send.json) and the provider's view of its campaign (a Buttondown email
    is "sending" from the moment it is about to send); without a record,
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
        console.out().print(_table(rows, ws.settings.tz))
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
    report = status_lib.issue_status(ws, folder, progress=console.waiting)
    warning = _warning(report)
    if warning:
        console.warn(warning)
    for line in _lines(report, ws.settings.tz):
        console.out().print(console.escape(line))


def _when(text: str | None, zone: tzinfo) -> str:
    from copro_news.sending import format_when
    from copro_news.sendrecord import parse_time

    when = parse_time(text)
    return format_when(when, zone) if when else ""


def _warning(report: IssueStatus) -> str | None:
    if report.provider_error is not None:
        if report.record is None:
            return f"Could not ask the provider whether the issue went out: {report.provider_error}"
        return f"Could not ask the provider: {report.provider_error} The record alone is shown."
    if report.campaign_missing and report.record is not None:
        return f"{report.provider_label} no longer has campaign {report.record.campaign_id}."
    return None


def _lines(report: IssueStatus, zone: tzinfo) -> list[str]:
    from copro_news.providers.base import CampaignStatus
    from copro_news.sending import format_when
    from copro_news.sendrecord import TEST_SENT, RecordState

    issue, rec, campaign, state = report.issue, report.record, report.campaign, report.state
    if rec is None and campaign is None:
        if report.provider_error is not None:
            return [f"Issue {issue}: drafted; no send record, and the provider was not asked."]
        return [f"Issue {issue}: drafted; nothing was sent yet (no send record)."]
    lines = [f"Issue {issue}: {state}"]
    if rec is None:
        assert campaign is not None
        list_name = campaign.list_name or report.list_id
        lines.append(f"  Provider:  {report.provider}, list {list_name} ({report.list_id})")
        lines.append(
            f"  Campaign:  {campaign.id}, status at the provider: {campaign.provider_status}"
        )
        when = format_when(campaign.send_time, zone) if campaign.send_time else ""
        if campaign.status == CampaignStatus.SCHEDULED:
            lines.append(f"  Scheduled: {when}")
        else:
            count = f", {campaign.emails_sent:,} emails" if campaign.emails_sent is not None else ""
            lines.append(f"  Sent:      {when}{count}")
        if campaign.archive_url:
            lines.append(f"  Archive:   {campaign.archive_url}")
        lines.append(
            f"  This folder has no send record ({report.record_path}): this comes "
            "from the provider. Restore the record from git if you can; copro-news will not "
            "send this issue a second time either way."
        )
        return lines
    lines.append(
        f"  Provider:  {rec.provider}, list {rec.list_name or rec.list_id} ({rec.list_id})"
    )
    if rec.campaign_id:
        at = f", status at the provider: {campaign.provider_status}" if campaign else ""
        lines.append(f"  Campaign:  {rec.campaign_id}{at}")
    lines.append(f"  Marker:    {rec.marker}")
    if campaign is not None and campaign.status == CampaignStatus.SCHEDULED and campaign.send_time:
        lines.append(f"  Scheduled: {format_when(campaign.send_time, zone)}")
    elif rec.scheduled_for and state == RecordState.SCHEDULED:
        lines.append(f"  Scheduled: {_when(rec.scheduled_for, zone)}")
    if campaign is not None and campaign.gone:
        when = format_when(campaign.send_time, zone) if campaign.send_time else ""
        count = f", {campaign.emails_sent:,} emails" if campaign.emails_sent is not None else ""
        lines.append(f"  Sent:      {when}{count}")
    elif rec.sent_at:
        lines.append(f"  Sent:      {_when(rec.sent_at, zone)}")
    if campaign is not None and campaign.archive_url:
        lines.append(f"  Archive:   {campaign.archive_url}")
    for t in rec.tests:
        outcome = "" if t.outcome == TEST_SENT else " (not confirmed)"
        lines.append(f"  Test:      {', '.join(t.addresses)} on {_when(t.at, zone)}{outcome}")
    if report.change is not None:
        lines.extend(_change_lines(report.change))
    if rec.in_flight is not None:
        lines.append(
            "  An earlier command stopped before the provider answered; "
            "run 'copro-news send' to finish it from the provider's state."
        )
    return lines


def _change_lines(change: Change) -> list[str]:
    from copro_news.sending import SCHEDULED_CHANGED, SCHEDULED_CHANGED_HINT
    from copro_news.status import Since

    then = {
        Since.TEST: "the last test",
        Since.SCHEDULE: "it was scheduled",
        Since.SEND: "it went out",
    }[change.since]
    if not change.known:
        return [
            f"  The issue has errors now, so copro-news cannot tell whether it changed since "
            f"{then} (see 'copro-news check')."
        ]
    if change.since == Since.SCHEDULE:
        return [f"  {SCHEDULED_CHANGED}", f"  {SCHEDULED_CHANGED_HINT}"]
    if change.since == Since.SEND:
        return ["  The issue changed since it went out: the files no longer match what was sent."]
    return ["  The issue changed since the last test; send another test to see it."]


def _table(rows: list[Row], zone: tzinfo) -> Any:
    from rich.table import Table

    from copro_news.console import escape
    from copro_news.sendrecord import ForeignRecordError

    t = Table(box=None, pad_edge=False)
    for name in ("issue", "state", "provider", "list", "when", "campaign"):
        # Only the list's name may wrap: a time cut from its zone, or an id cut in two, misleads.
        t.add_column(name, no_wrap=name != "list", min_width=10 if name == "list" else None)
    for row in rows:
        issue, rec = row.issue, row.record
        if row.problem is not None:
            what = "wrong record" if isinstance(row.problem, ForeignRecordError) else "unreadable"
            t.add_row(escape(issue), what, "", "", "", "")
            continue
        if rec is None:
            t.add_row(escape(issue), "no record", "", "", "", "")
            continue
        when = _when(
            rec.sent_at or rec.scheduled_for or (rec.last_test.at if rec.last_test else None), zone
        )
        state = rec.state + (" (unfinished)" if rec.in_flight is not None else "")
        t.add_row(
            escape(issue),
            escape(state),
            escape(rec.provider),
            escape(rec.list_name or rec.list_id),
            escape(when),
            escape(rec.campaign_id or ""),
        )
    return t
