"""copro-news in a team's git: GitHub Actions annotations, the job summary, and the workflow
that checks and drafts every pull request.

Annotations follow GitHub's workflow commands (``::error file=F,line=L,title=T::message``):
the message escapes ``%``, CR and LF; property values also ``:`` and ``,``. GitHub shows at
most 10 error and 10 warning annotations per step, so the job summary lists every problem.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from copro_news.problems import Problem, plural

ANNOTATIONS_SHOWN = 10  # of each kind, per step (GitHub's limit)
SUMMARY_LIMIT = 900_000  # bytes: GitHub takes up to 1 MiB of summary per step
WORKFLOW_PATH = ".github/workflows/newsletter.yml"
# What a pull request must touch for the workflow to run, relative to the workspace.
WATCHED = ("drafts/**", "copro-news.toml", "templates/**")


def repository_root(start: Path) -> Path | None:
    """The top folder of the git repository holding ``start`` (where ``.git`` is), or None."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


# --- annotations ----------------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file, title): also ':' and ','."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def title(p: Problem) -> str:
    return f"copro-news ({p.code})"


def annotation(p: Problem, path: str | None) -> str:
    """One ``::error`` or ``::warning`` line; ``path`` is relative to the repository root."""
    props = []
    if path:
        props.append(f"file={escape_property(path)}")
        if p.line:
            props.append(f"line={p.line}")
    props.append(f"title={escape_property(title(p))}")
    message = p.message + (f"\nHint: {p.hint}" if p.hint else "")
    kind = "error" if p.is_error else "warning"
    return f"::{kind} {','.join(props)}::{escape_data(message)}"


@dataclass(frozen=True)
class Located:
    """A problem and where GitHub finds its file: relative to the repository root."""

    problem: Problem
    path: str | None


def locate(problems: Iterable[Problem], workspace: Path, top: Path) -> list[Located]:
    """Each problem with its file relative to ``top`` (the repository root); problem files are
    relative to ``workspace``."""
    workspace, top = Path(workspace).resolve(), Path(top).resolve()
    located = []
    for p in problems:
        path = None
        if p.file is not None:
            full = workspace / p.file
            try:
                path = full.relative_to(top).as_posix()
            except ValueError:
                path = p.file
        located.append(Located(p, path))
    return located


def annotation_lines(located: Sequence[Located], *, summary: bool) -> list[str]:
    """Every annotation line, and a notice when GitHub will not show them all."""
    lines = [annotation(item.problem, item.path) for item in located]
    errors = sum(1 for item in located if item.problem.is_error)
    warnings = len(located) - errors
    if errors > ANNOTATIONS_SHOWN or warnings > ANNOTATIONS_SHOWN:
        where = "the job summary" if summary else "this log"
        lines.append(
            "::notice title=copro-news::"
            + escape_data(
                f"GitHub shows {ANNOTATIONS_SHOWN} errors and {ANNOTATIONS_SHOWN} warnings on "
                f"the files; all {plural(len(located), 'problem')} are listed in {where}."
            )
        )
    return lines


# --- the job summary ------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def _cell(text: str) -> str:
    """Text for a Markdown table cell: shown as written, on one row."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return "<br>".join(line.strip() for line in escaped.splitlines()) or " "


def summary_markdown(issue: str, headline: str, located: Sequence[Located]) -> str:
    """The job summary of one issue: a heading, the counts, and a table of every problem."""
    out = [f"### copro-news check: {_cell(issue)}", "", _cell(headline), ""]
    if not located:
        return "\n".join(out) + "\n"
    out += ["| | rule | where | problem |", "|---|---|---|---|"]
    size = sum(len(line) + 1 for line in out)
    for n, item in enumerate(located):
        p = item.problem
        where = item.path or "the whole issue"
        if item.path and p.line:
            where += f":{p.line}"
        text = p.message + (f"\nHint: {p.hint}" if p.hint else "")
        row = f"| {p.severity} | `{p.code}` | {_cell(where)} | {_cell(text)} |"
        size += len(row.encode("utf-8")) + 1
        if size > SUMMARY_LIMIT:
            out.append(f"| | | | … and {len(located) - n} more: see the log. |")
            break
        out.append(row)
    return "\n".join(out) + "\n\n"


# --- the workflow ---------------------------------------------------------------------------------


def workflow_text(*, install: str, folder: str = "") -> str:
    """The workflow that checks and drafts every pull request touching the newsletter.

    ``install`` is what pipx installs (``copro-news==1.2.0``, or ``.`` when the repository
    holds copro-news itself); ``folder`` is the workspace's folder in the repository ("" at
    its root). It never sends and names no secret.
    """
    prefix = f"{folder.strip('/')}/" if folder.strip("/") else ""
    paths = "\n".join(f'      - "{prefix}{p}"' for p in WATCHED)
    defaults = (
        f"    defaults:\n      run:\n        working-directory: {_yaml_str(folder.strip('/'))}\n"
        if prefix
        else ""
    )
    return f"""\
# Made by `copro-news init --ci github`.
# On every pull request that changes the newsletter, it checks the issue (offline: the
# problems show on the pull request's files, and all of them in the run's summary), drafts
# it, and keeps the built email for reviewers: open the run, then "newsletter-draft" under
# Artifacts. It never sends and holds no key: sending stays a deliberate act, on the
# computer of the person who sends.
name: Newsletter

on:
  pull_request:
    paths:
{paths}

permissions:
  contents: read

concurrency:
  group: newsletter-${{{{ github.event.pull_request.number }}}}
  cancel-in-progress: true

jobs:
  check:
    name: Check and draft the issue
    runs-on: ubuntu-latest
    timeout-minutes: 15
{defaults}    env:
      NO_COLOR: "1"
    steps:
      - uses: actions/checkout@v5
        with:
          persist-credentials: false
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - name: Install copro-news
        # the version the team uses; pipx also takes a git address of copro-news
        run: pipx install {_yaml_str(install)}
      - name: Check
        run: copro-news check --offline --format github
      - name: Draft
        if: ${{{{ !cancelled() }}}}
        run: copro-news draft
      - name: Keep the built email
        if: ${{{{ !cancelled() }}}}
        uses: actions/upload-artifact@v6
        with:
          name: newsletter-draft
          path: {_yaml_str(prefix + "drafts/*/build/")}
          if-no-files-found: warn
          retention-days: 14
"""


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
