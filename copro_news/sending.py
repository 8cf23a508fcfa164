"""Test, schedule and send an issue exactly once, whatever fails on the way.

:func:`send_issue` is the send use case, what ``copro-news send`` does: refuse early what
the record and the provider already rule out, check the issue, plan the send, ask
``confirm(plan)``, then send, test, schedule or cancel. It returns a :class:`SendOutcome`
for the caller to show; it never prints.

:class:`SendFlow` drives a :class:`~copro_news.providers.base.Provider` through the steps
of a send and keeps the issue's ``send.json`` one step ahead of every call that changes
something at the provider (the record's methods are the phase changes):

1. Find the campaign: the one in the record, else the oldest draft of the issue on the
   list (made by this copy of the workspace or another); refuse if a campaign of the issue
   already went out or is scheduled.
2. Create it only when none was found (``create_requested`` is written first; a lost
   answer is resolved by looking for the campaign again, never by a second create).
3. Before a send to the list, the provider is the arbiter between copies of the workspace
   (clones of the team's repository) that send the same issue at the same moment: once the
   provider's clock is past the campaign's creation by more than the resolution of its
   creation times, every campaign of the issue is listed; the oldest is the one. A copy
   whose campaign is not the oldest deletes the drafts it made and stops: another copy is
   sending the issue. A campaign that copy cannot see then is newer than its own.
4. Upload the pictures (once each) and the content when it differs from what was
   uploaded last.
5. Re-read the campaign; send or schedule only a draft (``send_requested`` is written
   first). When the answer is lost, the provider's status tells what happened; a send
   refused because the campaign already left is "already went out", never a second send.

A rerun after any failure starts again at step 1 and so resumes from the provider's
real state.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from copro_news import sendrecord
from copro_news.errors import ProviderError, RefusedError, UsageError
from copro_news.problems import plural
from copro_news.providers.base import (
    Campaign,
    CampaignStatus,
    MailingList,
    Message,
    Provider,
)
from copro_news.providers.http import OutcomeUnknown
from copro_news.sendrecord import Call, RecordState, SendRecord, issue_prefix

if TYPE_CHECKING:
    from copro_news.content import Issue
    from copro_news.images import LocalImage
    from copro_news.problems import Problem
    from copro_news.render import Build
    from copro_news.workspace import Workspace

#: Wraps each wait on the provider: ``with progress("Sending through Mailchimp"): ...``.
Progress = Callable[[str], AbstractContextManager[object]]
#: Wraps the link checks: ``with link_progress("Checking links") as update:`` where
#: ``update(done, total)`` moves a bar, or is None when there is nothing to draw.
LinkProgress = Callable[[str], AbstractContextManager[Callable[[int, int], None] | None]]
#: Gets the plan of a send to the list; says yes (go ahead) or no (nothing is sent).
Confirm = Callable[["SendPlan"], bool]

#: After a send whose answer was lost, how often and how long apart to re-read the
#: campaign before trusting that it is still a draft.
RECHECKS = 3
RECHECK_DELAY = 5.0
#: Seconds beyond the resolution of the provider's creation times that a send to the list
#: waits, from the first answer that showed its campaign, before the last look for other
#: copies' campaigns (the clocks of the provider's machines may differ a little).
SETTLE_MARGIN = 0.5
SCHEDULE_FORMAT = "%Y-%m-%d %H:%M"

ONE_ACTION = "Use one of --test, --schedule and --cancel at a time."
EMPTY_SCHEDULE = (
    "--schedule was given no date and time (an empty variable?); nothing was sent.",
    'Write it as "YYYY-MM-DD HH:MM" in the workspace time zone, e.g. "2026-12-01 09:00", '
    "or leave out --schedule to send now.",
)
SCHEDULED_CHANGED = (
    "The issue changed since it was scheduled: the content as it was then will go out."
)
SCHEDULED_CHANGED_HINT = (
    "To send the new content, run 'copro-news send --cancel', then send it again."
)


def no_progress(_text: str) -> AbstractContextManager[object]:
    return nullcontext()


def no_link_progress(_text: str) -> AbstractContextManager[Callable[[int, int], None] | None]:
    return nullcontext(None)


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_when(when: datetime, zone: tzinfo) -> str:
    """'Tue 1 Dec 2026 09:00 GMT' in the workspace's time zone."""
    local = when.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def parse_schedule(text: str, zone: tzinfo, *, now: datetime, step_minutes: int | None) -> datetime:
    """Read "YYYY-MM-DD HH:MM" in ``zone``; return it in UTC, or say plainly what is wrong."""
    if not text.strip():  # an empty shell variable: never taken for "now"
        raise UsageError(*EMPTY_SCHEDULE)
    try:
        naive = datetime.strptime(text.strip(), SCHEDULE_FORMAT)
    except ValueError:
        raise UsageError(
            f"--schedule {text!r} is not a date and time.",
            'Write it as "YYYY-MM-DD HH:MM" in the workspace time zone, e.g. "2026-12-01 09:00".',
        ) from None
    zname = str(zone)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise UsageError(
            f"{text} does not exist in {zname}: the clocks go forward then.",
            "Pick a time an hour later or earlier.",
        )
    if first.utcoffset() != second.utcoffset():
        raise UsageError(
            f"{text} happens twice in {zname}: the clocks go back then.",
            "Pick a time outside the hour when the clocks change.",
        )
    when = first.astimezone(UTC)
    if step_minutes and when.minute % step_minutes:
        marks = ", ".join(f":{m:02d}" for m in range(0, 60, step_minutes))
        raise UsageError(
            f"The provider schedules only on the quarter hour; {text} is not one.",
            f"Pick a time ending in {marks}.",
        )
    if when <= now:
        raise UsageError(
            f"{text} ({zname}) is in the past.",
            f"It is now {format_when(now, zone)}; pick a later time, or leave out --schedule.",
        )
    return when


