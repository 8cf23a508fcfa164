"""Benchmark of check: the offline rules on an 80-snippet issue, and the link check of
100 distinct links against a local server that answers each request after 100 ms.

    make bench-check      # or: python bench/check_bench.py

The link check must take under 2 seconds (so it must be concurrent); the exit code is 1
if it does not.
"""

from __future__ import annotations

import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LINK_LIMIT_SECONDS = 2.0
DELAY = 0.1

SETTINGS = """\
name = "Co-Production Collective"
timezone = "Europe/London"
locale = "en_GB"

[sender]
name = "Co-Production Collective"
email = "news@example.org"
postal_address = "1 Example Street, London, N1 1AA"

[links]
website = "{base}/"
signup = "{base}/newsletter"
"""

PARAGRAPH = (
    "People with lived experience and staff from local services met to decide together what "
    "to change first. Thank you to everyone who took part: your ideas shape next year's work, "
    "and the design group will share what it learned in the spring."
)


def write_issue(root: Path, base: str, *, links: int = 0) -> Path:
    """An issue with 80 snippets (20 of each kind); ``links`` distinct links to ``base``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "copro-news.toml").write_text(SETTINGS.format(base=base), encoding="utf-8")
    folder = root / "drafts" / "2026-12"
    for kind in ("events", "partnerships", "actions", "stories"):
        (folder / kind).mkdir(parents=True, exist_ok=True)
    (folder / "issue.md").write_text(
        '---\nsubject: "Team update: December 2026"\ndate: 2026-12-01\n'
        'preheader: "Meet-ups, partnerships and a survey"\n---\n'
        f"## Welcome to the December update\n\n{PARAGRAPH}\n",
        encoding="utf-8",
    )
    n = 0  # links given out so far (2 are the footer's website and sign-up links)

    def link() -> str:
        nonlocal n
        n += 1
        return f"{base}/page/{(n - 1) % (links - 2) + 1}" if links else "https://example.org/p"

    day = date(2026, 12, 2)
    for i in range(20):
        start = day + timedelta(days=i)
        (folder / "events" / f"event-{i:02d}.md").write_text(
            f'---\ntitle: "Co-Pro Cuppa number {i + 1}"\nstart: {start} 12:30\nend: "13:30"\n'
            f"location: Online (Zoom)\nlink: {link()}\nlink_text: Book your place\n---\n"
            f"{PARAGRAPH}\n",
            encoding="utf-8",
        )
        (folder / "partnerships" / f"partner-{i:02d}.md").write_text(
            f'---\ntitle: "Working with partner {i + 1}"\npartner: Citizens Advice North\n'
            f"link: {link()}\nlink_text: Read about the project\n---\n{PARAGRAPH}\n",
            encoding="utf-8",
        )
        (folder / "actions" / f"action-{i:02d}.md").write_text(
            f'---\ntitle: "Share your views, part {i + 1}"\ndeadline: 2026-12-20\n'
            f"link: {link()}\nbutton: Take the survey\n---\n{PARAGRAPH}\n",
            encoding="utf-8",
        )
        (folder / "stories" / f"story-{i:02d}.md").write_text(
            f'---\ntitle: "Where we have been, part {i + 1}"\n---\n{PARAGRAPH}\n\n'
            f"- [The first report]({link()})\n- [The second report]({link()})\n",
            encoding="utf-8",
        )
    return root


class SlowHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        time.sleep(DELAY)
        body = b"<html><body><h1>Welcome</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)
        with self.server.served.get_lock():  # type: ignore[attr-defined]
            self.server.served.value += 1  # type: ignore[attr-defined]

    do_GET = _answer
    do_HEAD = _answer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the listen backlog: every checker thread connects at once


def serve(ready: Any, served: Any) -> None:
    """Run the slow server until the process is ended; put its port on ``ready``."""
    server = Server(("127.0.0.1", 0), SlowHandler)
    server.served = served  # type: ignore[attr-defined]
    ready.put(server.server_address[1])
    server.serve_forever(0.05)


def bench_offline(tmp: Path, runs: int = 5) -> tuple[float, float, int]:
    """(seconds in-process, median seconds as a command, problems) for check --offline on
    the example issue grown to 80 snippets (the same one ``bench/run.py`` drafts)."""
    from bench.workspaces import make_large
    from copro_news.checks import check_all
    from copro_news.content import load_issue
    from copro_news.workspace import load_workspace

    root = make_large(tmp / "large")
    started = time.perf_counter()
    ws = load_workspace(explicit=root)
    issue = load_issue(ws, ws.resolve_issue(None))
    result = check_all(ws, issue, offline=True)
    in_process = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "copro_news", "check", "--offline"],
            cwd=root,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - started)
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr, file=sys.stderr)
            raise SystemExit("check --offline found errors in the 80-snippet issue")
    return in_process, statistics.median(times), len(result.problems)


def bench_links(tmp: Path) -> tuple[float, int, int, int]:
    """(seconds, distinct URLs, requests served, problems) for the online check."""
    from copro_news.checks import check_all
    from copro_news.checks.links import targets
    from copro_news.content import load_issue
    from copro_news.workspace import load_workspace

    # the server runs in its own process, as a real site would, so that it does not share
    # this process's interpreter lock with the checker being measured
    ctx = multiprocessing.get_context("spawn")
    ready: multiprocessing.Queue[int] = ctx.Queue()
    served = ctx.Value("i", 0)
    process = ctx.Process(target=serve, args=(ready, served), daemon=True)
    process.start()
    try:
        port = ready.get(timeout=30)
        base = f"http://127.0.0.1:{port}"
        root = write_issue(tmp / "online", base, links=100)
        ws = load_workspace(explicit=root)
        issue = load_issue(ws, ws.resolve_issue(None))
        from copro_news.checks.registry import Context
        from copro_news.checks.source import elements
        from copro_news.render import build_issue

        build = build_issue(ws, issue)
        probe = Context(ws=ws, issue=issue, build=build, at=None, offline=False)
        distinct = len({t.url for t in targets(probe) if t.url.startswith(base)})
        assert elements(probe)
        started = time.perf_counter()
        result = check_all(ws, issue, at=None, offline=False)
        elapsed = time.perf_counter() - started
        online_codes = {"link-broken", "link-unverified", "link-closed", "image-broken"}
        problems = [p for p in result.problems if p.code in online_codes]
        return elapsed, distinct, served.value, len(problems)
    finally:
        process.terminate()
        process.join(5)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        in_process, command, n = bench_offline(tmp)
        print(
            f"check --offline, 80 snippets: {in_process:.2f} s in-process (build and rules), "
            f"{command:.2f} s as a command (median of 5); {n} problems"
        )
        elapsed, distinct, served, broken = bench_links(tmp)
        ok = elapsed < LINK_LIMIT_SECONDS
        print(
            f"link check, {distinct} distinct links, {DELAY * 1000:.0f} ms per answer: "
            f"{elapsed:.2f} s for {served} requests (limit {LINK_LIMIT_SECONDS:.0f} s): "
            f"{'ok' if ok else 'TOO SLOW'}"
        )
        if broken:
            print(f"unexpected link problems: {broken}", file=sys.stderr)
            return 1
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
