"""The send tests' issue and messages, the send flow through a stand-in provider, and
``copro-news send`` run as a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest

    from copro_news.providers.base import Message, Provider
    from copro_news.sending import SendFlow
    from copro_news.sendrecord import SendRecord
    from tests.standin import StandIn

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

#: The list of the stand-in Mailchimp (the ``mailchimp`` fixture makes it).
LIST_ID = "a1b2c3d4e5"
#: Buttondown's list: the newsletter of the API key.
NEWSLETTER = "newsletter"


#: The one issue of the send tests, for ``make_workspace(root, issues=SEND_ISSUE)``.
SEND_ISSUE = {"2026-12": {"issue.md": ISSUE_MD}}

#: A built email, as Buttondown takes it: its unsubscribe link, a width for the desktop.
BUTTONDOWN_HTML = """\
<!DOCTYPE html>
<html lang="en"><head><style>@media (max-width: 620px) { .container { width: 100% !important } }
</style></head>
<body class="body" style="margin: 0">
<div class="preheader" style="display: none">News from the team</div>
<table role="presentation" class="container" width="600" style="width: 600px"><tr><td>
<h1>Team update: December 2026</h1>
<p>The next Cuppa is on <strong>Tuesday 1 December 2026, 12:30</strong>.
<a href="https://example.org/cuppa">Sign up</a></p>
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>
</td></tr></table>
</body></html>
"""


def message(
    issue: str = "2026-12",
    html: str = "<p>Hello</p><a href='*|UNSUB|*'>unsubscribe</a>",
    *,
    subject: str = "Team update: December 2026",
) -> Message:
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
        subject=subject,
        preheader="News from the team",
        from_name="Co-Production Collective",
        from_email="news@example.org",
        reply_to="hello@example.org",
        html=html,
        text="Hello",
        eml=msg.as_bytes(),
    )


def record(ws: Path) -> SendRecord | None:
    """The send record of the send tests' issue in workspace ``ws``; None when there is none."""
    from copro_news import sendrecord

    return sendrecord.load(ws / "drafts" / "2026-12")


def written_record(ws: Path) -> SendRecord:
    """The send record of the send tests' issue in workspace ``ws``, which must be there."""
    rec = record(ws)
    assert rec is not None
    return rec


# --- the send flow through a stand-in -------------------------------------------------------------


def no_waits(
    monkeypatch: pytest.MonkeyPatch,
    *one_copy: type[Provider],
    read_timeout: float | None = None,
) -> None:
    """The send flow without its waits: no pause before a retry or before looking again.

    ``one_copy``: the providers whose sends wait for no campaign of another copy of the
    workspace (there is none in the test). ``read_timeout``: how soon a slow answer is given
    up on.
    """
    from copro_news import sending
    from copro_news.providers import http

    monkeypatch.setattr(http, "BACKOFF", 0.0)
    monkeypatch.setattr(sending, "RECHECK_DELAY", 0.0)
    if read_timeout is not None:
        monkeypatch.setattr(http, "READ_TIMEOUT", read_timeout)
    for provider in one_copy:
        monkeypatch.setattr(provider, "created_resolution", 0.0)


def client(fake: StandIn, **kw: Any) -> Provider:
    """The provider of the stand-in ``fake``, talking to it with the canary key."""
    from copro_news.secret import Secret
    from tests.conftest import CANARY_KEY

    if fake.provider == "buttondown":
        from copro_news.providers.buttondown import ButtondownProvider

        return ButtondownProvider(Secret(CANARY_KEY), api_url=fake.url, **kw)
    from copro_news.providers.mailchimp import MailchimpProvider

    return MailchimpProvider(Secret(CANARY_KEY), api_url=fake.url, **kw)


def send_flow(
    fake: StandIn,
    folder: Path,
    msg: Message | None = None,
    *,
    naked: bool = False,
    **kw: Any,
) -> SendFlow:
    """The send flow of the issue in ``folder`` through the stand-in ``fake``, to its list:
    ``msg``, else the send tests' message with the provider's unsubscribe link; ``naked``
    for Buttondown's naked mode; ``kw`` for the flow."""
    from copro_news.sending import SendFlow

    if fake.provider == "buttondown":
        msg = msg or message(html=BUTTONDOWN_HTML)
        return SendFlow(client(fake, naked=naked), folder, msg, NEWSLETTER, **kw)
    return SendFlow(client(fake), folder, msg or message(), LIST_ID, **kw)


