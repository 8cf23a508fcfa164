"""The command line: options in, library calls, results out. The one error boundary."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from copro_news import __version__
from copro_news.commands import (
    add,
    check,
    draft,
    init,
    lists,
    login,
    new,
    preview,
    send,
    status,
    templates,
)
from copro_news.commands.common import State

app = typer.Typer(
    name="copro-news",
    help=(
        "Compose, check, preview and send a monthly team newsletter from Markdown snippets.\n\n"
        "Write short snippets in drafts/YYYY-MM/ (events, partnerships, actions, stories), "
        "then draft, check, preview and send the issue.\n\n"
        "\b\n"
        "Quick start:\n"
        "  copro-news init news && cd news\n"
        "  copro-news new 2026-12\n"
        '  copro-news add events "Co-Pro Cuppa"\n'
        "  copro-news draft"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        print(f"copro-news {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    workspace: Path | None = typer.Option(
        None,
        "--workspace",
        "-w",
        envvar="COPRO_NEWS_WORKSPACE",
        help="The workspace (default: the nearest folder upwards with copro-news.toml).",
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="No colour in the output (as NO_COLOR)."
    ),
    debug: bool = typer.Option(
        False, "--debug", help="Show the full traceback of an unexpected error."
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    if no_color:
        from copro_news import console

        console.set_no_color(True)
    ctx.obj = State(workspace=workspace, debug=debug)


# In the order of a month's work.
app.command("init")(init.command)
app.command("new")(new.command)
app.command("add")(add.command)
app.command("draft")(draft.command)
app.command("preview")(preview.command)
app.command("check")(check.command)
app.command("send")(send.command)
app.command("status")(status.command)
app.command("lists")(lists.command)
app.command("login")(login.login)
app.command("logout")(login.logout)
app.command("templates")(templates.command)


def _log_traceback() -> Path | None:
    import tempfile
    import traceback

    try:
        from copro_news.credentials import redact  # the key never reaches a file
    except ImportError:  # pragma: no cover

        def redact(text: str) -> str:
            return text

    try:
        fd, name = tempfile.mkstemp(prefix="copro-news-", suffix=".log")
        with open(fd, "w", encoding="utf-8") as f:
            f.write(redact(traceback.format_exc()))
        return Path(name)
    except OSError:
        return None


_GLOBAL_OPTIONS = ("--workspace", "-w", "--no-color", "--debug", "--version")


def _os_error(e: OSError) -> tuple[str, str]:
    """A file-system error in plain words: what could not be done, where, and what to try."""
    import errno

    where = f" {e.filename}" if e.filename else ""
    reason = (e.strerror or str(e)).rstrip(".").lower()
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "Check that you may write in that folder (its permissions), or work in a copy."
    elif e.errno == errno.ENOSPC:
        hint = "Free some disk space, then run the command again."
    else:
        hint = "Check the file and the folder, then run the command again."
    return f"Cannot use{where}: {reason}.", hint


def main(argv: list[str] | None = None) -> None:
    """Run the command line; turn every error into a message and an exit code."""
    from copro_news.errors import (
        EXIT_INTERRUPTED,
        EXIT_USAGE,
        ContentError,
        CoproNewsError,
        SettingsError,
    )

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        rv = app(args=args, prog_name="copro-news", standalone_mode=False)
    except CoproNewsError as e:
        if debug:
            raise
        from copro_news import console
        from copro_news.credentials import redact  # a key, in any form, never reaches the screen

        if isinstance(e, (ContentError, SettingsError)):
            console.print_problems(e.problems)
        console.error(redact(e.message), redact(e.hint) if e.hint else e.hint)
        sys.exit(e.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        print("\nStopped.", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except typer.TyperException as e:
        show = getattr(e, "show", None)
        if show:
            show()
        else:
            print(f"Error: {e.format_message()}", file=sys.stderr)
        option = getattr(e, "option_name", None)
        if option in _GLOBAL_OPTIONS:
            print(
                f"Hint: {option} goes before the command: copro-news {option} ... COMMAND",
                file=sys.stderr,
            )
        sys.exit(getattr(e, "exit_code", EXIT_USAGE))
    except BrokenPipeError:
        sys.exit(0)
    except OSError as e:
        if debug:
            raise
        from copro_news import console

        console.error(*_os_error(e))
        sys.exit(1)
    except Exception:
        if debug:
            raise
        log = _log_traceback()
        print(
            "Error: something went wrong inside copro-news; nothing you did caused this.",
            file=sys.stderr,
        )
        where = f" The details are in {log}." if log else ""
        print(f"Hint: rerun the command with --debug to see why.{where}", file=sys.stderr)
        sys.exit(1)
    code = rv if isinstance(rv, int) else 0
    if code == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into this exit code
        print("\nStopped.", file=sys.stderr)
    sys.exit(code)
