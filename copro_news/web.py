"""The web edition: each issue as a page of its own, the archive of the issues that went out,
and the feeds; written by ``copro-news web`` into ``[web] folder`` (default ``site/``).

``site/YYYY-MM/index.html`` is a standalone page (its stylesheet inside it) from the same
snippets, order and pictures as the email, without the email's machinery: no unsubscribe
link, no "forwarded" line, no preheader, no layout tables. Its pictures are copied beside
it, and each event has an .ics file there. ``site/index.html`` lists every issue that went
out (by the send records), newest first; ``site/feed.xml`` (Atom 1.0) and
``site/feed.json`` (JSON Feed 1.1) carry each issue in full. The templates are
``templates/web/``, which a workspace may override file by file like the email's.

copro-news writes only its own files in that folder: a file there that it did not write
(its list is ``.copro-news`` in the folder) is never replaced, and then nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from copro_news import calendar
from copro_news.content import Issue, load_issue
from copro_news.dates import rfc3339
from copro_news.errors import ContentError, RefusedError, TemplateError
from copro_news.problems import Problem
from copro_news.render import (
    build_issue,
    calendar_event,
    environment,
    render_web_body,
    style_text,
    template_problem,
    template_source,
    web_context,
    write_build,
)
from copro_news.workspace import Workspace

#: The list of the files copro-news wrote in the web edition's folder.
SITE_MARKER = ".copro-news"
PAGE = "index.html"
ARCHIVE = "index.html"
ATOM = "feed.xml"
JSON_FEED = "feed.json"
#: The outputs of build/ that belong to the web edition (the CMS's copy).
BUILD_OUTPUTS = ("web.html", "web.md")


def site_folder(ws: Workspace) -> Path:
    """The folder the web edition is written into: [web] folder, in the workspace."""
    return ws.root / ws.settings.web.folder


# --- one issue's page ---------------------------------------------------------------------------


@dataclass
class WebPage:
    """One issue on the web: its page, its events for the calendar, and what goes beside it."""

    issue: Issue
    html: str
    url: str | None  # its address, with a base_url
    published: datetime
    events: list[calendar.CalendarEvent] = field(default_factory=list)

    def files(
        self, ws: Workspace, record: calendar.CalendarRecord, now: datetime
    ) -> dict[str, bytes]:
        """Every file of the page's folder, by its path there: the page, the pictures it
        shows and each event's .ics (``record`` brought up to date for them)."""
        found: dict[str, bytes] = {PAGE: self.html.encode("utf-8")}
        for image in self.issue.images:
            found[image.rel] = image.data
        found.update(self.files_for(self.events, ws, record, now))
        return found

    def files_for(
        self,
        events: list[calendar.CalendarEvent],
        ws: Workspace,
        record: calendar.CalendarRecord,
        now: datetime,
    ) -> dict[str, bytes]:
        """The .ics file of each of ``events``, by its name beside the page."""
        from copro_news import __version__

        ident = calendar.prodid(ws.settings.name, __version__)
        found: dict[str, bytes] = {}
        for event in events:
            entry = record.entry(event, now)
            found[calendar.ics_name(event.key)] = calendar.ics_file(
                event, entry, timezone=ws.settings.timezone, prodid=ident
            )
        return found


def published_at(ws: Workspace, issue: Issue) -> datetime:
    """When the issue went out, by its send record (sent, or scheduled); else its date at
    the send time."""
    from copro_news import sendrecord

    try:
        record = sendrecord.load(issue.folder, issue=issue.id)
    except sendrecord.RecordError:
        record = None
    if record is not None:
        when = sendrecord.parse_time(record.sent_at or record.scheduled_for)
        if when is not None:
            return when if when.tzinfo else when.replace(tzinfo=UTC)
    day = issue.date or date.today()
    return datetime.combine(day, ws.settings.send_time, tzinfo=ws.settings.tz)


def _stylesheet(ws: Workspace) -> Any:
    from markupsafe import Markup

    return Markup(style_text(template_source(environment(ws), "web/style.css")))


def _description(issue: Issue) -> str:
    """A line or two that says what the issue holds: its preheader, else its intro's start."""
    from copro_news.render import markdown_text

    if issue.preheader.strip():
        return issue.preheader.strip()
    text = " ".join(markdown_text(issue.intro, width=10_000).split())
    return text if len(text) <= 200 else text[:200].rsplit(" ", 1)[0] + "\u2026"


