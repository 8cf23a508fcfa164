"""The HTTP session, credentials, the send record and the outbox, each on its own."""

from __future__ import annotations

import json
import pickle
import socket
from datetime import UTC, datetime, timedelta

import pytest

from copro_news import credentials, sendrecord
from copro_news.credentials import Secret
from copro_news.errors import CredentialsError, ProviderError
from copro_news.providers import base
from copro_news.providers.http import HttpClient, OutcomeUnknown, Unreachable
from copro_news.providers.mailchimp import MailchimpProvider, base_url
from copro_news.providers.outbox import OutboxProvider
from tests.conftest import CANARY_KEY
from tests.send_helpers import message


def client(fake, sleeps=None, **kw):
    return HttpClient(
        fake.url,
        label="Mailchimp",
        auth=("copro-news", Secret(CANARY_KEY)),
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        **kw,
    )


# -- http ---------------------------------------------------------------------------------------


def test_get_is_retried_and_retry_after_is_honoured(mailchimp):
    sleeps: list[float] = []
    mailchimp.fault("GET", "/ping", kind="retry-after", retry_after="7")
    mailchimp.fault("GET", "/ping", kind="error", status=502, nth=2)
    c = client(mailchimp, sleeps, backoff=0.5)
    assert c.request("GET", "/ping") == {"health_status": "Everything's Chimpy!"}
    assert mailchimp.count("GET", "/ping") == 3
    assert sleeps[0] == 7.0
    assert 0.25 <= sleeps[1] <= 1.0  # the second wait is backoff with jitter


def test_retries_give_up_with_the_apis_words(mailchimp):
    mailchimp.fault(
        "GET", "/ping", kind="error", status=503, times=99, title="Down", detail="Later."
    )
    with pytest.raises(ProviderError) as info:
        client(mailchimp, retries=2).request("GET", "/ping")
    assert info.value.message == "Mailchimp refused the request (503 Down: Later.)."
    assert info.value.status == 503
    assert mailchimp.count("GET", "/ping") == 3


def test_put_is_retried_after_a_dropped_connection(mailchimp):
    mailchimp.add_list("L", "x", 1)
    camp = MailchimpProvider(Secret(CANARY_KEY), api_url=mailchimp.url).create_campaign(
        message(), "L", "t"
    )
    mailchimp.fault("PUT", "/campaigns/*/content", kind="drop-before")
    client(mailchimp).request("PUT", f"/campaigns/{camp.id}/content", json={"html": "x"})
    assert mailchimp.count("PUT", "/campaigns/*/content") == 2
    assert mailchimp.campaigns[camp.id].html == "x"


@pytest.mark.parametrize("kind", ["drop-after", "drop-before", "error", "retry-after"])
def test_a_post_is_never_repeated(mailchimp, kind):
    mailchimp.fault("POST", "/campaigns", kind=kind)
    with pytest.raises(ProviderError) as info:
        client(mailchimp).request("POST", "/campaigns", json={"type": "regular"})
    assert mailchimp.count("POST", "/campaigns") == 1
    if kind in ("drop-after", "drop-before", "error"):  # 500: the work may be half done
        assert isinstance(info.value, OutcomeUnknown)
    else:
        assert not isinstance(info.value, OutcomeUnknown)
        assert info.value.hint and "limiting requests" in info.value.hint


def test_every_call_has_a_read_timeout(mailchimp):
    mailchimp.fault("POST", "/campaigns", kind="slow", delay=1.0)
    with pytest.raises(OutcomeUnknown, match="did not answer within"):
        client(mailchimp, timeout=(1, 0.2)).request("POST", "/campaigns", json={"type": "regular"})


def test_unreachable_is_not_an_unknown_outcome():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = HttpClient(f"http://127.0.0.1:{port}/3.0", label="Mailchimp", sleep=lambda s: None)
    with pytest.raises(Unreachable, match=r"Could not connect to Mailchimp \(127.0.0.1:"):
        c.request("POST", "/campaigns", json={})


