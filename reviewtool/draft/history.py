"""Draft history: the versions of one draft, following renames, read from git in bulk.

:func:`versions` runs one ``git log --follow --cc --raw`` for the whole list; the text
of each version is read lazily through :meth:`GitRepo.read_blob` (one persistent
``cat-file --batch``), never one process per version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from reviewtool.draft import stored_document
from reviewtool.draft.cache import Cache, cache_for
from reviewtool.draft.document import Document, parse
from reviewtool.draft.markdown import markdown
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.repo import GitRepo, RunningGit, check_revision_argument
from reviewtool.lru import LRU
from reviewtool.records import record
from reviewtool.wording import counted

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
#: Drafts larger than this are refused with a reason. Parsing is linear, but a
#: realistic 20 MB draft already takes ~5-7 s (9-13 s on a loaded machine) and
#: ~450 MB of memory for `reviewtool sections` (tests/benchmarks/bench_history.py
#: --big), and the review workflow is interactive; essays are usually < 100 KB.
MAX_DRAFT_BYTES = 20 * 1024 * 1024
#: Reading a history's blobs: at most this many in one round of ``cat-file --batch``...
_READ_AHEAD = 64
#: ...and about this many bytes (drafts up to a quarter of it are read ahead at all).
_READ_AHEAD_BYTES = 8 * 1024 * 1024
#: Sha shown for the working-tree pseudo-version.
WORKTREE = "WORKTREE"
#: The status of a :class:`Version` made for a parent commit that is not a listed version.
PARENT = "P"


def names_worktree(rev: str | None) -> bool:
    """Whether the revision *rev* names the working-tree version (``worktree``, in any case).
    No revision at all names the newest version, which is the working tree's only when it
    differs from HEAD's (see :meth:`DraftHistory.find`)."""
    return rev is not None and rev.lower() == WORKTREE.lower()


def versions_back(rev: str) -> int | None:
    """N when the revision *rev* is ``~N`` (the draft's Nth committed version back, which
    :meth:`DraftHistory.find` counts itself, without git), else None."""
    return int(rev[1:]) if rev.startswith("~") and rev[1:].isdigit() else None


_RS, _US = "\x1e", "\x1f"
# The fixed-format fields come first; the free-text ones (which could contain
# the separators) last, so a stray separator can only shift text, never the
# sha, parents or date. With -z each header ends in NUL, which git never puts
# in a subject, name or email.
_LOG_FORMAT = _RS + _US.join(["%H", "%P", "%aI", "%an", "%ae", "%s"])


@record(frozen=True)
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
    status: str = "M"  # A, M, R, D, W (working tree), or P (a parent that is no listed version)
    old_path: str | None = None  # set on renames

    @property
    def is_worktree(self) -> bool:
        return self.commit == WORKTREE

    @property
    def is_merge(self) -> bool:
        """Whether the commit has several parents (its change is still against the first)."""
        return len(self.parents) > 1

    @property
    def listed(self) -> bool:
        """False for the draft at a parent commit that is none of the history's versions
        (:meth:`DraftHistory.first_parent` of a version whose parent did not touch the draft)."""
        return self.status != PARENT

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
            "merge": self.is_merge,
        }


#: The status _parse_log gives a merge listed with an empty combined diff (resolved by versions()).
_EMPTY_MERGE = "="


