"""The browser preview in a real headless Chromium (Debian's), driven by Playwright.

Screenshots of the desktop, mobile and error views are kept in test-artifacts/.
"""

from __future__ import annotations

import pytest

from tests.preview_support import (
    ARTIFACTS,
    CUPPA,
    chromium,
    chromium_path,
    edit,
    example_workspace,
    running_preview,
)

pytestmark = pytest.mark.skipif(
    chromium_path() is None,
    reason="no Chromium at /usr/bin/chromium: `make browser` installs Debian's chromium",
)

FRONT = "document.querySelector('iframe.front')"


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright.sync_api")
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def email_text(page) -> str:
    return page.evaluate(f"{FRONT}.contentDocument.body.innerText")


def test_desktop_mobile_text_and_live_reload_without_a_page_reload(page, tmp_path):
    root = tmp_path / "ws"
    folder = example_workspace(root)
    ARTIFACTS.mkdir(exist_ok=True)
    complaints: list[str] = []
    page.on("pageerror", lambda e: complaints.append(str(e)))
    page.on("console", lambda m: m.type == "error" and complaints.append(m.text))
    with running_preview(root, folder) as running:
        page.goto(running.url)
        page.wait_for_selector("body[data-state=ok]")
        assert "Co-Pro Cuppa" in email_text(page)
        assert page.inner_text("#subject").startswith("Team update:")
        assert page.inner_text("#problems-summary") == "No problems found."
        # desktop: the email at full width, the 600 px layout centred in it
        frame_width = page.evaluate(f"{FRONT}.contentWindow.innerWidth")
        assert frame_width > 600
        page.screenshot(path=str(ARTIFACTS / "preview-desktop.png"))

        # mobile: a 375 px frame, and the email fits it without scrolling sideways
        page.click("#tab-mobile")
        page.wait_for_function(f"() => {FRONT}.contentWindow.innerWidth === 375")
        layout = page.evaluate(
            f"""() => {{
                const doc = {FRONT}.contentDocument.documentElement;
                return {{ scroll: doc.scrollWidth, client: doc.clientWidth,
                         container: {FRONT}.contentDocument.querySelector('.container')
                                    .getBoundingClientRect().width }};
            }}"""
        )
        assert layout["scroll"] <= layout["client"] <= 375, layout
        assert layout["container"] <= 375, layout
        page.screenshot(path=str(ARTIFACTS / "preview-mobile.png"))

        # a save on disk changes the page in place: no reload, scroll position kept
        page.evaluate("window.stillTheSamePage = true")
        page.evaluate(f"{FRONT}.contentWindow.scrollTo(0, 400)")
        scrolled = page.evaluate(f"{FRONT}.contentWindow.scrollY")
        assert scrolled > 0
        edit(folder / CUPPA, "Bring a cuppa.", "Bring a biscuit tin.")
        page.wait_for_function(
            f"() => {FRONT}.contentDocument.body.innerText.includes('Bring a biscuit tin.')"
        )
        assert page.evaluate("window.stillTheSamePage") is True
        assert page.evaluate(f"{FRONT}.contentWindow.scrollY") == scrolled
        assert page.evaluate(f"{FRONT}.contentWindow.innerWidth") == 375

        # a broken save: the errors in place of the email, with file and line
        edit(folder / CUPPA, "start: ", "start: next Tuesday ")
        page.wait_for_selector("body[data-state=error]")
        assert page.is_visible("#failure") and not page.is_visible("#email")
        failure = page.inner_text("#failure")
        assert f"drafts/{folder.name}/{CUPPA}:3" in failure
        assert "field-invalid" in failure
        assert "1 error" in page.inner_text("#problems-summary")
        page.screenshot(path=str(ARTIFACTS / "preview-error.png"))

        # the next good save brings the email back, where it was
        edit(folder / CUPPA, "start: next Tuesday ", "start: ")
        page.wait_for_selector("body[data-state=ok]")
        assert page.is_visible("#email") and not page.is_visible("#failure")
        assert "Bring a biscuit tin." in email_text(page)
        assert page.evaluate(f"{FRONT}.contentWindow.scrollY") == scrolled
        assert page.evaluate("window.stillTheSamePage") is True

        # the plain-text view is the text part, exactly
        page.click("#tab-text")
        assert page.is_visible("#text-body") and not page.is_visible("#email")
        assert page.inner_text("#text-body").strip() == running.preview.snapshot.text.strip()
        page.set_viewport_size({"width": 820, "height": 900})
        page.screenshot(path=str(ARTIFACTS / "preview-text.png"))
    # Only the example's remote images may fail to load (there is no network here).
    others = [c for c in complaints if "net::ERR" not in c and "Failed to load resource" not in c]
    assert not others, others
