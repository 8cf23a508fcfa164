"""Every command with [provider] name = "buttondown", through the real command line."""

from __future__ import annotations

import json
import re

import pytest

from copro_news import sendrecord
from copro_news.providers.buttondown import ButtondownProvider
from tests.conftest import CANARY_KEY, SETTINGS, make_workspace
from tests.send_helpers import SEND_ISSUE, no_waits, send_workspace, written_record

NOTE = (
    "Buttondown writes the plain-text part of the email itself, from the HTML; copro-news's "
    "own (build/issue.txt, preview --text) is not what it sends."
)


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    no_waits(monkeypatch, ButtondownProvider)  # one copy here: the slug rules out another


def one_line(text: str) -> str:
    """rich wraps long lines on the terminal's width: read them as one."""
    return " ".join(text.split())


def test_login_checks_the_key_with_buttondown_before_keeping_it(
    cli, tmp_path, buttondown, memory_keyring
):
    ws = send_workspace(tmp_path / "ws", buttondown)
    r = cli("login", "buttondown", cwd=ws, input="wrong0000key0000here\n")
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-2:] == [
        "Error: Buttondown did not accept the API key (Invalid token).",
        "Hint: Check the key with 'copro-news login buttondown', or set BUTTONDOWN_API_KEY.",
    ]
    assert memory_keyring.store == {}

    r = cli("login", "buttondown", cwd=ws, input=CANARY_KEY + "\n")
    assert r.exit_code == 0, r.output
    assert one_line(r.stderr) == (
        "Buttondown accepted the key: copro-team (owner@example.org), newsletter 'Team update'."
    )
    assert "The Buttondown API key is in the system keyring." in r.stdout
    assert memory_keyring.store == {("copro-news", "buttondown"): CANARY_KEY}
    assert [c.path for c in buttondown.calls if c.status == 200][:1] == ["/accounts/me"]

    r = cli("lists", "--json", cwd=ws)  # the key from the keyring
    assert r.exit_code == 0, r.output
    r = cli("logout", "buttondown", cwd=ws)
    assert r.exit_code == 0
    assert r.stdout == "Removed the Buttondown API key from the system keyring.\n"
    assert memory_keyring.store == {}
    r = cli("lists", cwd=ws)
    assert r.exit_code == 1
    assert "Hint: Run 'copro-news login buttondown', or set BUTTONDOWN_API_KEY." in r.stderr
    for result in (r,):
        assert CANARY_KEY not in result.output


