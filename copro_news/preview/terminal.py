"""The terminal preview: the issue as rich renders it, section by section, then its problems.

On a terminal, links are hyperlinks that supporting terminals make clickable, and every
URL is also written out. With NO_COLOR, ``--no-color`` or into a pipe the view is plain
text without a single escape code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from copro_news import dates
from copro_news.chars import printable
from copro_news.problems import Problem, count, summary
from copro_news.settings import link_label

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from copro_news.checks import SendTime
    from copro_news.content import Issue, Snippet
    from copro_news.workspace import Workspace


def view_console() -> Console:
    """A console for the view on stdout: no styling at all when colour is off or piped."""
    from rich.console import Console

    from copro_news.console import color_disabled

    plain = color_disabled()
    return Console(
        highlight=False,
        soft_wrap=False,
        emoji=False,
        no_color=plain,
        color_system=None if plain else "auto",
    )


def offline_problems(ws: Workspace, issue: Issue, at: SendTime | None = None) -> list[Problem]:
    """The offline check's problems, errors included, at the send time ``at``.

    A file that cannot be used is listed with the rest, and so is a template mistake: the
    terminal view does not use the templates.
    """
    from copro_news.build import build_with_problems
    from copro_news.errors import ContentError, TemplateError

    try:
        _, problems = build_with_problems(ws, issue, at=at.at if at else None)
    except ContentError as e:
        return list(e.problems)
    except TemplateError as e:
        return [*issue.problems, e.problem]
    return list(problems)


def _markdown(text: str) -> RenderableType:
    from rich.markdown import Markdown

    # hyperlinks=False writes each URL after its words, as a link of its own.
    return Markdown(printable(text.strip()), hyperlinks=False, justify="left")


def _plain(text: str) -> Any:
    """Text as it is, any control character shown rather than obeyed."""
    from rich.text import Text

    return Text(printable(text))


def _link(url: str, label: str | None = None, shown: str | None = None) -> Any:
    """``label``, then the URL written out and linked (in a pipe, the words are all there is)."""
    from rich.text import Text

    text = Text()
    if label:
        text.append(printable(label), style="bold")
        text.append(": ")
    text.append(printable(shown or url), style=f"underline cyan link {printable(url)}")
    return text


def _field(label: str, value: str) -> Any:
    from rich.text import Text

    text = Text()
    text.append(f"{label}: ", style="bold")
    text.append(printable(value))
    return text


def _snippet(ws: Workspace, issue: Issue, s: Snippet) -> Iterator[RenderableType]:
    from rich.text import Text

    locale = ws.settings.locale
    yield Text(printable(s.title or f"(no title) {s.rel}"), style="bold")
    if s.kind == "events":
        start = s.get("start")
        if start is not None:
            yield _field("When", dates.event_when(start, s.get("end"), locale))
        if s.get("location"):
            yield _field("Where", str(s.get("location")))
    elif s.kind == "partnerships" and s.get("partner"):
        yield _field("Partner", str(s.get("partner")))
    elif s.kind == "actions" and s.get("deadline"):
        year = issue.date.year if issue.date else None
        yield _field("Deadline", dates.deadline(s.get("deadline"), locale, issue_year=year))
    if s.body.strip():
        yield _markdown(s.body)
    link = s.get("link")
    if link:
        if s.kind == "actions":
            button = Text()
            button.append(
                printable(f"[ {s.get('button') or 'Take part'} ]"), style="bold reverse green"
            )
            button.append(" ")
            button.append(printable(link), style=f"underline cyan link {printable(link)}")
            yield button
        else:
            default = "Find out more and sign up" if s.kind == "events" else "Read more"
            yield _link(link, str(s.get("link_text") or default))


def render(ws: Workspace, issue: Issue) -> Iterator[RenderableType]:
    """The issue, top to bottom: the inbox lines, the intro, each section in the issue's
    order under its heading, the footer."""
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    settings = ws.settings
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    head.add_row("From:", _plain(f"{settings.sender.name} <{settings.sender.email}>"))
    head.add_row("Subject:", Text(printable(issue.subject or "(no subject)"), style="bold"))
    if issue.preheader:
        head.add_row("Preheader:", Text(printable(issue.preheader), style="dim"))
    yield Rule(Text(f"{issue.id} preview", style="bold"), align="left")
    yield head
    yield Text("")

    hero = issue.hero
    if hero:
        line = Text()
        line.append("Image: ", style="bold")
        line.append(printable(hero.get("alt") or "(no alt text)"), style="italic")
        if hero.get("credit"):
            from copro_news.render import markdown_text

            credit = markdown_text(hero["credit"], width=1000)
            line.append(printable(f" (photo: {credit})"), style="dim")
        yield line
        local = issue.local_image(hero["image"])
        if local is not None:
            yield _field("File", f"{local.rel}, {local.width}×{local.height} px")
        else:
            yield _link(hero["image"])
        yield Text("")
    if issue.intro.strip():
        yield _markdown(issue.intro)
        yield Text("")

    for block in issue.layout:
        if block.heading:
            yield Rule(Text(printable(block.heading), style="bold green"), align="left")
        else:
            yield Rule(align="left", style="dim")
        for i, s in enumerate(block.items):
            if i:
                yield Text("")
            for part in _snippet(ws, issue, s):
                yield Padding(part, (0, 0, 0, 2))
        yield Text("")

    footer_settings = settings.footer
    yield Rule(Text(printable(footer_settings.heading), style="bold green"), align="left")
    footer: list[Any] = []
    links = settings.links
    if footer_settings.text.strip():  # the footer's own words, as in the email
        footer.append(_markdown(footer_settings.text))
    else:
        contact = settings.sender.reply_to or settings.sender.email
        footer.append(_link(f"mailto:{contact}", "Write to us", contact))
        if links.get("website"):
            footer.append(_link(links["website"], link_label("website")))
    if links.get("signup"):
        footer.append(_link(links["signup"], link_label("signup")))
    for name, url in sorted(links.items()):
        if name not in ("website", "signup", "unsubscribe") and url:
            footer.append(_link(url, link_label(name)))
    if settings.sender.postal_address:
        footer.append(_field("Address", settings.sender.postal_address.replace("\n", ", ")))
    footer.append(Text("Unsubscribe: a link for each subscriber, added when sending.", style="dim"))
    for part in footer:
        yield Padding(part, (0, 0, 0, 2))


def show(
    ws: Workspace,
    issue: Issue,
    problems: list[Problem],
    *,
    console: Console | None = None,
    at: SendTime | None = None,
) -> None:
    """Print the issue and then its problems (or that there are none), and the send time
    ``at`` they were judged at."""
    from rich.rule import Rule
    from rich.text import Text

    from copro_news.console import print_problems

    c = console or view_console()
    if c.color_system is None:
        # Plain text: rich pads each line to the width; a pipe gets the lines without it.
        with c.capture() as captured:
            for part in render(ws, issue):
                c.print(part)
        lines = captured.get().splitlines()
        c.file.write("".join(line.rstrip() + "\n" for line in lines))
    else:
        for part in render(ws, issue):
            c.print(part)
    c.print()
    judged = f" Dates judged at {at.describe()}." if at is not None else ""
    if not problems:
        c.print(Rule(Text(f"No problems found.{judged}", style="bold green"), align="left"))
        return
    style = "bold red" if count(problems)[0] else "bold yellow"
    c.print(Rule(Text(f"Problems: {summary(problems)}.{judged}", style=style), align="left"))
    print_problems(problems, console=c)
