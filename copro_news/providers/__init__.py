"""Mailing-list providers behind one interface (see :mod:`copro_news.providers.base`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from copro_news.errors import UsageError
from copro_news.providers.base import Campaign, MailingList, Message, Provider

__all__ = ["NAMES", "Campaign", "MailingList", "Message", "Provider", "make_provider"]

NAMES = ("outbox", "mailchimp")
OUTBOX_FOLDER = "outbox"


def make_provider(name: str, *, root: Path, api_url: str = "", **http: Any) -> Provider:
    """The provider called ``name`` for the workspace at ``root``.

    Network providers read their API key here (environment, then keyring).
    """
    if name == "outbox":
        from copro_news.providers.outbox import OutboxProvider

        return OutboxProvider(Path(root) / OUTBOX_FOLDER)
    if name == "mailchimp":
        from copro_news.credentials import api_key
        from copro_news.providers.mailchimp import MailchimpProvider

        return MailchimpProvider(api_key("mailchimp"), api_url=api_url or None, **http)
    raise UsageError(
        f"Unknown provider {name!r} in copro-news.toml.",
        f"Set [provider] name to one of: {', '.join(NAMES)}.",
    )


def default_list(name: str) -> str:
    """The list to use when ``[provider] list`` is empty ("" when the provider needs one)."""
    if name == "outbox":
        from copro_news.providers.outbox import LIST_ID

        return LIST_ID
    return ""
