"""Render an issue: Markdown, Jinja2 templates, CSS inlining, the plain-text part and the .eml.

Templates come from the workspace's ``templates/`` first and the packaged house style second,
file by file. jinja2, markdown-it and premailer are imported here only, when a build runs.
"""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copro_news import calendar, dates, utm
from copro_news.content import SECTIONS, Issue, Snippet
from copro_news.images import LocalImage
from copro_news.inline import inline_css
from copro_news.markup import parser, tokens
from copro_news.settings import link_label

if TYPE_CHECKING:
    import jinja2

    from copro_news.problems import Problem
    from copro_news.workspace import Settings, Workspace

GMAIL_CLIP_BYTES = 102 * 1024
TEXT_WIDTH = 72
#: No line of the text part is longer (RFC 5322's 78), but a web address alone on its line.
LINE_LIMIT = 78
#: The email is this wide on a desktop; a section's text column is narrower by its padding.
EMAIL_WIDTH = 600
COLUMN_WIDTH = EMAIL_WIDTH - 2 * 32
#: What every picture of the email carries, so that none is ever wider than the screen.
IMAGE_STYLE = "max-width: 100%; height: auto;"
# premailer joins every href with the base URL, which would mangle a provider's merge tag;
# the footer links to this address and it is replaced after inlining.
_UNSUB_SENTINEL = "https://unsubscribe.invalid/copro-news"


def unsubscribe_placeholder(settings: Settings, provider: str | None = None) -> str:
    """The unsubscribe link the provider fills in for each subscriber, else the workspace's."""
    from copro_news.providers.registry import PROVIDERS

    info = PROVIDERS.get(provider or settings.provider.name)
    if info is not None and info.unsubscribe:
        return info.unsubscribe
    if "unsubscribe" in settings.links:
        return settings.links["unsubscribe"]
    return f"mailto:{settings.sender.reply_to or settings.sender.email}?subject=Unsubscribe"


# --- Markdown ----------------------------------------------------------------------------------


ImageLookup = Callable[[str], LocalImage | None]


#: How a Markdown image is written: (the address shown, the attributes after alt and title),
#: from its address and what the render's ``images`` lookup found there (None: nothing).
Picture = Callable[[str, Any], tuple[str, list[tuple[str, str]]]]


def _renderer(picture: Picture) -> Any:
    """A copy of the Markdown parser with a renderer of its own, whose images ``picture``
    writes; a render's ``env["images"]`` looks up the picture an image address names."""
    from copy import copy
    from html import escape
    from urllib.parse import unquote

    from markdown_it.renderer import RendererHTML

    md = copy(parser())
    md.renderer = RendererHTML(md)

    def image(self: Any, tokens: list[Any], idx: int, options: Any, env: dict[str, Any]) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        alt = self.renderInlineAsText(token.children or [], options, env)
        lookup = env.get("images")
        shown, after = picture(src, lookup(unquote(src)) if lookup is not None else None)
        attrs = [("src", shown), ("alt", alt)]
        if token.attrGet("title"):
            attrs.append(("title", str(token.attrGet("title"))))
        return "<img " + " ".join(f'{k}="{escape(v, quote=True)}"' for k, v in attrs + after) + ">"

    md.add_render_rule("image", image)
    return md


def _email_picture(src: str, local: LocalImage | None) -> tuple[str, list[tuple[str, str]]]:
    """The email's way: a picture of the issue folder as its cid:, with a width no wider
    than the column, and every picture max-width: 100%, so that none makes the email wider
    than a phone."""
    if local is None:
        return src, [("style", IMAGE_STYLE)]
    return local.src, [("width", str(local.shown_width(COLUMN_WIDTH))), ("style", IMAGE_STYLE)]


@lru_cache(maxsize=1)
def _html_renderer() -> Any:
    """The Markdown parser with the email's own way of writing an image (:func:`_email_picture`)."""
    return _renderer(_email_picture)


def markdown_html(text: str, images: ImageLookup | None = None) -> str:
    """Markdown as the email's HTML; ``images`` gives the picture of the issue folder that an
    image address names."""
    md = _html_renderer()
    html = md.renderer.render(list(tokens(text or "")), md.options, {"images": images})
    # tables written in Markdown get the house table style, apart from the layout tables
    return html.replace("<table>", '<table class="md-table" cellpadding="0" cellspacing="0">')


def markdown_inline(text: str) -> str:
    """One line of Markdown (a photo credit with a link) as HTML, without a paragraph."""
    return str(_html_renderer().renderInline(text or ""))


#: What the web edition's Markdown images are: the address it shows, and the picture's size.
WebImage = tuple[str, int, int]
WebImageLookup = Callable[[str], WebImage | None]


def _web_picture(src: str, local: WebImage | None) -> tuple[str, list[tuple[str, str]]]:
    """The web edition's way: a picture of the issue folder at its address beside the page,
    with its size (so the page does not jump while it loads), and no style."""
    if local is None:
        return src, []
    return local[0], [("width", str(local[1])), ("height", str(local[2]))]