def render_page(ws: Workspace, issue: Issue) -> WebPage:
    """The issue's page (templates/web/page.html), as ``site/YYYY-MM/index.html`` holds it.

    Raises TemplateError, carrying the problem ``template-invalid``, when a template of the
    web edition cannot be used.
    """
    settings = ws.settings
    url = settings.web.page_url(issue.id)
    from markupsafe import Markup

    try:
        # The .ics files are beside the page; they are linked once the web edition has an
        # address, as in the email and the CMS copy.
        ics_base = "" if url else None
        body = render_web_body(ws, issue, link_base="", ics_base=ics_base)
        ctx = web_context(ws, issue, link_base="", ics_base=ics_base)
        published = published_at(ws, issue)
        ctx.update(
            body=Markup(body),
            css=_stylesheet(ws),
            description=_description(issue),
            share_image=share_image(ws, issue),
            published=published.isoformat(timespec="seconds"),
            site_url="../",  # the archive, from the page: wherever the folder is published
            feeds_url=settings.web.root_url() if url else "../",
        )
        html = environment(ws).get_template("web/page.html").render(ctx)
    except Exception as e:
        problem = template_problem(ws, e)
        if problem is None:
            raise
        raise TemplateError(problem) from None
    events = [
        event
        for item in issue.sections.get("events", [])
        if (event := calendar_event(settings, item)) is not None
    ]
    return WebPage(issue, html.rstrip("\n") + "\n", url, published, events)


# --- the archive and the feeds ------------------------------------------------------------------


@dataclass
class Entry:
    """An issue that went out, as the archive and the feeds list it."""

    issue: Issue
    page: WebPage
    content: str  # the issue's body, its links and pictures good from the feed's folder


def went_out(ws: Workspace, now: datetime) -> tuple[list[Path], list[str]]:
    """The issue folders whose send record says they went out (sent, or scheduled for a time
    already past), oldest first; and a note for each record that cannot be read."""
    from copro_news import sendrecord

    found: list[Path] = []
    notes: list[str] = []
    for folder in ws.issues():
        try:
            record = sendrecord.load(
                folder, issue=folder.name, shown_as=ws.rel(folder / "send.json")
            )
        except sendrecord.RecordError as e:
            notes.append(f"{e.message} It is left out of the archive.")
            continue
        if record is None:
            continue
        if record.state == sendrecord.RecordState.SENT:
            found.append(folder)
        elif record.state == sendrecord.RecordState.SCHEDULED:
            when = sendrecord.parse_time(record.scheduled_for)
            if when is not None and (when if when.tzinfo else when.replace(tzinfo=UTC)) <= now:
                found.append(folder)
    return found, notes


def feed_content(ws: Workspace, issue: Issue) -> str:
    """The issue's body for the feeds: the CMS's copy, its pictures and calendar files at the
    page's address (or its path from the feed's folder without a base_url)."""
    from copro_news import fragment

    url = ws.settings.web.page_url(issue.id)
    body = render_web_body(ws, issue, link_base=url or f"{issue.id}/", ics_base=url)
    return fragment.clean(body).rstrip("\n")


def _newest_first(entries: list[Entry]) -> list[Entry]:
    return sorted(
        entries,
        key=lambda e: (e.issue.date or e.page.published.date(), e.issue.id),
        reverse=True,
    )


def _entry_id(ws: Workspace, issue: Issue) -> str:
    """An entry's lasting id: its page's address, else a UUID made from the newsletter's name
    and the issue (the same at every build)."""
    import uuid

    url = ws.settings.web.page_url(issue.id)
    if url:
        return url
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'copro-news:{ws.settings.name}:{issue.id}')}"


def _feed_id(ws: Workspace) -> str:
    import uuid

    base = ws.settings.web.base_url
    if base:
        return ws.settings.web.root_url()
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'copro-news:{ws.settings.name}')}"


