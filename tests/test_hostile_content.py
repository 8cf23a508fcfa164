"""Hostile or broken content and settings get a clear answer through the real command line:
an error with file, line and hint, a refusal, or the right behaviour; never "something went
wrong inside copro-news", never a hang, never gigabytes of memory."""

from __future__ import annotations

import json
import os
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.checkutil import event, story, write_issue
from tests.conftest import SETTINGS, run_cli

INSIDE = "something went wrong inside copro-news"

# 351 bytes that a YAML loader unfolds into 9**9 strings (a "billion laughs").
ALIAS_BOMB = (
    '---\ntitle: "Bomb"\n'
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(
        f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "---\nText.\n"
)


def peak_memory_mb(args: list[str], cwd: Path, timeout: float = 60) -> tuple[int, str, float]:
    """Run copro-news ARGS in a child of a fresh process; (exit code, output, the child's
    peak memory in MB)."""
    probe = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'copro_news', *sys.argv[1:]],"
        " capture_output=True, text=True)\n"
        "sys.stdout.write(p.stdout + p.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(p.returncode)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    *lines, peak = proc.stdout.rstrip("\n").split("\n")
    return proc.returncode, "\n".join(lines), int(peak) / 1024


# --- YAML ----------------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_without_unfolding_it(workspace):
    assert len(ALIAS_BOMB.encode()) < 400
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    commands = (["draft"], ["preview", "--text"], ["check", "--offline"])
    usual = {tuple(args): peak_memory_mb(args, workspace)[2] for args in commands}
    write_issue(workspace, {"stories/bomb.md": ALIAS_BOMB})
    for args in commands:
        normal = usual[tuple(args)]
        code, output, peak = peak_memory_mb(args, workspace)
        assert code == 1, output
        assert (
            "drafts/2026-12/stories/bomb.md: yaml-invalid The front matter uses a YAML anchor "
            "(&) or alias (*), which copro-news does not read." in output
        )
        assert INSIDE not in output
        assert peak < normal + 20, (args, peak, normal)  # a few MB, not gigabytes


def test_order_written_like_a_time_is_not_read_as_minutes(cli, workspace):
    write_issue(workspace, {"stories/s.md": story("News", "We met.", order="1:30")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "drafts/2026-12/stories/s.md:3: field-invalid 'order' is not a whole number: '1:30'."
        in r.stderr
    )


def test_an_issue_in_the_year_9999(cli, workspace):
    issue = '---\nsubject: "Team update"\ndate: 9999-12-31\n---\nHello.\n'
    write_issue(workspace, {"stories/s.md": story("News", "We met.")}, issue_md=issue)
    for args in (("draft",), ("check", "--offline"), ("preview",)):
        r = cli(*args, cwd=workspace)
        assert r.exit_code == 1, args
        expected = (
            "drafts/2026-12/issue.md:3: field-invalid 'date' is in the year 9999: not a date "
            "of this newsletter."
        )
        assert expected in " ".join(r.output.split())  # the preview wraps at 100 columns
        assert INSIDE not in r.output


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "what"),
    [
        ('"Team update\\LBcc: everyone@example.org"', "U+2028 LINE SEPARATOR"),
        ("|\n  Team update\n  Bcc: everyone@example.org", "U+000A"),
        ('"Team update\\rBcc: x"', "U+000D"),
    ],
)
def test_a_subject_with_a_line_break_is_refused(cli, workspace, written, what):
    issue = f"---\nsubject: {written}\ndate: 2026-12-01\n---\nHello.\n"
    write_issue(workspace, {"stories/s.md": story("News", "We met.")}, issue_md=issue)
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert f"drafts/2026-12/issue.md:2: field-invalid 'subject' holds a line break ({what})" in (
        r.stderr
    )
    assert "hint: Write it on one line" in r.stderr
    assert INSIDE not in r.output


@pytest.mark.parametrize("name", ['"Co-Pro\\nBcc: everyone@example.org"', '"Co-Pro\\u2028x"'])
def test_a_sender_name_with_a_line_break_is_a_settings_problem(cli, workspace, name):
    settings = workspace / "copro-news.toml"
    settings.write_text(
        SETTINGS.replace('name = "Co-Production Collective"\nemail', f"name = {name}\nemail")
    )
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert "copro-news.toml:6: settings-invalid 'sender.name' holds a line break" in r.stderr
    assert INSIDE not in r.output


