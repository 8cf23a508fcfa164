"""API keys: from the environment first, then the system keyring; never from a file.

A key travels as a :class:`~copro_news.secret.Secret`, whose ``repr`` and ``str`` are
masked, so it cannot leak through a log line, an error message or a traceback's locals.
Which environment variable holds which provider's key is in the provider registry.
"""

from __future__ import annotations

import os
from typing import Any

from copro_news.errors import CredentialsError
from copro_news.providers.registry import PROVIDERS, ProviderInfo
from copro_news.secret import Secret, mask, seen

__all__ = ["Secret", "api_key", "delete_api_key", "find_api_key", "redact", "store_api_key"]

SERVICE = "copro-news"


def redact(text: str) -> str:
    """``text`` with every API key this process knows of replaced by asterisks: as it is,
    URL-encoded, or Base64-encoded (alone, or as the ``user:key`` of HTTP Basic auth)."""
    values = seen()
    for info in PROVIDERS.values():
        value = os.environ.get(info.key_variable, "").strip() if info.needs_key else ""
        if value:
            values.add(value)
    return mask(text, values)


def _keyed(provider: str) -> ProviderInfo:
    """The registry row of a provider whose key copro-news keeps."""
    info = PROVIDERS.get(provider)
    if info is None or not info.needs_key:
        known = sorted(p.name for p in PROVIDERS.values() if p.needs_key)
        raise CredentialsError(
            f"copro-news keeps no API key for {provider!r}.",
            f"Known providers: {', '.join(known)}.",
        )
    return info


def find_api_key(provider: str) -> tuple[Secret, str] | None:
    """The key and where it came from ("environment" or "keyring"), or None."""
    value = os.environ.get(_keyed(provider).key_variable, "").strip()
    if value:
        return Secret(value), "environment"
    stored = _keyring_get(provider)
    if stored:
        return Secret(stored), "keyring"
    return None


def api_key(provider: str) -> Secret:
    """The key for ``provider``, or a CredentialsError that says how to provide one."""
    found = find_api_key(provider)
    if found is None:
        info = _keyed(provider)
        raise CredentialsError(
            f"No {info.label} API key.",
            f"Run 'copro-news login {provider}', or set {info.key_variable}.",
        )
    return found[0]


def store_api_key(provider: str, key: Secret) -> None:
    info = _keyed(provider)
    keyring, errors = _keyring()
    try:
        keyring.set_password(SERVICE, provider, key.reveal())
    except errors.KeyringError:
        raise CredentialsError(
            "The system keyring could not store the key: it is locked, or this computer has none.",
            f"Set {info.key_variable} in the environment instead.",
        ) from None


def delete_api_key(provider: str) -> bool:
    """Remove the stored key; False when none was stored."""
    _keyed(provider)
    keyring, errors = _keyring()
    try:
        keyring.delete_password(SERVICE, provider)
    except errors.PasswordDeleteError:
        return False
    except errors.KeyringError:
        raise CredentialsError(
            "The system keyring could not remove the key: it is locked, or this computer has none."
        ) from None
    return True


def _keyring_get(provider: str) -> str | None:
    try:
        keyring, errors = _keyring()
    except CredentialsError:
        return None
    try:
        return keyring.get_password(SERVICE, provider)
    except errors.KeyringError:
        return None


def _keyring() -> tuple[Any, Any]:
    try:
        import keyring
        import keyring.errors
    except ImportError:
        raise CredentialsError(
            "The keyring package is not installed.",
            "Install it with 'pip install keyring', or set the key in the environment.",
        ) from None
    return keyring, keyring.errors
