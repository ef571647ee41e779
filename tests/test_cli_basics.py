"""The real ``reviewtool`` console script on real repositories: drafts, log, sections, show."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reviewtool.draft.document import parse
from tests.terminal import run_on_terminal

EXE = Path(sys.executable).with_name("reviewtool")
ESSAY = "drafts/essay.md"
TEXT_1 = "---\ntitle: Riding to work\n---\n\n# Riding to work\n\nWhy I cycle.\n\n## Plan\n\n- Costs\n- Health\n"
TEXT_2 = (TEXT_1.replace("Why I cycle.", "Why I cycle to work every day.")
          + "\n## Costs in detail\n\nFuel and parking cost two hundred euros a month.\n")
TEXT_3 = TEXT_2 + "\n## Weather\n\nRain is *less* of a problem than I feared [bold]really[/bold].\n"
EVIL_SUBJECT = "Edit \x1b[31mred\x1b[0m and [bold]brackets[/bold] \x07bell"


def reviewtool(*args: str, cwd: Path, check: bool = True, tty: bool = False) -> subprocess.CompletedProcess:
    """Run the installed console script; stdout is a pipe (not a terminal)."""
    cmd = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "reviewtool"]
    proc = subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", "TERM": "xterm-256color"})
    if check:
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
    return proc


def reviewtool_tty(*args: str, cwd: Path) -> str:
    """Run the console script with stdout on a pseudo-terminal (Rich output); return what it wrote."""
    return run_on_terminal(list(args), cwd, columns=200)


@pytest.fixture
def essay_repo(repo):
    repo.commit("First outline", {ESSAY: TEXT_1, "README.md": "# Readme\n\nAbout this repository.\n"})
    repo.commit("Write costs", {ESSAY: TEXT_2})
    repo.mv(ESSAY, "drafts/riding.md", "Rename the draft")
    repo.commit(EVIL_SUBJECT, {"drafts/riding.md": TEXT_3},
                author=("Mallory \x1b]0;pwned\x07 [red]M[/red]", "m@example.org"))
    return repo


def test_drafts(essay_repo):
    out = reviewtool("drafts", cwd=essay_repo.path).stdout
    day = essay_repo.git("log", "-1", "--format=%aI").strip()[:10]
    assert out.splitlines() == ["drafts under drafts/",
                                f"drafts/riding.md\tRiding to work\t4\t{parse(TEXT_3).words}\t{day}"]
    data = json.loads(reviewtool("drafts", "--json", cwd=essay_repo.path).stdout)
    (row,) = data["drafts"]
    assert row["path"] == "drafts/riding.md" and row["title"] == "Riding to work"
    assert row["versions"] == 4 and row["words"] == parse(TEXT_3).words
    assert row["last_commit"] == essay_repo.head()


def test_log_plain(essay_repo):
    out = reviewtool("log", cwd=essay_repo.path).stdout
    lines = out.splitlines()
    assert lines[0] == "drafts/riding.md: 4 versions"
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == 4 and all(len(r) == 8 for r in rows)
    assert rows[-1][7] == "new"  # the first version has no first parent
    assert [r[3] for r in rows[1:]] == ["Rename the draft (renamed from drafts/essay.md)", "Write costs",
                                        "First outline"]
    assert [int(r[4]) for r in rows] == [parse(t).words for t in (TEXT_3, TEXT_2, TEXT_2, TEXT_1)]
    assert rows[-1][6] == f"{parse(TEXT_1).prose_share * 100:.0f}%"
    assert reviewtool("log", "-n", "2", cwd=essay_repo.path).stdout.count("\n") == 3


def test_log_json_schema(essay_repo):
    data = json.loads(reviewtool("log", "--json", cwd=essay_repo.path).stdout)
    assert data["draft"] == "drafts/riding.md"
    vs = data["versions"]
    assert len(vs) == 4
    required = {"commit", "parents", "author", "date", "subject", "path", "blob", "words", "sections",
                "prose_share", "status", "old_path", "worktree"}
    for v in vs:
        assert required <= set(v)
        assert re.fullmatch(r"[0-9a-f]{40}", v["commit"]) and re.fullmatch(r"[0-9a-f]{40}", v["blob"])
        assert all(re.fullmatch(r"[0-9a-f]{40}", p) for p in v["parents"])
        assert isinstance(v["words"], int) and isinstance(v["sections"], int)
        assert 0.0 <= v["prose_share"] <= 1.0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", v["date"])
    assert [v["path"] for v in vs] == ["drafts/riding.md", "drafts/riding.md", ESSAY, ESSAY]
    assert vs[1]["status"] == "R" and vs[1]["old_path"] == ESSAY
    assert vs[-1]["parents"] == [] and vs[-1]["status"] == "A"
    # JSON carries the exact subject and author (escaped by JSON, not cleaned).
    assert vs[0]["subject"] == EVIL_SUBJECT
    assert vs[0]["sections"] == len(parse(TEXT_3).content_sections)
    # The working-tree version appears once the file changes.
    (essay_repo.path / "drafts/riding.md").write_text(TEXT_3 + "\nUncommitted line.\n")
    data = json.loads(reviewtool("log", "--json", cwd=essay_repo.path).stdout)
    wt = data["versions"][0]
    assert wt["worktree"] is True and wt["commit"] is None and wt["subject"] == "Uncommitted changes"
    assert wt["words"] == parse(TEXT_3).words + 2


def test_sections_json_and_plain(essay_repo):
    data = json.loads(reviewtool("sections", "--json", cwd=essay_repo.path).stdout)
    doc = parse(TEXT_3)
    assert data["draft"] == "drafts/riding.md"
    assert data["version"]["commit"] == essay_repo.head()
    assert [s["key"] for s in data["sections"]] == [s.key for s in doc.sections]
    assert "riding-to-work/plan/costs" in [s["key"] for s in data["sections"]]
    assert data["words"] == doc.words and data["title"] == "Riding to work"
    assert data["front_matter"] == {"title": "Riding to work"}
    assert all(s["viewed"] is False for s in data["sections"])  # nobody marked anything viewed
    assert data["viewed"]["viewed"] == 0 and data["viewed"]["sections"] >= 1
    costs = next(s for s in data["sections"] if s["key"] == "riding-to-work/plan/costs")
    assert costs["kind"] == "outline" and costs["body_kind"] == "outline"
    assert set(costs["span"]) == {"start", "end", "end_with_children", "line_start", "line_end"}
    # An older revision by short sha, through the rename.
    first = essay_repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    old = json.loads(reviewtool("sections", first[:7], "--json", cwd=essay_repo.path).stdout)
    assert old["version"]["path"] == ESSAY and old["words"] == parse(TEXT_1).words
    out = reviewtool("sections", cwd=essay_repo.path).stdout.splitlines()
    assert out[0].startswith(f"drafts/riding.md at {essay_repo.head()[:8]}: {doc.words} words")
    assert out[1].split("\t") == ["Front matter", "frontmatter", "empty", "0", "0", "-", "front-matter"]
    assert "Plan\theading\tempty\t0\t2\t-\triding-to-work/plan" in out  # the key carries the depth


def test_show(essay_repo):
    out = reviewtool("show", cwd=essay_repo.path).stdout
    assert out == TEXT_3
    first = essay_repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    assert reviewtool("show", first, cwd=essay_repo.path).stdout == TEXT_1
    assert reviewtool("show", "HEAD~1", cwd=essay_repo.path).stdout == TEXT_2
    section = reviewtool("show", "--section", "riding-to-work/plan", cwd=essay_repo.path).stdout
    assert section == "## Plan\n\n- Costs\n- Health\n\n"
    data = json.loads(reviewtool("show", "-s", "riding-to-work/costs-in-detail", "--json",
                                 cwd=essay_repo.path).stdout)
    assert data["text"].startswith("## Costs in detail\n")
    assert data["section"]["key"] == "riding-to-work/costs-in-detail"
    assert data["version"]["commit"] == essay_repo.head()
    bad = reviewtool("show", "--section", "nope", cwd=essay_repo.path, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("reviewtool: error: no section 'nope'")


def test_dash_c_and_readme_at_the_root(essay_repo, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = reviewtool("-C", str(essay_repo.path), "log", "--json", cwd=elsewhere).stdout
    assert json.loads(out)["draft"] == "drafts/riding.md"
    # Relative and repeated -C, like git.
    rel = os.path.relpath(essay_repo.path, tmp_path)
    out = reviewtool("-C", str(tmp_path), "-C", rel, "-C", "drafts", "show", "-d", "riding.md",
                     cwd=elsewhere).stdout
    assert out == TEXT_3
    readme = reviewtool("-C", str(essay_repo.path), "show", "-d", "README.md", cwd=elsewhere).stdout
    assert readme == "# Readme\n\nAbout this repository.\n"
    data = json.loads(reviewtool("log", "-d", "README.md", "--json", cwd=essay_repo.path).stdout)
    assert len(data["versions"]) == 1 and data["versions"][0]["path"] == "README.md"
    secs = json.loads(reviewtool("sections", "-d", "README.md", "--json", cwd=essay_repo.path).stdout)
    assert [s["key"] for s in secs["sections"]] == ["readme"]
    # From a subdirectory, -d is relative to it.
    sub = reviewtool("show", "-d", "riding.md", cwd=essay_repo.path / "drafts").stdout
    assert sub == TEXT_3


def test_piped_output_is_plain_and_untrusted_text_is_literal(essay_repo):
    for args in (["drafts"], ["log"], ["sections"], ["show"], ["show", "-s", "riding-to-work/weather"]):
        out = reviewtool(*args, cwd=essay_repo.path).stdout
        assert "\x1b" not in out and "\x07" not in out, args
    log = reviewtool("log", cwd=essay_repo.path).stdout
    first = log.splitlines()[1].split("\t")
    assert first[3] == "Edit red and [bold]brackets[/bold] bell"
    assert first[2] == "Mallory [red]M[/red]"
    show = reviewtool("show", cwd=essay_repo.path).stdout
    assert "[bold]really[/bold]" in show and "*less*" in show


def test_terminal_output_keeps_brackets_and_drops_escapes(essay_repo):
    out = reviewtool_tty("log", cwd=essay_repo.path)
    visible = re.sub(r"\x1b\[[0-9;]*m", "", out)  # Rich's own colours
    assert "[bold]brackets[/bold]" in visible
    assert "Edit red and" in visible
    assert "\x1b[31mred" not in out and "\x07" not in out and "pwned" not in out
    assert "Mallory" in visible and "[red]M[/red]" in visible
    show = re.sub(r"\x1b\[[0-9;]*m", "", reviewtool_tty("show", cwd=essay_repo.path))
    assert "[bold]really[/bold]" in show


def test_worktree_version(essay_repo):
    changed = TEXT_3 + "\n## New\n\nNot committed yet.\n"
    (essay_repo.path / "drafts/riding.md").write_text(changed)
    assert reviewtool("show", cwd=essay_repo.path).stdout == changed
    assert reviewtool("show", "worktree", cwd=essay_repo.path).stdout == changed
    assert reviewtool("show", "HEAD", cwd=essay_repo.path).stdout == TEXT_3
    data = json.loads(reviewtool("sections", "--json", cwd=essay_repo.path).stdout)
    assert data["version"]["worktree"] is True and data["sections"][-1]["key"] == "riding-to-work/new"
    assert reviewtool("log", cwd=essay_repo.path).stdout.splitlines()[1].startswith("worktree\t")
