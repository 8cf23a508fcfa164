"""One send time for every command: --at, else the scheduled time, else the issue's date at
send_time while it is ahead, else now; draft, the previews and check all say which."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.checkutil import story, write_issue

LONDON = ZoneInfo("Europe/London")
# Prepared weeks ahead: the issue goes out on 2 February 2027; the consultation closed on
# 30 January, so on the day it is sent the action is out of date.
ISSUE_MD = """\
---
subject: "Team update: February 2027"
date: 2027-02-02
preheader: "A consultation"
---
Hello.
"""
ACTION = '---\ntitle: "Share your views"\ndeadline: 2027-01-30\n---\nTell us.\n'
FILES = {"actions/consultation.md": ACTION, "stories/s.md": story("News", "We met.")}
PASSED = (
    "drafts/2027-02/actions/consultation.md:3: deadline-passed The deadline 2027-01-30 is "
    "3 days before the send time (2027-02-02)."
)


@pytest.fixture
def prepared(workspace):
    write_issue(workspace, FILES, name="2027-02", issue_md=ISSUE_MD)
    return workspace


def test_draft_preview_and_check_judge_at_the_issue_date(cli, prepared):
    draft = cli("draft", cwd=prepared)
    assert PASSED in draft.stderr
    assert "  Dates judged at 2027-02-02 09:00 GMT (the issue's date and send time)." in (
        draft.stdout.splitlines()
    )
    preview = cli("preview", cwd=prepared)
    assert " ".join(PASSED.split()) in " ".join(preview.stdout.split())  # wrapped at 100
    assert (
        "Problems: 1 error. Dates judged at 2027-02-02 09:00 GMT (the issue's date and send "
        "time)." in preview.stdout
    )
    check = cli("check", "--offline", cwd=prepared)
    assert PASSED in check.stdout
    assert check.stdout.splitlines()[-1] == (
        "2027-02: 1 error, 0 warnings (at 2027-02-02 09:00 GMT, the issue's date and send "
        "time; links not checked (--offline))"
    )
    doc = json.loads(cli("check", "--offline", "--json", cwd=prepared).stdout)
    assert doc["at"] == "2027-02-02T09:00:00+00:00"


def test_the_browser_preview_judges_at_the_same_time(prepared):
    from tests.preview_support import running_preview

    folder = prepared / "drafts" / "2027-02"
    with running_preview(prepared, folder, watch=False) as running:
        snap = running.preview.snapshot
    assert snap.at == "2027-02-02 09:00 GMT (the issue's date and send time)"
    assert [p.code for p in snap.problems] == ["deadline-passed"]


def test_the_send_time_setting(cli, prepared):
    settings = prepared / "copro-news.toml"
    settings.write_text(
        settings.read_text().replace('locale = "en_GB"', 'locale = "en_GB"\nsend_time = "07:30"')
    )
    r = cli("draft", cwd=prepared)
    assert "  Dates judged at 2027-02-02 07:30 GMT (the issue's date and send time)." in (
        r.stdout.splitlines()
    )


def test_a_scheduled_time_comes_before_the_issue_date(cli, prepared):
    folder = prepared / "drafts" / "2027-02"
    (folder / "send.json").write_text(json.dumps({"scheduled_for": "2027-01-29T10:00:00+00:00"}))
    for args in (("draft",), ("preview",), ("check", "--offline")):
        r = cli(*args, cwd=prepared)
        assert "deadline-passed" not in r.output, args
    assert "Dates judged at 2027-01-29 10:00 GMT." in cli("draft", cwd=prepared).stdout


def test_at_comes_first(cli, prepared):
    r = cli("check", "--offline", "--at", "2027-01-28 09:00", cwd=prepared)
    assert r.exit_code == 0
    assert "(at 2027-01-28 09:00 GMT; links not checked (--offline))" in r.stdout


def test_an_issue_date_gone_by_is_judged_now(cli, workspace):
    write_issue(workspace, {"stories/s.md": story("News", "We met.")}, name="2022-03")
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output
    assert " GMT (now)." in r.stdout or " BST (now)." in r.stdout


def test_send_time_in_the_library(workspace):
    from copro_news.checks import send_time
    from copro_news.content import load_issue
    from copro_news.workspace import load_workspace

    write_issue(workspace, FILES, name="2027-02", issue_md=ISSUE_MD)
    ws = load_workspace(explicit=workspace)
    issue = load_issue(ws, ws.resolve_issue("2027-02"))
    before = datetime(2027, 1, 25, 14, 0, tzinfo=LONDON)
    after = datetime(2027, 2, 2, 9, 1, tzinfo=LONDON)
    given = datetime(2027, 1, 31, 12, 0, tzinfo=LONDON)
    assert send_time(ws, issue, now=before).at == datetime(2027, 2, 2, 9, 0, tzinfo=LONDON)
    assert send_time(ws, issue, now=before).source == "issue"
    assert send_time(ws, issue, now=after).at == after
    assert send_time(ws, issue, now=after).source == "now"
    assert send_time(ws, issue, given, now=before).at == given
