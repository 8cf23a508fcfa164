"""Small helpers shared by the tests: snippets written inline, pictures made on the spot."""

from __future__ import annotations

import struct
import zlib


def snippet(front: str, body: str = "Some text.\n") -> str:
    return f"---\n{front.strip()}\n---\n{body}"


ISSUE_MD = snippet('subject: "Team update: December 2026"\ndate: 2026-12-01', "Hello.\n")


def png(width: int, height: int, colour: bytes = b"\x20\x60\xa0") -> bytes:
    """A real PNG of ``width`` x ``height`` pixels, all of one ``colour`` (RGB)."""
    raw = zlib.compress((b"\x00" + colour * width) * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
