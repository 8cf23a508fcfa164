"""send through Buttondown as a real process: Ctrl-C and kill at each step, and a key that
never leaks."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest

from copro_news import sendrecord
from tests.conftest import CANARY_KEY, run_cli
from tests.send_helpers import key_env, send_workspace, stop_send

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def send_again_until_done(ws: Path, env: dict[str, str], attempts: int = 3) -> None:
    """What a person does after a run was cut off: run it again until it is done."""
    for _ in range(attempts):
        r = run_cli(["send", "--yes", "--offline"], cwd=ws, env=env)
        assert "Traceback" not in r.output
        if r.exit_code == 0 or "already went out" in r.stderr:
            return
    raise AssertionError(f"still not sent: {r.output}")


@pytest.mark.parametrize(
    ("method", "pattern", "phase"),
    [
        ("POST", "/emails", "create_requested"),
        ("PATCH", "/emails/*", "content_requested"),
        ("POST", "/emails/*/publish", "send_requested"),
    ],
)
def test_ctrl_c_while_waiting_then_rerun_sends_once(buttondown, tmp_path, method, pattern, phase):
    ws = send_workspace(tmp_path / "ws", buttondown)
    env = key_env(tmp_path, buttondown)
    buttondown.fault(method, pattern, kind="slow", delay=5.0)  # done at once, answered late
    code, err = stop_send(
        ws, env, ("--offline",), lambda: buttondown.count(method, pattern) == 1, signal.SIGINT
    )
    assert code == 130, err
    assert err.rstrip().endswith("Stopped.")
    assert "Traceback" not in err
    rec = sendrecord.load(ws / "drafts" / "2026-12")
    assert rec is not None and rec.phase == phase

    r = run_cli(["send", "--yes", "--offline"], cwd=ws, env=env)
    email = buttondown.only_email()
    if phase == "send_requested":  # it went out while we were waiting: say so, send nothing
        assert r.exit_code == 1
        assert "Error: Issue 2026-12 already went out on " in r.stderr
    else:  # the draft made before Ctrl-C is found by its slug and sent
        assert r.exit_code == 0, r.output
    assert email.deliveries == 1
    assert sendrecord.load(ws / "drafts" / "2026-12").state == "sent"
    r = run_cli(["send", "--yes", "--offline"], cwd=ws, env=env)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: Issue 2026-12 already went out on "), r.stderr
    assert buttondown.total_deliveries == 1


KILL_STEPS = [
    ("POST", "/emails"),
    ("PATCH", "/emails/*"),
    ("POST", "/emails/*/publish"),
]


@pytest.mark.parametrize("step", KILL_STEPS, ids=lambda s: f"{s[0]} {s[1]}")
@pytest.mark.parametrize("kind", ["slow-before", "slow"])
def test_killed_at_any_step_then_rerun_sends_once(buttondown, tmp_path, step, kind):
    """kill -9 while a request is on its way (slow-before: Buttondown does the work after the
    process is gone) or after the work (slow: the answer never arrives)."""
    ws = send_workspace(tmp_path / "ws", buttondown)
    env = key_env(tmp_path, buttondown)
    fault = buttondown.fault(*step, kind=kind, delay=1.5)
    code, _err = stop_send(ws, env, ("--offline",), lambda: fault.fired == 1, signal.SIGKILL)
    assert code == -signal.SIGKILL
    send_again_until_done(ws, env)
    time.sleep(1.6)  # the request the killed process left behind is answered by now
    email = buttondown.only_email()
    assert email.deliveries == 1
    assert len(buttondown.emails) == 1
    assert sendrecord.load(ws / "drafts" / "2026-12").state == "sent"
    r = run_cli(["send", "--yes", "--offline"], cwd=ws, env=env)
    assert r.exit_code == 1 and "already went out" in r.stderr
    assert buttondown.total_deliveries == 1


def test_the_api_key_appears_nowhere(buttondown, tmp_path):
    ws = send_workspace(tmp_path / "ws", buttondown)
    env = key_env(tmp_path, buttondown)
    results = [
        run_cli(["draft"], cwd=ws, env=env),
        run_cli(["send", "--test", "me@example.org", "--offline"], cwd=ws, env=env),
        run_cli(["lists"], cwd=ws, env=env),
        run_cli(["send", "--schedule", "2099-01-05 09:07", "--yes", "--offline"], cwd=ws, env=env),
        run_cli(["status"], cwd=ws, env=env),
        run_cli(["send", "--cancel"], cwd=ws, env=env),
        run_cli(["send", "--yes", "--offline"], cwd=ws, env=env),
        run_cli(["status"], cwd=ws, env=env),
        run_cli(["--debug", "send", "--yes", "--offline"], cwd=ws, env=env),
        run_cli(["login", "buttondown"], cwd=ws, env=env, input=CANARY_KEY + "\n"),
    ]
    buttondown.fault(
        "GET", "/newsletters", kind="error", status=400, detail=f"Bad key {CANARY_KEY}."
    )
    results.append(run_cli(["--debug", "lists"], cwd=ws, env=env))
    buttondown.fault("GET", "/newsletters", kind="error", status=401, detail="Invalid token.")
    results.append(run_cli(["lists"], cwd=ws, env=env))
    assert [r.exit_code for r in results] == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], [
        r.output for r in results
    ]
    assert "Traceback" in results[-2].stderr  # --debug shows it; the key is still not there
    assert "Buttondown refused the request (400 Bad key ********)." in results[-2].stderr
    assert buttondown.total_deliveries == 1
    for r in results:
        assert CANARY_KEY not in r.output
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "send.json" for p in files)
    assert any(p.suffix == ".eml" for p in files)
    for path in files:
        assert CANARY_KEY.encode() not in path.read_bytes(), path
