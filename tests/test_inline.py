"""The parsed stylesheet kept between runs changes nothing in the email, only its time."""

from __future__ import annotations

import json

import premailer.cache
import premailer.premailer
import pytest

from copro_news import inline
from copro_news.inline import inline_css
from copro_news.render import package_templates

TRICKY_CSS = """
/* a comment */
* { margin: 0 }
body { font-family: Georgia, serif; color: #222 }
p, li { line-height: 1.5 }
a { color: #0645ad !important; text-decoration: underline }
a:hover { color: red }
li:first-child { font-weight: bold }
.note { border: 1px solid #ccc; padding: 4px }
#top .note { color: green }
@media only screen and (max-width: 620px) { .note { padding: 2px } p { font-size: 18px } }
@media (prefers-color-scheme: dark) { body { color: #eee; background: #111 } }
"""


def page(css: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><style>{css}</style></head><body><div id='top'>"
        "<p class='note'>Hello <a href='https://example.org'>there</a></p>"
        "<ul><li>one</li><li>two</li></ul><p>plain</p></div></body></html>"
    )


def house_page() -> str:
    return page((package_templates() / "style.css").read_text(encoding="utf-8"))


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "copro-news" / "stylesheets"


@pytest.fixture
def no_parsing(monkeypatch):
    """From here on, nothing can parse CSS, and nothing parsed in this process is known:
    only a kept stylesheet can be used."""

    def refuse(*args, **kwargs):
        raise AssertionError("the stylesheet was parsed again")

    premailer.cache.cache.clear()  # premailer's own memo, for this process
    monkeypatch.setattr(inline, "_known_pairs", {})
    monkeypatch.setattr(premailer.premailer.cssutils, "parseString", refuse)
    monkeypatch.setattr(premailer.premailer.cssutils, "parseStyle", refuse)


@pytest.mark.parametrize("css", [TRICKY_CSS, "", "p { color: red }", None], ids=repr)
def test_kept_stylesheet_gives_the_same_email_as_a_fresh_parse(cache_home, css, request):
    html = house_page() if css is None else page(css)
    fresh = inline_css(html, cache=False)
    assert not cache_home.exists()
    first = inline_css(html)
    assert first == fresh
    kept = list(cache_home.glob("*.json")) if cache_home.exists() else []
    assert len(kept) == (1 if css != "" else 0)  # an empty <style> has nothing to parse
    if kept:
        request.getfixturevalue("no_parsing")
        assert inline_css(html) == fresh


def test_without_a_kept_copy_the_stylesheet_is_parsed(cache_home, no_parsing):
    """The check above that nothing was parsed again would notice a parse."""
    with pytest.raises(AssertionError, match="parsed again"):
        inline_css(page(TRICKY_CSS))


def test_the_kept_copy_is_what_is_used(cache_home):
    html = page("p { color: red } @media (max-width: 10px) { p { color: blue } }")
    inline_css(html)
    (kept,) = cache_home.glob("*.json")
    data = json.loads(kept.read_text())
    assert [r[1:] for r in data["rules"]] == [["p", "color:red"]]
    assert data["has_leftover"] and "color: blue" in data["leftover"]
    assert data["pairs"] == {"color:red": [["color", "red"]]}
    # the copy is read, not the stylesheet: a changed copy changes the email
    data["rules"][0][2] = "color:green"
    data["pairs"] = {"color:green": [["color", "green"], ["margin", "0"]]}
    kept.write_text(json.dumps(data))
    assert '<p style="color:green; margin:0">' in inline_css(html)


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "not json",
        "[]",
        '{"rules": [[[0, 0], 5, "x"]], "leftover": "", "has_leftover": false}',
        '{"rules": [[["a"], "p", "x"]], "leftover": "", "has_leftover": false}',
        '{"rules": [], "leftover": 3, "has_leftover": false}',
        '{"rules": [[[0], "p"]], "leftover": "", "has_leftover": false}',
        '{"rules": [[[0], "p", "x"]], "leftover": "", "has_leftover": false, "pairs": {}}',
        '{"rules": [[[0], "p", "x"]], "leftover": "", "has_leftover": false, "pairs": []}',
        '{"rules": [[[0], "p", "x"]], "leftover": "", "has_leftover": false, "pairs": {"x": 1}}',
    ],
)
def test_a_damaged_copy_is_parsed_again_and_replaced(cache_home, damage):
    html = page(TRICKY_CSS)
    fresh = inline_css(html, cache=False)
    inline_css(html)
    (kept,) = cache_home.glob("*.json")
    kept.write_text(damage)
    assert inline_css(html) == fresh
    assert json.loads(kept.read_text())["rules"]


def test_a_cache_folder_that_cannot_be_written_costs_time_not_output(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    html = page(TRICKY_CSS)
    assert inline_css(html) == inline_css(html, cache=False)


def test_only_the_newest_stylesheets_are_kept(cache_home, monkeypatch):
    monkeypatch.setattr(inline, "KEEP", 3)
    for n in range(5):
        inline_css(page(f"p {{ margin: {n}px }}"))
    assert len(list(cache_home.glob("*.json"))) == 3
    assert "margin:4px" in inline_css(page("p { margin: 4px }")).replace(" ", "")
