"""The stand-in Buttondown keeps to the API description, behaves as the API does and injects
faults: a stand-in that let a wrong request through would make every other test worthless."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests

from tests.conftest import CANARY_KEY
from tests.fake_buttondown import FakeButtondown, spec_path

HEADERS = {"Authorization": f"Token {CANARY_KEY}", "X-API-Version": "2026-04-01"}


@pytest.fixture
def fake():
    with FakeButtondown(key=CANARY_KEY) as f:
        yield f


def call(fake, method, path, *, key=None, headers=None, **kw):
    sent = dict(HEADERS, **(headers or {}))
    if key is not None:
        sent["X-Idempotency-Key"] = key
    return requests.request(method, f"{fake.url}{path}", headers=sent, timeout=5, **kw)


def create(fake, key="k-create", **body):
    body = {"subject": "Hello", "status": "draft", "slug": "cn-2026-12-abc123", **body}
    return call(fake, "POST", "/emails", key=key, json=body)


def test_the_description_is_buttondowns():
    spec = json.loads(spec_path().read_text(encoding="utf-8"))
    assert spec["servers"] == [{"url": "https://api.buttondown.com/v1"}]
    assert spec["components"]["schemas"]["EmailInput"]["additionalProperties"] is False


def test_a_wrong_key_is_refused_as_the_api_does(fake):
    r = requests.get(
        f"{fake.url}/accounts/me",
        headers={"Authorization": "Token nope", "X-API-Version": "2026-04-01"},
        timeout=5,
    )
    assert r.status_code == 401 and r.json() == {
        "detail": "Invalid token.",
        "code": "authentication_invalid",
    }
    r = requests.get(
        f"{fake.url}/accounts/me",
        headers={"Authorization": f"Bearer {CANARY_KEY}", "X-API-Version": "2026-04-01"},
        timeout=5,
    )
    assert r.status_code == 401
    assert call(fake, "GET", "/accounts/me").json() == {
        "username": "copro-team",
        "email_address": "owner@example.org",
    }
    assert fake.violations == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"subjet": "Hello"}, "Additional properties are not allowed ('subjet' was unexpected)"),
        ({"subject": "Hi", "status": "drafted"}, "'drafted' is not one of"),
        ({"subject": "Hi", "slug": "cn 2026"}, "is not valid under any of the given schemas"),
        ({"subject": "Hi", "publish_date": "tomorrow"}, "is not valid"),
        ({"subject": "Hi", "metadata": []}, "is not of type 'object'"),
    ],
)
def test_a_body_the_api_would_refuse_is_a_violation(fake, body, problem):
    r = call(fake, "POST", "/emails", key="k", json=body)
    assert r.status_code == 422
    assert any(problem in v for v in fake.violations), fake.violations
    assert fake.emails == {}
    fake.violations.clear()


@pytest.mark.parametrize(
    ("method", "path", "kw", "problem"),
    [
        ("GET", "/emails", {"params": {"statuss": "draft"}}, "query parameter 'statuss'"),
        ("GET", "/emails", {"params": {"status": "drafted"}}, "'drafted' is not one of"),
        ("GET", "/emails", {"params": {"page": "one"}}, "is not of type 'integer'"),
        ("GET", "/emails", {"params": {"creation_date__start": "1/12/2026"}}, "is not a 'date'"),
        ("GET", "/emails/x/publish", {}, "no such operation"),
        ("POST", "/emails", {"json": {"subject": "Hi", "status": "draft"}}, "X-Idempotency-Key"),
        ("GET", "/emails", {"headers": {"X-Idempotency-Token": "k"}}, "not one Buttondown"),
        ("GET", "/emails", {"headers": {"X-API-Version": "2024-01-01"}}, "not the version"),
    ],
)
def test_a_request_the_api_would_refuse_is_a_violation(fake, method, path, kw, problem):
    r = call(fake, method, path, **kw)
    assert r.status_code == 422
    assert any(problem in v for v in fake.violations), fake.violations
    fake.violations.clear()


def test_a_request_without_its_version_is_a_violation(fake):
    r = requests.get(f"{fake.url}/emails", headers={"Authorization": HEADERS["Authorization"]})
    assert r.status_code == 422
    assert any("no X-API-Version" in v for v in fake.violations)
    fake.violations.clear()


def test_status_lists_repeat_the_parameter(fake):
    r = call(fake, "GET", "/emails", params=[("status", "draft"), ("status", "sent")])
    assert r.status_code == 200, fake.violations
    assert r.json() == {"results": [], "count": 0, "next": None, "previous": None}


def test_an_email_is_made_to_go_unless_it_is_a_draft(fake):
    r = call(fake, "POST", "/emails", key="k1", json={"subject": "Hi"})
    assert r.status_code == 400 and r.json()["code"] == "sending_requires_confirmation"
    r = call(
        fake,
        "POST",
        "/emails",
        key="k2",
        json={"subject": "Hi", "body": "Hello"},
        headers={"X-Buttondown-Live-Dangerously": "true"},
    )
    assert r.status_code == 201 and r.json()["status"] == "about_to_send"
    assert fake.total_deliveries == 1


def test_a_key_is_answered_once_and_a_slug_is_one_emails(fake):
    first = create(fake)
    assert first.status_code == 201
    again = create(fake, subject="Something else")  # the same key: the first answer
    assert again.status_code == 201 and again.json() == first.json()
    assert [c.replayed for c in fake.calls] == [False, True]
    other = create(fake, key="k-other")  # another key, the same slug: refused
    assert other.status_code == 400
    assert other.json() == {
        "detail": "This slug is already in use by another email.",
        "code": "slug_invalid",
    }
    assert len(fake.emails) == 1
    assert fake.violations == []


def test_the_status_moves_as_the_api_says(fake):
    eid = create(fake).json()["id"]
    assert call(fake, "PATCH", f"/emails/{eid}", json={"body": "Hello"}).status_code == 200
    when = "2099-01-05T09:07:00Z"
    r = call(fake, "POST", f"/emails/{eid}/publish", key="p1", json={"publish_date": when})
    assert r.json()["status"] == "scheduled" and r.json()["publish_date"] == when
    r = call(fake, "POST", f"/emails/{eid}/publish", key="p2", json={})
    assert r.status_code == 400  # already scheduled: not published again
    r = call(fake, "PATCH", f"/emails/{eid}", json={"status": "draft"})
    assert r.json()["status"] == "draft"
    r = call(fake, "POST", f"/emails/{eid}/send-draft", key="t1", json={"recipients": ["a@b.org"]})
    assert r.status_code == 200 and r.content == b""
    r = call(fake, "POST", f"/emails/{eid}/publish", key="p3", json={})
    assert r.status_code == 400 and r.json()["code"] == "sending_requires_confirmation"
    r = call(
        fake,
        "POST",
        f"/emails/{eid}/publish",
        key="p4",
        json={},
        headers={"X-Buttondown-Live-Dangerously": "true"},
    )
    assert r.json()["status"] == "about_to_send"
    r = call(fake, "PATCH", f"/emails/{eid}", json={"status": "draft"})
    assert r.status_code == 400  # no way back from about_to_send
    r = call(fake, "PATCH", f"/emails/{eid}", json={"subject": "Changed"})
    assert r.status_code == 400
    fake.advance()
    doc = call(fake, "GET", f"/emails/{eid}").json()
    assert doc["status"] == "sent" and doc["analytics"]["recipients"] == 312
    assert fake.only_email().deliveries == 1
    assert fake.violations == []


def test_a_scheduled_email_goes_when_its_time_comes(fake):
    eid = create(fake, body="Hello").json()["id"]
    call(
        fake,
        "POST",
        f"/emails/{eid}/publish",
        key="p",
        json={"publish_date": "2099-01-05T09:07:00Z"},
    )
    fake.advance(to=datetime(2099, 1, 5, 9, 6, tzinfo=UTC))
    assert fake.only_email().doc["status"] == "scheduled"
    fake.advance(to=datetime(2099, 1, 5, 9, 7, tzinfo=UTC))
    assert fake.only_email().doc["status"] == "sent" and fake.total_deliveries == 1


def test_a_lower_plan_refuses_naked_mode_and_names_the_plan(fake):
    r = create(fake, template="naked")
    assert r.status_code == 403
    assert "Buttondown Plus plan" in r.json()["detail"]
    fake.plan = "plus"
    assert create(fake, key="k2", template="naked").status_code == 201


def test_the_newsletter_and_its_subscribers(fake):
    page = call(fake, "GET", "/newsletters").json()
    assert [n["name"] for n in page["results"]] == ["Team update"]
    subscribers = call(fake, "GET", "/subscribers", params={"type": "regular"}).json()
    assert subscribers["count"] == 312
    assert fake.violations == []


def test_faults_are_injected_where_asked(fake):
    fake.fault("POST", "/emails", kind="error", status=503, detail="Try later.")
    fake.fault("GET", "/emails", kind="retry-after", retry_after="2")
    r = create(fake)
    assert r.status_code == 503 and r.json() == {"detail": "Try later."}
    assert fake.emails == {}  # the work was not done, and the key was not kept
    assert create(fake).status_code == 201
    r = call(fake, "GET", "/emails")
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    fake.fault("POST", "/emails", kind="drop-after")
    with pytest.raises(requests.ConnectionError):
        create(fake, key="k-dropped", slug="cn-2026-12-def456")
    assert len(fake.emails) == 2  # done, and the answer lost
    assert create(fake, key="k-dropped", slug="cn-2026-12-def456").status_code == 201
    assert len(fake.emails) == 2