def test_a_sender_address_with_letters_beyond_ascii(cli, workspace):
    settings = workspace / "copro-news.toml"
    settings.write_text(SETTINGS.replace("news@example.org", "news@bücher.test"))
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "copro-news.toml:7: settings-invalid 'sender.email' has letters that an email address "
        "to send from cannot hold: 'news@bücher.test'." in r.stderr
    )
    assert "hint: Write the domain in its ASCII form: news@xn--bcher-kva.test" in r.stderr


def test_settings_nested_two_thousand_deep(cli, workspace):
    settings = workspace / "copro-news.toml"
    settings.write_text(SETTINGS + "deep = " + "[" * 2000 + "]" * 2000 + "\n")
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "copro-news.toml: settings-invalid The settings hold lists or tables nested too "
        "deeply to be read." in r.stderr
    )
    assert INSIDE not in r.output


# --- files that are not files ------------------------------------------------------------------

EVERY_COMMAND = (
    ["draft"],
    ["check", "--offline"],
    ["preview"],
    ["preview", "--text"],
    ["status"],
    ["send", "--dry-run", "--offline"],
    ["check", "--offline", "drafts/2026-12/stories/s.md"],
)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "loop", "outside"])
def test_a_snippet_that_is_not_a_file_hangs_no_command(workspace, tmp_path, kind):
    folder = write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    bad = folder / "events" / "f.md"
    bad.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(bad)
        # one in last month's issue too, whose words the spelling rules read
        write_issue(workspace, {"stories/s.md": story("News", "We met.")}, name="2026-11")
        os.mkfifo(workspace / "drafts" / "2026-11" / "stories" / "old.md")
        expected = "This is not a text file (a device, a pipe or a socket), so it is not read."
    elif kind == "dev-zero":
        os.symlink("/dev/zero", bad)
        expected = "The file is a link to a file outside the workspace, so it is not read."
    elif kind == "loop":
        os.symlink(bad, bad)
        expected = "The file is a link that leads back to itself (a loop of links)."
    else:
        secret = tmp_path / "secret.md"
        secret.write_text("---\ntitle: Secret\nstart: 2026-12-08 10:00\n---\nSecret.\n")
        os.symlink(secret, bad)
        expected = "The file is a link to a file outside the workspace, so it is not read."
    for args in EVERY_COMMAND:
        started = time.monotonic()
        r = run_cli(args, workspace, timeout=60)
        assert time.monotonic() - started < 30, args
        assert INSIDE not in r.output, (args, r.output)
        if args[0] in ("draft", "check", "preview"):
            assert r.exit_code == 1, (args, r.output)
            shown = " ".join(r.output.split())  # the preview wraps at 100 columns
            assert f"drafts/2026-12/events/f.md: file-invalid {expected}" in shown, args
        assert "Secret." not in r.output


def test_a_send_record_or_gitignore_that_is_a_pipe_hangs_no_command(workspace):
    folder = write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    os.mkfifo(folder / "send.json")
    for args in (["status"], ["status", "--all"], ["send", "--dry-run", "--offline"]):
        started = time.monotonic()
        r = run_cli(args, workspace, timeout=60)
        assert time.monotonic() - started < 30, args
        assert INSIDE not in r.output, (args, r.output)
        if args != ["status", "--all"]:
            assert r.exit_code == 1, (args, r.output)
            assert "Error: Cannot read drafts/2026-12/send.json: not a regular file." in r.stderr
            assert "restore it from git (git checkout -- drafts/2026-12/send.json)" in r.stderr
    (folder / "send.json").unlink()
    os.mkfifo(workspace / ".gitignore")
    r = run_cli(["init", "--ci", "github"], workspace, timeout=60)
    assert INSIDE not in r.output, r.output
    assert (workspace / ".github" / "workflows" / "newsletter.yml").is_file(), r.output


# --- characters that have no place in a newsletter ------------------------------------------------


