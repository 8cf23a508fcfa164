"""Workspace templates come from anyone who can open a pull request: they run in a sandbox
with limits, and every refusal is one template problem with file, line and plain words."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import CANARY_KEY, build_file_tree, run_cli
from tests.preview_support import example_workspace

HOUSE = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    example_workspace(root)
    return root


def with_line(root: Path, line: str, name: str = "email.html") -> None:
    """The house template ``name`` copied into the workspace with ``line`` as its line 3."""
    lines = (HOUSE / name).read_text(encoding="utf-8").split("\n")
    lines.insert(2, line)
    build_file_tree(root / "templates", {name: "\n".join(lines)})


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("Error:", "Hint:"))]


def test_a_template_cannot_run_a_command(ws, tmp_path):
    marker = tmp_path / "ran"
    with_line(ws, f'{{{{ lipsum.__globals__.os.popen("touch {marker}").read() }}}}')
    r = run_cli(["draft"], ws)
    assert r.exit_code == 1, r.output
    assert not marker.exists()
    assert error_lines(r.stderr) == [
        "Error: A template in templates/email.html, line 3, uses something templates may "
        "not: the hidden attribute '__globals__' (of a function).",
        "Hint: Templates show the issue's content and settings; they cannot run programs or "
        "reach into copro-news. Remove it from the template.",
    ]
    assert "Traceback" not in r.output
    assert not list((ws / "drafts").glob("*/build/issue.html"))


def test_a_template_cannot_put_the_api_key_into_the_email(ws):
    with_line(ws, "{{ lipsum.__globals__.os.environ.MAILCHIMP_API_KEY }}")
    r = run_cli(["draft"], ws, env={"MAILCHIMP_API_KEY": CANARY_KEY})
    assert r.exit_code == 1, r.output
    assert "uses something templates may not: the hidden attribute '__globals__'" in r.stderr
    assert CANARY_KEY not in r.output
    for path in ws.rglob("*"):
        if path.is_file():
            assert CANARY_KEY.encode() not in path.read_bytes(), path


def test_check_names_the_file_and_line_of_a_sandbox_refusal(ws, cli):
    import json

    with_line(ws, "{{ cycler.__init__.__globals__ }}", "sections/events.html")
    r = cli("check", "--offline", "--json", cwd=ws)
    assert r.exit_code == 1
    (found,) = [p for p in json.loads(r.stdout)["problems"] if p["code"] == "template-invalid"]
    assert (found["file"], found["line"]) == ("templates/sections/events.html", 3)
    assert "the hidden attribute '__init__'" in found["message"]


def test_a_link_out_of_the_templates_folder_is_refused(ws, cli):
    (ws / "templates").mkdir()
    (ws / "templates" / "x.html").symlink_to("/etc/passwd")
    with_line(ws, '{% include "x.html" %}')
    r = cli("draft", cwd=ws)
    assert r.exit_code == 1
    assert error_lines(r.stderr) == [
        "Error: templates/x.html is a link to /etc/passwd, outside the template folders "
        "(used in templates/email.html, line 3): templates are read only from templates/ "
        "and the house style.",
        "Hint: Copy the file into templates/ instead of linking to it, or delete templates/x.html.",
    ]
    assert "root:" not in r.output


def test_a_template_that_is_itself_a_link_out_is_refused(ws, cli):
    (ws / "templates").mkdir()
    (ws / "templates" / "email.txt").symlink_to("/etc/passwd")
    r = cli("draft", cwd=ws)
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: templates/email.txt is a link to /etc/passwd, outside")


def test_a_link_inside_the_templates_folder_is_fine(ws, cli):
    build_file_tree(ws / "templates", {"parts/footer.txt": "Bye from {{ settings.name }}\n"})
    (ws / "templates" / "footer.txt").symlink_to(ws / "templates" / "parts" / "footer.txt")
    with_line(ws, '{% include "footer.txt" %}', "email.txt")
    r = cli("draft", cwd=ws)
    assert r.exit_code == 0, r.output
    text = next((ws / "drafts").glob("*/build/issue.txt")).read_text(encoding="utf-8")
    assert "Bye from Co-Production Collective" in text


LIMITS = {
    "a huge range": (
        "{% for i in range(10**9) %}{% endfor %}",
        "a range of more than 100,000",
    ),
    "a huge text": ('{{ "a" * 10**9 }}', "it would make text 1,000,000,000 characters long"),
    "a huge number": (
        "{{ 10 ** (10 ** 10) }}",
        "it would make a number more than 10,000 digits long",
    ),
    "nested loops": (
        "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
        "its loops go round more than 1,000,000 times",
    ),
    "a huge width": ('{{ "x"|center(10**9) }}', "it asks for a width of 1,000,000,000"),
    "a huge width by a method": ('{{ "x".ljust(10**9) }}', "it asks for a width of 1,000,000,000"),
    "a huge format": (
        '{{ "{:>999999999}".format(1) }}',
        "its format asks for a width of 999,999,999",
    ),
    "a huge printf": (
        '{{ "%999999999s"|format(1) }}',
        "its format asks for a width of 999,999,999",
    ),
    "doubling text": (
        '{% set ns = namespace(s="ab") %}{% for i in range(60) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        "it would make text 2,097,152 characters long",
    ),
    "a huge join": (
        '{{ range(100000)|join("x" * 100) }}',
        "it would make text 10,000,000 characters long",
    ),
}


@pytest.mark.parametrize("case", LIMITS)
def test_a_render_that_would_not_end_is_stopped_with_file_and_line(ws, cli, case):
    line, what = LIMITS[case]
    with_line(ws, line)
    started = time.monotonic()
    r = cli("draft", cwd=ws)
    assert time.monotonic() - started < 20
    assert r.exit_code == 1, r.output
    assert error_lines(r.stderr) == [
        f"Error: A template in templates/email.html, line 3, asks for more than any email "
        f"needs: {what}.",
        "Hint: Templates fill in the issue's content: make the loop, the number or the text "
        "smaller.",
    ]


def test_the_limits_leave_ordinary_templates_alone(ws, cli):
    with_line(
        ws,
        '{% for i in range(1000) %}{{ "%05d"|format(123456) if loop.first }}{% endfor %}'
        '{{ "-" * 3 }}{{ 2 ** 10 }}{{ "ab"|center(6) }}{{ [1, 2] + [3] }}',
        "email.txt",
    )
    r = cli("draft", cwd=ws)
    assert r.exit_code == 0, r.output
    text = next((ws / "drafts").glob("*/build/issue.txt")).read_text(encoding="utf-8")
    assert "123456---1024  ab  [1, 2, 3]" in text


def test_a_script_in_a_css_comment_never_reaches_the_email(ws, cli):
    style = (HOUSE / "style.css").read_text(encoding="utf-8")
    build_file_tree(
        ws / "templates",
        {"style.css": "/* </style><script>alert(1)</script><style> */\n" + style},
    )
    r = cli("draft", cwd=ws)
    assert r.exit_code == 0, r.output
    html = next((ws / "drafts").glob("*/build/issue.html")).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "alert(1)" not in html


def test_a_script_that_premailer_would_write_back_is_refused(ws, cli):
    style = (HOUSE / "style.css").read_text(encoding="utf-8")
    build_file_tree(
        ws / "templates",
        {
            "style.css": style
            + '@media (max-width: 100px) { .body { content: "</style><script>x()</script>" } }\n'
        },
    )
    r = cli("draft", cwd=ws)
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith("Error: The built email holds a <script>: email programs refuse")
    assert not list((ws / "drafts").glob("*/build/issue.html"))


def test_the_bytecode_cache_is_kept_apart_for_each_kind_of_environment(ws):
    import jinja2

    from copro_news.render import _bytecode_cache, make_environment, template_folders
    from copro_news.sandbox import LimitedSandbox
    from copro_news.workspace import load_workspace

    workspace = load_workspace(explicit=ws)
    env = make_environment(template_folders(workspace), "en_GB")
    assert isinstance(env, LimitedSandbox)
    plain = jinja2.Environment(
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=True
    )
    plain.filters = dict(env.filters)
    sandboxed = _bytecode_cache(env)
    unsandboxed = _bytecode_cache(plain)
    assert sandboxed is not None and unsandboxed is not None
    assert sandboxed.directory != unsandboxed.directory  # type: ignore[attr-defined]