@lru_cache(maxsize=1)
def _web_renderer() -> Any:
    """The Markdown parser with the web edition's way of writing an image (:func:`_web_picture`),
    and each heading moved by ``env["shift"]`` levels to sit under the page's own."""
    md = _renderer(_web_picture)

    def heading(self: Any, tokens: list[Any], idx: int, options: Any, env: dict[str, Any]) -> str:
        token = tokens[idx]
        level = max(1, min(6, int(token.tag[1]) + int(env.get("shift", 0))))
        closing = "/" if token.nesting == -1 else ""
        return f"<{closing}h{level}>" + ("\n" if closing else "")

    md.add_render_rule("heading_open", heading)
    md.add_render_rule("heading_close", heading)
    return md


def web_markdown(text: str, images: WebImageLookup | None = None, top: int = 2) -> str:
    """Markdown as the web edition's HTML: pictures beside the page; its headings moved
    together so that the highest is at level ``top`` (the intro's ## and # alike become
    h2 under the page's h1), each keeping its place under the one before."""
    md = _web_renderer()
    parsed = list(tokens(text or ""))
    levels = [int(t.tag[1]) for t in parsed if t.type == "heading_open"]
    env: dict[str, Any] = {"images": images, "shift": top - min(levels) if levels else 0}
    return str(md.renderer.render(parsed, md.options, env))


# --- dates and events on the web ---------------------------------------------------------------


def _datetime_attr(d: date | datetime) -> str:
    """A date or time as <time datetime> takes it: 2026-12-01, 2026-12-01T12:30+00:00."""
    if isinstance(d, datetime):
        return d.isoformat(timespec="minutes")
    return d.isoformat()


def _time_tag(d: date | datetime, words: str) -> str:
    from html import escape

    return f'<time datetime="{_datetime_attr(d)}">{escape(words, quote=False)}</time>'


def date_html(d: date, locale: str) -> str:
    """'<time datetime="2026-12-01">Tuesday 1 December 2026</time>'."""
    return _time_tag(d, dates.long_date(d, locale))


def when_html(start: date, end: date | time | None, locale: str) -> str:
    """When an event is, in words (as :func:`dates.event_when` says it), with each end of
    it in a <time>: '<time ...>Tuesday 1 December 2026, 12:30</time>–<time ...>13:30</time>'."""
    from html import escape

    words = dates.event_when(start, end, locale)
    last = words.rfind(dates.EN_DASH)
    has_end = isinstance(end, (date, datetime)) and (
        isinstance(end, datetime) or not isinstance(start, datetime) or end > start.date()
    )
    if last < 0 or not has_end or end is None or isinstance(end, time):
        return _time_tag(start, words)
    left, right = words[:last], words[last + 1 :]
    first, gap = left.rstrip(), left[len(left.rstrip()) :]
    second = right.lstrip()
    after = right[: len(right) - len(second)]
    dash = escape(gap + dates.EN_DASH + after, quote=False)
    return f"{_time_tag(start, first)}{dash}{_time_tag(end, second)}"


def by_html(d: date, locale: str, issue_year: int | None = None) -> str:
    """'by <time datetime="2022-02-13">Sunday 13 February</time>'."""
    words = dates.deadline(d, locale, issue_year=issue_year)
    if words.startswith("by "):
        return "by " + _time_tag(d, words[3:])
    return _time_tag(d, words)


def calendar_event(settings: Settings, item: Snippet) -> calendar.CalendarEvent | None:
    """An event snippet as calendars take it; None when it has no start."""
    start = item.get("start")
    if not isinstance(start, date):
        return None
    return calendar.CalendarEvent(
        key=item.slug,
        title=item.title,
        when=calendar.span(start, item.get("end"), settings.tz),
        location=str(item.get("location") or ""),
        description=markdown_text(item.body, width=10_000),
        url=str(item.get("link") or ""),
        url_text=str(item.get("link_text") or "Find out more and sign up"),
    )


def calendar_links(settings: Settings, item: Snippet, ics_base: str | None) -> list[calendar.Link]:
    """The add-to-calendar links of an event: Google Calendar, Outlook and, when
    ``ics_base`` is given (the address of the folder of its page, or "" beside it), its .ics
    file."""
    event = calendar_event(settings, item)
    if event is None:
        return []
    ics = None if ics_base is None else ics_base + calendar.ics_name(item.slug)
    return calendar.links(event, settings.timezone, ics)


