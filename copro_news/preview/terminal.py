"""The terminal preview: the issue as rich renders it, section by section, then its problems.

On a terminal, links are hyperlinks that supporting terminals make clickable, and every
URL is also written out. With NO_COLOR, ``--no-color`` or into a pipe the view is plain
text without a single escape code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from copro_news import dates
from copro_news.content import SECTIONS
from copro_news.problems import Problem, count, summary

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from copro_news.content import Issue, Snippet
    from copro_news.workspace import Workspace

# The headings of the house style's sections, as the email shows them.
SECTION_TITLES = {
    "events": "Events",
    "partnerships": "Partnerships and projects",
    "actions": "Have your say",
    "stories": "News and stories",
}

LINK_NAMES = {"website": "Website", "signup": "Sign up to the newsletter"}


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


def offline_problems(ws: Workspace, issue: Issue) -> list[Problem]:
    """The offline check's problems, errors included.

    A file that cannot be used is listed with the rest, and so is a template mistake: the
    terminal view does not use the templates.
    """
    from copro_news.build import build_with_problems
    from copro_news.errors import ContentError, TemplateError

    try:
        _, problems = build_with_problems(ws, issue)
    except ContentError as e:
        return list(e.problems)
    except TemplateError as e:
        return [*issue.problems, e.problem]
    return list(problems)


def _markdown(text: str) -> RenderableType:
    from rich.markdown import Markdown

    # hyperlinks=False writes each URL after its words, as a link of its own.
    return Markdown(text.strip(), hyperlinks=False, justify="left")


def _link(url: str, label: str | None = None, shown: str | None = None) -> Any:
    """``label``, then the URL written out and linked (in a pipe, the words are all there is)."""
    from rich.text import Text

    text = Text()
    if label:
        text.append(label, style="bold")
        text.append(": ")
    text.append(shown or url, style=f"underline cyan link {url}")
    return text


def _field(label: str, value: str) -> Any:
    from rich.text import Text

    text = Text()
    text.append(f"{label}: ", style="bold")
    text.append(value)
    return text


def _snippet(ws: Workspace, issue: Issue, s: Snippet) -> Iterator[RenderableType]:
    from rich.text import Text

    locale = ws.settings.locale
    yield Text(s.title or f"(no title) {s.rel}", style="bold")
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
            button.append(f"[ {s.get('button') or 'Take part'} ]", style="bold reverse green")
            button.append(" ")
            button.append(link, style=f"underline cyan link {link}")
            yield button
        else:
            default = "Find out more and sign up" if s.kind == "events" else "Read more"
            yield _link(link, str(s.get("link_text") or default))


def render(ws: Workspace, issue: Issue) -> Iterator[RenderableType]:
    """The issue, top to bottom: the inbox lines, the intro, each section, the footer."""
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    settings = ws.settings
    head = Table.grid(padding=(0, 1))
    head.add_column(style="bold", no_wrap=True)
    head.add_column()
    head.add_row("From:", f"{settings.sender.name} <{settings.sender.email}>")
    head.add_row("Subject:", Text(issue.subject or "(no subject)", style="bold"))
    if issue.preheader:
        head.add_row("Preheader:", Text(issue.preheader, style="dim"))
    yield Rule(Text(f"{issue.id} preview", style="bold"), align="left")
    yield head
    yield Text("")

    hero = issue.hero
    if hero:
        line = Text()
        line.append("Image: ", style="bold")
        line.append(hero.get("alt") or "(no alt text)", style="italic")
        if hero.get("credit"):
            line.append(f" (photo: {hero['credit']})", style="dim")
        yield line
        yield _link(hero["image"])
        yield Text("")
    if issue.intro.strip():
        yield _markdown(issue.intro)
        yield Text("")

    for kind in SECTIONS:
        items = issue.sections.get(kind, [])
        if not items:
            continue
        yield Rule(Text(SECTION_TITLES[kind], style="bold green"), align="left")
        for i, s in enumerate(items):
            if i:
                yield Text("")
            for part in _snippet(ws, issue, s):
                yield Padding(part, (0, 0, 0, 2))
        yield Text("")

    yield Rule(Text("Get involved", style="bold green"), align="left")
    contact = settings.sender.reply_to or settings.sender.email
    footer = [_link(f"mailto:{contact}", "Write to us", contact)]
    for name, url in sorted(settings.links.items()):
        if name != "unsubscribe":
            footer.append(_link(url, LINK_NAMES.get(name, name.replace("_", " ").capitalize())))
    if settings.sender.postal_address:
        footer.append(_field("Address", settings.sender.postal_address.replace("\n", ", ")))
    footer.append(Text("Unsubscribe: a link for each subscriber, added when sending.", style="dim"))
    for part in footer:
        yield Padding(part, (0, 0, 0, 2))


def show(
    ws: Workspace, issue: Issue, problems: list[Problem], *, console: Console | None = None
) -> None:
    """Print the issue and then its problems (or that there are none)."""
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
    if not problems:
        c.print(Rule(Text("No problems found.", style="bold green"), align="left"))
        return
    style = "bold red" if count(problems)[0] else "bold yellow"
    c.print(Rule(Text(f"Problems: {summary(problems)}", style=style), align="left"))
    print_problems(problems, console=c)
