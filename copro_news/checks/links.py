"""Rules that need the network: links and images of the built email, checked online.

Every distinct URL of the built email is checked once, concurrently (a bounded pool of
threads): HEAD first, then GET where HEAD is refused, redirects followed. Sign-up pages
(event and action links, links whose words say book, register or sign up) are read with
GET to find "Sales ended" and the like. Good answers are kept in the issue's build/ for a
day, so checking again is quick; failures are always checked again, and with ``fresh``
(check --fresh) every link is.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from copro_news.checks.registry import Context, rule
from copro_news.checks.source import elements, locate
from copro_news.fsutil import read_regular
from copro_news.problems import Problem

if TYPE_CHECKING:
    import requests

    from copro_news.content import Issue

TIMEOUT = 10.0  # seconds for each request; a timeout is tried once more
WORKERS = 24  # threads; each waits on the network, not the processor
CACHE_FILE = "links.json"
CACHE_SECONDS = 24 * 3600
BODY_LIMIT = 512 * 1024
IMAGE_HEAVY_BYTES = 1024 * 1024  # as copro_news.images.HEAVY_BYTES, for a file on the web

BROKEN_STATUS = frozenset({404, 410, 451})
CLOSED_PHRASES = (
    "sales ended",
    "sales have ended",
    "sales are closed",
    "sales closed",
    "registration closed",
    "registration is closed",
    "registration has closed",
    "registrations are closed",
    "registration has ended",
    "registration is now closed",
    "bookings are closed",
    "bookings closed",
    "booking is closed",
    "booking has closed",
    "booking is now closed",
    "this event has ended",
    "this event has passed",
    "this event is over",
    "event has ended",
    "no longer accepting registrations",
    "no longer accepting responses",
    "tickets are no longer available",
)
_SIGNUP_WORDS = re.compile(
    r"\b(book|booking|register|registration|sign ?up|ticket|rsvp|join)", re.I
)


@dataclass
class LinkResult:
    """What one URL answered."""

    url: str
    status: int | None = None  # the final HTTP status, after redirects
    final_url: str | None = None
    error: str | None = None  # dns, tls, timeout, connection, redirects, invalid
    detail: str = ""
    closed: str | None = None  # the phrase that says registration or sales have ended
    size: int | None = None  # bytes, for images
    https_ok: bool | None = None  # for http:// links: whether https:// answers too
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400

    @property
    def reached(self) -> bool:
        """Whether a server answered at all."""
        return self.status is not None or self.error in ("tls", "redirects", "invalid")

    @property
    def broken(self) -> bool:
        if self.error is not None:
            return True
        s = self.status or 0
        return s in BROKEN_STATUS or s >= 500

    @property
    def unverified(self) -> bool:
        return not self.ok and not self.broken

    def describe(self) -> str:
        if self.error == "dns":
            return "no such host"
        if self.error == "timeout":
            return "no answer in time (tried twice)"
        if self.error == "tls":
            return f"the secure connection failed ({self.detail})"
        if self.error == "redirects":
            return "it redirects in a loop"
        if self.error == "invalid":
            return f"it is not a valid address ({self.detail})"
        if self.error:
            return f"could not connect ({self.detail})" if self.detail else "could not connect"
        reason = _REASONS.get(self.status or 0, "")
        return f"it answers {self.status}" + (f" {reason}" if reason else "")


_REASONS = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Target:
    url: str
    image: bool
    signup: bool


def targets(ctx: Context) -> list[Target]:
    """Every distinct http(s) URL of the built email, pages and images."""
    signup_links = {
        s.get("link")
        for kind in ("events", "actions")
        for s in ctx.issue.sections.get(kind, [])
        if s.get("link")
    }
    found: dict[tuple[str, bool], Target] = {}
    for el in elements(ctx):
        url = el.url.strip()
        if not url.lower().startswith(("http://", "https://")) or "unsubscribe.invalid" in url:
            continue
        if "*|" in url or "{{" in url:
            continue
        image = el.tag == "img"
        signup = not image and (url in signup_links or bool(_SIGNUP_WORDS.search(el.text)))
        key = (url, image)
        if key in found:
            signup = signup or found[key].signup
        found[key] = Target(url, image, signup)
    return list(found.values())


# --- fetching ----------------------------------------------------------------------------------


class Checker:
    """Checks URLs with a pool of threads, each with its own requests session."""

    def __init__(self, timeout: float = TIMEOUT, workers: int = WORKERS) -> None:
        self.timeout = timeout
        self.workers = workers
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._hosts: dict[str, str | None] = {}
        self._https: dict[str, threading.Event] = {}
        self._https_ok: dict[str, bool] = {}

    def session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            import requests
            from requests.adapters import HTTPAdapter

            from copro_news import __version__

            s = requests.Session()
            s.headers["User-Agent"] = f"copro-news/{__version__} (link check)"
            s.headers["Accept"] = "text/html,application/xhtml+xml,image/*;q=0.9,*/*;q=0.8"
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=4, max_retries=0)
            s.mount("http://", adapter)
            s.mount("https://", adapter)
            s.max_redirects = 10
            self._local.session = s
            with self._lock:
                self._sessions.append(s)
        return s

    def close(self) -> None:
        for s in self._sessions:
            s.close()

    def _resolve(self, url: str) -> str | None:
        """None if the host resolves; else why not."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        with self._lock:
            if host in self._hosts:
                return self._hosts[host]
        try:
            socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
            why = None
        except (socket.gaierror, UnicodeError) as e:
            why = str(getattr(e, "strerror", None) or e)
        except OSError as e:  # pragma: no cover
            why = str(e)
        with self._lock:
            self._hosts[host] = why
        return why

    def check(self, target: Target) -> LinkResult:
        try:
            return self._check(target)
        except (ValueError, UnicodeError, LookupError) as e:  # a malformed address or answer
            return LinkResult(target.url, error="invalid", detail=str(e)[:80])

    def _check(self, target: Target) -> LinkResult:
        why = self._resolve(target.url)
        if why is not None:
            return LinkResult(target.url, error="dns", detail=why)
        result = self._fetch(target)
        if result.error in ("timeout", "connection"):
            result = self._fetch(target)
        if result.ok and not target.image and target.url.startswith("http://"):
            result.https_ok = self._https_answers(target.url)
        return result

    def _fetch(self, target: Target) -> LinkResult:
        import requests

        url = target.url
        s = self.session()
        result = LinkResult(url)
        try:
            r = s.head(url, allow_redirects=True, timeout=self.timeout)
            r.close()
            result.status, result.final_url = r.status_code, r.url
            kind = r.headers.get("Content-Type", "").lower()
            length = r.headers.get("Content-Length")
            if target.image and length and length.isdigit():
                result.size = int(length)
            read_page = target.signup and "html" in kind
            need_size = target.image and result.size is None
            if r.status_code >= 400 or read_page or need_size:
                self._get(s, target, result)
        except requests.exceptions.SSLError as e:
            result.error, result.detail = "tls", _short(e)
        except requests.exceptions.Timeout:
            result.error = "timeout"
        except requests.exceptions.TooManyRedirects:
            result.error = "redirects"
        except requests.exceptions.RequestException as e:
            result.error, result.detail = "connection", _short(e)
        return result

    def _get(self, s: requests.Session, target: Target, result: LinkResult) -> None:
        with s.get(target.url, allow_redirects=True, timeout=self.timeout, stream=True) as r:
            result.status, result.final_url = r.status_code, r.url
            if r.status_code >= 400:
                return
            limit = IMAGE_HEAVY_BYTES + 1 if target.image else BODY_LIMIT
            data = bytearray()
            deadline = time.monotonic() + self.timeout
            for chunk in r.iter_content(64 * 1024):
                data += chunk
                if len(data) >= limit or time.monotonic() > deadline:
                    break
            if target.image:
                length = r.headers.get("Content-Length")
                result.size = int(length) if length and length.isdigit() else len(data)
            elif "html" in r.headers.get("Content-Type", "").lower():
                try:
                    page = data.decode(r.encoding or "utf-8", "replace")
                except LookupError:  # a charset Python does not know
                    page = data.decode("utf-8", "replace")
                result.closed = closed_phrase(page)

    def _https_answers(self, url: str) -> bool:
        """Whether the link's host answers over https:// (asked once per host and port)."""
        import requests

        parts = urlsplit(url)
        with self._lock:
            event = self._https.get(parts.netloc)
            first = event is None
            if first:
                event = self._https[parts.netloc] = threading.Event()
        assert event is not None
        if not first:
            event.wait(self.timeout * 2)
            return self._https_ok.get(parts.netloc, False)
        secure = urlunsplit(("https", *parts[1:]))
        try:
            r = self.session().head(secure, allow_redirects=True, timeout=self.timeout)
            r.close()
            ok = r.status_code < 400
        except requests.exceptions.RequestException:
            ok = False
        self._https_ok[parts.netloc] = ok
        event.set()
        return ok

    def run(
        self, items: list[Target], progress: Callable[[int, int], None] | None = None
    ) -> dict[Target, LinkResult]:
        """Check ``items`` with at most ``workers`` threads; ``progress(done, total)`` after each.

        The threads are daemons, so Ctrl-C stops the command at once instead of waiting for
        the requests in flight.
        """
        import queue

        if not items:
            return {}
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for i in range(len(items)):
            todo.put(i)
        done: queue.SimpleQueue[tuple[int, LinkResult | BaseException]] = queue.SimpleQueue()

        def work() -> None:
            while True:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put((i, self.check(items[i])))
                except BaseException as e:  # pragma: no cover - handed to the caller below
                    done.put((i, e))

        if progress:
            progress(0, len(items))
        found: dict[int, LinkResult] = {}
        try:
            for _ in range(min(self.workers, len(items))):
                threading.Thread(target=work, name="copro-news-links", daemon=True).start()
            while len(found) < len(items):
                i, result = done.get()
                if isinstance(result, BaseException):
                    raise result
                found[i] = result
                if progress:
                    progress(len(found), len(items))
        finally:
            self.close()
        return {items[i]: found[i] for i in range(len(items))}


