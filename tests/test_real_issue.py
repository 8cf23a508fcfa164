"""A past issue written as it was meant: its own order and headings, a footer of its own,
pictures from the issue folder, an event over two days, a deadline with a time.

Every test goes through the real command line on a workspace built here, and looks at what
a reader gets: the HTML, the text part, the .eml parsed back, the previews, the outbox.
"""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest

from tests.conftest import SETTINGS, build_file_tree
from tests.helpers import png

ISSUE = "2027-02"

# The settings of a team that wrote its footer and named its social links.
TEAM_SETTINGS = (
    SETTINGS.replace("1 Example Street, London, N1 1AA", "Unit 4, 20 Canal Road, Leeds, LS12 2PL")
    + """
[footer]
heading = "Get involved"
text = \"\"\"If you have any suggestions, questions or ideas, please get in touch at
[coproduction@example.org](mailto:coproduction@example.org).\"\"\"
"""
).replace(
    'signup = "https://example.org/newsletter"\n',
    'signup = "https://example.org/newsletter"\n'
    'linkedin = "https://www.linkedin.com/company/copro"\n'
    'youtube = "https://www.youtube.com/@copro"\n'
    'bluesky = "https://bsky.app/profile/copro"\n'
    'x = "https://x.com/copro"\n',
)


ISSUE_MD = """\
---
subject: "Team update: February 2027"
date: 2027-02-02
preheader: "A story, two events and a consultation"
hero:
  image: images/sun.png
  alt: "Sun rising over the hills"
  credit: "[Ivana Cajina](https://unsplash.com/@ivanacajina)"
sections:
  - stories/cuppa-recap.md
  - events
  - partnerships: Working together
  - actions
---
## Hello from the team

Welcome to the February update.
"""

FILES: dict[str, object] = {
    "issue.md": ISSUE_MD,
    "images": {"sun.png": png(1200, 500), "pat.png": png(1200, 900)},
    "stories": {
        "cuppa-recap.md": '---\ntitle: "The Cuppa\'s story"\n---\nPat told the story of '
        "the Cuppa.\n\n![Pat speaking at the Cuppa](images/pat.png)\n",
        "training.md": '---\ntitle: "Training delivered"\n---\nWe trained forty people.\n',
    },
    "events": {
        "hive.md": '---\ntitle: "Hive: peer research conference"\nstart: 2027-03-24\n'
        "end: 2027-03-25\nlocation: Online\nlink: https://example.org/hive\n---\n"
        "Two days of peer research.\n",
        "cuppa.md": '---\ntitle: "Co-Pro Cuppa"\nstart: 2027-03-02 12:30\nend: "13:30"\n'
        "location: Online (Zoom)\nlink: https://example.org/cuppa\n---\nBring a cuppa.\n",
    },
    "partnerships": {
        "healthwatch.md": '---\ntitle: "Healthwatch"\npartner: Healthwatch Camden\n---\n'
        "We work together on access to services.\n"
    },
    "actions": {
        "consultation.md": '---\ntitle: "Share your views"\ndeadline: 2027-02-13 17:00\n'
        "link: https://example.org/consultation\nbutton: Take the survey\n---\nTell us.\n"
    },
}


