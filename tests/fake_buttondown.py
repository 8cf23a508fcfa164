"""A stand-in Buttondown API v1 for tests: a real HTTP server on 127.0.0.1.

It keeps one newsletter, its emails and images in memory, answers as the API does, and
checks every request against Buttondown's OpenAPI description
(``tests/specs/buttondown/openapi.json``, read at test time): the method and path, each
query parameter, the headers (``Authorization: Token``, ``X-API-Version``, an
``X-Idempotency-Key`` on every request that creates or sends, no unknown ``X-`` header)
and the body, with ``Draft202012Validator`` over the spec's components, where the
``additionalProperties: false`` of the input schemas catches a misspelt key. A request
the real API would not take gets a 422 and is recorded in ``violations``; the test
fixture fails the test when any were recorded. Its own answers are checked against the
spec too.

As the real API does, it:

- answers a repeat of an ``X-Idempotency-Key`` with the first answer (the request's
  work is not done again), for every request whose work was started;
- refuses a second email with a slug already in use (400 ``slug_invalid``);
- creates an email with status ``about_to_send`` (it goes to the list) unless told
  ``draft``; moves ``draft`` -> ``scheduled`` | ``about_to_send`` -> ``sent`` and
  ``scheduled`` -> ``draft`` (cancel) or -> ``sent`` when its time comes
  (:meth:`FakeButtondown.advance`);
- refuses what the newsletter's plan does not include (``plan``: naked mode and
  metadata need "plus") with an answer that names the plan.

Faults and holds are the stand-ins' own (tests/standin.py)::

    fake.fault("POST", "/emails/*/publish", kind="drop-after")
    fake.hold("POST", "/emails", parties=2)  # two copies of a workspace at the same moment
"""

from __future__ import annotations

import contextlib
import copy
import fnmatch
import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import Message as Headers
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jsonschema import Draft202012Validator, FormatChecker

from tests.standin import (
    Answer,
    Call,
    PathEntry,
    StandIn,
    operation_in,
    path_table,
    valid_date_time,
)

BASE_PATH = "/v1"
API_VERSION = "2026-04-01"
#: The X- headers Buttondown knows (its docs); any other is a misspelling.
KNOWN_X_HEADERS = {
    "x-api-version",
    "x-idempotency-key",
    "x-buttondown-live-dangerously",
    "x-buttondown-test-mode",
    "x-buttondown-collision-behavior",
    "x-buttondown-bypass-firewall",
}
#: Requests that create or send: each must carry an X-Idempotency-Key.
KEYED = [
    ("POST", "/emails"),
    ("POST", "/emails/*/publish"),
    ("POST", "/emails/*/send-draft"),
    ("POST", "/images"),
]
GOING_OUT = ("about_to_send", "in_flight", "throttled", "paused", "resending")
PLANS = ("free", "basic", "plus")
TYPEID = "0123456789abcdefghjkmnpqrstvwxyz"


def spec_path() -> Path:
    """Buttondown's OpenAPI description (env COPRO_NEWS_BUTTONDOWN_SPEC)."""
    env = os.environ.get("COPRO_NEWS_BUTTONDOWN_SPEC")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "specs" / "buttondown" / "openapi.json"


_SPEC: dict[str, Any] | None = None
_OPS: list[PathEntry] = []
_SPEC_LOCK = threading.Lock()
_VALIDATORS: dict[str, Draft202012Validator] = {}
_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date-time")(valid_date_time)


@_FORMATS.checks("date")
def _date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def load_spec() -> dict[str, Any]:
    global _SPEC
    with _SPEC_LOCK:
        if _SPEC is None:
            path = spec_path()
            if not path.is_file():
                raise RuntimeError(
                    f"Buttondown's OpenAPI description not found at {path}; "
                    "set COPRO_NEWS_BUTTONDOWN_SPEC to it"
                )
            spec = json.loads(path.read_text(encoding="utf-8"))
            _OPS.extend(path_table(spec["paths"].items()))
            _SPEC = spec
    return _SPEC


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of ``schema`` that resolves ``#/components/...`` in the spec."""
    key = json.dumps(schema, sort_keys=True)
    found = _VALIDATORS.get(key)
    if found is None:
        spec = load_spec()
        found = Draft202012Validator(
            {**schema, "components": spec["components"]}, format_checker=_FORMATS
        )
        _VALIDATORS[key] = found
    return found


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    load_spec()
    return operation_in(_OPS, method, path)


