"""Buttondown API v1: one newsletter per API key, each issue one email, published once.

What Buttondown adds to the send flow of :mod:`copro_news.sending`:

- **The slug is the marker.** An email's slug (its address in Buttondown's archive) is
  made from the issue's marker, ``cn:2026-12:7f3a9c`` -> ``cn-2026-12-7f3a9c``, and read
  back into it; every plan has slugs, and Buttondown refuses a second email with the same
  slug (``slug_invalid``), which is then looked up and taken, never duplicated.
- **Idempotency keys.** Every request that creates or sends carries an
  ``X-Idempotency-Key``; Buttondown answers a repeat of it with the first answer, so such
  a request may be made again after a lost answer (here, by the HTTP session's retries).
  Buttondown keeps the first answer even when it is a refusal, so a key must not outlive
  a refusal whose cause may be fixed (a plan upgraded): the create is keyed per run
  (``<marker>:create:<run>``: across runs and copies the slug keeps it one email). A
  publish is keyed the same in every copy of the workspace, by the email's marker and
  its last change (``<marker>:send:<stamp>``), so that two copies publishing the same
  draft make one request, and a publish after a cancelled schedule is a new one; after
  a refusal, the email is touched so that the next publish has a key of its own. A test
  send is a new request each time it is asked for.
- **Django templates.** Buttondown fills in ``{{ }}``, ``{% %}`` and ``{# #}`` in the
  subject and the body; the issue's text must hold none (the check ``template-syntax``
  says where), and :meth:`set_content` refuses to upload any but the unsubscribe link.
- **The body.** By default the issue goes inside the newsletter's Buttondown template
  (every plan): the inside of the built email, with the widths made fluid, since the
  stylesheet's @media rules do not travel. With ``naked`` (the Plus plan), the whole
  email as built, in naked mode. Buttondown makes the plain-text part itself.
- **Tests.** Buttondown marks a test email itself ("[PREVIEW]" before the subject, as its
  web app's tests); the email's subject is never changed for a test: a subject changed
  for a test could go to the list.
- **Pictures** of the issue folder go to Buttondown's images (``POST /images``), which
  keeps one copy of the same bytes; each carries its name in its metadata, to be found
  again by it after a lost answer. The send flow stores them (``find_images``,
  ``upload_image``) and hands over HTML that points there; a picture the HTML still
  shows as ``cid:...`` is stored by :meth:`set_content` itself.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from copro_news.dates import rfc3339
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
from copro_news.providers.http import HttpClient, OutcomeUnknown
from copro_news.providers.registry import PROVIDERS
from copro_news.secret import Secret

if TYPE_CHECKING:
    from copro_news.images import LocalImage

API_URL = "https://api.buttondown.com/v1"
#: The API version copro-news speaks: defaults (the ids, the email list's filter) follow it.
API_VERSION = "2026-04-01"
#: What the rest of copro-news knows of Buttondown: its list when ``[provider] list`` is
#: empty (the newsletter of the API key), its unsubscribe link, its template tags.
ROW = PROVIDERS["buttondown"]
THE_NEWSLETTER = ROW.default_list
UNSUBSCRIBE_TAG = ROW.unsubscribe
FANCY = "<!-- buttondown-editor-mode: fancy -->"

STATUSES: dict[str, CampaignStatus] = {
    "draft": CampaignStatus.DRAFT,
    "scheduled": CampaignStatus.SCHEDULED,
    "about_to_send": CampaignStatus.SENDING,
    "in_flight": CampaignStatus.SENDING,
    "throttled": CampaignStatus.SENDING,
    "paused": CampaignStatus.SENDING,
    "resending": CampaignStatus.SENDING,
    "sent": CampaignStatus.SENT,
    "deleted": CampaignStatus.CANCELED,
    "suppressed": CampaignStatus.CANCELED,
    # "errored" and the others pass through as words of their own: never taken for a
    # draft, so never sent again.
}
#: The statuses asked for when looking for an issue's email: all but deleted ones.
FIND_STATUSES = [
    "draft",
    "scheduled",
    "about_to_send",
    "in_flight",
    "throttled",
    "paused",
    "resending",
    "sent",
    "errored",
    "suppressed",
]
#: Features of Buttondown's higher plans that copro-news may use, and the plan they need
#: (from Buttondown's price list): named when Buttondown refuses one.
PLAN_OF = {"naked mode": "Buttondown Plus"}
_PLAN_WORDS = re.compile(
    r"\b(plan|plans|upgrade|upgrading|paid|subscription|billing|tier|premium)\b", re.I
)
_PLAN_NAME = re.compile(
    r"\b(Buttondown\s+\w+|Plus|Basic|Standard|Professional|Portfolio|Enterprise)\s+plan\b"
    r"|\bplan\s+(?:called\s+)?[\"']?(Buttondown\s+\w+|Plus|Basic|Standard|Professional)\b",
    re.I,
)
_MARKER = re.compile(r"\[(cn:[^\]\s]+)\]")
_SLUG = re.compile(r"^cn-(\d{4}-\d{2})-([A-Za-z0-9_]+)$")
_SLUG_CHARS = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


class ButtondownError(ProviderError):
    """An error answer of Buttondown's, with its own code and words kept."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        status: int | None = None,
        code: str = "",
        detail: str = "",
    ) -> None:
        super().__init__(message, hint, status=status)
        self.code = code
        self.detail = detail