def _short(e: Exception) -> str:
    text = str(e)
    m = re.search(r"\[SSL: ([A-Z_]+)\]|(CERTIFICATE_VERIFY_FAILED|WRONG_VERSION_NUMBER)", text)
    if m:
        return (m.group(1) or m.group(2)).lower().replace("_", " ")
    if "refused" in text.lower():
        return "connection refused"
    if "reset" in text.lower():
        return "connection reset"
    return text.split(":")[-1].strip()[:80] or type(e).__name__


def closed_phrase(page: str) -> str | None:
    """The words of a page that say registration or sales have ended, if any."""
    text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", page, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    import html

    text = " ".join(html.unescape(text).lower().split())
    for phrase in CLOSED_PHRASES:
        if phrase in text:
            return phrase
    return None


# --- the cache ---------------------------------------------------------------------------------


def _cache_path(ctx: Context) -> Path:
    from copro_news.render import BUILD_DIR

    return Path(ctx.issue.folder) / BUILD_DIR / CACHE_FILE


def _read_cache(path: Path, now: float) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(read_regular(path, 50_000_000).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    fresh = {}
    for key, entry in data.items():
        if isinstance(entry, dict) and now - float(entry.get("checked", 0)) < CACHE_SECONDS:
            fresh[key] = entry
    return fresh


def _write_cache(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Write the cache into build/, unless build/ holds files that copro-news did not make."""
    from copro_news.errors import RefusedError
    from copro_news.fsutil import atomic_write
    from copro_news.render import own_build_folder

    try:
        own_build_folder(path.parent)
        atomic_write(path, json.dumps(entries, indent=1, sort_keys=True) + "\n")
    except (OSError, RefusedError):
        pass  # a cache that cannot be written is only slower next time


def _key(t: Target) -> str:
    return ("img " if t.image else "") + ("signup " if t.signup else "") + t.url


def check_links(ctx: Context) -> dict[Target, LinkResult]:
    """Every URL of the built email, checked (once per Context)."""
    if "links" in ctx.cache:
        return ctx.cache["links"]
    items = targets(ctx)
    path = _cache_path(ctx)
    now = time.time()  # the cache's age is wall-clock time, not the send time
    cache = _read_cache(path, now)
    trusted = {} if ctx.fresh else cache
    results: dict[Target, LinkResult] = {}
    todo = []
    for t in items:
        entry = trusted.get(_key(t))
        if entry is not None:
            fields = {k: v for k, v in entry.items() if k in LinkResult.__dataclass_fields__}
            results[t] = LinkResult(**{**fields, "cached": True})
        else:
            todo.append(t)
    progress = getattr(ctx, "progress", None)
    fetched = Checker(timeout=TIMEOUT, workers=WORKERS).run(todo, progress)
    results.update(fetched)
    good = {
        _key(t): {**asdict(r), "checked": now} for t, r in fetched.items() if r.ok and not r.closed
    }
    kept = {k: v for k, v in cache.items() if k not in {_key(t) for t in fetched}}
    if good or cache:
        _write_cache(path, {**kept, **good})
    ctx.cache["links"] = results
    offline = bool(fetched) and not any(r.reached for r in fetched.values())
    cached = [t for t in items if t not in fetched]
    if offline and cached:
        # Every link fetched now failed, but others were good a while ago: ask one of those
        # again, so that a mistyped host among good links is broken, not "the network".
        probe = Checker(timeout=TIMEOUT, workers=1).run(cached[:1], None)
        offline = not any(r.reached for r in probe.values())
    ctx.cache["links_offline"] = offline
    return results


def _network_down(ctx: Context) -> bool:
    check_links(ctx)
    return bool(ctx.cache.get("links_offline"))


def _problem(ctx: Context, code: str, message: str, url: str, hint: str) -> Problem:
    file, line = locate(ctx, url)
    return ctx.problem(code, message, file=file, line=line, hint=hint)


# --- the rules ---------------------------------------------------------------------------------


@rule(
    "network-unavailable",
    severity="warning",
    network=True,
    summary="No link could be reached, so none was checked: the network seems to be down.",
    explanation=(
        "When not one URL of the email can be reached (no host name resolves, no server "
        "answers), the problem is the network, not the links: copro-news says so once, and "
        "reports no link as broken.\n\n"
        "Example that warns: copro-news check on a laptop without Wi-Fi.\n\n"
        "Fix: connect and check again, or run check --offline to skip the network rules."
    ),
)
def network_unavailable(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if _network_down(ctx):
        results = ctx.cache["links"]
        hosts = sorted({urlsplit(t.url).hostname or "" for t in results} - {""})
        shown = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
        yield ctx.problem(
            "network-unavailable",
            f"None of the {len(results)} links and images could be reached (on {shown}): the "
            "network seems to be down, so they were not checked.",
            hint="Connect to the internet and check again, or use --offline to skip the "
            "network rules. If the network works, check the spelling of those host names.",
        )


@rule(
    "link-broken",
    severity="error",
    network=True,
    summary="A link answers an error or does not resolve.",
    explanation=(
        "Each link of the built email is fetched: 404, 410, 5xx, a host that does not exist, "
        "a failed secure connection, or no answer in time (twice) make it broken.\n\n"
        "Example that fails: link: https://example.org/events/old-page (404 Not Found)\n\n"
        "Fix: correct the address (open it in a browser), or remove the link."
    ),
)
def link_broken(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if _network_down(ctx):
        return
    for t, r in check_links(ctx).items():
        if not t.image and r.broken:
            yield _problem(
                ctx,
                "link-broken",
                f"The link {t.url} is broken: {r.describe()}.",
                t.url,
                "Open it in a browser and correct the address, or remove the link.",
            )


@rule(
    "link-unverified",
    severity="warning",
    network=True,
    summary="A link could not be verified: 401, 403 or 429 (the site refuses robots).",
    explanation=(
        "Some sites answer a program with 401 Unauthorized, 403 Forbidden or 429 Too Many "
        "Requests while a browser gets the page: the link may be fine.\n\n"
        "Example that warns: a members-only page answering 403 Forbidden.\n\n"
        "Fix: open the link in a browser; if it works, add check-ignore: [link-unverified] "
        "to the snippet."
    ),
)
def link_unverified(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if _network_down(ctx):
        return
    for t, r in check_links(ctx).items():
        if r.unverified:
            what = "image" if t.image else "link"
            yield _problem(
                ctx,
                "link-unverified",
                f"The {what} {t.url} could not be verified: {r.describe()}.",
                t.url,
                "Open it in a browser to make sure it works.",
            )


@rule(
    "link-closed",
    severity="warning",
    network=True,
    summary="A sign-up page says registration or sales have ended.",
    explanation=(
        "Event and action links, and links whose words say book, register or sign up, are "
        "read: a page that says 'Sales ended' or 'Registration closed' sends readers to a "
        "closed door.\n\n"
        "Example that warns: an Eventbrite link for a past event ('Sales ended').\n\n"
        "Fix: link to the new event or to a page that is open, or remove the link."
    ),
)
def link_closed(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if _network_down(ctx):
        return
    for t, r in check_links(ctx).items():
        if r.ok and r.closed:
            yield _problem(
                ctx,
                "link-closed",
                f"The page {t.url} says '{r.closed}'.",
                t.url,
                "Link to a page where readers can still sign up, or remove the link.",
            )


@rule(
    "link-insecure",
    severity="warning",
    network=True,
    summary="An http:// link where https:// works.",
    explanation=(
        "An http:// link is sent in the clear and some browsers warn about it; when the "
        "same address works with https://, use that.\n\n"
        "Example that warns: link: http://example.org/events\n\n"
        "Fix: write https:// instead of http://."
    ),
)
def link_insecure(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if _network_down(ctx):
        return
    for t, r in check_links(ctx).items():
        if r.https_ok:
            yield _problem(
                ctx,
                "link-insecure",
                f"The link {t.url} uses http://, and https:// works.",
                t.url,
                "Write https:// instead of http://.",
            )


@rule(
    "image-broken",
    severity="error",
    network=True,
    summary="An image that does not load.",
    explanation=(
        "Each image of the built email is fetched; one that answers 404, 410 or 5xx, or "
        "whose host does not exist, shows as a broken picture in every inbox.\n\n"
        "Example that fails: hero: image: https://example.org/images/typo.jpg (404)\n\n"
        "Fix: correct the address of the image."
    ),
)
def image_broken(issue: Issue, ctx: Context) -> Iterator[Problem]:
    if _network_down(ctx):
        return
    for t, r in check_links(ctx).items():
        if t.image and r.broken:
            yield _problem(
                ctx,
                "image-broken",
                f"The image {t.url} does not load: {r.describe()}.",
                t.url,
                "Open the address in a browser and correct it.",
            )


@rule(
    "image-heavy",
    severity="warning",
    summary=(
        "An image over 1 MB, slow on a phone, or a picture of the issue folder wider than 1200 px."
    ),
    explanation=(
        "Every subscriber downloads every image: a photo straight from a camera (3-8 MB) "
        "makes the email slow to open on a phone. A picture in the issue folder is measured "
        "on the disk, offline too; one on the web is fetched, online only. Twice the email's "
        "width (1200 pixels) is sharp on every screen; more only weighs.\n\n"
        "Example that warns: hero: image: images/IMG_2041.jpg (4.2 MB, 4032 pixels wide)\n\n"
        "Fix: resize it to 1200 pixels wide (twice the email's width) and save it as JPEG."
    ),
)
def image_heavy(issue: Issue, ctx: Context) -> Iterator[Problem]:
    from copro_news.images import HEAVY_BYTES, WIDE_PIXELS

    seen: set[str] = set()
    for place in issue.image_places:
        image = place.image
        if image is None or image.cid in seen:
            continue
        seen.add(image.cid)
        big = image.size > HEAVY_BYTES
        wide = image.width > WIDE_PIXELS
        if not (big or wide):
            continue
        what = [f"{image.size / 1024 / 1024:.1f} MB"] if big else []
        what += [f"{image.width} pixels wide"] if wide else []
        yield ctx.problem(
            "image-heavy",
            f"The picture {image.rel} is {' and '.join(what)}.",
            file=place.file,
            line=place.line,
            hint="Resize it to 1200 pixels wide and save it as JPEG (under 300 KB is good).",
        )
    if ctx.offline or _network_down(ctx):
        return
    for t, r in check_links(ctx).items():
        if t.image and r.ok and r.size is not None and r.size > IMAGE_HEAVY_BYTES:
            yield _problem(
                ctx,
                "image-heavy",
                f"The image {t.url} is {r.size / 1024 / 1024:.1f} MB.",
                t.url,
                "Resize it to 1200 pixels wide and save it as JPEG (under 300 KB is good).",
            )