@contextmanager
def issue_lock(issue_dir: Path) -> Iterator[None]:
    """Hold the issue folder for one send at a time; refuse if another command holds it.

    The lock is on the folder itself (no lock file to clean up); the system drops it when
    the process ends, however it ends.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no lock
        yield
        return
    fd = os.open(issue_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise RefusedError(
                f"Another copro-news command is sending issue {Path(issue_dir).name} right now.",
                "Wait for it to finish, then run 'copro-news status'.",
            ) from None
        yield
    finally:
        os.close(fd)


def find_issue_campaigns(provider: Provider, list_id: str, issue: str) -> list[Campaign]:
    """Every campaign of ``issue`` on the list, however old, whichever copy of the workspace
    made it and whatever its marker: by what every marker of the issue starts with.
    Oldest first."""
    return provider.find_campaigns(list_id, issue_prefix(issue))


@dataclass
class SendPlan:
    """What a send will do, for the confirmation prompt."""

    issue: str
    provider: str
    subject: str
    sender: str
    list: MailingList
    when: datetime | None  # None: now
    campaign: Campaign | None  # None: to be created
    last_test: sendrecord.TestSend | None
    content_changed_since_test: bool
    content_to_upload: bool
    resuming: bool


@dataclass
class SendOutcome:
    """What a send, test or cancel did (or, in a dry run, would have done)."""

    #: Each step in words, in order: "created campaign 1a2b", "sent to the list"...
    done: list[str] = field(default_factory=list)
    campaign: Campaign | None = None
    record: SendRecord | None = None
    dry_run: bool = False
    #: ``confirm`` said no: nothing was sent, nothing changed.
    declined: bool = False
    #: A test went out while the issue has this many errors (a send to the list refuses).
    errors: int = 0


class SendFlow:
    """The send of one issue through one provider to one list; its record is a step ahead."""

    def __init__(
        self,
        provider: Provider,
        issue_dir: Path,
        message: Message | None,
        list_id: str,
        *,
        zone: tzinfo = UTC,
        clock: Callable[[], datetime] = utc_now,
        progress: Progress = no_progress,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        dry_run: bool = False,
        issue: str | None = None,
        record_name: str | None = None,
        current_hash: Callable[[], str | None] | None = None,
        source_hash: str | None = None,
    ) -> None:
        self.provider = provider
        self.issue_dir = Path(issue_dir)
        self.message = message
        #: The issue this send is for; a record of another issue is refused, never reused.
        self.issue = issue or (message.issue_id if message else self.issue_dir.name)
        self.record_name = record_name
        #: The content hash of the issue as it is now, before ``message`` is known.
        self.current_hash = current_hash
        #: The hash of the files ``message`` is (or will be) built from, taken before the
        #: build: kept in the record beside the content hash, for ``status``.
        self.source_hash = source_hash
        self.list_id = list_id
        self.zone = zone
        self.clock = clock
        self.progress = progress
        self.sleep = sleep
        self.monotonic = monotonic
        self.dry_run = dry_run
        self._created_now = False
        self._located: Campaign | None = None
        #: When this run first got an answer showing each campaign (monotonic seconds).
        self._seen: dict[str, float] = {}
        #: The campaigns this run saw as drafts: one that leaves without this copy sending
        #: it was sent from another copy.
        self._drafts_seen: set[str] = set()
        #: The issue had a send record when this run began.
        self._had_record = sendrecord.path_for(self.issue_dir).exists()
        self.record = self._open_record()
        self.hash = message_hash(message) if message is not None else ""

    def use(self, message: Message) -> None:
        """The built issue, when it was built after the flow was made."""
        self.message = message
        self.hash = message_hash(message)

    @property
    def msg(self) -> Message:
        if self.message is None:
            raise RuntimeError("this step needs the built issue")
        return self.message

    # -- the record ---------------------------------------------------------------------
    def _open_record(self) -> SendRecord:
        rec = sendrecord.load(self.issue_dir, issue=self.issue, shown_as=self.record_name)
        if rec is not None and (rec.provider, rec.list_id) == (self.provider.name, self.list_id):
            return rec
        if (
            rec is not None
            and rec.provider != "outbox"
            and (rec.committed or rec.in_flight is not None)
        ):
            raise RefusedError(
                f"Issue {rec.issue} is {rec.state} through {rec.provider} "
                f"(list {rec.list_id}); this workspace now sends through "
                f"{self.provider.name} (list {self.list_id}).",
                "One issue goes out once. Put the provider settings back to see its status.",
            )
        return sendrecord.new_record(
            self.issue,
            self.provider.name,
            self.list_id,
            self.clock(),
            shared=self.provider.shared,
        )

    def _save(self) -> None:
        if not self.dry_run:
            sendrecord.save(self.issue_dir, self.record, self.clock())

    def _wait(self, text: str) -> AbstractContextManager[object]:
        return self.progress(text)

    def _outcome(self) -> SendOutcome:
        return SendOutcome(record=self.record, dry_run=self.dry_run)

    # -- finding the campaign -------------------------------------------------------------
    def _note(self, *campaigns: Campaign) -> None:
        now = self.monotonic()
        for campaign in campaigns:
            self._seen.setdefault(campaign.id, now)
            if campaign.status == CampaignStatus.DRAFT:
                self._drafts_seen.add(campaign.id)

    def _read(self, campaign_id: str) -> Campaign | None:
        with self._wait(f"Reading the campaign from {self.provider.label}"):
            campaign = self.provider.get_campaign(campaign_id)
        if campaign is not None:
            self._note(campaign)
        return campaign

    def _find(self) -> list[Campaign]:
        """Every campaign of the issue on the list, oldest first."""
        with self._wait(f"Looking for this issue's campaign at {self.provider.label}"):
            found = find_issue_campaigns(self.provider, self.list_id, self.record.issue)
        self._note(*found)
        return found

    def _adopt_scheduled(self) -> Campaign | None:
        """With no campaign in the record (it was lost), the one scheduled campaign of this
        issue at the provider, taken into the record so that it can be cancelled."""
        scheduled = [c for c in self._find() if c.status == CampaignStatus.SCHEDULED]
        if len(scheduled) != 1:
            return None
        self.record.recover(scheduled[0].id, scheduled[0].title)
        self._save()
        return scheduled[0]

    def locate(self) -> Campaign | None:
        """The issue's campaign at the provider, or None; refuses when one went out.

        Without a campaign in the record, the oldest draft of the issue on the list is the
        issue's campaign, whichever copy of the workspace made it: one campaign per issue
        per list.
        """
        rec = self.record
        if rec.campaign_id:
            campaign = self._read(rec.campaign_id)
            if campaign is not None:
                return campaign
            if rec.committed:
                raise ProviderError(
                    f"Campaign {rec.campaign_id} of issue {rec.issue} is {rec.state} by the send "
                    f"record, but {self.provider.label} no longer has it.",
                    f"Look for it in {self.provider.where} before sending anything.",
                )
            rec.forget_campaign()
        found = self._find()
        for other in found:
            if other.gone or other.status == CampaignStatus.SCHEDULED:
                raise RefusedError(
                    f"Issue {rec.issue} {self._went(other)} "
                    f"(campaign {other.id}, '{other.title}').",
                    "One issue goes out once. " + self._no_record_of_it(),
                )
        drafts = [c for c in found if c.status == CampaignStatus.DRAFT]
        if drafts:
            rec.adopt(drafts[0].id, drafts[0].list_name)
            self._save()
            return drafts[0]
        return None

    def _no_record_of_it(self) -> str:
        if not self.provider.shared:
            return (
                f"The send record of that campaign is missing; look at it in {self.provider.where}."
            )
        return (
            "This copy of the workspace has no send record of it: it went from another copy "
            "(git pull brings that record), or the record was lost; look at it in "
            f"{self.provider.where}."
        )

    def _went(self, campaign: Campaign) -> str:
        """What happened to the campaign: 'is already scheduled for ...', 'already went out ...'."""
        where = f"to '{campaign.list_name or campaign.list_id}' through {self.provider.label}"
        when = campaign.send_time
        if campaign.status == CampaignStatus.SCHEDULED:
            at = format_when(when, self.zone) if when else "later"
            return f"is already scheduled for {at} {where}"
        if when is not None:
            return f"already went out on {format_when(when, self.zone)} {where}"
        return f"already went out {where}"

    def _settle(self, campaign: Campaign) -> None:
        """Bring the record in line with a campaign that is no longer a draft."""
        rec = self.record
        if campaign.gone:
            if rec.state != RecordState.SENT:
                rec.mark_sent(campaign.send_time or self.clock())
                self._save()
        elif campaign.status == CampaignStatus.SCHEDULED and rec.state != RecordState.SCHEDULED:
            rec.mark_scheduled(campaign.send_time)
            self._save()

    def _refuse_unless_draft(self, campaign: Campaign | None) -> None:
        rec = self.record
        if rec.state == RecordState.SENT and (
            campaign is None or campaign.status == CampaignStatus.DRAFT
        ):
            # The provider lost track (an outbox file deleted, say); the record has not.
            when = sendrecord.parse_time(rec.sent_at)
            raise RefusedError(
                f"Issue {rec.issue} already went out"
                + (f" on {format_when(when, self.zone)}" if when else "")
                + f" to '{rec.list_name or rec.list_id}' through {self.provider.label}, "
                "by its send record.",
                "One issue goes out once.",
            )
        if campaign is None or campaign.status == CampaignStatus.DRAFT:
            return
        left = campaign.gone or campaign.status == CampaignStatus.SCHEDULED
        if left and campaign.id in self._drafts_seen and not rec.resumable:
            self._left_meanwhile(campaign)  # a draft a moment ago, and this copy sent nothing
        self._settle(campaign)
        if campaign.status == CampaignStatus.CANCELED:
            raise RefusedError(
                f"Campaign {campaign.id} of issue {self.record.issue} was cancelled at "
                f"{self.provider.label}; copro-news will not send it again."
            )
        hint = "One issue goes out once."
        if campaign.status == CampaignStatus.SCHEDULED:
            if self._changed_since_upload():
                hint = SCHEDULED_CHANGED + " " + SCHEDULED_CHANGED_HINT
            else:
                hint += (
                    " To change the time or the content, run 'copro-news send --cancel' "
                    "first, then send it again."
                )
        raise RefusedError(f"Issue {self.record.issue} {self._went(campaign)}.", hint)

    def _changed_since_upload(self) -> bool:
        """True when the issue now differs from the content the campaign holds."""
        uploaded = self.record.content_hash
        if not uploaded:
            return False
        if self.message is not None:
            return self.hash != uploaded
        if self.source_hash is not None and self.record.sources_of(uploaded) == self.source_hash:
            return False  # the same files make the same content: no need to build it
        now = self.current_hash() if self.current_hash is not None else None
        return bool(now) and now != uploaded

    # -- changing things at the provider -----------------------------------------------
    def _ensure_campaign(self, out: SendOutcome) -> Campaign | None:
        campaign, self._located = self._located, None
        if campaign is None:
            campaign = self.locate()
        if campaign is not None:
            return campaign
        rec = self.record
        if self.dry_run:
            out.done.append(f"create a draft campaign '{rec.title}' for list {self.list_id}")
            return None
        before = rec.request(Call.CREATE)
        self._save()
        try:
            with self._wait(f"Creating the campaign at {self.provider.label}"):
                campaign = self.provider.create_campaign(self.msg, self.list_id, rec.title)
        except OutcomeUnknown:
            found = [
                c for c in self._find() if rec.made(c.title) and c.status == CampaignStatus.DRAFT
            ]
            if not found:
                raise
            campaign = found[0]
        except ProviderError:
            rec.withdraw(before)
            self._save()
            if self.provider.shared:
                # Refused: a provider that takes one campaign per marker refuses a second
                # one, which another copy of the workspace made a moment ago.
                made_meanwhile = self.locate()
                if made_meanwhile is not None:
                    return made_meanwhile
            raise
        self._note(campaign)
        rec.mark_created(campaign.id, campaign.list_name)
        self._save()
        self._created_now = True
        out.done.append(f"created campaign {campaign.id}")
        return campaign

    def _upload(self, campaign: Campaign | None, out: SendOutcome) -> None:
        rec = self.record
        if campaign is not None and rec.content_hash == self.hash:
            rec.note_sources(self.hash, self.source_hash)  # saved with the next step
            return
        if campaign is not None and campaign.status != CampaignStatus.DRAFT:
            self._refuse_unless_draft(campaign)
        if self.dry_run or campaign is None:
            new = self._pictures_to_store()
            if new:
                out.done.append(
                    f"upload {plural(len(new), 'picture')} to {self.provider.label}'s file store"
                )
            out.done.append("upload the HTML and text of the issue")
            return
        message = self._store_pictures(out)
        rec.request(Call.CONTENT)
        self._save()
        try:
            with self._wait(f"Uploading the issue to {self.provider.label}"):
                self.provider.set_content(campaign.id, message, settings=not self._created_now)
        except ProviderError:
            # Refused because another copy of the workspace sent it meanwhile: say so.
            after = self._read(campaign.id)
            if after is not None and after.status != CampaignStatus.DRAFT:
                self._refuse_unless_draft(after)
            raise
        rec.mark_content_set(self.hash)
        rec.note_sources(self.hash, self.source_hash)
        self._save()
        out.done.append("uploaded the HTML and text of the issue")

    # -- the issue's pictures in the provider's file store --------------------------------------
    def _pictures(self) -> list[LocalImage]:
        """The issue's pictures once each, when the provider keeps them in a file store."""
        if not self.provider.stores_images or self.message is None:
            return []
        return list({p.sha256: p for p in self.message.images}.values())

    def _pictures_to_store(self) -> list[LocalImage]:
        return [p for p in self._pictures() if not self.record.images.get(p.sha256)]

    def _store_pictures(self, out: SendOutcome) -> Message:
        """Put each picture in the provider's file store once, and return the message whose
        HTML points there.

        A picture the record knows is not looked for again. The others are looked for by
        their names (made from their content: another copy of the workspace, or a run whose
        answer was lost, may have stored them), and only those not found are uploaded, each
        written ahead in the record.
        """
        rec = self.record
        pictures = self._pictures()
        missing = self._pictures_to_store()
        if missing:
            with self._wait(f"Looking for the issue's pictures at {self.provider.label}"):
                found = self.provider.find_images({p.upload_name for p in missing})
            for picture in missing:
                if found.get(picture.upload_name):
                    rec.images[picture.sha256] = found[picture.upload_name]
            self._save()
        for picture in self._pictures_to_store():
            name = picture.upload_name
            rec.images[picture.sha256] = ""  # in flight
            self._save()
            try:
                with self._wait(f"Uploading the picture {name} to {self.provider.label}"):
                    url = self.provider.upload_image(picture)
            except OutcomeUnknown:
                with self._wait(f"Looking for the picture {name} at {self.provider.label}"):
                    url = self.provider.find_images({name}).get(name, "")
                if not url:
                    raise
            except ProviderError:
                del rec.images[picture.sha256]
                self._save()
                raise
            rec.images[picture.sha256] = url
            self._save()
            out.done.append(f"uploaded the picture {name}")
        if not pictures:
            return self.msg
        return self.msg.with_image_urls({p.sha256: rec.images[p.sha256] for p in pictures})

    def send_test(self, addresses: list[str]) -> SendOutcome:
        dry_run = self.dry_run
        out = self._outcome()
        self._refuse_unfinished_send()
        campaign = self._ensure_campaign(out)
        self._refuse_unless_draft(campaign)
        self._upload(campaign, out)
        who = ", ".join(addresses)
        if dry_run or campaign is None:
            out.done.append(f"send a test to {who}")
            return out
        rec = self.record
        test = rec.request_test(self.clock(), addresses, self.hash)
        self._save()
        try:
            with self._wait(f"Sending a test to {who}"):
                self.provider.send_test(campaign.id, list(addresses))
        except OutcomeUnknown as e:
            rec.drop_test(test, maybe_sent=True)
            self._save()
            raise ProviderError(
                f"{e.message} The test to {who} may or may not have gone out.",
                "Look in the inbox; run the command again to send another test.",
            ) from None
        except ProviderError:
            rec.drop_test(test, maybe_sent=False)
            self._save()
            raise
        rec.mark_tested(test)
        self._save()
        out.done.append(f"sent a test to {who}")
        out.campaign = campaign
        return out

    def refuse_early(self, *, test: bool = False) -> None:
        """Refuse now what the record and the provider already rule out (sent, scheduled).

        Needs no built issue, so it runs before the checks: the reason given is the right one.
        """
        if test:
            self._refuse_unfinished_send()
        self._refuse_unless_draft(self.locate())

    def _refuse_unfinished_send(self) -> None:
        if self.record.resumable:
            raise RefusedError(
                f"An earlier send of issue {self.record.issue} did not finish.",
                "Run 'copro-news send' to find out whether it went, and to finish it.",
            )

    def plan(self, when: datetime | None = None) -> SendPlan:
        """Look, change nothing: what a send would do, or a refusal if it must not happen."""
        rec = self.record
        campaign = self.locate()
        self._refuse_unless_draft(campaign)
        self._located = campaign
        with self._wait(f"Reading the list from {self.provider.label}"):
            lst = self.provider.get_list(self.list_id)
        if lst is None:
            raise ProviderError(
                f"{self.provider.label} has no list {self.list_id!r}.",
                "Run 'copro-news lists' and set [provider] list in copro-news.toml.",
            )
        last = rec.last_test
        m = self.msg
        return SendPlan(
            issue=rec.issue,
            provider=self.provider.label,
            subject=m.subject,
            sender=f"{m.from_name} <{m.from_email}>",
            list=lst,
            when=when,
            campaign=campaign,
            last_test=last,
            content_changed_since_test=last is not None and last.content_hash != self.hash,
            content_to_upload=campaign is None or rec.content_hash != self.hash,
            resuming=rec.resumable,
        )

    def send(self, when: datetime | None = None) -> SendOutcome:
        """Send to the list now, or schedule for ``when`` (UTC)."""
        rec = self.record
        out = self._outcome()
        target = f"list {self.list_id}"
        for _ in range(3):
            campaign = self._ensure_campaign(out)
            self._refuse_unless_draft(campaign)
            if self.dry_run or campaign is None:
                self._upload(campaign, out)
                out.done.append(
                    f"schedule it for {format_when(when, self.zone)} to {target}"
                    if when
                    else f"send it now to {target}"
                )
                return out
            chosen = self._arbitrate(campaign)
            if chosen is not None:
                campaign = chosen
                break
        else:  # pragma: no cover - each turn follows an older campaign of this copy
            raise ProviderError(
                f"The campaigns of issue {rec.issue} at {self.provider.label} keep changing.",
                "Run 'copro-news status' in a minute, then the command again.",
            )
        self._refuse_unless_draft(campaign)
        self._upload(campaign, out)
        campaign = self._gate(campaign)
        if campaign.status != CampaignStatus.DRAFT:
            self._refuse_unless_draft(campaign)
        before = rec.request(Call.SCHEDULE if when else Call.SEND, when=when)
        self._save()
        try:
            with self._wait(
                f"Scheduling with {self.provider.label}"
                if when
                else f"Sending through {self.provider.label}"
            ):
                if when is None:
                    self.provider.send(campaign.id)
                else:
                    self.provider.schedule(campaign.id, when)
        except ProviderError as e:
            after = self._read(campaign.id)
            if after is None or after.status == CampaignStatus.DRAFT:
                if not isinstance(e, OutcomeUnknown):
                    rec.withdraw(before)
                    self._save()
                raise
            if not isinstance(e, OutcomeUnknown):
                # Refused for sure, and no longer a draft: another copy of the workspace (or
                # someone in the web app) sent or scheduled it at the same moment.
                rec.withdraw(before)
                self._save()
                self._refuse_unless_draft(after)
            campaign = after
        else:
            campaign = dataclasses.replace(
                campaign,
                status=CampaignStatus.SCHEDULED if when else CampaignStatus.SENT,
                send_time=when or self.clock(),
            )
        self._settle(campaign)
        out.campaign = campaign
        out.done.append(
            f"scheduled for {format_when(when, self.zone)}" if when else "sent to the list"
        )
        return out

    # -- one campaign per issue per list, whichever copy of the workspace sends ------------------
    def _settle_wait(self, campaign: Campaign) -> None:
        """Wait until the provider's clock is past ``campaign``'s creation by more than the
        resolution of its creation times.

        The campaign was made before the first answer that showed it; once that much time
        has passed since that answer, it has passed at the provider too. A campaign made
        after that (one the last look cannot see) then has a later creation time than
        ``campaign``: it cannot be taken for the older one by any copy.
        """
        resolution = self.provider.created_resolution
        if resolution <= 0:
            return
        seen = self._seen.setdefault(campaign.id, self.monotonic())
        remaining = seen + resolution + SETTLE_MARGIN - self.monotonic()
        if remaining > 0:
            with self._wait("Making sure no other copy of the workspace is sending this issue"):
                self.sleep(remaining)

    def _arbitrate(self, campaign: Campaign) -> Campaign | None:
        """The last look before a send to the list: only the issue's oldest campaign goes out.

        Returns ``campaign`` when it is the one (after deleting other drafts this copy made).
        Returns None when the one is another draft this copy made (found after a lost
        answer): the record now follows it, and the caller starts again. Raises RefusedError
        when another copy's campaign is the one, after deleting the drafts this copy made.
        """
        if not self.provider.shared:
            return campaign
        rec = self.record
        self._settle_wait(campaign)
        found = self._find()
        mine = next((c for c in found if c.id == campaign.id), None)
        if mine is not None and mine.status != CampaignStatus.DRAFT:
            return mine  # it left meanwhile: the caller says so
        went = [c for c in found if c.gone or c.status == CampaignStatus.SCHEDULED]
        drafts = [c for c in found if c.status == CampaignStatus.DRAFT]
        made = [c for c in drafts if rec.made(c.title)]
        winner = went[0] if went else drafts[0] if drafts else None
        if winner is None:
            raise ProviderError(
                f"{self.provider.label} does not list campaign {campaign.id} among the "
                f"campaigns of list {self.list_id} yet; nothing was sent.",
                "Run the command again in a minute.",
            )
        if winner.id == campaign.id or (winner in drafts and rec.made(winner.title)):
            self._delete_own([c for c in made if c.id != winner.id])
            if winner.id == campaign.id:
                return campaign
            rec.lose_to(winner.id, winner.list_name)  # this copy made it: it is the one
            self._save()
            return None
        self._lose(winner, made)
        raise AssertionError("unreachable")  # pragma: no cover

    def _left_meanwhile(self, campaign: Campaign) -> NoReturn:
        """The campaign was a draft a moment ago and this copy sent nothing, but it went out
        or was scheduled: from another copy of the workspace (or the provider's web app)."""
        self._settle(campaign)
        raise RefusedError(
            f"Issue {self.record.issue} {self._went(campaign)}, from another copy of the "
            f"workspace at the same moment (campaign {campaign.id}); this copy sent nothing.",
            "One issue goes out once.",
        )

    def _delete_own(self, drafts: list[Campaign]) -> list[tuple[Campaign, ProviderError]]:
        """Delete drafts this copy made that are not the issue's campaign; what could not be."""
        failed = []
        for draft in drafts:
            try:
                with self._wait(f"Deleting draft {draft.id} at {self.provider.label}"):
                    self.provider.delete_campaign(draft.id)
            except ProviderError as e:
                failed.append((draft, e))
        return failed

    def _lose(self, winner: Campaign, made: list[Campaign]) -> None:
        """Another copy's campaign is the issue's: delete what this copy made, and stop."""
        rec = self.record
        failed = self._delete_own(made)
        deleted = [c.id for c in made if c not in [f[0] for f in failed]]
        if failed:
            # The record keeps following this copy's draft, so that the next run deletes it.
            self._save()
        elif self._had_record:
            rec.lose_to(winner.id, winner.list_name)
            self._save()
            self._settle(winner)
        else:  # nothing of this run stays, here or at the provider
            with suppress(FileNotFoundError):
                sendrecord.path_for(self.issue_dir).unlink()
        if winner.status == CampaignStatus.DRAFT:
            what = (
                f"Another copy of the workspace is sending issue {rec.issue} through "
                f"{self.provider.label} (campaign {winner.id}, made first)"
            )
            hint = (
                "One issue goes out once. Run 'copro-news status' in a minute to see whether "
                "it went out; if it did not, run 'copro-news send' again: it sends that campaign."
            )
        else:
            what = (
                f"Issue {rec.issue} {self._went(winner)}, from another copy of the workspace "
                f"(campaign {winner.id})"
            )
            hint = "One issue goes out once."
        if failed:
            draft, error = failed[0]
            raise RefusedError(
                f"{what}. This copy sent nothing, but could not delete the draft it had made "
                f"(campaign {draft.id}): {error.message}",
                f"Run the command again to delete it, or delete it in {self.provider.where}.",
            )
        tail = (
            f" and deleted the draft it had made (campaign {', '.join(deleted)})" if deleted else ""
        )
        raise RefusedError(f"{what}. This copy sent nothing{tail}.", hint)

    def _gate(self, campaign: Campaign) -> Campaign:
        """Re-read the campaign just before sending; after a lost answer, read it a few times."""
        current = self._read(campaign.id)
        if current is None:
            raise ProviderError(f"Campaign {campaign.id} disappeared at {self.provider.label}.")
        if self.record.resumable and self.provider.shared:
            for _ in range(RECHECKS):
                if current.status != CampaignStatus.DRAFT:
                    break
                with self._wait("Checking that the last send did not go out"):
                    self.sleep(RECHECK_DELAY)
                current = self._read(campaign.id) or current
        if issue_prefix(self.record.issue) not in current.title:
            raise RefusedError(
                f"Campaign {campaign.id} does not carry the marker of issue {self.record.issue}.",
                f"Look at it in {self.provider.where}; nothing was sent.",
            )
        return current

    def cancel(self) -> SendOutcome:
        """Take a scheduled send back."""
        dry_run = self.dry_run
        rec = self.record
        out = self._outcome()
        campaign = None if rec.campaign_id else self._adopt_scheduled()
        campaign = campaign or self.locate()
        if campaign is None or campaign.status == CampaignStatus.DRAFT:
            if rec.state == RecordState.SCHEDULED:
                rec.mark_unscheduled()
                self._save()
            raise RefusedError(f"Issue {rec.issue} is not scheduled; there is nothing to cancel.")
        if campaign.status != CampaignStatus.SCHEDULED:
            self._refuse_unless_draft(campaign)
        if dry_run:
            out.done.append(f"unschedule campaign {campaign.id}")
            return out
        rec.request(Call.UNSCHEDULE)
        self._save()
        try:
            with self._wait(f"Cancelling the schedule at {self.provider.label}"):
                self.provider.unschedule(campaign.id)
        except ProviderError:
            after = self._read(campaign.id)
            if after is None or after.status != CampaignStatus.DRAFT:
                rec.mark_scheduled()
                self._save()
                raise
        rec.mark_unscheduled()
        self._save()
        out.done.append("cancelled the scheduled send")
        return out


