"""Rules about dates: weekdays that do not match, deadlines and events in the past, months."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from copro_news.checks.registry import Context, rule
from copro_news.checks.source import headings, spans
from copro_news.dates import WEEKDAYS
from copro_news.problems import Problem, plural

if TYPE_CHECKING:
    from copro_news.content import Issue

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
FULL_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}

_WD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_SEP = r"(?:\s*(?:-|–|—|to|until|till|and|&|,)\s*)"
# "Tuesday 1 March", "Tue 1st Mar", "Wednesday, 9 March", "Tuesday 23-24 March",
# "Tuesday 1 and Wednesday 2 March", "Wednesday the 9th of March 2022"
_DAY_FIRST = re.compile(
    rf"\b(?P<wd>{_WD})\b\.?,?\s+(?:the\s+)?(?P<day>\d{{1,2}}){_ORD}\b"
    rf"(?:{_SEP}(?:(?P<wd2>{_WD})\b\.?,?\s+)?(?:the\s+)?(?P<day2>\d{{1,2}}){_ORD}\b)?"
    rf"\s+(?:of\s+)?(?P<month>{_MON})\b\.?(?:,?\s+(?P<year>\d{{4}})\b)?",
    re.I,
)
# "Wednesday March 9th", "Wed, Mar 9, 2022", "Tuesday March 1-2"
_MONTH_FIRST = re.compile(
    rf"\b(?P<wd>{_WD})\b\.?,?\s+(?P<month>{_MON})\b\.?\s+(?:the\s+)?(?P<day>\d{{1,2}}){_ORD}\b"
    rf"(?:{_SEP}(?:(?P<wd2>{_WD})\b\.?,?\s+)?(?P<day2>\d{{1,2}}){_ORD}\b)?"
    rf"(?:,?\s+(?P<year>\d{{4}})\b)?",
    re.I,
)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def issue_month(issue: Issue, ctx: Context) -> date:
    """The first day of the issue's month: its date, else its folder name, else the send time."""
    if issue.date is not None:
        return issue.date.replace(day=1)
    named = folder_month(issue)
    if named is not None:
        return named
    at = ctx.at.date() if isinstance(ctx.at, datetime) else ctx.at
    return at.replace(day=1)


def folder_month(issue: Issue) -> date | None:
    """The first day of the month the issue's folder is named after (2026-12); None if it is
    not named by month."""
    m = re.match(r"^(\d{4})-(\d{2})$", issue.id)
    if m and 1 <= int(m[2]) <= 12:
        return date(int(m[1]), int(m[2]), 1)
    return None


@rule(
    "folder-mismatch",
    severity="error",
    summary="The issue date is in another month than the one its folder is named after.",
    explanation=(
        "An issue folder named by month (drafts/2026-12) holds that month's issue: its 'date' "
        "must be in that month. A date in another month is usually left from the issue the "
        "folder was copied from, or a typo in the year.\n\n"
        "Example that fails: drafts/2026-12/issue.md with date: 2027-01-01\n\n"
        "Fix: correct 'date' in issue.md, or rename the folder to the issue's month."
    ),
)
def folder_mismatch(issue: Issue, ctx: Context) -> Iterator[Problem]:
    named = folder_month(issue)
    if named is None or issue.date is None or issue.source is None:
        return
    if (issue.date.year, issue.date.month) == (named.year, named.month):
        return
    month = f"{calendar.month_name[named.month]} {named.year}"
    yield ctx.problem(
        "folder-mismatch",
        f"The issue date {issue.date.isoformat()} is not in {month}, the month of its folder "
        f"{ctx.ws.rel(issue.folder)}.",
        file=issue.source.rel,
        line=issue.source.lines.get("date"),
        hint=f"Correct 'date' to a day in {month} (usually {named.isoformat()}), or rename "
        f"the folder to {issue.date:%Y-%m}.",
    )


