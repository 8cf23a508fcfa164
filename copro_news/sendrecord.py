"""``send.json``: where an issue stands with its provider, written before and after every call.

The record is the write-ahead log of a send. Before a call that changes something at
the provider, its ``phase`` says what is about to happen (``create_requested``,
``send_requested``, ...); after the call, what did happen. A run that was cut off
finds the phase of the call it did not see the end of, and asks the provider what
really happened before doing anything else.

The file is rewritten whole and atomically each time (temporary file, fsync, rename).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from copro_news.errors import CoproNewsError
from copro_news.fsutil import atomic_write

FILENAME = "send.json"
VERSION = 1


class RecordState(StrEnum):
    """Where the issue stands by its send record, in the words shown to people.

    Not to be confused with :class:`copro_news.providers.base.CampaignStatus`, where the
    campaign stands at the provider.
    """

    DRAFTED = "drafted"
    TESTED = "tested"
    SCHEDULED = "scheduled"
    SENT = "sent"


class Phase(StrEnum):
    """The last step taken, or the call in flight (the ``*_requested`` phases).

    The values are what ``send.json`` holds: they never change, so that every record ever
    written keeps loading.
    """

    NEW = "new"
    CREATE_REQUESTED = "create_requested"
    CREATED = "created"
    CONTENT_REQUESTED = "content_requested"
    CONTENT_SET = "content_set"
    TEST_REQUESTED = "test_requested"
    TESTED = "tested"
    SEND_REQUESTED = "send_requested"
    SCHEDULE_REQUESTED = "schedule_requested"
    UNSCHEDULE_REQUESTED = "unschedule_requested"
    SENT = "sent"
    SCHEDULED = "scheduled"


class Call(Enum):
    """A provider call that changes something; its value is the phase written before it."""

    CREATE = Phase.CREATE_REQUESTED
    CONTENT = Phase.CONTENT_REQUESTED
    TEST = Phase.TEST_REQUESTED
    SEND = Phase.SEND_REQUESTED
    SCHEDULE = Phase.SCHEDULE_REQUESTED
    UNSCHEDULE = Phase.UNSCHEDULE_REQUESTED


#: A test's outcome: it went, or its answer was lost and it may have.
TEST_SENT = "sent"
TEST_UNKNOWN = "unknown"


class RecordError(CoproNewsError):
    """send.json cannot be read."""


class ForeignRecordError(RecordError):
    """send.json belongs to another issue: most often copied with last month's folder."""

    def __init__(self, shown_as: str, owner: str, issue: str) -> None:
        super().__init__(
            f"{shown_as} belongs to issue {owner} (copied with the folder?).",
            f"If issue {issue} was never sent, delete {shown_as} and run the command again.",
        )
        self.owner = owner


@dataclass
class TestSend:
    at: str
    addresses: list[str]
    content_hash: str
    outcome: str = TEST_SENT  # or TEST_UNKNOWN when the answer was lost


