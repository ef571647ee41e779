"""The persistent cache's files: an entry's bytes, the texts entries share, and a pack of them with its index.

An **entry** is a header line, ``reviewtool-cache <format> <kind> <fingerprint> <key>
<length> <crc32>``, then the ids of the texts it refers to (one line: a JSON array, ``[]``
for none; see bodies, below), then its parts, each one line of JSON (orjson): data only,
never code (no pickle). A part is read alone (a version's statistics without its
sections). An entry whose header, length, checksum or JSON is wrong, or one of whose texts
is missing or damaged, is damaged, and read as absent.

A **body** is one text an entry refers to by its id instead of holding it: the text in
UTF-8 (it may hold newlines: the index says where it ends), and its id the BLAKE2b hash
(128 bits, hex) of those bytes. Consecutive versions of a draft share most of their
sections, so the plain texts of a section are written once per pack, not once per version
that has them (on a generated history of 1,000 versions, a tenth of the bytes). The id
checks the body when it is read.

A **pack** holds the entries one process wrote (as git packs objects), one per line, and the
bodies they refer to, with an index that finds one entry or body without reading the others::

    reviewtool-pack <format> <kind> <fingerprint>
    <entry>
    <entry>
    ...
    <body>
    ...
    {"<key>": [<offset>, <length>], ..., "=<body id>": [<offset>, <length>], ...}
    reviewtool-pack-index <format> <offset> <length> <crc32>

The last line says where the index (one JSON object: each key's entry, and each body's id
after a ``=``, as its offset and length in the file) starts, how long it is and its
checksum. A reader reads the first line and the last, then the index, once; each entry is
then one read at its offset (:meth:`Pack.read`), checked by its own header and checksum,
and the bodies it refers to (:meth:`Pack.bodies`: one read for many), each checked by its id. Every pack
holds the bodies of its own entries: none depends on another pack, so trimming or
repacking one never damages another. A pack whose first or last line, or index, is wrong
is damaged as a whole (:meth:`Pack.open` gives a pack with no index); the cache
(:mod:`reviewtool.draft.cache`) writes packs whole (a temporary file renamed into place)
and never changes one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
import weakref
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

_MAGIC = b"reviewtool-cache"
_PACK_MAGIC = b"reviewtool-pack"
_TRAILER = re.compile(rb"reviewtool-pack-index (\d+) (\d+) (\d+) (\d+)")
#: The longest last line of a pack, with room to spare.
_TAIL = 128
#: The prefix and suffix of a pack's file name (``pack-<sha1 of its bytes>.pack``).
PACK_PREFIX = "pack-"
PACK_SUFFIX = ".pack"
#: What a body's id follows in a pack's index (no entry's key starts with it).
BODY_PREFIX = "="
_STR = {str}
#: Bodies read together from one pack are read as one span when it is at most this many times their bytes.
_SPAN_SLACK = 8


def pack_name(name: str) -> bool:
    """Whether *name* is a pack's file name (not a temporary file, not a folder of older versions)."""
    return name.startswith(PACK_PREFIX) and name.endswith(PACK_SUFFIX)


# ---------------------------------------------------------------------- entries
def encode_entry(parts: tuple[Any, ...], fmt: int, kind: str, fingerprint: str, key: str,
                 refs: Sequence[str] = ()) -> bytes:
    """The bytes of an entry of *parts* that refers to the bodies *refs* (their ids; raises
    TypeError or ValueError for what JSON cannot keep)."""
    import orjson

    payload = b"\n".join([orjson.dumps(refs), *map(orjson.dumps, parts)])  # orjson never writes a raw newline
    header = f"{kind} {fingerprint} {key} {len(payload)} {zlib.crc32(payload)}"
    return b"%s %d %s\n%s" % (_MAGIC, fmt, header.encode(), payload)


def entry_payload(data: bytes, fmt: int, kind: str, fingerprint: str, key: str) -> bytes | None:
    """The payload of an entry's bytes (its refs' line, then its parts), or None when its
    header, length or checksum is wrong."""
    end = data.find(b"\n", 0, 400)
    if end < 0:
        return None
    payload = data[end + 1 :]
    expected = b"%s %d %s %s %s %d %d" % (_MAGIC, fmt, kind.encode(), fingerprint.encode(), key.encode(),
                                          len(payload), zlib.crc32(payload))
    return payload if data[:end] == expected else None


def entry_part(payload: bytes, part: int) -> Any:
    """Part *part* of *payload* decoded, or None (no such part, or not JSON)."""
    import orjson

    start = 0
    for _ in range(part + 1):  # (the first line is the refs')
        start = payload.find(b"\n", start) + 1
        if start == 0:
            return None
    end = payload.find(b"\n", start)
    try:
        return orjson.loads(payload[start : end if end >= 0 else len(payload)])
    except orjson.JSONDecodeError:
        return None


