"""One campaign per issue per list, whichever copy of the workspace sends.

The team keeps drafts/ in git and several people have a clone: a send record in one clone
is not in another. The marker of an issue is the same in every clone, and the provider is
the arbiter: the oldest campaign of the issue is the one that goes out; a copy whose
campaign is not the oldest deletes the drafts it made and stops. (The race between real
processes is in test_send_race.py.)
"""

from __future__ import annotations

import itertools
import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copro_news import sending, sendrecord
from copro_news.errors import RefusedError
from copro_news.providers.mailchimp import MailchimpProvider
from copro_news.sending import SendFlow
from tests.send_helpers import LIST_ID, client, message, no_waits, send_flow

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    no_waits(monkeypatch)


@pytest.fixture
def ticking(mailchimp):
    """The stand-in's clock moves on a second at each look: campaigns have an age."""
    seconds = itertools.count()
    mailchimp.clock = lambda: NOW + timedelta(seconds=next(seconds))
    return mailchimp


def copy_of_workspace(root: Path) -> Path:
    """An issue folder of one clone of the team's repository."""
    folder = root / "drafts" / "2026-12"
    folder.mkdir(parents=True)
    return folder


def flow(fake, folder, **kw):
    """The send flow of one copy of the workspace; its waits for other copies take no time."""
    return send_flow(fake, folder, sleep=lambda s: None, **kw)


def just_before_bob_creates(alice_does):
    """Bob's progress: just before his flow creates its campaign (once), ``alice_does()``: the
    other copy's send, test or schedule, at that moment."""
    done = []

    @contextmanager
    def progress(text):
        if text.startswith("Creating the campaign") and not done:
            done.append(alice_does())
        yield

    return progress


def test_the_marker_is_the_same_in_every_copy_and_kept_from_an_existing_record(tmp_path):
    alice = sendrecord.new_record("2026-12", "mailchimp", LIST_ID, NOW, shared=True)
    bob = sendrecord.new_record("2026-12", "mailchimp", LIST_ID, NOW, shared=True)
    assert alice.marker == bob.marker == sendrecord.issue_marker("2026-12", LIST_ID)
    assert alice.tag != bob.tag  # which copy made a campaign
    assert alice.title == f"copro-news 2026-12 [{alice.marker}] (workspace {alice.tag})"
    assert sendrecord.issue_marker("2026-12", "otherlist") != alice.marker
    assert sendrecord.issue_marker("2027-01", LIST_ID) != alice.marker
    assert alice.made(alice.title) and not alice.made(bob.title)
    # A send.json written before keeps its random marker.
    older = dict(json.loads(json.dumps(alice.to_dict())), marker="cn:2026-12:abc123")
    del older["tag"]
    (tmp_path / "send.json").write_text(json.dumps(older))
    rec = sendrecord.load(tmp_path)
    assert (rec.marker, rec.tag, rec.title) == (
        "cn:2026-12:abc123",
        "",
        "copro-news 2026-12 [cn:2026-12:abc123]",
    )


def test_a_draft_made_by_another_copy_is_the_issues_campaign(mailchimp, tmp_path):
    """Alice tests from her clone; Bob sends from his, without her send.json: one campaign."""
    alice = copy_of_workspace(tmp_path / "alice")
    bob = copy_of_workspace(tmp_path / "bob")
    flow(mailchimp, alice).send_test(["alice@example.org"])
    b = flow(mailchimp, bob)
    assert b.plan().campaign.id == mailchimp.only_campaign().doc["id"]
    b.send()
    camp = mailchimp.only_campaign()
    assert camp.sends == 1 and mailchimp.count("POST", "/campaigns") == 1
    assert sendrecord.load(bob).campaign_id == camp.doc["id"]
    with pytest.raises(RefusedError, match="already went out"):
        flow(mailchimp, alice).plan()
    assert mailchimp.total_sends == 1


def test_the_copy_whose_campaign_is_newer_deletes_it_and_stops(ticking, tmp_path):
    """Both clones look, find nothing, and create: the provider orders the campaigns."""
    fake = ticking
    alice = copy_of_workspace(tmp_path / "alice")
    bob = copy_of_workspace(tmp_path / "bob")
    alice_creates_first = just_before_bob_creates(
        lambda: flow(fake, alice).send_test(["alice@example.org"])
    )
    b = flow(fake, bob, progress=alice_creates_first)
    b.plan()
    with pytest.raises(RefusedError) as e:
        b.send()
    (older,) = fake.campaigns.values()  # Bob's draft is gone
    winner = older.doc["id"]
    assert len(fake.deleted) == 1 and fake.deleted[0] != winner
    assert e.value.message == (
        f"Another copy of the workspace is sending issue 2026-12 through Mailchimp (campaign "
        f"{winner}, made first). This copy sent nothing and deleted the draft it had made "
        f"(campaign {fake.deleted[0]})."
    )
    assert e.value.hint == (
        "One issue goes out once. Run 'copro-news status' in a minute to see whether it went "
        "out; if it did not, run 'copro-news send' again: it sends that campaign."
    )
    assert e.value.exit_code == 1
    assert not sendrecord.path_for(bob).exists()  # nothing of Bob's run stays
    assert fake.total_sends == 0 and fake.count("PUT", "/campaigns/*/content") == 1  # Alice's

    flow(fake, alice).send()
    assert fake.only_campaign().sends == 1
    with pytest.raises(RefusedError, match="already went out"):
        flow(fake, bob).plan()
    assert fake.total_sends == 1


