"""Rewriting a file of the work tree without losing anyone's edit or writing anywhere else.

:func:`edit_worktree_file` is how reviewtool changes a draft in the working tree (applying
a suggested edit). It promises:

* **Only a regular file inside the work tree.** The path is walked from the work tree's
  root one folder at a time, each opened with ``O_NOFOLLOW`` relative to its parent
  (``openat``), so a symbolic link anywhere on the way (the draft itself, or a parent
  folder leading outside) is refused with the reason, never followed, even if it appears
  while we work. A FIFO, a device or a folder in the draft's place is refused too.
* **One writer at a time.** Cooperating writers of a work tree queue on an advisory lock
  (``flock`` on ``reviewtool-apply.lock`` in the work tree's git directory), so parallel
  applies run one after another, each on the text the previous one left.
* **Compare-and-swap on the content.** The new text is computed from the bytes read under
  the lock; just before the rename the file is read again, and if anything else (an
  editor saving) changed it meanwhile, nothing is written. (Between that last check and
  the rename there is a window of microseconds that no POSIX call closes for a writer
  that takes no lock.)
* **Atomic.** The new content goes to a temporary file in the same folder (same mode as
  the draft), is flushed to disk, and replaces the draft with one ``rename``; a reader
  sees the old or the new text, never a mix, and a crash leaves the old text.

POSIX only (``flock``, ``openat``), like the rest of reviewtool's locking.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import random
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import TypeVar

from reviewtool.errors import ReviewtoolError
from reviewtool.git.repo import GitRepo

#: The lock file, in the work tree's own git directory (``.git``, or ``.git/worktrees/NAME``).
LOCK_NAME = "reviewtool-apply.lock"
#: How long a writer waits for the one before it.
LOCK_TIMEOUT = 60.0

T = TypeVar("T")


class WorktreeFile:
    """A regular file of the work tree, opened safely: its folder (a descriptor) and its bytes."""

    def __init__(self, rel: str, dir_fd: int, name: str, data: bytes, mode: int) -> None:
        self.rel = rel
        self.dir_fd = dir_fd
        self.name = name
        #: The bytes read under the lock: what the new content is computed from.
        self.data = data
        #: Permission bits, kept by :meth:`replace`.
        self.mode = mode

    def current(self) -> bytes:
        """The file's bytes now (re-checked to still be a regular file)."""
        return _read_regular(self.dir_fd, self.name, self.rel)

    def replace(self, new: bytes, expected: bytes | None = None) -> None:
        """Atomically replace the file with *new* if it still holds *expected* (default: :attr:`data`).

        Raises :class:`ReviewtoolError` (and writes nothing) when the file changed.
        """
        expected = self.data if expected is None else expected
        tmp = _write_temp(self.dir_fd, self.name, new, self.mode)
        try:
            if self.current() != expected:
                raise ReviewtoolError(f"{self.rel} changed while the suggestion was being applied "
                                      "(another program wrote it): nothing applied; try again")
            os.replace(tmp, self.name, src_dir_fd=self.dir_fd, dst_dir_fd=self.dir_fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=self.dir_fd)
            raise
        with contextlib.suppress(OSError):  # the rename itself on disk (not every file system can)
            os.fsync(self.dir_fd)


def edit_worktree_file(repo: GitRepo, rel: str, edit: Callable[[WorktreeFile], T],
                       timeout: float = LOCK_TIMEOUT) -> T:
    """Run *edit* on the work tree's file *rel* (a repository-relative path) under the lock.

    *edit* receives the opened :class:`WorktreeFile` and returns what this function
    returns; it writes with :meth:`WorktreeFile.replace`. Refuses, with the reason and
    before *edit* runs, a path that is not a regular file reached without symbolic links.
    """
    if repo.bare:
        raise ReviewtoolError("a bare repository has no working tree to write to")
    parts = _parts(rel)
    with _locked(Path(repo.git_dir) / LOCK_NAME, timeout, rel):
        dir_fd = _open_folder(Path(repo.root), parts[:-1])
        try:
            info = _lstat(dir_fd, parts[-1], rel, Path(repo.root))
            data = _read_regular(dir_fd, parts[-1], rel)
            return edit(WorktreeFile(rel, dir_fd, parts[-1], data, stat.S_IMODE(info.st_mode)))
        finally:
            os.close(dir_fd)


