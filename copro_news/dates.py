"""Dates and times in words, in the workspace's locale (Babel).

Weekdays, dates and times in an issue are always rendered from structured fields with
these functions, never typed by hand, so they cannot disagree.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache

EN_DASH = "\u2013"


@lru_cache(maxsize=16)
def _patterns(locale: str) -> tuple[str, str]:
    """(date with year, date without year) patterns for ``locale``."""
    from babel import Locale

    loc = Locale.parse(locale)
    if loc.language == "en" and loc.territory not in ("US", "PH", "CA"):
        return "EEEE d MMMM y", "EEEE d MMMM"
    return "full", ""


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
    return format_skeleton("MMMMEEEEd", d, locale=locale)


def short_time(t: time | datetime, locale: str) -> str:
    from babel.dates import format_time

    if isinstance(t, datetime):
        t = t.timetz().replace(tzinfo=None)
    return format_time(t, "short", locale=locale)


def event_when(start: datetime, end: datetime | None, locale: str) -> str:
    """'Tuesday 1 March 2022, 12:30–13:30'; an event over several days names both days."""
    first = f"{long_date(start, locale)}, {short_time(start, locale)}"
    if end is None:
        return first
    if end.date() == start.date():
        return f"{first}{EN_DASH}{short_time(end, locale)}"
    return f"{first} {EN_DASH} {long_date(end, locale)}, {short_time(end, locale)}"


def deadline(d: date, locale: str, *, issue_year: int | None = None) -> str:
    """'by Sunday 13 February' (the year is named only when it is not the issue's)."""
    show_year = issue_year is not None and d.year != issue_year
    return f"by {long_date(d, locale, year=show_year)}"


def month_name(d: date, locale: str) -> str:
    from babel.dates import format_date

    return format_date(d, "MMMM y", locale=locale)
