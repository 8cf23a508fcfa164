"""What the stand-in providers share: a real HTTP server on 127.0.0.1 that records each
request, checks it against the provider's API description, answers from an account in
memory, and fails calls on demand.

A stand-in (tests/fake_mailchimp.py, tests/fake_buttondown.py) keeps only what its API
is: the base path, how a request shows its key, how a request is checked against the
description, the words of its error answers, and what each operation does
(:meth:`StandIn.respond`). A request the real API would not take is answered as the API
answers it and recorded in ``violations``; the test fixture (:func:`serving`) fails the
test when any were recorded.

Faults are injected per call with :meth:`StandIn.fault`::

    fake.fault("POST", "/campaigns/*/actions/send", kind="drop-after")

:meth:`StandIn.hold` holds the first calls of several clients until all have come, then
lets them go at the same instant (each after a delay of its own)::

    fake.hold("GET", "/campaigns", parties=2, delays=(0.0, 1.0))
"""

from __future__ import annotations

import contextlib
import email.utils
import fnmatch
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message as Headers
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self, TypeVar
from urllib.parse import parse_qsl, urlsplit

#: (path regex, path template, number of path parameters, path item) of one spec path.
PathEntry = tuple[re.Pattern[str], str, int, dict[str, Any]]
#: An answer: (status, the JSON document; None for no body).
Answer = tuple[int, Any]


def path_table(paths: Iterable[tuple[str, Any]]) -> list[PathEntry]:
    """The paths of an API description, (template, path item) each, as regexes: literal
    paths before templated ones, else in their order."""
    entries = []
    for template, item in paths:
        rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        entries.append((re.compile(rx), template, template.count("{"), item))
    entries.sort(key=lambda e: e[2])  # literal paths win over templated ones
    return entries


def operation_in(
    table: list[PathEntry], method: str, path: str
) -> tuple[str, dict[str, Any]] | None:
    """(path template, operation) of ``method path`` in ``table``, or None."""
    for rx, template, _n, item in table:
        if rx.match(path):
            op = item.get(method.lower())
            return (template, op) if isinstance(op, dict) else None
    return None


def valid_date_time(value: object) -> bool:
    """The ``date-time`` format: an ISO 8601 date and time with its offset (a value that is
    not text is for the schema's ``type`` to judge)."""
    if not isinstance(value, str):
        return True
    if "T" not in value:
        return False
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return when.tzinfo is not None


@dataclass
class Fault:
    """One injected failure: which calls it hits and what happens to them.

    kind: ``error`` (answer ``status`` with an error body, work not done),
    ``retry-after`` (429 with a Retry-After header), ``drop-before`` (close the
    connection without doing the work), ``drop-after`` (do the work, then close the
    connection without answering), ``slow`` (do the work, then wait ``delay`` seconds
    before answering), ``slow-before`` (wait ``delay`` seconds, then do the work and
    answer: a request still on its way when the client gives up). A stand-in may know more
    (:meth:`StandIn.fault_answer`).
    """

    method: str
    pattern: str
    kind: str
    nth: int = 1
    times: int = 1
    status: int = 500
    retry_after: str = "1"
    delay: float = 0.0
    title: str = "Internal Server Error"
    detail: str = "An unexpected internal error has occurred."
    seen: int = 0
    fired: int = 0

    def hits(self, method: str, path: str) -> bool:
        if method != self.method or not fnmatch.fnmatchcase(path, self.pattern):
            return False
        self.seen += 1
        if self.seen >= self.nth and self.fired < self.times:
            self.fired += 1
            return True
        return False


@dataclass
class Call:
    """One request as the stand-in received it (``headers`` with lower-case names)."""

    method: str
    path: str
    query: list[tuple[str, str]]
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None  # -1: the connection was closed without an answer
    replayed: bool = False  # answered with the answer kept for its idempotency key


@dataclass
class Hold:
    """The first ``parties`` calls that match wait for each other, then go at the same
    instant; the i-th to have come waits ``delays[i]`` seconds more."""

    method: str
    pattern: str
    parties: int
    delays: tuple[float, ...]
    barrier: threading.Barrier
    arrived: int = 0

    def take(self, method: str, path: str) -> int | None:
        """This call's place among the held ones, or None when it is not held."""
        if method != self.method or not fnmatch.fnmatchcase(path, self.pattern):
            return None
        if self.arrived >= self.parties:
            return None
        self.arrived += 1
        return self.arrived - 1