def markdown_text(text: str, width: int = TEXT_WIDTH) -> str:
    """Markdown as plain text: paragraphs wrapped, lists dashed, each link's URL written out."""
    parsed = tokens(text or "")
    blocks: list[str] = []
    prefix_stack: list[str] = []
    ordered: list[int | None] = []
    pending_bullet: str | None = None
    heading = 0

    def inline_text(children: list[Any]) -> str:
        out: list[str] = []
        link_start: list[tuple[int, str]] = []
        for t in children:
            if t.type == "text" or t.type == "code_inline":
                out.append(t.content)
            elif t.type in ("softbreak",):
                out.append(" ")
            elif t.type == "hardbreak":
                out.append("\n")
            elif t.type == "link_open":
                link_start.append((len(out), str(t.attrGet("href") or "")))
            elif t.type == "link_close" and link_start:
                start, href = link_start.pop()
                label = "".join(out[start:]).strip()
                shown = href[7:] if href.startswith("mailto:") else href
                if href and label != shown and label != href:
                    out.append(f" ({shown})")
            elif t.type == "image":
                alt = "".join(c.content for c in (t.children or []))
                src = str(t.attrGet("src") or "")
                out.append(f"[{alt}]" if alt else f"[image: {src}]")
        return "".join(out)

    def emit(text: str) -> None:
        nonlocal pending_bullet
        indent = "".join(prefix_stack)
        first = indent
        if pending_bullet is not None:
            first = indent[: -len(pending_bullet)] + pending_bullet if indent else pending_bullet
            pending_bullet = None
        lines: list[str] = []
        for i, para in enumerate(text.split("\n")):
            wrapped = textwrap.wrap(
                para,
                width=max(20, width - len(indent)),
                break_long_words=False,
                break_on_hyphens=False,
            ) or [""]
            for j, w in enumerate(wrapped):
                lead = first if (i == 0 and j == 0) else indent
                lines.append(lead + w)
        blocks.append("\n".join(lines))

    for tok in parsed:
        ttype = tok.type
        if ttype == "heading_open":
            heading = int(tok.tag[1])
        elif ttype == "heading_close":
            heading = 0
        elif ttype == "inline":
            content = inline_text(tok.children or [])
            if heading:
                under = "=" if heading == 1 else "-"
                blocks.append(f"{content}\n{under * min(len(content), width)}")
            else:
                emit(content)
        elif ttype == "bullet_list_open":
            ordered.append(None)
        elif ttype == "ordered_list_open":
            ordered.append(int(tok.attrGet("start") or 1))
        elif ttype in ("bullet_list_close", "ordered_list_close"):
            ordered.pop()
        elif ttype == "list_item_open":
            n = ordered[-1] if ordered else None
            if n is None:
                bullet = "- "
            else:
                bullet = f"{n}. "
                ordered[-1] = n + 1
            prefix_stack.append(" " * len(bullet))
            pending_bullet = bullet
        elif ttype == "list_item_close":
            prefix_stack.pop()
        elif ttype == "blockquote_open":
            prefix_stack.append("> ")
        elif ttype == "blockquote_close":
            prefix_stack.pop()
        elif ttype in ("fence", "code_block"):
            blocks.append(textwrap.indent(tok.content.rstrip("\n"), "    "))
        elif ttype == "hr":
            blocks.append("-" * 20)
    # tight lists: keep list items together
    return _join_blocks(blocks)


def underline(text: object, char: str = "-") -> str:
    """A heading for the text part: the text (wrapped to LINE_LIMIT), underlined."""
    lines = _wrap(str(text), LINE_LIMIT) or [""]
    return "\n".join(lines) + "\n" + char * max(len(line) for line in lines)


