"""What receivers ask of bulk mail: list headers, one Message-ID per message, lines that fit."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from pathlib import Path

from tests.conftest import ROOT, SETTINGS, make_workspace
from tests.helpers import snippet
from tests.preview_support import example_workspace
from tests.send_helpers import SEND_ISSUE

UNSUBSCRIBE = "https://example.org/unsubscribe"


def with_unsubscribe_page(root: Path) -> Path:
    settings = root / "copro-news.toml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace(
        'signup = "https://example.org/newsletter"\n',
        f'signup = "https://example.org/newsletter"\nunsubscribe = "{UNSUBSCRIBE}"\n',
    )
    settings.write_text(text, encoding="utf-8")
    return root


def parse(path: Path) -> email.message.EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    return msg


def test_the_eml_carries_one_click_unsubscribe_and_the_list_id(cli, tmp_path):
    ws = with_unsubscribe_page(make_workspace(tmp_path / "ws", issues=SEND_ISSUE))
    r = cli("draft", cwd=ws)
    assert r.exit_code == 0, r.output
    msg = parse(ws / "drafts" / "2026-12" / "build" / "issue.eml")
    assert msg["List-Unsubscribe"] == (
        f"<{UNSUBSCRIBE}>, <mailto:hello@example.org?subject=Unsubscribe>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["List-Id"] == '"Co-Production Collective" <co-production-collective.example.org>'
    html = (ws / "drafts" / "2026-12" / "build" / "issue.html").read_text(encoding="utf-8")
    assert f'href="{UNSUBSCRIBE}"' in html  # the footer's link is the same page


def test_without_an_unsubscribe_page_the_mailto_alone_and_no_one_click(cli, tmp_path):
    ws = make_workspace(tmp_path / "ws", issues=SEND_ISSUE)
    assert cli("draft", cwd=ws).exit_code == 0
    msg = parse(ws / "drafts" / "2026-12" / "build" / "issue.eml")
    assert msg["List-Unsubscribe"] == "<mailto:hello@example.org?subject=Unsubscribe>"
    assert msg["List-Unsubscribe-Post"] is None  # one-click needs an https page
    assert msg["List-Id"] is not None


def test_every_outbox_message_has_a_message_id_of_its_own(cli, tmp_path):
    ws = with_unsubscribe_page(make_workspace(tmp_path / "ws", issues=SEND_ISSUE))
    assert cli("send", "--test", "me@example.org", cwd=ws).exit_code == 0
    assert cli("send", "--test", "you@example.org", cwd=ws).exit_code == 0
    r = cli("send", "--yes", cwd=ws)
    assert r.exit_code == 0, r.output
    written = sorted((ws / "outbox").glob("*.eml"))
    assert [p.name.split("-")[2] for p in written] == ["list", "test", "test"]
    messages = [parse(p) for p in written]
    ids = [m["Message-ID"] for m in messages]
    assert len(set(ids)) == 3, ids
    assert all(i.startswith("<") and i.endswith("@example.org>") for i in ids)
    (campaign,) = (ws / "outbox" / ".drafts").glob("*.eml")
    assert parse(campaign)["Message-ID"] not in ids
    for m in messages:
        assert m["List-Unsubscribe"].startswith(f"<{UNSUBSCRIBE}>")
        assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert m["List-Id"].endswith("<co-production-collective.example.org>")


def test_init_asks_for_the_unsubscribe_page_and_writes_it(cli, tmp_path):
    r = cli(
        "init",
        str(tmp_path / "news"),
        "--name",
        "Camden Co-Pro",
        "--email",
        "news@camden.example.org",
        "--postal-address",
        "2 Hill Road, London",
        "--website",
        "https://camden.example.org",
        "--unsubscribe",
        "https://camden.example.org/leave",
    )
    assert r.exit_code == 0, r.output
    toml = (tmp_path / "news" / "copro-news.toml").read_text(encoding="utf-8")
    assert 'unsubscribe = "https://camden.example.org/leave"' in toml
    r = cli("draft", cwd=tmp_path / "news")
    assert r.exit_code == 0, r.output
    (eml,) = (tmp_path / "news" / "drafts").glob("*/build/issue.eml")
    assert parse(eml)["List-Unsubscribe"].startswith("<https://camden.example.org/leave>, ")


# --- the plain-text part -----------------------------------------------------------------------

URL_ALONE = re.compile(r"^\s*\(?(?:https?://|mailto:)\S+$")


def overlong(text: str) -> list[str]:
    """Lines over 78 characters that are not a web address alone on its line."""
    return [line for line in text.splitlines() if len(line) > 78 and not URL_ALONE.match(line)]


def test_the_text_of_every_issue_we_have_fits_78_columns(cli, tmp_path):
    example = tmp_path / "example"
    example_workspace(example)
    fixture = make_workspace(tmp_path / "fixture", fixture="march-2022")
    repository = tmp_path / "repository"
    repository.mkdir()
    shutil.copy(ROOT / "copro-news.toml", repository / "copro-news.toml")
    shutil.copytree(ROOT / "drafts", repository / "drafts", ignore=shutil.ignore_patterns("build"))
    for root in (example, fixture, repository):
        r = cli("draft", cwd=root)
        assert r.exit_code == 0, r.output
        (text,) = (root / "drafts").glob("*/build/issue.txt")
        assert overlong(text.read_text(encoding="utf-8")) == [], root.name


LONG_URL = (
    "https://www.example.org/consultations/2026/share-your-views-on-next-years-programme"
    "?ref=newsletter&step=1"
)


def test_long_lines_are_wrapped_and_web_addresses_never_broken(cli, tmp_path):
    long_name = "The Very Long Named Co-Production Collective of the North and the Midlands"
    issue = snippet(
        f'subject: "{"A subject that goes on and on " * 3}"\ndate: 2026-12-01\n'
        "check-ignore: [sections-empty]",
        "Hello.\n\n"
        f"- a list item that is long enough to need wrapping when it is written out as text, "
        f"with [a link]({LONG_URL}) in it\n",
    )
    root = make_workspace(
        tmp_path / "ws",
        settings=SETTINGS.replace('name = "Co-Production Collective"', f'name = "{long_name}"'),
        issues={"2026-12": {"issue.md": issue}},
    )
    r = cli("draft", cwd=root)
    assert r.exit_code == 0, r.output
    text = (root / "drafts" / "2026-12" / "build" / "issue.txt").read_text(encoding="utf-8")
    assert overlong(text) == [], text
    assert f"\n  ({LONG_URL})\n" in text  # whole, on a line of its own, under the item's text
    assert "\n  out as text, with a link\n" in text
    footer = text[text.index("You receive") :]
    assert footer.startswith("You receive this email because you signed up to hear from The")
    assert all(len(line) <= 78 for line in footer.splitlines()[:2])
    heading = text.splitlines()[3:6]
    assert max(len(line) for line in heading) <= 78
