"""The workspace settings (``copro-news.toml``), each declared once.

A setting is a field of one of the dataclasses at the end of this module, declared with
:func:`setting`: its kind (the values it takes, and how a wrong one is explained), its
default, whether it is required, a line of help, the example ``copro-news init`` writes and
the question it asks. The loader, ``init``'s questions and the settings file it writes, the
did-you-mean of a misspelt setting and the README's table of settings all read these
declarations (mkdocs' ``config_options`` is the model: a kind knows how to validate a value).
Code reads the settings through the typed dataclasses: ``settings.sender.email``.

To add a setting, add a field to its section's dataclass; to add a section, add a dataclass
and a field of :class:`Settings` declared with :func:`section`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, is_dataclass
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from copro_news import chars
from copro_news.errors import SettingsError, WorkspaceError
from copro_news.problems import Problem
from copro_news.providers.registry import PROVIDERS, available
from copro_news.sections import DEFAULT_TITLES, SECTIONS
from copro_news.suggest import closest

EMAIL = re.compile(r"^[^@\s<>\",;:()\[\]]+@[^@\s<>\",;:()\[\]]+\.[^@\s<>\",;:()\[\]]+$")
TIME_OF_DAY = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def is_url(value: str, *, allow_mailto: bool = False) -> bool:
    from urllib.parse import urlsplit

    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    if chars.control(value) is not None or chars.invisible(value) is not None:
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


# --- kinds: what values a setting takes ---------------------------------------------------------


class Invalid(Exception):
    """A value a setting cannot take: what is wrong with it, and how to write one that works.

    ``what`` completes a sentence about the setting: "'sender.email' is not an email
    address: 'nobody'." in the settings, "'nobody' is not an email address." as an answer
    to ``init``. ``message`` replaces the first sentence where it needs other words.
    """

    def __init__(
        self, what: str, hint: str | None, *, show_value: bool = True, message: str | None = None
    ) -> None:
        super().__init__(what)
        self.what = what
        self.hint = hint
        self.show_value = show_value
        self.message = message

    def in_settings(self, label: str, value: object) -> str:
        """The message about ``value`` of the setting ``label`` ("sender.email")."""
        if self.message:
            return self.message.replace("{label}", label)
        if self.show_value:
            return f"'{label}' {self.what}: {value!r}."
        return f"'{label}' {self.what}."

    def as_answer(self, value: object, question: str) -> str:
        """The message about ``value`` given as the answer to ``question``."""
        if self.show_value:
            return f"{value!r} {self.what}."
        return f"The {question.split(' (')[0].lower()} {self.what}."


class InvalidEntries(Exception):
    """Entries of a map setting that cannot be used: (entry, value, why) each."""

    def __init__(self, entries: list[tuple[str, object, Invalid]]) -> None:
        super().__init__(f"{len(entries)} invalid entries")
        self.entries = entries


class Kind:
    """What values a setting takes, how a wrong one is explained, and how init writes one."""

    #: What the README calls a value of this kind.
    name = "text"
    #: Written after ``key =`` in a hint to add the setting.
    placeholder = '"..."'
    #: A [table] in the file rather than a value (a map).
    table = False

    def convert(self, value: object, key: str) -> Any:
        """``value`` as code reads it; raises :class:`Invalid` when it is not one."""
        return value

    def choices(self) -> tuple[str, ...]:
        """The values it takes, when they are few (shown in the settings file and README)."""
        return ()

    def describe(self) -> str:
        return f"{self.name}: {', '.join(self.choices())}" if self.choices() else self.name

    # Kinds are plain classes, not dataclasses: the settings are read by every command, and
    # a dataclass costs a millisecond to make at import.
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash((type(self), repr(self)))

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({given})"


class Text(Kind):
    """Text in quotes; ``blank=False`` when it must say something, ``one_line`` when it goes
    on one line (a name in an email header, a heading). Control characters are refused
    everywhere: they would reach the email or the terminal."""

    def __init__(self, *, blank: bool = True, one_line: bool = False) -> None:
        self.blank = blank
        self.one_line = one_line

    def convert(self, value: object, key: str) -> Any:
        if not isinstance(value, str):
            raise Invalid("must be text in quotes", f'For example: {key} = "..."', show_value=False)
        if not self.blank and not value.strip():
            raise Invalid("is empty", "Fill it in: it is shown in every issue.", show_value=False)
        wrong = chars.one_line_problem(value) if self.one_line else chars.text_problem(value)
        if wrong:
            how = "Write it on one line" if "line break" in wrong else "Delete that character"
            raise Invalid(wrong, f"{how}; it may have come with a copy and paste.")
        return value


class Email(Text):
    name = "email address"

    def __init__(self) -> None:
        super().__init__(one_line=True)

    def convert(self, value: object, key: str) -> Any:
        text = super().convert(value, key)
        if not is_email(text):
            raise Invalid("is not an email address", "For example: news@example.org")
        if not text.isascii():
            raise Invalid(
                "has letters that an email address to send from cannot hold",
                ascii_address_hint(text),
            )
        return text


def ascii_address_hint(address: str) -> str:
    """How to write ``address`` (news@bücher.test) so that every mail server takes it."""
    local, _, domain = address.rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_domain = ""
    if local.isascii() and ascii_domain:
        return f"Write the domain in its ASCII form: {local}@{ascii_domain}"
    return "Use an address made of ASCII letters, digits and . _ - + only."


class Url(Text):
    """A web address (https://...); ``empty`` when it may be left empty, ``mailto`` when a
    mailto: address will do."""

    def __init__(
        self,
        *,
        empty: bool = False,
        mailto: bool = False,
        hint: str = "It starts with https://, like https://example.org",
    ) -> None:
        super().__init__()
        self.empty = empty
        self.mailto = mailto
        self.hint = hint

    @property
    def name(self) -> str:  # type: ignore[override]
        what = "web or mailto: address" if self.mailto else "web address"
        return f"{what}, or empty" if self.empty else what

    def convert(self, value: object, key: str) -> Any:
        text = super().convert(value, key)
        if not (self.empty and text == "") and not is_url(text, allow_mailto=self.mailto):
            raise Invalid("is not a web address", self.hint)
        return text


class ApiUrl(Url):
    """The base URL of a provider's API. Its value is never shown back: an API key pasted
    here by mistake must not be printed. A user name or key before the host is refused."""

    def convert(self, value: object, key: str) -> Any:
        from urllib.parse import urlsplit

        try:
            text = super().convert(value, key)
        except Invalid as e:
            raise Invalid(e.what, e.hint, show_value=False) from None
        if "@" in urlsplit(text).netloc:
            raise Invalid(
                "holds a user name or key before the host",
                "Take it out: copro-news takes the API key from the environment or from "
                "'copro-news login', never from copro-news.toml.",
                show_value=False,
            )
        return text


class TimeZone(Text):
    name = "time zone"

    def convert(self, value: object, key: str) -> Any:
        from zoneinfo import ZoneInfoNotFoundError

        text = super().convert(value, key)
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise Invalid(
                "is not a known time zone", 'Use a name like "Europe/London" or "America/New_York".'
            ) from None
        return text


class Locale(Text):
    name = "locale"

    def convert(self, value: object, key: str) -> Any:
        from babel import Locale as BabelLocale
        from babel import UnknownLocaleError

        text = super().convert(value, key)
        try:
            BabelLocale.parse(text)
        except (UnknownLocaleError, ValueError, TypeError):
            raise Invalid("is not a known locale", 'Use a name like "en_GB" or "en_US".') from None
        return text


class ProviderName(Text):
    """A provider of the registry that copro-news can send through."""

    name = "provider"

    def choices(self) -> tuple[str, ...]:
        return available()

    def convert(self, value: object, key: str) -> Any:
        text = super().convert(value, key)
        names = available()
        info = PROVIDERS.get(text)
        if info is not None and info.planned:
            raise Invalid(
                "",
                f"Use one of: {', '.join(names)}.",
                message="'{label}': copro-news cannot send through " + text + " yet.",
            )
        if text not in names:
            close = closest(text, names)
            raise Invalid(
                "is not a provider copro-news knows",
                f"Did you mean {close!r}?" if close else f"Use one of: {', '.join(names)}.",
            )
        return text


class TextList(Kind):
    name = "list of text"
    placeholder = '["..."]'

    def convert(self, value: object, key: str) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(
                "must be a list of text values",
                f'For example: {key} = ["one", "two"]',
                show_value=False,
            )
        return list(value)


class Boolean(Kind):
    name = "true or false"
    placeholder = "true"

    def convert(self, value: object, key: str) -> Any:
        if not isinstance(value, bool):
            raise Invalid("must be true or false", f"Write true or false, no quotes: {key} = true")
        return value


class WholeNumber(Kind):
    name = "whole number"
    placeholder = "1"

    def __init__(self, *, minimum: int | None = None, maximum: int | None = None) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def convert(self, value: object, key: str) -> Any:
        example = self.minimum if self.minimum is not None else 1
        if isinstance(value, bool) or not isinstance(value, int):
            how = "Write it without quotes" if isinstance(value, str) else "Write a whole number"
            raise Invalid("must be a whole number", f"{how}: {key} = {example}")
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            low = "" if self.minimum is None else f" from {self.minimum}"
            high = "" if self.maximum is None else f" up to {self.maximum}"
            raise Invalid(f"must be a whole number{low}{high}", f"For example: {key} = {example}")
        return value


class TimeOfDay(Kind):
    """A time of day written "HH:MM" (or a TOML time), read as a :class:`datetime.time`."""

    name = "time of day (HH:MM)"
    placeholder = '"09:00"'

    def convert(self, value: object, key: str) -> Any:
        if isinstance(value, time) and value.tzinfo is None:
            return value.replace(second=0, microsecond=0)
        m = TIME_OF_DAY.match(value) if isinstance(value, str) else None
        if m is None:
            raise Invalid(
                "is not a time of day",
                f'Write hours and minutes, 24-hour, in quotes: {key} = "09:00"',
            )
        return time(int(m.group(1)), int(m.group(2)))


class MapOf(Kind):
    """A [table] of names, each with a value of one kind; some names may have a meaning.

    ``entries`` declares the names that mean something (``[links] website``): each is a
    setting of its own, documented and offered by init. Other names take ``value``.
    """

    placeholder = "{}"
    table = True

    def __init__(self, value: Kind, entries: tuple[Entry, ...] = (), label: str = "") -> None:
        self.value = value
        self.entries = entries
        self.label = label or "map of text"

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.label

    def convert(self, value: object, key: str) -> Any:
        if not isinstance(value, dict):
            raise Invalid("", None, message="'{label}' must be a [{label}] section.")
        named = {e.key: e for e in self.entries}
        converted: dict[str, Any] = {}
        bad: list[tuple[str, object, Invalid]] = []
        for name, item in value.items():
            kind = named[name].kind if name in named else self.value
            try:
                converted[str(name)] = kind.convert(item, str(name))
            except Invalid as e:
                bad.append((str(name), item, e))
        if bad:
            raise InvalidEntries(bad)
        return converted


def TextMap() -> MapOf:
    """A [table] of names, each with text."""
    return MapOf(Text())


def Links(*entries: Entry) -> MapOf:
    """[links]: names, each with a web or mailto: address; ``entries`` have a meaning."""
    return MapOf(
        Url(mailto=True, hint="It starts with https://"),
        entries,
        "map of web or mailto: addresses",
    )


#: How the footer names a link of [links] whose name people know by its own spelling.
LINK_LABELS: dict[str, str] = {
    "website": "Website",
    "signup": "Sign up to the newsletter",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "x": "X",
    "twitter": "Twitter",
    "x_twitter": "X (Twitter)",
    "tiktok": "TikTok",
    "github": "GitHub",
    "threads": "Threads",
    "whatsapp": "WhatsApp",
    "flickr": "Flickr",
    "vimeo": "Vimeo",
    "substack": "Substack",
}


def link_label(name: str) -> str:
    """The words a reader knows for the link ``name`` of [links]: 'linkedin' is 'LinkedIn',
    'youtube' 'YouTube'; another name is shown as written, its first letter capitalised."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in LINK_LABELS:
        return LINK_LABELS[key]
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class SectionNames(TextList):
    """A list of section names (events, partnerships, actions, stories), each at most once."""

    name = "list of sections"

    def choices(self) -> tuple[str, ...]:
        return SECTIONS

    def convert(self, value: object, key: str) -> Any:
        names = super().convert(value, key)
        seen: set[str] = set()
        for name in names:
            if name not in SECTIONS:
                close = closest(name, SECTIONS)
                raise Invalid(
                    "",
                    f"Did you mean {close!r}?" if close else f"Use: {', '.join(SECTIONS)}.",
                    message="'{label}' names " + repr(name) + ", which is not a section.",
                )
            if name in seen:
                raise Invalid(
                    "",
                    "Name each section once.",
                    message="'{label}' names " + repr(name) + " twice.",
                )
            seen.add(name)
        return names


class SectionTitles(MapOf):
    """[sections.titles]: a heading for each section named."""

    def __init__(self) -> None:
        super().__init__(Text(blank=False, one_line=True), (), "map of section headings")

    def convert(self, value: object, key: str) -> Any:
        titles = super().convert(value, key)
        bad = []
        for name, title in titles.items():
            if name not in SECTIONS:
                close = closest(name, SECTIONS)
                why = Invalid(
                    "",
                    f"Did you mean {close!r}?" if close else f"Use: {', '.join(SECTIONS)}.",
                    message="'{label}': " + repr(name) + " is not a section.",
                )
                bad.append((name, title, why))
        if bad:
            raise InvalidEntries(bad)
        return titles


# --- declarations ------------------------------------------------------------------------------

#: An example: a value, ``Same("sender.email")``, or a function of the value of other settings.
Example = Any


class Same(NamedTuple):
    """The value of another setting (``"sender.email"``)."""

    path: str


AS_DEFAULT: Any = object()  # init writes the default


class Entry(NamedTuple):
    """A named entry of a map setting that means something (``[links] website``)."""

    key: str
    kind: Kind
    help: str
    example: Example = None
    ask: str | None = None


class Setting(NamedTuple):
    """One setting: where it is written, what it takes, and what init does with it."""

    section: str | None  # None at the top of the file
    key: str
    kind: Kind
    help: str
    default: Any = ""
    required: bool = False
    example: Example = AS_DEFAULT  # what init writes; None: init leaves it out
    ask: str | None = None  # init asks this on a terminal; the answer is the value
    same_as: str | None = None  # when absent, the value of this other setting

    @property
    def path(self) -> str:
        """``sender.email``: how messages name it, and the key of init's answers."""
        return f"{self.section}.{self.key}" if self.section else self.key

    @property
    def heading(self) -> str:
        """How the README names it: ``[sender] email``, or ``[links]`` for a table."""
        if self.kind.table:
            return f"[{self.path}]"
        return f"[{self.section}] {self.key}" if self.section else self.key


_SETTING = "copro_news.setting"
_SECTION = "copro_news.section"


def setting(
    kind: Kind,
    help: str,
    *,
    default: Any = "",
    required: bool = False,
    example: Example = AS_DEFAULT,
    ask: str | None = None,
    same_as: str | None = None,
) -> Any:
    """Declare a setting as a dataclass field (its section and key come from where it is).

    ``example`` is what init writes (``None``: init leaves it out), ``ask`` the question init
    asks on a terminal, ``same_as`` the setting whose value it takes when absent.
    """
    meta = {_SETTING: (kind, help, default, required, example, ask, same_as)}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: copy.deepcopy(default), metadata=meta)
    return field(default=default, metadata=meta)