def test_control_characters_never_reach_the_email(cli, workspace):
    write_issue(
        workspace,
        {
            "stories/bell.md": "---\ntitle: Bell\n---\nRing \x07 the bell.\n",
            "stories/nul.md": '---\ntitle: "Null\\0byte"\n---\nText.\n',
        },
    )
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "drafts/2026-12/stories/bell.md:4: file-invalid The file holds an invisible control "
        "character (U+0007)." in r.stderr
    )
    assert (
        "drafts/2026-12/stories/nul.md:2: field-invalid 'title' holds an invisible control "
        "character (U+0000)." in r.stderr
    )
    assert not (workspace / "drafts/2026-12/build").exists()


def test_a_control_character_in_the_settings(cli, workspace):
    settings = workspace / "copro-news.toml"
    settings.write_text(SETTINGS.replace("1 Example Street", "1 Example\\u0007 Street"))
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 1
    assert "'sender.postal_address' holds an invisible control character (U+0007)" in r.stderr


def test_a_zero_width_character_inside_a_link(cli, workspace):
    write_issue(
        workspace,
        {
            "stories/s.md": story("News", "Book [here now](https://example.org/\u200bbook)."),
            "events/e.md": event("Cuppa", "2026-12-08 12:30", link='"https://exa\u200bmple.org"'),
        },
    )
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "drafts/2026-12/stories/s.md:4: link-invalid The link https://example.org/\\u200bbook "
        "holds an invisible character (U+200B ZERO WIDTH SPACE), so it would not work." in r.stdout
    )
    assert (
        "drafts/2026-12/events/e.md:4: field-invalid 'link' holds an invisible character "
        "(U+200B ZERO WIDTH SPACE), so the link would not work." in r.stdout
    )


def test_terminal_escapes_are_never_printed_raw(workspace):
    issue = '---\nsubject: "\\e[2J\\e[31mPWNED"\ndate: 2026-12-01\n---\nHello.\n'
    folder = write_issue(workspace, {"stories/s.md": story("News", "We met.")}, issue_md=issue)
    (folder / "stories" / "\x1b[31mred.md").write_text("---\ntitle: [Red\n---\nText.\n")
    env = {"NO_COLOR": "1"}
    for args in (["draft"], ["check", "--offline"], ["preview"], ["check", "--json", "--offline"]):
        r = run_cli(args, workspace, env=env)
        assert "\x1b" not in r.output, args
        assert INSIDE not in r.output
    r = run_cli(["draft"], workspace, env=env)
    assert "field-invalid 'subject' holds an invisible control character (U+001B)" in r.stderr
    assert "drafts/2026-12/stories/\\x1b[31mred.md" in r.stderr  # shown, not obeyed


def test_links_without_website_or_signup_still_make_an_email(cli, workspace):
    settings = workspace / "copro-news.toml"
    settings.write_text(
        SETTINGS.replace('website = "https://example.org"\n', "").replace(
            'signup = "https://example.org/newsletter"\n',
            'instagram = "https://instagram.com/copro"\n',
        )
    )
    write_issue(workspace, {"stories/s.md": story("News", "We met.")})
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output
    html = (workspace / "drafts/2026-12/build/issue.html").read_text()
    assert 'href=""' not in html and "Sign up to the newsletter" not in html
    assert ">Instagram</a>" in html
    assert "Instagram: https://instagram.com/copro" in cli("preview", cwd=workspace).stdout


# --- a word that never ends ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "limit"),
    [("a" * 60_000, 4.0), ("ab" * 450_000, 20.0), ("a." * 300_000, 20.0), ("a@" * 300_000, 20.0)],
)
def test_a_long_word_is_checked_in_linear_time(cli, workspace, word, limit):
    write_issue(workspace, {"stories/s.md": story("News", word)})
    cli("check", "--offline", cwd=workspace)  # word list and templates made once
    started = time.monotonic()
    r = cli("check", "--offline", cwd=workspace)
    took = time.monotonic() - started
    assert INSIDE not in r.output
    assert took < limit, f"{len(word)} characters took {took:.1f} s"


# --- property tests: random bad input gets a clear answer -------------------------------------

