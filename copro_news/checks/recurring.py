"""Rules about recurring events: the date of an event with ``repeat:`` follows its rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from copro_news.checks.registry import Context, rule
from copro_news.dates import long_date
from copro_news.problems import Problem
from copro_news.recurring import Repeat

if TYPE_CHECKING:
    from copro_news.content import Issue


@rule(
    "repeat-mismatch",
    severity="warning",
    summary="A recurring event whose date does not follow its repeat rule.",
    explanation=(
        "An event with 'repeat: first tuesday' (first, second, third, fourth or last, and a "
        "weekday) happens on that day of every month, and `copro-news new` carries it into "
        "the next issue with its next date. A start on another day is usually a typo in the "
        "date, or a session moved this once (then say so in its text, and ignore the rule "
        "in that file with check-ignore: [repeat-mismatch]).\n\n"
        "Example that warns: repeat: first tuesday with start: 2026-12-08 12:30 (the second "
        "Tuesday; the first is 1 December)"
    ),
)
def repeat_mismatch(issue: Issue, ctx: Context) -> Iterator[Problem]:
    locale = ctx.ws.settings.locale
    for s in issue.sections.get("events", []):
        repeat, start = s.get("repeat"), s.get("start")
        if not isinstance(repeat, Repeat) or not isinstance(start, date):
            continue
        day = start.astimezone(ctx.ws.settings.tz).date() if isinstance(start, datetime) else start
        if repeat.follows(day):
            continue
        expected = repeat.in_month(day.year, day.month)
        time = f" {start:%H:%M}" if isinstance(start, datetime) else ""
        yield ctx.problem(
            "repeat-mismatch",
            f"The event starts on {long_date(day, locale)}, but 'repeat: {repeat}' falls on "
            f"{long_date(expected, locale)} that month.",
            file=s.rel,
            line=s.line_of("start"),
            hint=f"Correct start to {expected.isoformat()}{time}, or correct 'repeat' if the "
            "event has moved to another day for good.",
        )
