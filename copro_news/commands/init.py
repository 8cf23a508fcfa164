from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import typer

from copro_news.settings import Setting, find


def _help(path: str) -> str:
    """The help of an option that answers the setting ``path``: the setting's own help."""
    return find(path).help


def command(
    directory: Path = typer.Argument(Path("."), help="Where to make the workspace."),
    name: str | None = typer.Option(None, help=_help("name")),
    email: str | None = typer.Option(None, help=_help("sender.email")),
    postal_address: str | None = typer.Option(
        None, "--postal-address", help=_help("sender.postal_address")
    ),
    website: str | None = typer.Option(None, help=_help("links.website")),
    unsubscribe: str | None = typer.Option(None, help=_help("links.unsubscribe")),
    timezone: str = typer.Option(find("timezone").default, help=_help("timezone")),
    example: bool = typer.Option(True, help="Add an example issue for next month."),
    ci: str | None = typer.Option(
        None,
        "--ci",
        metavar="github",
        help="Also write a GitHub Actions workflow that checks and drafts every pull request "
        "(.github/workflows/newsletter.yml); in an existing workspace, only that.",
    ),
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
      copro-news init --ci github      # add the pull-request workflow to this workspace
    """
    from copro_news import console
    from copro_news.errors import UsageError
    from copro_news.scaffold import CI_SYSTEMS, gitignore_missing, init_workspace
    from copro_news.settings import Invalid, Settings, init_values, schema
    from copro_news.workspace import SETTINGS_FILE

    if ci is not None and ci.strip().lower() not in CI_SYSTEMS:
        raise UsageError(
            f"--ci {ci!r} is not a system copro-news knows.",
            f"Use one of: {', '.join(CI_SYSTEMS)}.",
        )
    if ci is not None and (directory / SETTINGS_FILE).is_file():
        _workflow(directory)  # an existing workspace: the workflow is all that is added
        return

    given = {  # the options, by the setting each one answers
        "name": name,
        "sender.email": email,
        "sender.postal_address": postal_address,
        "links.website": website,
        "links.unsubscribe": unsubscribe,
        "timezone": timezone,
    }
    answers: dict[str, str] = {}
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    for setting in schema(Settings):
        value = given.get(setting.path)
        if value is not None:
            value = _with_scheme(setting, value)
            try:
                answers[setting.path] = setting.kind.convert(value, setting.key)
            except Invalid as e:
                raise UsageError(e.as_answer(value, setting.ask or setting.key), e.hint) from None
        elif setting.ask and interactive:
            while True:  # ask again until the answer can be used
                offered = init_values(answers)[setting.path]
                answer = _with_scheme(setting, typer.prompt(setting.ask, default=offered))
                try:
                    answers[setting.path] = setting.kind.convert(answer, setting.key)
                except Invalid as e:
                    why = e.as_answer(answer, setting.ask)
                    console.err().print(f"  {console.escape(why)} {console.escape(e.hint)}")
                    continue
                if answer == offered and _is_example(setting.path, answer):
                    console.err().print(f"  {console.escape(_kept_example(setting))}")
                break
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
    missing = gitignore_missing(root)
    if missing:
        console.warn(
            f".gitignore was left as it is (a link to a file outside the workspace, or "
            f"unreadable): add these lines to it yourself: {', '.join(missing)}"
        )
    if ci is not None:
        _workflow(directory)
    cd = "" if root == Path.cwd().resolve() else f"cd {directory} && "
    has_issue = any(p.name == "issue.md" for p in written)
    if example and not has_issue:
        from copro_news.workspace import DRAFTS_DIR, next_month

        month = next_month(today)
        if (root / DRAFTS_DIR / month).exists():
            out.print(f"Kept drafts/{month} as it was: the example issue was not added.")
            has_issue = (root / DRAFTS_DIR / month / "issue.md").is_file()
    out.print(f"Next: {console.escape(cd)}copro-news {'draft' if has_issue else 'new'}")


def _with_scheme(setting: Setting, value: str) -> str:
    """A web address given as www.example.org, with the https:// it needs (said so)."""
    from copro_news import console
    from copro_news.settings import Url

    text = value.strip()
    if isinstance(setting.kind, Url) and text.lower().startswith("www."):
        console.err().print(f"  {console.escape(f'Added https:// in front: https://{text}')}")
        return f"https://{text}"
    return value


def _is_example(path: str, value: str) -> bool:
    from copro_news.checks.settings import is_example_address, is_init_postal_address

    if path == "sender.postal_address":
        return is_init_postal_address(value)
    return is_example_address(value)


def _kept_example(setting: Setting) -> str:
    """What to say when Enter keeps the example that init offers."""
    where = f"[{setting.section}] {setting.key}" if setting.section else setting.key
    if setting.path == "sender.postal_address":
        return (
            "That is the example address: every issue prints it in its footer, and the law "
            f"asks bulk mail for your real one. Set {where} in copro-news.toml before sending "
            "to subscribers."
        )
    return (
        f"That is an example: nobody reads mail or pages there. Set {where} in "
        "copro-news.toml before sending to subscribers."
    )


def _workflow(directory: Path) -> None:
    from copro_news import __version__, console
    from copro_news.scaffold import write_workflow

    path = write_workflow(directory, __version__)
    try:
        shown = path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = str(path)
    out = console.out()
    out.print(f"Wrote {console.escape(shown)}")
    out.print(
        "Every pull request that changes drafts/, copro-news.toml or templates/ is now checked "
        "and drafted on GitHub; the built email is kept with the run. It never sends."
    )
