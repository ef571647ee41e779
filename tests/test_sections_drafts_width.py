"""`reviewtool sections` and `reviewtool drafts` on a terminal: one line per row at any width
(the title cut with an ellipsis, other columns shortened or dropped in a stated order: see
reviewtool/cli/sections_table.py and drafts_table.py); piped output unchanged.

Runs the installed console script on a pseudo-terminal with ``COLUMNS`` set.
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
DRAFT = "drafts/2023-05-05-mesa-optimizers-are-already-here.md"
LONG_DRAFT = "drafts/2026-12-03-a-very-long-essay-file-name-about-reviewing-essays-in-git-notes.md"
LONG_TITLE = "Why git notes keep a review beside the commits it talks about, even after a rebase"


def cmd() -> list[str]:
    return reviewtool_command()


def on_terminal(cwd: Path, columns: int, *args: str) -> list[str]:
    """``reviewtool --no-pager ARGS`` with stdout on a pseudo-terminal of *columns*: its lines."""
    lines = terminal_text(["--no-pager", *args], cwd, columns).rstrip("\n").split("\n")
    assert all(cell_len(line) <= columns for line in lines), [ln for ln in lines if cell_len(ln) > columns]
    return lines


def piped(cwd: Path, *args: str) -> list[str]:
    proc = subprocess.run([*cmd(), *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


@pytest.fixture(scope="module")
def long_names(tmp_path_factory) -> Path:
    repo = make_repo(tmp_path_factory.mktemp("long") / "repo")
    text = (f"# {LONG_TITLE} \x1b[31mred\x1b[0m\n\nFirst words.\n\n## {LONG_TITLE}\n\nGit notes.\n\n"
            f"### {LONG_TITLE}\n\nThey travel with push and fetch.\n")
    repo.commit("Start", {LONG_DRAFT: text, "drafts/short.md": "# Short\n\nA few words.\n"})
    return repo.path


@pytest.mark.parametrize("width", WIDTHS)
def test_sections_are_one_line_each(demo, width):
    plain_title, *plain = piped(demo, "sections")
    title, header, *rows = on_terminal(demo, width, "sections")
    assert plain_title.startswith(DRAFT + " at ")
    rest = plain_title[len(DRAFT):]
    assert title.strip().endswith(rest) and DRAFT.endswith(title.strip()[:-len(rest)].lstrip("…"))
    assert len(rows) == len(plain) == 9, "\n".join(rows)
    for line, fields in zip(rows, (p.split("\t") for p in plain)):
        section, _kind, body, words, words_all, viewed, key = fields
        assert line.lstrip().startswith(section.strip()[:4])
        mark = "-" if viewed == "-" else ("viewed" if width > 60 else "✓")
        assert re.search(rf"{body}\s+{words}\s+{words_all}\s+{mark}\s", line), line
        if width > 60:
            assert key in line or key[:23] + "…" in line or key[:39] + "…" in line
    expected = {160: ["section", "kind", "body", "words", "with", "children", "viewed", "key"],
                100: ["section", "kind", "body", "words", "all", "viewed", "key"],
                80: ["section", "body", "words", "all", "viewed", "key"],
                60: ["section", "body", "words", "all", "seen", "key"]}
    assert header.split() == expected[width]
    if width == 80:
        assert "behavior-is-evidence-en…" in "\n".join(rows)  # the key cut to 24 cells


@pytest.mark.parametrize("width", WIDTHS)
def test_drafts_are_one_line_each(long_names, width):
    title, header, *rows = on_terminal(long_names, width, "drafts")
    assert title.strip() == "drafts under drafts/"
    assert [r.split()[0][-8:] for r in rows] == ["notes.md", "short.md"]
    assert all(re.search(r"\s1\s+\d+\s+\d{4}-\d\d-\d\d\s*$", r) for r in rows), rows
    if width == 160:
        assert rows[0].startswith(LONG_DRAFT + "  Why git notes keep")
        assert "\x1b" not in rows[0] and "…" in rows[0]  # the escape dropped, the long title cut
    else:
        assert rows[0].startswith("…")
    assert ("title" in header.split()) == (width > 60)


def test_long_section_titles_and_keys_are_cut(long_names):
    rows = on_terminal(long_names, 80, "sections", "-d", LONG_DRAFT)[2:]
    assert len(rows) == 3 and all("…" in r for r in rows)
    assert rows[2].startswith("    Why git notes")  # the depth indent kept


def test_piped_output_is_not_laid_out(long_names, demo):
    lines = piped(long_names, "drafts")
    assert lines[0] == "drafts under drafts/"
    assert lines[1].split("\t")[:3] == [LONG_DRAFT, LONG_TITLE + " red", "1"]
    sections = piped(long_names, "sections", "-d", LONG_DRAFT)
    assert sections[0].startswith(LONG_DRAFT + " at ")
    assert [line.split("\t")[0] for line in sections[1:]] == [LONG_TITLE + " red", LONG_TITLE, LONG_TITLE]
    assert len(sections[3].split("\t")[6]) > 100  # the whole key
    assert piped(demo, "sections")[5].split("\t") == [
        "Why large language models are likely mesa-optimizers", "heading", "prose", "763", "763", "-",
        "why-large-language-models-are-likely-mesa-optimizers"]
