"""What ``check`` was asked to check: issues by name, or files (as pre-commit passes them).

The rules look across the files of an issue (a heading names the month of issue.md, an
event's weekday is in another file's text), so a file always selects its whole issue, and
an issue named by several files is checked once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from copro_news.errors import WorkspaceError
from copro_news.workspace import DRAFTS_DIR, ISSUE_NAME, SETTINGS_FILE, Workspace, find_root

# Files of the workspace that shape every issue: a change to one selects the newest issue.
WORKSPACE_FILES = (SETTINGS_FILE,)
WORKSPACE_FOLDERS = ("templates",)


@dataclass
class Targets:
    """The issue folders to check, oldest first, and a note for each path left out."""

    folders: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, folder: Path) -> None:
        if folder not in self.folders:
            self.folders.append(folder)
            self.folders.sort(key=lambda p: p.name)


def workspace_root(args: Sequence[str], explicit: Path | None, cwd: Path) -> Path:
    """The workspace to check: ``explicit``, else the one holding the first file named that is
    in one (pre-commit runs from the repository's top folder, which may hold the workspace
    in a folder of its own), else the one around ``cwd``."""
    if explicit is None:
        for arg in args:
            path = cwd / arg
            if _is_path(arg) and path.exists():
                try:
                    return find_root(start=path if path.is_dir() else path.parent)
                except WorkspaceError:
                    continue
    return find_root(start=cwd, explicit=explicit)


def _is_path(arg: str) -> bool:
    return "/" in arg or os.sep in arg or arg.endswith((".md", ".toml"))


def select(ws: Workspace, args: Sequence[str], cwd: Path) -> Targets:
    """The issues that ``args`` (issue names, issue folders, or files) belong to.

    No argument: the newest issue. A file in ``drafts/YYYY-MM/``: that issue. The settings
    file or a file in ``templates/``: the newest issue. Anything else is left out with a
    note. An unknown issue name, or a file of an issue folder without issue.md, is a usage
    error, as ``check ISSUE`` is.
    """
    targets = Targets()
    if not args:
        targets.add(ws.resolve_issue(None))
        return targets
    root = ws.root.resolve()
    for arg in args:
        path = cwd / arg
        if not _is_path(arg) and not path.exists():
            targets.add(ws.resolve_issue(arg))  # a name: 2026-12
            continue
        parts = _inside(path, root)
        if parts is None:
            targets.notes.append(f"{arg}: outside the workspace {root}, so not checked.")
        elif parts in ((), (DRAFTS_DIR,)) or parts[0] in WORKSPACE_FILES + WORKSPACE_FOLDERS:
            targets.add(ws.resolve_issue(None))  # the whole workspace: the newest issue
        elif parts[0] == DRAFTS_DIR and ISSUE_NAME.match(parts[1]):
            targets.add(ws.resolve_issue(parts[1]))
        elif parts[0] == DRAFTS_DIR:
            targets.notes.append(
                f"{arg}: not in an issue folder (drafts/YYYY-MM/), so not checked."
            )
        else:
            targets.notes.append(f"{arg}: not in drafts/, so not checked.")
    return targets


def _inside(path: Path, root: Path) -> tuple[str, ...] | None:
    """The parts of ``path`` below ``root`` (as written, then with links resolved), or None."""
    for candidate in (Path(os.path.abspath(path)), path.resolve()):
        try:
            return candidate.relative_to(root).parts
        except ValueError:
            continue
    return None
