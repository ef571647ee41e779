"""Which draft to work on: ``-d``, then ``git config reviewtool.draft``, then where tools keep drafts.

:func:`choose_draft` decides, in this order:

1. the path given with ``-d`` (relative to the current directory; any tracked file);
2. ``git config reviewtool.draft`` (relative to the repository root);
3. the Markdown files committed at ``HEAD`` in the first of these folder groups that
   has any: ``drafts/``; Jekyll's ``_drafts/`` and ``_posts/``; Hugo's ``content/``;
   MkDocs' ``docs/``. One file is the draft; several are listed and ``-d`` is asked for.

A Jekyll draft that was published moves from ``_drafts/x.md`` to
``_posts/2023-05-05-x.md``: a ``-d`` or configured path under ``_drafts/`` that is no
longer there is followed to the dated post. The result says how it was chosen
(:class:`DraftChoice`), so that the front ends can say which draft is in use.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from reviewtool.draft.history import MARKDOWN_SUFFIXES, DraftHistory
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.repo import GitRepo
from reviewtool.records import record

#: The git config key naming the default draft.
CONFIG_KEY = "reviewtool.draft"
#: Where drafts are looked for, in order of precedence; the folders of a group count together.
DRAFT_FOLDERS: tuple[tuple[str, ...], ...] = (("drafts",), ("_drafts", "_posts"), ("content",), ("docs",))
_DATED = re.compile(r"\d{4}-\d{2}-\d{2}-")


@record(frozen=True)
class DraftChoice:
    """The draft in use and how it was chosen: ``option`` (``-d``), ``config``, ``folder``
    (the only Markdown file of *detail*), or ``published`` (a Jekyll draft followed to its post)."""

    path: str
    how: str
    detail: str = ""

    def describe(self) -> str:
        """``drafts/essay.md (the only draft under drafts/)``-style wording."""
        if self.how == "config":
            return f"{self.path} (git config {CONFIG_KEY})"
        if self.how == "folder":
            return f"{self.path} (the only draft under {self.detail})"
        if self.how == "published":
            return f"{self.path} (published from {self.detail})"
        return self.path

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "how": self.how, "detail": self.detail}


def _is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def draft_candidates(repo: GitRepo) -> tuple[str, list[str]]:
    """``(where, drafts)``: the Markdown files committed at ``HEAD`` in the first folder group
    that has any (``where`` names the group, e.g. ``_drafts/ and _posts/``); ``("", [])`` when
    none has. One ``git ls-tree`` for all groups. Works in bare repositories too.
    """
    if not repo.has_commits():
        return "", []
    folders = [f for group in DRAFT_FOLDERS for f in group]
    files = [p for p in repo.ls_tree("HEAD", *folders) if _is_markdown(p)]
    for group in DRAFT_FOLDERS:
        found = sorted(p for p in files if any(p.startswith(f + "/") for f in group))
        if found:
            return " and ".join(f + "/" for f in group), found
    return "", []


def find_drafts(repo: GitRepo) -> list[str]:
    """The drafts to choose from without ``-d``: see :func:`draft_candidates`."""
    return draft_candidates(repo)[1]


def history_of_path(repo: GitRepo, path: str, blob: str | None = None,
                    use_cache: bool = True) -> DraftHistory | None:
    """The history of the draft that is, or once was, at *path*.

    The draft at *path* when it is one at ``HEAD``; else the first draft whose
    history (through renames) passes through *path*, one ``git log`` per draft
    looked at. Failing that, when *blob* is given (and *path* is no file at ``HEAD``),
    the first draft that had that text: a draft renamed by a history rewrite (its
    commits and old path are gone, its texts are not). None when no draft does.
    *use_cache* False: the histories neither read nor write the persistent cache.
    """
    if repo.in_head(path):
        return DraftHistory(repo, path, use_cache=use_cache)
    histories = [DraftHistory(repo, candidate, use_cache=use_cache) for candidate in find_drafts(repo)]
    for history in histories:
        if path in history.paths:
            return history
    if blob is None:
        return None
    return next((h for h in histories if any(v.blob == blob for v in h.versions if not v.is_worktree)), None)


def published_post(repo: GitRepo, path: str) -> str | None:
    """Where a Jekyll draft ``_drafts/x.md`` went when published: the one ``_posts/…/DATE-x.md``
    at ``HEAD`` (None when there is no such post, or several)."""
    p = PurePosixPath(path)
    if "_drafts" not in p.parts:
        return None
    root = PurePosixPath(*p.parts[: p.parts.index("_drafts")])
    posts = (root / "_posts").as_posix()
    found = [q for q in repo.ls_tree("HEAD", posts)
             if PurePosixPath(q).name[11:] == p.name and _DATED.match(PurePosixPath(q).name)]
    return found[0] if len(found) == 1 else None


_NO_COMMITS = "the repository has no commits yet: commit a draft under drafts/ first"


def _check_path(repo: GitRepo, draft: str, cwd: Path | None, what: str) -> tuple[str, str | None]:
    """The repository path of *draft*, and the post it was published as when it moved."""
    if draft.startswith("-"):
        raise UsageError(f"invalid draft path {draft!r}: a path cannot start with '-'")
    if not draft.strip():
        raise UsageError(f"invalid draft path{what}: empty")
    path = repo.relpath(draft, cwd=cwd)
    if Path(path).is_absolute() or path == ".." or path.startswith("../"):
        raise ReviewtoolError(f"{draft}{what} is outside the repository {repo.root}")
    if repo.in_head(path):
        return path, None
    if not repo.has_commits():
        raise ReviewtoolError(_NO_COMMITS)
    post = published_post(repo, path)
    if post is not None:
        return path, post
    full = repo.root / path
    if not repo.bare and full.is_dir():
        raise ReviewtoolError(f"{path}{what} is a directory, not a draft (name a Markdown file)")
    if repo.is_tracked(path):
        raise ReviewtoolError(f"draft not committed yet: {path}{what} (commit it first)")
    if not repo.bare and full.exists():
        raise ReviewtoolError(f"draft not tracked by git: {path}{what} (git add and commit it first)")
    raise ReviewtoolError(f"no such draft at HEAD: {path}{what}")


def choose_draft(repo: GitRepo, draft: str | None = None, cwd: Path | None = None) -> DraftChoice:
    """The draft to work on and how it was chosen (see the module docstring).

    *draft* (``-d``) is relative to *cwd* (default: the repository root) and may be any
    file committed at ``HEAD``. Raises :class:`UsageError` (exit 2) when several drafts
    qualify, listing them, and :class:`ReviewtoolError` when none does.
    """
    if draft is not None:  # (a path committed at HEAD: there are commits, no need to ask)
        path, post = _check_path(repo, draft, cwd, "")
        return DraftChoice(post, "published", path) if post else DraftChoice(path, "option")
    if not repo.has_commits():
        raise ReviewtoolError(_NO_COMMITS)
    configured = repo.config_get(CONFIG_KEY)
    if configured is not None:
        path, post = _check_path(repo, configured, None, f" (named by git config {CONFIG_KEY})")
        return DraftChoice(post, "published", path) if post else DraftChoice(path, "config")
    where, drafts = draft_candidates(repo)
    if not drafts:
        staged = [] if repo.bare else [p for p in repo.ls_files("drafts/") if _is_markdown(p)]
        if staged:
            raise ReviewtoolError(f"draft not committed yet: {', '.join(staged[:3])}"
                                  f"{', ...' if len(staged) > 3 else ''} (commit it first)")
        raise ReviewtoolError("no drafts: no Markdown files under drafts/, _drafts/, _posts/, content/ or docs/ "
                              f"(name one with -d PATH, or once with git config {CONFIG_KEY} PATH)")
    if len(drafts) > 1:
        shown = ", ".join(drafts[:20]) + (f", ... ({len(drafts) - 20} more)" if len(drafts) > 20 else "")
        raise UsageError(f"{len(drafts)} drafts under {where}; pick one with -d "
                         f"(or git config {CONFIG_KEY} PATH): {shown}")
    return DraftChoice(drafts[0], "folder", where)


def resolve_draft(repo: GitRepo, draft: str | None = None, cwd: Path | None = None) -> str:
    """The repository path of the draft to work on (:func:`choose_draft`'s path)."""
    return choose_draft(repo, draft, cwd).path