def send_until_done(
    fake: StandIn,
    folder: Path,
    when: datetime | None = None,
    attempts: int = 4,
) -> list[Exception]:
    """Run `send` as a person would after each failure: again, until it is done or refused.
    The errors of the runs that failed."""
    from copro_news.errors import ProviderError, RefusedError

    errors: list[Exception] = []
    for _ in range(attempts):
        try:
            s = send_flow(fake, folder)
            s.plan(when)
            s.send(when)
            return errors
        except RefusedError as e:
            assert "already" in e.message, e.message
            return errors
        except ProviderError as e:
            errors.append(e)
    raise AssertionError(f"still failing after {attempts} runs: {errors}")


def ctrl_c_at(wait: str, when: str = "before") -> Callable[[str], Any]:
    """A progress callback that stops the flow (Ctrl-C) at the wait that starts with
    ``wait``: ``before`` its call goes, or ``after`` its answer has come."""

    @contextmanager
    def progress(text: str):  # type: ignore[no-untyped-def]
        if text.startswith(wait) and when == "before":
            raise KeyboardInterrupt
        yield
        if text.startswith(wait) and when == "after":
            raise KeyboardInterrupt

    return progress


# --- copro-news send as a process -------------------------------------------------------------


def send_workspace(root: Path, fake: StandIn) -> Path:
    """The send tests' workspace at ``root``, sending through the stand-in ``fake``."""
    from tests.conftest import make_workspace

    list_id = LIST_ID if fake.provider == "mailchimp" else ""
    return make_workspace(
        root, provider=fake.provider, api_url=fake.url, list_id=list_id, issues=SEND_ISSUE
    )


def key_env(tmp_path: Path, fake: StandIn) -> dict[str, str]:
    """What a send process adds to the environment: the key of ``fake``'s provider (the
    canary key), and a temporary folder of the test's own."""
    from copro_news.providers.registry import provider_info
    from tests.conftest import CANARY_KEY

    tmp = tmp_path / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    return {provider_info(fake.provider).key_variable: CANARY_KEY, "TMPDIR": str(tmp)}


def start_send(ws: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """``python -m copro_news send --yes ARGS`` in ``ws``, with ``env`` added to this
    environment; its output in pipes."""
    return subprocess.Popen(
        [sys.executable, "-m", "copro_news", "send", "--yes", *args],
        cwd=ws,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def stop_send(
    ws: Path,
    env: dict[str, str],
    args: tuple[str, ...],
    ready: Callable[[], bool],
    sig: int,
    timeout: float = 20.0,
) -> tuple[int, str]:
    """Start ``send --yes ARGS`` in ``ws``; once ``ready()`` (and a moment more), send it
    ``sig`` (SIGINT: Ctrl-C; SIGKILL: kill -9). Its exit code, and what it said on stderr."""
    proc = start_send(ws, env, *args)
    try:
        wait_for(ready, timeout)
        time.sleep(0.2)
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, err


def two_clones_send(root: Path, fake: StandIn) -> tuple[list[int], list[str], list[str | None]]:
    """Two clones of the workspace (alice and bob: the same issue, no send.json) run ``send
    --yes --offline`` at the same time through ``fake``: their exit codes, what each said on
    stderr, and the state of each one's send record (None: no record)."""
    env = {**key_env(root, fake), "HOME": str(root / "home")}
    clones = [send_workspace(root / name, fake) for name in ("alice", "bob")]
    procs = [start_send(ws, env, "--offline") for ws in clones]
    outputs = [p.communicate(timeout=120) for p in procs]
    states = []
    for ws in clones:
        rec = record(ws)
        states.append(rec.state if rec is not None else None)
    return [p.returncode for p in procs], [err for _out, err in outputs], states
