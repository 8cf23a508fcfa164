"""Pictures: where an image address points, and what a picture file of the issue folder is.

``hero.image`` and a Markdown image may be a web address or a file in the issue folder
(``images/sun.jpg``). A file in the issue folder becomes a :class:`LocalImage`: the email
shows it as ``cid:<cid>``, the .eml carries it as a part with that Content-ID, the preview
serves it and a provider with a file store uploads it once, under :attr:`LocalImage.upload_name`.

The width and height are read from the file's header (PNG, JPEG, GIF, WebP) by the few lines
below rather than by an imaging library: only the size is needed, reading a header decodes
no pixels (a hostile file cannot make it slow or large), and no dependency is added.
"""

from __future__ import annotations

import posixpath
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from copro_news.fsutil import read_regular

#: The picture files an email may carry, by the type their first bytes say.
IMAGE_SUFFIXES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
SUFFIX_OF = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
#: A picture over this size is a warning (slow on a phone); the file store takes it still.
HEAVY_BYTES = 1024 * 1024
#: Wider than this is a warning: twice the email's width is sharp on any screen.
WIDE_PIXELS = 1200
#: Over this, a file is not read: no mail provider takes a picture that large.
MAX_BYTES = 10 * 1024 * 1024

# The first folder of an absolute path that is a place on a computer's disk, never a page
# of the website: /Users/comms/Pictures/sun.jpg, /home/sam/sun.jpg.
_DISK_ROOTS = frozenset(
    {
        *("Users", "home", "tmp", "var", "private", "Volumes", "mnt", "media", "root", "opt"),
        *("etc", "usr", "srv", "Library", "Applications", "System", "run", "proc", "dev", "sys"),
    }
)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")

Where = Literal["web", "local", "disk", "site", "embedded", "other"]


def where(src: str) -> Where:
    """Where the image address ``src`` points.

    ``web``: an http(s) address; ``local``: a path inside the issue folder, as written
    (``images/sun.jpg``; a ``..`` may still lead outside: see :func:`resolve_local`);
    ``disk``: a path elsewhere on this computer (``/Users/...``, ``C:\\...``, ``~/...``,
    ``file://``); ``site``: a path on the website (``/images/sun.jpg``); ``embedded``:
    ``cid:`` or ``data:``, already in the email; ``other``: anything else.
    """
    text = src.strip()
    low = text.lower()
    if low.startswith(("http://", "https://")):
        return "web"
    if low.startswith(("cid:", "data:")):
        return "embedded"
    if low.startswith("file:") or text.startswith(("~", "\\\\")) or _DRIVE.match(text):
        return "disk"
    if text.startswith("//") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        return "other"
    if text.startswith("/"):
        first = text.lstrip("/").split("/", 1)[0]
        if first in _DISK_ROOTS:
            return "disk"
        try:
            on_disk = Path(text).is_file()
        except (OSError, ValueError):
            on_disk = False
        return "disk" if on_disk else "site"
    if "\\" in text:
        return "disk" if ".." in text.split("\\") else "local"
    return "local"


def key(src: str) -> str:
    """A local image address in one form: 'images/sun.jpg' for './images/sun.jpg'."""
    from urllib.parse import unquote

    text = unquote(src.strip()).replace("\\", "/")
    return posixpath.normpath(text) if text else ""


