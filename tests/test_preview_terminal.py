"""The terminal preview and --text."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tests.conftest import make_workspace, on_terminal, run_cli
from tests.preview_support import CUPPA, edit, example_workspace


@pytest.fixture
def example(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "ws"
    return root, example_workspace(root)


def cuppa_when(root: Path, folder: Path) -> str:
    from copro_news import dates
    from copro_news.content import load_issue
    from copro_news.workspace import load_workspace

    ws = load_workspace(explicit=root)
    cuppa = load_issue(ws, folder).sections["events"][0]
    return dates.event_when(cuppa.get("start"), cuppa.get("end"), "en_GB")


def test_shows_every_section_then_no_problems(example, cli):
    root, folder = example
    r = cli("preview", cwd=root)
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "\x1b" not in out
    assert all(line == line.rstrip() for line in out.splitlines())
    assert "Subject:   Team update:" in out
    assert "Preheader: Our monthly meet-up" in out
    for heading in ("Events", "Partnerships and projects", "Have your say", "News and stories"):
        assert f"\n{heading} ─" in out
    assert f"When: {cuppa_when(root, folder)}" in out
    assert "Where: Online (Zoom)" in out
    assert "Book your place: https://example.org/events/co-pro-cuppa" in out
    assert "[ Take the survey ] https://example.org/survey" in out
    assert "Deadline: by " in out
    assert " • co-production training for the regional NHS" in out
    assert "Address: Unit 4, 20 Canal Road" in out
    assert out.rstrip().splitlines()[-1].startswith("No problems found.")
    assert r.stderr == ""


def test_terminal_is_the_default_and_can_be_asked_for(example, cli):
    root, _ = example
    assert cli("preview", cwd=root).stdout == cli("preview", "--terminal", cwd=root).stdout


def test_errors_are_listed_at_the_end_with_file_and_line_and_exit_1(example, cli):
    root, folder = example
    edit(folder / CUPPA, "start: ", "start: soon ")
    r = cli("preview", cwd=root)
    assert r.exit_code == 1
    assert "Co-Pro Cuppa: our monthly online meet-up" in r.stdout
    assert "Problems: 1 error" in r.stdout
    assert f"drafts/{folder.name}/{CUPPA}:3: field-invalid" in r.stdout


def test_text_is_exactly_the_plain_text_part(example, cli):
    root, folder = example
    r = cli("preview", "--text", cwd=root)
    assert r.exit_code == 0, r.output
    assert cli("draft", cwd=root).exit_code == 0
    assert r.stdout == (folder / "build" / "issue.txt").read_text(encoding="utf-8")
    assert r.stderr == ""


def test_text_of_a_broken_issue_prints_nothing_and_exits_1(example, cli):
    root, folder = example
    edit(folder / CUPPA, "start: ", "start: soon ")
    r = cli("preview", "--text", cwd=root)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert f"{CUPPA}:3" in r.stderr
    assert "Error: The issue has 1 error" in r.stderr


def test_links_are_clickable_on_a_terminal(example):
    from rich.console import Console

    from copro_news.content import load_issue
    from copro_news.preview import terminal
    from copro_news.workspace import load_workspace

    root, folder = example
    ws = load_workspace(explicit=root)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=100)
    terminal.show(ws, load_issue(ws, folder), [], console=console)
    out = buffer.getvalue()
    assert "\x1b]8;" in out  # OSC 8 hyperlinks
    assert "https://example.org/survey\x1b\\" in out


def test_a_pipe_gets_plain_text_even_with_colour_allowed(example, monkeypatch):
    root, _ = example
    monkeypatch.delenv("NO_COLOR")
    r = run_cli(["preview"], cwd=root, env={"TERM": "xterm-256color"})
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.stdout and "Have your say" in r.stdout


def test_help_lists_the_options(cli):
    r = cli("preview", "--help")
    assert r.exit_code == 0
    assert "--no-open" in r.stdout and "--port" in r.stdout and "--text" in r.stdout


def test_a_template_mistake_is_listed_with_its_file_and_line(example, cli):
    root, _ = example
    (root / "templates" / "sections").mkdir(parents=True)
    (root / "templates" / "sections" / "events.html").write_text("<tr>\n{{ items.nope.x }}\n")
    r = cli("preview", cwd=root)
    assert r.exit_code == 1
    assert "Have your say" in r.stdout
    assert "templates/sections/events.html:2: template-invalid" in r.stdout


@pytest.mark.parametrize(
    ("args", "no_color", "escapes"),
    [
        (["preview"], False, True),
        (["preview"], True, False),
        (["--no-color", "preview"], False, False),
    ],
)
def test_on_a_terminal_links_are_clickable_unless_colour_is_off(example, args, no_color, escapes):
    root, _ = example
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update({"TERM": "xterm-256color", "COLUMNS": "100"})
    if no_color:
        env["NO_COLOR"] = "1"
    out = on_terminal(args, root, env=env).shown
    assert "Have your say" in out
    assert ("\x1b]8;" in out) is escapes
    assert ("\x1b[" in out) is escapes


def test_text_view_of_a_broken_issue_says_it_cannot_be_shown(cli, tmp_path):

    folder = make_workspace(tmp_path, fixture="march-2022") / "drafts" / "2022-03"
    (folder / "stories" / "bad.md").write_text("---\ntitle: [x\n---\n")
    r = cli("preview", "--text", cwd=tmp_path)
    assert r.exit_code == 1
    assert "Error: The issue has 1 error, so it cannot be shown." in r.stderr
