"""check in a team's git: --format github (annotations and the job summary) and check FILE...
(what a pre-commit hook passes)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.checkutil import event, story, write_issue
from tests.conftest import build_file_tree, make_workspace
from tests.test_check_cli import FAULTY

AT = ("--at", "2022-04-01 09:00")
ANNOTATION = re.compile(
    r"^::(error|warning) file=[^,]+(,line=\d+)?,title=copro-news \([a-z-]+\)::.+$"
)


def unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    """(kind, properties, message) of one workflow command, unescaped as GitHub does."""
    head, message = line[2:].split("::", 1)
    kind, _, props = head.partition(" ")
    fields = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return kind, {k: unescape_property(v) for k, v in fields.items()}, unescape_data(message)


def git_repository(path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True)


@pytest.fixture
def repo(tmp_path):
    """A git repository whose workspace is in its folder news/, holding the faulty issue."""
    git_repository(tmp_path / "repo")
    ws = tmp_path / "repo" / "news"
    make_workspace(ws)
    write_issue(ws, FAULTY, name="2022-04")
    return ws


# --- --format github ---------------------------------------------------------------------------


def test_one_annotation_per_problem_with_paths_from_the_repository_root(cli, repo, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    expected = json.loads(cli("check", "--offline", "--json", *AT, cwd=repo).stdout)
    r = cli("check", "--offline", "--format", "github", *AT, cwd=repo)
    assert r.exit_code == 1, r.output
    lines = r.stdout.splitlines()
    assert lines[-1] == (
        "2022-04: 6 errors, 5 warnings (at 2022-04-01 09:00 BST; links not checked (--offline))"
    )
    annotations = lines[:-1]
    assert len(annotations) == len(expected["problems"]) == 11
    for line, p in zip(annotations, expected["problems"], strict=True):
        assert ANNOTATION.match(line), line
        kind, props, message = parse_annotation(line)
        assert kind == p["severity"]
        assert props["file"] == "news/" + p["file"]
        assert props.get("line") == (str(p["line"]) if p["line"] else None)
        assert props["title"] == f"copro-news ({p['code']})"
        assert message == f"{p['message']}\nHint: {p['hint']}"
    assert (
        "::error file=news/drafts/2022-04/actions/survey.md,line=3,title=copro-news "
        "(deadline-passed)::The deadline 2022-03-13 is 19 days before the send time "
        "(2022-04-01).%0AHint: Remove the action, or give its new deadline if it was extended."
    ) in annotations
    assert r.stderr == ""


def test_the_same_exit_codes_as_text(cli, repo):
    write_issue(
        repo, {"stories/s.md": story("News", "[click here](https://example.org/s)")}, name="2022-05"
    )
    r = cli("check", "2022-05", "--offline", "--format", "github", *AT, cwd=repo)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[-1].startswith("2022-05: 0 errors, 1 warning (at ")
    r = cli("check", "2022-05", "--offline", "--strict", "--format", "github", *AT, cwd=repo)
    assert r.exit_code == 1
    r = cli("check", "2099-01", "--format", "github", cwd=repo)
    assert r.exit_code == 2


def test_escaping_of_messages_and_of_paths_with_commas_and_colons(cli, workspace):
    name = "tea, cake: 100% fun.md"
    write_issue(workspace, {f"events/{name}": event("Tea", "1st December")})
    r = cli("check", "--offline", "--format", "github", "--at", "2026-12-01 09:00", cwd=workspace)
    assert r.exit_code == 1
    line = next(x for x in r.stdout.splitlines() if "field-invalid" in x)
    assert line.startswith(
        "::error file=drafts/2026-12/events/tea%2C cake%3A 100%25 fun.md,line=3,"
        "title=copro-news (field-invalid)::'start' is not a date and time"
    )
    _, props, message = parse_annotation(line)
    assert props["file"] == f"drafts/2026-12/events/{name}"  # no git: from the workspace
    assert message.startswith("'start' is not a date and time (YYYY-MM-DD HH:MM): '1st December'.")
    assert "\n" not in line and "\r" not in line


def test_escaping_round_trips_every_special_character():
    from copro_news.ci import annotation
    from copro_news.problems import Problem

    message = "50% off, at 12:30\r\nthe next line: a, b"
    p = Problem("placeholder-left", "error", message, "drafts/a,b:c%.md", 4, "Fix: it, now")
    line = annotation(p, p.file)
    assert "\n" not in line and "\r" not in line
    kind, props, text = parse_annotation(line)
    assert (kind, props["file"], props["line"]) == ("error", "drafts/a,b:c%.md", "4")
    assert text == message + "\nHint: Fix: it, now"


def test_the_job_summary_lists_every_problem(cli, repo, tmp_path, monkeypatch):
    stories = {f"stories/s{n:02}.md": story(f"Note {n}", "Venue TBC.") for n in range(14)}
    write_issue(repo, {**FAULTY, **stories}, name="2022-04")
    summary = tmp_path / "summary.md"
    summary.write_text("Earlier step.\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = cli("check", "--offline", "--format", "github", *AT, cwd=repo)
    assert r.exit_code == 1
    problems = json.loads(cli("check", "--offline", "--json", *AT, cwd=repo).stdout)["problems"]
    assert len(problems) == 25
    text = summary.read_text()
    assert text.startswith("Earlier step.\n### copro-news check: 2022-04\n")
    rows = [x for x in text.splitlines() if x.startswith("| error |") or x.startswith("| warn")]
    assert len(rows) == 25
    assert (
        "| error | `deadline-passed` | news/drafts/2022-04/actions/survey.md:3 | The deadline "
        "2022-03-13 is 19 days before the send time (2022-04-01).<br>Hint: Remove the action, "
        "or give its new deadline if it was extended. |"
    ) in rows
    assert "2022-04: 20 errors, 5 warnings (at 2022-04-01 09:00 BST" in text
    # GitHub shows 10 of each kind: a notice says where the rest are
    notice = r.stdout.splitlines()[-2]
    assert notice == (
        "::notice title=copro-news::GitHub shows 10 errors and 10 warnings on the files; all "
        "25 problems are listed in the job summary."
    )


def test_summary_cells_show_text_as_written(cli, workspace, tmp_path, monkeypatch):
    write_issue(workspace, {"stories/a|b <i>*x*.md": story("News", "Venue TBC.")})
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    cli("check", "--offline", "--format", "github", "--at", "2026-12-01 09:00", cwd=workspace)
    row = next(x for x in summary.read_text().splitlines() if "placeholder-left" in x)
    assert row.count(" | ") == 3  # the | of the name does not make a column
    assert "drafts/2026-12/stories/a\\|b &lt;i&gt;\\*x\\*.md:4" in row
    assert "<i>" not in row


def test_no_problems_is_a_short_summary(cli, tmp_path, monkeypatch):
    address = ("--postal-address", "Unit 4, 20 Canal Road, Leeds, LS12 2PL")
    assert cli("init", "news", *address, cwd=tmp_path).exit_code == 0
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    r = cli("check", "--offline", "--format", "github", cwd=tmp_path / "news")
    assert r.exit_code == 0, r.output
    assert len(r.stdout.splitlines()) == 1 and ": no problems found (at " in r.stdout
    assert "| error |" not in summary.read_text()
    assert ": no problems found (at " in summary.read_text()


def test_broken_settings_are_annotated_on_the_settings_file(cli, repo):
    settings = repo / "copro-news.toml"
    settings.write_text(settings.read_text().replace('"Europe/London"', '"London"'))
    r = cli("check", "--format", "github", cwd=repo)
    assert r.exit_code == 1
    first = r.stdout.splitlines()[0]
    assert first.startswith(
        "::error file=news/copro-news.toml,line=2,title=copro-news (settings-invalid)::"
    )
    assert r.stdout.splitlines()[-1] == (
        "2022-04: 1 error, 0 warnings (copro-news.toml has errors, so the issue was not checked)"
    )


def test_json_and_format_json_are_the_same_and_formats_are_checked(cli, repo):
    a = cli("check", "--offline", "--json", *AT, cwd=repo)
    b = cli("check", "--offline", "--format", "json", *AT, cwd=repo)
    assert a.stdout == b.stdout and a.exit_code == b.exit_code == 1
    r = cli("check", "--json", "--format", "github", cwd=repo)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: --json and --format github ask for two formats.",
        "Hint: Use one of them.",
    ]
    r = cli("check", "--format", "sarif", cwd=repo)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: --format 'sarif' is not a format copro-news knows.",
        "Hint: Use one of: text, json, github.",
    ]


# --- check FILE... -----------------------------------------------------------------------------


@pytest.fixture
def two_issues(workspace):
    write_issue(workspace, {"events/cuppa.md": event("Cuppa", "2026-11-03 12:30")}, name="2026-11")
    write_issue(
        workspace,
        {
            "events/cuppa.md": event("Cuppa", "2026-12-01 12:30"),
            "actions/survey.md": '---\ntitle: "Survey"\ndeadline: 2026-12-20\n---\nTell us.\n',
        },
        name="2026-12",
    )
    return workspace


def test_files_of_one_issue_check_it_once(cli, two_issues):
    r = cli(
        "check",
        "drafts/2026-12/events/cuppa.md",
        "drafts/2026-12/actions/survey.md",
        "drafts/2026-12/issue.md",
        "--offline",
        "--json",
        "--at",
        "2026-11-01 09:00",
        cwd=two_issues,
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["issue"] == "2026-12"  # one issue: the usual object
    r = cli(
        "check",
        "drafts/2026-12/events/cuppa.md",
        "drafts/2026-12/actions/survey.md",
        "--offline",
        "--at",
        "2026-11-01 09:00",
        cwd=two_issues,
    )
    assert r.stdout.splitlines() == [
        "2026-12: no problems found (at 2026-11-01 09:00 GMT; links not checked (--offline))"
    ]


def test_files_of_two_issues_check_both(cli, two_issues):
    args = ["drafts/2026-12/events/cuppa.md", "drafts/2026-11/events/cuppa.md"]
    r = cli("check", *args, "--offline", "--json", "--at", "2026-11-02 09:00", cwd=two_issues)
    doc = json.loads(r.stdout)
    assert [i["issue"] for i in doc["issues"]] == ["2026-11", "2026-12"]
    assert (doc["errors"], doc["warnings"]) == (0, 0)
    assert r.exit_code == 0, r.output
    # judged later, November's event has passed: the whole run fails
    r = cli("check", *args, "--offline", "--at", "2026-11-10 09:00", cwd=two_issues)
    assert r.exit_code == 1
    assert "drafts/2026-11/events/cuppa.md:3: event-passed" in r.stdout
    summaries = [x for x in r.stdout.splitlines() if x.startswith("2026-")]
    assert [x.split(":")[0] for x in summaries] == ["2026-11", "2026-12"]


def test_files_outside_drafts_are_left_out_with_a_note(cli, two_issues):
    (two_issues / "README.md").write_text("Our newsletter.\n")
    (two_issues / "drafts" / "notes.md").write_text("Ideas.\n")
    r = cli(
        "check",
        "README.md",
        "drafts/notes.md",
        "drafts/2026-11/events/cuppa.md",
        "--offline",
        "--at",
        "2026-11-01 09:00",
        cwd=two_issues,
    )
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [
        "README.md: not in drafts/, so not checked.",
        "drafts/notes.md: not in an issue folder (drafts/YYYY-MM/), so not checked.",
    ]
    assert "2026-11: no problems found" in r.stdout and "2026-12" not in r.stdout
    r = cli("check", "README.md", "--offline", cwd=two_issues)
    assert r.exit_code == 0
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        "README.md: not in drafts/, so not checked.",
        "Nothing to check: no file named is part of an issue.",
    ]
    r = cli("check", "README.md", "--offline", "--json", cwd=two_issues)
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {"issues": [], "errors": 0, "warnings": 0}


@pytest.mark.parametrize("path", ["copro-news.toml", "templates/email.html", "drafts"])
def test_the_settings_or_a_template_selects_the_newest_issue(cli, two_issues, path):
    build_file_tree(two_issues, {"templates": {}})
    r = cli("check", path, "--offline", "--json", "--at", "2026-11-01 09:00", cwd=two_issues)
    assert json.loads(r.stdout)["issue"] == "2026-12", r.output


def test_a_workspace_in_a_folder_of_the_repository_is_found_from_the_files(cli, repo):
    top = repo.parent
    r = cli(
        "check",
        "news/drafts/2022-04/events/cuppa.md",
        "news/drafts/2022-04/issue.md",
        "--offline",
        "--format",
        "github",
        *AT,
        cwd=top,
    )
    assert r.exit_code == 1
    assert "::error file=news/drafts/2022-04/events/cuppa.md,line=3," in r.stdout


def test_an_issue_name_still_works_and_unknown_ones_are_usage_errors(cli, two_issues):
    r = cli("check", "2026-11", "--offline", "--json", "--at", "2026-11-01 09:00", cwd=two_issues)
    assert json.loads(r.stdout)["issue"] == "2026-11"
    r = cli("check", "drafts/2026-11", "--offline", "--json", "--at", "2026-11-01", cwd=two_issues)
    assert json.loads(r.stdout)["issue"] == "2026-11"
    r = cli("check", "2026-10", "--offline", cwd=two_issues)
    assert r.exit_code == 2
    assert r.stderr.splitlines()[0] == "Error: There is no issue '2026-10' in drafts/."
    # a snippet of a month that has no issue.md yet: the issue cannot be checked
    build_file_tree(two_issues, {"drafts/2027-01/events/e.md": event("Cuppa", "2027-01-05 12:30")})
    r = cli("check", "drafts/2027-01/events/e.md", "--offline", cwd=two_issues)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: drafts/2027-01 has no issue.md, so it is not an issue.",
        "Hint: Make one with: copro-news new 2027-01",
    ]
