"""Words and the built email: glued words, placeholders, link text, subject, footer, images."""

from __future__ import annotations

import os
import zlib
from importlib.metadata import version
from pathlib import Path

import pytest

from copro_news.checks import text as text_rules
from copro_news.checks import words
from tests.checkutil import codes, event, problems, story, write_issue
from tests.conftest import FIXTURES, SETTINGS, build_file_tree

GLUED = [
    "We explored the potential ofco-production in housing.",
    "Thank you to all the volunteers andthe staff who came.",
    "Share your views inthe survey below.",
    "A huge thankyou to our partners.",
    "We learned alot from the day.",
    "It was great to meet you all aswell.",
]
NOT_GLUED = [
    "We explored the potential of co-production in housing.",
    "Changemakers and RADLD joined the Healthwatch forum.",
    "Our peer-led, well-being and wellbeing sessions continue online.",
    "The programme's colour, the organisation's centre and our neighbourhood favourites.",
    "Bethan and Ajay from Ofsted led the onboarding session.",
    "Check your inbox for the webinar link; everyone is welcome.",
    "Email hello@example.org or visit https://example.org/andthe-page for more.",
    "Use `inthe` in code, and see [the page](https://example.org/ofthe).",
    "Let's meet on Zoom: it's informal, and there's tea.",
]


@pytest.mark.parametrize("text", GLUED)
def test_run_together_fires(workspace, text):
    write_issue(workspace, {"stories/s.md": story("News", text)})
    found = problems(workspace, only="run-together")
    assert codes(found) == ["run-together"], text
    assert (found[0].file, found[0].line) == ("drafts/2026-12/stories/s.md", 4)


@pytest.mark.parametrize("text", NOT_GLUED)
def test_run_together_silent(workspace, text):
    write_issue(workspace, {"stories/s.md": story("News", text)})
    assert problems(workspace, only="run-together") == [], text


def test_run_together_message_names_the_words(workspace):
    write_issue(workspace, {"stories/s.md": story("News", "the potential ofco-production")})
    [p] = problems(workspace, only="run-together")
    assert p.message == "'ofco-production' looks like two words run together: 'of co-production'."


def test_run_together_accepts_settings_words(workspace):
    (workspace / "copro-news.toml").write_text(
        SETTINGS + '\n[check]\nwords = ["inhouse"]\n', encoding="utf-8"
    )
    write_issue(workspace, {"stories/s.md": story("News", "Our inhouse team.")})
    assert problems(workspace, only="run-together") == []


def test_run_together_accepts_words_of_other_issues(workspace):
    write_issue(workspace, {"stories/s.md": story("News", "Our inhouse team grew.")})
    assert codes(problems(workspace, only="run-together")) == ["run-together"]
    build_file_tree(
        workspace / "drafts" / "2026-11",
        {"issue.md": "---\nsubject: x\ndate: 2026-11-01\n---\nThe inhouse team.\n"},
    )
    assert problems(workspace, only="run-together") == []


def test_run_together_in_a_title(workspace):
    write_issue(workspace, {"events/e.md": event("Meet the team ofthe forum", "2026-12-08 12:00")})
    [p] = problems(workspace, only="run-together")
    assert p.line == 2


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Venue: TBC. Everyone is welcome.", True),
        ("Speaker: TODO", True),
        ("Lorem ipsum dolor sit amet.", True),
        ("XXX write about the forum", True),
        ("What's on your todo list?", False),
        ("Sizes S to XXL are available.", False),
        ("See https://example.org/TODO for details.", False),
    ],
)
def test_placeholder_left(workspace, text, fires):
    write_issue(workspace, {"stories/s.md": story("News", text)})
    found = problems(workspace, only="placeholder-left")
    assert codes(found) == (["placeholder-left"] if fires else []), text
    if fires:
        assert found[0].line == 4


def test_placeholder_in_a_field(workspace):
    write_issue(workspace, {"events/e.md": event("Cuppa", "2026-12-08 12:00", location="TBC")})
    [p] = problems(workspace, only="placeholder-left")
    assert (p.line, "'location'" in p.message) == (4, True)


