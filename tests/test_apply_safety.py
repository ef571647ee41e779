"""`comment apply` never loses an edit and never writes outside the work tree.

Parallel applies are real processes (``python -m reviewtool``) on a real repository; the
symlink cases build real links. Each test states the promise it checks: every edit that
was reported applied is in the file, every ``applied`` event belongs to an edit in the
file, and a refused apply writes nothing anywhere.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from reviewtool.draft.history import DraftHistory
from reviewtool.errors import ReviewtoolError
from reviewtool.git.repo import GitRepo
from reviewtool.review import anchoring
from reviewtool.review.anchoring import make_anchor
from reviewtool.review.store import ReviewStore
from reviewtool.review.suggestions import apply_suggestion

DRAFT = "drafts/essay.md"
N = 10
#: Ten sections, each with one sentence a reviewer suggests rewording.
TEXT = "---\ntitle: Ten points\n---\n\n" + "".join(
    f"## Point {i}\n\nThe claim number {i} is mostly right about gardens.\n\n" for i in range(N))


def quote(i: int) -> str:
    return f"The claim number {i} is mostly right"


def fixed(i: int) -> str:
    return f"Claim {i} holds"


@pytest.fixture(autouse=True)
def _fresh_caches():
    anchoring.clear_caches()


def setup(repo, text: str = TEXT, suggestions: list[tuple[str, str, str]] | None = None) -> list[str]:
    """Commit *text* and write one comment per ``(section, quote, suggestion)``; their ids."""
    repo.commit("v1", {DRAFT: text})
    git_repo = GitRepo.open(repo.path)
    hist = DraftHistory(git_repo, DRAFT)
    store = ReviewStore(git_repo)
    v = hist.versions[0]
    doc = hist.document(v)
    if suggestions is None:
        suggestions = [(f"point-{i}", quote(i), fixed(i)) for i in range(N)]
    return [store.comment_on(make_anchor(doc, v, section, q), f"reword {n}", s).id
            for n, (section, q, s) in enumerate(suggestions)]


def applied_threads(repo) -> set[str]:
    """The thread ids with an ``applied`` event, read from the notes as another process would."""
    anchoring.clear_caches()
    return {t.id for t in ReviewStore(GitRepo.open(repo.path)).threads() if t.applied is not None}


def applied_events(repo) -> list[str]:
    return [e.target for t in ReviewStore(GitRepo.open(repo.path)).threads()
            for e in t.events if e.type == "applied"]


def apply_in_parallel(repo, ids: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start one ``reviewtool comment apply ID --json`` process per id at once; wait for all."""
    env = {**os.environ, "PYTHONPATH": str(os.path.dirname(os.path.dirname(__file__)))}
    procs = [subprocess.Popen([sys.executable, "-m", "reviewtool", "-C", str(repo.path), "comment", "apply",
                               cid, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for cid in ids]
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        out.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    return out


def test_ten_parallel_applies_of_ten_suggestions_keep_all_ten_edits(repo):
    ids = setup(repo)
    results = apply_in_parallel(repo, ids)
    for r in results:
        assert r.returncode == 0, r.stderr
    text = (repo.path / DRAFT).read_text()
    expected = TEXT
    for i in range(N):
        expected = expected.replace(quote(i), fixed(i))
    assert text == expected
    assert sorted(applied_events(repo)) == sorted(ids)  # exactly one applied event per thread
    reported = {json.loads(r.stdout)["thread"] for r in results}
    assert reported == set(ids)


def test_parallel_applies_that_collide_land_once_and_only_the_landed_are_recorded(repo):
    """Three suggestions rewrite the same sentence, two others their own: the three cannot
    all land. Exactly one of them does; the others fail with a clear line and no event."""
    same = "The claim number 3 is mostly right about gardens."
    ids = setup(repo, suggestions=[
        ("point-3", same, "Claim three, first rewrite."),
        ("point-3", same, "Claim three, second rewrite."),
        ("point-3", quote(3), "Claim three, third rewrite"),
        ("point-1", quote(1), fixed(1)),
        ("point-8", quote(8), fixed(8)),
    ])
    results = apply_in_parallel(repo, ids)
    landed = {cid for cid, r in zip(ids, results) if r.returncode == 0}
    failed = [r for r in results if r.returncode != 0]
    assert ids[3] in landed and ids[4] in landed
    assert len(landed & set(ids[:3])) == 1
    for r in failed:
        assert r.returncode == 1
        line = r.stderr.strip()
        assert line.startswith("reviewtool: error: cannot apply comment") and "\n" not in line
        assert "the quoted passage is" in line
    text = (repo.path / DRAFT).read_text()
    assert fixed(1) in text and fixed(8) in text
    winner = ids.index(next(iter(landed & set(ids[:3]))))
    assert ["Claim three, first rewrite.", "Claim three, second rewrite.",
            "Claim three, third rewrite about gardens."][winner] in text
    assert sorted(applied_events(repo)) == sorted(landed)


def test_apply_keeps_the_file_mode_and_leaves_no_temporary_file(repo):
    ids = setup(repo)
    path = repo.path / DRAFT
    path.chmod(0o640)
    git_repo = GitRepo.open(repo.path)
    apply_suggestion(DraftHistory(git_repo, DRAFT), ReviewStore(git_repo), ids[0])
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == ["essay.md"]


def test_an_edit_made_while_applying_is_not_overwritten(repo, monkeypatch):
    """Compare-and-swap on the file: another program (an editor saving) writes the draft
    between our read and our rename; the apply fails and keeps their text."""
    from reviewtool.draft import worktree_file

    ids = setup(repo)
    path = repo.path / DRAFT
    theirs = TEXT.replace("Point 5", "Point five")
    real = worktree_file._write_temp

    def write_temp_then_someone_saves(*args, **kwargs):
        name = real(*args, **kwargs)
        path.write_text(theirs)
        return name

    monkeypatch.setattr(worktree_file, "_write_temp", write_temp_then_someone_saves)
    git_repo = GitRepo.open(repo.path)
    with pytest.raises(ReviewtoolError, match=f"{DRAFT} changed while the suggestion was being applied"):
        apply_suggestion(DraftHistory(git_repo, DRAFT), ReviewStore(git_repo), ids[0])
    assert path.read_text() == theirs
    assert applied_threads(repo) == set()
    assert sorted(p.name for p in path.parent.iterdir()) == ["essay.md"]


def test_a_failed_record_puts_the_text_back(repo, monkeypatch):
    ids = setup(repo)
    git_repo = GitRepo.open(repo.path)
    store = ReviewStore(git_repo)

    def refuse(*args, **kwargs):
        raise ReviewtoolError("the notes ref is locked")

    monkeypatch.setattr(store, "mark_applied", refuse)
    with pytest.raises(ReviewtoolError, match="locked"):
        apply_suggestion(DraftHistory(git_repo, DRAFT), store, ids[0])
    assert (repo.path / DRAFT).read_text() == TEXT


# ------------------------------------------------------------------ symlinks


def test_a_symlinked_draft_is_refused_and_its_target_untouched(repo, tmp_path):
    ids = setup(repo)
    outside = tmp_path / "outside.md"
    outside.write_text(TEXT)
    path = repo.path / DRAFT
    path.unlink()
    path.symlink_to(outside)
    git_repo = GitRepo.open(repo.path)
    with pytest.raises(ReviewtoolError, match=f"{DRAFT} is a symbolic link .*outside the work tree.*regular file"):
        apply_suggestion(DraftHistory(git_repo, DRAFT), ReviewStore(git_repo), ids[0])
    assert path.is_symlink() and outside.read_text() == TEXT
    assert applied_threads(repo) == set()


def test_a_symlink_to_a_file_inside_the_work_tree_is_refused_too(repo):
    ids = setup(repo)
    path = repo.path / DRAFT
    (repo.path / "copy.md").write_text(TEXT)
    path.unlink()
    path.symlink_to("../copy.md")
    git_repo = GitRepo.open(repo.path)
    with pytest.raises(ReviewtoolError, match=f"{DRAFT} is a symbolic link \\(to ../copy.md\\)"):
        apply_suggestion(DraftHistory(git_repo, DRAFT), ReviewStore(git_repo), ids[0])
    assert path.is_symlink() and (repo.path / "copy.md").read_text() == TEXT


def test_a_symlinked_parent_folder_leading_outside_is_refused(repo, tmp_path):
    ids = setup(repo)
    elsewhere = tmp_path / "elsewhere"
    (repo.path / "drafts").rename(elsewhere)
    (repo.path / "drafts").symlink_to(elsewhere, target_is_directory=True)
    git_repo = GitRepo.open(repo.path)
    with pytest.raises(ReviewtoolError, match="drafts is a symbolic link to .*elsewhere, outside the work tree"):
        apply_suggestion(DraftHistory(git_repo, DRAFT), ReviewStore(git_repo), ids[0])
    assert (elsewhere / "essay.md").read_text() == TEXT
    assert sorted(p.name for p in elsewhere.iterdir()) == ["essay.md"]
    assert applied_threads(repo) == set()


def test_a_draft_that_is_not_a_regular_file_is_refused(repo):
    ids = setup(repo)
    path = repo.path / DRAFT
    path.unlink()
    os.mkfifo(path)
    git_repo = GitRepo.open(repo.path)
    with pytest.raises(ReviewtoolError, match=f"{DRAFT} is not a regular file"):
        apply_suggestion(DraftHistory(git_repo, DRAFT), ReviewStore(git_repo), ids[0])
    assert applied_threads(repo) == set()


def test_the_cli_says_why_in_one_line(repo, tmp_path):
    ids = setup(repo)
    outside = tmp_path / "outside.md"
    outside.write_text(TEXT)
    (repo.path / DRAFT).unlink()
    (repo.path / DRAFT).symlink_to(outside)
    result = apply_in_parallel(repo, ids[:1])[0]
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"reviewtool: error: cannot apply comment {ids[0][:8]}: {DRAFT} is a symbolic")
