"""send killed (kill -9) at each call to the provider, then run again: one campaign, one send."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from copro_news import sendrecord
from tests.conftest import CANARY_KEY, make_workspace, run_cli
from tests.send_helpers import LIST_ID, SEND_ISSUE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


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
    ws = make_workspace(
        tmp_path / "ws",
        provider="mailchimp",
        api_url=mailchimp.url,
        list_id=LIST_ID,
        issues=SEND_ISSUE,
    )
    (tmp_path / "tmp").mkdir()
    env = {"MAILCHIMP_API_KEY": CANARY_KEY, "TMPDIR": str(tmp_path / "tmp")}
    mailchimp.fault(method, pattern, kind="slow", delay=5.0, nth=nth)  # done, answered late
    proc = subprocess.Popen(
        [sys.executable, "-m", "copro_news", "send", "--yes", "--offline"],
        cwd=ws,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: mailchimp.count(method, pattern) == nth)
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

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