@pytest.mark.parametrize(
    ("body", "fires"),
    [
        ("To book, [click here](https://example.org/book).", True),
        ("The full report is [here](https://example.org/report).", True),
        ("[Read more](https://example.org/report)", True),
        ("[Read the full report](https://example.org/report)", False),
        ("[Book your place](https://example.org/book)", False),
    ],
)
def test_link_text_vague(workspace, body, fires):
    write_issue(workspace, {"stories/s.md": story("News", "Some news.\n\n" + body)})
    found = problems(workspace, only="link-text-vague")
    assert codes(found) == (["link-text-vague"] if fires else [])
    if fires:
        assert (found[0].file, found[0].line) == ("drafts/2026-12/stories/s.md", 6)


def test_link_text_vague_from_a_field(workspace):
    snippet = event("Cuppa", "2026-12-08 12:00", link="https://example.org/c", link_text="here")
    write_issue(workspace, {"events/c.md": snippet})
    [p] = problems(workspace, only="link-text-vague")
    assert (p.file, p.line) == ("drafts/2026-12/events/c.md", 4)


@pytest.mark.parametrize(("length", "fires"), [(60, False), (61, True)])
def test_subject_length(workspace, length, fires):
    subject = ("Team update December 2026 " * 5)[:length].rstrip() + "x" * 0
    subject = subject.ljust(length, "x")
    write_issue(workspace, subject=subject)
    found = problems(workspace, only="subject-length")
    assert codes(found) == (["subject-length"] if fires else [])
    if fires:
        assert found[0].line == 2


def test_preheader_missing(workspace):
    write_issue(workspace, issue_md="---\nsubject: Team update\ndate: 2026-12-01\n---\nHello.\n")
    [p] = problems(workspace, only="preheader-missing")
    assert p.file == "drafts/2026-12/issue.md"
    write_issue(workspace)
    assert problems(workspace, only="preheader-missing") == []


def test_footer_missing_with_a_template_without_it(workspace):
    write_issue(workspace)
    assert problems(workspace, only="footer-missing") == []
    template = (
        "<html><body><h1>{{ subject }}</h1>{{ intro|markdown }}"
        "{% for kind, items in sections %}{% endfor %}</body></html>"
    )
    build_file_tree(workspace, {"templates": {"email.html": template}})
    found = problems(workspace, only="footer-missing")
    assert len(found) == 2
    assert {p.file for p in found} == {"templates/email.html"}
    assert "postal address" in found[0].message + found[1].message
    assert "unsubscribe" in found[0].message + found[1].message


def test_email_clipped(workspace):
    write_issue(workspace)
    assert problems(workspace, only="email-clipped") == []
    long = "\n\n".join(
        "A long paragraph about co-production in practice. " * 20 for _ in range(120)
    )
    write_issue(workspace, {"stories/long.md": story("Long", long)})
    [p] = problems(workspace, only="email-clipped")
    assert "KB" in p.message


def test_image_alt_missing(workspace):
    body = "Photos from the day:\n\n![](https://example.org/day.jpg)\n\n![Volunteers](https://example.org/v.jpg)"
    write_issue(workspace, {"stories/s.md": story("Day", body)})
    [p] = problems(workspace, only="image-alt-missing")
    assert (p.file, p.line) == ("drafts/2026-12/stories/s.md", 6)


def test_hero_without_alt(workspace):
    issue = (
        "---\nsubject: Team update\ndate: 2026-12-01\npreheader: News\n"
        "hero:\n  image: https://example.org/hero.jpg\n  credit: Sam\n---\nHello.\n"
    )
    write_issue(workspace, issue_md=issue)
    [p] = problems(workspace, only="image-alt-missing")
    assert (p.file, p.line) == ("drafts/2026-12/issue.md", 5)


def test_check_ignore_in_a_snippet_and_in_settings(workspace):
    text = "Thank you andthe team. Venue TBC."
    write_issue(
        workspace, {"stories/s.md": story("News", text, **{"check-ignore": "[run-together]"})}
    )
    assert codes(problems(workspace)) == ["placeholder-left"]
    (workspace / "copro-news.toml").write_text(
        SETTINGS + '\n[check]\nignore = ["placeholder-left"]\n', encoding="utf-8"
    )
    assert codes(problems(workspace)) == []