class StandIn:
    """The server, the calls it received, and the faults and holds it was given."""

    #: The provider it stands in for, as ``[provider] name`` says it.
    provider = ""
    #: Where the API's paths begin: "/3.0" in http://127.0.0.1:PORT/3.0/campaigns.
    base_path = ""
    #: The Date of each answer is the stand-in's clock, not the real time.
    dated_by_clock = False

    def __init__(self, key: str) -> None:
        self.key = key
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.holds: list[Hold] = []
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.lock = threading.RLock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    # -- life cycle ---------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{self.base_path}"

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests use -----------------------------------------------------------------
    def hold(
        self, method: str, pattern: str, *, parties: int = 2, delays: tuple[float, ...] = ()
    ) -> Hold:
        """Hold the first ``parties`` matching calls until all have come, then release them
        at once; the i-th to have come goes ``delays[i]`` seconds later."""
        h = Hold(
            method.upper(),
            pattern,
            parties,
            tuple(delays) + (0.0,) * (parties - len(delays)),
            threading.Barrier(parties),
        )
        with self.lock:
            self.holds.append(h)
        return h

    def fault(self, method: str, pattern: str, kind: str = "error", **kw: Any) -> Fault:
        f = Fault(method.upper(), pattern, kind, **kw)
        with self.lock:
            self.faults.append(f)
        return f

    def count(self, method: str, pattern: str = "*") -> int:
        with self.lock:
            return sum(
                1 for c in self.calls if c.method == method and fnmatch.fnmatchcase(c.path, pattern)
            )

    # -- what each API does its own way ---------------------------------------------------
    def api_path(self, url_path: str) -> str | None:
        """The operation's path in ``url_path`` (None: not under the base path)."""
        if url_path != self.base_path and not url_path.startswith(self.base_path + "/"):
            return None
        return url_path[len(self.base_path) :] or "/"

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        """The API description's operation of ``method path``; None when there is none."""
        raise NotImplementedError

    def needs_key(self, op: dict[str, Any] | None) -> bool:
        """Whether a request for ``op`` (None: no such operation) must carry the key."""
        return True

    def authorised(self, headers: Headers) -> bool:
        """Whether the request carries the account's key as the API takes it."""
        raise NotImplementedError

    def request_problems(
        self, op: dict[str, Any], call: Call, raw: bytes, headers: Headers
    ) -> tuple[list[str], Any]:
        """What in the request the real API would not take, and the body as it reads it."""
        raise NotImplementedError

    def respond(self, call: Call, op: dict[str, Any]) -> Answer:
        """Do the work of a request the API takes (under the lock) and answer it."""
        raise NotImplementedError

    def error_answer(self, status: int, title: str, detail: str) -> Answer:
        """An error answer in the API's own words."""
        raise NotImplementedError

    def unauthorised(self) -> Answer:
        """The answer to a request without the right key."""
        raise NotImplementedError

    def invalid(self, problems: list[str]) -> Answer:
        """The answer to a request the real API would not take."""
        raise NotImplementedError

    def throttled(self) -> Answer:
        """The answer to a request over the rate limit."""
        raise NotImplementedError

    def answer_headers(self, status: int, doc: Any) -> dict[str, str]:
        """The headers of an answer (without Content-Length)."""
        return {"Content-Type": "application/json"} if doc is not None else {}

    def fault_answer(self, fault: Fault, headers: Headers) -> tuple[Answer, dict[str, str]] | None:
        """The answer (and its extra headers) that ``fault`` gives instead of doing the
        work; None when the work is done."""
        if fault.kind == "error":
            return self.error_answer(fault.status, fault.title, fault.detail), {}
        if fault.kind == "retry-after":
            return self.throttled(), {"Retry-After": fault.retry_after}
        return None


S = TypeVar("S", bound=StandIn)


@contextlib.contextmanager
def serving(fake: S) -> Iterator[S]:
    """``fake`` running; the test fails if any request broke the API contract."""
    with fake:
        yield fake
    assert fake.violations == [], "requests the real API would refuse:\n" + "\n".join(
        fake.violations
    )


def _handler_for(fake: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go in separate writes: without this, delayed ACKs cost 40 ms a call.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:
            if not fake.dated_by_clock:
                return super().date_time_string(timestamp)
            return email.utils.format_datetime(fake.clock().astimezone(UTC), usegmt=True)

        def _answer(self, status: int, doc: Any, headers: dict[str, str] | None = None) -> None:
            payload = b"" if doc is None else json.dumps(doc).encode()
            self.send_response(status)
            for k, v in {**fake.answer_headers(status, doc), **(headers or {})}.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _give(self, call: Call, answer: Answer, headers: dict[str, str] | None = None) -> None:
            call.status = answer[0]
            self._answer(*answer, headers=headers)

        def _drop(self, call: Call) -> None:
            call.status = -1
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def _serve(self) -> None:
            method = self.command
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            path = fake.api_path(split.path)
            if path is None:
                self._answer(*fake.error_answer(404, "Resource Not Found", "Unknown base path."))
                return
            query = parse_qsl(split.query, keep_blank_values=True)
            headers = {k.lower(): v for k, v in self.headers.items()}
            call = Call(method, path, query, None, headers)
            with fake.lock:
                fake.calls.append(call)

            op = fake.operation(method, path)
            if fake.needs_key(op) and not fake.authorised(self.headers):
                self._give(call, fake.unauthorised())
                return
            if op is None:
                problems = [f"{method} {path}: no such operation in the spec"]
            else:
                problems, call.body = fake.request_problems(op, call, raw, self.headers)
            if problems or op is None:
                with fake.lock:
                    fake.violations.extend(f"{method} {path}: {p}" for p in problems)
                self._give(call, fake.invalid(problems))
                return

            with fake.lock:
                held = [(h, i) for h in fake.holds if (i := h.take(method, path)) is not None]
            for h, i in held:
                with contextlib.suppress(threading.BrokenBarrierError):
                    h.barrier.wait(timeout=60)
                time.sleep(h.delays[i])

            with fake.lock:
                hits = [f for f in fake.faults if f.hits(method, path)]  # each counts every call
                fault = hits[0] if hits else None
            if fault is not None:
                instead = fake.fault_answer(fault, self.headers)
                if instead is not None:
                    self._give(call, *instead)
                    return
                if fault.kind == "drop-before":
                    self._drop(call)
                    return
                if fault.kind == "slow-before":
                    time.sleep(fault.delay)

            with fake.lock:
                status, doc = fake.respond(call, op)
            call.status = status
            if fault is not None and fault.kind == "drop-after":
                self._drop(call)
                return
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            with contextlib.suppress(OSError):
                self._answer(status, doc)

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_PUT(self) -> None:
            self._serve()

        def do_PATCH(self) -> None:
            self._serve()

        def do_DELETE(self) -> None:
            self._serve()

    return Handler
