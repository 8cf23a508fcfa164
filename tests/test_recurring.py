"""Recurring events: repeat: first tuesday, carried by new into the next issue, checked by check."""

from __future__ import annotations

import json
from datetime import date

import pytest

from copro_news.recurring import Repeat, parse
from tests.checkutil import event, write_issue

CUPPA = """\
---
title: "Co-Pro Cuppa"
start: 2026-12-01 12:30   # the first Tuesday
end: "13:30"
repeat: first tuesday
location: Online (Zoom)
link: https://example.org/cuppa
---
An informal hour to meet others doing co-production. Bring a cuppa.
"""
RETREAT = """\
---
title: "Winter retreat"
start: 2026-12-25 10:00
end: 2026-12-26 16:00
repeat: last friday
---
Two days away.
"""


@pytest.mark.parametrize(
    ("text", "nth", "weekday"),
    [
        ("first tuesday", 1, 1),
        ("First Tuesday", 1, 1),
        ("  second   wed ", 2, 2),
        ("3rd thursday", 3, 3),
        ("fourth Fri", 4, 4),
        ("last friday", -1, 4),
        ("every last sunday of the month", -1, 6),
        ("first monday of each month", 1, 0),
    ],
)
def test_rules_as_people_write_them(text, nth, weekday):
    assert parse(text) == Repeat(nth, weekday)


@pytest.mark.parametrize("text", ["fifth monday", "tuesday", "first", "every week", "first tue x"])
def test_what_is_not_a_rule(text):
    assert parse(text) is None


def test_the_day_of_each_month():
    first_tuesday, last_friday = Repeat(1, 1), Repeat(-1, 4)
    assert first_tuesday.in_month(2026, 12) == date(2026, 12, 1)
    assert first_tuesday.in_month(2027, 1) == date(2027, 1, 5)
    assert first_tuesday.in_month(2022, 2) == date(2022, 2, 1)  # the Cuppa of February 2022
    assert first_tuesday.in_month(2022, 3) == date(2022, 3, 1)
    assert last_friday.in_month(2026, 12) == date(2026, 12, 25)
    assert last_friday.in_month(2027, 2) == date(2027, 2, 26)
    assert Repeat(4, 6).in_month(2027, 2) == date(2027, 2, 28)
    assert first_tuesday.next_on_or_after(date(2026, 12, 2)) == date(2027, 1, 5)
    assert str(last_friday) == "last Friday" and first_tuesday.rrule == "FREQ=MONTHLY;BYDAY=1TU"


@pytest.fixture
def december(workspace):
    write_issue(
        workspace,
        {
            "events/co-pro-cuppa.md": CUPPA,
            "events/retreat.md": RETREAT,
            "events/forum.md": event("Community forum", "2026-12-10 18:00"),
        },
        name="2026-12",
    )
    return workspace


def test_new_carries_each_recurring_event_to_its_next_date(cli, december):
    r = cli("new", "2027-01", cwd=december)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        "Created drafts/2027-01/issue.md",
        "Carried 2 recurring events from 2026-12:",
        "  drafts/2027-01/events/co-pro-cuppa.md: Tuesday 5 January 2027, 12:30 (first Tuesday)",
        "  drafts/2027-01/events/retreat.md: Friday 29 January 2027, 10:00 (last Friday)",
        'Next: copro-news add events "Title" --issue 2027-01',
    ]
    assert r.stderr == ""
    january = december / "drafts" / "2027-01" / "events"
    assert sorted(p.name for p in january.iterdir()) == ["co-pro-cuppa.md", "retreat.md"]
    # only the date moved: the time, the comment, every field and the text are kept
    assert (january / "co-pro-cuppa.md").read_text() == CUPPA.replace("2026-12-01", "2027-01-05")
    assert (january / "retreat.md").read_text() == RETREAT.replace(
        "2026-12-25 10:00", "2027-01-29 10:00"
    ).replace("2026-12-26 16:00", "2027-01-30 16:00")
    # and the new issue's events follow their rules
    r = cli("check", "2027-01", "--offline", "--json", "--at", "2027-01-01 09:00", cwd=december)
    codes = {p["code"] for p in json.loads(r.stdout)["problems"]}
    assert not codes & {"repeat-mismatch", "event-passed", "weekday-mismatch", "field-invalid"}


