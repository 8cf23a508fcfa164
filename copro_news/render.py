"""Render an issue: Markdown, Jinja2 templates, CSS inlining, the plain-text part and the .eml.

Templates come from the workspace's ``templates/`` first and the packaged house style second,
file by file. jinja2, markdown-it and premailer are imported here only, when a build runs.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copro_news import dates
from copro_news.content import SECTIONS, Issue

if TYPE_CHECKING:
    import jinja2
    from markdown_it import MarkdownIt

    from copro_news.problems import Problem
    from copro_news.workspace import Settings, Workspace

GMAIL_CLIP_BYTES = 102 * 1024
TEXT_WIDTH = 72
# premailer joins every href with the base URL, which would mangle a provider's merge tag;
# the footer links to this address and it is replaced after inlining.
_UNSUB_SENTINEL = "https://unsubscribe.invalid/copro-news"

TEMPLATE_FILES = (
    "email.html",
    "email.txt",
    "style.css",
    "sections/events.html",
    "sections/events.txt",
    "sections/partnerships.html",
    "sections/partnerships.txt",
    "sections/actions.html",
    "sections/actions.txt",
    "sections/stories.html",
    "sections/stories.txt",
)


def package_templates() -> Path:
    return Path(str(files("copro_news") / "templates"))


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


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"typographer": True, "html": False, "linkify": False})
    md.enable(["replacements", "smartquotes", "table", "strikethrough"])
    return md


def markdown_html(text: str) -> str:
    html = _markdown().render(text or "")
    # tables written in Markdown get the house table style, apart from the layout tables
    return html.replace("<table>", '<table class="md-table" cellpadding="0" cellspacing="0">')


def markdown_text(text: str, width: int = TEXT_WIDTH) -> str:
    """Markdown as plain text: paragraphs wrapped, lists dashed, each link's URL written out."""
    tokens = _markdown().parse(text or "")
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

    for tok in tokens:
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
        elif ttype == "tr_close":
            pass
    # tight lists: keep list items together
    return _join_blocks(blocks)


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


