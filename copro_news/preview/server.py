"""The browser preview: a small server on 127.0.0.1 that shows the built issue and follows saves.

The page shows the same inlined HTML that ``draft`` writes and ``send`` sends, at desktop
width, in a 375 px phone frame and as the plain-text part, with the offline check's problems
beside it. A watcher rebuilds the issue when a snippet, the issue file, a template or the
settings are saved, and pushes the result to open pages with server-sent events; the page
swaps the email in place, keeping its scroll position.

Builds happen in memory: the preview never writes build/, so stopping it at any moment
leaves nothing half written. Only the built email, image files in the issue folder and the
page's own files are served; every other path is 404.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from copro_news.images import IMAGE_SUFFIXES, LocalImage
from copro_news.problems import Problem, count, plural

LOOPBACK = "127.0.0.1"
HEARTBEAT_SECONDS = 15.0
# One thread per connection, at most this many at once: a few pages (each holds its event
# stream and a few kept-alive connections) fit easily; beyond it a connection gets 503.
MAX_CONNECTIONS = 64
IDLE_SECONDS = 15.0  # a connection that sends no request for this long is closed
# watchfiles groups the events of one save: it waits STEP ms for more, at most DEBOUNCE ms.
WATCH_STEP_MS = 10
WATCH_DEBOUNCE_MS = 400

# Files of the issue folder that the email may show (served from /issue/...): the pictures
# an email carries.
ASSET_TYPES = IMAGE_SUFFIXES
# The page's own files: a fixed list, never a path joined from the request.
PAGE_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/_preview/preview.css": ("preview.css", "text/css; charset=utf-8"),
    "/_preview/preview.js": ("preview.js", "text/javascript; charset=utf-8"),
    "/_preview/favicon.svg": ("favicon.svg", "image/svg+xml"),
}
EMAIL_PATH = "/issue/issue.html"
TEXT_PATH = "/issue/issue.txt"
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# The email may load its images from anywhere, as in a mail client, but never run a script.
EMAIL_CSP = "script-src 'none'; object-src 'none'; frame-ancestors 'self'; form-action 'none'"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- a build, as the page sees it ----------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """One build of the issue, good or not. ``html`` is None when the save cannot be built."""

    version: int
    boot: str
    issue: str
    ok: bool
    subject: str = ""
    preheader: str = ""
    sender: str = ""
    html: str | None = None
    text: str | None = None
    problems: list[Problem] = field(default_factory=list)
    message: str | None = None
    hint: str | None = None
    built_at: float = 0.0
    ms: float = 0.0
    at: str = ""  # the send time the problems were judged at, in words

    @property
    def error_count(self) -> int:
        return count(self.problems)[0]

    @property
    def warning_count(self) -> int:
        return count(self.problems)[1]

    def digest(self) -> str:
        """What the page shows, hashed: a rebuild that changes nothing is not pushed."""
        h = hashlib.sha256()
        parts = [self.ok, self.subject, self.preheader, self.sender, self.html, self.text, self.at]
        parts += [self.message, self.hint, [p.to_dict() for p in self.problems]]
        h.update(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))
        return h.hexdigest()

    def to_json(self) -> dict[str, Any]:
        """Everything but the HTML, which the page loads from EMAIL_PATH into its frame."""
        return {
            "version": self.version,
            "boot": self.boot,
            "issue": self.issue,
            "ok": self.ok,
            "subject": self.subject,
            "preheader": self.preheader,
            "sender": self.sender,
            "text": self.text,
            "html_bytes": len(self.html.encode("utf-8")) if self.html is not None else None,
            "errors": self.error_count,
            "warnings": self.warning_count,
            "problems": [p.to_dict() for p in self.problems],
            "message": self.message,
            "hint": self.hint,
            "built_at": self.built_at,
            "ms": round(self.ms, 1),
            "at": self.at,
        }


def build_snapshot(root: Path, folder: Path, *, version: int = 0, boot: str = "") -> Snapshot:
    """Load the workspace and the issue afresh and render them, exactly as ``draft`` does.

    Never raises for anything in the workspace: a problem becomes a snapshot that is not ok.
    """
    from copro_news.build import build_with_problems
    from copro_news.checks import send_time
    from copro_news.content import load_issue
    from copro_news.errors import ContentError, CoproNewsError, SettingsError, TemplateError
    from copro_news.workspace import load_workspace

    started = time.perf_counter()
    base: dict[str, Any] = {"version": version, "boot": boot, "issue": folder.name}

    def done(**kw: Any) -> Snapshot:
        fields = {**base, **kw}
        return Snapshot(**fields, built_at=time.time(), ms=(time.perf_counter() - started) * 1000)

    try:
        ws = load_workspace(explicit=root)
        base["sender"] = ws.settings.sender.name or ws.settings.name
        if not (folder / "issue.md").is_file():
            return done(
                ok=False,
                message=f"{ws.rel(folder / 'issue.md')} is missing.",
                hint="Restore the issue file (git checkout, or your editor's undo).",
            )
        issue = load_issue(ws, folder)
        base["subject"], base["preheader"] = issue.subject, issue.preheader
        judged = send_time(ws, issue)
        base["at"] = judged.describe()
        build, problems = build_with_problems(ws, issue, at=judged.at)
    except (ContentError, SettingsError) as e:
        errors = count(e.problems)[0]
        where = "copro-news.toml" if isinstance(e, SettingsError) else "The issue"
        return done(
            ok=False,
            problems=list(e.problems),
            message=f"{where} has {plural(errors, 'error')}.",
            hint="Fix it and save: the page follows.",
        )
    except TemplateError as e:
        # The page lists a template mistake like any problem, at its file and line.
        return done(ok=False, problems=[e.problem], message=e.message, hint=e.hint)
    except CoproNewsError as e:
        return done(ok=False, message=e.message, hint=e.hint)
    except OSError as e:
        where = f" {e.filename}" if e.filename else ""
        return done(
            ok=False,
            message=f"A file cannot be read{where}: {e.strerror or e}.",
            hint="The preview carries on and rebuilds at the next save.",
        )
    except Exception as e:  # a fault of copro-news: the preview must carry on
        return done(
            ok=False,
            message=f"Something went wrong inside copro-news: {type(e).__name__}: {e}",
            hint="Run `copro-news draft --debug` to see the details.",
        )
    return done(
        ok=True,
        subject=build.subject,
        preheader=build.preheader,
        html=served_html(build.html, build.images),
        text=build.text,
        problems=list(problems),
    )


def served_html(html: str, pictures: Iterable[LocalImage]) -> str:
    """The email's HTML as the preview serves it: each picture of the issue folder, named
    ``cid:`` in the email, at its address on this server (/issue/images/sun.jpg)."""
    from urllib.parse import quote

    for picture in pictures:
        html = html.replace(picture.src, "/issue/" + quote(picture.rel))
    return html


# --- the state every request and the watcher share ----------------------------------------------


class Preview:
    """The newest snapshot of one issue, rebuilt on demand; waiting pages are woken on change."""

    def __init__(
        self,
        root: Path,
        folder: Path,
        *,
        on_build: Callable[[Snapshot], None] | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.folder = Path(folder).resolve()
        self.boot = uuid.uuid4().hex[:12]
        self.on_build = on_build
        self._cond = threading.Condition()
        self._building = threading.Lock()  # one build at a time, so versions never collide
        self._closed = False
        self._dirty = threading.Event()
        self._snapshot = build_snapshot(self.root, self.folder, version=1, boot=self.boot)
        self._digest = self._snapshot.digest()

    @property
    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snapshot

    @property
    def closed(self) -> bool:
        return self._closed

    def rebuild(self) -> Snapshot:
        """Build now; publish the result if it differs from what the pages show."""
        with self._building:
            with self._cond:
                version = self._snapshot.version + 1
            snap = build_snapshot(self.root, self.folder, version=version, boot=self.boot)
            digest = snap.digest()
            with self._cond:
                if digest == self._digest:
                    return self._snapshot
                self._snapshot, self._digest = snap, digest
                self._cond.notify_all()
        if self.on_build is not None:
            try:
                self.on_build(snap)
            except (Exception, SystemExit):
                # The report has nowhere to go (its pipe or terminal closed: rich raises
                # SystemExit on a broken pipe). The page is what matters: build on, quietly.
                self.on_build = None
        return snap

    def request_rebuild(self) -> None:
        self._dirty.set()

    def run_builder(self, stop: threading.Event) -> None:
        """Rebuild whenever asked; saves that arrive during a build make one more build."""
        while not stop.is_set():
            if not self._dirty.wait(0.25):
                continue
            self._dirty.clear()
            if not stop.is_set():
                with contextlib.suppress(Exception):  # one failed build never stops the next
                    self.rebuild()

    def wait_newer(self, version: int, timeout: float) -> Snapshot | None:
        """The snapshot after ``version``, or None at the timeout or when closing."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._snapshot.version != version, timeout)
            if self._closed or self._snapshot.version == version:
                return None
            return self._snapshot

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


