from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from copro_news.commands import common

if TYPE_CHECKING:
    from copro_news.checks import CheckResult
    from copro_news.problems import Problem


def command(
    ctx: typer.Context,
    issue: str | None = typer.Argument(None, help=common.ISSUE_HELP),
    at: str | None = typer.Option(
        None,
        "--at",
        metavar="DATETIME",
        help='Judge dates at this send time, e.g. "2026-12-01 09:00" '
        "(default: the scheduled time, else now).",
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
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
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

    \b
    Examples:
      copro-news check
      copro-news check 2026-12 --at "2026-12-01 09:00" --offline
      copro-news check --fresh
      copro-news check --json > problems.json
      copro-news check --explain weekday-mismatch
    """
    from copro_news import console

    if list_rules:
        _list_rules(as_json)
        return
    if explain is not None:
        _explain(explain)
        return
    if fresh and offline:
        from copro_news.errors import UsageError

        raise UsageError(
            "--fresh checks every link again and --offline checks none: use one of them."
        )

    from copro_news.checks import check_all, parse_at
    from copro_news.content import load_issue
    from copro_news.errors import SettingsError
    from copro_news.workspace import load_workspace

    # the settings' warnings are listed with the other problems, not before them
    try:
        ws = load_workspace(explicit=common.state(ctx).workspace)
    except SettingsError as e:
        _settings_failed(ctx, e.problems, issue, at, as_json)
        raise typer.Exit(1) from None
    loaded = load_issue(ws, ws.resolve_issue(issue))
    when = parse_at(at, ws.settings.tz) if at else None
    with console.progress("Checking links", enabled=not offline) as progress:
        result = check_all(ws, loaded, at=when, offline=offline, fresh=fresh, progress=progress)
    if as_json:
        import json

        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        out = console.out()
        if result.problems:
            console.print_problems(result.problems, console=out)
        out.print(_summary(result, strict))
    if result.failed(strict):
        raise typer.Exit(1)


def _settings_failed(
    ctx: typer.Context, problems: list[Problem], issue: str | None, at: str | None, as_json: bool
) -> None:
    """Report settings that cannot be used as the problems check found: no rule ran.

    No workspace, an unknown issue and a malformed --at stay usage errors."""
    from copro_news import console
    from copro_news.checks import parse_at
    from copro_news.problems import count, sort_problems, summary
    from copro_news.workspace import Settings, Workspace, find_root

    root = find_root(explicit=common.state(ctx).workspace)
    name = Workspace(root, Settings()).resolve_issue(issue).name
    if at:
        parse_at(at, Settings().tz)
    problems = sort_problems(problems)
    errors, warnings = count(problems)
    if as_json:
        import json

        doc = {
            "issue": name,
            "at": None,
            "errors": errors,
            "warnings": warnings,
            "problems": [p.to_dict() for p in problems],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    out = console.out()
    console.print_problems(problems, console=out)
    counts = summary(problems, zeros=True)
    out.print(
        f"[red]{console.escape(name)}: {counts}[/] "
        "(copro-news.toml has errors, so the issue was not checked)"
    )


def _summary(result: CheckResult, strict: bool) -> str:
    from copro_news import console
    from copro_news.problems import summary

    at = result.at.strftime("%Y-%m-%d %H:%M %Z").strip()
    notes = [f"at {at}"]
    if result.offline:
        notes.append("links not checked (--offline)")
    if not result.built:
        notes.append("the email was not built, so its rules did not run")
    where = console.escape(f"({'; '.join(notes)})")
    name = console.escape(result.issue.id)
    if not result.problems:
        return f"[green]{name}: no problems found[/] {where}"
    colour = "red" if result.failed(strict) else "yellow"
    counts = summary(result.problems, zeros=True)
    return f"[{colour}]{name}: {counts}[/] {where}"


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
