"""The summary table at the top of `reviewtool diff` on a terminal: one line per changed
section at any width (the section cut with an ellipsis, the change bar shortened to its
percentage; see reviewtool/cli/diff_summary_table.py); piped output unchanged.

Runs the installed console script on a pseudo-terminal with ``COLUMNS`` set.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.test_sections_drafts_width import cmd, on_terminal

WIDTHS = (60, 80, 100, 160)
OLD, NEW = "6e89312e", "b9df3a6e"  # the outline and the prose: six sections, long renames


def piped_summary(cwd: Path) -> list[list[str]]:
    proc = subprocess.run([*cmd(), "diff", OLD, NEW], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    return [line.split("\t") for line in lines[1:lines.index("")]]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_summary_is_one_line_per_section(demo, width):
    plain = piped_summary(demo)
    assert len(plain) == 6
    lines = on_terminal(demo, width, "diff", OLD, NEW)
    start = next(i for i, line in enumerate(lines) if line.startswith("status "))
    header, rows = lines[start], lines[start + 1:start + 1 + len(plain)]
    assert lines[start + 1 + len(plain)] == ""  # no row spilled onto a second line
    assert all(cell_len(line) <= width for line in rows)
    assert header.split() == ["status", "section", "changed", "added", "removed"]
    for line, (status, section, share, added, removed) in zip(rows, plain):
        assert line.startswith(status + " ") or line.startswith(status[:9] + "…")
        assert re.search(rf"{share}\s+{re.escape(added)}\s+{removed}$", line.rstrip()), line
        assert section in line or section[:12] + "…" in line or ("…" in line and section[:8] in line)
        assert ("█" in line) == (width > 60)
    if width == 160:
        assert plain[1][1] in rows[1]  # the whole rename fits
    else:
        assert "…" in rows[1]


def test_piped_summary_is_not_cut(demo):
    plain = piped_summary(demo)
    assert plain[1] == ["promoted, renamed",
                        "Why we might expect LLMs to be mesa-optimizers → Why large language models are likely "
                        "mesa-optimizers", "99%", "+752", "-9"]
