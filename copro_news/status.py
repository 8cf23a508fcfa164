"""Where an issue stands: its send record, and the provider's view of its campaign.

Data only: ``copro-news status`` draws the lines and the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from copro_news import sendrecord
from copro_news.errors import CoproNewsError
from copro_news.providers.base import Campaign, CampaignStatus
from copro_news.sending import Progress, no_progress
from copro_news.sendrecord import RecordState, SendRecord

if TYPE_CHECKING:
    from copro_news.workspace import Workspace


class Since(StrEnum):
    """The step the issue as it is now is compared with."""

    TEST = "test"  # the last test
    SCHEDULE = "schedule"  # when it was scheduled
    SEND = "send"  # when it went out


@dataclass(frozen=True)
class Change:
    """The issue's files changed since a step: the provider has what they were then."""

    since: Since
    #: False when the issue has errors now, so whether it changed cannot be told.
    known: bool = True


@dataclass
class IssueStatus:
    """Where one issue stands, from its record and the provider.

    Without a record, ``campaign`` is the issue's campaign that went out or is scheduled,
    found at the provider (or None), and ``state`` is ``drafted`` when there is none.
    """

    issue: str
    #: drafted, tested, scheduled, sending or sent; or the provider's own word.
    state: str
    record: SendRecord | None
    campaign: Campaign | None
    #: The provider's name and the list: the record's, or the workspace's without one.
    provider: str
    list_id: str
    #: Where the record is (or would be), relative to the workspace.
    record_path: str
    change: Change | None = None
    #: Why the provider could not be asked (None: it was asked, or had nothing to answer).
    provider_error: str | None = None
    #: The provider no longer has the record's campaign (its name in ``provider_label``).
    campaign_missing: bool = False
    provider_label: str = ""


def issue_status(ws: Workspace, folder: Path, *, progress: Progress = no_progress) -> IssueStatus:
    """The record of the issue in ``folder`` and, when it has a campaign, the provider's view."""
    from copro_news.sending import provider_for

    issue = folder.name
    shown = ws.rel(sendrecord.path_for(folder))
    rec = sendrecord.load(folder, issue=issue, shown_as=shown)
    if rec is None:
        return _without_record(ws, folder, shown, progress)
    status = IssueStatus(issue, rec.state, rec, None, rec.provider, rec.list_id, shown)
    if rec.campaign_id and rec.provider == ws.settings.provider.name:
        try:
            provider = provider_for(ws)
            try:
                with progress(f"Asking {provider.label}"):
                    status.campaign = provider.get_campaign(rec.campaign_id)
            finally:
                provider.close()
            status.campaign_missing = status.campaign is None
            status.provider_label = provider.label
        except CoproNewsError as e:
            status.provider_error = e.message
    campaign = status.campaign
    if campaign is not None and campaign.status != CampaignStatus.DRAFT:
        status.state = campaign.status  # the provider's word wins: scheduled, sending, sent...
    status.change = _change(ws, folder, rec, status.state)
    return status


def _without_record(ws: Workspace, folder: Path, shown: str, progress: Progress) -> IssueStatus:
    """No send.json: ask the provider for a campaign of this issue, as send does."""
    from copro_news.sending import find_issue_campaigns, list_id_for, provider_for

    issue = folder.name
    status = IssueStatus(
        issue, RecordState.DRAFTED, None, None, ws.settings.provider.name, "", shown
    )
    found: list[Campaign] = []
    try:
        provider = provider_for(ws)
        try:
            status.list_id = list_id_for(ws)
            with progress(f"Asking {provider.label}"):
                found = find_issue_campaigns(provider, status.list_id, issue)
        finally:
            provider.close()
    except CoproNewsError as e:
        status.provider_error = e.message
        return status
    went = [c for c in found if c.gone] or [
        c for c in found if c.status == CampaignStatus.SCHEDULED
    ]
    if went:
        status.campaign = went[0]
        status.state = went[0].status
    return status


def _change(ws: Workspace, folder: Path, rec: SendRecord, state: str) -> Change | None:
    """Whether the issue changed since it was scheduled, sent or last tested."""
    if state == RecordState.SCHEDULED:
        since, then = rec.content_hash, Since.SCHEDULE
    elif state in (RecordState.SENT, CampaignStatus.SENDING):
        since, then = rec.content_hash, Since.SEND
    elif rec.last_test is not None:
        since, then = rec.last_test.content_hash, Since.TEST
    else:
        return None
    if not since:
        return None
    from copro_news.sending import current_hash, source_hash

    sources = rec.sources_of(since)
    if sources is not None:
        # Hashing the files is cheap; building the issue is not. The same files make the
        # same content. Other files most likely make other content: that is not built to
        # be sure, only read, to tell an issue with errors apart.
        if source_hash(ws, folder) == sources:
            return None
        from copro_news.content import load_issue

        try:
            readable = not load_issue(ws, folder).has_errors
        except CoproNewsError:
            readable = False
        return Change(then, known=readable)
    # A record from before the files' hash was kept: build the issue and compare.
    from copro_news.content import load_issue

    try:
        now = current_hash(ws, load_issue(ws, folder))
    except CoproNewsError:
        now = None
    if now is None:
        return Change(then, known=False)
    if now == since:
        return None
    return Change(then)


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
