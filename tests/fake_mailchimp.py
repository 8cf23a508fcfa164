"""A stand-in Mailchimp Marketing API v3 for tests: a real HTTP server on 127.0.0.1.

It keeps lists and campaigns in memory, answers as the API does, and checks every
request against the official Swagger files (``tests/specs/mailchimp/*.yml``, read at
test time). A request the real API would not accept gets a 400 and is recorded in
``violations``; the test fixture fails the test when any were recorded.

Faults and holds are the stand-ins' own (tests/standin.py); this one also knows the
fault ``echo-auth``: an error answer that echoes the request's ``Authorization`` header and
the key in it, as a careless proxy does.

Where the real API has limits that matter to sending once, it has them too: a campaign's
``create_time`` is given to the second, campaigns made in the same second are listed in
the order of their (random) ids, not the order they were made, and the ``Date`` of each
answer is its clock's. Test emails arrive with "[Test] " before the subject, as
Mailchimp's do. Its File Manager keeps uploaded files in memory.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message as Headers
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from jsonschema import Draft4Validator, FormatChecker

from tests.standin import (
    Answer,
    Call,
    Fault,
    PathEntry,
    StandIn,
    operation_in,
    path_table,
    valid_date_time,
)

BASE_PATH = "/3.0"
SPEC_FILES = ("campaigns.yml", "files.yml", "lists.yml", "pings.yml", "root.yml")


def spec_dir() -> Path:
    """The folder of the official Mailchimp Swagger files (env COPRO_NEWS_MAILCHIMP_SPECS)."""
    env = os.environ.get("COPRO_NEWS_MAILCHIMP_SPECS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "specs" / "mailchimp"


_SPEC: list[PathEntry] | None = None
_SPEC_LOCK = threading.Lock()


def load_spec() -> list[PathEntry]:
    """(path regex, path template, number of path parameters, path item) for every spec path."""
    global _SPEC
    with _SPEC_LOCK:
        if _SPEC is None:
            folder = spec_dir()
            if not (folder / "campaigns.yml").is_file():
                raise RuntimeError(
                    f"Mailchimp spec files not found in {folder}; "
                    "set COPRO_NEWS_MAILCHIMP_SPECS to the folder holding campaigns.yml"
                )
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            paths: list[tuple[str, Any]] = []
            for name in SPEC_FILES:
                with open(folder / name, encoding="utf-8") as f:
                    paths += yaml.load(f, Loader=loader)["paths"].items()
            _SPEC = path_table(paths)
    return _SPEC


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    return operation_in(load_spec(), method, path)


def strict_problems(value: Any, schema: dict[str, Any], where: str = "body") -> list[str]:
    """What Draft4 lets through but the API would not take: unknown keys and readOnly fields."""
    out: list[str] = []
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        props = schema["properties"]
        for key, sub in value.items():
            if key not in props:
                out.append(f"{where}.{key}: not a field of this request")
                continue
            if props[key].get("readOnly"):
                out.append(f"{where}.{key}: read-only field")
            out.extend(strict_problems(sub, props[key], f"{where}.{key}"))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            out.extend(strict_problems(item, schema["items"], f"{where}[{i}]"))
    return out


_FORMATS = FormatChecker()
_FORMATS.checks("date-time")(valid_date_time)


def query_problems(op: dict[str, Any], query: list[tuple[str, str]]) -> list[str]:
    params = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
    out = []
    seen: set[str] = set()
    for name, value in query:
        p = params.get(name)
        if p is None:
            out.append(f"query parameter {name!r} is not known")
            continue
        if name in seen:
            out.append(f"query parameter {name!r} given twice")
        seen.add(name)
        kind = p.get("type")
        if kind == "integer":
            if not re.fullmatch(r"\d+", value):
                out.append(f"query parameter {name!r} must be an integer, got {value!r}")
            elif "maximum" in p and int(value) > p["maximum"]:
                out.append(f"query parameter {name!r} is over its maximum {p['maximum']}")
        elif kind == "boolean" and value not in ("true", "false"):
            out.append(f"query parameter {name!r} must be true or false")
        if "enum" in p and value not in p["enum"]:
            out.append(f"query parameter {name!r} must be one of {p['enum']}, got {value!r}")
        if p.get("format") == "date-time" and not valid_date_time(value):
            out.append(f"query parameter {name!r} is not an ISO 8601 date-time: {value!r}")
    return out


def body_problems(op: dict[str, Any], raw: bytes, content_type: str) -> tuple[list[str], Any]:
    body_param = next((p for p in op.get("parameters", []) if p.get("in") == "body"), None)
    if body_param is None:
        if raw.strip():
            return ["this operation takes no request body"], None
        return [], None
    if not raw.strip():
        if body_param.get("required"):
            return ["a JSON request body is required"], None
        return [], None
    if "application/json" not in content_type:
        return [f"request body must be application/json, got {content_type!r}"], None
    try:
        value = json.loads(raw)
    except ValueError as e:
        return [f"request body is not JSON: {e}"], None
    schema = body_param["schema"]
    validator = Draft4Validator(schema, format_checker=_FORMATS)
    out = [
        f"body{''.join(f'[{p!r}]' for p in err.absolute_path)}: {err.message}"
        for err in validator.iter_errors(value)
    ]
    out.extend(strict_problems(value, schema))
    return out, value


def select_fields(doc: Any, fields: list[str] | None, exclude: list[str] | None) -> Any:
    """Apply Mailchimp's ``fields`` / ``exclude_fields`` dot-notation filters."""
    if fields:
        return _keep(doc, [f.split(".") for f in fields])
    if exclude:
        return _drop(doc, [f.split(".") for f in exclude])
    return doc


