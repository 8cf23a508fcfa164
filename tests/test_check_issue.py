"""Rules about the issue as a whole: its sections, its date and its folder."""

from __future__ import annotations

import pytest

from tests.checkutil import codes, event, problems, story, write_issue

STORY = {"stories/s.md": story("News", "We met.")}


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


ISSUE_DATED = '---\nsubject: "Team update"\npreheader: "News"\ndate: {}\n---\nHello.\n'


def test_folder_mismatch_fires_at_the_date_line(workspace):
    write_issue(workspace, STORY, issue_md=ISSUE_DATED.format("2027-01-01"))
    [p] = problems(workspace, only="folder-mismatch")
    assert (p.severity, p.file, p.line) == ("error", "drafts/2026-12/issue.md", 4)
    assert "2027-01-01" in p.message and "2026-12" in p.message


@pytest.mark.parametrize("date", ["2026-12-01", "2026-12-31", "2026-12-15"])
def test_folder_mismatch_silent_in_the_folder_month(workspace, date):
    write_issue(workspace, STORY, issue_md=ISSUE_DATED.format(date))
    assert problems(workspace, only="folder-mismatch") == []


@pytest.mark.parametrize("date", ["2025-12-01", "2026-11-30"])
def test_folder_mismatch_other_year_or_month(workspace, date):
    write_issue(workspace, STORY, issue_md=ISSUE_DATED.format(date))
    assert codes(problems(workspace, only="folder-mismatch")) == ["folder-mismatch"]


def test_folder_mismatch_silent_when_the_date_is_not_a_date(workspace):
    write_issue(workspace, STORY, issue_md=ISSUE_DATED.format("1st January"))
    assert codes(problems(workspace, build=False)) == ["field-invalid"]


def test_folder_mismatch_alone_names_the_disagreement(workspace):
    issue_md = (
        '---\nsubject: "Team update: December 2026"\npreheader: "News"\ndate: 2027-02-01\n---\n'
    )
    write_issue(workspace, STORY, issue_md=issue_md)
    assert codes(problems(workspace)) == ["folder-mismatch"]
