"""Wrong input to send gets the right answer, through the real command line: a usage error,
a plain error with the file and a hint, or a refusal; never a send that was not asked for,
never a record of something that was not done, never a key on the screen."""

from __future__ import annotations

import base64
import errno
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from copro_news.providers.mailchimp import MailchimpProvider
from tests.conftest import CANARY_KEY, build_file_tree, make_workspace, run_cli
from tests.send_helpers import SEND_ISSUE, no_waits, record


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    no_waits(monkeypatch, MailchimpProvider)  # one copy here


def outbox_files(ws: Path) -> list[str]:
    return sorted(p.name for p in (ws / "outbox").glob("*")) if (ws / "outbox").exists() else []


# -- --schedule "" is never "now" ---------------------------------------------------------------


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_schedule_is_a_usage_error_never_a_send_now(cli, outbox_ws, empty):
    r = cli("send", "--schedule", empty, "--yes", cwd=outbox_ws)
    assert r.exit_code == 2, r.output
    assert r.stderr.splitlines() == [
        "Error: --schedule was given no date and time (an empty variable?); nothing was sent.",
        'Hint: Write it as "YYYY-MM-DD HH:MM" in the workspace time zone, e.g. '
        '"2026-12-01 09:00", or leave out --schedule to send now.',
    ]
    assert outbox_files(outbox_ws) == [] and record(outbox_ws) is None


def test_an_empty_schedule_with_mailchimp_sends_nothing(cli, mc_ws, mailchimp):
    r = cli("send", "--schedule", "", "--yes", cwd=mc_ws)
    assert r.exit_code == 2, r.output
    assert "Error: --schedule was given no date and time" in r.stderr
    assert mailchimp.total_sends == 0 and mailchimp.campaigns == {}


def test_an_empty_schedule_is_refused_before_anything_else(cli, mc_ws, monkeypatch):
    monkeypatch.delenv("MAILCHIMP_API_KEY")  # not even the key is looked for
    r = cli("send", "--schedule", "", "--yes", cwd=mc_ws)
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: --schedule was given no date and time")


def test_an_empty_schedule_is_one_action_too(cli, outbox_ws):
    r = cli("send", "--schedule", "", "--test", "me@example.org", cwd=outbox_ws)
    assert r.exit_code == 2
    assert "Use one of --test, --schedule and --cancel at a time." in r.stderr


# -- the outbox on a full disk ---------------------------------------------------------------


