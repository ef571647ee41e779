"""Reading git objects in bulk: one persistent, pipelined ``git cat-file --batch`` per repository.

:class:`ObjectReader` keeps one ``git cat-file --batch`` process alive and asks it for
objects in rounds (:meth:`ObjectReader.ask`: answers as a list; :meth:`ObjectReader.stream`:
contents as git sends them). A large request is written by a thread while the answers are
read, so neither side waits for the other however many objects are asked for. A
:class:`~reviewtool.git.repo.GitRepo` owns one (started on first use, closed by
``GitRepo.close()``); blobs of the draft's history and every note are read through it.

:class:`DeltaOrder` (one short ``git cat-file --batch-check``) tells in which order git
reads many blobs fastest. :func:`parse_tree` decodes a raw tree object.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

from reviewtool.errors import ReviewtoolError

if TYPE_CHECKING:
    from reviewtool.git.repo import GitRepo

#: ``(object id, type, content)`` of one object found by ``cat-file``.
Found = tuple[str, str, bytes]

#: A request this long (bytes) is written by a thread while the answers are read.
_FEED_IN_THREAD = 4096


class GitError(ReviewtoolError):
    """A git command failed; the message is git's own first error line."""


def enlarge_pipe(pipe: IO[bytes]) -> None:
    """Let git's output pipe hold 1 MiB where the system allows (Linux): git then runs further
    ahead of a reader that is busy elsewhere. Nothing happens where it cannot."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def _unnamed_file() -> IO[bytes]:
    """A scratch file with no name, gone once closed (what ``tempfile.TemporaryFile`` gives).

    Linux's ``O_TMPFILE`` in the temporary folder first: ``tempfile`` costs every history
    command about 4 ms of imports (``shutil``, ``random``) for this one file; elsewhere, or
    when no folder takes it, ``tempfile`` itself.
    """
    flag = getattr(os, "O_TMPFILE", 0)
    if flag:
        for folder in (os.environ.get("TMPDIR"), "/tmp", "/var/tmp"):
            if folder:
                try:
                    fd = os.open(folder, flag | os.O_RDWR, 0o600)
                except OSError:
                    continue
                return os.fdopen(fd, "w+b")
    import tempfile

    return tempfile.TemporaryFile()  # lives as long as git


class _Process:
    """One running ``git cat-file --batch`` and what it needs to be stopped cleanly."""

    def __init__(self, cwd: Path, env: Mapping[str, str], detached: bool) -> None:
        # stderr goes to a file: git can never block on it, and it is there to quote on failure.
        self.stderr: IO[bytes] = _unnamed_file()
        try:
            self.proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=cwd, env=dict(env),
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                         bufsize=1 << 16, start_new_session=detached)
        except BaseException:
            self.stderr.close()
            raise
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin: IO[bytes] = self.proc.stdin
        self.stdout: IO[bytes] = self.proc.stdout
        enlarge_pipe(self.stdout)

    def error(self, what: str) -> GitError:
        """A :class:`GitError` quoting git's stderr (the process is stopped first)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        try:
            self.stderr.seek(0)
            message = self.stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            message = ""
        return GitError(f"git cat-file {what}: {message.splitlines()[0] if message else 'no message'}")

    def stop(self, kill: bool = False) -> None:
        """End git: close its input (it exits at end of input) or kill it; release the pipes."""
        proc = self.proc
        with contextlib.suppress(OSError, ValueError):
            self.stdin.close()
        if kill and proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (self.stdout, self.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.close()


class ObjectReader:
    """One persistent ``git cat-file --batch`` for one repository, safe to share between threads.

    The process starts on the first request (in *cwd*, with *env*; in its own session when
    *detached*, so no prompt can reach the terminal) and lives until :meth:`close`, or until a
    request is abandoned half-way or fails (the next request starts a new one). Requests from
    several threads take turns. A request made while the same thread is still reading a
    :meth:`stream` (e.g. a blob read from inside a loop over notes) is answered by a
    short-lived process of its own rather than waiting for itself.
    """

    def __init__(self, cwd: Path, env: Mapping[str, str], detached: bool = False) -> None:
        self.cwd = cwd
        self.env = dict(env)
        self.detached = detached
        self._lock = threading.Lock()
        self._owner: int | None = None  # the thread holding _lock
        self._process: _Process | None = None
        self._finalizer: weakref.finalize[[], ObjectReader] | None = None
        #: How many ``cat-file`` processes this reader started (1 while nothing went wrong).
        self.started = 0

    # ------------------------------------------------------------------ requests
    def ask(self, specs: list[str]) -> list[Found | None]:
        """``(sha, type, content)`` of each object named in *specs* (object ids or any
        ``rev:path`` git understands), or ``None`` where there is no such object."""
        return list(self._request(specs))

    def read(self, sha: str) -> bytes:
        """The content of object *sha*; :class:`GitError` when the repository lacks it."""
        (found,) = self.ask([sha])
        if found is None:
            raise GitError(f"object {sha} is missing from the repository")
        return found[2]

    def stream(self, specs: list[str], meanwhile: Callable[[], object] | None = None) -> Iterator[bytes | None]:
        """The content of each object in *specs* (``None`` where missing), yielded as git sends
        it, so the caller's work on one overlaps git's reading of the next; *meanwhile*, work
        done once the request is sent, before the first answer is read (while git reads it)."""
        for found in self._request(specs, meanwhile):
            yield None if found is None else found[2]

    def close(self) -> None:
        """Stop git; a later request starts it again."""
        with self._lock:
            self._discard(kill=False)

    # ------------------------------------------------------------------ internals
    def _request(self, specs: list[str], meanwhile: Callable[[], object] | None = None) -> Iterator[Found | None]:
        for spec in specs:
            if not spec or "\n" in spec or "\r" in spec:
                raise GitError(f"invalid object name {spec!r}")
        if not specs:
            return
        if self._owner == threading.get_ident():
            # This thread is inside one of its own streams: the process is busy answering it.
            yield from _one_off(self.cwd, self.env, self.detached, specs, meanwhile)
            return
        with self._lock:
            self._owner = threading.get_ident()
            try:
                process = self._process
                if process is None or process.proc.poll() is not None:
                    self._discard(kill=True)
                    process = self._start()
                done = False
                try:
                    yield from _answers(process, specs, finish=False, meanwhile=meanwhile)
                    done = True
                finally:
                    if not done:  # abandoned or failed: unread answers would answer the next request
                        self._discard(kill=True)
            finally:
                self._owner = None

    def _start(self) -> _Process:
        process = _Process(self.cwd, self.env, self.detached)
        self._process = process
        self._finalizer = weakref.finalize(self, process.stop)
        self.started += 1
        return process

    def _discard(self, kill: bool) -> None:
        process, self._process = self._process, None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if process is not None:
            process.stop(kill=kill)


def _one_off(cwd: Path, env: Mapping[str, str], detached: bool, specs: list[str],
             meanwhile: Callable[[], object] | None = None) -> Iterator[Found | None]:
    """Answer *specs* with a ``cat-file --batch`` process of their own."""
    process = _Process(cwd, env, detached)
    done = False
    try:
        yield from _answers(process, specs, finish=True, meanwhile=meanwhile)
        done = True
    finally:
        process.stop(kill=not done)


def _answers(process: _Process, specs: list[str], finish: bool,
             meanwhile: Callable[[], object] | None = None) -> Iterator[Found | None]:
    """Send *specs* to *process* and yield its answers in order (*meanwhile* done in between).
    With *finish*, git is told that no more requests come (its input is closed) and must then
    exit cleanly."""
    payload = "".join(spec + "\n" for spec in specs).encode("utf-8", "surrogateescape")
    stdin, out = process.stdin, process.stdout

    def feed() -> None:
        try:
            stdin.write(payload)
            if finish:
                stdin.close()
            else:
                stdin.flush()
        except (OSError, ValueError):  # git exited (or was stopped) early; the reader reports it
            pass

    # A thread writes while this reads, so neither side can block the other however many
    # objects are asked for (a short request fits in the pipe: written directly).
    writer = None
    if len(payload) > _FEED_IN_THREAD:
        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
    else:
        feed()
    done = False
    try:
        if meanwhile is not None:
            meanwhile()
        for _ in specs:
            header = out.readline()
            if not header.endswith(b"\n"):
                raise process.error("stopped early")
            parts = header.split()
            if len(parts) != 3 or not parts[2].isdigit():
                yield None  # "<name> missing" / "<name> ambiguous"
                continue
            size = int(parts[2])
            data = out.read(size)
            if len(data) != size or out.read(1) != b"\n":
                raise process.error("stopped early")
            yield parts[0].decode(), parts[1].decode(), data
        done = True
    finally:
        if writer is not None:
            if not done and process.proc.poll() is None:
                process.proc.kill()  # the reader gave up: a writer blocked on a full pipe must not hang
            writer.join()
    if finish and process.proc.wait() != 0:
        raise process.error("failed")


def parse_tree(data: bytes, hexlen: int = 40) -> list[tuple[str, str, str]]:
    """A raw tree object as ``(mode, sha, name)`` entries."""
    size = hexlen // 2
    entries: list[tuple[str, str, str]] = []
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode = data[pos:space].decode()
        name = data[space + 1:nul].decode("utf-8", errors="surrogateescape")
        sha = data[nul + 1: nul + 1 + size].hex()
        entries.append((mode, sha, name))
        pos = nul + 1 + size
    return entries


#: Below this many blobs, :class:`DeltaOrder` is not worth its process.
DELTA_ORDER_MIN = 64


class DeltaOrder:
    """Orders blobs so that git reads them fast: a blob stored as a delta against another
    of them comes before it (and so before the whole chain of its bases).

    git rebuilds a deltified object from its chain of bases and keeps the bases it
    rebuilt in a cache. Reading the tip of a chain first leaves the rest of the chain in
    that cache; reading a chain in a random order rebuilds much of it again and again (3
    to 4 times slower for the first notes of a ``git fast-import``-ed notes pack, where
    each note is a delta against the one written before). One ``git cat-file
    --batch-check`` tells each blob's delta base; it is started on construction, so that
    git's start-up overlaps the caller's work until :meth:`order`. Loose objects and
    blobs whose base is not among those asked about keep their relative order.
    """

    def __init__(self, repo: GitRepo) -> None:
        self.proc = subprocess.Popen(["git", "cat-file", "--batch-check=%(objectname) %(deltabase)"],
                                     cwd=repo.root, env=dict(repo.env), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=repo.detached)

    def order(self, shas: list[str]) -> list[str]:
        """*shas*, deltas before their bases (unchanged if git could not tell)."""
        try:
            out, _ = self.proc.communicate("".join(sha + "\n" for sha in shas).encode())
        except OSError:
            return shas
        if self.proc.returncode != 0:
            return shas
        base_of = dict(line.split(b" ", 1) for line in out.splitlines() if b" " in line)
        wanted = {sha.encode(): sha for sha in shas}
        children: dict[str, list[str]] = {}
        roots: list[str] = []
        for key, sha in wanted.items():
            base = wanted.get(base_of.get(key, b""))
            if base is not None and base != sha:
                children.setdefault(base, []).append(sha)
            else:
                roots.append(sha)
        # Depth first from the roots (bases before their deltas), then reversed.
        order: list[str] = []
        stack = roots[::-1]
        while stack:
            sha = stack.pop()
            order.append(sha)
            stack.extend(children.get(sha, ())[::-1])
        if len(order) != len(wanted):  # a cycle (impossible in a pack) would leave some out
            return shas
        order.reverse()
        return order

    def close(self) -> None:
        """Stop git if :meth:`order` was not called."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
