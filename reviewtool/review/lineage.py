"""Where a version stands on the draft's first-parent line: "later" by ancestry, not dates.

The review workflow asks "is this verdict on that version or a later one?", "did the
draft change after the reviewed version?". Dates cannot answer that (clocks are skewed,
branches are merged late, commits are amended), so :class:`VersionLine` answers with git
ancestry along the first-parent line from ``HEAD`` (the line ``git log --first-parent``
walks): a commit on the line stands where it is; a commit of a merged branch stands
where its branch was merged (the oldest commit of the line that descends from it); a
commit that is no ancestor of ``HEAD`` (amended or rebased away) stands where the oldest
version with the same blob stands, and nowhere (``None``) when there is none.

One ``git rev-list --first-parent`` for the line, then one ``rev-list --ancestry-path``
per commit off the line (rare: only the versions events name), cached.
"""

from __future__ import annotations

from collections.abc import Iterable

from reviewtool.git.repo import GitRepo


class VersionLine:
    """Positions on the first-parent line from *start*: 0 is the oldest commit, higher is later.

    *versions* are ``(commit, blob)`` of the draft's committed versions: a commit that is
    no ancestor of *start* is placed at the oldest of those on the line with the same blob.
    """

    def __init__(self, repo: GitRepo, versions: Iterable[tuple[str, str | None]], start: str = "HEAD") -> None:
        self.repo = repo
        self.start = start
        line = repo.first_parent_line(start) if repo.has_commits() else []
        self._line = frozenset(line)
        #: Position by commit (the line's, then the others' as they are asked for).
        self._position: dict[str, int | None] = {c: len(line) - 1 - i for i, c in enumerate(line)}
        self._versions = [(c, b) for c, b in versions if b]
        self._by_blob: dict[str, tuple[int | None, str]] | None = None

    def position(self, commit: str, blob: str | None = None) -> int | None:
        """Where *commit* (a version whose draft had *blob*) stands on the line; ``None``
        when it is no ancestor of the line's tip and no version has its blob."""
        return self._place(commit, blob)[0]

    def _place(self, commit: str, blob: str | None) -> tuple[int | None, str]:
        """``(position, commit that stands there)``: *commit* itself, or for a commit off
        the line's ancestry the oldest version with the same blob."""
        if commit in self._position:
            found = self._position[commit]
        else:
            found = self._merged_position(commit)
            self._position[commit] = found
        if found is None and blob:
            return self._blob_versions().get(blob, (None, commit))
        return found, commit

    def _merged_position(self, commit: str) -> int | None:
        """The position of the oldest commit of the line that descends from *commit*."""
        try:
            descendants = self.repo.descendants_on(commit, self.start)
        except Exception:  # an unknown commit (pruned, from another clone's rebase): off the line
            return None
        best: int | None = None
        for c in descendants:
            pos = self._position.get(c) if c in self._line else None
            if pos is not None and (best is None or pos < best):
                best = pos
        return best

    def _blob_versions(self) -> dict[str, tuple[int | None, str]]:
        if self._by_blob is None:
            self._by_blob = {}
            for commit, blob in self._versions:
                pos = self._position.get(commit) if commit in self._line else None
                have = self._by_blob.get(blob or "")
                if blob and pos is not None and (have is None or (have[0] is not None and pos < have[0])):
                    self._by_blob[blob] = (pos, commit)
        return self._by_blob

    def at_or_after(self, commit: str, blob: str | None, other: str, other_blob: str | None) -> bool:
        """Whether version *commit* is version *other* or a later one along the line.

        Two versions of one merged branch stand at the same merge: between them git
        ancestry decides. A version that stands nowhere is after nothing.
        """
        if commit == other:
            return True
        (mine, commit), (theirs, other) = self._place(commit, blob), self._place(other, other_blob)
        if mine is None or theirs is None:
            return False
        if commit == other:
            return True
        if mine != theirs:
            return mine > theirs
        if commit in self._line or other in self._line:
            return other not in self._line  # the line's commit is the merge that brought the other in
        try:
            return self.repo.is_ancestor(other, commit)
        except Exception:  # an unknown commit
            return False

    def on_line(self, commit: str) -> bool:
        """Whether *commit* is on the first-parent line itself (not on a merged branch)."""
        return commit in self._line
