"""The browser preview's server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from copro_news.preview import server
from tests.preview_support import (
    CUPPA,
    Events,
    edit,
    example_workspace,
    get,
    running_preview,
)


@pytest.fixture
def example(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "ws"
    return root, example_workspace(root)


@pytest.fixture
def live(example):
    root, folder = example
    with running_preview(root, folder) as running:
        yield running


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One preview for the tests that only read from it."""
    root = tmp_path_factory.mktemp("shared") / "ws"
    folder = example_workspace(root)
    with running_preview(root, folder, watch=False) as running:
        yield running


def built(root: Path, folder: Path):
    from copro_news.build import build_with_problems
    from copro_news.content import load_issue
    from copro_news.workspace import load_workspace

    ws = load_workspace(explicit=root)
    build, _ = build_with_problems(ws, load_issue(ws, folder))
    return build


def test_serves_the_page_and_exactly_what_draft_builds(example, live):
    root, folder = example
    assert live.url.startswith("http://127.0.0.1:")
    status, headers, body = get(live.url, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert b'id="problems-list"' in body
    for path in ("/_preview/preview.js", "/_preview/preview.css", "/_preview/favicon.svg"):
        assert get(live.url, path)[0] == 200

    build = built(root, folder)
    status, headers, body = get(live.url, "/issue/issue.html?v=1")
    assert status == 200
    assert body.decode("utf-8") == build.html
    assert "script-src 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    status, headers, body = get(live.url, "/issue/issue.txt")
    assert body.decode("utf-8") == build.text
    assert headers["content-type"] == "text/plain; charset=utf-8"

    status, _, body = get(live.url, "/build.json")
    import json

    snap = json.loads(body)
    assert snap["ok"] is True and snap["subject"] == build.subject
    assert snap["text"] == build.text and snap["errors"] == 0
    assert not (folder / "build").exists(), "the preview builds in memory only"


@pytest.mark.parametrize(
    "path",
    [
        "/issue/../copro-news.toml",
        "/issue/%2e%2e/copro-news.toml",
        "/issue/%2E%2E/%2E%2E/copro-news.toml",
        "/issue/..%2fcopro-news.toml",
        "/issue/..%5c..%5ccopro-news.toml",
        "/issue/%252e%252e/copro-news.toml",
        "/issue/issue.md",
        "/issue/events/co-pro-cuppa.md",
        "/issue/build/issue.html",
        "/issue/.secret.png",
        "/issue/",
        "/issue/%00.png",
        "/issue/%ff%fe.png",
        "/issue/photo.jpg%00.md",
        "/_preview/../copro-news.toml",
        "/_preview/",
        "/../copro-news.toml",
        "/copro-news.toml",
        "/drafts/",
        "//etc/passwd",
        "/etc/passwd",
    ],
)
def test_anything_else_is_404(shared, path):
    status, _, body = get(shared.url, path)
    assert status == 404, path
    assert b"toml" not in body and b"subject" not in body


def test_serves_images_of_the_issue_folder_only(example, live, tmp_path):
    root, folder = example
    (folder / "photo.jpg").write_bytes(b"\xff\xd8jpeg")
    (folder / "pics").mkdir()
    (folder / "pics" / "team day.png").write_bytes(b"\x89PNG")
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"\x89PNG secret")
    (folder / "link.png").symlink_to(outside)
    (root / "top.png").write_bytes(b"\x89PNG")

    status, headers, body = get(live.url, "/issue/photo.jpg")
    assert (status, headers["content-type"], body) == (200, "image/jpeg", b"\xff\xd8jpeg")
    assert get(live.url, "/issue/pics/team%20day.png")[0] == 200
    assert get(live.url, "/issue/link.png")[0] == 404
    assert get(live.url, "/issue/../top.png")[0] == 404
    assert get(live.url, "/issue/%2e%2e/top.png")[0] == 404


def test_refuses_requests_for_other_host_names(shared):
    # A page elsewhere that points its own name at 127.0.0.1 must not read the draft.
    assert get(shared.url, "/", {"Host": "evil.example:80"})[0] == 403
    assert get(shared.url, "/issue/issue.html", {"Host": "evil.example"})[0] == 403
    port = shared.url.rsplit(":", 1)[1].rstrip("/")
    assert get(shared.url, "/", {"Host": f"localhost:{port}"})[0] == 200


