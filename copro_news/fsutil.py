"""Atomic file writes (a file is either the old one or the whole new one, never half written),
and the user's cache folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
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
    import errno
    import stat

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