def _keep(doc: Any, paths: list[list[str]]) -> Any:
    if isinstance(doc, list):
        return [_keep(d, paths) for d in doc]
    if not isinstance(doc, dict):
        return doc
    out: dict[str, Any] = {}
    for key, value in doc.items():
        subs = [p[1:] for p in paths if p and p[0] == key]
        if not subs:
            continue
        out[key] = value if any(not s for s in subs) else _keep(value, [s for s in subs if s])
    return out


def _drop(doc: Any, paths: list[list[str]]) -> Any:
    if isinstance(doc, list):
        return [_drop(d, paths) for d in doc]
    if not isinstance(doc, dict):
        return doc
    out: dict[str, Any] = {}
    for key, value in doc.items():
        subs = [p[1:] for p in paths if p and p[0] == key]
        if any(not s for s in subs):
            continue
        out[key] = _drop(value, subs) if subs else value
    return out


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


@dataclass
class FakeCampaign:
    doc: dict[str, Any]
    html: str | None = None
    plain_text: str | None = None
    tests: list[list[str]] = field(default_factory=list)
    #: The subject of each test email as it arrives.
    test_subjects: list[str] = field(default_factory=list)
    sends: int = 0


@dataclass
class FakeFile:
    doc: dict[str, Any]
    data: bytes = field(repr=False)