def test_a_copy_that_finds_the_issue_scheduled_by_another_at_its_last_look(ticking, tmp_path):
    fake = ticking
    alice = copy_of_workspace(tmp_path / "alice")
    bob = copy_of_workspace(tmp_path / "bob")
    when = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    alice_schedules_first = just_before_bob_creates(lambda: flow(fake, alice).send(when))
    with pytest.raises(RefusedError) as e:
        flow(fake, bob, progress=alice_schedules_first).send(when)
    (camp,) = fake.campaigns.values()
    assert e.value.message == (
        "Issue 2026-12 is already scheduled for Tue 1 Dec 2026 09:00 UTC to 'Team update' "
        f"through Mailchimp, from another copy of the workspace (campaign {camp.doc['id']}). "
        f"This copy sent nothing and deleted the draft it had made (campaign {fake.deleted[0]})."
    )
    assert camp.doc["status"] == "schedule" and fake.total_sends == 0
    assert not sendrecord.path_for(bob).exists()


def test_a_copy_with_a_record_follows_the_older_campaign_after_losing(ticking, tmp_path):
    """Both clones tested their own campaign at the same time; the newer one is deleted when
    its copy sends, and that copy's next send sends the older one."""
    fake = ticking
    alice = copy_of_workspace(tmp_path / "alice")
    bob = copy_of_workspace(tmp_path / "bob")
    flow(fake, alice).send_test(["alice@example.org"])
    alices = fake.only_campaign().doc["id"]
    rec = sendrecord.new_record("2026-12", "mailchimp", LIST_ID, NOW, shared=True)
    sendrecord.save(bob, rec)  # Bob's copy made its own campaign before it saw Alice's
    provider = client(fake)
    bobs = provider.create_campaign(message(), LIST_ID, rec.title).id
    rec.adopt(bobs)
    sendrecord.save(bob, rec)

    with pytest.raises(RefusedError, match=r"^Another copy .* \(campaign " + alices):
        flow(fake, bob).send()
    assert list(fake.campaigns) == [alices] and fake.deleted == [bobs]
    rec = sendrecord.load(bob)
    assert (rec.campaign_id, rec.phase, rec.content_hash) == (alices, "created", None)

    flow(fake, bob).send()  # Alice never sent it: Bob's send sends it
    assert fake.only_campaign().sends == 1 and fake.total_sends == 1


def test_a_campaign_sent_by_another_copy_meanwhile_is_never_sent_again(mailchimp, tmp_path):
    alice = copy_of_workspace(tmp_path / "alice")
    bob = copy_of_workspace(tmp_path / "bob")
    flow(mailchimp, alice).send_test(["alice@example.org"])
    camp = mailchimp.only_campaign()

    @contextmanager
    def alice_sends_first(text):
        if text.startswith("Sending through"):  # Alice's send goes a moment before Bob's
            camp.doc["status"] = "sending"
            camp.doc["send_time"] = "2026-11-24T12:00:00+00:00"
            camp.sends += 1
        yield

    b = flow(mailchimp, bob, progress=alice_sends_first)
    b.plan()
    with pytest.raises(RefusedError) as e:
        b.send()
    assert e.value.message == (
        "Issue 2026-12 already went out on Tue 24 Nov 2026 12:00 UTC to 'Team update' through "
        f"Mailchimp, from another copy of the workspace at the same moment (campaign "
        f"{camp.doc['id']}); this copy sent nothing."
    )
    assert e.value.hint == "One issue goes out once."
    assert mailchimp.total_sends == 1 and mailchimp.count("POST", "/campaigns/*/actions/send") == 1
    assert sendrecord.load(bob).state == "sent"  # the issue went out: recorded, not re-sent


def test_after_a_lost_answer_this_copys_campaign_is_known_by_its_tag(ticking, tmp_path):
    fake = ticking
    alice = copy_of_workspace(tmp_path / "alice")
    bob = copy_of_workspace(tmp_path / "bob")
    alice_creates_first = just_before_bob_creates(
        lambda: flow(fake, alice).send_test(["alice@example.org"])
    )
    fake.fault("POST", "/campaigns", kind="drop-after", nth=2)  # Bob's: made, answer lost
    with pytest.raises(RefusedError, match=r"^Another copy of the workspace is sending"):
        flow(fake, bob, progress=alice_creates_first).send()
    assert fake.count("POST", "/campaigns") == 2
    assert len(fake.campaigns) == 1 and len(fake.deleted) == 1  # Bob's, found by its tag
    assert not sendrecord.path_for(bob).exists()


