"""send as a real process: Ctrl-C in the middle of a call, and a key that never leaks."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from copro_news import sendrecord
from tests.conftest import CANARY_KEY, make_workspace, on_terminal, run_cli
from tests.send_helpers import SEND_ISSUE, key_env, send_workspace, stop_send

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@pytest.mark.parametrize(
    ("method", "pattern", "phase"),
    [
        ("POST", "/campaigns", "create_requested"),
        ("POST", "/campaigns/*/actions/send", "send_requested"),
    ],
)
def test_ctrl_c_while_waiting_then_rerun_sends_once(mailchimp, tmp_path, method, pattern, phase):
    ws = send_workspace(tmp_path / "ws", mailchimp)
    env = key_env(tmp_path, mailchimp)
    mailchimp.fault(method, pattern, kind="slow", delay=5.0)  # done at once, answered late
    code, err = stop_send(ws, env, (), lambda: mailchimp.count(method, pattern) == 1, signal.SIGINT)
    assert code == 130, err
    assert err.rstrip().endswith("Stopped.")
    assert "Traceback" not in err
    rec = sendrecord.load(ws / "drafts" / "2026-12")
    assert rec is not None and rec.phase == phase

    r = run_cli(["send", "--yes"], cwd=ws, env=env)
    camp = mailchimp.only_campaign()
    if phase == "send_requested":  # it went out while we were waiting: say so, send nothing
        assert r.exit_code == 1
        assert "Error: Issue 2026-12 already went out on " in r.stderr
    else:  # the draft made before Ctrl-C is found by its marker and sent
        assert r.exit_code == 0, r.output
    assert camp.sends == 1
    assert sendrecord.load(ws / "drafts" / "2026-12").state == "sent"
    r = run_cli(["send", "--yes"], cwd=ws, env=env)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: Issue 2026-12 already went out on "), r.stderr
    assert r.stderr.endswith("\nHint: One issue goes out once.\n"), r.stderr
    assert mailchimp.total_sends == 1


def test_the_api_key_appears_nowhere(mailchimp, tmp_path):
    ws = send_workspace(tmp_path / "ws", mailchimp)
    env = key_env(tmp_path, mailchimp)
    results = [
        run_cli(["draft"], cwd=ws, env=env),
        run_cli(["send", "--test", "me@example.org"], cwd=ws, env=env),
        run_cli(["send", "--yes"], cwd=ws, env=env),
        run_cli(["status"], cwd=ws, env=env),
        run_cli(["--debug", "send", "--yes"], cwd=ws, env=env),
        run_cli(["login", "mailchimp"], cwd=ws, env=env, input=CANARY_KEY + "\n"),
    ]
    mailchimp.fault("GET", "/lists", kind="error", status=400, title="Bad Request", detail="No.")
    results.append(run_cli(["--debug", "lists"], cwd=ws, env=env))
    assert [r.exit_code for r in results] == [0, 0, 0, 0, 1, 1, 1]
    assert "Traceback" in results[-1].stderr  # --debug shows it; the key is still not there
    assert mailchimp.total_sends == 1
    for r in results:
        assert CANARY_KEY not in r.output
        assert CANARY_KEY.split("-")[0] not in r.output
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "send.json" for p in files)
    assert any(p.suffix == ".eml" for p in files)
    for path in files:
        data = path.read_bytes()
        assert CANARY_KEY.encode() not in data, path
        assert CANARY_KEY.split("-")[0].encode() not in data, path


def send_on_a_terminal(ws: Path, answer: str) -> tuple[int, str]:
    run = on_terminal(["send"], ws, answers=[answer])
    return run.exit_code, run.shown


def test_send_asks_on_a_terminal(tmp_path):

    ws = make_workspace(tmp_path / "ws", issues=SEND_ISSUE)
    code, output = send_on_a_terminal(ws, "n")
    assert code == 1, output
    assert "Send issue 2026-12 to outbox folder? [y/n]" in output
    assert "Nothing was sent." in output
    assert not list(ws.glob("outbox/*.eml"))
    code, output = send_on_a_terminal(ws, "y")
    assert code == 0, output
    assert "Sent to the list." in output
    assert len(list(ws.glob("outbox/2026-12-list-*.eml"))) == 1
