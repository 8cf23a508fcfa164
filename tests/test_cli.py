"""Every command through the real command line, in a temporary workspace."""

import re
import sys
from datetime import date
from pathlib import Path

import pytest

from copro_news import __version__
from copro_news.workspace import next_month
from tests.conftest import make_workspace, on_terminal, run_cli
from tests.helpers import ISSUE_MD, snippet
from tests.test_install import command_names

COMMANDS = command_names()  # every command, so that a new one is covered without an edit
# Examples that some commands' help must show, beside 'copro-news COMMAND'.
EXAMPLES = {
    "check": "copro-news check --json > problems.json",
    "preview": "copro-news preview --browser",
}
INIT_FLAGS = [
    "--name",
    "Co-Production Collective",
    "--email",
    "news@example.org",
    "--postal-address",
    "1 Example Street, London",
    "--website",
    "https://example.org",
]


def test_version(cli):
    r = cli("--version")
    assert r.exit_code == 0
    assert r.stdout.strip() == f"copro-news {__version__}"


def test_help_teaches(cli):
    assert {"init", "new", "add", "draft", "check", "send", "status"} <= set(COMMANDS)
    r = cli("--help")
    assert r.exit_code == 0
    for name in COMMANDS:
        assert re.search(rf"^  {name}\s+\S", r.stdout, re.M), name
    assert "Quick start:" in r.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cli, command):
    r = cli(command, "--help")
    assert r.exit_code == 0
    assert r.stdout.count("Examples:") == 1, r.stdout
    section = r.stdout.split("Examples:")[1].split("\n\n")[0]
    examples = [line.strip() for line in section.splitlines() if line.strip()]
    assert any(re.search(rf"(^|\| )copro-news {command}\b", e) for e in examples), r.stdout
    if command in EXAMPLES:
        assert EXAMPLES[command] in examples


def test_no_arguments_shows_help(cli):
    r = cli()
    assert r.exit_code == 2  # a usage error: scripts see that no command ran
    assert r.stdout == ""
    assert r.stderr.startswith("Usage: copro-news [OPTIONS] COMMAND [ARGS]...\n")
    assert "Quick start:" in r.stderr and "Commands:" in r.stderr


def test_unknown_option_is_a_usage_error(cli, workspace):
    r = cli("draft", "--bogus", cwd=workspace)
    assert r.exit_code == 2
    assert "No such option: --bogus" in r.stderr
    assert "Traceback" not in r.output


def test_init_with_flags_then_draft(cli, tmp_path):
    r = cli("init", "news", *INIT_FLAGS, cwd=tmp_path)
    assert r.exit_code == 0, r.output
    root = tmp_path / "news"
    month = next_month(date.today())
    assert f"drafts/{month}/issue.md" in r.stdout
    assert "Next: cd news && copro-news draft" in r.stdout
    toml = (root / "copro-news.toml").read_text()
    assert 'postal_address = "1 Example Street, London"' in toml
    assert (root / ".gitignore").read_text().count("build/") == 1
    for kind in ("events", "partnerships", "actions", "stories"):
        assert list((root / "drafts" / month / kind).glob("*.md")), kind
    r = cli("draft", cwd=root)
    assert r.exit_code == 0, r.output
    assert "intro, 2 events, 1 partnership, 1 action, 1 story" in r.stdout
    assert "No problems found." in r.stdout
    build = root / "drafts" / month / "build"
    assert sorted(p.name for p in build.iterdir() if not p.name.startswith(".")) == [
        "issue.eml",
        "issue.html",
        "issue.txt",
    ]