# -- the send use case ---------------------------------------------------------------------


@dataclass(frozen=True)
class SendRequest:
    """What to do with an issue: a test, a send to the list now or later, or a cancel."""

    #: Send a test to these addresses (and nothing to the list).
    test: tuple[str, ...] = ()
    #: Schedule for this time, "YYYY-MM-DD HH:MM" in the workspace's time zone.
    schedule: str | None = None
    #: Take a scheduled send back.
    cancel: bool = False
    #: Do everything but what changes something at the provider.
    dry_run: bool = False
    #: Skip the checks that need the network.
    offline: bool = False

    def __post_init__(self) -> None:
        if sum((bool(self.test), self.schedule is not None, self.cancel)) > 1:
            raise UsageError(ONE_ACTION)
        if self.schedule is not None and not self.schedule.strip():
            raise UsageError(*EMPTY_SCHEDULE)


def send_issue(
    ws: Workspace,
    issue: Issue,
    request: SendRequest,
    *,
    confirm: Confirm,
    progress: Progress = no_progress,
    link_progress: LinkProgress = no_link_progress,
    warn: Callable[[list[Problem]], None] = lambda problems: None,
    clock: Callable[[], datetime] = utc_now,
) -> SendOutcome:
    """Test, send, schedule or cancel ``issue`` as ``request`` says, and only once.

    In this order, with the issue folder held against a second command: refuse what the
    record and the provider already rule out (sent, scheduled, a send that did not
    finish); run every check at the send time (``warn`` gets what they find); then a test
    goes out, or a send to the list is planned and goes out only if ``confirm(plan)`` says
    yes (asked in a dry run too: it changes nothing either way). An error found by the
    checks stops a send to the list (ContentError: nothing is sent), never a test: a test
    is the proof that colleagues read to catch them (its outcome counts the errors). A
    cancel needs no build, so it works while the issue has errors. ``progress`` wraps each
    wait on the provider, ``link_progress`` the link checks.
    """
    with closing(provider_for(ws)) as provider, issue_lock(issue.folder):
        tz = ws.settings.tz
        list_id = list_id_for(ws)
        when = None
        if request.schedule is not None:  # "" too: an empty variable is never "now"
            when = parse_schedule(
                request.schedule, tz, now=clock(), step_minutes=provider.schedule_step_minutes
            )
        flow = SendFlow(
            provider,
            issue.folder,
            None,
            list_id,
            zone=tz,
            clock=clock,
            progress=progress,
            dry_run=request.dry_run,
            issue=issue.id,
            record_name=ws.rel(sendrecord.path_for(issue.folder)),
            current_hash=lambda: current_hash(ws, issue),
            # Taken before the build: a file saved meanwhile makes status say "changed",
            # never "unchanged".
            source_hash=source_hash(ws, issue.folder),
        )
        if request.cancel:  # needs no build: it must work even when the issue has errors
            return flow.cancel()
        # Already sent or scheduled is the reason to refuse, whatever the checks would say.
        flow.refuse_early(test=bool(request.test))
        bar = link_progress("Checking links") if not request.offline else no_link_progress("")
        with bar as update:
            build, problems = build_for_sending(
                ws,
                issue,
                at=when,
                offline=request.offline,
                progress=update,
                proof=bool(request.test),
            )
        if problems:
            warn(problems)
        flow.use(message_for(ws, build))
        if request.test:
            outcome = flow.send_test(list(request.test))
            outcome.errors = sum(1 for p in problems if p.severity == "error")
            return outcome
        if not confirm(flow.plan(when)):
            return SendOutcome(dry_run=request.dry_run, declined=True)
        return flow.send(when)


