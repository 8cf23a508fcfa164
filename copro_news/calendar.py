"""Add to calendar: links to Google Calendar and Outlook, and an .ics file for each event.

The links are the forms the services take from a link (none of them documents it
officially): Google Calendar's ``render?action=TEMPLATE`` with both ends of the event in
UTC and the workspace's zone as ``ctz``; Outlook's ``deeplink/compose`` on
outlook.office.com (work and school accounts) and outlook.live.com (Outlook.com), with the
times in UTC. An all-day event is given as dates, its end the day after its last day, as
calendars count it.

The .ics file (RFC 5545) is written with the ``icalendar`` library, imported only when a
file is written: ``METHOD:PUBLISH``, a ``VTIMEZONE`` for the workspace's zone, and for each
event a ``UID`` kept in the issue's calendar record (``calendar.json``, beside
``send.json``) so that it stays the same from one build to the next, and a ``SEQUENCE``
that rises only when the event's time changes. Nothing here reads the clock: the time of
the build is given.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from copro_news.dates import rfc3339

#: An event without an end lasts this long in a calendar.
DEFAULT_MINUTES = 60
#: Calendar links carry the event's text up to about this many characters.
DETAILS_CHARS = 300
RECORD_FILE = "calendar.json"

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_365 = "https://outlook.office.com/calendar/0/deeplink/compose"
OUTLOOK_COM = "https://outlook.live.com/calendar/0/deeplink/compose"
#: Where the calendar links of copro-news lead: never checked as a link a person wrote.
SERVICES = (GOOGLE, OUTLOOK_365, OUTLOOK_COM)


def is_calendar_link(url: str) -> bool:
    """Whether ``url`` is an add-to-calendar link that copro-news made."""
    return url.startswith(tuple(s + "?" for s in SERVICES))


@dataclass(frozen=True)
class When:
    """When an event is, as a calendar holds it: aware times, or dates for an all-day event
    (``end`` then the day after the last day)."""

    start: date | datetime
    end: date | datetime
    all_day: bool


def span(start: date | datetime, end: date | datetime | time | None, tz: ZoneInfo) -> When:
    """The event from its ``start`` and ``end`` fields as the issue holds them.

    A date alone is an all-day event, over several days when ``end`` is a later date. An
    event with a time and no end lasts DEFAULT_MINUTES; one whose end is a day (a time on
    the first day, the last day without a time) lasts to the end of that day.
    """
    if not isinstance(start, datetime):
        last = end if isinstance(end, date) and not isinstance(end, datetime) else start
        return When(start, max(last, start) + timedelta(days=1), True)
    begin = start if start.tzinfo is not None else start.replace(tzinfo=tz)
    if isinstance(end, datetime):
        finish = end if end.tzinfo is not None else end.replace(tzinfo=tz)
    elif isinstance(end, time):
        finish = datetime.combine(begin.date(), end, tzinfo=begin.tzinfo)
    elif isinstance(end, date) and end > begin.date():
        finish = datetime.combine(end + timedelta(days=1), time(0), tzinfo=begin.tzinfo)
    else:
        finish = begin + timedelta(minutes=DEFAULT_MINUTES)
    if finish <= begin:
        finish = begin + timedelta(minutes=DEFAULT_MINUTES)
    return When(begin, finish, False)


@dataclass(frozen=True)
class CalendarEvent:
    """One event of an issue, as calendars take it."""

    key: str  # its snippet's name, the same from one build to the next: co-pro-cuppa
    title: str
    when: When
    location: str = ""
    description: str = ""  # plain text
    url: str = ""  # where to find out more and sign up
    url_text: str = ""  # the link's words

    def details(self, limit: int = DETAILS_CHARS) -> str:
        """The text a calendar link carries: the event's text, shortened, and its link."""
        text = " ".join(self.description.split())
        if len(text) > limit:
            cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
            text = cut + "\u2026"
        if self.url:
            line = f"{self.url_text or 'Find out more'}: {self.url}"
            text = f"{text}\n\n{line}" if text else line
        return text


def _utc(d: datetime) -> datetime:
    return d.astimezone(UTC)


def _query(params: Iterable[tuple[str, str]]) -> str:
    return urlencode([(k, v) for k, v in params if v], quote_via=quote, safe="/:")


def google_link(event: CalendarEvent, timezone: str) -> str:
    """Google Calendar's form for a new event, filled in."""
    when = event.when
    if when.all_day:
        dates = f"{when.start:%Y%m%d}/{when.end:%Y%m%d}"
    else:
        assert isinstance(when.start, datetime) and isinstance(when.end, datetime)
        dates = f"{_utc(when.start):%Y%m%dT%H%M%SZ}/{_utc(when.end):%Y%m%dT%H%M%SZ}"
    params = [
        ("action", "TEMPLATE"),
        ("text", event.title),
        ("dates", dates),
        ("details", event.details()),
        ("location", event.location),
        ("ctz", timezone),
    ]
    return f"{GOOGLE}?{_query(params)}"


def outlook_link(event: CalendarEvent, service: str = OUTLOOK_365) -> str:
    """Outlook on the web's form for a new event, filled in: Microsoft 365 (work or
    school), or Outlook.com with ``service=OUTLOOK_COM``."""
    when = event.when
    if when.all_day:
        start, end = f"{when.start:%Y-%m-%d}", f"{when.end:%Y-%m-%d}"
    else:
        assert isinstance(when.start, datetime) and isinstance(when.end, datetime)
        start = f"{_utc(when.start):%Y-%m-%dT%H:%M:%SZ}"
        end = f"{_utc(when.end):%Y-%m-%dT%H:%M:%SZ}"
    params = [
        ("path", "/calendar/action/compose"),
        ("rru", "addevent"),
        ("startdt", start),
        ("enddt", end),
        ("allday", "true" if when.all_day else ""),
        ("subject", event.title),
        ("body", event.details()),
        ("location", event.location),
    ]
    return f"{service}?{_query(params)}"