@pytest.fixture
def disk(monkeypatch):
    """A disk that fills up while the outbox writes: half of the data, then ENOSPC."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/self/fd")
    state = {"full": False, "hit": 0}
    real = os.write

    def write(fd, data):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            path = ""
        if state["full"] and f"{os.sep}outbox{os.sep}" in path:
            state["hit"] += 1
            real(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    return state


def test_a_full_disk_never_leaves_half_a_message_nor_a_record_of_a_send(cli, outbox_ws, disk):
    assert cli("send", "--test", "me@example.org", cwd=outbox_ws).exit_code == 0
    before = outbox_files(outbox_ws)
    disk["full"] = True
    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1, r.output
    assert disk["hit"] == 1
    assert r.stderr.splitlines()[-2:] == [
        "Error: Could not write the message to the list in the outbox (No space left on "
        "device); nothing was written.",
        "Hint: Free some disk space, then run the command again.",
    ]
    assert outbox_files(outbox_ws) == before  # no half message, no temporary file
    assert [p.name for p in (outbox_ws / "outbox").iterdir() if p.name.startswith(".")] == [
        ".drafts"
    ]
    rec = record(outbox_ws)
    assert rec is not None and rec.state == "tested" and rec.in_flight is None
    assert cli("status", cwd=outbox_ws).stdout.startswith("Issue 2026-12: tested\n")

    disk["full"] = False  # space was freed: the rerun sends, once
    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    (sent,) = (outbox_ws / "outbox").glob("2026-12-list-*.eml")
    assert sent.read_bytes().rstrip().endswith(b"--")  # the whole message, to its last part
    assert record(outbox_ws).state == "sent"
    assert cli("send", "--yes", cwd=outbox_ws).exit_code == 1


def test_a_full_disk_during_a_test_forgets_the_test(cli, outbox_ws, disk):
    disk["full"] = True
    r = cli("send", "--test", "me@example.org", "--offline", cwd=outbox_ws)
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines()[-2:] == [
        "Error: Could not write the test message in the outbox (No space left on device); "
        "nothing was written.",
        "Hint: Free some disk space, then run the command again.",
    ]
    assert list((outbox_ws / "outbox").glob("*.eml")) == []
    rec = record(outbox_ws)
    assert rec is not None and rec.tests == [] and rec.state == "drafted"
    disk["full"] = False
    assert cli("send", "--test", "me@example.org", "--offline", cwd=outbox_ws).exit_code == 0
    assert len(list((outbox_ws / "outbox").glob("2026-12-test-*.eml"))) == 1
    assert record(outbox_ws).state == "tested"


# -- a send.json that is not what copro-news wrote ---------------------------------------------


DAMAGED = [
    ({"marker": 5}, '"marker" should be text, not 5'),
    ({"tests": [{"at": 1}]}, '"at" of test 1 should be text, not 1'),
    (
        {"tests": [{"at": "t", "content_hash": "h", "addresses": "me@example.org"}]},
        '"addresses" of test 1 should be a list of addresses, not "me@example.org"',
    ),
    ({"tests": ["x"]}, 'test 1 should be a set of fields, not "x"'),
    ({"tests": {"a": 1}}, '"tests" should be a list, not a set of fields'),
    ({"campaign_id": ["c1"]}, '"campaign_id" should be text, not a list'),
    ({"issue": None}, '"issue" should be text, not nothing'),
    ({"version": "1"}, '"version" should be a whole number, not "1"'),
    ({"phase": True}, '"phase" should be text, not true'),
]


@pytest.mark.parametrize(("change", "why"), DAMAGED, ids=[w.split()[0] for _c, w in DAMAGED])
def test_a_send_record_with_a_wrong_value_is_a_plain_error(cli, outbox_ws, change, why):
    assert cli("send", "--test", "me@example.org", cwd=outbox_ws).exit_code == 0
    path = outbox_ws / "drafts" / "2026-12" / "send.json"
    doc = json.loads(path.read_text())
    doc.update(change)
    path.write_text(json.dumps(doc))
    lines = [
        f"Error: drafts/2026-12/send.json is not a send record copro-news can read: {why}.",
        "Hint: Restore it from git (git checkout -- drafts/2026-12/send.json); without it "
        "copro-news cannot tell what was already sent.",
    ]
    for args in (["send", "--yes"], ["send", "--test", "me@example.org"], ["status"]):
        r = cli(*args, cwd=outbox_ws)
        assert r.exit_code == 1, r.output
        assert r.stderr.splitlines()[-2:] == lines, r.stderr
        assert "Traceback" not in r.output and "went wrong" not in r.output
    r = cli("status", "--all", cwd=outbox_ws)
    assert r.exit_code == 0 and "unreadable" in r.stdout
    assert len(list((outbox_ws / "outbox").glob("2026-12-list-*.eml"))) == 0


def test_a_send_record_that_is_not_an_object(cli, outbox_ws):
    path = outbox_ws / "drafts" / "2026-12" / "send.json"
    path.write_text("[1, 2]")
    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (
        "Error: drafts/2026-12/send.json is not a send record copro-news can read: it holds "
        "no fields."
    )


# -- a key where it does not belong, or sent back by a server -----------------------------------


def key_forms(key: str, user: str = "copro-news") -> list[str]:
    pair = f"{user}:{key}".encode()
    return [
        key,
        key.split("-")[0],
        quote(key, safe=""),
        quote_plus(key),
        base64.b64encode(pair).decode(),
        base64.b64encode(pair).decode().rstrip("="),
        base64.b64encode(key.encode()).decode().rstrip("="),
    ]


@pytest.mark.parametrize(
    "api_url",
    [CANARY_KEY, f"https://anystring:{CANARY_KEY}@us6.api.mailchimp.com/3.0"],
    ids=["the key", "a URL holding the key"],
)
def test_a_key_pasted_into_api_url_is_never_shown(cli, tmp_path, monkeypatch, api_url):
    monkeypatch.setenv("MAILCHIMP_API_KEY", CANARY_KEY)
    ws = make_workspace(
        tmp_path / "ws", provider="mailchimp", api_url=api_url, list_id="L1", issues=SEND_ISSUE
    )
    why = (
        "is not a web address"
        if api_url == CANARY_KEY
        else ("holds a user name or key before the host")
    )
    for args in (["send", "--yes"], ["lists"], ["status"], ["check", "--offline"]):
        r = cli(*args, cwd=ws)
        assert r.exit_code == 1, r.output
        assert f"copro-news.toml:18: settings-invalid 'provider.api_url' {why}." in r.output
        for form in key_forms(CANARY_KEY):
            assert form not in r.output, (args, form)
    # Not even when the environment has no key to mask it with.
    monkeypatch.delenv("MAILCHIMP_API_KEY")
    r = cli("send", "--yes", cwd=ws)
    assert r.exit_code == 1 and CANARY_KEY.split("-")[0] not in r.output


def test_a_server_that_echoes_the_authorization_header_never_shows_the_key(cli, mc_ws, mailchimp):
    mailchimp.fault("GET", "/lists", kind="echo-auth", status=400)
    r = cli("lists", cwd=mc_ws)
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith("Error: Mailchimp refused the request (400 Bad header Basic ****")
    assert "key ********; in a query: apikey=********" in r.stderr
    for form in key_forms(CANARY_KEY):
        assert form not in r.output, form

    mailchimp.fault("POST", "/campaigns", kind="echo-auth", status=400)
    r = run_cli(["--debug", "send", "--test", "me@example.org", "--offline"], cwd=mc_ws)
    assert r.exit_code != 0 and "Traceback" in r.stderr  # --debug shows it; never the key
    assert "Bad header Basic ********" in r.stderr
    for form in key_forms(CANARY_KEY):
        assert form not in r.output, form


NOT_LATIN_1 = "c4nary0000secret\u20190000key0000abcd-us6"  # a curly quote pasted in


@pytest.mark.parametrize(
    "key",
    [NOT_LATIN_1, "c4nary0000secret0000key\u00e90000abcd-us6", "c4nary0000 secret0000key-us6"],
    ids=["curly quote", "e acute", "space"],
)
def test_a_key_with_a_character_no_key_has_is_a_plain_error(cli, mc_ws, monkeypatch, key):
    monkeypatch.setenv("MAILCHIMP_API_KEY", key)
    for args in (["lists"], ["send", "--test", "me@example.org", "--offline"], ["send", "--yes"]):
        r = cli(*args, cwd=mc_ws)
        assert r.exit_code == 1, r.output
        error, hint = r.stderr.splitlines()[-2:]
        assert error.startswith("Error: The Mailchimp API key holds a character that no API key ")
        assert hint == (
            "Hint: Copy the key again from Mailchimp (letters, digits and dashes only), then "
            "run 'copro-news login mailchimp', or set it in the environment."
        )
        assert "Traceback" not in r.output and "went wrong" not in r.output
        assert key not in r.output and "secret" not in r.output
    assert r.stderr.splitlines()[-2].endswith(
        {
            NOT_LATIN_1: "(U+2019 RIGHT SINGLE QUOTATION MARK).",
            "c4nary0000 secret0000key-us6": "(a space).",
        }.get(key, "(U+00E9 LATIN SMALL LETTER E WITH ACUTE).")
    )


def test_login_with_a_key_no_key_has_stores_nothing(cli, tmp_path, memory_keyring):
    r = cli("login", "mailchimp", cwd=tmp_path, input=NOT_LATIN_1 + "\n")
    assert r.exit_code == 1, r.output
    assert "Error: The Mailchimp API key holds a character that no API key has" in r.stderr
    assert "Traceback" not in r.output and NOT_LATIN_1 not in r.output
    assert memory_keyring.store == {}


# -- a test send is a proof ----------------------------------------------------------------------


def with_a_passed_deadline(ws: Path) -> None:
    build_file_tree(
        ws / "drafts" / "2026-12",
        {
            "actions": {
                "survey.md": "---\ntitle: Share your views\ndeadline: 2020-01-10\n---\nTell us.\n"
            }
        },
    )


PROOF_WARNING = (
    "Warning: This test went out with 1 error (listed above): a proof, for you and your "
    "colleagues to catch them. A send to the list refuses until they are fixed."
)


def test_a_test_goes_out_with_its_errors_listed_and_marked_test(cli, outbox_ws):
    with_a_passed_deadline(outbox_ws)
    r = cli("send", "--test", "me@example.org", "--offline", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "drafts/2026-12/actions/survey.md:3: deadline-passed" in r.stderr
    assert r.stderr.rstrip().endswith(PROOF_WARNING)
    assert "Sent a test to me@example.org." in r.stdout
    (test,) = (outbox_ws / "outbox").glob("2026-12-test-*.eml")
    assert b"\nSubject: [Test] Team update: December 2026\n" in test.read_bytes().replace(
        b"\r\n", b"\n"
    )

    r = cli("send", "--yes", "--offline", cwd=outbox_ws)  # the list: refused until fixed
    assert r.exit_code == 1
    assert "Error: The issue has 1 error; nothing was sent." in r.stderr
    assert list((outbox_ws / "outbox").glob("2026-12-list-*.eml")) == []

    r = cli("send", "--test", "me@example.org", "--offline", "--dry-run", cwd=outbox_ws)
    assert r.exit_code == 0
    assert "Warning: This test would go out with 1 error (listed above)" in r.stderr


def test_a_test_through_mailchimp_goes_out_with_its_errors(cli, mc_ws, mailchimp):
    with_a_passed_deadline(mc_ws)
    r = cli("send", "--test", "me@example.org", "--offline", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert r.stderr.rstrip().endswith(PROOF_WARNING)
    camp = mailchimp.only_campaign()
    assert camp.tests == [["me@example.org"]]
    assert camp.test_subjects == ["[Test] Team update: December 2026"]  # Mailchimp marks it
    assert camp.doc["settings"]["subject_line"] == "Team update: December 2026"  # never changed
    r = cli("send", "--yes", "--offline", cwd=mc_ws)
    assert r.exit_code == 1 and "nothing was sent" in r.stderr
    assert mailchimp.total_sends == 0


def test_an_issue_that_cannot_be_built_sends_no_test(cli, outbox_ws):
    issue = outbox_ws / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text().replace("date: 2026-12-01", "date: someday"))
    r = cli("send", "--test", "me@example.org", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "Error: The issue has errors; nothing was sent." in r.stderr
    assert outbox_files(outbox_ws) == []
