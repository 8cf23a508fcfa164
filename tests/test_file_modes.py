"""Files copro-news writes: the user's umask, a hand-made file's mode kept, symbolic links
never replaced by a file, and never 'Created' for a file that was not written."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Result


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def run_with_umask(umask: int, args: list[str], cwd: Path) -> Result:
    """``copro-news ARGS`` in a subprocess that runs under ``umask``, as a shell would."""
    proc = subprocess.run(
        [sys.executable, "-m", "copro_news", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(umask),
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.mark.parametrize(
    ("umask", "expected"),
    [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)],
    ids=["umask-022", "umask-027", "umask-002"],
)
def test_every_file_written_follows_the_umask(tmp_path, umask, expected):
    root = tmp_path / "news"
    steps = [
        ["init", str(root)],
        ["draft"],
        ["send", "--test", "me@example.org", "--offline"],
        ["send", "--yes", "--offline"],
    ]
    for args in steps:
        r = run_with_umask(umask, args, root if root.exists() else tmp_path)
        assert r.exit_code == 0, r.output
    issue = next((root / "drafts").iterdir())
    written = [
        root / "copro-news.toml",
        root / ".gitignore",
        issue / "issue.md",
        issue / "send.json",
        *(issue / "build").iterdir(),
        *(root / "outbox").iterdir(),
    ]
    assert len(written) >= 8
    for path in written:
        if path.is_file():
            assert mode(path) == expected, f"{path.relative_to(root)}: {oct(mode(path))}"
    assert not [p for p in issue.rglob("*.tmp")], "a temporary file was left behind"


def test_a_file_written_again_keeps_its_mode(tmp_path):
    root = tmp_path / "news"
    assert run_with_umask(0o022, ["init", str(root)], tmp_path).exit_code == 0
    assert run_with_umask(0o022, ["draft"], root).exit_code == 0
    html = next((root / "drafts").iterdir()) / "build" / "issue.html"
    html.chmod(0o664)
    assert run_with_umask(0o077, ["draft"], root).exit_code == 0
    assert mode(html) == 0o664


# --- init and an existing .gitignore ------------------------------------------------------------


def test_init_keeps_the_mode_of_an_existing_gitignore(cli, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    ignore = ws / ".gitignore"
    ignore.write_text("mine\n")
    ignore.chmod(0o664)
    r = cli("init", "ws", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert mode(ignore) == 0o664
    assert ignore.read_text() == (
        "mine\n# Made by copro-news: rebuilt at any time\ndrafts/*/build/\noutbox/\n"
    )


def test_init_extends_the_file_a_gitignore_link_points_to(cli, tmp_path):
    ws = tmp_path / "ws"
    (ws / "config").mkdir(parents=True)
    shared = ws / "config" / "gitignore"
    shared.write_text("*.bak\n")
    shared.chmod(0o640)
    (ws / ".gitignore").symlink_to("config/gitignore")
    r = cli("init", "ws", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert (ws / ".gitignore").is_symlink()
    assert os.readlink(ws / ".gitignore") == "config/gitignore"
    assert shared.read_text().splitlines()[0] == "*.bak"
    assert {"drafts/*/build/", "outbox/"} <= set(shared.read_text().splitlines())
    assert mode(shared) == 0o640
    assert "Warning" not in r.stderr


@pytest.mark.parametrize("kind", ["outside", "dangling"])
def test_init_leaves_a_gitignore_link_it_cannot_follow_and_says_what_to_add(cli, tmp_path, kind):
    ws = tmp_path / "ws"
    ws.mkdir()
    outside = tmp_path / "global-gitignore"
    if kind == "outside":
        outside.write_text("*.bak\n")
    (ws / ".gitignore").symlink_to(outside)
    r = cli("init", "ws", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert (ws / ".gitignore").is_symlink() and os.readlink(ws / ".gitignore") == str(outside)
    if kind == "outside":
        assert outside.read_text() == "*.bak\n"
    else:
        assert not outside.exists()
    assert r.stderr.splitlines() == [
        "Warning: .gitignore was left as it is (a link to a file outside the workspace, or "
        "unreadable): add these lines to it yourself: drafts/*/build/, outbox/"
    ]
    assert "  .gitignore" not in r.stdout.splitlines()


# --- new and add never say "Created" for a file they did not write -------------------------------


def test_new_refuses_a_dangling_link_where_the_issue_file_goes(cli, workspace, tmp_path):
    folder = workspace / "drafts" / "2026-12"
    folder.mkdir()
    (folder / "issue.md").symlink_to(tmp_path / "nowhere.md")
    r = cli("new", "2026-12", cwd=workspace)
    assert r.exit_code == 1, r.output
    assert "Created" not in r.stdout
    assert r.stderr.splitlines() == [
        f"Error: {folder / 'issue.md'} is a symbolic link (to {tmp_path / 'nowhere.md'}), so "
        "nothing was written.",
        "Hint: Remove the link, or choose another name.",
    ]
    assert (folder / "issue.md").is_symlink() and not (tmp_path / "nowhere.md").exists()


def test_add_refuses_a_dangling_link_where_the_snippet_goes(cli, workspace, tmp_path):
    assert cli("new", "2026-12", cwd=workspace).exit_code == 0
    events = workspace / "drafts" / "2026-12" / "events"
    events.mkdir()
    (events / "co-pro-cuppa.md").symlink_to(tmp_path / "elsewhere.md")
    r = cli("add", "events", "Co-Pro Cuppa", cwd=workspace)
    assert r.exit_code == 1, r.output
    assert "Created" not in r.stdout
    assert r.stderr.splitlines()[0] == (
        f"Error: {events / 'co-pro-cuppa.md'} is a symbolic link (to "
        f"{tmp_path / 'elsewhere.md'}), so nothing was written."
    )
    assert not (tmp_path / "elsewhere.md").exists()
