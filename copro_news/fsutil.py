"""Atomic file writes (a file is either the old one or the whole new one, never half written),
and the user's cache folder."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A new file gets the permissions the user's umask gives (as any program's new file); a
    file written again keeps its own. ``path`` itself is replaced: a caller that means to
    write through a symbolic link resolves it first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        st = os.lstat(path)
        mode = stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else None
    except OSError:
        mode = None
    fd, tmp = new_temporary(path)
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode)
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of the regular file ``path``; OSError for anything else.

    Opened without waiting, so a FIFO (a named pipe) never blocks, and refused once open:
    a device such as /dev/zero is never read without end.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        chunks = []
        left = limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def new_temporary(path: Path) -> tuple[int, str]:
    """A new, empty file beside ``path``, made with mode 0666 so that the umask applies
    (tempfile.mkstemp makes 0600 whatever the umask)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No temporary file name is free", str(path.parent))


def create_new(path: Path, data: str, *, encoding: str = "utf-8") -> bool:
    """Write a new file; return False (and write nothing) if ``path`` already exists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding=encoding, newline="\n") as f:
            f.write(data)
    except FileExistsError:
        return False
    return True


def user_cache_dir(*parts: str) -> Path:
    """A folder of the user's cache: $XDG_CACHE_HOME/copro-news/..., or ~/.cache/copro-news/...

    Only what can be made again lives there; it may be missing or not writable: the
    caller makes it, and does without the cache if it cannot.
    """
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root.joinpath("copro-news", *parts)
