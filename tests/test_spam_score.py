"""A spam score of 0 from SpamAssassin's content rules on every issue we have: the example
that init makes, the repository's own issue and each fixture issue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_MONTHS, ROOT, make_workspace
from tests.preview_support import example_workspace
from tests.spam import judge, require_spamassassin

HOUSE_STYLE = ROOT / "templates" / "style.css"


@pytest.fixture(autouse=True)
def installed() -> None:
    require_spamassassin()


def drafted(cli, root: Path) -> bytes:
    r = cli("draft", cwd=root)
    assert r.exit_code == 0, r.output
    (eml,) = (root / "drafts").glob("*/build/issue.eml")
    return eml.read_bytes()


def assert_clean(verdict) -> None:
    assert verdict.scoring == {}, verdict.report
    assert verdict.score <= 0, verdict.report


def test_the_example_issue_scores_nothing(cli, tmp_path):
    root = tmp_path / "ws"
    example_workspace(root)
    assert_clean(judge(drafted(cli, root), tmp_path))


def test_the_example_as_the_outbox_sends_it_to_the_list_scores_nothing(cli, tmp_path):
    root = tmp_path / "ws"
    example_workspace(root)
    r = cli("send", "--yes", cwd=root)
    assert r.exit_code == 0, r.output
    (sent,) = (root / "outbox").glob("*-list-*.eml")
    assert_clean(judge(sent.read_bytes(), tmp_path))


def test_the_repository_issue_scores_nothing(cli, tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(ROOT / "copro-news.toml", root / "copro-news.toml")
    shutil.copytree(ROOT / "drafts", root / "drafts", ignore=shutil.ignore_patterns("build"))
    issues = sorted((root / "drafts").glob("*/issue.md"))
    assert issues, "the repository has an issue in drafts/"
    for issue in issues:
        r = cli("draft", issue.parent.name, cwd=root)
        assert r.exit_code == 0, r.output
        eml = (issue.parent / "build" / "issue.eml").read_bytes()
        assert_clean(judge(eml, tmp_path))


@pytest.mark.parametrize("fixture", sorted(FIXTURE_MONTHS))
def test_every_fixture_issue_scores_nothing(cli, tmp_path, fixture):
    root = make_workspace(tmp_path / "ws", fixture=fixture)
    assert_clean(judge(drafted(cli, root), tmp_path))


def test_text_hidden_in_the_background_colour_is_caught(cli, tmp_path):
    """The preheader coloured like the background, as it once was: the test can fail."""
    root = tmp_path / "ws"
    example_workspace(root)
    style = HOUSE_STYLE.read_text(encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "style.css").write_text(
        style.replace(
            "mso-hide: all; }",
            "mso-hide: all; font-size: 1px; line-height: 1px; color: #f3f1ec; opacity: 0; }",
        ),
        encoding="utf-8",
    )
    verdict = judge(drafted(cli, root), tmp_path)
    assert "HTML_FONT_LOW_CONTRAST" in verdict.scoring, verdict.report
    assert verdict.score > 0
