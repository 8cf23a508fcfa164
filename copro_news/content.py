"""The issue and its snippets: files with YAML front matter, parsed with line numbers.

Loading never stops at the first problem: every problem in every file is collected, each
with its file, line and a hint, so the user can fix them all in one go.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from copro_news.problems import Problem, Severity
from copro_news.suggest import closest as _suggest
from copro_news.workspace import is_email, is_url

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from copro_news.workspace import Workspace

SECTIONS = ("events", "partnerships", "actions", "stories")
SECTION_ALIASES = {
    "event": "events",
    "partnership": "partnerships",
    "project": "partnerships",
    "projects": "partnerships",
    "action": "actions",
    "cta": "actions",
    "story": "stories",
    "news": "stories",
}
SNIPPET_SUFFIX = ".md"


# --- field kinds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    kind: str  # text, date, datetime, end, url, image, int, list, hero, repeat
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
            example="{image: https://example.org/hero.jpg, alt: ..., credit: ...}",
            help="image (a URL), alt (text for people who cannot see it), credit",
        ),
        "check-ignore": COMMON_FIELDS["check-ignore"],
    },
    "events": {
        "title": FieldSpec("text", True, '"Co-Pro Cuppa"', "the event's name"),
        "start": FieldSpec("datetime", True, "2026-12-01 12:30", "date and time it starts"),
        "end": FieldSpec("end", example='"13:30"', help="a time, or a date and time"),
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
        "deadline": FieldSpec("date", example="2026-12-13", help="the last day, YYYY-MM-DD"),
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
class Issue:
    """An issue folder, loaded: its front matter, intro and every section's snippets."""

    id: str
    folder: Path
    source: SourceFile | None
    data: dict[str, Any]
    sections: dict[str, list[Snippet]]
    problems: list[Problem]
    tz: ZoneInfo

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
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.problems: list[Problem] = []

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


def read_source(
    path: Path, rel: str, report: _Reporter, first_field: str = "title: ..."
) -> SourceFile | None:
    """Read a file and split its front matter; report unreadable, huge and empty files."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report(
                "file-invalid",
                f"The file is too large for a newsletter ({size / 1_000_000:.1f} MB).",
                None,
                "A snippet holds a few paragraphs; put long texts on the website and link to them.",
            )
            return None
        raw = path.read_bytes()
    except OSError as e:
        report("file-invalid", f"Cannot read the file: {e.strerror}.")
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
        raw = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        try:
            value = construct.construct_object(value_node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as e:
            if raw is None:
                report("yaml-invalid", f"The value of '{key}' cannot be read: {e}.", line)
                continue
            value = raw  # e.g. 2026-13-01 looks like a date to YAML but is not one
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


def _validate(
    schema: dict[str, FieldSpec],
    parsed: dict[str, tuple[Any, Any, int]],
    src: SourceFile,
    report: _Reporter,
    tz: ZoneInfo,
    base_url: str | None,
) -> dict[str, Any]:
    """Check each field against the schema; return the converted values of the good ones."""
    data: dict[str, Any] = {}
    typos: dict[str, tuple[str, int]] = {}  # a known field -> (how it was misspelt, line)
    for key, (raw, value, line) in parsed.items():
        src.lines[key] = line
        spec = schema.get(key)
        if spec is None:
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
    if "end" in data and isinstance(data["end"], time) and isinstance(data.get("start"), datetime):
        data["end"] = datetime.combine(data["start"].date(), data["end"], tzinfo=tz)
    return data


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
    def invalid(what: str) -> None:
        shown = raw if isinstance(raw, str) else value
        report(
            "field-invalid",
            f"'{key}' is not {what}: {shown!r}.",
            line,
            f"Write it like this: {key}: {spec.example}",
        )

    if value is None or value == "":
        return None  # empty optional field; a required one is reported by the caller
    kind = spec.kind
    if kind == "text":
        if isinstance(value, (dict, list)):
            invalid("plain text")
            return None
        text = raw if isinstance(raw, str) else str(value)
        return text.strip()
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            invalid("a whole number")
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
        return d
    if kind == "datetime":
        dt = _parse_datetime(raw, value, tz)
        if dt is None:
            invalid("a date and time (YYYY-MM-DD HH:MM)")
        return dt
    if kind == "end":
        t = _parse_time(raw, value)
        if t is not None:
            return t
        dt = _parse_datetime(raw, value, tz)
        if dt is None:
            invalid("a time (HH:MM) or a date and time (YYYY-MM-DD HH:MM)")
        return dt
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
    raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover


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
            "Write it on three indented lines: image: https://..., alt: ..., credit: ...",
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
        if k == "image":
            url = _url("image", None, str(v), kline, report, base_url)
            if url:
                hero["image"] = url
        else:
            hero[k] = str(v).strip()
    if "image" not in hero:
        if "image" not in value:
            report(
                "field-missing",
                "'hero' has no image.",
                line,
                "Add image: https://... under hero, or remove hero.",
            )
        return None
    return hero


# --- loading -----------------------------------------------------------------------------------


def load_file(
    path: Path,
    kind: str,
    rel: str,
    tz: ZoneInfo,
    base_url: str | None = None,
) -> tuple[SourceFile | None, dict[str, Any], list[Problem]]:
    """Load one file of ``kind`` (``issue`` or a section). Never raises for bad content."""
    report = _Reporter(rel)
    first = "subject: ..." if kind == "issue" else "title: ..."
    src = read_source(path, rel, report, first)
    data: dict[str, Any] = {}
    if src is not None:
        parsed = _parse_front(src, report)
        if parsed is not None:
            data = _validate(SCHEMAS[kind], parsed, src, report, tz, base_url)
    return src, data, report.problems


def _sort_key(kind: str) -> Callable[[Snippet], tuple[Any, ...]]:
    far = datetime.max.replace(tzinfo=None)

    def key(s: Snippet) -> tuple[Any, ...]:
        if kind == "events":
            start = s.get("start")
            return (start.replace(tzinfo=None) if start else far, s.slug)
        if kind == "actions":
            deadline = s.get("deadline")
            return (deadline or date.max, s.get("order", 0), s.slug)
        return (s.get("order", 0), s.slug)

    return key


def load_issue(ws: Workspace, folder: Path) -> Issue:
    """Load an issue folder and every snippet in it, collecting every problem."""
    tz = ws.settings.tz
    base_url = ws.settings.links.get("website")
    problems: list[Problem] = []
    issue_path = folder / "issue.md"
    src, data, found = load_file(issue_path, "issue", ws.rel(issue_path), tz, base_url)
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
                            f"Only .md files belong in {name}/; move it elsewhere "
                            f"(images go on the website, and links to them in the text).",
                        )
                    )
                    continue
                fsrc, fdata, found = load_file(f, name, rel, tz, base_url)
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

    return Issue(
        id=folder.name,
        folder=folder,
        source=src,
        data=data,
        sections=sections,
        problems=sort_problems(problems),
        tz=tz,
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