def test_lists_shows_the_newsletter_and_its_subscribers(cli, bd_ws, buttondown):
    r = cli("lists", "--json", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {
        "provider": "buttondown",
        "lists": [{"id": buttondown.newsletter["id"], "name": "Team update", "members": 312}],
    }
    r = cli("lists", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    assert re.search(rf"^{buttondown.newsletter['id']}\s+Team update\s+312$", r.stdout, re.M)


def test_test_then_send_then_refused(cli, bd_ws, buttondown):
    r = cli("send", "--test", "me@example.org", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    assert "Sent a test to me@example.org." in r.stdout
    assert one_line(NOTE) in one_line(r.stderr)
    email = buttondown.only_email()
    assert email.tests == [["me@example.org"]] and email.doc["status"] == "draft"

    r = cli("send", "--yes", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    nl = buttondown.newsletter["id"]
    assert f"To:       Team update ({nl}), 312 subscribers" in r.stderr
    assert "Issue 2026-12 through Buttondown" in r.stderr
    assert "Sent to the list." in r.stdout
    assert email.deliveries == 1
    assert written_record(bd_ws).state == "sent"

    r = cli("status", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Issue 2026-12: sending\n")
    assert f"Campaign:  {email.doc['id']}, status at the provider: about_to_send" in r.stdout
    buttondown.advance()
    r = cli("status", cwd=bd_ws)
    assert r.stdout.startswith("Issue 2026-12: sent\n")
    slug = email.doc["slug"]
    assert f"Archive:   https://buttondown.com/teamupdate/archive/{slug}/" in r.stdout
    assert "Provider:  buttondown, list Team update (newsletter)" in r.stdout

    r = cli("send", "--yes", cwd=bd_ws)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: Issue 2026-12 already went out on ")
    assert "to 'Team update' through Buttondown." in r.stderr
    r = cli("send", "--cancel", cwd=bd_ws)  # no way back once it went
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: Issue 2026-12 already went out on ")
    assert buttondown.total_deliveries == 1


def test_schedule_at_any_minute_then_cancel(cli, bd_ws, buttondown):
    r = cli("send", "--schedule", "2099-01-05 09:07", "--yes", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    assert "Scheduled for Mon 5 Jan 2099 09:07 GMT." in r.stdout
    email = buttondown.only_email()
    assert (email.doc["status"], email.doc["publish_date"]) == ("scheduled", "2099-01-05T09:07:00Z")
    r = cli("status", cwd=bd_ws)
    assert "Issue 2026-12: scheduled" in r.stdout
    assert "Scheduled: Mon 5 Jan 2099 09:07 GMT" in r.stdout

    r = cli("send", "--yes", cwd=bd_ws)
    assert r.exit_code == 1
    assert "Error: Issue 2026-12 is already scheduled for Mon 5 Jan 2099 09:07 GMT" in r.stderr

    r = cli("send", "--cancel", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    assert "Cancelled the scheduled send." in r.stdout
    assert email.doc["status"] == "draft"
    r = cli("send", "--cancel", cwd=bd_ws)
    assert r.exit_code == 1
    assert "Error: Issue 2026-12 is not scheduled; there is nothing to cancel." in r.stderr
    assert buttondown.total_deliveries == 0


def test_dry_run_changes_nothing_at_buttondown(cli, bd_ws, buttondown):
    r = cli("send", "--dry-run", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    assert "Dry run: nothing was changed at the provider. It would:" in r.stdout
    assert "  - send it now to list newsletter" in r.stdout
    assert one_line(NOTE) in one_line(r.stderr)
    assert {c.method for c in buttondown.calls} == {"GET"}
    assert buttondown.emails == {}
    assert sendrecord.load(bd_ws / "drafts" / "2026-12") is None


def test_preview_text_says_whose_text_it_is(cli, bd_ws):
    r = cli("preview", "--text", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    assert one_line(r.stderr) == one_line(NOTE)
    assert r.stdout.startswith("Co-Production Collective")
    outbox = make_workspace(bd_ws.parent / "outbox", issues=SEND_ISSUE)
    r = cli("preview", "--text", cwd=outbox)
    assert r.exit_code == 0 and r.stderr == ""


def test_naked_on_a_lower_plan_is_an_error_that_names_the_plan(cli, bd_ws, buttondown):
    toml = bd_ws / "copro-news.toml"
    toml.write_text(toml.read_text() + "naked = true\n")
    r = cli("send", "--test", "me@example.org", cwd=bd_ws)
    assert r.exit_code == 1
    err = one_line(r.stderr)
    assert "Error: Buttondown's naked mode needs the Buttondown Plus plan; nothing was sent." in err
    assert "remove 'naked = true' from [provider]" in err
    assert "403" not in err
    assert buttondown.emails == {}
    buttondown.plan = "plus"
    r = cli("send", "--test", "me@example.org", cwd=bd_ws)
    assert r.exit_code == 0, r.output
    email = buttondown.only_email()
    assert email.doc["template"] == "naked"
    assert email.doc["body"].startswith("<!DOCTYPE html>")


# --- what a subscriber gets ----------------------------------------------------------------------


def test_what_subscribers_get_keeps_the_issue_layout_dates_and_links(tmp_path, buttondown):
    """The body Buttondown gets is the built email's inside: the same links, dates, headings
    in the same order, nothing wider than a phone, Buttondown's unsubscribe tag."""
    from copro_news.content import load_issue
    from copro_news.providers.buttondown import FANCY, ButtondownProvider
    from copro_news.render import build_issue
    from copro_news.secret import Secret
    from copro_news.sending import SendFlow, message_for
    from copro_news.workspace import load_workspace

    settings = SETTINGS.replace('name = "outbox"', 'name = "buttondown"')
    root = make_workspace(tmp_path / "ws", settings=settings, fixture="march-2022")
    ws = load_workspace(explicit=root)
    issue = load_issue(ws, ws.resolve_issue("2022-03"))
    build = build_issue(ws, issue, provider="buttondown")
    provider = ButtondownProvider(Secret(CANARY_KEY), api_url=buttondown.url)
    SendFlow(provider, issue.folder, message_for(ws, build), "newsletter").send_test(
        ["me@example.org"]
    )
    body = buttondown.only_email().doc["body"]

    assert body.startswith(FANCY + "\n")
    assert "<head" not in body and "<style" not in body and "<body" not in body
    assert body.count("{{ unsubscribe_url }}") == 1
    links = re.findall(r'href="([^"]+)"', build.html)
    assert links and re.findall(r'href="([^"]+)"', body) == links  # every link, in order

    def text(html: str) -> str:
        html = re.sub(r'<div class="preheader".*?</div>', "", html, flags=re.S)
        html = re.sub(r"<(style|head)\b.*?</\1>", "", html, flags=re.S)
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    assert text(body) == text(build.html)  # every word and date, in the same order
    assert "Tuesday 1 March 2022" in text(body)
    headings = re.findall(r"<h[12][^>]*>(.*?)</h[12]>", build.html, re.S)
    assert re.findall(r"<h[12][^>]*>(.*?)</h[12]>", body, re.S) == headings
    for tag in re.findall(r"<(?:table|td|div)\b[^>]*>", body):
        width = re.search(r'\bwidth="(\d+)"', tag)
        assert width is None or int(width.group(1)) <= 320, tag
        for px in re.findall(r"(?<![-\w])width:\s*(\d+)px", tag):
            assert int(px) <= 320, tag
    for tag in re.findall(r"<img\b[^>]*>", body):
        assert re.search(r"max-width:\s*100%", tag), tag


def test_pictures_of_the_issue_folder_are_uploaded_once(cli, tmp_path, buttondown, monkeypatch):
    from tests.helpers import png

    monkeypatch.setenv("BUTTONDOWN_API_KEY", CANARY_KEY)
    issue_md = SEND_ISSUE["2026-12"]["issue.md"].replace(
        "preheader:", 'hero:\n  image: images/sun.png\n  alt: "The sun"\npreheader:'
    )
    issues = {"2026-12": {"issue.md": issue_md, "images": {"sun.png": png(40, 30)}}}
    ws = make_workspace(
        tmp_path / "ws", provider="buttondown", api_url=buttondown.url, issues=issues
    )
    r = cli("send", "--test", "me@example.org", "--offline", cwd=ws)
    assert r.exit_code == 0, r.output
    (picture,) = buttondown.images.values()
    body = buttondown.only_email().doc["body"]
    assert f'src="{picture["image"]}"' in body and "cid:" not in body
    assert picture["data"] == png(40, 30)

    issue = ws / "drafts" / "2026-12" / "issue.md"
    issue.write_text(issue.read_text().replace("this month", "this autumn"))
    r = cli("send", "--yes", "--offline", cwd=ws)
    assert r.exit_code == 0, r.output
    assert "this autumn" in buttondown.only_email().doc["body"]  # the new content went up
    assert buttondown.count("POST", "/images") == 1  # the picture did not
    assert buttondown.only_email().deliveries == 1
