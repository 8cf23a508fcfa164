"""The issue and its snippets: files with YAML front matter, parsed with line numbers.

Loading never stops at the first problem: every problem in every file is collected, each
with its file, line and a hint, so the user can fix them all in one go.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from copro_news import chars, images
from copro_news.images import LocalImage
from copro_news.problems import Problem, Severity
from copro_news.sections import ALIASES as SECTION_ALIASES
from copro_news.sections import SECTIONS
from copro_news.suggest import closest as _suggest
from copro_news.workspace import is_email, is_url

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from copro_news.workspace import Workspace

__all__ = ["SECTIONS", "SECTION_ALIASES", "Block", "Issue", "Snippet", "load_issue"]

SNIPPET_SUFFIX = ".md"


# --- field kinds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    kind: str  # text, date, start, end, deadline, url, int, list, hero, layout, repeat
    required: bool = False
    example: str = ""
    help: str = ""


COMMON_FIELDS: dict[str, FieldSpec] = {
    "order": FieldSpec("int", example="1", help="a number: lower comes first in its section"),
    "check-ignore": FieldSpec("list", example="[run-together]", help="check rules to skip here"),
}

SCHEMAS: dict[str, dict[str, FieldSpec]] = {
    "issue": {
        "subject": FieldSpec("text", True, '"Team update: December 2026"', "the email's subject"),
        "date": FieldSpec("date", True, "2026-12-01", "the issue date, YYYY-MM-DD"),
        "preheader": FieldSpec(
            "text", example='"Meet-ups, a survey and news"', help="the grey preview line"
        ),
        "hero": FieldSpec(
            "hero",
            example="{image: images/sun.jpg, alt: ..., credit: ...}",
            help="image (a web address or a file in the issue folder), alt (text for people "
            "who cannot see it), credit (Markdown: a name, or a link)",
        ),
        "sections": FieldSpec(
            "layout",
            example="[stories/cuppa-recap.md, events, {partnerships: Working together}]",
            help="the order after the intro: section names (with a heading of their own), "
            "or snippet paths",
        ),
        "check-ignore": COMMON_FIELDS["check-ignore"],
    },
    "events": {
        "title": FieldSpec("text", True, '"Co-Pro Cuppa"', "the event's name"),
        "start": FieldSpec(
            "start",
            True,
            "2026-12-01 12:30",
            "date and time it starts, or a date alone for an all-day event",
        ),
        "end": FieldSpec(
            "end", example='"13:30"', help="a time, a date and time, or the last day's date"
        ),
        "location": FieldSpec("text", example="Online (Zoom)", help="online, or a place"),
        "link": FieldSpec("url", example="https://example.org/cuppa", help="where to sign up"),
        "link_text": FieldSpec("text", example="Book your place", help="the link's words"),
        "repeat": FieldSpec(
            "repeat",
            example="first tuesday",
            help="every month: first, second, third, fourth or last, and a weekday",
        ),
        **COMMON_FIELDS,
    },
    "partnerships": {
        "title": FieldSpec("text", True, '"Working with Healthwatch"', "the heading"),
        "partner": FieldSpec("text", example="Healthwatch Camden", help="the organisation"),
        "link": FieldSpec("url", example="https://example.org/project", help="more about it"),
        "link_text": FieldSpec("text", example="Read more about the project", help="link words"),
        **COMMON_FIELDS,
    },
    "actions": {
        "title": FieldSpec("text", True, '"Share your views"', "what to do"),
        "deadline": FieldSpec(
            "deadline", example="2026-12-13", help="the last day, or a date and time"
        ),
        "link": FieldSpec("url", example="https://example.org/survey", help="where to do it"),
        "button": FieldSpec("text", example="Take the survey", help="the button's words"),
        **COMMON_FIELDS,
    },
    "stories": {
        "title": FieldSpec("text", True, '"Training delivered"', "the heading"),
        **COMMON_FIELDS,
    },
}
HERO_KEYS = ("image", "alt", "credit")
# The fields that say what kind of snippet a file is, wherever it was saved.
DISTINCTIVE: dict[str, tuple[str, ...]] = {
    "events": ("start", "end", "location"),
    "actions": ("deadline", "button"),
    "partnerships": ("partner",),
}
# Years a newsletter's dates fall in: beyond them, a typo (and date arithmetic overflows).
FIRST_YEAR, LAST_YEAR = 1900, 2999

DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
DATETIME_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[T ]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


# --- the model ---------------------------------------------------------------------------------


@dataclass
class SourceFile:
    """A Markdown file with front matter, as read from disk."""

    path: Path
    rel: str
    text: str
    body: str
    body_line: int  # 1-based line where the body starts
    front: str = ""  # the YAML between the two '---' lines
    first_field: str = "title: ..."  # how the first field of such a file is written
    lines: dict[str, int] = field(default_factory=dict)  # field -> line


@dataclass
class Snippet:
    """One section item. Fields are reachable as attributes in templates (``item.start``)."""

    kind: str
    slug: str
    source: SourceFile
    data: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        """A field's value (None when left out); a name that is no field is a KeyError,
        so a template that misspells a field fails instead of showing nothing."""
        if key in self.data:
            return self.data[key]
        if key in SCHEMAS.get(self.kind, {}):
            return None
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def title(self) -> str:
        return str(self.data.get("title", ""))

    @property
    def body(self) -> str:
        return self.source.body

    @property
    def rel(self) -> str:
        return self.source.rel

    def line_of(self, name: str) -> int | None:
        return self.source.lines.get(name)


@dataclass
class Block:
    """A place in the issue after the intro, top to bottom: a section's snippets under its
    heading, or one snippet placed on its own (``heading`` None: no section heading).

    Iterated, it gives (kind, items), as templates written before headings expect.
    """

    kind: str
    items: list[Snippet]
    heading: str | None

    def __iter__(self) -> Iterator[Any]:
        yield self.kind
        yield self.items


@dataclass(frozen=True)
class ImagePlace:
    """Where an image address is written: its file and line, and the picture it names
    (None for a web address)."""

    src: str
    file: str
    line: int | None
    image: LocalImage | None


@dataclass
class Issue:
    """An issue folder, loaded: its front matter, intro and every section's snippets."""

    id: str
    folder: Path
    source: SourceFile | None
    data: dict[str, Any]
    sections: dict[str, list[Snippet]]
    problems: list[Problem]
    tz: ZoneInfo
    #: The order after the intro: the issue's ``sections``, then the workspace's order.
    layout: list[Block] = field(default_factory=list)
    #: Every image address of the issue, where it is written.
    image_places: list[ImagePlace] = field(default_factory=list)

    @property
    def images(self) -> list[LocalImage]:
        """Every picture file of the issue folder that the email shows, once each."""
        found: dict[str, LocalImage] = {}
        for place in self.image_places:
            if place.image is not None:
                found.setdefault(place.image.cid, place.image)
        return list(found.values())

    def local_image(self, src: str) -> LocalImage | None:
        """The picture of the issue folder that the address ``src`` names, if it names one."""
        for place in self.image_places:
            if place.image is not None and place.src == src:
                return place.image
        return None

    @property
    def subject(self) -> str:
        return str(self.data.get("subject") or "")

    @property
    def preheader(self) -> str:
        return str(self.data.get("preheader") or "")

    @property
    def date(self) -> date | None:
        return self.data.get("date")

    @property
    def hero(self) -> dict[str, str] | None:
        return self.data.get("hero")

    @property
    def intro(self) -> str:
        return self.source.body if self.source else ""

    @property
    def has_errors(self) -> bool:
        """Whether a file of the issue cannot be used (so the email cannot be built)."""
        return any(p.is_error for p in self.problems)

    def snippets(self) -> list[Snippet]:
        return [s for kind in SECTIONS for s in self.sections.get(kind, [])]

    def files(self) -> list[SourceFile]:
        found = [self.source] if self.source else []
        return found + [s.source for s in self.snippets()]


