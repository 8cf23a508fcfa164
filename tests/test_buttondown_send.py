"""The send flow through the stand-in Buttondown: one email and one delivery, whatever fails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from copro_news import sendrecord
from copro_news.errors import CredentialsError, ProviderError, RefusedError
from copro_news.providers.buttondown import (
    FANCY,
    ButtondownProvider,
    PlanError,
    slug_for,
)
from copro_news.providers.http import OutcomeUnknown
from copro_news.secret import Secret
from copro_news.sending import SendFlow, parse_schedule
from tests.conftest import CANARY_KEY
from tests.send_helpers import (
    BUTTONDOWN_HTML,
    NEWSLETTER,
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
    no_waits(monkeypatch, ButtondownProvider, read_timeout=0.25)


def bd_message(html: str = BUTTONDOWN_HTML, subject: str = "Team update: December 2026"):
    return message(html=html, subject=subject)


def test_whole_flow_test_then_send(buttondown, tmp_path):
    out = send_flow(buttondown, tmp_path).send_test(["me@example.org", "you@example.org"])
    email = buttondown.only_email()
    rec = sendrecord.load(tmp_path)
    assert rec is not None and rec.state == "tested"
    assert email.doc["status"] == "draft"
    assert email.doc["slug"] == slug_for(rec.marker) == "cn-" + rec.marker[3:].replace(":", "-")
    assert email.doc["subject"] == "Team update: December 2026"
    assert email.doc["description"] == "News from the team"  # the preheader
    assert email.doc["body"].startswith(FANCY + "\n")
    assert email.tests == [["me@example.org", "you@example.org"]]
    assert out.done[-1] == "sent a test to me@example.org, you@example.org"

    s = send_flow(buttondown, tmp_path)
    plan = s.plan()
    assert (plan.list.name, plan.list.members) == ("Team update", 312)
    assert not plan.content_to_upload
    s.send()
    assert email.deliveries == 1
    assert email.doc["status"] == "about_to_send"
    rec = sendrecord.load(tmp_path)
    assert rec.state == "sent" and rec.sent_at
    assert rec.list_name == "Team update"
    assert buttondown.count("POST", "/emails") == 1
    assert buttondown.count("PATCH", "/emails/*") == 1  # unchanged: not uploaded twice

    buttondown.advance()
    assert email.doc["status"] == "sent"
    with pytest.raises(RefusedError, match=r"already went out on .* to .Team update."):
        send_flow(buttondown, tmp_path).plan()
    with pytest.raises(RefusedError, match="already went out"):
        send_flow(buttondown, tmp_path).send()
    with pytest.raises(RefusedError, match="already went out"):
        send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    assert buttondown.total_deliveries == 1


def test_every_request_that_creates_or_sends_carries_a_key(buttondown, tmp_path):
    send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    s = send_flow(buttondown, tmp_path)
    s.plan()
    s.send()
    marker = sendrecord.load(tmp_path).marker
    keyed = {
        (c.method, c.path.split("/")[-1]): c.headers["x-idempotency-key"]
        for c in buttondown.calls
        if c.method == "POST"
    }
    email_id = buttondown.only_email().doc["id"]
    assert keyed[("POST", "emails")].startswith(f"{marker}:create:")
    assert keyed[("POST", "send-draft")].startswith(f"{marker}:test:")
    assert keyed[("POST", "publish")].startswith(f"{marker}:send:")
    assert all(c.headers["x-api-version"] == "2026-04-01" for c in buttondown.calls)
    assert {c.headers["authorization"] for c in buttondown.calls} == {f"Token {CANARY_KEY}"}
    publish = next(c for c in buttondown.calls if c.path == f"/emails/{email_id}/publish")
    assert publish.body == {}


SEND_STEPS = [
    ("GET", "/emails"),  # look for the issue's slug
    ("GET", "/newsletters"),  # the newsletter, for the confirmation
    ("GET", "/subscribers"),  # its subscribers
    ("POST", "/emails"),  # create the draft
    ("PATCH", "/emails/*"),  # upload the issue
    ("GET", "/emails/*"),  # the gate before sending
    ("POST", "/emails/*/publish"),  # send
]
FAULTS = [
    {"kind": "error", "status": 500},
    {"kind": "error", "status": 503, "detail": "Try later."},
    {"kind": "retry-after", "retry_after": "0"},
    {"kind": "drop-before"},
    {"kind": "drop-after"},
    {"kind": "slow", "delay": 0.5},
    {"kind": "slow-before", "delay": 0.5},
]


@pytest.mark.parametrize("step", SEND_STEPS, ids=lambda s: f"{s[0]} {s[1]}")
@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f['kind']}-{f.get('status', '')}")
def test_every_fault_at_every_step_sends_once(buttondown, tmp_path, step, fault):
    injected = buttondown.fault(*step, **fault)
    send_until_done(buttondown, tmp_path)
    assert injected.fired == 1, "the fault never hit"
    email = buttondown.only_email()
    assert email.deliveries == 1
    assert email.doc["status"] == "about_to_send"
    assert sendrecord.load(tmp_path).state == "sent"
    with pytest.raises(RefusedError, match="already went out"):
        send_flow(buttondown, tmp_path).plan()
    assert buttondown.total_deliveries == 1


@pytest.mark.parametrize("step", SEND_STEPS, ids=lambda s: f"{s[0]} {s[1]}")
@pytest.mark.parametrize("fault", FAULTS[:1] + FAULTS[3:], ids=lambda f: f["kind"])
def test_every_fault_at_every_step_of_a_schedule_schedules_once(buttondown, tmp_path, step, fault):
    when = datetime(2099, 1, 5, 9, 7, tzinfo=UTC)
    injected = buttondown.fault(*step, **fault)
    send_until_done(buttondown, tmp_path, when)
    assert injected.fired == 1, "the fault never hit"
    email = buttondown.only_email()
    assert email.doc["status"] == "scheduled"
    assert email.doc["publish_date"] == "2099-01-05T09:07:00Z"
    assert sendrecord.load(tmp_path).state == "scheduled"
    buttondown.advance(to=when)
    assert email.deliveries == 1 and email.doc["status"] == "sent"


TEST_STEPS = [
    ("POST", "/emails"),
    ("PATCH", "/emails/*"),
    ("POST", "/emails/*/send-draft"),
]


@pytest.mark.parametrize("step", TEST_STEPS, ids=lambda s: f"{s[0]} {s[1]}")
@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f['kind']}-{f.get('status', '')}")
def test_faults_during_a_test_send_keep_one_email(buttondown, tmp_path, step, fault):
    buttondown.fault(*step, **fault)
    for _ in range(3):
        try:
            send_flow(buttondown, tmp_path).send_test(["me@example.org"])
            break
        except ProviderError:
            continue
    email = buttondown.only_email()
    # a retry of the test carries the same key: Buttondown answers it without a second test
    assert len(email.tests) == 1
    send_until_done(buttondown, tmp_path)
    assert buttondown.only_email().deliveries == 1


def test_a_lost_answer_to_the_create_is_answered_again_not_done_again(buttondown, tmp_path):
    buttondown.fault("POST", "/emails", kind="drop-after")
    send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    creates = [c for c in buttondown.calls if (c.method, c.path) == ("POST", "/emails")]
    assert [c.replayed for c in creates] == [False, True]
    email = buttondown.only_email()
    assert sendrecord.load(tmp_path).campaign_id == email.doc["id"]


def test_a_run_cut_off_after_the_create_finds_the_email_by_its_slug(buttondown, tmp_path):
    buttondown.fault("POST", "/emails", kind="drop-after", times=10)
    buttondown.fault("GET", "/emails", kind="error", status=500, nth=2, times=20)
    with pytest.raises(ProviderError):
        send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    rec = sendrecord.load(tmp_path)
    assert rec.phase == "create_requested" and rec.campaign_id is None
    buttondown.faults.clear()
    send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    email = buttondown.only_email()
    assert sendrecord.load(tmp_path).campaign_id == email.doc["id"]


def test_an_email_older_than_the_lookback_is_taken_by_its_slug(buttondown, tmp_path):
    """The slug is unique at Buttondown: a second create is refused, and the email found."""
    send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    email = buttondown.only_email()
    email.doc["creation_date"] = "2020-01-01T09:00:00Z"  # long before any look-back
    rec = sendrecord.load(tmp_path)
    rec.forget_campaign()  # as if the record had lost it
    sendrecord.save(tmp_path, rec)
    buttondown._keys.clear()  # and Buttondown had forgotten the create's key
    send_until_done(buttondown, tmp_path)
    assert buttondown.only_email() is email and email.deliveries == 1
    creates = [c for c in buttondown.calls if (c.method, c.path) == ("POST", "/emails")]
    assert [c.status for c in creates if c.status != 400] == [201]  # taken, not duplicated


def test_a_second_create_for_the_issue_takes_the_first_email(buttondown):
    """Whichever run or copy of the workspace asks for the issue's email a second time (its
    own key, the same slug), Buttondown refuses to make it, and the first one is taken."""
    title = "copro-news 2026-12 [cn:2026-12:3f9a2c] (workspace 7b1e04)"
    first = client(buttondown).create_campaign(bd_message(), NEWSLETTER, title)
    second = client(buttondown).create_campaign(bd_message(), NEWSLETTER, title)
    assert first.title == title
    assert second.id == first.id
    assert second.title == "copro-news 2026-12 [cn:2026-12:3f9a2c]"  # not made by that run
    creates = [c for c in buttondown.calls if (c.method, c.path) == ("POST", "/emails")]
    assert [c.status for c in creates] == [201, 400]
    assert creates[1].replayed is False  # a key of its own: refused for the slug
    assert len(buttondown.emails) == 1


def test_a_slug_taken_by_an_email_copro_news_cannot_see_stops(buttondown, tmp_path):
    send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    email = buttondown.only_email()
    email.doc["status"] = "deleted"
    rec = sendrecord.load(tmp_path)
    rec.forget_campaign()
    sendrecord.save(tmp_path, rec)
    buttondown._keys.clear()
    with pytest.raises(ProviderError) as e:
        send_flow(buttondown, tmp_path).send()
    assert e.value.message == (
        f"Buttondown already has an email at the address '{email.doc['slug']}' (its slug), "
        "and copro-news cannot find it among the newsletter's emails."
    )
    assert "will not make a second email" in (e.value.hint or "")
    assert buttondown.live_emails() == [] and buttondown.total_deliveries == 0


def test_an_email_buttondown_calls_a_duplicate_is_not_made_again(buttondown, tmp_path):
    buttondown.refusals[("POST", "/emails")] = (
        400,
        {"code": "email_duplicate", "detail": "An identical email was sent recently."},
    )
    with pytest.raises(ProviderError) as e:
        send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    assert e.value.message == (
        "Buttondown refused the email as a duplicate of one it already has (An identical "
        "email was sent recently)."
    )
    assert buttondown.emails == {} and sendrecord.load(tmp_path).campaign_id is None


def test_two_copies_of_the_workspace_make_one_email(buttondown, tmp_path):
    """Two clones with the same marker (as every clone has it): their identical requests are
    one at Buttondown, and the issue goes out once."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    send_flow(buttondown, first).send_test(["me@example.org"])
    marker = sendrecord.load(first).marker
    s = send_flow(buttondown, second)
    s.record.marker = marker
    s.send()
    assert buttondown.only_email().deliveries == 1
    assert sendrecord.load(second).campaign_id == sendrecord.load(first).campaign_id
    with pytest.raises(RefusedError, match="already went out"):
        send_flow(buttondown, first).send()
    assert buttondown.total_deliveries == 1