@dataclass(frozen=True)
class Link:
    """One add-to-calendar link: the words a reader sees, and where it leads."""

    name: str
    url: str


def links(event: CalendarEvent, timezone: str, ics: str | None) -> list[Link]:
    """Every add-to-calendar link of ``event``; the .ics file's only when ``ics`` (its
    address) is given."""
    found = [
        Link("Google Calendar", google_link(event, timezone)),
        Link("Outlook", outlook_link(event, OUTLOOK_365)),
        Link("Outlook.com", outlook_link(event, OUTLOOK_COM)),
    ]
    if ics is not None:
        found.append(Link("Apple and others (.ics)", ics))
    return found


def ics_name(key: str) -> str:
    """The .ics file of an event, beside its page: co-pro-cuppa.ics."""
    return f"{key}.ics"


# --- the calendar record -------------------------------------------------------------------


@dataclass
class Entry:
    """What the record keeps of one event: its UID, SEQUENCE, DTSTAMP and its time."""

    uid: str
    sequence: int
    stamp: str  # when this version of the event was first written (UTC, ISO 8601)
    time: str  # the event's time as last written: a change raises the sequence


@dataclass
class CalendarRecord:
    """``calendar.json`` in the issue folder: one entry per event, by snippet name.

    Kept in git like send.json: a UID made once, so a calendar that imports the file again
    knows the event; the sequence raised when the event's time changes.
    """

    issue: str
    events: dict[str, Entry] = field(default_factory=dict)
    changed: bool = False

    def entry(self, event: CalendarEvent, now: datetime) -> Entry:
        """The entry for ``event``, made or brought up to date (``changed`` says so)."""
        import uuid

        time_ = _time_of(event.when)
        found = self.events.get(event.key)
        if found is None:
            found = Entry(str(uuid.uuid4()), 0, rfc3339(now), time_)
            self.events[event.key] = found
            self.changed = True
        elif found.time != time_:
            found.sequence += 1
            found.stamp = rfc3339(now)
            found.time = time_
            self.changed = True
        return found

    def to_json(self) -> str:
        doc = {
            "issue": self.issue,
            "events": {k: vars(v) for k, v in sorted(self.events.items())},
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _time_of(when: When) -> str:
    return f"{when.start.isoformat()}/{when.end.isoformat()}"


def load_record(folder: Path, issue: str) -> CalendarRecord:
    """The issue's calendar record; a new one when there is none, when it cannot be read,
    or when it belongs to another issue (copied with last month's folder: its UIDs are that
    issue's events')."""
    from copro_news.fsutil import read_regular

    try:
        doc = json.loads(read_regular(folder / RECORD_FILE, 1_000_000))
    except (OSError, ValueError, RecursionError):
        return CalendarRecord(issue)
    if not isinstance(doc, dict) or doc.get("issue") != issue:
        return CalendarRecord(issue)
    events: dict[str, Entry] = {}
    raw = doc.get("events")
    for key, value in raw.items() if isinstance(raw, dict) else []:
        try:
            entry = Entry(
                str(value["uid"]), int(value["sequence"]), str(value["stamp"]), str(value["time"])
            )
        except (KeyError, TypeError, ValueError):
            continue
        if entry.uid and entry.sequence >= 0:
            events[str(key)] = entry
    return CalendarRecord(issue, events)


def save_record(folder: Path, record: CalendarRecord) -> bool:
    """Write the record when it changed; whether it was written."""
    from copro_news.fsutil import atomic_write

    if not record.changed:
        return False
    atomic_write(folder / RECORD_FILE, record.to_json())
    record.changed = False
    return True


# --- the .ics file -------------------------------------------------------------------------


def ics_file(event: CalendarEvent, entry: Entry, *, timezone: str, prodid: str) -> bytes:
    """The event as an iCalendar file (RFC 5545), with its zone's VTIMEZONE."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    item = Event()
    item.add("uid", entry.uid)
    item.add("dtstamp", datetime.strptime(entry.stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))
    item.add("sequence", entry.sequence)
    item.add("summary", event.title)
    when = event.when
    item.add("dtstart", when.start)
    item.add("dtend", when.end)
    if event.location:
        item.add("location", event.location)
    text = event.description.strip()
    if event.url:
        text = f"{text}\n\n{event.url_text or 'Find out more'}: {event.url}".strip()
        item.add("url", event.url)
    if text:
        item.add("description", text)
    cal.add_component(item)
    if not when.all_day:
        # The zone's rules for the years the event is in: a small file, right on both sides
        # of every change of the clocks in those years.
        cal.add_missing_timezones(
            first_date=date(when.start.year, 1, 1), last_date=date(when.end.year + 1, 1, 1)
        )
    data: bytes = cal.to_ical()
    return data


def prodid(name: str, version: str) -> str:
    """PRODID: who made the file: '-//Co-Production Collective//copro-news 0.9//EN'."""
    clean = "".join(c for c in name if c.isprintable() and c not in "/\\").strip() or "copro-news"
    return f"-//{clean}//copro-news {version}//EN"
