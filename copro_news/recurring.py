"""Monthly events on a rule: ``repeat: first tuesday`` (first, second, third, fourth or last,
and a weekday), as iCalendar's ``FREQ=MONTHLY;BYDAY=1TU``.

Dates here are the days of the workspace's calendar: an event's start is read in the
workspace's time zone, and its time of day is kept as written when it moves to another day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from copro_news.dates import WEEKDAYS

ORDINALS = {
    "first": 1, "1st": 1,
    "second": 2, "2nd": 2,
    "third": 3, "3rd": 3,
    "fourth": 4, "4th": 4,
    "last": -1,
}  # fmt: skip
_RULE = re.compile(
    rf"^(?:every\s+)?(?P<nth>{'|'.join(ORDINALS)})\s+(?P<day>{'|'.join(WEEKDAYS)})"
    r"(?:\s+of\s+(?:the|each|every)\s+month)?$"
)
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
FORMS = "first, second, third, fourth or last, and a weekday"


@dataclass(frozen=True)
class Repeat:
    """The nth weekday of every month: ``nth`` is 1 to 4, or -1 for the last."""

    nth: int
    weekday: int  # Monday is 0

    def __str__(self) -> str:
        """'first Tuesday', as a person says it."""
        return f"{_WORDS[self.nth]} {calendar.day_name[self.weekday]}"

    @property
    def rrule(self) -> str:
        return f"FREQ=MONTHLY;BYDAY={self.nth}{_ICAL_DAYS[self.weekday]}"

    def in_month(self, year: int, month: int) -> date:
        """The day the rule falls on in that month."""
        if self.nth == -1:
            last = date(year, month, calendar.monthrange(year, month)[1])
            return last - timedelta(days=(last.weekday() - self.weekday) % 7)
        first = date(year, month, 1)
        return first + timedelta(days=(self.weekday - first.weekday()) % 7 + 7 * (self.nth - 1))

    def follows(self, day: date) -> bool:
        return self.in_month(day.year, day.month) == day

    def next_on_or_after(self, day: date) -> date:
        """The first day on the rule that is ``day`` or later."""
        year, month = day.year, day.month
        while True:
            found = self.in_month(year, month)
            if found >= day:
                return found
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def parse(text: str) -> Repeat | None:
    """'first tuesday', 'last Fri', '2nd wednesday of the month'; None if it is not a rule."""
    m = _RULE.match(" ".join(text.lower().split()))
    if m is None:
        return None
    return Repeat(ORDINALS[m["nth"]], WEEKDAYS[m["day"]])