def test_interrupted_just_before_the_publish(buttondown, tmp_path):
    s = send_flow(buttondown, tmp_path, progress=ctrl_c_at("Sending through"))
    s.plan()
    with pytest.raises(KeyboardInterrupt):
        s.send()
    assert sendrecord.load(tmp_path).phase == "send_requested"
    assert buttondown.total_deliveries == 0
    s = send_flow(buttondown, tmp_path)
    assert s.plan().resuming
    s.send()
    assert buttondown.only_email().deliveries == 1


WAITS = [
    "Looking for this issue's campaign",
    "Reading the list",
    "Creating the campaign",
    "Uploading the issue",
    "Reading the campaign",
    "Sending through",
]


@pytest.mark.parametrize("wait", WAITS)
@pytest.mark.parametrize("when", ["before", "after"])
def test_ctrl_c_at_any_step_then_the_next_run_sends_once(buttondown, tmp_path, wait, when):
    """Ctrl-C while copro-news waits on Buttondown: before the call goes, or once its work
    is done and the answer is on its way."""
    s = send_flow(buttondown, tmp_path, progress=ctrl_c_at(wait, when))
    with pytest.raises(KeyboardInterrupt):
        s.plan()
        s.send()
    send_until_done(buttondown, tmp_path)
    assert buttondown.only_email().deliveries == 1
    assert sendrecord.load(tmp_path).state == "sent"