def _wrap(text: str, width: int, indent: str = "", first: str = "") -> list[str]:
    """``text`` in lines of ``width``, never breaking a word or a web address; the first
    line starts with ``first``, the others with ``indent``."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


_LEAD = re.compile(r"\s*(?:> )*(?:[-*] |\d+\. )?")


def fit_lines(text: str, width: int = LINE_LIMIT) -> str:
    """Every line of ``text`` within ``width``: a longer one is wrapped under its own indent
    (a list item's text under the text), so that only a web address longer than ``width``
    stands alone on a longer line."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        found = _LEAD.match(line)
        lead = found.group() if found else ""
        hanging = re.sub(r"[-*]|\d+\.", lambda m: " " * len(m.group()), lead)
        body = line[len(lead) :]
        out.extend(_wrap(body, width, hanging, lead) or [line])
    return "\n".join(out)


def _join_blocks(blocks: list[str]) -> str:
    out: list[str] = []
    for b in blocks:
        is_item = b.lstrip().startswith(("- ",)) or (
            b.lstrip()[:1].isdigit() and ". " in b.lstrip()[:5]
        )
        if out and is_item and _is_item(out[-1]):
            out[-1] = out[-1] + "\n" + b
        else:
            out.append(b)
    return "\n\n".join(out).strip()


def _is_item(block: str) -> bool:
    last = block.split("\n")[0].lstrip()
    return last.startswith("- ") or (last[:1].isdigit() and ". " in last[:5])


# --- templates ---------------------------------------------------------------------------------


def package_templates() -> Path:
    """The house style: the folder of templates that the package ships.

    Installed from a wheel, it is the package's ``templates/``. In an editable install or a
    checkout, the package is the repository's own folder and the house style is the
    repository's ``templates/``: the one copy, which pyproject.toml maps into the wheel.
    """
    shipped = Path(str(files("copro_news") / "templates"))
    if (shipped / "email.html").is_file():
        return shipped
    repository = Path(__file__).resolve().parent.parent / "templates"
    return repository if (repository / "email.html").is_file() else shipped


def house_templates() -> list[str]:
    """Every template of the house style by name ("email.html", "sections/events.txt"), as the
    packaged folder holds them: a template added there needs no other edit."""
    root = package_templates()
    names = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if path.is_file() and not any(p.startswith((".", "__")) for p in parts):
            names.append("/".join(parts))
    return sorted(names, key=lambda name: (name.count("/"), name))


def template_folders(ws: Workspace) -> tuple[Path, ...]:
    """Where templates are looked for, in order: the workspace's templates/, then the house
    style (once, where the workspace's templates/ is the house style itself)."""
    folders = [ws.templates]
    house = package_templates()
    if house.resolve() != ws.templates.resolve():
        folders.append(house)
    return tuple(folders)


TemplateSource = tuple[str, str, Callable[[], bool]]


class TemplateOutside(Exception):
    """A template that is a link to a file outside the template folders."""

    def __init__(self, path: Path, target: Path) -> None:
        super().__init__(f"{path} leads outside the template folders, to {target}")
        self.path = path
        self.target = target


def _template_finder(folders: tuple[Path, ...]) -> Callable[[str], TemplateSource | None]:
    """How templates are found: in the first of ``folders`` that has the file.

    Only regular files inside the folders are read, links resolved: a link that leads
    elsewhere (``templates/x.html -> /etc/passwd``) raises TemplateOutside.
    A compiled template is reused while its file holds the same text and no earlier folder
    has gained a file of that name, so a save in templates/ shows at the next render.
    """

    def find(name: str) -> TemplateSource | None:
        from jinja2.loaders import split_template_path

        candidates = [folder.joinpath(*split_template_path(name)) for folder in folders]
        found = next((i for i, path in enumerate(candidates) if path.is_file()), None)
        if found is None:
            return None
        path, earlier = candidates[found], candidates[:found]
        target = path.resolve()
        if not target.is_relative_to(folders[found].resolve()):
            raise TemplateOutside(path, target)
        data = target.read_bytes()

        def uptodate() -> bool:
            try:
                same = path.resolve() == target and target.read_bytes() == data
            except OSError:
                return False
            return same and not any(p.is_file() for p in earlier)

        return data.decode("utf-8"), str(path), uptodate

    return find


def make_environment(folders: tuple[Path, ...], locale: str) -> jinja2.Environment:
    """The Jinja2 environment over ``folders``: the one place that says how templates are
    compiled and what they may use.

    Templates run in the sandbox of :mod:`copro_news.sandbox`: the content and the filters
    below, nothing of Python's insides, and limits on time and size.
    """
    import jinja2
    from markupsafe import Markup

    from copro_news.sandbox import LimitedSandbox

    env = LimitedSandbox(
        loader=jinja2.FunctionLoader(_template_finder(folders)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,
    )

    @jinja2.pass_context
    def markdown(context: Any, text: str) -> Markup:
        return Markup(markdown_html(text, context.get("local_image")))

    env.filters["markdown"] = markdown
    env.filters["markdown_inline"] = lambda text: Markup(markdown_inline(text))
    env.filters["markdown_text"] = markdown_text
    env.filters["link_name"] = link_label
    env.filters["long_date"] = lambda d, year=True: dates.long_date(d, locale, year=year)
    env.filters["month"] = lambda d: dates.month_name(d, locale)
    env.filters["time"] = lambda t: dates.short_time(t, locale)
    env.filters["wrap"] = lambda text, width=TEXT_WIDTH: "\n".join(
        textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False)
    )
    env.filters["underline"] = underline
    env.globals["when"] = lambda start, end=None: dates.event_when(start, end, locale)
    env.globals["by"] = lambda d, year=None: dates.deadline(d, locale, issue_year=year)

    # The web edition: every date in a <time>, pictures beside the page, add to calendar.
    @jinja2.pass_context
    def web_markdown_filter(context: Any, text: str, top: int = 2) -> Markup:
        return Markup(web_markdown(text, context.get("web_image"), top))

    env.filters["web_markdown"] = web_markdown_filter
    env.globals["when_html"] = lambda start, end=None: Markup(when_html(start, end, locale))
    env.globals["by_html"] = lambda d, year=None: Markup(by_html(d, locale, year))
    env.globals["date_html"] = lambda d: Markup(date_html(d, locale))

    @jinja2.pass_context
    def add_to_calendar(context: Any, item: Snippet) -> list[calendar.Link]:
        settings = context.get("settings")
        if settings is None:  # a template rendered on its own, without the issue's context
            return []
        return calendar_links(settings, item, context.get("ics_base"))

    env.globals["add_to_calendar"] = add_to_calendar
    env.limit_filters()
    env.bytecode_cache = _bytecode_cache(env)
    return env


def _bytecode_cache(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, in the user's cache folder.

    None (no cache) when that folder cannot be made; a cache file that cannot be read or
    written only makes the next run slower, never an error.
    """
    import hashlib

    import jinja2

    from copro_news import __version__
    from copro_news.fsutil import user_cache_dir

    class QuietCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # unreadable or damaged: compile afresh
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    # Compiled code depends on the versions and on how the environment compiles (its class,
    # options and filters): each combination keeps a folder of its own.
    names = ("a.html", "a.txt", "a.css", "a.xml")
    escaped = [env.autoescape(n) if callable(env.autoescape) else env.autoescape for n in names]
    how = (
        __version__,
        jinja2.__version__,
        f"{type(env).__module__}.{type(env).__qualname__}",
        getattr(env, "compiles", ""),
        (env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.newline_sequence),
        escaped,
        sorted(env.filters),
        sorted(env.tests),
        sorted(env.extensions),
    )
    key = hashlib.sha256(repr(how).encode("utf-8")).hexdigest()[:16]
    try:
        folder = user_cache_dir("templates", key)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to put it in
        return None
    return QuietCache(str(folder))


@lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...], locale: str) -> jinja2.Environment:
    return make_environment(folders, locale)


def environment(ws: Workspace) -> jinja2.Environment:
    """The environment for ``ws``: its templates/ first, the house style second, file by file.

    One per workspace and locale in a process, so each template is compiled once and a
    preview reuses it from one save to the next.
    """
    return _environment(template_folders(ws), ws.settings.locale)


def template_source(env: jinja2.Environment, name: str) -> str:
    """A template file's text as it is, for the stylesheet (never through autoescape)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source


# --- template mistakes -------------------------------------------------------------------------


def template_problem(ws: Workspace, e: BaseException) -> Problem | None:
    """A mistake met while rendering the templates, as the problem ``template-invalid``.

    The one place that words a template mistake: the file (relative to the workspace) and
    line where it is, what is wrong in plain words, and what to do; draft, check, both
    previews and send all show these words. None when ``e`` did not come from a template
    (a fault of copro-news, to be raised as it is).
    """
    import jinja2
    from jinja2.sandbox import SecurityError

    from copro_news.sandbox import MAX_RANGE, RenderLimit

    if isinstance(e, UnicodeDecodeError):
        return _undecodable_template(ws)
    name: str | None
    line: int | None
    if isinstance(e, jinja2.TemplateSyntaxError):
        name, line = e.filename or e.name, e.lineno
    else:
        name, line = _template_frame(ws, e)
        if isinstance(e, RenderLimit) and name is None:
            name = e.filename
        if name is None and not isinstance(e, (jinja2.TemplateError, TemplateOutside)):
            return None
    shown, where, line = _template_place(ws, name, line)
    if isinstance(e, TemplateOutside):
        link = ws.rel(e.path.parent) + "/" + e.path.name  # the link itself, not its target
        return _template_invalid(
            f"{link} is a link to {e.target}, outside the template folders"
            + (f" (used{where})" if name else "")
            + ": templates are read only from templates/ and the house style.",
            f"Copy the file into templates/ instead of linking to it, or delete {link}.",
            shown or link,
            line,
        )
    too_big = isinstance(e, OverflowError) and "MAX_RANGE" in str(e)
    if isinstance(e, RenderLimit) or too_big:
        what = e.what if isinstance(e, RenderLimit) else f"a range of more than {MAX_RANGE:,}"
        return _template_invalid(
            f"A template{where}{',' if where else ''} asks for more than any email needs: {what}.",
            "Templates fill in the issue's content: make the loop, the number or the text smaller.",
            shown,
            line,
        )
    if isinstance(e, SecurityError):
        refused = _plain_refusal(e)
        return _template_invalid(
            f"A template{where}{',' if where else ''} uses something templates may not: {refused}.",
            "Templates show the issue's content and settings; they cannot run programs or "
            "reach into copro-news. Remove it from the template.",
            shown,
            line,
        )
    if isinstance(e, jinja2.TemplateNotFound) and not isinstance(e, jinja2.TemplatesNotFound):
        return _template_invalid(
            f"A template{where} uses {e.name!r}, which does not exist.",
            "Check the name; 'copro-news templates' lists the templates there are.",
            shown,
            line,
        )
    if isinstance(e, RecursionError):
        return _template_invalid(
            f"A template{where} includes itself, over and over.",
            "Remove the include or extends that leads back to the same template.",
            shown,
            line,
        )
    if shown is None and name is not None:
        hint = "Check the workspace's templates that this one includes or extends."
    elif ws.templates.resolve() == package_templates().resolve():
        hint = "Fix the template: this templates/ is the house style itself."
    else:
        hint = "Fix the template, or delete it to go back to the house style."
    detail = str(e).rstrip(".") or type(e).__name__
    unknown = re.search(r"'[\w.]*Snippet object' has no attribute '(\w+)'", detail)
    if unknown:
        detail = f"a snippet has no field '{unknown.group(1)}'"
    return _template_invalid(f"A template has a mistake{where}: {detail}.", hint, shown, line)


def _plain_refusal(e: BaseException) -> str:
    """What the sandbox refused, in plain words."""
    detail = str(e).rstrip(".")
    attribute = re.search(r"access to attribute '([^']+)' of '([^']+)' object", detail)
    if attribute:
        return f"the hidden attribute '{attribute.group(1)}' (of a {attribute.group(2)})"
    if "not safely callable" in detail:
        return "a call that could change things (" + detail.split(" is not")[0] + ")"
    return detail


def _template_invalid(
    message: str, hint: str, file: str | None = None, line: int | None = None
) -> Problem:
    from copro_news.problems import Problem

    return Problem("template-invalid", "error", message, file, line, hint)


def _template_frame(ws: Workspace, e: BaseException) -> tuple[str | None, int | None]:
    """The template file and line where ``e`` was raised: Jinja2 gives the frames of a
    template the template's file name, and the innermost is where the mistake is."""
    import traceback

    folders = template_folders(ws)
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if any(Path(frame.filename).is_relative_to(folder) for folder in folders):
            return frame.filename, frame.lineno
    return None, None


def _template_place(
    ws: Workspace, name: str | None, line: int | None
) -> tuple[str | None, str, int | None]:
    """(the file as the workspace names it, " in FILE, line N" for a message, the line).

    A template of the house style outside the workspace has no file there: the message
    names it, and the problem has neither file nor line.
    """
    if not name:
        return None, "", None
    path = Path(name)
    if not path.is_absolute():
        shown = f"templates/{name}"
    else:
        shown = ws.rel(path)
        if Path(shown).is_absolute():
            house = package_templates()
            inside = path.relative_to(house).as_posix() if path.is_relative_to(house) else name
            return (
                None,
                f" in the house style's {inside}" + (f", line {line}" if line else ""),
                None,
            )
    return shown, f" in {shown}" + (f", line {line}" if line else ""), line


def _undecodable_template(ws: Workspace) -> Problem:
    bad = []
    if ws.templates.is_dir():
        for path in sorted(ws.templates.rglob("*")):
            try:
                if path.is_file():
                    path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                bad.append(ws.rel(path))
    shown = ", ".join(bad) if bad else "a template"
    return _template_invalid(
        f"{shown} is not UTF-8 text.",
        "Save it as UTF-8 in your editor.",
        bad[0] if bad else None,
    )


@dataclass
class Build:
    """An issue rendered: what draft writes, preview shows and send uploads."""

    issue: Issue
    subject: str
    preheader: str
    html: str
    text: str
    eml: bytes
    provider: str
    sections: dict[str, int] = field(default_factory=dict)
    #: The pictures of the issue folder that the email shows, each once: the HTML names
    #: each as ``cid:<cid>``, the .eml carries them, a provider uploads them.
    images: tuple[LocalImage, ...] = ()
    #: The issue's body for a CMS (see :func:`web_fragment`), as HTML and as CommonMark.
    web_html: str = ""
    web_md: str = ""

    @property
    def issue_id(self) -> str:
        return self.issue.id

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))

    @property
    def clipped(self) -> bool:
        return self.html_bytes > GMAIL_CLIP_BYTES