@dataclass
class SendRecord:
    """The write-ahead log of one issue's send; its methods are the only phase changes.

    Before a call that changes something at the provider, :meth:`request` names the call
    (the record is then saved); after it, a ``mark_*`` method says what did happen, or
    :meth:`withdraw` that the provider surely did nothing.
    """

    issue: str
    provider: str
    list_id: str
    marker: str
    started_at: str
    list_name: str = ""
    campaign_id: str | None = None
    phase: Phase = Phase.NEW
    content_hash: str | None = None
    #: content hash -> hash of the files it was built from (see ``sending.source_hash``):
    #: what ``status`` compares instead of building the issue again.
    source_hashes: dict[str, str] = field(default_factory=dict)
    tests: list[TestSend] = field(default_factory=list)
    scheduled_for: str | None = None
    sent_at: str | None = None
    updated_at: str = ""
    version: int = VERSION

    # -- what the record says ----------------------------------------------------------
    @property
    def state(self) -> RecordState:
        if self.phase == Phase.SENT:
            return RecordState.SENT
        if self.phase == Phase.SCHEDULED:
            return RecordState.SCHEDULED
        if any(t.outcome == TEST_SENT for t in self.tests):
            return RecordState.TESTED
        return RecordState.DRAFTED

    @property
    def in_flight(self) -> Call | None:
        """The call that was made and whose answer was never seen, if any."""
        try:
            return Call(self.phase)
        except ValueError:
            return None

    @property
    def resumable(self) -> bool:
        """A send or schedule was asked for and its answer never seen: the next send finds
        out from the provider whether it happened, and finishes it."""
        return self.in_flight in (Call.SEND, Call.SCHEDULE)

    @property
    def committed(self) -> bool:
        """Sent or scheduled by the record, or maybe: the list has it, will, or may."""
        return self.state in (RecordState.SENT, RecordState.SCHEDULED) or self.resumable

    @property
    def title(self) -> str:
        """The campaign's internal name at the provider; it carries the marker."""
        return f"copro-news {self.issue} [{self.marker}]"

    @property
    def last_test(self) -> TestSend | None:
        done = [t for t in self.tests if t.outcome == TEST_SENT]
        return done[-1] if done else None

    def sources_of(self, content_hash: str | None) -> str | None:
        """The hash of the files ``content_hash`` was built from, when the record knows it."""
        return self.source_hashes.get(content_hash) if content_hash else None

    # -- before a call -----------------------------------------------------------------
    def request(self, call: Call, *, when: datetime | None = None) -> Phase:
        """Write ahead that ``call`` is about to be made (``when``: the schedule time).

        Returns the phase to go back to with :meth:`withdraw` if the provider surely did
        not make the call: the phase before it, or ``content_set`` after a send or a
        schedule whose answer was lost (the campaign was seen to be a draft since).
        """
        before = Phase.CONTENT_SET if self.resumable else self.phase
        self.phase = call.value
        if call is Call.CONTENT:
            self.content_hash = None
        elif call is Call.SEND:
            self.scheduled_for = None
        elif call is Call.SCHEDULE:
            self.scheduled_for = iso(when) if when else None
        return before

    def request_test(self, at: datetime, addresses: list[str], content_hash: str) -> TestSend:
        """Write ahead a test send: listed at once, as not confirmed until it is."""
        test = TestSend(iso(at), list(addresses), content_hash, outcome=TEST_UNKNOWN)
        self.tests.append(test)
        self.request(Call.TEST)
        return test

    # -- after a call ------------------------------------------------------------------
    def withdraw(self, before: Phase) -> None:
        """The provider surely did not make the call in flight: back to ``before``."""
        if self.resumable:
            self.scheduled_for = None
        self.phase = before

    def mark_created(self, campaign_id: str, list_name: str = "") -> None:
        self.campaign_id = campaign_id
        self.list_name = list_name or self.list_name
        self.phase = Phase.CREATED
        self.content_hash = None

    def mark_content_set(self, content_hash: str) -> None:
        self.content_hash = content_hash
        self.phase = Phase.CONTENT_SET

    def mark_tested(self, test: TestSend) -> None:
        test.outcome = TEST_SENT
        self.phase = Phase.TESTED

    def drop_test(self, test: TestSend, *, maybe_sent: bool) -> None:
        """The test call failed: the test is forgotten when it surely did not go, and kept
        as not confirmed when it may have."""
        if not maybe_sent:
            self.tests.remove(test)
        self.phase = Phase.CONTENT_SET

    def mark_sent(self, when: datetime) -> None:
        self.phase = Phase.SENT
        self.sent_at = iso(when)

    def mark_scheduled(self, when: datetime | None = None) -> None:
        """Scheduled (for ``when``; None keeps the time the record has)."""
        self.phase = Phase.SCHEDULED
        if when is not None:
            self.scheduled_for = iso(when)

    def mark_unscheduled(self) -> None:
        """The schedule was taken back: a draft again, tested or not."""
        self.phase = Phase.TESTED if self.last_test else Phase.CONTENT_SET
        self.scheduled_for = None

    # -- the campaign the record follows -----------------------------------------------
    def adopt(self, campaign_id: str, list_name: str = "") -> None:
        """The campaign found at the provider by this record's marker."""
        self.campaign_id = campaign_id
        self.list_name = list_name or self.list_name
        if self.phase in (Phase.NEW, Phase.CREATE_REQUESTED):
            self.phase = Phase.CREATED
            self.content_hash = None

    def recover(self, campaign_id: str, marker: str) -> None:
        """This issue's campaign found at the provider after the record was lost."""
        self.campaign_id = campaign_id
        self.marker = marker

    def forget_campaign(self) -> None:
        """The draft was deleted at the provider: the next send starts with a new one."""
        self.campaign_id = None
        self.content_hash = None
        self.phase = Phase.NEW

    def note_sources(self, content_hash: str, source_hash: str | None) -> None:
        """``content_hash`` was built from files whose hash is ``source_hash``.

        Only the content hashes the record still refers to are kept.
        """
        if source_hash:
            self.source_hashes[content_hash] = source_hash
        used = {self.content_hash, content_hash, *(t.content_hash for t in self.tests)}
        self.source_hashes = {c: s for c, s in self.source_hashes.items() if c in used}

    def to_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["state"] = self.state
        return doc


def new_record(issue: str, provider: str, list_id: str, now: datetime) -> SendRecord:
    return SendRecord(
        issue=issue,
        provider=provider,
        list_id=list_id,
        marker=f"cn:{issue}:{secrets.token_hex(3)}",
        started_at=iso(now),
    )


def path_for(issue_dir: Path) -> Path:
    return Path(issue_dir) / FILENAME


def load(
    issue_dir: Path, *, issue: str | None = None, shown_as: str | None = None
) -> SendRecord | None:
    """The record in ``issue_dir``, or None when it has none.

    With ``issue``, a record that belongs to another issue raises ForeignRecordError:
    it must never be reused. ``shown_as`` is the path to name in messages.
    """
    path = path_for(issue_dir)
    shown = shown_as or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise RecordError(f"Cannot read {shown}: {e.strerror}.") from None
    try:
        doc = json.loads(data.decode("utf-8"))
        known = {f.name for f in fields(SendRecord)}
        tests = [TestSend(**t) for t in doc.get("tests", [])]
        values = {k: v for k, v in doc.items() if k in known and k != "tests"}
        record = SendRecord(**values, tests=tests)
    except (ValueError, TypeError, AttributeError):
        raise RecordError(
            f"{shown} is not a send record copro-news can read.",
            f"Restore it from git (git checkout -- {shown}); without it copro-news cannot "
            "tell what was already sent.",
        ) from None
    try:
        record.phase = Phase(record.phase)
    except (ValueError, TypeError):
        raise RecordError(f"{shown} has an unknown phase {record.phase!r}.") from None
    hashes = record.source_hashes
    # Only a shortcut for status: a damaged map is dropped, never a reason to stop.
    record.source_hashes = (
        {c: h for c, h in hashes.items() if isinstance(c, str) and isinstance(h, str)}
        if isinstance(hashes, dict)
        else {}
    )
    if issue is not None and record.issue != issue:
        raise ForeignRecordError(shown, record.issue, issue)
    return record


def save(issue_dir: Path, record: SendRecord, now: datetime | None = None) -> None:
    record.updated_at = iso(now or datetime.now(UTC))
    text = json.dumps(record.to_dict(), indent=2, ensure_ascii=False) + "\n"
    atomic_write(path_for(issue_dir), text)


def content_hash(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:16]


def iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