class FakeMailchimp(StandIn):
    """The server and its in-memory account."""

    provider = "mailchimp"
    base_path = BASE_PATH
    dated_by_clock = True

    def __init__(self, key: str = "0123456789abcdef0123456789abcdef-us6") -> None:
        load_spec()
        super().__init__(key)
        self.lists: dict[str, dict[str, Any]] = {}
        self.campaigns: dict[str, FakeCampaign] = {}
        self.files: dict[int, FakeFile] = {}
        #: The ids of the campaigns deleted, in order.
        self.deleted: list[str] = []
        self.send_status = "sent"  # what a campaign becomes after actions/send
        self.unschedule_status = "paused"
        self._web_id = 100000

    # -- set-up helpers -----------------------------------------------------------
    def add_list(self, list_id: str, name: str, members: int) -> dict[str, Any]:
        with self.lock:
            doc = {
                "id": list_id,
                "web_id": len(self.lists) + 1,
                "name": name,
                "date_created": iso(self.clock()),
                "stats": {"member_count": members},
                "campaign_defaults": {
                    "from_name": name,
                    "from_email": "news@example.org",
                    "subject": "",
                    "language": "en",
                },
            }
            self.lists[list_id] = doc
            return doc

    # -- what tests look at -------------------------------------------------------
    @property
    def total_sends(self) -> int:
        return sum(c.sends for c in self.campaigns.values())

    def add_file(self, name: str, data: bytes) -> dict[str, Any]:
        """A file already in the File Manager (uploaded earlier, or by someone else)."""
        with self.lock:
            return self._store_file(name, data)

    def only_campaign(self) -> FakeCampaign:
        assert len(self.campaigns) == 1, f"expected one campaign, found {len(self.campaigns)}"
        return next(iter(self.campaigns.values()))

    # -- the API's own ways -----------------------------------------------------------
    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        found = find_operation(method, path)
        return found[1] if found else None

    def authorised(self, headers: Headers) -> bool:
        header = headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user_pass = base64.b64decode(header[6:]).decode()
        except ValueError:
            return False
        _user, _, password = user_pass.partition(":")
        return secrets.compare_digest(password, self.key)

    def request_problems(
        self, op: dict[str, Any], call: Call, raw: bytes, headers: Headers
    ) -> tuple[list[str], Any]:
        problems = query_problems(op, call.query)
        bproblems, body = body_problems(op, raw, headers.get("Content-Type", ""))
        return problems + bproblems, body

    def respond(self, call: Call, op: dict[str, Any]) -> Answer:
        return self.handle(call.method, call.path, call.query, call.body)

    def error_answer(self, status: int, title: str, detail: str) -> Answer:
        return problem(status, title, detail)

    def unauthorised(self) -> Answer:
        return problem(
            401,
            "API Key Invalid",
            "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
        )

    def invalid(self, problems: list[str]) -> Answer:
        return problem(400, "Invalid Resource", "; ".join(problems))

    def throttled(self) -> Answer:
        return problem(429, "Too Many Requests", "You have exceeded the limit.")

    def answer_headers(self, status: int, doc: Any) -> dict[str, str]:
        if doc is None:
            return {}
        return {"Content-Type": "application/problem+json" if status >= 400 else "application/json"}

    def fault_answer(self, fault: Fault, headers: Headers) -> tuple[Answer, dict[str, str]] | None:
        if fault.kind != "echo-auth":
            return super().fault_answer(fault, headers)
        header = headers.get("Authorization", "")
        key = base64.b64decode(header[6:]).decode().partition(":")[2]
        title = f"Bad header {header}"
        detail = f"Authorization: {header}; key {key}; in a query: apikey={quote(key)}"
        return problem(fault.status, title, detail), {}

    # -- request handling -----------------------------------------------------------
    def handle(
        self, method: str, path: str, query: list[tuple[str, str]], body: Any
    ) -> tuple[int, Any]:
        body = body if body is not None else {}
        q = dict(query)
        fields = q["fields"].split(",") if "fields" in q else None
        exclude = q["exclude_fields"].split(",") if "exclude_fields" in q else None
        parts = path.strip("/").split("/")
        if path == "/ping" and method == "GET":
            return 200, {"health_status": "Everything's Chimpy!"}
        if path == "/" and method == "GET":
            return 200, select_fields(
                {
                    "account_id": "fake0001",
                    "account_name": "Fake account",
                    "email": "owner@example.org",
                    "account_timezone": "Europe/London",
                    "pricing_plan_type": "monthly",
                },
                fields,
                exclude,
            )
        if path == "/lists" and method == "GET":
            items = list(self.lists.values())
            page = _page(items, q)
            return 200, select_fields({"lists": page, "total_items": len(items)}, fields, exclude)
        if path == "/file-manager/files" and method == "GET":
            return 200, select_fields(self._list_files(q), fields, exclude)
        if path == "/file-manager/files" and method == "POST":
            try:
                data = base64.b64decode(body["file_data"], validate=True)
            except (binascii.Error, ValueError):
                return problem(
                    400, "Invalid Resource", "The file_data is not base64-encoded content."
                )
            if "." not in body["name"]:
                return problem(400, "Invalid Resource", "The file name needs an extension.")
            return 200, self._store_file(body["name"], data)
        if parts[:2] == ["file-manager", "files"] and len(parts) == 3:
            stored = self.files.get(int(parts[2])) if parts[2].isdigit() else None
            if stored is None:
                return problem(
                    404, "Resource Not Found", "The requested resource could not be found."
                )
            if method == "GET":
                return 200, select_fields(dict(stored.doc), fields, exclude)
            if method == "DELETE":
                del self.files[int(parts[2])]
                return 204, None
        if path == "/campaigns" and method == "GET":
            return 200, select_fields(self._list_campaigns(q), fields, exclude)
        if path == "/campaigns" and method == "POST":
            return self._create(body)
        if parts[0] == "campaigns" and len(parts) >= 2:
            camp = self.campaigns.get(parts[1])
            if camp is None:
                return problem(
                    404, "Resource Not Found", "The requested resource could not be found."
                )
            rest = "/".join(parts[2:])
            if rest == "" and method == "GET":
                return 200, select_fields(self._campaign_doc(camp), fields, exclude)
            if rest == "" and method == "DELETE":
                if camp.doc["status"] not in ("save", "paused"):
                    return problem(400, "Bad Request", "This campaign cannot be deleted.")
                del self.campaigns[parts[1]]
                self.deleted.append(parts[1])
                return 204, None
            if rest == "" and method == "PATCH":
                if camp.doc["status"] not in ("save", "paused"):
                    return problem(400, "Bad Request", "This campaign cannot be updated.")
                _merge(camp.doc, body)
                return 200, self._campaign_doc(camp)
            if rest == "content" and method == "PUT":
                if camp.doc["status"] not in ("save", "paused"):
                    return problem(
                        400, "Bad Request", "Content cannot be changed after a campaign is sent."
                    )
                camp.html = body.get("html", camp.html)
                camp.plain_text = body.get("plain_text", camp.plain_text)
                return 200, {
                    "html": camp.html or "",
                    "plain_text": camp.plain_text or "",
                    "archive_html": camp.html or "",
                }
            if rest == "content" and method == "GET":
                return 200, {"html": camp.html or "", "plain_text": camp.plain_text or ""}
            if rest == "actions/test" and method == "POST":
                if not camp.html:
                    return problem(400, "Bad Request", "Your Campaign is not ready to send.")
                if len(body["test_emails"]) > 20:
                    return problem(400, "Bad Request", "Too many test emails.")
                camp.tests.append(list(body["test_emails"]))
                camp.test_subjects.append("[Test] " + camp.doc["settings"]["subject_line"])
                return 204, None
            if rest == "actions/send" and method == "POST":
                if camp.doc["status"] not in ("save", "paused") or not self._ready(camp):
                    return problem(400, "Bad Request", "Your Campaign is not ready to send.")
                camp.sends += 1
                camp.doc["status"] = self.send_status
                camp.doc["send_time"] = iso(self.clock())
                camp.doc["emails_sent"] = camp.doc["recipients"]["recipient_count"]
                return 204, None
            if rest == "actions/schedule" and method == "POST":
                return self._schedule(camp, body)
            if rest == "actions/unschedule" and method == "POST":
                if camp.doc["status"] != "schedule":
                    return problem(400, "Bad Request", "This campaign is not scheduled.")
                camp.doc["status"] = self.unschedule_status
                camp.doc["send_time"] = ""
                return 204, None
        return problem(404, "Resource Not Found", "The requested resource could not be found.")

    def _ready(self, camp: FakeCampaign) -> bool:
        s = camp.doc["settings"]
        return bool(
            camp.html and s.get("subject_line") and s.get("from_name") and s.get("reply_to")
        )

    def _create(self, body: dict[str, Any]) -> tuple[int, Any]:
        recipients = body.get("recipients") or {}
        lst = self.lists.get(recipients.get("list_id", ""))
        if recipients and lst is None:
            return problem(
                400, "Invalid Resource", "The resource submitted could not be validated."
            )
        cid = secrets.token_hex(5)
        self._web_id += 1
        settings = {
            "subject_line": "",
            "preview_text": "",
            "title": "",
            "from_name": "",
            "reply_to": "",
            "use_conversation": False,
            "to_name": "",
            "folder_id": "",
            "authenticate": True,
            "auto_footer": False,
            "inline_css": False,
            "auto_tweet": False,
            "fb_comments": True,
            "timewarp": False,
            "template_id": 0,
            "drag_and_drop": False,
        }
        settings.update(body.get("settings") or {})
        doc = {
            "id": cid,
            "web_id": self._web_id,
            "type": body["type"],
            "create_time": iso(self.clock()),
            "archive_url": f"http://eepurl.com/{cid[:6]}",
            "long_archive_url": f"https://us6.campaign-archive.com/?u=fake&id={cid}",
            "status": "save",
            "emails_sent": 0,
            "send_time": "",
            "content_type": "template",
            "recipients": {
                "list_id": lst["id"] if lst else "",
                "list_is_active": True,
                "list_name": lst["name"] if lst else "",
                "segment_text": "",
                "recipient_count": lst["stats"]["member_count"] if lst else 0,
            },
            "settings": settings,
            "tracking": {"opens": True, "html_clicks": True, "text_clicks": False},
        }
        camp = FakeCampaign(doc)
        self.campaigns[cid] = camp
        return 200, self._campaign_doc(camp)

    def _campaign_doc(self, camp: FakeCampaign) -> dict[str, Any]:
        return json.loads(json.dumps(camp.doc))

    def _schedule(self, camp: FakeCampaign, body: dict[str, Any]) -> tuple[int, Any]:
        if camp.doc["status"] not in ("save", "paused") or not self._ready(camp):
            return problem(400, "Bad Request", "This campaign cannot be scheduled: not ready.")
        when = datetime.fromisoformat(body["schedule_time"].replace("Z", "+00:00"))
        if when.tzinfo is None:
            return problem(400, "Bad Request", "This campaign cannot be scheduled: no time zone.")
        if when.minute % 15 or when.second or when.microsecond:
            return problem(
                400,
                "Bad Request",
                "This campaign cannot be scheduled: campaigns may only be scheduled "
                "to send on the quarter-hour (:00, :15, :30, :45).",
            )
        if when <= self.clock():
            return problem(
                400, "Bad Request", "This campaign cannot be scheduled: the time is in the past."
            )
        camp.doc["status"] = "schedule"
        camp.doc["send_time"] = iso(when)
        return 204, None

    def _list_campaigns(self, q: dict[str, str]) -> dict[str, Any]:
        items = [self._campaign_doc(c) for c in self.campaigns.values()]
        if "list_id" in q:
            items = [c for c in items if c["recipients"]["list_id"] == q["list_id"]]
        if "status" in q:
            items = [c for c in items if c["status"] == q["status"]]
        if "type" in q:
            items = [c for c in items if c["type"] == q["type"]]

        def when(text: str) -> datetime:
            return datetime.fromisoformat(text.replace("Z", "+00:00"))

        if "since_create_time" in q:
            items = [c for c in items if when(c["create_time"]) >= when(q["since_create_time"])]
        if "before_create_time" in q:
            items = [c for c in items if when(c["create_time"]) < when(q["before_create_time"])]
        sort = q.get("sort_field")
        if sort:
            # Times are to the second: campaigns of the same second come in the order of
            # their random ids, never in the order they were made.
            items.sort(
                key=lambda c: (c.get(sort) or "", c["id"]), reverse=q.get("sort_dir") == "DESC"
            )
        return {"campaigns": _page(items, q), "total_items": len(items)}

    def _store_file(self, name: str, data: bytes) -> dict[str, Any]:
        file_id = max(self.files, default=1000) + 1
        ext = name.rsplit(".", 1)[-1].lower()
        kind = "image" if ext in ("jpg", "jpeg", "gif", "png", "bmp", "webp") else "file"
        token = secrets.token_hex(16)
        doc = {
            "id": file_id,
            "folder_id": 0,
            "type": kind,
            "name": name,
            "full_size_url": f"https://mcusercontent.com/fake0001/{kind}s/{token}.{ext}",
            "thumbnail_url": f"https://mcusercontent.com/fake0001/_thumbs/{token}.{ext}",
            "size": len(data),
            "created_at": iso(self.clock()),
            "created_by": "Fake Owner",
        }
        self.files[file_id] = FakeFile(doc, data)
        return dict(doc)

    def _list_files(self, q: dict[str, str]) -> dict[str, Any]:
        items = [dict(f.doc) for f in self.files.values()]
        if "type" in q:
            items = [f for f in items if f["type"] == q["type"]]
        key = {"added_date": "created_at", "name": "name", "size": "size"}.get(
            q.get("sort_field", ""), ""
        )
        if key:
            items.sort(key=lambda f: (f[key], f["id"]), reverse=q.get("sort_dir") == "DESC")
        return {"files": _page(items, q), "total_items": len(items)}


def _page(items: list[Any], q: dict[str, str]) -> list[Any]:
    count = int(q.get("count", 10))
    offset = int(q.get("offset", 0))
    return items[offset : offset + count]


def _merge(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(doc.get(k), dict):
            _merge(doc[k], v)
        else:
            doc[k] = v


def problem(status: int, title: str, detail: str) -> tuple[int, dict[str, Any]]:
    return status, {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": secrets.token_hex(8),
    }
