"""The bundled demo: one essay's history, replayed into a fresh git repository.

``reviewtool/demo/history/`` holds ten versions of one Markdown essay
(``v01.md`` ... ``v10.md``) and ``history.json``, the manifest that says which
version is committed at which path, by whom, when, with what message, and
which structural changes (promoted bullet, renamed / moved / split section,
renamed file) each step makes.

:func:`build_demo` turns that into a real repository with a single
``git fast-import`` run, so the result has genuine authors, dates and a file
rename that ``git log --follow`` detects. Its git work goes through
:class:`~reviewtool.git.repo.GitRepo` (``init``, ``fast_import``); it never imports the UI.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from reviewtool.errors import ReviewtoolError
from reviewtool.git.repo import GitError, GitRepo

#: Branch the demo history is written to.
DEMO_BRANCH = "main"


def _history_dir() -> Traversable:
    """The packaged ``demo/history`` directory (a Traversable; works when installed)."""
    return resources.files("reviewtool.demo") / "history"


def demo_steps() -> list[dict[str, Any]]:
    """The manifest: one dict per commit, in commit order (a fresh copy each call).

    Keys: ``file`` (version file name), ``path`` (path in the repository),
    ``author``, ``email``, ``date`` (ISO 8601 with offset), ``message`` and
    ``events`` (structural changes versus the previous step).
    """
    steps: list[dict[str, Any]] = json.loads((_history_dir() / "history.json").read_text(encoding="utf-8"))
    return steps


def demo_version(file: str) -> bytes:
    """The exact bytes of one bundled version, e.g. ``demo_version("v04.md")``."""
    return (_history_dir() / file).read_bytes()


def _git_date(iso: str) -> str:
    """``2023-04-28T10:15:00-04:00`` -> ``1682691300 -0400`` (fast-import's raw date)."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError as exc:
        raise ReviewtoolError(f"demo history: bad date {iso!r}") from exc
    offset = when.utcoffset()
    if offset is None:
        raise ReviewtoolError(f"demo history: date {iso!r} has no timezone")
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{int(when.timestamp())} {sign}{hours:02d}{mins:02d}"


def _ident(step: dict[str, Any]) -> str:
    name, email = step["author"], step["email"]
    for part in (name, email):
        if any(ch in part for ch in "<>\n"):
            raise ReviewtoolError(f"demo history: bad author {name!r} <{email}>")
    return f"{name} <{email}> {_git_date(step['date'])}"


def _data(payload: bytes) -> bytes:
    """One fast-import ``data`` command (exact byte count) with its trailing LF."""
    return b"data %d\n" % len(payload) + payload + b"\n"


def _fast_import_stream(steps: list[dict[str, Any]]) -> bytes:
    """The whole history as one fast-import stream: a blob, then a commit, per step."""
    out: list[bytes] = []
    previous_path: str | None = None
    for number, step in enumerate(steps, start=1):
        path = step["path"]
        if not path or path.startswith("/") or any(ch in path for ch in "\n\"") or " " in path:
            raise ReviewtoolError(f"demo history: unsupported path {path!r}")
        blob_mark, commit_mark = 2 * number - 1, 2 * number
        out.append(b"blob\nmark :%d\n" % blob_mark)
        out.append(_data(demo_version(step["file"])))

        message = step["message"].rstrip("\n") + "\n"
        ident = _ident(step).encode("utf-8")
        out.append(f"commit refs/heads/{DEMO_BRANCH}\n".encode())
        out.append(b"mark :%d\n" % commit_mark)
        out.append(b"author " + ident + b"\n")
        out.append(b"committer " + ident + b"\n")
        out.append(_data(message.encode("utf-8")))
        if previous_path is not None and previous_path != path:
            # Delete the old path in the same commit that adds the new one:
            # git's rename detection then reports an R entry.
            out.append(f"D {previous_path}\n".encode())
        out.append(f"M 100644 :{blob_mark} {path}\n".encode())
        out.append(b"\n")
        previous_path = path
    out.append(b"done\n")
    return b"".join(out)


def _git_step(what: str, run: Callable[[], object]) -> None:
    """Run one git step of the build; its failure is one clear line."""
    try:
        run()
    except GitError as exc:
        raise ReviewtoolError(f"building the demo failed: git {what}: {exc}") from None


def _prepare_target(path: Path | None) -> tuple[Path, bool]:
    """The directory to build in, and whether we created it (so we may clean it up)."""
    if path is None:
        return Path(tempfile.mkdtemp(prefix="reviewtool-demo-")), True
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            raise ReviewtoolError(f"cannot build the demo in {str(path)!r}: not a directory")
        if any(path.iterdir()):
            raise ReviewtoolError(
                f"cannot build the demo in {str(path)!r}: the directory is not empty"
            )
        return path, False
    try:
        path.mkdir(parents=True)
    except OSError as exc:
        raise ReviewtoolError(f"cannot create {str(path)!r}: {exc.strerror}") from exc
    return path, True


def build_demo(path: Path | None = None) -> Path:
    """Create a git repository holding the demo essay's history; return its path.

    *path* must not exist or be an empty directory; ``None`` builds in a new
    temporary directory (``reviewtool-demo-*``). Raises :class:`ReviewtoolError`
    when the target is not usable or git fails.
    """
    repo, created = _prepare_target(path)
    try:
        # No system or global git configuration (hooks, templates, autocrlf) leaks into the demo.
        try:
            git_repo = GitRepo.init(repo, branch=DEMO_BRANCH, isolated=True)
        except GitError as exc:
            raise ReviewtoolError(f"building the demo failed: git init: {exc}") from None
        _git_step("fast-import", lambda: git_repo.fast_import(_fast_import_stream(demo_steps())))
        # fast-import wrote objects and the branch only: populate index and working tree.
        _git_step("reset", lambda: git_repo.run("-c", "core.autocrlf=false", "reset", "--hard", "-q", "HEAD"))
        _add_sample_reviews(repo)
    except BaseException:
        if created:
            shutil.rmtree(repo, ignore_errors=True)
        else:  # leave the (previously empty) directory empty again
            for child in repo.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise
    return repo


# ---------------------------------------------------------------------- sample reviews

#: The reviewers of the demo essay (the author, Alex Rivera, answers some threads).
REVIEWERS = {
    "priya": ("Priya Natarajan", "priya@example.org"),
    "jonas": ("Jonas Weber", "jonas@example.org"),
    "alex": ("Alex Rivera", "alex@example.org"),
}

#: Sample review threads: on which version (the step's file), by whom, anchored where,
#: and what happened next. ``then`` lists (who, action, text) with action
#: ``reply`` or ``resolve``. Every quote must occur in its section at that version
#: (``make_anchor`` checks, so an edit of the demo texts that breaks one fails loudly).
SAMPLE_REVIEWS: list[dict[str, Any]] = [
    {
        "version": "v04.md", "by": "priya",
        "body": "Three claims in the introduction, but the outline only develops the second one. Decide now "
                "which section carries each claim, or the opening will promise more than the essay delivers.",
        "then": [
            ("jonas", "reply", "Claim 1 could be the LLM section and claim 2 the behavioral one; claim 3 "
                               "probably belongs in the conclusion."),
            ("alex", "reply", "That is the plan. The bullets become sections in that order."),
            ("priya", "resolve", None),
        ],
    },
    {
        "version": "v04.md", "by": "jonas",
        "section": "were-not-in-the-best-of-all-possible-worlds/behavioral-vs-mechanistic-study",
        "quote": "Hulbinger et al are right to draw a distinction between the behavioral objective and "
                 "mesa objective",
        "body": "It's Hubinger. And define both objectives right here: a reader who has not read the paper "
                "will not know what a mesa-objective is, and the whole argument turns on the difference.",
        "then": [("alex", "reply", "Fixed the name; the prose version defines both terms.")],
    },
    {
        "version": "v06.md", "by": "priya",
        "section": "behavioral-versus-mechanistic-study/bootstrapping-deceptive-alignment",
        "body": "This is the strongest part of the essay, and the one place where the behavioral argument "
                "admits its limit. Say earlier that deception is the exception you will come back to, so "
                "the reader does not raise the objection first.",
    },
    {
        "version": "v06.md", "by": "jonas",
        "section": "behavioral-versus-mechanistic-study",
        "quote": "But the distinction cuts in a particular direction. Most of the paper's worries about inner "
                 "alignment (proxy alignment, failure off the training distribution, competent pursuit of the "
                 "wrong goal after deployment) are worries about behavior.",
        "body": "This is the pivot of the essay and it arrives in the middle of a section about definitions. "
                "Give it room of its own; it deserves a heading.",
        "then": [("alex", "reply", "Split the section in the next version; this now opens "
                                   "'Behavior is evidence enough'.")],
    },
    {
        "version": "v06.md", "by": "priya",
        "section": "why-large-language-models-are-likely-mesa-optimizers",
        "quote": "It is hard to imagine a more diverse training distribution than the public internet",
        "body": "True, but the paper's argument is about the diversity of tasks the base optimizer must "
                "solve, not of text. Say why predicting varied text amounts to solving varied tasks, or a "
                "skeptical reader will stop here.",
    },
    {
        "version": "v08.md", "by": "jonas",
        "section": "conclusion",
        "quote": "It means that inner alignment is a present-tense problem.",
        "suggest": "It means that inner alignment is a problem for the systems we already have, not only "
                   "for hypothetical future ones.",
        "body": "'Present-tense problem' is a nice phrase, but readers skim conclusions. Say it plainly.",
    },
    {
        "version": "v08.md", "by": "priya",
        "section": "two-kinds-of-objective",
        "body": "Now that the definitions stand on their own, they come after the LLM argument that already "
                "uses them. Move this section up, before 'Why large language models are likely "
                "mesa-optimizers'.",
        "then": [("alex", "reply", "Moved it up."), ("priya", "resolve", None)],
    },
    {
        "version": "v10.md", "by": "jonas",
        "section": "introduction",
        "quote": "I think the argument in the paper that is most likely to be wrong is that implicit one",
        "body": "Good: this answers the prompt directly. But 'that implicit one' sends the reader back a "
                "paragraph. Name the assumption in this sentence.",
    },
]


class _DemoClock:
    """Timestamps for the sample reviews: a few hours after the version they discuss,
    each later event a little after the previous one, so the demo reads like a real review."""

    def __init__(self) -> None:
        self.current = datetime(2000, 1, 1, tzinfo=UTC)

    def start_at(self, when: datetime) -> None:
        """Continue from *when*, unless earlier events already went past it."""
        self.current = max(self.current, when.astimezone(UTC))

    def __call__(self) -> str:
        self.current += timedelta(hours=2, minutes=17)
        return self.current.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _add_sample_reviews(repo: Path) -> None:
    """Write :data:`SAMPLE_REVIEWS` into the demo repository's notes, as their reviewers."""
    from reviewtool.draft.history import DraftHistory
    from reviewtool.git.repo import GitRepo
    from reviewtool.review.anchoring import make_anchor
    from reviewtool.review.store import ReviewStore

    clock = _DemoClock()
    git_repo = GitRepo.open(repo)
    stores = {who: ReviewStore(git_repo, identity=ident, clock=clock) for who, ident in REVIEWERS.items()}
    reader = stores["priya"].repo
    steps = demo_steps()
    history = DraftHistory(reader, steps[-1]["path"], include_worktree=False)
    committed = list(reversed(history.versions))  # oldest first: one version per step
    if len(committed) != len(steps):
        raise ReviewtoolError("building the demo failed: the history does not match the manifest")
    by_file = {step["file"]: v for step, v in zip(steps, committed)}
    try:
        for sample in SAMPLE_REVIEWS:
            v = by_file[sample["version"]]
            clock.start_at(v.date)
            anchor = make_anchor(history.document(v), v, sample.get("section"), sample.get("quote"))
            event = stores[sample["by"]].comment_on(anchor, sample["body"], sample.get("suggest"))
            for who, action, text in sample.get("then", ()):
                if action == "reply":
                    stores[who].reply(event.id, text)
                else:
                    stores[who].resolve(event.id)
    finally:
        git_repo.close()