def text_direction(locale: str) -> str:
    """ "rtl" for a language written right to left (ar, he, fa...), else "ltr"."""
    from babel import Locale, UnknownLocaleError

    try:
        order = Locale.parse(locale).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def _hero(issue: Issue) -> dict[str, Any] | None:
    """The hero as templates see it: its image a cid: for a picture of the issue folder,
    with the width the email gives it."""
    hero = issue.hero
    if not hero:
        return None
    shown: dict[str, Any] = dict(hero)
    local = issue.local_image(hero["image"])
    shown["width"] = EMAIL_WIDTH
    if local is not None:
        shown["image"] = local.src
        shown["width"] = local.shown_width(EMAIL_WIDTH)
    return shown


def _context(ws: Workspace, issue: Issue, unsubscribe: str) -> dict[str, Any]:
    settings = ws.settings
    links = {"website": "", "signup": "", **settings.links}
    page_url = settings.web.page_url(issue.id)
    return {
        "settings": settings,
        "sender": settings.sender,
        "links": links,
        "footer": settings.footer,
        "issue": issue,
        "subject": issue.subject,
        "preheader": issue.preheader,
        "hero": _hero(issue),
        "intro": issue.intro,
        "issue_date": issue.date,
        "issue_year": issue.date.year if issue.date else None,
        # The order after the intro, each a Block: kind, items and heading (None: a snippet
        # placed on its own). Iterated as (kind, items) pairs by templates written before.
        "sections": issue.layout,
        "section_titles": {kind: settings.sections.title(kind) for kind in SECTIONS},
        "events": issue.sections.get("events", []),
        "partnerships": issue.sections.get("partnerships", []),
        "actions": issue.sections.get("actions", []),
        "stories": issue.sections.get("stories", []),
        "unsubscribe_url": unsubscribe,
        "contact_email": settings.sender.reply_to or settings.sender.email,
        "lang": settings.locale.split("_")[0],
        "dir": text_direction(settings.locale),
        "local_image": issue.local_image,
        "email_width": EMAIL_WIDTH,
        # The issue's page on the website ("View in browser"), and where its events' .ics
        # files are: both None until [web] base_url says where the web edition is.
        "page_url": page_url,
        "ics_base": page_url,
    }


