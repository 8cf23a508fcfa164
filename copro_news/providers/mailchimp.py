"""Mailchimp Marketing API v3: regular campaigns sent to one audience."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from copro_news.errors import CredentialsError, ProviderError
from copro_news.providers.base import (
    Campaign,
    CampaignStatus,
    MailingList,
    Message,
    Provider,
)
from copro_news.providers.http import HttpClient
from copro_news.secret import Secret

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
                raise CredentialsError(
                    e.message,
                    "Check the key with 'copro-news login mailchimp', or set MAILCHIMP_API_KEY.",
                ) from None
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

    def find_campaigns(self, list_id: str, marker: str, since: datetime) -> list[Campaign]:
        out: list[Campaign] = []
        offset = 0
        fields = ",".join(f"campaigns.{f}" for f in CAMPAIGN_FIELDS.split(",")) + ",total_items"
        while True:
            page = self._call(
                "GET",
                "/campaigns",
                params={
                    "list_id": list_id,
                    "since_create_time": _iso(since),
                    "sort_field": "create_time",
                    "sort_dir": "DESC",
                    "count": PAGE,
                    "offset": offset,
                    "fields": fields,
                },
            )
            items = page.get("campaigns") or []
            out.extend(
                _campaign(c) for c in items if marker in (c.get("settings") or {}).get("title", "")
            )
            offset += len(items)
            if not items or offset >= int(page.get("total_items") or 0):
                return out

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


def _time(text: Any) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


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
        created=_time(doc.get("create_time")),
        send_time=_time(doc.get("send_time")),
        emails_sent=doc.get("emails_sent"),
        archive_url=doc.get("archive_url") or "",
        provider_status=raw,
    )
