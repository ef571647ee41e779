"""The bundled demo: one essay's history, replayed into a fresh git repository.

``reviewtool/demo_history/`` holds ten versions of one Markdown essay
(``v01.md`` ... ``v10.md``) and ``history.json``, the manifest that says which
version is committed at which path, by whom, when, with what message, and
which structural changes (promoted bullet, renamed / moved / split section,
renamed file) each step makes.

:func:`build_demo` turns that into a real repository with a single
``git fast-import`` run, so the result has genuine authors, dates and a file
rename that ``git log --follow`` detects. This module only talks to git through
subprocesses; it never imports the UI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from datetime import datetime
from importlib import resources
from pathlib import Path

from reviewtool.errors import ReviewtoolError

#: Branch the demo history is written to.
DEMO_BRANCH = "main"

#: Environment for the git calls: stable output, no prompts, no pager, and no
#: global or system configuration (hooks, templates, autocrlf) leaking into the demo.
_GIT_ENV = {
    "LC_ALL": "C",
    "LANG": "C",
    "GIT_PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def _history_dir():
    """The packaged ``demo_history`` directory (a Traversable; works when installed)."""
    return resources.files("reviewtool") / "demo_history"


def demo_steps() -> list[dict]:
    """The manifest: one dict per commit, in commit order (a fresh copy each call).

    Keys: ``file`` (version file name), ``path`` (path in the repository),
    ``author``, ``email``, ``date`` (ISO 8601 with offset), ``message`` and
    ``events`` (structural changes versus the previous step).
    """
    return json.loads((_history_dir() / "history.json").read_text(encoding="utf-8"))


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


def _ident(step: dict) -> str:
    name, email = step["author"], step["email"]
    for part in (name, email):
        if any(ch in part for ch in "<>\n"):
            raise ReviewtoolError(f"demo history: bad author {name!r} <{email}>")
    return f"{name} <{email}> {_git_date(step['date'])}"


def _data(payload: bytes) -> bytes:
    """One fast-import ``data`` command (exact byte count) with its trailing LF."""
    return b"data %d\n" % len(payload) + payload + b"\n"


def _fast_import_stream(steps: list[dict]) -> bytes:
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
            out.append(f"D {previous_path}\n".encode("utf-8"))
        out.append(f"M 100644 :{blob_mark} {path}\n".encode("utf-8"))
        out.append(b"\n")
        previous_path = path
    out.append(b"done\n")
    return b"".join(out)


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> None:
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=repo,
            input=stdin,
            capture_output=True,
            env={**os.environ, **_GIT_ENV},
        )
    except FileNotFoundError as exc:
        raise ReviewtoolError("git is not installed (or not on PATH)") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = err[0] if err else f"exit status {proc.returncode}"
        raise ReviewtoolError(f"building the demo failed: git {args[0]}: {detail}")


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
        _git(repo, "init", "-q", "-b", DEMO_BRANCH)
        _git(repo, "fast-import", "--quiet", "--done", stdin=_fast_import_stream(demo_steps()))
        # fast-import wrote objects and the branch only: populate index and working tree.
        _git(repo, "-c", "core.autocrlf=false", "reset", "--hard", "-q", "HEAD")
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

    # Extension point: sample review comments (git notes) are attached to the
    # demo history here, once the notes module provides them -- call
    # _add_sample_reviews(repo) at this point.
    return repo
