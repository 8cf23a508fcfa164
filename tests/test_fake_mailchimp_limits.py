"""The stand-in Mailchimp has the real API's limits that matter to sending once (creation
times to the second, ids that say nothing of order), deletes drafts, marks test emails,
keeps a File Manager checked against its spec, and holds calls to start races."""

from __future__ import annotations

import base64
import email.utils
import threading
import time
from datetime import UTC, datetime

import pytest
import requests

from tests.conftest import CANARY_KEY
from tests.fake_mailchimp import FakeMailchimp

AUTH = ("anystring", CANARY_KEY)
NOW = datetime(2026, 11, 24, 12, 0, 0, 600000, tzinfo=UTC)


@pytest.fixture
def fake():
    with FakeMailchimp(key=CANARY_KEY) as f:
        f.add_list("L1", "Team update", 3)
        yield f
        assert f.violations == []


def create(fake, title="copro-news 2026-12 [cn:2026-12:abc]"):
    body = {
        "type": "regular",
        "recipients": {"list_id": "L1"},
        "settings": {
            "subject_line": "Hello",
            "title": title,
            "from_name": "Team",
            "reply_to": "news@example.org",
        },
    }
    r = requests.post(f"{fake.url}/campaigns", json=body, auth=AUTH, timeout=5)
    assert r.status_code == 200, r.text
    return r.json()


def test_creation_times_are_to_the_second_and_ties_are_not_in_the_order_made(fake):
    fake.clock = lambda: NOW
    made = [create(fake)["id"] for _ in range(12)]
    r = requests.get(
        f"{fake.url}/campaigns",
        params={"sort_field": "create_time", "sort_dir": "ASC", "count": 100},
        auth=AUTH,
        timeout=5,
    )
    listed = r.json()["campaigns"]
    assert {c["create_time"] for c in listed} == {"2026-11-24T12:00:00+00:00"}
    assert [c["id"] for c in listed] == sorted(made) != made  # by id: random, not by age
    assert r.headers["Date"] == email.utils.format_datetime(NOW, usegmt=True)


def test_a_draft_can_be_deleted_a_sent_campaign_cannot(fake):
    draft = create(fake)["id"]
    assert requests.delete(f"{fake.url}/campaigns/{draft}", auth=AUTH, timeout=5).status_code == 204
    assert requests.delete(f"{fake.url}/campaigns/{draft}", auth=AUTH, timeout=5).status_code == 404
    assert fake.deleted == [draft] and fake.campaigns == {}
    sent = create(fake)["id"]
    fake.campaigns[sent].doc["status"] = "sent"
    r = requests.delete(f"{fake.url}/campaigns/{sent}", auth=AUTH, timeout=5)
    assert r.status_code == 400 and sent in fake.campaigns


def test_a_test_email_arrives_marked_test(fake):
    cid = create(fake)["id"]
    requests.put(
        f"{fake.url}/campaigns/{cid}/content",
        json={"html": "<p>hi *|UNSUB|*</p>"},
        auth=AUTH,
        timeout=5,
    )
    r = requests.post(
        f"{fake.url}/campaigns/{cid}/actions/test",
        json={"test_emails": ["me@example.org"], "send_type": "html"},
        auth=AUTH,
        timeout=5,
    )
    assert r.status_code == 204
    assert fake.campaigns[cid].test_subjects == ["[Test] Hello"]


def test_the_file_manager_stores_lists_and_pages(fake):
    fake.clock = lambda: NOW
    body = {"name": "sun.png", "file_data": base64.b64encode(b"png").decode()}
    r = requests.post(f"{fake.url}/file-manager/files", json=body, auth=AUTH, timeout=5)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["full_size_url"].startswith("https://mcusercontent.com/") and doc["size"] == 3
    assert doc["type"] == "image" and doc["created_at"] == "2026-11-24T12:00:00+00:00"
    for i in range(3):
        fake.add_file(f"f{i}.pdf", b"x")
    r = requests.get(
        f"{fake.url}/file-manager/files",
        params={
            "sort_field": "added_date",
            "sort_dir": "DESC",
            "count": 2,
            "offset": 2,
            "fields": "files.name,total_items",
        },
        auth=AUTH,
        timeout=5,
    )
    assert r.json() == {"files": [{"name": "f0.pdf"}, {"name": "sun.png"}], "total_items": 4}
    one = requests.get(f"{fake.url}/file-manager/files/{doc['id']}", auth=AUTH, timeout=5)
    assert one.json()["name"] == "sun.png"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "sun.png"}, 400),  # the spec requires file_data
        ({"name": "sun.png", "file_data": "not base64!"}, 400),
        ({"name": "sun", "file_data": "cG5n"}, 400),
        ({"name": "sun.png", "file_data": "cG5n", "url": "x"}, 400),  # not a field
    ],
)
def test_the_file_manager_refuses_what_the_api_refuses(fake, body, status):
    r = requests.post(f"{fake.url}/file-manager/files", json=body, auth=AUTH, timeout=5)
    assert r.status_code == status
    assert fake.files == {}
    spec_broken = "file_data" not in body or "url" in body
    assert bool(fake.violations) == spec_broken
    fake.violations.clear()


def test_held_calls_go_together_then_one_later(fake):
    fake.hold("GET", "/ping", parties=2, delays=(0.0, 0.6))
    done: list[float] = []

    def ping():
        requests.get(f"{fake.url}/ping", auth=AUTH, timeout=10)
        done.append(time.monotonic())

    first = threading.Thread(target=ping)
    first.start()
    time.sleep(0.3)
    assert done == []  # held until the second comes
    started = time.monotonic()
    ping()
    first.join()
    assert sorted(done)[0] - started < 0.25
    assert 0.5 < sorted(done)[1] - started < 1.5
    requests.get(f"{fake.url}/ping", auth=AUTH, timeout=5)  # the third is not held