def archive_files(ws: Workspace, entries: list[Entry]) -> dict[str, bytes]:
    """site/index.html, feed.xml and feed.json for ``entries``, newest first."""
    settings = ws.settings
    ordered = _newest_first(entries)
    root = settings.web.root_url() if settings.web.base_url else ""
    items: list[dict[str, Any]] = []
    for e in ordered:
        url = settings.web.page_url(e.issue.id)
        items.append(
            {
                "issue": e.issue,
                "title": e.issue.subject,
                "summary": e.issue.preheader,
                "date": e.issue.date,
                "href": f"{e.issue.id}/",
                "url": url or f"{e.issue.id}/",
                "id": _entry_id(ws, e.issue),
                "published": rfc3339(e.page.published),
                "updated": rfc3339(e.page.published),
                "content": e.content,
                "image": share_image(ws, e.issue),
            }
        )
    env = environment(ws)
    try:
        base = _workspace_context(ws)
        base.update(
            css=_stylesheet(ws),
            entries=items,
            site_url=root or "",
            feed_id=_feed_id(ws),
            updated=max((str(i["updated"]) for i in items), default=rfc3339(_epoch())),
            self_url=f"{root}{ATOM}" if root else None,
            home_url=root or "./",
        )
        archive = env.get_template("web/archive.html").render(base)
        atom = env.get_template("web/feed.xml").render(base)
    except Exception as e:
        problem = template_problem(ws, e)
        if problem is None:
            raise
        raise TemplateError(problem) from None
    return {
        ARCHIVE: (archive.rstrip("\n") + "\n").encode("utf-8"),
        ATOM: (atom.rstrip("\n") + "\n").encode("utf-8"),
        JSON_FEED: json_feed(ws, items).encode("utf-8"),
    }


def _epoch() -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC)


def _workspace_context(ws: Workspace) -> dict[str, Any]:
    settings = ws.settings
    return {
        "settings": settings,
        "sender": settings.sender,
        "links": {"website": "", "signup": "", **settings.links},
        "lang": settings.locale.split("_")[0],
    }


def share_image(ws: Workspace, issue: Issue) -> str | None:
    """The picture shown when the page is shared (og:image): the hero, at an address any
    site can fetch; None without a hero, or for a picture of the issue folder without a
    base_url."""
    hero = issue.hero
    if not hero:
        return None
    image = str(hero.get("image") or "")
    if image.startswith(("http://", "https://")):
        return image
    local = issue.local_image(image)
    url = ws.settings.web.page_url(issue.id)
    if local is not None and url:
        from urllib.parse import quote

        return url + quote(local.rel)
    return None


def json_feed(ws: Workspace, items: list[dict[str, Any]]) -> str:
    """JSON Feed 1.1 (jsonfeed.org/version/1.1): each issue in full."""
    settings = ws.settings
    root = settings.web.root_url() if settings.web.base_url else ""
    doc: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": settings.name,
        "description": f"Every issue of the {settings.name} newsletter.",
    }
    if root:
        doc["home_page_url"] = root
        doc["feed_url"] = f"{root}{JSON_FEED}"
    elif settings.links.get("website"):
        doc["home_page_url"] = settings.links["website"]
    doc["language"] = settings.locale.replace("_", "-")
    doc["authors"] = [{"name": settings.sender.name}]
    doc["items"] = []
    for item in items:
        shown: dict[str, Any] = {
            "id": item["id"],
            "url": item["url"],
            "title": item["title"],
            "content_html": item["content"],
            "date_published": item["published"],
        }
        if item["summary"]:
            shown["summary"] = item["summary"]
        if item["image"]:
            shown["image"] = item["image"]
        doc["items"].append(shown)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- writing the folder -------------------------------------------------------------------------


def _manifest(folder: Path) -> set[str]:
    from copro_news.fsutil import read_regular

    try:
        doc = json.loads(read_regular(folder / SITE_MARKER, 10_000_000))
    except (OSError, ValueError, RecursionError):
        return set()
    files = doc.get("files") if isinstance(doc, dict) else None
    return {f for f in files if isinstance(f, str)} if isinstance(files, list) else set()


