"""Mailing-list providers behind one interface (see :mod:`copro_news.providers.base`).

Which providers there are, and what copro-news knows of each, is in
:mod:`copro_news.providers.registry`: one row per provider.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from copro_news.providers.base import Campaign, MailingList, Message, Provider
from copro_news.providers.registry import (
    PROVIDERS,
    ProviderInfo,
    available,
    keyed,
    provider_info,
)

if TYPE_CHECKING:
    from copro_news.secret import Secret

__all__ = [
    "PROVIDERS",
    "Campaign",
    "MailingList",
    "Message",
    "Provider",
    "ProviderInfo",
    "available",
    "default_list",
    "keyed",
    "make_provider",
    "provider_info",
]


def make_provider(
    name: str, *, root: Path, api_url: str = "", key: Secret | None = None, **http: Any
) -> Provider:
    """The provider called ``name`` for the workspace at ``root``.

    A provider that needs an API key is given it (see :mod:`copro_news.credentials`).
    """
    return provider_info(name).make(root=root, api_url=api_url, key=key, **http)


def default_list(name: str) -> str:
    """The list to use when ``[provider] list`` is empty ("" when the provider needs one)."""
    return provider_info(name).default_list
