"""Templates: a mistake worded once for every view, the house style found by looking, and
templates compiled once and kept compiled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copro_news.content import load_issue
from copro_news.render import build_issue, environment, house_templates, package_templates
from copro_news.workspace import load_workspace
from tests.conftest import build_file_tree
from tests.preview_support import example_workspace

EVENTS_LOOP = "{% for item in items %}\n{{ item.titel }}\n{% endfor %}\n"
MISTAKES = {
    "an unknown field": (
        "sections/events.html",
        EVENTS_LOOP,
        2,
        "A template has a mistake in templates/sections/events.html, line 2: "
        "a snippet has no field 'titel'.",
    ),
    "a syntax error": (
        "sections/events.html",
        "<tr>\n{% for x in %}\n",
        2,
        "A template has a mistake in templates/sections/events.html, line 2: ",
    ),
    "a missing include": (
        "sections/stories.html",
        '<tr><td>\n{% include "nope.html" %}</td></tr>\n',
        2,
        "A template in templates/sections/stories.html, line 2 uses 'nope.html', "
        "which does not exist.",
    ),
    "a division by zero": (
        "email.txt",
        "{{ subject }}\n\n{{ 1 / 0 }}\n",
        3,
        "A template has a mistake in templates/email.txt, line 3: division by zero.",
    ),
}


@pytest.fixture
def example(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "ws"
    return root, example_workspace(root)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_template_mistake_reads_the_same_in_check_both_previews_and_draft(example, cli, mistake):
    from copro_news.preview.server import build_snapshot

    root, folder = example
    name, text, line, start = MISTAKES[mistake]
    build_file_tree(root / "templates", {name: text})
    file = f"templates/{name}"

    r = cli("check", "--offline", "--json", cwd=root)
    assert r.exit_code == 1, r.output
    (found,) = [p for p in json.loads(r.stdout)["problems"] if p["code"] == "template-invalid"]
    assert (found["file"], found["line"], found["severity"]) == (file, line, "error")
    assert found["message"].startswith(start)
    assert found["hint"] == "Fix the template, or delete it to go back to the house style." or (
        mistake == "a missing include" and found["hint"].startswith("Check the name")
    )

    snap = build_snapshot(root, folder)
    assert not snap.ok
    assert [p.to_dict() for p in snap.problems] == [found]
    assert (snap.message, snap.hint) == (found["message"], found["hint"])

    r = cli("preview", cwd=root)
    assert r.exit_code == 1
    assert one_line(f"{file}:{line}: template-invalid {found['message']}") in one_line(r.stdout)
    assert one_line(f"hint: {found['hint']}") in one_line(r.stdout)

    for command in (("preview", "--text"), ("draft",)):
        r = cli(*command, cwd=root)
        assert r.exit_code == 1
        assert f"Error: {found['message']}\n" in r.stderr
        assert f"Hint: {found['hint']}" in r.stderr
        assert "Traceback" not in r.output


def test_a_mistake_in_the_house_style_is_not_put_on_a_workspace_file(example):
    """A house template outside the workspace has no file there: the message names it."""
    import jinja2

    from copro_news.render import template_problem

    root, _ = example
    ws = load_workspace(explicit=root)
    house = package_templates() / "sections" / "events.html"
    with pytest.raises(jinja2.TemplateSyntaxError) as raised:
        jinja2.Environment().parse("<tr>\n{% if %}", filename=str(house))
    problem = template_problem(ws, raised.value)
    assert problem is not None
    assert (problem.code, problem.file, problem.line) == ("template-invalid", None, None)
    assert problem.message.startswith(
        "A template has a mistake in the house style's sections/events.html, line 2: "
    )
    assert problem.hint == "Check the workspace's templates that this one includes or extends."


def test_a_fault_outside_the_templates_is_not_called_a_template_mistake(example):
    from copro_news.render import template_problem

    root, _ = example
    ws = load_workspace(explicit=root)
    with pytest.raises(KeyError) as raised:
        {}["missing"]
    assert template_problem(ws, raised.value) is None


# --- the house style ---------------------------------------------------------------------------


def test_the_house_style_is_what_the_packaged_folder_holds():
    root = package_templates()
    on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert sorted(house_templates()) == on_disk
    assert {"email.html", "email.txt", "style.css", "sections/events.html"} <= set(on_disk)
    assert house_templates()[:3] == ["email.html", "email.txt", "style.css"]


def test_a_new_house_template_is_listed_and_copied_without_another_edit(
    cli, workspace, tmp_path, monkeypatch
):
    import shutil

    house = tmp_path / "house"
    shutil.copytree(package_templates(), house)
    (house / "sections" / "calendar.ics").write_text("BEGIN:VCALENDAR\n")
    monkeypatch.setattr("copro_news.render.package_templates", lambda: house)
    r = cli("templates", cwd=workspace)
    assert "sections/calendar.ics" in r.stdout and "not used" not in r.stdout
    r = cli("templates", "--copy", cwd=workspace)
    assert r.exit_code == 0
    assert (workspace / "templates/sections/calendar.ics").read_text() == "BEGIN:VCALENDAR\n"


# --- compiled once, kept compiled ---------------------------------------------------------------


def test_one_environment_per_workspace_follows_every_save_of_a_template(example):
    root, folder = example
    ws = load_workspace(explicit=root)
    env = environment(ws)

    def html() -> str:
        again = load_workspace(explicit=root)  # as the preview does at each save
        assert environment(again) is env
        return build_issue(again, load_issue(again, folder)).html

    assert "Our news" not in html()
    stories = root / "templates" / "sections" / "stories.html"
    build_file_tree(root / "templates", {"sections/stories.html": "<tr><td>Our news</td></tr>\n"})
    assert "Our news" in html()  # a workspace template that did not exist before
    stories.write_text("<tr><td>Our new news</td></tr>\n")
    assert "Our new news" in html()  # the same file saved again, same size or not
    stories.write_text("<tr><td>Our old news</td></tr>\n")
    assert "Our old news" in html()
    stories.unlink()
    assert "news</td>" not in html()  # deleted: the house style again


def test_templates_are_kept_compiled_between_runs(example, isolated_env):
    from copro_news.render import make_environment, template_folders

    root, folder = example
    ws = load_workspace(explicit=root)
    build_issue(ws, load_issue(ws, folder))
    kept = list((isolated_env / "xdg_cache_home" / "copro-news" / "templates").rglob("*.cache"))
    assert len(kept) >= 10  # email.html, email.txt and each section's two templates

    fresh = make_environment(template_folders(ws), ws.settings.locale)

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    fresh.compile = no_compiling  # type: ignore[method-assign]
    for name in ("email.html", "email.txt", "sections/events.html"):
        fresh.get_template(name)

    for path in kept:
        path.write_bytes(b"damaged")
    damaged = make_environment(template_folders(ws), ws.settings.locale)
    assert "Co-Pro Cuppa" in damaged.get_template("sections/events.html").render(
        items=load_issue(ws, folder).sections["events"]
    )


def test_without_a_cache_folder_templates_are_compiled_each_run(example, monkeypatch, tmp_path):
    from copro_news.render import make_environment, template_folders

    root, _ = example
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    ws = load_workspace(explicit=root)
    env = make_environment(template_folders(ws), ws.settings.locale)
    assert env.bytecode_cache is None
    assert env.get_template("email.html")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    env = make_environment(template_folders(ws), ws.settings.locale)
    assert env.bytecode_cache is not None
    for folder_made in (tmp_path / "cache" / "copro-news" / "templates").iterdir():
        folder_made.rmdir()
        folder_made.write_text("the cache folder went away")  # writing it now fails
    assert env.get_template("email.html")
