"""What the web edition's tests share: a team's workspace with two issues that went out and
one in the writing, pictures in the issue folder, events at both ends of the clock change."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import SETTINGS, build_file_tree
from tests.helpers import png

BASE_URL = "https://example.org/news/"
WEB_EXTRA = f'\n[web]\nbase_url = "{BASE_URL}"\n'
WEB_SETTINGS = SETTINGS + WEB_EXTRA

JUNE = "2026-06"  # went out on 2 June 2026 (British Summer Time)
NOVEMBER = "2026-11"  # went out on 3 November 2026 (Greenwich Mean Time)
DECEMBER = "2026-12"  # not sent yet

JUNE_ISSUE: dict[str, object] = {
    "issue.md": """\
---
subject: "Team update: June 2026"
date: 2026-06-02
preheader: "A meet-up, a two-day conference and a survey"
hero:
  image: images/sun.png
  alt: "Sun rising over the hills"
  credit: "[Ivana Cajina](https://unsplash.com/@ivanacajina)"
---
## Hello from the team

Welcome to the June update. Read [our annual report](https://example.org/report?year=2025)
and [Lizzie's blog](https://blog.example.net/lizzie).
""",
    "images": {"sun.png": png(1200, 500), "pat.png": png(800, 600)},
    "events": {
        "co-pro-cuppa.md": """\
---
title: "Co-Pro Cuppa"
start: 2026-06-02 12:30
end: "13:30"
location: Online (Zoom)
link: https://example.org/events/cuppa
link_text: Book your place
---
An informal hour for anyone interested in co-production. Bring a cuppa.
""",
        "hive.md": """\
---
title: "Hive: peer research conference"
start: 2026-06-23
end: 2026-06-24
location: The Old Library, Birmingham
link: https://www.eventbrite.co.uk/e/hive-2026
---
Two days of peer research, planned by people with lived experience.
""",
    },
    "actions": {
        "survey.md": """\
---
title: "Share your views"
deadline: 2026-06-20 17:00
link: https://example.org/survey
button: Take the survey
---
Tell us what you need from us. [Read the questions first](https://example.org/survey/questions).
""",
    },
    "stories": {
        "training.md": """\
---
title: "Where we have been"
---
This month the team delivered:

- training for the regional NHS trust;
- a workshop with [the Involvement Network](https://involvement.example.net/);
- a talk at the Community Housing Conference.

![Pat speaking at the conference](images/pat.png)

Please get in touch: [coproduction@example.org](mailto:coproduction@example.org).
""",
    },
}

NOVEMBER_ISSUE: dict[str, object] = {
    "issue.md": """\
---
subject: "Team update: November 2026"
date: 2026-11-03
preheader: "The autumn Cuppa and our new partner"
---
## Autumn at the Collective

The nights are drawing in.
""",
    "events": {
        "co-pro-cuppa.md": """\
---
title: "Co-Pro Cuppa: November"
start: 2026-11-03 12:30
end: "13:30"
location: Online (Zoom)
link: https://example.org/events/cuppa-november
---
Our monthly meet-up.
""",
    },
    "partnerships": {
        "healthwatch.md": """\
---
title: "Working with Healthwatch"
partner: Healthwatch Camden
link: https://healthwatch.example.net/camden
---
We work together on access to services.
""",
    },
}

DECEMBER_ISSUE: dict[str, object] = {
    "issue.md": """\
---
subject: "Team update: December 2026"
date: 2026-12-01
preheader: "Not sent yet"
---
## December

Still being written.
""",
    "stories": {"draft.md": '---\ntitle: "A draft"\n---\nNot yet.\n'},
}


def team_workspace(root: Path, *, settings: str = WEB_SETTINGS, sent: bool = True) -> Path:
    """The team's workspace in ``root``: June and November went out (by their send records,
    as the outbox writes them), December is still a draft."""
    build_file_tree(
        root,
        {
            "copro-news.toml": settings,
            "drafts": {JUNE: JUNE_ISSUE, NOVEMBER: NOVEMBER_ISSUE, DECEMBER: DECEMBER_ISSUE},
        },
    )
    if sent:
        mark_sent(root / "drafts" / JUNE, datetime(2026, 6, 2, 8, 0, tzinfo=UTC))
        mark_sent(root / "drafts" / NOVEMBER, datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    return root


def mark_sent(folder: Path, when: datetime) -> None:
    """The send record of an issue that went out at ``when`` through the outbox."""
    from copro_news import sendrecord

    record = sendrecord.new_record(folder.name, "outbox", "", when)
    record.mark_created(f"outbox-{folder.name}")
    record.mark_content_set("0" * 16)
    record.request(sendrecord.Call.SEND)
    record.mark_sent(when)
    sendrecord.save(folder, record, when)


class Links(HTMLParser):
    """Every <a href> of a page with its words, every <img> and every heading, in order."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.images: list[tuple[str, str]] = []
        self.headings: list[tuple[str, str]] = []
        self._link: list[str] | None = None
        self._href = ""
        self._heading: list[str] | None = None
        self._level = ""
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href") is not None:
            self._link, self._href = [], a["href"] or ""
        elif tag == "img":
            self.images.append((a.get("src") or "", a.get("alt") or ""))
        elif re.fullmatch(r"h[1-6]", tag):
            self._heading, self._level = [], tag

    def handle_data(self, data: str) -> None:
        for part in (self._link, self._heading):
            if part is not None:
                part.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._href, " ".join("".join(self._link).split())))
            self._link = None
        elif tag == self._level and self._heading is not None:
            self.headings.append((tag, " ".join("".join(self._heading).split())))
            self._heading = None


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())