# --- parsing -----------------------------------------------------------------------------------


class _Reporter:
    """Collects the problems of one file (``rel``), and the images it names.

    ``folder`` is the issue folder that local pictures are read from (None: they are not),
    ``issue_rel`` how the workspace names it, for hints.
    """

    def __init__(self, rel: str, folder: Path | None = None, issue_rel: str = "") -> None:
        self.rel = rel
        self.folder = folder
        self.issue_rel = issue_rel
        self.problems: list[Problem] = []
        self.places: list[ImagePlace] = []

    def __call__(
        self,
        code: str,
        message: str,
        line: int | None = None,
        hint: str | None = None,
        severity: Severity = "error",
    ) -> None:
        self.problems.append(Problem(code, severity, message, self.rel, line, hint))


MAX_FILE_BYTES = 1_000_000  # a snippet is a few paragraphs; an email is clipped at 102 KB


def _read_bytes(path: Path, report: _Reporter, root: Path | None) -> bytes | None:
    """The bytes of ``path``, a regular file inside ``root`` (symbolic links resolved), of a
    newsletter's size; None, reported, for anything else (a device, a pipe, a loop of links,
    a link leading out of the workspace): a file is never read without end, nor waited on."""
    import os
    import stat

    from copro_news.fsutil import read_regular

    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            report(
                "file-invalid",
                "The file is a link to a file that is not there.",
                None,
                "Delete the link, or put the file itself here.",
            )
        else:
            report("file-invalid", "The file is not there any more.")
        return None
    except (OSError, RuntimeError):  # a loop of symbolic links
        report(
            "file-invalid",
            "The file is a link that leads back to itself (a loop of links).",
            None,
            "Delete the link, and put the file itself here.",
        )
        return None
    if root is not None and not resolved.is_relative_to(root.resolve()):
        report(
            "file-invalid",
            "The file is a link to a file outside the workspace, so it is not read.",
            None,
            "Copy the file into the issue folder instead of linking to it.",
        )
        return None
    try:
        st = os.stat(resolved)
        if not stat.S_ISREG(st.st_mode):
            report(
                "file-invalid",
                "This is not a text file (a device, a pipe or a socket), so it is not read.",
                None,
                "Only Markdown files belong here; delete it.",
            )
            return None
        if st.st_size > MAX_FILE_BYTES:
            report(
                "file-invalid",
                f"The file is too large for a newsletter ({st.st_size / 1_000_000:.1f} MB).",
                None,
                "A snippet holds a few paragraphs; put long texts on the website and link to them.",
            )
            return None
        return read_regular(resolved, MAX_FILE_BYTES)
    except OSError as e:
        report("file-invalid", f"Cannot read the file: {e.strerror or e}.")
        return None