def test_a_save_is_pushed_a_broken_save_shows_errors_and_the_next_good_one_comes_back(
    example, live
):
    _root, folder = example
    events = Events(live.url)
    try:
        first = events.next()
        assert first["ok"] is True

        edit(folder / CUPPA, "Bring a cuppa.", "Bring a biscuit.")
        snap = events.until(lambda s: s["version"] > first["version"])
        assert snap["ok"] is True
        assert b"Bring a biscuit." in get(live.url, "/issue/issue.html")[2]
        assert "Bring a biscuit." in snap["text"]

        edit(folder / CUPPA, "start: ", "start: not a date ")
        broken = events.until(lambda s: not s["ok"])
        assert broken["text"] is None
        assert broken["errors"] == 1
        problem = broken["problems"][0]
        assert problem["file"] == f"drafts/{folder.name}/{CUPPA}"
        assert problem["line"] == 3 and problem["code"] == "field-invalid"
        status, _, _ = get(live.url, "/issue/issue.html")
        assert status == 503

        edit(folder / CUPPA, "start: not a date ", "start: ")
        back = events.until(lambda s: s["ok"])
        assert back["version"] > broken["version"]
        assert b"Bring a biscuit." in get(live.url, "/issue/issue.html")[2]
    finally:
        events.close()


def test_follows_templates_and_settings_and_survives_a_missing_issue_file(example, live):
    root, folder = example
    events = Events(live.url)
    try:
        start = events.next()
        # templates/ does not exist when the preview starts; a template saved there counts.
        (root / "templates" / "sections").mkdir(parents=True)
        (root / "templates" / "sections" / "stories.html").write_text(
            '<tr><td class="section"><h2>Our news</h2>\n{{ items[0].nope.deeper }}\n</td></tr>\n'
        )
        broken = events.until(lambda s: not s["ok"])
        assert broken["problems"], broken["message"]
        problem = broken["problems"][0]
        assert problem["code"] == "template-invalid"
        assert problem["file"] == "templates/sections/stories.html"
        assert problem["line"] == 2

        (root / "templates" / "sections" / "stories.html").write_text(
            '<tr><td class="section"><h2>Our news</h2></td></tr>\n'
        )
        events.until(lambda s: s["ok"])
        assert b"Our news" in get(live.url, "/issue/issue.html")[2]

        edit(root / "copro-news.toml", 'name = "Co-Production Collective"', 'name = "Coprod"')
        events.until(lambda s: b"Coprod" in get(live.url, "/issue/issue.html")[2])

        issue_md = folder / "issue.md"
        saved = issue_md.read_text()
        issue_md.unlink()
        gone = events.until(lambda s: not s["ok"])
        assert "issue.md" in gone["message"]
        issue_md.write_text(saved)
        back = events.until(lambda s: s["ok"])
        assert back["version"] > start["version"]
    finally:
        events.close()


def test_a_save_that_changes_nothing_is_not_pushed(example, live):
    _root, folder = example
    before = live.preview.snapshot.version
    path = folder / CUPPA
    path.write_text(path.read_text())
    snap = live.preview.rebuild()
    assert snap.version == before


def test_editor_noise_is_ignored():
    assert server.is_editor_noise(Path(".co-pro-cuppa.md.swp"))
    assert server.is_editor_noise(Path("co-pro-cuppa.md~"))
    assert server.is_editor_noise(Path("4913"))
    assert server.is_editor_noise(Path(".issue.html.abc.tmp"))
    assert not server.is_editor_noise(Path("co-pro-cuppa.md"))


def test_loopback_names():
    assert server.is_loopback("127.0.0.1") and server.is_loopback("::1")
    assert server.is_loopback("localhost") and server.is_loopback("[::1]")
    assert not server.is_loopback("0.0.0.0") and not server.is_loopback("192.168.1.4")


def test_a_port_in_use_is_a_usage_error(example, cli):
    root, folder = example
    with running_preview(root, folder, watch=False) as running:
        port = running.url.rsplit(":", 1)[1].rstrip("/")
        r = cli("preview", "--browser", "--no-open", "--port", port, cwd=root)
    assert r.exit_code == 2
    assert f"Error: Port {port} on 127.0.0.1 is in use by another program." in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--terminal", "--browser"], "--terminal and --browser cannot go together."),
        (["--text", "--browser"], "--text prints the plain-text part; it does not serve a page."),
        (["--terminal", "--port", "8000"], "--port, --host and --no-open are for the browser"),
        (["--host", ""], "--host needs an address."),
    ],
)
def test_options_that_do_not_go_together(example, cli, args, message):
    r = cli("preview", *args, cwd=example[0])
    assert r.exit_code == 2
    assert f"Error: {message}" in r.stderr


def test_runs_until_ctrl_c_warns_off_loopback_and_writes_no_build(example):
    root, folder = example
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "copro_news", "preview", "--host", "0.0.0.0", "--no-open"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Previewing {folder.name} at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].strip()
        status, _, _body = get(url, "/issue/issue.html", {"Host": "192.0.2.7"})
        assert status == 200, "off loopback, other host names are what was asked for"
        seen = ""
        while "Built in" not in seen:  # the first build reported: now it only waits
            more = proc.stderr.readline()
            assert more, seen
            seen += more
        proc.send_signal(signal.SIGINT)
        _out, rest = proc.communicate(timeout=15)
        err = seen + rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert "Warning: Serving on 0.0.0.0: anyone who can reach this computer" in err
    assert "Built in" in err
    assert err.rstrip().endswith("Stopped.")
    assert "Traceback" not in err
    assert not (folder / "build").exists()
