"""Pictures: a file of the issue folder works; a path elsewhere on the disk, a file that is not
there or not a picture is an error that says what to do; a heavy picture is a warning offline.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from copro_news.images import image_size, where
from tests.checkutil import story, write_issue
from tests.helpers import png

HERO = """\
---
subject: "Team update: December 2026"
date: 2026-12-01
preheader: "Our meet-up, a new partnership and a survey"
hero:
  image: {image}
  alt: "The team"
---
Hello.
"""


def hero_issue(root: Path, image: str, files: dict[str, object] | None = None) -> Path:
    return write_issue(root, files or {}, issue_md=HERO.format(image=image))


# --- paths elsewhere on the disk --------------------------------------------------------------


@pytest.mark.parametrize(
    "image",
    [
        "/Users/comms/Pictures/sun.jpg",
        "C:\\Users\\comms\\Pictures\\sun.jpg",
        "~/Pictures/sun.jpg",
        "file:///Users/comms/Pictures/sun.jpg",
    ],
)
def test_a_hero_elsewhere_on_the_disk_is_an_error_saying_to_copy_it_in(cli, workspace, image):
    hero_issue(workspace, image)
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert (
        f"drafts/2026-12/issue.md:6: image-invalid The picture {image} is elsewhere on this "
        "computer: the email cannot carry it from there." in r.stdout
    )
    assert (
        "hint: Copy it into the issue folder (drafts/2026-12/images/sun.jpg) and write its "
        "path from there: images/sun.jpg" in r.stdout
    )
    assert "https://example.org/Users" not in r.output  # never turned into a web address


def test_a_path_on_the_website_still_joins_the_website(cli, workspace):
    hero_issue(workspace, "/images/team-day.jpg")
    r = cli("draft", cwd=workspace)
    assert r.exit_code == 0, r.output
    html = (workspace / "drafts/2026-12/build/issue.html").read_text()
    assert 'src="https://example.org/images/team-day.jpg"' in html


def test_a_picture_outside_the_issue_folder_through_dot_dot_is_refused(cli, workspace):
    (workspace / "drafts" / "sun.png").write_bytes(png(10, 10))
    hero_issue(workspace, "../sun.png")
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert "image-invalid The picture ../sun.png is outside the issue folder." in r.stdout
    assert "hint: Copy the picture into the issue folder" in r.stdout


def test_a_link_to_a_picture_outside_the_issue_folder_is_refused(cli, workspace, tmp_path):
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(png(10, 10))
    folder = hero_issue(workspace, "images/sun.png")
    (folder / "images").mkdir()
    os.symlink(outside, folder / "images" / "sun.png")
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert "image-invalid The picture images/sun.png is outside the issue folder." in r.stdout


def test_a_picture_that_is_not_there_names_the_nearest_one(cli, workspace):
    hero_issue(workspace, "images/sun.jpg", {"images": {"sun.png": png(10, 10)}})
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "drafts/2026-12/issue.md:6: image-invalid 'image' is not a web address, and there is "
        "no picture images/sun.jpg in the issue folder." in r.stdout
    )
    assert "hint: Did you mean images/sun.png?" in r.stdout


def test_a_file_that_is_not_a_picture(cli, workspace):
    hero_issue(workspace, "images/sun.png", {"images": {"sun.png": b"not a picture at all"}})
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert (
        "image-invalid images/sun.png is not a picture that email can show (PNG, JPEG, GIF or "
        "WebP)." in r.stdout
    )


def test_markdown_images_are_checked_at_their_line(cli, workspace):
    body = "We met.\n\n![The team](images/team.png)\n\n![Sun](/Users/comms/sun.jpg)\n"
    write_issue(workspace, {"stories/s.md": story("News", body), "images": {"team.png": png(5, 5)}})
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    lines = [x for x in r.stdout.splitlines() if "image-invalid" in x]
    assert lines == [
        "  drafts/2026-12/stories/s.md:8: image-invalid The picture /Users/comms/sun.jpg is "
        "elsewhere on this computer: the email cannot carry it from there."
    ]


def test_the_same_picture_twice_is_carried_once(cli, workspace):
    body = "![One](images/team.png)\n\n![Two](./images/team.png)\n"
    write_issue(workspace, {"stories/s.md": story("News", body), "images": {"team.png": png(5, 5)}})
    assert cli("draft", cwd=workspace).exit_code == 0
    eml = (workspace / "drafts/2026-12/build/issue.eml").read_bytes()
    assert eml.count(b"Content-ID:") == 1


# --- heavy pictures, offline ---------------------------------------------------------------------


def test_a_wide_or_heavy_picture_is_a_warning_offline(cli, workspace):
    import random

    noise = random.Random(1).randbytes(1_200_000)
    heavy = png(20, 20)[:33] + struct.pack(">I", len(noise)) + b"tEXt" + noise + b"\0\0\0\0"
    files = {
        "stories/s.md": story("News", "![Wide](images/wide.png)\n\n![Heavy](images/heavy.png)"),
        "images": {"wide.png": png(1600, 10), "heavy.png": heavy},
    }
    write_issue(workspace, files)
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 0, r.output
    found = [x.strip() for x in r.stdout.splitlines() if "image-heavy" in x]
    assert found == [
        "drafts/2026-12/stories/s.md:4: image-heavy The picture images/wide.png is 1600 "
        "pixels wide.",
        "drafts/2026-12/stories/s.md:6: image-heavy The picture images/heavy.png is 1.1 MB.",
    ]


# --- the header reader ----------------------------------------------------------------------


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\0" * 3
    return b"\xff\xd8" + app0 + sof + b"\xff\xda\0\x02" + b"\xff\xd9"


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\0\0\0;"


def webp_vp8x(width: int, height: int) -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + b"\0\0\0\0"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    body = b"VP8L" + struct.pack("<I", 5) + b"\x2f" + bits.to_bytes(4, "little")
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (png(1200, 800), ("image/png", 1200, 800)),
        (jpeg(4032, 3024), ("image/jpeg", 4032, 3024)),
        (gif(320, 240), ("image/gif", 320, 240)),
        (webp_vp8x(1920, 1080), ("image/webp", 1920, 1080)),
        (webp_lossless(640, 480), ("image/webp", 640, 480)),
        (b"\x89PNG\r\n", None),  # cut short
        (b"\xff\xd8\xff\xda", None),  # no frame before the picture data
        (b"<svg/>", None),
        (b"", None),
    ],
)
def test_sizes_are_read_from_the_header(data, expected):
    assert image_size(data) == expected


@pytest.mark.parametrize(
    ("src", "kind"),
    [
        ("https://example.org/a.jpg", "web"),
        ("images/sun.jpg", "local"),
        ("sun.jpg", "local"),
        ("/images/sun.jpg", "site"),
        ("/Users/comms/Pictures/sun.jpg", "disk"),
        ("/home/sam/sun.jpg", "disk"),
        ("C:\\Pictures\\sun.jpg", "disk"),
        ("D:/Pictures/sun.jpg", "disk"),
        ("\\\\server\\share\\sun.jpg", "disk"),
        ("file:///tmp/sun.jpg", "disk"),
        ("cid:abc@copro-news", "embedded"),
        ("ftp://example.org/sun.jpg", "other"),
    ],
)
def test_where_an_image_address_points(src, kind):
    assert where(src) == kind


def test_a_hero_written_www_without_https(cli, workspace):
    hero_issue(workspace, "www.example.org/sun.jpg")
    r = cli("check", "--offline", cwd=workspace)
    assert r.exit_code == 1
    assert "hint: Add https:// in front: https://www.example.org/sun.jpg" in r.stdout


def test_a_link_to_a_file_on_this_computer_is_not_joined_to_the_website(workspace):
    from tests.checkutil import event, problems

    write_issue(
        workspace, {"events/e.md": event("Cuppa", "2026-12-08 12:30", link="/Users/x/a.pdf")}
    )
    [p] = problems(workspace, only="field-invalid", build=False)
    assert p.message == "'link' is a file on this computer, not a web address: '/Users/x/a.pdf'."