# ---------------------------------------------------------------------------- the path


def _parts(rel: str) -> list[str]:
    path = PurePosixPath(rel)
    parts = list(path.parts)
    if not parts or path.is_absolute() or any(p in ("..", ".") for p in parts):
        raise ReviewtoolError(f"{rel} is not a path inside the work tree")
    return parts


def _open_folder(root: Path, parts: list[str]) -> int:
    """A descriptor of the folder ``root/parts...``, opened without following any link."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    walked = root
    try:
        for name in parts:
            walked = walked / name
            try:
                nxt = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                info = _lstat_or_none(fd, name)
                rel = walked.relative_to(root).as_posix()
                if info is not None and stat.S_ISLNK(info.st_mode):
                    raise ReviewtoolError(_link_reason(fd, name, rel, walked, root, "folder")) from None
                if info is None:
                    raise ReviewtoolError(f"the folder {rel} is missing from the work tree") from None
                raise ReviewtoolError(f"{rel} is not a folder ({exc.strerror})") from None
            os.close(fd)
            fd = nxt
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lstat_or_none(dir_fd: int, name: str) -> os.stat_result | None:
    try:
        return os.lstat(name, dir_fd=dir_fd)
    except OSError:
        return None


def _lstat(dir_fd: int, name: str, rel: str, root: Path) -> os.stat_result:
    info = _lstat_or_none(dir_fd, name)
    if info is None:
        raise ReviewtoolError(f"the working-tree file {rel} is missing")
    if stat.S_ISLNK(info.st_mode):
        raise ReviewtoolError(_link_reason(dir_fd, name, rel, root / rel, root, "file"))
    if not stat.S_ISREG(info.st_mode):
        raise ReviewtoolError(f"{rel} is not a regular file; reviewtool writes only regular files "
                              "inside the work tree")
    return info


def _link_reason(dir_fd: int, name: str, rel: str, where: Path, root: Path, what: str) -> str:
    """Why a symbolic link on the way is refused, naming where it points."""
    try:
        target = os.readlink(name, dir_fd=dir_fd)
    except OSError:
        target = "?"
    resolved = Path(os.path.realpath(where))
    inside = resolved == root.resolve() or root.resolve() in resolved.parents
    if not inside:
        return (f"{rel} is a symbolic link to {target}, outside the work tree; reviewtool writes only "
                f"a regular file inside the work tree, never through a link")
    return (f"{rel} is a symbolic link (to {target}); reviewtool writes only a regular {what} "
            "inside the work tree, never through a link (git does not follow it either)")


def _read_regular(dir_fd: int, name: str, rel: str) -> bytes:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except FileNotFoundError:
        raise ReviewtoolError(f"the working-tree file {rel} is missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReviewtoolError(f"{rel} is a symbolic link; reviewtool writes only a regular file "
                                  "inside the work tree, never through a link") from None
        raise ReviewtoolError(f"cannot read {rel}: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ReviewtoolError(f"{rel} is not a regular file; reviewtool writes only regular files "
                                  "inside the work tree")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _write_temp(dir_fd: int, name: str, data: bytes, mode: int) -> str:
    """A new file beside *name* holding *data* (flushed to disk) with permission bits *mode*."""
    for _ in range(100):
        tmp = f".{name}.{secrets.token_hex(6)}.reviewtool"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=dir_fd)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - 100 collisions of 48 random bits
        raise ReviewtoolError(f"cannot create a temporary file beside {name}")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fchmod(fd, mode)
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise ReviewtoolError(f"cannot write beside {name}: {exc.strerror}") from None
    os.close(fd)
    return tmp


# ---------------------------------------------------------------------------- the lock


@contextlib.contextmanager
def _locked(lock_path: Path, timeout: float, rel: str) -> Iterator[None]:
    """Hold the work tree's writer lock (an advisory ``flock``, released if the process dies)."""
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ReviewtoolError(f"cannot create the lock {lock_path}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ReviewtoolError(f"another reviewtool process has been writing {rel} for "
                                          f"{timeout:.0f} s (lock {lock_path}): nothing applied") from None
                time.sleep(random.uniform(0.002, 0.02))
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
