"""The stand-in Mailchimp keeps to the spec, behaves as the API does and injects faults."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
import yaml
from jsonschema import Draft4Validator

from tests.conftest import CANARY_KEY
from tests.fake_mailchimp import FakeMailchimp, spec_dir, strict_problems

AUTH = ("anystring", CANARY_KEY)


@pytest.fixture
def fake():
    with FakeMailchimp(key=CANARY_KEY) as f:
        f.add_list("L1", "Team update", 3)
        yield f


def _response_schema(path: str, method: str, code: str = "200"):
    with open(spec_dir() / "campaigns.yml", encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return doc["paths"][path][method]["responses"][code]["schema"]


def _create(fake, **settings):
    body = {
        "type": "regular",
        "recipients": {"list_id": "L1"},
        "settings": {
            "subject_line": "Hello",
            "title": "copro-news 2026-12 [cn:2026-12:abc]",
            "from_name": "Team",
            "reply_to": "news@example.org",
            **settings,
        },
    }
    r = requests.post(f"{fake.url}/campaigns", json=body, auth=AUTH, timeout=5)
    assert r.status_code == 200, r.text
    return r.json()


def _content(fake, cid):
    r = requests.put(
        f"{fake.url}/campaigns/{cid}/content",
        json={"html": "<p>hi *|UNSUB|*</p>", "plain_text": "hi"},
        auth=AUTH,
        timeout=5,
    )
    assert r.status_code == 200, r.text


def test_ping_needs_the_key(fake):
    assert requests.get(f"{fake.url}/ping", auth=AUTH, timeout=5).json() == {
        "health_status": "Everything's Chimpy!"
    }
    r = requests.get(f"{fake.url}/ping", auth=("x", "wrong-us6"), timeout=5)
    assert r.status_code == 401
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json()["title"] == "API Key Invalid"
    assert fake.violations == []


def test_create_answers_as_the_spec_says(fake):
    doc = _create(fake)
    assert doc["status"] == "save"
    assert doc["recipients"]["recipient_count"] == 3
    errors = list(Draft4Validator(_response_schema("/campaigns", "post")).iter_errors(doc))
    assert errors == []
    got = requests.get(
        f"{fake.url}/campaigns/{doc['id']}",
        params={"fields": "id,status,settings.title"},
        auth=AUTH,
        timeout=5,
    ).json()
    assert got == {
        "id": doc["id"],
        "status": "save",
        "settings": {"title": doc["settings"]["title"]},
    }


def test_send_once_then_refused(fake):
    cid = _create(fake)["id"]
    r = requests.post(f"{fake.url}/campaigns/{cid}/actions/send", auth=AUTH, timeout=5)
    assert r.status_code == 400  # no content yet
    assert r.json()["detail"] == "Your Campaign is not ready to send."
    _content(fake, cid)
    r = requests.post(f"{fake.url}/campaigns/{cid}/actions/send", auth=AUTH, timeout=5)
    assert r.status_code == 204
    assert fake.campaigns[cid].doc["status"] == "sent"
    r = requests.post(f"{fake.url}/campaigns/{cid}/actions/send", auth=AUTH, timeout=5)
    assert r.status_code == 400
    assert fake.total_sends == 1
    assert fake.violations == []


def test_schedule_rules(fake):
    cid = _create(fake)["id"]
    _content(fake, cid)
    url = f"{fake.url}/campaigns/{cid}/actions/schedule"
    future = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    off = future.replace(minute=7)
    assert (
        requests.post(
            url, json={"schedule_time": off.isoformat()}, auth=AUTH, timeout=5
        ).status_code
        == 400
    )
    past = future - timedelta(days=4)
    assert (
        requests.post(
            url, json={"schedule_time": past.isoformat()}, auth=AUTH, timeout=5
        ).status_code
        == 400
    )
    r = requests.post(url, json={"schedule_time": future.isoformat()}, auth=AUTH, timeout=5)
    assert r.status_code == 204
    assert fake.campaigns[cid].doc["status"] == "schedule"
    r = requests.post(f"{fake.url}/campaigns/{cid}/actions/unschedule", auth=AUTH, timeout=5)
    assert r.status_code == 204
    assert fake.campaigns[cid].doc["status"] == "paused"
    assert fake.violations == []


def test_list_filters_and_paging(fake):
    ids = [_create(fake)["id"] for _ in range(12)]
    r = requests.get(f"{fake.url}/campaigns", params={"list_id": "L1"}, auth=AUTH, timeout=5).json()
    assert r["total_items"] == 12 and len(r["campaigns"]) == 10  # the API's default count
    r = requests.get(
        f"{fake.url}/campaigns",
        params={"list_id": "nope", "count": 1000},
        auth=AUTH,
        timeout=5,
    ).json()
    assert r["total_items"] == 0
    since = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds")
    r = requests.get(
        f"{fake.url}/campaigns", params={"since_create_time": since}, auth=AUTH, timeout=5
    ).json()
    assert r["campaigns"] == []
    assert len(ids) == 12
    assert fake.violations == []


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "expect"),
    [
        ("POST", "/campaigns", {"json": {"type": "regular", "setings": {}}}, "setings"),
        ("POST", "/campaigns", {"json": {"type": "weekly"}}, "weekly"),
        ("POST", "/campaigns", {"json": {"type": "regular", "id": "x"}}, "body.id"),
        (
            "POST",
            "/campaigns/abc/actions/test",
            {"json": {"test_emails": ["a@b.c"], "send_type": "plain_text"}},
            "plain_text",
        ),
        ("POST", "/campaigns/abc/actions/test", {"json": {"test_emails": ["a@b.c"]}}, "send_type"),
        (
            "POST",
            "/campaigns/abc/actions/schedule",
            {"json": {"schedule_time": "tomorrow"}},
            "date-time",
        ),
        ("GET", "/campaigns", {"params": {"title": "x"}}, "title"),
        ("GET", "/campaigns", {"params": {"count": 5000}}, "maximum"),
        ("GET", "/campaigns", {"params": {"status": "draft"}}, "draft"),
        (
            "GET",
            "/campaigns",
            {"params": {"since_create_time": "2026-01-01 00:00:00 00:00"}},
            "date-time",
        ),
        ("GET", "/lists/abc", {}, "no such operation"),
        ("POST", "/campaigns/abc/actions/send", {"json": {"now": True}}, "no request body"),
        (
            "POST",
            "/campaigns",
            {"data": "type=regular", "headers": {"Content-Type": "text/plain"}},
            "application/json",
        ),
    ],
)
def test_requests_the_api_would_refuse_are_violations(fake, method, path, kwargs, expect):
    r = requests.request(method, f"{fake.url}{path}", auth=AUTH, timeout=5, **kwargs)
    assert r.status_code == 400
    assert len(fake.violations) >= 1
    assert expect in " ".join(fake.violations)
    fake.violations.clear()


def test_strict_problems_read_only_and_nested_unknown():
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "object", "properties": {"b": {"type": "string"}}},
            "c": {"type": "string", "readOnly": True},
        },
    }
    assert strict_problems({"a": {"b": "x"}}, schema) == []
    assert strict_problems({"a": {"z": 1}, "c": "x"}, schema) == [
        "body.a.z: not a field of this request",
        "body.c: read-only field",
    ]


def test_fault_error_then_normal(fake):
    fake.fault(
        "GET", "/ping", kind="error", status=503, title="Service Unavailable", detail="Down."
    )
    r = requests.get(f"{fake.url}/ping", auth=AUTH, timeout=5)
    assert r.status_code == 503 and r.json()["detail"] == "Down."
    assert requests.get(f"{fake.url}/ping", auth=AUTH, timeout=5).status_code == 200
    assert fake.count("GET", "/ping") == 2


def test_fault_nth_and_retry_after(fake):
    fake.fault("GET", "/lists", kind="retry-after", nth=2, retry_after="3")
    assert requests.get(f"{fake.url}/lists", auth=AUTH, timeout=5).status_code == 200
    r = requests.get(f"{fake.url}/lists", auth=AUTH, timeout=5)
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert requests.get(f"{fake.url}/lists", auth=AUTH, timeout=5).status_code == 200


def test_fault_drop_after_does_the_work(fake):
    fake.fault("POST", "/campaigns", kind="drop-after")
    with pytest.raises(requests.ConnectionError):
        _create(fake)
    assert len(fake.campaigns) == 1


def test_fault_drop_before_does_nothing(fake):
    fake.fault("POST", "/campaigns", kind="drop-before")
    with pytest.raises(requests.ConnectionError):
        _create(fake)
    assert fake.campaigns == {}


def test_fault_slow(fake):
    fake.fault("GET", "/ping", kind="slow", delay=0.5)
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{fake.url}/ping", auth=AUTH, timeout=(1, 0.1))
    start = time.monotonic()
    requests.get(f"{fake.url}/ping", auth=AUTH, timeout=5)
    assert time.monotonic() - start < 0.4


def test_problem_documents_follow_the_spec(fake):
    r = requests.get(f"{fake.url}/campaigns/missing", auth=AUTH, timeout=5)
    assert r.status_code == 404
    schema = _response_schema("/campaigns/{campaign_id}", "get", "default")
    assert list(Draft4Validator(schema).iter_errors(r.json())) == []
    assert json.loads(r.text)["title"] == "Resource Not Found"


def test_the_api_descriptions_are_in_the_repository(monkeypatch):
    from tests.conftest import ROOT, SPECS

    monkeypatch.delenv("COPRO_NEWS_MAILCHIMP_SPECS", raising=False)
    assert spec_dir() == SPECS / "mailchimp"
    assert SPECS.is_relative_to(ROOT)
    readme = (SPECS / "README.md").read_text(encoding="utf-8")
    files = sorted(p for p in SPECS.rglob("*") if p.is_file() and p.name != "README.md")
    assert {p.relative_to(SPECS).as_posix() for p in files} >= {
        "mailchimp/campaigns.yml",
        "mailchimp/files.yml",
        "mailchimp/lists.yml",
        "mailchimp/pings.yml",
        "mailchimp/root.yml",
        "buttondown/openapi.json",
    }
    for path in files:  # each file says where it came from
        assert f"`{path.relative_to(SPECS).as_posix()}`" in readme, path
    with open(SPECS / "mailchimp" / "files.yml", encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert "post" in doc["paths"]["/file-manager/files"]
    assert json.loads((SPECS / "buttondown" / "openapi.json").read_bytes())["openapi"]
