"""A command run in a long-lived process leaves no file open behind it.

Scripts and tests call :func:`reviewtool.cli.commands.main` in process, and the terminal UI
lives for hours: a command must stop the ``git cat-file`` it started (two pipes and a
temporary file), and a cache dropped without being closed must close its packs' files.
Before both fixes one test worker ran past 1,024 open files and every later ``select()``
in it failed ("filedescriptor out of range").
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.draft.cache import Cache
from tests.gitutil import make_repo

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through /proc")

DRAFT = "drafts/essay.md"


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_commands_run_in_process_leave_no_git_process_or_pipe_open(tmp_path):
    repo = make_repo(tmp_path / "repo")
    for i in range(3):
        repo.commit(f"Version {i}", {DRAFT: f"# Essay\n\n## Part\n\nWords of version {i}.\n"})
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(main, ["-C", str(repo.path), "-d", DRAFT, *args])
        assert result.exit_code == 0, result.output

    run("log", "--json")  # imports, caches and the like, opened once per process
    gc.disable()  # nothing may depend on the collector finding a cycle to close a file
    try:
        before = _open_files()
        for _ in range(10):
            run("log", "--json")
            run("diff", "HEAD~2", "HEAD", "--json")
            run("show", "HEAD", "--json")
        after = _open_files()
    finally:
        gc.enable()
    assert after - before <= 2, f"{after - before} files left open by 30 commands"


def test_a_cache_dropped_without_closing_it_closes_its_packs(tmp_path):
    root = tmp_path / "cache"
    writer = Cache(root, max_bytes=10**8)
    keys = [f"{i:040x}" for i in range(5)]
    for key in keys:
        writer.put("doc", "abcd1234", key, {"n": key}, texts=[f"text {key}"])
        writer.flush()  # one pack each
    writer.close()
    before = _open_files()
    for _ in range(20):
        reader = Cache(root)
        assert [reader.get_texts("doc", "abcd1234", key) for key in keys] == [({"n": key}, [f"text {key}"]) for key in keys]
        assert _open_files() > before, "the reader keeps its packs open while it lives"
        del reader
    assert _open_files() == before


def test_closing_a_pack_twice_closes_it_once(tmp_path):
    root = tmp_path / "cache"
    writer = Cache(root)
    writer.put("doc", "abcd1234", "0" * 40, {"n": 1})
    writer.flush()
    reader = Cache(root)
    assert reader.get("doc", "abcd1234", "0" * 40) == {"n": 1}
    reader.close()
    # The number the pack's file had may now name another file: a second close, or the
    # pack being dropped, must not close that one.
    other = os.open(os.devnull, os.O_RDONLY)
    try:
        reader.close()
        del reader
        gc.collect()
        os.fstat(other)  # still open
    finally:
        os.close(other)
