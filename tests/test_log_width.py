"""`reviewtool log` on a terminal: one line per version at any width (as tig), the subject
cut with an ellipsis, columns shortened or dropped in a stated order; piped output unchanged.

Runs the installed console script on a pseudo-terminal with ``COLUMNS`` set: the code path a
user's terminal takes.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.gitutil import make_repo
from tests.terminal import reviewtool_command, terminal_text

WIDTHS = (60, 80, 100, 160)

LONG_SUBJECT = ("Rewrite the whole argument about mesa-optimization so that it no longer depends on "
                "the double descent framing, which reviewers found unconvincing and far too long")
EVIL_SUBJECT = "Fix \x1b[31mred\x1b[0m and \x07bell and \u202eevil\u202c [bold]b[/bold] " + "x" * 60
LONG_AUTHOR = "Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh"
LONG_DRAFT = "drafts/2026-12-03-a-very-long-essay-file-name-about-reviewing-essays-in-git-notes.md"


def cmd() -> list[str]:
    return reviewtool_command()


def on_terminal(cwd: Path, columns: int, *args: str) -> str:
    """Run ``reviewtool --no-pager log`` with stdout on a pseudo-terminal of *columns*; what it showed."""
    return terminal_text(["--no-pager", "log", *args], cwd, columns)


def piped(cwd: Path, *args: str) -> str:
    proc = subprocess.run([*cmd(), "log", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def compact(change: str) -> str:
    """The change label as the narrowest layout writes it."""
    change = change.replace(" moved or renamed", " moved").replace(" markup)", " mk)")
    return re.sub(r"(\d+) sections?\b", r"\1 sec", change)


def check_one_line_per_version(cwd: Path, width: int) -> list[str]:
    """The terminal table at *width*: title, header, then exactly one line per version holding its
    id, date and change; no line wider than the terminal. Returns the version lines."""
    plain_rows = [line.split("\t") for line in piped(cwd).splitlines()[1:]]
    lines = on_terminal(cwd, width).rstrip("\n").split("\n")
    assert all(cell_len(line) <= width for line in lines), [ln for ln in lines if cell_len(ln) > width]
    title, header, *rows = lines
    assert title.strip().endswith(f": {len(plain_rows)} versions")
    assert header.startswith("version") and "subject" in header and "change" in header
    assert len(rows) == len(plain_rows), "\n".join(lines)
    for line, plain in zip(rows, plain_rows):
        short, date, _author, _subject, words, _sections, _prose, change = plain
        assert line.startswith(short + " ")
        assert date[:10] in line
        assert f" {words} " in line
        assert line.rstrip().endswith(change) or line.rstrip().endswith(compact(change)), (line, change)
    return rows


@pytest.fixture(scope="module")
def long_names(tmp_path_factory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("long") / "repo")
    text = "# Reviewing\n\nFirst words of the essay.\n"
    repo.commit("Start", {LONG_DRAFT: text}, author=(LONG_AUTHOR, "max@example.org"))
    text += "\n## Notes\n\nGit notes keep the review beside the commits.\n"
    repo.commit(LONG_SUBJECT, {LONG_DRAFT: text}, author=(LONG_AUTHOR, "max@example.org"))
    text += "\nAnd they travel with push and fetch.\n"
    repo.commit(EVIL_SUBJECT, {LONG_DRAFT: text}, author=("Ben", "ben@example.org"))
    return repo.path


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_log_is_one_line_per_version(demo, width):
    rows = check_one_line_per_version(demo, width)
    subjects = [line.split("\t")[3] for line in piped(demo).splitlines()[1:]]
    cut = [s for s, line in zip(subjects, rows) if s not in line]
    assert all(re.search(re.escape(s[:6]) + r".*…", line) for s, line in zip(subjects, rows) if s in cut)
    if width < 160:
        assert len(cut) == len(rows)  # every subject is longer than what is left for it
    else:
        assert cut == [subjects[0], subjects[6]]  # the rename and the longest subject: too long
        assert "██████████ 100%" in rows[0] and "Alex Rivera" in rows[0]


def test_the_columns_go_in_the_stated_order(demo):
    headers = {w: on_terminal(demo, w).split("\n")[1].split() for w in WIDTHS}
    assert headers[160] == ["version", "date", "author", "subject", "words", "sections", "prose", "change"]
    assert headers[100] == ["version", "date", "author", "subject", "words", "prose", "change"]
    assert headers[80] == ["version", "date", "author", "subject", "words", "change"]
    assert headers[60] == ["version", "date", "subject", "words", "change"]
    at_100 = on_terminal(demo, 100).split("\n")[2]
    assert "100%" in at_100 and "█" not in at_100 and " Alex " in at_100 and "Rivera" not in at_100
    assert re.search(r"\d\d:\d\d", at_100) and "in 2 sections" in at_100
    at_60 = on_terminal(demo, 60).split("\n")[2]
    assert not re.search(r"\d\d:\d\d", at_60) and at_60.rstrip().endswith("+4 -6 in 2 sec")


@pytest.mark.parametrize("width", WIDTHS)
def test_long_subjects_names_and_control_characters_stay_on_one_line(long_names, width):
    rows = check_one_line_per_version(long_names, width)
    out = on_terminal(long_names, width)
    assert "\x07" not in out and "\u202e" not in out and "[31m" not in out
    evil = rows[0]
    assert "  Fix red and be" in evil  # escapes and the bell dropped, the words kept
    assert "…" in evil and "…" in rows[1]
    if width == 160:
        assert "<U+202E>evil" in evil  # an invisible character is shown escaped
    title = out.split("\n")[0].strip()
    assert title.endswith("git-notes.md: 3 versions")
    if width < cell_len(LONG_DRAFT) + 12:
        assert title.startswith("…")
    else:
        assert title == LONG_DRAFT + ": 3 versions"
    if width == 160:  # long names are cut, never wrapped
        assert "Maximiliana Wolfesc…" in rows[1]


def test_piped_output_is_not_laid_out(long_names):
    lines = piped(long_names).splitlines()
    assert lines[0] == LONG_DRAFT + ": 3 versions"
    fields = lines[1].split("\t")
    assert fields[2] == "Ben" and fields[3].startswith("Fix red and bell and <U+202E>evil<U+202C> [bold]b[/bold] xxx")
    assert fields[3].endswith("x" * 60) and fields[6] == "100%"
    assert lines[2].split("\t")[2:4] == [LONG_AUTHOR, LONG_SUBJECT]
