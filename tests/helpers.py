"""Small helpers shared by the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SETTINGS, build_file_tree

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_workspace(root: Path, issue: str = "march-2022", name: str = "2022-03") -> Path:
    """A workspace holding a copy of a fixture issue as drafts/<name>."""
    build_file_tree(root, {"copro-news.toml": SETTINGS, "drafts": {}})
    shutil.copytree(FIXTURES / issue, root / "drafts" / name)
    return root / "drafts" / name


def snippet(front: str, body: str = "Some text.\n") -> str:
    return f"---\n{front.strip()}\n---\n{body}"


ISSUE_MD = snippet('subject: "Team update: December 2026"\ndate: 2026-12-01', "Hello.\n")


def on_terminal(
    args: list[str], cwd: Path, answers: list[str], timeout: float = 30
) -> tuple[int, str]:
    """Run ``copro-news ARGS`` on a pseudo-terminal, answering each prompt in turn.

    A prompt is output that ends with ':'. Returns the exit code and everything shown.
    """
    import os
    import pty
    import select
    import sys
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: copro-news on a terminal
        os.chdir(cwd)
        os.execv(sys.executable, [sys.executable, "-m", "copro_news", *args])
    pending = iter(answers)
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if chunk.rstrip().endswith(b":"):
            answer = next(pending, None)
            if answer is not None:
                os.write(fd, answer.encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")
