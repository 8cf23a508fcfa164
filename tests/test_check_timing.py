"""Dates: weekdays that do not match, deadlines and events in the past, months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copro_news.checks.timing import nearest_year, weekday_mentions
from tests.checkutil import codes, event, problems, story, write_issue
from tests.conftest import make_workspace

# 1 March 2022 was a Tuesday; 9 March a Wednesday; 23 March a Wednesday.
MISMATCHED = [
    "Our next Co-Pro Cuppa is on Wednesday 1 March, 12:30 to 13:30.",
    "Join us Tue 2nd Mar for the forum.",
    "The forum is on Thursday, 9 March at the town hall.",
    "See you next Tuesday 9 March!",
    "Sign up for Tuesday March 9th.",
    "The conference runs Tuesday 23-24 March in Leeds.",
    "The conference runs Tuesday 23–24 March in Leeds.",
    "Book for Thursday the 16th of March.",
    "Tue, Mar 2, 2022 is the first session.",
    "It was on Wednesday 23 March 2021.",
]
MATCHING = [
    "Our next Co-Pro Cuppa is on Tuesday 1 March, 12:30 to 13:30.",
    "Join us Wed 2nd Mar for the forum.",
    "The forum is on Wednesday, 9 March at the town hall.",
    "See you next Wednesday 9 March!",
    "Sign up for Wednesday March 9th.",
    "The conference runs Wednesday 23-24 March in Leeds.",
    "On 1 March we met the new trustees.",
    "Sunday lunch on 5 March was a great success.",
    "We meet every Tuesday. 2 March was our first meeting.",
    "The survey closes on 13 March; tuesday 1 march was written in lower case.",
    "Tuesday 3 May 2022 is a bank holiday week.",
    "Our Tuesday 10am sessions restart in April.",
]


@pytest.mark.parametrize("text", MISMATCHED)
def test_weekday_mismatch_fires(workspace, text):
    write_issue(workspace, {"stories/s.md": story("News", text)}, name="2022-03")
    found = problems(workspace, "2022-03", at="2022-02-25 09:00", only="weekday-mismatch")
    assert codes(found) == ["weekday-mismatch"], text
    assert found[0].file == "drafts/2022-03/stories/s.md"
    assert found[0].line == 4


@pytest.mark.parametrize("text", MATCHING)
def test_weekday_mismatch_silent(workspace, text):
    write_issue(workspace, {"stories/s.md": story("News", text)}, name="2022-03")
    assert problems(workspace, "2022-03", at="2022-02-25 09:00", only="weekday-mismatch") == []


def test_weekday_mismatch_names_the_right_weekday_and_line(workspace):
    intro = "Welcome back.\n\nOur meet-up is on\nWednesday 1 March as usual."
    write_issue(workspace, name="2022-03", intro=intro)
    [p] = problems(workspace, "2022-03", at="2022-02-25 09:00", only="weekday-mismatch")
    assert p.file == "drafts/2022-03/issue.md"
    assert p.line == 11
    assert p.message == "'Wednesday 1 March': 1 March 2022 is a Tuesday, not a Wednesday."
    assert "Tuesday 1 March" in p.hint


def test_weekday_mismatch_in_subject_and_title(workspace):
    write_issue(
        workspace,
        {"events/e.md": event("Forum on Thursday 9 March", "2022-03-09 18:00")},
        name="2022-03",
        subject="Cuppa on Wednesday 1 March",
    )
    found = problems(workspace, "2022-03", at="2022-02-25 09:00", only="weekday-mismatch")
    assert [(p.file, p.line) for p in found] == [
        ("drafts/2022-03/events/e.md", 2),
        ("drafts/2022-03/issue.md", 2),
    ]


def test_january_in_a_december_issue_is_next_year(workspace):
    # 9 January 2023 was a Monday.
    text = "Save the date: Monday 9 January. And not Tuesday 10 January? Yes, Tuesday 10 January."
    write_issue(workspace, {"stories/s.md": story("Dates", text)}, name="2022-12")
    found = problems(workspace, "2022-12", at="2022-12-01 09:00", only="weekday-mismatch")
    assert found == []
    write_issue(workspace, {"stories/s.md": story("Dates", "Monday 10 January")}, name="2022-12")
    [p] = problems(workspace, "2022-12", at="2022-12-01 09:00", only="weekday-mismatch")
    assert "2023 is a Tuesday" in p.message


def test_two_days_named_in_one_range(workspace):
    text = "Training on Tuesday 1 and Tuesday 2 March."
    write_issue(workspace, {"stories/s.md": story("Training", text)}, name="2022-03")
    [p] = problems(workspace, "2022-03", at="2022-02-25 09:00", only="weekday-mismatch")
    assert "2 March 2022 is a Wednesday" in p.message


def test_impossible_date(workspace):
    write_issue(workspace, {"stories/s.md": story("Oops", "Tuesday 31 February")}, name="2022-03")
    [p] = problems(workspace, "2022-03", at="2022-02-25 09:00", only="weekday-mismatch")
    assert "is not a date" in p.message


def test_weekday_in_a_link_target_is_ignored(workspace):
    text = "[Book now](https://example.org/Wednesday-1-March) for our cuppa."
    write_issue(workspace, {"stories/s.md": story("News", text)}, name="2022-03")
    assert problems(workspace, "2022-03", at="2022-02-25 09:00", only="weekday-mismatch") == []


ACTION = '---\ntitle: "Share your views"\ndeadline: {deadline}\n---\nTell us what you think.\n'


@pytest.mark.parametrize(
    ("deadline", "fires"),
    [("2026-11-30", True), ("2026-11-01", True), ("2026-12-01", False), ("2026-12-20", False)],
)
def test_deadline_passed(workspace, deadline, fires):
    write_issue(workspace, {"actions/survey.md": ACTION.format(deadline=deadline)})
    found = problems(workspace, at="2026-12-01 09:00", only="deadline-passed")
    assert codes(found) == (["deadline-passed"] if fires else [])
    if fires:
        assert (found[0].file, found[0].line) == ("drafts/2026-12/actions/survey.md", 3)


def test_deadline_judged_at_the_send_time(workspace):
    write_issue(workspace, {"actions/survey.md": ACTION.format(deadline="2026-12-13")})
    assert problems(workspace, at="2026-12-13 23:00", only="deadline-passed") == []
    assert codes(problems(workspace, at="2026-12-14 00:01", only="deadline-passed")) == [
        "deadline-passed"
    ]


@pytest.mark.parametrize(
    ("start", "fires"),
    [("2026-11-28 12:30", True), ("2026-12-01 08:59", True), ("2026-12-01 12:30", False)],
)
def test_event_passed(workspace, start, fires):
    write_issue(workspace, {"events/cuppa.md": event("Co-Pro Cuppa", start)})
    found = problems(workspace, at="2026-12-01 09:00", only="event-passed")
    assert codes(found) == (["event-passed"] if fires else [])
    if fires:
        assert found[0].line == 3


@pytest.mark.parametrize(
    ("start", "fires"), [("2027-07-01 12:00", True), ("2027-05-20 12:00", False)]
)
def test_event_far(workspace, start, fires):
    write_issue(workspace, {"events/conf.md": event("Conference", start)})
    assert codes(problems(workspace, only="event-far")) == (["event-far"] if fires else [])


@pytest.mark.parametrize(
    ("end", "fires"),
    [
        ('"11:30"', True),
        ("2026-12-08 10:00", True),
        ('"13:30"', False),
        ("2026-12-09 01:00", False),
    ],
)
def test_event_order(workspace, end, fires):
    write_issue(workspace, {"events/cuppa.md": event("Cuppa", "2026-12-08 12:30", end=end)})
    found = problems(workspace, only="event-order")
    assert codes(found) == (["event-order"] if fires else [])
    if fires:
        assert found[0].line == 4


@pytest.mark.parametrize(
    ("subject", "fires"),
    [
        ("Team update: March 2026", True),
        ("Team update: April 2026", False),
        ("Team update: dates for May 2026", False),
        ("Your June newsletter", True),
        ("How you may help", False),
    ],
)
def test_month_mismatch_in_subject(workspace, subject, fires):
    write_issue(workspace, name="2026-04", subject=subject)
    found = problems(workspace, "2026-04", at="2026-04-01 09:00", only="month-mismatch")
    assert codes(found) == (["month-mismatch"] if fires else [])
    if fires:
        assert (found[0].file, found[0].line) == ("drafts/2026-04/issue.md", 2)


def test_month_mismatch_in_headings_not_in_text(workspace):
    body = "## Looking back at February\n\nIn February we held three workshops.\n"
    write_issue(workspace, {"stories/back.md": story("Where we have been", body)}, name="2026-04")
    [p] = problems(workspace, "2026-04", at="2026-04-01 09:00", only="month-mismatch")
    assert (p.file, p.line) == ("drafts/2026-04/stories/back.md", 4)
    assert "heading" in p.message


def test_month_mismatch_in_a_title(workspace):
    write_issue(
        workspace, {"stories/s.md": story("Our March conference", "It went well.")}, name="2026-01"
    )
    [p] = problems(workspace, "2026-01", at="2026-01-01 09:00", only="month-mismatch")
    assert p.line == 2


def test_december_issue_may_name_january(workspace):
    write_issue(workspace, name="2026-12", subject="Team update: December 2026 and January")
    assert problems(workspace, only="month-mismatch") == []


def test_the_march_2022_fixture_checks_cleanly(cli, tmp_path):

    make_workspace(tmp_path, fixture="march-2022")
    r = cli("check", "--offline", "--strict", "--at", "2022-02-28 09:00", cwd=tmp_path)
    assert r.exit_code == 0, r.output
    assert "no problems found" in r.stdout


# --- properties: any date, written any usual way --------------------------------------------

FORMS = [
    "{wd} {d} {month}",
    "{wd}, {d} {month}",
    "{wda} {d}{ord} {mon}",
    "{wd} {month} {d}{ord}",
    "next {wd} {d} {month}",
    "{wd} the {d}{ord} of {month}",
    "{wd} {d}-{d2} {month}",
    "{wd} {d} {month} {year}",
]


def _ord(d: int) -> str:
    return "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")


def _write(form: str, day: date, weekday: int) -> str:
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return form.format(
        wd=names[weekday],
        wda=names[weekday][:3],
        d=day.day,
        d2=day.day + 1,
        ord=_ord(day.day),
        month=day.strftime("%B"),
        mon=day.strftime("%b"),
        year=day.year,
    )


@given(
    offset=st.integers(min_value=-40, max_value=300),
    form=st.sampled_from(FORMS),
    shift=st.integers(min_value=0, max_value=6),
)
def test_any_date_any_form(offset, form, shift):
    issue = date(2026, 12, 1)
    day = issue + timedelta(days=offset)
    if "{year}" not in form and nearest_year(day.month, day.day, issue) != day.year:
        return  # without a year, the date is read as the one nearest the issue
    if "{d2}" in form and day.day >= 28:
        return
    text = f"Join us on {_write(form, day, (day.weekday() + shift) % 7)} for the meet-up."
    [(_offset, _written, weekday, d, month, year)] = list(weekday_mentions(text))
    assert (d, month) == (day.day, day.month)
    assert year in (None, day.year)
    y = year or nearest_year(month, d, issue)
    assert (date(y, month, d).weekday() == weekday) == (shift == 0)
