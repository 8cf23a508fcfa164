"""The same newsletter never goes out twice: content-repeated, through the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from copro_news.checks.repeated import SAME_SHARE, share, shingles
from copro_news.content import load_issue
from copro_news.workspace import load_workspace
from tests.preview_support import example_workspace


def next_month(name: str) -> str:
    year, month = map(int, name.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


@pytest.fixture
def sent(cli, tmp_path) -> tuple[Path, str]:
    """A workspace whose example issue went out to the list (through the outbox)."""
    root = tmp_path / "ws"
    first = example_workspace(root).name
    r = cli("send", "--yes", "--offline", cwd=root)
    assert r.exit_code == 0, r.output
    return root, first


def copy_of(root: Path, first: str) -> tuple[Path, str]:
    """cp -r drafts/FIRST drafts/NEXT, and only the dates changed: a month later each."""
    second = next_month(first)
    folder = root / "drafts" / second
    shutil.copytree(root / "drafts" / first, folder, ignore=shutil.ignore_patterns("build"))
    for path in folder.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"{first}-", f"{second}-"), encoding="utf-8")
    return folder, second


def test_a_copied_issue_with_a_new_date_is_never_sent(cli, sent):
    root, first = sent
    folder, second = copy_of(root, first)

    # the copied send.json is the first issue's: refused first
    r = cli("send", second, "--yes", "--offline", cwd=root)
    assert r.exit_code == 1
    assert f"drafts/{second}/send.json belongs to issue {first}" in r.stderr

    # deleted as that hint says: the content is what stops it now
    (folder / "send.json").unlink()
    r = cli("send", second, "--yes", "--offline", cwd=root)
    assert r.exit_code == 1, r.output
    assert (
        f"drafts/{second}/issue.md: content-repeated This issue is the same newsletter as "
        f"issue {first}, which went out on " in r.stderr
    )
    assert ": 100% of their text is the same." in r.stderr
    assert "Error: The issue has 1 error; nothing was sent." in r.stderr
    assert len(list((root / "outbox").glob("*-list-*.eml"))) == 1  # the first issue's only
    assert not (folder / "send.json").exists()

    # a test send is a proof for the team: it goes, and says what would stop the list's
    r = cli("send", second, "--test", "me@example.org", "--offline", cwd=root)
    assert r.exit_code == 0, r.output
    assert f"content-repeated This issue is the same newsletter as issue {first}" in r.stderr
    assert not list((root / "outbox").glob(f"{second}-list-*.eml"))


def test_nearly_the_same_issue_is_the_same_newsletter(cli, sent):
    root, first = sent
    folder, second = copy_of(root, first)
    (folder / "send.json").unlink()
    story = next((folder / "stories").glob("*.md"))
    text = story.read_text(encoding="utf-8")
    story.write_text(text + "\nWe also ran a stall at the summer fair.\n", encoding="utf-8")
    r = cli("check", second, "--offline", cwd=root)
    assert r.exit_code == 1
    assert f"the same newsletter as issue {first}" in r.stdout


def test_a_snippet_that_comes_back_each_month_is_fine(cli, sent):
    root, first = sent
    second = next_month(first)
    folder = root / "drafts" / second
    r = cli("new", second, cwd=root)
    assert r.exit_code == 0, r.output
    (folder / "issue.md").write_text(
        f'---\nsubject: "Team update"\ndate: {second}-01\npreheader: "Our news"\n---\n'
        "## A new year\n\nThe forum met again and agreed three changes to the service.\n",
        encoding="utf-8",
    )
    (folder / "events").mkdir(exist_ok=True)
    cuppa = root / "drafts" / first / "events" / "co-pro-cuppa.md"
    shutil.copy(cuppa, folder / "events" / cuppa.name)  # the monthly Cuppa, word for word
    r = cli("check", second, "--offline", "--json", cwd=root)
    assert "content-repeated" not in r.stdout, r.stdout


def test_a_scheduled_issue_counts_and_is_named(cli, tmp_path):
    root = tmp_path / "ws"
    first = example_workspace(root).name
    r = cli("send", "--schedule", f"{first}-01 09:00", "--yes", "--offline", cwd=root)
    assert r.exit_code == 0, r.output
    folder, second = copy_of(root, first)
    (folder / "send.json").unlink()
    r = cli("check", second, "--offline", cwd=root)
    assert r.exit_code == 1
    assert f"issue {first}, which is scheduled to go out on " in r.stdout


def test_an_issue_that_never_went_out_is_not_compared(cli, tmp_path):
    root = tmp_path / "ws"
    first = example_workspace(root).name
    _, second = copy_of(root, first)
    r = cli("check", second, "--offline", "--json", cwd=root)
    assert "content-repeated" not in r.stdout  # the first was only drafted


def test_check_ignore_lets_a_correction_go_again(cli, sent):
    root, first = sent
    folder, second = copy_of(root, first)
    (folder / "send.json").unlink()
    issue = folder / "issue.md"
    issue.write_text(
        issue.read_text(encoding="utf-8").replace(
            "---\n", "---\ncheck-ignore: [content-repeated, month-mismatch]\n", 1
        ),
        encoding="utf-8",
    )
    r = cli("check", second, "--offline", "--json", cwd=root)
    assert "content-repeated" not in r.stdout


def test_the_share_is_of_runs_of_words(tmp_path):
    root = tmp_path / "ws"
    folder = example_workspace(root)
    ws = load_workspace(explicit=root)
    issue = load_issue(ws, folder)
    mine = shingles(issue)
    assert share(mine, mine) == 1.0
    assert share(mine, frozenset()) == 0.0
    one = issue.sections["events"][0]
    alone = frozenset(shingles(issue) - (shingles(issue) - _runs_of(one)))
    assert 0 < share(mine, alone) < SAME_SHARE  # one snippet in common: far from the same


def _runs_of(snippet) -> frozenset:
    import re

    words = re.findall(r"\w+", f"{snippet.title}\n{snippet.body}".lower())
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))
