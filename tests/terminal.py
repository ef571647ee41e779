"""Run the installed ``reviewtool`` with stdout on a pseudo-terminal, as a person at a terminal would.

Used by the tests of terminal-only layouts (one line per row at any width, colours, the
pager's choice). The child's stderr stays a pipe, so its messages do not mix with the table.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

EXE = Path(sys.executable).with_name("reviewtool")
#: CSI escape sequences (colours, cursor): what a test strips to read the text.
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def reviewtool_command() -> list[str]:
    """The console script beside this interpreter, or ``python -m reviewtool`` when it is not installed."""
    return [str(EXE)] if EXE.exists() else [sys.executable, "-m", "reviewtool"]


def run_on_terminal(args: list[str], cwd: Path, columns: int = 200, timeout: float = 30) -> str:
    """What ``reviewtool ARGS`` wrote to a pseudo-terminal of *columns* (escapes kept, ``\\r\\n`` as ``\\n``).

    Fails the test when the command exits non-zero (with its stderr) or goes silent for *timeout* s.
    """
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "50", "TERM": "xterm-256color"}
    proc = subprocess.Popen([*reviewtool_command(), *args], cwd=cwd, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=timeout)
    assert code == 0, proc.stderr.read() if proc.stderr else ""
    return b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")


def terminal_text(args: list[str], cwd: Path, columns: int) -> str:
    """:func:`run_on_terminal` without the escape sequences: the text a person reads."""
    return ANSI.sub("", run_on_terminal(args, cwd, columns))
