"""The default provider: no account, no network. Messages become .eml files in ``outbox/``.

A campaign is a draft kept in ``outbox/.drafts/``; each test send and the send to the
list are written as complete messages named by issue, kind and time::

    outbox/2026-12-test-20261124T093000Z.eml
    outbox/2026-12-list-20261201T090000Z.eml
    outbox/2026-12-scheduled-20261201T090000Z.eml   (goes out, here: counts as sent, at that time)

A campaign's status is read back from those files. Each file is written whole or not at
all (a temporary file, then a link to its name): a message cut short by a full disk is
never there to be taken for a message that went out.
"""

from __future__ import annotations

import contextlib
import email.policy
import email.utils
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from copro_news.errors import ProviderError
from copro_news.fsutil import atomic_write, new_temporary
from copro_news.providers.base import (
    TEST_PREFIX,
    Campaign,
    CampaignStatus,
    MailingList,
    Message,
    Provider,
    oldest_first,
)

LIST_ID = "outbox"
LIST_NAME = "outbox folder"
#: The To of a message to the list: its recipients are the list's, not shown.
LIST_TO = "undisclosed-recipients:;"
H_CAMPAIGN = "X-Copro-News-Campaign"
H_ISSUE = "X-Copro-News-Issue"
H_TITLE = "X-Copro-News-Title"
H_KIND = "X-Copro-News-Kind"
H_CREATED = "X-Copro-News-Created"
STAMP = "%Y%m%dT%H%M%SZ"


