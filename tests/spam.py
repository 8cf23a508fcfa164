"""SpamAssassin (Debian's package) on a built message, offline: its content rules only.

The rules are the ones the package ships (/usr/share/spamassassin), never a download by
sa-update, so that every machine judges alike; network tests, Bayes and the auto-welcome
list are off. HOME is a temporary folder: nothing is written in the user's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

SHIPPED_RULES = Path("/usr/share/spamassassin")
SITE = Path("/etc/spamassassin")
LOCAL_CF = """\
# copro-news's tests: content rules only, nothing learnt, no network
use_bayes 0
bayes_auto_learn 0
skip_rbl_checks 1
dns_available no
"""
_RULE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s")


def spamassassin() -> str | None:
    found = shutil.which("spamassassin")
    return found if found and SHIPPED_RULES.is_dir() else None


def require_spamassassin() -> str:
    """The spamassassin command; a skip where it is not installed, except in CI."""
    found = spamassassin()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("spamassassin is not installed: `make system-packages` installs it")
        pytest.skip("no spamassassin: `make system-packages` installs Debian's")
    return found


@dataclass
class Verdict:
    score: float
    rules: dict[str, float]  # every rule that fired, with its points
    report: str

    @property
    def scoring(self) -> dict[str, float]:
        """The rules that count against the message: points above zero."""
        return {name: pts for name, pts in self.rules.items() if pts > 0}


def judge(eml: bytes, tmp: Path) -> Verdict:
    """SpamAssassin's verdict on the message ``eml``, from its content rules."""
    command = require_spamassassin()
    site = tmp / "sa-site"
    site.mkdir(parents=True, exist_ok=True)
    for pre in SITE.glob("*.pre"):  # the plugins the package loads
        shutil.copy(pre, site / pre.name)
    (site / "local.cf").write_text(LOCAL_CF, encoding="utf-8")
    home = tmp / "sa-home"
    home.mkdir(exist_ok=True)
    proc = subprocess.run(
        [
            command,
            "--local",
            "--test-mode",
            f"--configpath={SHIPPED_RULES}",
            f"--siteconfigpath={site}",
            f"--prefspath={home / 'user_prefs'}",
        ],
        input=eml,
        capture_output=True,
        env={**os.environ, "HOME": str(home)},
        timeout=120,
        check=False,
    )
    report = proc.stdout.decode("utf-8", "replace")
    assert "Content analysis details:" in report, proc.stderr.decode("utf-8", "replace")
    details = report.split("Content analysis details:", 1)[1]
    score = float(re.search(r"\((-?\d+(?:\.\d+)?) points", details).group(1))  # type: ignore[union-attr]
    rules: dict[str, float] = {}
    for line in details.splitlines():
        m = _RULE.match(line)
        if m:
            rules[m.group(2)] = float(m.group(1))
    return Verdict(score, rules, details)
