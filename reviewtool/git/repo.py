"""Access to a git repository: discovery, running git, resolving revisions, reading blobs in bulk.

Every other core module talks to git through :class:`GitRepo`. :meth:`GitRepo.open` finds
the repository (a work tree, a linked worktree or a bare repository); :meth:`GitRepo.init`
creates one. Commands run as plain subprocesses with a fixed, locale-independent
environment; objects are read through the repository's one persistent ``git cat-file
--batch`` (:class:`~reviewtool.git.object_reader.ObjectReader`), so reading many versions
and notes never starts one process per object.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from pathlib import Path

from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.object_reader import GitError, ObjectReader, enlarge_pipe

__all__ = ["EMPTY_TREE", "GitError", "GitRepo", "check_revision_argument"]

#: Environment for every git call: stable output, no pager, no prompts.
_GIT_ENV = {
    "LC_ALL": "C",
    "LANG": "C",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    # Paths are file names, never glob patterns: `-d 'drafts/*.md'` must not
    # match every draft, and a draft named `[1].md` must match itself.
    "GIT_LITERAL_PATHSPECS": "1",
}

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


#: Added for git runs that must not depend on the user's setup (see :meth:`GitRepo.init`):
#: no system or global configuration (hooks, templates, autocrlf).
_ISOLATED_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def _first_line(stderr: str) -> str:
    for line in stderr.splitlines():
        line = line.strip()
        if line:
            return line.removeprefix("fatal: ").removeprefix("error: ")
    return "git failed"


def check_revision_argument(rev: str) -> str:
    """Refuse a revision that git would read as an option (``-x``, ``--output=...``)."""
    if not rev or rev.startswith("-"):
        raise UsageError(f"invalid revision {rev!r}: a revision cannot start with '-'")
    if any(ch in rev for ch in "\0\n\r"):
        raise UsageError(f"invalid revision {rev!r}")
    return rev


def _blob_ids_of(out: str) -> list[str | None]:
    """The answers of ``cat-file --batch-check=%(objectname) %(objecttype)``: the blob's id, or
    None for anything else (missing, a tree, a commit)."""
    result: list[str | None] = []
    for line in out.splitlines():
        parts = line.split()
        result.append(parts[0] if len(parts) == 2 and parts[1] == "blob" else None)
    return result


def _ls_tree_args(rev: str, paths: tuple[str, ...]) -> tuple[str, ...]:
    """``git ls-tree`` listing the files of *rev* (recursively) under *paths*, NUL-separated."""
    return ("ls-tree", "-r", "-z", "--name-only", "--end-of-options", rev, "--", *paths)


def _tree_paths(out: bytes) -> list[str]:
    """The paths of :func:`_ls_tree_args`' output (undecodable bytes kept as surrogates)."""
    return [p.decode("utf-8", errors="surrogateescape") for p in out.split(b"\0") if p]


class RunningGit:
    """A git process started by :meth:`GitRepo.start`; :meth:`output` waits for it."""

    def __init__(self, proc: subprocess.Popen[bytes], input: bytes | None = None) -> None:
        self._proc = proc
        self._done: tuple[int, str, str] | None = None
        self._talker: threading.Thread | None = None
        self._talked: tuple[bytes, bytes] | BaseException | None = None
        if proc.stdout is not None:
            enlarge_pipe(proc.stdout)
        if input is not None:
            # git reads its input while it writes its answers: a thread feeds the one and reads
            # the other (communicate), so neither pipe can fill and stop both sides.
            self._talker = threading.Thread(target=self._talk, args=(input,), daemon=True)
            self._talker.start()

    def _talk(self, input: bytes) -> None:
        try:
            self._talked = self._proc.communicate(input)
        except BaseException as exc:  # (handed to wait(), in the caller's thread)
            self._talked = exc

    def output(self, check: bool = True) -> str:
        """git's stdout as text (UTF-8, lenient), once it has exited; :class:`GitError`
        with git's first error line when it failed (unless not *check*)."""
        code, out, err = self.wait()
        if check and code != 0:
            raise GitError(_first_line(err))
        return out

    def wait(self) -> tuple[int, str, str]:
        """``(returncode, stdout, stderr)`` once git has exited, without raising."""
        if self._done is None:
            if self._talker is not None:
                self._talker.join()
                if isinstance(self._talked, BaseException):
                    raise self._talked
                assert self._talked is not None
                out, err = self._talked
            else:
                out, err = self._proc.communicate()
            code = self._proc.returncode
            assert code is not None
            self._done = (code, out.decode("utf-8", errors="replace"), err.decode("utf-8", errors="replace"))
        return self._done


