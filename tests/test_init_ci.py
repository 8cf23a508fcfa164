"""init --ci github: the workflow that checks and drafts every pull request, and never sends."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import yaml

from copro_news import __version__

WORKFLOW = ".github/workflows/newsletter.yml"


def load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as true
    return doc


def steps_of(doc: dict) -> list[dict]:
    assert list(doc["jobs"]) == ["check"]
    return doc["jobs"]["check"]["steps"]


def test_the_workflow_checks_then_drafts_and_keeps_the_build(cli, tmp_path):
    r = cli("init", "news", "--ci", "github", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert "Wrote news/.github/workflows/newsletter.yml" in r.stdout.splitlines()
    doc = load(tmp_path / "news" / WORKFLOW)
    assert doc["on"] == {
        "pull_request": {"paths": ["drafts/**", "copro-news.toml", "templates/**"]}
    }
    assert doc["permissions"] == {"contents": "read"}
    steps = steps_of(doc)
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    runs = [s.get("run") for s in steps]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "",
        "",
        "",
        "actions/upload-artifact",
    ]
    assert runs[2:5] == [
        f'pipx install "copro-news=={__version__}"',
        "copro-news check --offline --format github",
        "copro-news draft",
    ]
    draft, keep = steps[4], steps[5]
    assert draft["if"] == keep["if"] == "${{ !cancelled() }}"  # drafted even with warnings
    assert keep["with"]["path"] == "drafts/*/build/"
    assert steps[0]["with"] == {"persist-credentials": False}
    text = (tmp_path / "news" / WORKFLOW).read_text()
    assert not [run for run in runs if run and "send" in run]
    assert "copro-news send" not in text and "secrets" not in text
    assert "API_KEY" not in text and "login" not in text


def test_its_commands_pass_on_the_example_and_leave_the_artifact(tmp_path):
    """Run the workflow's own commands (but the install) as the runner would, in bash."""
    subprocess.run(
        [sys.executable, "-m", "copro_news", "init", "news", "--ci", "github"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    root = tmp_path / "news"
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    job = load(root / WORKFLOW)["jobs"]["check"]
    env.update(job["env"])
    for step in job["steps"]:
        if "run" not in step or "pipx" in step["run"]:
            continue
        proc = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, (step["run"], proc.stdout, proc.stderr)
    built = glob.glob(str(root / job["steps"][-1]["with"]["path"] / "issue.html"))
    assert len(built) == 1
    assert "### copro-news check: " in summary.read_text()


def test_an_existing_workspace_gets_the_workflow_only_and_never_twice(cli, tmp_path):
    assert cli("init", "news", cwd=tmp_path).exit_code == 0
    root = tmp_path / "news"
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    r = cli("init", "--ci", "github", cwd=root)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == "Wrote .github/workflows/newsletter.yml"
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert set(after) - set(before) == {root / WORKFLOW}
    assert all(after[p] == data for p, data in before.items())
    (root / WORKFLOW).write_text("# ours\n")
    r = cli("init", "--ci", "github", cwd=root)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Error: {root / WORKFLOW} exists already, so it was left as it is.",
        "Hint: Compare it with a new one: move it away, run the command again, then merge the "
        "two by hand.",
    ]
    assert (root / WORKFLOW).read_text() == "# ours\n"


def test_a_workspace_in_a_folder_of_a_repository(cli, tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    r = cli("init", "repo/news", "--ci", "github", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "repo" / "news" / ".github").exists()
    doc = load(tmp_path / "repo" / WORKFLOW)  # GitHub reads workflows only at the top
    assert doc["on"]["pull_request"]["paths"] == [
        "news/drafts/**",
        "news/copro-news.toml",
        "news/templates/**",
    ]
    job = doc["jobs"]["check"]
    assert job["defaults"] == {"run": {"working-directory": "news"}}
    assert job["steps"][-1]["with"]["path"] == "news/drafts/*/build/"


def test_a_repository_of_copro_news_itself_installs_its_own_copy(cli, tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    (tmp_path / "repo" / "pyproject.toml").write_text('[project]\nname = "copro-news"\n')
    r = cli("init", "repo", "--ci", "github", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    install = steps_of(load(tmp_path / "repo" / WORKFLOW))[2]
    assert install["run"] == 'pipx install "."'


def test_an_unknown_system_is_a_usage_error(cli, tmp_path):
    r = cli("init", "news", "--ci", "gitlab", cwd=tmp_path)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: --ci 'gitlab' is not a system copro-news knows.",
        "Hint: Use one of: github.",
    ]
    assert not (tmp_path / "news").exists()
