"""The check command: exit codes, --json, --strict, --at, --list-rules, --explain."""

from __future__ import annotations

import json

from copro_news.checks import load_rules
from copro_news.checks.registry import RULES
from tests.checkutil import event, story, write_issue

FAULTY = {
    "issue.md": """\
---
subject: "Team update: March 2022 - our meet-up, a new partnership and a survey for you"
date: 2022-04-01
---
## Welcome to the April update

Our next Co-Pro Cuppa is on Wednesday 5 April. We explored the potential ofco-production.
""",
    "events/cuppa.md": event("Co-Pro Cuppa", "2022-03-29 12:30", end='"11:00"'),
    "actions/survey.md": (
        '---\ntitle: "Share your views"\ndeadline: 2022-03-13\n'
        "link: https://example.org/survey\n---\nTo take part, [click here](https://example.org/s).\n"
    ),
    "stories/photos.md": story("Photos", "Venue TBC.\n\n![](https://example.org/p.jpg)"),
}


def test_faulty_issue_lists_every_mistake(cli, workspace):
    write_issue(workspace, FAULTY, name="2022-04")
    r = cli("check", "--offline", "--json", "--at", "2022-04-01 09:00", cwd=workspace)
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    assert doc["issue"] == "2022-04"
    assert doc["at"] == "2022-04-01T09:00:00+01:00"
    got = {(p["code"], p["file"], p["line"]) for p in doc["problems"]}
    d = "drafts/2022-04/"
    assert got == {
        ("subject-length", d + "issue.md", 2),
        ("month-mismatch", d + "issue.md", 2),
        ("preheader-missing", d + "issue.md", None),
        ("weekday-mismatch", d + "issue.md", 7),
        ("run-together", d + "issue.md", 7),
        ("event-passed", d + "events/cuppa.md", 3),
        ("event-order", d + "events/cuppa.md", 4),
        ("deadline-passed", d + "actions/survey.md", 3),
        ("link-text-vague", d + "actions/survey.md", 6),
        ("placeholder-left", d + "stories/photos.md", 4),
        ("image-alt-missing", d + "stories/photos.md", 6),
    }
    assert doc["errors"] == sum(p["severity"] == "error" for p in doc["problems"]) == 6
    assert doc["warnings"] == 5
    for p in doc["problems"]:
        assert set(p) == {"code", "severity", "file", "line", "message", "hint"}
        assert p["hint"]


def test_human_output_is_grouped_by_file(cli, workspace):
    write_issue(workspace, FAULTY, name="2022-04")
    r = cli("check", "--offline", "--at", "2022-04-01 09:00", cwd=workspace)
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert "drafts/2022-04/actions/survey.md" in lines
    assert (
        "  drafts/2022-04/actions/survey.md:3: deadline-passed The deadline 2022-03-13 is "
        "19 days before the send time (2022-04-01)." in lines
    )
    assert lines[-1] == (
        "2022-04: 6 errors, 5 warnings (at 2022-04-01 09:00 BST; links not checked (--offline))"
    )


def test_example_issue_checks_cleanly(cli, tmp_path):
    address = ("--postal-address", "Unit 4, 20 Canal Road, Leeds, LS12 2PL")
    assert cli("init", str(tmp_path / "news"), *address, cwd=tmp_path).exit_code == 0
    r = cli("check", "--offline", "--strict", cwd=tmp_path / "news")
    assert r.exit_code == 0, r.output
    assert ": no problems found (at " in r.stdout
    r = cli("check", "--offline", "--json", cwd=tmp_path / "news")
    assert json.loads(r.stdout)["problems"] == []


def test_strict_fails_on_warnings(cli, workspace):
    write_issue(workspace, {"stories/s.md": story("News", "Thank you andthe team.")})
    r = cli("check", "--offline", "--at", "2026-12-01 09:00", cwd=workspace)
    assert r.exit_code == 0, r.output
    assert "0 errors, 1 warning" in r.stdout
    r = cli("check", "--offline", "--strict", "--at", "2026-12-01 09:00", cwd=workspace)
    assert r.exit_code == 1
    assert "drafts/2026-12/stories/s.md:4: run-together 'andthe'" in r.stdout
    assert "2026-12: 0 errors, 1 warning (at 2026-12-01 09:00 GMT;" in r.stdout


