"""The workspace: find it, load and validate ``copro-news.toml``, resolve an issue folder."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from copro_news.errors import SettingsError, UsageError, WorkspaceError
from copro_news.problems import Problem

SETTINGS_FILE = "copro-news.toml"
DRAFTS_DIR = "drafts"
PROVIDERS = ("outbox", "mailchimp")
PLANNED_PROVIDERS = ("buttondown",)  # named in the settings contract, not yet implemented
ISSUE_NAME = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")  # a month: 2026-12, never 2026-13
EMAIL = re.compile(r"^[^@\s<>\",;:()\[\]]+@[^@\s<>\",;:()\[\]]+\.[^@\s<>\",;:()\[\]]+$")


def is_url(value: str, *, allow_mailto: bool = False) -> bool:
    from urllib.parse import urlsplit

    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if allow_mailto and parts.scheme == "mailto":
        return bool(EMAIL.match(parts.path))
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host


def is_email(value: str) -> bool:
    return isinstance(value, str) and bool(EMAIL.match(value))


@dataclass
class SenderSettings:
    name: str = ""
    email: str = ""
    reply_to: str = ""
    postal_address: str = ""


@dataclass
class ProviderSettings:
    name: str = "outbox"
    list: str = ""
    api_url: str = ""


@dataclass
class CheckSettings:
    ignore: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


@dataclass
class Settings:
    name: str = ""
    timezone: str = "Europe/London"
    locale: str = "en_GB"
    sender: SenderSettings = field(default_factory=SenderSettings)
    links: dict[str, str] = field(default_factory=dict)
    provider: ProviderSettings = field(default_factory=ProviderSettings)
    check: CheckSettings = field(default_factory=CheckSettings)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# The settings schema: section -> key -> (kind, required).
_TOP: dict[str, tuple[str, bool]] = {
    "name": ("text", True),
    "timezone": ("timezone", False),
    "locale": ("locale", False),
}
_SECTIONS: dict[str, dict[str, tuple[str, bool]]] = {
    "sender": {
        "name": ("text", True),
        "email": ("email", True),
        "reply_to": ("email", False),
        "postal_address": ("text", True),
    },
    "provider": {
        "name": ("provider", False),
        "list": ("text", False),
        "api_url": ("url-or-empty", False),
    },
    "check": {
        "ignore": ("list", False),
        "words": ("list", False),
    },
}
# [links] takes any name; each value must be a URL.


@dataclass
class Workspace:
    root: Path
    settings: Settings
    warnings: list[Problem] = field(default_factory=list)

    @property
    def drafts(self) -> Path:
        return self.root / DRAFTS_DIR

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def rel(self, path: Path) -> str:
        """A path relative to the workspace root, with forward slashes."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def issues(self) -> list[Path]:
        """Every issue folder in drafts/ (named YYYY-MM, holding issue.md), oldest first.

        A copy such as "2026-12 copy" is not an issue: it is never picked by default, so
        an old issue cannot be sent again by mistake.
        """
        if not self.drafts.is_dir():
            return []
        return sorted(
            (
                p
                for p in self.drafts.iterdir()
                if ISSUE_NAME.match(p.name) and p.is_dir() and (p / "issue.md").is_file()
            ),
            key=lambda p: p.name,
        )

    def resolve_issue(self, name: str | None) -> Path:
        """The folder of issue ``name`` (``2026-12`` or a path), or the newest one."""
        issues = self.issues()
        if name is None:
            if not issues:
                waiting = sorted(
                    p.name
                    for p in (self.drafts.iterdir() if self.drafts.is_dir() else [])
                    if ISSUE_NAME.match(p.name) and p.is_dir()
                )
                if waiting:
                    raise UsageError(
                        f"drafts/{waiting[-1]} has no issue.md, so there is no issue yet.",
                        f"Make it with: copro-news new {waiting[-1]}",
                    )
                raise UsageError(
                    "There is no issue in drafts/ yet.",
                    "Start one with: copro-news new",
                )
            return issues[-1]
        candidate = Path(name)
        for folder in (self.drafts / name, candidate, self.root / candidate):
            if folder.is_dir() and (folder / "issue.md").is_file():
                if not ISSUE_NAME.match(folder.name):
                    raise UsageError(
                        f"{folder.name!r} is not an issue name, so it is not an issue.",
                        "Issues are folders named by month, like drafts/2026-12; "
                        "rename the folder if it is one.",
                    )
                return folder
        if (self.drafts / name).is_dir():
            raise UsageError(
                f"drafts/{name} has no issue.md, so it is not an issue.",
                f"Make one with: copro-news new {name}"
                if ISSUE_NAME.match(name)
                else "An issue folder holds issue.md (subject, date, intro) and the snippets.",
            )
        names = [p.name for p in issues]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"Did you mean {close[0]}?" if close else None
        if not hint:
            hint = (
                f"The issues are: {', '.join(names)}."
                if names
                else "Start one with: copro-news new"
            )
        raise UsageError(f"There is no issue {name!r} in drafts/.", hint)


