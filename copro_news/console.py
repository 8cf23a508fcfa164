"""The two consoles: results on stdout, everything else (errors, warnings, progress) on stderr.

Colour follows the usual rules: none when NO_COLOR is set, when ``--no-color`` is given,
or when the stream is not a terminal. rich is imported only when a console is first used.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

_no_color = False
_consoles: dict[str, Console] = {}


def set_no_color(value: bool) -> None:
    """Turn colour off for this process (the ``--no-color`` option)."""
    global _no_color
    _no_color = value
    _consoles.clear()


def color_disabled() -> bool:
    return _no_color or bool(os.environ.get("NO_COLOR"))


def _make(stderr: bool) -> Console:
    import sys

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    plain = color_disabled()
    return Console(
        stderr=stderr,
        no_color=plain,
        color_system=None if plain else "auto",  # NO_COLOR: no bold or dim either
        highlight=False,
        soft_wrap=not is_tty,  # into a pipe or a file: never wrap a line in two
        emoji=False,
    )


def animated() -> bool:
    """Whether spinners and progress bars may draw on stderr: a terminal, and colour on.

    NO_COLOR asks for output without escape codes; animations are made of them.
    """
    return err().is_terminal and not color_disabled()


def out() -> Console:
    """The console for results (stdout)."""
    if "out" not in _consoles:
        _consoles["out"] = _make(stderr=False)
    return _consoles["out"]


def err() -> Console:
    """The console for errors, warnings and progress (stderr)."""
    if "err" not in _consoles:
        _consoles["err"] = _make(stderr=True)
    return _consoles["err"]


def escape(text: Any) -> str:
    """``text`` to print as it is: no rich markup, and no control character (a terminal's
    escape sequence in a subject, a carriage return) obeyed: each is shown as its code."""
    from rich.markup import escape as _escape

    from copro_news.chars import printable

    return _escape(printable(str(text)))


def error(message: str, hint: str | None = None) -> None:
    c = err()
    c.print(f"[bold red]Error:[/] {escape(message)}")
    if hint:
        c.print(f"[yellow]Hint:[/] {escape(hint)}")


def warn(message: str) -> None:
    err().print(f"[yellow]Warning:[/] {escape(message)}")


def info(message: str) -> None:
    err().print(escape(message))


def print_problems(problems: list[Any], *, console: Console | None = None) -> None:
    """Print problems grouped by file, like a linter: ``path:line: code message`` then the hint."""
    c = console or err()
    last_file: object = object()
    for p in problems:
        if p.file != last_file:
            c.print(f"[bold]{escape(p.file or 'The whole issue')}[/]")
            last_file = p.file
        colour = "red" if p.severity == "error" else "yellow"
        where = f"{p.file}:{p.line}" if p.line else (p.file or "")
        at = f"[dim]{escape(where)}:[/] " if where else ""
        c.print(f"  {at}[{colour}]{escape(p.code)}[/] {escape(p.message)}")
        if p.hint:
            c.print(f"      [dim]hint:[/] {escape(p.hint)}")


@contextmanager
def waiting(text: str) -> Iterator[None]:
    """A spinner on stderr while the network is slow to answer (nothing when not animated)."""
    if not animated():
        yield
        return
    with err().status(escape(text) + "…", spinner="dots"):
        yield


@contextmanager
def progress(label: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr, only on a terminal: yields ``update(done, total)``, or None."""
    c = err()
    if not enabled or not animated():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn(escape(label)), BarColumn(), MofNCompleteColumn(), console=c, transient=True
    )
    task: Any = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