class OutboxProvider(Provider):
    name = "outbox"
    label = "Outbox"
    # The outbox is a folder of this copy of the workspace (git ignores it): no other copy
    # sees its campaigns, and what its files say is so at once.
    shared = False
    created_resolution = 0.0

    def __init__(self, folder: Path, *, clock: Callable[[], datetime] | None = None) -> None:
        self.folder = Path(folder)
        self.drafts = self.folder / ".drafts"
        self.clock = clock or (lambda: datetime.now(UTC))

    @property
    def where(self) -> str:
        name = self.folder.name
        return f"the outbox folder ({name}/ and {name}/.drafts/)"

    def verify(self) -> str:
        return f"local folder {self.folder}"

    def lists(self) -> list[MailingList]:
        return [MailingList(LIST_ID, LIST_NAME, None)]

    def find_campaigns(
        self, list_id: str, marker: str, since: datetime | None = None
    ) -> list[Campaign]:
        out: list[Campaign] = []
        if list_id != LIST_ID or not self.drafts.is_dir():
            return out
        for path in sorted(self.drafts.glob("*.eml")):
            headers = _headers(path)
            if marker in str(headers.get(H_TITLE, "")):
                campaign = self.get_campaign(str(headers[H_CAMPAIGN]))
                if campaign is None:
                    continue
                if since is None or campaign.created is None or campaign.created >= since:
                    out.append(campaign)
        return oldest_first(out)

    def create_campaign(self, message: Message, list_id: str, title: str) -> Campaign:
        if list_id != LIST_ID:
            raise ProviderError(
                f"The outbox has one list, {LIST_ID!r}, not {list_id!r}.",
                "Leave [provider] list empty in copro-news.toml for the outbox.",
            )
        campaign_id = f"{message.issue_id}-{secrets.token_hex(4)}"
        msg = _message(message.eml)
        msg[H_CAMPAIGN] = campaign_id
        msg[H_ISSUE] = message.issue_id
        msg[H_TITLE] = title
        msg[H_CREATED] = self.clock().strftime(STAMP)
        with _writing("the campaign's draft"):
            atomic_write(self._draft(campaign_id), msg.as_bytes())
        campaign = self.get_campaign(campaign_id)
        assert campaign is not None
        return campaign

    def set_content(self, campaign_id: str, message: Message, *, settings: bool) -> None:
        old = self._read_draft(campaign_id)
        if self._sent_file(campaign_id) is not None:
            raise ProviderError("This campaign has already gone out; its content cannot change.")
        msg = _message(message.eml)
        for name in (H_CAMPAIGN, H_ISSUE, H_TITLE, H_CREATED):
            msg[name] = str(old[name])
        with _writing("the campaign's draft"):
            atomic_write(self._draft(campaign_id), msg.as_bytes())

    def delete_campaign(self, campaign_id: str) -> None:
        if self._sent_file(campaign_id) is not None:
            raise ProviderError("This campaign has gone out or is scheduled; it stays.")
        with _writing("the campaign's draft"), contextlib.suppress(FileNotFoundError):
            self._draft(campaign_id).unlink()

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        path = self._draft(campaign_id)
        if not path.is_file():
            return None
        headers = _headers(path)
        created = _stamp(str(headers.get(H_CREATED, "")))
        status, when = CampaignStatus.DRAFT, None
        found = self._sent_file(campaign_id)
        if found is not None:
            kind, _path, when = found
            scheduled = kind == "scheduled" and when > self.clock()
            status = CampaignStatus.SCHEDULED if scheduled else CampaignStatus.SENT
        return Campaign(
            id=campaign_id,
            status=status,
            title=str(headers.get(H_TITLE, "")),
            list_id=LIST_ID,
            list_name=LIST_NAME,
            created=created,
            send_time=when,
            emails_sent=None,
            archive_url="",
            provider_status=status.value,
        )

    def send_test(self, campaign_id: str, addresses: list[str]) -> None:
        self._write(campaign_id, "test", self.clock(), ", ".join(addresses))

    def send(self, campaign_id: str) -> None:
        self._refuse_if_gone(campaign_id)
        self._write(campaign_id, "list", self.clock(), LIST_TO)

    def schedule(self, campaign_id: str, when: datetime) -> None:
        self._refuse_if_gone(campaign_id)
        if when <= self.clock():
            raise ProviderError("The schedule time is in the past.")
        self._write(campaign_id, "scheduled", when, LIST_TO)

    def unschedule(self, campaign_id: str) -> None:
        found = self._sent_file(campaign_id)
        campaign = self.get_campaign(campaign_id)
        if found is None or campaign is None or campaign.status != CampaignStatus.SCHEDULED:
            raise ProviderError("This campaign is not scheduled.")
        found[1].unlink()

    # -- files ----------------------------------------------------------------------
    def _draft(self, campaign_id: str) -> Path:
        if "/" in campaign_id or campaign_id.startswith("."):
            raise ProviderError(f"Not an outbox campaign id: {campaign_id!r}.")
        return self.drafts / f"{campaign_id}.eml"

    def _read_draft(self, campaign_id: str) -> EmailMessage:
        path = self._draft(campaign_id)
        if not path.is_file():
            raise ProviderError(f"The outbox has no campaign {campaign_id!r}.", status=404)
        return _message(path.read_bytes())

    def _refuse_if_gone(self, campaign_id: str) -> None:
        campaign = self.get_campaign(campaign_id)
        if campaign is None:
            raise ProviderError(f"The outbox has no campaign {campaign_id!r}.", status=404)
        if campaign.status != CampaignStatus.DRAFT:
            raise ProviderError("This campaign has already gone out or is scheduled.", status=400)

    def _sent_file(self, campaign_id: str) -> tuple[str, Path, datetime] | None:
        """The list or scheduled message of the campaign: (kind, path, time)."""
        if not self.folder.is_dir():
            return None
        for path in sorted(self.folder.glob("*.eml")):
            parts = path.stem.rsplit("-", 2)
            if len(parts) != 3 or parts[1] not in ("list", "scheduled"):
                continue
            headers = _headers(path)
            if str(headers.get(H_CAMPAIGN, "")) == campaign_id:
                return parts[1], path, _stamp(parts[2]) or self.clock()
        return None

    def _write(self, campaign_id: str, kind: str, when: datetime, to: str) -> Path:
        """Write the message of ``kind`` (test, list, scheduled), whole or not at all."""
        msg = self._read_draft(campaign_id)
        issue = str(msg[H_ISSUE])
        del msg["To"]
        msg["To"] = to
        del msg["Date"]
        msg["Date"] = email.utils.format_datetime(self.clock().astimezone(UTC))
        del msg["Message-ID"]  # every message written is a message of its own
        msg["Message-ID"] = email.utils.make_msgid(domain=msg["From"].addresses[0].domain)
        if kind == "test":
            subject = str(msg["Subject"] or "")
            del msg["Subject"]
            msg["Subject"] = TEST_PREFIX + subject
        msg[H_KIND] = kind
        data = msg.as_bytes()
        stamp = when.astimezone(UTC).strftime(STAMP)
        what = "the test message" if kind == "test" else "the message to the list"
        with _writing(what):
            self.folder.mkdir(parents=True, exist_ok=True)
            n = 1
            while True:
                suffix = "" if n == 1 else f".{n}"
                path = self.folder / f"{issue}-{kind}-{stamp}{suffix}.eml"
                if _create(path, data):
                    return path
                n += 1


@contextlib.contextmanager
def _writing(what: str) -> Iterator[None]:
    """A file that cannot be written is the provider refusing: nothing was done."""
    try:
        yield
    except OSError as e:
        reason = (e.strerror or str(e)).rstrip(".")
        hint = (
            "Free some disk space, then run the command again."
            if e.errno in (errno.ENOSPC, errno.EDQUOT)
            else "Check that you may write in the outbox folder, then run the command again."
        )
        raise ProviderError(
            f"Could not write {what} in the outbox ({reason}); nothing was written.", hint
        ) from None


def _create(path: Path, data: bytes) -> bool:
    """Write a new file at ``path`` whole or not at all; False (and nothing written) when
    ``path`` is already there.

    The data goes to a temporary file beside it, which is linked to its name only once it
    is all written and synced: no one ever sees part of a message.
    """
    fd, tmp = new_temporary(path)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError as e:
            # A drive without hard links (FAT, some network shares): the folder is held by
            # the issue lock, so a look then a rename does the same.
            if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _message(data: bytes) -> EmailMessage:
    msg = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(msg, EmailMessage)
    return msg


def _headers(path: Path) -> EmailMessage:
    with open(path, "rb") as f:
        msg = BytesParser(policy=email.policy.default).parse(f, headersonly=True)
    assert isinstance(msg, EmailMessage)
    return msg


def _stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.split(".")[0], STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
