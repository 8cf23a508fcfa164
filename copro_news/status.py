"""Where an issue stands: its send record, and the provider's view of its campaign."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copro_news import sendrecord
from copro_news.errors import CoproNewsError
from copro_news.providers.base import DRAFT, SCHEDULED, SENDING, SENT, Campaign
from copro_news.sending import Progress, format_when, no_progress
from copro_news.sendrecord import SendRecord

if TYPE_CHECKING:
    from copro_news.workspace import Workspace


@dataclass
class IssueStatus:
    issue: str
    state: str
    record: SendRecord | None
    campaign: Campaign | None
    lines: list[str] = field(default_factory=list)
    warning: str | None = None


def _when(text: str | None, zone: tzinfo) -> str:
    when = sendrecord.parse_time(text)
    return format_when(when, zone) if when else ""


def issue_status(ws: Workspace, folder: Path, *, progress: Progress = no_progress) -> IssueStatus:
    """The record of the issue in ``folder`` and, when it has a campaign, the provider's view."""
    from copro_news.sending import provider_for

    zone = ws.settings.tz
    issue = folder.name
    rec = sendrecord.load(folder, issue=issue, shown_as=ws.rel(sendrecord.path_for(folder)))
    if rec is None:
        return _without_record(ws, folder, progress)
    campaign = None
    warning = None
    if rec.campaign_id and rec.provider == ws.settings.provider.name:
        try:
            provider = provider_for(ws)
            try:
                with progress(f"Asking {provider.label}"):
                    campaign = provider.get_campaign(rec.campaign_id)
            finally:
                provider.close()
            if campaign is None:
                warning = f"{provider.label} no longer has campaign {rec.campaign_id}."
        except CoproNewsError as e:
            warning = f"Could not ask the provider: {e.message} The record alone is shown."
    state = rec.state
    if campaign is not None:
        state = {SENDING: "sending", SENT: "sent", SCHEDULED: "scheduled"}.get(
            campaign.status, state if campaign.status == DRAFT else campaign.status
        )
    lines = [f"Issue {issue}: {state}"]
    lines.append(
        f"  Provider:  {rec.provider}, list {rec.list_name or rec.list_id} ({rec.list_id})"
    )
    if rec.campaign_id:
        at = f", status at the provider: {campaign.provider_status}" if campaign else ""
        lines.append(f"  Campaign:  {rec.campaign_id}{at}")
    lines.append(f"  Marker:    {rec.marker}")
    if campaign is not None and campaign.status == SCHEDULED and campaign.send_time:
        lines.append(f"  Scheduled: {format_when(campaign.send_time, zone)}")
    elif rec.scheduled_for and state == "scheduled":
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
        outcome = "" if t.outcome == "sent" else " (not confirmed)"
        lines.append(f"  Test:      {', '.join(t.addresses)} on {_when(t.at, zone)}{outcome}")
    lines.extend(_changes(ws, folder, rec, state))
    if rec.phase.endswith("_requested"):
        lines.append(
            "  An earlier command stopped before the provider answered; "
            "run 'copro-news send' to finish it from the provider's state."
        )
    return IssueStatus(issue, state, rec, campaign, lines, warning)


def _without_record(ws: Workspace, folder: Path, progress: Progress) -> IssueStatus:
    """No send.json: ask the provider for a campaign of this issue, as send does."""
    from copro_news.sending import (
        find_issue_campaigns,
        list_id_for,
        lookback,
        provider_for,
        utc_now,
    )

    issue = folder.name
    found: list[Campaign] = []
    list_id = ""
    try:
        provider = provider_for(ws)
        try:
            list_id = list_id_for(ws)
            with progress(f"Asking {provider.label}"):
                found = find_issue_campaigns(provider, list_id, issue, lookback(issue, utc_now()))
        finally:
            provider.close()
    except CoproNewsError as e:
        return IssueStatus(
            issue,
            sendrecord.DRAFTED,
            None,
            None,
            [f"Issue {issue}: drafted; no send record, and the provider was not asked."],
            f"Could not ask the provider whether the issue went out: {e.message}",
        )
    went = [c for c in found if c.gone] or [c for c in found if c.status == SCHEDULED]
    if not went:
        return IssueStatus(
            issue,
            sendrecord.DRAFTED,
            None,
            None,
            [f"Issue {issue}: drafted; nothing was sent yet (no send record)."],
        )
    campaign = went[0]
    zone = ws.settings.tz
    state = "scheduled" if campaign.status == SCHEDULED else campaign.status
    lines = [
        f"Issue {issue}: {state}",
        f"  Provider:  {ws.settings.provider.name}, list {campaign.list_name or list_id} "
        f"({list_id})",
        f"  Campaign:  {campaign.id}, status at the provider: {campaign.provider_status}",
    ]
    when = format_when(campaign.send_time, zone) if campaign.send_time else ""
    if campaign.status == SCHEDULED:
        lines.append(f"  Scheduled: {when}")
    else:
        count = f", {campaign.emails_sent:,} emails" if campaign.emails_sent is not None else ""
        lines.append(f"  Sent:      {when}{count}")
    if campaign.archive_url:
        lines.append(f"  Archive:   {campaign.archive_url}")
    lines.append(
        f"  This folder has no send record ({ws.rel(sendrecord.path_for(folder))}): this comes "
        "from the provider. Restore the record from git if you can; copro-news will not send "
        "this issue a second time either way."
    )
    return IssueStatus(issue, state, None, campaign, lines)