def read_source(
    path: Path,
    rel: str,
    report: _Reporter,
    first_field: str = "title: ...",
    root: Path | None = None,
) -> SourceFile | None:
    """Read a file and split its front matter; report unreadable, huge and empty files.

    ``root``, when given, is the folder the file must be in once links are resolved.
    """
    raw = _read_bytes(path, report, root)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        report(
            "file-invalid",
            "The file is not UTF-8 text.",
            line,
            "Save it as UTF-8 in your editor (most editors offer 'Save with encoding').",
        )
        return None
    if "\x00" in text:
        report(
            "file-invalid",
            "The file holds binary data, not text.",
            None,
            "Only Markdown files belong here.",
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = chars.control(text)
    if bad is not None:
        report(
            "file-invalid",
            f"The file holds an invisible control character ({chars.name_of(text[bad])}).",
            text.count("\n", 0, bad) + 1,
            "Delete it: it may have come with a copy and paste (your editor may show it as "
            "a box or ^[).",
        )
        return None
    if not text.strip():
        report(
            "file-invalid",
            "The file is empty.",
            None,
            "Give it front matter between two '---' lines, or delete it.",
        )
        return None
    lines = text.split("\n")
    if lines[0].strip() != "---":
        report(
            "yaml-invalid",
            "The file does not start with front matter.",
            1,
            f"The first line must be '---', then '{first_field}' and the other fields, then '---'.",
        )
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        report(
            "yaml-invalid",
            "The front matter is not closed.",
            1,
            "Add a line '---' after the last field, before the text.",
        )
        return None
    front = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    return SourceFile(
        path=path,
        rel=rel,
        text=text,
        body=body,
        body_line=end + 2,
        front=front,
        first_field=first_field,
    )


def _parse_front(src: SourceFile, report: _Reporter) -> dict[str, tuple[Any, Any, int]] | None:
    """Parse the front matter into {key: (raw scalar text or None, python value, line)}."""
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    front = src.front
    if not front.strip():
        return {}
    try:
        loader = loader_cls(front)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        report("yaml-invalid", *_yaml_problem(e, front))
        return None
    except RecursionError:
        node = None
        shape: str | None = "deep"
    else:
        shape = _unusual_shape(node) if node is not None else None
    if shape is not None:
        report("yaml-invalid", *_SHAPES[shape])
        return None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        report(
            "yaml-invalid",
            "The front matter must be a list of 'field: value' lines.",
            node.start_mark.line + 2,
            f"For example: {src.first_field}",
        )
        return None
    out: dict[str, tuple[Any, Any, int]] = {}
    construct = yaml.SafeLoader("")
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 2
        if not isinstance(key_node, yaml.ScalarNode):
            report("yaml-invalid", "A field name must be plain text.", line)
            continue
        key = key_node.value
        if key in out:
            report(
                "yaml-invalid",
                f"The field '{key}' is given twice.",
                line,
                "Keep one of them.",
            )
            continue
        raw: Any = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        try:
            value = construct.construct_object(value_node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as e:
            if raw is None:
                report("yaml-invalid", f"The value of '{key}' cannot be read: {e}.", line)
                continue
            value = raw  # e.g. 2026-13-01 looks like a date to YAML but is not one
        if isinstance(value_node, yaml.ScalarNode) and not value_node.style:  # plain
            unquoted = _without_curly_quotes(raw)
            if unquoted is not None:  # “Hive” from a word processor: meant as quotes
                raw = value = unquoted
        if isinstance(value_node, yaml.SequenceNode):
            raw = [item.start_mark.line + 2 for item in value_node.value]
        if isinstance(value_node, yaml.MappingNode):
            sub_lines = {
                k.value: k.start_mark.line + 2
                for k, _ in value_node.value
                if isinstance(k, yaml.ScalarNode)
            }
            out[key] = (sub_lines, value, line)
        else:
            out[key] = (raw, value, line)
    construct.dispose()
    return out


# How many values front matter may hold, and how deeply nested: a snippet has a dozen.
MAX_NODES = 2_000
MAX_DEPTH = 20

_SHAPES: dict[str, tuple[str, int | None, str]] = {
    "alias": (
        "The front matter uses a YAML anchor (&) or alias (*), which copro-news does not read.",
        None,
        "Write each value in full; a value that starts with & or * needs quotes: "
        'title: "*New* meet-up"',
    ),
    "big": (
        "The front matter holds too many values, or values nested too deeply.",
        None,
        "Front matter is a few 'field: value' lines; the text goes after the second '---'.",
    ),
    "deep": (
        "The front matter holds values nested too deeply to be read.",
        None,
        "Front matter is a few 'field: value' lines; the text goes after the second '---'.",
    ),
}


def _unusual_shape(node: Any) -> str | None:
    """'alias' when a value is shared through an anchor and alias (which is how a few hundred
    bytes of YAML unfold into gigabytes), 'big' when there are too many values or they nest
    too deeply; None for ordinary front matter."""
    import yaml

    seen: set[int] = set()
    stack = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        if id(current) in seen:
            return "alias"
        seen.add(id(current))
        if len(seen) > MAX_NODES or depth > MAX_DEPTH:
            return "big"
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack += [(k, depth + 1), (v, depth + 1)]
        elif isinstance(current, yaml.SequenceNode):
            stack += [(item, depth + 1) for item in current.value]
    return None


_CURLY = {"\u201c": "\u201d", "\u2018": "\u2019", "\u201e": "\u201c", "\u00ab": "\u00bb"}


def _without_curly_quotes(raw: Any) -> str | None:
    """The value inside curly quotes that surround a whole plain value (“Hive”), else None."""
    if not isinstance(raw, str) or len(raw) < 2:
        return None
    text = raw.strip()
    close = _CURLY.get(text[:1])
    if close is not None and text.endswith((close, "\u201d", "\u2019")) and len(text) >= 2:
        return text[1:-1].strip()
    return None


_YAML_WORDS: tuple[tuple[str, str, str], ...] = (
    # (what the parser says, what it means, what to do)
    (
        "\t",
        "A tab is used to indent a line.",
        "Indent with spaces, never tabs (most editors can show tabs).",
    ),
    (
        "mapping values are not allowed",
        "This line is read as part of the field above: a colon (:) inside a value, "
        "or a line indented by mistake.",
        "Start each field at the beginning of its line, and put a value that holds a colon "
        'in quotes: title: "Share your views: the survey"',
    ),
    (
        "cannot start any token",
        "A value starts with a character that has a meaning here (like @, ` or %).",
        'Put the value in quotes, for example: location: "@ the Town Hall"',
    ),
    (
        "did not find expected ',' or",
        "A list in [ ] or { } is not closed.",
        "Close the bracket, or put the value in quotes if the brackets belong to the text.",
    ),
    (
        "did not find expected key",
        "Text follows a closing quote or bracket: a quote inside a quoted value, or a value "
        "that starts with [ or '.",
        "Put the whole value in quotes of the other kind: "
        'title: \'Our "monthly" meet-up\', or title: "It\'s online"',
    ),
    (
        "block sequence entries are not allowed",
        "A value starts with '- ', which makes it a list.",
        'Put the value in quotes: title: "- Cuppa"',
    ),
    (
        "found unexpected end of stream",
        "A quote is opened but not closed.",
        "Close the quote at the end of the value.",
    ),
    (
        "expected <document start>",
        "The lines are not indented alike.",
        "Start each field at the beginning of its line; indent only the lines under hero:.",
    ),
    (
        "expected <block end>",
        "The lines are not indented alike.",
        "Start each field at the beginning of its line; indent only the lines under hero:.",
    ),
    (
        "could not find expected ':'",
        "A line is not in the form 'field: value'.",
        "Write one 'field: value' per line; join a long value onto one line, in quotes.",
    ),
)


# Problems the parser finds only after running past the line at fault.
_STARTS_EARLIER = ("did not find expected ',' or", "found unexpected end of stream")


def _yaml_problem(e: Exception, front: str) -> tuple[str, int, str]:
    """The YAML error in plain words: (message, line in the file, hint)."""
    problem = str(getattr(e, "problem", None) or "")
    problem_mark = getattr(e, "problem_mark", None)
    context_mark = getattr(e, "context_mark", None)
    mark = problem_mark or context_mark
    if context_mark is not None and any(p in problem for p in _STARTS_EARLIER):
        mark = context_mark  # the parser ran on to the end: the trouble is where it began
    line = mark.line + 2 if mark is not None else 1
    lines = front.split("\n")
    text = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    curly = _curly_line(text)
    if curly is not None:
        return (
            "The value is in curly quotes (\u201c \u201d), which YAML does not take for "
            "quotes: a colon inside it starts another field.",
            line,
            f"Type straight quotes instead (your editor may turn them curly): {curly}",
        )
    if text[: len(text) - len(text.lstrip())].count("\t") or "tab" in problem:
        problem = "\t"  # the parser's words differ; the line shows what is wrong
    for said, meaning, hint in _YAML_WORDS:
        if said in problem:
            return meaning, line, hint
    shown = f": {problem}" if problem else ""
    return (
        f"The front matter cannot be read{shown}.",
        line,
        "Write one 'field: value' per line; put quotes around a value that holds a colon "
        "or starts with a special character.",
    )


_CURLY_START = re.compile(r"^(\s*[^\s:#][^:#]*:[ \t]*)[\u201c\u2018\u201e\u00ab]")


def _curly_line(line: str) -> str | None:
    """``key: “value”`` written with straight quotes, when the value is in curly quotes."""
    m = _CURLY_START.match(line)
    if m is None:
        return None
    inner = line[m.end() :].rstrip()
    if inner.endswith(("\u201d", "\u2019", "\u201c", "\u00bb")):
        inner = inner[:-1]
    quote = "'" if '"' in inner else '"'
    if quote == "'":
        inner = inner.replace("'", "''")
    return f"{m.group(1).strip()} {quote}{inner}{quote}"


def _text_of(raw: Any, value: Any) -> str | None:
    if isinstance(raw, str) and not isinstance(value, (dict, list)):
        return raw
    return None


def _parse_date(raw: Any, value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    text = _text_of(raw, value)
    m = DATE_RE.match(text or "")
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _parse_datetime(raw: Any, value: Any, tz: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    text = _text_of(raw, value)
    m = DATETIME_RE.match(text or "")
    if not m:
        return None
    try:
        return datetime(
            int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0), tzinfo=tz
        )
    except ValueError:
        return None


def _parse_time(raw: Any, value: Any) -> time | None:
    text = _text_of(raw, value)
    m = TIME_RE.match(text or "")
    if not m:
        return None
    try:
        return time(int(m[1]), int(m[2]))
    except ValueError:
        return None


def _parse_when(raw: Any, value: Any, tz: ZoneInfo) -> date | datetime | None:
    """A date and time, or a date alone."""
    return _parse_datetime(raw, value, tz) or _parse_date(raw, value)


# --- dates as people write them: "1st March 2022 12:30" ---------------------------------------

_MONTH_NUMBERS = {
    name: i
    for i, names in enumerate(
        [
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_TIME_WORDS = r"(?:,?\s+(?:at\s+)?(?P<h>\d{1,2})(?:[:.](?P<min>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?)?"
_DATE_WORDS = re.compile(
    r"^\s*(?:[a-z]{3,9}\.?,?\s+)?(?:the\s+)?"
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>[a-z]{3,9})\.?"
    r"|(?P<m2>[a-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?)"
    r",?\s+(?P<y>\d{4})" + _TIME_WORDS + r"\s*$",
    re.I,
)
_DATE_NUMBERS = re.compile(
    r"^\s*(?P<a>\d{1,4})[/.](?P<b>\d{1,2})[/.](?P<c>\d{1,4})" + _TIME_WORDS + r"\s*$", re.I
)


def date_from_words(text: str) -> str | None:
    """``text``, a date (and time) as people write it, in the form copro-news reads:
    '1st March 2022 12:30' is '2022-03-01 12:30'; None when it is not such a date."""
    if not isinstance(text, str) or len(text) > 60:
        return None
    m = _DATE_WORDS.match(text)
    if m is not None:
        month = _MONTH_NUMBERS.get((m["m1"] or m["m2"]).lower())
        day, year = int(m["d1"] or m["d2"]), int(m["y"])
    else:
        m = _DATE_NUMBERS.match(text)
        if m is None:
            return None
        a, b, c = int(m["a"]), int(m["b"]), int(m["c"])
        if len(m["a"]) == 4:
            year, month, day = a, b, c
        elif len(m["c"]) == 4 and a > 12 >= b:
            year, month, day = c, b, a  # 23/03/2022: the day first, as it can only be
        elif len(m["c"]) == 4 and b > 12 >= a:
            year, month, day = c, a, b  # 03/23/2022
        else:
            return None  # 01/03/2022 is 1 March or 3 January: better not guess
    try:
        found = date(year, month or 0, day)
    except ValueError:
        return None
    if m["h"] is None:
        return found.isoformat()
    hour, minute = int(m["h"]), int(m["min"] or 0)
    if m["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ap"].lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{found.isoformat()} {hour:02d}:{minute:02d}"


def _wall_time(dt: datetime) -> str | None:
    """'skipped' when ``dt`` names a time the clocks jump over in its zone (01:30 on the
    night they go forward), 'twice' when it names one they pass twice; None otherwise."""
    naive = dt.replace(tzinfo=None)
    if dt.astimezone(UTC).astimezone(dt.tzinfo).replace(tzinfo=None) != naive:
        return "skipped"
    if dt.replace(fold=1).utcoffset() != dt.replace(fold=0).utcoffset():
        return "twice"
    return None


def _check_wall_time(key: str, dt: datetime, line: int, report: _Reporter) -> bool:
    """Report a time that does not exist (and say False) or happens twice (a warning)."""
    found = _wall_time(dt)
    if found is None:
        return True
    zone = str(dt.tzinfo)
    when = f"{dt:%H:%M} on {dt:%Y-%m-%d}"
    if found == "skipped":
        after = dt.astimezone(UTC).astimezone(dt.tzinfo)
        report(
            "field-invalid",
            f"'{key}' is {when}, a time that does not exist in {zone}: the clocks go "
            "forward that night.",
            line,
            f"Give a time the clocks show that night, e.g. {key}: {after:%Y-%m-%d %H:%M}",
        )
        return False
    first = dt.replace(fold=0).strftime("%Z")
    report(
        "time-ambiguous",
        f"'{key}' is {when}, which happens twice in {zone}: the clocks go back that night.",
        line,
        f"copro-news takes the first ({first}); check the time, or choose another one.",
        severity="warning",
    )
    return True


def _validate(
    kind: str,
    parsed: dict[str, tuple[Any, Any, int]],
    src: SourceFile,
    report: _Reporter,
    tz: ZoneInfo,
    base_url: str | None,
) -> dict[str, Any]:
    """Check each field against the schema; return the converted values of the good ones."""
    schema = SCHEMAS[kind]
    data: dict[str, Any] = {}
    typos: dict[str, tuple[str, int]] = {}  # a known field -> (how it was misspelt, line)
    belongs = _belongs_elsewhere(kind, parsed)
    if belongs is not None:
        _report_misplaced(kind, belongs, parsed, src, report)
    for key, (raw, value, line) in parsed.items():
        src.lines[key] = line
        spec = schema.get(key)
        if spec is None:
            if belongs is not None and key in SCHEMAS[belongs]:
                continue  # said once: the snippet is in the wrong section
            close = _suggest(key, list(schema))
            if close:
                typos.setdefault(close, (key, line))
            report(
                "field-unknown",
                f"Unknown field '{key}'.",
                line,
                f"Did you mean '{close}'?" if close else f"Known fields: {', '.join(schema)}.",
                severity="warning",
            )
            continue
        converted = _convert(key, spec, raw, value, line, report, tz, base_url)
        if converted is not None:
            data[key] = converted
    for key, spec in schema.items():
        if belongs is not None:
            break  # where it belongs, it has what it needs: said once above
        if spec.required and (key not in parsed or parsed[key][1] in (None, "")):
            at_line: int | None = None
            hint = f"Add it to the front matter, for example: {key}: {spec.example}"
            if key in parsed:
                at_line = parsed[key][2]
                message = f"The required field '{key}' is empty."
            elif key in typos:
                typo, at_line = typos[key]
                message = f"The required field '{key}' is missing."
                hint = f"Is '{typo}' meant to be '{key}'? Correct the spelling."
            else:
                message = f"The required field '{key}' is missing."
            report("field-missing", message, at_line, hint)
    if kind == "events":
        _join_start_and_end(data, src, report, tz)
    return data


def _join_start_and_end(
    data: dict[str, Any], src: SourceFile, report: _Reporter, tz: ZoneInfo
) -> None:
    """An end given as a time is on the start day; an all-day event ends on a day."""
    start, end = data.get("start"), data.get("end")
    line = src.lines.get("end", 1)
    if end is None or start is None:
        return
    if isinstance(start, datetime):
        if isinstance(end, time):
            joined = datetime.combine(start.date(), end, tzinfo=tz)
            if _check_wall_time("end", joined, line, report):
                data["end"] = joined
            else:
                del data["end"]
        return
    if not isinstance(end, datetime) and isinstance(end, date):
        return  # an all-day event over several days
    shown = f"{end:%H:%M}" if isinstance(end, time) else f"{end:%Y-%m-%d %H:%M}"
    report(
        "field-invalid",
        f"The event lasts all day (its start has no time), so it ends on a day, not at {shown}.",
        line,
        f"Give start a time too (start: {start.isoformat()} 10:00), or end the last day "
        f"(end: {start.isoformat()}).",
    )
    del data["end"]


def _belongs_elsewhere(kind: str, parsed: dict[str, Any]) -> str | None:
    """The section a snippet of ``kind`` belongs in by its fields (an event saved in
    stories/: start, location), when it has none of its own kind's; None if it is where it
    belongs."""
    if kind not in SECTIONS or any(f in parsed for f in DISTINCTIVE.get(kind, ())):
        return None
    best, hits = None, 0
    for other, fields in DISTINCTIVE.items():
        if other == kind:
            continue
        n = sum(1 for f in fields if f in parsed)
        if n > hits:
            best, hits = other, n
    return best


def _report_misplaced(
    kind: str,
    belongs: str,
    parsed: dict[str, tuple[Any, Any, int]],
    src: SourceFile,
    report: _Reporter,
) -> None:
    from copro_news.sections import DECLARED

    one = {s.name: s.one for s in DECLARED}
    fields = [f for f in parsed if f in SCHEMAS[belongs] and f not in SCHEMAS[kind]]
    line = min(parsed[f][2] for f in fields)
    shown = ", ".join(fields)
    issue_folder = src.rel.rsplit("/", 2)[0] if src.rel.count("/") >= 2 else ""
    name = src.rel.rsplit("/", 1)[-1]
    there = f"{issue_folder}/{belongs}/{name}" if issue_folder else f"{belongs}/{name}"
    report(
        "snippet-misplaced",
        f"This is {_article(one[belongs])} {one[belongs]} (it has {shown}), but it is in "
        f"{kind}/: it would show as {_article(one[kind])} {one[kind]}, without them.",
        line,
        f"Move the file into {belongs}/: {there}",
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _convert(
    key: str,
    spec: FieldSpec,
    raw: Any,
    value: Any,
    line: int,
    report: _Reporter,
    tz: ZoneInfo,
    base_url: str | None,
) -> Any:
    def invalid(what: str, also: str = "") -> None:
        shown = raw if isinstance(raw, str) else value
        example = spec.example
        written = date_from_words(shown) if spec.kind in _DATE_KINDS else None
        if written is not None:
            if spec.kind == "date":
                written = written[:10]
            example, also = written, ""  # the user's own date, as copro-news reads it
        report(
            "field-invalid",
            f"'{key}' is not {what}: {shown!r}.",
            line,
            f"Write it like this: {key}: {example}{also}",
        )

    def in_range(d: date) -> bool:
        if FIRST_YEAR <= d.year <= LAST_YEAR:
            return True
        report(
            "field-invalid",
            f"'{key}' is in the year {d.year}: not a date of this newsletter.",
            line,
            f"Check the year: {key}: {spec.example}",
        )
        return False

    def usable(when: date) -> date | None:
        """``when`` if it is in range and, with a time, a time the clock shows; else None
        (and the problem reported)."""
        if not in_range(when):
            return None
        if isinstance(when, datetime) and not _check_wall_time(key, when, line, report):
            return None
        return when

    if value is None or value == "":
        return None  # empty optional field; a required one is reported by the caller
    kind = spec.kind
    if kind == "text":
        if isinstance(value, (dict, list)):
            invalid("plain text")
            return None
        text = (raw if isinstance(raw, str) else str(value)).strip()
        wrong = chars.one_line_problem(text)
        if wrong:
            how = "Write it on one line" if "line break" in wrong else "Delete that character"
            report(
                "field-invalid",
                f"'{key}' {wrong}.",
                line,
                f"{how}: it may have come with a copy and paste.",
            )
            return None
        return text
    if kind == "int":
        plain = isinstance(raw, str) and re.fullmatch(r"\s*[+-]?\d+\s*", raw) is not None
        if isinstance(value, bool) or not isinstance(value, int) or not plain:
            invalid("a whole number")  # order: 1:30 is 90 to YAML: never a surprise
            return None
        return value
    if kind == "list":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            invalid("a list of rule codes")
            return None
        return value
    if kind == "date":
        d = _parse_date(raw, value)
        if d is None:
            invalid("a date (YYYY-MM-DD)")
        return d if d is not None and in_range(d) else None
    if kind in ("start", "deadline"):
        when = _parse_when(raw, value, tz)
        if when is None:
            if kind == "start":
                invalid(
                    "a date and time (YYYY-MM-DD HH:MM)",
                    f" (or a date alone for an event all day: {key}: {spec.example[:10]})",
                )
            else:
                invalid("a date (YYYY-MM-DD)", f" (or with a time: {key}: {spec.example} 17:00)")
            return None
        return usable(when)
    if kind == "end":
        t = _parse_time(raw, value)
        if t is not None:
            return t
        when = _parse_when(raw, value, tz)
        if when is None:
            invalid(
                "a time (HH:MM) or a date and time (YYYY-MM-DD HH:MM)",
                " (or the last day of an event over several days: end: 2026-12-02)",
            )
            return None
        return usable(when)
    if kind == "repeat":
        from copro_news.recurring import FORMS, parse

        rule = parse(value) if isinstance(value, str) else None
        if rule is None:
            invalid(f"a monthly rule ({FORMS})")
        return rule
    if kind == "url":
        return _url(key, raw, value, line, report, base_url, spec)
    if kind == "hero":
        return _hero(raw, value, line, report, base_url)
    if kind == "layout":
        return _layout_entries(raw, value, line, report)
    raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover


_DATE_KINDS = ("date", "start", "deadline", "end")


def _url(
    key: str,
    raw: Any,
    value: Any,
    line: int,
    report: _Reporter,
    base_url: str | None,
    spec: FieldSpec | None = None,
) -> str | None:
    text = value.strip() if isinstance(value, str) else None
    if text:
        hidden = chars.invisible(text)
        if hidden is None:
            hidden = chars.control(text)
        if hidden is not None:
            report(
                "field-invalid",
                f"'{key}' holds an invisible character ({chars.name_of(text[hidden])}), so "
                "the link would not work.",
                line,
                "Type the address again, or paste it from the browser's address bar.",
            )
            return None
    if text and images.where(text) == "disk":
        report(
            "field-invalid",
            f"'{key}' is a file on this computer, not a web address: {text!r}.",
            line,
            "Readers cannot open a file on your computer: put it on the website and link "
            "to its address (https://...).",
        )
        return None
    if text and text.startswith("/") and not text.startswith("//") and base_url:
        return urljoin(base_url, text)
    if text and is_url(text, allow_mailto=True):
        return text
    if text and "@" in text and is_email(text):
        return f"mailto:{text}"
    example = spec.example if spec else "https://example.org/page"
    hint = f"Write the whole address, for example: {key}: {example}"
    if text and text.startswith("www."):
        hint = f"Add https:// in front: {key}: https://{text}"
    report("field-invalid", f"'{key}' is not a web address: {value!r}.", line, hint)
    return None


def _hero(raw: Any, value: Any, line: int, report: _Reporter, base_url: str | None) -> Any:
    sub_lines = raw if isinstance(raw, dict) else {}
    if isinstance(value, str):
        value = {"image": value}
    if not isinstance(value, dict):
        report(
            "field-invalid",
            "'hero' must hold image, alt and credit.",
            line,
            "Write it on three indented lines: image: images/sun.jpg, alt: ..., credit: ...",
        )
        return None
    hero: dict[str, str] = {}
    for k, v in value.items():
        kline = sub_lines.get(k, line)
        if k not in HERO_KEYS:
            close = _suggest(str(k), list(HERO_KEYS))
            report(
                "field-unknown",
                f"Unknown field 'hero.{k}'.",
                kline,
                f"Did you mean 'hero.{close}'?" if close else "hero takes image, alt and credit.",
                severity="warning",
            )
            continue
        if v is None:
            continue
        if isinstance(v, (dict, list)):
            report("field-invalid", f"'hero.{k}' must be plain text.", kline)
            continue
        text = str(v).strip()
        if k == "image":
            image = _image(text, kline, report, base_url, field="image")
            if image:
                hero["image"] = image
            continue
        wrong = chars.one_line_problem(text)
        if wrong:
            report("field-invalid", f"'hero.{k}' {wrong}.", kline, "Write it on one line.")
            continue
        hero[k] = text
    if "image" not in hero:
        if "image" not in value:
            report(
                "field-missing",
                "'hero' has no image.",
                line,
                "Add image: images/sun.jpg (a picture in the issue folder) or a web address "
                "under hero, or remove hero.",
            )
        return None
    return hero


def _image(
    src: str, line: int, report: _Reporter, base_url: str | None, *, field: str | None = None
) -> str | None:
    """An image address as the email uses it: a web address; a path on the website, joined
    to it; or a picture of the issue folder, kept as written (and recorded). None, reported,
    when it cannot be used: a path elsewhere on the disk, a file that is not there."""
    place = images.where(src)
    name = f"'{field}'" if field else "The image"
    folder = report.folder
    if place == "local" and folder is not None:
        try:
            image = images.load_local(folder, src)
        except images.NotAPicture as e:
            missing = e.message.startswith("There is no picture")
            message, hint = e.message, e.hint
            if field and missing:
                message = f"{name} is not a web address, and {e.message[0].lower()}{e.message[1:]}"
            if missing and src.lower().startswith("www."):
                hint = f"Add https:// in front: https://{src}"
            report("image-invalid", message, line, hint)
            return None
        report.places.append(ImagePlace(src, report.rel, line, image))
        return src
    if place == "disk":
        file = re.split(r"[\\/]", src.rstrip("/\\"))[-1] or "sun.jpg"
        inside = f"{report.issue_rel}/images/{file}" if report.issue_rel else f"images/{file}"
        report(
            "image-invalid",
            f"The picture {src} is elsewhere on this computer: the email cannot carry it "
            "from there.",
            line,
            f"Copy it into the issue folder ({inside}) and write its path from there: "
            f"images/{file}",
        )
        return None
    if place == "site":
        if base_url:
            url = urljoin(base_url, src)
            report.places.append(ImagePlace(url, report.rel, line, None))
            return url
        report(
            "image-invalid",
            f"The picture {src} is a path on the website, but [links] website is not set.",
            line,
            "Write the whole address (https://...), or put the picture in the issue folder.",
        )
        return None
    if place == "web" and is_url(src):
        report.places.append(ImagePlace(src, report.rel, line, None))
        return src
    if place == "embedded" and not field:
        return src
    hint = "Write a web address (https://...) or the path of a picture in the issue folder."
    code = "field-invalid" if field else "image-invalid"
    report(code, f"{name} is not a web address: {src!r}.", line, hint)
    return None


def _layout_entries(raw: Any, value: Any, line: int, report: _Reporter) -> Any:
    """``sections`` as written: [(name or path, heading or None, whether a heading is given,
    line)]; the names are checked once the snippets are known."""
    lines = raw if isinstance(raw, list) else []
    items = value if isinstance(value, list) else [value]
    entries: list[tuple[str, str | None, bool, int]] = []
    for i, item in enumerate(items):
        at = lines[i] if i < len(lines) else line
        if isinstance(item, str) and item.strip():
            name, colon, heading = item.partition(":")
            if colon and name.strip().lower() in (*SECTIONS, *SECTION_ALIASES):
                # "partnerships: Working together" in quotes: a section and its heading
                entries.append((name.strip(), heading.strip(), True, at))
            else:
                entries.append((item.strip(), None, False, at))
            continue
        if isinstance(item, dict) and len(item) == 1:
            ((name, heading),) = item.items()
            if isinstance(name, str) and (heading is None or isinstance(heading, str)):
                text = heading.strip() if isinstance(heading, str) else None
                wrong = chars.one_line_problem(text or "")
                if wrong:
                    report("field-invalid", f"The heading of {name!r} {wrong}.", at)
                    continue
                entries.append((name.strip(), text, heading is not None, at))
                continue
        report(
            "field-invalid",
            f"An entry of 'sections' is neither a section nor a snippet: {item!r}.",
            at,
            "Each line is '- events', '- partnerships: Working together' (a heading of its "
            "own) or '- stories/cuppa-recap.md' (one snippet).",
        )
    return entries


def _scan_body(src: SourceFile, report: _Reporter, base_url: str | None) -> None:
    """The images and links of a file's Markdown: each picture of the issue folder is
    checked and recorded, a path elsewhere on the disk or an invisible character inside a
    link reported, each at its line."""
    from urllib.parse import unquote

    from copro_news.markup import tokens

    if "![" not in src.body and "](" not in src.body and "<" not in src.body:
        return
    body_lines = src.body.split("\n")

    def line_of(block: Any, needle: str) -> int:
        first, last = (block.map or (0, 1))[0], (block.map or (0, 1))[1]
        for i in range(first, min(last, len(body_lines))):
            if needle and needle in body_lines[i]:
                return src.body_line + i
        return src.body_line + first

    for block in tokens(src.body):
        if block.type != "inline":
            continue
        for tok in block.children or []:
            if tok.type == "image":
                written = str(tok.attrGet("src") or "")
                shown = unquote(written)
                at = line_of(block, shown) if shown in src.body else line_of(block, written)
                _image(shown, at, report, base_url)
            elif tok.type == "link_open":
                href = unquote(str(tok.attrGet("href") or ""))
                hidden = chars.invisible(href)
                if hidden is not None:
                    report(
                        "link-invalid",
                        f"The link {href.encode('ascii', 'backslashreplace').decode()} holds "
                        f"an invisible character ({chars.name_of(href[hidden])}), so it would "
                        "not work.",
                        line_of(block, href[: max(hidden, 1)]),
                        "Type the address again, or paste it from the browser's address bar.",
                    )


# --- loading -----------------------------------------------------------------------------------


def load_file(
    path: Path,
    kind: str,
    rel: str,
    tz: ZoneInfo,
    base_url: str | None = None,
    *,
    folder: Path | None = None,
    root: Path | None = None,
    places: list[ImagePlace] | None = None,
) -> tuple[SourceFile | None, dict[str, Any], list[Problem]]:
    """Load one file of ``kind`` (``issue`` or a section). Never raises for bad content.

    ``folder`` is the issue folder its local pictures are read from (default: the file's
    issue folder); ``root`` the folder it must be in, links resolved (the workspace);
    ``places`` receives where each image it names is written.
    """
    if folder is None:
        folder = path.parent if kind == "issue" else path.parent.parent
    issue_rel = rel.rsplit("/", 1 if kind == "issue" else 2)[0] if "/" in rel else ""
    report = _Reporter(rel, folder, issue_rel)
    first = "subject: ..." if kind == "issue" else "title: ..."
    src = read_source(path, rel, report, first, root)
    data: dict[str, Any] = {}
    if src is not None:
        parsed = _parse_front(src, report)
        if parsed is not None:
            data = _validate(kind, parsed, src, report, tz, base_url)
        _scan_body(src, report, base_url)
    if places is not None:
        places += report.places
    return src, data, report.problems


def _sort_key(kind: str) -> Callable[[Snippet], tuple[Any, ...]]:
    far = datetime.max.replace(tzinfo=None)

    def moment(when: Any, all_day: time) -> datetime:
        """A start or deadline as a time of the workspace's day: a date alone at ``all_day``."""
        if isinstance(when, datetime):
            return when.replace(tzinfo=None)
        if isinstance(when, date):
            return datetime.combine(when, all_day)
        return far

    def key(s: Snippet) -> tuple[Any, ...]:
        if kind == "events":
            return (moment(s.get("start"), time.min), s.slug)
        if kind == "actions":  # a deadline of a day alone lasts until its end
            return (moment(s.get("deadline"), time.max), s.get("order", 0), s.slug)
        return (s.get("order", 0), s.slug)

    return key


def load_issue(ws: Workspace, folder: Path) -> Issue:
    """Load an issue folder and every snippet in it, collecting every problem."""
    tz = ws.settings.tz
    base_url = ws.settings.links.get("website")
    problems: list[Problem] = []
    places: list[ImagePlace] = []
    root = ws.root
    issue_path = folder / "issue.md"
    src, data, found = load_file(
        issue_path,
        "issue",
        ws.rel(issue_path),
        tz,
        base_url,
        folder=folder,
        root=root,
        places=places,
    )
    problems += found

    sections: dict[str, list[Snippet]] = {kind: [] for kind in SECTIONS}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        name = entry.name
        if name.startswith(".") or name in ("build", "issue.md", "send.json"):
            continue
        if entry.is_dir() and name in SECTIONS:
            for f in sorted(entry.iterdir(), key=lambda p: p.name):
                rel = ws.rel(f)
                if f.name.startswith(".") or f.name.endswith("~"):
                    continue
                if f.is_dir() or f.suffix.lower() != SNIPPET_SUFFIX:
                    problems.append(
                        Problem(
                            "file-invalid",
                            "error",
                            f"'{f.name}' is not a Markdown snippet, in a section folder.",
                            rel,
                            None,
                            f"Only .md files belong in {name}/; move it elsewhere (pictures go "
                            "in the issue folder, e.g. images/, and the text shows them with "
                            "![what it shows](images/photo.jpg)).",
                        )
                    )
                    continue
                fsrc, fdata, found = load_file(
                    f, name, rel, tz, base_url, folder=folder, root=root, places=places
                )
                problems += found
                if fsrc is not None:
                    sections[name].append(Snippet(name, f.stem, fsrc, fdata))
        elif entry.is_dir():
            alias = SECTION_ALIASES.get(name.lower()) or _suggest(name.lower(), list(SECTIONS))
            if alias and any(p.suffix == SNIPPET_SUFFIX for p in entry.iterdir()):
                problems.append(
                    Problem(
                        "file-invalid",
                        "warning",
                        f"The folder '{name}/' is not a section, so its snippets are left out.",
                        ws.rel(entry),
                        None,
                        f"Rename it to '{alias}/'.",
                    )
                )
        elif entry.suffix.lower() == SNIPPET_SUFFIX and entry.name != "README.md":
            problems.append(
                Problem(
                    "file-invalid",
                    "warning",
                    f"'{name}' is not in a section folder, so it is left out of the issue.",
                    ws.rel(entry),
                    None,
                    f"Move it into one of: {', '.join(s + '/' for s in SECTIONS)}.",
                )
            )
    for kind, items in sections.items():
        items.sort(key=_sort_key(kind))
    from copro_news.problems import sort_problems

    layout, found = _layout(ws, folder, src, data.get("sections") or [], sections)
    problems += found
    return Issue(
        id=folder.name,
        folder=folder,
        source=src,
        data=data,
        sections=sections,
        problems=sort_problems(problems),
        tz=tz,
        layout=layout,
        image_places=places,
    )


def _layout(
    ws: Workspace,
    folder: Path,
    src: SourceFile | None,
    entries: list[tuple[str, str | None, bool, int]],
    sections: dict[str, list[Snippet]],
) -> tuple[list[Block], list[Problem]]:
    """The order after the intro: the issue's ``sections`` entries, then every section they
    leave out, in the workspace's order. No snippet is ever left out, none shown twice."""
    order = ws.settings.sections
    rel = src.rel if src is not None else ws.rel(folder / "issue.md")
    problems: list[Problem] = []
    by_path = {s.rel[len(ws.rel(folder)) + 1 :]: s for kind in SECTIONS for s in sections[kind]}
    placed: dict[str, tuple[str | None, bool]] = {}  # snippet path -> (heading, given)
    named: dict[str, tuple[str | None, bool]] = {}  # section -> (heading, given)
    plan: list[tuple[str, str]] = []  # ("section", name) or ("snippet", path), in order
    for name, heading, given, line in entries:
        path = _snippet_path(name)
        if name.lower() in SECTIONS or name.lower() in SECTION_ALIASES:
            kind = SECTIONS[SECTIONS.index(name.lower())] if name.lower() in SECTIONS else ""
            kind = kind or SECTION_ALIASES[name.lower()]
            if kind in named:
                problems.append(_layout_problem(rel, line, f"'sections' names {kind} twice."))
                continue
            named[kind] = (heading, given)
            plan.append(("section", kind))
        elif path in by_path:
            if path in placed:
                problems.append(_layout_problem(rel, line, f"'sections' places {path} twice."))
                continue
            placed[path] = (heading, given)
            plan.append(("snippet", path))
        elif (folder / path).is_file() and path.split("/", 1)[0] in SECTIONS:
            continue  # a snippet that cannot be read: its own error says why
        else:
            close = _suggest(name, [*SECTIONS, *by_path])
            hint = f"Did you mean '{close}'?" if close else None
            if hint is None:
                known = ", ".join([*SECTIONS, *sorted(by_path)][:12])
                hint = f"Name a section or a snippet of this issue: {known}."
            problems.append(
                Problem(
                    "field-invalid",
                    "error",
                    f"'sections' names '{name}', which is neither a section nor a snippet "
                    "of this issue.",
                    rel,
                    line,
                    hint,
                )
            )
    plan += [("section", kind) for kind in order.ordered() if kind not in named]
    blocks: list[Block] = []
    for what, name in plan:
        if what == "snippet":
            snippet = by_path[name]
            heading, _ = placed[name]
            blocks.append(Block(snippet.kind, [snippet], heading or None))
            continue
        items = [s for s in sections[name] if s.rel[len(ws.rel(folder)) + 1 :] not in placed]
        if not items:
            continue
        heading, given = named.get(name, (None, False))
        blocks.append(Block(name, items, heading if given else order.title(name)))
    return blocks, problems


def _snippet_path(name: str) -> str:
    """A snippet as 'sections' names it, in one form: 'stories/cuppa.md'."""
    path = name.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    if path and not path.lower().endswith(SNIPPET_SUFFIX):
        path += SNIPPET_SUFFIX
    return path


def _layout_problem(rel: str, line: int, message: str) -> Problem:
    return Problem(
        "field-invalid", "error", message, rel, line, "Keep one of them: each has one place."
    )


def slugify(title: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text[:60].rstrip("-") or "untitled"


def normalise_section(name: str) -> str | None:
    low = name.strip().lower().rstrip("/")
    if low in SECTIONS:
        return low
    return SECTION_ALIASES.get(low)
