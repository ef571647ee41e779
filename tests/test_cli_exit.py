"""The console script's end (:func:`reviewtool.cli.group.end_process`): the process ends without
tearing the interpreter down, and nothing a usual exit does is lost: the whole output, the exit
status, the cache written, exit handlers run; a thread still running, a closed pipe or a status
that is not a number leave the exit to Python, as before."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from reviewtool.cli.commands import run
from tests.gitutil import clone_corpus

#: The console script's own code (``reviewtool = "reviewtool.cli:main"``), after *setup*.
SCRIPT = "import sys\n{setup}\nfrom reviewtool.cli import main\nsys.argv[0] = 'reviewtool'\nsys.exit(main())\n"


def console(*args: str, cwd: Path, setup: str = "") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(setup=setup), *args], cwd=cwd, capture_output=True,
                          env={**os.environ, "COLUMNS": "200"})


def in_process(*args: str, cwd: Path) -> tuple[int, bytes]:
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out):
            code = run(list(args))
    finally:
        os.chdir(old)
    return code, out.getvalue().encode()


def test_the_whole_output_the_status_and_the_cache(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    cold = console("-d", "README.md", "log", "--json", cwd=repo)
    assert cold.returncode == 0 and cold.stderr == b""
    assert (repo / ".git" / "reviewtool" / "cache").is_dir()  # written at the end, as before
    assert any((repo / ".git" / "reviewtool" / "cache").rglob("*.pack"))
    warm = console("-d", "README.md", "log", "--json", cwd=repo)
    assert warm.stdout == cold.stdout
    code, out = in_process("-d", "README.md", "log", "--json", cwd=repo)
    assert code == 0 and out == cold.stdout
    for args, status in ((("-d", "nope.md", "log"), 1), (("--bogus",), 2), (("--version",), 0)):
        done = console(*args, cwd=repo)
        assert done.returncode == status == run(list(args)), (args, done.stderr)
    piped = subprocess.run(f"{sys.executable} -c \"{SCRIPT.format(setup='')}\" -d README.md log --json | head -c 10",
                           shell=True, cwd=repo, capture_output=True)
    assert piped.stdout == cold.stdout[:10]


def test_exit_handlers_run_and_what_they_print_is_kept(tmp_path: Path):
    done = console("--version", cwd=tmp_path, setup="import atexit\natexit.register(print, 'handled')")
    assert done.returncode == 0 and done.stdout.decode().splitlines()[-1] == "handled"


def test_a_thread_still_running_is_waited_for(tmp_path: Path):
    setup = ("import threading, time\n"
             "threading.Thread(target=lambda: (time.sleep(0.3), print('late', flush=True))).start()")
    done = console("--version", cwd=tmp_path, setup=setup)
    assert done.returncode == 0 and done.stdout.decode().splitlines()[-1] == "late"


def test_a_status_that_is_no_number_is_python_s(tmp_path: Path):
    setup = "import click\nclick.Group.main = lambda *a, **k: sys.exit('a message')"
    done = console("--version", cwd=tmp_path, setup=setup)
    assert done.returncode == 1 and done.stderr.decode().strip() == "a message"


def test_the_collector_is_as_it_was_when_the_command_starts(tmp_path: Path):
    """The import of the command line is done with the collector paused (what it built settled in
    the oldest generation): the command starts with the collector as the process had it, no
    generation frozen (the terminal UI settles what it builds itself)."""
    probe = ("import click, gc\n{}\nrun_group = click.Group.main\n"
             "def probed(*args, **kwargs):\n"
             "    print(gc.isenabled(), gc.get_freeze_count(), flush=True)\n"
             "    return run_group(*args, **kwargs)\n"
             "click.Group.main = probed")
    for before, enabled in (("", "True"), ("gc.disable()", "False")):
        done = console("--version", cwd=tmp_path, setup=probe.format(before))
        assert done.returncode == 0
        assert done.stdout.decode().splitlines()[0] == f"{enabled} 0"
