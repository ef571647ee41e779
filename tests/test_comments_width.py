"""`reviewtool comments` on a terminal: a line too long for the width wraps under its own
start (a body under its indent, a quote past its ``>``, a reply past its ``↳``), never back to
column 0, and with no trailing blanks; piped output keeps one line per line, unchanged.

Runs the installed console script on a pseudo-terminal with ``COLUMNS`` set, on the demo.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from rich.cells import cell_len

from tests.terminal import reviewtool_command, terminal_text


@pytest.mark.parametrize("columns", [60, 80])
def test_long_lines_hang_under_their_start(demo, columns):
    lines = terminal_text(["--no-pager", "comments"], demo, columns).rstrip("\n").split("\n")
    assert all(cell_len(line) <= columns for line in lines), [ln for ln in lines if cell_len(ln) > columns]
    assert not [ln for ln in lines if ln != ln.rstrip()], "trailing blanks"
    piped = subprocess.run([*reviewtool_command(), "comments"], cwd=demo, capture_output=True, text=True,
                           env={**os.environ, "COLUMNS": str(columns)}, check=True).stdout.splitlines()
    # Every piped body, quote and reply line comes back whole: its words, in order, on the
    # terminal lines from where it starts, each continuation indented past the mark.
    seen = 0
    for source in piped:
        indent = len(source) - len(source.lstrip(" "))
        if indent == 0 or cell_len(source) <= columns:
            continue
        mark = 2 if source.lstrip(" ").startswith(("> ", "↳ ")) else 0
        start = next(i for i, ln in enumerate(lines) if ln and source.startswith(ln))
        words, got, i = source.split(), lines[start].split(), start + 1
        while len(got) < len(words):
            continuation = lines[i]
            assert continuation.startswith(" " * (indent + mark)) and continuation[indent + mark] != " ", (
                source, continuation)
            got += continuation.split()
            i += 1
        assert got == words
        seen += 1
    assert seen >= 5  # the demo's long bodies, quotes and replies were all checked
