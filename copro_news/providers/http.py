"""The HTTP session every provider uses: a User-Agent, timeouts, careful retries, plain errors.

Only GET, PUT and DELETE are retried (on 429, 5xx and connection errors, honouring
``Retry-After``): repeating them changes nothing. A POST that creates or sends is
never repeated here, unless the provider says the call is safe to repeat
(``repeatable=True``: a PATCH with the same body, or a request carrying an idempotency
key, which the provider answers once); when its outcome is unclear,
:class:`OutcomeUnknown` tells the caller to look at the provider's state before doing
anything else.

``requests`` is imported only when a session is made, and no ``requests`` exception
leaves this module.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from copro_news import __version__
from copro_news.errors import CredentialsError, ProviderError
from copro_news.secret import Secret, mask, seen

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 90.0  # Mailchimp gives up on a call after 120 s
RETRIES = 4
BACKOFF = 2.0  # seconds before the first retry; doubles each time
MAX_WAIT = 60.0
SAFE_TO_REPEAT = frozenset({"GET", "PUT", "DELETE"})


class OutcomeUnknown(ProviderError):
    """The request went out but no clear answer came back: it may or may not have been done."""


class Unreachable(ProviderError):
    """The provider could not be reached; the request was not carried out."""


#: Turns an error answer into the provider's own error: ``hook(status, body)`` where
#: ``body`` is the decoded JSON (None when there is none); None keeps the plain error.
ErrorHook = Callable[[int, Any], ProviderError | None]


class HttpClient:
    """A requests Session bound to one API's base URL and credentials.

    ``auth`` is HTTP Basic (user, key); ``token`` an ``Authorization: <scheme> <key>``
    header, as (scheme, key).
    """

    def __init__(
        self,
        base_url: str,
        *,
        label: str,
        auth: tuple[str, Secret] | None = None,
        token: tuple[str, Secret] | None = None,
        headers: dict[str, str] | None = None,
        error_hook: ErrorHook | None = None,
        timeout: tuple[float, float] | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        secrets: Iterable[Secret] = (),
    ) -> None:
        import requests

        for secret in [
            *(s for s in secrets if s),
            *([auth[1]] if auth else []),
            *([token[1]] if token else []),
        ]:
            _refuse_unusable_key(secret, label)
        self.base_url = base_url.rstrip("/")
        self.label = label
        self.timeout = timeout or (CONNECT_TIMEOUT, READ_TIMEOUT)
        self.retries = RETRIES if retries is None else retries
        self.backoff = BACKOFF if backoff is None else backoff
        self.sleep = sleep
        self._secrets = [s for s in secrets if s]
        if auth is not None:
            self._secrets.append(auth[1])
        if token is not None:
            self._secrets.append(token[1])
        self.error_hook = error_hook
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"copro-news/{__version__}"
        self.session.headers["Accept"] = "application/json"
        self.session.headers.update(headers or {})
        if auth is not None:
            self.session.auth = _SecretAuth(auth[0], auth[1])
        elif token is not None:
            self.session.auth = _TokenAuth(token[0], token[1])
        self.calls = 0

    @property
    def host(self) -> str:
        """The host (and port) of the API, never what a URL may hold before it."""
        parts = urlsplit(self.base_url)
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            port = ""
        return f"{parts.hostname or ''}{port}"

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        headers: dict[str, str] | None = None,
        repeatable: bool | None = None,
    ) -> Any:
        """Make the call; return the decoded JSON body (None when there is none).

        ``data`` and ``files`` send a multipart form instead of JSON; ``headers`` are
        added to this call only. ``repeatable`` says whether the call may be made again
        after an unclear outcome (default: GET and PUT only).
        """
        import requests

        method = method.upper()
        if repeatable is None:
            repeatable = method in SAFE_TO_REPEAT
        url = self.base_url + path
        attempt = 0
        while True:
            attempt += 1
            self.calls += 1
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    data=data,
                    files=files,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.ConnectTimeout:
                error: ProviderError = Unreachable(
                    f"Could not connect to {self.label} ({self.host}): the connection timed out.",
                    "Check the network connection, then run the command again.",
                )
                wait = None
            except requests.ConnectionError as e:
                if _never_connected(e):
                    error = Unreachable(
                        f"Could not connect to {self.label} ({self.host}).",
                        "Check the network connection, then run the command again.",
                    )
                else:
                    error = OutcomeUnknown(
                        f"The connection to {self.label} broke before it answered.",
                        "Run the command again: it checks what was done before going on.",
                    )
                wait = None
            except requests.Timeout:
                error = OutcomeUnknown(
                    f"{self.label} did not answer within {self.timeout[1]:.0f} seconds.",
                    "Run the command again: it checks what was done before going on.",
                )
                wait = None
            except requests.RequestException as e:
                raise ProviderError(
                    f"The request to {self.label} failed ({type(e).__name__})."
                ) from None
            else:
                if response.status_code < 400:
                    return _decode(response)
                error = self._error(method, response)
                if not _retryable_status(response):
                    raise error
                wait = _retry_after(response)
            if not repeatable or attempt > self.retries:
                raise error
            delay = wait if wait is not None else self.backoff * 2 ** (attempt - 1)
            self.sleep(min(MAX_WAIT, delay) * (1 if wait is not None else random.uniform(0.5, 1)))

    def _error(self, method: str, response: Any) -> ProviderError:
        status = response.status_code
        if self.error_hook is not None:
            try:
                doc = response.json() if response.content else None
            except ValueError:
                doc = None
            own = self.error_hook(status, self._scrub_doc(doc))
            if own is not None:
                return own
        title, detail = _problem(response)
        text = f"{title}: {detail}" if title and detail else (title or detail)
        message = f"{self.label} refused the request ({status} {text})."
        if not text:
            message = f"{self.label} answered with an error ({status})."
        message = self.scrub(message)
        hint = None
        if status in (401, 403) and text:
            hint = "Check the API key: run 'copro-news login' again, or set it in the environment."
        elif status == 429 or (status == 403 and not text):
            hint = f"{self.label} is limiting requests; wait a minute, then run the command again."
        if status >= 500 and method not in SAFE_TO_REPEAT:
            return OutcomeUnknown(
                message,
                "Run the command again: it checks what was done before going on.",
                status=status,
            )
        return ProviderError(message, hint, status=status)

    def _scrub_doc(self, doc: Any) -> Any:
        """``doc`` (decoded JSON) with every secret taken out of its strings."""
        if isinstance(doc, str):
            return self.scrub(doc)
        if isinstance(doc, list):
            return [self._scrub_doc(d) for d in doc]
        if isinstance(doc, dict):
            return {k: self._scrub_doc(v) for k, v in doc.items()}
        return doc

    def scrub(self, text: str) -> str:
        """``text`` without a key in any form (as is, URL-encoded, Base64...)."""
        return mask(text, {s.reveal() for s in self._secrets} | seen())


class _SecretAuth:
    """HTTP Basic auth whose key stays a Secret until the header is made."""

    def __init__(self, user: str, key: Secret) -> None:
        self.user = user
        self.key = key

    def __call__(self, request: Any) -> Any:
        from requests.auth import _basic_auth_str

        user, _, key = self.key.basic_credentials(self.user).partition(":")
        request.headers["Authorization"] = _basic_auth_str(user, key)
        return request

    def __repr__(self) -> str:
        return f"_SecretAuth({self.user!r}, {self.key!r})"


class _TokenAuth:
    """An ``Authorization: <scheme> <key>`` header whose key stays a Secret until it is made."""

    def __init__(self, scheme: str, key: Secret) -> None:
        self.scheme = scheme
        self.key = key

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"{self.scheme} {self.key.reveal()}"
        return request

    def __repr__(self) -> str:
        return f"_TokenAuth({self.scheme!r}, {self.key!r})"


def _refuse_unusable_key(key: Secret, label: str) -> None:
    """A key holds printable ASCII only: anything else was pasted by mistake (a curly quote,
    a line break), and would make an HTTP header that cannot be sent. The character is named,
    never shown with the key."""
    import unicodedata

    for ch in key.reveal():
        if not 33 <= ord(ch) <= 126:
            if ch == " ":
                what = "a space"
            elif ch in "\r\n":
                what = "a line break"
            else:
                name = unicodedata.name(ch, "")
                what = (
                    f"U+{ord(ch):04X} {name}" if name else f"a control character, U+{ord(ch):04X}"
                )
            raise CredentialsError(
                f"The {label} API key holds a character that no API key has ({what}).",
                f"Copy the key again from {label} (letters, digits and dashes only), then run "
                f"'copro-news login {label.lower()}', or set it in the environment.",
            )


def _decode(response: Any) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _problem(response: Any) -> tuple[str, str]:
    try:
        doc = response.json()
    except ValueError:
        return "", ""
    if not isinstance(doc, dict):
        return "", ""
    title = str(doc.get("title") or "").strip()
    detail = doc.get("detail") or ""
    if isinstance(detail, list):  # some APIs list their validation errors
        detail = "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    detail = str(detail).strip()
    errors = doc.get("errors")
    if isinstance(errors, list) and errors:
        fields = [
            f"{e.get('field')}: {e.get('message')}"
            for e in errors
            if isinstance(e, dict) and e.get("message")
        ]
        if fields:
            detail = f"{detail} ({'; '.join(fields)})" if detail else "; ".join(fields)
    return title[:200], detail[:500]


def _retryable_status(response: Any) -> bool:
    status = response.status_code
    if status == 429 or status >= 500:
        return True
    return status == 403 and not response.content


def _retry_after(response: Any) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _never_connected(exc: Exception) -> bool:
    """True when the connection failed before the request could be sent."""
    import urllib3.exceptions

    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, urllib3.exceptions.NewConnectionError | ConnectionRefusedError):
            return True
        todo.extend([e.__cause__, e.__context__, getattr(e, "reason", None)])
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
    return False
