"""Add to calendar: the Google Calendar and Outlook links decoded and compared, and the .ics
files read back with icalendar, on both sides of the clocks' changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copro_news import calendar
from copro_news.calendar import CalendarEvent, CalendarRecord, span

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def query(url: str) -> tuple[str, dict[str, str]]:
    """Where a link leads, and its query string decoded: one value per key."""
    parts = urlsplit(url)
    decoded = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in decoded.values()), decoded
    return f"{parts.scheme}://{parts.netloc}{parts.path}", {k: v[0] for k, v in decoded.items()}


def cuppa(start: datetime, end: datetime | time | None = time(13, 30)) -> CalendarEvent:
    return CalendarEvent(
        key="co-pro-cuppa",
        title="Co-Pro Cuppa",
        when=span(start, end, LONDON),
        location="Online (Zoom)",
        description="An informal hour. Bring a cuppa.",
        url="https://example.org/cuppa?ref=news&x=1",
        url_text="Book your place",
    )


DETAILS = (
    "An informal hour. Bring a cuppa.\n\nBook your place: https://example.org/cuppa?ref=news&x=1"
)


def test_google_link_for_the_december_cuppa_in_greenwich_time():
    event = cuppa(datetime(2026, 12, 1, 12, 30, tzinfo=LONDON))
    where, q = query(calendar.google_link(event, "Europe/London"))
    assert where == "https://calendar.google.com/calendar/render"
    assert q == {
        "action": "TEMPLATE",
        "text": "Co-Pro Cuppa",
        "dates": "20261201T123000Z/20261201T133000Z",
        "details": DETAILS,
        "location": "Online (Zoom)",
        "ctz": "Europe/London",
    }


def test_a_summer_time_date_is_an_hour_earlier_in_utc():
    event = cuppa(datetime(2026, 6, 2, 12, 30, tzinfo=LONDON))
    assert query(calendar.google_link(event, "Europe/London"))[1]["dates"] == (
        "20260602T113000Z/20260602T123000Z"
    )
    for service in (calendar.OUTLOOK_365, calendar.OUTLOOK_COM):
        where, q = query(calendar.outlook_link(event, service))
        assert where == service
        assert (q["startdt"], q["enddt"]) == ("2026-06-02T11:30:00Z", "2026-06-02T12:30:00Z")


def test_outlook_links_for_work_and_personal_accounts():
    event = cuppa(datetime(2026, 12, 1, 12, 30, tzinfo=LONDON))
    links = calendar.links(event, "Europe/London", "https://example.org/news/2026-12/cuppa.ics")
    assert [link.name for link in links] == [
        "Google Calendar",
        "Outlook",
        "Outlook.com",
        "Apple and others (.ics)",
    ]
    expected = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "startdt": "2026-12-01T12:30:00Z",
        "enddt": "2026-12-01T13:30:00Z",
        "subject": "Co-Pro Cuppa",
        "body": DETAILS,
        "location": "Online (Zoom)",
    }
    assert query(links[1].url) == (
        "https://outlook.office.com/calendar/0/deeplink/compose",
        expected,
    )
    assert query(links[2].url) == ("https://outlook.live.com/calendar/0/deeplink/compose", expected)
    assert links[3].url == "https://example.org/news/2026-12/cuppa.ics"
    assert [link.name for link in calendar.links(event, "Europe/London", None)] == [
        "Google Calendar",
        "Outlook",
        "Outlook.com",
    ]


def test_an_all_day_event_over_two_days_is_given_as_dates():
    hive = CalendarEvent("hive", "Hive", span(date(2022, 3, 23), date(2022, 3, 24), LONDON))
    assert query(calendar.google_link(hive, "Europe/London"))[1]["dates"] == "20220323/20220325"
    q = query(calendar.outlook_link(hive))[1]
    assert (q["startdt"], q["enddt"], q["allday"]) == ("2022-03-23", "2022-03-25", "true")
    one_day = CalendarEvent("day", "Day", span(date(2022, 3, 23), None, LONDON))
    assert query(calendar.google_link(one_day, "Europe/London"))[1]["dates"] == (
        "20220323/20220324"
    )
    assert (
        "allday"
        not in query(calendar.outlook_link(cuppa(datetime(2022, 3, 1, 12, 30, tzinfo=LONDON))))[1]
    )


def test_how_long_an_event_lasts_in_a_calendar():
    start = datetime(2026, 12, 1, 12, 30, tzinfo=LONDON)
    assert span(start, None, LONDON).end == start + timedelta(minutes=calendar.DEFAULT_MINUTES)
    assert span(start, time(11, 0), LONDON).end == start + timedelta(minutes=60)  # ends before
    festival = span(datetime(2022, 3, 23, 10, 0, tzinfo=LONDON), date(2022, 3, 24), LONDON)
    assert (festival.all_day, festival.end) == (False, datetime(2022, 3, 25, 0, 0, tzinfo=LONDON))
    two = span(start, datetime(2026, 12, 2, 16, 0, tzinfo=LONDON), LONDON)
    assert two.end == datetime(2026, 12, 2, 16, 0, tzinfo=LONDON)


def test_a_long_text_is_shortened_in_the_links_and_the_link_kept():
    event = CalendarEvent(
        "talk",
        "Talk",
        span(datetime(2026, 12, 1, 12, 30, tzinfo=LONDON), None, LONDON),
        description="word " * 500,
        url="https://example.org/talk",
    )
    details = query(calendar.google_link(event, "Europe/London"))[1]["details"]
    assert len(details) < calendar.DETAILS_CHARS + 60
    assert details.endswith("\u2026\n\nFind out more: https://example.org/talk")


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2032, 12, 31)),
    st.integers(min_value=15, max_value=600),
)
def test_the_utc_times_are_right_on_either_side_of_every_clock_change(naive, minutes):
    """Any time the clocks show in London, whatever the season: the links carry the instant."""
    start = naive.replace(second=0, microsecond=0, tzinfo=LONDON)
    if start.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != start.replace(tzinfo=None):
        return  # a time the clocks skip: the issue refuses it before any link is made
    end = start + timedelta(minutes=minutes)
    event = CalendarEvent("e", "E", span(start, end, LONDON))
    dates = query(calendar.google_link(event, "Europe/London"))[1]["dates"]
    first, last = (
        datetime.strptime(d, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) for d in dates.split("/")
    )
    assert first == start and last == end
    q = query(calendar.outlook_link(event))[1]
    assert datetime.fromisoformat(q["startdt"].replace("Z", "+00:00")) == start


# --- the .ics file --------------------------------------------------------------------------------


def ics(event: CalendarEvent, record: CalendarRecord | None = None) -> bytes:
    record = record or CalendarRecord("2026-12")
    entry = record.entry(event, NOW)
    return calendar.ics_file(
        event,
        entry,
        timezone="Europe/London",
        prodid=calendar.prodid("Co-Production Collective", "1.0"),
    )


def test_the_ics_file_is_rfc_5545_with_its_time_zone():
    from icalendar import Calendar

    data = ics(cuppa(datetime(2026, 12, 1, 12, 30, tzinfo=LONDON)))
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in data.replace(b"\r\n", b"")  # CRLF, every line
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets
    parsed = Calendar.from_ical(data)
    assert str(parsed["VERSION"]) == "2.0"
    assert str(parsed["PRODID"]) == "-//Co-Production Collective//copro-news 1.0//EN"
    assert str(parsed["METHOD"]) == "PUBLISH"
    (zone,) = parsed.walk("VTIMEZONE")
    (event,) = parsed.walk("VEVENT")
    assert str(zone["TZID"]) == "Europe/London"
    assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"] == "Europe/London"
    for name in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "SEQUENCE"):
        assert name in event, name
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 12, 30, tzinfo=LONDON)
    assert event.decoded("DTEND") == datetime(2026, 12, 1, 13, 30, tzinfo=LONDON)
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["URL"]) == "https://example.org/cuppa?ref=news&x=1"
    assert str(event["DESCRIPTION"]) == DETAILS
    assert str(event["LOCATION"]) == "Online (Zoom)"


def test_the_time_zone_of_the_file_is_right_across_a_clock_change():
    """A calendar that knows nothing of Europe/London reads the file's own VTIMEZONE: the day
    before the clocks go forward is GMT, the day after is BST; and back again in October."""
    from icalendar import Calendar

    cases = [
        (datetime(2026, 3, 28, 12, 0), 12),
        (datetime(2026, 3, 29, 12, 0), 11),
        (datetime(2026, 10, 24, 12, 0), 11),
        (datetime(2026, 10, 25, 12, 0), 12),
    ]
    for wall, utc_hour in cases:
        data = ics(CalendarEvent("e", "E", span(wall.replace(tzinfo=LONDON), None, LONDON)))
        parsed = Calendar.from_ical(data)
        zone = parsed.walk("VTIMEZONE")[0].to_tz()  # the rules as the file states them
        start = parsed.walk("VEVENT")[0]["DTSTART"]
        assert start.to_ical().decode() == wall.strftime("%Y%m%dT%H%M%S")
        assert wall.replace(tzinfo=zone).astimezone(UTC).hour == utc_hour, wall


def test_an_all_day_event_is_dates_in_the_file_without_a_time_zone():
    from icalendar import Calendar

    hive = CalendarEvent("hive", "Hive", span(date(2022, 3, 23), date(2022, 3, 24), LONDON))
    data = ics(hive)
    assert b"DTSTART;VALUE=DATE:20220323\r\n" in data
    assert b"DTEND;VALUE=DATE:20220325\r\n" in data
    parsed = Calendar.from_ical(data)
    assert parsed.walk("VTIMEZONE") == []  # nothing names a zone, so none is needed
    assert parsed.walk("VEVENT")[0].decoded("DTEND") == date(2022, 3, 25)


def test_the_record_keeps_the_uid_and_raises_the_sequence_only_for_a_new_time():
    record = CalendarRecord("2026-12")
    first = cuppa(datetime(2026, 12, 1, 12, 30, tzinfo=LONDON))
    entry = record.entry(first, NOW)
    uid = entry.uid
    assert (entry.sequence, record.changed) == (0, True)
    record.changed = False
    assert ics(first, record) == ics(first, record)  # the same bytes at every build
    assert record.changed is False
    renamed = CalendarEvent(first.key, "Cuppa", first.when, location="Elsewhere")
    assert record.entry(renamed, NOW + timedelta(days=1)).sequence == 0 and not record.changed
    later = cuppa(datetime(2026, 12, 1, 13, 0, tzinfo=LONDON), time(14, 0))
    moved = record.entry(later, NOW + timedelta(days=2))
    assert (moved.uid, moved.sequence, record.changed) == (uid, 1, True)
    assert moved.stamp == "2026-11-22T10:00:00Z"


def test_uids_are_random_and_say_nothing_of_the_team():
    import uuid

    record = CalendarRecord("2026-12")
    uids = {
        record.entry(CalendarEvent(k, k, span(date(2026, 12, 1), None, LONDON)), NOW).uid
        for k in "abc"
    }
    assert len(uids) == 3
    assert all(uuid.UUID(u).version == 4 for u in uids)


def test_a_damaged_record_is_made_again(tmp_path):
    (tmp_path / calendar.RECORD_FILE).write_text("{not json")
    assert calendar.load_record(tmp_path, "2026-12").events == {}
    (tmp_path / calendar.RECORD_FILE).write_text(
        '{"issue": "2026-12", "events": {"a": {"uid": 1}}}'
    )
    assert calendar.load_record(tmp_path, "2026-12").events == {}


@pytest.mark.parametrize(
    "url",
    [
        "https://calendar.google.com/calendar/render?action=TEMPLATE",
        "https://outlook.office.com/calendar/0/deeplink/compose?path=/calendar/action/compose",
        "https://outlook.live.com/calendar/0/deeplink/compose?rru=addevent",
    ],
)
def test_the_calendar_links_are_known_as_copro_news_own(url):
    assert calendar.is_calendar_link(url)
    assert not calendar.is_calendar_link("https://calendar.google.com/calendar/u/0/r")