def test_json_is_one_document_even_with_settings_warnings(cli, workspace):
    settings = workspace / "copro-news.toml"
    settings.write_text(settings.read_text() + 'colour = "green"\n')
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    r = cli("check", "--offline", "--json", "--at", "2026-12-01 09:00", cwd=workspace)
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["errors"] == 0
    assert [(p["code"], p["file"]) for p in doc["problems"]] == [
        ("settings-unknown", "copro-news.toml")
    ]
    assert r.stderr == ""


def test_at_is_checked(cli, workspace):
    write_issue(workspace)
    r = cli("check", "--offline", "--at", "next tuesday", cwd=workspace)
    assert r.exit_code == 2
    assert "Error: --at 'next tuesday' is not a date and time." in r.stderr


def test_at_takes_a_zone(cli, workspace):
    write_issue(workspace)
    r = cli("check", "--offline", "--json", "--at", "2026-12-01T09:00:00+00:00", cwd=workspace)
    assert json.loads(r.stdout)["at"] == "2026-12-01T09:00:00+00:00"


def test_scheduled_time_is_the_default(cli, workspace):
    action = '---\ntitle: "Survey"\ndeadline: 2026-12-13\n---\nTell us.\n'
    folder = write_issue(workspace, {"actions/survey.md": action})
    (folder / "send.json").write_text(json.dumps({"scheduled_for": "2026-12-20T09:00:00+00:00"}))
    r = cli("check", "--offline", "--json", cwd=workspace)
    doc = json.loads(r.stdout)
    assert doc["at"] == "2026-12-20T09:00:00+00:00"
    assert [p["code"] for p in doc["problems"]] == ["deadline-passed"]


def test_loader_errors_and_rules_together(cli, workspace):
    write_issue(
        workspace,
        {
            "events/bad.md": '---\ntitle: "Cuppa"\nstart: next week\n---\nJoin us andthe team.\n',
        },
    )
    r = cli("check", "--offline", "--json", "--at", "2026-12-01 09:00", cwd=workspace)
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert [(p["code"], p["line"]) for p in doc["problems"]] == [
        ("field-invalid", 3),
        ("run-together", 5),
    ]
    r = cli("check", "--offline", "--at", "2026-12-01 09:00", cwd=workspace)
    assert "the email was not built" in r.stdout


def test_unknown_issue_is_a_usage_error(cli, workspace):
    write_issue(workspace)
    r = cli("check", "2031-01", cwd=workspace)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: There is no issue '2031-01' in drafts/.",
        "Hint: The issues are: 2026-12.",
    ]
    assert r.stdout == ""


def test_list_rules(cli, tmp_path):
    load_rules()
    r = cli("check", "--list-rules", cwd=tmp_path)
    assert r.exit_code == 0
    for code in RULES:
        assert code in r.stdout
    r = cli("check", "--list-rules", "--json", cwd=tmp_path)
    rules = json.loads(r.stdout)
    assert {x["code"] for x in rules} == set(RULES)
    assert {x["code"] for x in rules if x["network"]} >= {"link-broken", "image-broken"}


def test_explain(cli, tmp_path):
    r = cli("check", "--explain", "weekday-mismatch", cwd=tmp_path)
    assert r.exit_code == 0
    assert r.stdout.startswith("weekday-mismatch (error)")
    assert "23 March 2021 was a Tuesday" in r.stdout
    r = cli("check", "--explain", "weekday-mismatc", cwd=tmp_path)
    assert r.exit_code == 2
    assert "Hint: Did you mean weekday-mismatch?" in r.stderr


