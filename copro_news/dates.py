"""Dates and times in words, in the workspace's locale (Babel).

Weekdays, dates and times in an issue are always rendered from structured fields with
these functions, never typed by hand, so they cannot disagree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache

EN_DASH = "\u2013"
#: The weekdays as people write them, Monday being 0: "Tuesday", "Tue", "Tues".
WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip


def rfc3339(when: datetime) -> str:
    """An aware time in UTC to the second, as feeds and APIs write it: 2026-12-01T09:00:00Z."""
    return when.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=16)
def _patterns(locale: str) -> tuple[str, str]:
    """(date with year, date without year) patterns for ``locale``."""
    from babel import Locale

    loc = Locale.parse(locale)
    if loc.language == "en" and loc.territory not in ("US", "PH", "CA"):
        return "EEEE d MMMM y", "EEEE d MMMM"
    # The locale's own month-and-day pattern, with the weekday written out as 'full' has it.
    import re

    from babel.dates import match_skeleton

    skeletons = loc.datetime_skeletons
    found = match_skeleton("MMMMEEEEd", skeletons)
    pattern = str(skeletons[found].pattern) if found else ""
    return "full", re.sub(r"E+", "EEEE", pattern)


def long_date(d: date, locale: str, *, year: bool = True) -> str:
    """'Tuesday 1 March 2022' (en_GB), or without the year: 'Tuesday 1 March'."""
    from babel.dates import format_date, format_skeleton

    with_year, without_year = _patterns(locale)
    if isinstance(d, datetime):
        d = d.date()
    if year:
        return format_date(d, with_year, locale=locale)
    if without_year:
        return format_date(d, without_year, locale=locale)
    return format_skeleton("MMMMEEEEd", d, locale=locale)  # pragma: no cover


def short_time(t: time | date, locale: str) -> str:
    """'12:30' (en_GB), '12:30 PM' (en_US); empty for a day without a time (all day)."""
    from babel.dates import format_time

    if not isinstance(t, (time, datetime)):
        return ""

    if isinstance(t, datetime):
        t = t.timetz().replace(tzinfo=None)
    return format_time(t, "short", locale=locale)


def day_range(first: date, last: date, locale: str) -> str:
    """Days from ``first`` to ``last``: 'Wednesday 23 – Thursday 24 March 2022' (en_GB),
    'Thursday 31 March – Friday 1 April 2022'; one day alone is that day."""
    if isinstance(first, datetime):
        first = first.date()
    if isinstance(last, datetime):
        last = last.date()
    if last <= first:
        return long_date(first, locale)
    end = long_date(last, locale)
    if _patterns(locale)[1] == "EEEE d MMMM":  # English the British way: say what differs
        from babel.dates import format_date

        if (first.year, first.month) == (last.year, last.month):
            return f"{format_date(first, 'EEEE d', locale=locale)} {EN_DASH} {end}"
        if first.year == last.year:
            return f"{long_date(first, locale, year=False)} {EN_DASH} {end}"
    return f"{long_date(first, locale, year=first.year != last.year)} {EN_DASH} {end}"


def event_when(start: date, end: date | time | None, locale: str) -> str:
    """When an event is, in words: 'Tuesday 1 March 2022, 12:30–13:30'; an all-day event
    'Wednesday 23 March 2022', over several days 'Wednesday 23 – Thursday 24 March 2022';
    an event over several days with times names both days."""
    if not isinstance(start, datetime):  # all day
        if isinstance(end, date) and not isinstance(end, datetime):
            return day_range(start, end, locale)
        return long_date(start, locale)
    first = f"{long_date(start, locale)}, {short_time(start, locale)}"
    if end is None:
        return first
    if isinstance(end, time):
        return f"{first}{EN_DASH}{short_time(end, locale)}"
    if not isinstance(end, datetime):  # the last day, without a time
        if end <= start.date():
            return first
        year = start.year != end.year
        return (
            f"{long_date(start, locale, year=year)}, {short_time(start, locale)} {EN_DASH} "
            f"{long_date(end, locale)}"
        )
    if end.date() == start.date():
        return f"{first}{EN_DASH}{short_time(end, locale)}"
    return f"{first} {EN_DASH} {long_date(end, locale)}, {short_time(end, locale)}"


def deadline(d: date, locale: str, *, issue_year: int | None = None) -> str:
    """'by Sunday 13 February', 'by 17:00 on Sunday 13 February' (the year is named only
    when it is not the issue's)."""
    show_year = issue_year is not None and d.year != issue_year
    day = long_date(d, locale, year=show_year)
    if isinstance(d, datetime):
        return f"by {short_time(d, locale)} on {day}"
    return f"by {day}"


def month_name(d: date, locale: str) -> str:
    from babel.dates import format_date

    return format_date(d, "MMMM y", locale=locale)