def image_size(data: bytes) -> tuple[str, int, int] | None:
    """(MIME type, width, height) from the header of a PNG, JPEG, GIF or WebP; None when
    ``data`` is none of them, or its header is cut short."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
            w, h = struct.unpack(">II", data[16:24])
            return "image/png", w, h
        if data[:6] in (b"GIF87a", b"GIF89a"):
            w, h = struct.unpack("<HH", data[6:10])
            return "image/gif", w, h
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp(data)
        if data[:2] == b"\xff\xd8":
            return _jpeg(data)
    except struct.error:
        return None
    return None


def _webp(data: bytes) -> tuple[str, int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", data[26:30])
        return "image/webp", w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and data[20:21] == b"\x2f":
        bits = int.from_bytes(data[21:25], "little")
        return "image/webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return "image/webp", w, h
    return None


def _jpeg(data: bytes) -> tuple[str, int, int] | None:
    """The size in the first start-of-frame marker (SOF0 to SOF15, but DHT, JPG and DAC)."""
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # padding
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2:
            return None
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return "image/jpeg", w, h
        if marker == 0xDA:  # the picture data starts: no frame header before it
            return None
        i += 2 + length
    return None


@dataclass(frozen=True)
class LocalImage:
    """A picture file of the issue folder, as the email carries it.

    ``cid`` is the same for the same content (from its sha256), so the email, the .eml and
    a provider's file store all name one picture alike.
    """

    rel: str  # its path in the issue folder: images/sun.jpg
    path: Path
    mime: str
    data: bytes = field(repr=False)
    sha256: str
    width: int
    height: int

    @property
    def cid(self) -> str:
        return f"{self.sha256[:16]}@copro-news"

    @property
    def src(self) -> str:
        """The address the email's HTML gives it."""
        return f"cid:{self.cid}"

    @property
    def filename(self) -> str:
        return PurePosixPath(self.rel).name

    @property
    def upload_name(self) -> str:
        """Its name in a provider's file store, found again by name after a lost answer."""
        return f"copro-news-{self.sha256[:16]}{SUFFIX_OF.get(self.mime, '.img')}"

    @property
    def size(self) -> int:
        return len(self.data)

    def shown_width(self, column: int) -> int:
        """The width the email gives it: its own, at most the column's."""
        return max(1, min(self.width, column))


class NotAPicture(Exception):
    """A local image address that cannot be used: what is wrong, and what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def load_local(folder: Path, src: str) -> LocalImage:
    """The picture ``src`` (a path inside ``folder``, the issue folder), read.

    Raises NotAPicture when it leads outside the folder (symbolic links resolved), is not
    there, is not a regular file, is too large, or is not a PNG, JPEG, GIF or WebP.
    """
    import hashlib
    import os
    import stat

    rel = key(src)
    copy_in = (
        "Copy the picture into the issue folder (an images/ folder in it is tidy) and "
        "write its path from there: images/" + PurePosixPath(rel).name
    )
    root = folder.resolve()
    if rel == ".." or rel.startswith("../"):
        raise NotAPicture(f"The picture {src} is outside the issue folder.", copy_in)
    try:
        path = (folder / rel).resolve(strict=True)
    except FileNotFoundError:
        raise NotAPicture(
            f"There is no picture {rel} in the issue folder.", _nearby(folder, rel)
        ) from None
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise NotAPicture(f"{rel} cannot be opened (a loop of links?).", copy_in) from None
    if not path.is_relative_to(root):
        raise NotAPicture(f"The picture {src} is outside the issue folder.", copy_in)
    try:
        st = os.stat(path)
    except OSError as e:
        raise NotAPicture(f"{rel} cannot be read: {e.strerror}.", copy_in) from None
    if not stat.S_ISREG(st.st_mode):
        raise NotAPicture(f"{rel} is not a picture file.", "Point at a .jpg, .png, .gif or .webp.")
    if st.st_size > MAX_BYTES:
        raise NotAPicture(
            f"The picture {rel} is {st.st_size / 1024 / 1024:.0f} MB, too large to send.",
            "Resize it to 1200 pixels wide and save it as JPEG: a few hundred KB.",
        )
    try:
        data = read_regular(path, MAX_BYTES)
    except OSError as e:
        raise NotAPicture(f"{rel} cannot be read: {e.strerror}.", copy_in) from None
    found = image_size(data)
    if found is None:
        raise NotAPicture(
            f"{rel} is not a picture that email can show (PNG, JPEG, GIF or WebP).",
            "Save it as JPEG (photos) or PNG (drawings) and point at that file.",
        )
    mime, width, height = found
    return LocalImage(
        rel=path.relative_to(root).as_posix(),
        path=path,
        mime=mime,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
    )


def _nearby(folder: Path, rel: str) -> str:
    """A hint for a picture that is not there: the nearest name of a picture that is."""
    from copro_news.suggest import closest

    found = []
    try:
        for p in sorted(folder.rglob("*")):
            if p.suffix.lower() in IMAGE_SUFFIXES and "build" not in p.relative_to(folder).parts:
                found.append(p.relative_to(folder).as_posix())
            if len(found) > 200:
                break
    except OSError:
        pass
    close = closest(rel, found)
    if close:
        return f"Did you mean {close}?"
    return (
        "Put the picture in the issue folder (an images/ folder in it is tidy) and write its "
        "path from there, like images/sun.jpg."
    )
