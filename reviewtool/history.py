"""Draft history: the versions of one draft, following renames, read from git in bulk.

:func:`versions` runs one ``git log --follow --raw`` for the whole list; the text
of each version is read lazily through :meth:`GitRepo.read_blob` (one persistent
``cat-file --batch``), never one process per version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from reviewtool.document import Document, parse
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.gitrepo import GitRepo, check_revision_argument

#: Where drafts live by default.
DRAFTS_DIR = "drafts"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
#: Drafts larger than this are refused with a reason (parsing is linear, but the
#: whole review workflow is interactive).
MAX_DRAFT_BYTES = 32 * 1024 * 1024
#: Sha shown for the working-tree pseudo-version.
WORKTREE = "WORKTREE"

_RS, _US = "\x1e", "\x1f"
_LOG_FORMAT = _RS + _US.join(["%H", "%P", "%an", "%ae", "%aI", "%s"])


@dataclass(frozen=True)
class Version:
    """One version of a draft: a commit that touched it, or the working tree."""

    commit: str  # full sha, or WORKTREE
    parents: tuple[str, ...]
    author: str
    email: str
    date: datetime
    subject: str
    path: str  # the draft's path at this version
    blob: str | None  # None when the commit deleted the draft
    status: str = "M"  # A, M, R, D, or W (working tree)
    old_path: str | None = None  # set on renames

    @property
    def is_worktree(self) -> bool:
        return self.commit == WORKTREE

    @property
    def short(self) -> str:
        return "worktree" if self.is_worktree else self.commit[:8]

    def to_dict(self) -> dict[str, Any]:
        return {
            "commit": None if self.is_worktree else self.commit,
            "short": self.short,
            "worktree": self.is_worktree,
            "parents": list(self.parents),
            "author": self.author,
            "email": self.email,
            "date": self.date.isoformat(),
            "subject": self.subject,
            "path": self.path,
            "blob": self.blob,
            "status": self.status,
            "old_path": self.old_path,
        }


def find_drafts(repo: GitRepo, under: str = DRAFTS_DIR) -> list[str]:
    """Tracked Markdown files under *under* (default ``drafts/``)."""
    return sorted(p for p in repo.ls_files(under) if p.lower().endswith(MARKDOWN_SUFFIXES))


def resolve_draft(repo: GitRepo, draft: str | None = None, cwd: Path | None = None) -> str:
    """The repository path of the draft to work on.

    With *draft* given it must be a tracked file (any tracked Markdown path works,
    e.g. a README at the root). Without it the repository must have exactly one
    draft under ``drafts/``.
    """
    if not repo.has_commits():
        raise ReviewtoolError("the repository has no commits yet: commit a draft under drafts/ first")
    if draft is not None:
        if draft.startswith("-"):
            raise UsageError(f"invalid draft path {draft!r}: a path cannot start with '-'")
        path = repo.relpath(draft, cwd=cwd)
        if not repo.is_tracked(path):
            if (repo.root / path).exists():
                raise ReviewtoolError(f"draft not tracked by git: {path} (git add and commit it first)")
            raise ReviewtoolError(f"no such draft: {path}")
        return path
    drafts = find_drafts(repo)
    if not drafts:
        raise ReviewtoolError(
            f"no drafts: no Markdown files under {DRAFTS_DIR}/ (name one with -d PATH)"
        )
    if len(drafts) > 1:
        raise UsageError(
            f"{len(drafts)} drafts under {DRAFTS_DIR}/; pick one with -d: " + ", ".join(drafts)
        )
    return drafts[0]


def _parse_log(out: str) -> list[Version]:
    versions: list[Version] = []
    for record in out.split(_RS):
        if not record.strip("\0\n"):
            continue
        header, _, raw = record.partition("\0")
        fields = header.split(_US)
        if len(fields) < 6:
            continue
        sha, parents, author, email, date, subject = fields[:6]
        entries = [e for e in raw.lstrip("\n").split("\0")]
        path = old_path = blob = None
        status = "M"
        i = 0
        while i < len(entries):
            entry = entries[i].strip("\n")
            if entry.startswith(":"):
                meta = entry[1:].split(" ")
                new_blob = meta[3] if len(meta) > 3 else None
                st = meta[4] if len(meta) > 4 else "M"
                status = st[:1]
                if status in ("R", "C"):
                    old_path, path = entries[i + 1], entries[i + 2]
                    i += 3
                else:
                    path = entries[i + 1]
                    i += 2
                blob = None if status == "D" or (new_blob and set(new_blob) == {"0"}) else new_blob
                break
            i += 1
        versions.append(
            Version(
                commit=sha,
                parents=tuple(parents.split()),
                author=author,
                email=email,
                date=datetime.fromisoformat(date),
                subject=subject,
                path=path or "",
                blob=blob,
                status=status if path else "M",
                old_path=old_path,
            )
        )
    return versions


class DraftHistory:
    """The versions of one draft and their parsed documents (cached)."""

    def __init__(self, repo: GitRepo, draft: str, start: str = "HEAD", include_worktree: bool = True) -> None:
        self.repo = repo
        self.draft = draft
        self.start = start
        self._versions: list[Version] | None = None
        self._include_worktree = include_worktree
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._lock = threading.Lock()
        self.cache_size = 64

    # -------------------------------------------------------------- versions
    @property
    def versions(self) -> list[Version]:
        if self._versions is None:
            self._versions = versions(self.repo, self.draft, start=self.start,
                                      include_worktree=self._include_worktree)
        return self._versions

    def __iter__(self) -> Iterator[Version]:
        return iter(self.versions)

    def __len__(self) -> int:
        return len(self.versions)

    @property
    def paths(self) -> list[str]:
        """Every path the draft has had, newest first."""
        seen: list[str] = []
        for v in self.versions:
            for p in (v.path, v.old_path):
                if p and p not in seen:
                    seen.append(p)
        return seen

    def previous(self, version: Version) -> Version | None:
        """The version before *version* in the list (older), skipping deletions."""
        vs = self.versions
        idx = self.index(version)
        for v in vs[idx + 1 :]:
            if v.blob is not None or v.is_worktree:
                return v
        return None

    def index(self, version: Version) -> int:
        for i, v in enumerate(self.versions):
            if v.commit == version.commit:
                return i
        raise KeyError(version.commit)

    def find(self, rev: str) -> Version:
        """The version of the draft at revision *rev* (commit-ish, ``worktree``, or ``~N``).

        ``worktree`` is the uncommitted working-tree version (or HEAD's when clean).
        A commit that did not touch the draft resolves to the newest version at or
        before it.
        """
        vs = self.versions
        if not vs:
            raise ReviewtoolError(f"{self.draft} has no history")
        if rev.lower() in ("worktree", WORKTREE.lower()):
            return vs[0]
        check_revision_argument(rev)
        if rev.startswith("~") and rev[1:].isdigit():
            n = int(rev[1:])
            committed = [v for v in vs if not v.is_worktree]
            if n >= len(committed):
                raise ReviewtoolError(f"{self.draft} has only {len(committed)} versions")
            return committed[n]
        sha = self.repo.resolve_commit(rev)
        for v in vs:
            if v.commit == sha:
                return v
        out = self.repo.run("rev-list", "-1", sha, "--", *self.paths).strip()
        for v in vs:
            if v.commit == out:
                return v
        raise ReviewtoolError(f"{self.draft} does not exist at {rev}")

    # -------------------------------------------------------------- content
    def raw(self, version: Version) -> bytes:
        if version.is_worktree:
            data = (self.repo.root / version.path).read_bytes()
        elif version.blob is None:
            raise ReviewtoolError(f"{version.path} was deleted in {version.short}")
        else:
            data = self.repo.read_blob(version.blob)
        return data

    def text(self, version: Version) -> str:
        """The draft's text at *version*: UTF-8, not binary, not too large."""
        return decode_draft(self.raw(version), f"{version.path} at {version.short}")

    def document(self, version: Version) -> Document:
        """The parsed draft at *version* (an LRU cache keyed by blob)."""
        key = version.blob or f"{version.commit}:{version.path}"
        with self._lock:
            doc = self._docs.get(key)
            if doc is not None:
                self._docs.move_to_end(key)
                return doc
        doc = parse(self.text(version), path=version.path)
        with self._lock:
            self._docs[key] = doc
            while len(self._docs) > self.cache_size:
                self._docs.popitem(last=False)
        return doc


def decode_draft(data: bytes, what: str) -> str:
    """Decode a draft's bytes, refusing binary, oversized or invalid UTF-8 content."""
    if len(data) > MAX_DRAFT_BYTES:
        raise ReviewtoolError(
            f"{what} is {len(data) / 1e6:.1f} MB; reviewtool reads drafts up to "
            f"{MAX_DRAFT_BYTES // (1024 * 1024)} MiB"
        )
    if b"\0" in data[:8000]:
        raise ReviewtoolError(f"{what} is a binary file, not a Markdown draft")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReviewtoolError(f"{what} is not valid UTF-8 (byte {exc.start}, line {line})") from None
    return text.removeprefix("\ufeff")


def versions(repo: GitRepo, draft: str, start: str = "HEAD", include_worktree: bool = True) -> list[Version]:
    """Every commit that touched *draft*, newest first, following renames.

    The same commits as ``git log --follow START -- DRAFT``. When the working tree
    copy differs from the committed one, a pseudo-version with commit
    :data:`WORKTREE` comes first.
    """
    if start != "HEAD":
        check_revision_argument(start)
    out = repo.run("log", "--follow", "--raw", "--no-abbrev", "-z", "--no-color",
                   "--no-show-signature", f"--format={_LOG_FORMAT}", start, "--", draft)
    result = _parse_log(out)
    # Merges show no raw diff: resolve their blob (and path) in one batch-check.
    missing = [i for i, v in enumerate(result) if not v.path]
    if missing:
        # The path at a merge is the path of the next newer version (or the draft).
        specs = []
        for i in missing:
            newer = next((result[j] for j in range(i - 1, -1, -1) if result[j].path), None)
            path = (newer.old_path or newer.path) if newer and newer.status == "R" else (newer.path if newer else draft)
            specs.append((i, path))
        blobs = repo.blob_ids([f"{result[i].commit}:{p}" for i, p in specs])
        for (i, path), blob in zip(specs, blobs):
            v = result[i]
            result[i] = Version(v.commit, v.parents, v.author, v.email, v.date, v.subject, path, blob,
                                status="M" if blob else "D")
    if include_worktree and not repo.bare and result and start == "HEAD":
        head = result[0]
        wt = repo.root / draft
        if wt.is_file() and head.blob is not None:
            current = repo.hash_file(draft)
            if current != head.blob:
                name, email = _identity_or_blank(repo)
                mtime = datetime.fromtimestamp(wt.stat().st_mtime).astimezone()
                result.insert(0, Version(WORKTREE, (head.commit,), name, email, mtime,
                                         "Uncommitted changes", draft, current, status="W"))
    return result


def _identity_or_blank(repo: GitRepo) -> tuple[str, str]:
    try:
        return repo.identity()
    except ReviewtoolError:
        return "", ""