def web_context(
    ws: Workspace, issue: Issue, *, link_base: str, ics_base: str | None
) -> dict[str, Any]:
    """What the web edition's templates see: the email's context without its machinery (no
    unsubscribe), pictures at ``link_base`` + their path in the issue folder (``""``: beside
    the page), and the events' .ics files at ``ics_base`` (None: no .ics link)."""
    from urllib.parse import quote

    ctx = _context(ws, issue, "")
    del ctx["unsubscribe_url"]

    def web_image(src: str) -> WebImage | None:
        local = issue.local_image(src)
        if local is None:
            return None
        return link_base + quote(local.rel), local.width, local.height

    hero: dict[str, Any] | None = dict(issue.hero) if issue.hero else None
    if hero is not None:
        found = web_image(hero["image"])
        hero["width"] = hero["height"] = None
        if found is not None:
            hero["image"], hero["width"], hero["height"] = found
    ctx.update(web_image=web_image, hero=hero, link_base=link_base, ics_base=ics_base)
    return ctx


def render_web_body(ws: Workspace, issue: Issue, *, link_base: str, ics_base: str | None) -> str:
    """The issue's body for the web (templates/web/issue.html): its picture, intro and
    sections, headings from h2."""
    ctx = web_context(ws, issue, link_base=link_base, ics_base=ics_base)
    return environment(ws).get_template("web/issue.html").render(ctx)