# --- the text that `new` and `add` write ---------------------------------------------------------


def test_placeholder_intro_of_a_new_issue(cli, workspace):
    assert cli("new", "2027-01", cwd=workspace).exit_code == 0
    found = problems(workspace, "2027-01", at="2027-01-01 09:00", only="placeholder-left")
    assert [(p.file, p.line) for p in found] == [("drafts/2027-01/issue.md", 12)]
    assert "Write the introduction here" in found[0].message
    assert "copro-news new" in found[0].message


def test_placeholder_intro_left_in_part(workspace):
    intro = (
        "Thank you to everyone who came to the forum.\n\n"
        "Sections come from the snippets in events/, partnerships/, actions/ and\n"
        'stories/: add one with `copro-news add events "Title"`.\n'
    )
    write_issue(workspace, intro=intro)
    [p] = problems(workspace, only="placeholder-left")
    assert (p.file, p.line) == ("drafts/2026-12/issue.md", 10)


@pytest.mark.parametrize("section", ["events", "partnerships", "actions", "stories"])
def test_placeholder_body_of_a_new_snippet(cli, workspace, section):
    write_issue(workspace)
    assert cli("add", section, "Something new", cwd=workspace).exit_code == 0
    path = next((workspace / "drafts/2026-12" / section).iterdir())
    # the word TODO taken out, the example sentence left in
    path.write_text(path.read_text(encoding="utf-8").replace(" TODO\n", "\n"), encoding="utf-8")
    found = problems(workspace, only="placeholder-left", build=False)
    rel = f"drafts/2026-12/{section}/{path.name}"
    assert [(p.file, "copro-news add" in p.message) for p in found] == [(rel, True)]


def test_placeholder_sentence_and_todo_on_one_line_is_one_problem(cli, workspace):
    write_issue(workspace)
    assert cli("add", "stories", "News", cwd=workspace).exit_code == 0
    found = problems(workspace, only="placeholder-left")
    assert [(p.file, p.line) for p in found] == [("drafts/2026-12/stories/news.md", 6)]


@pytest.mark.parametrize(
    "text",
    [
        "Write to us: we read every letter.",
        "What happened at the forum was a surprise to us all.",
        "Sections of the report come from the design group.",
        "Tell us what happens, who it is for and how we can help.",
    ],
)
def test_placeholder_sentences_are_not_everyday_words(workspace, text):
    write_issue(workspace, {"stories/s.md": story("News", text)})
    assert problems(workspace, only="placeholder-left") == []


def test_short_example_sentence_counts_only_as_the_whole_text(workspace):
    write_issue(
        workspace,
        {
            "stories/a.md": story("A", "What happened."),
            "stories/b.md": story("B", "What happened? We met."),
        },
    )
    found = problems(workspace, only="placeholder-left")
    assert [p.file for p in found] == ["drafts/2026-12/stories/a.md"]


# --- the English word list: a lookup table in the user's cache, the same answers --------------


@pytest.fixture(scope="module")
def whole_list() -> dict[str, int]:
    return words.load_word_list()


def sample(whole: dict[str, int]) -> list[str]:
    """Every 40th word of the list, words that are not in it, and the rule's own words."""
    listed = list(whole)[::40]
    missing = ["andthe", "ofco", "thankyou", "zzqx", "", "é", "x" * 300, "colour", "organisation"]
    return [*listed, *missing, *(w.lower() for t in GLUED + NOT_GLUED for w in t.split())]


def test_the_table_answers_as_the_whole_list(whole_list, tmp_path):
    cache = tmp_path / "cache"
    first = words.cached_english(cache)
    assert isinstance(first, words.InMemory)  # the first run reads the list and writes the table
    (table,) = cache.glob("words-*.bin")
    assert table == words.table_path(cache, words.word_list_file())
    assert table.name.startswith(f"words-{version('pyspellchecker')}-")
    second = words.cached_english(cache)
    assert isinstance(second, words.Table)
    for word in sample(whole_list):
        assert (word in second, second.get(word), second.get(word, 50)) == (
            word in whole_list,
            whole_list.get(word, 0),
            whole_list.get(word, 50),
        ), word