class PlanError(ProviderError):
    """Buttondown refused something that this newsletter's plan does not include."""


def slug_for(marker: str) -> str:
    """The slug that carries ``marker``: ``cn:2026-12:7f3a9c`` -> ``cn-2026-12-7f3a9c``."""
    prefix, _, rest = marker.partition(":")
    issue, _, tag = rest.rpartition(":")
    slug = f"{prefix}-{issue}-{tag}"
    if prefix != "cn" or not _SLUG.match(slug) or not _SLUG_CHARS.match(slug):
        raise ProviderError(f"The marker {marker!r} cannot be made into a Buttondown slug.")
    return slug


def marker_of(email: dict[str, Any]) -> str | None:
    """The copro-news marker an email carries: in its metadata (where the plan keeps it),
    else in its slug; None for an email copro-news did not make."""
    metadata = email.get("metadata")
    if isinstance(metadata, dict):
        value = metadata.get("copro_news_marker")
        if isinstance(value, str) and value.startswith("cn:"):
            return value
    m = _SLUG.match(str(email.get("slug") or ""))
    return f"cn:{m.group(1)}:{m.group(2)}" if m else None


def title_of(email: dict[str, Any]) -> str:
    """The internal title the send flow reads the marker in (Buttondown has no such field)."""
    marker = marker_of(email)
    if marker is None:
        return ""
    issue = marker.split(":")[1]
    return f"copro-news {issue} [{marker}]"


# --- the body -----------------------------------------------------------------------------------

_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.S | re.I)
_PREHEADER = re.compile(
    r"<(div|span)\b[^>]*\bclass=([\"'])[^\"']*\bpreheader\b[^\"']*\2[^>]*>.*?</\1\s*>", re.S | re.I
)
_TAG = re.compile(r"<(table|img|td|div)\b([^>]*)>", re.I)
_WIDTH = re.compile(r"\bwidth=(\"|')(\d+)(?:px)?\1", re.I)
_STYLE = re.compile(r"\bstyle=(\"|')(.*?)\1", re.S | re.I)
_FIXED_CSS_WIDTH = re.compile(r"(?<![-\w])width\s*:\s*(\d+)px", re.I)
#: Wider than this, a fixed width would run off a phone's screen.
PHONE = 320