def test_user_agent_and_auth(mailchimp):
    c = client(mailchimp)
    assert c.session.headers["User-Agent"].startswith("copro-news/")
    assert CANARY_KEY not in repr(c.session.auth)
    c.request("GET", "/ping")
    bad = HttpClient(mailchimp.url, label="Mailchimp", auth=("x", Secret("nope-us6")))
    with pytest.raises(ProviderError) as info:
        bad.request("GET", "/ping")
    assert info.value.status == 401
    assert "API Key Invalid" in info.value.message


def test_error_without_a_json_body():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html>Bad gateway</html>"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        c = HttpClient(f"http://127.0.0.1:{server.server_address[1]}", label="Mailchimp")
        with pytest.raises(ProviderError, match=r"^Mailchimp answered with an error \(404\)\.$"):
            c.request("GET", "/x")
    finally:
        server.shutdown()
        server.server_close()


def test_base_url_from_the_key():
    assert base_url(Secret("abc-us6")) == "https://us6.api.mailchimp.com/3.0"
    assert base_url(Secret("abc-us6"), "http://127.0.0.1:9/3.0/") == "http://127.0.0.1:9/3.0"
    for bad in ("abc", "abc-", "abc-evil.example.org/x"):
        with pytest.raises(CredentialsError, match="datacenter"):
            base_url(Secret(bad))


# -- credentials ----------------------------------------------------------------------------


def test_secret_is_masked():
    s = Secret(CANARY_KEY)
    assert CANARY_KEY not in repr(s) and CANARY_KEY not in str(s) and CANARY_KEY not in f"{s}"
    assert s.reveal() == CANARY_KEY
    with pytest.raises(TypeError):
        pickle.dumps(s)
    assert credentials.redact(f"key={CANARY_KEY}.") == "key=********."


def test_environment_first_then_keyring(monkeypatch, memory_keyring):
    assert credentials.find_api_key("mailchimp") is None
    credentials.store_api_key("mailchimp", Secret("from-keyring-us1"))
    key, where = credentials.find_api_key("mailchimp")
    assert (key.reveal(), where) == ("from-keyring-us1", "keyring")
    monkeypatch.setenv("MAILCHIMP_API_KEY", "from-env-us2")
    key, where = credentials.find_api_key("mailchimp")
    assert (key.reveal(), where) == ("from-env-us2", "environment")
    assert credentials.delete_api_key("mailchimp") is True
    assert credentials.delete_api_key("mailchimp") is False


def test_no_key_says_how_to_give_one():
    with pytest.raises(CredentialsError) as info:
        credentials.api_key("mailchimp")
    assert info.value.hint == "Run 'copro-news login mailchimp', or set MAILCHIMP_API_KEY."


def test_a_broken_keyring_is_not_a_crash():
    import keyring
    from keyring.backends.fail import Keyring as Fail

    keyring.set_keyring(Fail())
    assert credentials.find_api_key("mailchimp") is None
    with pytest.raises(CredentialsError, match="could not store the key"):
        credentials.store_api_key("mailchimp", Secret("abc-us1"))


# -- send record -----------------------------------------------------------------------------


def test_record_round_trip(tmp_path):
    now = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    rec = sendrecord.new_record("2026-12", "mailchimp", "L1", now)
    assert rec.marker.startswith("cn:2026-12:") and len(rec.marker) == len("cn:2026-12:") + 6
    assert rec.title == f"copro-news 2026-12 [{rec.marker}]"
    rec.tests.append(sendrecord.TestSend("2026-11-24T09:31:00+00:00", ["a@b.org"], "h"))
    rec.phase = sendrecord.Phase.TESTED
    sendrecord.save(tmp_path, rec, now)
    doc = json.loads((tmp_path / "send.json").read_text())
    assert doc["state"] == "tested" and doc["updated_at"] == "2026-11-24T09:30:00+00:00"
    assert sendrecord.load(tmp_path) == rec
    assert [p.name for p in tmp_path.iterdir()] == ["send.json"]  # no temporary file left


