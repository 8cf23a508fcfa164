"""The pre-commit hook, run by the real pre-commit on a git repository holding a workspace:
a mistake stops the commit, the fix lets it through."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"
SEEDED = "start: 1st December 12:30"  # not a date: field-invalid, an error at any time


def shipped_hook() -> dict:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["copro-news-check"]
    return hooks[0]


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture
def team_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A git repository holding a workspace, committed; the environment pre-commit runs in."""
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "Sam",
        "GIT_AUTHOR_EMAIL": "sam@example.org",
        "GIT_COMMITTER_NAME": "Sam",
        "GIT_COMMITTER_EMAIL": "sam@example.org",
    }
    repo = tmp_path / "newsletter"
    r = run([sys.executable, "-m", "copro_news", "init", str(repo)], tmp_path, env)
    assert r.returncode == 0, r.stderr
    for args in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "Start"]):
        assert run(args, repo, env).returncode == 0
    return repo, env


def cuppa(repo: Path) -> Path:
    return next((repo / "drafts").iterdir()) / "events" / "co-pro-cuppa.md"


def seed_mistake(path: Path) -> str:
    """Replace the event's start with one that is not a date; return the line as it was."""
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("start: "))
    path.write_text(text.replace(line, SEEDED), encoding="utf-8")
    return line


def fix(path: Path, good: str) -> None:
    """Put a real start back: the event moved a quarter of an hour later."""
    moved = good.replace("12:30", "12:45")
    assert moved != good
    path.write_text(path.read_text(encoding="utf-8").replace(SEEDED, moved), encoding="utf-8")


def test_the_hook_is_declared_for_the_files_of_issues():
    import re

    hook = shipped_hook()
    assert hook["entry"] == "copro-news check --offline"
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    for path in ("drafts/2026-12/events/cuppa.md", "drafts/2026-12/issue.md", "copro-news.toml"):
        assert files.search(path), path
    assert files.search("templates/email.html")
    for path in ("README.md", "drafts/2026-12/build/issue.html", "drafts/notes.md", "x.py"):
        assert not files.search(path), path


def this_repository(dest: Path, env: dict[str, str]) -> Path:
    """A clone of this repository as it is on disk, uncommitted changes included.

    pre-commit's try-repo makes such a copy itself, at a new path on every run, so it would
    build the hook's environment (a pip install of copro-news) once per run; on this one
    copy it builds it once."""
    assert run(["git", "clone", "-q", str(ROOT), str(dest)], ROOT, env).returncode == 0
    listed = run(["git", "ls-files", "-z", "-m", "-o", "-d", "--exclude-standard"], ROOT, env)
    for name in sorted(set(filter(None, listed.stdout.split("\0")))):
        source, target = ROOT / name, dest / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists():
            target.unlink()
    run(["git", "add", "-A"], dest, env)
    run(["git", "commit", "-qm", "As on disk", "--allow-empty"], dest, env)
    return dest


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="pre-commit clones a git repository")
def test_try_repo_fails_on_a_seeded_mistake_and_passes_after_the_fix(team_repo, tmp_path):
    """The shipped hook as a team gets it: pre-commit builds its own environment for it
    (language: python, a pip install of this repository) and runs it on the staged files."""
    repo, env = team_repo
    source = this_repository(tmp_path / "copro-news", env)
    path = cuppa(repo)
    good = seed_mistake(path)
    assert run(["git", "add", "-A"], repo, env).returncode == 0
    try_repo = [sys.executable, "-m", "pre_commit", "try-repo", str(source), "copro-news-check"]
    r = run(try_repo, repo, env)
    assert r.returncode == 1, r.stdout + r.stderr
    rel = path.relative_to(repo).as_posix()
    assert "copro-news check (offline)" in r.stdout and "Failed" in r.stdout
    assert f"{rel}:3: field-invalid 'start' is not a date and time" in r.stdout
    fix(path, good)
    assert run(["git", "add", "-A"], repo, env).returncode == 0
    r = run(try_repo, repo, env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "copro-news check (offline)" in r.stdout and "Passed" in r.stdout


def test_a_commit_with_a_mistake_is_stopped_and_the_fix_is_committed(team_repo):
    """The variant for a team that installed copro-news with pipx: a local hook with the
    shipped hook's id, files and entry, run by pre-commit's own git hook on `git commit`."""
    repo, env = team_repo
    hook = {**shipped_hook(), "language": "unsupported"}
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    assert run([sys.executable, "-m", "pre_commit", "install"], repo, env).returncode == 0
    assert run(["git", "add", ".pre-commit-config.yaml"], repo, env).returncode == 0
    assert run(["git", "commit", "-qm", "Check every commit"], repo, env).returncode == 0

    path = cuppa(repo)
    good = seed_mistake(path)
    run(["git", "add", "-A"], repo, env)
    r = run(["git", "commit", "-m", "Move the Cuppa"], repo, env)
    assert r.returncode == 1, r.stdout + r.stderr
    rel = path.relative_to(repo).as_posix()
    assert f"{rel}:3: field-invalid" in r.stdout + r.stderr
    log = run(["git", "log", "--format=%s"], repo, env).stdout.splitlines()
    assert log == ["Check every commit", "Start"]

    fix(path, good)
    run(["git", "add", "-A"], repo, env)
    r = run(["git", "commit", "-m", "Move the Cuppa"], repo, env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert run(["git", "log", "-1", "--format=%s"], repo, env).stdout.strip() == "Move the Cuppa"
    # a commit that touches no issue file does not run the check
    (repo / "README.md").write_text("Our newsletter.\n")
    run(["git", "add", "README.md"], repo, env)
    r = run(["git", "commit", "-m", "Say what this is"], repo, env)
    assert r.returncode == 0 and "(no files to check)Skipped" in r.stdout + r.stderr


def test_pre_commit_is_installed_for_the_tests():
    assert shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is not None
