"""Checks are lint rules over an issue: see ``registry`` for how a rule is declared."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copro_news.content import Issue
    from copro_news.problems import Problem
    from copro_news.render import Build
    from copro_news.workspace import Workspace

# One module per theme; each registers its rules when imported.
RULE_MODULES: tuple[str, ...] = (
    "settings",
    "issue",
    "timing",
    "recurring",
    "text",
    "email",
    "links",
    "repeated",
    "provider",
    "web",
)

#: The rules that also run over the web edition: its links and pictures, and its settings.
WEB_RULES: tuple[str, ...] = (
    "image-alt-missing",
    "image-heavy",
    "image-broken",
    "link-broken",
    "link-unverified",
    "link-closed",
    "link-insecure",
    "network-unavailable",
    "web-url-missing",
)


def load_rules() -> None:
    for name in RULE_MODULES:
        importlib.import_module(f"copro_news.checks.{name}")


def check_issue(
    ws: Workspace,
    issue: Issue,
    build: Build | None = None,
    *,
    at: datetime | None = None,
    offline: bool = False,
    fresh: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Problem]:
    """Every problem in ``issue``, judged at ``at`` (default: the send time, see
    :func:`send_time`), which rules see in the workspace's time zone.

    ``fresh`` checks every link again instead of trusting the answers kept for a day.
    ``progress(done, total)`` is called while links are checked online.
    """
    from copro_news.checks.registry import Context, run

    load_rules()
    when = (at or send_time(ws, issue).at).astimezone(ws.settings.tz)
    ctx = Context(
        ws=ws,
        issue=issue,
        build=build,
        at=when,
        offline=offline,
        fresh=fresh,
        progress=progress,
    )
    return run(ctx)


@dataclass(frozen=True)
class Page:
    """A page of the web edition, as the rules read it (in the place of the email)."""

    html: str
    provider: str = ""


def check_web(
    ws: Workspace,
    issue: Issue,
    html: str,
    *,
    at: datetime,
    offline: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Problem]:
    """The link and image rules over ``html``, the issue's page on the web (and whether the
    web edition knows where it is published), judged at ``at``."""
    from copro_news.checks.registry import Context, run

    load_rules()
    ctx = Context(
        ws=ws,
        issue=issue,
        build=Page(html),
        at=at.astimezone(ws.settings.tz),
        offline=offline,
        progress=progress,
        edition="web",
    )
    return [p for p in run(ctx, only=WEB_RULES) if p not in issue.problems]


def parse_at(text: str, tz: tzinfo) -> datetime:
    """A send time given on the command line: '2026-12-01 09:00', ISO 8601, or a date."""
    from copro_news.errors import UsageError

    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--at {text!r} is not a date and time.",
            'Write it like this: --at "2026-12-01 09:00" (in the workspace\'s time zone).',
        ) from None
    return when.replace(tzinfo=tz) if when.tzinfo is None else when


def scheduled_time(issue: Issue) -> datetime | None:
    """The time the issue is scheduled to go out, from its send record; None if not scheduled."""
    import json

    from copro_news.fsutil import read_regular

    try:
        record = json.loads(read_regular(issue.folder / "send.json", 1_000_000))
        when = record.get("scheduled_for") if isinstance(record, dict) else None
        if not when or record.get("sent_at"):
            return None
        parsed = datetime.fromisoformat(str(when))
        if not 1900 <= parsed.year <= 2999:
            return None  # not a time a send record holds
    except (OSError, ValueError, RecursionError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=issue.tz)


@dataclass(frozen=True)
class SendTime:
    """The send time that every command judges dates at, and where it comes from:
    ``given`` (--at, or send's --schedule), ``scheduled`` (the send record), ``issue`` (the
    issue's date at send_time, still ahead) or ``now``."""

    at: datetime
    source: str

    @property
    def reason(self) -> str:
        """Why this time, in words, where it is not plain from the command: '' for a time
        given or scheduled."""
        return {"issue": "the issue's date and send time", "now": "now"}.get(self.source, "")

    def describe(self) -> str:
        """'2026-12-01 09:00 GMT (the issue's date and send time)'."""
        shown = self.at.strftime("%Y-%m-%d %H:%M %Z").strip()
        return f"{shown} ({self.reason})" if self.reason else shown


def send_time(
    ws: Workspace, issue: Issue, at: datetime | None = None, *, now: datetime | None = None
) -> SendTime:
    """The send time, the same for draft, preview, check and send: ``at`` if given, else
    the scheduled time, else the issue's date at ``send_time`` (the setting) when that is
    still ahead, else now. In the workspace's time zone."""
    tz = ws.settings.tz
    current = (now or datetime.now(tz)).astimezone(tz).replace(microsecond=0)
    if at is not None:
        return SendTime(at.astimezone(tz), "given")
    scheduled = scheduled_time(issue)
    if scheduled is not None:
        return SendTime(scheduled.astimezone(tz), "scheduled")
    if issue.date is not None:
        planned = datetime.combine(issue.date, ws.settings.send_time, tzinfo=tz)
        if planned > current:
            return SendTime(planned, "issue")
    return SendTime(current, "now")


@dataclass
class CheckResult:
    issue: Issue
    at: datetime
    offline: bool
    problems: list[Problem]
    built: bool
    reason: str = ""  # why the send time is ``at``: see SendTime.reason

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for p in self.problems if p.severity != "error")

    def failed(self, strict: bool = False) -> bool:
        return bool(self.error_count or (strict and self.warning_count))

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue.id,
            "at": self.at.isoformat(),
            "errors": self.error_count,
            "warnings": self.warning_count,
            "problems": [p.to_dict() for p in self.problems],
        }


def check_all(
    ws: Workspace,
    issue: Issue,
    *,
    at: datetime | None = None,
    offline: bool = False,
    fresh: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Build the issue (when its files allow) and run every rule on it, at the send time
    (see :func:`send_time`)."""
    from copro_news.problems import sort_problems

    judged = send_time(ws, issue, at)
    build, template_problems = try_build(ws, issue)
    problems = template_problems + check_issue(
        ws, issue, build, at=judged.at, offline=offline, fresh=fresh, progress=progress
    )
    ignored = set(ws.settings.check.ignore)
    settings = [p for p in ws.warnings if p.code not in ignored]
    return CheckResult(
        issue,
        judged.at,
        offline,
        sort_problems(settings + problems),
        build is not None,
        judged.reason,
    )


def try_build(ws: Workspace, issue: Issue) -> tuple[Build | None, list[Problem]]:
    """The issue built, when its files allow; a template mistake is a problem, not a stop."""
    from copro_news.errors import TemplateError
    from copro_news.render import build_issue

    if issue.has_errors:
        return None, []
    try:
        return build_issue(ws, issue), []
    except TemplateError as e:
        return None, [e.problem]


def rules_markdown() -> str:
    """The table of every rule, in Markdown, as the README shows it."""
    from copro_news.checks.registry import RULES

    load_rules()
    lines = ["| code | severity | what it catches |", "|---|---|---|"]
    for r in sorted(RULES.values(), key=lambda r: r.code):
        online = " (online)" if r.network else ""
        summary = r.summary.replace("|", "\\|")
        lines.append(f"| `{r.code}` | {r.severity} | {summary}{online} |")
    return "\n".join(lines) + "\n"