def _parse_log(out: str, at_first_parent: dict[str, tuple[str, str]] | None = None) -> list[Version]:
    """Parse ``git log -z --raw --format=_LOG_FORMAT`` output.

    When *at_first_parent* is given, it gets for each commit whose entry names it the path and
    blob the draft had at the commit's first parent (the entry's old side: what a
    ``cat-file --batch-check`` of ``PARENT:PATH`` would answer), for :meth:`DraftHistory.parent`.

    The output is NUL-separated tokens: a header (``RS`` + fields) per commit,
    then for each raw diff entry a ``:meta`` token followed by one path (two
    for renames and copies). A merge's entry is a combined one (``--cc``):
    ``::`` (one colon per parent), the modes, the blobs (the result last), one
    status letter per parent, then one path. Paths are consumed by count, so
    no path or subject can be mistaken for a header.
    """
    versions: list[Version] = []
    tokens = out.split("\0")
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        i += 1
        if not tok.startswith(_RS):
            continue  # the empty token between a merge's header and its entry
        fields = tok[1:].split(_US, 5)
        if len(fields) < 6:
            fields += [""] * (6 - len(fields))
        sha, parents, date, name, email, subject = fields
        entry = None  # (status, blob, path, old_path) of the first raw entry: the followed file
        # Raw entries up to the next header; paths are taken by count.
        while i < n:
            tok = tokens[i]
            if tok.startswith(_RS):
                break
            i += 1
            tok = tok.lstrip("\n")
            if not tok.startswith(":"):
                continue
            colons = len(tok) - len(tok.lstrip(":"))
            meta = tok[colons:].split(" ")
            if colons > 1:  # combined: n+1 modes, n+1 blobs (the result last), n status letters
                new_blob = meta[2 * colons + 1] if len(meta) > 2 * colons + 1 else ""
                status = "M"
            else:
                new_blob = meta[3] if len(meta) > 3 else ""
                status = meta[4][:1] if len(meta) > 4 and meta[4] else "M"
            if status == "R" or status == "C":
                old_path, path = tokens[i] if i < n else "", tokens[i + 1] if i + 1 < n else ""
                i += 2
            else:
                old_path, path = None, tokens[i] if i < n else ""
                i += 1
            if entry is None:
                deleted = status == "D" or not new_blob.strip("0")
                entry = ("D" if deleted else status, None if deleted else new_blob, path, old_path)
                if at_first_parent is not None and status != "A" and len(meta) > colons + 1:
                    # The first parent's mode and blob: a file's (not a submodule's or a tree's).
                    old_blob = meta[colons + 1] if colons > 1 else meta[2]
                    if meta[0][:3] in ("100", "120") and old_blob.strip("0"):
                        at_first_parent[sha] = (old_path or path if colons == 1 else path, old_blob)
        if entry is None:
            # No raw entry. For a merge, git found the draft equal to a parent's (an empty
            # combined diff); versions() keeps it only when that text is no version's.
            entry = (_EMPTY_MERGE if " " in parents else "M", None, "", None)
        versions.append(Version(sha, tuple(parents.split()), name, email, datetime.fromisoformat(date), subject,
                                entry[2], entry[1], entry[0] if entry[2] or entry[0] == _EMPTY_MERGE else "M",
                                entry[3]))
    return versions