# -- what the record keeps of the content -----------------------------------------------------


def message_hash(message: Message) -> str:
    """What the record keeps of the content, to tell whether it changed since."""
    return sendrecord.content_hash(
        message.subject,
        message.preheader,
        message.from_name,
        message.from_email,
        message.reply_to,
        message.html,
        message.text,
    )


def current_hash(ws: Workspace, issue: Issue) -> str | None:
    """The content hash of ``issue`` as it would go out now; None when it cannot be built."""
    from copro_news.errors import CoproNewsError
    from copro_news.render import build_issue

    if issue.has_errors:
        return None
    try:
        build = build_issue(ws, issue, provider=ws.settings.provider.name)
    except CoproNewsError:
        return None
    return message_hash(message_for(ws, build))


def source_hash(ws: Workspace, folder: Path) -> str:
    """A hash of every file the issue in ``folder`` is built from, cheap to take.

    The issue folder (but ``build/`` and ``send.json``), the settings, the workspace's
    ``templates/`` and the copro-news version (for the packaged templates). The same
    files give the same content, so ``status`` compares this hash, kept in the send
    record, instead of building the issue again. Names that start with '.' or end with
    '~' (editor and system files, which the issue loader skips too) are left out.
    """
    from copro_news import __version__
    from copro_news.workspace import SETTINGS_FILE

    h = hashlib.sha256()

    def add(*parts: bytes) -> None:
        for part in parts:
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)

    add(b"version", __version__.encode())
    add(b"settings", _read(ws.root / SETTINGS_FILE))
    for label, root, skip in (
        ("issue", folder, {"build", sendrecord.FILENAME}),
        ("templates", ws.templates, set()),
    ):
        for rel, path in _source_files(root, skip):
            add(f"{label}/{rel}".encode(), _read(path))
    return h.hexdigest()[:16]