def body_fragment(html: str) -> str:
    """The inside of the built email, for Buttondown's template to hold.

    The head (and with it the @media rules for phones and dark mode) does not travel, so
    every fixed width over a phone's becomes fluid: ``width="600"`` becomes 100% with a
    ``max-width`` of 600px, so that nothing is wider than the screen. The hidden preheader
    is left out: Buttondown writes the email's description there.
    """
    m = _BODY.search(html)
    inner = m.group(1) if m else html
    inner = _PREHEADER.sub("", inner, count=1)
    return FANCY + "\n" + _TAG.sub(_fluid, inner).strip() + "\n"


def _fluid(m: re.Match[str]) -> str:
    """One tag made fluid when it is wider than a phone (see :func:`body_fragment`)."""
    tag, attrs = m.group(1), m.group(2)
    img = tag.lower() == "img"
    width = _WIDTH.search(attrs)
    styles = _STYLE.search(attrs)
    css = styles.group(2) if styles else ""
    widths = [int(w) for w in _FIXED_CSS_WIDTH.findall(css)]
    if width is not None:
        widths.append(int(width.group(2)))
    widest = max(widths, default=0)
    if widest <= PHONE:
        return m.group(0)
    if width is not None and not img and int(width.group(2)) > PHONE:
        attrs = attrs[: width.start()] + 'width="100%"' + attrs[width.end() :]
    kept = [d.strip() for d in _FIXED_CSS_WIDTH.sub("width: 100%", css).split(";") if d.strip()]
    if img:
        kept = [d for d in kept if d.split(":", 1)[0].strip().lower() != "width"]
    names = {d.split(":", 1)[0].strip().lower() for d in kept}
    wanted = ["max-width: 100%", "height: auto"] if img else [f"max-width: {widest}px"]
    kept += [w for w in wanted if w.split(":", 1)[0] not in names]
    style = 'style="' + "; ".join(kept) + '"'
    styles = _STYLE.search(attrs)
    if styles is not None:
        attrs = attrs[: styles.start()] + style + attrs[styles.end() :]
    else:
        attrs = attrs.rstrip() + " " + style
    return f"<{tag}{attrs}>"


# --- the provider --------------------------------------------------------------------------------