def test_a_damaged_record_stops_everything(tmp_path):
    (tmp_path / "send.json").write_text("{not json")
    with pytest.raises(sendrecord.RecordError, match="not a send record"):
        sendrecord.load(tmp_path)
    (tmp_path / "send.json").write_text(
        '{"issue": "x", "provider": "p", "list_id": "l", '
        '"marker": "m", "started_at": "", "phase": "flying"}'
    )
    with pytest.raises(sendrecord.RecordError, match="unknown phase"):
        sendrecord.load(tmp_path)


def test_state_follows_the_phase():
    rec = sendrecord.new_record("2026-12", "outbox", "outbox", datetime.now(UTC))
    assert rec.state == "drafted"
    rec.tests.append(sendrecord.TestSend("t", ["a@b.org"], "h", outcome="unknown"))
    assert rec.state == "drafted"  # an unconfirmed test is not a test
    rec.tests[0].outcome = "sent"
    assert rec.state == "tested"
    rec.phase = sendrecord.Phase.SCHEDULED
    assert rec.state == "scheduled"
    rec.phase = sendrecord.Phase.SENT
    assert rec.state == "sent"


# -- outbox --------------------------------------------------------------------------------


def test_outbox_status_comes_from_its_files(tmp_path):
    now = [datetime(2026, 11, 24, 9, 0, tzinfo=UTC)]
    box = OutboxProvider(tmp_path / "outbox", clock=lambda: now[0])
    camp = box.create_campaign(message(), "outbox", "copro-news 2026-12 [cn:2026-12:abc123]")
    assert camp.status == base.CampaignStatus.DRAFT
    assert box.find_campaigns("outbox", "[cn:2026-12:", now[0] - timedelta(days=1)) == [camp]
    assert box.find_campaigns("outbox", "[cn:2027-01:", now[0] - timedelta(days=1)) == []
    box.send_test(camp.id, ["a@example.org", "b@example.org"])
    box.send_test(camp.id, ["a@example.org"])
    tests = sorted(p.name for p in (tmp_path / "outbox").glob("*.eml"))
    assert tests == ["2026-12-test-20261124T090000Z.2.eml", "2026-12-test-20261124T090000Z.eml"]
    first = (tmp_path / "outbox" / tests[1]).read_bytes()
    assert b"To: a@example.org, b@example.org" in first
    assert box.get_campaign(camp.id).status == base.CampaignStatus.DRAFT

    when = now[0] + timedelta(days=7)
    box.schedule(camp.id, when)
    assert box.get_campaign(camp.id).status == base.CampaignStatus.SCHEDULED
    with pytest.raises(ProviderError, match="already gone out or is scheduled"):
        box.send(camp.id)
    now[0] = when + timedelta(minutes=1)  # the time came: the outbox counts it as sent
    sent = box.get_campaign(camp.id)
    assert (sent.status, sent.send_time) == (base.CampaignStatus.SENT, when)
    with pytest.raises(ProviderError, match="not scheduled"):
        box.unschedule(camp.id)


def test_outbox_send_once(tmp_path):
    box = OutboxProvider(tmp_path / "outbox")
    camp = box.create_campaign(message(), "outbox", "t [cn:2026-12:abc123]")
    with pytest.raises(ProviderError, match="one list"):
        box.create_campaign(message(), "other", "t")
    box.send(camp.id)
    assert box.get_campaign(camp.id).gone
    with pytest.raises(ProviderError):
        box.send(camp.id)
    assert len(list((tmp_path / "outbox").glob("2026-12-list-*.eml"))) == 1
    with pytest.raises(ProviderError, match="cannot change"):
        box.set_content(camp.id, message(), settings=True)
