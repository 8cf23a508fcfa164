"""Workspaces and messages for the send tests."""

from __future__ import annotations

ISSUE_MD = """\
---
subject: "Team update: December 2026"
date: 2026-12-01
preheader: "News from the co-production team"
check-ignore: [sections-empty]
---
## Welcome to the December update

Thank you to everyone who came to the training this month.
"""

LIST_ID = "a1b2c3d4e5"


#: The one issue of the send tests, for ``make_workspace(root, issues=SEND_ISSUE)``.
SEND_ISSUE = {"2026-12": {"issue.md": ISSUE_MD}}


def message(issue: str = "2026-12", html: str = "<p>Hello</p><a href='*|UNSUB|*'>unsubscribe</a>"):
    from email.message import EmailMessage

    from copro_news.providers.base import Message

    msg = EmailMessage()
    msg["Subject"] = "Team update"
    msg["From"] = "Team <news@example.org>"
    msg["To"] = "undisclosed-recipients:;"
    msg.set_content("Hello")
    msg.add_alternative(html, subtype="html")
    return Message(
        issue_id=issue,
        subject="Team update: December 2026",
        preheader="News from the team",
        from_name="Co-Production Collective",
        from_email="news@example.org",
        reply_to="hello@example.org",
        html=html,
        text="Hello",
        eml=msg.as_bytes(),
    )
