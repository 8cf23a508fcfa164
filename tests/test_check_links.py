"""The link rules against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from copro_news.checks import links
from tests.checkutil import event, problems, story, write_issue
from tests.conftest import make_workspace, settings_with_links
from tests.linkserver import LinkServer, self_signed


def settings(base: str) -> str:
    return settings_with_links(f"{base}/ok", f"{base}/page/signup")


@pytest.fixture
def server():
    with LinkServer(slow=2.0) as s:
        yield s


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(links, "TIMEOUT", 0.5)


def link_workspace(root, base: str, files: dict[str, object]) -> None:
    make_workspace(root, settings=settings(base))
    write_issue(root, files)


def online(root):
    return problems(root, offline=False)


def by_url(found):
    return {p.message.split()[2]: p for p in found}


def test_each_kind_of_answer(tmp_path, server):
    u = server.url
    body = "\n\n".join(
        [
            f"See [the report]({u('/ok')}) and [the old one]({u('/moved')}).",
            f"[The missing page]({u('/missing')}) and [the gone page]({u('/gone')}).",
            f"[A failing page]({u('/error')}), [a busy page]({u('/busy')}).",
            f"[A slow page]({u('/slow')}), [a GET-only page]({u('/no-head')}).",
            f"[Members]({u('/private')}).",
        ]
    )
    files = {
        "stories/s.md": story("Links", body),
        "events/conf.md": event(
            "Conference", "2026-12-08 10:00", link=u("/sales-ended"), link_text="Get tickets"
        ),
    }
    link_workspace(tmp_path / "ws", server.base, files)
    started = time.monotonic()
    found = online(tmp_path / "ws")
    elapsed = time.monotonic() - started
    got = {(p.code, p.message.split()[2]) for p in found}
    assert got == {
        ("link-broken", u("/missing")),
        ("link-broken", u("/gone")),
        ("link-broken", u("/error")),
        ("link-broken", u("/slow")),
        ("link-unverified", u("/busy")),
        ("link-unverified", u("/private")),
        ("link-closed", u("/sales-ended")),
    }
    msgs = by_url(found)
    assert "404 Not Found" in msgs[u("/missing")].message
    assert "410 Gone" in msgs[u("/gone")].message
    assert "no answer in time (tried twice)" in msgs[u("/slow")].message
    assert "'sales ended'" in msgs[u("/sales-ended")].message
    assert (msgs[u("/missing")].file, msgs[u("/missing")].line) == (
        "drafts/2026-12/stories/s.md",
        6,
    )
    assert (msgs[u("/sales-ended")].file, msgs[u("/sales-ended")].line) == (
        "drafts/2026-12/events/conf.md",
        4,
    )
    # redirects followed; HEAD first, GET where HEAD is refused
    assert server.hits[("HEAD", "/ok-after-move")] >= 1
    assert server.hits[("HEAD", "/no-head")] == 1 and server.hits[("GET", "/no-head")] == 1
    assert server.hits[("GET", "/ok")] == 0
    # the slow page is tried twice, concurrently with the rest
    assert server.hits[("HEAD", "/slow")] == 2
    assert elapsed < 1.9 + 1.0


def test_no_such_host_and_tls_failure(tmp_path, server):
    https = server.url("/ok").replace("http://", "https://")
    body = f"[Our partner](https://no-such-host.invalid/page) and [secure]({https})."
    link_workspace(tmp_path / "ws", server.base, {"stories/s.md": story("Links", body)})
    found = online(tmp_path / "ws")
    msgs = {p.message.split()[2]: p.message for p in found if p.code == "link-broken"}
    assert "no such host" in msgs["https://no-such-host.invalid/page"]
    assert "secure connection failed" in msgs[https]


def test_images_broken_and_heavy(tmp_path, server):
    u = server.url
    body = f"![Team]({u('/small.jpg')})\n\n![Crowd]({u('/heavy.jpg')})\n\n![Gone]({u('/gone')})"
    link_workspace(tmp_path / "ws", server.base, {"stories/s.md": story("Photos", body)})
    found = online(tmp_path / "ws")
    got = {(p.code, p.message.split()[2]) for p in found}
    assert got == {("image-heavy", u("/heavy.jpg")), ("image-broken", u("/gone"))}


def test_no_network_is_one_warning(tmp_path):
    root = make_workspace(tmp_path / "ws", settings=settings("https://example.invalid"))
    links_md = "\n\n".join(f"[Page {i}](https://site{i}.invalid/p)" for i in range(20))
    write_issue(root, {"stories/s.md": story("Links", links_md)})
    found = online(root)
    assert [p.code for p in found] == ["network-unavailable"]
    assert "network seems to be down" in found[0].message


def test_cache_keeps_good_answers_for_a_day(tmp_path, server):
    u = server.url
    body = f"[Report]({u('/ok')}) and [missing]({u('/missing')})."
    root = tmp_path / "ws"
    link_workspace(root, server.base, {"stories/s.md": story("Links", body)})
    first = online(root)
    assert [p.code for p in first] == ["link-broken"]
    cache = root / "drafts" / "2026-12" / "build" / "links.json"
    assert cache.is_file()
    assert (cache.parent / ".copro-news").is_file()
    heads = server.hits[("HEAD", "/ok")]
    second = online(root)
    assert [p.code for p in second] == ["link-broken"]
    assert server.hits[("HEAD", "/ok")] == heads  # from the cache
    assert server.hits[("HEAD", "/missing")] == 2 * 1 or server.hits[("GET", "/missing")] >= 2
    data = json.loads(cache.read_text())
    for entry in data.values():
        entry["checked"] -= 25 * 3600
    cache.write_text(json.dumps(data))
    online(root)
    assert server.hits[("HEAD", "/ok")] > heads  # a day old: checked again


def test_cache_leaves_a_foreign_build_folder_alone(tmp_path, server):
    root = tmp_path / "ws"
    link_workspace(root, server.base, {"stories/s.md": story("Links", f"[R]({server.url('/ok')})")})
    foreign = root / "drafts" / "2026-12" / "build"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert online(root) == []
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_link_insecure_when_https_works(tmp_path, monkeypatch):
    import ssl

    cert, key = self_signed(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    with LinkServer(tls=tls) as server:
        insecure = server.url("/page/insecure")
        link_workspace(
            tmp_path / "ws",
            server.base,
            {"stories/s.md": story("Links", f"[Our page]({insecure})")},
        )
        found = online(tmp_path / "ws")
    insecure_found = {p.message.split()[2]: p for p in found if p.code == "link-insecure"}
    assert set(insecure_found) == {insecure, server.url("/ok"), server.url("/page/signup")}
    assert insecure_found[insecure].file == "drafts/2026-12/stories/s.md"
    website = insecure_found[server.url("/ok")]
    assert (website.file, website.line) == (
        "copro-news.toml",
        12,
    )  # the website line of the settings


def test_links_are_checked_concurrently(tmp_path):
    with LinkServer(delay=0.1) as server:
        body = "\n\n".join(f"[Page {i}]({server.url(f'/page/{i}')})" for i in range(40))
        link_workspace(tmp_path / "ws", server.base, {"stories/s.md": story("Links", body)})
        started = time.monotonic()
        assert online(tmp_path / "ws") == []
        assert time.monotonic() - started < 2.0  # 42 links one after the other take 4.2 s


def test_progress_is_reported(tmp_path, server):
    from copro_news.checks import check_issue
    from copro_news.content import load_issue
    from copro_news.render import build_issue
    from copro_news.workspace import load_workspace

    body = " ".join(f"[P{i}]({server.url(f'/page/{i}')})" for i in range(5))
    link_workspace(tmp_path / "ws", server.base, {"stories/s.md": story("Links", body)})
    ws = load_workspace(explicit=tmp_path / "ws")
    issue = load_issue(ws, ws.resolve_issue(None))
    seen: list[tuple[int, int]] = []
    check_issue(ws, issue, build_issue(ws, issue), progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 7) and seen[-1] == (7, 7)


def test_offline_skips_the_network_rules(tmp_path, server):
    link_workspace(
        tmp_path / "ws", server.base, {"stories/s.md": story("L", f"[X]({server.url('/gone')})")}
    )
    assert problems(tmp_path / "ws", offline=True) == []
    assert sum(server.hits.values()) == 0


def test_malformed_addresses_are_broken_not_a_crash(tmp_path, server):
    from copro_news.checks.links import Checker, Target

    c = Checker(timeout=0.5)
    for url in ("http://[::1/x", "http://127.0.0.1:99999/x", "http://exa mple.org/"):
        r = c.check(Target(url, image=False, signup=False))
        assert r.broken, url
    c.close()


def test_progress_bar_on_a_terminal(tmp_path):
    """On a terminal, stderr shows a progress bar while links are checked; stdout the result."""
    import os

    from tests.conftest import on_terminal

    with LinkServer(delay=0.3) as server:
        body = "\n\n".join(f"[Page {i}]({server.url(f'/page/{i}')})" for i in range(12))
        link_workspace(tmp_path / "ws", server.base, {"stories/s.md": story("Links", body)})
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
        env.pop("NO_COLOR", None)
        run = on_terminal(
            ["check", "--at", "2026-12-01 09:00"], tmp_path / "ws", env=env, stdout_to_pipe=True
        )
    assert run.exit_code == 0, (run.stdout, run.shown)
    assert "Checking links" in run.shown
    assert "no problems found" in run.stdout


def test_ctrl_c_stops_the_link_check_at_once(tmp_path):
    import signal
    import subprocess
    import sys

    with LinkServer(delay=3.0) as server:
        body = "\n\n".join(f"[Page {i}]({server.url(f'/page/{i}')})" for i in range(5))
        link_workspace(tmp_path / "ws", server.base, {"stories/s.md": story("Links", body)})
        proc = subprocess.Popen(
            [sys.executable, "-m", "copro_news", "check"],
            cwd=tmp_path / "ws",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 10
        while sum(server.hits.values()) == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        stopped = time.monotonic()
        out, err = proc.communicate(timeout=10)
        assert time.monotonic() - stopped < 1.5
    assert proc.returncode == 130, err
    assert "Stopped." in err and "Traceback" not in err
    assert out == ""


def test_fresh_ignores_the_cache(cli, tmp_path, server):
    root = tmp_path / "ws"
    body = f"[Report]({server.url('/ok')}) and [old page]({server.url('/missing')})."
    link_workspace(root, server.base, {"stories/s.md": story("Links", body)})
    at = ("--at", "2026-12-01 09:00")
    broken = f"link-broken The link {server.url('/missing')} is broken: "

    def broken_links(r):
        return [line.split(": ", 1)[1] for line in r.stdout.splitlines() if "link-broken" in line]

    r = cli("check", *at, cwd=root)
    assert r.exit_code == 1
    assert [line.startswith(broken) for line in broken_links(r)] == [True]  # /missing alone
    cache = root / "drafts" / "2026-12" / "build" / "links.json"
    data = json.loads(cache.read_text())
    # as if /missing had answered well an hour ago, and gone since
    ok_key, missing_key = server.url("/ok"), server.url("/missing")
    assert ok_key in data and missing_key not in data
    data[missing_key] = {**data[ok_key], "url": missing_key}
    cache.write_text(json.dumps(data))
    heads = server.hits[("HEAD", "/ok")]
    assert cli("check", *at, cwd=root).exit_code == 0  # the cache still says it is fine
    assert server.hits[("HEAD", "/ok")] == heads
    r = cli("check", *at, "--fresh", cwd=root)
    assert r.exit_code == 1
    assert "link-broken" in r.stdout
    assert [line.startswith(broken) for line in broken_links(r)] == [True]
    assert server.hits[("HEAD", "/ok")] == heads + 1
    data = json.loads(cache.read_text())
    assert ok_key in data and missing_key not in data  # the stale answer is gone
    r = cli("check", *at, cwd=root)
    assert r.exit_code == 1
    assert [line.startswith(broken) for line in broken_links(r)] == [True]


def test_fresh_is_in_the_help(cli, tmp_path):
    r = cli("check", "--help", cwd=tmp_path)
    assert "--fresh" in r.stdout


def test_a_bad_host_among_cached_good_links_is_still_broken(tmp_path, server):
    body = f"[Report]({server.url('/ok')}) and [typo](https://exmaple-typo.invalid/survey)."
    root = tmp_path / "ws"
    link_workspace(root, server.base, {"stories/s.md": story("Links", body)})
    first = online(root)
    second = online(root)  # /ok and the footer links now come from the cache
    for found in (first, second):
        codes = {(p.code, p.message.split()[2]) for p in found}
        assert ("link-broken", "https://exmaple-typo.invalid/survey") in codes
        assert "network-unavailable" not in {p.code for p in found}
