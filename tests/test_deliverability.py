"""What receivers ask of bulk mail: list headers, one Message-ID per message, lines that fit."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from tests.conftest import make_workspace
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
