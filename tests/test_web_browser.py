"""The web edition in a real headless Chromium (Debian's), driven by Playwright: the issue's
page, the archive, the CMS's copy pasted into a plain page, and the preview's Web view.

Each is audited with the tests' axe-core helper (tests/a11y.py: light, dark and 375 px, no
serious or critical violation, no scrolling sideways), and kept as screenshots in
test-artifacts/.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.a11y import audit
from tests.preview_support import ARTIFACTS, chromium, chromium_path, running_preview
from tests.web_support import JUNE, NOVEMBER, team_workspace

pytestmark = pytest.mark.skipif(
    chromium_path() is None,
    reason="no Chromium at /usr/bin/chromium: `make browser` installs Debian's chromium",
)


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api")
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The team's web edition, written by the real command line."""
    from tests.conftest import run_cli

    root = team_workspace(tmp_path_factory.mktemp("web") / "ws")
    for args in (["draft", JUNE], ["web", "--all", "--offline"]):
        r = run_cli(args, cwd=root)
        assert r.exit_code == 0, r.output
    return root


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` on a static web server on 127.0.0.1, as a host would publish it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def loaded(page) -> None:
    """Ready when every picture has loaded (one that cannot load never is: the test fails)."""
    page.wait_for_load_state("load")
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")


def audited(browser, url: str, name: str) -> None:
    """axe-core finds nothing serious or critical, light, dark and at 375 px, and nothing
    makes the page scroll sideways; the screenshots are test-artifacts/NAME-*.png."""
    for seen in audit(browser, url, name, ready=loaded):
        assert seen.failing == [], (seen.mode.name, seen.failing)
        assert seen.overflow == 0, (seen.mode.name, seen.overflow)
        assert seen.screenshot.is_file()


def opened(browser, url: str, width: int = 1280):
    """A page at ``url``, with every request that failed."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("pageerror", lambda e: failed.append(str(e)))
    page.goto(url)
    loaded(page)
    return context, page, failed


def test_the_issue_page_on_a_desktop_and_a_phone(browser, site):
    with served(site / "site") as base:
        audited(browser, f"{base}{JUNE}/", "web-page")
        context, page, failed = opened(browser, f"{base}{JUNE}/", width=375)
        assert page.inner_text("h1") == "Team update: June 2026"
        assert page.title() == "Team update: June 2026 | Co-Production Collective"
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('body *')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert widest <= 375
        # the .ics file beside the page is served as it is
        href = page.get_attribute("a:has-text('Apple and others (.ics)')", "href")
        assert href == "co-pro-cuppa.ics"
        context.close()
    assert failed == []  # every picture and file beside it loads


def test_the_archive_on_a_desktop_and_a_phone(browser, site):
    with served(site / "site") as base:
        audited(browser, base, "web-archive")
        context, page, failed = opened(browser, base)
        assert page.inner_text("h1") == "All issues"
        page.click("text=Team update: November 2026")
        page.wait_for_url(f"{base}{NOVEMBER}/")
        assert page.inner_text("h1") == "Team update: November 2026"
        page.click("text=All issues")
        page.wait_for_url(base)
        context.close()
    assert failed == []


# What any CMS theme does for a post: a page of its own, with its title, and pictures that fit.
CMS_POST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Team update: June 2026</title>
<style>body {{ font: 17px/1.6 sans-serif; margin: 0 auto; max-width: 40rem; padding: 0 1rem; }}
img {{ max-width: 100%; height: auto; }}</style></head>
<body><main><article><h1>Team update: June 2026</h1>
{fragment}
</article></main></body></html>
"""


def test_the_cms_copy_pasted_into_a_post(browser, site, tmp_path):
    fragment = (site / "drafts" / JUNE / "build" / "web.html").read_text(encoding="utf-8")
    folder = tmp_path / "cms"
    folder.mkdir()
    (folder / "post.html").write_text(CMS_POST.format(fragment=fragment), encoding="utf-8")
    # the pictures at the page's address: here, the published folder stands in for the site
    local = fragment.replace("https://example.org/news/", "/news/")
    (folder / "post.html").write_text(CMS_POST.format(fragment=local), encoding="utf-8")
    (folder / "news").symlink_to(site / "site", target_is_directory=True)
    with served(folder) as base:
        audited(browser, f"{base}post.html", "web-cms-fragment")
        context, page, failed = opened(browser, f"{base}post.html", width=375)
        assert page.inner_text("h2 >> nth=0") == "Hello from the team"
        context.close()
    assert failed == []


def test_the_preview_shows_the_web_page_in_a_fourth_view(browser, tmp_path):
    root = team_workspace(tmp_path / "ws")
    folder = root / "drafts" / JUNE
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    complaints: list[str] = []
    page.on("pageerror", lambda e: complaints.append(str(e)))
    with running_preview(root, folder) as running:
        page.goto(running.url)
        page.wait_for_selector("body[data-state=ok]")
        tabs = page.eval_on_selector_all("[role=tab]", "els => els.map(e => e.textContent)")
        assert tabs == ["Desktop", "Mobile", "Plain text", "Web"]
        page.click("#tab-web")
        page.wait_for_selector("body[data-web-version]")
        frame = page.frame_locator("#web-frame")
        assert frame.locator("h1").inner_text() == "Team update: June 2026"
        assert frame.locator("figure.hero img").evaluate("i => i.naturalWidth") == 1200
        ics = frame.locator("a", has_text="Apple and others (.ics)").first.get_attribute("href")
        assert ics == "co-pro-cuppa.ics"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "preview-web.png"))
        from tests.preview_support import get

        status, headers, data = get(running.url, f"/web/{ics}")
        assert (status, headers["content-type"]) == (200, "text/calendar; charset=utf-8")
        assert b"SUMMARY:Co-Pro Cuppa" in data
        assert not (folder / "calendar.json").exists()  # the preview writes nothing
        assert get(running.url, "/web/nope.ics")[0] == 404
        # a save shows in the web view too
        snippet = folder / "events" / "co-pro-cuppa.md"
        snippet.write_text(snippet.read_text().replace("Bring a cuppa.", "Bring a biscuit tin."))
        frame.locator("text=Bring a biscuit tin.").wait_for(timeout=10_000)
    context.close()
    assert complaints == []
