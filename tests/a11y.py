"""Accessibility audits with axe-core in the real Chromium (Debian's), for any page we make:
the email, the preview page, and any later page (the web edition) through ``audit``.

Each page is looked at in three modes: light, dark (prefers-color-scheme emulated) and a
375 px wide phone. Screenshots of each go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.preview_support import ARTIFACTS

#: The impacts that fail a page; "moderate" and "minor" are reported, not failed.
FAILING = ("serious", "critical")


@dataclass(frozen=True)
class Mode:
    name: str
    width: int
    height: int
    scheme: str


MODES = (
    Mode("light", 1024, 900, "light"),
    Mode("dark", 1024, 900, "dark"),
    Mode("375px", 375, 812, "light"),
)


def violations(target: Any) -> list[dict[str, Any]]:
    """Every axe-core violation in ``target`` (a page or a frame), all impacts."""
    from axe_playwright_python.sync_playwright import Axe

    # each frame is audited on its own: axe-core would wait a minute for a frame without it
    results = Axe().run(target, options={"resultTypes": ["violations"], "iframes": False})
    found: list[dict[str, Any]] = results.response["violations"]
    return found


def failing(found: list[dict[str, Any]]) -> list[str]:
    """The violations that fail a page, one line each: rule, impact, where and why."""
    lines = []
    for v in found:
        if v.get("impact") not in FAILING:
            continue
        for node in v["nodes"]:
            why = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{v['id']} ({v['impact']}) at {node['target']}: {why}")
    return lines


@dataclass
class Audit:
    mode: Mode
    found: list[dict[str, Any]]
    screenshot: Path
    overflow: int  # how far the page scrolls sideways, in CSS pixels (0: it reflows)

    @property
    def failing(self) -> list[str]:
        return failing(self.found)


def audit(
    browser: Any,
    url: str,
    name: str,
    *,
    ready: Callable[[Any], None] | None = None,
    frame: str | None = None,
) -> list[Audit]:
    """axe-core's findings on the page at ``url`` in each mode, with a screenshot each
    (test-artifacts/NAME-MODE.png).

    ``ready(page)`` waits until the page is there; ``frame`` audits the document of that
    iframe (a CSS selector) as well as the page, opened on its own. Requests off this
    machine are refused.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    audits = []
    for mode in MODES:
        context = browser.new_context(
            viewport={"width": mode.width, "height": mode.height}, color_scheme=mode.scheme
        )
        # nothing off this machine (the example's images are on the web): refused at once;
        # pages on 127.0.0.1 are not intercepted at all (the preview's event stream)
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
        page = context.new_page()
        try:
            page.goto(url)
            if ready is not None:
                ready(page)
            found = violations(page)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if frame is not None:  # a sandboxed frame runs no script: its page on its own
                element = page.query_selector(frame)
                inner = element.content_frame() if element is not None else None
                assert inner is not None, f"no {frame} on {url}"
                alone = context.new_page()
                alone.goto(inner.url)
                found += violations(alone)
                alone.close()
            shot = ARTIFACTS / f"{name}-{mode.name}.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()
        audits.append(Audit(mode, found, shot, overflow))
    return audits
