"""The one interface every mailing-list provider implements.

A provider knows nothing of send records or confirmation: it creates, fills, tests,
sends, schedules and reads campaigns. The exactly-once logic lives in
:mod:`copro_news.sending`, on top of this interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from copro_news.errors import ProviderError

if TYPE_CHECKING:
    from copro_news.images import LocalImage

#: What a test email's subject starts with, whatever the provider: a proof is never taken
#: for the issue itself.
TEST_PREFIX = "[Test] "


class CampaignStatus(StrEnum):
    """Where a campaign stands at the provider, whatever the provider calls it.

    Not to be confused with :class:`copro_news.sendrecord.RecordState`, where the send
    record says the issue stands.
    """

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELED = "canceled"


@dataclass(frozen=True)
class MailingList:
    id: str
    name: str
    members: int | None


@dataclass(frozen=True)
class Message:
    """What goes out: the built issue, as every provider needs it.

    ``images`` are the pictures of the issue folder that ``html`` names as ``cid:<cid>``:
    the .eml carries them; a provider with a file store uploads each and puts its address
    in their place.
    """

    issue_id: str
    subject: str
    preheader: str
    from_name: str
    from_email: str
    reply_to: str
    html: str
    text: str
    eml: bytes
    images: tuple[LocalImage, ...] = ()

    def with_image_urls(self, urls: dict[str, str]) -> Message:
        """This message with each picture's ``cid:`` replaced by its URL (``urls``: by
        sha256), as a provider with a file store uploads it."""
        from dataclasses import replace

        html = self.html
        for image in self.images:
            url = urls.get(image.sha256)
            if url:
                html = html.replace(f"cid:{image.cid}", url)
        return replace(self, html=html)


@dataclass(frozen=True)
class Campaign:
    id: str
    #: An unknown word of the provider's passes through as it is: never taken for a draft.
    status: CampaignStatus | str
    title: str = ""
    list_id: str = ""
    list_name: str = ""
    recipients: int | None = None
    created: datetime | None = None
    send_time: datetime | None = None  # when it went, or when it is scheduled to go
    emails_sent: int | None = None
    archive_url: str = ""
    provider_status: str = ""  # the provider's own word for the status

    @property
    def gone(self) -> bool:
        """True once the campaign has left or is leaving: it must never be sent again."""
        return self.status in (CampaignStatus.SENDING, CampaignStatus.SENT)


def oldest_first(campaigns: Collection[Campaign]) -> list[Campaign]:
    """Oldest first. Campaigns made within the same second are put in the order of their
    ids: arbitrary, but the same in every copy of the workspace that sees them."""
    from datetime import UTC

    never = datetime.max.replace(tzinfo=UTC)
    return sorted(campaigns, key=lambda c: (c.created or never, c.id))


def parse_time(text: Any) -> datetime | None:
    """A time in a provider's answer (ISO 8601; UTC when it says no offset); None when it
    gives none that can be read."""
    from datetime import UTC

    if not text:
        return None
    try:
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def picture_address(url: Any, label: str, name: str) -> str:
    """The web address a file store gave the picture ``name``; a ProviderError when it gave
    none (it kept the picture: the next run finds it by its name)."""
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ProviderError(
            f"{label} kept the picture {name} but gave no address for it.",
            "Run the command again: it finds the picture by its name.",
        )
    return url


class Provider(ABC):
    """A mailing-list provider."""

    name: str = ""
    label: str = ""
    #: Schedules must fall on a multiple of this many minutes past the hour (None: any minute).
    schedule_step_minutes: int | None = None
    #: Every copy of the workspace (each clone of the team's repository) reaches the same
    #: campaigns: an issue's campaign may have been made by another copy. False for a
    #: provider that keeps its campaigns in the workspace itself.
    shared: bool = True
    #: The resolution, in seconds, of the campaigns' creation times at the provider. Two
    #: campaigns made within it cannot be told apart by age, so a send to the list first
    #: waits until the provider's clock is past its campaign's creation by more than this.
    created_resolution: float = 1.0
    #: The provider keeps the issue's pictures in a file store of its own
    #: (:meth:`find_images`, :meth:`upload_image`), and the HTML sent points there.
    stores_images: bool = False

    @property
    def where(self) -> str:
        """Where a person can look at the campaigns themselves, for hints."""
        return f"{self.label}'s web app"

    @abstractmethod
    def verify(self) -> str:
        """Check that the credentials work; return a short description of the account."""

    @abstractmethod
    def lists(self) -> list[MailingList]:
        """Every list (audience) of the account."""

    def get_list(self, list_id: str) -> MailingList | None:
        return next((lst for lst in self.lists() if lst.id == list_id), None)

    @abstractmethod
    def find_campaigns(
        self, list_id: str, marker: str, since: datetime | None = None
    ) -> list[Campaign]:
        """Every campaign for ``list_id`` whose title contains ``marker``, in any status;
        oldest first. Made since ``since`` only when given: finding an issue's campaign
        never gives it (a campaign scheduled months ahead is still the issue's)."""

    @abstractmethod
    def create_campaign(self, message: Message, list_id: str, title: str) -> Campaign:
        """Create a draft campaign with its settings (not its content); never retried."""

    @abstractmethod
    def set_content(self, campaign_id: str, message: Message, *, settings: bool) -> None:
        """Upload the content; also the subject and sender when ``settings`` is true."""

    @abstractmethod
    def get_campaign(self, campaign_id: str) -> Campaign | None:
        """The campaign as the provider sees it now, or None if it no longer exists."""

    def delete_campaign(self, campaign_id: str) -> None:
        """Delete a draft; nothing of it stays at the provider. Deleting one that is already
        gone is not an error."""
        raise NotImplementedError(f"{self.label} cannot delete a campaign")

    @abstractmethod
    def send_test(self, campaign_id: str, addresses: list[str]) -> None:
        """Send the draft to ``addresses``; its subject starts with :data:`TEST_PREFIX`
        (added here, or by the provider's own service)."""

    @abstractmethod
    def send(self, campaign_id: str) -> None:
        """Send the campaign to its list now."""

    @abstractmethod
    def schedule(self, campaign_id: str, when: datetime) -> None:
        """Schedule the campaign; ``when`` is an aware datetime."""

    @abstractmethod
    def unschedule(self, campaign_id: str) -> None:
        """Take a scheduled campaign back to draft."""

    def find_images(self, names: Collection[str]) -> dict[str, str]:
        """The pictures among ``names`` already in the file store: name -> URL."""
        raise NotImplementedError(f"{self.label} has no file store")

    def upload_image(self, image: LocalImage) -> str:
        """Put ``image`` in the file store as ``image.upload_name``; return its URL. Never
        retried: after a lost answer, :meth:`find_images` tells whether it is there."""
        raise NotImplementedError(f"{self.label} has no file store")

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
