"""The settings schema: each kind of value, its mistakes, init's file and the README's table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copro_news.errors import SettingsError
from copro_news.settings import (
    Boolean,
    Email,
    Entry,
    Invalid,
    InvalidEntries,
    Links,
    Locale,
    MapOf,
    ProviderName,
    Settings,
    Text,
    TextList,
    TextMap,
    TimeOfDay,
    TimeZone,
    Url,
    WholeNumber,
    find,
    init_values,
    parse_settings,
    schema,
    section,
    setting,
    settings_markdown,
    settings_toml,
)
from copro_news.suggest import closest

FILE = "copro-news.toml"


@pytest.fixture(autouse=True)
def planned_provider(monkeypatch):
    """A provider the settings name, which copro-news cannot send through yet."""
    from copro_news.providers import PROVIDERS, ProviderInfo

    monkeypatch.setitem(
        PROVIDERS, "newmail", ProviderInfo("newmail", "Newmail", None, planned=True)
    )


# A workspace's settings as the next changes will have them: one setting of every kind.
@dataclass
class Kinds:
    text: str = setting(Text(blank=False), "Text that says something.", default="x")
    email: str = setting(Email(), "An address.", default="a@example.org")
    url: str = setting(Url(), "A web address.", default="https://example.org")
    url_or_empty: str = setting(Url(empty=True), "A web address, or nothing.")
    timezone: str = setting(TimeZone(), "A time zone.", default="Europe/London")
    locale: str = setting(Locale(), "A locale.", default="en_GB")
    provider: str = setting(ProviderName(), "A provider.", default="outbox")
    words: list[str] = setting(TextList(), "Some words.", default=[])
    enabled: bool = setting(Boolean(), "On or off.", default=False)
    count: int = setting(WholeNumber(minimum=1, maximum=10), "How many.", default=1)


@dataclass
class Sections:
    order: list[str] = setting(TextList(), "The order.", default=["events", "actions"])
    titles: dict[str, str] = setting(TextMap(), "Headings by section.", default={})


@dataclass
class Every:
    send_time: time = setting(TimeOfDay(), "When issues go.", default=time(9, 0))
    kinds: Kinds = section(Kinds)
    sections: Sections = section(Sections)
    links: dict[str, str] = setting(
        Links(Entry("unsubscribe", Url(), "One-click unsubscribe.")), "Links.", default={}
    )


def load(text: str, root: type = Every) -> Any:
    return parse_settings(text, FILE, root)[0]


def problems(text: str, root: type = Every) -> list[Any]:
    with pytest.raises(SettingsError) as info:
        parse_settings(text, FILE, root)
    return info.value.problems


def test_good_values_are_read_as_code_reads_them():
    s = load(
        'send_time = "7:05"\n'
        "[kinds]\n"
        'words = ["Changemakers"]\nenabled = true\ncount = 3\nurl_or_empty = ""\n'
        '[sections]\norder = ["stories"]\n'
        '[sections.titles]\nactions = "Have your say"\n'
        '[links]\ntwitter = "https://twitter.com/x"\nmail = "mailto:hello@example.org"\n'
        'unsubscribe = "https://example.org/unsubscribe"\n'
    )
    assert s.send_time == time(7, 5)
    assert (s.kinds.words, s.kinds.enabled, s.kinds.count) == (["Changemakers"], True, 3)
    assert s.sections.order == ["stories"]
    assert s.sections.titles == {"actions": "Have your say"}
    assert s.links["mail"] == "mailto:hello@example.org"
    assert s.links["unsubscribe"] == "https://example.org/unsubscribe"


def test_defaults_fill_what_is_not_written():
    s = load("")
    assert s.send_time == time(9, 0) and s.kinds.provider == "outbox"
    assert s.sections.order == ["events", "actions"] and s.links == {}
    s.sections.order.append("x")
    assert load("").sections.order == ["events", "actions"]  # a default is never shared


def test_a_toml_time_is_a_time_of_day():
    assert load("send_time = 09:30:00\n").send_time == time(9, 30)


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("[kinds]\ntext = 3", "'kinds.text' must be text in quotes.", 'For example: text = "..."'),
        (
            '[kinds]\ntext = "  "',
            "'kinds.text' is empty.",
            "Fill it in: it is shown in every issue.",
        ),
        (
            '[kinds]\nemail = "nobody"',
            "'kinds.email' is not an email address: 'nobody'.",
            "For example: news@example.org",
        ),
        (
            '[kinds]\nurl = "example.org"',
            "'kinds.url' is not a web address: 'example.org'.",
            "It starts with https://, like https://example.org",
        ),
        (
            '[kinds]\nurl = ""',
            "'kinds.url' is not a web address: ''.",
            "It starts with https://, like https://example.org",
        ),
        (
            '[kinds]\nurl_or_empty = "ftp://example.org"',
            "'kinds.url_or_empty' is not a web address: 'ftp://example.org'.",
            "It starts with https://, like https://example.org",
        ),
        (
            '[kinds]\ntimezone = "Mars/Olympus"',
            "'kinds.timezone' is not a known time zone: 'Mars/Olympus'.",
            'Use a name like "Europe/London" or "America/New_York".',
        ),
        (
            '[kinds]\nlocale = "xx_YY"',
            "'kinds.locale' is not a known locale: 'xx_YY'.",
            'Use a name like "en_GB" or "en_US".',
        ),
        (
            '[kinds]\nprovider = "mailchimpp"',
            "'kinds.provider' is not a provider copro-news knows: 'mailchimpp'.",
            "Did you mean 'mailchimp'?",
        ),
        (
            '[kinds]\nprovider = "newmail"',
            "'kinds.provider': copro-news cannot send through newmail yet.",
            "Use one of: outbox, mailchimp, buttondown.",
        ),
        (
            '[kinds]\nwords = "one"',
            "'kinds.words' must be a list of text values.",
            'For example: words = ["one", "two"]',
        ),
        (
            "[kinds]\nwords = [1, 2]",
            "'kinds.words' must be a list of text values.",
            'For example: words = ["one", "two"]',
        ),
        (
            '[kinds]\nenabled = "yes"',
            "'kinds.enabled' must be true or false: 'yes'.",
            "Write true or false, no quotes: enabled = true",
        ),
        (
            '[kinds]\ncount = "3"',
            "'kinds.count' must be a whole number: '3'.",
            "Write it without quotes: count = 1",
        ),
        (
            "[kinds]\ncount = true",
            "'kinds.count' must be a whole number: True.",
            "Write a whole number: count = 1",
        ),
        (
            "[kinds]\ncount = 2.5",
            "'kinds.count' must be a whole number: 2.5.",
            "Write a whole number: count = 1",
        ),
        (
            "[kinds]\ncount = 11",
            "'kinds.count' must be a whole number from 1 up to 10: 11.",
            "For example: count = 1",
        ),
        (
            'send_time = "9am"',
            "'send_time' is not a time of day: '9am'.",
            'Write hours and minutes, 24-hour, in quotes: send_time = "09:00"',
        ),
        (
            'send_time = "24:00"',
            "'send_time' is not a time of day: '24:00'.",
            'Write hours and minutes, 24-hour, in quotes: send_time = "09:00"',
        ),
        (
            "[sections.titles]\nactions = 3",
            "'sections.titles.actions' must be text in quotes.",
            'For example: actions = "..."',
        ),
        (
            '[links]\nblog = "blog.example.org"',
            "'links.blog' is not a web address: 'blog.example.org'.",
            "It starts with https://",
        ),
        (
            '[links]\nunsubscribe = "mailto:off@example.org"',
            "'links.unsubscribe' is not a web address: 'mailto:off@example.org'.",
            "It starts with https://, like https://example.org",
        ),
    ],
)
def test_a_wrong_value_is_a_problem_with_file_line_and_hint(text, message, hint):
    text = 'send_time = "09:00"\n' + text + "\n" if not text.startswith("send_time") else text
    (p,) = problems(text)
    assert (p.code, p.severity, p.message, p.hint) == ("settings-invalid", "error", message, hint)
    assert (p.file, p.line) == (FILE, len(text.rstrip("\n").splitlines()))


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('links = "https://example.org"\n', "'links' must be a [links] section.", 1),
        ('[sections]\ntitles = "x"\n', "'sections.titles' must be a [sections.titles] section.", 2),
        ('kinds = "x"\n', "'kinds' must be a [kinds] section.", 1),
    ],
)
def test_a_value_where_a_section_belongs(text, message, line):
    (p,) = problems(text)
    assert (p.message, p.file, p.line) == (message, FILE, line)


def test_every_wrong_value_is_listed_at_once():
    found = problems(
        '[kinds]\nemail = "x"\nenabled = 1\ncount = 0\n[sections.titles]\na = 1\nb = 2\n'
    )
    assert [p.line for p in found] == [2, 3, 4, 6, 7]


def test_a_misspelt_setting_of_any_section_points_to_the_one_meant():
    (p,) = problems("[kinds]\nenabeld = true\n")
    assert p.message == "Unknown setting '[kinds] enabeld': 'enabled' is left at its default."
    assert (p.line, p.hint) == (2, "Did you mean 'enabled'? Correct the spelling.")
    # with [sections] written too, [sectoins] is something else: a warning
    _s, (w,) = parse_settings("[sections]\n[sectoins]\norder = []\n", FILE, Every)
    assert (w.code, w.message, w.line) == ("settings-unknown", "Unknown setting 'sectoins'.", 2)
    assert w.hint == "Did you mean 'sections'?"


@pytest.mark.parametrize(
    ("kind", "value", "answer"),
    [
        (Email(), "nobody", "'nobody' is not an email address."),
        (Url(), "example.org", "'example.org' is not a web address."),
        (TimeZone(), "Europe/Londn", "'Europe/Londn' is not a known time zone."),
        (Text(blank=False), " ", "The postal address is empty."),
    ],
)
def test_an_answer_to_init_is_explained_in_the_same_words(kind, value, answer):
    with pytest.raises(Invalid) as info:
        kind.convert(value, "key")
    assert info.value.as_answer(value, "Postal address (shown in the footer)") == answer


# --- random values never crash -------------------------------------------------------------------

SCALARS = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.times(),
    st.sampled_from(
        ["", "Europe/London", "Europe", "../etc", "en_GB", "x" * 300, "09:00", "99:99"]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _toml(value: Any) -> str:
    from copro_news.settings import toml_value

    return toml_value(value)


def _documents(root: type) -> st.SearchStrategy[str]:
    declared = schema(root)
    top = sorted({s.key for s in declared if s.section is None} | {"bogus"})
    sections = sorted({s.section for s in declared if s.section and "." not in s.section})
    keys = sorted({s.key for s in declared if s.section} | {"colour"})

    def document(top_values: dict[str, Any], blocks: dict[str, dict[str, Any]]) -> str:
        lines = [f"{k} = {_toml(v)}" for k, v in top_values.items()]
        for name, values in blocks.items():
            lines.append(f"[{name}]")
            lines += [f"{k} = {_toml(v)}" for k, v in values.items()]
        return "\n".join(lines) + "\n"

    return st.builds(
        document,
        st.dictionaries(st.sampled_from(top), VALUES, max_size=4),
        st.dictionaries(
            st.sampled_from(sections),
            st.dictionaries(st.sampled_from(keys), VALUES, max_size=4),
            max_size=3,
        ),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_documents(Every), _documents(Settings)))
def test_random_settings_load_or_say_why(text):
    for root in (Every, Settings):
        try:
            parse_settings(text, FILE, root)
        except SettingsError as e:
            assert e.problems
            for p in e.problems:
                assert p.file == FILE and p.code.startswith("settings-") and p.message


ALL_KINDS = [
    Text(),
    Text(blank=False),
    Email(),
    Url(),
    Url(empty=True, mailto=True),
    TimeZone(),
    Locale(),
    ProviderName(),
    TextList(),
    Boolean(),
    WholeNumber(minimum=0, maximum=5),
    TimeOfDay(),
    TextMap(),
    Links(Entry("website", Url(), "The website.")),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL_KINDS), VALUES)
def test_a_kind_takes_a_value_or_says_why(kind, value):
    try:
        kind.convert(value, "key")
    except Invalid as e:
        assert e.in_settings("key", value).startswith("'key'")
        assert e.hint or kind.table  # a map given a value says where its [section] goes
    except InvalidEntries as e:
        assert isinstance(kind, MapOf) and e.entries


# --- init's file and the README ------------------------------------------------------------------


def test_init_writes_a_file_the_loader_reads_back(tmp_path):
    answers = {"name": 'The "Quoted" Collective', "links.website": "https://coproduction.org/"}
    text = settings_toml(answers)
    settings, warnings = parse_settings(text, FILE, Settings)
    assert warnings == []
    assert settings.name == settings.sender.name == 'The "Quoted" Collective'
    assert settings.sender.reply_to == settings.sender.email == "news@example.org"
    assert settings.links == {
        "website": "https://coproduction.org/",
        "signup": "https://coproduction.org/newsletter",
        "unsubscribe": "https://coproduction.org/unsubscribe",
    }
    values = init_values(answers)
    for s in schema(Settings):
        if s.path in values and s.section in (None, "sender", "provider", "check"):
            owner = settings if s.section is None else getattr(settings, s.section)
            assert getattr(owner, s.key) == values[s.path], s.path


def test_init_writes_every_kind_the_loader_reads_back():
    text = settings_toml({"send_time": time(7, 30), "kinds.enabled": True}, Every)
    s = load(text)
    assert s.send_time == time(7, 30) and s.kinds.enabled is True
    assert s.sections.order == ["events", "actions"]


def test_init_explains_each_setting_it_writes():
    text = settings_toml({})
    assert 'name = "outbox"' in text  # what tests and people search for
    provider = next(line for line in text.splitlines() if line.startswith('name = "outbox"'))
    assert provider.endswith("One of: outbox, mailchimp, buttondown.")
    for s in schema(Settings):
        assert s.help, s.path
        assert not s.required or s.example is not None, f"init must write {s.path}"


def test_a_setting_left_out_of_init_is_not_written():
    @dataclass
    class Quiet:
        shown: str = setting(Text(), "Shown.", default="a")
        hidden: str = setting(Text(), "Not written by init.", default="b", example=None)

    lines = settings_toml({}, Quiet).splitlines()[1:]
    assert [line.split()[:3] for line in lines] == [["shown", "=", '"a"']]
    assert load(settings_toml({}, Quiet), Quiet).hidden == "b"


def test_readme_settings_table_is_in_step_with_the_schema():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- settings:")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- /settings -->")
    assert readme[start:end] == settings_markdown(), "update the README's table of settings"


def test_the_table_says_what_each_setting_takes():
    table = settings_markdown(Every)
    assert '| `send_time` | time of day (HH:MM) | `"09:00"` | When issues go. |' in table
    assert '| `[kinds] provider` | provider: outbox, mailchimp, buttondown | `"outbox"` |' in table
    assert "| `[kinds] count` | whole number | `1` |" in table
    assert "| `[kinds] enabled` | true or false | `false` |" in table
    assert "| `[sections.titles]` | map of text | none |" in table
    assert "| `[links] unsubscribe` | web address | none |" in table
    assert "| `[sender] reply_to` | email address | as `[sender] email` |" in settings_markdown()


def test_find_names_a_setting_by_its_path():
    assert find("sender.email").kind == Email()
    assert find("links.website").ask == "Website"
    with pytest.raises(KeyError):
        find("sender.emial")


# --- did you mean --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "known", "meant"),
    [
        ("timezon", ["name", "timezone", "locale"], "timezone"),
        ("strat", ["title", "start", "end"], "start"),
        ("evnts", ["events", "actions"], "events"),
        ("colour", ["name", "timezone", "locale"], None),
        ("", ["name"], None),
    ],
)
def test_one_did_you_mean_for_settings_and_fields(name, known, meant):
    assert closest(name, known) == meant


def test_a_sign_up_link_may_be_an_email_but_the_website_is_a_web_page():
    text = settings_toml({}).replace(
        'signup = "https://example.org/newsletter"', 'signup = "mailto:join@example.org"'
    )
    assert parse_settings(text, FILE, Settings)[0].links["signup"] == "mailto:join@example.org"
    text = text.replace('website = "https://example.org"', 'website = "mailto:us@example.org"')
    (p,) = problems(text, Settings)
    assert p.message == "'links.website' is not a web address: 'mailto:us@example.org'."