FIELDS = ["title", "start", "end", "sections", "hero", "order", "subject", "date", "link"]
NASTY = st.sampled_from(
    [
        "&a [1, 2]",
        "*a",
        "[*a, *a]",
        "!!binary aGk=",
        "!!python/object/apply:os.system [id]",
        '"\\0"',
        '"\\e[31m"',
        '"a\\Lb"',
        '"\u200b"',
        "1:30",
        "9999-12-31",
        "0000-01-01",
        "2026-02-29",
        "2027-03-28 01:30",
        "{image: /Users/x.jpg}",
        "{image: ../x.jpg, alt: x}",
        "[events, events]",
        "[{stories: [1]}]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]",
        "\u201cHive: x\u201d",
        "1st March 2022 12:30",
    ]
)
VALUES = NASTY | st.text(max_size=20).map(lambda t: json.dumps(t))


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(["issue", "events", "stories", "actions"]),
    items=st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=6),
)
def test_random_bad_front_matter_gets_a_clear_answer(tmp_path_factory, kind, items):
    from copro_news.checks.registry import RULES
    from copro_news.content import load_issue
    from copro_news.workspace import load_workspace

    root = tmp_path_factory.mktemp("ws")
    front = "\n".join(f"{k}: {v}" for k, v in items)
    files: dict[str, object] = {"stories/s.md": story("News", "We met.")}
    issue_md = None
    if kind == "issue":
        issue_md = f"---\nsubject: x\ndate: 2026-12-01\n{front}\n---\nHello.\n"
    else:
        files[f"{kind}/x.md"] = f"---\n{front}\n---\nText.\n"
    (root / "copro-news.toml").write_text(SETTINGS)
    (root / "drafts").mkdir()
    write_issue(root, files, issue_md=issue_md)
    ws = load_workspace(explicit=root)
    issue = load_issue(ws, ws.resolve_issue("2026-12"))
    for p in issue.problems:
        assert p.code in RULES and p.message and p.file
    if not issue.has_errors:
        from copro_news.build import build_with_problems

        build, _ = build_with_problems(ws, issue)
        assert "\x00" not in build.html and "\x1b" not in build.html


SETTING_KEYS = st.sampled_from(
    [
        "name",
        "timezone",
        "locale",
        "send_time",
        "[sender] name",
        "[sender] email",
        "[sender] postal_address",
        "[links] website",
        "[links] x",
        "[sections] order",
        "[sections.titles] events",
        "[sections.titles] nope",
        "[footer] heading",
        "[footer] text",
        "[provider] name",
        "[check] ignore",
    ]
)
TOML_VALUES = st.one_of(
    st.text(string.printable, max_size=15).map(lambda t: json.dumps(t)),
    st.integers(-5, 5).map(str),
    st.sampled_from(
        [
            "true",
            "[]",
            '["events", "events"]',
            '["storys"]',
            "{}",
            "12:30",
            '"09:60"',
            '"news@bücher.test"',
            '"a\\u2028b"',
            '"a\\u0000b"',
            '"www.example.org"',
            "[[[[[[[[[[]]]]]]]]]]",
            "1979-05-27T07:32:00Z",
        ]
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(entries=st.lists(st.tuples(SETTING_KEYS, TOML_VALUES), max_size=8))
def test_random_bad_settings_get_a_clear_answer(entries):
    from copro_news.errors import SettingsError
    from copro_news.settings import Settings, parse_settings

    tables: dict[str, list[str]] = {}
    for key, value in entries:
        table, _, name = key.rpartition(" ") if " " in key else ("", "", key)
        tables.setdefault(table.strip("[]"), []).append(f"{name} = {value}")
    top = tables.pop("", [])  # before the first [section], or they would belong to it
    text = (
        "\n".join(top)
        + "\n"
        + SETTINGS
        + "\n"
        + "\n".join(line for t, lines in tables.items() for line in [f"[{t}]", *lines])
    )
    try:
        parse_settings(text, "copro-news.toml", Settings)
    except SettingsError as e:
        assert e.problems
        for p in e.problems:
            assert p.code.startswith("settings-") and p.message and p.file == "copro-news.toml"
