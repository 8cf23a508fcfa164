from __future__ import annotations

import os
import sys

import typer

from copro_news.commands import common
from copro_news.providers.registry import PROVIDERS, ProviderInfo, keyed

#: The providers whose API key copro-news keeps: those it can send through that need a key.
KEYED = keyed()


def _known(provider: str, command: str, verb: str) -> ProviderInfo:
    """The provider's row; a usage error for a provider copro-news keeps no key for."""
    from copro_news.errors import UsageError

    names = keyed()
    if provider not in names:
        raise UsageError(
            f"copro-news cannot {verb} {provider!r}.",
            f"copro-news keeps API keys for: {', '.join(names)}. "
            f"Try: copro-news {command} {names[0]}",
        )
    return PROVIDERS[provider]


def login(
    ctx: typer.Context,
    provider: str = typer.Argument(
        ..., help=f"The provider whose API key to store: {', '.join(KEYED)}."
    ),
    verify: bool = typer.Option(
        True, "--verify/--no-verify", help="Check the key with the provider before keeping it."
    ),
) -> None:
    """Keep a provider's API key in the keyring.

    The key is asked for without echo (or read from standard input in a
    script), checked with the provider, and stored in the system keyring,
    never in the workspace. MAILCHIMP_API_KEY or BUTTONDOWN_API_KEY in the
    environment wins over it. Mailchimp: Account > Extras > API keys.
    Buttondown: Settings > API; a key belongs to one newsletter.

    \b
    Examples:
      copro-news login mailchimp
      copro-news login buttondown
      printenv MC_KEY | copro-news login mailchimp
    """
    from copro_news import console, credentials
    from copro_news.errors import UsageError

    info = _known(provider, "login", "log in to")
    label = info.label
    key = credentials.Secret(_ask(f"{label} API key: ").strip())
    if not key:
        raise UsageError("No key was given; nothing was stored.")
    if verify:
        with console.waiting(f"Checking the key with {label}"):
            account = info.verify_key(key, api_url=_api_url(ctx, provider))
        console.info(f"{label} accepted the key: {account}.")
    credentials.store_api_key(provider, key)
    console.out().print(f"The {label} API key is in the system keyring.")
    env = info.key_variable
    if os.environ.get(env):
        console.warn(f"{env} is set in the environment and is used instead of the stored key.")


def logout(
    provider: str = typer.Argument(
        KEYED[0], help=f"The provider whose API key to remove: {', '.join(KEYED)}."
    ),
) -> None:
    """Remove a provider's API key from the keyring.

    \b
    Examples:
      copro-news logout mailchimp
      copro-news logout buttondown
      copro-news logout
    """
    from copro_news import console, credentials

    label = _known(provider, "logout", "log out of").label
    if credentials.delete_api_key(provider):
        console.out().print(f"Removed the {label} API key from the system keyring.")
    else:
        console.out().print(f"No {label} API key was stored in the system keyring.")


def _ask(prompt: str) -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt, stream=sys.stderr)
    return sys.stdin.readline()


def _api_url(ctx: typer.Context, provider: str) -> str:
    """``[provider] api_url`` of the workspace here, when its provider is ``provider``."""
    from copro_news.errors import UsageError

    try:
        ws = common.workspace(ctx)
    except UsageError:
        return ""
    if ws.settings.provider.name != provider:
        return ""
    return ws.settings.provider.api_url
