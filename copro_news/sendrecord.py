"""``send.json``: where an issue stands with its provider, written before and after every call.

The record is the write-ahead log of a send. Before a call that changes something at
the provider, its ``phase`` says what is about to happen (``create_requested``,
``send_requested``, ...); after the call, what did happen. A run that was cut off
finds the phase of the call it did not see the end of, and asks the provider what
really happened before doing anything else.

The file is rewritten whole and atomically each time (temporary file, fsync, rename).

The record's ``marker`` names the issue's campaign for one list, and is the same in every
copy of the workspace (it is made from the list and the issue): the team keeps ``drafts/``
in git, and whichever copy sends, the provider is asked for the campaign carrying it. The
record's ``tag`` tells this copy's campaigns from another copy's: a campaign's title holds
both, ``copro-news 2026-12 [cn:2026-12:3f9a2c] (workspace 7b1e04)``. A provider whose
campaigns are in the workspace itself (the outbox) has no other copy: no tag.
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
from copro_news.fsutil import atomic_write, read_regular

FILENAME = "send.json"
MAX_RECORD_BYTES = 10_000_000  # a record is a few KB; a bigger file is not one
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
    #: Names the campaigns this copy of the workspace made; empty with a provider that no
    #: other copy reaches, and in older records, whose marker was random (it named them).
    tag: str = ""
    list_name: str = ""
    campaign_id: str | None = None
    phase: Phase = Phase.NEW
    content_hash: str | None = None
    #: content hash -> hash of the files it was built from (see ``sending.source_hash``):
    #: what ``status`` compares instead of building the issue again.
    source_hashes: dict[str, str] = field(default_factory=dict)
    tests: list[TestSend] = field(default_factory=list)
    #: The issue's pictures in the provider's file store: sha256 -> URL ("" while an upload
    #: is in flight: after a lost answer the picture is looked for by its name).
    images: dict[str, str] = field(default_factory=dict)
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
        """The campaign's internal name at the provider; it carries the marker and the tag."""
        made_by = f" (workspace {self.tag})" if self.tag else ""
        return f"copro-news {self.issue} [{self.marker}]{made_by}"

    def made(self, title: str) -> bool:
        """Whether the campaign of this title was made by this copy of the workspace."""
        found = parse_title(title)
        return found is not None and found == (self.marker, self.tag)

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

    def recover(self, campaign_id: str, title: str) -> None:
        """This issue's campaign found at the provider after the record was lost: the record
        follows it, and takes the marker and tag of its title."""
        self.campaign_id = campaign_id
        found = parse_title(title)
        if found is not None:
            self.marker, self.tag = found

    def lose_to(self, winner_id: str, list_name: str = "") -> None:
        """Another copy's campaign of the issue is the one that goes out: follow it.

        Nothing of this copy is at the provider any more; the content it holds is the
        other copy's, so it is uploaded again before anything is sent from here.
        """
        self.campaign_id = winner_id
        self.list_name = list_name or self.list_name
        self.content_hash = None
        self.phase = Phase.CREATED

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


def issue_marker(issue: str, list_id: str) -> str:
    """The marker of ``issue`` sent to ``list_id``: the same in every copy of the workspace."""
    digest = hashlib.sha256(f"copro-news\0{list_id}\0{issue}".encode()).hexdigest()
    return f"cn:{issue}:{digest[:6]}"


def issue_prefix(issue: str) -> str:
    """What the title of every campaign of ``issue`` holds, whatever its marker."""
    return f"[cn:{issue}:"


def parse_title(title: str) -> tuple[str, str] | None:
    """(marker, tag) from a campaign's title; the tag is "" when it has none."""
    import re

    found = re.search(r"\[(cn:[^\]\s]+)\](?: \(workspace ([0-9a-f]+)\))?", title)
    if found is None:
        return None
    return found.group(1), found.group(2) or ""


