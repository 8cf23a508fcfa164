"""Checks are lint rules over an issue: see ``registry`` for how a rule is declared."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copro_news.checks.registry import Problem
    from copro_news.content import Issue
    from copro_news.render import Build
    from copro_news.workspace import Workspace

# One module per theme; each registers its rules when imported.
RULE_MODULES: tuple[str, ...] = ()


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
) -> list[Problem]:
    """Every problem in ``issue``, judged at ``at`` (the send time; default now)."""
    from copro_news.checks.registry import Context, run

    load_rules()
    when = at or datetime.now(ws.settings.tz)
    return run(Context(ws=ws, issue=issue, build=build, at=when, offline=offline))
