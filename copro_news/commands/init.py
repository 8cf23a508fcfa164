from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import typer


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
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from copro_news import console
    from copro_news.errors import UsageError
    from copro_news.scaffold import InitAnswers, init_workspace
    from copro_news.workspace import SETTINGS_FILE

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"{timezone!r} is not a known time zone.",
            'Use a name like "Europe/London" or "America/New_York".',
        ) from None
    answers = InitAnswers(timezone=timezone)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    for field, given, question in (
        ("name", name, "Newsletter or organisation name"),
        ("email", email, "Sender email address"),
        ("postal_address", postal_address, "Postal address (shown in the footer)"),
        ("website", website, "Website"),
    ):
        if given is not None:
            problem = _problem(field, given)
            if problem:
                raise UsageError(*problem)
            setattr(answers, field, given)
        elif interactive:
            while True:  # ask again until the answer can be used
                answer = typer.prompt(question, default=getattr(answers, field))
                problem = _problem(field, answer)
                if not problem:
                    break
                console.err().print(f"  {console.escape(problem[0])} {console.escape(problem[1])}")
            setattr(answers, field, answer)
    root = directory.resolve()
    outer = next((p for p in root.parents if (p / SETTINGS_FILE).is_file()), None)
    if outer is not None and not (root / SETTINGS_FILE).exists():
        console.warn(
            f"{root} is inside the workspace {outer}: commands run here will use the new one."
        )
    today = datetime.now().date()
    written = [
        p.resolve() for p in init_workspace(directory, answers, example=example, today=today)
    ]
    out = console.out()
    out.print(f"Made a copro-news workspace in {console.escape(root)}")
    for path in written:
        out.print(f"  {console.escape(path.relative_to(root).as_posix())}")
    cd = "" if root == Path.cwd().resolve() else f"cd {directory} && "
    has_issue = any(p.name == "issue.md" for p in written)
    if example and not has_issue:
        from copro_news.workspace import DRAFTS_DIR, next_month

        month = next_month(today)
        if (root / DRAFTS_DIR / month).exists():
            out.print(f"Kept drafts/{month} as it was: the example issue was not added.")
            has_issue = (root / DRAFTS_DIR / month / "issue.md").is_file()
    out.print(f"Next: {console.escape(cd)}copro-news {'draft' if has_issue else 'new'}")


def _problem(field: str, value: str) -> tuple[str, str] | None:
    """Why an answer cannot be used, and how to give one that can; None if it is fine."""
    from copro_news.workspace import is_email, is_url

    if field == "email" and not is_email(value):
        return f"{value!r} is not an email address.", "For example: news@example.org"
    if field == "website" and not is_url(value):
        return f"{value!r} is not a web address.", "For example: https://example.org"
    if field in ("name", "postal_address") and not value.strip():
        label = "The name" if field == "name" else "The postal address"
        return f"{label} cannot be empty.", "It is printed in the footer of every issue."
    return None