def new_record(
    issue: str, provider: str, list_id: str, now: datetime, *, shared: bool = False
) -> SendRecord:
    """A record for ``issue``; ``shared`` when other copies of the workspace reach the
    provider's campaigns too (this copy's then carry a tag of their own)."""
    return SendRecord(
        issue=issue,
        provider=provider,
        list_id=list_id,
        marker=issue_marker(issue, list_id),
        tag=secrets.token_hex(3) if shared else "",
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
        data = read_regular(path, MAX_RECORD_BYTES)  # a pipe or a device never blocks
    except FileNotFoundError:
        return None
    except OSError as e:
        raise RecordError(
            f"Cannot read {shown}: {e.strerror}.",
            f"send.json is a file copro-news writes; restore it from git "
            f"(git checkout -- {shown}).",
        ) from None
    unreadable = f"{shown} is not a send record copro-news can read"
    restore = (
        f"Restore it from git (git checkout -- {shown}); without it copro-news cannot "
        "tell what was already sent."
    )
    try:
        doc = json.loads(data.decode("utf-8"))
    except ValueError:
        raise RecordError(f"{unreadable}.", restore) from None
    wrong = _wrong_field(doc)
    if wrong:
        raise RecordError(f"{unreadable}: {wrong}.", restore)
    known = {f.name for f in fields(SendRecord)}
    tests = [TestSend(**{k: v for k, v in t.items() if k in _TEST_FIELDS}) for t in doc["tests"]]
    values = {k: v for k, v in doc.items() if k in known and k != "tests"}
    record = SendRecord(**values, tests=tests)
    try:
        record.phase = Phase(record.phase)
    except ValueError:
        raise RecordError(f"{shown} has an unknown phase {record.phase!r}.", restore) from None
    images = record.images
    # Where a picture is at the provider is looked up by its name again when forgotten.
    record.images = (
        {c: u for c, u in images.items() if isinstance(c, str) and isinstance(u, str)}
        if isinstance(images, dict)
        else {}
    )
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


#: The fields of a record and what each holds: (kind, required). "text?" may be null.
_FIELDS: dict[str, tuple[str, bool]] = {
    "issue": ("text", True),
    "provider": ("text", True),
    "list_id": ("text", True),
    "marker": ("text", True),
    "started_at": ("text", True),
    "tag": ("text", False),
    "list_name": ("text", False),
    "campaign_id": ("text?", False),
    "phase": ("text", False),
    "content_hash": ("text?", False),
    "tests": ("list", False),
    "scheduled_for": ("text?", False),
    "sent_at": ("text?", False),
    "updated_at": ("text", False),
    "version": ("number", False),
}
_TEST_FIELDS = ("at", "addresses", "content_hash", "outcome")
_WORDS = {"text": "text", "text?": "text", "list": "a list", "number": "a whole number"}


def _wrong_field(doc: Any) -> str | None:
    """What is wrong with the fields of a record read from JSON, in words; None if nothing.

    Only the fields copro-news relies on are checked; unknown ones are left alone (a newer
    copro-news may have written them). ``tests`` is made a list when it is missing.
    """
    if not isinstance(doc, dict):
        return "it holds no fields"
    for name, (kind, required) in _FIELDS.items():
        if name not in doc:
            if required:
                return f'"{name}" is missing'
            continue
        if not _is(doc[name], kind):
            return f'"{name}" should be {_WORDS[kind]}, not {_shown(doc[name])}'
    doc.setdefault("tests", [])
    for i, test in enumerate(doc["tests"]):
        where = f"test {i + 1}"
        if not isinstance(test, dict):
            return f"{where} should be a set of fields, not {_shown(test)}"
        for name in ("at", "content_hash"):
            if not isinstance(test.get(name), str):
                return f'"{name}" of {where} should be text, not {_shown(test.get(name))}'
        addresses = test.get("addresses")
        if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
            return f'"addresses" of {where} should be a list of addresses, not {_shown(addresses)}'
        if test.get("outcome", TEST_SENT) not in (TEST_SENT, TEST_UNKNOWN):
            return f'"outcome" of {where} should be "sent" or "unknown"'
    return None


def _is(value: Any, kind: str) -> bool:
    if kind == "text?":
        return value is None or isinstance(value, str)
    if kind == "text":
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    """A value read from the record, short, for a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


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
