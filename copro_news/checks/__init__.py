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
    "provider",
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
    """Every problem in ``issue``, judged at ``at`` (the send time; default now), which rules
    see in the workspace's time zone.

    ``fresh`` checks every link again instead of trusting the answers kept for a day.
    ``progress(done, total)`` is called while links are checked online.
    """
    from copro_news.checks.registry import Context, run

    load_rules()
    when = (at or datetime.now(ws.settings.tz)).astimezone(ws.settings.tz)
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

    try:
        record = json.loads((issue.folder / "send.json").read_text(encoding="utf-8"))
        when = record.get("scheduled_for") if isinstance(record, dict) else None
        if not when or record.get("sent_at"):
            return None
        parsed = datetime.fromisoformat(str(when))
    except (OSError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=issue.tz)


@dataclass
class CheckResult:
    issue: Issue
    at: datetime
    offline: bool
    problems: list[Problem]
    built: bool

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
    """Build the issue (when its files allow) and run every rule on it, at the send time:
    ``at``, else the scheduled time, else now."""
    from copro_news.problems import sort_problems

    when = at or scheduled_time(issue) or datetime.now(ws.settings.tz).replace(microsecond=0)
    when = when.astimezone(ws.settings.tz)  # shown as every other time is: in the workspace's zone
    build, template_problems = try_build(ws, issue)
    problems = template_problems + check_issue(
        ws, issue, build, at=when, offline=offline, fresh=fresh, progress=progress
    )
    ignored = set(ws.settings.check.ignore)
    settings = [p for p in ws.warnings if p.code not in ignored]
    return CheckResult(issue, when, offline, sort_problems(settings + problems), build is not None)


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
