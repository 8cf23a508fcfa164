"""Rules about the settings: example values left in them, mistyped rule codes."""

from __future__ import annotations

import pytest

from tests.checkutil import problems, story, write_issue
from tests.conftest import SETTINGS

MAILCHIMP = SETTINGS.replace('name = "outbox"', 'name = "mailchimp"\nlist = "a1b2c3d4e5"')
REAL = (
    MAILCHIMP.replace("news@example.org", "news@coproduction.org.uk")
    .replace("hello@example.org", "hello@coproduction.org.uk")
    .replace("1 Example Street, London, N1 1AA", "Unit 4, 20 Canal Road, Leeds, LS12 2PL")
    .replace("https://example.org", "https://coproduction.org.uk")
)
STORY = {"stories/s.md": story("News", "We met.")}


def _settings(root, text):
    (root / "copro-news.toml").write_text(text, encoding="utf-8")


def test_example_values_are_errors_with_a_real_provider(workspace):
    _settings(workspace, MAILCHIMP)
    write_issue(workspace, STORY)
    found = problems(workspace, only="example-left")
    assert [(p.severity, p.file, p.line) for p in found] == [
        ("error", "copro-news.toml", 7),  # sender email
        ("error", "copro-news.toml", 8),  # reply_to
        ("error", "copro-news.toml", 9),  # postal_address
        ("error", "copro-news.toml", 12),  # links.website
        ("error", "copro-news.toml", 13),  # links.signup
    ]
    assert "news@example.org" in found[0].message
    assert "1 Example Street" in found[2].message


def test_the_init_defaults_are_caught(cli, tmp_path):
    from copro_news.scaffold import InitAnswers, settings_text

    root = tmp_path / "ws"
    root.mkdir()
    text = settings_text(InitAnswers()).replace('name = "outbox"', 'name = "mailchimp"')
    _settings(root, text)
    (root / "drafts").mkdir()
    write_issue(root, STORY)
    found = problems(root, only="example-left")
    # email, reply_to, postal address, website, signup, unsubscribe
    assert len(found) == 6, found


def test_example_values_are_silent_with_the_outbox(workspace):
    write_issue(workspace, STORY)
    assert problems(workspace, only="example-left") == []


def test_example_values_are_silent_with_a_test_server(workspace):
    _settings(workspace, MAILCHIMP + 'api_url = "http://127.0.0.1:8000/3.0"\n')
    write_issue(workspace, STORY)
    assert problems(workspace, only="example-left") == []


def test_real_values_are_silent(workspace):
    _settings(workspace, REAL)
    write_issue(workspace, STORY)
    assert problems(workspace, only="example-left") == []


@pytest.mark.parametrize(
    ("body", "fires"),
    [
        ("[Book](https://example.org/events/cuppa)", True),
        ("[Book](https://www.example.com/cuppa)", True),
        ("Write to [us](mailto:hello@example.net).", True),
        ("![Team](https://example.org/team.jpg)", True),
        ("[Book](https://coproduction.org.uk/example.org)", False),
        ("[Book](https://myexample.org/cuppa)", False),
    ],
)
def test_example_links_in_the_issue(workspace, body, fires):
    _settings(workspace, REAL)
    write_issue(workspace, {"stories/s.md": story("News", body)})
    found = problems(workspace, only="example-left")
    expected = [("drafts/2026-12/stories/s.md", 4)] if fires else []
    assert [(p.file, p.line) for p in found] == expected, body


# --- rule codes to skip that no rule has ----------------------------------------------------------


def test_mistyped_code_in_the_settings(workspace):
    _settings(workspace, SETTINGS + '\n[check]\nignore = ["run-together", "link-brokn"]\n')
    write_issue(workspace, STORY)
    [p] = problems(workspace, only="rule-unknown")
    assert (p.severity, p.file, p.line) == ("warning", "copro-news.toml", 19)
    assert "'link-brokn'" in p.message
    assert p.hint == "Did you mean 'link-broken'?"


def test_mistyped_code_in_a_list_on_several_lines(workspace):
    ignore = '\n[check]\nignore = [\n  "run-together",\n  "banana",\n]\n'
    _settings(workspace, SETTINGS + ignore)
    write_issue(workspace, STORY)
    [p] = problems(workspace, only="rule-unknown")
    assert (p.file, p.line) == ("copro-news.toml", 21)
    assert "copro-news check --list-rules" in (p.hint or "")


def test_mistyped_code_in_a_snippet(workspace):
    snippet = story("News", "We met.", **{"check-ignore": "[run-together, month-missmatch]"})
    write_issue(workspace, {"stories/s.md": snippet})
    [p] = problems(workspace, only="rule-unknown")
    assert (p.severity, p.file, p.line) == ("warning", "drafts/2026-12/stories/s.md", 3)
    assert p.hint == "Did you mean 'month-mismatch'?"


def test_mistyped_code_in_issue_md_on_its_own_line(workspace):
    issue_md = (
        '---\nsubject: "Team update: December 2026"\ndate: 2026-12-01\npreheader: "News"\n'
        "check-ignore:\n  - sections-empty\n  - placeholder-lefft\n---\nHello.\n"
    )
    write_issue(workspace, issue_md=issue_md)
    [p] = problems(workspace, only="rule-unknown")
    assert (p.file, p.line, p.hint) == (
        "drafts/2026-12/issue.md",
        7,
        "Did you mean 'placeholder-left'?",
    )


def test_every_known_code_is_silent(workspace):
    from copro_news.checks.registry import RULES

    codes = ", ".join(f'"{c}"' for c in RULES if c != "rule-unknown")
    _settings(workspace, SETTINGS + f"\n[check]\nignore = [{codes}]\n")
    snippet = story("News", "We met.", **{"check-ignore": "[field-unknown, yaml-invalid]"})
    write_issue(workspace, {"stories/s.md": snippet})
    assert problems(workspace, only="rule-unknown") == []