class ButtondownProvider(Provider):
    name = "buttondown"
    label = "Buttondown"
    schedule_step_minutes = None  # any minute
    #: Every copy of the workspace reaches the same newsletter (see the send flow).
    shared = True
    #: Its creation times are finer, but nothing says so: the second is safe.
    created_resolution = 1.0
    #: The issue's pictures go to Buttondown's images (find_images, upload_image).
    stores_images = True

    def __init__(
        self, key: Secret, *, api_url: str | None = None, naked: bool = False, **http: Any
    ) -> None:
        self.naked = naked
        self.http = HttpClient(
            (api_url or API_URL).rstrip("/"),
            label=self.label,
            token=("Token", key),
            headers={"X-API-Version": API_VERSION},
            error_hook=_error,
            **http,
        )
        #: This run's part of the keys that must not outlive it (see the module's doc).
        self._run = secrets.token_hex(4)
        self._newsletters: list[dict[str, Any]] | None = None
        #: The emails as last seen, by id: their marker and last change key the publish.
        self._seen: dict[str, dict[str, Any]] = {}
        #: slug -> the whole title asked for, for the emails this run made (or tried to):
        #: a title says more than its slug holds (which copy of the workspace made it).
        self._titles: dict[str, str] = {}

    @property
    def where(self) -> str:
        return "Buttondown's Emails page"

    def close(self) -> None:
        self.http.close()

    # -- calls ------------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        key: str | None = None,
        feature: str | None = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> Any:
        """One call; ``key`` makes it keyed (and so safe to repeat); ``feature`` names what
        a refusal for the plan is about."""
        extra = dict(headers or {})
        if key is not None:
            extra["X-Idempotency-Key"] = key[:200]
        repeatable = True if key is not None or method in ("GET", "PATCH", "DELETE") else None
        try:
            return self.http.request(
                method, path, headers=extra or None, repeatable=repeatable, **kw
            )
        except ButtondownError as e:
            if e.status == 401:
                raise CredentialsError(
                    "Buttondown did not accept the API key"
                    + (f" ({e.detail.rstrip('.')})." if e.detail else "."),
                    ROW.key_hint,
                ) from None
            if _about_the_plan(e):
                raise _plan_error(e, feature) from None
            raise

    def _email(self, doc: Any) -> Campaign:
        if not isinstance(doc, dict) or not doc.get("id"):
            raise ProviderError("Buttondown answered without an email id.")
        self._seen[str(doc["id"])] = doc
        raw = str(doc.get("status") or "")
        status: CampaignStatus | str = STATUSES.get(raw, raw)
        analytics = doc.get("analytics") if isinstance(doc.get("analytics"), dict) else {}
        newsletter = self._the_newsletter()
        return Campaign(
            id=str(doc["id"]),
            status=status,
            title=self._title(doc),
            list_id=str(newsletter.get("id") or ""),
            list_name=str(newsletter.get("name") or ""),
            recipients=analytics.get("recipients") if analytics else None,
            created=parse_time(doc.get("creation_date")),
            send_time=parse_time(doc.get("publish_date"))
            if status != CampaignStatus.DRAFT
            else None,
            emails_sent=analytics.get("recipients") if analytics else None,
            archive_url=str(doc.get("absolute_url") or ""),
            provider_status=raw,
        )

    def _the_newsletter(self) -> dict[str, Any]:
        """The API key's newsletter ({} when the key sees several, or none)."""
        found = self._all_newsletters()
        return found[0] if len(found) == 1 else {}

    def _all_newsletters(self) -> list[dict[str, Any]]:
        if self._newsletters is None:
            found: list[dict[str, Any]] = []
            page = 1
            while True:
                doc = self._call("GET", "/newsletters", params={"page": page}) or {}
                found += [n for n in doc.get("results") or [] if isinstance(n, dict)]
                if not doc.get("next"):
                    break
                page += 1
            self._newsletters = found
        return self._newsletters

    # -- the interface ----------------------------------------------------------------------
    def verify(self) -> str:
        account = self._call("GET", "/accounts/me") or {}
        name = account.get("username") or "Buttondown account"
        shown = f"{name} ({account['email_address']})" if account.get("email_address") else name
        newsletter = self._the_newsletter()
        if newsletter.get("name"):
            shown += f", newsletter '{newsletter['name']}'"
        return shown

    def lists(self) -> list[MailingList]:
        newsletters = self._all_newsletters()
        members = None
        if len(newsletters) == 1:
            page = self._call("GET", "/subscribers", params={"type": ["regular"]}) or {}
            members = page.get("count")
        return [
            MailingList(
                str(n.get("id") or ""), str(n.get("name") or n.get("username") or ""), members
            )
            for n in newsletters
        ]

    def get_list(self, list_id: str) -> MailingList | None:
        found = self.lists()
        if list_id in ("", THE_NEWSLETTER) and len(found) == 1:
            return found[0]
        by_username = {
            str(n.get("username") or ""): str(n.get("id") or "") for n in self._all_newsletters()
        }
        wanted = by_username.get(list_id, list_id)
        return next((lst for lst in found if lst.id == wanted), None)

    def find_campaigns(
        self, list_id: str, marker: str, since: datetime | None = None
    ) -> list[Campaign]:
        """Every email (not deleted) whose slug, or metadata, carries ``marker``; oldest
        first. Made since ``since`` only when given."""
        out = []
        for doc in self._emails(since):
            title = self._title(doc)
            if title and marker in title:
                out.append(self._email(doc))
        return oldest_first(out)

    def _emails(self, since: datetime | None) -> list[dict[str, Any]]:
        """Every email not deleted (created since ``since``, when given), newest first."""
        params: dict[str, Any] = {
            "status": FIND_STATUSES,
            "ordering": "-creation_date",
            "excluded_fields": ["body"],
        }
        if since is not None:
            # whole days, and one more: the filter's day is Buttondown's, not ours
            day = (since.astimezone(UTC) - timedelta(days=1)).date()
            params["creation_date__start"] = day.isoformat()
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            doc = self._call("GET", "/emails", params={**params, "page": page}) or {}
            found += [e for e in doc.get("results") or [] if isinstance(e, dict)]
            if not doc.get("next"):
                return found
            page += 1

    def create_campaign(self, message: Message, list_id: str, title: str) -> Campaign:
        m = _MARKER.search(title)
        if m is None:
            raise ProviderError(f"The campaign title {title!r} carries no marker.")
        marker = m.group(1)
        slug = slug_for(marker)
        self._titles[slug] = title
        self._refuse_template_tags(message.subject, message.preheader)
        body: dict[str, Any] = {
            "subject": message.subject,
            "description": message.preheader,
            "slug": slug,
            "status": "draft",  # never Buttondown's default, about_to_send: that sends
        }
        if self.naked:
            body["template"] = "naked"
        try:
            doc = self._call(
                "POST",
                "/emails",
                json=body,
                key=f"{marker}:create:{self._run}",
                feature=self._feature(),
            )
        except ButtondownError as e:
            if e.code not in ("slug_invalid", "email_duplicate"):
                raise
            # The slug is taken: by this issue's email, made by an earlier run whose answer
            # was lost, or by another copy of the workspace. Take it; never make a second.
            self._titles.pop(slug, None)  # made by another run or copy, not this one
            taken = [d for d in self._emails(None) if str(d.get("slug") or "") == slug]
            if len(taken) == 1 and marker_of(taken[0]) == marker:
                return self._email(taken[0])
            if e.code == "email_duplicate":
                raise ProviderError(
                    "Buttondown refused the email as a duplicate of one it already has"
                    + (f" ({e.detail.rstrip('.')})." if e.detail else "."),
                    f"Look for that email in {self.where}: copro-news will not make a second one.",
                ) from None
            raise ProviderError(
                f"Buttondown already has an email at the address '{slug}' (its slug), "
                "and copro-news cannot find it among the newsletter's emails.",
                f"Look for it in {self.where} (the deleted ones too): copro-news will not "
                "make a second email for this issue.",
            ) from None
        return self._email(doc)

    def set_content(self, campaign_id: str, message: Message, *, settings: bool) -> None:
        html = self._store_pictures(message)
        body = html if self.naked else body_fragment(html)
        self._refuse_template_tags(message.subject, message.preheader, body)
        if self.naked and UNSUBSCRIBE_TAG not in body:
            raise ProviderError(
                f"The email has no Buttondown unsubscribe link ({UNSUBSCRIBE_TAG}), which "
                "naked mode needs; nothing was uploaded.",
                "Keep the unsubscribe link in the footer template, then run the command again.",
            )
        update: dict[str, Any] = {
            "subject": message.subject,
            "description": message.preheader,
            "body": body,
        }
        if self.naked:
            update["template"] = "naked"
        doc = self._call("PATCH", f"/emails/{campaign_id}", json=update, feature=self._feature())
        if isinstance(doc, dict) and doc.get("id"):
            self._seen[campaign_id] = doc

    def get_campaign(self, campaign_id: str) -> Campaign | None:
        try:
            doc = self._call("GET", f"/emails/{campaign_id}")
        except ProviderError as e:
            if e.status == 404:
                return None
            raise
        return self._email(doc)

    def delete_campaign(self, campaign_id: str) -> None:
        try:
            self._call("DELETE", f"/emails/{campaign_id}")
        except ProviderError as e:
            if e.status != 404:
                raise
        self._seen.pop(campaign_id, None)

    def find_images(self, names: Collection[str]) -> dict[str, str]:
        """The pictures among ``names`` in Buttondown's images: by the name in their
        metadata, or the last part of their address."""
        wanted = set(names)
        found: dict[str, str] = {}
        page = 1
        while wanted - set(found):
            doc = self._call("GET", "/images", params={"page": page, "page_size": 100}) or {}
            for item in doc.get("results") or []:
                url = item.get("image") if isinstance(item, dict) else None
                if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                    continue
                metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
                name = metadata.get("copro_news_name") or url.rsplit("/", 1)[-1].split("?")[0]
                if name in wanted and name not in found:
                    found[name] = url
            if not doc.get("next"):
                break
            page += 1
        return found

    def upload_image(self, image: LocalImage) -> str:
        """Buttondown keeps one copy of the same bytes: uploading a picture again gives back
        the first one's address."""
        doc = self._call(
            "POST",
            "/images",
            files={"image": (image.upload_name, image.data, image.mime)},
            data={"metadata": json.dumps({"copro_news_name": image.upload_name})},
            key=f"{image.upload_name}:upload:{self._run}",
        )
        url = doc.get("image") if isinstance(doc, dict) else None
        return picture_address(url, self.label, image.upload_name)

    def send_test(self, campaign_id: str, addresses: list[str]) -> None:
        if not addresses:
            raise ProviderError("A test needs at least one address.")
        # A new request each time a test is asked for: a second test is meant to go.
        key = f"{self._marker(campaign_id)}:test:{secrets.token_hex(6)}"
        self._call(
            "POST",
            f"/emails/{campaign_id}/send-draft",
            json={"recipients": list(addresses)},
            key=key,
        )

    def send(self, campaign_id: str) -> None:
        self._publish(campaign_id, None)

    def schedule(self, campaign_id: str, when: datetime) -> None:
        self._publish(campaign_id, when)

    def unschedule(self, campaign_id: str) -> None:
        doc = self._call("PATCH", f"/emails/{campaign_id}", json={"status": "draft"})
        if isinstance(doc, dict) and doc.get("id"):
            self._seen[campaign_id] = doc

    # -- helpers ----------------------------------------------------------------------------
    def _store_pictures(self, message: Message) -> str:
        """The HTML with each picture of the issue folder that it still shows as
        ``cid:...`` in Buttondown's images, once: a picture already there (found by its
        name) is not uploaded again, and Buttondown keeps one copy of the same bytes."""
        html = message.html
        pictures = [p for p in getattr(message, "images", ()) if f"cid:{p.cid}" in html]
        if not pictures:
            return html
        stored = self.find_images({p.upload_name for p in pictures})
        for picture in pictures:
            url = stored.get(picture.upload_name)
            if url is None:
                try:
                    url = self.upload_image(picture)
                except OutcomeUnknown:
                    url = self.find_images({picture.upload_name}).get(picture.upload_name)
                    if url is None:
                        raise
                stored[picture.upload_name] = url
            html = html.replace(f"cid:{picture.cid}", url)
        return html

    def _title(self, doc: dict[str, Any]) -> str:
        marker = marker_of(doc)
        asked = self._titles.get(str(doc.get("slug") or ""))
        if asked is not None and marker is not None and f"[{marker}]" in asked:
            return asked
        return title_of(doc)

    def _feature(self) -> str | None:
        return "naked mode" if self.naked else None

    def _marker(self, campaign_id: str) -> str:
        doc = self._seen.get(campaign_id)
        if doc is None:
            doc = self._call("GET", f"/emails/{campaign_id}") or {}
            self._seen[campaign_id] = doc
        return marker_of(doc) or campaign_id

    def _publish(self, campaign_id: str, when: datetime | None) -> None:
        """Send now (``when`` None) or schedule: Buttondown's publish, keyed by the email's
        marker and its last change, so that every copy of the workspace makes the same
        request, and a publish after a cancelled schedule is a request of its own."""
        doc = self._seen.get(campaign_id)
        if doc is None:
            doc = self._call("GET", f"/emails/{campaign_id}") or {}
        marker = marker_of(doc) or campaign_id
        stamp = re.sub(r"[^0-9A-Za-z]", "", str(doc.get("modification_date") or "")) or "0"
        body: dict[str, Any] = {}
        if when is None:
            key = f"{marker}:send:{stamp}"
        else:
            body["publish_date"] = rfc3339(when)
            key = f"{marker}:schedule:{when.astimezone(UTC):%Y%m%dT%H%MZ}:{stamp}"
        try:
            answer = self._call(
                "POST",
                f"/emails/{campaign_id}/publish",
                json=body,
                key=key,
                # copro-news asked the person before sending; this tells Buttondown so.
                headers={"X-Buttondown-Live-Dangerously": "true"},
            )
        except ProviderError as e:
            if e.status is not None and 400 <= e.status < 500 and e.status != 429:
                self._touch(campaign_id, doc)
            raise
        status = str(answer.get("status") or "") if isinstance(answer, dict) else ""
        if isinstance(answer, dict) and answer.get("id"):
            self._seen[campaign_id] = answer
        if status == "draft" or (when is not None and status not in ("scheduled", "")):
            raise OutcomeUnknown(
                f"Buttondown answered the publish of email {campaign_id} with its status "
                f"'{status}'.",
                "Run the command again: it checks what was done before going on.",
            )

    def _touch(self, campaign_id: str, doc: dict[str, Any]) -> None:
        """After a refused publish: change the email's last change, and with it the key of
        the next publish, which Buttondown would otherwise answer with this refusal again
        (the same description, written again: nothing a subscriber sees)."""
        self._seen.pop(campaign_id, None)
        with contextlib.suppress(ProviderError):
            self._call(
                "PATCH",
                f"/emails/{campaign_id}",
                json={"description": str(doc.get("description") or "")},
            )

    def _refuse_template_tags(self, *texts: str) -> None:
        found = sorted({tag for text in texts for tag in ROW.template_tags_in(text)})
        if found:
            raise ProviderError(
                "The email holds " + " and ".join(f"'{t}'" for t in found) + ", which "
                "Buttondown would read as a template tag; nothing was uploaded.",
                "Run 'copro-news check' to see where, and reword it.",
            )