def test_schedule_at_any_minute_cancel_and_send_later(buttondown, tmp_path):
    buttondown.clock = lambda: datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    now = buttondown.clock()
    when = parse_schedule("2027-03-28 09:07", LONDON, now=now, step_minutes=None)
    s = send_flow(buttondown, tmp_path, zone=LONDON, clock=lambda: now)
    s.plan(when)
    s.send(when)
    email = buttondown.only_email()
    assert email.doc["status"] == "scheduled"
    assert email.doc["publish_date"] == "2027-03-28T08:07:00Z"  # 09:07 BST
    rec = sendrecord.load(tmp_path)
    assert rec.state == "scheduled" and rec.scheduled_for == "2027-03-28T08:07:00+00:00"
    with pytest.raises(RefusedError, match="is already scheduled for Sun 28 Mar 2027 09:07 BST"):
        send_flow(buttondown, tmp_path, zone=LONDON).plan()

    send_flow(buttondown, tmp_path).cancel()
    assert email.doc["status"] == "draft"
    assert sendrecord.load(tmp_path).state == "drafted"
    with pytest.raises(RefusedError, match="not scheduled"):
        send_flow(buttondown, tmp_path).cancel()

    # the same time again: a request of its own, not the answer to the first schedule
    send_flow(buttondown, tmp_path).send(when)
    assert email.doc["status"] == "scheduled"
    send_flow(buttondown, tmp_path).cancel()
    send_flow(buttondown, tmp_path).send()  # and now at once: not the schedule's answer
    assert email.doc["status"] == "about_to_send"
    assert email.deliveries == 1
    buttondown.advance(to=when)
    assert email.deliveries == 1 and len(buttondown.emails) == 1


