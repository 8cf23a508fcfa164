"""Small helpers shared by the tests: snippets written inline."""

from __future__ import annotations


def snippet(front: str, body: str = "Some text.\n") -> str:
    return f"---\n{front.strip()}\n---\n{body}"


ISSUE_MD = snippet('subject: "Team update: December 2026"\ndate: 2026-12-01', "Hello.\n")
