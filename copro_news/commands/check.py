from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from copro_news.commands import common

if TYPE_CHECKING:
    from copro_news.problems import Problem
    from copro_news.workspace import Workspace


FORMATS = ("text", "json", "github")


@dataclass
class Outcome:
    """What one issue's check found, ready to be shown in any format."""

    name: str
    doc: dict[str, Any]  # the --json object
    problems: list[Problem]
    lead: str  # "2026-12: 1 error, 0 warnings"
    notes: str  # "(at 2026-12-01 09:00 GMT; links not checked (--offline))"
    colour: str
    failed: bool

    @property
    def headline(self) -> str:
        return f"{self.lead} {self.notes}"


def command(
    ctx: typer.Context,
    targets: list[str] | None = typer.Argument(
        None,
        metavar="[ISSUE | FILE...]",
        help="The issue, e.g. 2026-12 (default: the newest folder in drafts/); or files of "
        "issues, as pre-commit passes them: each issue they belong to is checked once.",
        show_default=False,
    ),
    at: str | None = typer.Option(
        None,
        "--at",
        metavar="DATETIME",
        help='Judge dates at this send time, e.g. "2026-12-01 09:00" (default: the scheduled '
        "time, else the issue's date at send_time while it is ahead, else now).",
    ),
    offline: bool = typer.Option(
        False, "--offline", help="Skip the rules that need the network (links, images)."
    ),
    fresh: bool = typer.Option(
        False,
        "--fresh",
        help="Check every link again: good answers are otherwise kept for a day "
        "(in the issue's build/links.json).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
    output_format: str | None = typer.Option(
        None,
        "--format",
        metavar="text|json|github",
        help="How to show the problems: text (the default), json (one object on stdout), or "
        "github (annotations on a pull request's files, and the whole list in the job "
        "summary).",
    ),
    as_json: bool = typer.Option(False, "--json", help="The same as --format json."),
    list_rules: bool = typer.Option(False, "--list-rules", help="List every rule and exit."),
    explain: str | None = typer.Option(
        None, "--explain", metavar="CODE", help="Explain one rule, e.g. weekday-mismatch."
    ),
) -> None:
    """Find every mistake before sending.

    It checks dates, words, links and the footer, and what the provider would
    change (with Buttondown, text it would read as a template tag).

    Each problem is listed with its file, line, rule code and a hint. The exit code is 1
    when there is an error (or a warning, with --strict), else 0.

    Given files (a pre-commit hook passes the files of a commit), it checks the issues
    they belong to, each once; files outside drafts/ are left out with a note, and
    copro-news.toml or a template selects the newest issue.

    \b
    Examples:
      copro-news check
      copro-news check 2026-12 --at "2026-12-01 09:00" --offline
      copro-news check drafts/2026-12/events/cuppa.md --offline
      copro-news check --fresh
      copro-news check --json > problems.json
      copro-news check --offline --format github     # in a GitHub Actions workflow
      copro-news check --explain weekday-mismatch
    """
    from copro_news import console

    fmt = _format(output_format, as_json)
    if list_rules:
        _list_rules(fmt == "json")
        return
    if explain is not None:
        _explain(explain)
        return
    if fresh and offline:
        from copro_news.errors import UsageError

        raise UsageError(
            "--fresh checks every link again and --offline checks none: use one of them."
        )

    from copro_news.checks import parse_at
    from copro_news.checks.targets import select, workspace_root
    from copro_news.errors import SettingsError
    from copro_news.workspace import Settings, Workspace, load_workspace

    args = targets or []
    cwd = Path.cwd()
    root = workspace_root(args, common.state(ctx).workspace, cwd)
    broken: list[Problem] | None = None
    try:
        ws = load_workspace(explicit=root)
    except SettingsError as e:  # listed with the problems, not before them: no rule runs
        ws, broken = Workspace(root, Settings()), e.problems
    chosen = select(ws, args, cwd)
    for note in chosen.notes:
        console.info(note)
    if not chosen.folders:
        console.info("Nothing to check: no file named is part of an issue.")
        if fmt == "json":
            _show_json([])  # still one document
        return
    when = parse_at(at, ws.settings.tz) if at else None
    if broken is not None:
        outcomes = [_settings_failed(folder.name, broken) for folder in chosen.folders]
    else:
        outcomes = [
            _check(ws, folder, when, offline=offline, fresh=fresh, strict=strict)
            for folder in chosen.folders
        ]
    if fmt == "json":
        _show_json(outcomes)
    elif fmt == "github":
        _show_github(ws, outcomes)
    else:
        _show_text(outcomes)
    if any(o.failed for o in outcomes):
        raise typer.Exit(1)


def _format(output_format: str | None, as_json: bool) -> str:
    from copro_news.errors import UsageError

    fmt = (output_format or ("json" if as_json else "text")).strip().lower()
    if fmt not in FORMATS:
        raise UsageError(
            f"--format {output_format!r} is not a format copro-news knows.",
            f"Use one of: {', '.join(FORMATS)}.",
        )
    if as_json and fmt != "json":
        raise UsageError(f"--json and --format {fmt} ask for two formats.", "Use one of them.")
    return fmt


def _check(
    ws: Workspace,
    folder: Path,
    when: datetime | None,
    *,
    offline: bool,
    fresh: bool,
    strict: bool,
) -> Outcome:
    from copro_news import console
    from copro_news.checks import check_all
    from copro_news.content import load_issue
    from copro_news.problems import summary

    loaded = load_issue(ws, folder)
    with console.progress("Checking links", enabled=not offline) as progress:
        result = check_all(ws, loaded, at=when, offline=offline, fresh=fresh, progress=progress)
    at = result.at.strftime("%Y-%m-%d %H:%M %Z").strip()
    notes = [f"at {at}" + (f", {result.reason}" if result.reason else "")]
    if result.offline:
        notes.append("links not checked (--offline)")
    if not result.built:
        notes.append("the email was not built, so its rules did not run")
    failed = result.failed(strict)
    if result.problems:
        lead = f"{result.issue.id}: {summary(result.problems, zeros=True)}"
        colour = "red" if failed else "yellow"
    else:
        lead, colour = f"{result.issue.id}: no problems found", "green"
    return Outcome(
        result.issue.id,
        result.to_dict(),
        result.problems,
        lead,
        f"({'; '.join(notes)})",
        colour,
        failed,
    )


def _settings_failed(name: str, found: list[Problem]) -> Outcome:
    """Settings that cannot be used, reported as the problems check found: no rule ran."""
    from copro_news.problems import count, sort_problems, summary

    problems = sort_problems(found)
    errors, warnings = count(problems)
    doc = {
        "issue": name,
        "at": None,
        "errors": errors,
        "warnings": warnings,
        "problems": [p.to_dict() for p in problems],
    }
    return Outcome(
        name,
        doc,
        problems,
        f"{name}: {summary(problems, zeros=True)}",
        "(copro-news.toml has errors, so the issue was not checked)",
        "red",
        True,
    )


def _show_text(outcomes: list[Outcome]) -> None:
    from copro_news import console

    out = console.out()
    for n, o in enumerate(outcomes):
        if n:
            out.print()
        if o.problems:
            console.print_problems(o.problems, console=out)
        out.print(f"[{o.colour}]{console.escape(o.lead)}[/] {console.escape(o.notes)}")


def _show_json(outcomes: list[Outcome]) -> None:
    """One object: the issue's, or with several issues, each one's and the totals."""
    import json

    if len(outcomes) == 1:
        doc = outcomes[0].doc
    else:
        doc = {
            "issues": [o.doc for o in outcomes],
            "errors": sum(o.doc["errors"] for o in outcomes),
            "warnings": sum(o.doc["warnings"] for o in outcomes),
        }
    print(json.dumps(doc, ensure_ascii=False, indent=2))


def _show_github(ws: Workspace, outcomes: list[Outcome]) -> None:
    """Annotations on stdout; every problem in the job summary when GitHub gives one."""
    import os

    from copro_news import ci

    top = ci.repository_root(ws.root) or ws.root
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY", "").strip()
    for o in outcomes:
        located = ci.locate(o.problems, ws.root, top)
        for line in ci.annotation_lines(located, summary=bool(summary_file)):
            print(line)
        print(o.headline)
        if summary_file:
            with open(summary_file, "a", encoding="utf-8") as f:
                f.write(ci.summary_markdown(o.name, o.headline, located))


def _list_rules(as_json: bool) -> None:
    from copro_news import console
    from copro_news.checks import load_rules
    from copro_news.checks.registry import RULES

    load_rules()
    rules = sorted(RULES.values(), key=lambda r: r.code)
    if as_json:
        import json

        data = [
            {
                "code": r.code,
                "severity": r.severity,
                "network": r.network,
                "summary": r.summary,
                "explanation": r.explanation,
            }
            for r in rules
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out = console.out()
    width = max(len(r.code) for r in rules)
    for r in rules:
        colour = "red" if r.severity == "error" else "yellow"
        net = " (online)" if r.network else ""
        out.print(
            f"[bold]{r.code:<{width}}[/]  [{colour}]{r.severity:<7}[/]  "
            f"{console.escape(r.summary)}{net}",
        )
    out.print("\nMore about one rule: copro-news check --explain CODE")


def _explain(code: str) -> None:
    from copro_news import console
    from copro_news.checks import load_rules
    from copro_news.checks.registry import RULES
    from copro_news.errors import UsageError
    from copro_news.suggest import closest

    load_rules()
    r = RULES.get(code.strip().lower())
    if r is None:
        close = closest(code, RULES)
        raise UsageError(
            f"There is no rule {code!r}.",
            f"Did you mean {close}?" if close else "List them with: copro-news check --list-rules",
        )
    out = console.out()
    net = ", needs the network" if r.network else ""
    out.print(f"[bold]{r.code}[/] ({r.severity}{net})")
    out.print(console.escape(r.summary))
    if r.explanation != r.summary:
        out.print()
        out.print(console.escape(r.explanation))
    out.print()
    out.print(
        console.escape(
            f'Skip it everywhere with [check] ignore = ["{r.code}"] in copro-news.toml, or in '
            f"one file with check-ignore: [{r.code}] in its front matter."
        )
    )