def entry_refs(payload: bytes) -> list[str] | None:
    """The ids of the bodies *payload* refers to, or None when its refs' line is not a list
    of strings (one that is no body's id is found nowhere)."""
    import orjson

    end = payload.find(b"\n")
    try:
        refs = orjson.loads(payload[: end if end >= 0 else len(payload)])
    except orjson.JSONDecodeError:
        return None
    if type(refs) is not list or (refs and set(map(type, refs)) != _STR):
        return None
    return refs


def entry_whole(data: bytes, fmt: int, kind: str, fingerprint: str, key: str) -> list[str] | None:
    """The ids of the bodies an entry refers to when its bytes are whole (header, length,
    checksum, refs and every part JSON); None when they are not."""
    import orjson

    payload = entry_payload(data, fmt, kind, fingerprint, key)
    if payload is None:
        return None
    refs = entry_refs(payload)
    if refs is None:
        return None
    try:
        for line in payload.split(b"\n")[1:]:
            orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return refs


def encode_body(text: str) -> tuple[str, bytes]:
    """The id and the bytes of the body of *text* (raises ValueError for a lone surrogate)."""
    data = text.encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest(), data


def body_text(data: bytes | None, body_id: str) -> str | None:
    """The text of the body *data* when its id is *body_id*; None when it is not (damaged, or absent)."""
    if data is None or hashlib.blake2b(data, digest_size=16).hexdigest() != body_id:
        return None
    try:
        return data.decode()
    except UnicodeDecodeError:  # (not expected: the id matched)
        return None


# ---------------------------------------------------------------------- packs
def _header(fmt: int, kind: str, fingerprint: str) -> bytes:
    return b"%s %d %s %s\n" % (_PACK_MAGIC, fmt, kind.encode(), fingerprint.encode())


def build_pack(entries: Iterable[tuple[str, bytes]], fmt: int, kind: str, fingerprint: str,
               bodies: Mapping[str, bytes] | None = None) -> tuple[bytes, dict[str, list[int]]]:
    """The bytes of a pack of *entries* (key, entry bytes) and of the *bodies* they refer to
    (id, body bytes), and its index."""
    import orjson

    chunks = [_header(fmt, kind, fingerprint)]
    offset = len(chunks[0])
    index: dict[str, list[int]] = {}
    for key, data in entries:
        index[key] = [offset, len(data)]
        chunks += (data, b"\n")
        offset += len(data) + 1
    for body_id, data in (bodies or {}).items():
        index[BODY_PREFIX + body_id] = [offset, len(data)]
        chunks += (data, b"\n")
        offset += len(data) + 1
    table = orjson.dumps(index)
    chunks += (table, b"\nreviewtool-pack-index %d %d %d %d\n" % (fmt, offset, len(table), zlib.crc32(table)))
    return b"".join(chunks), index


def _index(read: Any, size: int, fmt: int, kind: str, fingerprint: str) -> dict[str, list[int]] | None:
    """The index of a pack of *size* bytes, read with ``read(length, offset)``; None when damaged."""
    import orjson

    header = _header(fmt, kind, fingerprint)
    if size < len(header) or read(len(header), 0) != header:
        return None
    tail_length = min(size, _TAIL)
    tail = read(tail_length, size - tail_length)
    if not tail.endswith(b"\n"):
        return None
    line = tail[tail.rfind(b"\n", 0, len(tail) - 1) + 1 : -1]
    m = _TRAILER.fullmatch(line)
    if m is None or int(m.group(1)) != fmt:
        return None
    offset, length, crc = int(m.group(2)), int(m.group(3)), int(m.group(4))
    if offset + length + 1 + len(line) + 1 != size:
        return None
    table = read(length, offset)
    if len(table) != length or zlib.crc32(table) != crc:
        return None
    try:
        index = orjson.loads(table)
    except orjson.JSONDecodeError:
        return None
    return index if isinstance(index, dict) else None