# --- errors ---------------------------------------------------------------------------------------


def _error(status: int, doc: Any) -> ProviderError | None:
    """Buttondown's error answers in plain words (None: the HTTP session's own words)."""
    if status == 429 or status >= 500:
        return None
    code, detail = "", ""
    if isinstance(doc, dict):
        code = str(doc.get("code") or "")
        raw = doc.get("detail")
        if isinstance(raw, list):  # 422: a list of what is wrong with the request
            detail = "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in raw)
        else:
            detail = str(raw or "")
    detail = " ".join(detail.split())[:500]
    said = f" ({status} {detail.rstrip('.')})" if detail else f" ({status})"
    hint = None
    if status == 403:
        hint = (
            "Check that the API key may write and send emails (Buttondown: Settings > API), "
            "or run 'copro-news login buttondown' with another key."
        )
    return ButtondownError(
        f"Buttondown refused the request{said}.",
        hint,
        status=status,
        code=code,
        detail=detail,
    )


def _about_the_plan(e: ButtondownError) -> bool:
    if e.status == 402:
        return True
    if e.status not in (400, 403):
        return False
    return bool(_PLAN_WORDS.search(e.code.replace("_", " ")) or _PLAN_WORDS.search(e.detail))


def _plan_error(e: ButtondownError, feature: str | None) -> PlanError:
    m = _PLAN_NAME.search(e.detail)
    named = (m.group(1) or m.group(2)) if m else None
    plan = named or (PLAN_OF.get(feature) if feature else None)
    if plan and not plan.lower().startswith("buttondown"):
        plan = f"Buttondown {plan[:1].upper()}{plan[1:]}"
    what = f"Buttondown's {feature}" if feature else "This"
    needs = f"the {plan} plan" if plan else "a higher Buttondown plan"
    said = f" Buttondown said: {e.detail}" if e.detail else ""
    hint = "Upgrade the newsletter's plan in Buttondown (Settings > Billing)"
    if feature == "naked mode":
        hint += ", or remove 'naked = true' from [provider] in copro-news.toml to send the issue "
        hint += "inside your Buttondown template"
    return PlanError(f"{what} needs {needs}; nothing was sent.{said}", hint + ".", status=e.status)