def test_the_time_is_kept_in_the_workspace_time_zone_across_a_clock_change(cli, workspace):
    write_issue(
        workspace, {"events/cuppa.md": CUPPA.replace("2026-12-01", "2027-03-02")}, name="2027-03"
    )
    r = cli("new", "2027-04", cwd=workspace)
    assert r.exit_code == 0, r.output
    assert "Tuesday 6 April 2027, 12:30 (first Tuesday)" in r.stdout
    carried = workspace / "drafts" / "2027-04" / "events" / "cuppa.md"
    assert "start: 2027-04-06 12:30" in carried.read_text()  # 12:30 BST, as 12:30 GMT was
    for at, passed in (("2027-04-06 12:29", False), ("2027-04-06 12:31", True)):
        r = cli("check", "2027-04", "--offline", "--json", "--at", at, cwd=workspace)
        codes = [p["code"] for p in json.loads(r.stdout)["problems"]]
        assert ("event-passed" in codes) is passed, at


def test_new_carries_from_the_newest_issue_before_it_and_skips_a_month(cli, december):
    r = cli("new", "2027-03", cwd=december)
    assert "co-pro-cuppa.md: Tuesday 2 March 2027, 12:30 (first Tuesday)" in r.stdout
    r = cli("new", "2026-11", cwd=december)  # an issue before every other: nothing to carry
    assert "Carried" not in r.stdout


def test_no_carry_and_a_file_already_there(cli, december):
    r = cli("new", "2027-01", "--no-carry", cwd=december)
    assert r.exit_code == 0 and "Carried" not in r.stdout
    assert not (december / "drafts" / "2027-01" / "events").exists()
    mine = december / "drafts" / "2027-02" / "events" / "retreat.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("mine")
    # carried from 2027-01, which has no events: nothing; then from 2026-12 directly
    (december / "drafts" / "2027-01" / "issue.md").unlink()
    r = cli("new", "2027-02", cwd=december)
    assert r.exit_code == 0, r.output
    assert "Carried 1 recurring event from 2026-12:" in r.stdout
    assert r.stderr.splitlines() == [
        "Warning: drafts/2026-12/events/retreat.md: retreat.md is in the new issue already, "
        "so it was kept."
    ]
    assert mine.read_text() == "mine"


def test_check_warns_when_a_date_is_off_its_rule(cli, december):
    cuppa = december / "drafts" / "2026-12" / "events" / "co-pro-cuppa.md"
    cuppa.write_text(CUPPA.replace("2026-12-01", "2026-12-08"))
    r = cli("check", "--offline", "--json", "--at", "2026-12-01 09:00", cwd=december)
    assert r.exit_code == 0, r.output  # a warning
    found = [p for p in json.loads(r.stdout)["problems"] if p["code"] == "repeat-mismatch"]
    assert found == [
        {
            "code": "repeat-mismatch",
            "severity": "warning",
            "file": "drafts/2026-12/events/co-pro-cuppa.md",
            "line": 3,
            "message": "The event starts on Tuesday 8 December 2026, but 'repeat: first "
            "Tuesday' falls on Tuesday 1 December 2026 that month.",
            "hint": "Correct start to 2026-12-01 12:30, or correct 'repeat' if the event has "
            "moved to another day for good.",
        }
    ]
    r = cli("check", "--offline", "--strict", "--at", "2026-12-01 09:00", cwd=december)
    assert r.exit_code == 1


def test_a_rule_that_is_not_one_is_a_field_error(cli, december):
    cuppa = december / "drafts" / "2026-12" / "events" / "co-pro-cuppa.md"
    cuppa.write_text(CUPPA.replace("first tuesday", "fifth monday"))
    r = cli("check", "--offline", "--json", "--at", "2026-12-01 09:00", cwd=december)
    assert r.exit_code == 1
    found = [p for p in json.loads(r.stdout)["problems"] if p["code"] == "field-invalid"]
    assert [(p["line"], p["message"], p["hint"]) for p in found] == [
        (
            5,
            "'repeat' is not a monthly rule (first, second, third, fourth or last, and a "
            "weekday): 'fifth monday'.",
            "Write it like this: repeat: first tuesday",
        )
    ]
    r = cli("new", "2027-01", cwd=december)  # a broken rule is not carried
    assert r.exit_code == 0 and "co-pro-cuppa" not in r.stdout


def test_add_explains_repeat(cli, december):
    r = cli("add", "events", "Walk and talk", cwd=december)
    assert r.exit_code == 0
    text = (december / "drafts" / "2026-12" / "events" / "walk-and-talk.md").read_text()
    assert (
        "# repeat: first tuesday  # every month: first, second, third, fourth or last, and a "
        "weekday"
    ) in text