class DraftHistory:
    """The versions of one draft and their parsed documents (cached)."""

    def __init__(self, repo: GitRepo, draft: str, start: str = "HEAD", include_worktree: bool = True,
                 first_parent: bool = False, use_cache: bool = True, reads_documents: bool = False,
                 cold_work: Sequence[Callable[[], object]] = (), reads_changes: bool = False) -> None:
        self.repo = repo
        self.draft = draft
        self.start = start
        #: Only the first-parent line (``git log --first-parent``): a merge is one version,
        #: its change the whole branch it brought; the branch's own commits are not listed.
        self.first_parent_only = first_parent
        self._versions: list[Version] | None = None
        self._positions: dict[str, int] | None = None
        self._include_worktree = include_worktree
        self._docs: LRU[str, Document] = LRU(64)
        self._parents: dict[tuple[str, int], Version | None] = {}
        #: The persistent cache (draft/cache.py); None with ``--no-cache``.
        self.cache: Cache | None = cache_for(repo) if use_cache else None
        self._blobs: dict[str, bytes] = {}  # blobs read ahead, not yet asked for (see _read_ahead)
        #: Commit -> (path, blob) of the draft at its first parent, as the log's entries give it.
        self._at_first_parent: dict[str, tuple[str, str]] = {}
        #: The caller will parse versions (``log``, ``diff``): see :meth:`_before_parsing`.
        self.reads_documents = reads_documents
        #: What such a caller will need when nothing is cached yet (say, the diff's modules):
        #: done while git runs, see :meth:`_before_parsing`.
        self.cold_work = tuple(cold_work)
        #: The caller will ask every version's first parent (``log``): see :meth:`_listed`.
        self.reads_changes = reads_changes
        #: The parent commits asked of git ahead (:meth:`_listed`), and its answer, running.
        self._parents_asked: tuple[set[str], RunningGit] | None = None

    # -------------------------------------------------------------- versions
    @property
    def versions(self) -> list[Version]:
        if self._versions is None:
            self._versions = versions(self.repo, self.draft, start=self.start,
                                      include_worktree=self._include_worktree,
                                      first_parent=self.first_parent_only, meanwhile=self._before_parsing(),
                                      at_first_parent=self._at_first_parent,
                                      listed=self._listed if self.reads_changes else None)
        return self._versions

    def _listed(self, listed: list[Version]) -> None:
        """Start git on the metadata of the first parents of the versions the walk *listed*
        that are none of them (a commit that did not touch the draft, a merge's first
        parent): :meth:`_resolve_parents` needs them for every version, and git answers
        while the merges' texts are looked up and the caller's modules load, not while the
        caller waits. A guess, leaving out the merges whose text is a parent's (most are not
        versions): the parents found to be no version are those (less those without the
        draft), or, rarely, a listed commit left out or of another text, or a parent of such
        a merge kept (asked for then, see :meth:`_metadata`)."""
        kept = [v for v in listed if v.status != _EMPTY_MERGE]  # (most of those are dropped)
        commits = {v.commit for v in kept}
        wanted = list(dict.fromkeys(v.parents[0] for v in kept if v.parents and v.parents[0] not in commits))
        if wanted:
            self._parents_asked = (set(wanted), _start_commit_metadata(self.repo, wanted))

    def _metadata(self, commits: list[str]) -> dict[str, _CommitInfo]:
        """:func:`_commit_metadata` of *commits*: from the answer started by :meth:`_listed`
        for those it asked (when git answered), the others asked now."""
        asked = self._parents_asked
        self._parents_asked = None
        if asked is None:
            return _commit_metadata(self.repo, commits)
        wanted, running = asked
        code, out, _ = running.wait()
        if code != 0:
            return _commit_metadata(self.repo, commits)  # (its error, as without the guess)
        found = _metadata_of(out)
        rest = [commit for commit in commits if commit not in wanted]
        if rest:
            found.update(_commit_metadata(self.repo, rest))
        return {commit: found[commit] for commit in commits if commit in found}

    def _before_parsing(self) -> list[Callable[[], object]]:
        """What to do while git walks the history: when the caller will read documents and no
        parsed version is cached (a cold cache, or none), what it reads will be parsed, so
        load the Markdown parser then (its imports are about 20 ms), and the caller's
        :attr:`cold_work` while git looks up the merges' texts; else nothing."""
        if self.reads_documents and (self.cache is None
                                     or self.cache.is_empty("doc", stored_document.fingerprint())):
            return [markdown, *self.cold_work]
        return []

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

    def first_parent(self, version: Version) -> Version | None:
        """The draft at *version*'s first parent: what *version* changed is its difference from it.

        As in git, a commit's change is its diff against its first parent (a merge's too),
        for the draft at the path it had there (renames included); the working-tree
        version's parent is ``HEAD``. The listed version when the parent is one, else a
        :class:`Version` with status :data:`PARENT` for the parent commit (a merge, or a
        commit that did not touch the draft), whose text is the draft there. None for a
        root version: a root commit, or one that added the draft. Resolved for every
        listed version at once (one ``cat-file --batch-check``, and one ``git log`` for
        the parents that are no version), then cached.
        """
        return self.parent(version, 1)

    def parent(self, version: Version, n: int = 1) -> Version | None:
        """The draft at *version*'s *n*-th parent (``n=2``: the other side of a merge); see
        :meth:`first_parent`. None when the commit has no such parent or the draft was not there."""
        if n < 1:
            raise ValueError("parents are numbered from 1")
        key = (version.commit, n)
        if key not in self._parents:
            todo = [version]
            if version.listed:  # one batch for the whole list (the merges only, for n > 1)
                todo = [v for v in self.versions if (v.commit, n) not in self._parents and len(v.parents) >= n]
                if version not in todo:
                    todo.append(version)
            self._parents.update(self._resolve_parents(todo, n))
        return self._parents[key]

    def _resolve_parents(self, todo: list[Version], n: int) -> dict[tuple[str, int], Version | None]:
        """The draft at the *n*-th parent of each of *todo* (see :meth:`first_parent`)."""
        result: dict[tuple[str, int], Version | None] = {}
        asks: list[tuple[Version, str]] = []
        for v in todo:
            if len(v.parents) < n:
                result[(v.commit, n)] = None
            else:
                asks.append((v, v.parents[n - 1]))
        # The path the draft had at the parent: the old path of a rename, else the same path;
        # where that is missing (a merge with a rename on one side), any path the draft has had.
        first = [(v.old_path if v.status in ("R", "C") and v.old_path and n == 1 else v.path) or self.draft
                 for v, _ in asks]
        # What the log's entries already say (the old side of each version's diff against its
        # first parent) is not asked again; the rest in one batch-check.
        logged = self._at_first_parent if n == 1 else {}
        given = [logged.get(v.commit) for v, _ in asks]
        given = [g if g is not None and g[0] == path else None for g, path in zip(given, first)]
        answers = iter(self.repo.blob_ids([f"{p}:{path}" for ((_, p), path), g in zip(zip(asks, first), given)
                                           if g is None]))
        blobs = [g[1] if g is not None else next(answers) for g in given]
        found: list[tuple[str, str] | None] = [
            (path, blob) if blob else None for path, blob in zip(first, blobs)]
        missing = [i for i, f in enumerate(found) if f is None]
        if missing:
            others = self.paths or [self.draft]
            specs = [(i, path) for i in missing for path in others if path != first[i]]
            more = self.repo.blob_ids([f"{asks[i][1]}:{path}" for i, path in specs])
            for (i, path), blob in zip(specs, more):
                if blob and found[i] is None:
                    found[i] = (path, blob)
        by_commit = {v.commit: v for v in self.versions if not v.is_worktree}
        unlisted: dict[str, tuple[str, str]] = {}
        for (v, p), f in zip(asks, found):
            if f is None:
                result[(v.commit, n)] = None
                continue
            listed = by_commit.get(p)
            if listed is not None and listed.blob == f[1]:
                result[(v.commit, n)] = listed
            else:
                unlisted[p] = f
        if unlisted:
            for commit, meta in self._metadata(list(unlisted)).items():
                path, blob = unlisted[commit]
                unlisted_version = Version(commit, meta.parents, meta.author, meta.email, meta.date, meta.subject,
                                           path, blob, status=PARENT)
                for v, p in asks:
                    if p == commit and (v.commit, n) not in result:
                        result[(v.commit, n)] = unlisted_version
        elif self._parents_asked is not None:
            self._parents_asked[1].wait()  # none needed: git is not left running
            self._parents_asked = None
        for v, _ in asks:
            result.setdefault((v.commit, n), None)
        return result

    def ancestors(self, version: Version) -> list[Version]:
        """The listed versions *version* descends from, itself included, newest first.

        On a history with branches, "the versions up to X" are X's ancestors, not the rows
        below X in the list (some are on other branches). One ``rev-list`` bounded by the
        draft's oldest version.
        """
        vs = self.versions
        committed = [v for v in vs if not v.is_worktree]
        if not committed:
            return [version] if version.is_worktree else []
        tips = list(version.parents) if version.is_worktree else [version.commit]
        bounds = [f"^{p}" for p in committed[-1].parents]
        reachable = set(self.repo.run("rev-list", *tips, *bounds, "--").split())
        return [v for v in vs if v.commit in reachable or v == version]

    def index(self, version: Version) -> int:
        """Position of *version* in :attr:`versions` (0 = newest); O(1)."""
        vs = self.versions
        if self._positions is None or len(self._positions) != len(vs):
            self._positions = {v.commit: i for i, v in enumerate(vs)}
        try:
            return self._positions[version.commit]
        except KeyError:
            raise KeyError(version.commit) from None

    def find_soon(self, *revs: str | None) -> None:
        """Start git resolving those of *revs* that :meth:`find` resolves with git
        (:meth:`GitRepo.resolve_soon`): they answer while git walks the history."""
        self.repo.resolve_soon([rev for rev in revs if rev and not names_worktree(rev)
                                and versions_back(rev) is None])

    def find(self, rev: str | None = None) -> Version:
        """The version of the draft at revision *rev* (commit-ish, ``worktree``, or ``~N``).

        No *rev* (or ``worktree``) is the newest version: the uncommitted
        working-tree version, or HEAD's when clean. A commit that did not touch
        the draft resolves to the newest version at or before it.
        """
        vs = self.versions
        if not vs:
            raise ReviewtoolError(f"{self.draft} has no history")
        if not rev or names_worktree(rev):
            return vs[0]
        check_revision_argument(rev)
        n = versions_back(rev)
        if n is not None:
            committed = [v for v in vs if not v.is_worktree]
            if n >= len(committed):
                raise ReviewtoolError(f"{self.draft} has only {counted(len(committed), 'version')}")
            return committed[n]
        if rev.startswith("/") and Path(rev).exists():
            raise UsageError(f"{rev!r} is a path, not a revision: an unquoted ~N is expanded by the shell "
                             f"(~0 becomes the current directory); quote it: '~0'")
        sha = self.repo.resolve_commit(rev)
        for v in vs:
            if v.commit == sha:
                return v
        # A commit that did not touch the draft: the version whose text the draft has
        # there, i.e. the newest version among its ancestors with the same blob (on a
        # history with merges the newest-dated ancestor may be on a branch whose text the
        # merge did not keep). One rev-list bounded by the oldest version, one batch-check.
        committed = [v for v in vs if not v.is_worktree]
        oldest = committed[-1]
        bounds = [f"^{p}" for p in oldest.parents]
        ancestors = set(self.repo.run("rev-list", sha, *bounds, "--").split())
        candidates = [v for v in committed if v.commit in ancestors]
        paths = self.paths or [self.draft]
        blob = next((b for b in self.repo.blob_ids([f"{sha}:{p}" for p in paths]) if b), None)
        if blob is None:
            raise ReviewtoolError(f"{self.draft} does not exist at {rev}")
        for v in candidates:
            if v.blob == blob:
                return v
        for v in candidates:  # a text no ancestor version has (not expected): the newest ancestor
            if v.blob is None:
                break
            return v
        raise ReviewtoolError(f"{self.draft} does not exist at {rev}")

    # -------------------------------------------------------------- content
    def stats(self, version: Version) -> dict[str, Any]:
        """:meth:`Document.stats` of the draft at *version*; zeros and ``deleted``
        when the commit deleted the draft."""
        if version.is_worktree:
            return self.document(version).stats()
        blob = version.blob
        if blob is None:
            return {"words": 0, "sections": 0, "prose_share": 0.0, "deleted": True}
        doc = self._docs.get(blob)
        if doc is not None:
            return doc.stats()
        if self.cache is not None:
            # From the persistent cache when this repository has parsed the blob: the
            # entry's first part, without its sections.
            stats = stored_document.valid_stats(self.cache.get("doc", stored_document.fingerprint(), blob, 0))
            if stats is not None:
                return stats
            # Not there: parsed now, without asking the cache for the same entry again.
            return self._docs.get_or_compute(blob, lambda: self._read_document(version, look_up=False)).stats()
        return self.document(version).stats()

    def raw(self, version: Version) -> bytes:
        """The draft's bytes at *version* (the working-tree file for the pseudo-version)."""
        if version.is_worktree:
            wt = self.repo.root / version.path
            try:
                _check_size(wt.stat().st_size, f"{version.path} at {version.short}")
                data = wt.read_bytes()
            except OSError as exc:
                raise ReviewtoolError(f"cannot read {version.path}: {exc.strerror or exc}") from None
        elif version.blob is None:
            raise ReviewtoolError(f"{version.path} was deleted in {version.short}")
        else:
            data = self._read_ahead(version)
        return data

    def _read_ahead(self, version: Version) -> bytes:
        """The blob of committed *version*, read with the blobs of the versions listed after
        it (older) in one round of ``cat-file --batch``: walking a history asks for them next.
        At most :data:`_READ_AHEAD` blobs and about :data:`_READ_AHEAD_BYTES` at a time."""
        blob = version.blob
        assert blob is not None
        data = self._blobs.pop(blob, None)
        if data is not None:
            return data
        data = self.repo.read_blob(blob)
        if version.listed and len(data) < _READ_AHEAD_BYTES // 4 and not self._blobs:
            try:
                start = self.index(version) + 1
            except KeyError:
                return data
            count = min(_READ_AHEAD, _READ_AHEAD_BYTES // max(len(data), 1))
            parsed = set(self._docs.keys())  # documents in memory need no text
            ahead = [v.blob for v in self.versions[start : start + count]
                     if v.blob and not v.is_worktree and v.blob != blob and v.blob not in parsed]
            self._blobs = self.repo.read_blobs(ahead) if ahead else {}
        return data

    def text(self, version: Version) -> str:
        """The draft's text at *version*: UTF-8, not binary, not too large."""
        return decode_draft(self.raw(version), f"{version.path} at {version.short}")

    def document(self, version: Version) -> Document:
        """The parsed draft at *version*: kept by blob in memory (an LRU) and in the
        repository's persistent cache (:mod:`reviewtool.draft.cache`), parsed when in neither."""
        key = version.blob or f"{version.commit}:{version.path}"
        return self._docs.get_or_compute(key, lambda: self._read_document(version))

    def documents(self, *versions: Version, meanwhile: Callable[[], object] | None = None) -> list[Document]:
        """:meth:`document` of each of *versions* in turn, the blobs of those not in memory asked of
        git in one request (:meth:`GitRepo.stream_blobs`): git reads the next while the last is
        loaded (a diff's two versions: 1.9 MB each for a book, whose second git inflates while
        the first is read from the cache). *meanwhile*: work the caller needs done anyway, done
        while git reads the first (before any is loaded when git is not asked)."""
        wanted = list(dict.fromkeys(v.blob for v in versions if v.blob and not v.is_worktree
                                    and v.blob not in self._blobs and self._docs.get(v.blob) is None))
        if len(wanted) < 2:
            if meanwhile is not None:
                meanwhile()
            return [self.document(v) for v in versions]
        stream = self.repo.stream_blobs(wanted, meanwhile)
        docs = []
        try:
            for v in versions:
                if wanted and v.blob == wanted[0]:
                    del wanted[0]
                    data = next(stream)
                    if data is not None:  # (else document() asks again, and says what is missing)
                        self._blobs[v.blob] = data
                    if not wanted:
                        next(stream, None)  # the request is done: git is free for the next
                docs.append(self.document(v))
        finally:
            stream.close()  # (left half-way only by an error: git is stopped, a later read starts it again)
        return docs

    def _read_document(self, version: Version, look_up: bool = True) -> Document:
        """The parsed draft at *version*: from the persistent cache (unless not *look_up*:
        the caller found no entry), else parsed and kept there."""
        raw = self.raw(version)
        text = decode_draft(raw, f"{version.path} at {version.short}")
        # The working-tree file may have changed since it was hashed: key it by what was read.
        blob = blob_id(raw) if version.is_worktree else version.blob
        if self.cache is None or blob is None:
            return parse(text, path=version.path)
        fingerprint = stored_document.fingerprint()
        found = self.cache.get_texts("doc", fingerprint, blob, 1) if look_up else None
        if found is not None:
            cache = self.cache
            doc = stored_document.load(*found, text, version.path,
                                       pieces=lambda: cache.get("doc", fingerprint, blob, 2))
            if doc is not None:
                return doc
        doc = parse(text, path=version.path)
        stored = stored_document.dump(doc)
        if stored is not None:  # three parts: the statistics alone (for log), the sections, their pieces' markup
            # (for the diff's markup check: read only when it asks); and the sections' plain texts
            data, plains = stored
            self.cache.put("doc", fingerprint, blob, doc.stats(), data, stored_document.dump_pieces(doc),
                           texts=plains)
        return doc


def blob_id(data: bytes) -> str:
    """The id git gives a blob of *data* (``git hash-object``, SHA-1)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def decode_draft(data: bytes, what: str) -> str:
    """Decode a draft's bytes, refusing binary, oversized or invalid UTF-8 content.

    A leading UTF-8 byte order mark is dropped.
    """
    _check_size(len(data), what)
    if b"\0" in data[:8000]:
        raise ReviewtoolError(f"{what} is a binary file, not a Markdown draft")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReviewtoolError(f"{what} is not valid UTF-8 (byte {exc.start}, line {line})") from None
    return text.removeprefix("\ufeff")


def _check_size(size: int, what: str) -> None:
    if size > MAX_DRAFT_BYTES:
        raise ReviewtoolError(
            f"{what} is {size / 1e6:.1f} MB; reviewtool reads drafts up to "
            f"{MAX_DRAFT_BYTES // (1024 * 1024)} MiB"
        )


class _CommitInfo(NamedTuple):
    parents: tuple[str, ...]
    author: str
    email: str
    date: datetime
    subject: str


#: ``git log`` of the commits given on its input, each once (see :func:`_commit_metadata`).
_METADATA_ARGS = ("log", "--no-walk=unsorted", "--stdin", "-z", "--no-color", "--no-show-signature",
                  f"--format={_LOG_FORMAT}")


def _commit_metadata(repo: GitRepo, commits: list[str]) -> dict[str, _CommitInfo]:
    """Parents, author, date and subject of each of *commits*, in one ``git log --no-walk``."""
    return _metadata_of(repo.run(*_METADATA_ARGS, input="\n".join(commits) + "\n"))


def _start_commit_metadata(repo: GitRepo, commits: list[str]) -> RunningGit:
    """:func:`_commit_metadata`'s ``git log``, started (:func:`_metadata_of` reads its output)."""
    return repo.start(*_METADATA_ARGS, input="\n".join(commits) + "\n")


def _metadata_of(out: str) -> dict[str, _CommitInfo]:
    """Each commit's :class:`_CommitInfo`, by sha, from :data:`_METADATA_ARGS`'s output."""
    result: dict[str, _CommitInfo] = {}
    for tok in out.split("\0"):
        tok = tok.lstrip("\n")
        if not tok.startswith(_RS):
            continue
        fields = tok[1:].split(_US, 5)
        fields += [""] * (6 - len(fields))
        sha, parents, date, name, email, subject = fields
        result[sha] = _CommitInfo(tuple(parents.split()), name, email, datetime.fromisoformat(date), subject)
    return result


def versions(repo: GitRepo, draft: str, start: str = "HEAD", include_worktree: bool = True,
             first_parent: bool = False, meanwhile: Sequence[Callable[[], object]] = (),
             at_first_parent: dict[str, tuple[str, str]] | None = None,
             listed: Callable[[list[Version]], object] | None = None) -> list[Version]:
    """Every commit that changed *draft*, newest first, following renames.

    The commits of ``git log --follow --cc START -- DRAFT``: those of plain
    ``git log --follow`` (which never lists merges) plus the merges whose
    draft differs from every parent's, i.e. merges that made a new version
    (both branches edited the draft, or a conflict was resolved by hand).
    Without them the merged text would belong to no version.

    With *first_parent*, the commits of ``git log --first-parent``: the line of
    first parents from START, where a merge that changed the draft (against its
    first parent) is one version.

    When the working-tree file differs from ``HEAD``'s, a pseudo-version with
    commit :data:`WORKTREE` comes first. One ``git log``, one ``git diff
    --quiet``, and a ``git hash-object`` only when the file differs. Both gits run at
    once. *meanwhile* is work to do while git runs: its first task while the history is
    walked, the others while the merges' texts are looked up (what is left then is not
    done: it is work the caller would do anyway, done early). *at_first_parent*, when
    given, gets what the log says of the draft at each commit's first parent (see
    :func:`_parse_log`). *listed*, when given, is called with the versions as the walk lists
    them, before the merges' texts are looked up (a caller may start git on them meanwhile).
    """
    if start != "HEAD":
        check_revision_argument(start)
    merges = ("--first-parent", "--diff-merges=first-parent") if first_parent else ("--cc",)
    walk = repo.start("log", "--follow", *merges, "--raw", "--no-abbrev", "-z", "--no-color",
                      "--no-show-signature", "--no-ext-diff", "--no-textconv", f"--format={_LOG_FORMAT}",
                      start, "--", draft)
    worktree = repo.root / draft
    differs = None
    if include_worktree and not repo.bare and start == "HEAD" and worktree.is_file():
        differs = repo.start_differs_from_head(draft)
    try:
        if meanwhile:
            meanwhile[0]()
        out = walk.output()
    finally:
        if differs is not None:
            differs.wait()  # (done by now: it ran beside the walk)
    result = _parse_log(out, at_first_parent)
    if listed is not None:
        listed(result)
    # A commit listed without a raw entry (not expected from git, which gives
    # every non-merge an entry): resolve its blob and path in one batch-check.
    missing = [i for i, v in enumerate(result) if not v.path]
    if missing:
        # The path there is the path of the next newer version (or the draft).
        specs = []
        for i in missing:
            newer = next((result[j] for j in range(i - 1, -1, -1) if result[j].path), None)
            path = (newer.old_path or newer.path) if newer and newer.status == "R" else (newer.path if newer else draft)
            specs.append((i, path))
        answers = repo.start_blob_ids([f"{result[i].commit}:{p}" for i, p in specs])
        for task in meanwhile[1:]:
            task()
        blobs = answers()
        known = {v.blob for v in result if v.blob}
        drop: set[int] = set()
        for (i, path), blob in zip(specs, blobs):
            v = result[i]
            if v.status == _EMPTY_MERGE and (blob is None or blob in known):
                # The merged text is a version already (the merge took one side's): nothing new.
                # When it is no version's (the walk followed the other side, e.g. the side that
                # renamed the draft while this one edited it), the merge is the version that has it.
                drop.add(i)
                continue
            result[i] = Version(v.commit, v.parents, v.author, v.email, v.date, v.subject, path, blob,
                                status="M" if blob else "D")
        result = [v for i, v in enumerate(result) if i not in drop]
    if differs is not None and result:
        head = result[0]
        wt = worktree
        # Compare with HEAD's file (not the newest version's blob: with merges
        # the newest-dated version need not be HEAD's content).
        if head.blob is not None and repo.differs_from_head(draft, differs):
            current = repo.hash_file(draft)
            name, email = _identity_or_blank(repo)
            mtime = datetime.fromtimestamp(wt.stat().st_mtime).astimezone()
            # Its parent is HEAD (which need not be the newest-dated version).
            result.insert(0, Version(WORKTREE, (repo.resolve_commit("HEAD"),), name, email, mtime,
                                     "Uncommitted changes", draft, current, status="W"))
    return result


def _identity_or_blank(repo: GitRepo) -> tuple[str, str]:
    try:
        return repo.identity()
    except ReviewtoolError:
        return "", ""
