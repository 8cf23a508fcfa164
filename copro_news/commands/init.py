from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from copro_news.scaffold import InitAnswers


def command(
    directory: Path = typer.Argument(Path("."), help="Where to make the workspace."),
    name: str | None = typer.Option(None, help="The newsletter's (organisation's) name."),
    email: str | None = typer.Option(None, help="The sender's email address."),
    postal_address: str | None = typer.Option(
        None, "--postal-address", help="The postal address printed in every issue's footer."
    ),
    website: str | None = typer.Option(None, help="The organisation's website."),
    timezone: str = typer.Option("Europe/London", help="Time zone of event times."),
    example: bool = typer.Option(True, help="Add an example issue for next month."),
) -> None:
    """Make a new workspace with an example issue.

    It writes copro-news.toml (the settings), drafts/, a .gitignore and an
    example issue for next month that drafts cleanly.

    On a terminal it asks for what it needs; give the options to run it from a
    script. It never changes an existing workspace.

    \b
    Examples:
      copro-news init news
      copro-news init news --name "Co-Production Collective" \\
          --email news@example.org --postal-address "1 High St, London"
    """
    from copro_news import console
    from copro_news.scaffold import InitAnswers, init_workspace

    answers = InitAnswers(timezone=timezone)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    for field, given, question in (
        ("name", name, "Newsletter or organisation name"),
        ("email", email, "Sender email address"),
        ("postal_address", postal_address, "Postal address (shown in the footer)"),
        ("website", website, "Website"),
    ):
        if given is not None:
            setattr(answers, field, given)
        elif interactive:
            setattr(answers, field, typer.prompt(question, default=getattr(answers, field)))
    _validate(answers)
    today = datetime.now().date()
    written = init_workspace(directory, answers, example=example, today=today)
    root = directory.resolve()
    written = [p.resolve() for p in written]
    out = console.out()
    out.print(f"Made a copro-news workspace in {console.escape(root)}")
    for path in written:
        out.print(f"  {console.escape(path.relative_to(root).as_posix())}")
    cd = "" if root == Path.cwd().resolve() else f"cd {directory} && "
    out.print(f"Next: {console.escape(cd)}copro-news draft")


def _validate(a: InitAnswers) -> None:
    from copro_news.errors import UsageError
    from copro_news.workspace import is_email, is_url

    if not is_email(a.email):
        raise UsageError(f"{a.email!r} is not an email address.", "For example: news@example.org")
    if not is_url(a.website):
        raise UsageError(f"{a.website!r} is not a web address.", "For example: https://example.org")
    if not a.name.strip() or not a.postal_address.strip():
        raise UsageError("The name and the postal address cannot be empty.")
