"""The registry of rules that find problems (see :mod:`copro_news.problems`).

A rule is a small generator registered once with its code and severity::

    @rule("deadline-passed", severity="error", summary="A deadline before the send time.")
    def deadline_passed(issue, ctx):
        yield ctx.problem(...)

Rules never read the clock: ``ctx.at`` is the send time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from copro_news.problems import Problem, Severity, sort_problems


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    explanation: str
    network: bool
    func: Callable[..., Iterator[Problem]] | None = field(default=None, compare=False)


RULES: dict[str, Rule] = {}


def declare(
    code: str, *, severity: Severity, summary: str, explanation: str = "", network: bool = False
) -> Rule:
    """Declare a rule code whose problems are produced elsewhere (the content loader)."""
    if code in RULES:
        raise ValueError(f"rule {code!r} declared twice")
    r = Rule(code, severity, summary, explanation or summary, network)
    RULES[code] = r
    return r


def rule(
    code: str, *, severity: Severity, summary: str, explanation: str = "", network: bool = False
) -> Callable[[Callable[..., Iterator[Problem]]], Callable[..., Iterator[Problem]]]:
    """Register a rule function under ``code``."""

    def wrap(func: Callable[..., Iterator[Problem]]) -> Callable[..., Iterator[Problem]]:
        if code in RULES:
            raise ValueError(f"rule {code!r} declared twice")
        RULES[code] = Rule(code, severity, summary, explanation or summary, network, func)
        return func

    return wrap


# Codes produced while loading settings and content, before any rule runs.
declare(
    "yaml-invalid",
    severity="error",
    summary="Front matter that does not parse as YAML.",
    explanation=(
        "The block between the two '---' lines at the top of a file must be YAML: "
        "one 'field: value' per line. A colon inside a value needs quotes.\n\n"
        "Example that fails: title: Co-Pro Cuppa: our meet-up (write it in quotes)"
    ),
)
declare(
    "field-missing",
    severity="error",
    summary="A required field is absent.",
    explanation=(
        "Each kind of file has required fields (issue.md: subject, date; events: title, "
        "start; partnerships, actions, stories: title).\n\n"
        "Example that fails: an event without 'start'."
    ),
)
declare(
    "field-invalid",
    severity="error",
    summary=(
        "A field of the wrong type or form (a date that is not a date, a link that is not a URL)."
    ),
    explanation=(
        "Dates are YYYY-MM-DD, date and time YYYY-MM-DD HH:MM, links whole addresses starting "
        "with https://.\n\n"
        "Example that fails: start: 1st December, or link: www.example.org"
    ),
)
declare(
    "field-unknown",
    severity="warning",
    summary="A field that copro-news does not know, often a typo ('strat' for 'start').",
    explanation=(
        "A field that no template shows is left out of the email: usually a typo.\n\n"
        "Example that warns: strat: 2026-12-01 12:30 (for start)"
    ),
)
declare(
    "file-invalid",
    severity="error",
    summary="A file that cannot be read: not UTF-8, empty, or in the wrong place.",
    explanation=(
        "Snippets are UTF-8 Markdown files (.md) in a section folder.\n\n"
        "Example that fails: an empty events/meet-up.md, or a photo saved in events/."
    ),
)
declare(
    "image-invalid",
    severity="error",
    summary=(
        "A picture the email cannot carry: a path elsewhere on the disk, a file that is not "
        "there, or not a picture."
    ),
    explanation=(
        "hero.image and a Markdown image are a web address or a picture file in the issue "
        "folder (images/sun.jpg, sun.jpg). A file elsewhere on the computer (/Users/..., "
        "C:\\..., ../) is not sent with the issue, nor found on a colleague's copy.\n\n"
        "Example that fails: hero: image: /Users/comms/Pictures/sun.jpg\n\n"
        "Fix: copy the picture into the issue folder (drafts/2027-01/images/sun.jpg) and "
        "write image: images/sun.jpg."
    ),
)
declare(
    "snippet-misplaced",
    severity="error",
    summary=(
        "A snippet saved in the wrong section: event fields in stories/, a deadline in events/."
    ),
    explanation=(
        "Each section folder holds one kind of snippet: an event saved in stories/ would "
        "show as a story, without its date, place or link.\n\n"
        "Example that fails: stories/hive.md with start: 2022-03-23 and location: Online\n\n"
        "Fix: move the file into the section it belongs to (events/hive.md)."
    ),
)
declare(
    "link-invalid",
    severity="error",
    summary="A link in the text that cannot work: an invisible character inside its address.",
    explanation=(
        "A zero-width space or another invisible character pasted inside a link's address "
        "sends readers to a page that does not exist, though the address looks right.\n\n"
        "Example that fails: [Book](https://example.org/\u200bbook)\n\n"
        "Fix: type the address again, or paste it from the browser's address bar."
    ),
)
declare(
    "time-ambiguous",
    severity="warning",
    summary="A time that happens twice in the workspace's time zone (the night clocks go back).",
    explanation=(
        "On the night the clocks go back, the hour before the change happens twice: 01:30 "
        "on 30 October 2022 in Europe/London is 01:30 BST and, an hour later, 01:30 GMT. "
        "copro-news takes the first.\n\n"
        "Example that warns: start: 2022-10-30 01:30\n\n"
        "Fix: check the time with the organisers, or choose another one."
    ),
)
declare(
    "template-invalid",
    severity="error",
    summary="A template of the workspace cannot be used, so the email cannot be built.",
    explanation=(
        "A file in templates/ (copied with 'copro-news templates --copy') has a mistake: "
        "a misspelt field, a missing include, a stylesheet that cannot be read.\n\n"
        "Example that fails: {{ item.titel }} in templates/sections/events.html\n\n"
        "Fix: correct the template at the line named, or delete it to use the house style."
    ),
)
declare(
    "settings-invalid",
    severity="error",
    summary="copro-news.toml does not parse, or a setting has the wrong form.",
    explanation=(
        "copro-news.toml holds 'key = \"value\"' lines under [sections].\n\n"
        'Example that fails: timezone = "London" (write "Europe/London")'
    ),
)
declare(
    "settings-unknown",
    severity="warning",
    summary="A setting in copro-news.toml that copro-news does not know.",
    explanation=(
        "A setting copro-news does not read has no effect: usually a typo.\n\n"
        'Example that warns: [sender] adress = "..." (for postal_address)'
    ),
)


@dataclass
class Context:
    """What a rule sees: the workspace, the loaded issue, its build, and the send time."""

    ws: Any
    issue: Any
    build: Any
    at: Any  # an aware datetime: the send time; rules never read the clock
    offline: bool = False
    fresh: bool = False  # check every link again, whatever build/links.json remembers
    cache: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[int, int], None] | None = None  # (done, total) while fetching links

    def problem(
        self,
        code: str,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> Problem:
        return Problem(code, RULES[code].severity, message, file, line, hint)


def ignored_codes(ctx: Context) -> tuple[set[str], dict[str, set[str]]]:
    """Codes ignored everywhere (settings) and per file (a snippet's check-ignore)."""
    everywhere = set(ctx.ws.settings.check.ignore)
    per_file: dict[str, set[str]] = {}
    sources = []
    if ctx.issue.source is not None:
        sources.append((ctx.issue.source.rel, ctx.issue.data))
    sources += [(s.rel, s.data) for s in ctx.issue.snippets()]
    for rel, data in sources:
        codes = data.get("check-ignore")
        if codes:
            per_file[rel] = set(codes)
    return everywhere, per_file


def run(ctx: Context, *, only: Iterable[str] | None = None) -> list[Problem]:
    """Every problem: the loader's, then each registered rule's; ignored codes removed.

    Network rules are skipped offline. ``--strict`` is the caller's business: it decides
    whether warnings fail, the severities stay as declared.
    """
    problems: list[Problem] = list(ctx.issue.problems)
    wanted = set(only) if only is not None else None
    for r in RULES.values():
        if r.func is None or (wanted is not None and r.code not in wanted):
            continue
        if r.network and ctx.offline:
            continue
        problems.extend(r.func(ctx.issue, ctx))
    everywhere, per_file = ignored_codes(ctx)
    kept = [
        p
        for p in problems
        if p.code not in everywhere and p.code not in per_file.get(p.file or "", set())
    ]
    return sort_problems(kept)
