"""requests is imported only when used: a draft never pays for it, a link check gets it whole."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.checkutil import story, write_issue
from tests.conftest import make_workspace, run_cli
from tests.linkserver import LinkServer
from tests.test_check_links import settings


def python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_draft_does_not_import_requests(tmp_path):
    root = make_workspace(tmp_path / "ws")
    write_issue(root, {"stories/s.md": story("News", "We met.")})
    done = python(
        """
        import sys
        from copro_news.cli import main
        try:
            main(["draft"])
        except SystemExit as e:
            assert not e.code, e.code
        from copro_news.deferred import is_loaded
        print("requests loaded:", is_loaded("requests"), "urllib3" in sys.modules)
        print("urllib.request loaded:", is_loaded("urllib.request"), "ssl" in sys.modules)
        """,
        root,
    )
    assert done.returncode == 0, done.stderr
    assert "requests loaded: False False" in done.stdout
    assert "urllib.request loaded: False False" in done.stdout
    assert (root / "drafts" / "2026-12" / "build" / "issue.html").is_file()


def test_requests_works_whole_after_premailer_was_imported_without_it(tmp_path):
    done = python(
        """
        import sys
        from copro_news.deferred import imported_without, is_loaded
        with imported_without("requests"):
            import premailer.premailer as pm
        assert not is_loaded("requests") and "requests" not in sys.modules
        from requests.adapters import HTTPAdapter
        import requests
        import requests.exceptions
        assert requests.ConnectionError is requests.exceptions.ConnectionError
        assert isinstance(requests.Session().adapters["http://"], HTTPAdapter)
        # premailer's own binding hands every use on to the real module
        assert pm.requests.get is requests.get
        assert pm.requests.Session is requests.Session
        with imported_without("requests"):  # imported already: nothing changes
            assert sys.modules["requests"] is requests
        print("ok")
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_cssutils_fetcher_gets_the_real_urllib_after_premailer_was_imported_without_it(
    tmp_path,
):
    done = python(
        """
        import sys
        from copro_news.deferred import imported_without, is_loaded
        with imported_without("requests", "urllib.request", "importlib.metadata"):
            import premailer.premailer
        import cssutils._fetch as fetch
        assert not is_loaded("urllib.request") and "urllib.request" not in sys.modules
        # cssutils bound the package and reads .request on it: the stand-in, then the real
        assert fetch.urllib.request.Request.__module__ == "urllib.request"
        import urllib.request
        assert is_loaded("urllib.request")
        assert fetch.urllib.request is urllib.request
        assert fetch._get_version() not in ("", "unknown")
        import pathlib
        sheet = pathlib.Path("x.css").resolve()
        sheet.write_text("p { color: red }")
        assert b"color: red" in fetch._defaultFetcher(sheet.as_uri())[1]
        print("ok")
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_check_builds_then_fetches_links_in_one_process(tmp_path):
    """check inlines the CSS (deferring requests), then checks links with requests."""
    with LinkServer() as server:
        root = make_workspace(tmp_path / "ws", settings=settings(server.base))
        body = f"[Good]({server.url('/ok')}) and [gone]({server.url('/404')})"
        write_issue(root, {"stories/s.md": story("Links", body)})
        r = run_cli(["check", "--at", "2026-12-01 09:00", "--json"], root)
    assert r.exit_code == 1, r.stderr
    assert '"code": "link-broken"' in r.stdout
    assert server.url("/404") in r.stdout
    assert server.url("/ok") not in r.stdout
