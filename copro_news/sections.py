"""The sections of an issue, declared once: their names, default headings and words.

An issue holds an intro and then sections of snippets, one folder each. Their order and
headings are the workspace's (``[sections]`` in copro-news.toml) and the issue's own
(``sections`` in issue.md); what a section is called when nothing says otherwise is
declared here. It imports nothing of copro-news.
"""

from __future__ import annotations

from typing import NamedTuple


class Section(NamedTuple):
    name: str  # the folder: events/
    title: str  # the heading the house style gives it
    one: str  # one snippet of it: "1 event"


DECLARED: tuple[Section, ...] = (
    Section("events", "Events", "event"),
    Section("partnerships", "Partnerships and projects", "partnership"),
    Section("actions", "Have your say", "action"),
    Section("stories", "News and stories", "story"),
)

#: The section names, in the house order.
SECTIONS: tuple[str, ...] = tuple(s.name for s in DECLARED)
#: The heading each section has unless the settings or the issue give another.
DEFAULT_TITLES: dict[str, str] = {s.name: s.title for s in DECLARED}

#: Other names people give a section folder.
ALIASES: dict[str, str] = {
    "event": "events",
    "partnership": "partnerships",
    "project": "partnerships",
    "projects": "partnerships",
    "action": "actions",
    "cta": "actions",
    "story": "stories",
    "news": "stories",
}


def counted(name: str, n: int) -> str:
    """'1 event', '2 events', '1 story'."""
    one = next((s.one for s in DECLARED if s.name == name), name)
    return f"{n} {one if n == 1 else name}"