def test_an_email_that_errored_is_never_sent_again(buttondown, tmp_path):
    send_until_done(buttondown, tmp_path)
    email = buttondown.only_email()
    email.doc["status"] = "errored"
    rec = sendrecord.load(tmp_path)
    rec.phase = "content_set"  # even a record that says it never went
    sendrecord.save(tmp_path, rec)
    with pytest.raises(RefusedError):
        send_flow(buttondown, tmp_path).plan()
    with pytest.raises(RefusedError):
        send_flow(buttondown, tmp_path).send()
    assert email.deliveries == 1


def test_template_tags_are_refused_before_anything_is_uploaded(buttondown, tmp_path):
    msg = bd_message(subject="Hello {{ subscriber.email }}")
    with pytest.raises(ProviderError) as e:
        send_flow(buttondown, tmp_path, msg).send_test(["me@example.org"])
    assert e.value.message == (
        "The email holds '{{', which Buttondown would read as a template tag; nothing was uploaded."
    )
    assert buttondown.emails == {}
    msg = bd_message(html=BUTTONDOWN_HTML.replace("Sign up", "{% if x %}Sign up{% endif %}"))
    with pytest.raises(ProviderError, match="holds '\\{%'"):
        send_flow(buttondown, tmp_path, msg).send_test(["me@example.org"])
    assert buttondown.only_email().tests == []  # created, but nothing was uploaded


def test_naked_mode_sends_the_whole_email_on_the_plus_plan(buttondown, tmp_path):
    buttondown.plan = "plus"
    send_flow(buttondown, tmp_path, naked=True).send_test(["me@example.org"])
    email = buttondown.only_email()
    assert email.doc["template"] == "naked"
    assert email.doc["body"] == BUTTONDOWN_HTML


