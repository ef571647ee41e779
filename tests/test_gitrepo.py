"""GitRepo's subprocesses: never the terminal's stdin; detached (the TUI) means no prompt can reach it."""

from __future__ import annotations

import os
import sys

from reviewtool.git.repo import GitRepo


def _alias(repo, name: str, code: str) -> None:
    repo.git("config", f"alias.{name}", f"!{sys.executable} -c '{code}'")


def test_git_never_reads_our_stdin_and_runs_in_its_own_session_when_detached(repo):
    repo.commit("v1", {"drafts/essay.md": "# Essay\n"})
    _alias(repo, "probe", "import os, sys; print(os.getsid(0), repr(sys.stdin.read()))")
    git_repo = GitRepo.open(repo.path)
    sid, stdin = git_repo.run("probe").split(" ", 1)
    assert int(sid) == os.getsid(0) and stdin.strip() == "''"  # stdin is /dev/null, not ours
    git_repo.detached = True
    sid, stdin = git_repo.run("probe").split(" ", 1)
    assert int(sid) != os.getsid(0) and stdin.strip() == "''"  # its own session: no terminal to prompt on
    code, out, _ = git_repo.try_run("probe")
    assert code == 0 and int(out.split()[0]) != os.getsid(0)
