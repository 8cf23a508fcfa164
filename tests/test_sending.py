"""The send flow against the stand-in Mailchimp: one campaign and one send, whatever fails."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from copro_news import sending, sendrecord
from copro_news.errors import ProviderError, RefusedError, UsageError
from copro_news.providers.mailchimp import MailchimpProvider
from copro_news.sending import SendFlow, parse_schedule
from tests.conftest import CANARY_KEY
from tests.send_helpers import (
    LIST_ID,
    client,
    ctrl_c_at,
    message,
    no_waits,
    send_flow,
    send_until_done,
)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    # One copy of the workspace here: no wait for another copy's campaign (see
    # test_send_copies.py for that).
    no_waits(monkeypatch, MailchimpProvider, read_timeout=0.25)


def test_whole_flow_test_then_send(mailchimp, tmp_path):
    out = send_flow(mailchimp, tmp_path).send_test(["me@example.org", "you@example.org"])
    camp = mailchimp.only_campaign()
    rec = sendrecord.load(tmp_path)
    assert rec is not None and rec.state == "tested"
    assert camp.tests == [["me@example.org", "you@example.org"]]
    assert f"[{rec.marker}]" in camp.doc["settings"]["title"]
    assert camp.doc["settings"]["subject_line"] == "Team update: December 2026"
    assert "*|UNSUB|*" in camp.html
    assert out.done[-1] == "sent a test to me@example.org, you@example.org"

    s = send_flow(mailchimp, tmp_path)
    plan = s.plan()
    assert (plan.list.name, plan.list.members) == ("Team update", 312)
    assert plan.last_test is not None and not plan.content_changed_since_test
    assert not plan.content_to_upload
    s.send()
    assert mailchimp.total_sends == 1
    assert camp.doc["status"] == "sent"
    rec = sendrecord.load(tmp_path)
    assert rec.state == "sent" and rec.sent_at
    assert mailchimp.count("POST", "/campaigns") == 1
    assert mailchimp.count("PUT", "/campaigns/*/content") == 1  # unchanged: not uploaded twice

    with pytest.raises(RefusedError, match=r"already went out on .* to .Team update."):
        send_flow(mailchimp, tmp_path).plan()
    with pytest.raises(RefusedError, match="already went out"):
        send_flow(mailchimp, tmp_path).send()
    with pytest.raises(RefusedError, match="already went out"):
        send_flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert mailchimp.total_sends == 1


def test_content_changed_after_the_test_is_uploaded_again(mailchimp, tmp_path):
    send_flow(mailchimp, tmp_path).send_test(["me@example.org"])
    changed = message(html="<p>Hello again</p>*|UNSUB|*")
    s = send_flow(mailchimp, tmp_path, changed)
    plan = s.plan()
    assert plan.content_changed_since_test and plan.content_to_upload
    s.send()
    camp = mailchimp.only_campaign()
    assert camp.html == "<p>Hello again</p>*|UNSUB|*"
    assert mailchimp.count("PUT", "/campaigns/*/content") == 2
    assert mailchimp.count("PATCH", "/campaigns/*") == 1  # subject and sender follow too
    assert camp.sends == 1


def test_dry_run_changes_nothing(mailchimp, tmp_path):
    s = send_flow(mailchimp, tmp_path, dry_run=True)
    s.plan()
    out = s.send()
    assert out.done == [
        f"create a draft campaign '{s.record.title}' for list {LIST_ID}",
        "upload the HTML and text of the issue",
        f"send it now to list {LIST_ID}",
    ]
    assert mailchimp.campaigns == {}
    assert {c.method for c in mailchimp.calls} == {"GET"}
    assert sendrecord.load(tmp_path) is None


def test_unknown_list_is_refused_before_anything_is_created(mailchimp, tmp_path):
    s = SendFlow(client(mailchimp), tmp_path, message(), "nosuchlist")
    with pytest.raises(ProviderError, match="has no list 'nosuchlist'"):
        s.plan()
    assert mailchimp.campaigns == {}


def test_missing_unsubscribe_link_is_refused(mailchimp, tmp_path):
    s = send_flow(mailchimp, tmp_path, message(html="<p>no link</p>"))
    with pytest.raises(ProviderError, match=r"\*\|UNSUB\|\*"):
        s.send_test(["me@example.org"])
    assert mailchimp.count("PUT", "/campaigns/*/content") == 0


SEND_STEPS = [
    ("GET", "/campaigns"),  # look for the marker
    ("GET", "/lists"),  # the list for the confirmation
    ("POST", "/campaigns"),  # create
    ("PUT", "/campaigns/*/content"),  # upload
    ("GET", "/campaigns/*"),  # the gate before sending
    ("POST", "/campaigns/*/actions/send"),  # send
]
FAULTS = [
    {"kind": "error", "status": 500},
    {"kind": "error", "status": 503, "title": "Service Unavailable", "detail": "Try later."},
    {"kind": "retry-after", "retry_after": "0"},
    {"kind": "drop-before"},
    {"kind": "drop-after"},
    {"kind": "slow", "delay": 0.5},
]


@pytest.mark.parametrize("step", SEND_STEPS, ids=lambda s: f"{s[0]} {s[1]}")
@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f['kind']}-{f.get('status', '')}")
def test_every_fault_at_every_step_sends_once(mailchimp, tmp_path, step, fault):
    injected = mailchimp.fault(*step, **fault)
    send_until_done(mailchimp, tmp_path)
    assert injected.fired == 1, "the fault never hit"
    camp = mailchimp.only_campaign()
    assert camp.sends == 1
    assert camp.doc["status"] == "sent"
    assert sendrecord.load(tmp_path).state == "sent"
    with pytest.raises(RefusedError, match="already went out"):
        send_flow(mailchimp, tmp_path).plan()
    assert mailchimp.total_sends == 1


TEST_STEPS = [
    ("POST", "/campaigns"),
    ("PUT", "/campaigns/*/content"),
    ("POST", "/campaigns/*/actions/test"),
]


@pytest.mark.parametrize("step", TEST_STEPS, ids=lambda s: f"{s[0]} {s[1]}")
@pytest.mark.parametrize("fault", FAULTS[:1] + FAULTS[3:5], ids=lambda f: f["kind"])
def test_faults_during_a_test_send_keep_one_campaign(mailchimp, tmp_path, step, fault):
    mailchimp.fault(*step, **fault)
    for _ in range(3):
        try:
            send_flow(mailchimp, tmp_path).send_test(["me@example.org"])
            break
        except ProviderError:
            continue
    camp = mailchimp.only_campaign()
    assert 1 <= len(camp.tests) <= 2  # a lost answer may mean the test went; it is never hidden
    send_until_done(mailchimp, tmp_path)
    assert mailchimp.only_campaign().sends == 1


def test_lost_answer_to_create_is_found_by_marker_on_the_next_run(mailchimp, tmp_path):
    mailchimp.fault("POST", "/campaigns", kind="drop-after")
    mailchimp.fault("GET", "/campaigns", kind="error", status=500, nth=2, times=10)
    with pytest.raises(ProviderError):
        send_flow(mailchimp, tmp_path).send_test(["me@example.org"])
    rec = sendrecord.load(tmp_path)
    assert rec.phase == "create_requested" and rec.campaign_id is None
    mailchimp.faults.clear()
    send_flow(mailchimp, tmp_path).send_test(["me@example.org"])
    camp = mailchimp.only_campaign()
    assert sendrecord.load(tmp_path).campaign_id == camp.doc["id"]
    assert mailchimp.count("POST", "/campaigns") == 1


def test_interrupted_just_before_the_send_call(mailchimp, tmp_path):
    s = send_flow(mailchimp, tmp_path, progress=ctrl_c_at("Sending through"))
    s.plan()
    with pytest.raises(KeyboardInterrupt):
        s.send()
    assert sendrecord.load(tmp_path).phase == "send_requested"
    assert mailchimp.total_sends == 0
    s = send_flow(mailchimp, tmp_path)
    assert s.plan().resuming
    s.send()
    assert mailchimp.only_campaign().sends == 1
    assert mailchimp.count("GET", "/campaigns/*") >= 1 + sending.RECHECKS


def test_lost_send_record_still_refuses_a_second_send(mailchimp, tmp_path):
    send_until_done(mailchimp, tmp_path)
    sendrecord.path_for(tmp_path).unlink()
    with pytest.raises(RefusedError, match=r"already went out .*\(campaign"):
        send_flow(mailchimp, tmp_path).plan()
    assert len(mailchimp.campaigns) == 1


def test_sent_elsewhere_is_seen_and_recorded(mailchimp, tmp_path):
    send_flow(mailchimp, tmp_path).send_test(["me@example.org"])
    camp = mailchimp.only_campaign()
    camp.doc["status"] = "sending"  # sent from the web app meanwhile
    camp.doc["send_time"] = "2026-11-20T10:00:00+00:00"
    with pytest.raises(RefusedError, match="already went out on Fri 20 Nov 2026 10:00"):
        send_flow(mailchimp, tmp_path).plan()
    assert sendrecord.load(tmp_path).state == "sent"


def test_several_campaigns_with_the_marker_the_oldest_goes_and_the_others_are_deleted(
    mailchimp, tmp_path
):
    send_flow(mailchimp, tmp_path).send_test(["me@example.org"])
    rec = sendrecord.load(tmp_path)
    first = mailchimp.only_campaign()
    clone = dict(first.doc, id="feedbeef00")  # made by this copy in the same second
    mailchimp.campaigns["feedbeef00"] = type(first)(clone, html=first.html)
    rec.campaign_id = None
    rec.phase = "create_requested"  # the answer was lost: which one is the record's?
    sendrecord.save(tmp_path, rec)
    oldest = min(mailchimp.campaigns)  # the same second: every copy orders them by id
    s = send_flow(mailchimp, tmp_path)
    assert s.plan().campaign.id == oldest
    s.send()
    assert list(mailchimp.campaigns) == [oldest] and mailchimp.deleted == [
        max(clone["id"], first.doc["id"])
    ]
    assert mailchimp.total_sends == 1
    assert sendrecord.load(tmp_path).campaign_id == oldest


def test_schedule_cancel_and_reschedule(mailchimp, tmp_path):
    mailchimp.clock = lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    now = mailchimp.clock()
    when = parse_schedule("2027-03-28 09:00", LONDON, now=now, step_minutes=15)
    s = send_flow(mailchimp, tmp_path, zone=LONDON, clock=lambda: now)
    s.plan(when)
    s.send(when)
    camp = mailchimp.only_campaign()
    assert camp.doc["status"] == "schedule"
    assert camp.doc["send_time"] == "2027-03-28T08:00:00+00:00"  # 09:00 BST
    rec = sendrecord.load(tmp_path)
    assert rec.state == "scheduled" and rec.scheduled_for == "2027-03-28T08:00:00+00:00"
    with pytest.raises(RefusedError, match="is already scheduled for Sun 28 Mar 2027 09:00 BST"):
        send_flow(mailchimp, tmp_path, zone=LONDON).plan()

    send_flow(mailchimp, tmp_path).cancel()
    assert camp.doc["status"] == "paused"
    assert sendrecord.load(tmp_path).state == "drafted"
    with pytest.raises(RefusedError, match="not scheduled"):
        send_flow(mailchimp, tmp_path).cancel()

    earlier = parse_schedule("2027-03-27 09:00", LONDON, now=now, step_minutes=15)
    send_flow(mailchimp, tmp_path).send(earlier)
    assert camp.doc["send_time"] == "2027-03-27T09:00:00+00:00"  # 09:00 GMT, the day before
    assert len(mailchimp.campaigns) == 1 and camp.sends == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-03-28 01:30", "does not exist in Europe/London"),
        ("2027-10-31 01:30", "happens twice in Europe/London"),
        ("2027-03-28 09:10", "quarter hour"),
        ("2026-11-01 09:00", "in the past"),
        ("tomorrow 9am", "not a date and time"),
    ],
)
def test_schedule_times_that_cannot_be(text, message):
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    with pytest.raises(UsageError, match=message):
        parse_schedule(text, LONDON, now=now, step_minutes=15)


def test_schedule_any_minute_without_a_step():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    when = parse_schedule("2026-12-01 09:07", LONDON, now=now, step_minutes=None)
    assert when == datetime(2026, 12, 1, 9, 7, tzinfo=UTC)


def test_send_costs_the_same_calls_whatever_the_list_size(tmp_path):
    from tests.fake_mailchimp import FakeMailchimp

    counts = []
    for members in (10, 100_000):
        with FakeMailchimp(key=CANARY_KEY) as fake:
            fake.add_list(LIST_ID, "Team update", members)
            folder = tmp_path / str(members)
            folder.mkdir()
            send_flow(fake, folder).send_test(["me@example.org"])
            s = send_flow(fake, folder)
            s.plan()
            s.send()
            assert fake.violations == []
            counts.append(len(fake.calls))
    assert counts[0] == counts[1] <= 10


def test_a_campaign_still_sending_counts_as_sent(mailchimp, tmp_path):
    mailchimp.send_status = "sending"
    mailchimp.fault("POST", "/campaigns/*/actions/send", kind="drop-after")
    send_until_done(mailchimp, tmp_path)
    assert mailchimp.only_campaign().doc["status"] == "sending"
    assert sendrecord.load(tmp_path).state == "sent"
    with pytest.raises(RefusedError, match="already went out"):
        send_flow(mailchimp, tmp_path).send()
    assert mailchimp.total_sends == 1
