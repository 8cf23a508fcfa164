"""The web edition through the real command line: the page, the CMS's copy, the archive and
the feeds, read back the way a browser, a CMS and a feed reader read them."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import SETTINGS
from tests.web_support import (
    BASE_URL,
    DECEMBER,
    JUNE,
    NOVEMBER,
    WEB_EXTRA,
    WEB_SETTINGS,
    Links,
    team_workspace,
    text_of,
)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return team_workspace(tmp_path / "ws")


def parse_html5(markup: str):
    """The document as a browser builds it, and every parse error html5lib met."""
    import html5lib

    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    document = parser.parse(markup)
    return document, parser.errors


def read(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


def meta(document, key: str) -> str | None:
    for el in document.iter("meta"):
        if el.get("property") == key or el.get("name") == key:
            return el.get("content")
    return None


# --- one issue ------------------------------------------------------------------------------


def test_web_writes_the_page_its_pictures_and_calendar_files_and_the_cms_copy(cli, team):
    r = cli("web", JUNE, "--offline", cwd=team)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        f"Wrote the web edition of {JUNE}: Team update: June 2026",
        f"  site/{JUNE}/index.html (with 2 pictures and 2 calendar files)",
        f"  drafts/{JUNE}/build/web.html",
        f"  drafts/{JUNE}/build/web.md",
        "  copro-news web --all writes the archive and the feeds of the issues that went out.",
        "  No problems found.",
    ]
    site = team / "site" / JUNE
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "co-pro-cuppa.ics",
        "hive.ics",
        "images/pat.png",
        "images/sun.png",
        "index.html",
    ]
    assert (site / "images" / "sun.png").read_bytes() == (
        team / "drafts" / JUNE / "images" / "sun.png"
    ).read_bytes()
    # the issue's calendar record, kept in git beside send.json
    record = json.loads(read(team, f"drafts/{JUNE}/calendar.json"))
    assert record["issue"] == JUNE and sorted(record["events"]) == ["co-pro-cuppa", "hive"]


def test_the_page_is_a_standalone_semantic_page_without_the_emails_machinery(cli, team):
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    page = read(team, f"site/{JUNE}/index.html")
    document, errors = parse_html5(page)
    assert errors == []
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    # real headings: one h1, the subject; sections h2, snippets h3
    found = Links(page)
    assert [h for h in found.headings if h[0] == "h1"] == [("h1", "Team update: June 2026")]
    assert ("h2", "Hello from the team") in found.headings
    assert ("h2", "Events") in found.headings and ("h3", "Co-Pro Cuppa") in found.headings
    assert ("h2", "Get involved") in found.headings
    levels = [int(tag[1]) for tag, _ in found.headings]
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    article = document.find(".//main/article")
    assert article is not None and article.find(".//h1").text == "Team update: June 2026"
    # every date in a <time datetime>, the issue's full date first
    times = {el.get("datetime"): "".join(el.itertext()) for el in document.iter("time")}
    assert times["2026-06-02"] == "Tuesday 2 June 2026"
    assert times["2026-06-02T12:30+01:00"] == "Tuesday 2 June 2026, 12:30"
    assert times["2026-06-02T13:30+01:00"] == "13:30"
    assert times["2026-06-23"] == "Tuesday 23"
    assert times["2026-06-24"] == "Wednesday 24 June 2026"
    assert times["2026-06-20T17:00+01:00"] == "17:00 on Saturday 20 June"
    body = page[page.index("<body>") :]
    outside = text_of(re.sub(r"<time [^>]*>.*?</time>", " ", body))
    assert not re.search(r"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d|\d:\d\d", outside)
    # lists as lists: the story's list, the add-to-calendar links, the footer's
    story = [li for li in document.iter("li") if "NHS trust" in "".join(li.itertext())]
    assert len(story) == 1
    calendars = [ul for ul in document.iter("ul") if ul.get("class") == "calendar-links"]
    assert len(calendars) == 2
    # pictures beside the page, with their size
    assert ("images/sun.png", "Sun rising over the hills") in found.images
    assert ("images/pat.png", "Pat speaking at the conference") in found.images
    assert 'width="1200" height="500"' in page
    # its own stylesheet, inside it; none of the email's machinery
    assert "<style>" in page and ".calendar-links" in page
    for machinery in ("unsubscribe", "Unsubscribe", "forwarded", "preheader", "cid:", "<table"):
        assert machinery not in page, machinery
    assert "*|" not in page and "{{" not in page and "utm_" not in page


def test_the_page_has_its_address_and_what_sharing_shows(cli, team):
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    document, _ = parse_html5(read(team, f"site/{JUNE}/index.html"))
    url = f"{BASE_URL}{JUNE}/"
    canonical = [el.get("href") for el in document.iter("link") if el.get("rel") == "canonical"]
    assert canonical == [url]
    assert meta(document, "og:url") == meta(document, "twitter:url") == url
    assert meta(document, "og:type") == "article"
    assert meta(document, "og:site_name") == "Co-Production Collective"
    assert meta(document, "og:title") == meta(document, "twitter:title") == "Team update: June 2026"
    description = "A meet-up, a two-day conference and a survey"
    assert meta(document, "og:description") == meta(document, "description") == description
    assert meta(document, "og:image") == meta(document, "twitter:image") == url + "images/sun.png"
    assert meta(document, "og:image:alt") == "Sun rising over the hills"
    assert meta(document, "twitter:card") == "summary_large_image"
    assert meta(document, "article:published_time") == "2026-06-02T08:00:00+00:00"
    feeds = {
        el.get("type"): el.get("href")
        for el in document.iter("link")
        if el.get("rel") == "alternate"
    }
    assert feeds == {
        "application/atom+xml": BASE_URL + "feed.xml",
        "application/feed+json": BASE_URL + "feed.json",
    }


def test_the_cms_copy_is_the_body_only_with_every_link_and_no_class_or_style(cli, team):
    assert cli("draft", JUNE, cwd=team).exit_code == 0
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    fragment = read(team, f"drafts/{JUNE}/build/web.html")
    _, errors = parse_html5(f"<!DOCTYPE html><title>x</title>{fragment}")
    assert errors == []
    for banned in ("<h1", "class=", "style=", "id=", "<table", "<script", "<section", "<div"):
        assert banned not in fragment, banned
    found = Links(fragment)
    assert found.headings[0] == ("h2", "Hello from the team")
    assert min(int(tag[1]) for tag, _ in found.headings) == 2
    # every link of the email's content is there, with the same words
    email = Links(read(team, f"drafts/{JUNE}/build/issue.html"))
    machinery = {
        "https://example.org",
        "https://example.org/newsletter",
        "mailto:hello@example.org",
        f"{BASE_URL}{JUNE}/",
    }
    content = {
        (h, t) for h, t in email.links if h not in machinery and "unsubscribe" not in h.lower()
    }
    assert ("https://example.org/report?year=2025", "our annual report") in content
    assert ("mailto:coproduction@example.org", "coproduction@example.org") in content
    assert content <= set(found.links), content - set(found.links)
    # pictures and calendar files at the page's address: they work from anywhere
    assert (f"{BASE_URL}{JUNE}/images/sun.png", "Sun rising over the hills") in found.images
    assert (f"{BASE_URL}{JUNE}/hive.ics", "Apple and others (.ics)") in found.links
    assert "<figure>" in fragment and "<figcaption>Photo: " in fragment


def test_the_markdown_copy_says_the_same_in_commonmark(cli, team):
    from markdown_it import MarkdownIt

    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    fragment = Links(read(team, f"drafts/{JUNE}/build/web.html"))
    text = read(team, f"drafts/{JUNE}/build/web.md")
    assert not text.startswith("---")  # no front matter: CommonMark would show it as text
    rendered = Links(MarkdownIt("commonmark").render(text))
    assert rendered.links == fragment.links
    assert rendered.images == fragment.images
    assert rendered.headings == fragment.headings
    assert "## Events\n\n### Co-Pro Cuppa\n" in text
    assert "- training for the regional NHS trust;\n" in text
    assert "**When:** Tuesday 2 June 2026, 12:30–13:30" in text


def test_without_a_base_url_web_warns_once_and_leaves_out_what_needs_it(cli, tmp_path):
    root = team_workspace(tmp_path / "ws", settings=SETTINGS)
    assert cli("draft", JUNE, cwd=root).exit_code == 0
    r = cli("web", "--all", "--offline", cwd=root)
    assert r.exit_code == 0, r.output
    assert r.stderr.count("web-url-missing") == 1
    assert (
        "copro-news.toml: web-url-missing [web] base_url is not set: the pages have no address "
        "of their own" in " ".join(r.stderr.split())
    )
    assert (
        'hint: Add base_url under [web]: the address where site/ is published, e.g. base_url = "https://example.org/news/".'
        in " ".join(r.stderr.split())
    )
    assert "1 warning (listed above)." in r.stdout
    page = read(root, f"site/{JUNE}/index.html")
    assert 'rel="canonical"' not in page and "og:url" not in page and "og:image" not in page
    assert ".ics" not in page  # the .ics links wait for the address: here, as everywhere
    assert (root / "site" / JUNE / "hive.ics").is_file()  # the files are ready beside it
    fragment = read(root, f"drafts/{JUNE}/build/web.html")
    assert ".ics" not in fragment  # pasted elsewhere, a path beside the page would be broken
    assert "Google Calendar" in fragment and "Outlook" in fragment
    email = read(root, f"drafts/{JUNE}/build/issue.html")
    assert "View this email in your browser" not in email and ".ics" not in email
    assert not read(root, f"drafts/{JUNE}/build/issue.txt").startswith("View online")


def test_with_a_base_url_the_email_links_to_its_page(cli, team):
    r = cli("draft", JUNE, cwd=team)
    assert r.exit_code == 0, r.output
    email = read(team, f"drafts/{JUNE}/build/issue.html")
    page = f"{BASE_URL}{JUNE}/"
    assert (page, "View this email in your browser") in Links(email).links
    text = read(team, f"drafts/{JUNE}/build/issue.txt")
    assert text.startswith(f"View online: {page}\n\n")
    assert f"- Apple and others (.ics): {page}hive.ics\n" in text
    assert (f"{page}co-pro-cuppa.ics", "Apple and others (.ics)") in Links(email).links
    assert "data:" not in email  # webmail strips data: links; calendar files are hosted


# --- every issue that went out -----------------------------------------------------------------


def test_web_all_writes_the_issues_that_went_out_the_archive_and_the_feeds(cli, team):
    r = cli("web", "--all", "--offline", cwd=team)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        "Wrote the web edition: 2 issues that went out, the archive and the feeds.",
        f"  site/{JUNE}/index.html (with 2 pictures and 2 calendar files)",
        f"  drafts/{JUNE}/build/web.html",
        f"  drafts/{JUNE}/build/web.md",
        f"  site/{NOVEMBER}/index.html (with 1 calendar file)",
        f"  drafts/{NOVEMBER}/build/web.html",
        f"  drafts/{NOVEMBER}/build/web.md",
        "  site/index.html",
        "  site/feed.xml",
        "  site/feed.json",
        "  No problems found.",
    ]
    assert not (team / "site" / DECEMBER).exists()  # not sent: not on the website
    archive = read(team, "site/index.html")
    _, errors = parse_html5(archive)
    assert errors == []
    found = Links(archive)
    issues = [(h, t) for h, t in found.links if re.fullmatch(r"\d{4}-\d{2}/", h)]
    assert issues == [
        (f"{NOVEMBER}/", "Team update: November 2026"),
        (f"{JUNE}/", "Team update: June 2026"),
    ]
    assert '<time datetime="2026-11-03">Tuesday 3 November 2026</time>' in archive
    assert "Not sent yet" not in archive and "December" not in archive


def test_the_atom_feed_reads_back_in_a_feed_reader(cli, team):
    import feedparser

    assert cli("web", "--all", "--offline", cwd=team).exit_code == 0
    feed = feedparser.parse(read(team, "site/feed.xml"))
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Co-Production Collective"
    assert feed.feed.id == BASE_URL
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [BASE_URL + "feed.xml"]
    assert [e.title for e in feed.entries] == [
        "Team update: November 2026",
        "Team update: June 2026",
    ]
    november, june = feed.entries
    assert june.link == june.id == f"{BASE_URL}{JUNE}/"
    assert tuple(june.published_parsed)[:5] == (2026, 6, 2, 8, 0)
    assert tuple(november.updated_parsed)[:5] == (2026, 11, 3, 9, 0)
    assert june.summary == "A meet-up, a two-day conference and a survey"
    content = june.content[0]
    assert content.type == "text/html"
    body = Links(content.value)
    assert ("https://example.org/report?year=2025", "our annual report") in body.links
    assert ("https://example.org/events/cuppa", "Book your place") in body.links
    assert (f"{BASE_URL}{JUNE}/images/pat.png", "Pat speaking at the conference") in body.images
    assert ("h3", "Co-Pro Cuppa") in body.headings and "Bring a cuppa." in content.value


def test_the_json_feed_is_json_feed_1_1(cli, team):
    import feedparser
    import jsonschema

    assert cli("web", "--all", "--offline", cwd=team).exit_code == 0
    doc = json.loads(read(team, "site/feed.json"))
    schema = {  # what JSON Feed 1.1 requires (jsonfeed.org/version/1.1)
        "type": "object",
        "required": ["version", "title", "items"],
        "properties": {
            "version": {"const": "https://jsonfeed.org/version/1.1"},
            "title": {"type": "string"},
            "home_page_url": {"type": "string", "format": "uri"},
            "feed_url": {"type": "string", "format": "uri"},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                    "properties": {
                        "id": {"type": "string"},
                        "url": {"type": "string"},
                        "content_html": {"type": "string"},
                        "date_published": {"type": "string", "format": "date-time"},
                    },
                },
            },
        },
    }
    jsonschema.validate(doc, schema, format_checker=jsonschema.FormatChecker())
    assert doc["feed_url"] == BASE_URL + "feed.json" and doc["home_page_url"] == BASE_URL
    assert [i["title"] for i in doc["items"]] == [
        "Team update: November 2026",
        "Team update: June 2026",
    ]
    june = doc["items"][1]
    assert june["id"] == june["url"] == f"{BASE_URL}{JUNE}/"
    assert june["date_published"] == "2026-06-02T08:00:00Z"
    assert june["image"] == f"{BASE_URL}{JUNE}/images/sun.png"
    assert "Co-Pro Cuppa" in june["content_html"]
    # the same issues, in the same order, as the Atom feed: a reader of either sees one list
    atom = feedparser.parse(read(team, "site/feed.xml"))
    assert [e.id for e in atom.entries] == [i["id"] for i in doc["items"]]
    for entry, item in zip(atom.entries, doc["items"], strict=True):
        ours = Links(item["content_html"])
        theirs = Links(entry.content[0].value)
        assert (theirs.links, theirs.images, theirs.headings) == (
            ours.links,
            ours.images,
            ours.headings,
        )


def test_feeds_without_a_base_url_link_from_their_own_folder(cli, tmp_path):
    import feedparser

    root = team_workspace(tmp_path / "ws", settings=SETTINGS)
    assert cli("web", "--all", "--offline", cwd=root).exit_code == 0
    feed = feedparser.parse(read(root, "site/feed.xml"))
    assert feed.bozo == 0
    assert [e.link for e in feed.entries] == [f"{NOVEMBER}/", f"{JUNE}/"]
    assert all(e.id.startswith("urn:uuid:") for e in feed.entries)
    again = tmp_path / "again"
    team_workspace(again, settings=SETTINGS)
    assert cli("web", "--all", "--offline", cwd=again).exit_code == 0
    assert read(again, "site/feed.xml") == read(root, "site/feed.xml")  # ids that last
    assert f'src="{JUNE}/images/pat.png"' in feed.entries[1].content[0].value


def test_an_issue_scheduled_for_a_time_past_went_out(cli, team):
    from datetime import UTC, datetime

    from copro_news import sendrecord

    folder = team / "drafts" / DECEMBER
    record = sendrecord.new_record(DECEMBER, "outbox", "", datetime(2026, 1, 1, tzinfo=UTC))
    record.mark_created("x")
    record.mark_content_set("0" * 16)
    record.request(sendrecord.Call.SCHEDULE, when=datetime(2026, 1, 2, tzinfo=UTC))
    record.mark_scheduled()
    sendrecord.save(folder, record)
    r = cli("web", "--all", "--offline", cwd=team)
    assert r.exit_code == 0, r.output
    assert "3 issues that went out" in r.stdout
    assert (team / "site" / DECEMBER / "index.html").is_file()


def test_with_no_issue_sent_the_archive_says_so(cli, tmp_path):
    root = team_workspace(tmp_path / "ws", sent=False)
    r = cli("web", "--all", "--offline", cwd=root)
    assert r.exit_code == 0, r.output
    assert "0 issues that went out" in r.stdout
    assert "No issue has gone out yet." in read(root, "site/index.html")
    assert json.loads(read(root, "site/feed.json"))["items"] == []


# --- never a hand-written file -----------------------------------------------------------------


def test_a_file_copro_news_did_not_write_is_never_replaced(cli, team):
    own = team / "site" / "index.html"
    own.parent.mkdir()
    own.write_text("<p>Our own home page.</p>\n")
    r = cli("web", "--all", "--offline", cwd=team)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-2:] == [
        "Error: site/index.html already exist and copro-news did not write them, so nothing "
        "was written.",
        "Hint: Move them elsewhere, or set another folder under [web] in copro-news.toml "
        '(folder = "site").',
    ]
    assert own.read_text() == "<p>Our own home page.</p>\n"
    assert sorted(p.name for p in own.parent.iterdir()) == ["index.html"]
    assert not (team / "drafts" / JUNE / "calendar.json").exists()
    # its own files, written before, it writes again
    own.unlink()
    assert cli("web", "--all", "--offline", cwd=team).exit_code == 0
    assert cli("web", "--all", "--offline", cwd=team).exit_code == 0


def test_the_folder_is_a_setting_and_never_the_teams_own(cli, team):
    settings = team / "copro-news.toml"
    settings.write_text(WEB_SETTINGS + 'folder = "public/news"\n')
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    assert (team / "public" / "news" / JUNE / "index.html").is_file()
    settings.write_text(WEB_SETTINGS + 'folder = "drafts"\n')
    r = cli("web", JUNE, "--offline", cwd=team)
    assert r.exit_code == 1
    assert "'web.folder' is a folder of the workspace's own files: 'drafts'." in r.stderr


def test_web_all_takes_no_issue(cli, team):
    r = cli("web", JUNE, "--all", cwd=team)
    assert r.exit_code == 2
    assert "Error: --all writes every issue that went out; it takes no issue." in r.stderr


# --- calendar files that stay the same ----------------------------------------------------------


def ics(root: Path, name: str) -> bytes:
    return (root / "site" / JUNE / name).read_bytes()


def test_rebuilding_keeps_the_calendar_files_byte_for_byte(cli, team):
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    first = {n: ics(team, n) for n in ("co-pro-cuppa.ics", "hive.ics")}
    record = read(team, f"drafts/{JUNE}/calendar.json")
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    assert {n: ics(team, n) for n in first} == first
    assert read(team, f"drafts/{JUNE}/calendar.json") == record


def test_a_new_time_raises_the_sequence_and_keeps_the_uid(cli, team):
    from icalendar import Calendar

    def event(name: str):
        return Calendar.from_ical(ics(team, name)).walk("VEVENT")[0]

    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    before = event("co-pro-cuppa.ics")
    assert before["SEQUENCE"] == 0
    snippet = team / "drafts" / JUNE / "events" / "co-pro-cuppa.md"
    snippet.write_text(snippet.read_text().replace('title: "Co-Pro Cuppa"', 'title: "Cuppa"'))
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    renamed = event("co-pro-cuppa.ics")
    assert (renamed["UID"], renamed["SEQUENCE"], str(renamed["SUMMARY"])) == (
        before["UID"],
        0,
        "Cuppa",
    )
    snippet.write_text(snippet.read_text().replace("12:30", "13:00").replace('"13:30"', '"14:00"'))
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    moved = event("co-pro-cuppa.ics")
    assert moved["UID"] == before["UID"] and moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTART").hour == 13
    assert event("hive.ics")["SEQUENCE"] == 0


def test_a_calendar_record_copied_with_last_months_folder_is_not_reused(cli, team):
    assert cli("web", JUNE, "--offline", cwd=team).exit_code == 0
    june = json.loads(read(team, f"drafts/{JUNE}/calendar.json"))
    copied = team / "drafts" / NOVEMBER / "calendar.json"
    copied.write_text(read(team, f"drafts/{JUNE}/calendar.json"))
    assert cli("web", NOVEMBER, "--offline", cwd=team).exit_code == 0
    november = json.loads(copied.read_text())
    assert november["issue"] == NOVEMBER
    assert november["events"]["co-pro-cuppa"]["uid"] != june["events"]["co-pro-cuppa"]["uid"]


# --- the checks over the web edition --------------------------------------------------------------


def test_the_link_and_image_rules_run_over_the_page(cli, tmp_path):
    from tests.conftest import make_workspace, settings_with_links
    from tests.linkserver import LinkServer

    with LinkServer() as server:
        base = server.base
        settings = settings_with_links(f"{base}/ok", f"{base}/page/signup")
        issue = {
            "issue.md": '---\nsubject: "Team update: June 2026"\ndate: 2026-06-02\n---\nHello.\n',
            "events": {
                "cuppa.md": f'---\ntitle: "Cuppa"\nstart: 2026-06-02 12:30\nlink: {base}/ok/cuppa\n'
                "---\nBring a cuppa.\n"
            },
            "stories": {
                "news.md": f'---\ntitle: "News"\n---\n[The report]({base}/missing) and '
                f"![A chart]({base}/gone)\n"
            },
        }
        root = make_workspace(tmp_path / "ws", settings=settings + WEB_EXTRA, issues={JUNE: issue})
        r = cli("web", JUNE, cwd=root)
    assert r.exit_code == 0, r.output  # written, as draft writes an email with problems
    shown = " ".join(r.stderr.split())
    assert (
        f"drafts/{JUNE}/stories/news.md:4: link-broken The link {base}/missing is broken" in shown
    )
    assert f"image-broken The image {base}/gone does not load" in shown
    assert "2 errors (listed above)." in r.stdout
    assert (root / "site" / JUNE / "index.html").is_file()
    # the calendar services' links are made by copro-news, never fetched as a person's link
    assert not [p for (_, p) in server.hits if "calendar" in p]
    assert "calendar.google.com" not in r.stderr and "outlook" not in r.stderr


# --- mistakes, and the preview --------------------------------------------------------------------


def test_a_mistake_in_a_web_template_is_shown_at_its_line(cli, team):
    own = team / "templates" / "web" / "page.html"
    own.parent.mkdir(parents=True)
    own.write_text("<!DOCTYPE html>\n<title>{{ subject }}</title>\n{{ issue.titel }}\n")
    r = cli("web", JUNE, "--offline", cwd=team)
    assert r.exit_code == 1
    assert "A template has a mistake in templates/web/page.html, line 3:" in r.stderr
    assert not (team / "site").exists()


def test_an_issue_with_errors_is_not_written(cli, team):
    snippet = team / "drafts" / JUNE / "events" / "hive.md"
    snippet.write_text(snippet.read_text().replace("start: 2026-06-23", "start: someday"))
    r = cli("web", JUNE, "--offline", cwd=team)
    assert r.exit_code == 1
    assert f"drafts/{JUNE}/events/hive.md:3: field-invalid" in " ".join(r.stderr.split())
    assert not (team / "site").exists()


def test_the_preview_serves_the_web_page_its_pictures_and_calendar_files(team):
    from tests.preview_support import get, running_preview

    folder = team / "drafts" / JUNE
    with running_preview(team, folder, watch=False) as running:
        status, headers, page = get(running.url, "/web/index.html")
        assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8")
        assert page.decode() == running.preview.snapshot.web
        assert b"<h1>Team update: June 2026</h1>" in page
        status, headers, data = get(running.url, "/web/images/sun.png")
        assert (status, headers["content-type"]) == (200, "image/png")
        assert data == (folder / "images" / "sun.png").read_bytes()
        status, _, data = get(running.url, "/web/hive.ics")
        assert status == 200 and b"DTSTART;VALUE=DATE:20260623" in data
        for wrong in ("/web/../issue.md", "/web/build/web.html", "/web/%2e%2e/copro-news.toml"):
            assert get(running.url, wrong)[0] == 404, wrong
    assert not (folder / "calendar.json").exists() and not (team / "site").exists()


def test_the_workspace_may_have_a_stylesheet_of_its_own_for_the_web(cli, team):
    own = team / "templates" / "web" / "style.css"
    own.parent.mkdir(parents=True)
    own.write_text("main { border: 4px solid rebeccapurple; } /* </style><script> */\n")
    assert cli("web", "--all", "--offline", cwd=team).exit_code == 0
    for page in (f"site/{JUNE}/index.html", "site/index.html"):
        text = read(team, page)
        assert "rebeccapurple" in text and ".calendar-links {" not in text
        document, _ = parse_html5(text)
        assert list(document.iter("script")) == []  # a stylesheet never ends its <style>
    r = cli("templates", cwd=team)
    assert "web/style.css" in r.stdout and "web/page.html" in r.stdout
