"""Rules about words: glued words, placeholders, vague link text, subject and preheader."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from copro_news.checks.registry import Context, rule
from copro_news.checks.source import elements, locate, spans
from copro_news.checks.words import english, is_english, workspace_words
from copro_news.problems import Problem

if TYPE_CHECKING:
    from copro_news.content import Issue, SourceFile

# Short words that text glues to its neighbour: "ofco-production", "andthe", "inthe".
_FUNCTION_WORDS = """
    a an the of and or but nor to in on at by for from with as is are was were be been it
    its this that these those we you our your their they them us he she his her not so if
    into than then has have had will can all my
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
FUNCTION_WORD_MAX = max(map(len, FUNCTION_WORDS))
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
    # One side is a short function word: only the splits near either end can be one, so
    # a long word costs no more than a short one (every split would make it quadratic).
    edge = min(FUNCTION_WORD_MAX, len(low) - 1)
    splits = sorted({*range(1, edge + 1), *range(len(low) - edge, len(low))})
    for i in splits:
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
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+")
# A shorter sentence of the example text ("What happened.") counts only as the whole text.
SCAFFOLD_MIN_WORDS = 5


@dataclass(frozen=True)
class ScaffoldSentence:
    """A sentence of the example text that ``copro-news new`` or ``add`` writes in a file."""

    text: str
    command: str
    pattern: re.Pattern[str]


def _body_of(text: str) -> str:
    """The Markdown body of a file that starts with front matter."""
    parts = text.split("---\n", 2)
    return parts[2] if len(parts) == 3 else text


@lru_cache(maxsize=1)
def scaffold_sentences() -> tuple[ScaffoldSentence, ...]:
    """The sentences of the bodies that ``new`` and ``add`` write, long enough to be theirs."""
    from datetime import date

    from copro_news import scaffold
    from copro_news.content import SECTIONS

    bodies = [(_body_of(scaffold.issue_text(date(2000, 1, 1), "Newsletter")), "copro-news new")]
    bodies += [
        (_body_of(scaffold.snippet_text(kind, "Title")), "copro-news add") for kind in SECTIONS
    ]
    found: dict[str, ScaffoldSentence] = {}
    for body, command in bodies:
        prose = " ".join(line for line in body.splitlines() if not line.lstrip().startswith("#"))
        for sentence in _SENTENCE_END.split(" ".join(prose.split())):
            words = sentence.rstrip(".!?:").split()
            if not words or sentence in found or _PLACEHOLDER.fullmatch(sentence):
                continue
            text = r"\s+".join(re.escape(w) for w in words)
            if len(words) >= SCAFFOLD_MIN_WORDS:
                pattern = re.compile(rf"(?<!\w){text}(?!\w)", re.I)
            else:  # a short one only when it is the whole text: "What happened."
                pattern = re.compile(rf"\A\s*{text}[.!?:]?(?:\s+TODO)?\s*\Z", re.I)
            found[sentence] = ScaffoldSentence(sentence, command, pattern)
    return tuple(found.values())


def scaffold_text_left(src: SourceFile) -> Iterator[tuple[int, int, ScaffoldSentence]]:
    """(first line, last line, sentence) for each run of lines of a file's body still holding
    the example text that ``new`` or ``add`` wrote."""
    matches = sorted(
        (
            (m.start(), m.end(), sentence)
            for sentence in scaffold_sentences()
            for m in sentence.pattern.finditer(src.body)
        ),
        key=lambda match: (match[0], match[1]),
    )
    runs: list[list[Any]] = []  # [first line, last line, the sentence the run starts with]
    for start, end, sentence in matches:
        first = src.body_line + src.body.count("\n", 0, start)
        last = src.body_line + src.body.count("\n", 0, end)
        if runs and first <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last, sentence])
    for first, last, sentence in runs:
        yield first, last, sentence


@rule(
    "placeholder-left",
    severity="error",
    summary=(
        "A placeholder left in the text: TODO, TBC, XXX, lorem ipsum, or the example text that "
        "new and add write."
    ),
    explanation=(
        "Words that stand for text still to be written must not reach subscribers, nor the "
        "example sentences that 'copro-news new' and 'copro-news add' put in a new file.\n\n"
        "Example that fails: 'Venue TBC', 'Speaker: TODO', or an intro that still says "
        "'Write the introduction here, in Markdown: a few short paragraphs.'\n\n"
        "Fix: write the missing text, or leave out what is not known yet."
    ),
)
def placeholder_left(issue: Issue, ctx: Context) -> Iterator[Problem]:
    scaffold_lines: set[tuple[str, int]] = set()
    for src in issue.files():
        for first, last, sentence in scaffold_text_left(src):
            scaffold_lines.update((src.rel, line) for line in range(first, last + 1))
            lines = f" (lines {first}-{last})" if last > first else ""
            quote = sentence.text.rstrip(":")
            if not quote.endswith((".", "!", "?")):
                quote += " ..."
            yield ctx.problem(
                "placeholder-left",
                f"The example text that {sentence.command} wrote is still here{lines}: '{quote}'.",
                file=src.rel,
                line=first,
                hint="Replace it with your own text, or delete it.",
            )
    for span in spans(issue, ctx):
        for m in _PLACEHOLDER.finditer(span.text):
            word = m.group(0)
            if m.group(1) and word != word.upper():
                continue  # "todo", "Tba": words, not placeholders
            line = span.line_at(m.start())
            if span.is_body and (span.file, line) in scaffold_lines:
                continue  # "What happened. TODO": said once, above
            where = "the text" if span.is_body else f"'{span.field}'"
            yield ctx.problem(
                "placeholder-left",
                f"A placeholder is left in {where}: '{word}'.",
                file=span.file,
                line=line,
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
