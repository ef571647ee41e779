"""Real git repositories for tests: commits, renames, merges, fast-import histories.

No mocks of git anywhere: every test works on a repository built here in a temp folder.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

#: A fixed identity and locale so tests never depend on the machine's git config.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Author",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Author",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "LC_ALL": "C",
}


def git(cwd: Path | str, *args: str, input: str | bytes | None = None, env: dict | None = None,
        check: bool = True) -> str:
    """Run git in *cwd* and return stdout (text)."""
    if isinstance(input, str):
        input = input.encode()
    proc = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True,
                          env={**os.environ, **GIT_ENV, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr.decode()}")
    return proc.stdout.decode("utf-8", errors="replace")


@dataclass
class Repo:
    """A test repository with helpers to write files and commit."""

    path: Path
    _tick: int = field(default=1_680_000_000)

    def git(self, *args: str, **kw) -> str:
        return git(self.path, *args, **kw)

    def write(self, rel: str, content: str | bytes) -> Path:
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_bytes(content.encode("utf-8"))
        return p

    def commit(self, message: str, files: dict[str, str | bytes] | None = None,
               author: tuple[str, str] | None = None, date: int | None = None) -> str:
        """Write *files*, stage everything and commit; returns the new commit id."""
        for rel, content in (files or {}).items():
            self.write(rel, content)
        self.git("add", "-A")
        self._tick += 3600
        when = f"{date or self._tick} +0000"
        env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        if author:
            env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1])
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.head()

    def mv(self, old: str, new: str, message: str | None = None) -> str:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)
        return self.commit(message or f"Rename {old} to {new}")

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()


def make_repo(path: Path, bare: bool = False) -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main", *(["--bare"] if bare else []))
    if not bare:
        git(path, "config", "user.name", "Ada Author")
        git(path, "config", "user.email", "ada@example.org")
    return Repo(path)


def fast_import_history(path: Path, contents: list[str], draft: str = "drafts/essay.md",
                        rename_at: dict[int, str] | None = None, authors: list[tuple[str, str]] | None = None,
                        start: int = 1_600_000_000) -> Repo:
    """Build a linear history with one commit per entry of *contents*, in one ``git fast-import``.

    ``rename_at`` maps a commit index to a new path for the draft from that commit on.
    """
    repo = make_repo(path)
    authors = authors or [("Ada Author", "ada@example.org"), ("Ben Reviewer", "ben@example.org")]
    rename_at = rename_at or {}
    chunks: list[bytes] = []
    current = draft
    for i, text in enumerate(contents):
        name, email = authors[i % len(authors)]
        data = text.encode("utf-8")
        msg = f"Version {i + 1}".encode()
        when = start + i * 600
        lines = [
            b"commit refs/heads/main",
            f"mark :{i + 1}".encode(),
            f"author {name} <{email}> {when} +0000".encode(),
            f"committer {name} <{email}> {when} +0000".encode(),
            b"data " + str(len(msg)).encode(),
            msg,
        ]
        if i:
            lines.append(f"from :{i}".encode())
        if i in rename_at:
            lines.append(f"D {current}".encode())
            current = rename_at[i]
        lines.append(f"M 100644 inline {current}".encode())
        lines.append(b"data " + str(len(data)).encode())
        chunks.append(b"\n".join(lines) + b"\n" + data + b"\n")
    git(path, "fast-import", "--quiet", input=b"".join(chunks))
    git(path, "reset", "-q", "--hard", "main")
    return repo


def corpus_bundle() -> Path | None:
    """The real RFC repository bundle, ``<repository root>/../shared/corpus/rust-rfcs-essays.bundle``.

    From a linked worktree the repository root is that of the main worktree (found through
    the common git directory). ``REVIEWTOOL_CORPUS`` names another bundle. None when absent:
    tests that need it skip with a clear reason.
    """
    named = os.environ.get("REVIEWTOOL_CORPUS")
    if named:
        return Path(named) if Path(named).is_file() else None
    here = Path(__file__).resolve().parents[1]
    roots = [here]
    proc = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=here,
                          capture_output=True, text=True)
    if proc.returncode == 0 and proc.stdout.strip():
        roots.append(Path(proc.stdout.strip()).parent)
    for root in roots:
        bundle = root.parent / "shared" / "corpus" / "rust-rfcs-essays.bundle"
        if bundle.is_file():
            return bundle
    return None


@dataclass
class Commit:
    """One commit of :func:`fast_import_graph`: its parents (names of earlier commits, the
    first parent first), the files it sets (``None`` deletes), and the branch it is on."""

    name: str
    parents: list[str] = field(default_factory=list)
    files: dict[str, str | None] = field(default_factory=dict)
    branch: str = "main"
    message: str = ""
    author: tuple[str, str] = ("Ada Author", "ada@example.org")


def fast_import_graph(path: Path, commits: list[Commit], start: int = 1_600_000_000,
                      checkout: str = "main") -> tuple[Repo, dict[str, str]]:
    """Build a history with branches and merges in one ``git fast-import``.

    *commits* come in order (parents before children); each one's tree is its first
    parent's with ``files`` applied (a merge takes nothing from its other parents but
    what ``files`` says). Commit dates increase in list order. Returns the repository
    (checked out at *checkout*) and the commit id of each name.
    """
    repo = make_repo(path)
    marks = {c.name: i + 1 for i, c in enumerate(commits)}
    chunks: list[bytes] = []
    for i, c in enumerate(commits):
        name, email = c.author
        msg = (c.message or c.name).encode()
        when = start + i * 600
        lines = [f"commit refs/heads/{c.branch}".encode(), f"mark :{i + 1}".encode(),
                 f"author {name} <{email}> {when} +0000".encode(),
                 f"committer {name} <{email}> {when} +0000".encode(),
                 b"data " + str(len(msg)).encode(), msg]
        if c.parents:
            lines.append(f"from :{marks[c.parents[0]]}".encode())
            lines += [f"merge :{marks[p]}".encode() for p in c.parents[1:]]
        body = b"\n".join(lines) + b"\n"
        for rel, content in c.files.items():
            if content is None:
                body += f"D {rel}\n".encode()
            else:
                data = content.encode("utf-8")
                body += f"M 100644 inline {rel}\ndata {len(data)}\n".encode() + data + b"\n"
        chunks.append(body)
    marks_file = path / ".git" / "test-marks"
    git(path, "fast-import", "--quiet", f"--export-marks={marks_file}", input=b"".join(chunks))
    pairs = (line.split() for line in marks_file.read_text().splitlines() if line.strip())
    by_mark = {int(m.lstrip(":")): sha for m, sha in pairs}
    marks_file.unlink()
    git(path, "reset", "-q", "--hard", checkout)
    return repo, {c.name: by_mark[marks[c.name]] for c in commits}


def clone_corpus(dest: Path) -> Path:
    """A clone of the RFC corpus (:func:`corpus_bundle`) at *dest*, with ``main`` checked out
    at the bundle's branch (the bundle names no HEAD); the calling test is skipped, with the
    reason, when the bundle is absent. Returns *dest*."""
    import pytest

    bundle = corpus_bundle()
    if bundle is None:
        pytest.skip("the RFC corpus (../shared/corpus/rust-rfcs-essays.bundle) is absent")
    subprocess.run(["git", "clone", "-q", str(bundle), str(dest)], check=True, capture_output=True)
    tip = git(dest, "for-each-ref", "--format=%(refname)", "refs/remotes/origin").split()[0]
    git(dest, "checkout", "-q", "-B", "main", tip)
    return dest


def followed_texts(repo: Path, path: str) -> list[str]:
    """The text of every version of *path* in *repo*, newest first, renames followed (each
    commit ``git log --follow`` lists, read at the path it names there)."""
    texts: list[str] = []
    commit = ""
    for line in git(repo, "log", "--follow", "--format=@%H", "--name-only", "--", path).splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif line.strip() and commit:
            texts.append(git(repo, "show", f"{commit}:{line.strip()}"))
            commit = ""
    return texts
