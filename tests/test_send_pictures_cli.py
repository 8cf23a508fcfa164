"""Pictures from the issue folder through the real command line and the stand-in Mailchimp:
each uploaded once to its File Manager, the email sent pointing at them, none uploaded again
after a rerun, a lost answer or a lost send record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from copro_news import sendrecord
from copro_news.providers.mailchimp import MailchimpProvider
from tests.conftest import CANARY_KEY, make_workspace
from tests.helpers import png
from tests.send_helpers import ISSUE_MD, LIST_ID, no_waits

SUN = png(600, 250, b"\xf0\xa0\x20")
PAT = png(400, 300, b"\x20\x60\xa0")
WITH_HERO = ISSUE_MD.replace(
    'preheader: "News from the co-production team"\n',
    'preheader: "News from the co-production team"\n'
    "hero:\n  image: images/sun.png\n  alt: Sun rising over the hills\n",
)
STORY = "---\ntitle: The Cuppa's story\n---\nPat told it.\n\n![Pat at the Cuppa](images/pat.png)\n"


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    no_waits(monkeypatch, MailchimpProvider, read_timeout=0.5)  # one copy here


@pytest.fixture
def ws(tmp_path: Path, mailchimp, monkeypatch) -> Path:
    monkeypatch.setenv("MAILCHIMP_API_KEY", CANARY_KEY)
    issue = {
        "issue.md": WITH_HERO,
        "images": {"sun.png": SUN, "pat.png": PAT},
        "stories": {"cuppa.md": STORY},
    }
    return make_workspace(
        tmp_path / "ws",
        provider="mailchimp",
        api_url=mailchimp.url,
        list_id=LIST_ID,
        issues={"2026-12": issue},
    )


def stored(fake) -> dict[bytes, str]:
    return {f.data: f.doc["full_size_url"] for f in fake.files.values()}


def test_pictures_go_to_the_file_manager_once_and_the_email_points_at_them(cli, ws, mailchimp):
    r = cli("send", "--test", "me@example.org", "--offline", cwd=ws)
    assert r.exit_code == 0, r.output
    urls = stored(mailchimp)
    assert set(urls) == {SUN, PAT} and mailchimp.count("POST", "/file-manager/files") == 2
    names = sorted(f.doc["name"] for f in mailchimp.files.values())
    assert all(re.fullmatch(r"copro-news-[0-9a-f]{16}\.png", n) for n in names), names
    html = mailchimp.only_campaign().html
    assert "cid:" not in html
    assert re.search(rf'<img [^>]*src="{re.escape(urls[SUN])}"[^>]*alt="Sun rising', html)
    assert re.search(rf'<img [^>]*src="{re.escape(urls[PAT])}"[^>]*alt="Pat at the Cuppa', html)
    rec = sendrecord.load(ws / "drafts" / "2026-12")
    assert sorted(rec.images.values()) == sorted(urls.values())

    r = cli("send", "--yes", "--offline", cwd=ws)
    assert r.exit_code == 0, r.output
    assert mailchimp.count("POST", "/file-manager/files") == 2 and mailchimp.total_sends == 1
    assert cli("send", "--yes", "--offline", cwd=ws).exit_code == 1
    assert mailchimp.count("POST", "/file-manager/files") == 2


def test_a_lost_answer_or_a_lost_record_uploads_nothing_twice(cli, ws, mailchimp):
    mailchimp.fault("POST", "/file-manager/files", kind="drop-after")  # stored, answer lost
    r = cli("send", "--test", "me@example.org", "--offline", cwd=ws)
    assert r.exit_code == 0, r.output
    assert len(mailchimp.files) == 2 and mailchimp.count("POST", "/file-manager/files") == 2

    (ws / "drafts" / "2026-12" / "send.json").unlink()  # the record is lost
    r = cli("send", "--yes", "--offline", cwd=ws)
    assert r.exit_code == 0, r.output
    assert len(mailchimp.files) == 2 and mailchimp.count("POST", "/file-manager/files") == 2
    assert "cid:" not in mailchimp.only_campaign().html
    assert mailchimp.total_sends == 1
