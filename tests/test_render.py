import email
import email.policy
import os
import re
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from copro_news import dates
from copro_news.content import load_issue
from copro_news.inline import inline_css
from copro_news.render import build_issue, markdown_html, markdown_text
from copro_news.workspace import load_workspace
from tests.conftest import build_file_tree, make_workspace

GOLDEN = Path(__file__).parent / "golden"
LONDON = ZoneInfo("Europe/London")
FIXED = datetime(2022, 2, 25, 9, 0, tzinfo=LONDON)


def built(root: Path, provider: str | None = None):
    ws = load_workspace(explicit=root)
    issue = load_issue(ws, ws.resolve_issue(None))
    assert issue.problems == []
    return build_issue(ws, issue, provider=provider, when=FIXED)


def golden(name: str, actual: str) -> None:
    """``actual`` must equal tests/golden/NAME; UPDATE_GOLDEN=1 writes it, and the test then
    fails saying so, so that a run that wrote a golden file never passes."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8")
            pytest.fail(f"wrote {path}; check the change and rerun without UPDATE_GOLDEN")
    if not path.exists():
        pytest.fail(f"{path} is missing; UPDATE_GOLDEN=1 writes it")
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed; UPDATE_GOLDEN=1 to accept"


def test_dates_in_words():
    start = datetime(2022, 3, 1, 12, 30, tzinfo=LONDON)
    end = datetime(2022, 3, 1, 13, 30, tzinfo=LONDON)
    assert dates.event_when(start, end, "en_GB") == "Tuesday 1 March 2022, 12:30–13:30"
    assert dates.deadline(date(2022, 2, 13), "en_GB", issue_year=2022) == "by Sunday 13 February"
    assert dates.deadline(date(2023, 1, 6), "en_GB", issue_year=2022) == "by Friday 6 January 2023"
    two_days = dates.event_when(start, end.replace(day=2), "en_GB")
    assert two_days == "Tuesday 1 March 2022, 12:30 – Wednesday 2 March 2022, 13:30"
    assert dates.event_when(start, None, "en_US") == "Tuesday, March 1, 2022, 12:30\u202fPM"


def test_golden_html_and_text(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    b = built(tmp_path)
    golden("march-2022.html", b.html)
    golden("march-2022.txt", b.text)


def test_text_part_has_headings_dates_and_every_url(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    text = built(tmp_path).text
    assert "When: Tuesday 1 March 2022, 12:30–13:30" in text
    assert "When: Wednesday 23 March 2022, 10:00 – Thursday 24 March 2022, 16:00" in text
    assert "Deadline: by Sunday 13 March" in text
    assert "Take the 10-minute survey: https://example.org/survey" in text
    assert "the project page (https://example.org/projects/healthwatch)" in text
    assert "the team (projects@example.org)" in text
    assert "EVENTS\n======" in text
    assert "1. co-production training for Camden Council commissioners;" in text
    assert "<" not in text.replace("<br>", "")  # no HTML leaks into the text part
    for line in text.splitlines():
        if "http" not in line:
            assert len(line) <= 90, line


def test_html_is_email_ready(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    html = built(tmp_path).html
    assert '<link rel="stylesheet"' not in html and "<script" not in html
    # media queries survive inlining, flat
    assert "@media only screen and (max-width: 620px)" in html
    assert "@media (prefers-color-scheme: dark)" in html
    # the stylesheet is inserted raw: quotes in font names are not escaped
    assert "&#39;" not in html and "&#x27;" not in html
    assert "Georgia" in html
    # styles are inlined
    assert re.search(r"<h1 style=.[^>]*font-family:Georgia", html)
    # every link and image is absolute
    for url in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert url.startswith(("https://", "mailto:")), url
    assert 'src="https://example.org/images/changemakers-2022.jpg"' in html
    assert 'alt="Six Changemakers' in html
    assert "Photo: Priya Shah" in html
    assert 'class="preheader"' in html and "display:none" in html
    assert "1 Example Street, London, N1 1AA" in html
    assert "Tuesday 1 March 2022, 12:30–13:30" in html
    assert "by Sunday 13 March" in html
    # typographic quotes and dashes
    assert "“in-person”" in html and "fifty-three people who joined February’s sessions –" in html
    assert "Day</th>" in html and "Evaluation that counts</td>" in html
    assert 'class="button"' in html and 'bgcolor="#0b6e4f"' in html
    assert 'width="600"' in html


def test_unsubscribe_placeholder_per_provider(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    outbox = built(tmp_path)
    assert 'href="mailto:hello@example.org?subject=Unsubscribe"' in outbox.html
    mailchimp = built(tmp_path, provider="mailchimp")
    assert 'href="*|UNSUB|*"' in mailchimp.html
    assert "Unsubscribe: *|UNSUB|*" in mailchimp.text


def test_eml_parses_back(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    b = built(tmp_path)
    msg = email.message_from_bytes(b.eml, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in parts)
    assert parts[0].get_content().replace("\r\n", "\n") == b.text
    assert parts[1].get_content().replace("\r\n", "\n") == b.html.replace("\r\n", "\n")
    assert msg["Subject"] == "Team update: March 2022"
    assert msg["From"] == "Co-Production Collective <news@example.org>"
    assert msg["Reply-To"] == "hello@example.org"
    assert msg["Message-ID"].endswith("@example.org>")
    assert msg["List-Unsubscribe"] == "<mailto:hello@example.org?subject=Unsubscribe>"
    assert msg["Date"] == "Fri, 25 Feb 2022 09:00:00 +0000"
    assert b"\r\n" in b.eml


def test_workspace_template_overrides_one_file(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    build_file_tree(
        tmp_path / "templates" / "sections",
        {
            "stories.html": (
                '<tr><td class="section"><h2>Our news</h2>'
                "{% for item in items %}<p>{{ item.title }}</p>{% endfor %}</td></tr>"
            )
        },
    )
    html = built(tmp_path).html
    assert "Our news</h2>" in html
    assert "News and stories" not in html
    assert "Partnerships and projects" in html  # the other templates are the house ones


def test_markdown_is_escaped_and_typographic():
    html = markdown_html('He said "hello" -- <script>alert(1)</script>')
    assert "<script>" not in html
    assert "“hello” –" in html


def test_markdown_text_writes_links_out():
    text = markdown_text("See [our site](https://example.org) or <https://example.org/x>.")
    assert text == "See our site (https://example.org) or https://example.org/x."
    nested = markdown_text("- one\n- two\n  - inner\n\n> quoted")
    assert nested == "- one\n- two\n  - inner\n\n> quoted"


def test_nested_media_queries_are_not_in_the_house_style():
    from copro_news.render import package_templates

    css = (package_templates() / "style.css").read_text()
    depth = 0
    for ch in re.sub(r"/\*.*?\*/", "", css, flags=re.S):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        assert depth <= 2
    assert inline_css("<html><head><style>p{color:red}</style></head><body><p>x</p></body></html>")


@pytest.mark.parametrize(
    ("locale", "when"),
    [
        ("en_GB", "When: Tuesday 1 March 2022, 12:30–13:30"),
        ("en_US", "When: Tuesday, March 1, 2022, 12:30\u202fPM–1:30\u202fPM"),
        ("fr_FR", "When: mardi 1 mars 2022, 12:30–13:30"),
    ],
)
def test_other_locales_render(tmp_path, locale, when):
    make_workspace(tmp_path, fixture="march-2022")
    toml = tmp_path / "copro-news.toml"
    toml.write_text(toml.read_text().replace('locale = "en_GB"', f'locale = "{locale}"'))
    text = built(tmp_path).text
    # the event's date in the locale's words: only that locale's rendering writes this line
    assert when in text.splitlines()
    others = {"Tuesday 1 March 2022", "Tuesday, March 1, 2022", "mardi 1 mars 2022"}
    assert [o for o in others if o in text] == [o for o in others if o in when]


def test_a_missing_golden_file_fails_and_update_golden_writes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "GOLDEN", tmp_path)
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    missing = r"x\.txt is missing; UPDATE_GOLDEN=1 writes it"
    with pytest.raises(pytest.fail.Exception, match=missing):
        golden("x.txt", "text")
    assert not (tmp_path / "x.txt").exists()
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    with pytest.raises(pytest.fail.Exception, match=r"wrote .*x\.txt; check the change"):
        golden("x.txt", "text")  # written, and still not a pass
    assert (tmp_path / "x.txt").read_text(encoding="utf-8") == "text"
    golden("x.txt", "text")  # unchanged: passes, writes nothing
    monkeypatch.delenv("UPDATE_GOLDEN")
    golden("x.txt", "text")
    with pytest.raises(AssertionError, match=r"x\.txt changed; UPDATE_GOLDEN=1 to accept"):
        golden("x.txt", "other text")


def test_a_sender_name_with_a_comma_and_an_accent_is_one_address(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    toml = tmp_path / "copro-news.toml"
    toml.write_text(
        toml.read_text().replace(
            'name = "Co-Production Collective"\nemail', 'name = "Café Collective, Ltd"\nemail'
        )
    )
    msg = email.message_from_bytes(built(tmp_path).eml, policy=email.policy.default)
    (address,) = msg["From"].addresses
    assert address.display_name == "Café Collective, Ltd"
    assert address.addr_spec == "news@example.org"


def test_settings_with_a_byte_order_mark_load(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    toml = tmp_path / "copro-news.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    assert built(tmp_path).subject == "Team update: March 2022"