# --- watching the files ---------------------------------------------------------------------------


class _StopOrRestart:
    """watchfiles' stop_event: stop for good, or restart with a new list of folders."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


def is_editor_noise(path: Path) -> bool:
    """Swap, backup and temporary files that editors (and atomic writes) make beside a file."""
    name = path.name
    return (
        name.startswith((".", "#"))
        or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload"))
        or name == "4913"  # vim's test file
    )


class Watcher:
    """Watch the issue folder, the workspace's templates/ and copro-news.toml.

    Two watchers: the issue folder and templates/ recursively, and the workspace folder
    itself (not recursively) for the settings file and for templates/ coming or going. A
    file watched on its own is lost when an editor saves by renaming a new file over it.
    """

    def __init__(self, preview: Preview, settings_name: str = "copro-news.toml") -> None:
        self.preview = preview
        self.root = preview.root
        self.folder = preview.folder
        self.settings_name = settings_name
        self.stop = threading.Event()
        self._restart = threading.Event()
        self._threads: list[threading.Thread] = []
        self.polling = False
        self.ready = threading.Barrier(3)  # both watchers and the caller

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def _relevant(self, path: Path) -> bool:
        if is_editor_noise(path):
            return False
        try:
            inside = path.relative_to(self.folder).parts
        except ValueError:
            return True
        # The issue's build/ and send record are written by copro-news, not by the writer.
        return not inside or inside[0] not in ("build", "send.json")

    def _loop(
        self,
        paths: Callable[[], list[Path]],
        relevant: Callable[[Path], bool],
        *,
        recursive: bool,
        restart: threading.Event | None = None,
        on_change: Callable[[set[tuple[Any, str]]], None],
    ) -> None:
        """Watch ``paths()`` until stopped; start again when ``restart`` is set or on failure."""
        import watchfiles

        arrived = failed = False
        stop_event = _StopOrRestart(self.stop, *([restart] if restart else []))
        while not self.stop.is_set():
            if restart is not None:
                restart.clear()
            found = [p for p in paths() if p.exists()]
            if not found:
                failed = True
                self.stop.wait(0.5)
                continue
            if failed:  # back after the folder went away (a branch switch): catch up
                failed = False
                self.preview.request_rebuild()
            fresh = True
            try:
                for changes in watchfiles.watch(
                    *found,
                    watch_filter=lambda _c, p: relevant(Path(p)),
                    debounce=WATCH_DEBOUNCE_MS,
                    step=WATCH_STEP_MS,
                    stop_event=stop_event,
                    rust_timeout=100,
                    yield_on_timeout=True,
                    recursive=recursive,
                    force_polling=self.polling or None,
                    raise_interrupt=False,
                ):
                    if not arrived:
                        arrived = True
                        self._arrive()
                    elif fresh:
                        # Watching again (templates/ came or went): a save made while the
                        # watch was being set up would be missed, so build once more.
                        self.preview.request_rebuild()
                    fresh = False
                    if changes:
                        on_change(changes)
            except OSError:
                # Out of inotify watches, or the folder went away: poll instead, or wait.
                failed = True
                self.polling = self.polling or self.folder.is_dir()
                self.stop.wait(0.5)
            if not arrived:
                arrived = True
                self._arrive()

    def _watch_tree(self) -> None:
        self._loop(
            lambda: [p for p in (self.folder, self.templates) if p.is_dir()],
            self._relevant,
            recursive=True,
            restart=self._restart,
            on_change=lambda _changes: self.preview.request_rebuild(),
        )

    def _watch_root(self) -> None:
        def on_change(changes: set[tuple[Any, str]]) -> None:
            if any(Path(p).name == "templates" for _, p in changes):
                self._restart.set()  # templates/ came or went: watch the new set of folders
            self.preview.request_rebuild()

        self._loop(
            lambda: [self.root],
            lambda p: p.name in (self.settings_name, "templates"),
            recursive=False,
            on_change=on_change,
        )

    def _arrive(self) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            self.ready.wait(timeout=10)

    def start(self) -> None:
        for target, name in ((self._watch_tree, "watch-issue"), (self._watch_root, "watch-ws")):
            t = threading.Thread(target=target, name=f"copro-news-{name}", daemon=True)
            t.start()
            self._threads.append(t)
        builder = threading.Thread(
            target=self.preview.run_builder, args=(self.stop,), name="copro-news-build", daemon=True
        )
        builder.start()
        self._threads.append(builder)
        self._arrive()  # returns once both watchers are in place, so no early save is missed

    def close(self) -> None:
        self.stop.set()
        self.ready.abort()
        for t in self._threads:
            t.join(timeout=2)

    def watched(self) -> list[Path]:
        paths = [self.folder]
        if self.templates.is_dir():
            paths.append(self.templates)
        return [*paths, self.root / self.settings_name]


# --- HTTP ---------------------------------------------------------------------------------------


def _page_file(name: str) -> bytes:
    return (files("copro_news.preview") / "static" / name).read_bytes()


def safe_asset(folder: Path, url_path: str) -> Path | None:
    """The image file of the issue folder that ``url_path`` (after /issue/) names, or None.

    The path is decoded once; any '..', '.', empty or hidden part, a backslash, a NUL, the
    build/ folder, a file type that is not an image, or a path that leaves the folder
    (symbolic links included) gives None.
    """
    try:
        decoded = unquote(url_path, errors="strict") if url_path else ""
    except UnicodeDecodeError:
        return None
    if not decoded or "\\" in decoded or "\x00" in decoded:
        return None
    parts = decoded.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts) or parts[0] == "build":
        return None
    candidate = folder.joinpath(*parts)
    if candidate.suffix.lower() not in ASSET_TYPES:
        return None
    try:
        resolved = candidate.resolve(strict=True)
        resolved.relative_to(folder.resolve())
    except (OSError, ValueError, RuntimeError):
        return None
    return resolved if resolved.is_file() else None


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128  # a page opens several connections at once; none waits a second

    def __init__(self, address: tuple[str, int], preview: Preview) -> None:
        import socket

        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.preview = preview
        self.check_host = is_loopback(address[0])
        self.stopping = threading.Event()
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, PreviewHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection while fewer than MAX_CONNECTIONS are open; else a
        short 503 from this thread, and the connection is closed."""
        if not self.slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def _refuse(self, request: Any) -> None:
        body = b"Too many connections to the preview; try again in a moment.\n"
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 2\r\nConnection: close\r\n\r\n"
        )
        with contextlib.suppress(OSError):
            request.settimeout(0.5)
            request.sendall(head.encode("ascii") + body)
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A request that fails (a page closed mid-answer) costs that request only, quietly."""

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        if host in ("0.0.0.0", "::"):
            host = LOOPBACK
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}/"


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS  # an idle connection (kept alive, or silent) is closed after it
    server_version = "copro-news-preview"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # the terminal stays for builds
        pass

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def _route(self, head: bool) -> None:
        try:
            path = urlsplit(self.path).path
        except ValueError:
            return self._not_found(head)
        if self.server.check_host and not self._host_allowed():
            # A page on another site that points a DNS name at 127.0.0.1 cannot read the draft.
            return self._send(HTTPStatus.FORBIDDEN, b"Forbidden host.\n", "text/plain", head)
        preview = self.server.preview
        if path in PAGE_FILES:
            name, ctype = PAGE_FILES[path]
            return self._send(HTTPStatus.OK, _page_file(name), ctype, head, csp=PAGE_CSP)
        if path == "/build.json":
            body = json.dumps(preview.snapshot.to_json()).encode("utf-8")
            return self._send(HTTPStatus.OK, body, "application/json", head)
        if path == "/events":
            return self._events(head)
        if path in (EMAIL_PATH, TEXT_PATH):
            snap = preview.snapshot
            content = snap.html if path == EMAIL_PATH else snap.text
            if content is None:
                return self._send(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    b"The issue cannot be built now; the page lists the problems.\n",
                    "text/plain; charset=utf-8",
                    head,
                )
            ctype = "text/html" if path == EMAIL_PATH else "text/plain"
            return self._send(
                HTTPStatus.OK,
                content.encode("utf-8"),
                f"{ctype}; charset=utf-8",
                head,
                csp=EMAIL_CSP,
                extra={"X-Copro-News-Version": str(snap.version)},
            )
        if path.startswith("/issue/"):
            asset = safe_asset(preview.folder, path[len("/issue/") :])
            if asset is not None:
                ctype = ASSET_TYPES[asset.suffix.lower()]
                return self._send(HTTPStatus.OK, asset.read_bytes(), ctype, head, csp=EMAIL_CSP)
        return self._not_found(head)

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host", "")
        if host.startswith("["):
            name = host[1 : host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if ":" in host else host
        return is_loopback(name)

    def _not_found(self, head: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"Not found.\n", "text/plain; charset=utf-8", head)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        ctype: str,
        head: bool,
        *,
        csp: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            if csp:
                self.send_header("Content-Security-Policy", csp)
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _events(self, head: bool) -> None:
        """Server-sent events: the current snapshot at once, then each new one."""
        preview = self.server.preview
        self.close_connection = True
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if head:
                return
            snap = preview.snapshot
            self._event(snap, retry=True)
            while not preview.closed and not self.server.stopping.is_set():
                newer = preview.wait_newer(snap.version, HEARTBEAT_SECONDS)
                if newer is None:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    continue
                snap = newer
                self._event(snap)
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            return

    def _event(self, snap: Snapshot, retry: bool = False) -> None:
        data = json.dumps(snap.to_json(), separators=(",", ":"))
        head = "retry: 1000\n" if retry else ""
        self.wfile.write(f"{head}id: {snap.version}\nevent: build\ndata: {data}\n\n".encode())
        self.wfile.flush()


# --- running it -----------------------------------------------------------------------------------


class Running:
    """A started preview: the server, the watcher and the builder, until ``close``."""

    def __init__(self, preview: Preview, server: PreviewServer, watcher: Watcher | None) -> None:
        self.preview = preview
        self.server = server
        self.watcher = watcher
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="copro-news-serve",
            daemon=True,
        )
        self._closed = False

    @property
    def url(self) -> str:
        return self.server.url

    def start(self) -> Running:
        self._thread.start()
        return self

    def wait(self) -> None:
        """Block until interrupted (Ctrl-C raises KeyboardInterrupt here)."""
        while self._thread.is_alive():
            self._thread.join(0.5)

    def close(self) -> None:
        """Stop watching, building and serving; close every open page's event stream."""
        if self._closed:
            return
        self._closed = True
        self.server.stopping.set()
        if self.watcher is not None:
            self.watcher.close()
        self.preview.close()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=2)

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start(
    root: Path,
    folder: Path,
    *,
    host: str = LOOPBACK,
    port: int = 0,
    watch: bool = True,
    on_build: Callable[[Snapshot], None] | None = None,
) -> Running:
    """Build the issue once, then serve it on ``host``:``port`` (0: a free port) and watch it.

    Raises UsageError when the address cannot be used (port taken, unknown host).
    """
    import errno

    from copro_news.errors import UsageError

    preview = Preview(root, folder, on_build=on_build)
    try:
        server = PreviewServer((host, port), preview)
    except OSError as e:
        preview.close()
        if e.errno == errno.EADDRINUSE:
            raise UsageError(
                f"Port {port} on {host} is in use by another program.",
                "Leave out --port to use a free port, or give another one.",
            ) from None
        raise UsageError(
            f"Cannot serve on {host}:{port}: {e.strerror or e}.",
            "Leave out --host to serve on 127.0.0.1.",
        ) from None
    watcher = Watcher(preview) if watch else None
    if watcher is not None:
        watcher.start()
    return Running(preview, server, watcher).start()


def can_open_browser() -> bool:
    """Whether a graphical browser can be opened from here.

    Without a display (over SSH, in a container) Python would start a text browser in
    this very terminal; then the address is printed for the user to open elsewhere.
    """
    import os
    import sys

    if os.environ.get("BROWSER"):
        return True
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_browser(url: str) -> bool:
    """Open ``url`` in the default browser without waiting for it; False if there is none."""
    import webbrowser

    if not can_open_browser():
        return False
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    return True


def describe(paths: Iterable[Path], rel: Callable[[Path], str]) -> str:
    names = [rel(p) + ("/" if p.is_dir() else "") for p in paths]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
