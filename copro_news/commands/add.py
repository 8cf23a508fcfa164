from __future__ import annotations

from pathlib import Path

import typer

from copro_news.commands import common


def command(
    ctx: typer.Context,
    section: str = typer.Argument(
        ..., metavar="SECTION", help="events, partnerships, actions or stories."
    ),
    title: str = typer.Argument(..., metavar="TITLE", help="The snippet's title, in quotes."),
    issue: str | None = typer.Option(None, "--issue", "-i", help=common.ISSUE_HELP),
    edit: bool = typer.Option(False, "--edit", "-e", help="Open the new file in $EDITOR."),
) -> None:
    """Add a snippet (event, action...) to an issue.

    A snippet is a Markdown file with every field explained in comments.

    The file is named after the title. Fill in the fields marked TODO, then
    run copro-news draft.

    \b
    Examples:
      copro-news add events "Co-Pro Cuppa"
      copro-news add actions "Share your views" --issue 2026-12 --edit
    """
    from copro_news import console
    from copro_news.content import SECTIONS, normalise_section
    from copro_news.errors import UsageError
    from copro_news.scaffold import new_snippet

    kind = normalise_section(section)
    if kind is None:
        from copro_news.suggest import closest

        close = closest(section.lower(), SECTIONS)
        hint = f"Did you mean {close}? " if close else ""
        raise UsageError(
            f"{section!r} is not a section.", f"{hint}Use one of: {', '.join(SECTIONS)}."
        )
    ws = common.workspace(ctx)
    folder = ws.resolve_issue(issue)
    path = new_snippet(folder, kind, title)
    console.out().print(f"Created {console.escape(ws.rel(path))}")
    if edit:
        _open_editor(path)


def _open_editor(path: Path) -> None:
    import os
    import shlex
    import subprocess

    from copro_news.errors import CoproNewsError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise CoproNewsError(
            "No editor is set, so the file was not opened (it was created).",
            "Set EDITOR, e.g. export EDITOR=nano, or open the file yourself.",
        )
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as e:
        raise CoproNewsError(
            f"Could not start the editor {editor!r}: {e.strerror}.",
            "Check the EDITOR variable. The file was created.",
        ) from None