def environment(ws: Workspace) -> jinja2.Environment:
    import jinja2
    from markupsafe import Markup

    settings = ws.settings
    locale = settings.locale
    loaders: list[jinja2.BaseLoader] = []
    if ws.templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(ws.templates)))
    loaders.append(jinja2.FileSystemLoader(str(package_templates())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = lambda text: Markup(markdown_html(text))
    env.filters["markdown_text"] = markdown_text
    env.filters["long_date"] = lambda d, year=True: dates.long_date(d, locale, year=year)
    env.filters["month"] = lambda d: dates.month_name(d, locale)
    env.filters["time"] = lambda t: dates.short_time(t, locale)
    env.filters["wrap"] = lambda text, width=TEXT_WIDTH: "\n".join(
        textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False)
    )
    env.filters["underline"] = lambda text, char="-": f"{text}\n{char * len(str(text))}"
    env.globals["when"] = lambda start, end=None: dates.event_when(start, end, locale)
    env.globals["by"] = lambda d, year=None: dates.deadline(d, locale, issue_year=year)
    return env


def template_source(env: jinja2.Environment, name: str) -> str:
    """A template file's text as it is, for the stylesheet (never through autoescape)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source


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
    problems: list[Problem] = field(default_factory=list)

    @property
    def issue_id(self) -> str:
        return self.issue.id

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))

    @property
    def clipped(self) -> bool:
        return self.html_bytes > GMAIL_CLIP_BYTES

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for part in (self.subject, self.preheader, self.html, self.text):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()[:16]


def _context(ws: Workspace, issue: Issue, unsubscribe: str) -> dict[str, Any]:
    settings = ws.settings
    sections = [(kind, issue.sections.get(kind, [])) for kind in SECTIONS]
    links = dict(settings.links)
    return {
        "settings": settings,
        "sender": settings.sender,
        "links": links,
        "issue": issue,
        "subject": issue.subject,
        "preheader": issue.preheader,
        "hero": issue.hero,
        "intro": issue.intro,
        "issue_date": issue.date,
        "issue_year": issue.date.year if issue.date else None,
        "sections": [(k, items) for k, items in sections if items],
        "events": issue.sections.get("events", []),
        "partnerships": issue.sections.get("partnerships", []),
        "actions": issue.sections.get("actions", []),
        "stories": issue.sections.get("stories", []),
        "unsubscribe_url": unsubscribe,
        "contact_email": settings.sender.reply_to or settings.sender.email,
        "lang": settings.locale.split("_")[0],
    }


def render_html(ws: Workspace, issue: Issue, env: jinja2.Environment | None = None) -> str:
    """The email HTML before inlining, with the unsubscribe sentinel in place."""
    from markupsafe import Markup

    env = env or environment(ws)
    ctx = _context(ws, issue, _UNSUB_SENTINEL)
    ctx["css"] = Markup(template_source(env, "style.css"))
    return env.get_template("email.html").render(ctx)


def render_text(
    ws: Workspace, issue: Issue, unsubscribe: str, env: jinja2.Environment | None = None
) -> str:
    env = env or environment(ws)
    text = env.get_template("email.txt").render(_context(ws, issue, unsubscribe))
    lines = [line.rstrip() for line in text.splitlines()]
    # collapse runs of blank lines that optional blocks leave behind
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"


def inline_css(html: str, base_url: str | None = None) -> str:
    """Inline the stylesheet into style attributes; media queries stay in a <style> block.

    The only place that knows which inliner is used.
    """
    import logging

    from premailer import Premailer

    inliner = Premailer(
        html=html,
        base_url=base_url or None,
        preserve_internal_links=True,
        exclude_pseudoclasses=True,
        keep_style_tags=False,
        strip_important=False,
        remove_classes=False,
        disable_validation=True,
        cache_css_parsing=True,
        cssutils_logging_level=logging.CRITICAL,
        allow_network=False,
        allow_loading_external_files=False,
        align_floating_images=False,
    )
    return inliner.transform(pretty_print=False)


def make_eml(
    settings: Settings,
    subject: str,
    text: str,
    html: str,
    unsubscribe: str,
    when: datetime | None = None,
    to: str | None = None,
) -> bytes:
    """A complete MIME message: multipart/alternative, text then HTML, UTF-8."""
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
    if unsubscribe.startswith(("http://", "https://", "mailto:")):
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("http"):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["X-Mailer"] = "copro-news"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg.as_bytes(policy=SMTP)


def _template_frame(e: BaseException) -> tuple[str | None, int | None]:
    """The template file and line where ``e`` was raised, from the traceback."""
    import traceback

    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename.endswith((".html", ".txt")):
            return frame.filename, frame.lineno
    return None, None


def _template_error(ws: Workspace, e: Exception) -> Exception:
    """A template mistake as a plain error naming the template file and line."""
    import jinja2

    from copro_news.errors import TemplateError

    name: str | None
    line: int | None
    if isinstance(e, jinja2.TemplateSyntaxError):
        name, line = e.filename or e.name, e.lineno
    else:
        name, line = _template_frame(e)
    where = ""
    shown: str | None = None
    if name:
        path = Path(name)
        shown = ws.rel(path) if path.is_absolute() else f"templates/{name}"
        where = f" in {shown}" + (f", line {line}" if line else "")
    if isinstance(e, jinja2.TemplateNotFound) and not isinstance(e, jinja2.TemplatesNotFound):
        return TemplateError(
            f"A template{where} uses {e.name!r}, which does not exist.",
            "Check the name; 'copro-news templates' lists the templates there are.",
            file=shown,
            line=line,
        )
    if isinstance(e, RecursionError):
        return TemplateError(
            f"A template{where} includes itself, over and over.",
            "Remove the include or extends that leads back to the same template.",
            file=shown,
            line=line,
        )
    in_workspace = bool(name) and str(ws.templates) in str(name)
    hint = (
        "Fix the template, or delete it to go back to the house style."
        if in_workspace or not name
        else "Check the workspace's templates that this one includes or extends."
    )
    detail = str(e).rstrip(".") or type(e).__name__
    unknown = re.search(r"'[\w.]*Snippet object' has no attribute '(\w+)'", detail)
    if unknown:
        detail = f"a snippet has no field '{unknown.group(1)}'"
    return TemplateError(f"A template has a mistake{where}: {detail}.", hint, file=shown, line=line)


def _undecodable_template(ws: Workspace) -> Exception:
    from copro_news.errors import TemplateError

    bad = []
    if ws.templates.is_dir():
        for path in sorted(ws.templates.rglob("*")):
            try:
                if path.is_file():
                    path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                bad.append(ws.rel(path))
    shown = ", ".join(bad) if bad else "a template"
    return TemplateError(
        f"{shown} is not UTF-8 text.",
        "Save it as UTF-8 in your editor.",
        file=bad[0] if bad else None,
    )


def build_issue(
    ws: Workspace,
    issue: Issue,
    *,
    provider: str | None = None,
    when: datetime | None = None,
) -> Build:
    """Render a loaded issue into the email HTML (inlined), the text part and the .eml."""
    import jinja2

    settings = ws.settings
    unsubscribe = unsubscribe_placeholder(settings, provider)
    env = environment(ws)
    try:
        raw_html = render_html(ws, issue, env)
        text = render_text(ws, issue, unsubscribe, env)
    except jinja2.TemplateError as e:
        raise _template_error(ws, e) from None
    except UnicodeDecodeError:
        raise _undecodable_template(ws) from None
    except Exception as e:
        if _template_frame(e)[0] is None:
            raise
        raise _template_error(ws, e) from None  # e.g. {{ 1/0 }} or a filter given bad values
    from copro_news.errors import TemplateError

    if not raw_html.strip():
        raise TemplateError(
            "templates/email.html gives an empty email.",
            "Fill it in, or delete it to go back to the house style.",
            file="templates/email.html",
        )
    try:
        html = inline_css(raw_html, settings.links.get("website"))
    except Exception:
        raise TemplateError(
            "The stylesheet cannot be put into the email.",
            "Check templates/style.css and the <style> of your templates: keep each @media "
            "block flat, never one inside another.",
            file="templates/style.css" if (ws.templates / "style.css").is_file() else None,
        ) from None
    before = re.sub(r"/\*.*?\*/", "", raw_html, flags=re.S).count("@media")
    if html.count("@media") < before:
        raise TemplateError(
            "Some @media rules of the stylesheet (phones, dark mode) were lost when it was put "
            "into the email.",
            "Check the @media blocks of templates/style.css: a { or } is missing or extra.",
            file="templates/style.css" if (ws.templates / "style.css").is_file() else None,
        )
    html = html.replace(_UNSUB_SENTINEL, unsubscribe.replace("&", "&amp;")).rstrip("\n") + "\n"
    eml = make_eml(settings, issue.subject, text, html, unsubscribe, when)
    return Build(
        issue=issue,
        subject=issue.subject,
        preheader=issue.preheader,
        html=html,
        text=text,
        eml=eml,
        provider=provider or settings.provider.name,
        sections={kind: len(issue.sections.get(kind, [])) for kind in SECTIONS},
    )


BUILD_DIR = "build"
BUILD_FILES = ("issue.html", "issue.txt", "issue.eml")
BUILD_MARKER = ".copro-news"


def build_dir(issue: Issue) -> Path:
    return issue.folder / BUILD_DIR


def write_build(build: Build) -> list[Path]:
    """Write issue.html, issue.txt and issue.eml into the issue's build/, each atomically.

    build/ belongs to copro-news; a build/ folder that copro-news did not make is left alone.
    """
    from copro_news.errors import RefusedError
    from copro_news.fsutil import atomic_write

    folder = build_dir(build.issue)
    marker = folder / BUILD_MARKER
    if folder.exists() and not marker.exists() and any(folder.iterdir()):
        raise RefusedError(
            f"{folder} holds files that copro-news did not make, so nothing was written.",
            "Move them elsewhere: build/ is where copro-news writes the built email.",
        )
    if folder.exists() and not folder.is_dir():
        raise RefusedError(
            f"{folder} is a file, so the build cannot be written there.",
            "Rename or move that file.",
        )
    folder.mkdir(parents=True, exist_ok=True)
    if not marker.exists():
        atomic_write(
            marker, "Made by copro-news: everything here is rebuilt by `copro-news draft`.\n"
        )
    paths = [folder / name for name in BUILD_FILES]
    contents: tuple[str | bytes, ...] = (build.html, build.text, build.eml)
    for path, data in zip(paths, contents, strict=True):
        atomic_write(path, data)
    return paths
