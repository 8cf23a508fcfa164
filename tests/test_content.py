from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from copro_news.content import load_file, load_issue, slugify
from copro_news.workspace import load_workspace
from tests.conftest import build_file_tree, make_workspace
from tests.helpers import ISSUE_MD, snippet

LONDON = ZoneInfo("Europe/London")


def load(root):
    ws = load_workspace(explicit=root)
    return load_issue(ws, ws.resolve_issue(None))


def codes(issue):
    return sorted(((p.file, p.line, p.code) for p in issue.problems), key=_key)


def _key(t):
    return (t[0], t[1] or 0, t[2])


def test_fixture_issue_loads_without_problems(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    issue = load(tmp_path)
    assert issue.problems == []
    assert issue.subject == "Team update: March 2022"
    assert issue.date == date(2022, 3, 1)
    assert issue.hero["image"] == "https://example.org/images/changemakers-2022.jpg"
    cuppa = issue.sections["events"][0]
    assert cuppa.get("start") == datetime(2022, 3, 1, 12, 30, tzinfo=LONDON)
    # an unquoted 13:30 is a time, not YAML 1.1's base-60 number 810
    assert cuppa.get("end") == datetime(2022, 3, 1, 13, 30, tzinfo=LONDON)


def test_sections_are_sorted(tmp_path):
    make_workspace(tmp_path, fixture="march-2022")
    issue = load(tmp_path)
    assert [s.slug for s in issue.sections["events"]] == ["cuppa", "festival"]
    assert [s.slug for s in issue.sections["actions"]] == ["survey", "conference"]
    assert [s.slug for s in issue.sections["stories"]] == ["training", "welcome"]


def test_events_sort_by_start_not_name(workspace):
    build_file_tree(
        workspace / "drafts" / "2026-12",
        {
            "issue.md": ISSUE_MD,
            "events": {
                "a-late.md": snippet("title: Late\nstart: 2026-12-20 10:00"),
                "b-early.md": snippet("title: Early\nstart: 2026-12-02 10:00"),
            },
            "stories": {
                "a.md": snippet("title: A\norder: 2"),
                "b.md": snippet("title: B\norder: 1"),
                "c.md": snippet("title: C"),
            },
        },
    )
    issue = load(workspace)
    assert [s.title for s in issue.sections["events"]] == ["Early", "Late"]
    assert [s.title for s in issue.sections["stories"]] == ["C", "B", "A"]


def test_every_problem_in_every_file_at_once(workspace):
    build_file_tree(
        workspace / "drafts" / "2026-12",
        {
            "issue.md": snippet("subject: Update\ndate: 2026-13-01"),
            "events": {
                "typo.md": snippet("title: Cuppa\nstrat: 2026-12-01 12:30\nlink: www.example.org"),
                "bad-time.md": snippet("title: Cuppa\nstart: 1 December at noon"),
            },
            "actions": {"no-title.md": snippet("deadline: tomorrow")},
            "stories": {"broken.md": "---\ntitle: [unclosed\n---\nText\n"},
        },
    )
    issue = load(workspace)
    d = "drafts/2026-12"
    assert codes(issue) == sorted(
        [
            (f"{d}/actions/no-title.md", 2, "field-invalid"),
            (f"{d}/actions/no-title.md", None, "field-missing"),
            (f"{d}/events/bad-time.md", 3, "field-invalid"),
            (f"{d}/events/typo.md", 3, "field-missing"),
            (f"{d}/events/typo.md", 3, "field-unknown"),
            (f"{d}/events/typo.md", 4, "field-invalid"),
            (f"{d}/issue.md", 3, "field-invalid"),
            (f"{d}/stories/broken.md", 2, "yaml-invalid"),
        ],
        key=_key,
    )
    typo = next(p for p in issue.problems if p.code == "field-unknown")
    assert typo.severity == "warning"
    assert typo.hint == "Did you mean 'start'?"
    link = next(p for p in issue.problems if p.line == 4)
    assert link.hint == "Add https:// in front: link: https://www.example.org"
    assert all(p.hint for p in issue.problems)


def test_unreadable_files_get_clear_errors(workspace):
    build_file_tree(
        workspace / "drafts" / "2026-12",
        {
            "issue.md": ISSUE_MD,
            "events": {
                "latin1.md": "---\ntitle: Caf\xe9\n---\n".encode("latin-1"),
                "empty.md": "",
                "no-front.md": "Just text\n",
                "unclosed.md": "---\ntitle: Open\n",
                "photo.jpg": b"\xff\xd8\xff",
            },
            "event": {"misplaced.md": snippet("title: X\nstart: 2026-12-01 10:00")},
            "loose.md": snippet("title: Loose"),
        },
    )
    issue = load(workspace)
    found = {(p.file.rsplit("/", 1)[-1], p.code, p.severity): p for p in issue.problems}
    assert ("latin1.md", "file-invalid", "error") in found
    assert "UTF-8" in found[("latin1.md", "file-invalid", "error")].message
    assert found[("empty.md", "file-invalid", "error")].message == "The file is empty."
    assert ("no-front.md", "yaml-invalid", "error") in found
    assert ("unclosed.md", "yaml-invalid", "error") in found
    assert ("photo.jpg", "file-invalid", "error") in found
    assert found[("event", "file-invalid", "warning")].hint == "Rename it to 'events/'."
    assert ("loose.md", "file-invalid", "warning") in found
    assert issue.sections["events"] == []


def test_field_types_are_checked(workspace):
    build_file_tree(
        workspace / "drafts" / "2026-12",
        {
            "issue.md": snippet(
                'subject: "Update"\ndate: 2026-12-01\nhero:\n  image: photo.jpg\n  alt: A photo'
            ),
            "events": {"e.md": snippet("title: E\nstart: 2026-12-01 12:30\nend: 25:00")},
            "stories": {"s.md": snippet("title: [a, b]\norder: first")},
        },
    )
    issue = load(workspace)
    got = {(p.file.rsplit("/", 1)[-1], p.line): p.message for p in issue.problems}
    assert "'image' is not a web address" in got[("issue.md", 5)]
    assert "'end' is not a time" in got[("e.md", 4)]
    assert "'title' is not plain text" in got[("s.md", 2)]
    assert "'order' is not a whole number" in got[("s.md", 3)]


def test_end_time_and_mailto_and_relative_links(workspace):
    build_file_tree(
        workspace / "drafts" / "2026-12",
        {
            "issue.md": ISSUE_MD,
            "events": {
                "e.md": snippet(
                    'title: E\nstart: "2026-12-01T09:05"\nend: "2026-12-02 17:00"\nlink: /events/e'
                )
            },
            "actions": {"a.md": snippet("title: A\nlink: hello@example.org\ndeadline: 2026-12-13")},
        },
    )
    issue = load(workspace)
    assert issue.problems == []
    event = issue.sections["events"][0]
    assert event.get("start") == datetime(2026, 12, 1, 9, 5, tzinfo=LONDON)
    assert event.get("end") == datetime(2026, 12, 2, 17, 0, tzinfo=LONDON)
    assert event.get("link") == "https://example.org/events/e"
    action = issue.sections["actions"][0]
    assert action.get("link") == "mailto:hello@example.org"
    assert action.get("deadline") == date(2026, 12, 13)
    assert event.line_of("end") == 4


def test_duplicate_field_is_reported(workspace):
    build_file_tree(
        workspace / "drafts" / "2026-12",
        {"issue.md": ISSUE_MD, "stories": {"s.md": snippet("title: A\ntitle: B")}},
    )
    (problem,) = load(workspace).problems
    assert problem.code == "yaml-invalid"
    assert problem.line == 3


def test_slugify():
    assert slugify("Co-Pro Cuppa: March!") == "co-pro-cuppa-march"
    assert slugify("Café réunion") == "cafe-reunion"
    assert slugify("!!!") == "untitled"


def test_time_parsing_of_plain_times():
    from copro_news.content import _parse_time

    assert _parse_time("9:05", "9:05") == time(9, 5)
    assert _parse_time("24:00", "24:00") is None


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("title: A\nlink: https://x.org\n\tlocation: here", 4, "A tab is used to indent a line."),
        ("title: A\nhero:\n\timage: x", 4, "A tab is used to indent a line."),
        (
            "title: Share your views: the survey",
            2,
            "This line is read as part of the field above: a colon (:) inside a value, "
            "or a line indented by mistake.",
        ),
        ("title: A\nlocation: @home", 3, "A value starts with a character that has a meaning"),
        ("title: [unclosed\nstart: 2026-12-01 10:00", 2, "A list in [ ] or { } is not closed."),
        ('title: "open\nstart: 2026-12-01 10:00', 2, "A quote is opened but not closed."),
        ("  title: A\nstart: 2026-12-01 10:00", 3, "The lines are not indented alike."),
        ('title: "Our "monthly" meet-up"', 2, "Text follows a closing quote or bracket"),
        ("title: [Online] Zoom", 2, "Text follows a closing quote or bracket"),
        ("title: 'It's online'", 2, "Text follows a closing quote or bracket"),
        ("title: - Cuppa", 2, "A value starts with '- ', which makes it a list."),
    ],
)
def test_yaml_mistakes_in_plain_words_at_their_line(tmp_path, front, line, message):
    path = tmp_path / "x.md"
    path.write_text(f"---\n{front}\n---\nText\n", encoding="utf-8")
    _, _, found = load_file(path, "events", "x.md", LONDON)
    (problem,) = found
    assert problem.code == "yaml-invalid"
    assert problem.line == line
    assert problem.message.startswith(message)
    assert "YAML" not in problem.message and "token" not in problem.message


def test_a_huge_file_is_refused_before_it_is_read(workspace):
    folder = workspace / "drafts/2026-12"
    build_file_tree(folder, {"issue.md": ISSUE_MD})
    (folder / "stories").mkdir()
    (folder / "stories/huge.md").write_text(snippet("title: Huge", "word " * 250_000))
    (problem,) = load(workspace).problems
    assert problem.code == "file-invalid"
    assert problem.message == "The file is too large for a newsletter (1.3 MB)."


def test_issue_md_hints_name_its_own_fields(workspace):
    build_file_tree(workspace / "drafts/2026-12", {"issue.md": "Hello\n"})
    (problem,) = load(workspace).problems
    assert "then 'subject: ...' and the other fields" in problem.hint
