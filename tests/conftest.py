"""Shared fixtures: every test runs isolated, with a canary API key that must never leak."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "tests" / "specs"
CANARY_KEY = "c4nary0000secret0000key0000abcd-us6"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """HOME and XDG folders in a temporary folder, no provider keys, NO_COLOR, fixed width."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    for var in (
        "MAILCHIMP_API_KEY",
        "BUTTONDOWN_API_KEY",
        "COPRO_NEWS_WORKSPACE",
        "EDITOR",
        "VISUAL",
        "FORCE_COLOR",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from copro_news import console

    console.set_no_color(False)
    yield home


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk only to 127.0.0.1: any other host name does not resolve."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in (None, "localhost", "::1") and not str(name).startswith("127."):
            raise socket.gaierror(socket.EAI_NONAME, f"tests reach only 127.0.0.1, not {name}")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def build_file_tree(root: Path, tree: dict[str, object]) -> None:
    """Write {name: text | bytes | dict} under root."""
    for name, content in tree.items():
        path = root / name
        if isinstance(content, dict):
            path.mkdir(parents=True, exist_ok=True)
            build_file_tree(path, content)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(str(content), encoding="utf-8")


SETTINGS = """\
name = "Co-Production Collective"
timezone = "Europe/London"
locale = "en_GB"

[sender]
name = "Co-Production Collective"
email = "news@example.org"
reply_to = "hello@example.org"
postal_address = "1 Example Street, London, N1 1AA"

[links]
website = "https://example.org"
signup = "https://example.org/newsletter"

[provider]
name = "outbox"
"""


def settings_with_links(website: str, signup: str) -> str:
    """The test settings with the footer's links pointing elsewhere (a local server)."""
    return SETTINGS.replace('website = "https://example.org"', f'website = "{website}"').replace(
        'signup = "https://example.org/newsletter"', f'signup = "{signup}"'
    )


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


FIXTURES = Path(__file__).parent / "fixtures"
#: The fixture issues of tests/fixtures, and the month each one is an issue of.
FIXTURE_MONTHS = {"march-2022": "2022-03"}