def _errors(schema: dict[str, Any], value: Any, where: str) -> list[str]:
    out = []
    for err in validator(schema).iter_errors(value):
        at = "".join(f"[{p!r}]" for p in err.absolute_path)
        out.append(f"{where}{at}: {err.message}")
    return out


def _is_array(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "array":
        return True
    return any(s.get("type") == "array" for s in schema.get("anyOf", []) if isinstance(s, dict))


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    kinds = {schema.get("type")} | {
        s.get("type") for s in schema.get("anyOf", []) if isinstance(s, dict)
    }
    if "integer" in kinds and re.fullmatch(r"-?\d+", value):
        return int(value)
    if "number" in kinds:
        with contextlib.suppress(ValueError):
            return float(value)
    if "boolean" in kinds and value in ("true", "false"):
        return value == "true"
    return value


def query_problems(op: dict[str, Any], query: list[tuple[str, str]]) -> list[str]:
    params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
    grouped: dict[str, list[str]] = {}
    for name, value in query:
        grouped.setdefault(name, []).append(value)
    out = []
    for name, values in grouped.items():
        p = params.get(name)
        if p is None:
            out.append(f"query parameter {name!r} is not known")
            continue
        schema = p.get("schema", {})
        if _is_array(schema):
            items = schema.get("items") or next(
                (s.get("items", {}) for s in schema.get("anyOf", []) if s.get("type") == "array"),
                {},
            )
            value: Any = [_coerce(v, items) for v in values]
        elif len(values) > 1:
            out.append(f"query parameter {name!r} given {len(values)} times")
            continue
        else:
            value = _coerce(values[0], schema)
        out.extend(_errors(schema, value, f"query parameter {name!r}"))
    for p in params.values():
        if p.get("required") and p["name"] not in grouped:
            out.append(f"query parameter {p['name']!r} is required")
    return out


def header_problems(method: str, path: str, op: dict[str, Any], headers: Any) -> list[str]:
    out = []
    version = headers.get("X-API-Version")
    if version is None:
        out.append("no X-API-Version header: the newsletter's pinned version would apply")
    elif version != API_VERSION:
        out.append(f"X-API-Version {version!r}, not the version copro-news speaks")
    key = headers.get("X-Idempotency-Key")
    if key is not None and not (0 < len(key) <= 200 and key.isprintable()):
        out.append("X-Idempotency-Key must be 1 to 200 printable characters")
    if key is None and any(
        method == m and fnmatch.fnmatchcase(path, pattern) for m, pattern in KEYED
    ):
        out.append("a request that creates or sends carries no X-Idempotency-Key")
    declared = {p["name"].lower() for p in op.get("parameters", []) if p.get("in") == "header"}
    for name in headers:
        low = name.lower()
        if low.startswith("x-") and low not in KNOWN_X_HEADERS | declared:
            out.append(f"header {name!r} is not one Buttondown knows")
    return out


def body_problems(op: dict[str, Any], raw: bytes, content_type: str) -> tuple[list[str], Any]:
    body = op.get("requestBody")
    if body is None:
        return (["this operation takes no request body"], None) if raw.strip() else ([], None)
    if not raw.strip():
        return (["a request body is required"], None) if body.get("required") else ([], None)
    content = body.get("content", {})
    if "multipart/form-data" in content:
        if not content_type.startswith("multipart/form-data"):
            return [f"request body must be multipart/form-data, got {content_type!r}"], None
        fields = parse_multipart(raw, content_type)
        schema = content["multipart/form-data"]["schema"]
        out = [f"form field {k!r} is not known" for k in fields if k not in schema["properties"]]
        out += [f"form field {k!r} is required" for k in schema["required"] if k not in fields]
        return out, fields
    if "application/json" not in content_type:
        return [f"request body must be application/json, got {content_type!r}"], None
    try:
        value = json.loads(raw)
    except ValueError as e:
        return [f"request body is not JSON: {e}"], None
    return _errors(content["application/json"]["schema"], value, "body"), value


def parse_multipart(raw: bytes, content_type: str) -> dict[str, tuple[str, bytes, str]]:
    """{field: (filename, data, content type)} of a multipart/form-data body."""
    msg = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    out = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            data = part.get_payload(decode=True) or b""
            out[str(name)] = (part.get_filename() or "", data, part.get_content_type())
    return out


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def typeid(prefix: str) -> str:
    return (
        prefix
        + "_"
        + secrets.choice("01234567")
        + "".join(secrets.choice(TYPEID) for _ in range(25))
    )


def error(status: int, detail: str, code: str | None = None) -> tuple[int, dict[str, Any]]:
    doc: dict[str, Any] = {"detail": detail}
    if code:
        doc["code"] = code
    return status, doc


@dataclass
class FakeEmail:
    doc: dict[str, Any]
    tests: list[list[str]] = field(default_factory=list)
    #: Times the email went to the list: the number that must never exceed one.
    deliveries: int = 0


class FakeButtondown(StandIn):
    """The server and its newsletter, in memory."""

    provider = "buttondown"
    base_path = BASE_PATH

    def __init__(self, key: str = "bd-test-key-0000", *, plan: str = "free") -> None:
        assert plan in PLANS
        load_spec()
        super().__init__(key)
        self.plan = plan
        self.subscribers = 312
        self.newsletter: dict[str, Any] = {
            "id": typeid("nl"),
            "creation_date": "2024-01-10T09:00:00Z",
            "api_key": key,  # the real API hands the key back: it must never be shown
            "description": "Monthly news of the co-production team.",
            "name": "Team update",
            "username": "teamupdate",
            "email_address": "news@example.org",
            "from_name": "Co-Production Collective",
            "timezone": "Europe/London",
            "template": "modern",
            "test_mode": False,
        }
        self.account = {"username": "copro-team", "email_address": "owner@example.org"}
        self.emails: dict[str, FakeEmail] = {}
        self.images: dict[str, dict[str, Any]] = {}
        #: Refusals of the API's own: (method, path pattern) -> (status, body). Unlike a
        #: fault, a refusal is the request's answer, kept under its idempotency key.
        self.refusals: dict[tuple[str, str], tuple[int, Any]] = {}
        self.page_size = 20
        #: A publish to send now needs X-Buttondown-Live-Dangerously (API 2026-04-01).
        self.require_live_dangerously = True
        self._keys: dict[str, tuple[str, str, int, Any]] = {}
        self._last_change = datetime(2000, 1, 1, tzinfo=UTC)

    # -- what tests use -------------------------------------------------------------------
    @property
    def uploads(self) -> int:
        """Pictures uploaded and kept (a second upload of the same bytes is the first)."""
        return len(self.images)

    @property
    def total_deliveries(self) -> int:
        return sum(e.deliveries for e in self.emails.values())

    def live_emails(self) -> list[FakeEmail]:
        return [e for e in self.emails.values() if e.doc["status"] != "deleted"]

    def only_email(self) -> FakeEmail:
        found = self.live_emails()
        assert len(found) == 1, f"expected one email, found {len(found)}"
        return found[0]

    def advance(self, to: datetime | None = None) -> None:
        """Time passes: emails about to send are sent; scheduled ones whose time has come go."""
        with self.lock:
            if to is not None:
                self.clock = lambda: to
            now = self.clock()
            for email in self.emails.values():
                doc = email.doc
                if doc["status"] == "scheduled" and _time(doc["publish_date"]) <= now:
                    email.deliveries += 1
                    self._sent(email)
                elif doc["status"] in GOING_OUT:
                    self._sent(email)

    # -- the emails -------------------------------------------------------------------------
    def _touch(self, doc: dict[str, Any]) -> None:
        now = max(self.clock(), self._last_change + timedelta(microseconds=1))
        self._last_change = now
        doc["modification_date"] = iso(now)

    def _sent(self, email: FakeEmail) -> None:
        email.doc["status"] = "sent"
        email.doc["analytics"] = {"recipients": self.subscribers, "deliveries": self.subscribers}
        self._touch(email.doc)

    def _go(self, email: FakeEmail) -> None:
        """Published to send now: the list gets it."""
        email.deliveries += 1
        email.doc["status"] = "about_to_send"
        email.doc["publish_date"] = iso(self.clock())
        self._touch(email.doc)

    def _plan_refuses(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if self.plan == "plus":
            return None
        if body.get("template") == "naked":
            return error(
                403,
                "Naked mode is not available on your plan. Upgrade to the Buttondown Plus "
                "plan to use it.",
                "plan_upgrade_required",
            )
        if body.get("metadata"):
            return error(
                403,
                "Metadata is available on the Buttondown Plus plan.",
                "plan_upgrade_required",
            )
        return None

    def _slug_taken(self, slug: Any, but: str | None = None) -> bool:
        return bool(slug) and any(
            e.doc.get("slug") == slug for i, e in self.emails.items() if i != but
        )

    def _future(self, text: Any) -> datetime | None:
        when = _time(text)
        return when if when is not None and when > self.clock() else None

    def create(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        refused = self._plan_refuses(body)
        if refused:
            return refused
        if self._slug_taken(body.get("slug")):
            return error(400, "This slug is already in use by another email.", "slug_invalid")
        status = body.get("status", "about_to_send")
        if status == "about_to_send" and headers.get("x-buttondown-live-dangerously") != "true":
            return error(
                400,
                "Creating an email that sends at once needs X-Buttondown-Live-Dangerously.",
                "sending_requires_confirmation",
            )
        if status == "scheduled" and self._future(body.get("publish_date")) is None:
            return error(
                400, "A scheduled email needs a publish date in the future.", "publish_date_invalid"
            )
        if status not in ("draft", "about_to_send", "scheduled"):
            return error(400, f"An email cannot be created as {status}.", "status_invalid")
        eid = typeid("em")
        now = iso(self.clock())
        doc = {
            "id": eid,
            "creation_date": now,
            "modification_date": now,
            "absolute_url": f"https://buttondown.com/{self.newsletter['username']}/archive/"
            f"{body.get('slug') or eid}/",
            "analytics": None,
            "attachments": [],
            "body": body.get("body", ""),
            "canonical_url": body.get("canonical_url", ""),
            "commenting_mode": body.get("commenting_mode", "enabled"),
            "description": body.get("description", ""),
            "archival_mode": body.get("archival_mode", "enabled"),
            "email_type": "public",
            "featured": False,
            "filters": {"filters": [], "groups": [], "predicate": "and"},
            "image": body.get("image", ""),
            "metadata": body.get("metadata", {}),
            "publish_date": body.get("publish_date"),
            "related_email_ids": [],
            "secondary_id": len(self.emails) + 1,
            "should_trigger_pay_per_email_billing": False,
            "slug": body.get("slug"),
            "source": "api",
            "status": "draft",
            "subject": body["subject"],
            "template": body.get("template"),
        }
        email = FakeEmail(doc)
        self.emails[eid] = email
        self._touch(doc)
        if status == "about_to_send":
            self._go(email)
        elif status == "scheduled":
            doc["status"] = "scheduled"
        return 201, copy.deepcopy(doc)

    def update(self, email: FakeEmail, body: dict[str, Any]) -> tuple[int, Any]:
        doc = email.doc
        refused = self._plan_refuses(body)
        if refused:
            return refused
        status = doc["status"]
        content = {"subject", "body", "description", "template", "slug"} & set(body)
        if content and status not in ("draft", "scheduled"):
            return error(400, "This email has already been sent and can no longer be edited.")
        if "slug" in body and self._slug_taken(body["slug"], but=doc["id"]):
            return error(400, "This slug is already in use by another email.", "slug_invalid")
        wanted = body.get("status")
        if wanted is not None and wanted != status:
            if (status, wanted) == ("scheduled", "draft"):
                doc["publish_date"] = None
            elif status == "draft" and wanted == "scheduled":
                when = self._future(body.get("publish_date") or doc.get("publish_date"))
                if when is None:
                    return error(400, "A scheduled email needs a publish date in the future.")
            elif status == "draft" and wanted == "about_to_send":
                pass
            else:
                return error(400, f"An email cannot go from {status} to {wanted}.")
        for name, value in body.items():
            if name in ("status", "publish_date"):
                continue
            if value is not None:
                doc[name] = value
        if body.get("publish_date") == "none":
            doc["publish_date"] = None
        elif body.get("publish_date"):
            doc["publish_date"] = body["publish_date"]
        if wanted == "about_to_send" and status == "draft":
            self._go(email)
        elif wanted is not None:
            doc["status"] = wanted
        self._touch(doc)
        return 200, copy.deepcopy(doc)

    def publish(
        self, email: FakeEmail, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, Any]:
        doc = email.doc
        if doc["status"] != "draft":
            return error(400, f"This email is {doc['status']}: it cannot be published again.")
        if not doc.get("subject") or not doc.get("body"):
            return error(400, "An email needs a subject and a body to be published.")
        when = body.get("publish_date")
        if when not in (None, "none"):
            if self._future(when) is None:
                return error(400, "The publish date must be in the future.")
            doc["publish_date"] = when
            doc["status"] = "scheduled"
            self._touch(doc)
            return 200, copy.deepcopy(doc)
        if self.require_live_dangerously and headers.get("x-buttondown-live-dangerously") != "true":
            return error(
                400,
                "Sending needs a confirmation: add X-Buttondown-Live-Dangerously: true.",
                "sending_requires_confirmation",
            )
        self._go(email)
        return 200, copy.deepcopy(doc)

    def send_draft(self, email: FakeEmail, body: dict[str, Any]) -> tuple[int, Any]:
        if email.doc["status"] not in ("draft", "scheduled"):
            return error(400, "Only a draft can be sent as a test.")
        recipients = body.get("recipients") or []
        if not recipients and not body.get("subscribers"):
            return error(400, "No recipients were given.")
        email.tests.append(list(recipients))
        return 200, None

    def list_emails(self, query: list[tuple[str, str]]) -> tuple[int, Any]:
        q: dict[str, list[str]] = {}
        for k, v in query:
            q.setdefault(k, []).append(v)
        items = [copy.deepcopy(e.doc) for e in self.emails.values()]
        statuses = q.get("status")
        if statuses:
            items = [d for d in items if d["status"] in statuses]
        else:
            items = [d for d in items if d["status"] != "deleted"]
        if "-status" in q:
            items = [d for d in items if d["status"] not in q["-status"]]
        if "creation_date__start" in q:
            start = date.fromisoformat(q["creation_date__start"][0])
            items = [d for d in items if _time(d["creation_date"]).date() >= start]
        order = q.get("ordering", ["creation_date"])[0]
        items.sort(key=lambda d: d.get(order.lstrip("-")) or "", reverse=order.startswith("-"))
        if "body" in q.get("excluded_fields", []):
            for d in items:
                d.pop("body", None)
        return 200, self._page(items, q, "/emails", query)

    def _page(
        self, items: list[Any], q: dict[str, list[str]], path: str, query: list[tuple[str, str]]
    ) -> dict[str, Any]:
        page = int(q.get("page", ["1"])[0])
        start = (page - 1) * self.page_size
        chunk = items[start : start + self.page_size]
        rest = [(k, v) for k, v in query if k != "page"]
        more = start + self.page_size < len(items)
        return {
            "results": chunk,
            "count": len(items),
            "next": f"{self.url}{path}?{urlencode([*rest, ('page', page + 1)])}" if more else None,
            "previous": (
                f"{self.url}{path}?{urlencode([*rest, ('page', page - 1)])}" if page > 1 else None
            ),
        }

    def create_image(self, fields: dict[str, tuple[str, bytes, str]]) -> tuple[int, Any]:
        filename, data, _type = fields["image"]
        if not filename.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
            return 422, {
                "detail": [
                    {
                        "type": "value_error.file_extension",
                        "loc": ["file", "image"],
                        "msg": "Unsupported image type. Please upload a PNG, JPG, GIF, or WebP "
                        "image.",
                    }
                ]
            }
        try:
            metadata = json.loads(fields["metadata"][1]) if "metadata" in fields else {}
        except ValueError:
            return error(400, "metadata must be JSON.")
        same = next((d for d in self.images.values() if d["data"] == data), None)
        if same is not None:  # the same bytes: the first record, its metadata kept
            return 201, {k: v for k, v in same.items() if k != "data"}
        iid = typeid("img")
        doc = {
            "id": iid,
            "creation_date": iso(self.clock()),
            "image": f"https://assets.buttondown.email/images/{iid}/{filename}",
            "metadata": metadata,
        }
        self.images[iid] = {**doc, "data": data}
        return 201, doc

    # -- dispatch -----------------------------------------------------------------------------
    def handle(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        body: Any,
        headers: dict[str, str],
    ) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        for (m, pattern), answer in self.refusals.items():
            if m == method and fnmatch.fnmatchcase(path, pattern):
                return answer
        if path == "/ping":
            return 200, {}
        if path == "/accounts/me":
            return 200, dict(self.account)
        if path == "/newsletters" and method == "GET":
            return 200, self._page([dict(self.newsletter)], {}, "/newsletters", query)
        if path == "/subscribers" and method == "GET":
            types = [v for k, v in query if k == "type"]
            count = self.subscribers if types == ["regular"] else self.subscribers + 17
            return 200, {"results": [], "count": count, "next": None, "previous": None}
        if path == "/emails" and method == "GET":
            return self.list_emails(query)
        if path == "/emails" and method == "POST":
            return self.create(body, headers)
        if path == "/images" and method == "POST":
            return self.create_image(body)
        if path == "/images" and method == "GET":
            docs = [{k: v for k, v in d.items() if k != "data"} for d in self.images.values()]
            q: dict[str, list[str]] = {}
            for k, v in query:
                q.setdefault(k, []).append(v)
            return 200, self._page(docs, q, "/images", query)
        if parts[0] == "emails" and len(parts) >= 2:
            email = self.emails.get(parts[1])
            if email is None:
                return error(404, "No email with this id.", "email_not_found")
            rest = "/".join(parts[2:])
            if rest == "" and method == "GET":
                return 200, copy.deepcopy(email.doc)
            if rest == "" and method == "PATCH":
                return self.update(email, body)
            if rest == "" and method == "DELETE":
                if email.doc["status"] == "deleted":
                    return error(404, "No email with this id.", "email_not_found")
                if email.doc["status"] not in ("draft", "scheduled"):
                    return 409, None  # a sent email stays
                email.doc["status"] = "deleted"
                self._touch(email.doc)
                return 204, None
            if rest == "publish" and method == "POST":
                return self.publish(email, body, headers)
            if rest == "send-draft" and method == "POST":
                return self.send_draft(email, body)
        return error(404, "Not found.")

    # -- the API's own ways -------------------------------------------------------------------
    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        found = find_operation(method, path)
        return found[1] if found else None

    def needs_key(self, op: dict[str, Any] | None) -> bool:
        # An unknown operation is a violation, whatever the key.
        return op is not None and bool(op.get("security", [{"ApiKeyAuth": []}]))

    def authorised(self, headers: Headers) -> bool:
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        return scheme == "Token" and secrets.compare_digest(token, self.key)

    def request_problems(
        self, op: dict[str, Any], call: Call, raw: bytes, headers: Headers
    ) -> tuple[list[str], Any]:
        problems = query_problems(op, call.query)
        problems += header_problems(call.method, call.path, op, headers)
        bproblems, body = body_problems(op, raw, headers.get("Content-Type", ""))
        return problems + bproblems, body

    def respond(self, call: Call, op: dict[str, Any]) -> Answer:
        """The request's work, once per ``X-Idempotency-Key``: a repeat gets the first
        answer; and the answer checked against the spec."""
        method, path = call.method, call.path
        key = call.headers.get("x-idempotency-key")
        stored = self._keys.get(key) if key else None
        if stored is not None:
            if stored[:2] != (method, path):
                self.violations.append(
                    f"{method} {path}: X-Idempotency-Key {key!r} was first used for "
                    f"{stored[0]} {stored[1]}"
                )
            status, doc = stored[2], copy.deepcopy(stored[3])
            call.replayed = True
        else:
            status, doc = self.handle(method, path, call.query, call.body, call.headers)
            if key:
                self._keys[key] = (method, path, status, copy.deepcopy(doc))
        self.violations.extend(
            f"{method} {path}: {p}" for p in self.answer_problems(op, status, doc)
        )
        return status, doc

    def error_answer(self, status: int, title: str, detail: str) -> Answer:
        return error(status, detail)

    def unauthorised(self) -> Answer:
        return error(401, "Invalid token.", "authentication_invalid")

    def invalid(self, problems: list[str]) -> Answer:
        return 422, {
            "detail": [{"type": "value_error", "loc": ["request"], "msg": p} for p in problems]
        }

    def throttled(self) -> Answer:
        return error(429, "Request was throttled.", "rate_limited")

    def answer_headers(self, status: int, doc: Any) -> dict[str, str]:
        return {
            **super().answer_headers(status, doc),
            "X-RateLimit-Limit": "600",
            "X-RateLimit-Remaining": "599",
            "X-RateLimit-Reset": str(int(time.time()) + 60),
        }

    def answer_problems(self, op: dict[str, Any], status: int, doc: Any) -> list[str]:
        """What in the stand-in's own answer breaks the spec."""
        response = op.get("responses", {}).get(str(status))
        if response is None:
            return [f"answered {status}, which the spec does not declare"]
        content = response.get("content", {}).get("application/json")
        if content is None:
            return [] if doc is None else [f"answered a body with {status}, declared without"]
        if isinstance(doc, dict) and isinstance(doc.get("results"), list):
            # excluded_fields=body leaves out a field the schema requires, as the real API does
            doc = {**doc, "results": [{"body": "", **r} for r in doc["results"]]}
        return _errors(content["schema"], doc, "the stand-in's answer")


def _time(text: Any) -> datetime:
    when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)
