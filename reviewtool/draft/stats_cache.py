"""Draft statistics remembered by blob, so each version is parsed once per repository, not once per run.

The statistics of a version of a draft (:meth:`reviewtool.draft.document.Document.stats`:
words, sections, prose share) depend only on its bytes, that is its blob, and on the
parser. ``reviewtool log`` and the history pane need them for every version, and
parsing is the slow part (about 5 ms for a 10,000-word draft), so they are kept in
``<git common dir>/reviewtool/stats-<fingerprint>.jsonl``, one JSON object per line::

    {"blob": "<sha>", "stats": {"words": 812, "sections": 9, ...}}

The fingerprint hashes the source of the modules that compute the numbers and the
``__init__.py`` of markdown-it-py and PyYAML (their versions; read, not imported), so a
changed parser starts a new file and never reads stale numbers (files of other
fingerprints are removed). Lines are appended with ``O_APPEND`` in one ``write`` each
(well under ``PIPE_BUF``), so the lines of concurrent writers never interleave; a line
that cannot be read is skipped. It is only a cache: deleting it loses nothing, and where
it cannot be written (a read-only repository) everything works as before, only slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import threading
from pathlib import Path
from typing import Any

from reviewtool.git.repo import GitRepo

#: Bump when the meaning of the stored numbers changes without any source change.
CACHE_FORMAT = 1
_DIRECTORY = "reviewtool"
_fingerprint: str | None = None


def fingerprint() -> str:
    """A hash of everything the statistics depend on besides the blob."""
    global _fingerprint
    if _fingerprint is None:
        from reviewtool.draft import document, history, markdown

        digest = hashlib.sha256(f"{CACHE_FORMAT}".encode())
        for module_file in (document.__file__, markdown.__file__, history.__file__,
                            *map(_package_file, ("markdown_it", "yaml"))):
            digest.update(Path(module_file or "").read_bytes())
        _fingerprint = digest.hexdigest()[:16]
    return _fingerprint


def _package_file(name: str) -> str | None:
    """The ``__init__.py`` of package *name* (it holds its version), found without importing it."""
    spec = importlib.util.find_spec(name)
    return spec.origin if spec is not None else None


#: What an entry holds (Document.stats): a line without all of them, or with another
#: type, is skipped like a torn one, and the version is parsed again.
_FIELDS = {"words": int, "sections": int, "prose_sections": int, "outline_sections": int, "prose_share": float}


def _valid(stats: Any) -> bool:
    if type(stats) is not dict:
        return False
    for key, kind in _FIELDS.items():
        value = stats.get(key)
        if not (type(value) is kind or (kind is float and type(value) is int)):
            return False
    return True


class StatsCache:
    """The statistics of draft blobs already parsed in this repository (see the module docs)."""

    def __init__(self, repo: GitRepo) -> None:
        self.path = repo.common_dir() / _DIRECTORY / f"stats-{fingerprint()}.jsonl"
        self._entries: dict[str, dict[str, Any]] | None = None
        self._lock = threading.Lock()
        #: False once writing failed (read-only repository): stop trying.
        self._writable = True

    def get(self, blob: str) -> dict[str, Any] | None:
        """The statistics stored for *blob* (a copy), or ``None``."""
        with self._lock:
            if self._entries is None:
                self._entries = self._read()
            found = self._entries.get(blob)
        return dict(found) if found is not None else None

    def put(self, blob: str, stats: dict[str, Any]) -> None:
        """Remember *stats* for *blob* (in memory, and on disk when possible)."""
        line = (json.dumps({"blob": blob, "stats": stats}, separators=(",", ":")) + "\n").encode()
        with self._lock:
            if self._entries is None:
                self._entries = self._read()
            if blob in self._entries:
                return
            self._entries[blob] = dict(stats)
            if self._writable:
                self._writable = self._append(line)

    def _read(self) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return entries
        for raw in data.splitlines():
            try:
                item = json.loads(raw)
                blob, stats = item["blob"], item["stats"]
            except (ValueError, TypeError, KeyError):
                continue  # a torn or foreign line: skip it
            if type(blob) is str and _valid(stats):
                entries[blob] = stats
        return entries

    def _append(self, line: bytes) -> bool:
        try:
            if not self.path.parent.is_dir():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._remove_stale()
            elif not self.path.exists():
                self._remove_stale()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
            return True
        except OSError:
            return False

    def _remove_stale(self) -> None:
        """Remove the files of other fingerprints (written by another version of the parser)."""
        for other in self.path.parent.glob("stats-*.jsonl"):
            if other != self.path:
                with contextlib.suppress(OSError):
                    other.unlink()