def test_init_defaults_without_a_terminal(cli, tmp_path):
    r = cli("init", str(tmp_path / "ws"), cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert 'name = "Co-Production Collective"' in (tmp_path / "ws" / "copro-news.toml").read_text()


def test_init_never_touches_an_existing_workspace(cli, tmp_path):
    assert cli("init", "ws", cwd=tmp_path).exit_code == 0
    settings = tmp_path / "ws" / "copro-news.toml"
    settings.write_text(settings.read_text() + "# my edit\n")
    r = cli("init", "ws", "--name", "Other", cwd=tmp_path)
    assert r.exit_code == 1
    assert "exists already" in r.stderr
    assert r.stderr.splitlines() == [
        "Error: ws/copro-news.toml exists already: this is a workspace.",
        "Hint: Nothing was changed. To start a new issue here, run: copro-news new",
    ]
    assert settings.read_text().endswith("# my edit\n")


def test_init_adds_to_an_existing_gitignore_and_keeps_its_lines(cli, tmp_path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / ".gitignore").write_text("mine\noutbox/")
    assert cli("init", "ws", cwd=tmp_path).exit_code == 0
    text = (tmp_path / "ws" / ".gitignore").read_text()
    assert text.startswith("mine\noutbox/\n")
    assert text.count("outbox/") == 1 and "drafts/*/build/" in text
    assert cli("init", "ws2", cwd=tmp_path).exit_code == 0


def test_init_leaves_an_existing_issue_of_that_month_alone(cli, tmp_path):
    month = next_month(date.today())
    issue = tmp_path / "ws" / "drafts" / month / "issue.md"
    issue.parent.mkdir(parents=True)
    issue.write_text("mine")
    r = cli("init", "ws", cwd=tmp_path)
    assert r.exit_code == 0
    assert f"Kept drafts/{month} as it was: the example issue was not added." in r.stdout
    assert issue.read_text() == "mine"
    assert sorted(p.name for p in issue.parent.iterdir()) == ["issue.md"]


def test_init_without_example_says_to_start_an_issue(cli, tmp_path):
    r = cli("init", "ws", "--no-example", cwd=tmp_path)
    assert r.exit_code == 0
    assert "Next: cd ws && copro-news new" in r.stdout
    assert list((tmp_path / "ws" / "drafts").iterdir()) == []


def test_init_inside_a_workspace_warns(cli, workspace):
    r = cli("init", "inner", cwd=workspace)
    assert r.exit_code == 0
    assert "is inside the workspace" in r.stderr


def test_init_rejects_bad_input(cli, tmp_path):
    r = cli("init", "ws", "--email", "nobody", cwd=tmp_path)
    assert r.exit_code == 2
    assert "Error: 'nobody' is not an email address." in r.stderr
    assert not (tmp_path / "ws").exists()


def test_new_defaults_to_next_month(cli, workspace):
    r = cli("new", cwd=workspace)
    assert r.exit_code == 0, r.output
    month = next_month(date.today())
    text = (workspace / "drafts" / month / "issue.md").read_text()
    assert f"date: {month}-01" in text
    r = cli("new", month, cwd=workspace)
    assert r.exit_code == 1
    assert "exists already" in r.stderr
    assert r.stderr.splitlines() == [
        f"Error: The issue {month} exists already: {workspace / 'drafts' / month / 'issue.md'}.",
        "Hint: Edit it and add snippets to it (copro-news add SECTION TITLE); if it is the "
        f"example that init made, delete the folder drafts/{month} to start afresh.",
    ]


def test_new_issue_drafts_after_adding_content(cli, workspace):
    assert cli("new", "2026-12", cwd=workspace).exit_code == 0
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("bad", ["2026-13", "december", "26-12"])
def test_new_rejects_bad_months(cli, workspace, bad):
    r = cli("new", bad, cwd=workspace)
    assert r.exit_code == 2
    assert "Issues are named by month, like 2026-12." in r.stderr


def test_add_creates_a_commented_snippet(cli, workspace):
    cli("new", "2026-12", cwd=workspace)
    r = cli("add", "event", "Co-Pro Cuppa: December!", cwd=workspace)
    assert r.exit_code == 0, r.output
    path = workspace / "drafts/2026-12/events/co-pro-cuppa-december.md"
    text = path.read_text()
    assert 'title: "Co-Pro Cuppa: December!"' in text
    assert "start: TODO" in text
    for field in ("end", "location", "link", "link_text", "order"):
        assert f"# {field}:" in text
    # until the TODO is filled in, draft refuses and says where
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert "drafts/2026-12/events/co-pro-cuppa-december.md:3: field-invalid" in r.stderr
    assert not (workspace / "drafts/2026-12/build").exists()
    # filled in, it drafts
    path.write_text(text.replace("start: TODO", "start: 2026-12-01 12:30 #"))
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output


def test_add_refuses_to_overwrite_and_unknown_sections(cli, workspace):
    cli("new", "2026-12", cwd=workspace)
    assert cli("add", "stories", "Hello", cwd=workspace).exit_code == 0
    path = workspace / "drafts/2026-12/stories/hello.md"
    path.write_text("mine")
    r = cli("add", "stories", "Hello", cwd=workspace)
    assert r.exit_code == 1 and "exists already" in r.stderr
    assert r.stderr.splitlines() == [
        f"Error: {path} exists already.",
        "Hint: Edit that file, or choose another title.",
    ]
    assert path.read_text() == "mine"
    r = cli("add", "gossip", "Hello", cwd=workspace)
    assert r.exit_code == 2
    assert "Use one of: events, partnerships, actions, stories." in r.stderr
    assert r.stderr.splitlines() == [
        "Error: 'gossip' is not a section.",
        "Hint: Use one of: events, partnerships, actions, stories.",
    ]


def test_add_to_a_named_issue_and_edit(cli, workspace, monkeypatch, tmp_path):
    cli("new", "2026-11", cwd=workspace)
    cli("new", "2026-12", cwd=workspace)
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('edited\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    r = cli("add", "actions", "Survey", "--issue", "2026-11", "--edit", cwd=workspace)
    assert r.exit_code == 0, r.output
    assert (workspace / "drafts/2026-11/actions/survey.md").read_text().endswith("edited\n")


def test_add_edit_without_an_editor_says_so(cli, workspace):
    cli("new", "2026-12", cwd=workspace)
    r = cli("add", "stories", "News", "--edit", cwd=workspace)
    assert r.exit_code == 1
    assert "No editor is set" in r.stderr
    assert r.stderr.splitlines() == [
        "Error: No editor is set, so the file was not opened (it was created).",
        "Hint: Set EDITOR, e.g. export EDITOR=nano, or open the file yourself.",
    ]
    assert (workspace / "drafts/2026-12/stories/news.md").exists()


def test_issue_argument_defaults_to_the_newest(cli, workspace):
    (workspace / "drafts/2026-11").mkdir(parents=True)
    (workspace / "drafts/2026-11/issue.md").write_text(ISSUE_MD.replace("December", "November"))
    (workspace / "drafts/2027-01").mkdir(parents=True)
    (workspace / "drafts/2027-01/issue.md").write_text(ISSUE_MD)
    r = cli("draft", cwd=workspace)
    assert "Drafted 2027-01" in r.stdout
    r = cli("draft", "2026-11", cwd=workspace)
    assert "Drafted 2026-11" in r.stdout


def test_unknown_issue_and_no_workspace_are_usage_errors(cli, workspace, tmp_path):
    cli("new", "2026-12", cwd=workspace)
    r = cli("draft", "2026-21", cwd=workspace)
    assert r.exit_code == 2
    assert "Error: There is no issue '2026-21' in drafts/." in r.stderr
    assert "Hint: Did you mean 2026-12?" in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("draft", cwd=empty)
    assert r.exit_code == 2
    assert "Error: This folder is not inside a copro-news workspace." in r.stderr


def test_workspace_option_and_subfolder(cli, workspace, tmp_path):
    cli("new", "2026-12", cwd=workspace)
    r = cli("--workspace", str(workspace), "draft", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    r = cli("draft", cwd=workspace / "drafts" / "2026-12")
    assert r.exit_code == 0, r.output


def test_draft_with_errors_writes_nothing(cli, workspace):
    folder = workspace / "drafts/2026-12"
    folder.mkdir()
    (folder / "issue.md").write_text(ISSUE_MD)
    (folder / "events").mkdir()
    (folder / "events/a.md").write_text(snippet("title: A\nstrat: 2026-12-01 10:00"))
    (folder / "events/b.md").write_text(snippet("title: B\nstart: 2026-12-01 25:00\nlink: nowhere"))
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    err = r.stderr
    assert (
        "drafts/2026-12/events/a.md:3: field-missing The required field 'start' is missing." in err
    )
    assert "hint: Is 'strat' meant to be 'start'? Correct the spelling." in err
    assert "drafts/2026-12/events/a.md:3: field-unknown Unknown field 'strat'." in err
    assert "hint: Did you mean 'start'?" in err
    assert "drafts/2026-12/events/b.md:3: field-invalid" in err
    assert "drafts/2026-12/events/b.md:4: field-invalid" in err
    assert "Error: The issue has 3 errors; nothing was written." in err
    assert not (folder / "build").exists()
    assert "Traceback" not in r.output


def test_draft_never_touches_a_hand_made_build_folder(cli, workspace):
    folder = workspace / "drafts/2026-12"
    (folder / "build").mkdir(parents=True)
    (folder / "issue.md").write_text(ISSUE_MD)
    (folder / "build" / "issue.html").write_text("my own page")
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Error: {folder / 'build'} holds files that copro-news did not make, "
        "so nothing was written.",
        "Hint: Move them elsewhere: build/ is where copro-news writes the built email.",
    ]
    assert (folder / "build" / "issue.html").read_text() == "my own page"


def test_draft_never_writes_over_a_file_named_build(cli, workspace):
    folder = workspace / "drafts/2026-12"
    folder.mkdir(parents=True)
    (folder / "issue.md").write_text(ISSUE_MD)
    (folder / "build").write_text("my notes")
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert re.search(r"Error: \S+build is a file, so the build cannot be written there\.", r.stderr)
    assert "Hint: Rename or move that file." in r.stderr
    assert (folder / "build").read_text() == "my notes"


def test_draft_rewrites_its_own_build(cli, tmp_path):
    folder = make_workspace(tmp_path, fixture="march-2022") / "drafts" / "2022-03"
    assert cli("draft", cwd=tmp_path).exit_code == 0
    (folder / "issue.md").write_text((folder / "issue.md").read_text().replace("Spring", "Summer"))
    assert cli("draft", cwd=tmp_path).exit_code == 0
    assert "Summer is here" in (folder / "build/issue.html").read_text()
    leftovers = [p.name for p in (folder / "build").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_bad_settings_are_listed_with_lines(cli, workspace):
    toml = workspace / "copro-news.toml"
    toml.write_text(
        "local = 1\n" + toml.read_text().replace('email = "news@example.org"', 'email = "news"')
    )
    r = cli("new", cwd=workspace)
    assert r.exit_code == 1  # problems found in a file, not a usage error
    assert "copro-news.toml:8: settings-invalid 'sender.email' is not an email address" in r.stderr
    assert "settings-unknown Unknown setting 'local'." in r.stderr
    assert "hint: Did you mean 'locale'?" in r.stderr


def test_templates_list_and_copy(cli, workspace):
    r = cli("templates", cwd=workspace)
    assert r.exit_code == 0
    assert re.search(r"^email.html\s+house style \(packaged\)$", r.stdout, re.M)
    mine = workspace / "templates" / "style.css"
    mine.parent.mkdir()
    mine.write_text("/* mine */")
    r = cli("templates", "--copy", cwd=workspace)
    assert r.exit_code == 0
    assert re.search(r"^style.css\s+kept \(exists\)$", r.stdout, re.M)
    assert mine.read_text() == "/* mine */"
    assert (workspace / "templates/sections/events.html").is_file()
    assert (workspace / "templates/email.txt").is_file()


def test_broken_template_is_a_clear_error(cli, tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    (tmp_path / "templates/sections").mkdir(parents=True)
    (tmp_path / "templates/sections/events.html").write_text("{% for x in %}\n")
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 1
    assert "Error: A template has a mistake in templates/sections/events.html, line 1" in r.stderr


def test_unexpected_errors_have_no_traceback_but_debug_shows_one(cli, tmp_path, monkeypatch):
    make_workspace(tmp_path, fixture="march-2022")

    def boom(*args, **kwargs):
        raise RuntimeError("internal failure")

    monkeypatch.setattr("copro_news.build.write_build", boom)
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "rerun the command with --debug" in r.stderr
    log = Path(re.search(r"The details are in (\S+)\.$", r.stderr, re.M).group(1))
    assert "RuntimeError: internal failure" in log.read_text()
    with pytest.raises(RuntimeError):
        from copro_news.cli import main

        main(["--debug", "draft"])


def test_ctrl_c_exits_130(cli, tmp_path, monkeypatch):
    make_workspace(tmp_path, fixture="march-2022")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("copro_news.build.write_build", interrupted)
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 130
    assert "Stopped." in r.stderr


def test_no_colour_in_pipes_and_with_no_color(tmp_path, monkeypatch):
    make_workspace(tmp_path, fixture="march-2022")
    monkeypatch.delenv("NO_COLOR")
    r = run_cli(["draft", "2022-03"], cwd=tmp_path)  # a subprocess: stdout is a pipe
    assert "\x1b[" not in r.output
    r = run_cli(["--no-color", "draft", "nope"], cwd=tmp_path, env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in r.output
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: There is no issue 'nope' in drafts/.",
        "Hint: The issues are: 2022-03.",
    ]


def test_console_script_runs_as_a_module(tmp_path):
    r = run_cli(["--version"], cwd=tmp_path)
    assert r.exit_code == 0 and __version__ in r.stdout


def test_a_folder_without_issue_md_is_explained(cli, workspace):
    (workspace / "drafts/2026-12/events").mkdir(parents=True)
    r = cli("draft", "2026-12", cwd=workspace)
    assert r.exit_code == 2
    assert "Error: drafts/2026-12 has no issue.md, so it is not an issue." in r.stderr
    assert "Hint: Make one with: copro-news new 2026-12" in r.stderr
    assert cli("new", "2026-12", cwd=workspace).exit_code == 0


def test_a_copied_issue_folder_is_not_an_issue(cli, tmp_path):
    import shutil

    folder = make_workspace(tmp_path, fixture="march-2022") / "drafts" / "2022-03"
    shutil.copytree(folder, folder.parent / "2022-03 copy")
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 0
    assert "Drafted 2022-03:" in r.stdout  # the copy is never the default
    r = cli("draft", "2022-03 copy", cwd=tmp_path)
    assert r.exit_code == 2
    assert "Error: '2022-03 copy' is not an issue name, so it is not an issue." in r.stderr


def test_no_issue_md_anywhere_names_the_folder(cli, workspace):
    (workspace / "drafts/2026-12/events").mkdir(parents=True)
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 2
    assert "Error: drafts/2026-12 has no issue.md, so there is no issue yet." in r.stderr


def test_a_folder_that_cannot_be_written_is_a_plain_error(cli, tmp_path, monkeypatch):
    make_workspace(tmp_path, fixture="march-2022")

    def denied(path, data, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("copro_news.fsutil.atomic_write", denied)
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 1
    assert "Traceback" not in r.output and "inside copro-news" not in r.output
    assert re.search(r"Error: Cannot use \S+build/\.copro-news: permission denied\.", r.stderr)
    assert "Hint: Check that you may write in that folder" in r.stderr


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ item.titel }}", "templates/sections/events.html, line 2: "),
        ("{{ 1/0 }}", "templates/sections/events.html, line 2: division by zero."),
        ("{{ when(item.start, item.end, 3, 4) }}", "templates/sections/events.html, line 2: "),
    ],
)
def test_template_mistakes_name_the_file_and_line(cli, tmp_path, template, expected):
    make_workspace(tmp_path, fixture="march-2022")
    events = tmp_path / "templates/sections/events.html"
    events.parent.mkdir(parents=True)
    events.write_text("{% for item in items %}\n" + template + "\n{% endfor %}\n")
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 1, r.output
    assert "inside copro-news" not in r.stderr
    assert f"Error: A template has a mistake in {expected}" in r.stderr


def test_a_missing_include_names_the_template_that_uses_it(cli, tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    stories = tmp_path / "templates/sections/stories.html"
    stories.parent.mkdir(parents=True)
    stories.write_text('<tr><td>\n{% include "nope.html" %}</td></tr>\n')
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 1
    assert (
        "Error: A template in templates/sections/stories.html, line 2 uses 'nope.html', "
        "which does not exist." in r.stderr
    )


def test_a_template_that_is_not_utf8(cli, tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/email.txt").write_bytes("caf\xe9 {{ subject }}".encode("latin-1"))
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 1
    assert "Error: templates/email.txt is not UTF-8 text." in r.stderr


def test_a_nested_media_query_is_explained(cli, tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/style.css").write_text(
        "p { color: red; }\n@media screen { @media (max-width: 600px) { p { color: blue; } } }\n"
    )
    r = cli("draft", cwd=tmp_path)
    assert "inside copro-news" not in r.stderr
    if r.exit_code:
        assert "keep each @media block flat" in r.stderr


def test_no_color_on_a_terminal_prints_no_escape_codes(tmp_path, monkeypatch):
    make_workspace(tmp_path, fixture="march-2022")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    run = on_terminal(["draft", "nope"], tmp_path)
    assert run.exit_code == 2
    assert "Error: There is no issue 'nope'" in run.shown
    assert "\x1b[" not in run.shown
    monkeypatch.delenv("NO_COLOR")
    run = on_terminal(["draft", "nope"], tmp_path)
    assert "\x1b[" in run.shown  # colour on a terminal otherwise


def test_templates_point_out_files_that_are_not_used(cli, workspace):
    (workspace / "templates/sections").mkdir(parents=True)
    (workspace / "templates/sections/event.html").write_text("x")
    (workspace / "templates/style.css").write_text("p {}")
    r = cli("templates", cwd=workspace)
    assert re.search(r"^style.css\s+yours, in templates/$", r.stdout, re.M)
    assert re.search(r"^templates/sections/event.html\s+not used", r.stdout, re.M)


def test_a_global_option_after_the_command_is_explained(cli, workspace):
    r = cli("draft", "-w", str(workspace), cwd=workspace)
    assert r.exit_code == 2
    assert "Hint: -w goes before the command" in r.stderr


def test_add_suggests_the_section_meant(cli, workspace):
    cli("new", "2026-12", cwd=workspace)
    r = cli("add", "evnts", "Cuppa", cwd=workspace)
    assert r.exit_code == 2
    assert "Hint: Did you mean events?" in r.stderr


def test_month_thirteen_is_not_an_issue(cli, tmp_path):
    import shutil

    folder = make_workspace(tmp_path, fixture="march-2022") / "drafts" / "2022-03"
    shutil.copytree(folder, folder.parent / "2022-13")
    r = cli("draft", cwd=tmp_path)
    assert "Drafted 2022-03:" in r.stdout
    r = cli("status", "--all", cwd=tmp_path)
    assert "2022-13" not in r.stdout


def test_an_email_with_a_stray_comma_is_refused(cli, tmp_path):
    r = cli("init", "ws", "--email", "news@org.uk,", cwd=tmp_path)
    assert r.exit_code == 2
    assert "Error: 'news@org.uk,' is not an email address." in r.stderr
    make_workspace(tmp_path / "w2", fixture="march-2022")
    toml = tmp_path / "w2" / "copro-news.toml"
    toml.write_text(toml.read_text().replace('"hello@example.org"', '"a@b.org;"'))
    r = cli("draft", cwd=tmp_path / "w2")
    assert r.exit_code == 1
    assert "'sender.reply_to' is not an email address" in r.stderr


def test_init_refuses_an_unknown_time_zone(cli, tmp_path):
    r = cli("init", "ws", "--timezone", "Europe/Londn", cwd=tmp_path)
    assert r.exit_code == 2
    assert "Error: 'Europe/Londn' is not a known time zone." in r.stderr
    assert not (tmp_path / "ws").exists()


def test_status_all_lists_issues_beside_a_send_record_that_is_not_text(cli, tmp_path):
    folder = make_workspace(tmp_path, fixture="march-2022") / "drafts" / "2022-03"
    (folder / "send.json").write_bytes(b"\xff\xfe")
    r = cli("status", "--all", cwd=tmp_path)
    assert "inside copro-news" not in r.stderr
    assert "2022-03" in r.stdout


def test_no_color_draws_no_spinner_on_a_terminal(tmp_path, monkeypatch):
    make_workspace(tmp_path, fixture="march-2022")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    run = on_terminal(["status"], tmp_path)
    assert "\x1b[" not in run.shown, run.shown


def test_status_all_marks_issues_without_a_record(cli, tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    r = cli("status", "--all", cwd=tmp_path)
    assert r.exit_code == 0
    assert re.search(r"^2022-03\s+no record", r.stdout, re.M)
    assert "'copro-news status ISSUE' asks the provider" in r.stdout


def test_a_broken_media_block_is_not_lost_silently(cli, tmp_path):
    from copro_news.render import package_templates

    make_workspace(tmp_path, fixture="march-2022")
    css = (package_templates() / "style.css").read_text()
    broken = css.replace("@media only screen and (max-width: 620px) {", "@media only screen", 1)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/style.css").write_text(broken)
    r = cli("draft", cwd=tmp_path)
    assert r.exit_code == 1
    assert "@media rules of the stylesheet" in r.stderr
    assert "inside copro-news" not in r.stderr
