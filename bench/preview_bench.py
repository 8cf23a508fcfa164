"""How long from saving a snippet to seeing it in the browser preview.

Runs ``copro-news preview --browser`` as the user would, opens the page in headless
Chromium (Debian's, through Playwright), then saves a snippet 20 times and times each save
until the new text is on screen in the email frame. Two issues, as in bench/run.py: the
example issue that ``init`` makes, and the same grown to 80 snippets.

    make bench-preview    # or: python bench/preview_bench.py [--saves 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.workspaces import make_example, make_large
from tests.preview_support import CHROMIUM_ARGS

FRONT = "document.querySelector('iframe.front')"
AIM_MS = 300


def typical(root: Path) -> Path:
    make_example(root)
    return next((root / "drafts").iterdir()) / "events" / "co-pro-cuppa.md"


def large(root: Path) -> Path:
    make_large(root, 80)
    return next((root / "drafts").iterdir()) / "events" / "co-pro-cuppa.md"


def measure(root: Path, snippet: Path, saves: int, chromium: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    proc = subprocess.Popen(
        [sys.executable, "-m", "copro_news", "preview", "--browser", "--no-open"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if " at http" not in line:
            raise SystemExit(f"the preview did not start: {line!r}")
        url = line.split(" at ", 1)[1].strip()
        original = snippet.read_text(encoding="utf-8")
        body_at = original.index("\n---\n", 3) + 5  # the marker goes first in the body
        timings: list[float] = []
        builds: list[float] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.wait_for_selector("body[data-state=ok]")
            for i in range(saves + 1):  # the first save warms up and is not counted
                marker = f"Saved-{i}-{time.time_ns()}"
                version = int(page.evaluate("document.body.dataset.version"))
                text = original[:body_at] + f"{marker} " + original[body_at:]
                started = time.perf_counter()
                snippet.write_text(text, encoding="utf-8")
                page.wait_for_function(
                    f"""([v, m]) => Number(document.body.dataset.version) > v
                        && document.body.dataset.state === 'ok'
                        && {FRONT}.contentDocument.body.textContent.includes(m)""",
                    arg=[version, marker],
                    polling="raf",
                    timeout=10_000,
                )
                elapsed = (time.perf_counter() - started) * 1000
                with urllib.request.urlopen(url + "build.json") as r:
                    built_ms = json.load(r)["ms"]
                if i:
                    timings.append(elapsed)
                    builds.append(built_ms)
                time.sleep(0.15)
            browser.close()
        snippet.write_text(original, encoding="utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return {
        "median": statistics.median(timings),
        "p90": sorted(timings)[int(0.9 * (len(timings) - 1))],
        "min": min(timings),
        "max": max(timings),
        "build": statistics.median(builds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        raise SystemExit(f"No Chromium at {args.chromium}: run `make browser` first.")
    print(f"Save to updated page in the browser preview, {args.saves} saves each (ms):")
    print(f"{'issue':<22}{'median':>8}{'p90':>8}{'min':>8}{'max':>8}{'build':>8}")
    worst = 0.0
    for name, make in (("typical (6 files)", typical), ("80 snippets", large)):
        with tempfile.TemporaryDirectory(prefix="copro-news-bench-") as tmp:
            root = Path(tmp) / "ws"
            snippet = make(root)
            r = measure(root, snippet, args.saves, args.chromium)
        worst = max(worst, r["median"])
        print(
            f"{name:<22}{r['median']:>8.0f}{r['p90']:>8.0f}{r['min']:>8.0f}{r['max']:>8.0f}"
            f"{r['build']:>8.0f}"
        )
    print("build: the server's own median build time, included in the others.")
    verdict = "within" if worst < AIM_MS else "over"
    print(f"The slowest median is {worst:.0f} ms: {verdict} the {AIM_MS} ms aim.")


if __name__ == "__main__":
    main()