def test_draft_shows_the_offline_warnings(cli, workspace):
    write_issue(workspace, {"stories/s.md": story("News", "Thank you andthe team.")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output
    assert "run-together" in r.stderr
    assert "1 warning (listed above)." in r.stdout


def test_draft_builds_and_counts_check_errors(cli, workspace):
    write_issue(workspace, {"stories/s.md": story("News", "Venue TODO, andthe rest.")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output
    assert "drafts/2026-12/stories/s.md:4: placeholder-left" in r.stderr
    assert "1 error and 1 warning (listed above). Fix the errors before sending" in r.stdout
    assert (workspace / "drafts/2026-12/build/issue.html").is_file()


# --help with its examples: tests/test_cli.py; nothing heavy at start-up: tests/test_install.py


# --- broken settings: the problems found, exit 1 ------------------------------------------------

BROKEN = 'colour = "green"\n'


def _break_settings(workspace):
    settings = workspace / "copro-news.toml"
    text = settings.read_text().replace('timezone = "Europe/London"', 'timezone = "London"')
    settings.write_text(text + BROKEN)


def test_json_with_broken_settings_is_one_document(cli, workspace):
    write_issue(workspace)
    _break_settings(workspace)
    r = cli("check", "--offline", "--json", cwd=workspace)
    assert r.exit_code == 1, r.output
    doc = json.loads(r.stdout)
    assert (doc["issue"], doc["at"], doc["errors"], doc["warnings"]) == ("2026-12", None, 1, 1)
    assert [(p["code"], p["severity"], p["file"], p["line"]) for p in doc["problems"]] == [
        ("settings-invalid", "error", "copro-news.toml", 2),
        ("settings-unknown", "warning", "copro-news.toml", 17),
    ]


def test_json_with_unparsable_settings(cli, workspace):
    write_issue(workspace)
    (workspace / "copro-news.toml").write_text('name = "News\n')
    r = cli("check", "--json", "2026-12", cwd=workspace)
    assert r.exit_code == 1
    [p] = json.loads(r.stdout)["problems"]
    assert (p["code"], p["file"], p["line"]) == ("settings-invalid", "copro-news.toml", 1)


def test_broken_settings_are_listed_on_stdout(cli, workspace):
    write_issue(workspace)
    _break_settings(workspace)
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert "copro-news.toml:2: settings-invalid 'timezone' is not a known time zone" in r.stdout
    assert r.stdout.splitlines()[-1] == (
        "2026-12: 1 error, 1 warning (copro-news.toml has errors, so the issue was not checked)"
    )


def test_broken_settings_keep_exit_2_for_usage_errors(cli, workspace, tmp_path):
    write_issue(workspace)
    _break_settings(workspace)
    r = cli("check", "--json", "2031-01", cwd=workspace)
    assert (r.exit_code, r.stdout) == (2, "")
    assert "Error: There is no issue '2031-01' in drafts/." in r.stderr
    r = cli("check", "--json", cwd=tmp_path)
    assert (r.exit_code, r.stdout) == (2, "")


# --- every time in the workspace's time zone ------------------------------------------------------


def test_scheduled_time_is_shown_in_the_workspace_zone(cli, workspace):
    folder = write_issue(workspace, {"stories/s.md": story("News", "We met.")}, name="2026-06")
    (folder / "send.json").write_text(json.dumps({"scheduled_for": "2026-06-01T08:00:00+00:00"}))
    r = cli("check", "--offline", cwd=workspace)
    assert r.stdout.splitlines()[-1] == (
        "2026-06: no problems found (at 2026-06-01 09:00 BST; links not checked (--offline))"
    )
    r = cli("check", "--offline", "--json", cwd=workspace)
    assert json.loads(r.stdout)["at"] == "2026-06-01T09:00:00+01:00"


def test_at_in_another_zone_agrees_with_the_messages(cli, workspace):
    write_issue(workspace, {"events/e.md": event("Cuppa", "2026-06-01 04:30")}, name="2026-06")
    args = ("check", "--offline", "--at", "2026-06-01T09:00+05:00")
    r = cli(*args, cwd=workspace)
    assert "starts on 2026-06-01 04:30, before the send time (2026-06-01 05:00)." in r.stdout
    assert r.stdout.splitlines()[-1].endswith(
        "(at 2026-06-01 05:00 BST; links not checked (--offline))"
    )
    r = cli(*args, "--json", cwd=workspace)
    assert json.loads(r.stdout)["at"] == "2026-06-01T05:00:00+01:00"


def test_fresh_and_offline_together_is_a_usage_error(cli, workspace):
    write_issue(workspace)
    r = cli("check", "--fresh", "--offline", cwd=workspace)
    assert r.exit_code == 2
    assert "--fresh checks every link again and --offline checks none" in r.stderr