def find_root(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The folder holding copro-news.toml: ``explicit``, else ``start`` or a parent of it."""
    if explicit is not None:
        explicit = Path(explicit)
        if not (explicit / SETTINGS_FILE).is_file():
            raise WorkspaceError(
                f"{explicit} is not a copro-news workspace (no {SETTINGS_FILE} there).",
                "Make one with: copro-news init DIR",
            )
        return explicit.resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise WorkspaceError(
        "This folder is not inside a copro-news workspace.",
        "Run the command in your newsletter folder, give --workspace DIR, "
        "or make a workspace with: copro-news init",
    )


def load_workspace(start: Path | None = None, explicit: Path | None = None) -> Workspace:
    root = find_root(start, explicit)
    settings, warnings = load_settings(root / SETTINGS_FILE)
    return Workspace(root=root, settings=settings, warnings=warnings)


def setting_line(text: str, key: str, section: str | None) -> int | None:
    """The line where ``key`` is set (inside ``[section]`` if given); None if not found."""
    current: str | None = None
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            if section is not None and current == section and key == "":
                return number
            if section is None and current == key:  # a whole section: its heading
                return number
            continue
        if current == section and pattern.match(line):
            return number
    return None


def _suggest(name: str, known: list[str]) -> str | None:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _toml_words(said: str) -> tuple[str, str]:
    """A TOML syntax error in plain words: (message, hint)."""
    said = re.sub(r"\s*\(at line \d+, column \d+\)", "", said)
    section = re.match(r"Cannot declare \('([^']+)',?.*\) twice", said)
    if section:
        return (
            f"The section [{section.group(1)}] appears twice.",
            "Keep one [" + section.group(1) + "] heading and put all its settings under it.",
        )
    if said.startswith("Cannot overwrite a value"):
        return "A setting is given twice.", "Keep one of the two lines."
    if said.startswith("Unclosed array"):
        return "A list [ ] is not closed.", 'Close it with ]: ignore = ["link-broken"]'
    if said.startswith("Illegal character '\\n'"):
        return "A quote is opened but not closed.", "Close the quote at the end of the value."
    if said.startswith(("Invalid value", "Illegal character")):
        return (
            "A value cannot be read.",
            'Text values need quotes on both sides: name = "Co-Production Collective"',
        )
    if "table declaration" in said:
        return "A section heading is not closed.", "Write it in brackets: [sender]"
    return (
        f"The settings cannot be read: {said}.",
        "Each setting is 'key = \"value\"'; text values need quotes.",
    )


def load_settings(path: Path) -> tuple[Settings, list[Problem]]:
    """Read and validate the settings; raise SettingsError listing every problem."""
    rel = path.name
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")  # Notepad's byte-order mark is fine
    except UnicodeDecodeError:
        raise SettingsError(
            [
                Problem(
                    "settings-invalid",
                    "error",
                    "The file is not UTF-8 text.",
                    rel,
                    None,
                    "Save it as UTF-8 in your editor.",
                )
            ]
        ) from None
    except OSError as e:
        raise WorkspaceError(f"Cannot read {path}: {e.strerror}.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        message, hint = _toml_words(str(e))
        raise SettingsError(
            [
                Problem(
                    "settings-invalid",
                    "error",
                    message,
                    rel,
                    int(m.group(1)) if m else None,
                    hint,
                )
            ]
        ) from None

    problems: list[Problem] = []
    settings = Settings()

    def bad(message: str, key: str, section: str | None, hint: str | None = None) -> None:
        problems.append(
            Problem(
                "settings-invalid", "error", message, rel, setting_line(text, key, section), hint
            )
        )

    def check_value(kind: str, value: Any, key: str, section: str | None) -> Any:
        label = f"{section}.{key}" if section else key
        if kind == "list":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad(
                    f"'{label}' must be a list of text values.",
                    key,
                    section,
                    f'For example: {key} = ["one", "two"]',
                )
                return []
            return value
        if not isinstance(value, str):
            bad(f"'{label}' must be text in quotes.", key, section, f'For example: {key} = "..."')
            return ""
        if kind == "email" and not is_email(value):
            bad(
                f"'{label}' is not an email address: {value!r}.",
                key,
                section,
                "For example: news@example.org",
            )
        elif kind == "timezone":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                bad(
                    f"'{label}' is not a known time zone: {value!r}.",
                    key,
                    section,
                    'Use a name like "Europe/London" or "America/New_York".',
                )
                return "Europe/London"
        elif kind == "locale":
            from babel import Locale, UnknownLocaleError

            try:
                Locale.parse(value)
            except (UnknownLocaleError, ValueError, TypeError):
                bad(
                    f"'{label}' is not a known locale: {value!r}.",
                    key,
                    section,
                    'Use a name like "en_GB" or "en_US".',
                )
                return "en_GB"
        elif kind == "provider" and value in PLANNED_PROVIDERS:
            bad(
                f"'{label}': copro-news cannot send through {value} yet.",
                key,
                section,
                f"Use one of: {', '.join(PROVIDERS)}.",
            )
            return "outbox"
        elif kind == "provider" and value not in PROVIDERS:
            close = _suggest(value, list(PROVIDERS))
            bad(
                f"'{label}' is not a provider copro-news knows: {value!r}.",
                key,
                section,
                f"Did you mean {close!r}?" if close else f"Use one of: {', '.join(PROVIDERS)}.",
            )
            return "outbox"
        elif kind == "url-or-empty" and value and not is_url(value):
            bad(
                f"'{label}' is not a web address: {value!r}.",
                key,
                section,
                "It starts with https:// (or http:// for a local test server).",
            )
        elif kind == "text" and not value.strip() and key in ("name", "postal_address"):
            bad(f"'{label}' is empty.", key, section, "Fill it in: it is shown in every issue.")
        return value

    def unknown(key: str, section: str | None, known: list[str]) -> None:
        label = f"[{section}] {key}" if section else key
        close = _suggest(key, known)
        line = setting_line(text, key, section)
        given = data.get(section) if section else data
        if close and not (isinstance(given, dict) and close in given):
            # A misspelt setting would silently fall back to its default (a time zone,
            # the provider): that is an error, not a warning.
            problems.append(
                Problem(
                    "settings-invalid",
                    "error",
                    f"Unknown setting '{label}': '{close}' is left at its default.",
                    rel,
                    line,
                    f"Did you mean '{close}'? Correct the spelling.",
                )
            )
            return
        problems.append(
            Problem(
                "settings-unknown",
                "warning",
                f"Unknown setting '{label}'.",
                rel,
                line,
                f"Did you mean '{close}'?" if close else f"Known here: {', '.join(known)}.",
            )
        )

    known_top = [*_TOP, *_SECTIONS, "links"]
    for key, value in data.items():
        if key in _TOP:
            kind, _ = _TOP[key]
            setattr(settings, key, check_value(kind, value, key, None))
        elif key in _SECTIONS:
            if not isinstance(value, dict):
                bad(f"'{key}' must be a [{key}] section.", key, None)
                continue
            target = getattr(settings, key)
            schema = _SECTIONS[key]
            for sub, subvalue in value.items():
                if sub in schema:
                    setattr(target, sub, check_value(schema[sub][0], subvalue, sub, key))
                else:
                    unknown(sub, key, list(schema))
        elif key == "links":
            if not isinstance(value, dict):
                bad("'links' must be a [links] section.", key, None)
                continue
            for name, url in value.items():
                if not isinstance(url, str) or not is_url(url, allow_mailto=True):
                    bad(
                        f"'links.{name}' is not a web address: {url!r}.",
                        name,
                        "links",
                        "It starts with https://",
                    )
                else:
                    settings.links[name] = url
        else:
            unknown(key, None, known_top)

    for key, (_kind, required) in _TOP.items():
        if required and key not in data:
            problems.append(
                Problem(
                    "settings-invalid",
                    "error",
                    f"'{key}' is missing.",
                    rel,
                    None,
                    f'Add a line: {key} = "..."',
                )
            )
    for section, schema in _SECTIONS.items():
        value = data.get(section)
        given: dict[str, Any] = value if isinstance(value, dict) else {}
        for key, (_kind, required) in schema.items():
            if required and key not in given:
                problems.append(
                    Problem(
                        "settings-invalid",
                        "error",
                        f"'{section}.{key}' is missing.",
                        rel,
                        setting_line(text, "", section),
                        f'Add a line {key} = "..." under [{section}].',
                    )
                )
    if not settings.sender.reply_to:
        settings.sender.reply_to = settings.sender.email

    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SettingsError(problems)
    return settings, problems


def next_month(today: date) -> str:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return f"{year:04d}-{month:02d}"
