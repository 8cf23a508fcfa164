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
from pathlib import Path
from typing import Any

from copro_news.errors import CoproNewsError
from copro_news.fsutil import atomic_write

FILENAME = "send.json"
VERSION = 1

# States shown to people.
DRAFTED = "drafted"
TESTED = "tested"
SCHEDULED = "scheduled"
SENT = "sent"

# Phases: the last step taken, or the call in flight when it ends in "_requested".
NEW = "new"
CREATE_REQUESTED = "create_requested"
CREATED = "created"
CONTENT_REQUESTED = "content_requested"
CONTENT_SET = "content_set"
TEST_REQUESTED = "test_requested"
TESTED_PHASE = "tested"
SEND_REQUESTED = "send_requested"
SCHEDULE_REQUESTED = "schedule_requested"
UNSCHEDULE_REQUESTED = "unschedule_requested"
SENT_PHASE = "sent"
SCHEDULED_PHASE = "scheduled"
PHASES = (
    NEW,
    CREATE_REQUESTED,
    CREATED,
    CONTENT_REQUESTED,
    CONTENT_SET,
    TEST_REQUESTED,
    TESTED_PHASE,
    SEND_REQUESTED,
    SCHEDULE_REQUESTED,
    UNSCHEDULE_REQUESTED,
    SENT_PHASE,
    SCHEDULED_PHASE,
)


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
    outcome: str = "sent"  # or "unknown" when the answer was lost


@dataclass
class SendRecord:
    issue: str
    provider: str
    list_id: str
    marker: str
    started_at: str
    list_name: str = ""
    campaign_id: str | None = None
    phase: str = NEW
    content_hash: str | None = None
    tests: list[TestSend] = field(default_factory=list)
    scheduled_for: str | None = None
    sent_at: str | None = None
    updated_at: str = ""
    version: int = VERSION

    @property
    def state(self) -> str:
        if self.phase == SENT_PHASE:
            return SENT
        if self.phase == SCHEDULED_PHASE:
            return SCHEDULED
        if any(t.outcome == "sent" for t in self.tests):
            return TESTED
        return DRAFTED

    @property
    def title(self) -> str:
        """The campaign's internal name at the provider; it carries the marker."""
        return f"copro-news {self.issue} [{self.marker}]"

    @property
    def last_test(self) -> TestSend | None:
        done = [t for t in self.tests if t.outcome == "sent"]
        return done[-1] if done else None

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
    if record.phase not in PHASES:
        raise RecordError(f"{shown} has an unknown phase {record.phase!r}.")
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