def section(cls: type, help: str = "") -> Any:
    """Declare a [section] as a dataclass field holding its settings."""
    return field(default_factory=cls, metadata={_SECTION: help})


T = TypeVar("T")


def schema(root: type) -> tuple[Setting, ...]:
    """Every setting declared by the dataclass ``root``, in the order of the file.

    A map's named entries follow it, as settings of their own (section: the map's path).
    """
    return _schema(root)


@lru_cache(maxsize=8)
def _schema(root: type) -> tuple[Setting, ...]:
    found: list[Setting] = []

    def add(f: Field[Any], section_name: str | None) -> None:
        kind, help, default, required, example, ask, same_as = f.metadata[_SETTING]
        s = Setting(section_name, f.name, kind, help, default, required, example, ask, same_as)
        found.append(s)
        if isinstance(kind, MapOf):
            for e in kind.entries:
                found.append(Setting(s.path, e.key, e.kind, e.help, "", False, e.example, e.ask))

    for f in fields(root):
        if _SETTING in f.metadata:
            add(f, None)
        elif _SECTION in f.metadata:
            for sub in fields(_section_class(f)):
                add(sub, f.name)
    return tuple(found)


def _section_class(f: Field[Any]) -> type:
    factory = f.default_factory
    assert isinstance(factory, type) and is_dataclass(factory)
    return factory