def make_workspace(
    root: Path,
    *,
    provider: str = "outbox",
    list_id: str = "",
    api_url: str = "",
    settings: str | None = None,
    issues: dict[str, dict[str, object]] | None = None,
    fixture: str | None = None,
) -> Path:
    """The one workspace builder of the tests: ``root`` with copro-news.toml and drafts/.

    ``settings`` is the whole settings text; by default the test SETTINGS, sending through
    ``provider`` to ``list_id`` (at ``api_url``). ``issues`` are written under drafts/
    (``{"2026-12": {"issue.md": ..., "events": {"a.md": ...}}}``); ``fixture`` copies a
    folder of tests/fixtures in as the issue of its month (march-2022 is drafts/2022-03).
    Returns ``root``.
    """
    import shutil

    if settings is None:
        settings = SETTINGS.replace('name = "outbox"\n', f'name = "{provider}"\n')
        if list_id or api_url:
            settings += f'list = "{list_id}"\napi_url = "{api_url}"\n'
    build_file_tree(root, {"copro-news.toml": settings, "drafts": issues or {}})
    if fixture is not None:
        shutil.copytree(FIXTURES / fixture, root / "drafts" / FIXTURE_MONTHS[fixture])
    return root


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """An empty workspace (settings and drafts/) in a temporary folder."""
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """Run the real command line in-process, through main()'s error boundary."""
    from copro_news import console
    from copro_news.cli import main

    def run(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        console.set_no_color(False)
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def run_cli(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 60,
) -> Result:
    """Run ``python -m copro_news`` in a subprocess: the real process, exit code and streams."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "copro_news", *args],
        cwd=cwd,
        env=full_env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@dataclass
class TerminalRun:
    exit_code: int
    shown: str  # everything the terminal showed (stderr, and stdout unless piped)
    stdout: str = ""  # stdout when it was a pipe


def on_terminal(
    args: list[str],
    cwd: Path,
    *,
    answers: list[str] | tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    stdout_to_pipe: bool = False,
    timeout: float = 30,
) -> TerminalRun:
    """The one pseudo-terminal runner: ``python -m copro_news ARGS`` with a terminal on
    stdin and stderr (and stdout, unless ``stdout_to_pipe``), answering each prompt in turn.

    A prompt is output that ends with ':'. ``env`` replaces the environment (default: this
    one). The terminal is the process's controlling terminal, as a person's would be.
    """
    import fcntl
    import pty
    import select
    import termios
    import time

    master, slave = pty.openpty()

    def take_the_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [sys.executable, "-m", "copro_news", *args],
        cwd=cwd,
        env=dict(os.environ) if env is None else env,
        stdin=slave,
        stdout=subprocess.PIPE if stdout_to_pipe else slave,
        stderr=slave,
        preexec_fn=take_the_terminal,
    )
    os.close(slave)
    pending = iter(answers)
    shown = out = b""
    streams = [master] + ([proc.stdout.fileno()] if proc.stdout else [])
    deadline = time.monotonic() + timeout
    try:
        while streams and time.monotonic() < deadline:
            ready, _, _ = select.select(streams, [], [], 0.1)
            if not ready and proc.poll() is not None and master not in streams:
                break
            for fd in ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the terminal's other side is closed: the process ended
                    chunk = b""
                if not chunk:
                    streams.remove(fd)
                elif fd != master:
                    out += chunk
                else:
                    shown += chunk
                    if chunk.rstrip().endswith(b":"):
                        answer = next(pending, None)
                        if answer is not None:
                            os.write(master, answer.encode() + b"\n")
        code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
        os.close(master)
    return TerminalRun(code, shown.decode(errors="replace"), out.decode(errors="replace"))


def memory_keyring_backend():  # type: ignore[no-untyped-def]
    """A keyring backend that keeps passwords in a dict, never in the system's keyring."""
    import keyring.backend
    import keyring.errors

    class MemoryKeyring(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if (service, username) not in self.store:
                raise keyring.errors.PasswordDeleteError("not found")
            del self.store[(service, username)]

    return MemoryKeyring()


@pytest.fixture(autouse=True)
def memory_keyring():
    """An in-memory keyring for the whole test; the system keyring is never touched."""
    import keyring

    previous = keyring.get_keyring()
    backend = memory_keyring_backend()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def mailchimp():
    """A running stand-in Mailchimp; the test fails if any request broke the API contract."""
    from tests.fake_mailchimp import FakeMailchimp
    from tests.standin import serving

    fake = FakeMailchimp(key=CANARY_KEY)
    fake.add_list("a1b2c3d4e5", "Team update", 312)
    with serving(fake):
        yield fake


@pytest.fixture
def buttondown():
    """A running stand-in Buttondown; the test fails if any request broke the API contract."""
    from tests.fake_buttondown import FakeButtondown
    from tests.standin import serving

    with serving(FakeButtondown(key=CANARY_KEY)) as fake:
        yield fake


@pytest.fixture
def outbox_ws(tmp_path: Path) -> Path:
    """The send tests' workspace (tests/send_helpers.py), sending to the outbox."""
    from tests.send_helpers import SEND_ISSUE

    return make_workspace(tmp_path / "ws", issues=SEND_ISSUE)


@pytest.fixture
def mc_ws(tmp_path: Path, mailchimp, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The send tests' workspace, sending through the stand-in Mailchimp, its key set."""
    from tests.send_helpers import send_workspace

    monkeypatch.setenv("MAILCHIMP_API_KEY", CANARY_KEY)
    return send_workspace(tmp_path / "ws", mailchimp)


@pytest.fixture
def bd_ws(tmp_path: Path, buttondown, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The send tests' workspace, sending through the stand-in Buttondown, its key set."""
    from tests.send_helpers import send_workspace

    monkeypatch.setenv("BUTTONDOWN_API_KEY", CANARY_KEY)
    return send_workspace(tmp_path / "ws", buttondown)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI (``CI`` set, as .ci/run sets it) a skipped test fails: every tool the tests
    need (Chromium, SpamAssassin, axe-core, pre-commit) is installed by `make test`, so a
    skip there would be a check that silently did not run."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be: {reason}"
