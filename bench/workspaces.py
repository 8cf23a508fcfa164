"""Workspaces for the benchmarks: the example issue, and one ten times larger (80 snippets)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

KINDS = ("events", "partnerships", "actions", "stories")


def make_example(root: Path) -> Path:
    """``copro-news init`` with its example issue; returns the workspace root."""
    subprocess.run(
        [sys.executable, "-m", "copro_news", "init", str(root)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return root


def make_large(root: Path, snippets: int = 80) -> Path:
    """The example workspace with its issue grown to ``snippets`` snippets."""
    make_example(root)
    issue = next(p for p in sorted((root / "drafts").iterdir()) if p.is_dir())
    month = issue.name
    for n in range(snippets - sum(1 for _ in issue.glob("*/*.md"))):
        kind = KINDS[n % len(KINDS)]
        day = 2 + n % 26
        front = {
            "events": f'start: {month}-{day:02d} 12:30\nend: "13:30"\nlocation: Online\n'
            f"link: https://example.org/events/{n}",
            "partnerships": f"partner: Partner {n}\nlink: https://example.org/partners/{n}",
            "actions": f"deadline: {month}-{day:02d}\nlink: https://example.org/act/{n}\n"
            "button: Take part",
            "stories": f"order: {n}",
        }[kind]
        text = (
            f'---\ntitle: "{kind.title()} item {n}"\n{front}\n---\n'
            "People with lived experience and professionals worked as one team on this. "
            "We shared power, decisions and the budget, and we paid people for their time.\n\n"
            "- what we did first;\n- what we learned;\n- what comes next.\n"
        )
        (issue / kind / f"item-{n:03d}.md").write_text(text, encoding="utf-8")
    return root