def nearest_year(month: int, day: int, around: date) -> int:
    """The year that puts ``day month`` closest to ``around`` (January named in December is next
    year; December named in January, last year)."""
    best_year, best_gap = around.year, None
    for year in (around.year - 1, around.year, around.year + 1):
        try:
            gap = abs((date(year, month, min(day, 28)) - around).days)
        except ValueError:  # pragma: no cover
            continue
        if best_gap is None or gap < best_gap:
            best_year, best_gap = year, gap
    return best_year


def weekday_mentions(text: str) -> Iterator[tuple[int, str, int, int, int, int | None]]:
    """(offset, words as written, weekday, day, month, year or None) for each mention."""
    seen: set[int] = set()
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        for m in pattern.finditer(text):
            if m.start() in seen:
                continue
            if not (_capitalised(m["wd"]) and _capitalised(m["month"])):
                continue
            after_wd = text[m.end("wd") : m.end("wd") + 1]
            if after_wd == "." and len(m["wd"]) > 5:
                continue  # "... on a Tuesday. 1 March was ...": two sentences
            if m["month"].lower() == "may" and not m["month"].startswith("May"):
                continue
            seen.add(m.start())
            month = MONTHS[m["month"].lower()]
            year = int(m["year"]) if m["year"] else None
            written = " ".join(m.group(0).split()).rstrip(".")
            yield m.start(), written, WEEKDAYS[m["wd"].lower()], int(m["day"]), month, year
            if m["wd2"] and m["day2"] and _capitalised(m["wd2"]):
                yield (
                    m.start("wd2"),
                    written,
                    WEEKDAYS[m["wd2"].lower()],
                    int(m["day2"]),
                    month,
                    year,
                )


@rule(
    "weekday-mismatch",
    severity="error",
    summary="Text names a weekday and a date that fall on different days.",
    explanation=(
        "Anywhere in the subject, preheader, titles and text, a weekday written next to a date "
        "('Tuesday 1 March', 'Tue 1st Mar', 'Wednesday March 9th', 'Tuesday 23-24 March') must "
        "be the weekday that date falls on. Without a year, the year is the one that puts the "
        "date nearest the issue's date, so January named in a December issue is next year.\n\n"
        "Example that fails, in the March 2021 issue: 'Join us on Wednesday 23 March' "
        "(23 March 2021 was a Tuesday).\n\n"
        "Fix: correct the weekday or the date. Event dates are written for you from 'start', "
        "so they are always right: prefer them over typing a date in the text."
    ),
)
def weekday_mismatch(issue: Issue, ctx: Context) -> Iterator[Problem]:
    around = issue.date or issue_month(issue, ctx)
    for span in spans(issue, ctx):
        for offset, written, weekday, day, month, year in weekday_mentions(span.text):
            y = year or nearest_year(month, day, around)
            line = span.line_at(offset)
            try:
                real = date(y, month, day)
            except ValueError:
                yield ctx.problem(
                    "weekday-mismatch",
                    f"'{written}': {day} {calendar.month_name[month]} {y} is not a date.",
                    file=span.file,
                    line=line,
                    hint="Check the day of the month.",
                )
                continue
            if real.weekday() != weekday:
                right = calendar.day_name[real.weekday()]
                named = calendar.day_name[weekday]
                yield ctx.problem(
                    "weekday-mismatch",
                    f"'{written}': {real.day} {calendar.month_name[month]} {y} is a {right}, "
                    f"not a {named}.",
                    file=span.file,
                    line=line,
                    hint=f"Write {right} {real.day} {calendar.month_name[month]}, or correct "
                    "the date.",
                )


def _local_date(ctx: Context) -> date:
    at = ctx.at
    tz = ctx.issue.tz
    return at.astimezone(tz).date() if at.tzinfo else at.date()


def _before(when: object, ctx: Context, today: date) -> bool:
    """Whether a start or a deadline is before the send time: a time before it, or a day
    (without a time) before the day of sending."""
    if isinstance(when, datetime):
        return when < ctx.at
    return isinstance(when, date) and when < today


