"""New files for the user: the settings, an issue, a snippet, and the example issue.

Every function here creates files and never overwrites one that exists.
"""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from copro_news.content import MAX_FILE_BYTES, SCHEMAS, SECTIONS, Issue, slugify
from copro_news.errors import RefusedError, UsageError
from copro_news.fsutil import create_new, read_regular
from copro_news.recurring import Repeat
from copro_news.settings import init_values, settings_toml
from copro_news.workspace import DRAFTS_DIR, ISSUE_NAME, SETTINGS_FILE


def _yaml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


#: What init was told, by setting ("sender.email" -> "news@example.org"); every other setting
#: gets the example its declaration gives (see :mod:`copro_news.settings`).
InitAnswers = dict[str, Any]


def settings_text(answers: Mapping[str, Any] | None = None) -> str:
    """The settings file init writes, from the answers and the settings' examples."""
    return settings_toml(answers or {})


GITIGNORE = """# Made by copro-news: rebuilt at any time
drafts/*/build/
outbox/
"""


def init_workspace(
    root: Path, answers: Mapping[str, Any], *, example: bool = True, today: date
) -> list[Path]:
    """Make a workspace in ``root``; refuse if one is there. Return the files written.

    ``answers`` are the settings init was told (``{"sender.email": ...}``).
    """
    root = Path(root)
    if (root / SETTINGS_FILE).exists():
        raise RefusedError(
            f"{root / SETTINGS_FILE} exists already: this is a workspace.",
            "Nothing was changed. To start a new issue here, run: copro-news new",
        )
    written: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    if create_new(root / SETTINGS_FILE, settings_text(answers)):
        written.append(root / SETTINGS_FILE)
    (root / DRAFTS_DIR).mkdir(exist_ok=True)
    if create_new(root / ".gitignore", GITIGNORE) or _extend_gitignore(root / ".gitignore"):
        written.append(root / ".gitignore")
    if example:
        website = init_values(answers)["links.website"]
        written += write_example(root / DRAFTS_DIR, today, website)
    return written


def _gitignore_target(path: Path) -> Path | None:
    """The file to extend for ``path`` (a .gitignore): itself, or the file its symbolic link
    points to when that is inside the workspace; None when it cannot be changed safely."""
    if not path.is_symlink():
        return path if path.is_file() else None
    try:
        target = path.resolve(strict=True)
        target.relative_to(path.parent.resolve())
    except (OSError, RuntimeError, ValueError):
        return None  # a dangling link, a loop, or a file outside the workspace: left alone
    return target if target.is_file() else None


