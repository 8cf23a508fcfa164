"""axe-core in Chromium finds nothing serious or critical in the email or the preview page,
in light mode, dark mode and on a 375 px phone. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.a11y import audit
from tests.conftest import make_workspace
from tests.preview_support import chromium, chromium_path, example_workspace, running_preview

pytestmark = pytest.mark.skipif(
    chromium_path() is None,
    reason="no Chromium at /usr/bin/chromium: `make system-packages` installs Debian's",
)


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("axe_playwright_python")
    with chromium() as b:
        yield b


def report(audits) -> str:
    """Every failing finding, and a page that scrolls sideways (it must reflow at 375 px)."""
    lines = [f"{a.mode.name}: {line}" for a in audits for line in a.failing]
    lines += [f"{a.mode.name}: scrolls {a.overflow} px sideways" for a in audits if a.overflow]
    return "\n".join(lines)


def built_email(cli, root: Path) -> Path:
    r = cli("draft", cwd=root)
    assert r.exit_code == 0, r.output
    (html,) = (root / "drafts").glob("*/build/issue.html")
    return html


def test_the_example_email_has_no_serious_violation_in_any_mode(browser, cli, tmp_path):
    root = tmp_path / "ws"
    example_workspace(root)
    audits = audit(browser, built_email(cli, root).as_uri(), "email-example")
    assert [a.mode.name for a in audits] == ["light", "dark", "375px"]
    assert not report(audits), report(audits)
    assert all(a.screenshot.stat().st_size > 10_000 for a in audits)


def test_a_real_past_issue_has_no_serious_violation_in_any_mode(browser, cli, tmp_path):
    root = make_workspace(tmp_path / "ws", fixture="march-2022")
    audits = audit(browser, built_email(cli, root).as_uri(), "email-march-2022")
    assert not report(audits), report(audits)


def test_the_preview_page_has_no_serious_violation_in_any_mode(browser, tmp_path):
    root = tmp_path / "ws"
    folder = example_workspace(root)
    with running_preview(root, folder) as running:
        audits = audit(
            browser,
            running.url,
            "preview",
            ready=lambda page: page.wait_for_selector("body[data-state=ok]"),
            frame="iframe.front",
        )
    assert not report(audits), report(audits)


def test_the_audit_finds_what_it_is_there_to_find(browser, tmp_path):
    """Grey on grey, an image without alt, no lang, too wide for a phone: the audit fails."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><title>x</title></head><body style="background:#fff">'
        '<p style="color:#bbb">Hard to read</p><img src="data:," width="10" height="10">'
        '<div style="width:800px">Wider than a phone</div>'
        "</body></html>",
        encoding="utf-8",
    )
    audits = audit(browser, page.as_uri(), "audit-self-test")
    found = report(audits)
    for rule in ("color-contrast (serious)", "image-alt (critical)", "html-has-lang (serious)"):
        assert found.count(rule) == 3, found  # in each of the three modes
    assert "375px: scrolls 433 px sideways" in found  # 800 px and the body's margins
    assert "light: scrolls" not in found