def _source_files(root: Path, skip: set[str]) -> list[tuple[str, Path]]:
    """Every file under ``root`` (``skip``: names left out at the top), by path."""
    found = []
    for here, dirs, files in os.walk(root):
        top = Path(here) == root
        dirs[:] = [d for d in dirs if _kept(d) and not (top and d in skip)]
        for name in files:
            if _kept(name) and not (top and name in skip):
                path = Path(here) / name
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def _kept(name: str) -> bool:
    return not name.startswith(".") and not name.endswith("~")


def _read(path: Path) -> bytes:
    """A file's bytes; never waits on a FIFO nor reads a device without end."""
    from copro_news.fsutil import read_regular

    try:
        return read_regular(path, 64 * 1024 * 1024)
    except OSError:
        return b"\0unreadable"


# -- the workspace side: build, check, and pick the provider -----------------------------------


def list_id_for(ws: Workspace) -> str:
    """The list to send to: ``[provider] list``, or the provider's only list."""
    from copro_news.providers import provider_info

    p = ws.settings.provider
    list_id = p.list.strip() or provider_info(p.name).default_list
    if not list_id:
        raise UsageError(
            "No list to send to: [provider] list is empty in copro-news.toml.",
            "Run 'copro-news lists' to see the lists' ids, then set [provider] list.",
        )
    return list_id


