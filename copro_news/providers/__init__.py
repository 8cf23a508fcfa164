"""Mailing-list providers behind one interface (see :mod:`copro_news.providers.base`).

Which providers there are, and what copro-news knows of each, is in
:mod:`copro_news.providers.registry`: one row per provider, which also makes the provider
(``provider_info(name).make(root=..., api_url=..., key=...)``).
"""

from __future__ import annotations

from typing import Any

from copro_news.providers.registry import (
    PROVIDERS,
    ProviderInfo,
    available,
    keyed,
    provider_info,
)

__all__ = [
    "PROVIDERS",
    "Campaign",
    "MailingList",
    "Message",
    "Provider",
    "ProviderInfo",
    "available",
    "keyed",
    "provider_info",
]


def __getattr__(name: str) -> Any:
    """The interface's types (``Provider``, ``Campaign``...), imported when first asked for:
    the settings read the registry at every start, and need none of them."""
    if name in ("Campaign", "MailingList", "Message", "Provider"):
        from copro_news.providers import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