def _shown(when: date, tz: object) -> str:
    """A start, end or deadline as the messages show it: '2026-12-01 12:30', or a day."""
    if isinstance(when, datetime):
        return f"{when.astimezone(tz):%Y-%m-%d %H:%M}"  # type: ignore[arg-type]
    return when.isoformat()


@rule(
    "deadline-passed",
    severity="error",
    summary="An action's deadline is before the send time.",
    explanation=(
        "An action whose 'deadline' is a day before the day the issue is sent (or, with a "
        "time, a time before the send time) asks readers to do something they no longer can. "
        "The send time is --at, else the scheduled time, else the issue's date at send_time "
        "when that is still ahead, else now.\n\n"
        "Example that fails, sent on 2026-12-01: deadline: 2026-11-30\n\n"
        "Fix: remove the action, or give the new deadline if it was extended."
    ),
)
def deadline_passed(issue: Issue, ctx: Context) -> Iterator[Problem]:
    today = _local_date(ctx)
    for s in issue.sections.get("actions", []):
        deadline = s.get("deadline")
        if not _before(deadline, ctx, today):
            continue
        if isinstance(deadline, datetime):
            late, at = _shown(deadline, issue.tz), _shown(ctx.at, issue.tz)
            message = f"The deadline {late} is before the send time ({at})."
        else:
            days = plural((today - deadline).days, "day")
            message = (
                f"The deadline {deadline.isoformat()} is {days} "
                f"before the send time ({today.isoformat()})."
            )
        yield ctx.problem(
            "deadline-passed",
            message,
            file=s.rel,
            line=s.line_of("deadline"),
            hint="Remove the action, or give its new deadline if it was extended.",
        )


@rule(
    "event-passed",
    severity="error",
    summary="An event starts before the send time.",
    explanation=(
        "Readers cannot join an event that has already started when the issue reaches them. "
        "An all-day event (a start without a time) has passed once its day is before the "
        "day of sending.\n\n"
        "Example that fails, sent on 2026-12-01 09:00: start: 2026-11-28 12:30\n\n"
        "Fix: remove the event (or move it to a 'Where we have been' story), or correct 'start'."
    ),
)
def event_passed(issue: Issue, ctx: Context) -> Iterator[Problem]:
    today = _local_date(ctx)
    for s in issue.sections.get("events", []):
        start = s.get("start")
        if not _before(start, ctx, today):
            continue
        at = _shown(ctx.at, issue.tz) if isinstance(start, datetime) else today.isoformat()
        yield ctx.problem(
            "event-passed",
            f"'{s.title}' starts on {_shown(start, issue.tz)}, before the send time ({at}).",
            file=s.rel,
            line=s.line_of("start"),
            hint="Remove the event or tell its story instead; or correct 'start'.",
        )


def add_months(d: datetime, months: int) -> datetime:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return d.replace(year=year, month=month, day=day)


def _day(when: date) -> date:
    return when.date() if isinstance(when, datetime) else when


@rule(
    "event-far",
    severity="warning",
    summary="An event more than 6 months after the send time: often a wrong year.",
    explanation=(
        "A monthly newsletter rarely announces an event more than six months ahead; when it "
        "does, the year is usually a typo (2027 for 2026).\n\n"
        "Example that warns, sent on 2026-12-01: start: 2027-12-08 12:30\n\n"
        "Fix: correct the year, or ignore the warning in that snippet with "
        "check-ignore: [event-far]."
    ),
)
def event_far(issue: Issue, ctx: Context) -> Iterator[Problem]:
    limit = add_months(ctx.at, 6)
    for s in issue.sections.get("events", []):
        start = s.get("start")
        if isinstance(start, datetime):
            far = start > limit
        elif isinstance(start, date):
            far = start > limit.astimezone(issue.tz).date()
        else:
            continue
        if far:
            yield ctx.problem(
                "event-far",
                f"'{s.title}' starts on {_day(_local(start, issue.tz)).isoformat()}, more than 6 "
                "months after the send time.",
                file=s.rel,
                line=s.line_of("start"),
                hint="Check the year of 'start'.",
            )


