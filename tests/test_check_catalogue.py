"""Every rule code has docs and an example that makes it fire; random text crashes no rule."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copro_news.checks import load_rules
from copro_news.checks.registry import RULES
from tests.checkutil import event, problems, story, write_issue
from tests.conftest import SETTINGS, make_workspace
from tests.linkserver import LinkServer

load_rules()

ACTION = '---\ntitle: "Survey"\ndeadline: {}\n---\nTell us.\n'
NO_FOOTER = "<html><body>{{ intro|markdown }}{% for k, i in sections %}{% endfor %}</body></html>"
LINKS_SETTINGS = SETTINGS.replace("https://example.org", "{base}")

# code -> (snippet files, issue.md or None, needs the server)
EXAMPLES: dict[str, tuple[dict[str, object], str | None, bool]] = {
    "yaml-invalid": ({"events/e.md": "---\ntitle: Cuppa: our meet-up\n---\n"}, None, False),
    "field-missing": ({"events/e.md": '---\ntitle: "Cuppa"\n---\nHi.\n'}, None, False),
    "field-invalid": ({"events/e.md": event("Cuppa", "1st December")}, None, False),
    "field-unknown": ({"stories/s.md": '---\ntitle: "News"\ntitel: x\n---\nHi.\n'}, None, False),
    "file-invalid": ({"events/e.md": ""}, None, False),
    "weekday-mismatch": ({"stories/s.md": story("News", "On Monday 1 December.")}, None, False),
    "deadline-passed": ({"actions/a.md": ACTION.format("2026-11-20")}, None, False),
    "event-passed": ({"events/e.md": event("Cuppa", "2026-11-20 12:00")}, None, False),
    "event-far": ({"events/e.md": event("Cuppa", "2027-12-08 12:00")}, None, False),
    "event-order": (
        {"events/e.md": event("Cuppa", "2026-12-08 12:00", end='"11:00"')},
        None,
        False,
    ),
    "repeat-mismatch": (
        {"events/e.md": event("Cuppa", "2026-12-08 12:30", repeat="first tuesday")},
        None,
        False,
    ),
    "month-mismatch": ({}, '---\nsubject: "Team update: March"\ndate: 2026-12-01\n---\n', False),
    "run-together": ({"stories/s.md": story("News", "the potential ofco-production")}, None, False),
    "placeholder-left": ({"stories/s.md": story("News", "Venue TBC")}, None, False),
    "link-text-vague": ({"stories/s.md": story("N", "[here](https://example.org/x)")}, None, False),
    "subject-length": ({}, '---\nsubject: "' + "x" * 70 + '"\ndate: 2026-12-01\n---\n', False),
    "preheader-missing": ({}, '---\nsubject: "Team update"\ndate: 2026-12-01\n---\n', False),
    "footer-missing": ({"../../templates/email.html": NO_FOOTER}, None, False),
    "email-clipped": (
        {"stories/s.md": story("Long", "Words and more words. " * 6000)},
        None,
        False,
    ),
    "image-alt-missing": (
        {"stories/s.md": story("P", "![](https://example.org/p.jpg)")},
        None,
        False,
    ),
    "sections-empty": ({}, None, False),
    "content-repeated": (
        {
            "../2026-11/issue.md": '---\nsubject: "November"\ndate: 2026-11-01\n---\n## Welcome\n\n'
            "Thank you to everyone who came to our training this month.\n",
            "../2026-11/send.json": '{"issue": "2026-11", "provider": "outbox", "list_id": '
            '"outbox", "marker": "m", "started_at": "2026-11-01T09:00:00+00:00", '
            '"phase": "sent", "sent_at": "2026-11-01T09:00:00+00:00"}',
        },
        None,
        False,
    ),
    "template-invalid": (
        {
            "stories/s.md": story("News", "Hi."),
            "../../templates/sections/stories.html": "{% for item in items %}{{ item.titel }}"
            "{% endfor %}",
        },
        None,
        False,
    ),
    "rule-unknown": (
        {"stories/s.md": story("News", "Hi.", **{"check-ignore": "[month-missmatch]"})},
        None,
        False,
    ),
    "folder-mismatch": ({}, '---\nsubject: "Team update"\ndate: 2027-01-01\n---\n', False),
    "network-unavailable": ({}, None, False),
    "link-broken": ({"stories/s.md": story("L", "[Report]({base}/missing)")}, None, True),
    "link-unverified": ({"stories/s.md": story("L", "[Report]({base}/busy)")}, None, True),
    "link-closed": (
        {"events/e.md": event("Conf", "2026-12-08 12:00", link="{base}/sales-ended")},
        None,
        True,
    ),
    "image-broken": ({"stories/s.md": story("P", "![Team]({base}/gone)")}, None, True),
    "image-heavy": ({"stories/s.md": story("P", "![Team]({base}/heavy.jpg)")}, None, True),
    "template-syntax": (
        {"stories/s.md": story("News", "Reply with {{ your name }}.")},
        None,
        False,
    ),
    "image-invalid": (
        {"stories/s.md": story("P", "![Team](/Users/comms/Pictures/team.jpg)")},
        None,
        False,
    ),
    "snippet-misplaced": (
        {"stories/hive.md": event("Hive", "2026-12-08", location="Online")},
        None,
        False,
    ),
    "link-invalid": (
        {"stories/s.md": story("L", "[Book](https://example.org/\u200bbook)")},
        None,
        False,
    ),
    "time-ambiguous": ({"events/e.md": event("Late", "2026-10-25 01:30")}, None, False),
}
# code -> the provider its example needs (the others run with the outbox)
PROVIDER_OF = {"template-syntax": "buttondown"}
SETTINGS_EXAMPLES = {
    "settings-invalid": SETTINGS.replace('timezone = "Europe/London"', 'timezone = "London"'),
    "settings-unknown": SETTINGS + 'colour = "green"\n',
}


def test_every_code_has_an_explanation_with_an_example():
    for code, r in RULES.items():
        assert r.summary.strip() and r.summary.endswith((".", ")")), code
        assert r.explanation != r.summary, f"{code} has no explanation"
        assert "Example" in r.explanation, f"{code}'s explanation has no example"
        assert code == code.lower() and " " not in code and "_" not in code


def test_every_code_has_a_failing_example():
    others = {"link-insecure", "example-left", "web-url-missing"}
    assert set(EXAMPLES) | set(SETTINGS_EXAMPLES) | others == set(RULES)
    # link-insecure needs an HTTPS server: test_check_links.test_link_insecure_when_https_works
    # web-url-missing fires when `web` runs: test_web.test_without_a_base_url_web_warns_once
    # example-left needs a real provider: test_check_settings.test_example_values_are_errors...


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_failing_example(code, tmp_path, monkeypatch):
    from copro_news.checks import links

    monkeypatch.setattr(links, "TIMEOUT", 0.5)
    files, issue_md, online = EXAMPLES[code]
    root = tmp_path / "ws"
    with LinkServer() as server:
        base = server.base if online else "https://example.invalid"
        settings_text = LINKS_SETTINGS.replace("{base}", base)
        if code in PROVIDER_OF:
            settings_text = settings_text.replace(
                'name = "outbox"', f'name = "{PROVIDER_OF[code]}"'
            )
        make_workspace(root, settings=settings_text)
        files = {k: v.replace("{base}", server.base) for k, v in files.items()}
        write_issue(root, files, issue_md=issue_md)
        found = problems(root, offline=code not in ("network-unavailable",) and not online)
    assert code in {p.code for p in found}, found


@pytest.mark.parametrize("code", sorted(SETTINGS_EXAMPLES))
def test_failing_settings_example(code, workspace):
    from copro_news.errors import SettingsError
    from copro_news.workspace import load_workspace

    (workspace / "copro-news.toml").write_text(SETTINGS_EXAMPLES[code], encoding="utf-8")
    try:
        found = load_workspace(explicit=workspace).warnings
    except SettingsError as e:
        found = e.problems
    assert code in {p.code for p in found}


# --- random text never crashes a rule ------------------------------------------------------------

PIECES = [
    *(string.ascii_letters + string.digits + " \n\t-–—.,;:!?'\"()[]*_#`<>/@&|~\\\r\u200bé"),
    *[" Tuesday ", " Wed ", " 1st ", " March ", " May ", " of ", "the", "TODO", "andthe"],
    *["https://", "](", "![", "<!--", "```", "## ", "\n\n- ", " 2026 ", "12:30"],
]
PROSE = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    from copro_news.content import load_issue
    from copro_news.workspace import load_workspace

    root = tmp_path_factory.mktemp("random") / "ws"
    make_workspace(root)
    write_issue(
        root,
        {
            "events/e.md": event("Cuppa", "2026-12-08 12:30"),
            "stories/s.md": story("News", "Hello."),
        },
    )
    ws = load_workspace(explicit=root)
    return ws, load_issue(ws, ws.resolve_issue(None))


def _run(ws, issue, build=None):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from copro_news.checks.registry import Context, run

    at = datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Europe/London"))
    return run(Context(ws=ws, issue=issue, build=build, at=at, offline=True))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(intro=PROSE, body=PROSE, title=PROSE, subject=PROSE)
def test_random_text_never_crashes_a_rule(loaded, intro, body, title, subject):
    ws, issue = loaded
    issue.source.body = intro
    issue.data["subject"] = subject
    issue.data["preheader"] = title
    snippet = issue.sections["stories"][0]
    snippet.source.body = body
    snippet.data["title"] = title
    for p in _run(ws, issue):
        assert p.code in RULES
        assert p.line is None or p.line >= 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=PROSE)
def test_random_markdown_builds_and_checks(loaded, body):
    from copro_news.render import build_issue

    ws, issue = loaded
    issue.data.update(subject="Team update", preheader="News")  # headers: one line
    issue.sections["stories"][0].data["title"] = "News"
    issue.sections["stories"][0].source.body = body
    build = build_issue(ws, issue)
    for p in _run(ws, issue, build):
        assert p.code in RULES


@settings(max_examples=200, deadline=None)
@given(page=st.text(max_size=2000))
def test_random_pages_never_crash_the_link_parsers(page):
    from copro_news.checks.links import closed_phrase
    from copro_news.checks.source import mask_markdown, parse_html

    assert len(mask_markdown(page)) == len(page)
    closed_phrase(page)
    parse_html(page)


def test_mask_keeps_offsets():
    from copro_news.checks.source import mask_markdown

    text = "See [the page](https://example.org/a) or `code` <!-- x -->\nhello@example.org end"
    masked = mask_markdown(text)
    assert len(masked) == len(text) and masked.count("\n") == 1
    assert "example" not in masked and "code" not in masked and masked.endswith("end")


def test_readme_rules_table_is_in_step_with_the_registry():
    from copro_news.checks import rules_markdown
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- rules:")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- /rules -->")
    assert readme[start:end] == rules_markdown(), "update the README's table of rules"
