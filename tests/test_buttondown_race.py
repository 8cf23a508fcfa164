"""Two copies of a workspace send the same issue through Buttondown at the same moment: it
goes out once.

As for Mailchimp (test_send_race): two clones, each a workspace folder with the same issue
and no send.json, run ``python -m copro_news send --yes`` against one stand-in Buttondown,
which holds a call of each until both have come and lets them go at the same instant, or
the second later. Held: the first look for the issue's email, the create (both ask for the
issue's slug at once), or the publish (both publish the same draft at once). Whatever the
timing, the newsletter gets the issue once, from one email.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CANARY_KEY
from tests.fake_buttondown import FakeButtondown
from tests.send_helpers import two_clones_send

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")

TIMINGS = (
    ("GET /emails", 0.0),
    ("GET /emails", 1.0),
    ("POST /emails", 0.0),
    ("POST /emails/*/publish", 0.0),
)
RUNS_EACH = 3
AT_ONCE = 6


@dataclass
class Run:
    held: str
    delay: float
    codes: list[int]
    errors: list[str]
    deliveries: int
    emails: int
    violations: list[str]
    records: list[str | None]


def one_run(root: Path, held: str, delay: float) -> Run:
    with FakeButtondown(key=CANARY_KEY) as fake:
        method, path = held.split()
        fake.hold(method, path, parties=2, delays=(0.0, delay))
        codes, errors, records = two_clones_send(root, fake)
        return Run(
            held=held,
            delay=delay,
            codes=codes,
            errors=errors,
            deliveries=fake.total_deliveries,
            emails=len(fake.live_emails()),
            violations=list(fake.violations),
            records=records,
        )


def test_two_clones_sending_at_the_same_moment_send_once(tmp_path):
    plan = list(enumerate(TIMINGS * RUNS_EACH))
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        runs = list(pool.map(lambda job: one_run(tmp_path / f"run{job[0]}", *job[1]), plan))
    assert [r for r in runs if r.deliveries != 1] == []
    for r in runs:
        assert r.violations == [], r.violations
        assert r.emails == 1, r  # the slug: never a second email for the issue
        assert 0 in r.codes, r
        assert all("Traceback" not in e for e in r.errors), r
        for code, err in zip(r.codes, r.errors, strict=True):
            if code:
                assert "went out" in err or "another copy" in err, err
