"""What the commands share: the global options, the workspace, the issue argument."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from copro_news.content import Issue
    from copro_news.workspace import Workspace


@dataclass
class State:
    workspace: Path | None = None
    debug: bool = False


ISSUE_HELP = "The issue, e.g. 2026-12 (default: the newest folder in drafts/)."


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State()


def workspace(ctx: typer.Context) -> Workspace:
    from copro_news import console
    from copro_news.workspace import load_workspace

    ws = load_workspace(explicit=state(ctx).workspace)
    if ws.warnings:
        console.print_problems(ws.warnings)
    return ws


def issue(ctx: typer.Context, name: str | None) -> tuple[Workspace, Issue]:
    from copro_news.content import load_issue

    ws = workspace(ctx)
    return ws, load_issue(ws, ws.resolve_issue(name))


def own_text_note(ws: Workspace) -> str | None:
    """What to say when the workspace's provider writes the plain-text part itself."""
    from copro_news.providers.registry import PROVIDERS

    info = PROVIDERS.get(ws.settings.provider.name)
    if info is None or not info.own_text:
        return None
    return (
        f"{info.label} writes the plain-text part of the email itself, from the HTML; "
        "copro-news's own (build/issue.txt, preview --text) is not what it sends."
    )
