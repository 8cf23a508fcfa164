from __future__ import annotations

import typer

from copro_news.commands import common


def command(
    ctx: typer.Context,
    copy: bool = typer.Option(False, "--copy", help="Copy the house templates into templates/."),
) -> None:
    """List or copy the house-style templates.

    --copy puts the house templates into the workspace's templates/ to change.

    A file in the workspace's templates/ replaces the packaged one of the same
    name; the others stay as shipped. --copy never overwrites a file.

    \b
    Examples:
      copro-news templates
      copro-news templates --copy
    """
    from copro_news import console
    from copro_news.fsutil import create_new
    from copro_news.render import house_templates, package_templates

    ws = common.workspace(ctx)
    source = package_templates()
    names = house_templates()
    out = console.out()
    for name in names:
        target = ws.templates / name
        if copy:
            created = create_new(target, (source / name).read_text(encoding="utf-8"))
            state = "copied" if created else "kept (exists)"
        else:
            state = "yours, in templates/" if target.is_file() else "house style (packaged)"
        out.print(f"{console.escape(name.ljust(28))} {state}")
    if ws.templates.is_dir():
        for path in sorted(p for p in ws.templates.rglob("*") if p.is_file()):
            name = path.relative_to(ws.templates).as_posix()
            if name not in names and not name.startswith("."):
                out.print(
                    f"{console.escape(('templates/' + name).ljust(28))} not used: no template "
                    "has this name"
                )
