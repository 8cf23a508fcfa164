"""send, status, lists, login and logout through the real command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from copro_news import sending, sendrecord
from tests.conftest import CANARY_KEY, build_file_tree
from tests.send_helpers import LIST_ID, no_waits, written_record


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    from copro_news.providers.mailchimp import MailchimpProvider

    no_waits(monkeypatch, MailchimpProvider)  # one copy here


# -- outbox ------------------------------------------------------------------------------


def test_outbox_test_then_send_then_refused(cli, outbox_ws):
    r = cli("send", "--test", "me@example.org", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "Sent a test to me@example.org." in r.stdout
    tests = sorted((outbox_ws / "outbox").glob("2026-12-test-*.eml"))
    assert len(tests) == 1
    eml = tests[0].read_bytes()
    # A test is a proof: "[Test] " before the subject, never taken for the issue itself.
    assert b"To: me@example.org" in eml and b"Subject: [Test] Team update: December 2026" in eml

    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "Sent to the list." in r.stdout
    assert "Subject:  Team update: December 2026" in r.stderr
    assert "Test:     sent to me@example.org" in r.stderr
    assert len(list((outbox_ws / "outbox").glob("2026-12-list-*.eml"))) == 1
    assert written_record(outbox_ws).state == "sent"

    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "Error: Issue 2026-12 already went out on " in r.stderr
    assert "to 'outbox folder' through Outbox." in r.stderr
    assert len(list((outbox_ws / "outbox").glob("2026-12-list-*.eml"))) == 1

    r = cli("status", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Issue 2026-12: sent\n")
    assert "Test:      me@example.org on " in r.stdout


def test_no_terminal_and_no_yes_refuses_and_sends_nothing(cli, outbox_ws):
    r = cli("send", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "Error: Nothing was sent: there is no terminal to confirm on." in r.stderr
    assert "Hint: Add --yes to send from a script." in r.stderr
    assert not (outbox_ws / "outbox").exists() or not list((outbox_ws / "outbox").glob("*.eml"))
    assert sendrecord.load(outbox_ws / "drafts" / "2026-12") is None


def test_dry_run_says_what_it_would_do(cli, outbox_ws):
    r = cli("send", "--dry-run", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "Dry run: nothing was changed at the provider. It would:" in r.stdout
    assert "  - send it now to list outbox" in r.stdout
    assert not (outbox_ws / "outbox").exists()
    assert sendrecord.load(outbox_ws / "drafts" / "2026-12") is None


def test_checks_run_first_and_errors_stop_the_send(cli, outbox_ws):
    issue = outbox_ws / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text().replace("date: 2026-12-01", "date: someday"))
    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "field-invalid" in r.stderr
    assert "nothing was sent" in r.stderr
    assert r.stderr.splitlines()[-2:] == [
        "Error: The issue has errors; nothing was sent.",
        "Hint: Fix the problems listed above, then run the command again.",
    ]
    assert not (outbox_ws / "outbox").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--test", "not-an-address"], "--test 'not-an-address' is not an email address."),
        (["--test", "a@example.org", "--cancel"], "Use one of --test, --schedule and --cancel"),
        (["--schedule", "next tuesday"], "--schedule 'next tuesday' is not a date and time."),
        (["--schedule", "2020-01-01 09:00", "--yes"], "is in the past"),
        (["nosuchissue"], "There is no issue 'nosuchissue' in drafts/."),
    ],
)
def test_usage_errors(cli, outbox_ws, args, message):
    r = cli("send", *args, cwd=outbox_ws)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output


def test_outbox_schedule_and_cancel(cli, outbox_ws):
    r = cli("send", "--schedule", "2099-01-05 09:07", "--yes", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "Scheduled for Mon 5 Jan 2099 09:07 GMT." in r.stdout
    assert [p.name for p in (outbox_ws / "outbox").glob("*.eml")] == [
        "2026-12-scheduled-20990105T090700Z.eml"
    ]
    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "Error: Issue 2026-12 is already scheduled for Mon 5 Jan 2099 09:07 GMT" in r.stderr
    assert (
        "Hint: One issue goes out once. To change the time or the content, run "
        "'copro-news send --cancel' first, then send it again."
    ) in r.stderr
    r = cli("send", "--cancel", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "Cancelled the scheduled send." in r.stdout
    assert list((outbox_ws / "outbox").glob("*.eml")) == []
    assert written_record(outbox_ws).state == "drafted"


def test_status_all_and_no_record(cli, outbox_ws):
    r = cli("status", cwd=outbox_ws)
    assert r.exit_code == 0
    assert r.stdout == "Issue 2026-12: drafted; nothing was sent yet (no send record).\n"
    cli("send", "--test", "me@example.org", cwd=outbox_ws)
    r = cli("status", "--all", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "2026-12" in r.stdout and "tested" in r.stdout and "outbox" in r.stdout


def test_lists_outbox_json(cli, outbox_ws):
    r = cli("lists", "--json", cwd=outbox_ws)
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {
        "provider": "outbox",
        "lists": [{"id": "outbox", "name": "outbox folder", "members": None}],
    }


# -- Mailchimp -------------------------------------------------------------------------------


def test_mailchimp_whole_flow(cli, mc_ws, mailchimp):
    r = cli("lists", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert LIST_ID in r.stdout and "Team update (in use)" in r.stdout and "312" in r.stdout

    r = cli("send", "--test", "me@example.org", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    camp = mailchimp.only_campaign()
    assert camp.tests == [["me@example.org"]]
    assert "*|UNSUB|*" in camp.html

    r = cli("send", "--yes", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert "To:       Team update (a1b2c3d4e5), 312 subscribers" in r.stderr
    assert camp.sends == 1 and camp.doc["status"] == "sent"

    r = cli("send", "--yes", cwd=mc_ws)
    assert r.exit_code == 1
    assert "to 'Team update' through Mailchimp" in r.stderr
    assert camp.sends == 1

    r = cli("status", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert "Issue 2026-12: sent" in r.stdout
    assert "312 emails" in r.stdout
    assert camp.doc["archive_url"] in r.stdout


def test_mailchimp_schedule_across_the_clock_change(cli, mc_ws, mailchimp):
    r = cli("send", "--schedule", "2099-03-29 09:00", "--yes", cwd=mc_ws)  # after BST starts
    assert r.exit_code == 0, r.output
    camp = mailchimp.only_campaign()
    assert camp.doc["send_time"] == "2099-03-29T08:00:00+00:00"
    r = cli("status", cwd=mc_ws)
    assert "Scheduled: Sun 29 Mar 2099 09:00 BST" in r.stdout
    assert cli("send", "--cancel", cwd=mc_ws).exit_code == 0
    r = cli("send", "--schedule", "2099-03-28 09:00", "--yes", cwd=mc_ws)  # still GMT
    assert r.exit_code == 0, r.output
    assert camp.doc["send_time"] == "2099-03-28T09:00:00+00:00"
    assert len(mailchimp.campaigns) == 1 and camp.sends == 0

    r = cli("send", "--schedule", "2099-03-28 09:20", "--yes", cwd=mc_ws)
    assert r.exit_code == 2
    assert "Hint: Pick a time ending in :00, :15, :30, :45." in r.stderr


def test_mailchimp_errors_are_one_plain_sentence(cli, mc_ws, mailchimp):
    mailchimp.fault(
        "POST",
        "/campaigns",
        kind="error",
        status=400,
        title="Invalid Resource",
        detail="The resource submitted could not be validated.",
    )
    r = cli("send", "--test", "me@example.org", "--offline", cwd=mc_ws)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (
        "Error: Mailchimp refused the request (400 Invalid Resource: "
        "The resource submitted could not be validated.)."
    )
    assert "Traceback" not in r.output and "{" not in r.stderr
    assert written_record(mc_ws).phase == "new"


def test_mailchimp_without_a_key(cli, mc_ws, monkeypatch):
    monkeypatch.delenv("MAILCHIMP_API_KEY")
    r = cli("send", "--test", "me@example.org", cwd=mc_ws)
    assert r.exit_code == 1
    assert "Error: No Mailchimp API key." in r.stderr
    assert "Hint: Run 'copro-news login mailchimp', or set MAILCHIMP_API_KEY." in r.stderr


def test_mailchimp_wrong_key(cli, mc_ws, monkeypatch):
    monkeypatch.setenv("MAILCHIMP_API_KEY", "0000wrong0000key0000-us6")
    r = cli("lists", cwd=mc_ws)
    assert r.exit_code == 1
    assert "API Key Invalid" in r.stderr
    assert r.stderr.splitlines() == [
        "Error: Mailchimp refused the request (401 API Key Invalid: Your API key may be invalid, "
        "or you've attempted to access the wrong datacenter.).",
        "Hint: Check the key with 'copro-news login mailchimp', or set MAILCHIMP_API_KEY.",
    ]
    assert "0000wrong" not in r.output


def test_login_verifies_and_stores_then_logout(cli, mc_ws, mailchimp, monkeypatch, memory_keyring):
    monkeypatch.delenv("MAILCHIMP_API_KEY")
    r = cli("login", "mailchimp", cwd=mc_ws, input="bad-key-0000-us6\n")
    assert r.exit_code == 1
    assert "API Key Invalid" in r.stderr
    assert memory_keyring.store == {}

    r = cli("login", "mailchimp", cwd=mc_ws, input=CANARY_KEY + "\n")
    assert r.exit_code == 0, r.output
    assert "Mailchimp accepted the key: Fake account (owner@example.org)." in r.stderr
    assert memory_keyring.store == {("copro-news", "mailchimp"): CANARY_KEY}
    assert CANARY_KEY not in r.output

    r = cli("lists", "--json", cwd=mc_ws)  # the key now comes from the keyring
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["lists"][0]["members"] == 312

    r = cli("logout", "mailchimp", cwd=mc_ws)
    assert r.exit_code == 0
    assert "Removed the Mailchimp API key" in r.stdout
    assert memory_keyring.store == {}
    r = cli("logout", "mailchimp", cwd=mc_ws)
    assert "No Mailchimp API key was stored" in r.stdout


def test_login_unknown_provider(cli, tmp_path):
    r = cli("login", "sendgrid", cwd=tmp_path, input="x\n")
    assert r.exit_code == 2
    assert "copro-news cannot log in to 'sendgrid'." in r.stderr


def test_a_fault_then_a_rerun_through_the_command_line(cli, mc_ws, mailchimp):
    mailchimp.fault("POST", "/campaigns/*/actions/send", kind="drop-before")
    r = cli("send", "--yes", cwd=mc_ws)
    assert r.exit_code == 1
    assert "The connection to Mailchimp broke before it answered." in r.stderr
    assert written_record(mc_ws).phase == "send_requested"
    r = cli("status", cwd=mc_ws)
    assert "An earlier command stopped before the provider answered" in r.stdout
    r = cli("send", "--yes", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert "An earlier send did not finish" in r.stderr
    assert mailchimp.only_campaign().sends == 1


def test_cancel_works_even_when_the_issue_has_errors(cli, outbox_ws):
    assert cli("send", "--schedule", "2099-01-05 09:00", "--yes", cwd=outbox_ws).exit_code == 0
    issue = outbox_ws / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text().replace("date: 2026-12-01", "date: someday"))
    r = cli("send", "--cancel", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert written_record(outbox_ws).state == "drafted"


def test_status_without_a_key_still_shows_the_record(cli, mc_ws, monkeypatch):
    assert cli("send", "--test", "me@example.org", cwd=mc_ws).exit_code == 0
    monkeypatch.delenv("MAILCHIMP_API_KEY")
    r = cli("status", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert "Warning: Could not ask the provider: No Mailchimp API key." in r.stderr
    assert r.stdout.startswith("Issue 2026-12: tested\n")


def test_the_record_alone_is_enough_to_refuse_a_second_send(cli, outbox_ws):
    assert cli("send", "--yes", cwd=outbox_ws).exit_code == 0
    for eml in (outbox_ws / "outbox").glob("*.eml"):
        eml.unlink()  # the outbox was cleaned up; the record remembers
    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "already went out on " in r.stderr and "by its send record." in r.stderr
    assert list((outbox_ws / "outbox").glob("*.eml")) == []


def test_one_send_of_an_issue_at_a_time(cli, outbox_ws):
    with sending.issue_lock(outbox_ws / "drafts" / "2026-12"):
        r = cli("send", "--yes", cwd=outbox_ws)
        assert r.exit_code == 1
        assert "Another copro-news command is sending issue 2026-12 right now." in r.stderr
    assert not (outbox_ws / "outbox").exists()
    assert cli("send", "--yes", cwd=outbox_ws).exit_code == 0


# -- a send record copied with its folder ------------------------------------------------------


def copy_issue(ws: Path, new: str = "2027-01") -> Path:
    import shutil

    folder = ws / "drafts" / new
    shutil.copytree(ws / "drafts" / "2026-12", folder)
    issue = folder / "issue.md"
    issue.write_text(
        issue.read_text().replace("2026-12-01", "2027-01-01").replace("December", "January")
    )
    return folder


def test_a_send_record_copied_with_the_folder_is_never_reused(cli, outbox_ws):
    assert cli("send", "--test", "me@example.org", "--offline", cwd=outbox_ws).exit_code == 0
    december = (outbox_ws / "drafts" / "2026-12" / "send.json").read_text()
    copy_issue(outbox_ws)
    before = sorted(p.name for p in (outbox_ws / "outbox").rglob("*.eml"))

    for args in (["send", "2027-01", "--yes"], ["send", "2027-01", "--test", "me@example.org"]):
        r = cli(*args, "--offline", cwd=outbox_ws)
        assert r.exit_code == 1, r.output
        assert r.stderr.splitlines()[0] == (
            "Error: drafts/2027-01/send.json belongs to issue 2026-12 (copied with the folder?)."
        )
        assert (
            "Hint: If issue 2027-01 was never sent, delete drafts/2027-01/send.json "
            "and run the command again." in r.stderr
        )
    r = cli("status", "2027-01", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "drafts/2027-01/send.json belongs to issue 2026-12 (copied with the folder?)" in (
        r.stderr
    )
    assert sorted(p.name for p in (outbox_ws / "outbox").rglob("*.eml")) == before
    assert (outbox_ws / "drafts" / "2026-12" / "send.json").read_text() == december

    (outbox_ws / "drafts" / "2027-01" / "send.json").unlink()
    assert cli("send", "2027-01", "--yes", "--offline", cwd=outbox_ws).exit_code == 0
    assert cli("send", "2026-12", "--yes", "--offline", cwd=outbox_ws).exit_code == 0
    assert len(list((outbox_ws / "outbox").glob("2026-12-list-*.eml"))) == 1
    assert len(list((outbox_ws / "outbox").glob("2027-01-list-*.eml"))) == 1


def test_a_second_schedule_is_refused_as_scheduled_before_any_check(cli, outbox_ws):
    action = outbox_ws / "drafts" / "2026-12" / "actions" / "survey.md"
    action.parent.mkdir()
    action.write_text("---\ntitle: Share your views\ndeadline: 2099-01-10\n---\nTell us.\n")
    assert cli("send", "--schedule", "2099-01-05 09:00", "--yes", cwd=outbox_ws).exit_code == 0
    # At the new time the deadline has passed: a check error, but not the reason to refuse.
    r = cli("send", "--schedule", "2099-01-20 09:00", "--yes", "--offline", cwd=outbox_ws)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0].startswith("Error: Issue 2026-12 is already scheduled for ")
    assert "deadline-passed" not in r.stderr
    r = cli("send", "--test", "me@example.org", "--offline", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "is already scheduled" in r.stderr


def edit_issue(ws: Path) -> None:
    issue = ws / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text().replace("the training", "the training day"))


def test_status_and_send_say_the_issue_changed_since_it_was_scheduled(cli, outbox_ws):
    assert cli("send", "--schedule", "2099-01-05 09:00", "--yes", cwd=outbox_ws).exit_code == 0
    r = cli("status", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "changed" not in r.output  # built again, the same issue gives the same content

    edit_issue(outbox_ws)
    r = cli("status", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Issue 2026-12: scheduled\n")
    assert (
        "  The issue changed since it was scheduled: the content as it was then will go out.\n"
        "  To send the new content, run 'copro-news send --cancel', then send it again.\n"
    ) in r.stdout

    r = cli("send", "--schedule", "2099-01-06 09:00", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "Error: Issue 2026-12 is already scheduled for Mon 5 Jan 2099 09:00 GMT" in r.stderr
    assert (
        "Hint: The issue changed since it was scheduled: the content as it was then will go "
        "out. To send the new content, run 'copro-news send --cancel', then send it again."
    ) in r.stderr


def test_status_says_the_issue_changed_since_it_went_out(cli, outbox_ws):
    assert cli("send", "--test", "me@example.org", cwd=outbox_ws).exit_code == 0
    edit_issue(outbox_ws)
    r = cli("status", cwd=outbox_ws)
    assert "  The issue changed since the last test; send another test to see it.\n" in r.stdout
    assert cli("send", "--yes", cwd=outbox_ws).exit_code == 0
    assert "changed" not in cli("status", cwd=outbox_ws).stdout
    edit_issue(outbox_ws)
    r = cli("status", cwd=outbox_ws)
    assert r.stdout.startswith("Issue 2026-12: sent\n")
    assert "  The issue changed since it went out: the files no longer match what was sent.\n" in (
        r.stdout
    )


def test_status_of_a_scheduled_issue_that_has_errors_now(cli, outbox_ws):
    assert cli("send", "--schedule", "2099-01-05 09:00", "--yes", cwd=outbox_ws).exit_code == 0
    issue = outbox_ws / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text().replace("date: 2026-12-01", "date: someday"))
    r = cli("status", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert (
        "  The issue has errors now, so copro-news cannot tell whether it changed since it "
        "was scheduled (see 'copro-news check').\n"
    ) in r.stdout


def test_status_without_a_record_asks_the_provider(cli, outbox_ws):
    assert cli("send", "--yes", cwd=outbox_ws).exit_code == 0
    (outbox_ws / "drafts" / "2026-12" / "send.json").unlink()
    r = cli("status", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "Issue 2026-12: sent"
    assert lines[1] == "  Provider:  outbox, list outbox folder (outbox)"
    assert lines[2].startswith("  Campaign:  2026-12-") and lines[2].endswith(
        ", status at the provider: sent"
    )
    assert lines[3].startswith("  Sent:      ")
    assert lines[4] == (
        "  This folder has no send record (drafts/2026-12/send.json): this comes from the "
        "provider. Restore the record from git if you can; copro-news will not send this "
        "issue a second time either way."
    )
    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1
    error, hint = r.stderr.splitlines()
    assert re.fullmatch(
        r"Error: Issue 2026-12 already went out on \w{3} \d+ \w{3} \d{4} \d\d:\d\d \w+ "
        r"to 'outbox folder' through Outbox \(campaign 2026-12-\w+, "
        r"'copro-news 2026-12 \[cn:2026-12:\w+\]'\)\.",
        error,
    ), error
    assert hint == (
        "Hint: One issue goes out once. The send record of that campaign is missing; look at it "
        "in the outbox folder (outbox/ and outbox/.drafts/)."
    )


def test_status_without_a_record_or_a_key(cli, mc_ws, monkeypatch):
    monkeypatch.delenv("MAILCHIMP_API_KEY")
    r = cli("status", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert (
        "Warning: Could not ask the provider whether the issue went out: No Mailchimp API key."
        in (r.stderr)
    )
    assert r.stdout == "Issue 2026-12: drafted; no send record, and the provider was not asked.\n"


def test_status_without_a_record_finds_a_mailchimp_send(cli, mc_ws, mailchimp):
    assert cli("send", "--schedule", "2099-01-05 09:00", "--yes", cwd=mc_ws).exit_code == 0
    (mc_ws / "drafts" / "2026-12" / "send.json").unlink()
    r = cli("status", cwd=mc_ws)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Issue 2026-12: scheduled\n")
    assert "  Scheduled: Mon 5 Jan 2099 09:00 GMT\n" in r.stdout


def test_status_all_lists_the_others_when_one_record_cannot_be_read(cli, outbox_ws):
    assert cli("send", "--test", "me@example.org", cwd=outbox_ws).exit_code == 0
    copy_issue(outbox_ws, "2027-01")  # with December's record
    copy_issue(outbox_ws, "2027-02")
    (outbox_ws / "drafts" / "2027-02" / "send.json").write_text("{not json")
    r = cli("status", "--all", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    rows = {line.split()[0]: line.split()[1] for line in r.stdout.splitlines()[1:]}
    assert rows == {"2026-12": "tested", "2027-01": "wrong", "2027-02": "unreadable"}
    assert (
        "Warning: drafts/2027-01/send.json belongs to issue 2026-12 (copied with the folder?)."
        in r.stderr
    )
    assert "Warning: drafts/2027-02/send.json is not a send record copro-news can read." in (
        r.stderr
    )
    assert "Restore it from git (git checkout -- drafts/2027-02/send.json)" in r.stderr


@pytest.mark.parametrize("command", ["login", "logout"])
@pytest.mark.parametrize("provider", ["newmail", "foo", "outbox"])
def test_login_and_logout_refuse_the_same_providers_alike(
    cli, tmp_path, command, provider, monkeypatch
):
    from copro_news.providers import PROVIDERS, ProviderInfo

    monkeypatch.setitem(
        PROVIDERS, "newmail", ProviderInfo("newmail", "Newmail", None, planned=True)
    )
    r = cli(command, provider, cwd=tmp_path, input="x\n")
    assert r.exit_code == 2, r.output
    verb = "log in to" if command == "login" else "log out of"
    assert r.stderr.splitlines() == [
        f"Error: copro-news cannot {verb} {provider!r}.",
        "Hint: copro-news keeps API keys for: mailchimp, buttondown. "
        f"Try: copro-news {command} mailchimp",
    ]


def test_logout_help_says_what_it_removes(cli):
    r = cli("logout", "--help")
    assert "key to keep" not in r.stdout
    assert "The provider whose API key to remove: mailchimp, buttondown." in r.stdout
    assert (
        "The provider whose API key to store: mailchimp, buttondown."
        in cli("login", "--help").stdout
    )


def test_answering_no_is_not_an_error(cli, outbox_ws, monkeypatch):
    from copro_news.commands import send as send_command

    monkeypatch.setattr(send_command, "_can_ask", lambda: True)
    r = cli("send", cwd=outbox_ws, input="n\n")
    assert r.exit_code == 1
    assert r.stderr.endswith("(n): Nothing was sent.\n")  # the answer is echoed on a terminal
    assert "Error" not in r.stderr
    assert not (outbox_ws / "outbox").exists() or not list((outbox_ws / "outbox").glob("*.eml"))


def test_outbox_messages_and_hints_speak_of_the_outbox(cli, outbox_ws):
    assert cli("send", "--yes", cwd=outbox_ws).exit_code == 0
    (sent,) = (outbox_ws / "outbox").glob("2026-12-list-*.eml")
    assert b"\nTo: undisclosed-recipients:;\n" in sent.read_bytes().replace(b"\r\n", b"\n")
    assert b"outbox folder" not in sent.read_bytes()

    (outbox_ws / "drafts" / "2026-12" / "send.json").unlink()
    r = cli("send", "--yes", cwd=outbox_ws)
    assert r.exit_code == 1
    assert "web app" not in r.stderr
    assert "look at it in the outbox folder (outbox/ and outbox/.drafts/)." in r.stderr


@pytest.mark.parametrize("command", ["send", "status", "lists", "login", "logout"])
def test_one_line_help_fits_the_command_list(command):
    from copro_news.cli import app

    (info,) = [c for c in app.registered_commands if c.name == command]
    assert info.callback is not None and info.callback.__doc__
    summary = info.callback.__doc__.strip().splitlines()[0]
    assert len(summary) <= 45, summary  # click cuts longer ones with "..."


def test_send_one_line_help():
    from copro_news.commands import send as send_command

    assert send_command.command.__doc__.startswith("Send a test, or the issue to the list once.\n")


def test_test_addresses_separated_by_commas(cli, outbox_ws):
    r = cli("send", "--test", "a@example.org, b@example.org", "-t", "c@example.org", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "Sent a test to a@example.org, b@example.org, c@example.org." in r.stdout
    assert written_record(outbox_ws).tests[0].addresses == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]

    r = cli("send", "--test", "a@example.org b@example.org", cwd=outbox_ws)
    assert r.exit_code == 2
    assert "Error: --test 'a@example.org b@example.org' is not an email address." in r.stderr
    assert "Hint: Separate several addresses with commas, or repeat --test." in r.stderr

    for empty in ("", " , "):
        r = cli("send", "--test", empty, "--yes", cwd=outbox_ws)
        assert r.exit_code == 2
        assert "Error: --test needs an email address." in r.stderr
    assert not list((outbox_ws / "outbox").glob("2026-12-list-*.eml"))


def test_status_all_keeps_each_issue_on_one_line_at_80_columns(cli, outbox_ws, monkeypatch):
    assert cli("send", "--test", "me@example.org", cwd=outbox_ws).exit_code == 0
    folder = outbox_ws / "drafts" / "2026-12"
    rec = written_record(outbox_ws)
    rec.provider, rec.list_name, rec.campaign_id = "mailchimp", "Team update newsletter", "a1b2c3"
    sendrecord.save(folder, rec)
    monkeypatch.setenv("COLUMNS", "80")
    r = cli("status", "--all", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[1].startswith("2026-12") and lines[1].rstrip().endswith(" GMT  a1b2c3")
    assert all(len(line) <= 80 for line in lines)
    assert not any("GMT" in line or "a1b2c3" in line for line in lines[2:])  # only the list wraps


def test_status_all_without_any_issue(cli, workspace):
    r = cli("status", "--all", cwd=workspace)
    assert r.exit_code == 0, r.output
    assert r.stdout == "There is no issue in drafts/ yet. Start one with: copro-news new\n"


def test_a_schedule_can_be_cancelled_after_the_record_is_lost(cli, outbox_ws):
    r = cli("send", "--schedule", "2099-01-05 09:00", "--yes", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    campaign = written_record(outbox_ws).campaign_id
    (outbox_ws / "drafts" / "2026-12" / "send.json").unlink()
    r = cli("send", "--cancel", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert "Cancelled the scheduled send." in r.stdout
    assert list((outbox_ws / "outbox").glob("*.eml")) == []
    # the campaign found at the provider is the one the record goes on with
    assert written_record(outbox_ws).campaign_id == campaign
    r = cli("send", "--schedule", "2099-01-05 09:00", "--yes", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert written_record(outbox_ws).campaign_id == campaign


# -- status compares the files, not a new build ---------------------------------------------


def test_status_of_a_sent_issue_builds_nothing(cli, outbox_ws):
    from tests.test_install import HEAVY, imported_modules

    assert cli("send", "--yes", "--offline", cwd=outbox_ws).exit_code == 0
    r = cli("status", cwd=outbox_ws)
    assert r.stdout.startswith("Issue 2026-12: sent\n") and "changed" not in r.stdout
    loaded = imported_modules(["status"], outbox_ws)
    assert "typer" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def _package_style() -> str:
    from copro_news.render import package_templates

    return (package_templates() / "style.css").read_text(encoding="utf-8")


EDITS = {
    "issue": lambda ws: edit_issue(ws),
    "snippet": lambda ws: build_file_tree(
        ws / "drafts" / "2026-12", {"stories": {"cuppa.md": "---\ntitle: Cuppa\n---\nTea.\n"}}
    ),
    "template": lambda ws: build_file_tree(
        ws, {"templates": {"style.css": _package_style() + "\np { color: #123456; }\n"}}
    ),
    "settings": lambda ws: (ws / "copro-news.toml").write_text(
        (ws / "copro-news.toml")
        .read_text()
        .replace('name = "Co-Production', 'name = "The Co-Production')
    ),
}
UNTOUCHED = {
    "build": lambda ws: build_file_tree(
        ws / "drafts" / "2026-12", {"build": {"issue.html": "<p>old</p>"}}
    ),
    "editor and system files": lambda ws: build_file_tree(
        ws / "drafts" / "2026-12", {".DS_Store": b"\0", "issue.md~": "old", ".issue.md.swp": "x"}
    ),
}
WENT_OUT_CHANGED = (
    "  The issue changed since it went out: the files no longer match what was sent.\n"
)


@pytest.mark.parametrize("edit", list(EDITS) + list(UNTOUCHED))
def test_status_compares_the_files_the_issue_is_built_from(cli, outbox_ws, edit):
    assert cli("send", "--yes", "--offline", cwd=outbox_ws).exit_code == 0
    {**EDITS, **UNTOUCHED}[edit](outbox_ws)
    r = cli("status", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Issue 2026-12: sent\n")
    assert (WENT_OUT_CHANGED in r.stdout) == (edit in EDITS), r.stdout


def test_status_of_a_record_without_the_files_hash_builds_the_issue(cli, outbox_ws):
    assert cli("send", "--yes", "--offline", cwd=outbox_ws).exit_code == 0
    path = outbox_ws / "drafts" / "2026-12" / "send.json"
    doc = json.loads(path.read_text())
    assert doc.pop("source_hashes")
    path.write_text(json.dumps(doc))  # as copro-news wrote it before it kept the hash
    issue = outbox_ws / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text() + "\n")  # other files, the same email: built, it says so
    r = cli("status", cwd=outbox_ws)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Issue 2026-12: sent\n") and "changed" not in r.stdout
    edit_issue(outbox_ws)
    assert WENT_OUT_CHANGED in cli("status", cwd=outbox_ws).stdout
