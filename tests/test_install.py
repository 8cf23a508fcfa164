"""copro-news works installed outside this repository, and starts without heavy imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_workspace, on_terminal
from tests.send_helpers import SEND_ISSUE

ROOT = Path(__file__).resolve().parent.parent

# What a command that only answers from the workspace's files must not import: the builder
# (Markdown, templates, inlining), the network, the keyring, the word list, the preview.
HEAVY = frozenset(
    {
        "premailer",
        "cssutils",
        "lxml",
        "jinja2",
        "markdown_it",
        "yaml",
        "requests",
        "keyring",
        "spellchecker",
        "watchfiles",
        "playwright",
        "pydantic",
    }
)
# What printing help or the version needs even less: no console, no dates.
HEAVY_FOR_HELP = HEAVY | {"rich", "babel"}


def command_names() -> list[str]:
    """Every command of the command line, found in the Typer app itself."""
    import typer.main

    from copro_news.cli import app

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def imported_modules(args: list[str], cwd: Path) -> set[str]:
    """The top-level modules ``copro-news ARGS`` imports; the command must succeed."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "copro_news", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "typer" in names  # the list is real: the command line was imported
    return names


LIGHT = [
    *[(args, HEAVY_FOR_HELP) for args in (["--help"], ["--version"])],
    *[([name, "--help"], HEAVY_FOR_HELP) for name in command_names()],
    (["new", "2027-01"], HEAVY),
    (["check", "--list-rules"], HEAVY),
    (["status"], HEAVY),  # an issue without a send record
    (["status", "--all"], HEAVY),
    (["lists"], HEAVY),  # the outbox
    (["templates"], HEAVY),
]


@pytest.mark.parametrize(("args", "heavy"), LIGHT, ids=[" ".join(a) for a, _ in LIGHT])
def test_start_up_imports_nothing_heavy(args, heavy, tmp_path):
    loaded = imported_modules(args, make_workspace(tmp_path / "ws", issues=SEND_ISSUE))
    assert not loaded & heavy, sorted(loaded & heavy)


def test_wheel_ships_the_templates_and_works_outside_the_repository(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("copro_news-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    package = target / "copro_news"
    assert (package / "templates" / "sections" / "events.html").is_file()
    # The wheel's house style is the repository's templates/, file for file.
    house = sorted(p.relative_to(ROOT / "templates") for p in (ROOT / "templates").rglob("*"))
    shipped = sorted(
        p.relative_to(package / "templates") for p in (package / "templates").rglob("*")
    )
    assert shipped == house
    for name in house:
        if (ROOT / "templates" / name).is_file():
            assert (package / "templates" / name).read_bytes() == (
                ROOT / "templates" / name
            ).read_bytes()
    # Every package of the source is in the wheel (pyproject.toml lists them).
    for init in (ROOT / "copro_news").rglob("__init__.py"):
        assert (target / init.relative_to(ROOT)).is_file(), init
    for name in ("index.html", "preview.js", "preview.css"):
        assert (package / "preview" / "static" / name).is_file(), name
    env = {**os.environ, "PYTHONPATH": str(target)}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = [sys.executable, "-m", "copro_news"]
    subprocess.run([*run, "init", "news"], cwd=elsewhere, env=env, check=True, capture_output=True)
    proc = subprocess.run(
        [*run, "draft"], cwd=elsewhere / "news", env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    built = list((elsewhere / "news" / "drafts").glob("*/build/issue.html"))
    assert built and "Co-Pro Cuppa" in built[0].read_text()
    check = subprocess.run(
        [sys.executable, "-c", "import copro_news, sys; print(copro_news.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.startswith(str(target))


def test_init_asks_on_a_terminal(tmp_path):
    """On a terminal, init asks for the name, sender, postal address and website."""
    answers = [
        "Camden Co-Pro",
        "not an address",
        "news@camden.example.org",
        "2 Hill Road, London",
        "",
        "",
    ]
    run = on_terminal(["init", "news"], tmp_path, answers=answers)
    output = run.shown
    assert run.exit_code == 0, output
    toml = (tmp_path / "news" / "copro-news.toml").read_text()
    assert 'name = "Camden Co-Pro"' in toml
    assert 'email = "news@camden.example.org"' in toml
    assert 'postal_address = "2 Hill Road, London"' in toml
    assert "Newsletter or organisation name" in output
    assert "'not an address' is not an email address." in output  # asked again, not stopped
