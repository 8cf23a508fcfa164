"""The repository doubles as the team's workspace: settings, drafts/ and the house style."""

from __future__ import annotations

import json

from copro_news.render import OUTPUTS, package_templates
from tests.conftest import ROOT

# Before every event and deadline of the repository's issue, whatever today's date.
BEFORE_THE_ISSUE = "2027-01-04 09:00"


def test_the_repository_issue_checks_cleanly(cli):
    r = cli("check", "--offline", "--json", "--at", BEFORE_THE_ISSUE, cwd=ROOT)
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert result["issue"] == "2027-01"
    assert (result["errors"], result["warnings"], result["problems"]) == (0, 0, [])


def test_the_repository_issue_drafts_at_the_root(cli):
    r = cli("draft", cwd=ROOT)
    assert r.exit_code == 0, r.output
    assert "Drafted 2027-01: Team update: January 2027" in r.stdout
    assert "intro, 2 events, 1 partnership, 1 action, 2 stories" in r.stdout
    build = ROOT / "drafts" / "2027-01" / "build"
    for output in OUTPUTS:
        assert f"drafts/2027-01/build/{output.name}" in r.stdout
        assert (build / output.name).stat().st_size > 0
    assert "Co-Pro Cuppa: January meet-up" in (build / "issue.html").read_text()


def test_the_house_style_is_the_repository_templates_folder():
    """One copy: the package's templates are the root's templates/ (mapped into the wheel)."""
    assert not (ROOT / "copro_news" / "templates").exists()
    assert package_templates().resolve() == (ROOT / "templates").resolve()
    assert (ROOT / "templates" / "email.html").is_file()


def test_git_keeps_what_copro_news_makes_out():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "build/" in ignored and "outbox/" in ignored