def test_naked_mode_on_a_lower_plan_says_which_plan(buttondown, tmp_path):
    with pytest.raises(PlanError) as e:
        send_flow(buttondown, tmp_path, naked=True).send_test(["me@example.org"])
    assert e.value.message == (
        "Buttondown's naked mode needs the Buttondown Plus plan; nothing was sent. Buttondown "
        "said: Naked mode is not available on your plan. Upgrade to the Buttondown Plus plan "
        "to use it."
    )
    assert e.value.hint == (
        "Upgrade the newsletter's plan in Buttondown (Settings > Billing), or remove "
        "'naked = true' from [provider] in copro-news.toml to send the issue inside your "
        "Buttondown template."
    )
    assert "403" not in e.value.message
    assert buttondown.emails == {}


@pytest.mark.parametrize(
    ("detail", "needs"),
    [
        ("Scheduling emails requires the Standard plan.", "needs the Buttondown Standard plan"),
        ("Upgrade your plan to send this.", "needs a higher Buttondown plan"),
    ],
)
def test_any_answer_about_the_plan_names_the_plan(buttondown, tmp_path, detail, needs):
    buttondown.fault("POST", "/emails/*/publish", kind="error", status=403, detail=detail)
    s = send_flow(buttondown, tmp_path)
    s.plan()
    with pytest.raises(PlanError) as e:
        s.send(datetime(2099, 1, 5, 9, 7, tzinfo=UTC))
    assert e.value.message == f"This {needs}; nothing was sent. Buttondown said: {detail}"
    assert buttondown.only_email().doc["status"] == "draft"
    assert sendrecord.load(tmp_path).state == "drafted"  # withdrawn: surely not scheduled


def test_a_refusal_is_not_the_answer_to_the_next_run(buttondown, tmp_path):
    """Buttondown keeps the answer to a key, refusals too: once the cause is fixed (the plan
    upgraded), the next run's requests are new ones, and go through."""
    for step in (("POST", "/emails"), ("POST", "/emails/*/publish")):
        buttondown.refusals[step] = (403, {"detail": "Upgrade your plan to do this."})
        s = send_flow(buttondown, tmp_path)
        with pytest.raises(PlanError, match="needs a higher Buttondown plan"):
            s.plan()
            s.send()
        del buttondown.refusals[step]  # upgraded
    s = send_flow(buttondown, tmp_path)
    s.plan()
    s.send()
    assert buttondown.only_email().deliveries == 1
    for path in ("/emails", "/publish"):
        keys = [
            c.headers["x-idempotency-key"]
            for c in buttondown.calls
            if c.method == "POST" and c.path.endswith(path)
        ]
        assert len(keys) == len(set(keys)) == 2, keys


def test_a_key_without_the_right_to_send_is_said_plainly(buttondown, tmp_path):
    buttondown.fault(
        "POST", "/emails", kind="error", status=403, detail="This API key cannot write emails."
    )
    with pytest.raises(ProviderError) as e:
        send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    assert e.value.message == (
        "Buttondown refused the request (403 This API key cannot write emails)."
    )
    assert "Settings > API" in (e.value.hint or "")


def test_a_wrong_key_is_a_credentials_error(buttondown, tmp_path):
    p = ButtondownProvider(Secret("wrong-key-0000"), api_url=buttondown.url)
    with pytest.raises(CredentialsError) as e:
        p.verify()
    assert e.value.message == "Buttondown did not accept the API key (Invalid token)."
    assert e.value.hint == (
        "Check the key with 'copro-news login buttondown', or set BUTTONDOWN_API_KEY."
    )


def test_the_newsletter_is_the_list(buttondown):
    p = client(buttondown)
    (only,) = p.lists()
    assert (only.id, only.name, only.members) == (buttondown.newsletter["id"], "Team update", 312)
    assert p.get_list("newsletter") == only
    assert p.get_list(buttondown.newsletter["id"]) == only
    assert p.get_list("teamupdate") == only  # its username
    assert p.get_list("nl_other") is None
    assert p.verify() == "copro-team (owner@example.org), newsletter 'Team update'"
    subscribers = [c for c in buttondown.calls if c.path == "/subscribers"]
    assert subscribers and all(c.query == [("type", "regular")] for c in subscribers)


