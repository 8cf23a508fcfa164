"""What the preview tests share: an example workspace, a running preview, an event reader,
and Debian's Chromium to look at pages in."""

from __future__ import annotations

import http.client
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import ROOT

CUPPA = "events/co-pro-cuppa.md"
# A postal address of the team's own: init's example would be a warning in every view.
POSTAL_ADDRESS = "Unit 4, 20 Canal Road, Leeds, LS12 2PL"

# Debian's Chromium as root, on a machine whose only network is loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM = Path("/usr/bin/chromium")
#: Where the browser tests keep their screenshots.
ARTIFACTS = ROOT / "test-artifacts"


def chromium_path() -> Path | None:
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright: never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    assert path is not None, "no Chromium: `make system-packages` installs Debian's"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def example_workspace(root: Path) -> Path:
    """A workspace with the example issue for next month (its dates are always ahead)."""
    from copro_news.scaffold import InitAnswers, init_workspace

    answers = InitAnswers({"sender.postal_address": POSTAL_ADDRESS})
    init_workspace(root, answers, today=date.today())
    return next((root / "drafts").iterdir())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@contextmanager
def running_preview(root: Path, folder: Path, **kw: Any) -> Iterator[Any]:
    from copro_news.preview import server

    running = server.start(root, folder, **kw)
    try:
        yield running
    finally:
        running.close()


def get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """GET ``path`` exactly as written (no normalising of '..' or of escapes)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


class Events:
    """A reader of the server-sent events stream, one build at a time."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        self.conn.request("GET", "/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")

    def next(self) -> dict[str, Any]:
        data = None
        while True:
            line = self.response.fp.readline().decode("utf-8")
            if not line:
                raise EOFError("the event stream closed")
            line = line.rstrip("\n")
            if line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and data is not None:
                return data

    def until(self, test: Callable[[dict[str, Any]], bool], limit: int = 10) -> dict[str, Any]:
        for _ in range(limit):
            snap = self.next()
            if test(snap):
                return snap
        raise AssertionError("no build matched")

    def close(self) -> None:
        self.conn.close()


def wait_for(test: Callable[[], Any], timeout: float = 10.0, step: float = 0.02) -> Any:
    end = time.monotonic() + timeout
    while True:
        value = test()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(step)
