"""What a version without word changes changed, in log's change column and the TUI's history row.

Found on the RFC corpus: a commit that took ``<`` and ``>`` out of 15 sections
(``text/3537-msrv-resolver.md``, 6c4aee39, "Don't confuse markdown parsers treating items like
HTML") read "15 sections moved or renamed" in ``reviewtool log`` and "moved 15§" in the TUI,
and a heading removed over text that stays read "1 section moved or renamed". Only sections
that really moved or were renamed, and nothing else, read as moved.
"""

from __future__ import annotations

from reviewtool.cli.commands import run
from reviewtool.diff.version_change import version_change
from reviewtool.draft.history import DraftHistory
from reviewtool.git.repo import GitRepo
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.view_models import row_stats
from tests.gitutil import make_repo

DRAFT = "drafts/essay.md"

BASE = ("# Essay\n\n## Alpha\n\nThe resolver uses <version> here and keeps going on.\n\n"
        "## Beta\n\nThe field reads <name> as a value the tool keeps.\n\n"
        "## Gamma\n\nGamma holds words that never change at all.\n")
PUNCTUATION = BASE.replace("<version>", "version").replace("<name>", "name")
MOVED = ("# Essay\n\n## Alpha\n\nThe resolver uses version here and keeps going on.\n\n"
         "## Gamma\n\nGamma holds words that never change at all.\n\n"
         "## Beta\n\nThe field reads name as a value the tool keeps.\n")
HEADING_REMOVED = MOVED.replace("## Gamma\n\n", "")


def _history(tmp_path):
    repo = make_repo(tmp_path / "repo")
    ids = {"base": repo.commit("base", {DRAFT: BASE}),
           "punctuation": repo.commit("punctuation", {DRAFT: PUNCTUATION}),
           "moved": repo.commit("moved", {DRAFT: MOVED}),
           "heading": repo.commit("heading", {DRAFT: HEADING_REMOVED})}
    return repo, ids


def _log_rows(repo, capsys) -> dict[str, str]:
    assert run(["-C", str(repo.path), "log", "-d", DRAFT]) == 0
    return {line[:8]: line.rsplit("\t", 1)[-1] for line in capsys.readouterr().out.splitlines()[1:]}


def test_log_names_edits_without_word_changes_apart_from_moves(tmp_path, capsys):
    repo, ids = _history(tmp_path)
    rows = _log_rows(repo, capsys)
    assert rows[ids["punctuation"][:8]] == "+0 -0 in 2 sections"  # edited, not moved
    assert rows[ids["moved"][:8]] == "1 section moved or renamed"
    assert "moved" not in rows[ids["heading"][:8]]  # a heading removed: sections merged


def test_counts_keep_the_sections_that_only_moved(tmp_path):
    repo, ids = _history(tmp_path)
    for use_cache in (False, True, True):  # computed, stored, read back
        hist = DraftHistory(GitRepo.open(repo.path), DRAFT, use_cache=use_cache)
        counts = {name: version_change(hist, next(v for v in hist.versions if v.commit == c)).counts  # type: ignore[union-attr]
                  for name, c in ids.items() if name != "base"}
        assert (counts["punctuation"].sections_changed, counts["punctuation"].sections_moved) == (2, 0)
        assert (counts["moved"].sections_changed, counts["moved"].sections_moved) == (1, 1)
        assert counts["heading"].sections_moved == 0


def test_tui_history_row_says_moved_only_for_moves(tmp_path):
    repo, ids = _history(tmp_path)
    hist = DraftHistory(GitRepo.open(repo.path), DRAFT)
    stats = {v.commit: row_stats(hist, v) for v in hist.versions}
    pane = HistoryPane(stats_for=lambda v: stats[v.commit])
    pane.versions = list(hist.versions)
    label = {v.commit: pane.render_row(i, 140).plain for i, v in enumerate(hist.versions)}
    assert "moved 1§" in label[ids["moved"]]
    assert "moved" not in label[ids["punctuation"]] and "+0 -0" in label[ids["punctuation"]]
    assert "moved" not in label[ids["heading"]]


def test_diff_summary_line_counts_in_good_english(tmp_path, capsys):
    repo, ids = _history(tmp_path)
    assert run(["-C", str(repo.path), "diff", "-d", DRAFT, f"{ids['moved']}^!"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(": +0 -0 words, 1 section changed")
    assert run(["-C", str(repo.path), "diff", "-d", DRAFT, f"{ids['punctuation']}^!"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(": +0 -0 words, 2 sections changed")
    assert run(["-C", str(repo.path), "diff", "-d", DRAFT, "--format", "markdown", f"{ids['moved']}^!"]) == 0
    assert "words** in 1 changed section (" in capsys.readouterr().out