def _sections(root: type) -> dict[str, str]:
    """The [sections] of ``root``: name -> help."""
    return {f.name: f.metadata[_SECTION] for f in fields(root) if _SECTION in f.metadata}


def find(path: str, root: type | None = None) -> Setting:
    """The setting ``path`` ("sender.email")."""
    for s in schema(root or Settings):
        if s.path == path:
            return s
    raise KeyError(path)


# --- where a setting is in the file ------------------------------------------------------------


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


# --- the loader --------------------------------------------------------------------------------


def _toml_words(said: str) -> tuple[str, str]:
    """A TOML syntax error in plain words: (message, hint)."""
    said = re.sub(r"\s*\(at line \d+, column \d+\)", "", said)
    found = re.match(r"Cannot declare \('([^']+)',?.*\) twice", said)
    if found:
        return (
            f"The section [{found.group(1)}] appears twice.",
            "Keep one [" + found.group(1) + "] heading and put all its settings under it.",
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


MAX_SETTINGS_BYTES = 1_000_000  # a settings file is a few dozen lines


def load_settings(path: Path) -> tuple[Settings, list[Problem]]:
    """Read and validate the settings; raise SettingsError listing every problem."""
    from copro_news.fsutil import read_regular

    rel = path.name
    try:
        raw = read_regular(path, MAX_SETTINGS_BYTES)  # never a pipe, never without end
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
    return parse_settings(text, rel, Settings)


def parse_settings(text: str, rel: str, root: type[T]) -> tuple[T, list[Problem]]:
    """The settings in ``text`` (the file ``rel``) as declared by the dataclass ``root``.

    Returns the settings and the warnings; raises SettingsError listing every problem when
    one of them is an error.
    """
    import tomllib

    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise SettingsError(
            [
                Problem(
                    "settings-invalid",
                    "error",
                    "The settings hold lists or tables nested too deeply to be read.",
                    rel,
                    None,
                    "Settings are 'key = value' lines under [section] headings; a list holds "
                    'values, like ignore = ["link-broken"].',
                )
            ]
        ) from None
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
    loader = _Loader(text, rel, data)
    settings = loader.load(root)
    if any(p.severity == "error" for p in loader.problems):
        raise SettingsError(loader.problems)
    return settings, loader.problems


class _Loader:
    """Checks each value against its declaration, and collects every problem."""

    def __init__(self, text: str, rel: str, data: dict[str, Any]) -> None:
        self.text = text
        self.rel = rel
        self.data = data
        self.problems: list[Problem] = []

    def bad(self, message: str, line: int | None, hint: str | None = None) -> None:
        self.problems.append(Problem("settings-invalid", "error", message, self.rel, line, hint))

    def load(self, root: type[T]) -> T:
        settings = root()
        declared = schema(root)
        sections = _sections(root)
        top = {s.key: s for s in declared if s.section is None}
        given: set[str] = set()
        for key, value in self.data.items():
            if key in top:
                given.add(key)
                self.assign(top[key], value, settings)
            elif key in sections:
                if not isinstance(value, dict):
                    self.bad(
                        f"'{key}' must be a [{key}] section.", setting_line(self.text, key, None)
                    )
                    continue
                own = {s.key: s for s in declared if s.section == key}
                for sub, subvalue in value.items():
                    if sub in own:
                        given.add(f"{key}.{sub}")
                        self.assign(own[sub], subvalue, getattr(settings, key))
                    else:
                        self.unknown(sub, key, list(own))
            else:
                self.unknown(key, None, [*top, *sections])
        for s in declared:
            if s.required and s.path not in given:
                self.missing(s)
        for s in declared:
            if s.same_as and s.path not in given:
                target = settings if s.section is None else getattr(settings, s.section)
                setattr(target, s.key, _value_at(settings, s.same_as))
        return settings

    def assign(self, s: Setting, value: Any, target: object) -> None:
        line = setting_line(self.text, s.key, s.section)
        try:
            setattr(target, s.key, s.kind.convert(value, s.key))
        except Invalid as e:
            self.bad(e.in_settings(s.path, value), line, e.hint)
        except InvalidEntries as e:
            for entry, item, why in e.entries:
                at = setting_line(self.text, entry, s.path) or line
                self.bad(why.in_settings(f"{s.path}.{entry}", item), at, why.hint)

    def missing(self, s: Setting) -> None:
        if s.section is None:
            self.bad(f"'{s.key}' is missing.", None, f"Add a line: {s.key} = {s.kind.placeholder}")
        else:
            self.bad(
                f"'{s.path}' is missing.",
                setting_line(self.text, "", s.section),
                f"Add a line {s.key} = {s.kind.placeholder} under [{s.section}].",
            )

    def unknown(self, key: str, section_name: str | None, known: list[str]) -> None:
        label = f"[{section_name}] {key}" if section_name else key
        close = closest(key, known)
        line = setting_line(self.text, key, section_name)
        given = self.data.get(section_name) if section_name else self.data
        if close and not (isinstance(given, dict) and close in given):
            # A misspelt setting would silently fall back to its default (a time zone,
            # the provider): that is an error, not a warning.
            self.bad(
                f"Unknown setting '{label}': '{close}' is left at its default.",
                line,
                f"Did you mean '{close}'? Correct the spelling.",
            )
            return
        self.problems.append(
            Problem(
                "settings-unknown",
                "warning",
                f"Unknown setting '{label}'.",
                self.rel,
                line,
                f"Did you mean '{close}'?" if close else f"Known here: {', '.join(known)}.",
            )
        )


def _value_at(settings: object, path: str) -> Any:
    value = settings
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


# --- init: the questions and the settings file it writes ----------------------------------------


def init_values(answers: Mapping[str, Any], root: type | None = None) -> dict[str, Any]:
    """What init writes for each setting (by path): the answer, else the example.

    Settings left out of init's file (``example=None``) are not in it. A map holds its
    named entries (``[links] website``), answered or from their examples.
    """
    declared = {s.path: s for s in schema(root or Settings)}
    values: dict[str, Any] = {}

    def written(s: Setting) -> bool:
        return s.example is not None or s.path in answers

    def value(path: str) -> Any:
        if path in values:
            return values[path]
        s = declared[path]
        if path in answers:
            v = answers[path]
        elif isinstance(s.example, Same):
            v = value(s.example.path)
        elif s.example is AS_DEFAULT:
            v = value(s.same_as) if s.same_as else copy.deepcopy(s.default)
        elif callable(s.example):
            v = s.example(value)
        else:
            v = copy.deepcopy(s.example)
        if isinstance(s.kind, MapOf) and path not in answers:
            for e in s.kind.entries:
                entry = declared[f"{path}.{e.key}"]
                if written(entry):
                    v[e.key] = value(entry.path)
        values[path] = v
        return v

    for s in declared.values():
        if written(s):
            value(s.path)
    return {p: v for p, v in values.items() if written(declared[p])}


def toml_value(value: Any) -> str:
    """``value`` as TOML (text, true/false, numbers, times, lists; tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, time):
        return f'"{value:%H:%M}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = escaped.replace("\t", "\\t").replace("\r", "\\r")
    escaped = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_value(key)


def _commented(line: str, comment: str) -> str:
    return f"{line:<32}  # {comment}" if comment else line


def _comment(s: Setting) -> str:
    choices = s.kind.choices()
    return f"{s.help} One of: {', '.join(choices)}." if choices else s.help


HEADER = "# copro-news workspace settings. See: copro-news --help"


def settings_toml(answers: Mapping[str, Any], root: type | None = None) -> str:
    """The settings file init writes: each setting with its answer or example, and its help."""
    root = root or Settings
    values = init_values(answers, root)
    declared = schema(root)
    sections = _sections(root)

    def line(s: Setting) -> str:
        return _commented(f"{toml_key(s.key)} = {toml_value(values[s.path])}", _comment(s))

    top = [HEADER]
    tables: list[list[str]] = []

    def subtable(s: Setting) -> list[str]:
        """A map inside a section ([sections.titles]), as a table of its own."""
        rows = [f"{toml_key(k)} = {toml_value(v)}" for k, v in values[s.path].items()]
        return [_commented(f"[{s.path}]", s.help), *rows]

    for f in fields(root):
        if f.name in sections:
            rows = [s for s in declared if s.section == f.name and s.path in values]
            flat = [s for s in rows if not s.kind.table]
            if flat:
                tables.append([_commented(f"[{f.name}]", sections[f.name]), *map(line, flat)])
            tables += [subtable(s) for s in rows if s.kind.table]
            continue
        s = find(f.name, root)
        if s.path not in values:
            continue
        if not s.kind.table:
            top.append(line(s))
            continue
        named = {e.key: e for e in declared if e.section == s.path}
        tables.append([_commented(f"[{s.path}]", s.help)])
        for key, item in values[s.path].items():
            plain = f"{toml_key(key)} = {toml_value(item)}"
            tables[-1].append(_commented(plain, named[key].help) if key in named else plain)
    return "\n\n".join("\n".join(t) for t in [top, *tables]) + "\n"


# --- the README's table ------------------------------------------------------------------------


def _default_words(s: Setting) -> str:
    if s.required:
        return "required"
    if s.same_as:
        return f"as `{find(s.same_as).heading}`"
    if s.default in ("", [], {}):
        return "none"
    return f"`{toml_value(s.default)}`"


def settings_markdown(root: type | None = None) -> str:
    """The table of every setting, in Markdown, as the README shows it."""
    lines = ["| setting | takes | default | what it is for |", "|---|---|---|---|"]
    for s in schema(root or Settings):
        help = s.help.replace("|", "\\|")
        lines.append(f"| `{s.heading}` | {s.kind.describe()} | {_default_words(s)} | {help} |")
    return "\n".join(lines) + "\n"


# --- the settings ------------------------------------------------------------------------------


@dataclass
class SenderSettings:
    name: str = setting(
        Text(blank=False, one_line=True),
        "Who the newsletter is from.",
        required=True,
        example=Same("name"),
    )
    email: str = setting(
        Email(),
        "The address it is sent from.",
        required=True,
        example="news@example.org",
        ask="Sender email address",
    )
    reply_to: str = setting(Email(), "Where replies go.", same_as="sender.email")
    postal_address: str = setting(
        Text(blank=False),
        "Printed in the footer: the law asks for it in bulk mail.",
        required=True,
        example="1 Example Street, London, N1 1AA, United Kingdom",
        ask="Postal address (shown in the footer)",
    )


@dataclass
class ProviderSettings:
    name: str = setting(
        ProviderName(), "Where issues are sent; the outbox needs no account.", default="outbox"
    )
    list: str = setting(
        Text(),
        "The provider's list or audience id (see: copro-news lists); with Buttondown, "
        "empty means the API key's newsletter.",
    )
    api_url: str = setting(
        ApiUrl(empty=True, hint="It starts with https:// (or http:// for a local test server)."),
        "Optional: another base URL for the provider's API (a test server, a region).",
    )
    naked: bool = setting(
        Boolean(),
        "Buttondown only: send the whole email design as it is, in Buttondown's naked mode "
        "(Buttondown Plus plan); otherwise the issue goes inside your Buttondown template.",
        default=False,
        example=None,
    )


@dataclass
class CheckSettings:
    ignore: list[str] = setting(TextList(), 'Rule codes to skip, e.g. ["link-broken"].', default=[])
    words: list[str] = setting(
        TextList(), "Names and words the spelling rules should accept.", default=[]
    )


@dataclass
class SectionSettings:
    order: list[str] = setting(
        SectionNames(),
        "The order of the sections after the intro; those left out follow in the house "
        "order. An issue's own 'sections' comes first.",
        default=list(SECTIONS),
    )
    titles: dict[str, str] = setting(
        SectionTitles(),
        'The sections\' headings, e.g. actions = "Have your say".',
        default={},
        example=dict(DEFAULT_TITLES),
    )

    def title(self, name: str) -> str:
        """The heading of the section ``name``: the settings', else the house style's."""
        return self.titles.get(name) or DEFAULT_TITLES.get(name, name.capitalize())

    def ordered(self) -> list[str]:
        """Every section, in the settings' order, those it leaves out after."""
        return [*self.order, *(name for name in SECTIONS if name not in self.order)]


@dataclass
class FooterSettings:
    heading: str = setting(
        Text(blank=False, one_line=True), "The footer's heading.", default="Get involved"
    )
    text: str = setting(
        Text(),
        "The footer's words, in Markdown (default: where to write to us and the website).",
        example=None,
    )


class SiteFolder(Text):
    """A folder for the web edition, in the workspace (or elsewhere on the disk): never the
    workspace itself, nor a folder that holds the team's own files (drafts/, templates/)."""

    name = "folder"

    def __init__(self) -> None:
        super().__init__(blank=False, one_line=True)

    def convert(self, value: object, key: str) -> Any:
        from pathlib import PurePath

        text = super().convert(value, key)
        parts = [p for p in PurePath(text.strip().replace("\\", "/")).parts if p not in (".", "")]
        if not parts or parts[0] in ("drafts", "templates", "outbox"):
            raise Invalid(
                "is a folder of the workspace's own files",
                f'Name a folder of its own, like {key} = "site"',
            )
        return text.strip()


@dataclass
class WebSettings:
    base_url: str = setting(
        Url(empty=True, hint="It starts with https://, like https://example.org/news/"),
        "Where the web edition's folder is published: pages get their address from it, and "
        "the email a 'View in browser' link.",
    )
    folder: str = setting(
        SiteFolder(),
        "Where `copro-news web` writes the web edition, in the workspace.",
        default="site",
    )

    def page_url(self, issue: str) -> str | None:
        """The address of issue ``issue``'s page (2026-12) once the web edition is published;
        None without a base_url."""
        if not self.base_url:
            return None
        return f"{self.root_url()}{issue}/"

    def root_url(self) -> str:
        """base_url with one slash at the end: where the archive and the feeds are."""
        return self.base_url.split("#", 1)[0].split("?", 1)[0].rstrip("/") + "/"


@dataclass
class UtmSettings:
    enabled: bool = setting(
        Boolean(),
        "Tag the email's links to the team's own sites with utm_source, utm_medium=email and "
        "utm_campaign, for web analytics. Never the web edition.",
        default=False,
    )
    source: str = setting(
        Text(one_line=True),
        "utm_source (default: the newsletter's name in lowercase, with hyphens).",
        example=None,
    )
    campaign: str = setting(
        Text(blank=False, one_line=True),
        "utm_campaign; {issue} is the issue's name, e.g. 2026-12.",
        default="{issue}",
        example=None,
    )
    domains: list[str] = setting(
        TextList(),
        "The sites whose links are tagged, with their subdomains (default: the website's); "
        '["*"] tags every web link.',
        default=[],
        example=None,
    )


def _signup(value: Callable[[str], Any]) -> str:
    return str(value("links.website")).rstrip("/") + "/newsletter"


def _unsubscribe(value: Callable[[str], Any]) -> str:
    return str(value("links.website")).rstrip("/") + "/unsubscribe"


@dataclass
class Settings:
    name: str = setting(
        Text(blank=False, one_line=True),
        "The newsletter's name, at the top of every issue.",
        required=True,
        example="Co-Production Collective",
        ask="Newsletter or organisation name",
    )
    timezone: str = setting(
        TimeZone(), "Event times and schedules are in this zone.", default="Europe/London"
    )
    locale: str = setting(
        Locale(), 'How dates are written ("Tuesday 1 March 2022").', default="en_GB"
    )
    send_time: time = setting(
        TimeOfDay(),
        "When an issue goes out on its date: dates are judged then until it is scheduled.",
        default=time(9, 0),
    )
    sender: SenderSettings = section(SenderSettings)
    links: dict[str, str] = setting(
        Links(
            Entry(
                "website",
                Url(),
                "The organisation's website: the masthead links to it.",
                example="https://example.org",
                ask="Website",
            ),
            Entry(
                "signup",
                Url(mailto=True, hint="It starts with https://"),
                "The sign-up page, for readers of a forwarded copy.",
                example=_signup,
            ),
            Entry(
                "unsubscribe",
                Url(hint="It starts with https://"),
                "The page that unsubscribes a reader in one click, also when mail programs "
                "post to it (RFC 8058): the footer and the List-Unsubscribe header link to it.",
                example=_unsubscribe,
                ask="Unsubscribe page (one click, https://)",
            ),
        ),
        'Shown in the footer; add more, e.g. instagram = "https://..."',
        default={},
    )
    sections: SectionSettings = section(SectionSettings)
    footer: FooterSettings = section(FooterSettings)
    provider: ProviderSettings = section(ProviderSettings)
    check: CheckSettings = section(CheckSettings)
    web: WebSettings = section(WebSettings)
    utm: UtmSettings = section(UtmSettings)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
