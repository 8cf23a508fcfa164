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
