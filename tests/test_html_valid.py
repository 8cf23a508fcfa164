"""The built email is valid HTML: it parses without an error by the HTML5 parsing rules, and
no attribute holds a value that HTML does not allow (height="auto", width="100px")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import make_workspace
from tests.preview_support import example_workspace

html5lib = pytest.importorskip("html5lib")

WHOLE = re.compile(r"^\d+$")
WHOLE_OR_PERCENT = re.compile(r"^\d+%?$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: attribute -> (elements it is checked on, or None for all; what its value must match)
RULES: dict[str, tuple[set[str] | None, re.Pattern[str] | set[str]]] = {
    "width": ({"img"}, WHOLE),
    "height": ({"img"}, WHOLE),
    "cellpadding": (None, WHOLE),
    "cellspacing": (None, WHOLE),
    "border": (None, WHOLE),
    "bgcolor": (None, COLOUR),
    "align": (None, {"left", "center", "right", "justify"}),
    "valign": (None, {"top", "middle", "bottom", "baseline"}),
    "dir": (None, {"ltr", "rtl", "auto"}),
    "role": (None, {"presentation", "article", "none"}),
    "target": (None, {"_blank", "_self", "_parent", "_top"}),
}
TABLE_WIDTH = ({"table", "td", "th"}, WHOLE_OR_PERCENT)


def problems_in(html: str) -> list[str]:
    """Every parse error and every attribute value HTML does not allow, one line each."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), strict=False)
    document = parser.parse(html)
    found = [
        f"parse error line {line}, column {col}: {code} {data or ''}"
        for (line, col), code, data in parser.errors
    ]
    ids: set[str] = set()
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # a comment (the conditional comments for Outlook)
        tag = element.tag.rsplit("}", 1)[-1]
        for name, value in element.attrib.items():
            rule = RULES.get(name)
            if name == "width" and tag in TABLE_WIDTH[0]:
                rule = TABLE_WIDTH
            if name in ("lang", "aria-label", "href", "src") and not value.strip():
                found.append(f"<{tag} {name}> is empty")
            if name == "id":
                if value in ids:
                    found.append(f"id {value!r} twice")
                ids.add(value)
            if rule is None:
                continue
            elements, allowed = rule
            if elements is not None and tag not in elements:
                if name in ("width", "height"):
                    found.append(f'<{tag} {name}="{value}">: not an attribute of <{tag}>')
                continue
            ok = allowed.match(value) if isinstance(allowed, re.Pattern) else value in allowed
            if not ok:
                found.append(f'<{tag} {name}="{value}">: not a value HTML allows')
    return found


def drafted_html(cli, root: Path) -> str:
    r = cli("draft", cwd=root)
    assert r.exit_code == 0, r.output
    (html,) = (root / "drafts").glob("*/build/issue.html")
    return html.read_text(encoding="utf-8")


def test_the_example_issue_is_valid_html(cli, tmp_path):
    root = tmp_path / "ws"
    example_workspace(root)
    html = drafted_html(cli, root)
    assert problems_in(html) == []
    assert re.search(r'<img class="hero-img"[^>]* width="600"', html)
    assert 'height="auto"' not in html


def test_a_real_past_issue_is_valid_html(cli, tmp_path):
    root = make_workspace(tmp_path / "ws", fixture="march-2022")
    assert problems_in(drafted_html(cli, root)) == []


def test_the_check_finds_what_it_is_there_to_find():
    bad = (
        '<!DOCTYPE html><html lang=""><head><title>x</title></head><body>'
        '<img src="a.png" alt="" width="600" height="auto">'
        '<table><tr><td width="100px"></td></tr></table>'
        '<p id="a"></p><p id="a"></p></b></body></html>'
    )
    found = problems_in(bad)
    assert '<img height="auto">: not a value HTML allows' in found
    assert '<td width="100px">: not a value HTML allows' in found
    assert "id 'a' twice" in found
    assert "<html lang> is empty" in found
    assert any(line.startswith("parse error") for line in found)
