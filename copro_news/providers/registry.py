"""Every provider copro-news knows, one row each.

A row holds what the rest of copro-news needs to know of a provider without importing it:
its name in ``[provider] name``, the label people read, how to make it, the environment
variable of its API key, the unsubscribe link it fills in for each subscriber, the list
it sends to when ``[provider] list`` is empty, the template tags it would fill in if the
issue's text held them, and whether it writes its own plain-text part. The settings, the
credentials, the templates, the checks, ``login`` and the send all read these rows.

A provider's module is imported only when the provider is made, so that a command which
sends nothing never imports ``requests``. To add a provider: write its module (the
:class:`~copro_news.providers.base.Provider` interface) and add its row to ``ROWS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copro_news.errors import UsageError

if TYPE_CHECKING:
    from copro_news.providers.base import Provider
    from copro_news.secret import Secret

#: Makes a provider: ``factory(root=..., api_url=..., key=..., settings=..., **http)``.
#: ``root`` is the workspace, ``api_url`` the ``[provider] api_url`` setting ("" for the
#: provider's own), ``key`` the API key (None for a provider that needs none), ``settings``
#: the workspace's ``[provider]`` settings (None when there is no workspace, as for
#: ``login``), ``http`` the HTTP session's options (timeouts, retries).
Factory = Callable[..., "Provider"]

OUTBOX_FOLDER = "outbox"


@dataclass(frozen=True)
class ProviderInfo:
    """One provider, as the rest of copro-news sees it."""

    name: str  # as written in [provider] name
    label: str  # as people read it: "Mailchimp"
    factory: Factory | None = field(repr=False)  # None while planned
    key_variable: str = ""  # the environment variable of its API key; "" when it needs none
    unsubscribe: str = ""  # its per-subscriber unsubscribe link; "" to use the workspace's own
    default_list: str = ""  # the list when [provider] list is empty; "" when one must be set
    #: What opens a template tag of the provider: text of the issue holding one of these
    #: would be filled in by the provider, not shown as it is (check: template-syntax).
    template_tags: tuple[str, ...] = ()
    #: The provider makes the plain-text part of the email itself, from the HTML: it never
    #: sends copro-news's own (build/issue.txt).
    own_text: bool = False
    delivers: bool = True  # a send reaches subscribers (the outbox only writes files)
    planned: bool = False  # named in the settings, but copro-news cannot send through it yet

    def __post_init__(self) -> None:
        if self.factory is None and not self.planned:
            raise ValueError(f"the provider {self.name!r} has no factory and is not planned")

    @property
    def needs_key(self) -> bool:
        return bool(self.key_variable)

    @property
    def key_hint(self) -> str:
        """What to do when the provider does not accept the API key."""
        return f"Check the key with 'copro-news login {self.name}', or set {self.key_variable}."

    def template_tags_in(self, text: str) -> list[str]:
        """The provider's template tags that ``text`` holds, its unsubscribe link aside."""
        rest = text.replace(self.unsubscribe, "") if self.unsubscribe else text
        return [tag for tag in self.template_tags if tag in rest]

    def make(
        self,
        *,
        root: Path,
        api_url: str = "",
        key: Secret | None = None,
        settings: Any = None,
        **http: Any,
    ) -> Provider:
        """The provider for the workspace at ``root``; ``key`` when it needs one; ``settings``
        the workspace's ``[provider]`` section, when there is a workspace."""
        if self.factory is None:
            raise UsageError(
                f"copro-news cannot send through {self.label} yet.",
                f"Set [provider] name to one of: {', '.join(available())}.",
            )
        if self.needs_key and not key:
            raise ValueError(f"{self.label} needs an API key")
        return self.factory(root=Path(root), api_url=api_url, key=key, settings=settings, **http)

    def verify_key(self, key: Secret, *, api_url: str = "") -> str:
        """Ask the provider whether ``key`` works; a short description of the account.

        Raises CredentialsError or ProviderError when it does not.
        """
        provider = self.make(root=Path.cwd(), api_url=api_url, key=key)
        try:
            return provider.verify()
        finally:
            provider.close()


# --- the factories: each imports its provider's module when a provider is made ------------------


def _outbox(*, root: Path, api_url: str, key: None, settings: Any, **http: Any) -> Provider:
    from copro_news.providers.outbox import OutboxProvider

    return OutboxProvider(root / OUTBOX_FOLDER)


def _mailchimp(*, root: Path, api_url: str, key: Secret, settings: Any, **http: Any) -> Provider:
    from copro_news.providers.mailchimp import MailchimpProvider

    return MailchimpProvider(key, api_url=api_url or None, **http)


def _buttondown(*, root: Path, api_url: str, key: Secret, settings: Any, **http: Any) -> Provider:
    from copro_news.providers.buttondown import ButtondownProvider

    naked = bool(getattr(settings, "naked", False))
    return ButtondownProvider(key, api_url=api_url or None, naked=naked, **http)


# --- the rows ----------------------------------------------------------------------------------

ROWS: tuple[ProviderInfo, ...] = (
    ProviderInfo("outbox", "Outbox", _outbox, default_list="outbox", delivers=False),
    ProviderInfo(
        "mailchimp",
        "Mailchimp",
        _mailchimp,
        key_variable="MAILCHIMP_API_KEY",
        unsubscribe="*|UNSUB|*",
    ),
    ProviderInfo(
        "buttondown",
        "Buttondown",
        _buttondown,
        key_variable="BUTTONDOWN_API_KEY",
        unsubscribe="{{ unsubscribe_url }}",
        default_list="newsletter",  # the newsletter of the API key: one key, one newsletter
        template_tags=("{{", "{%", "{#"),  # Buttondown fills in Django template tags
        own_text=True,
    ),
)

PROVIDERS: dict[str, ProviderInfo] = {row.name: row for row in ROWS}


def available() -> tuple[str, ...]:
    """The providers copro-news can send through, in the order the settings list them."""
    return tuple(p.name for p in PROVIDERS.values() if not p.planned)


def keyed() -> tuple[str, ...]:
    """The providers copro-news can send through that need an API key (``login`` keeps it)."""
    return tuple(p.name for p in PROVIDERS.values() if p.needs_key and not p.planned)


def provider_info(name: str) -> ProviderInfo:
    """The row of provider ``name``; a UsageError when copro-news cannot send through it."""
    info = PROVIDERS.get(name)
    if info is None or info.planned:
        raise UsageError(
            f"Unknown provider {name!r} in copro-news.toml."
            if info is None
            else f"copro-news cannot send through {info.label} yet.",
            f"Set [provider] name to one of: {', '.join(available())}.",
        )
    return info