def _extend_gitignore(path: Path) -> bool:
    """Add what copro-news makes to an existing .gitignore, keeping every line of it, its
    permissions, and the symbolic link it may be (the file it points to is extended)."""
    from copro_news.fsutil import atomic_write

    target = _gitignore_target(path)
    if target is None:
        return False
    missing = gitignore_missing(path.parent)
    if not missing:
        return False
    try:
        text = read_regular(target, MAX_FILE_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    joined = text if text.endswith("\n") or not text else text + "\n"
    atomic_write(target, joined + GITIGNORE.splitlines()[0] + "\n" + "\n".join(missing) + "\n")
    return True


def gitignore_missing(root: Path) -> list[str]:
    """The lines copro-news needs that ``root``'s .gitignore lacks (all, if it cannot be read)."""
    wanted = GITIGNORE.splitlines()[1:]
    target = _gitignore_target(Path(root) / ".gitignore")
    try:
        text = read_regular(target, MAX_FILE_BYTES).decode("utf-8") if target is not None else ""
    except (OSError, UnicodeDecodeError):
        return wanted
    present = {line.strip() for line in text.splitlines()}
    return [line for line in wanted if line not in present]


# --- issues and snippets -----------------------------------------------------------------------


def issue_month(name: str) -> date:
    if not ISSUE_NAME.match(name):
        raise UsageError(
            f"{name!r} is not an issue name.",
            "Issues are named by month, like 2026-12.",
        )
    year, month = int(name[:4]), int(name[5:])
    if not 1 <= month <= 12:
        raise UsageError(f"{name!r} is not a month.", "Issues are named by month, like 2026-12.")
    return date(year, month, 1)


def issue_text(first: date, name: str) -> str:
    month = f"{calendar.month_name[first.month]} {first.year}"
    return f"""---
subject: "{name} update: {month}"
date: {first.isoformat()}            # the issue date (YYYY-MM-DD)
preheader: ""                  # the grey line after the subject in an inbox
# hero:                        # an optional picture at the top
#   image: images/photo.jpg    # a picture in this folder, or a web address
#   alt: "What the picture shows, for people who cannot see it"
#   credit: "Name of the photographer"
---
## Welcome

Write the introduction here, in Markdown: a few short paragraphs.
Sections come from the snippets in events/, partnerships/, actions/ and stories/:
add one with `copro-news add events "Title"`.
"""


def new_issue(drafts: Path, name: str, newsletter: str) -> Path:
    first = issue_month(name)
    folder = drafts / name
    path = folder / "issue.md"
    if path.exists():
        raise RefusedError(
            f"The issue {name} exists already: {path}.",
            "Edit it and add snippets to it (copro-news add SECTION TITLE); if it is the "
            f"example that init made, delete the folder drafts/{name} to start afresh.",
        )
    _refuse_a_link(path)
    folder.mkdir(parents=True, exist_ok=True)
    _create(path, issue_text(first, newsletter))
    return path


def _refuse_a_link(path: Path) -> None:
    """A symbolic link where a new file should go is never written through nor replaced."""
    if path.is_symlink():
        raise RefusedError(
            f"{path} is a symbolic link (to {os.readlink(path)}), so nothing was written.",
            "Remove the link, or choose another name.",
        )


def _create(path: Path, text: str) -> None:
    """Write a new file, or refuse if something took its name meanwhile: never 'Created'
    for a file that was not written."""
    _refuse_a_link(path)
    if not create_new(path, text):
        raise RefusedError(f"{path} exists already.", "Edit that file, or choose another name.")


def snippet_text(section: str, title: str) -> str:
    """A new snippet: the title filled in, every other field commented with an example."""
    schema = SCHEMAS[section]
    lines = ["---", f"title: {_yaml_str(title)}"]
    for key, spec in schema.items():
        if key == "title":
            continue
        note = f"  # {spec.help}" if spec.help else ""
        if spec.required:
            lines.append(f"{key}: TODO{note}, e.g. {spec.example}")
        else:
            lines.append(f"# {key}: {spec.example}{note}")
    lines.append("---")
    body = {
        "events": "What happens, who it is for, and how to join. TODO",
        "partnerships": "Who the partner is, and what we do together. TODO",
        "actions": "What we ask readers to do, and why it matters. TODO",
        "stories": "What happened. TODO",
    }[section]
    return "\n".join(lines) + "\n" + body + "\n"


def new_snippet(issue_folder: Path, section: str, title: str) -> Path:
    if section not in SECTIONS:
        raise UsageError(f"{section!r} is not a section.", f"Use one of: {', '.join(SECTIONS)}.")
    if not title.strip():
        raise UsageError("The title is empty.", 'Give a title in quotes: "Co-Pro Cuppa"')
    slug = slugify(title)
    path = issue_folder / section / f"{slug}.md"
    _refuse_a_link(path)
    if path.exists():
        raise RefusedError(
            f"{path} exists already.",
            "Edit that file, or choose another title.",
        )
    _create(path, snippet_text(section, title))
    return path


# --- the example issue -------------------------------------------------------------------------


def _first_weekday(first: date, weekday: int) -> date:
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def example_files(month: date, website: str) -> dict[str, str]:
    """The example issue for ``month``: one snippet of each kind, real-looking content."""
    site = website.rstrip("/")
    name = calendar.month_name[month.month]
    cuppa = _first_weekday(month, 1)  # first Tuesday
    forum = _first_weekday(month + timedelta(days=14), 3)  # a Thursday in the second half
    deadline = month.replace(day=20)
    return {
        "issue.md": f"""---
subject: "Team update: {name} {month.year}"
date: {month.isoformat()}
preheader: "Our monthly meet-up, a new partnership and a survey to share your views"
hero:
  image: {site}/images/team-day.jpg
  alt: "Members of the co-production team sitting round a table covered in sticky notes"
  credit: "Sam Okafor"
---
## Welcome to the {name} update

Thank you to everyone who came to our co-production training this month. Forty people
from health, housing and community groups spent a day learning how to share power in
their projects — and we learned a great deal from them too.

This issue has our next online meet-up, news of a partnership with a local advice
charity, and a survey where your views will shape next year's work.
""",
        "events/co-pro-cuppa.md": f"""---
title: "Co-Pro Cuppa: our monthly online meet-up"
start: {cuppa.isoformat()} 12:30
end: "13:30"
repeat: first tuesday   # copro-news new carries it to the next issue, on its next date
location: Online (Zoom)
link: {site}/events/co-pro-cuppa
link_text: Book your place
---
An informal hour to meet other people doing co-production, share what is working and
ask questions. Bring a cuppa. Everyone is welcome, whatever your experience.
""",
        "events/community-forum.md": f"""---
title: "Community forum on mental health services"
start: {forum.isoformat()} 18:00
end: "19:30"
location: Community Centre, 12 High Street
link: {site}/events/forum
---
People with lived experience and staff from local services meet to decide together what
to change first. Travel costs are reimbursed and there is a free meal.
""",
        "partnerships/advice-charity.md": f"""---
title: "Working with Citizens Advice North"
partner: Citizens Advice North
link: {site}/projects/advice
link_text: Read about the project
---
We have started a year-long project with Citizens Advice North to co-design how people
get help with debt. The design group is made of advisers and people who have used the
service, paid for their time.
""",
        "actions/share-your-views.md": f"""---
title: "Share your views on next year's programme"
deadline: {deadline.isoformat()}
link: {site}/survey
button: Take the survey
---
Tell us which events, training and resources would help you most. The survey takes about
ten minutes, and every answer is read by the team.
""",
        "stories/training-delivered.md": """---
title: "Where we have been"
---
This month the team delivered and took part in:

- co-production training for the regional NHS mental health trust;
- a workshop on paying people for their time, with the Involvement Network;
- a talk at the Community Housing Conference on sharing power with tenants.
""",
    }


def write_example(drafts: Path, today: date, website: str) -> list[Path]:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    first = date(year, month, 1)
    folder = drafts / f"{year:04d}-{month:02d}"
    if folder.exists():
        return []  # an issue of the user's for that month: the example stays out of it
    written = []
    for rel, text in example_files(first, website).items():
        path = folder / rel
        if create_new(path, text):
            written.append(path)
    return written


# --- the continuous-integration workflow -------------------------------------------------------

CI_SYSTEMS = ("github",)


def write_workflow(root: Path, version: str) -> Path:
    """Write the GitHub Actions workflow that checks and drafts every pull request; refuse if
    the file exists. It goes in the git repository's top folder when the workspace is inside
    one (GitHub reads workflows only there), else in the workspace."""
    from copro_news.ci import WORKFLOW_PATH, repository_root, workflow_text

    root = Path(root).resolve()
    top = repository_root(root) or root
    folder = root.relative_to(top).as_posix() if root != top else ""
    path = top / WORKFLOW_PATH
    if os.path.lexists(path):
        raise RefusedError(
            f"{path} exists already, so it was left as it is.",
            "Compare it with a new one: move it away, run the command again, then merge "
            "the two by hand.",
        )
    source = _holds_copro_news(top)
    install = os.path.relpath(top, root) if source else f"copro-news=={version}"
    _create(path, workflow_text(install=install, folder=folder))
    return path


def _holds_copro_news(folder: Path) -> bool:
    """Whether ``folder`` is a checkout of copro-news itself (its pyproject.toml names it)."""
    import tomllib

    try:
        with open(folder / "pyproject.toml", "rb") as f:
            return tomllib.load(f).get("project", {}).get("name") == "copro-news"
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return False


# --- recurring events --------------------------------------------------------------------------


@dataclass(frozen=True)
class Carried:
    """A recurring event carried into a new issue: its new file, the file it came from, and
    its new start (the next day on its rule, at the same time)."""

    path: Path
    source: Path
    start: date
    repeat: Repeat


_REPEAT_LINE = re.compile(r"^repeat\s*:", re.MULTILINE)
_DATE_IN_LINE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def has_recurring(folder: Path) -> bool:
    """Whether an event of the issue ``folder`` may have ``repeat:``: a glance at the files
    (no YAML parsing), so that an issue without one costs nothing to look at."""
    events = folder / "events"
    if not events.is_dir():
        return False
    for path in events.glob("*.md"):
        try:
            if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                continue  # not a snippet the loader would read either
            if _REPEAT_LINE.search(path.read_text(encoding="utf-8")):
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def carry_recurring(
    previous: Issue, folder: Path, first_day: date
) -> tuple[list[Carried], list[str]]:
    """Copy each event with ``repeat:`` of ``previous`` into the issue ``folder``, moved to the
    next day on its rule that is ``first_day`` or later (and after its old date), its time,
    text and every other field kept. Return what was carried, and a note for each event
    left behind. Never overwrites a file."""
    carried: list[Carried] = []
    notes: list[str] = []
    for s in previous.sections.get("events", []):
        repeat, start = s.get("repeat"), s.get("start")
        if not isinstance(repeat, Repeat):
            continue
        line = s.line_of("start")
        if not isinstance(start, date) or line is None:
            notes.append(f"{s.rel}: its start cannot be read, so it was not carried.")
            continue
        old_day = start.date() if isinstance(start, datetime) else start
        new_day = repeat.next_on_or_after(max(first_day, old_day + timedelta(days=1)))
        shift = new_day - old_day
        lines = s.source.text.split("\n")
        lines[line - 1] = _DATE_IN_LINE.sub(new_day.isoformat(), lines[line - 1], count=1)
        end_line = s.line_of("end")
        end = s.get("end")
        if end_line is not None and isinstance(end, date):
            end_day = (end.date() if isinstance(end, datetime) else end) + shift
            lines[end_line - 1] = _DATE_IN_LINE.sub(
                end_day.isoformat(), lines[end_line - 1], count=1
            )
        path = folder / s.kind / s.source.path.name
        if path.is_symlink() or not create_new(path, "\n".join(lines)):
            notes.append(f"{s.rel}: {path.name} is in the new issue already, so it was kept.")
            continue
        moved = start + shift
        carried.append(Carried(path, s.source.path, moved, repeat))
    return carried, notes
