"""Known words: an English word list, the workspace's own words and the settings' list.

The English list is pyspellchecker's (MIT; about 160,000 words with their frequencies),
read from the installed package, so it works offline. Loading it whole costs ~70 ms, and a
run asks for a few dozen words: so the first run writes it once as a lookup table (an
open-addressing hash table, read through mmap) in the user's cache folder, and later runs
look up only the words they need. The table is named after the word list's identity
(pyspellchecker's version, the file's path, size and time), so an upgrade makes a new
one. When the cache folder cannot be written or the table is damaged, the list is loaded
whole, as before: same answers, only slower.
"""

from __future__ import annotations

import contextlib
import re
import struct
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import mmap

    from copro_news.checks.registry import Context

# Words of the trade that the general list lacks and that split into two known words.
_EXTRA_WORDS = """
    inbox inboxes onboarding offboarding onsite inperson asexual agender aromantic
    coproduction coproduce coproduced coproducing codesign codesigned cocreate cocreation
    webinar webinars wellbeing meetup meetups signup signups livestream upskill upskilling
    toolkit toolkits async addon addons admin admins builtin
"""
EXTRA_WORDS = frozenset(_EXTRA_WORDS.split())

WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


class Frequencies(Protocol):
    """A word list: how often each word occurs (0 for a word that is not in it)."""

    def get(self, word: str, default: int = 0) -> int: ...

    def __contains__(self, word: str) -> bool: ...


class InMemory:
    """The whole word list as a dict."""

    def __init__(self, words: dict[str, int]) -> None:
        self.words = words

    def get(self, word: str, default: int = 0) -> int:
        return self.words.get(word, default)

    def __contains__(self, word: str) -> bool:
        return word in self.words


def word_list_file() -> Path | None:
    """pyspellchecker's English list, found without importing pyspellchecker."""
    from importlib.util import find_spec

    spec = find_spec("spellchecker")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "resources" / "en.json.gz"


def load_word_list(path: Path | None = None) -> dict[str, int]:
    """{word: frequency} from pyspellchecker's English list, the whole of it."""
    import gzip
    import json

    if path is None:
        path = word_list_file()
    if path is None:
        from importlib.resources import files

        data = (files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    else:
        data = path.read_bytes()
    words: dict[str, int] = json.loads(gzip.decompress(data))
    return words


# -- the lookup table ---------------------------------------------------------------------
# A file: header | slots (uint32 offsets, 0 = empty; a power of two of them) | records.
# A record: word length (uint16), the word in UTF-8, its frequency (uint64); all little-end.
# A word's first slot is crc32(word) modulo the slot count; collisions probe the next slots.
TABLE_FORMAT = 1
_MAGIC = b"copro-news words\n"
# magic, format, slot count, word count, longest probe, file size, 1 + frequency of "the"
_HEADER = struct.Struct("<17sxHIIIIQ")
_PROBE_WORD = "the"  # looked up on opening: a table that does not know it is damaged


def _identity(source: Path) -> str:
    """A short name for this word list: pyspellchecker's version, the file, its size and time."""
    import zlib

    stat = source.stat()
    version = "?"
    try:
        info = (source.parent.parent / "info.py").read_text(encoding="utf-8")
        found = re.search(r"__version__\s*=\s*[\"']([^\"']+)", info)
        version = found.group(1) if found else "?"
    except OSError:
        pass
    key = f"{TABLE_FORMAT}|{version}|{source}|{stat.st_size}|{stat.st_mtime_ns}"
    return f"{version}-{zlib.crc32(key.encode('utf-8')):08x}"


def table_path(cache: Path, source: Path) -> Path:
    """Where the lookup table of ``source`` lives in the cache folder."""
    return cache / f"words-{_identity(source)}.bin"


def build_table(words: dict[str, int]) -> bytes:
    """The lookup table of ``words``, as the bytes of its file."""
    import zlib
    from array import array

    nslots = 1 << max(4, (len(words) * 2 - 1).bit_length())  # at most half full
    mask = nslots - 1
    slots = array("I", bytes(4 * nslots))
    records = bytearray()
    base = _HEADER.size + 4 * nslots
    longest = 0
    pack = struct.Struct("<H").pack
    for word, freq in words.items():
        raw = word.encode("utf-8")
        i = zlib.crc32(raw) & mask
        probes = 0
        while slots[i]:
            i = (i + 1) & mask
            probes += 1
        longest = max(longest, probes)
        slots[i] = base + len(records)
        records += pack(len(raw)) + raw + int(freq).to_bytes(8, "little")
    size = base + len(records)
    if size >= 1 << 32:
        raise ValueError("word list too large for the lookup table")
    probe = words[_PROBE_WORD] + 1 if _PROBE_WORD in words else 0
    header = _HEADER.pack(_MAGIC, TABLE_FORMAT, nslots, len(words), longest, size, probe)
    return header + slots.tobytes() + bytes(records)


class DamagedTable(Exception):
    """The lookup table file is not one this version wrote, or is cut short."""


class Table:
    """Look words up in a table file without reading the rest of it."""

    def __init__(self, buf: bytes | mmap.mmap, source: Path | None = None) -> None:
        import sys
        import zlib

        self._crc32 = zlib.crc32
        if len(buf) < _HEADER.size:
            raise DamagedTable("too short")
        magic, fmt, nslots, count, longest, size, the = _HEADER.unpack_from(buf, 0)
        if magic != _MAGIC or fmt != TABLE_FORMAT or size != len(buf):
            raise DamagedTable("not a word table of this version, or cut short")
        self._base = _HEADER.size + 4 * nslots  # where the records start
        if nslots & (nslots - 1) or nslots < count or longest >= nslots or self._base > size:
            raise DamagedTable("bad slot count")
        if sys.byteorder != "little":  # pragma: no cover
            raise DamagedTable("the table is little-endian")
        self._buf = buf
        self._slots = memoryview(buf)[_HEADER.size : self._base].cast("I")
        self._mask = nslots - 1
        self._probes = longest + 1
        self._source = source
        self._whole: InMemory | None = None  # the list loaded whole, if the table fails us
        self._seen: dict[str, int | None] = {}
        if self._lookup(_PROBE_WORD) != (the - 1 if the else None):
            raise DamagedTable("wrong answer for a known word")

    def _lookup(self, word: str) -> int | None:
        raw = word.encode("utf-8", "surrogatepass")
        n = len(raw)
        buf, slots, mask = self._buf, self._slots, self._mask
        i = self._crc32(raw) & mask
        for _ in range(self._probes):
            at = slots[i]
            if not at:
                return None
            if at < self._base:
                raise ValueError("a slot points into the slots")
            if buf[at] | buf[at + 1] << 8 == n and buf[at + 2 : at + 2 + n] == raw:
                return int.from_bytes(buf[at + 2 + n : at + 10 + n], "little")
            i = (i + 1) & mask
        return None

    def _find(self, word: str) -> int | None:
        if word in self._seen:
            return self._seen[word]
        if self._whole is None:
            try:
                found = self._lookup(word)
            except (IndexError, ValueError):  # the file changed under us: load the list
                self._whole = InMemory(load_word_list(self._source))
        if self._whole is not None:
            found = self._whole.words.get(word)
        self._seen[word] = found
        return found

    def get(self, word: str, default: int = 0) -> int:
        found = self._find(word)
        return default if found is None else found

    def __contains__(self, word: str) -> bool:
        return self._find(word) is not None


def open_table(path: Path, source: Path | None = None) -> Table:
    """The table in ``path``; OSError if it cannot be read, DamagedTable if it is damaged.
    ``source`` is the word list, loaded whole should the table fail later."""
    import mmap

    with open(path, "rb") as f:
        try:
            buf: bytes | mmap.mmap = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):  # empty, or a file system without mmap
            buf = f.read()
    return Table(buf, source)


