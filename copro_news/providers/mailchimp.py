"""Mailchimp Marketing API v3: regular campaigns sent to one audience.

Mailchimp marks a test email itself: it arrives with "[Test]" before the subject (as its
web app's tests do; observed, not in the API description), so the campaign's subject is
never changed for a test: a subject changed for a test could go to the list.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Collection
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from copro_news.errors import CredentialsError, ProviderError
from copro_news.providers.base import (
    Campaign,
    CampaignStatus,
    MailingList,
    Message,
    Provider,
    oldest_first,
    parse_time,
    picture_address,
)
from copro_news.providers.http import HttpClient
from copro_news.providers.registry import PROVIDERS
from copro_news.secret import Secret

if TYPE_CHECKING:
    from copro_news.images import LocalImage

PAGE = 1000
STATUSES = {
    "save": CampaignStatus.DRAFT,
    "paused": CampaignStatus.DRAFT,
    "schedule": CampaignStatus.SCHEDULED,
    "sending": CampaignStatus.SENDING,
    "sent": CampaignStatus.SENT,
    "archived": CampaignStatus.SENT,
    "canceling": CampaignStatus.CANCELED,
    "canceled": CampaignStatus.CANCELED,
}
CAMPAIGN_FIELDS = ",".join(
    [
        "id",
        "status",
        "create_time",
        "send_time",
        "emails_sent",
        "archive_url",
        "settings.title",
        "recipients.list_id",
        "recipients.list_name",
        "recipients.recipient_count",
    ]
)
_DC = re.compile(r"^[a-z]{2,4}[0-9]{1,3}$")


def base_url(key: Secret, api_url: str | None = None) -> str:
    """``[provider] api_url`` when set, else the key's datacenter: ``…-us6`` → us6."""
    if api_url:
        return api_url.rstrip("/")
    _, sep, dc = key.reveal().rpartition("-")
    if not sep or not _DC.match(dc):
        raise CredentialsError(
            "The Mailchimp API key does not end with its datacenter (like '-us6').",
            "Copy the whole key from Mailchimp (Account > Extras > API keys).",
        )
    return f"https://{dc}.api.mailchimp.com/3.0"