def write_site(ws: Workspace, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` (by their path in the web edition's folder), each atomically.

    A file already there that copro-news did not write (it is not in the folder's
    .copro-news list) is never replaced: RefusedError, and nothing is written.
    """
    from copro_news.fsutil import atomic_write

    folder = site_folder(ws)
    shown = ws.rel(folder)
    if folder.exists() and not folder.is_dir():
        raise RefusedError(
            f"{shown} is a file, so the web edition cannot be written there.",
            "Rename or move that file, or set another folder under [web] in copro-news.toml.",
        )
    ours = _manifest(folder)
    theirs = sorted(
        name
        for name in files
        if name not in ours and ((folder / name).exists() or (folder / name).is_symlink())
    )
    if theirs:
        listed = ", ".join(f"{shown}/{n}" for n in theirs[:3])
        more = f" and {len(theirs) - 3} more" if len(theirs) > 3 else ""
        raise RefusedError(
            f"{listed}{more} already exist and copro-news did not write them, so nothing was "
            "written.",
            "Move them elsewhere, or set another folder under [web] in copro-news.toml "
            '(folder = "site").',
        )
    paths = []
    for name, data in sorted(files.items()):
        path = folder / name
        atomic_write(path, data)
        paths.append(path)
        ours.add(name)
    doc = {"made_by": "copro-news: `copro-news web` rewrites these files", "files": sorted(ours)}
    atomic_write(folder / SITE_MARKER, json.dumps(doc, indent=1) + "\n")
    return paths


# --- the use case -------------------------------------------------------------------------------


@dataclass
class Written:
    """What was written for one issue."""

    issue: Issue
    page: Path
    files: list[Path]
    build: list[Path]
    problems: list[Problem]

    @property
    def pictures(self) -> int:
        return sum(1 for p in self.files if p.suffix.lower() not in (".html", ".ics"))

    @property
    def calendars(self) -> int:
        return sum(1 for p in self.files if p.suffix == ".ics")


@dataclass
class WebResult:
    pages: list[Written] = field(default_factory=list)
    archive: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def all_problems(self) -> list[Problem]:
        from copro_news.problems import sort_problems

        found: list[Problem] = list(self.problems)
        for page in self.pages:
            found += [p for p in page.problems if p not in found]
        return sort_problems(found)


@dataclass
class _Prepared:
    issue: Issue
    page: WebPage
    build: Any
    files: dict[str, bytes]
    record: calendar.CalendarRecord
    problems: list[Problem]


def _prepare(
    ws: Workspace,
    issue: Issue,
    *,
    now: datetime,
    offline: bool,
    progress: Callable[[int, int], None] | None,
) -> _Prepared:
    from copro_news.checks import check_web

    if issue.has_errors:
        raise ContentError(issue.problems)
    build = build_issue(ws, issue)
    page = render_page(ws, issue)
    record = calendar.load_record(issue.folder, issue.id)
    files = page.files(ws, record, now)
    problems = check_web(ws, issue, page.html, at=now, offline=offline, progress=progress)
    return _Prepared(issue, page, build, files, record, problems)


def publish(
    ws: Workspace,
    issue: Issue | None,
    *,
    now: datetime,
    offline: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> WebResult:
    """Write the web edition of ``issue`` (its page, build/web.html and build/web.md), or,
    with None, of every issue that went out, with the archive and the feeds.

    The link and image rules run over each page (online unless ``offline``) and the problems
    are returned: the pages are written whatever they find, as draft writes the email.
    Raises ContentError when an issue cannot be used, TemplateError when a template cannot,
    RefusedError when the folder holds a file copro-news did not write (nothing is written).
    """
    result = WebResult()
    if issue is not None:
        chosen = [issue]
    else:
        folders, result.notes = went_out(ws, now)
        chosen = [load_issue(ws, f) for f in folders]
    prepared = [_prepare(ws, i, now=now, offline=offline, progress=progress) for i in chosen]
    files: dict[str, bytes] = {}
    for p in prepared:
        for name, data in p.files.items():
            files[f"{p.issue.id}/{name}"] = data
    if issue is None:
        entries = [Entry(p.issue, p.page, feed_content(ws, p.issue)) for p in prepared]
        files.update(archive_files(ws, entries))
    written = write_site(ws, files)
    folder = site_folder(ws)
    for p in prepared:
        calendar.save_record(p.issue.folder, p.record)
        mine = [w for w in written if (folder / p.issue.id) in w.parents]
        result.pages.append(
            Written(
                p.issue,
                folder / p.issue.id / PAGE,
                mine,
                write_build(p.build, BUILD_OUTPUTS),
                p.problems,
            )
        )
    if issue is None:
        result.archive = [folder / ARCHIVE, folder / ATOM, folder / JSON_FEED]
    return result
