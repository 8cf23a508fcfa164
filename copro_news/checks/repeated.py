"""The same newsletter never goes out twice: an issue whose content is that of an issue that
already went out (or is scheduled) is an error, before anything is sent.

The content is the intro and each snippet's title and text: not the subject, the dates or
the links, which a copied issue changes first. Two issues are compared by their runs of
three words (within the intro and within each snippet, so the order of the snippets does not
matter): the share of runs they have in common, out of all the runs of either (Jaccard).
At :data:`SAME_SHARE` (80 %) or more they are the same newsletter. A snippet that comes back
each month (the Cuppa) is one run of words among many and stays far below that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from copro_news.checks.registry import Context, rule
from copro_news.problems import Problem

if TYPE_CHECKING:
    from copro_news.content import Issue
    from copro_news.sendrecord import SendRecord

#: The share of runs of words in common from which two issues are the same newsletter.
SAME_SHARE = 0.8
RUN = 3

Shingles = frozenset[tuple[str, ...]]


def shingles(issue: Issue) -> Shingles:
    """The issue's content as runs of RUN words: the intro, each snippet's title and text."""
    units = [issue.intro] + [f"{s.title}\n{s.body}" for s in issue.snippets()]
    runs: set[tuple[str, ...]] = set()
    for unit in units:
        words = re.findall(r"\w+", unit.lower())
        if 0 < len(words) < RUN:
            runs.add(tuple(words))
        runs.update(tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1))
    return frozenset(runs)


def share(a: Shingles, b: Shingles) -> float:
    """The share of runs in common, out of all the runs of either."""
    together = a | b
    return len(a & b) / len(together) if together else 0.0


@dataclass
class GoneOut:
    """An issue of the workspace that went out or is scheduled, by its send record."""

    folder: Path
    record: SendRecord

    @property
    def when(self) -> datetime | None:
        from copro_news.sendrecord import parse_time

        return parse_time(self.record.sent_at or self.record.scheduled_for)


def gone_out(ctx: Context, issue: Issue) -> Iterator[GoneOut]:
    """The other issues whose own send record says they went out, are scheduled, or may
    have gone (a send whose answer was lost). A record copied from another folder is that
    folder's, not this one's: it is passed over."""
    from copro_news.sendrecord import RecordError, load

    for folder in ctx.ws.issues():
        if folder.resolve() == issue.folder.resolve():
            continue
        try:
            record = load(folder, issue=folder.name)
        except RecordError:
            continue
        if record is not None and record.committed:
            yield GoneOut(folder, record)


def _own_record_committed(issue: Issue) -> bool:
    from copro_news.sendrecord import RecordError, load

    try:
        record = load(issue.folder, issue=issue.id)
    except RecordError:
        return False
    return record is not None and record.committed


@rule(
    "content-repeated",
    severity="error",
    summary="The issue's content is that of an issue that already went out or is scheduled.",
    explanation=(
        "An issue made by copying last month's folder and changing only the date would send "
        "the same newsletter twice. The intro and the snippets' titles and text are compared "
        "with every issue of the workspace that went out or is scheduled (by its send.json); "
        f"from {SAME_SHARE:.0%} of their runs of three words in common, it is the same "
        "newsletter. One snippet that comes back each month (the Cuppa) is fine.\n\n"
        "Example that fails: cp -r drafts/2021-04 drafts/2021-05, then only the date changed "
        "in issue.md.\n\n"
        "Fix: write this month's news. If the issue must go again (a correction), add "
        "check-ignore: [content-repeated] to its issue.md."
    ),
)
def content_repeated(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if issue.source is None or _own_record_committed(issue):
        return
    mine = shingles(issue)
    if not mine:
        return
    for other in gone_out(ctx, issue):
        from copro_news.content import load_issue

        theirs = shingles(load_issue(ctx.ws, other.folder))
        common = share(mine, theirs)
        if common < SAME_SHARE:
            continue
        yield ctx.problem(
            "content-repeated",
            f"This issue is the same newsletter as issue {other.folder.name}, which "
            f"{_went(ctx, other)}: {common:.0%} of their text is the same.",
            file=issue.source.rel,
            hint=(
                "Write this month's news (one snippet may come back, the newsletter may not). "
                "If it must go again, add check-ignore: [content-repeated] to issue.md."
            ),
        )


def _went(ctx: Context, other: GoneOut) -> str:
    from copro_news import dates
    from copro_news.sendrecord import RecordState

    when = other.when
    day = (
        " on " + dates.long_date(when.astimezone(ctx.ws.settings.tz), ctx.ws.settings.locale)
        if when is not None
        else ""
    )
    if other.record.state == RecordState.SCHEDULED:
        return f"is scheduled to go out{day}"
    if other.record.state == RecordState.SENT:
        return f"went out{day}"
    return "may have gone out (its send was cut off)"