def test_a_create_refused_because_another_copy_made_it_takes_that_one(ticking, tmp_path):
    """A provider that takes one campaign per marker (Buttondown's slug) refuses the second."""
    fake = ticking
    alice = copy_of_workspace(tmp_path / "alice")
    bob = copy_of_workspace(tmp_path / "bob")
    alice_creates_first = just_before_bob_creates(
        lambda: flow(fake, alice).send_test(["alice@example.org"])
    )
    fake.fault("POST", "/campaigns", kind="error", status=400, nth=2, title="Invalid Resource")
    b = flow(fake, bob, progress=alice_creates_first)
    b.send()
    camp = fake.only_campaign()
    assert camp.sends == 1 and fake.count("POST", "/campaigns") == 2
    assert sendrecord.load(bob).campaign_id == camp.doc["id"]


def test_the_last_look_waits_until_the_providers_clock_has_passed_the_creation(mailchimp, tmp_path):
    now = [100.0]
    sleeps: list[tuple[float, int]] = []

    def sleep(seconds):
        sleeps.append((seconds, mailchimp.count("GET", "/campaigns")))
        now[0] += seconds

    def sender(issue, folder):
        provider = client(mailchimp)
        msg = message(issue)
        return SendFlow(
            provider, folder, msg, LIST_ID, issue=issue, sleep=sleep, monotonic=lambda: now[0]
        )

    s = sender("2026-12", tmp_path / "a")
    s.plan()
    looks = mailchimp.count("GET", "/campaigns")
    s.send()
    # Made now: before the last look, it waits the resolution (1 s) and a margin.
    assert sleeps == [(1.0 + sending.SETTLE_MARGIN, looks + 1)]
    assert mailchimp.count("GET", "/campaigns") == looks + 2  # then looks once more

    sleeps.clear()
    sender("2027-01", tmp_path / "b").send_test(["me@example.org"])
    s = sender("2027-01", tmp_path / "b")
    s.plan()  # the campaign is seen...
    now[0] += 2  # ...and the checks take a while: by then, no need to wait
    s.send()
    assert sleeps == []
    assert mailchimp.total_sends == 2


def test_the_outbox_has_no_other_copy(tmp_path):
    from copro_news.providers.outbox import OutboxProvider

    sleeps: list[float] = []
    folder = copy_of_workspace(tmp_path)
    s = SendFlow(
        OutboxProvider(tmp_path / "outbox"), folder, message(), "outbox", sleep=sleeps.append
    )
    s.plan()
    s.send()
    assert sleeps == []
    rec = sendrecord.load(folder)
    assert rec.tag == "" and rec.title == f"copro-news 2026-12 [{rec.marker}]"


# -- through the command line ------------------------------------------------------------------


@pytest.fixture
def mc_ws(mc_ws, monkeypatch) -> Path:
    """The send tests' workspace through the stand-in Mailchimp, one copy of it."""
    monkeypatch.setattr(MailchimpProvider, "created_resolution", 0.0)
    return mc_ws


def test_a_campaign_scheduled_long_ahead_is_found_without_its_record(cli, mc_ws, mailchimp):
    """Made 200 days ago, scheduled 100 days ahead, its send.json lost: no second campaign."""
    made = datetime.now(UTC) - timedelta(days=200)
    mailchimp.clock = lambda: made
    elsewhere = copy_of_workspace(mc_ws.parent / "lost")
    when = (datetime.now(UTC) + timedelta(days=100)).replace(minute=0, second=0, microsecond=0)
    s = flow(mailchimp, elsewhere)
    s.plan(when)
    s.send(when)
    camp = mailchimp.only_campaign()
    assert camp.doc["create_time"].startswith(made.strftime("%Y-%m-%d"))
    mailchimp.clock = lambda: datetime.now(UTC)

    r = cli("send", "--yes", "--offline", cwd=mc_ws)
    assert r.exit_code == 1, r.output
    error = r.stderr.splitlines()[0]
    assert error.startswith("Error: Issue 2026-12 is already scheduled for "), error
    assert f"(campaign {camp.doc['id']}, " in error
    assert "from another copy (git pull brings that record)" in r.stderr
    assert mailchimp.count("POST", "/campaigns") == 1 and camp.sends == 0
    looks = [c for c in mailchimp.calls if (c.method, c.path) == ("GET", "/campaigns")]
    assert looks and all("since_create_time" not in dict(c.query) for c in looks)

    r = cli("status", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Issue 2026-12: scheduled\n")
