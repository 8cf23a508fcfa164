"""Mistakes people really make get words for them: a snippet in the wrong section, curly quotes
from a word processor, www. without https://, an example value left in the settings."""

from __future__ import annotations

import pytest

from tests.checkutil import event, problems, story, write_issue
from tests.conftest import on_terminal

# --- a snippet in the wrong section -----------------------------------------------------------


def test_an_event_saved_in_stories_is_an_error_naming_events(cli, workspace):
    hive = event(
        "Hive", "2026-12-23", end="2026-12-24", location="Online", link="https://example.org/h"
    )
    write_issue(workspace, {"stories/hive.md": hive})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[:3] == [
        "drafts/2026-12/stories/hive.md",
        "  drafts/2026-12/stories/hive.md:3: snippet-misplaced This is an event (it has "
        "start, end, location, link), but it is in stories/: it would show as a story, "
        "without them.",
        "      hint: Move the file into events/: drafts/2026-12/events/hive.md",
    ]
    assert "field-unknown" not in r.stderr  # one error, not a warning per field
    assert not (workspace / "drafts/2026-12/build").exists()


def test_a_deadline_saved_in_events_is_an_error_naming_actions(workspace):
    action = '---\ntitle: "Survey"\ndeadline: 2026-12-13\nbutton: Take it\n---\nTell us.\n'
    write_issue(workspace, {"events/survey.md": action})
    found = problems(workspace, build=False)
    assert [(p.code, p.line) for p in found if p.file.endswith("survey.md")] == [
        ("snippet-misplaced", 3)
    ]
    [p] = [p for p in found if p.code == "snippet-misplaced"]
    assert p.message.startswith("This is an action (it has deadline, button), but it is in events/")
    assert p.hint == "Move the file into actions/: drafts/2026-12/actions/survey.md"


def test_an_event_with_a_field_of_another_kind_stays_an_event(workspace):
    write_issue(workspace, {"events/e.md": event("Cuppa", "2026-12-08 12:30", deadline="x")})
    found = problems(workspace, build=False)
    assert [p.code for p in found if p.file.endswith("e.md")] == ["field-unknown"]


def test_a_partnership_in_stories(workspace):
    write_issue(workspace, {"stories/p.md": story("Healthwatch", "Hi.", partner="Healthwatch")})
    [p] = problems(workspace, only="snippet-misplaced", build=False)
    assert p.hint == "Move the file into partnerships/: drafts/2026-12/partnerships/p.md"


# --- curly quotes ---------------------------------------------------------------------------


def test_curly_quotes_around_a_value_with_a_colon(cli, workspace):
    snippet = (
        "---\ntitle: \u201cHive: peer research conference\u201d\nstart: 2026-12-23\n---\nHi.\n"
    )
    write_issue(workspace, {"events/hive.md": snippet})
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "  drafts/2026-12/events/hive.md:2: yaml-invalid The value is in curly quotes "
        "(\u201c \u201d), which YAML does not take for quotes: a colon inside it starts another "
        "field." in r.stdout
    )
    assert (
        "      hint: Type straight quotes instead (your editor may turn them curly): "
        'title: "Hive: peer research conference"' in r.stdout
    )


def test_curly_quotes_around_a_plain_value_are_taken_as_quotes(cli, workspace):
    write_issue(workspace, {"stories/s.md": "---\ntitle: \u201cOur news\u201d\n---\nHi.\n"})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output
    text = (workspace / "drafts/2026-12/build/issue.txt").read_text()
    assert "\nOur news\n--------\n" in text


# --- init -------------------------------------------------------------------------------------


def test_init_adds_https_to_www(cli, tmp_path):
    r = cli("init", "news", "--website", "www.camden.example.org", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert "Added https:// in front: https://www.camden.example.org" in r.stderr
    toml = (tmp_path / "news" / "copro-news.toml").read_text()
    assert 'website = "https://www.camden.example.org"' in toml
    assert 'signup = "https://www.camden.example.org/newsletter"' in toml


def test_init_on_a_terminal_says_when_enter_keeps_the_example_address(tmp_path):
    answers = ["Camden Co-Pro", "news@camden.org.uk", "", "www.camden.org.uk", ""]
    run = on_terminal(["init", "news"], tmp_path, answers=answers)
    assert run.exit_code == 0, run.shown
    assert "That is the example address: every issue prints it in its footer" in run.shown
    assert "Added https:// in front: https://www.camden.org.uk" in run.shown
    toml = (tmp_path / "news" / "copro-news.toml").read_text()
    assert 'website = "https://www.camden.org.uk"' in toml


# --- example values ----------------------------------------------------------------------------


def test_the_example_address_init_offers_is_a_warning_with_the_outbox(cli, tmp_path):
    assert cli("init", "news", cwd=tmp_path).exit_code == 0
    r = cli("check", "--offline", cwd=tmp_path / "news")
    assert r.exit_code == 0, r.output  # a warning: the outbox reaches nobody
    assert (
        "  copro-news.toml:11: example-left The postal address is still the example '1 Example "
        "Street, London, N1 1AA, United Kingdom': every issue prints it in its footer." in r.stdout
    )
    r = cli("draft", cwd=tmp_path / "news")
    assert "example-left" in r.stderr and r.exit_code == 0


def test_the_example_address_is_an_error_with_a_real_provider(cli, tmp_path):
    assert cli("init", "news", cwd=tmp_path).exit_code == 0
    settings = tmp_path / "news" / "copro-news.toml"
    settings.write_text(
        settings.read_text()
        .replace('name = "outbox"', 'name = "mailchimp"')
        .replace('list = ""', 'list = "abc"')
    )
    r = cli("check", "--offline", cwd=tmp_path / "news")
    assert r.exit_code == 1
    assert "example-left The postal address is still the example" in r.stdout
    assert "a send through mailchimp would carry it." in r.stdout


@pytest.mark.parametrize(
    "address",
    ["Unit 4, 20 Canal Road, Leeds, LS12 2PL", "1 Example Street, London, N1 1AA"],
)
def test_an_address_typed_in_is_not_init_s_example(workspace, address):
    settings = workspace / "copro-news.toml"
    text = settings.read_text().replace("1 Example Street, London, N1 1AA", address)
    settings.write_text(text)
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    assert problems(workspace, only="example-left") == []
