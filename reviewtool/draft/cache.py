"""The persistent cache: what reviewtool computed from git objects, kept by their ids.

Git objects never change, so whatever is computed from them alone (a version's parsed
section tree and statistics, the change between two versions) can be kept by their ids and
reused by every later run, as git never recomputes what an object id names. The cache
lives in ``<git common dir>/reviewtool/cache/``, one file per entry::

    cache/<kind>-<fingerprint>/<key[:1]>/<key[1:]>

Sixteen folders per kind, not 256: a cold run makes each folder it writes into, and
making a folder cost more than writing an entry (a first ``log`` of 150 versions made
about 210 of them). *kind* names what is stored (``doc``: a parsed version, by blob id; ``change``: what a
version changed, by the pair of blob ids) and *fingerprint* hashes everything besides the
key that the value depends on: the cache format and the source of the code that computes
it, with the versions of the libraries it uses (:func:`source_fingerprint`). A new
reviewtool, or a changed parser, reads a new folder and never a stale value; the old
folders are never read again and go first when the cache is trimmed.

An entry is a header line, ``reviewtool-cache <format> <kind> <fingerprint> <key>
<length> <crc32>``, then its parts, each one line of JSON (orjson): data only, never code
(no pickle). A part is read alone (a version's statistics without its sections). Entries
are not compressed: zlib took longer than the rest of writing a parsed version, and
inflating it longer than reading one. It is written to a temporary file in the same folder and renamed over
the entry (atomic, so several processes may write and read at once: a reader sees the old
entry, the new one, or none). An entry whose header, length, checksum or JSON is wrong is
damaged: it is ignored (the value is computed again and written over it), never an error.

The cache is bounded (:data:`DEFAULT_MAX_BYTES`, or ``git config reviewtool.cacheSize``,
e.g. ``64m``): reading an entry marks it used (its modification time), and a process that
wrote entries trims the cache, least recently used first, when it is over the bound. It is
only a cache: deleting the folder loses nothing, ``--no-cache`` bypasses it, and where it
cannot be written (a read-only repository) everything works as before, only slower.
``reviewtool doctor`` reports its size and state (:meth:`Cache.report`).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewtool.git.repo import GitRepo

#: Bump when the layout or the entry format changes.
CACHE_FORMAT = 3
#: The bound on the cache's size when ``reviewtool.cacheSize`` does not set one.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
#: Trimming removes least recently used entries until the cache is this share of its bound.
_TRIM_TO = 0.8
#: A used entry is marked used again only when its mark is older than this (seconds).
_TOUCH_AFTER = 600
#: Temporary files older than this (seconds) were left by a process that died: removed when trimming.
_STALE_TEMP = 3600
_MAGIC = b"reviewtool-cache"
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
                digest.update(Path(file).read_bytes())
    return digest.hexdigest()[:16]


def parse_size(text: str) -> int | None:
    """``64m``, ``1g``, ``500000``: a size in bytes; None when *text* is none of these."""
    m = _SIZE.fullmatch(text)
    return int(m.group(1)) * _UNITS[m.group(2).lower()] if m else None


@dataclass
class NamespaceReport:
    """One ``<kind>-<fingerprint>`` folder: its entries and bytes; *current* when this
    reviewtool reads it."""

    name: str
    entries: int = 0
    bytes: int = 0
    damaged: int = 0
    current: bool = False


@dataclass
class CacheReport:
    """The state of the cache for ``reviewtool doctor``."""

    path: str
    exists: bool
    max_bytes: int
    entries: int = 0
    bytes: int = 0
    damaged: int = 0
    temporary: int = 0
    namespaces: list[NamespaceReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "exists": self.exists, "max_bytes": self.max_bytes, "entries": self.entries,
                "bytes": self.bytes, "damaged": self.damaged, "temporary": self.temporary,
                "namespaces": [vars(n) for n in self.namespaces], "problems": list(self.problems)}


class Cache:
    """The cache folder of one repository (see the module docs). Thread-safe."""

    def __init__(self, root: Path, max_bytes: int | None = None, repo: GitRepo | None = None) -> None:
        self.root = root
        self._max_bytes = max_bytes
        self._repo = repo
        self._lock = threading.Lock()
        #: Bytes written by this process since the cache was last measured (None: not yet measured).
        self._written: int | None = None
        #: False once writing failed (read-only repository): stop trying.
        self.writable = True
        #: Namespaces read by this process (``doctor`` names them current).
        self.current: set[str] = set()
        #: Entries found damaged by this process (ignored and computed again).
        self.damaged = 0
        self._folders: set[Path] = set()  # folders this process made (or found) already

    @property
    def max_bytes(self) -> int:
        """The bound: ``reviewtool.cacheSize`` when set and valid, else :data:`DEFAULT_MAX_BYTES`."""
        if self._max_bytes is None:
            configured = self._repo.config_get("reviewtool.cacheSize") if self._repo is not None else None
            size = parse_size(configured) if configured else None
            self._max_bytes = size if size is not None else DEFAULT_MAX_BYTES
        return self._max_bytes

    def _path(self, kind: str, fingerprint: str, key: str) -> Path:
        if not (_NAME.fullmatch(kind) and _KEY.fullmatch(fingerprint) and _KEY.fullmatch(key)):
            raise ValueError(f"not a cache entry name: {kind}-{fingerprint}/{key}")
        return self.root / f"{kind}-{fingerprint}" / key[:1] / key[1:]

    # ------------------------------------------------------------------ reading
    def get(self, kind: str, fingerprint: str, key: str, part: int = 0) -> Any:
        """Part *part* of the entry stored under *key*, or None (absent or damaged)."""
        path = self._path(kind, fingerprint, key)
        self.current.add(f"{kind}-{fingerprint}")
        try:
            with open(path, "rb") as f:
                data = f.read()
                mtime = os.fstat(f.fileno()).st_mtime
        except OSError:
            return None
        payload = _payload(data, kind, fingerprint, key)
        value = _part(payload, part) if payload is not None else None
        if value is None:
            self.damaged += 1
            return None
        if time.time() - mtime > _TOUCH_AFTER and self.writable:
            with contextlib.suppress(OSError):
                os.utime(path)  # used: the last to go when the cache is trimmed
        return value

    # ------------------------------------------------------------------ writing
    def put(self, kind: str, fingerprint: str, key: str, *parts: Any) -> None:
        """Store *parts* (JSON-able values) under *key*; silently nothing where the cache
        cannot be written."""
        if not self.writable:
            return
        path = self._path(kind, fingerprint, key)
        try:
            data = _encode(parts, kind, fingerprint, key)
        except (TypeError, ValueError):  # not JSON (a lone surrogate, a huge integer): not kept
            return
        try:
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            try:
                fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            except FileNotFoundError:  # the folder was deleted meanwhile (the cache is safe to delete)
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(temp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError:
            self.writable = False
            return
        self._written_more(len(data))

    def _written_more(self, size: int) -> None:
        """Count written bytes; measure (and trim) the cache on the first write of the process
        and again each time an eighth of the bound has been written."""
        with self._lock:
            first = self._written is None
            self._written = (self._written or 0) + size
            due = first or self._written >= self.max_bytes // 8
            if due:
                self._written = 0
        if due:
            self.trim()

    def trim(self, force_temporary: bool = False) -> int:
        """Remove least recently used entries while the cache is over its bound (and temporary
        files left by dead processes, and the statistics files older versions of reviewtool
        kept beside the cache; *force_temporary*: every temporary file, however young, as
        ``doctor --repair`` does); returns the bytes removed."""
        entries: list[tuple[float, int, str]] = []
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
            entries.append((stat.st_mtime, stat.st_size, str(path)))
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return 0
        removed = 0
        for _, size, name in sorted(entries):
            if total - removed <= self.max_bytes * _TRIM_TO:
                break
            with contextlib.suppress(OSError):
                os.unlink(name)
                removed += size
        return removed

    # ------------------------------------------------------------------ doctor
    def report(self, current: set[str] | None = None) -> CacheReport:
        """Size and state: entries and bytes per folder, damaged entries (every entry is read
        and checked), temporary files; *current* names the folders this reviewtool reads."""
        current = self.current if current is None else current
        report = CacheReport(str(self.root), self.root.is_dir(), self.max_bytes)
        if not report.exists:
            if self.root.exists():
                report.problems.append(f"{self.root} is not a folder: nothing can be cached")
            return report
        spaces: dict[str, NamespaceReport] = {}
        for path, stat in _files(self.root):
            if path.name.startswith(".tmp-"):
                report.temporary += 1
                continue
            name = path.parent.parent.name
            space = spaces.setdefault(name, NamespaceReport(name, current=name in current))
            space.entries += 1
            space.bytes += stat.st_size
            kind, _, fingerprint = name.partition("-")
            key = path.parent.name + path.name
            try:
                ok = _whole(path.read_bytes(), kind, fingerprint, key)
            except OSError:
                ok = False
            space.damaged += not ok
        report.namespaces = sorted(spaces.values(), key=lambda n: (not n.current, n.name))
        report.entries = sum(n.entries for n in report.namespaces)
        report.bytes = sum(n.bytes for n in report.namespaces)
        report.damaged = sum(n.damaged for n in report.namespaces)
        return report

    def remove_damaged(self) -> int:
        """Delete every damaged entry (what ``doctor --repair`` does for the cache); returns how many."""
        removed = 0
        for path, _ in _files(self.root):
            if path.name.startswith(".tmp-"):
                continue
            kind, _, fingerprint = path.parent.parent.name.partition("-")
            try:
                ok = _whole(path.read_bytes(), kind, fingerprint, path.parent.name + path.name)
            except OSError:
                ok = False
            if not ok:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed


def _files(root: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """Every file two folders below the namespaces of *root*, with its status."""
    try:
        spaces = list(os.scandir(root))
    except OSError:
        return
    for space in spaces:
        if not space.is_dir(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            for fan in os.scandir(space.path):
                if not fan.is_dir(follow_symlinks=False):
                    continue
                with contextlib.suppress(OSError):
                    for entry in os.scandir(fan.path):
                        with contextlib.suppress(OSError):
                            if entry.is_file(follow_symlinks=False):
                                yield Path(entry.path), entry.stat(follow_symlinks=False)


def _encode(parts: tuple[Any, ...], kind: str, fingerprint: str, key: str) -> bytes:
    import orjson

    payload = b"\n".join(map(orjson.dumps, parts))  # orjson never writes a raw newline
    header = f"{kind} {fingerprint} {key} {len(payload)} {zlib.crc32(payload)}"
    return b"%s %d %s\n%s" % (_MAGIC, CACHE_FORMAT, header.encode(), payload)


def _payload(data: bytes, kind: str, fingerprint: str, key: str) -> bytes | None:
    """The parts of an entry's bytes, or None when its header, length or checksum is wrong."""
    end = data.find(b"\n", 0, 400)
    if end < 0:
        return None
    payload = data[end + 1 :]
    expected = b"%s %d %s %s %s %d %d" % (_MAGIC, CACHE_FORMAT, kind.encode(), fingerprint.encode(), key.encode(),
                                          len(payload), zlib.crc32(payload))
    return payload if data[:end] == expected else None


def _part(payload: bytes, part: int) -> Any:
    """Part *part* of *payload* decoded, or None (no such part, or not JSON)."""
    import orjson

    start = 0
    for _ in range(part):
        start = payload.find(b"\n", start) + 1
        if start == 0:
            return None
    end = payload.find(b"\n", start)
    try:
        return orjson.loads(payload[start : end if end >= 0 else len(payload)])
    except orjson.JSONDecodeError:
        return None


def _whole(data: bytes, kind: str, fingerprint: str, key: str) -> bool:
    """Whether an entry's bytes are whole: header, length, checksum, and every part JSON."""
    import orjson

    payload = _payload(data, kind, fingerprint, key)
    if payload is None:
        return False
    try:
        for line in payload.split(b"\n"):
            orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


_CACHES: dict[Path, Cache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(repo: GitRepo) -> Cache:
    """The cache of *repo* (one per common git directory and process)."""
    root = repo.common_dir() / "reviewtool" / "cache"
    with _CACHES_LOCK:
        found = _CACHES.get(root)
        if found is None:
            found = _CACHES[root] = Cache(root, repo=repo)
        return found