@pytest.fixture
def team(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    build_file_tree(root, {"copro-news.toml": TEAM_SETTINGS, "drafts": {ISSUE: FILES}})
    return root


def built(root: Path, name: str) -> str:
    return (root / "drafts" / ISSUE / "build" / name).read_text(encoding="utf-8")


def order_of(text: str, *needles: str) -> list[int]:
    return [text.index(n) for n in needles]


# --- order and headings ---------------------------------------------------------------------


def test_the_issue_is_drafted_in_its_own_order_with_its_own_headings(cli, team):
    r = cli("draft", cwd=team)
    assert r.exit_code == 0, r.output
    assert (
        '  intro, 1 story, 2 events, 1 partnership ("Working together"), 1 action, 1 story'
        in r.stdout.splitlines()
    )
    html = built(team, "issue.html")
    # the Cuppa's story right after the intro, without a section heading; the other story
    # follows in its section, at the end, so no snippet is ever left out
    positions = order_of(
        html,
        "Hello from the team",
        "The Cuppa's story",
        ">Events</h2>",
        ">Working together</h2>",
        ">Have your say</h2>",
        ">News and stories</h2>",
        "Training delivered",
        ">Get involved</h2>",
    )
    assert positions == sorted(positions)
    assert "Partnerships and projects" not in html
    assert html.count("The Cuppa's story") == 1  # placed on its own, not repeated

    text = built(team, "issue.txt")
    positions = order_of(
        text,
        "Hello from the team",
        "The Cuppa's story\n-----------------",
        "EVENTS\n======",
        "WORKING TOGETHER\n================",
        "HAVE YOUR SAY\n=============",
        "NEWS AND STORIES\n================",
        "Training delivered",
        "GET INVOLVED\n============",
    )
    assert positions == sorted(positions)


def test_the_workspace_order_and_headings_come_from_the_settings(cli, team):
    settings = team / "copro-news.toml"
    settings.write_text(
        settings.read_text() + '\n[sections]\norder = ["actions", "stories"]\n\n[sections.titles]\n'
        'actions = "Take part"\nevents = "Dates for your diary"\n',
        encoding="utf-8",
    )
    issue = team / "drafts" / ISSUE / "issue.md"
    issue.write_text(re.sub(r"sections:\n(  - .*\n)+", "", ISSUE_MD), encoding="utf-8")
    r = cli("draft", cwd=team)
    assert r.exit_code == 0, r.output
    text = built(team, "issue.txt")
    # the settings' order, then the sections it leaves out in the house order
    positions = order_of(
        text,
        "TAKE PART\n",
        "NEWS AND STORIES\n",
        "DATES FOR YOUR DIARY\n",
        "PARTNERSHIPS AND PROJECTS\n",
    )
    assert positions == sorted(positions)
    assert (
        '  intro, 1 action ("Take part"), 2 stories, 2 events ("Dates for your diary"), '
        "1 partnership" in r.stdout
    )


def test_terminal_preview_follows_the_issue_order(cli, team):
    r = cli("preview", cwd=team)
    out = r.stdout
    positions = order_of(
        out,
        "Hello from the team",
        "The Cuppa's story",
        "\nEvents ─",
        "\nWorking together ─",
        "\nHave your say ─",
        "\nNews and stories ─",
        "Training delivered",
        "\nGet involved ─",
    )
    assert positions == sorted(positions)
    assert "When: Wednesday 24 – Thursday 25 March 2027" in out
    assert "Deadline: by 17:00 on Saturday 13 February" in out
    assert "File: images/sun.png, 1200×500 px" in out
    assert "(photo: Ivana Cajina (https://unsplash.com/@ivanacajina))" in out


@pytest.mark.parametrize(
    ("entry", "message", "hint"),
    [
        (
            "storys",
            "'sections' names 'storys', which is neither a section nor a snippet of this issue.",
            "Did you mean 'stories'?",
        ),
        (
            "stories/cupa-recap.md",
            "'sections' names 'stories/cupa-recap.md', which is neither a section nor a "
            "snippet of this issue.",
            "Did you mean 'stories/cuppa-recap.md'?",
        ),
    ],
)
def test_a_name_that_matches_nothing_is_an_error_with_a_did_you_mean(
    cli, team, entry, message, hint
):
    issue = team / "drafts" / ISSUE / "issue.md"
    issue.write_text(ISSUE_MD.replace("  - actions\n", f"  - actions\n  - {entry}\n"))
    r = cli("draft", cwd=team)
    assert r.exit_code == 1
    assert f"  drafts/{ISSUE}/issue.md:14: field-invalid {message}" in r.stderr
    assert f"      hint: {hint}" in r.stderr
    assert not (team / "drafts" / ISSUE / "build").exists()


def test_a_section_named_twice_is_an_error(cli, team):
    issue = team / "drafts" / ISSUE / "issue.md"
    issue.write_text(ISSUE_MD.replace("  - actions\n", "  - actions\n  - events\n"))
    r = cli("check", "--offline", cwd=team)
    assert r.exit_code == 1
    assert f"drafts/{ISSUE}/issue.md:14: field-invalid 'sections' names events twice." in r.stdout


def test_a_misspelt_section_in_the_settings_is_a_settings_problem(cli, team):
    settings = team / "copro-news.toml"
    settings.write_text(
        settings.read_text() + '\n[sections]\norder = ["event"]\n\n[sections.titles]\nstory = "X"\n'
    )
    r = cli("draft", cwd=team)
    assert r.exit_code == 1
    assert "'sections.order' names 'event', which is not a section." in r.stderr
    assert "hint: Did you mean 'events'?" in r.stderr
    assert "'sections.titles.story': 'story' is not a section." in r.stderr
    assert "hint: Did you mean 'stories'?" in r.stderr


# --- the footer -----------------------------------------------------------------------------


def test_the_footer_says_what_the_settings_say_and_names_links_as_people_know_them(cli, team):
    assert cli("draft", cwd=team).exit_code == 0
    html = built(team, "issue.html")
    footer = html[html.index('class="footer"') :]
    assert ">Get involved</h2>" in footer
    assert "please get in touch at" in footer
    assert '<a href="mailto:coproduction@example.org"' in footer
    names = re.findall(r'<a href="https://(?:bsky|x\.com|www)[^"]*"[^>]*>([^<]+)</a>', footer)
    assert names == ["Bluesky", "LinkedIn", "X", "YouTube"]
    text = built(team, "issue.txt")
    assert "please get in touch at\ncoproduction@example.org." in text
    for line in (
        "Bluesky: https://bsky.app/profile/copro",
        "LinkedIn: https://www.linkedin.com/company/copro",
        "YouTube: https://www.youtube.com/@copro",
        "X: https://x.com/copro",
    ):
        assert line in text.splitlines()
    assert "Linkedin" not in text and "Youtube" not in html


# --- dates ----------------------------------------------------------------------------------


def test_an_event_over_two_days_and_a_deadline_with_a_time(cli, team):
    assert cli("draft", cwd=team).exit_code == 0
    html, text = built(team, "issue.html"), built(team, "issue.txt")
    assert "When: Wednesday 24 – Thursday 25 March 2027" in text
    assert "Wednesday 24 – Thursday 25 March 2027" in html
    assert "Deadline: by 17:00 on Saturday 13 February" in text
    # sorted by day: the Cuppa (2 March) before Hive (24 March)
    assert text.index("Co-Pro Cuppa") < text.index("Hive: peer research")


# --- pictures -------------------------------------------------------------------------------


def test_pictures_of_the_issue_folder_are_embedded_in_the_eml(cli, team):
    assert cli("draft", cwd=team).exit_code == 0
    html = built(team, "issue.html")
    cids = re.findall(r'src="cid:([^"]+)"', html)
    assert len(cids) == 2 and len(set(cids)) == 2
    msg = email.message_from_bytes(
        (team / "drafts" / ISSUE / "build" / "issue.eml").read_bytes(), policy=policy.default
    )
    related = [p for p in msg.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1
    parts = {p["Content-ID"].strip("<>"): p for p in related[0].iter_parts() if p["Content-ID"]}
    assert set(parts) == set(cids)
    sun = (team / "drafts" / ISSUE / "images" / "sun.png").read_bytes()
    assert sun in [p.get_content() for p in parts.values()]
    assert {p.get_content_type() for p in parts.values()} == {"image/png"}
    # the HTML part inside the related part references each picture
    inner = related[0].get_body(("html",)).get_content()
    assert all(f"cid:{cid}" in inner for cid in cids)


def test_pictures_never_widen_the_email(cli, team):
    assert cli("draft", cwd=team).exit_code == 0
    html = built(team, "issue.html")
    for tag in re.findall(r"<img [^>]*>", html):
        width = int(re.search(r'width="(\d+)"', tag).group(1))
        assert width <= 600, tag
        assert "max-width:100%" in tag.replace(" ", ""), tag
    inline = next(t for t in re.findall(r"<img [^>]*>", html) if "Pat speaking" in t)
    assert 'width="536"' in inline  # the text column, not the picture's 1200 px


def test_the_credit_may_hold_a_link(cli, team):
    assert cli("draft", cwd=team).exit_code == 0
    html = built(team, "issue.html")
    assert re.search(
        r'Photo: <a href="https://unsplash.com/@ivanacajina"[^>]*>Ivana Cajina</a>', html
    )
    assert "[Ivana Cajina]" not in html
    assert "(photo: Ivana Cajina\n(https://unsplash.com/@ivanacajina))" in built(team, "issue.txt")


def test_a_send_through_the_outbox_carries_the_pictures(cli, team):
    r = cli("send", "--yes", "--offline", "--schedule", "2027-02-02 09:00", cwd=team)
    assert r.exit_code == 0, r.output
    [sent] = sorted((team / "outbox").glob(f"{ISSUE}-*.eml"))
    msg = email.message_from_bytes(sent.read_bytes(), policy=policy.default)
    pictures = [p for p in msg.walk() if p.get_content_maintype() == "image"]
    assert len(pictures) == 2
    html = msg.get_body(("html",)).get_content()
    assert all(f"cid:{p['Content-ID'].strip('<>')}" in html for p in pictures)


def test_the_browser_preview_serves_the_pictures(team):
    from tests.preview_support import get, running_preview

    folder = team / "drafts" / ISSUE
    with running_preview(team, folder, watch=False) as running:
        status, _, body = get(running.url, "/issue/issue.html")
        assert status == 200
        page = body.decode("utf-8")
        assert "cid:" not in page
        sources = re.findall(r'<img [^>]*src="([^"]+)"', page)
        assert sorted(sources) == ["/issue/images/pat.png", "/issue/images/sun.png"]
        for src in sources:
            status, headers, data = get(running.url, src)
            assert (status, headers["content-type"]) == (200, "image/png")
            assert data == (folder / src[len("/issue/") :]).read_bytes()
        snapshot = running.preview.snapshot
        assert snapshot.at.startswith("2027-02-02 09:00 GMT (the issue's date")


def test_on_a_phone_nothing_is_wider_than_the_screen(team):
    """The email as the preview serves it (pictures and all), in Chromium at 375 px."""
    from tests.preview_support import chromium, chromium_path, running_preview

    if chromium_path() is None:
        pytest.skip("no Chromium: `make browser` installs Debian's chromium")
    pytest.importorskip("playwright.sync_api")
    folder = team / "drafts" / ISSUE
    with running_preview(team, folder, watch=False) as running, chromium() as browser:
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.goto(running.url + "issue/issue.html")
        page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        sizes = page.evaluate(
            """() => ({
                scroll: document.documentElement.scrollWidth,
                body: document.body.scrollWidth,
                viewport: window.innerWidth,
                images: [...document.images].map(i => i.getBoundingClientRect().right),
                widest: Math.max(...[...document.querySelectorAll('body *')]
                    .map(e => e.getBoundingClientRect().right)),
            })"""
        )
    assert sizes["viewport"] == 375
    assert sizes["scroll"] <= 375 and sizes["body"] <= 375, sizes
    assert max(sizes["images"]) <= 375, sizes
    assert sizes["widest"] <= 375, sizes


def test_a_heading_in_quotes_is_a_heading(cli, team):
    issue = team / "drafts" / ISSUE / "issue.md"
    issue.write_text(
        ISSUE_MD.replace("  - partnerships: Working together", '  - "partnerships: Together"')
    )
    assert cli("draft", cwd=team).exit_code == 0
    assert "TOGETHER\n========" in built(team, "issue.txt")