def web_fragment(ws: Workspace, issue: Issue) -> tuple[str, str]:
    """The issue's body for a CMS: (HTML without classes or styles, the same as CommonMark).

    Its pictures and calendar files are at the issue's page when [web] base_url is set;
    without it, pictures are named by their path beside the page and .ics links are left out.
    """
    from copro_news import fragment

    page = ws.settings.web.page_url(issue.id)
    body = render_web_body(ws, issue, link_base=page or "", ics_base=page)
    html = fragment.clean(body)
    return html, fragment.markdown(html)


def utm_tagger(settings: Settings, issue: Issue, unsubscribe: str) -> utm.Tagger | None:
    """The UTM tags of this issue's email, when [utm] is on; None when it is off."""
    conf = settings.utm
    if not conf.enabled:
        return None
    website = settings.links.get("website", "")
    domains = conf.domains or ([utm.own_domain(website)] if website else [])
    never = [unsubscribe, settings.links.get("unsubscribe", ""), _UNSUB_SENTINEL]
    if settings.web.base_url:
        never.append(settings.web.root_url())  # the web edition counts its own visits
    return utm.tagger(
        source=conf.source or utm.slug(settings.name),
        campaign=conf.campaign.replace("{issue}", issue.id),
        domains=domains,
        never=never,
    )


def style_text(css: str) -> str:
    """The stylesheet as it may stand inside <style>: a "</" anywhere in it (a comment, a
    string) is written "<\\/", which CSS reads the same, so it can never end the element."""
    return css.replace("</", "<\\/")


def render_html(ws: Workspace, issue: Issue) -> str:
    """The email HTML before inlining, with the unsubscribe sentinel in place."""
    from markupsafe import Markup

    env = environment(ws)
    ctx = _context(ws, issue, _UNSUB_SENTINEL)
    ctx["css"] = Markup(style_text(template_source(env, "style.css")))
    return env.get_template("email.html").render(ctx)


def render_text(ws: Workspace, issue: Issue, unsubscribe: str) -> str:
    text = environment(ws).get_template("email.txt").render(_context(ws, issue, unsubscribe))
    lines = [line.rstrip() for line in text.splitlines()]
    # collapse runs of blank lines that optional blocks leave behind
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return fit_lines("\n".join(out).strip()) + "\n"


def list_headers(settings: Settings) -> dict[str, str]:
    """The headers that bulk-sender rules ask for (RFC 2369, 2919, 8058).

    ``List-Unsubscribe`` names the workspace's one-click unsubscribe page
    (``[links] unsubscribe``) and a mailto: address; ``List-Unsubscribe-Post`` says the page
    takes a one-click POST. ``List-Id`` names the newsletter. A provider that sends to the
    list (Mailchimp, Buttondown) writes its own, per subscriber.
    """
    sender = settings.sender
    address = sender.reply_to or sender.email
    page = settings.links.get("unsubscribe", "")
    links = []
    if page.startswith("https://"):
        links.append(f"<{page}>")
    links.append(f"<mailto:{address}?subject=Unsubscribe>")
    headers = {"List-Unsubscribe": ", ".join(links)}
    if page.startswith("https://"):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    domain = sender.email.rsplit("@", 1)[-1].lower() if "@" in sender.email else "invalid"
    label = re.sub(r"[^a-z0-9]+", "-", settings.name.lower()).strip("-") or "newsletter"
    name = re.sub(r'["\\\r\n]', "", settings.name)
    headers["List-Id"] = f'"{name}" <{label}.{domain}>'
    return headers


