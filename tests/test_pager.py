"""Output through a pager like git's: only on a terminal (a real pseudo-terminal here), in
git's order GIT_PAGER, core.pager, PAGER, then `less -FRX`; `--no-pager` and `cat` turn it off."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitutil import make_repo

DRAFT = "drafts/essay.md"
V1 = "# Essay\n\n## Part\n\nThe first version of the paragraph says plain things.\n"
V2 = V1.replace("plain things", "better things")


@pytest.fixture
def repo(tmp_path):
    repo = make_repo(tmp_path / "repo")
    repo.commit("v1", {DRAFT: V1})
    repo.commit("v2", {DRAFT: V2})
    return repo


def recorder(tmp_path: Path, name: str) -> tuple[str, Path]:
    """A pager command that saves what it gets (and its arguments, and $LESS) in a file."""
    out = tmp_path / f"{name}.out"
    script = tmp_path / f"{name}.sh"
    script.write_text(f'#!/bin/sh\nprintf "args:%s LESS:%s\\n" "$*" "$LESS" > "{out}"\ncat >> "{out}"\n')
    script.chmod(0o755)
    return str(script), out


def run_on_terminal(repo, *args: str, env: dict[str, str | None], tty: bool = True) -> str:
    """Run the CLI with stdin and stdout on a pseudo-terminal (or stdout piped); returns what
    reached the terminal (or the pipe)."""
    full_env = {k: v for k, v in {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color", **env}.items()
                if v is not None}
    for key in ("GIT_PAGER", "PAGER", "LESS", "NO_COLOR"):
        if key not in env:
            full_env.pop(key, None)
    command = [sys.executable, "-m", "reviewtool", "-C", str(repo.path), *args]
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(command, stdin=slave, stdout=slave if tty else subprocess.PIPE,
                                stderr=subprocess.PIPE, env=full_env, close_fds=True)
    finally:
        os.close(slave)
    chunks: list[bytes] = []
    if tty:
        while True:
            ready, _, _ = select.select([master], [], [], 20)
            if not ready:
                proc.kill()
                raise AssertionError("the command hung")
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=20)
    else:
        out, _ = proc.communicate(timeout=20)
        chunks.append(out)
    os.close(master)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return b"".join(chunks).decode("utf-8", "replace")


def test_git_pager_wins_over_core_pager_and_pager(repo, tmp_path):
    git_pager, git_out = recorder(tmp_path, "git_pager")
    core, core_out = recorder(tmp_path, "core")
    plain, plain_out = recorder(tmp_path, "pager")
    repo.git("config", "core.pager", core)
    screen = run_on_terminal(repo, "diff", env={"GIT_PAGER": git_pager, "PAGER": plain})
    paged = git_out.read_text()
    assert "better" in paged and "\x1b[" in paged  # laid out for the terminal, with colours
    assert not core_out.exists() and not plain_out.exists()
    assert "better" not in screen
    # Without GIT_PAGER, core.pager; without both, PAGER.
    run_on_terminal(repo, "diff", env={"PAGER": plain})
    assert "better" in core_out.read_text() and not plain_out.exists()
    repo.git("config", "--unset", "core.pager")
    run_on_terminal(repo, "log", env={"PAGER": plain})
    assert "v2" in plain_out.read_text()


def test_default_is_less_FRX(repo, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake, out = recorder(tmp_path, "less")
    (bin_dir / "less").symlink_to(fake)
    run_on_terminal(repo, "diff", env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    first, rest = out.read_text().split("\n", 1)
    assert first == "args:-FRX LESS:FRX"
    assert "better" in rest


def test_shell_pager_commands_run_through_sh(repo, tmp_path):
    target = tmp_path / "piped.txt"
    run_on_terminal(repo, "diff", env={"GIT_PAGER": f"tr a-z A-Z > '{target}'"})
    assert "BETTER" in target.read_text()


def test_no_pager_cat_and_pipes_write_directly(repo, tmp_path):
    pager, out = recorder(tmp_path, "pager")
    for args, env in ((("--no-pager", "diff"), {"GIT_PAGER": pager}),
                      (("-P", "diff"), {"GIT_PAGER": pager}),
                      (("diff",), {"GIT_PAGER": "cat"}),
                      (("diff",), {"GIT_PAGER": ""})):
        screen = run_on_terminal(repo, *args, env=env)
        assert "better" in screen, args
        assert not out.exists(), args
    piped = run_on_terminal(repo, "diff", env={"GIT_PAGER": pager}, tty=False)
    assert "{+better+}" in piped and "\x1b" not in piped and not out.exists()


def test_writing_commands_are_not_paged(repo, tmp_path):
    pager, out = recorder(tmp_path, "pager")
    screen = run_on_terminal(repo, "comment", "add", "-m", "Looks good.", env={"GIT_PAGER": pager})
    assert "added comment" in screen and not out.exists()
