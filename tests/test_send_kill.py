"""send killed (kill -9) at each call to the provider, then run again: one campaign, one send."""

from __future__ import annotations

import signal
import sys

import pytest

from copro_news import sendrecord
from tests.conftest import run_cli
from tests.send_helpers import key_env, send_workspace, stop_send

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.mark.parametrize(
    ("method", "pattern", "nth"),
    [
        ("POST", "/campaigns", 1),  # the create
        ("GET", "/campaigns", 4),  # the last look, after the wait for other copies
        ("PUT", "/campaigns/*/content", 1),  # the upload
        ("POST", "/campaigns/*/actions/send", 1),  # the send
    ],
    ids=["create", "last look", "upload", "send"],
)
def test_killed_during_a_call_then_run_again_sends_once(mailchimp, tmp_path, method, pattern, nth):
    ws = send_workspace(tmp_path / "ws", mailchimp)
    env = key_env(tmp_path, mailchimp)
    mailchimp.fault(method, pattern, kind="slow", delay=5.0, nth=nth)  # done, answered late
    code, _err = stop_send(
        ws,
        env,
        ("--offline",),
        lambda: mailchimp.count(method, pattern) == nth,
        signal.SIGKILL,
        timeout=30.0,
    )
    assert code == -signal.SIGKILL

    r = run_cli(["send", "--yes", "--offline"], cwd=ws, env=env)
    if method == "POST" and "send" in pattern:  # it went before the kill: said, not re-sent
        assert r.exit_code == 1, r.output
        assert "Error: Issue 2026-12 already went out on " in r.stderr
    else:
        assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    camp = mailchimp.only_campaign()
    assert camp.sends == 1 and mailchimp.count("POST", "/campaigns") == 1
    assert sendrecord.load(ws / "drafts" / "2026-12").state == "sent"
    assert run_cli(["send", "--yes", "--offline"], cwd=ws, env=env).exit_code == 1
    assert mailchimp.total_sends == 1
