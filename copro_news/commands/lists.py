from __future__ import annotations

import typer

from copro_news.commands import common


def command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="One JSON document on stdout."),
) -> None:
    """Show the provider's mailing lists.

    Each list (audience) with its id, name and subscriber count.

    Put the id of the list to send to in copro-news.toml, under [provider] list.
    With Buttondown the list is the newsletter of the API key, with its
    regular subscribers: [provider] list may stay empty.

    \b
    Examples:
      copro-news lists
      copro-news lists --json
    """
    import json

    from copro_news import console, sending

    ws = common.workspace(ctx)
    provider = sending.provider_for(ws)
    try:
        with console.waiting(f"Reading the lists from {provider.label}"):
            lists = provider.lists()
    finally:
        provider.close()
    chosen = ws.settings.provider.list
    if as_json:
        doc = {
            "provider": provider.name,
            "lists": [{"id": x.id, "name": x.name, "members": x.members} for x in lists],
        }
        print(json.dumps(doc, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    table.add_column("id")
    table.add_column("name")
    table.add_column("subscribers", justify="right")
    for x in lists:
        mark = " (in use)" if chosen and x.id == chosen else ""
        members = f"{x.members:,}" if x.members is not None else "-"
        table.add_row(console.escape(x.id), console.escape(x.name + mark), members)
    console.out().print(table)
    if not lists:
        console.warn(f"{provider.label} has no lists.")