def test_the_run_together_rule_says_the_same_through_the_table(whole_list, tmp_path, monkeypatch):
    words.cached_english(tmp_path)
    table = words.cached_english(tmp_path)
    assert isinstance(table, words.Table)
    corpus = [*GLUED, *NOT_GLUED]
    corpus += [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.md"))]
    corpus += ["inthe ofthe tothe forthe onthe aswell alot thankyou noone into onto upto"]

    def found(frequencies: words.Frequencies) -> list[tuple[int, str, str]]:
        monkeypatch.setattr(words, "english", lambda: frequencies)
        monkeypatch.setattr(text_rules, "english", lambda: frequencies)
        return [hit for t in corpus for hit in text_rules.glued_words(t, frozenset())]

    through_table = found(table)
    whole = found(words.InMemory(whole_list))
    assert through_table == whole
    assert ("ofco-production", "of co-production") in {(t, f) for _, t, f in whole}


def test_a_new_word_list_makes_a_new_table(tmp_path):
    source = tmp_path / "spellchecker" / "resources" / "en.json.gz"
    source.parent.mkdir(parents=True)
    source.write_bytes(words.word_list_file().read_bytes())
    before = words.table_path(tmp_path, source)
    os.utime(source, ns=(1, 1))  # an upgrade writes the file again
    assert words.table_path(tmp_path, source) != before
    assert words.table_path(tmp_path, words.word_list_file()) != before


def test_an_old_table_is_removed_when_a_new_one_is_written(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "words-0.0.1-0badcafe.bin").write_bytes(b"old")
    (cache / "templates-bytecode").mkdir()  # the cache's other contents stay
    words.cached_english(cache)
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        ["templates-bytecode", words.table_path(cache, words.word_list_file()).name]
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"x" * len(data),  # not a table
        lambda data: data[:100] + bytes(len(data) - 100),  # slots wiped: no word is found
    ],
    ids=["empty", "cut-short", "garbage", "zeroed"],
)
def test_a_damaged_table_is_made_again(whole_list, tmp_path, damage):
    path = words.table_path(tmp_path, words.word_list_file())
    good = words.build_table(whole_list)
    path.write_bytes(damage(good))
    again = words.cached_english(tmp_path)
    assert isinstance(again, words.InMemory)
    assert again.get("the") == whole_list["the"] and "andthe" not in again
    assert path.read_bytes() == good  # made again, whole
    assert isinstance(words.cached_english(tmp_path), words.Table)


def test_a_cache_folder_that_cannot_be_written_loads_the_whole_list(whole_list, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    found = words.cached_english(blocked / "copro-news")
    assert isinstance(found, words.InMemory)
    assert found.get("the") == whole_list["the"] and "andthe" not in found
    assert blocked.read_text() == "a file where the cache folder should be"


def test_the_rule_works_with_an_unwritable_cache_home(workspace, monkeypatch, tmp_path):
    blocked = tmp_path / "cache-home"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    words.english.cache_clear()
    try:
        write_issue(workspace, {"stories/s.md": story("News", "the potential ofco-production")})
        [p] = problems(workspace, only="run-together")
        assert (
            p.message == "'ofco-production' looks like two words run together: 'of co-production'."
        )
    finally:
        words.english.cache_clear()


def test_a_table_that_goes_bad_while_in_use_falls_back_to_the_list(whole_list):
    data = bytearray(words.build_table({"the": 7, "cat": 3}))
    table = words.Table(data, words.word_list_file())
    assert table.get("the") == 7 and "cat" in table and "dog" not in table
    slot = zlib.crc32(b"andthe") & table._mask
    at = words._HEADER.size + 4 * slot
    data[at : at + 4] = (len(data) + 1000).to_bytes(4, "little")  # past the end of the file
    assert "andthe" not in table
    assert table.get("house") == whole_list["house"]  # from the whole list now
    assert table.get("the") == 7  # answers given before stay as they were


def test_the_cache_folder_follows_xdg_cache_home(monkeypatch, tmp_path):
    from copro_news.fsutil import user_cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "copro-news"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as XDG says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "copro-news"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "copro-news"


def test_no_home_folder_loads_the_whole_list(whole_list, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME")

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    found = words.cached_english()
    assert isinstance(found, words.InMemory) and found.get("the") == whole_list["the"]
