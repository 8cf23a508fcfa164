"""The browser preview under load and after its output closes: a bounded number of threads,
idle connections closed, and the builder still following saves once nobody reads its
reports (`preview --browser 2>&1 | head -n 3`)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from copro_news.preview import server
from tests.preview_support import CUPPA, edit, example_workspace, get, running_preview, wait_for

IDLE = 300  # connections opened and left silent


@pytest.fixture
def example(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "ws"
    return root, example_workspace(root)


@contextlib.contextmanager
def idle_connections(url: str, n: int) -> Iterator[list[socket.socket]]:
    """``n`` connections to the preview that never send a request."""
    parts = urlsplit(url)
    opened: list[socket.socket] = []
    try:
        for _ in range(n):
            opened.append(socket.create_connection((parts.hostname, parts.port), timeout=5))
        yield opened
    finally:
        for s in opened:
            s.close()


def status_of(url: str) -> int:
    try:
        return get(url, "/build.json")[0]
    except (ConnectionError, OSError):
        return 0  # refused before an answer could be read


def test_threads_are_capped_and_a_connection_over_the_cap_gets_503(example):
    root, folder = example
    with running_preview(root, folder, watch=False) as running:
        before = threading.active_count()
        with idle_connections(running.url, IDLE):
            wait_for(lambda: threading.active_count() - before >= server.MAX_CONNECTIONS)
            assert threading.active_count() - before <= server.MAX_CONNECTIONS
            assert status_of(running.url) in (503, 0)
        # closed by the other end: their threads end and the page is served again
        wait_for(lambda: threading.active_count() - before <= 1)
        assert status_of(running.url) == 200


def test_idle_connections_are_closed(example, monkeypatch):
    root, folder = example
    monkeypatch.setattr(server.PreviewHandler, "timeout", 0.5)
    with running_preview(root, folder, watch=False) as running:
        before = threading.active_count()
        with idle_connections(running.url, 50) as opened:
            wait_for(lambda: threading.active_count() - before >= 40)
            # nobody closes them here: the preview does, and serves again
            wait_for(lambda: threading.active_count() - before <= 1, timeout=10)
            assert status_of(running.url) == 200
            opened[0].settimeout(2)
            assert opened[0].recv(1) == b""  # closed by the preview


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        args,
        cwd=cwd,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: stopped with it, whatever it started
    )


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def preview_pid(shell_pid: int) -> int:
    """The copro-news process that ``sh`` started, in the same process group."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                if b"copro_news" in cmdline and os.getpgid(int(entry.name)) == shell_pid:
                    return int(entry.name)
    raise AssertionError("the preview process is not running")


def head_running(group: int) -> bool:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                if argv[0] == b"head" and os.getpgid(int(entry.name)) == group:
                    return (entry / "stat").read_text().split()[2] != "Z"
    return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_the_command_keeps_its_threads_bounded(example):
    root, _folder = example
    proc = start([sys.executable, "-m", "copro_news", "preview", "--browser", "--no-open"], root)
    try:
        url = proc.stdout.readline().split(" at ", 1)[1].strip()
        tasks = Path(f"/proc/{proc.pid}/task")
        idle_threads = len(list(tasks.iterdir()))
        with idle_connections(url, IDLE):
            wait_for(lambda: len(list(tasks.iterdir())) - idle_threads >= server.MAX_CONNECTIONS)
            assert len(list(tasks.iterdir())) - idle_threads <= server.MAX_CONNECTIONS
        wait_for(lambda: status_of(url) == 200)
    finally:
        stop(proc)


def test_saves_are_still_built_once_nobody_reads_the_reports(example):
    root, folder = example
    shell = f"{sys.executable} -m copro_news preview --browser --no-open 2>&1 | head -n 3"
    proc = start(["sh", "-c", shell], root)
    try:
        first = [proc.stdout.readline() for _ in range(3)]
        assert first[0].startswith(f"Previewing {folder.name} at http://127.0.0.1:"), first
        assert "Built in" in first[2], first
        url = first[0].split(" at ", 1)[1].strip()
        pid = preview_pid(proc.pid)
        wait_for(lambda: not head_running(proc.pid))  # the preview's output is closed

        def version() -> int:
            return json.loads(get(url, "/build.json")[2])["version"]

        assert version() == 1
        edit(folder / CUPPA, "An informal hour", "A relaxed hour")
        wait_for(lambda: version() == 2)  # its report meets the closed pipe...
        edit(folder / CUPPA, "A relaxed hour", "A friendly hour")
        wait_for(lambda: version() == 3)  # ...and the next save is still built
        assert "A friendly hour" in get(url, "/issue/issue.html")[2].decode()
        assert Path(f"/proc/{pid}").exists()
    finally:
        stop(proc)
    assert not (folder / "build").exists()
