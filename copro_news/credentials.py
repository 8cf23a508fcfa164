"""API keys: from the environment first, then the system keyring; never from a file.

A key travels as a :class:`Secret`, whose ``repr`` and ``str`` are masked, so it cannot
leak through a log line, an error message or a traceback's locals.
"""

from __future__ import annotations

import os
from typing import Any

from copro_news.errors import CredentialsError

SERVICE = "copro-news"
ENV_VARS = {"mailchimp": "MAILCHIMP_API_KEY", "buttondown": "BUTTONDOWN_API_KEY"}
LABELS = {"mailchimp": "Mailchimp", "buttondown": "Buttondown"}


# Every secret value this process has seen, so that redact() can take it out of any text.
_SEEN: set[str] = set()


class Secret:
    """A value that shows itself only through :meth:`reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= 8:
            _SEEN.add(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[type, tuple[str]]:
        raise TypeError("a Secret is not picklable")


def redact(text: str) -> str:
    """``text`` with every API key this process knows of replaced by asterisks."""
    values = set(_SEEN)
    for var in ENV_VARS.values():
        value = os.environ.get(var, "").strip()
        if len(value) >= 8:
            values.add(value)
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, "********")
    return text


def _check_provider(provider: str) -> str:
    if provider not in ENV_VARS:
        raise CredentialsError(
            f"copro-news keeps no API key for {provider!r}.",
            f"Known providers: {', '.join(sorted(ENV_VARS))}.",
        )
    return ENV_VARS[provider]


def find_api_key(provider: str) -> tuple[Secret, str] | None:
    """The key and where it came from ("environment" or "keyring"), or None."""
    env_var = _check_provider(provider)
    value = os.environ.get(env_var, "").strip()
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
        label = LABELS.get(provider, provider)
        raise CredentialsError(
            f"No {label} API key.",
            f"Run 'copro-news login {provider}', or set {ENV_VARS[provider]}.",
        )
    return found[0]


def store_api_key(provider: str, key: Secret) -> None:
    _check_provider(provider)
    keyring, errors = _keyring()
    try:
        keyring.set_password(SERVICE, provider, key.reveal())
    except errors.KeyringError:
        raise CredentialsError(
            "The system keyring could not store the key: it is locked, or this computer has none.",
            f"Set {ENV_VARS[provider]} in the environment instead.",
        ) from None


def delete_api_key(provider: str) -> bool:
    """Remove the stored key; False when none was stored."""
    _check_provider(provider)
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