def provider_for(ws: Workspace) -> Provider:
    """The workspace's provider, with its API key (environment, then keyring) if it needs one."""
    from copro_news.credentials import api_key
    from copro_news.providers import provider_info

    p = ws.settings.provider
    info = provider_info(p.name)
    key = api_key(info.name) if info.needs_key else None
    return info.make(root=ws.root, api_url=p.api_url, key=key, settings=p)


def build_for_sending(
    ws: Workspace,
    issue: Issue,
    *,
    at: datetime | None,
    offline: bool,
    progress: Callable[[int, int], None] | None = None,
    proof: bool = False,
) -> tuple[Build, list[Problem]]:
    """Build the issue for the workspace's provider and run every check at the send time.

    Refuses (raises ContentError: nothing is sent) when a check finds an error, but for a
    ``proof`` (a test send), which goes out with them; returns the build and the problems.
    An issue whose files cannot be used has no email to send, proof or not.
    """
    from copro_news.build import build_with_problems
    from copro_news.errors import ContentError

    if issue.has_errors:
        raise ContentError(issue.problems, "The issue has errors; nothing was sent.")
    build, problems = build_with_problems(
        ws, issue, at=at, provider=ws.settings.provider.name, offline=offline, progress=progress
    )
    errors = sum(1 for p in problems if p.severity == "error")
    if errors and not proof:
        raise ContentError(problems, f"The issue has {plural(errors, 'error')}; nothing was sent.")
    return build, problems


def message_for(ws: Workspace, build: Build) -> Message:
    sender = ws.settings.sender
    return Message(
        issue_id=build.issue_id,
        subject=build.subject,
        preheader=build.preheader,
        from_name=sender.name or ws.settings.name,
        from_email=sender.email,
        reply_to=sender.reply_to or sender.email,
        html=build.html,
        text=build.text,
        eml=build.eml,
        images=build.images,
    )
