"""template-syntax: text Buttondown would fill in as a template tag is an error, with its line."""

from __future__ import annotations

import json

import pytest

from tests.checkutil import event, problems, story, write_issue
from tests.conftest import SETTINGS, make_workspace

BUTTONDOWN = SETTINGS.replace('name = "outbox"', 'name = "buttondown"')


def workspace(tmp_path, settings=BUTTONDOWN):
    root = tmp_path / "ws"
    make_workspace(root, settings=settings)
    return root


def test_each_tag_in_any_file_is_an_error_at_its_line(tmp_path):
    root = workspace(tmp_path)
    issue_md = (
        '---\nsubject: "Our {% best %} month"\ndate: 2026-12-01\npreheader: "News"\n---\n'
        "Hello.\n\nA {# note #} here.\n"
    )
    write_issue(
        root,
        {
            "stories/s.md": story("News", "Line one.\n\nReply with {{ your name }}."),
            "events/e.md": event("Cuppa", "2026-12-08 12:30", link_text='"Join {{ us }}"'),
        },
        issue_md=issue_md,
    )
    found = problems(root, only="template-syntax")
    assert [(p.file, p.line, p.severity) for p in found] == [
        ("drafts/2026-12/events/e.md", 4, "error"),
        ("drafts/2026-12/issue.md", 2, "error"),
        ("drafts/2026-12/issue.md", 8, "error"),
        ("drafts/2026-12/stories/s.md", 6, "error"),
    ]
    by_line = {(p.file.rsplit("/", 1)[-1], p.line): p for p in found}
    assert by_line[("issue.md", 2)].message == (
        "Buttondown would read '{%' as a template tag and fill it in, not show it as written."
    )
    assert by_line[("issue.md", 8)].message.startswith("Buttondown would read '{#' ")
    assert by_line[("s.md", 6)].hint == (
        "Write it another way: with a space between the two signs ('{ {') it is shown as "
        "written. Or remove it."
    )


def test_silent_with_other_providers_and_for_text_that_is_no_tag(tmp_path):
    files = {"stories/s.md": story("News", "Reply with {{ your name }}.")}
    outbox = workspace(tmp_path / "o", SETTINGS)
    write_issue(outbox, files)
    assert problems(outbox, only="template-syntax") == []
    mailchimp = workspace(tmp_path / "m", SETTINGS.replace('"outbox"', '"mailchimp"'))
    write_issue(mailchimp, files)
    assert problems(mailchimp, only="template-syntax") == []
    plain = workspace(tmp_path / "b")
    write_issue(plain, {"stories/s.md": story("News", "A { brace } and 50% {off}, { {ok} }.")})
    assert problems(plain, only="template-syntax") == []  # and the unsubscribe tag is ours


def test_a_tag_from_the_settings_is_found_in_the_built_email(tmp_path):
    root = workspace(tmp_path, BUTTONDOWN.replace("1 Example Street", "1 {{ street }}"))
    write_issue(root, {"stories/s.md": story("News", "Hello.")})
    (p,) = problems(root, only="template-syntax")
    assert p.message == (
        "The built email holds '{{', which Buttondown would read as a template tag, "
        "from copro-news.toml."
    )
    assert p.file == "copro-news.toml"


@pytest.mark.parametrize("command", [["check", "--offline", "--json"], ["send", "--yes"]])
def test_found_before_anything_is_sent(cli, tmp_path, buttondown, monkeypatch, command):
    from tests.conftest import CANARY_KEY

    monkeypatch.setenv("BUTTONDOWN_API_KEY", CANARY_KEY)
    settings = BUTTONDOWN.replace('name = "buttondown"', 'name = "buttondown"\n')
    settings += f'api_url = "{buttondown.url}"\n'
    root = workspace(tmp_path, settings)
    write_issue(root, {"stories/s.md": story("News", "Reply with {{ your name }}.")})
    r = cli(*command, "--offline" if command[0] == "send" else "--strict", cwd=root)
    assert r.exit_code == 1, r.output
    if command[0] == "check":
        doc = json.loads(r.stdout)
        assert [p["code"] for p in doc["problems"] if p["severity"] == "error"] == [
            "template-syntax"
        ]
    else:
        assert "drafts/2026-12/stories/s.md:4" in r.stderr and "template-syntax" in r.stderr
        assert r.stderr.splitlines()[-2] == "Error: The issue has 1 error; nothing was sent."
    assert buttondown.emails == {}


def test_a_proof_with_a_template_tag_is_not_uploaded(cli, tmp_path, buttondown, monkeypatch):
    """A test goes out with the issue's errors, but not with text Buttondown would fill in:
    nothing of the body reaches Buttondown, and the error says where to look."""
    from tests.conftest import CANARY_KEY

    monkeypatch.setenv("BUTTONDOWN_API_KEY", CANARY_KEY)
    root = workspace(tmp_path, BUTTONDOWN + f'api_url = "{buttondown.url}"\n')
    write_issue(root, {"stories/s.md": story("News", "Reply with {{ your name }}.")})
    r = cli("send", "--test", "me@example.org", "--offline", cwd=root)
    assert r.exit_code == 1, r.output
    assert "drafts/2026-12/stories/s.md:4: template-syntax" in r.stderr
    assert r.stderr.splitlines()[-2:] == [
        "Error: The email holds '{{', which Buttondown would read as a template tag; "
        "nothing was uploaded.",
        "Hint: Run 'copro-news check' to see where, and reword it.",
    ]
    assert all(
        e.tests == [] and "your name" not in e.doc["body"] for e in buttondown.emails.values()
    )
