"""The persistent cache: what reviewtool computed from git objects, kept by their ids.

Git objects never change, so whatever is computed from them alone (a version's parsed
section tree and statistics, the change between two versions) can be kept by their ids and
reused by every later run, as git never recomputes what an object id names. The cache
lives in ``<git common dir>/reviewtool/cache/``, one folder per kind and fingerprint, and
in it the packs written by every run that computed something::

    cache/<kind>-<fingerprint>/pack-<sha1>.pack

*kind* names what is stored (``doc``: a parsed version, by blob id; ``change``: what a
version changed, by the pair of blob ids) and *fingerprint* hashes everything besides the
key that the value depends on: the cache format and the source of the code that computes
it, with the versions of the libraries it uses (:func:`source_fingerprint`). A new
reviewtool, or a changed parser, reads a new folder and never a stale value; the old
folders are never read again and go first when the cache is trimmed.

**Writing.** As git packs objects, a process does not write an entry as it is computed:
:meth:`Cache.put` keeps it in memory, and :meth:`Cache.flush` writes everything kept as
one pack (:mod:`reviewtool.draft.cache_pack`: the entries, JSON lines behind checked
headers, data only, never code, the texts they share, and an index of where each one is). A pack is written to
a temporary file in the same folder and renamed into place, so readers see a whole pack or
none, and several processes may write at once (each writes its own pack). Making a file
is most of what writing one costs (a cold ``log`` of 1,000 versions made 2,001 of them: a
fifth of its time was the kernel's ``open``); a pack is one. The cache is flushed at the
end of every command (:func:`flush_all`; the CLI group does it, and an ``atexit`` hook
for any other program), after each worker task of the terminal UI, and whenever what is
kept passes :data:`_FLUSH_BYTES`. A process that stops before flushing loses only cache.
Entries are not compressed: zlib took longer than the rest of writing a parsed version,
and inflating it longer than reading one. What entries repeat is written once instead: an
entry may refer to texts (:meth:`Cache.put`'s *texts*: a parsed version's sections' plain
texts, most of which the next version has too), each kept in the pack once, by the hash of
its bytes, however many of the pack's entries refer to it (:meth:`Cache.get_texts` reads
them back; a text already read or written by this process is neither read nor hashed again).

**Reading.** The first lookup in a folder lists its packs and reads each one's index
(not its entries), once per process; each entry is then one read at its offset, checked by
its own header and checksum, and the texts it refers to that this process has not met yet
one more (the span of the pack that holds them), each checked by its hash. A key found
nowhere makes the folder listed again when it changed since (its modification time): packs
written meanwhile by other processes are seen. Packs are kept open, so one removed
meanwhile (by another process's trim or repack) still reads whole; one that cannot be
opened any more is absent. A damaged pack (its first or last line or its index wrong) or
entry (header, length, checksum, JSON, a text it refers to missing or not matching its
hash) is ignored: the value is computed again and written in the next pack, and the
damaged pack is repacked without it when that pack is written (never an error).

**Bounded.** The cache is bounded (:data:`DEFAULT_MAX_BYTES`, or ``git config
reviewtool.cacheSize``, e.g. ``64m``) by whole packs: reading an entry of a pack marks the
pack used (its modification time, once per process), and a process that wrote a pack trims
the cache, least recently used packs first, when it is over the bound (measured after its
first pack, then after each eighth of the bound it wrote). When a folder holds
more than :data:`_PACK_LIMIT` packs, the small ones are repacked into one, as ``git gc
--auto`` does (``git repack --geometric=2``: the packs left each at least twice the size of
the next smaller, so a few large packs are rewritten rarely), entries of newer packs kept
first, up to the bound. It is only a cache: deleting the folder loses nothing, ``--no-cache`` bypasses
it, and where it cannot be written (a read-only repository) everything works as before,
only slower. ``reviewtool doctor`` reports its size, entries, packs and damage
(:meth:`Cache.report`).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from reviewtool.draft.cache_pack import (
    PACK_PREFIX,
    PACK_SUFFIX,
    Pack,
    body_text,
    build_pack,
    encode_body,
    encode_entry,
    entry_part,
    entry_payload,
    entry_refs,
    pack_contents,
    pack_entries,
    pack_name,
    scan,
)
from reviewtool.errors import ReviewtoolError
from reviewtool.git.repo import GitRepo, RunningGit
from reviewtool.records import record

#: Bump when the layout or the entry format changes.
CACHE_FORMAT = 5
#: The bound on the cache's size when ``reviewtool.cacheSize`` does not set one.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
#: Trimming removes least recently used packs until the cache is this share of its bound.
_TRIM_TO = 0.8
#: A used pack is marked used again only when its mark is older than this (seconds).
_TOUCH_AFTER = 600
#: Temporary files older than this (seconds) were left by a process that died: removed when trimming.
_STALE_TEMP = 3600
#: Entries kept in memory are written as a pack when they pass this many bytes.
_FLUSH_BYTES = 8 * 1024 * 1024
#: A folder with more packs than this has its small packs repacked into one.
_PACK_LIMIT = 8
#: Texts (bodies) whose ids, or whose ids' texts, a process keeps: a draft's sections, many versions over.
_TEXTS_KEPT = 16384
_KEY = re.compile(r"[0-9a-f]{4,}(?:-[0-9a-f]{4,})*")
_NAME = re.compile(r"[a-z]+")
_SIZE = re.compile(r"\s*(\d+)\s*([kmg]?)b?\s*", re.I)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def source_fingerprint(files: Sequence[str | None], packages: tuple[str, ...] = (), also: str = "") -> str:
    """A hash of the cache format, of *files* (our modules' sources), of the ``__init__.py``
    of each of *packages* (it holds the version; found without importing the package) and
    of *also* (another fingerprint the value depends on)."""
    digest = hashlib.sha256(f"reviewtool-cache {CACHE_FORMAT} {also}".encode())
    for name in packages:
        spec = importlib.util.find_spec(name)
        files = [*files, spec.origin if spec is not None else None]
    for file in files:
        digest.update(b"\0")
        if file is not None:
            with contextlib.suppress(OSError):
                digest.update(_file_bytes(file))
    return digest.hexdigest()[:16]


def module_files(folder: str) -> list[str]:
    """The ``.py`` files of *folder*, sorted: what ``sorted(str(p) for p in
    Path(folder).glob("*.py"))`` lists, without its pattern and path objects."""
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".py"))


def _file_bytes(file: str) -> bytes:
    """The bytes of *file*, as ``Path.read_bytes`` reads them, without a buffered reader: every
    command that reads the cache hashes fifty of our modules (:func:`source_fingerprint`); 0.9
    instead of 1.3 ms."""
    fd = os.open(file, os.O_RDONLY)
    try:
        parts = []
        while chunk := os.read(fd, 1 << 20):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def parse_size(text: str) -> int | None:
    """``64m``, ``1g``, ``500000``: a size in bytes; None when *text* is none of these."""
    m = _SIZE.fullmatch(text)
    return int(m.group(1)) * _UNITS[m.group(2).lower()] if m else None


@record
class NamespaceReport:
    """One ``<kind>-<fingerprint>`` folder: its entries (distinct keys), packs and bytes;
    *current* when this reviewtool reads it."""

    name: str
    entries: int = 0
    packs: int = 0
    bytes: int = 0
    damaged: int = 0
    current: bool = False


@record
class CacheReport:
    """The state of the cache for ``reviewtool doctor``."""

    path: str
    exists: bool
    max_bytes: int
    entries: int = 0
    packs: int = 0
    bytes: int = 0
    damaged: int = 0
    temporary: int = 0
    namespaces: list[NamespaceReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "exists": self.exists, "max_bytes": self.max_bytes, "entries": self.entries,
                "packs": self.packs, "bytes": self.bytes, "damaged": self.damaged, "temporary": self.temporary,
                "namespaces": [vars(n) for n in self.namespaces], "problems": list(self.problems)}


class _Space:
    """One ``<kind>-<fingerprint>`` folder as this process sees it: the packs it listed
    (newest first), and the entries kept in memory until the next flush."""

    def __init__(self, folder: Path, kind: str, fingerprint: str) -> None:
        self.folder = folder
        self.kind = kind
        self.fingerprint = fingerprint
        self.packs: list[Pack] = []
        #: The folder's modification time and size when last listed (None: absent; ``()``: never listed).
        self.stamp: tuple[int, int] | tuple[()] | None = ()
        #: Key -> (entry bytes, the ids of the bodies it refers to), and id -> body bytes:
        #: kept in memory until the next flush; then being written while it flushes.
        self.buffer: dict[str, tuple[bytes, tuple[str, ...]]] = {}
        self.bodies: dict[str, bytes] = {}
        self.flushing: dict[str, tuple[bytes, tuple[str, ...]]] = {}
        self.flushing_bodies: dict[str, bytes] = {}
        #: Names of packs found damaged (their index, or an entry): repacked at the next flush.
        self.damaged: set[str] = set()

    def folder_stamp(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.folder)
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def relist(self) -> bool:
        """List the folder's packs again when it changed since last listed; whether it had."""
        stamp = self.folder_stamp()
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        known = {p.path.name: p for p in self.packs}
        packs: list[Pack] = []
        for entry in scan(str(self.folder)) if stamp is not None else ():
            if not pack_name(entry.name):
                continue
            pack = known.pop(entry.name, None)
            if pack is None:
                try:
                    pack = Pack.open(Path(entry.path), CACHE_FORMAT, self.kind, self.fingerprint)
                except OSError:  # removed meanwhile
                    continue
                if pack.index is None:
                    self.damaged.add(entry.name)
            packs.append(pack)
        for gone in known.values():
            gone.close()
        self.packs = sorted(packs, key=lambda p: -p.mtime)
        return True

    def add(self, pack: Pack) -> None:
        self.packs = [pack, *(p for p in self.packs if p.path.name != pack.path.name)]

    def drop(self, names: set[str]) -> None:
        for pack in self.packs:
            if pack.path.name in names:
                pack.close()
        self.packs = [p for p in self.packs if p.path.name not in names]


class Cache:
    """The cache folder of one repository (see the module docs). Thread-safe."""

    def __init__(self, root: Path, max_bytes: int | None = None, repo: GitRepo | None = None) -> None:
        self.root = root
        self._max_bytes = max_bytes
        self._repo = repo
        self._lock = threading.RLock()
        self._flush_lock = threading.Lock()
        self._spaces: dict[tuple[str, str], _Space] = {}
        self._buffered = 0  # bytes kept in memory, not yet written
        #: Bytes written since the cache was last measured (None: not yet by this process): it is
        #: measured (and trimmed) at the first flush, then each time an eighth of the bound was written.
        self._since_trim: int | None = None
        #: False once writing failed (read-only repository): stop trying.
        self.writable = True
        #: Namespaces read by this process (``doctor`` names them current).
        self.current: set[str] = set()
        #: Entries found damaged by this process (ignored and computed again).
        self.damaged = 0
        #: Text -> (its body's id, its body's bytes), for texts this process wrote; and id -> text,
        #: for bodies it read (checked) or wrote: versions share them, and are read together.
        #: Plain dicts (single operations are atomic), emptied when they pass :data:`_TEXTS_KEPT`.
        self._ids: dict[str, tuple[str, bytes]] = {}
        self._texts: dict[str, str] = {}
        #: ``git config`` reading the bound, started by the first :meth:`put` (the bound is
        #: needed when the entries are written): it runs while the entries are computed.
        self._size_setting: RunningGit | None = None

    @property
    def max_bytes(self) -> int:
        """The bound: ``reviewtool.cacheSize`` when set and valid, else :data:`DEFAULT_MAX_BYTES`."""
        if self._max_bytes is None:
            try:
                configured = self._repo.config_get("reviewtool.cacheSize", running=self._size_setting) \
                    if self._repo is not None else None
            except ReviewtoolError:  # the repository is gone (deleted while this process ran)
                configured = None
            size = parse_size(configured) if configured else None
            self._max_bytes = size if size is not None else DEFAULT_MAX_BYTES
        return self._max_bytes

    @property
    def pending(self) -> bool:
        """Whether entries are kept in memory, waiting for :meth:`flush`."""
        return any(space.buffer for space in self._spaces.values())

    def _space(self, kind: str, fingerprint: str, key: str) -> _Space:
        space = self._spaces.get((kind, fingerprint))
        if space is None or not _KEY.fullmatch(key):
            if not (_NAME.fullmatch(kind) and _KEY.fullmatch(fingerprint) and _KEY.fullmatch(key)):
                raise ValueError(f"not a cache entry name: {kind}-{fingerprint}/{key}")
            with self._lock:
                space = self._spaces.setdefault((kind, fingerprint),
                                                _Space(self.root / f"{kind}-{fingerprint}", kind, fingerprint))
        return space

    def close(self) -> None:
        """Close the packs this process opened (what is kept in memory stays kept)."""
        with self._lock:
            for space in self._spaces.values():
                space.drop({p.path.name for p in space.packs})
                space.stamp = ()

    # ------------------------------------------------------------------ reading
    def is_empty(self, kind: str, fingerprint: str) -> bool:
        """Whether nothing is stored under *kind* and *fingerprint*: no pack on disk, nothing
        kept in memory (a cold cache, before work that pays only when every entry is missed)."""
        space = self._space(kind, fingerprint, fingerprint)
        with self._lock:
            space.relist()
            return not space.packs and not space.buffer and not space.flushing

    def get(self, kind: str, fingerprint: str, key: str, part: int = 0) -> Any:
        """Part *part* of the entry stored under *key*, or None (absent or damaged)."""
        space = self._space(kind, fingerprint, key)
        self.current.add(f"{kind}-{fingerprint}")
        with self._lock:
            payload, _ = self._find(space, key)
        value = entry_part(payload, part) if payload is not None else None
        if value is None and payload is not None:
            self.damaged += 1
        return value

    def holds(self, kind: str, fingerprint: str, key: str) -> bool:
        """Whether an entry is kept under *key*: in memory, or in a pack's index (the folder
        listed again once when no pack has it, as :meth:`get` lists it), neither read nor
        checked (a damaged one is found when :meth:`get` reads it). For work that pays only
        when :meth:`get` will find nothing, done early (loading what computes the entry)."""
        space = self._space(kind, fingerprint, key)
        with self._lock:
            if space.buffer.get(key) or space.flushing.get(key):
                return True
            if space.stamp == ():
                space.relist()
            for _ in range(2):
                if any(pack.index is not None and key in pack.index for pack in space.packs):
                    return True
                if not space.relist():
                    break
        return False

    def get_texts(self, kind: str, fingerprint: str, key: str, part: int = 0) -> tuple[Any, list[str]] | None:
        """Part *part* of the entry stored under *key* and the texts it was put with (see
        :meth:`put`), or None (absent, or damaged: the entry, or one of its texts)."""
        space = self._space(kind, fingerprint, key)
        self.current.add(f"{kind}-{fingerprint}")
        with self._lock:
            payload, source = self._find(space, key)
            if payload is None:
                return None
            refs = entry_refs(payload)
            texts = self._read_texts(space, refs, source) if refs is not None else None
        value = entry_part(payload, part) if texts is not None else None  # (a few dozen bytes of refs skipped twice)
        if value is None or texts is None:
            self.damaged += 1
            if source is not None:
                space.damaged.add(source.path.name)  # written again without it at the next flush
            return None
        return value, texts

    def _read_texts(self, space: _Space, refs: list[str], source: Pack | None) -> list[str] | None:
        """The texts of the bodies *refs*: known to this process, else kept in memory, else
        read from the pack *source* (or any pack of *space*) and checked; None when one is
        found nowhere whole."""
        known = self._texts
        texts = list(map(known.get, refs))
        if None not in texts:
            return texts  # type: ignore[return-value]  # (no None)
        if len(known) > _TEXTS_KEPT:
            known.clear()
        missing = {body_id for body_id, text in zip(refs, texts) if text is None}
        for body_id in list(missing):  # kept in memory, not yet written
            data = space.bodies.get(body_id) or space.flushing_bodies.get(body_id)
            text = body_text(data, body_id) if data is not None else None
            if text is not None:
                known[body_id] = text
                missing.discard(body_id)
        if missing:  # from the entry's own pack first: it has them all, unless damaged
            for pack in [*([source] if source is not None else []), *(p for p in space.packs if p is not source)]:
                found = pack.bodies(missing)
                known.update(found)
                missing.difference_update(found)
                if not missing:
                    break
            else:
                return None
        return [known[body_id] if text is None else text for body_id, text in zip(refs, texts)]

    def _find(self, space: _Space, key: str) -> tuple[bytes | None, Pack | None]:
        """The checked payload of *key*'s entry, and the pack it is in: kept in memory (no
        pack), else in the newest pack that has it whole (the folder listed again once
        when no pack has it)."""
        kept = space.buffer.get(key) or space.flushing.get(key)
        if kept is not None:
            return entry_payload(kept[0], CACHE_FORMAT, space.kind, space.fingerprint, key), None
        if space.stamp == ():
            space.relist()
        for _ in range(2):
            for pack in space.packs:
                data = pack.read(key)
                if data is None:
                    continue
                payload = entry_payload(data, CACHE_FORMAT, space.kind, space.fingerprint, key)
                if payload is None:
                    self.damaged += 1
                    space.damaged.add(pack.path.name)
                    continue
                if not pack.touched:
                    pack.touched = True
                    if self.writable and time.time() - pack.mtime > _TOUCH_AFTER:
                        with contextlib.suppress(OSError):
                            os.utime(pack.path)  # used: the last to go when the cache is trimmed
                return payload, pack
            if not space.relist():
                break
        return None, None

    # ------------------------------------------------------------------ writing
    def put(self, kind: str, fingerprint: str, key: str, *parts: Any, texts: Sequence[str] = ()) -> None:
        """Keep *parts* (JSON-able values) and *texts* under *key*, written with the next pack
        (:meth:`flush`); silently nothing where the cache cannot be written. Each of *texts*
        is written once per pack however many entries hold it (:meth:`get_texts` reads them
        back): what entries share goes there."""
        if not self.writable:
            return
        space = self._space(kind, fingerprint, key)
        try:
            ids = self._ids
            bodies = list(map(ids.get, texts))
            if None in bodies:
                if len(ids) > _TEXTS_KEPT:
                    ids.clear()
                if len(self._texts) > _TEXTS_KEPT:
                    self._texts.clear()
                for i, text in enumerate(texts):
                    if bodies[i] is None:
                        bodies[i] = ids[text] = encoded = encode_body(text)
                        self._texts[encoded[0]] = text
            refs = tuple(body_id for body_id, _ in bodies)  # type: ignore[misc]  # (no None)
            data = encode_entry(parts, CACHE_FORMAT, kind, fingerprint, key, refs)
        except (TypeError, ValueError):  # not JSON (a lone surrogate, a huge integer): not kept
            return
        with self._lock:
            if self._size_setting is None and self._max_bytes is None and self._repo is not None:
                with contextlib.suppress(ReviewtoolError, OSError):
                    self._size_setting = self._repo.start_config_get("reviewtool.cacheSize")
            old = space.buffer.get(key)
            space.buffer[key] = (data, refs)
            added = len(data) - (len(old[0]) if old is not None else 0)
            pending = space.bodies
            for body_id, body_data in bodies:  # type: ignore[misc]  # (no None)
                if body_id not in pending:
                    pending[body_id] = body_data
                    added += len(body_data)
            self._buffered += added
            due = self._buffered >= _FLUSH_BYTES
        if due:
            self.flush()

    def flush(self) -> None:
        """Write the entries kept in memory, one pack per folder; then repack a folder with
        too many packs (or damaged ones), and trim the cache when it is over its bound
        (measured at the first flush of the process, then after each eighth of the bound written)."""
        with self._flush_lock:
            with self._lock:
                batches = [space for space in self._spaces.values() if space.buffer]
                for space in batches:
                    space.flushing, space.buffer = space.buffer, {}
                    space.flushing_bodies, space.bodies = space.bodies, {}
                self._buffered = 0
            written: list[tuple[_Space, str | None]] = []
            size = sum(len(data) for space in batches for data, _ in space.flushing.values()) \
                + sum(len(body) for space in batches for body in space.flushing_bodies.values())
            for space in batches:
                try:
                    if self.writable:
                        entries = [(key, data) for key, (data, _) in space.flushing.items()]
                        refs = {key: refs for key, (_, refs) in space.flushing.items()}
                        written.append((space, self._write(space, entries, space.flushing_bodies, refs, set())))
                except OSError:
                    self.writable = False
                finally:
                    with self._lock:
                        space.flushing, space.flushing_bodies = {}, {}
            if written:
                for space, name in written:
                    with contextlib.suppress(OSError):
                        self._gc(space, name)
                first = self._since_trim is None
                self._since_trim = (self._since_trim or 0) + size
                if first or self._since_trim >= self.max_bytes // 8:
                    self._since_trim = 0
                    self.trim()

    def _write(self, space: _Space, entries: list[tuple[str, bytes]], bodies: Mapping[str, bytes],
               refs: Mapping[str, Sequence[str]], replaces: set[str]) -> str | None:
        """Write *entries* (key, bytes) and the *bodies* they refer to (*refs*: each entry's)
        as one pack in *space* (no more of them than fit the bound, the first ones kept),
        then remove the packs named *replaces*; the new pack's name."""
        budget = int(self.max_bytes * _TRIM_TO)
        kept, size = [], 0
        used: dict[str, bytes] = {}
        for key, data in entries:
            new = {body_id for body_id in refs.get(key, ()) if body_id not in used}
            if not new <= bodies.keys():
                continue  # (not expected: every entry comes with its bodies)
            size += len(data) + len(key) + 24  # the entry's line and its place in the index
            size += sum(len(bodies[body_id]) + 58 for body_id in new)  # a body's line and its place
            if size > budget:
                break
            kept.append((key, data))
            used.update((body_id, bodies[body_id]) for body_id in new)
        name = None
        if kept:
            data, index = build_pack(kept, CACHE_FORMAT, space.kind, space.fingerprint, used)
            name = f"{PACK_PREFIX}{hashlib.sha1(data).hexdigest()}{PACK_SUFFIX}"
            path = space.folder / name
            try:
                fd, temp = _new_temp_file(space.folder)
            except FileNotFoundError:  # the first pack, or the folder deleted meanwhile (that is safe)
                for folder in (self.root.parent, self.root, space.folder):  # not the git directory itself
                    folder.mkdir(exist_ok=True)
                fd, temp = _new_temp_file(space.folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(temp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            replaces = replaces - {name}
            try:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
            except OSError:  # already repacked or trimmed by another process: found when listed again
                pass
            else:
                with self._lock:
                    space.add(Pack(path, fd, index, time.time(), len(data)))
        for gone in replaces:
            with contextlib.suppress(OSError):
                os.unlink(space.folder / gone)
        with self._lock:
            space.drop(replaces)
            space.damaged -= replaces
        return name

    def _gc(self, space: _Space, written: str | None) -> None:
        """Repack the small packs of *space* into one when it holds more than
        :data:`_PACK_LIMIT` (as ``git repack --geometric=2``: what is left are packs each at
        least twice the size of the next smaller, so a few large packs are rewritten rarely),
        and every pack found damaged, with the pack just *written*."""
        packs = []
        for entry in scan(str(space.folder)):
            if pack_name(entry.name):
                with contextlib.suppress(OSError):
                    stat = entry.stat()
                    packs.append((stat.st_size, -stat.st_mtime, entry.name))
        packs.sort()
        chosen: list[tuple[int, float, str]] = []
        if len(packs) > _PACK_LIMIT:  # as git repack --geometric=2
            split = len(packs) - 1  # the largest packs that grow at least twofold each are kept
            while split > 0 and packs[split][0] >= 2 * packs[split - 1][0]:
                split -= 1
            chosen = packs[: split + 1]
            taken = sum(size for size, _, _ in chosen)
            for pack in packs[split + 1 :]:  # and the next ones the roll-up outgrows
                if pack[0] >= 2 * taken:
                    break
                chosen.append(pack)
                taken += pack[0]
        damaged = space.damaged & {name for _, _, name in packs}
        chosen += [p for p in packs if (p[2] in damaged or (damaged and p[2] == written)) and p not in chosen]
        if len(chosen) < 2 and not damaged:
            return
        chosen.sort(key=lambda p: p[1])  # newest first: their entries are kept first
        entries: dict[str, bytes] = {}
        bodies: dict[str, bytes] = {}
        refs: dict[str, Sequence[str]] = {}
        for _, _, name in chosen:
            try:
                data = (space.folder / name).read_bytes()
            except OSError:  # removed meanwhile (trimmed, or repacked by another process)
                continue
            found, _, found_bodies, found_refs = pack_contents(data, CACHE_FORMAT, space.kind, space.fingerprint)
            for key, entry_data in found:
                if key not in entries:
                    entries[key] = entry_data
                    refs[key] = found_refs[key]
            for body_id, body in found_bodies.items():
                bodies.setdefault(body_id, body)
        self._write(space, list(entries.items()), bodies, refs, {name for _, _, name in chosen})

    def trim(self, force_temporary: bool = False) -> int:
        """Remove least recently used packs while the cache is over its bound (and temporary
        files left by dead processes, the entry files of older versions once over the bound,
        and the statistics files older versions kept beside the cache; *force_temporary*:
        every temporary file, however young, as ``doctor --repair`` does); returns the bytes
        removed."""
        files: list[tuple[float, int, str]] = []
        now = time.time()
        for legacy in self.root.parent.glob("stats-*.jsonl"):  # the statistics files of older versions
            with contextlib.suppress(OSError):
                legacy.unlink()
        for path, stat in _files(self.root):
            if path.name.startswith(".tmp-"):
                if force_temporary or now - stat.st_mtime > _STALE_TEMP:
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                continue
            files.append((stat.st_mtime, stat.st_size, str(path)))
        total = sum(size for _, size, _ in files)
        if total <= self.max_bytes:
            return 0
        removed = 0
        for _, size, name in sorted(files):
            if total - removed <= self.max_bytes * _TRIM_TO:
                break
            with contextlib.suppress(OSError):
                os.unlink(name)
                removed += size
        for folder in scan(str(self.root)):  # folders left empty (those of older versions)
            with contextlib.suppress(OSError):
                for fan in scan(folder.path):
                    if fan.is_dir(follow_symlinks=False):
                        with contextlib.suppress(OSError):
                            os.rmdir(fan.path)
                if not any(True for _ in scan(folder.path)):
                    os.rmdir(folder.path)
        return removed

    # ------------------------------------------------------------------ doctor
    def report(self, current: set[str] | None = None) -> CacheReport:
        """Size and state: entries, packs and bytes per folder, damaged entries and packs
        (every pack is read and checked), temporary files; *current* names the folders this
        reviewtool reads. Files of older versions' layouts are counted, not checked."""
        current = self.current if current is None else current
        report = CacheReport(str(self.root), self.root.is_dir(), self.max_bytes)
        if not report.exists:
            if self.root.exists():
                report.problems.append(f"{self.root} is not a folder: nothing can be cached")
            return report
        spaces: dict[str, tuple[NamespaceReport, set[str]]] = {}
        for path, stat in _files(self.root):
            if path.name.startswith(".tmp-"):
                report.temporary += 1
                continue
            folder = path.parent if path.parent.parent == self.root else path.parent.parent
            space, keys = spaces.setdefault(folder.name, (NamespaceReport(folder.name,
                                                                          current=folder.name in current), set()))
            space.bytes += stat.st_size
            if not pack_name(path.name):
                space.entries += 1  # an entry file of an older version: never read
                continue
            space.packs += 1
            kind, _, fingerprint = folder.name.partition("-")
            try:
                found, damaged = pack_entries(path.read_bytes(), CACHE_FORMAT, kind, fingerprint)
            except OSError:  # removed meanwhile
                continue
            keys.update(key for key, _ in found)
            space.damaged += damaged
        for space, keys in spaces.values():
            space.entries += len(keys)
        report.namespaces = sorted((s for s, _ in spaces.values()), key=lambda n: (not n.current, n.name))
        report.entries = sum(n.entries for n in report.namespaces)
        report.packs = sum(n.packs for n in report.namespaces)
        report.bytes = sum(n.bytes for n in report.namespaces)
        report.damaged = sum(n.damaged for n in report.namespaces)
        return report

    def remove_damaged(self) -> int:
        """Write every pack with damage again without it (what ``doctor --repair`` does for
        the cache); returns how many damaged entries (and unreadable packs) were removed."""
        removed = 0
        for path, _ in _files(self.root):
            if not pack_name(path.name):
                continue
            kind, _, fingerprint = path.parent.name.partition("-")
            if not (_NAME.fullmatch(kind) and _KEY.fullmatch(fingerprint)):
                continue
            try:
                found, damaged, bodies, refs = pack_contents(path.read_bytes(), CACHE_FORMAT, kind, fingerprint)
            except OSError:
                continue
            if damaged:
                space = self._space(kind, fingerprint, "0000")
                with contextlib.suppress(OSError):
                    self._write(space, found, bodies, refs, {path.name})
                    removed += damaged
        return removed


def _new_temp_file(folder: Path) -> tuple[int, str]:
    """A new file of this process in *folder*, open for writing: ``tempfile.mkstemp``'s
    contract (created exclusively, readable by its owner only), without the 4 ms of
    imports ``tempfile`` costs every command that writes the cache."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = str(folder / f".tmp-{os.getpid()}-{os.urandom(6).hex()}")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue  # (48 random bits taken: not expected)
    raise FileExistsError(f"no free temporary name in {folder}")


def _files(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every file in the folders of *root* (packs), and one folder down (the entry files
    of older versions), with its status."""
    for space in scan(str(root)):
        if not space.is_dir(follow_symlinks=False):
            continue
        for entry in scan(space.path):
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    yield Path(entry.path), entry.stat(follow_symlinks=False)
                elif entry.is_dir(follow_symlinks=False):
                    for file in scan(entry.path):
                        with contextlib.suppress(OSError):
                            if file.is_file(follow_symlinks=False):
                                yield Path(file.path), file.stat(follow_symlinks=False)


_CACHES: dict[Path, Cache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(repo: GitRepo) -> Cache:
    """The cache of *repo* (one per common git directory and process)."""
    root = repo.common_dir() / "reviewtool" / "cache"
    with _CACHES_LOCK:
        found = _CACHES.get(root)
        if found is None:
            if not _CACHES:
                atexit.register(flush_all)
            found = _CACHES[root] = Cache(root, repo=repo)
        return found


def flush_all() -> None:
    """Write what every cache of this process keeps in memory (:meth:`Cache.flush`); the end
    of every command, and of each worker task of the terminal UI."""
    with _CACHES_LOCK:
        caches = list(_CACHES.values())
    for cache in caches:
        cache.flush()


def forget_all() -> None:
    """Flush every cache of this process and forget them, their packs closed: the next
    lookup lists the packs again, as a new process would (tests; a long-lived program)."""
    flush_all()
    with _CACHES_LOCK:
        caches = list(_CACHES.values())
        _CACHES.clear()
    for cache in caches:
        cache.close()


def pending() -> bool:
    """Whether any cache of this process keeps entries not yet written."""
    with _CACHES_LOCK:
        caches = list(_CACHES.values())
    return any(cache.pending for cache in caches)
