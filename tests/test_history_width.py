"""`reviewtool history --section` on a terminal: one line per version at any width (as tig),
the subject cut with an ellipsis, columns shortened or dropped in a stated order (see
reviewtool/cli/history_table.py); piped output unchanged (tab-separated, full cells).

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
SECTION = "behavior-is-evidence-enough"  # the demo section with the longest history (4 changes)

LONG_SUBJECT = ("Rewrite the whole argument about mesa-optimization so that it no longer depends on "
                "the double descent framing, which reviewers found unconvincing and far too long")
EVIL_SUBJECT = "Fix \x1b[31mred\x1b[0m and \x07bell and \u202eevil\u202c [bold]b[/bold] " + "x" * 60
LONG_AUTHOR = "Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh"
LONG_DRAFT = "drafts/2026-12-03-a-very-long-essay-file-name-about-reviewing-essays-in-git-notes.md"
KEY = "why-git-notes-keep-a-review-beside-the-commits-it-talks-about-even-after-a-rebase"
LONG_TITLE = "Why git notes keep a review beside the commits it talks about, even after a rebase"


def cmd() -> list[str]:
    return reviewtool_command()


def on_terminal(cwd: Path, columns: int, section: str) -> str:
    """``reviewtool --no-pager history --section SECTION`` on a pseudo-terminal of *columns*."""
    return terminal_text(["--no-pager", "history", "--section", section], cwd, columns)


def piped(cwd: Path, section: str) -> str:
    proc = subprocess.run([*cmd(), "history", "--section", section], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def check_one_line_per_version(cwd: Path, width: int, section: str) -> tuple[list[str], list[str]]:
    """The terminal table at *width*: title, header, then exactly one line per version holding its
    id, date, change and words; no line wider than the terminal. Returns header and version lines."""
    plain_title, *plain_lines = piped(cwd, section).splitlines()
    plain_rows = [line.split("\t") for line in plain_lines]
    lines = on_terminal(cwd, width, section).rstrip("\n").split("\n")
    assert all(cell_len(line) <= width for line in lines), [ln for ln in lines if cell_len(ln) > width]
    title, header, *rows = lines
    rest = plain_title[plain_title.index(": history of "):]
    assert rest.endswith(f" ({len(plain_rows)} changes)")
    if len(rest) < width:  # the draft's path is cut from the left, the rest kept
        assert title.strip().endswith(rest) and plain_title.endswith(title.strip().lstrip("…"))
    else:  # not even the key fits: the title is cut at the terminal's edge
        assert title == rest[:width - 1] + "…"
    assert header.split()[:2] == ["version", "date"] and "section" in header and "words" in header
    assert len(rows) == len(plain_rows), "\n".join(lines)
    for line, plain in zip(rows, plain_rows):
        short, date, _author, _section, change, added, removed, _subject = plain
        assert line.startswith(short + " ")
        assert date[:10] in line
        assert f" {added} {removed}" in line
        assert change[:9] in line
    return header.split(), rows


@pytest.fixture(scope="module")
def long_names(tmp_path_factory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("long") / "repo")
    text = f"# Reviewing\n\nFirst words of the essay.\n\n## {LONG_TITLE}\n\nGit notes keep the review.\n"
    repo.commit("Start", {LONG_DRAFT: text}, author=(LONG_AUTHOR, "max@example.org"))
    text += "\nThey travel with push and fetch.\n"
    repo.commit(LONG_SUBJECT, {LONG_DRAFT: text}, author=(LONG_AUTHOR, "max@example.org"))
    text += "\nAnd a rebase keeps them when notes.rewriteRef says so.\n"
    repo.commit(EVIL_SUBJECT, {LONG_DRAFT: text}, author=("Ben", "ben@example.org"))
    return repo.path


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_history_is_one_line_per_version(demo, width):
    header, rows = check_one_line_per_version(demo, width, SECTION)
    assert len(rows) == 4
    plain = [line.split("\t") for line in piped(demo, SECTION).splitlines()[1:]]
    if width >= 80:
        assert "subject" in header
        for fields, line in zip(plain, rows):  # the subject is there, whole or cut with an ellipsis
            subject = fields[7]
            assert subject in line or re.search(re.escape(subject[:6]) + r".*…\s*$", line), (subject, line)
    if width == 160:
        assert "Sam Okafor" in rows[0] and "09:55" in rows[0]
        assert "split, edited" in rows[0] and "promoted, renamed" in rows[1]


def test_the_columns_go_in_the_stated_order(demo):
    headers = {w: on_terminal(demo, w, SECTION).split("\n")[1].split() for w in WIDTHS}
    full = ["version", "date", "author", "section", "change", "words", "subject"]
    assert headers[160] == full
    assert headers[100] == ["version", "date", "by", "section", "change", "words", "subject"]
    assert headers[80] == ["version", "date", "section", "change", "words", "subject"]
    assert headers[60] == ["version", "date", "section", "change", "words"]
    at_100 = on_terminal(demo, 100, SECTION).split("\n")[3]
    assert not re.search(r"\d\d:\d\d", at_100) and " SO " in at_100
    assert "Behavioral versus mecha…" in at_100 and "promoted, renamed" in at_100
    at_80 = on_terminal(demo, 80, SECTION).split("\n")[3]
    assert "Behavioral vers…" in at_80 and "promoted,…" in at_80 and "+334 -32" in at_80


@pytest.mark.parametrize("width", WIDTHS)
def test_long_titles_subjects_names_and_control_characters_stay_on_one_line(long_names, width):
    _, rows = check_one_line_per_version(long_names, width, LONG_TITLE)
    out = on_terminal(long_names, width, LONG_TITLE)
    assert "\x07" not in out and "\u202e" not in out and "[31m" not in out
    assert len(rows) == 3 and all("Why git notes" in r and "…" in r for r in rows)
    if width == 160:
        assert "Fix red and bell and <U+202E>evil" in rows[0]  # escaped, never obeyed
        assert "Maximiliana Wolfesc…" in rows[1]  # long names are cut, never wrapped
    # the path gives way first (cut from the left), then the key at the edge
    assert out.split("\n")[0].startswith("…" if width > 100 else ": history of reviewing/why-git-notes")


def test_piped_output_is_not_laid_out(long_names, demo):
    lines = piped(long_names, LONG_TITLE).splitlines()
    assert lines[0] == f"{LONG_DRAFT}: history of reviewing/{KEY} (3 changes)"
    fields = lines[1].split("\t")
    assert fields[2] == "Ben" and fields[3] == LONG_TITLE and fields[5:7] == ["+10", "-0"]
    assert fields[7].startswith("Fix red and bell and <U+202E>evil<U+202C> [bold]b[/bold] xxx")
    assert lines[2].split("\t")[2] == LONG_AUTHOR and lines[2].split("\t")[7] == LONG_SUBJECT
    demo_lines = piped(demo, SECTION).splitlines()
    assert demo_lines[2].split("\t")[3:7] == [
        "Behavioral versus mechanistic study [behavioral-versus-mechanistic-study]", "promoted, renamed",
        "+334", "-32"]


def test_one_change_is_counted_in_the_singular(demo):
    """A section changed once reads "(1 change)", piped and on a terminal."""
    title = piped(demo, "prompt").splitlines()[0]
    assert title.endswith(": history of prompt (1 change)")
    assert "(1 change)" in on_terminal(demo, 160, "prompt")
