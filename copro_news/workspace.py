"""The workspace: find it, load its settings, resolve an issue folder.

The settings themselves (each one's kind, default and help, and their loader) are declared
in :mod:`copro_news.settings`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from copro_news.errors import UsageError, WorkspaceError
from copro_news.problems import Problem
from copro_news.settings import (
    CheckSettings,
    ProviderSettings,
    SenderSettings,
    Settings,
    is_email,
    is_url,
    load_settings,
)
from copro_news.suggest import closest

__all__ = [
    "DRAFTS_DIR",
    "ISSUE_NAME",
    "SETTINGS_FILE",
    "CheckSettings",
    "ProviderSettings",
    "SenderSettings",
    "Settings",
    "Workspace",
    "find_root",
    "is_email",
    "is_url",
    "load_settings",
    "load_workspace",
    "next_month",
]

SETTINGS_FILE = "copro-news.toml"
DRAFTS_DIR = "drafts"
ISSUE_NAME = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")  # a month: 2026-12, never 2026-13


@dataclass
class Workspace:
    root: Path
    settings: Settings
    warnings: list[Problem] = field(default_factory=list)

    @property
    def drafts(self) -> Path:
        return self.root / DRAFTS_DIR

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def rel(self, path: Path) -> str:
        """A path relative to the workspace root, with forward slashes.

        A symbolic link is named as itself, not as the file it points at (nor does a loop of
        links stop it): only the folders above it are resolved.
        """
        path = Path(path)
        try:
            where = path.parent.resolve() / path.name
            return where.relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            return path.as_posix()

    def issues(self) -> list[Path]:
        """Every issue folder in drafts/ (named YYYY-MM, holding issue.md), oldest first.

        A copy such as "2026-12 copy" is not an issue: it is never picked by default, so
        an old issue cannot be sent again by mistake.
        """
        if not self.drafts.is_dir():
            return []
        return sorted(
            (
                p
                for p in self.drafts.iterdir()
                if ISSUE_NAME.match(p.name) and p.is_dir() and (p / "issue.md").is_file()
            ),
            key=lambda p: p.name,
        )

    def resolve_issue(self, name: str | None) -> Path:
        """The folder of issue ``name`` (``2026-12`` or a path), or the newest one."""
        issues = self.issues()
        if name is None:
            if not issues:
                waiting = sorted(
                    p.name
                    for p in (self.drafts.iterdir() if self.drafts.is_dir() else [])
                    if ISSUE_NAME.match(p.name) and p.is_dir()
                )
                if waiting:
                    raise UsageError(
                        f"drafts/{waiting[-1]} has no issue.md, so there is no issue yet.",
                        f"Make it with: copro-news new {waiting[-1]}",
                    )
                raise UsageError(
                    "There is no issue in drafts/ yet.",
                    "Start one with: copro-news new",
                )
            return issues[-1]
        candidate = Path(name)
        for folder in (self.drafts / name, candidate, self.root / candidate):
            if folder.is_dir() and (folder / "issue.md").is_file():
                if not ISSUE_NAME.match(folder.name):
                    raise UsageError(
                        f"{folder.name!r} is not an issue name, so it is not an issue.",
                        "Issues are folders named by month, like drafts/2026-12; "
                        "rename the folder if it is one.",
                    )
                return folder
        if (self.drafts / name).is_dir():
            raise UsageError(
                f"drafts/{name} has no issue.md, so it is not an issue.",
                f"Make one with: copro-news new {name}"
                if ISSUE_NAME.match(name)
                else "An issue folder holds issue.md (subject, date, intro) and the snippets.",
            )
        names = [p.name for p in issues]
        close = closest(name, names)
        hint = f"Did you mean {close}?" if close else None
        if not hint:
            hint = (
                f"The issues are: {', '.join(names)}."
                if names
                else "Start one with: copro-news new"
            )
        raise UsageError(f"There is no issue {name!r} in drafts/.", hint)


def find_root(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The folder holding copro-news.toml: ``explicit``, else ``start`` or a parent of it."""
    if explicit is not None:
        explicit = Path(explicit)
        if not (explicit / SETTINGS_FILE).is_file():
            raise WorkspaceError(
                f"{explicit} is not a copro-news workspace (no {SETTINGS_FILE} there).",
                "Make one with: copro-news init DIR",
            )
        return explicit.resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise WorkspaceError(
        "This folder is not inside a copro-news workspace.",
        "Run the command in your newsletter folder, give --workspace DIR, "
        "or make a workspace with: copro-news init",
    )


def load_workspace(start: Path | None = None, explicit: Path | None = None) -> Workspace:
    root = find_root(start, explicit)
    settings, warnings = load_settings(root / SETTINGS_FILE)
    return Workspace(root=root, settings=settings, warnings=warnings)


def next_month(today: date) -> str:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"
