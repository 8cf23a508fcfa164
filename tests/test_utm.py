"""UTM tags: the email's links to the team's own sites, tagged when [utm] is on, and nothing
else: never mailto:, the unsubscribe link, a provider's merge tags, or the web edition."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copro_news import utm
from copro_news.content import load_issue
from copro_news.render import build_issue
from copro_news.workspace import load_workspace
from tests.conftest import SETTINGS, make_workspace
from tests.web_support import BASE_URL, JUNE, WEB_EXTRA, Links, team_workspace

TAGS = "utm_source=team-update&utm_medium=email&utm_campaign=2026-12"
TAGGER = utm.tagger(
    source="team-update",
    campaign="2026-12",
    domains=["site.example"],
    never=["https://site.example/unsubscribe", "https://site.example/news/"],
)


@pytest.mark.parametrize(
    ("given_url", "tagged"),
    [
        ("https://site.example/x", f"https://site.example/x?{TAGS}"),
        ("https://site.example/x?a=1#b", f"https://site.example/x?a=1&{TAGS}#b"),
        (
            "https://site.example/x?utm_source=partner",
            "https://site.example/x?utm_source=partner&utm_medium=email&utm_campaign=2026-12",
        ),
        ("https://www.site.example/", f"https://www.site.example/?{TAGS}"),
        ("https://events.site.example/a?b=%20c", f"https://events.site.example/a?b=%20c&{TAGS}"),
        ("http://site.example/x?", f"http://site.example/x?{TAGS}"),
        ("mailto:a@site.example", None),
        ("tel:+441234567890", None),
        ("#top", None),
        ("*|UNSUB|*", None),
        ("{{ unsubscribe_url }}", None),
        ("https://site.example/u?id=*|UNIQID|*", None),
        ("https://site.example/unsubscribe", None),
        ("https://site.example/news/2026-12/", None),
        ("https://site.example/news/2026-12/cuppa.ics", None),
        ("https://www.eventbrite.co.uk/e/123", None),
        ("https://notsite.example/x", None),
        ("images/sun.png", None),
    ],
)
def test_which_links_are_tagged_and_how(given_url, tagged):
    assert TAGGER.tag(given_url) == (tagged or given_url)


def test_every_link_may_be_tagged_and_values_are_encoded():
    everything = utm.tagger(source="Our news & views", campaign="2026-12", domains=["*"])
    assert everything.tag("https://anywhere.example/") == (
        "https://anywhere.example/?utm_source=Our%20news%20%26%20views&utm_medium=email"
        "&utm_campaign=2026-12"
    )
    assert utm.slug("Co-Production Collective") == "co-production-collective"


urls = st.builds(
    lambda host, path, query, fragment: f"https://{host}/{path}{query}{fragment}",
    st.sampled_from(["site.example", "www.site.example", "a.site.example"]),
    st.from_regex(r"[a-z0-9/._-]{0,20}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"\?[a-z0-9=&%]{0,20}", fullmatch=True)),
    st.one_of(st.just(""), st.from_regex(r"#[a-z0-9-]{0,10}", fullmatch=True)),
)


@given(urls)
def test_removing_the_tags_gives_back_the_address_as_it_was(url):
    tagged = TAGGER.tag(url)
    if "/news/" in url or url.startswith("https://site.example/unsubscribe"):
        return
    base, _, fragment = url.partition("#")
    tagged_base, _, tagged_fragment = tagged.partition("#")
    assert tagged_fragment == fragment  # the fragment stays last, unchanged
    added = tagged_base[len(base) :]
    assert tagged_base.startswith(base)  # the query string kept, byte for byte
    assert re.fullmatch(r"[?&]?utm_source=[^&]+&utm_medium=email&utm_campaign=[^&]+", added), added
    assert dict(parse_qsl(urlsplit(tagged).query))["utm_medium"] == "email"


# --- the email --------------------------------------------------------------------------------


def build(root: Path, issue: str = JUNE):
    ws = load_workspace(explicit=root)
    return build_issue(ws, load_issue(ws, ws.resolve_issue(issue)))


UTM_ON = '\n[utm]\nenabled = true\nsource = "team-update"\n'


def hrefs(markup: str) -> list[str]:
    return [h for h, _ in Links(markup).links]


def test_with_utm_off_the_email_is_the_same_byte_for_byte(tmp_path):
    plain = build(team_workspace(tmp_path / "a"))
    off = build(
        team_workspace(tmp_path / "b", settings=SETTINGS + WEB_EXTRA + "\n[utm]\nenabled = false\n")
    )
    assert (off.html, off.text, off.web_html, off.web_md) == (
        plain.html,
        plain.text,
        plain.web_html,
        plain.web_md,
    )
    assert "utm_" not in plain.html + plain.text


def test_with_utm_on_the_emails_own_links_are_tagged_and_nothing_else(tmp_path):
    settings = SETTINGS.replace(
        'signup = "https://example.org/newsletter"',
        'signup = "https://example.org/newsletter"\nunsubscribe = "https://example.org/unsubscribe"',
    )
    root = team_workspace(tmp_path / "ws", settings=settings + WEB_EXTRA + UTM_ON)
    off = build(team_workspace(tmp_path / "off", settings=settings + WEB_EXTRA))
    b = build(root)
    tags = "utm_source=team-update&utm_medium=email&utm_campaign=2026-06"
    links = hrefs(b.html)
    assert f"https://example.org/report?year=2025&{tags}" in links  # query string kept
    assert f"https://example.org/events/cuppa?{tags}" in links
    assert f"https://example.org?{tags}" in links  # the masthead
    assert "https://www.eventbrite.co.uk/e/hive-2026" in links  # not the team's site
    assert "https://blog.example.net/lizzie" in links
    assert "mailto:coproduction@example.org" in links
    assert f"{BASE_URL}{JUNE}/" in links  # "View in browser": the web edition
    assert f"{BASE_URL}{JUNE}/hive.ics" in links
    assert "https://example.org/unsubscribe" in links  # the unsubscribe link, untagged
    assert not [h for h in links if "calendar.google.com" in h and "utm_" in h]
    # the text part carries the same final addresses
    text_urls = set(re.findall(r"https?://[^\s)]+", b.text))
    html_urls = {h for h in links if h.startswith("http")}
    assert {u for u in html_urls if "utm_" in u} == {u for u in text_urls if "utm_" in u}
    assert "Unsubscribe: https://example.org/unsubscribe\n" in b.text
    assert f"View online: {BASE_URL}{JUNE}/\n" in b.text
    # only the hrefs changed: untag them and the email is the one without UTM
    assert (
        re.sub(
            r"(\?|&amp;)utm_source=[^&\"#\s]+&amp;utm_medium=email&amp;utm_campaign=2026-06",
            "",
            b.html,
        )
        == off.html
    )
    # the web edition is never tagged
    assert "utm_" not in b.web_html + b.web_md


def test_the_web_edition_is_never_tagged(cli, tmp_path):
    root = team_workspace(tmp_path / "ws", settings=SETTINGS + WEB_EXTRA + UTM_ON)
    assert cli("web", "--all", "--offline", cwd=root).exit_code == 0
    for path in (root / "site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".ics"):
            assert "utm_" not in path.read_text(encoding="utf-8"), path
    assert cli("draft", JUNE, cwd=root).exit_code == 0
    assert "utm_" in (root / "drafts" / JUNE / "build" / "issue.html").read_text()


def test_a_provider_merge_tag_is_never_tagged(tmp_path):
    root = make_workspace(
        tmp_path / "ws",
        provider="mailchimp",
        list_id="a1b2c3d4e5",
        settings=SETTINGS.replace('name = "outbox"', 'name = "mailchimp"\nlist = "a1b2c3d4e5"')
        + '\n[utm]\nenabled = true\ndomains = ["*"]\n',
        issues={
            "2026-12": {
                "issue.md": '---\nsubject: "Team update: December 2026"\ndate: 2026-12-01\n---\n'
                "[Read online](https://example.org/a)\n"
            }
        },
    )
    b = build(root, "2026-12")
    assert '<a href="*|UNSUB|*"' in b.html
    assert (
        "https://example.org/a?utm_source=co-production-collective&amp;utm_medium=email" in b.html
    )