def _local(when: date, tz: object) -> date:
    return when.astimezone(tz) if isinstance(when, datetime) else when  # type: ignore[arg-type]


@rule(
    "event-order",
    severity="error",
    summary="An event ends before it starts.",
    explanation=(
        "'end' is a time on the start day (13:30), a date and time, or the last day of an "
        "event over several days; it must come after 'start'.\n\n"
        "Example that fails: start: 2026-12-01 12:30 with end: '11:30'\n\n"
        "Fix: correct 'end' (an event past midnight gives the end date too: 2026-12-02 01:00)."
    ),
)
def event_order(issue: Issue, ctx: Context) -> Iterator[Problem]:
    for s in issue.sections.get("events", []):
        start, end = s.get("start"), s.get("end")
        if not isinstance(start, date) or not isinstance(end, date):
            continue
        if isinstance(start, datetime) and isinstance(end, datetime):
            backwards = end < start
        else:  # a day on either side: compare days
            backwards = _day(_local(end, issue.tz)) < _day(_local(start, issue.tz))
        if backwards:
            yield ctx.problem(
                "event-order",
                f"'{s.title}' ends ({_shown(end, issue.tz)}) before it "
                f"starts ({_shown(start, issue.tz)}).",
                file=s.rel,
                line=s.line_of("end") or s.line_of("start"),
                hint="Correct 'end': a time on the start day, or a date and time after 'start'.",
            )


_MONTH_WORD = re.compile(r"\b(" + "|".join(n.capitalize() for n in FULL_MONTHS) + r")\b")


def month_mentions(text: str) -> Iterator[tuple[int, str, int]]:
    """(offset, name, month) for each full month name, capitalised ('May' only next to a
    number: 'May 2026', '12 May')."""
    for m in _MONTH_WORD.finditer(text):
        name = m.group(1)
        if name == "May":
            before = text[max(0, m.start() - 6) : m.start()]
            after = text[m.end() : m.end() + 6]
            if not (re.search(r"\d\w{0,2}\s*(of\s*)?$", before) or re.match(r",?\s*\d", after)):
                continue
        yield m.start(), name, FULL_MONTHS[name.lower()]


@rule(
    "month-mismatch",
    severity="warning",
    summary="The subject, preheader or a heading names a month other than the issue's.",
    explanation=(
        "A subject or heading copied from last month's issue still says last month. Names of "
        "the issue's month and of the next one are fine (an issue out on 1 March may say "
        "'Dates for April').\n\n"
        "Example that warns, in the April 2026 issue: subject: 'Team update: March 2026'\n\n"
        "Fix: correct the month, or add check-ignore: [month-mismatch] to that file."
    ),
)
def month_mismatch(issue: Issue, ctx: Context) -> Iterator[Problem]:
    first = issue_month(issue, ctx)
    allowed = {first.month, (first + timedelta(days=32)).month}
    named = folder_month(issue)
    if named is not None:
        allowed.add(named.month)  # a date in another month is folder-mismatch's to say
    this = calendar.month_name[first.month]
    for span in spans(issue, ctx):
        if span.is_body:
            found = [
                (offset + m_off, name, month, line)
                for offset, text, line in headings(span)
                for m_off, name, month in month_mentions(text)
            ]
        elif span.field in ("subject", "preheader", "title"):
            found = [
                (off, name, month, span.line_at(off))
                for off, name, month in month_mentions(span.text)
            ]
        else:
            continue
        what = "heading" if span.is_body else span.field
        for _offset, name, month, line in found:
            if month in allowed:
                continue
            yield ctx.problem(
                "month-mismatch",
                f"The {what} names {name}, in the {this} {first.year} issue.",
                file=span.file,
                line=line,
                hint=f"Is it left from another issue? Write {this}, or add "
                "check-ignore: [month-mismatch] to the file if it is right.",
            )