def make_eml(
    settings: Settings,
    subject: str,
    text: str,
    html: str,
    when: datetime | None = None,
    to: str | None = None,
    images: tuple[LocalImage, ...] = (),
) -> bytes:
    """A complete MIME message: multipart/alternative, text then HTML, UTF-8, with a
    Message-ID of its own and the list headers (:func:`list_headers`); the HTML with its
    pictures (multipart/related, each named by its Content-ID) when it has some."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime, make_msgid

    sender = settings.sender
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = Address(display_name=sender.name, addr_spec=sender.email)
    msg["To"] = to or "undisclosed-recipients:;"
    if sender.reply_to:
        msg["Reply-To"] = sender.reply_to
    msg["Date"] = format_datetime(when or datetime.now().astimezone())
    domain = sender.email.rsplit("@", 1)[-1] if "@" in sender.email else None
    msg["Message-ID"] = make_msgid(domain=domain)
    for name, value in list_headers(settings).items():
        msg[name] = value
    msg["X-Mailer"] = "copro-news"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if images:
        part = msg.get_body(("html",))
        assert part is not None
        for image in images:
            maintype, subtype = image.mime.split("/", 1)
            part.add_related(
                image.data,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{image.cid}>",
                filename=image.filename,
                disposition="inline",
            )
    return msg.as_bytes(policy=SMTP)


def build_issue(
    ws: Workspace,
    issue: Issue,
    *,
    provider: str | None = None,
    when: datetime | None = None,
) -> Build:
    """Render a loaded issue into the email HTML (inlined), the text part and the .eml.

    Raises TemplateError, carrying the problem ``template-invalid``, when a template or the
    stylesheet cannot be used.
    """
    from copro_news.errors import TemplateError

    settings = ws.settings
    unsubscribe = unsubscribe_placeholder(settings, provider)
    try:
        raw_html = render_html(ws, issue)
        text = render_text(ws, issue, unsubscribe)
        web_html, web_md = web_fragment(ws, issue)
    except Exception as e:  # a template mistake, or a fault of copro-news (raised as it is)
        problem = template_problem(ws, e)
        if problem is None:
            raise
        raise TemplateError(problem) from None
    if not raw_html.strip():
        raise TemplateError(
            _template_invalid(
                "templates/email.html gives an empty email.",
                "Fill it in, or delete it to go back to the house style.",
                "templates/email.html",
            )
        )
    tagger = utm_tagger(settings, issue, unsubscribe)
    if tagger is not None:  # before inlining, so that the HTML and the text part agree
        raw_html, tagged = tagger.tag_html(raw_html)
        text = tagger.tag_text(text, tagged)
    stylesheet = "templates/style.css" if (ws.templates / "style.css").is_file() else None
    try:
        html = inline_css(raw_html, settings.links.get("website"))
    except Exception:
        raise TemplateError(
            _template_invalid(
                "The stylesheet cannot be put into the email.",
                "Check templates/style.css and the <style> of your templates: keep each @media "
                "block flat, never one inside another.",
                stylesheet,
            )
        ) from None
    before = re.sub(r"/\*.*?\*/", "", raw_html, flags=re.S).count("@media")
    if html.count("@media") < before:
        raise TemplateError(
            _template_invalid(
                "Some @media rules of the stylesheet (phones, dark mode) were lost when it was "
                "put into the email.",
                "Check the @media blocks of templates/style.css: a { or } is missing or extra.",
                stylesheet,
            )
        )
    if re.search(r"<script\b", html, re.IGNORECASE):
        raise TemplateError(
            _template_invalid(
                "The built email holds a <script>: email programs refuse scripts, and spam "
                "filters count them against the sender.",
                "Remove <script> from templates/ (the templates, the stylesheet, its comments).",
                stylesheet or "templates/email.html",
            )
        )
    html = html.replace(_UNSUB_SENTINEL, unsubscribe.replace("&", "&amp;")).rstrip("\n") + "\n"
    shown = tuple(image for image in issue.images if image.src in html)
    eml = make_eml(settings, issue.subject, text, html, when, images=shown)
    return Build(
        issue=issue,
        subject=issue.subject,
        preheader=issue.preheader,
        html=html,
        text=text,
        eml=eml,
        provider=provider or settings.provider.name,
        sections={kind: len(issue.sections.get(kind, [])) for kind in SECTIONS},
        images=shown,
        web_html=web_html,
        web_md=web_md,
    )


# --- build/ ------------------------------------------------------------------------------------

BUILD_DIR = "build"
BUILD_MARKER = ".copro-news"


@dataclass(frozen=True)
class Output:
    """A file that draft writes into build/: its name, what it holds, and where that comes from."""

    name: str
    holds: str
    content: Callable[[Build], str | bytes]


# Every file that draft writes, in this order; a new output is one more entry.
OUTPUTS: tuple[Output, ...] = (
    Output("issue.html", "the email's HTML, ready for email clients", lambda b: b.html),
    Output("issue.txt", "the plain-text part", lambda b: b.text),
    Output("issue.eml", "the whole message, to open in a mail client", lambda b: b.eml),
    Output("web.html", "the issue's body for a CMS's rich-text field", lambda b: b.web_html),
    Output("web.md", "the same in Markdown (CommonMark)", lambda b: b.web_md),
)


def own_build_folder(folder: Path) -> Path:
    """Make ``folder``, an issue's build/, ready for copro-news to write in, and return it.

    build/ belongs to copro-news, which marks it with a .copro-news file. A build/ holding
    files that copro-news did not make, or a file named build, is never written in:
    RefusedError.
    """
    from copro_news.errors import RefusedError
    from copro_news.fsutil import atomic_write

    if folder.exists() and not folder.is_dir():
        raise RefusedError(
            f"{folder} is a file, so the build cannot be written there.",
            "Rename or move that file.",
        )
    marker = folder / BUILD_MARKER
    if folder.is_dir() and not marker.exists() and any(folder.iterdir()):
        raise RefusedError(
            f"{folder} holds files that copro-news did not make, so nothing was written.",
            "Move them elsewhere: build/ is where copro-news writes the built email.",
        )
    folder.mkdir(parents=True, exist_ok=True)
    if not marker.exists():
        atomic_write(
            marker, "Made by copro-news: everything here is rebuilt by `copro-news draft`.\n"
        )
    return folder


def write_build(build: Build, names: tuple[str, ...] | None = None) -> list[Path]:
    """Write every output (or those ``names``) into the issue's build/, each atomically;
    return their paths."""
    from copro_news.fsutil import atomic_write

    folder = own_build_folder(build.issue.folder / BUILD_DIR)
    paths = []
    for output in OUTPUTS:
        if names is not None and output.name not in names:
            continue
        path = folder / output.name
        atomic_write(path, output.content(build))
        paths.append(path)
    return paths
