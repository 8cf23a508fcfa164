"""Dates as people write them: all-day and multi-day events, deadlines with a time, dates in
words, and times the clocks skip or pass twice; property tests for each new form."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copro_news import dates
from copro_news.content import date_from_words, load_file
from tests.checkutil import event, problems, write_issue

LONDON = ZoneInfo("Europe/London")
ACTION = '---\ntitle: "Survey"\ndeadline: {}\n---\nTell us.\n'


def load_event(tmp: Path, front: str) -> tuple[dict, list]:
    path = tmp / "e.md"
    path.write_text(f'---\ntitle: "Hive"\n{front}\n---\nText.\n', encoding="utf-8")
    _src, data, found = load_file(path, "events", "events/e.md", LONDON)
    return data, found


# --- through the command line ---------------------------------------------------------------


def test_an_all_day_event_and_one_over_two_days(cli, workspace):
    write_issue(
        workspace,
        {
            "events/hive.md": event("Hive", "2026-12-23", end="2026-12-24"),
            "events/fair.md": event("Fair", "2026-12-09"),
        },
    )
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output
    text = (workspace / "drafts/2026-12/build/issue.txt").read_text()
    assert "When: Wednesday 9 December 2026\n" in text
    assert "When: Wednesday 23 – Thursday 24 December 2026\n" in text
    assert text.index("Fair") < text.index("Hive")


def test_a_deadline_with_a_time(cli, workspace):
    write_issue(workspace, {"actions/a.md": ACTION.format("2026-12-13 17:00")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output
    text = (workspace / "drafts/2026-12/build/issue.txt").read_text()
    assert "Deadline: by 17:00 on Sunday 13 December\n" in text


def test_an_all_day_event_passes_by_its_day_not_at_midnight(workspace):
    write_issue(workspace, {"events/fair.md": event("Fair", "2026-12-01")})
    # sent at 09:00 on the day of the fair: it is not over, as midnight would say
    assert problems(workspace, at="2026-12-01 09:00", only="event-passed") == []
    [p] = problems(workspace, at="2026-12-02 09:00", only="event-passed")
    assert p.message == "'Fair' starts on 2026-12-01, before the send time (2026-12-02)."


def test_a_deadline_with_a_time_passes_at_that_time(workspace):
    write_issue(workspace, {"actions/a.md": ACTION.format("2026-12-01 17:00")})
    assert problems(workspace, at="2026-12-01 16:59", only="deadline-passed") == []
    [p] = problems(workspace, at="2026-12-01 17:01", only="deadline-passed")
    assert p.message == (
        "The deadline 2026-12-01 17:00 is before the send time (2026-12-01 17:01)."
    )


def test_an_all_day_event_cannot_end_at_a_time(cli, workspace):
    write_issue(workspace, {"events/hive.md": event("Hive", "2026-12-23", end='"17:00"')})
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "drafts/2026-12/events/hive.md:4: field-invalid The event lasts all day (its start "
        "has no time), so it ends on a day, not at 17:00." in r.stdout
    )
    assert (
        "hint: Give start a time too (start: 2026-12-23 10:00), or end the last day "
        "(end: 2026-12-23)." in r.stdout
    )


def test_a_multi_day_event_that_ends_before_it_starts(workspace):
    write_issue(workspace, {"events/hive.md": event("Hive", "2026-12-23", end="2026-12-22")})
    [p] = problems(workspace, only="event-order")
    assert p.message == "'Hive' ends (2026-12-22) before it starts (2026-12-23)."


def test_a_time_the_clocks_skip_is_an_error_and_one_they_pass_twice_a_warning(cli, workspace):
    write_issue(
        workspace,
        {
            "events/spring.md": event("Spring", "2027-03-28 01:30"),
            "events/autumn.md": event("Autumn", "2026-10-25 01:30"),
        },
        name="2026-12",
    )
    r = cli("check", "--offline", cwd=workspace)
    assert (
        "drafts/2026-12/events/spring.md:3: field-invalid 'start' is 01:30 on 2027-03-28, a "
        "time that does not exist in Europe/London: the clocks go forward that night." in r.stdout
    )
    assert "hint: Give a time the clocks show that night, e.g. start: 2027-03-28 02:30" in r.stdout
    assert (
        "drafts/2026-12/events/autumn.md:3: time-ambiguous 'start' is 01:30 on 2026-10-25, "
        "which happens twice in Europe/London: the clocks go back that night." in r.stdout
    )
    assert "hint: copro-news takes the first (BST); check the time" in r.stdout


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("1st March 2027 12:30", "Write it like this: start: 2027-03-01 12:30"),
        ("Tuesday 2 March 2027 at 6.30pm", "Write it like this: start: 2027-03-02 18:30"),
        ("March 3rd, 2027", "Write it like this: start: 2027-03-03"),
        ("23/03/2027 10:00", "Write it like this: start: 2027-03-23 10:00"),
        (
            "soon",
            "Write it like this: start: 2026-12-01 12:30 (or a date alone for an event all "
            "day: start: 2026-12-01)",
        ),
    ],
)
def test_a_date_in_words_gets_its_own_value_back(workspace, written, hint):
    write_issue(workspace, {"events/e.md": event("Cuppa", written)})
    [p] = problems(workspace, only="field-invalid")
    assert p.message == f"'start' is not a date and time (YYYY-MM-DD HH:MM): {written!r}."
    assert p.hint == hint


def test_a_deadline_in_words(workspace):
    write_issue(workspace, {"actions/a.md": ACTION.format("13th December 2026")})
    [p] = problems(workspace, only="field-invalid")
    assert p.hint == "Write it like this: deadline: 2026-12-13"


# --- properties -----------------------------------------------------------------------------

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2990, 12, 31))
TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))
LOCALES = st.sampled_from(["en_GB", "en_US", "fr_FR", "de_DE", "es_ES", "ja_JP", "cy_GB"])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(day=DAYS)
def test_all_day_text_names_the_right_weekday(day):
    shown = dates.event_when(day, None, "en_GB")
    weekday, month = calendar.day_name[day.weekday()], calendar.month_name[day.month]
    assert shown == f"{weekday} {day.day} {month} {day.year}"


@FAST
@given(first=DAYS, days=st.integers(min_value=1, max_value=400))
def test_a_range_names_both_days_and_the_last_year(first, days):
    last = first + timedelta(days=days)
    shown = dates.event_when(first, last, "en_GB")
    start, end = shown.split(" – ")
    assert start.startswith(f"{calendar.day_name[first.weekday()]} {first.day}")
    assert end == dates.long_date(last, "en_GB")
    assert (str(first.year) in start) == (first.year != last.year)
    assert (calendar.month_name[first.month] in start) == (
        (first.year, first.month) != (last.year, last.month)
    )


@FAST
@given(first=DAYS, days=st.integers(min_value=0, max_value=60), end=st.none() | TIMES, loc=LOCALES)
def test_every_form_renders_in_every_locale(first, days, end, loc):
    start_dt = datetime.combine(first, time(10, 0), tzinfo=LONDON)
    for start, finish in (
        (first, first + timedelta(days=days)),
        (start_dt, end),
        (start_dt, first + timedelta(days=days)),
        (start_dt, start_dt + timedelta(days=days, hours=2)),
    ):
        shown = dates.event_when(start, finish, loc)
        assert shown and "\n" not in shown
    assert dates.deadline(start_dt, loc, issue_year=first.year).startswith("by ")


@FAST
@given(day=DAYS, at=TIMES)
def test_a_deadline_with_a_time_says_the_time_then_the_day(day, at):
    shown = dates.deadline(datetime.combine(day, at, tzinfo=LONDON), "en_GB", issue_year=day.year)
    weekday = calendar.day_name[day.weekday()]
    assert shown == f"by {at:%H:%M} on {weekday} {day.day} {calendar.month_name[day.month]}"


ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


@FAST
@given(
    day=DAYS,
    at=st.none() | TIMES,
    long_month=st.booleans(),
    weekday=st.booleans(),
    month_first=st.booleans(),
)
def test_dates_in_words_come_back_as_copro_news_reads_them(
    day, at, long_month, weekday, month_first
):
    month = calendar.month_name[day.month] if long_month else calendar.month_abbr[day.month]
    nth = f"{day.day}{ORDINAL.get(day.day, 'th')}"
    words = f"{month} {nth}, {day.year}" if month_first else f"{nth} {month} {day.year}"
    if weekday:
        words = f"{calendar.day_name[day.weekday()]} {words}"
    if at is not None:
        words += f" {at:%H:%M}"
    expected = day.isoformat() + (f" {at:%H:%M}" if at is not None else "")
    assert date_from_words(words) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    moment=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0)
    )
)
def test_every_start_is_a_real_moment_or_refused(tmp_path_factory, moment):
    data, found = load_event(tmp_path_factory.mktemp("e"), f"start: {moment:%Y-%m-%d %H:%M}")
    if "start" in data:
        start = data["start"]
        # what is loaded is the wall time written, on the clocks of that day
        assert start.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) == moment
    else:
        [p] = found
        assert p.code == "field-invalid" and "does not exist in Europe/London" in p.message


@FAST
@given(first=DAYS, days=st.integers(min_value=0, max_value=30))
def test_all_day_events_load_as_days(tmp_path_factory, first, days):
    last = first + timedelta(days=days)
    data, found = load_event(
        tmp_path_factory.mktemp("d"), f"start: {first.isoformat()}\nend: {last.isoformat()}"
    )
    assert found == []
    assert data["start"] == first and data["end"] == last
    assert not isinstance(data["start"], datetime)


@FAST
@given(year=st.integers(min_value=1, max_value=9999))
def test_a_year_out_of_reach_is_refused_with_its_line(tmp_path_factory, year):
    data, found = load_event(tmp_path_factory.mktemp("y"), f"start: {year:04d}-06-01")
    if 1900 <= year <= 2999:
        assert found == [] and data["start"] == date(year, 6, 1)
    else:
        [p] = found
        assert (p.code, p.line) == ("field-invalid", 3)
        assert p.message == f"'start' is in the year {year}: not a date of this newsletter."
