"""Rules about words: glued words, placeholders, vague link text, subject and preheader."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from copro_news.checks.registry import Context, Problem, rule
from copro_news.checks.source import elements, locate, spans
from copro_news.checks.words import english, is_english, workspace_words

if TYPE_CHECKING:
    from copro_news.content import Issue

# Short words that text glues to its neighbour: "ofco-production", "andthe", "inthe".
_FUNCTION_WORDS = """
    a an the of and or but nor to in on at by for from with as is are was were be been it
    its this that these those we you our your their they them us he she his her not so if
    into than then has have had will can all my
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
SHORT_WORDS = frozenset({"co", "go", "up", "ok"})  # two-letter words that glue: "ofco-production"
COMMON = 1000  # the least frequency, in the word list, of the word glued to a short one
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+(?:['’][A-Za-z]+)*)*")


def split_glued(part: str, known: frozenset[str]) -> tuple[str, str] | None:
    """The two known words that ``part`` is made of, one a function word; None if it is a
    word, or does not split that way."""
    low = part.lower()
    if len(low) < 4 or low in known or is_english(low):
        return None
    for suffix in ("'s", "’s", "s", "es"):
        if low.endswith(suffix) and is_english(low[: -len(suffix)]):
            return None  # "formatters", "the organisation's"
    words = english()
    best: tuple[int, str, str] | None = None
    for i in range(1, len(low)):
        left, right = low[:i], low[i:]
        if left in FUNCTION_WORDS:
            other = right
        elif right in FUNCTION_WORDS:
            other = left
        else:
            continue
        if other not in FUNCTION_WORDS and len(other) < 3 and other not in SHORT_WORDS:
            continue  # "iter" is not "it er"
        if not (other in FUNCTION_WORDS or words.get(other, 0) >= COMMON or other in known):
            continue  # rare words ("adm", "polk") make chance splits: "admin", "polkit"
        if left == "a" and (len(right) < 3 or words.get(right, 0) < 1000):
            continue
        if (len(left) < 2 and left != "a") or len(right) < 2:
            continue
        score = min(words.get(left, 50), words.get(right, 50))
        if best is None or score > best[0]:
            best = (score, left, right)
    return (best[1], best[2]) if best else None


def glued_words(text: str, known: frozenset[str]) -> Iterator[tuple[int, str, str]]:
    """(offset, token as written, token with the space put back) for each glued word."""
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        offset = m.start()
        parts = token.split("-")
        for i, part in enumerate(parts):
            if part[1:] != part[1:].lower():
                pass  # CamelCase or an acronym: a name, not a typo
            elif part[:1].isupper():
                pass  # a capitalised word is most often a name ("Bethan", not "be than")
            else:
                found = split_glued(part, known)
                if found:
                    fixed = [*parts[:i], f"{found[0]} {found[1]}", *parts[i + 1 :]]
                    yield offset, token, "-".join(fixed)
            offset += len(part) + 1


@rule(
    "run-together",
    severity="warning",
    summary="Words run together ('ofco-production', 'andthe').",
    explanation=(
        "A word that is not in the English word list but splits into two words, one of them a "
        "short word like 'of', 'and' or 'the', is usually a missing space.\n\n"
        "Example that warns: 'the potential ofco-production'\n\n"
        "Known words are the English list, every word used in the other issues in drafts/, "
        "words used in two files of this issue, and the list in copro-news.toml:\n"
        '[check]\nwords = ["Changemakers", "RADLD"]\n\n'
        "Fix: add the space, or add the word to [check] words."
    ),
)
def run_together(issue: Issue, ctx: Context) -> Iterator[Problem]:
    known = workspace_words(ctx)
    for span in spans(issue, ctx):
        for offset, token, fixed in glued_words(span.text, known):
            yield ctx.problem(
                "run-together",
                f"'{token}' looks like two words run together: '{fixed}'.",
                file=span.file,
                line=span.line_at(offset),
                hint="Add the missing space; if it is a real word or a name, add it to "
                "[check] words in copro-news.toml.",
            )


_PLACEHOLDER = re.compile(r"\b(TODO|TBC|TBD|TBA|FIXME|XXX+)\b|\b(lorem ipsum)\b", re.I)


@rule(
    "placeholder-left",
    severity="error",
    summary="A placeholder left in the text: TODO, TBC, XXX, lorem ipsum.",
    explanation=(
        "Words that stand for text still to be written must not reach subscribers.\n\n"
        "Example that fails: 'Venue TBC' or 'Speaker: TODO'\n\n"
        "Fix: write the missing text, or leave out what is not known yet."
    ),
)
def placeholder_left(issue: Issue, ctx: Context) -> Iterator[Problem]:
    for span in spans(issue, ctx):
        for m in _PLACEHOLDER.finditer(span.text):
            word = m.group(0)
            if m.group(1) and word != word.upper():
                continue  # "todo", "Tba": words, not placeholders
            where = "the text" if span.is_body else f"'{span.field}'"
            yield ctx.problem(
                "placeholder-left",
                f"A placeholder is left in {where}: '{word}'.",
                file=span.file,
                line=span.line_at(m.start()),
                hint="Write the missing text, or leave out what is not known yet.",
            )


VAGUE = frozenset(
    ["click here", "here", "click", "read more", "more", "this", "this link", "link", "go"]
)


@rule(
    "link-text-vague",
    severity="warning",
    summary="A link whose whole text is 'click here', 'here' or 'read more'.",
    explanation=(
        "Screen readers list a page's links by their words, and people skim for them: 'here' "
        "says nothing about where a link goes.\n\n"
        "Example that warns: 'To book, [click here](https://example.org/book).'\n\n"
        "Fix: put the link on words that say where it goes: '[Book your place](...)', or set "
        "link_text (events, partnerships) or button (actions)."
    ),
)
def link_text_vague(issue: Issue, ctx: Context) -> Iterator[Problem]:
    for el in elements(ctx):
        if el.tag != "a":
            continue
        words = " ".join(re.sub(r"[^\w\s]", " ", el.text.lower()).split())
        if words in VAGUE:
            file, line = locate(ctx, el.url)
            yield ctx.problem(
                "link-text-vague",
                f"The link text '{el.text}' does not say where the link goes ({el.url}).",
                file=file,
                line=line,
                hint="Link words that say where it goes ('Book your place'); in a snippet, set "
                "link_text or button.",
            )


SUBJECT_MAX = 60


@rule(
    "subject-length",
    severity="warning",
    summary=f"A subject longer than {SUBJECT_MAX} characters, which inboxes cut short.",
    explanation=(
        f"Most inboxes show the first {SUBJECT_MAX} or so characters of a subject, fewer on a "
        "phone.\n\n"
        "Example that warns: subject: 'Team update: our monthly meet-up, a new partnership and "
        "a survey for you'\n\n"
        "Fix: keep the subject short and put the rest in the preheader."
    ),
)
def subject_length(issue: Issue, ctx: Context) -> Iterator[Problem]:
    subject = issue.subject
    if len(subject) > SUBJECT_MAX and issue.source is not None:
        yield ctx.problem(
            "subject-length",
            f"The subject is {len(subject)} characters long; inboxes show about {SUBJECT_MAX}.",
            file=issue.source.rel,
            line=issue.source.lines.get("subject"),
            hint="Shorten it and move the rest to the preheader.",
        )


@rule(
    "preheader-missing",
    severity="warning",
    summary="No preheader: inboxes show the first words of the email instead.",
    explanation=(
        "The preheader is the grey line after the subject in an inbox. Without one, inboxes "
        "show whatever text comes first, often the masthead.\n\n"
        "Example that warns: issue.md without 'preheader', or with preheader: ''\n\n"
        "Fix: add a preheader: a short line about what is in this issue."
    ),
)
def preheader_missing(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if issue.source is not None and not issue.preheader.strip():
        yield ctx.problem(
            "preheader-missing",
            "The issue has no preheader.",
            file=issue.source.rel,
            line=issue.source.lines.get("preheader"),
            hint='Add one to issue.md: preheader: "Our meet-up, a new partnership and a survey"',
        )
