"""The issue's pictures in Mailchimp's File Manager: uploaded once per content, found again
by name after a lost answer or a lost record, never uploaded twice, recorded in send.json,
and the HTML that is uploaded points at them instead of ``cid:``."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from copro_news import sendrecord
from copro_news.errors import ProviderError
from copro_news.images import LocalImage
from copro_news.providers.mailchimp import MailchimpProvider
from copro_news.sending import SendFlow
from tests.send_helpers import message, no_waits, send_flow

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02" + bytes(40)


def picture(data: bytes) -> LocalImage:
    """A picture of the issue folder, as the build hands it to the providers."""
    return LocalImage(
        rel="images/x.png",
        path=Path("images/x.png"),
        mime="image/png",
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        width=16,
        height=16,
    )


SUN = picture(PNG + b"sun")
MOON = picture(PNG + b"moon")


def with_pictures(*pictures: LocalImage):
    html = "".join(f'<img src="cid:{p.cid}" alt="A picture">' for p in pictures)
    msg = message(html=f"<p>Hello</p>{html}<a href='*|UNSUB|*'>unsubscribe</a>")
    return replace(msg, images=tuple(pictures))


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    no_waits(monkeypatch, MailchimpProvider, read_timeout=0.25)


def flow(fake, folder, msg=None, **kw):
    return send_flow(fake, folder, msg or with_pictures(SUN, MOON, SUN), **kw)


def uploads(fake) -> int:
    return fake.count("POST", "/file-manager/files")


def urls(fake) -> dict[str, str]:
    return {f.doc["name"]: f.doc["full_size_url"] for f in fake.files.values()}


def test_each_picture_is_uploaded_once_and_the_html_points_at_it(mailchimp, tmp_path):
    out = flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert uploads(mailchimp) == 2  # the sun twice in the email, once in the file store
    stored = urls(mailchimp)
    assert set(stored) == {SUN.upload_name, MOON.upload_name}
    assert [f.data for f in mailchimp.files.values()] == [SUN.data, MOON.data]
    html = mailchimp.only_campaign().html
    assert "cid:" not in html
    assert html.count(stored[SUN.upload_name]) == 2 and stored[MOON.upload_name] in html
    assert sendrecord.load(tmp_path).images == {
        SUN.sha256: stored[SUN.upload_name],
        MOON.sha256: stored[MOON.upload_name],
    }
    assert f"uploaded the picture {SUN.upload_name}" in out.done

    s = flow(mailchimp, tmp_path)  # the send: the record knows them, nothing is asked
    s.plan()
    s.send()
    assert uploads(mailchimp) == 2 and mailchimp.count("GET", "/file-manager/files") == 1
    assert mailchimp.total_sends == 1


def test_a_lost_answer_is_found_again_by_name(mailchimp, tmp_path):
    mailchimp.fault("POST", "/file-manager/files", kind="drop-after")  # stored, answer lost
    flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert uploads(mailchimp) == 2 and len(mailchimp.files) == 2
    assert set(sendrecord.load(tmp_path).images.values()) == set(urls(mailchimp).values())


def test_an_upload_that_never_arrived_is_made_on_the_next_run(mailchimp, tmp_path):
    mailchimp.fault("POST", "/file-manager/files", kind="drop-before")
    with pytest.raises(ProviderError, match="broke before it answered"):
        flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert mailchimp.files == {}
    assert sendrecord.load(tmp_path).images == {SUN.sha256: ""}  # in flight, written ahead
    assert mailchimp.count("PUT", "/campaigns/*/content") == 0  # no HTML with a cid: in it
    flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert len(mailchimp.files) == 2 and uploads(mailchimp) == 3


def test_an_upload_refused_is_forgotten_then_made_once(mailchimp, tmp_path):
    mailchimp.fault("POST", "/file-manager/files", kind="error", status=400, nth=2)
    with pytest.raises(ProviderError, match="400"):
        flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert set(sendrecord.load(tmp_path).images) == {SUN.sha256}  # the moon: not stored
    flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert len(mailchimp.files) == 2 and uploads(mailchimp) == 3


def test_without_the_record_or_from_another_copy_nothing_is_uploaded_twice(mailchimp, tmp_path):
    mailchimp.add_file(SUN.upload_name, SUN.data)  # another copy stored the sun already
    flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert uploads(mailchimp) == 1 and len(mailchimp.files) == 2
    sendrecord.path_for(tmp_path).unlink()  # the record is lost
    s = flow(mailchimp, tmp_path)
    s.plan()
    s.send()
    assert uploads(mailchimp) == 1 and len(mailchimp.files) == 2
    assert "cid:" not in mailchimp.only_campaign().html


def test_a_picture_is_found_among_many_files(mailchimp, tmp_path):
    mailchimp.add_file(SUN.upload_name, SUN.data)  # the oldest of the account's files
    mailchimp.add_file(MOON.upload_name, MOON.data)
    for i in range(1001):
        mailchimp.add_file(f"newsletter-{i}.jpg", b"x")
    flow(mailchimp, tmp_path).send_test(["me@example.org"])
    assert uploads(mailchimp) == 0
    assert mailchimp.count("GET", "/file-manager/files") == 2  # two pages, newest first


def test_a_dry_run_says_it_would_upload_and_does_not(mailchimp, tmp_path):
    s = flow(mailchimp, tmp_path, dry_run=True)
    s.plan()
    out = s.send()
    assert "upload 2 pictures to Mailchimp's file store" in out.done
    assert uploads(mailchimp) == 0 and mailchimp.campaigns == {}


def test_the_outbox_keeps_the_pictures_in_the_message(tmp_path):
    from copro_news.providers.outbox import OutboxProvider

    box = OutboxProvider(tmp_path / "outbox")
    s = SendFlow(box, tmp_path / "issue", with_pictures(SUN), "outbox")
    s.send_test(["me@example.org"])
    assert sendrecord.load(tmp_path / "issue").images == {}
    assert not box.stores_images
