"""Two copies of a workspace send the same issue at the same moment: it goes out once.

The team keeps drafts/ in git and several people have a clone. Here two clones (two
workspace folders with the same issue and no send.json) run ``python -m copro_news send
--yes`` against one stand-in Mailchimp. The stand-in holds the first look of each for the
issue's campaign until both have come, then lets them go at the same instant, or the
second 0.5 s, 1 s or 2 s later. In one more set, it holds their calls that create the
campaign instead: both campaigns are made in the same second, the case the provider's
clock cannot order. Whatever the timing, the stand-in sends exactly one campaign, and
keeps no draft of the copy that lost.

Several pairs run at once, each against a stand-in of its own.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CANARY_KEY
from tests.fake_mailchimp import FakeMailchimp
from tests.send_helpers import LIST_ID, two_clones_send

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")

#: (the call held until both clones have made it, the delay of the second clone).
TIMINGS = (
    ("GET /campaigns", 0.0),
    ("GET /campaigns", 0.5),
    ("GET /campaigns", 1.0),
    ("GET /campaigns", 2.0),
    ("POST /campaigns", 0.0),
)
RUNS_EACH = 11  # 55 runs in all
AT_ONCE = 12  # pairs running at the same time: the waits of some overlap the work of others


@dataclass
class Run:
    held: str
    delay: float
    codes: list[int]
    errors: list[str]
    sends: int
    campaigns_left: int
    created: int
    deleted: int
    violations: list[str]
    records: list[str | None]


def one_run(root: Path, held: str, delay: float) -> Run:
    """Two clones send the same issue; the call ``held`` ("GET /campaigns") of both goes at
    the same instant, or the second's ``delay`` seconds after the first's."""
    with FakeMailchimp(key=CANARY_KEY) as fake:
        fake.add_list(LIST_ID, "Team update", 312)
        method, path = held.split()
        fake.hold(method, path, parties=2, delays=(0.0, delay))
        codes, errors, records = two_clones_send(root, fake)
        return Run(
            held=held,
            delay=delay,
            codes=codes,
            errors=errors,
            sends=fake.total_sends,
            campaigns_left=len(fake.campaigns),
            created=fake.count("POST", "/campaigns"),
            deleted=len(fake.deleted),
            violations=list(fake.violations),
            records=records,
        )


def test_two_clones_sending_at_the_same_moment_send_once(tmp_path):
    started = time.monotonic()
    plan = list(enumerate(TIMINGS * RUNS_EACH))
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        runs = list(pool.map(lambda job: one_run(tmp_path / f"run{job[0]}", *job[1]), plan))
    took = time.monotonic() - started

    figures = {
        f"{held} +{delay}s": {
            "runs": len(group),
            "duplicates": sum(1 for r in group if r.sends > 1),
            "both created": sum(1 for r in group if r.created == 2),
        }
        for held, delay in TIMINGS
        if (group := [r for r in runs if (r.held, r.delay) == (held, delay)])
    }
    print(f"\n{len(runs)} runs in {took:.1f} s, by the call held and the delay: {figures}")
    assert len(runs) >= 50
    assert [r for r in runs if r.sends != 1] == []
    for r in runs:
        assert r.violations == [], r.violations
        assert r.campaigns_left == 1, r  # the drafts of the copy that lost were deleted
        assert r.deleted == r.created - 1, r
        assert sorted(r.codes) == [0, 1], r
        loser = r.errors[r.codes.index(1)]
        assert "Traceback" not in loser, loser
        error = next(line for line in loser.splitlines() if line.startswith("Error: "))
        assert error.startswith(
            (
                "Error: Another copy of the workspace is sending issue 2026-12",
                "Error: Issue 2026-12",
            )
        ), loser
        assert "another copy" in loser.lower(), loser
        winner = r.codes.index(0)
        assert r.records[winner] == "sent", r
        for err in r.errors:
            assert CANARY_KEY not in err
    # Held at their creates, both clones make a campaign in the same second: the provider
    # is the arbiter, and the loser deletes its own.
    same_second = figures["POST /campaigns +0.0s"]
    assert same_second["both created"] == same_second["runs"]