def _write_table(path: Path, data: bytes) -> None:
    from copro_news.fsutil import atomic_write

    atomic_write(path, data)
    for old in path.parent.glob("words-*.bin"):  # the tables of earlier word lists
        if old.name != path.name:
            with contextlib.suppress(OSError):
                old.unlink()


def cached_english(cache: Path | None = None) -> Frequencies:
    """The English list: through its lookup table in the cache folder, made the first time;
    the whole list in memory when the table cannot be read or written."""
    from copro_news.fsutil import user_cache_dir

    source = word_list_file()
    if source is None:
        return InMemory(load_word_list())
    try:
        path = table_path(user_cache_dir() if cache is None else cache, source)
    except (OSError, RuntimeError):  # no word list file, or no home folder to cache in
        return InMemory(load_word_list())
    try:
        return open_table(path, source)
    except (OSError, DamagedTable, ValueError, TypeError, IndexError, struct.error):
        pass  # not made yet, or damaged: make it again
    words = load_word_list(source)
    with contextlib.suppress(OSError, ValueError):  # a cache that cannot be written costs
        _write_table(path, build_table(words))  # time, never an answer
    return InMemory(words)


@lru_cache(maxsize=1)
def english() -> Frequencies:
    """How often each English word occurs, from pyspellchecker's list (0: not a word)."""
    return cached_english()


# British spellings, and the American ones the word list has: colour/color, centre/center.
_BRITISH = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("ours", "ors"),
    ("our", "or"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("ourite", "orite"),
    ("ourites", "orites"),
    ("tres", "ters"),
    ("tre", "ter"),
    ("mmes", "ms"),
    ("mme", "m"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ogue", "og"),
    ("ence", "ense"),
    ("ement", "ment"),
)


def is_english(word: str) -> bool:
    low = word.lower()
    words = english()
    if low in words or low in EXTRA_WORDS:
        return True
    for british, american in _BRITISH:
        if low.endswith(british) and low[: -len(british)] + american in words:
            return True
    return False


def _tokens(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def workspace_words(ctx: Context) -> frozenset[str]:
    """Words the team uses: the settings' ``[check] words``, the newsletter's name, every word
    of the other issues in drafts/, and words used in two or more files of this issue."""
    if "workspace_words" in ctx.cache:
        return ctx.cache["workspace_words"]
    from copro_news.content import MAX_FILE_BYTES
    from copro_news.fsutil import read_regular

    settings = ctx.ws.settings
    known: set[str] = set()
    for entry in settings.check.words:
        known.update(_tokens(entry))
    known.update(_tokens(settings.name))
    known.update(_tokens(settings.sender.name))
    this = ctx.issue.folder.resolve()
    drafts = ctx.ws.drafts
    if drafts.is_dir():
        for folder in drafts.iterdir():
            if not folder.is_dir() or folder.resolve() == this:
                continue
            for path in folder.rglob("*.md"):
                if "build" in path.relative_to(folder).parts:
                    continue
                try:  # a regular file of a snippet's size: never a pipe, never without end
                    raw = read_regular(path, MAX_FILE_BYTES)
                except OSError:
                    continue
                known.update(_tokens(raw.decode("utf-8", errors="replace")))
    seen_in: Counter[str] = Counter()
    for src in ctx.issue.files():
        seen_in.update(set(_tokens(src.text)))
    known.update(w for w, n in seen_in.items() if n >= 2)
    result = frozenset(known)
    ctx.cache["workspace_words"] = result
    return result
