"""Rules about the issue as a whole: its sections, its date and its folder."""

from __future__ import annotations

from tests.checkutil import codes, event, problems, story, write_issue


def test_sections_empty_for_a_new_issue(cli, workspace):
    assert cli("new", "2027-01", cwd=workspace).exit_code == 0
    [p] = problems(workspace, "2027-01", at="2027-01-01 09:00", only="sections-empty")
    assert (p.code, p.severity, p.file) == ("sections-empty", "warning", "drafts/2027-01/issue.md")
    assert "copro-news add" in (p.hint or "")


def test_sections_empty_silent_with_one_snippet(workspace):
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    assert problems(workspace, only="sections-empty") == []
    write_issue(workspace, {"events/e.md": event("Cuppa", "2026-12-08 12:30")}, name="2026-11")
    assert problems(workspace, "2026-11", at="2026-11-01 09:00", only="sections-empty") == []


def test_sections_empty_silent_when_the_snippet_cannot_be_read(workspace):
    write_issue(workspace, {"stories/s.md": ""})
    assert codes(problems(workspace)) == ["file-invalid"]