class GitRepo:
    """One git working tree (or bare repository) and the operations reviewtool needs."""

    def __init__(self, root: Path, git_dir: Path, bare: bool = False, common_dir: Path | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.git_dir = git_dir
        self.bare = bare
        self._env = {**os.environ, **_GIT_ENV, **(env or {})}
        self._reader_lock = threading.Lock()
        self._reader: ObjectReader | None = None  # started on first use
        self._common_dir = common_dir
        #: Paths known to be files committed at ``HEAD`` (see :meth:`start_open`).
        self._in_head: set[str] = set()
        #: Revisions git is resolving ahead (:meth:`resolve_soon`), and its answers, running.
        self._resolving: dict[str, RunningGit] = {}
        #: Run git away from the terminal (its own session, no controlling tty): set by the
        #: TUI, where a prompt (ssh's host key question, a passphrase) would freeze the screen
        #: and read the user's keys. git then fails instead of asking, and the error is shown.
        self.detached = False

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> GitRepo:
        """Open the repository containing *path* (default: the current directory).

        Raises :class:`ReviewtoolError` when *path* is not inside a git repository.
        """
        return cls.start_open(path)()

    @classmethod
    def start_open(cls, path: str | os.PathLike[str] | None = None,
                   file: str | None = None) -> Callable[[], GitRepo]:
        """:meth:`open`, started: git finds the repository while the caller works; call the
        result for it (or :meth:`open`'s error). *file*, a path as the user gave it (relative
        to *path*): whether it is a file committed at ``HEAD`` is asked at the same time, so that
        :meth:`in_head` answers for it without waiting for a git of its own (a command that
        names its draft with ``-d`` asks that first)."""
        where = Path(path) if path is not None else Path.cwd()
        env = {**os.environ, **_GIT_ENV}
        try:
            if not where.exists():
                raise ReviewtoolError(f"cannot change to {str(where)!r}: no such directory")
            if not where.is_dir():
                raise ReviewtoolError(f"{str(where)!r} is not a directory")
            # --show-cdup (unlike --show-toplevel) does not fail in a bare repository:
            # it prints nothing there, and a (possibly empty) line in a work tree.
            finding = subprocess.Popen(
                ["git", "rev-parse", "--show-object-format", "--is-bare-repository", "--absolute-git-dir",
                 "--git-common-dir", "--is-inside-work-tree", "--show-cdup"],
                cwd=where, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                env=env)
        except (ReviewtoolError, OSError) as exc:
            failed = exc

            def fail() -> GitRepo:
                raise failed

            return fail
        # In *where*, with the names in full: the same listing :meth:`in_head` asks for, of
        # the same path (paths are literal: see _GIT_ENV); it fails where that one would not
        # run (outside a work tree), and then answers nothing.
        listing = None
        if file is not None and not file.startswith("-") and file.strip():
            with contextlib.suppress(OSError):
                listing = subprocess.Popen(["git", "ls-tree", "--full-name", *_ls_tree_args("HEAD", (file,))[1:]],
                                           cwd=where, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL, env=env)

        def opened() -> GitRepo:
            out, err = finding.communicate()
            listed = listing.communicate()[0] if listing is not None else b""
            repo = cls._found(where, finding.returncode, out, err)
            if listing is not None and listing.returncode == 0:
                repo._in_head.update(_tree_paths(listed))
            return repo

        return opened

    @classmethod
    def _found(cls, where: Path, code: int, stdout: str, stderr: str) -> GitRepo:
        """The repository :meth:`open` found in *where*, from ``git rev-parse``'s answer."""
        if code != 0:
            message = _first_line(stderr)
            if "not a git repository" in message.lower() or not stderr.strip():
                raise ReviewtoolError(f"not a git repository: {where}")
            raise ReviewtoolError(message)  # e.g. git's "detected dubious ownership" advice
        object_format, *lines = stdout.splitlines()
        if object_format.strip() not in ("sha1", "--show-object-format"):  # the latter: git < 2.25
            raise ReviewtoolError(f"{object_format.strip()} repositories are not supported yet "
                                  "(reviewtool reads SHA-1 objects only): " + str(where))
        bare = lines[0].strip() == "true"
        git_dir = Path(lines[1].strip())
        # --git-common-dir is relative to where git ran unless absolute; in a linked worktree
        # it is the main repository's git directory.
        common_dir = Path(os.path.normpath(where.resolve() / lines[2].strip()))
        if bare:
            return cls(git_dir, git_dir, bare=True, common_dir=common_dir)
        if len(lines) < 5 or lines[3].strip() != "true":
            raise ReviewtoolError(f"{where} is inside the .git directory: run reviewtool in the work tree")
        root = (where / lines[4].strip()).resolve()
        return cls(root, git_dir, bare=False, common_dir=common_dir)

    @classmethod
    def init(cls, path: Path, branch: str = "main", isolated: bool = True) -> GitRepo:
        """Create a new (non-bare) repository in the existing directory *path*, on *branch*.

        With *isolated*, this and every later git call through the returned repository ignore
        the system and global git configuration (hooks, templates, ``core.autocrlf``), so what
        is built does not depend on the user's setup. Raises :class:`GitError` (or
        :class:`ReviewtoolError` when git is not installed).
        """
        env = _ISOLATED_ENV if isolated else {}
        repo = cls(Path(path), Path(path) / ".git", env=env)
        repo.run("init", "-q", "-b", branch)
        return repo

    def fast_import(self, stream: bytes) -> None:
        """Feed *stream* to ``git fast-import --quiet`` (objects, refs, marks: whatever it says)."""
        self.run("fast-import", "--quiet", input=stream)

    @property
    def env(self) -> Mapping[str, str]:
        """The environment every git process of this repository runs with."""
        return self._env

    def common_dir(self) -> Path:
        """The common git directory: shared by linked worktrees; refs and caches live there."""
        if self._common_dir is None:
            try:
                rel = (self.git_dir / "commondir").read_text(encoding="utf-8").strip()
                self._common_dir = Path(os.path.normpath(self.git_dir / rel))
            except OSError:
                self._common_dir = self.git_dir
        return self._common_dir

    # ------------------------------------------------------------------ running
    def run(
        self,
        *args: str,
        input: bytes | str | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> str:
        """Run ``git ARGS`` in the repository and return its stdout as text (UTF-8, lenient)."""
        out = self.run_bytes(*args, input=input, check=check, env=env)
        return out.decode("utf-8", errors="replace")

    def start(self, *args: str, input: bytes | str | None = None) -> RunningGit:
        """Start ``git ARGS`` (reading *input*, else nothing) and return at once:
        :meth:`RunningGit.output` waits for its stdout.

        For work that can go on while git runs (git on one core, Python on another). Its
        stdout pipe is enlarged where the system allows, so git runs ahead of a reader
        that is busy elsewhere; it never reads the terminal.
        """
        if isinstance(input, str):
            input = input.encode("utf-8")
        try:
            proc = subprocess.Popen(["git", *args], cwd=self.root, env=self._env,
                                    stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    start_new_session=self.detached)
        except FileNotFoundError:
            self._run(args, None, self._env)  # the same clear error run() gives
            raise
        return RunningGit(proc, input)

    def run_bytes(
        self,
        *args: str,
        input: bytes | str | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> bytes:
        """Run ``git ARGS`` and return raw stdout; raise :class:`GitError` on failure."""
        proc = self._run(args, input, {**self._env, **env} if env else self._env)
        if check and proc.returncode != 0:
            raise GitError(_first_line(proc.stderr.decode("utf-8", errors="replace")))
        return proc.stdout

    def try_run(self, *args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
        """Run git and return ``(returncode, stdout, stderr)`` without raising."""
        proc = self._run(args, input, self._env)
        return (
            proc.returncode,
            proc.stdout.decode("utf-8", errors="replace"),
            proc.stderr.decode("utf-8", errors="replace"),
        )

    def _run(self, args: tuple[str, ...], input: bytes | str | None,
             env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
        # Never the terminal's stdin: a git (or ssh) reading it would take the user's keys.
        if isinstance(input, str):
            input = input.encode("utf-8")
        try:
            return subprocess.run(["git", *args], cwd=self.root, input=input, capture_output=True, env=env,
                                  stdin=subprocess.DEVNULL if input is None else None,
                                  start_new_session=self.detached)
        except FileNotFoundError as exc:
            if not self.root.is_dir():
                raise ReviewtoolError(f"cannot change to {str(self.root)!r}: no such directory") from None
            raise ReviewtoolError("git is not installed (or not on PATH)") from exc

    # ------------------------------------------------------------------ revisions
    def has_commits(self) -> bool:
        code, _, _ = self.try_run("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
        return code == 0

    def resolve_commit(self, rev: str) -> str:
        """Resolve *rev* to a full commit id, or fail with one clear line.

        Any revision git knows works, ``:/text`` (the newest commit whose message matches)
        included: git reads everything after ``:/`` as the pattern, so it cannot take the
        ``^{commit}`` suffix; it is resolved first and peeled after. A revision that names
        something else (``:path``, a tree) says what it names.
        """
        check_revision_argument(rev)
        running = self._resolving.pop(rev, None)
        if running is not None:
            code, out, _ = running.wait()
        else:
            code, out, _ = self.try_run("rev-parse", "--verify", "--quiet", "--end-of-options",
                                        rev if rev.startswith(":") else f"{rev}^{{commit}}")
        if code == 0 and rev.startswith(":") and out.strip():
            code, out, _ = self.try_run("rev-parse", "--verify", "--quiet", f"{out.strip()}^{{commit}}")
            if code != 0:
                kind = self.run("cat-file", "-t", rev).strip()
                raise ReviewtoolError(f"{rev} names a {kind}, not a commit")
        if code != 0 or not out.strip():
            if not self.has_commits():
                raise ReviewtoolError("the repository has no commits yet")
            raise ReviewtoolError(f"unknown revision: {rev}")
        return out.strip()

    def resolve_soon(self, revs: Iterable[str]) -> None:
        """Start git resolving *revs* as :meth:`resolve_commit` does, each in a git of its own, all
        at once: they answer while the caller works (a diff: while git walks the draft's history),
        and :meth:`resolve_commit` takes the answer, once. A revision it refuses or resolves in
        two steps (``:/text``) is left to it; a git whose answer is never taken is waited for by
        :meth:`close`."""
        for rev in revs:
            if rev and rev not in self._resolving and not rev.startswith(("-", ":")) \
                    and not any(ch in rev for ch in "\0\n\r"):
                self._resolving[rev] = self.start("rev-parse", "--verify", "--quiet", "--end-of-options",
                                                  f"{rev}^{{commit}}")

    def first_parent_line(self, start: str = "HEAD") -> list[str]:
        """The commits of the first-parent line from *start*, newest first (``git rev-list
        --first-parent``): the line along which "later" means "descends from"."""
        check_revision_argument(start)
        return self.run("rev-list", "--first-parent", "--end-of-options", start, "--").split()

    def descendants_on(self, commit: str, start: str = "HEAD") -> list[str]:
        """The commits that descend from *commit* and are ancestors of *start* (inclusive),
        newest first (``git rev-list --ancestry-path COMMIT..START``); empty when *commit*
        is *start* or is not one of its ancestors."""
        check_revision_argument(commit)
        check_revision_argument(start)
        return self.run("rev-list", "--ancestry-path", f"{commit}..{start}", "--").split()

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether commit *ancestor* is *descendant* or one of its ancestors (``git merge-base
        --is-ancestor``)."""
        check_revision_argument(ancestor)
        check_revision_argument(descendant)
        code, _, err = self.try_run("merge-base", "--is-ancestor", ancestor, descendant)
        if code not in (0, 1):
            raise GitError(_first_line(err))
        return code == 0

    def config_get(self, key: str, default: str | None = None, running: RunningGit | None = None) -> str | None:
        """The value of config *key* (or *default*): the answer of *running*, from
        :meth:`start_config_get`, when given."""
        code, out, _ = (running or self.start_config_get(key)).wait()
        return out.strip() if code == 0 and out.strip() else default

    def start_config_get(self, key: str) -> RunningGit:
        """:meth:`config_get`'s git, started to run while other work goes on."""
        return self.start("config", "--get", key)

    def identity(self) -> tuple[str, str]:
        """The user's name and email from git config (``user.name``/``user.email``)."""
        code, out, _ = self.try_run("var", "GIT_AUTHOR_IDENT")
        if code == 0 and "<" in out:
            name, _, rest = out.partition("<")
            email = rest.partition(">")[0]
            return name.strip(), email.strip()
        name = self.config_get("user.name") or ""
        email = self.config_get("user.email") or ""
        if not name and not email:
            raise ReviewtoolError("who are you? set git config user.name and user.email")
        return name, email

    # ------------------------------------------------------------------ files
    def ls_files(self, *pathspecs: str) -> list[str]:
        """Tracked paths (index) matching *pathspecs*."""
        out = self.run_bytes("ls-files", "-z", "--", *pathspecs)
        return [p.decode("utf-8", errors="surrogateescape") for p in out.split(b"\0") if p]

    def is_tracked(self, path: str) -> bool:
        """Whether *path* (repository-relative) is exactly a file in the index (not a directory)."""
        if self.bare:
            return False
        return path in self.ls_files(path)

    def ls_tree(self, rev: str, *paths: str) -> list[str]:
        """Files in the tree of commit *rev* (recursively), limited to *paths* when given."""
        check_revision_argument(rev)
        return _tree_paths(self.run_bytes(*_ls_tree_args(rev, paths)))

    def in_head(self, path: str) -> bool:
        """Whether *path* is exactly a file committed at ``HEAD`` (False when there is no commit:
        git's ``ls-tree`` fails then, so no ``rev-parse`` is asked first)."""
        if path in self._in_head:
            return True
        proc = self._run(_ls_tree_args("HEAD", (path,)), None, self._env)
        return proc.returncode == 0 and path in _tree_paths(proc.stdout)

    def relpath(self, path: str | os.PathLike[str], cwd: Path | None = None) -> str:
        """Normalise a user-given path to a repository-relative POSIX path."""
        p = Path(path)
        if not p.is_absolute():
            base = cwd if cwd is not None else self.root
            p = (base / p)
        try:
            rel = p.resolve().relative_to(self.root.resolve())
        except ValueError:
            # Path outside the work tree, or one that does not exist: keep as given.
            return Path(path).as_posix()
        return rel.as_posix()

    # ------------------------------------------------------------------ objects
    @property
    def objects(self) -> ObjectReader:
        """The repository's one persistent ``git cat-file --batch`` (started on first use)."""
        with self._reader_lock:
            if self._reader is None:
                self._reader = ObjectReader(self.root, self._env, detached=self.detached)
            self._reader.detached = self.detached
            return self._reader

    def read_blob(self, sha: str) -> bytes:
        """The content of blob *sha*, through the persistent ``cat-file --batch``."""
        return self.objects.read(sha)

    def read_blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs in one round of the persistent ``cat-file --batch``;
        blobs the repository lacks are left out."""
        wanted = list(dict.fromkeys(shas))
        found = self.objects.ask(wanted)
        return {sha: obj[2] for sha, obj in zip(wanted, found) if obj is not None}

    def stream_blobs(self, shas: Sequence[str],
                     meanwhile: Callable[[], object] | None = None) -> Generator[bytes | None, None, None]:
        """The contents of *shas* (None where missing) through the persistent ``cat-file
        --batch``, in one request, each yielded as git sends it: git reads the next while the
        caller works on the last, and the first while it does *meanwhile*
        (:meth:`ObjectReader.stream`). Closed half-way, git is stopped (a later request starts
        it again)."""
        specs = list(shas)  # (as given now: the request is sent when the first is asked for)

        def blobs() -> Generator[bytes | None, None, None]:
            yield from self.objects.stream(specs, meanwhile)

        return blobs()

    def blob_ids(self, specs: Sequence[str]) -> list[str | None]:
        """Resolve ``rev:path`` specs to blob ids in one ``cat-file --batch-check`` call."""
        return self.start_blob_ids(specs)()

    def start_blob_ids(self, specs: Sequence[str]) -> Callable[[], list[str | None]]:
        """:meth:`blob_ids`, started: git answers while the caller works; call the result for
        the answers."""
        if not specs:
            return list
        running = self.start("cat-file", "--batch-check=%(objectname) %(objecttype)",
                             input="\n".join(specs) + "\n")
        return lambda: _blob_ids_of(running.output())

    def differs_from_head(self, path: str, running: RunningGit | None = None) -> bool:
        """Whether the working-tree file *path* differs from its committed version at ``HEAD``
        (the answer of *running*, from :meth:`start_differs_from_head`, when given)."""
        code, _, err = (running or self.start_differs_from_head(path)).wait()
        if code not in (0, 1):
            raise GitError(_first_line(err))
        return code == 1

    def start_differs_from_head(self, path: str) -> RunningGit:
        """:meth:`differs_from_head`'s git, started to run while other work goes on."""
        return self.start("diff", "--quiet", "--no-ext-diff", "--no-textconv", "HEAD", "--", path)

    def hash_file(self, path: str) -> str:
        """The blob id the working-tree file *path* would have (with git's filters)."""
        return self.run("hash-object", "--", path).strip()

    def hash_bytes(self, data: bytes, path: str) -> str:
        """The blob id *data* would have as the working-tree file *path* (with git's filters),
        without reading the file again (it may have changed since *data* was read)."""
        return self.run_bytes("hash-object", "--stdin", f"--path={path}", input=data).decode().strip()

    def close(self) -> None:
        """Stop the persistent ``cat-file`` process (a later read starts it again), and wait for
        the revisions resolved ahead that nothing asked for (:meth:`resolve_soon`)."""
        resolving, self._resolving = self._resolving, {}
        for running in resolving.values():
            running.wait()
        with self._reader_lock:
            reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