class MailchimpProvider(Provider):
    name = "mailchimp"
    label = "Mailchimp"
    schedule_step_minutes = 15
    created_resolution = 1.0  # create_time is given to the second
    stores_images = True

    def __init__(self, key: Secret, *, api_url: str | None = None, **http: Any) -> None:
        self.http = HttpClient(
            base_url(key, api_url), label=self.label, auth=("copro-news", key), **http
        )

    def close(self) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        try:
            return self.http.request(method, path, **kw)
        except ProviderError as e:
            if e.status == 401:
                raise CredentialsError(e.message, PROVIDERS["mailchimp"].key_hint) from None
            raise

    def verify(self) -> str:
        self._call("GET", "/ping")
        account = self._call("GET", "/", params={"fields": "account_name,email"}) or {}
        name = account.get("account_name") or "Mailchimp account"
        return f"{name} ({account['email']})" if account.get("email") else name

    def lists(self) -> list[MailingList]:
        out: list[MailingList] = []
        offset = 0
        while True:
            page = self._call(
                "GET",
                "/lists",
                params={
                    "fields": "lists.id,lists.name,lists.stats.member_count,total_items",
                    "count": PAGE,
                    "offset": offset,
                },
            )
            items = page.get("lists") or []
            for item in items:
                out.append(
                    MailingList(
                        item["id"], item.get("name", ""), item.get("stats", {}).get("member_count")
                    )
                )
            offset += len(items)
            if not items or offset >= int(page.get("total_items") or 0):
                return out

    def find_campaigns(
        self, list_id: str, marker: str, since: datetime | None = None
    ) -> list[Campaign]:
        """Every campaign of the list whose title holds ``marker``, however old.

        ``GET /campaigns`` of the list, paged by creation time from the oldest: campaigns
        made while it pages come last, so none is skipped. (``/search-campaigns`` searches
        titles too, but it has no list filter, no paging, and nothing says how soon a new
        campaign is in its index: not a way to find a campaign made a second ago.)
        """
        found: dict[str, Campaign] = {}
        offset = 0
        fields = ",".join(f"campaigns.{f}" for f in CAMPAIGN_FIELDS.split(",")) + ",total_items"
        window = {"since_create_time": _iso(since)} if since is not None else {}
        while True:
            page = self._call(
                "GET",
                "/campaigns",
                params={
                    "list_id": list_id,
                    **window,
                    "sort_field": "create_time",
                    "sort_dir": "ASC",
                    "count": PAGE,
                    "offset": offset,
                    "fields": fields,
                },
            )
            items = page.get("campaigns") or []
            for item in items:
                if marker in (item.get("settings") or {}).get("title", ""):
                    campaign = _campaign(item)
                    found[campaign.id] = campaign
            offset += len(items)
            if not items or offset >= int(page.get("total_items") or 0):
                return oldest_first(found.values())

    def create_campaign(self, message: Message, list_id: str, title: str) -> Campaign:
        doc = self._call(
            "POST",
            "/campaigns",
            json={
                "type": "regular",
                "recipients": {"list_id": list_id},
                "settings": {"title": title, **_settings(message)},
            },
        )
        return _campaign(doc)

    def set_content(self, campaign_id: str, message: Message, *, settings: bool) -> None:
        if "*|UNSUB|*" not in message.html:
            raise ProviderError(
                "The email has no Mailchimp unsubscribe link (*|UNSUB|*); nothing was uploaded.",
                "Keep the unsubscribe link in the footer template, then run the command again.",
            )
        path = f"/campaigns/{campaign_id}"
        if settings:
            self._call("PATCH", path, json={"settings": _settings(message)})
        self._call(
            "PUT", f"{path}/content", json={"html": message.html, "plain_text": message.text}
        )

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        try:
            doc = self._call("GET", f"/campaigns/{campaign_id}", params={"fields": CAMPAIGN_FIELDS})
        except ProviderError as e:
            if e.status == 404:
                return None
            raise
        return _campaign(doc)

    def delete_campaign(self, campaign_id: str) -> None:
        try:
            self._call("DELETE", f"/campaigns/{campaign_id}")
        except ProviderError as e:
            if e.status != 404:
                raise

    def find_images(self, names: Collection[str]) -> dict[str, str]:
        """The File Manager has no search by name: its files are paged, newest first."""
        wanted = set(names)
        found: dict[str, str] = {}
        offset = 0
        while wanted - set(found):
            page = self._call(
                "GET",
                "/file-manager/files",
                params={
                    "fields": "files.name,files.full_size_url,total_items",
                    "sort_field": "added_date",
                    "sort_dir": "DESC",
                    "count": PAGE,
                    "offset": offset,
                },
            )
            items = page.get("files") or []
            for item in items:
                name, url = item.get("name"), item.get("full_size_url")
                if name in wanted and isinstance(url, str) and url and name not in found:
                    found[name] = url
            offset += len(items)
            if not items or offset >= int(page.get("total_items") or 0):
                break
        return found

    def upload_image(self, image: LocalImage) -> str:
        doc = self._call(
            "POST",
            "/file-manager/files",
            json={
                "name": image.upload_name,
                "file_data": base64.b64encode(image.data).decode("ascii"),
            },
        )
        url = doc.get("full_size_url") if isinstance(doc, dict) else None
        return picture_address(url, self.label, image.upload_name)

    def send_test(self, campaign_id: str, addresses: list[str]) -> None:
        self._call(
            "POST",
            f"/campaigns/{campaign_id}/actions/test",
            json={"test_emails": addresses, "send_type": "html"},
        )

    def send(self, campaign_id: str) -> None:
        self._call("POST", f"/campaigns/{campaign_id}/actions/send")

    def schedule(self, campaign_id: str, when: datetime) -> None:
        self._call(
            "POST",
            f"/campaigns/{campaign_id}/actions/schedule",
            json={"schedule_time": _iso(when)},
        )

    def unschedule(self, campaign_id: str) -> None:
        self._call("POST", f"/campaigns/{campaign_id}/actions/unschedule")


def _settings(message: Message) -> dict[str, str]:
    return {
        "subject_line": message.subject,
        "preview_text": message.preheader,
        "from_name": message.from_name,
        "reply_to": message.from_email,
    }


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def _campaign(doc: dict[str, Any]) -> Campaign:
    if not isinstance(doc, dict) or not doc.get("id"):
        raise ProviderError("Mailchimp answered without a campaign id.")
    raw = str(doc.get("status") or "")
    recipients = doc.get("recipients") or {}
    return Campaign(
        id=str(doc["id"]),
        status=STATUSES.get(raw, raw),
        title=(doc.get("settings") or {}).get("title", ""),
        list_id=recipients.get("list_id", ""),
        list_name=recipients.get("list_name", ""),
        recipients=recipients.get("recipient_count"),
        created=parse_time(doc.get("create_time")),
        send_time=parse_time(doc.get("send_time")),
        emails_sent=doc.get("emails_sent"),
        archive_url=doc.get("archive_url") or "",
        provider_status=raw,
    )