def test_the_calls_of_a_send_do_not_grow_with_the_list(tmp_path):
    from tests.fake_buttondown import FakeButtondown

    counts = []
    for members in (10, 100_000):
        with FakeButtondown(key=CANARY_KEY) as fake:
            fake.subscribers = members
            folder = tmp_path / str(members)
            folder.mkdir()
            send_flow(fake, folder).send_test(["me@example.org"])
            s = send_flow(fake, folder)
            s.plan()
            s.send()
            assert fake.violations == []
            counts.append(len(fake.calls))
    assert counts[0] == counts[1] <= 14


# --- pictures, and deleting a draft --------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    cid: str
    sha256: str
    mime: str
    data: bytes
    upload_name: str


SUN = Picture(
    "sun", "0123456789abcdef" * 4, "image/jpeg", b"\xff\xd8\xff sun", "copro-news-0123.jpg"
)


def test_a_picture_is_uploaded_once_and_found_by_its_name(buttondown):
    p = client(buttondown)
    assert p.stores_images
    assert p.find_images({SUN.upload_name}) == {}
    url = p.upload_image(SUN)
    assert url.startswith("https://assets.buttondown.email/images/")
    assert p.upload_image(SUN) == url  # the same bytes: Buttondown gives the first one back
    assert buttondown.uploads == 1
    assert p.find_images({SUN.upload_name, "copro-news-other.png"}) == {SUN.upload_name: url}
    (upload, *_) = [c for c in buttondown.calls if (c.method, c.path) == ("POST", "/images")]
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert upload.body["image"] == (SUN.upload_name, SUN.data, SUN.mime)
    assert upload.headers["x-idempotency-key"].startswith(f"{SUN.upload_name}:upload:")


def test_a_picture_whose_answer_was_lost_is_found_again(buttondown):
    buttondown.fault("POST", "/images", kind="drop-after", times=10)
    p = client(buttondown)
    with pytest.raises(OutcomeUnknown):
        p.upload_image(SUN)
    (kept,) = buttondown.images.values()
    assert p.find_images({SUN.upload_name}) == {SUN.upload_name: kept["image"]}
    assert buttondown.uploads == 1


def test_a_picture_buttondown_does_not_take_is_refused_plainly(buttondown):
    svg = Picture("logo", "f" * 64, "image/svg+xml", b"<svg/>", "copro-news-ffff.svg")
    with pytest.raises(ProviderError) as e:
        client(buttondown).upload_image(svg)
    assert e.value.message == (
        "Buttondown refused the request (422 Unsupported image type. Please upload a PNG, "
        "JPG, GIF, or WebP image)."
    )
    assert buttondown.uploads == 0


def test_a_draft_is_deleted_and_deleting_it_again_is_no_error(buttondown, tmp_path):
    send_flow(buttondown, tmp_path).send_test(["me@example.org"])
    email = buttondown.only_email()
    p = client(buttondown)
    p.delete_campaign(email.doc["id"])
    assert email.doc["status"] == "deleted" and buttondown.live_emails() == []
    p.delete_campaign(email.doc["id"])
    assert p.find_campaigns(NEWSLETTER, "[cn:2026-12:") == []


def test_a_rate_limit_is_waited_out_as_buttondown_says(buttondown, tmp_path):
    waits: list[float] = []
    buttondown.fault("POST", "/emails/*/publish", kind="retry-after", retry_after="7")
    buttondown.fault("GET", "/emails", kind="retry-after", retry_after="3")
    p = client(buttondown, sleep=waits.append)
    s = SendFlow(p, tmp_path, bd_message(), NEWSLETTER)
    s.plan()
    s.send()
    assert waits == [3.0, 7.0]
    assert buttondown.only_email().deliveries == 1
    publishes = [c for c in buttondown.calls if c.path.endswith("/publish")]
    assert [c.status for c in publishes] == [429, 200]
    assert len({c.headers["x-idempotency-key"] for c in publishes}) == 1  # the same request
