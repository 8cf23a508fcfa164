"""send_issue, the send use case, driven as a library: confirm says no, or yes."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from copro_news import sendrecord
from copro_news.content import load_issue
from copro_news.errors import ContentError, RefusedError, UsageError
from copro_news.sending import SendPlan, SendRequest, send_issue
from copro_news.workspace import load_workspace
from tests.send_helpers import LIST_ID, no_waits


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    no_waits(monkeypatch)


def opened(root: Path):
    ws = load_workspace(explicit=root)
    return ws, load_issue(ws, ws.resolve_issue(None))


class Person:
    """Answers the confirmation, and notes everything the use case tells, in order."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.plans: list[SendPlan] = []
        self.told: list[str] = []

    def confirm(self, plan: SendPlan) -> bool:
        self.plans.append(plan)
        self.told.append("confirm")
        return self.answer

    @contextmanager
    def progress(self, text: str):
        self.told.append(text)
        yield

    def warn(self, problems) -> None:
        self.told.append("warn " + ",".join(p.code for p in problems))

    def send(self, root: Path, request: SendRequest | None = None):
        ws, issue = opened(root)
        return send_issue(
            ws,
            issue,
            request or SendRequest(offline=True),
            confirm=self.confirm,
            progress=self.progress,
            warn=self.warn,
        )


def list_messages(root: Path) -> list[Path]:
    return sorted((root / "outbox").glob("2026-12-list-*.eml"))


def test_outbox_no_sends_nothing_then_yes_sends_once(outbox_ws):
    root = outbox_ws
    issue = root / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text().replace("to everyone", "to everyone ofco-production"))

    no = Person(answer=False)
    outcome = no.send(root)
    assert outcome.declined and outcome.done == [] and outcome.record is None
    assert [p.subject for p in no.plans] == ["Team update: December 2026"]
    assert no.plans[0].list.name == "outbox folder" and no.plans[0].when is None
    assert no.told.index("warn run-together") < no.told.index("confirm")  # shown before asking
    assert list_messages(root) == []
    assert sendrecord.load(root / "drafts" / "2026-12") is None

    yes = Person(answer=True)
    outcome = yes.send(root)
    assert not outcome.declined
    assert outcome.done[1:] == ["uploaded the HTML and text of the issue", "sent to the list"]
    assert outcome.done[0].startswith("created campaign 2026-12-")
    assert "Sending through Outbox" in yes.told[yes.told.index("confirm") :]
    assert outcome.record is not None and outcome.record.state == "sent"
    assert len(list_messages(root)) == 1
    assert sendrecord.load(root / "drafts" / "2026-12").state == "sent"

    again = Person(answer=True)
    with pytest.raises(RefusedError, match="already went out"):
        again.send(root)
    assert again.plans == []  # refused before anything is asked
    assert len(list_messages(root)) == 1


def test_mailchimp_no_then_yes_sends_once(mc_ws, mailchimp):
    root = mc_ws

    assert Person(answer=False).send(root).declined
    assert mailchimp.campaigns == {}
    assert {c.method for c in mailchimp.calls} == {"GET"}

    yes = Person(answer=True)
    outcome = yes.send(root)
    assert (yes.plans[0].list.id, yes.plans[0].list.members) == (LIST_ID, 312)
    assert outcome.done[-1] == "sent to the list"
    camp = mailchimp.only_campaign()
    assert camp.sends == 1 and camp.doc["status"] == "sent"
    assert outcome.campaign is not None and outcome.campaign.id == camp.doc["id"]

    with pytest.raises(RefusedError, match="to 'Team update' through Mailchimp"):
        Person(answer=True).send(root)
    assert mailchimp.total_sends == 1


def test_a_test_send_asks_nothing(outbox_ws):
    root = outbox_ws
    person = Person(answer=False)
    outcome = person.send(root, SendRequest(test=("me@example.org",), offline=True))
    assert person.plans == []
    assert outcome.done[-1] == "sent a test to me@example.org"
    assert outcome.record is not None and outcome.record.state == "tested"
    assert len(list((root / "outbox").glob("2026-12-test-*.eml"))) == 1


def test_a_dry_run_shows_the_plan_and_changes_nothing(outbox_ws):
    root = outbox_ws
    person = Person(answer=True)
    outcome = person.send(
        root, SendRequest(dry_run=True, schedule="2099-01-05 09:00", offline=True)
    )
    assert outcome.dry_run and len(person.plans) == 1
    assert outcome.done[-1] == "schedule it for Mon 5 Jan 2099 09:00 GMT to list outbox"
    assert not (root / "outbox").exists()
    assert sendrecord.load(root / "drafts" / "2026-12") is None


def test_errors_stop_before_the_question(outbox_ws):
    root = outbox_ws
    issue = root / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text().replace("date: 2026-12-01", "date: someday"))
    person = Person(answer=True)
    with pytest.raises(ContentError, match="nothing was sent"):
        person.send(root)
    assert person.plans == []
    assert not (root / "outbox").exists()


def test_one_action_at_a_time():
    with pytest.raises(UsageError, match="Use one of --test, --schedule and --cancel"):
        SendRequest(test=("me@example.org",), cancel=True)