class Pack:
    """One pack opened for reading: its file kept open (a pack removed meanwhile, by a trim
    or a repack in another process, still reads whole) and its index read once."""

    def __init__(self, path: Path, fd: int, index: dict[str, list[int]] | None, mtime: float, size: int) -> None:
        self.path = path
        self.fd = fd
        #: Key -> [offset, length] of its entry; None: the pack is damaged.
        self.index = index
        self.mtime = mtime
        self.size = size
        #: Whether this process marked the pack used already.
        self.touched = False
        self._lock = threading.Lock()  # for systems without os.pread
        # The file is closed by close(), or when the pack is dropped: a cache no one closes
        # (a long-lived process, a test) must not keep its packs' files open for ever.
        self._closer = weakref.finalize(self, _close_fd, fd)

    @classmethod
    def open(cls, path: Path, fmt: int, kind: str, fingerprint: str) -> Pack:
        """The pack at *path* (OSError when it cannot be opened: removed meanwhile)."""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            stat = os.fstat(fd)
        except BaseException:
            os.close(fd)
            raise
        pack = cls(path, fd, None, stat.st_mtime, stat.st_size)  # the pack owns fd from here
        try:
            pack.index = _index(pack._read, stat.st_size, fmt, kind, fingerprint)
        except BaseException:
            pack.close()
            raise
        return pack

    def _read(self, length: int, offset: int) -> bytes:
        if hasattr(os, "pread"):
            return os.pread(self.fd, length, offset)
        with self._lock:  # pragma: no cover - Windows
            os.lseek(self.fd, offset, os.SEEK_SET)
            return os.read(self.fd, length)

    def read(self, key: str) -> bytes | None:
        """The bytes of *key*'s entry (unchecked; a body's: ``=`` and its id), or None when
        the index has no (sound) place for it."""
        place = self.index.get(key) if self.index is not None else None
        if place is None:
            return None
        try:
            offset, length = place
            return self._read(length, offset) if offset > 0 and 0 < length <= self.size else None
        except (TypeError, ValueError, OverflowError, OSError):  # an index that is JSON but not of places
            return None

    def bodies(self, body_ids: Iterable[str]) -> dict[str, str]:
        """The texts of those of the bodies *body_ids* this pack has whole (each checked by its
        id): read as one span when they lie close together (a version's, written with it),
        else one read each."""
        index = self.index
        if index is None:
            return {}
        places: list[tuple[int, int, str]] = []
        for body_id in body_ids:
            place = index.get(BODY_PREFIX + body_id)
            try:
                offset, length = place  # type: ignore[misc]  # (checked below)
                if type(offset) is int and type(length) is int and offset > 0 and 0 <= length <= self.size:
                    places.append((offset, length, body_id))
            except (TypeError, ValueError):  # absent, or an index that is JSON but not of places
                continue
        if not places:
            return {}
        first = min(offset for offset, _, _ in places)
        span = max(offset + length for offset, length, _ in places) - first
        found: dict[str, str] = {}
        try:
            if len(places) > 1 and span <= _SPAN_SLACK * sum(length for _, length, _ in places):
                data = self._read(span, first)
                for offset, length, body_id in places:
                    text = body_text(data[offset - first : offset - first + length], body_id)
                    if text is not None:
                        found[body_id] = text
            else:
                for offset, length, body_id in places:
                    text = body_text(self._read(length, offset), body_id)
                    if text is not None:
                        found[body_id] = text
        except (OverflowError, OSError):
            pass
        return found

    def close(self) -> None:
        """Close the pack's file (once: a second call does nothing)."""
        self._closer()


def _close_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def pack_entries(data: bytes, fmt: int, kind: str, fingerprint: str) -> tuple[list[tuple[str, bytes]], int]:
    """The whole entries of the pack *data* (key, bytes), and how many are damaged (an
    unreadable index counts as one); see :func:`pack_contents`."""
    found, damaged, _, _ = pack_contents(data, fmt, kind, fingerprint)
    return found, damaged


def pack_contents(data: bytes, fmt: int, kind: str,
                  fingerprint: str) -> tuple[list[tuple[str, bytes]], int, dict[str, bytes], dict[str, list[str]]]:
    """What the pack *data* holds whole: its entries (key, bytes: an entry is whole when
    its bytes are, and every body it refers to), how many are damaged (an unreadable index
    counts as one), the bodies they refer to (id, bytes) and each entry's refs."""

    def read(length: int, offset: int) -> bytes:
        return data[offset : offset + length]

    index = _index(read, len(data), fmt, kind, fingerprint)
    if index is None:
        return [], 1, {}, {}

    def place(key: str) -> bytes | None:
        """The bytes *key* names (an entry's, never empty; a body's, empty for an empty text),
        or None where the index has no sound place for them."""
        try:
            offset, length = index[key]
            if type(offset) is int and type(length) is int and offset > 0 and length >= 0 \
                    and offset + length <= len(data):
                return data[offset : offset + length]
        except (TypeError, ValueError, KeyError):
            pass
        return None

    found: list[tuple[str, bytes]] = []
    bodies: dict[str, bytes] = {}
    refs_of: dict[str, list[str]] = {}
    bad_bodies: set[str] = set()
    damaged = 0
    for key in index:
        if key.startswith(BODY_PREFIX):
            continue
        entry = place(key)
        refs = entry_whole(entry, fmt, kind, fingerprint, key) if entry else None
        if refs is not None:
            for body_id in refs:
                if body_id in bodies:
                    continue
                body = place(BODY_PREFIX + body_id) if body_id not in bad_bodies else None
                if body is not None and body_text(body, body_id) is not None:
                    bodies[body_id] = body
                else:
                    bad_bodies.add(body_id)
                    refs = None
                    break
        if refs is not None and entry is not None:
            found.append((key, entry))
            refs_of[key] = refs
        else:
            damaged += 1
    used = {body_id for refs in refs_of.values() for body_id in refs}
    return found, damaged, {k: v for k, v in bodies.items() if k in used}, refs_of


def scan(folder: str) -> Iterator[os.DirEntry[str]]:
    """The entries of *folder*; none when it cannot be listed."""
    try:
        with os.scandir(folder) as it:
            found = list(it)
    except OSError:
        return
    yield from found