def _changes(ws: Workspace, folder: Path, rec: SendRecord, state: str) -> list[str]:
    """Whether the issue changed since it was scheduled, sent or last tested."""
    from copro_news.sending import SCHEDULED_CHANGED, SCHEDULED_CHANGED_HINT

    if state == "scheduled":
        since, then = rec.content_hash, "it was scheduled"
    elif state in ("sent", "sending"):
        since, then = rec.content_hash, "it went out"
    elif rec.last_test is not None:
        since, then = rec.last_test.content_hash, "the last test"
    else:
        return []
    if not since:
        return []
    from copro_news.content import load_issue
    from copro_news.sending import current_hash

    try:
        now = current_hash(ws, load_issue(ws, folder))
    except CoproNewsError:
        now = None
    if now is None:
        return [
            f"  The issue has errors now, so copro-news cannot tell whether it changed since "
            f"{then} (see 'copro-news check')."
        ]
    if now == since:
        return []
    if state == "scheduled":
        return [f"  {SCHEDULED_CHANGED}", f"  {SCHEDULED_CHANGED_HINT}"]
    if then == "it went out":
        return ["  The issue changed since it went out: the files no longer match what was sent."]
    return ["  The issue changed since the last test; send another test to see it."]


@dataclass
class Row:
    """One issue of ``status --all``: its record, or why the record cannot be used."""

    issue: str
    record: SendRecord | None
    problem: sendrecord.RecordError | None = None


def all_issues(ws: Workspace) -> list[Row]:
    """Every issue in drafts/ with its send record (None: never sent or tested).

    A record that cannot be read, or belongs to another issue, is reported on its row;
    the others are still listed.
    """
    rows = []
    for folder in ws.issues():
        try:
            rec = sendrecord.load(
                folder, issue=folder.name, shown_as=ws.rel(sendrecord.path_for(folder))
            )
        except sendrecord.RecordError as e:
            rows.append(Row(folder.name, None, e))
        else:
            rows.append(Row(folder.name, rec))
    return rows


def table(rows: list[Row], zone: tzinfo) -> Any:
    from rich.table import Table

    from copro_news.console import escape

    t = Table(box=None, pad_edge=False)
    for name in ("issue", "state", "provider", "list", "when", "campaign"):
        # Only the list's name may wrap: a time cut from its zone, or an id cut in two, misleads.
        t.add_column(name, no_wrap=name != "list", min_width=10 if name == "list" else None)
    for row in rows:
        issue, rec = row.issue, row.record
        if row.problem is not None:
            what = (
                "wrong record"
                if isinstance(row.problem, sendrecord.ForeignRecordError)
                else "unreadable"
            )
            t.add_row(escape(issue), what, "", "", "", "")
            continue
        if rec is None:
            t.add_row(escape(issue), "no record", "", "", "", "")
            continue
        when = _when(
            rec.sent_at or rec.scheduled_for or (rec.last_test.at if rec.last_test else None), zone
        )
        state = rec.state + (" (unfinished)" if rec.phase.endswith("_requested") else "")
        t.add_row(
            escape(issue),
            escape(state),
            escape(rec.provider),
            escape(rec.list_name or rec.list_id),
            escape(when),
            escape(rec.campaign_id or ""),
        )
    return t
