"""How many HTTP calls a send makes, for a small list and a very large one.

Runs a test send and then the send to the list against the stand-in Mailchimp of the
tests (a real HTTP server on 127.0.0.1), and prints the calls of each. Delivery is the
provider's job: the count must not grow with the list.

    python bench/send_calls.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copro_news.credentials import Secret
from copro_news.providers.mailchimp import MailchimpProvider
from copro_news.sending import SendFlow
from tests.fake_mailchimp import FakeMailchimp
from tests.send_helpers import LIST_ID, message

KEY = "0123456789abcdef0123456789abcdef-us6"
SIZES = (10, 100_000)


def calls_of_a_send(members: int, folder: Path) -> Counter[str]:
    with FakeMailchimp(key=KEY) as fake:
        fake.add_list(LIST_ID, "Team update", members)
        provider = MailchimpProvider(Secret(KEY), api_url=fake.url)
        try:
            SendFlow(provider, folder, message(), LIST_ID).send_test(["me@example.org"])
            sender = SendFlow(provider, folder, message(), LIST_ID)
            sender.plan()
            sender.send()
        finally:
            provider.close()
        if fake.violations:
            raise SystemExit("requests the API would refuse:\n" + "\n".join(fake.violations))
        assert fake.only_campaign().sends == 1
        return Counter(_name(c.method, c.path) for c in fake.calls)


def _name(method: str, path: str) -> str:
    parts = path.split("/")
    if len(parts) > 2 and parts[1] == "campaigns":
        parts[2] = "{id}"
    return f"{method} {'/'.join(parts)}"


def main() -> int:
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for members in SIZES:
            folder = Path(tmp) / str(members)
            folder.mkdir()
            results[members] = calls_of_a_send(members, folder)
    names = sorted(set().union(*results.values()))
    width = max(len(n) for n in names)
    print(f"{'call':<{width}}  " + "  ".join(f"{m:>9,}" for m in SIZES))
    for name in names:
        print(f"{name:<{width}}  " + "  ".join(f"{results[m][name]:>9}" for m in SIZES))
    totals = [sum(results[m].values()) for m in SIZES]
    print(f"{'total (test send + send)':<{width}}  " + "  ".join(f"{t:>9}" for t in totals))
    if len(set(totals)) != 1:
        print("The number of calls grows with the list.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
