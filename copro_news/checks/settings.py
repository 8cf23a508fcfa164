"""Rules about the workspace's settings: example values a real send would carry, and rule
codes to skip that no rule has."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from copro_news.checks.registry import Context, rule
from copro_news.checks.source import elements, locate, settings_text
from copro_news.problems import Problem
from copro_news.providers.registry import PROVIDERS
from copro_news.settings import init_values, setting_line
from copro_news.suggest import closest
from copro_news.workspace import SETTINGS_FILE

if TYPE_CHECKING:
    from copro_news.content import Issue

# The domains kept for examples (RFC 2606): nobody receives mail there, no page is there.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org", "example")
LOOPBACK_HOSTS = ("localhost", "::1")


def is_example_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS)


def is_example_address(address: str) -> bool:
    """Whether an email address, or a mailto: or web link, is on an example domain."""
    address = address.strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :].split("?", 1)[0]
    if "@" in address and "://" not in address:
        return is_example_host(address.rsplit("@", 1)[1])
    try:
        return is_example_host(urlsplit(address).hostname or "")
    except ValueError:
        return False


@lru_cache(maxsize=1)
def _example_street() -> str:
    """The street of the postal address that ``copro-news init`` offers."""
    example = str(init_values({})["sender.postal_address"])
    return " ".join(example.split(",")[0].lower().split())


def is_init_postal_address(address: str) -> bool:
    """Whether ``address`` is the example postal address that init offers, as it offers it."""
    example = str(init_values({})["sender.postal_address"])
    return " ".join(address.lower().split()) == " ".join(example.lower().split())


def is_example_postal_address(address: str) -> bool:
    words = " ".join(address.lower().split())
    return _example_street() in words or not re.search(r"\w", words)


def reaches_subscribers(ctx: Context) -> bool:
    """Whether a send goes to real people: not the outbox, nor a provider on this computer."""
    provider = ctx.ws.settings.provider
    info = PROVIDERS.get(provider.name)
    if info is None or not info.delivers:
        return False
    try:
        host = urlsplit(provider.api_url).hostname or ""
    except ValueError:
        return True
    return not (host in LOOPBACK_HOSTS or host.startswith("127."))


@rule(
    "example-left",
    severity="error",
    summary="An example value left in the settings or the issue (example.org, 1 Example Street).",
    explanation=(
        "copro-news init fills the settings with examples: the sender news@example.org, the "
        "postal address 1 Example Street, links on example.org. Nobody reads mail there and "
        "no page is there, and the law asks bulk mail for the sender's real address. "
        "With the outbox provider nothing reaches subscribers, so only the postal address "
        "that init offers, printed in every footer, is a warning; with a real provider "
        "(mailchimp) "
        "each example value in copro-news.toml, and each link of the email on example.org, "
        "example.com or example.net, is an error.\n\n"
        'Example that fails, with [provider] name = "mailchimp": email = "news@example.org"\n\n'
        "Fix: put your own address, postal address and links in copro-news.toml, and real "
        "links in the snippets."
    ),
)
def example_left(issue: Issue, ctx: Context) -> Iterator[Problem]:
    settings = ctx.ws.settings
    text = settings_text(ctx)
    if not reaches_subscribers(ctx):
        # Nobody receives it yet, but every issue prints the postal address: the one init
        # offers, kept by pressing Enter, is a warning.
        if is_init_postal_address(settings.sender.postal_address):
            yield Problem(
                "example-left",
                "warning",
                f"The postal address is still the example '{settings.sender.postal_address}': "
                "every issue prints it in its footer.",
                SETTINGS_FILE,
                setting_line(text, "postal_address", "sender"),
                "Set postal_address under [sender] to your organisation's address before "
                "sending to subscribers: the law asks for it in bulk mail.",
            )
        return
    provider = settings.provider.name
    seen: set[tuple[str | None, int | None]] = set()

    def setting(section: str | None, key: str, message: str, hint: str) -> Problem:
        line = setting_line(text, key, section)
        seen.add((SETTINGS_FILE, line))
        return ctx.problem(
            "example-left",
            f"{message}; a send through {provider} would carry it.",
            file=SETTINGS_FILE,
            line=line,
            hint=hint,
        )

    sender = settings.sender
    if is_example_address(sender.email):
        yield setting(
            "sender",
            "email",
            f"The sender's email is still the example {sender.email}",
            "Set email under [sender] to the address the newsletter comes from.",
        )
    if setting_line(text, "reply_to", "sender") and is_example_address(sender.reply_to):
        yield setting(
            "sender",
            "reply_to",
            f"The reply-to address is still the example {sender.reply_to}",
            "Set reply_to under [sender] to the address that reads replies.",
        )
    if is_example_postal_address(sender.postal_address):
        yield setting(
            "sender",
            "postal_address",
            f"The postal address is still the example '{sender.postal_address}'",
            "Set postal_address under [sender] to your organisation's address: the law asks "
            "for it in bulk mail.",
        )
    for name, url in settings.links.items():
        if is_example_address(url):
            yield setting(
                "links",
                name,
                f"The link '{name}' under [links] is still the example {url}",
                f"Set {name} under [links] to your own address, or remove it.",
            )
    for el in elements(ctx):
        if not is_example_address(el.url):
            continue
        file, line = locate(ctx, el.url)
        if (file, line) in seen or file == SETTINGS_FILE:
            continue
        seen.add((file, line))
        what = "image" if el.tag == "img" else "link"
        yield ctx.problem(
            "example-left",
            f"The {what} {el.url} is on an example domain, where nothing is; a send through "
            f"{provider} would carry it.",
            file=file,
            line=line,
            hint="Put the real address in its place, or remove it.",
        )


def _code_line(lines: list[str], code: str, first: int | None, last: int) -> int | None:
    """The line (1-based) from ``first`` to ``last`` where ``code`` is written; else ``first``."""
    if first is None:
        return None
    token = re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])")
    for number in range(first, min(last, len(lines)) + 1):
        if token.search(lines[number - 1]):
            return number
    return first


def _section_end(lines: list[str], start: int | None) -> int:
    """The last line of the TOML section that holds line ``start``."""
    if start is None:
        return len(lines)
    for number in range(start + 1, len(lines) + 1):
        if re.match(r"^\s*\[", lines[number - 1]) and "=" not in lines[number - 1]:
            return number - 1
    return len(lines)


def _unknown(code: str, where: str, file: str, line: int | None, ctx: Context) -> Problem:
    from copro_news.checks.registry import RULES

    close = closest(code, RULES)
    return ctx.problem(
        "rule-unknown",
        f"'{code}' in {where} is not a rule code, so nothing is skipped.",
        file=file,
        line=line,
        hint=f"Did you mean '{close}'?"
        if close
        else "List the rule codes with: copro-news check --list-rules",
    )


@rule(
    "rule-unknown",
    severity="warning",
    summary="A code in [check] ignore or check-ignore that no rule has, often a typo.",
    explanation=(
        "A rule is skipped only when its code is written exactly as copro-news check "
        "--list-rules shows it: a mistyped code skips nothing, and the problem it was meant "
        "to silence is still reported.\n\n"
        'Example that warns: [check] ignore = ["link-brokn"] in copro-news.toml, or '
        "check-ignore: [month-missmatch] in a snippet.\n\n"
        "Fix: correct the code (the hint names the nearest one), or remove it."
    ),
)
def rule_unknown(issue: Issue, ctx: Context) -> Iterator[Problem]:
    from copro_news.checks.registry import RULES

    text = settings_text(ctx)
    lines = text.splitlines()
    start = setting_line(text, "ignore", "check")
    end = _section_end(lines, start)
    for code in ctx.ws.settings.check.ignore:
        if code not in RULES:
            line = _code_line(lines, code, start, end)
            yield _unknown(code, "[check] ignore", SETTINGS_FILE, line, ctx)
    sources = [(issue.source, issue.data)] if issue.source is not None else []
    sources += [(s.source, s.data) for s in issue.snippets()]
    for src, data in sources:
        codes = data.get("check-ignore") or []
        field = src.lines.get("check-ignore")
        src_lines = src.text.split("\n")
        for code in codes:
            if code not in RULES:
                line = _code_line(src_lines, code, field, src.body_line - 2)
                yield _unknown(code, "check-ignore", src.rel, line, ctx)
