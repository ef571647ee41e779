"""Draft history on real repositories: the same commits as ``git log --follow``, in bulk."""

from __future__ import annotations

import re
import subprocess

import pytest

from reviewtool.draft.cache import flush_all, forget_all
from reviewtool.draft.discovery import find_drafts, resolve_draft
from reviewtool.draft.history import WORKTREE, DraftHistory, versions
from reviewtool.draft.markdown import markdown
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.object_reader import ObjectReader
from reviewtool.git.repo import GitRepo, RunningGit
from tests.gitutil import Repo, clone_corpus, fast_import_history

ESSAY = "drafts/essay.md"


def essay(n: int, extra: str = "") -> str:
    """A draft whose text changes a little with *n* (similar enough for rename detection)."""
    paras = "\n\n".join(f"Paragraph {i} says something about cycling to work in winter." for i in range(12))
    return f"---\ntitle: Essay\n---\n\n# Essay\n\nVersion {n}.{extra}\n\n## Body\n\n{paras}\n"


def git_follow(repo: Repo, path: str, *options: str) -> list[str]:
    """``git log --follow`` run by the test itself (paths taken literally, as reviewtool does).

    With ``--cc`` git also lists merges whose combined diff is empty (the draft
    equals one parent's); those have no raw line and are not versions.
    """
    out = repo.git("log", "--follow", *options, "--raw", "--format=%H", "HEAD", "--", path,
                   env={"GIT_LITERAL_PATHSPECS": "1"})
    listed: list[str] = []
    with_raw: set[str] = set()
    for line in out.splitlines():
        if re.fullmatch(r"[0-9a-f]{40}", line):
            listed.append(line)
        elif line.startswith(":"):
            with_raw.add(listed[-1])
    if not options:
        assert set(listed) == with_raw  # plain --follow: every listed commit has a raw line
    return [c for c in listed if c in with_raw]


def committed(vs) -> list[str]:
    return [v.commit for v in vs if v.commit != WORKTREE]


def new_version_merges(repo: Repo, vs) -> set[str]:
    """The merges among *vs* whose draft differs from the draft in every parent."""
    out = set()
    for v in vs:
        if len(v.parents) > 1:
            parent_blobs = {repo.git("rev-parse", "-q", "--verify", f"{p}:{v.path}", check=False).strip()
                            for p in v.parents}
            assert v.blob not in parent_blobs
            out.add(v.commit)
    return out


def assert_matches_git(repo: Repo, path: str) -> list:
    """versions() lists git log --follow's commits in git's order, plus the merges that
    made a new version of the draft (plain --follow never lists merges); each with the
    right path and blob."""
    vs = versions(GitRepo.open(repo.path), path)
    ours = committed(vs)
    assert ours == git_follow(repo, path, "--cc")
    extra = new_version_merges(repo, vs)
    assert [c for c in ours if c not in extra] == git_follow(repo, path)
    for v in vs:
        if v.blob is not None and v.commit != WORKTREE:
            assert v.blob == repo.git("rev-parse", f"{v.commit}:{v.path}").strip()
    return vs


def merge(repo: Repo, branch: str, message: str, *extra: str) -> str:
    repo._tick += 3600
    when = f"{repo._tick} +0000"
    repo.git("merge", "-q", "--no-ff", "-m", message, *extra, branch,
             env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})
    return repo.head()


# ---------------------------------------------------------------- versions


def test_linear_history(repo):
    c1 = repo.commit("First draft", {ESSAY: essay(1)})
    repo.commit("Unrelated", {"notes.txt": "x\n"})
    c2 = repo.commit("Second", {ESSAY: essay(2)})
    c3 = repo.commit("Third", {ESSAY: essay(3), "notes.txt": "y\n"})
    vs = assert_matches_git(repo, ESSAY)
    assert [v.commit for v in vs] == [c3, c2, c1]
    assert [v.status for v in vs] == ["M", "M", "A"]
    assert [v.subject for v in vs] == ["Third", "Second", "First draft"]
    assert all(v.path == ESSAY and v.old_path is None for v in vs)
    assert vs[0].author == "Ada Author" and vs[0].email == "ada@example.org"
    assert vs[0].parents == (repo.git("rev-parse", f"{c3}^").strip(),)
    assert vs[-1].date.tzinfo is not None and vs[0].date > vs[-1].date


@pytest.mark.parametrize("edit_in_rename", [False, True])
def test_renamed_twice(repo, edit_in_rename):
    repo.commit("Start", {"drafts/first-name.md": essay(1)})
    repo.commit("Edit", {"drafts/first-name.md": essay(2)})
    repo.git("mv", "drafts/first-name.md", "drafts/second-name.md")
    if edit_in_rename:
        repo.write("drafts/second-name.md", essay(3, " Renamed and edited."))
    r1 = repo.commit("Rename once")
    repo.commit("Edit again", {"drafts/second-name.md": essay(4)})
    (repo.path / "essays").mkdir()
    repo.git("mv", "drafts/second-name.md", "essays/final.md")
    if edit_in_rename:
        repo.write("essays/final.md", essay(5, " Moved out of drafts."))
    r2 = repo.commit("Rename twice")
    vs = assert_matches_git(repo, "essays/final.md")
    assert len(vs) == 5
    assert [v.path for v in vs] == ["essays/final.md", "drafts/second-name.md", "drafts/second-name.md",
                                    "drafts/first-name.md", "drafts/first-name.md"]
    by_commit = {v.commit: v for v in vs}
    assert by_commit[r2].status == "R" and by_commit[r2].old_path == "drafts/second-name.md"
    assert by_commit[r1].status == "R" and by_commit[r1].old_path == "drafts/first-name.md"
    hist = DraftHistory(GitRepo.open(repo.path), "essays/final.md")
    assert hist.paths == ["essays/final.md", "drafts/second-name.md", "drafts/first-name.md"]
    # The text at every version is the blob at that commit and path.
    for v in vs:
        assert hist.text(v) == repo.git("show", f"{v.commit}:{v.path}")
    if edit_in_rename:
        assert "Moved out of drafts." in hist.text(vs[0])


def test_merges(repo):
    repo.commit("Start", {ESSAY: essay(1)})
    repo.git("checkout", "-q", "-b", "side")
    side = repo.commit("Side edits the end", {ESSAY: essay(1) + "\nA closing line from the side branch.\n"})
    repo.git("checkout", "-q", "main")
    main_edit = repo.commit("Main edits the start", {ESSAY: essay(1).replace("title: Essay", "title: Essay!")})
    both = merge(repo, "side", "Merge side")
    # A branch that only touches other files, merged: not a version.
    repo.git("checkout", "-q", "-b", "other")
    repo.commit("Other file", {"other.txt": "o\n"})
    repo.git("checkout", "-q", "main")
    again = repo.commit("Main again", {ESSAY: essay(2) + "\nA closing line from the side branch.\n"})
    merge(repo, "other", "Merge other")
    vs = assert_matches_git(repo, ESSAY)
    # The merge of two edits is a version (plain `git log --follow` omits it);
    # the merge of a branch that never touched the draft is not.
    assert [v.subject for v in vs] == ["Main again", "Merge side", "Main edits the start",
                                       "Side edits the end", "Start"]
    assert vs[0].commit == again and vs[1].commit == both
    assert both not in git_follow(repo, ESSAY)
    assert vs[1].parents == (main_edit, side) and vs[1].status == "M"
    hist = DraftHistory(GitRepo.open(repo.path), ESSAY)
    merged_text = hist.text(hist.find(both))
    assert "title: Essay!" in merged_text and "A closing line from the side branch." in merged_text
    # A clean working tree after merges has no "uncommitted changes" version;
    # HEAD (the merge of "other") shows the draft as of "Main again".
    assert vs[0].commit != WORKTREE and hist.find("HEAD").commit == again
    assert hist.text(hist.find("HEAD")) == (repo.path / ESSAY).read_text()


def test_branch_edits_merged_into_an_untouched_main(repo):
    repo.commit("Start", {ESSAY: essay(1)})
    repo.git("checkout", "-q", "-b", "side")
    s1 = repo.commit("Side one", {ESSAY: essay(2)})
    s2 = repo.commit("Side two", {ESSAY: essay(3)})
    repo.git("checkout", "-q", "main")
    repo.commit("Main touches another file", {"README.md": "readme\n"})
    m = merge(repo, "side", "Merge side")
    vs = assert_matches_git(repo, ESSAY)
    # The merge only brings the branch's version: exactly plain `git log --follow`.
    assert committed(vs) == git_follow(repo, ESSAY)
    assert [v.commit for v in vs[:2]] == [s2, s1]
    hist = DraftHistory(GitRepo.open(repo.path), ESSAY)
    assert hist.find(m).commit == s2


def test_merge_with_a_conflict_resolution_is_a_version(repo):
    repo.commit("Start", {ESSAY: essay(1)})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("Side", {ESSAY: essay(1).replace("Version 1.", "Version side.")})
    repo.git("checkout", "-q", "main")
    repo.commit("Main", {ESSAY: essay(1).replace("Version 1.", "Version main.")})
    code = subprocess.run(["git", "merge", "-q", "side"], cwd=repo.path, capture_output=True).returncode
    assert code != 0  # a conflict
    resolved = repo.commit("Merge side, resolved", {ESSAY: essay(1).replace("Version 1.", "Version both.")})
    vs = assert_matches_git(repo, ESSAY)
    assert [v.subject for v in vs] == ["Merge side, resolved", "Main", "Side", "Start"]
    assert vs[0].commit == resolved and len(vs[0].parents) == 2
    assert "Version both." in DraftHistory(GitRepo.open(repo.path), ESSAY).text(vs[0])


def test_merge_after_a_rename_uses_the_old_path(repo):
    repo.commit("Start", {"drafts/old.md": essay(1)})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("Side", {"drafts/old.md": essay(1).replace("Version 1.", "Version side.")})
    repo.git("checkout", "-q", "main")
    repo.commit("Main", {"drafts/old.md": essay(1) + "\nMain's ending.\n"})
    m = merge(repo, "side", "Merge")
    renamed = repo.mv("drafts/old.md", "drafts/new.md", "Rename after the merge")
    vs = assert_matches_git(repo, "drafts/new.md")
    assert [v.commit for v in vs[:2]] == [renamed, m]
    assert vs[0].old_path == "drafts/old.md"
    assert vs[1].path == "drafts/old.md" and vs[1].blob is not None


def test_merge_of_a_rename_into_an_edit_is_the_version_with_the_merged_text(repo):
    """One branch renames the draft, the other edits it; the merge has the edited text at
    the new path. `git log --follow` walks the renaming side (the edit is not on it) and
    lists the merge with an empty combined diff: its text is no listed version's, so the
    merge is the version that has it, and the newest version is HEAD's text."""
    start = repo.commit("Start", {"drafts/old.md": essay(1)})
    repo.git("checkout", "-q", "-b", "rename")
    renamed = repo.mv("drafts/old.md", "drafts/new.md", "Rename")
    repo.git("checkout", "-q", "main")
    repo.commit("Edit", {"drafts/old.md": essay(1).replace("Version 1.", "Version edited.")})
    m = merge(repo, "rename", "Merge the rename")
    vs = versions(GitRepo.open(repo.path), "drafts/new.md")
    assert [v.commit for v in vs] == [m, renamed, start]
    assert (vs[0].path, vs[0].status) == ("drafts/new.md", "M")
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/new.md")
    assert hist.text(hist.find()) == (repo.path / "drafts/new.md").read_text()
    assert "Version edited." in hist.text(vs[0]) and "Version edited." not in hist.text(vs[1])


def test_deleted_and_restored_draft(repo):
    repo.commit("Start", {ESSAY: essay(1)})
    repo.git("rm", "-q", ESSAY)
    gone = repo.commit("Delete it")
    back = repo.commit("Restore it", {ESSAY: essay(2)})
    start = repo.git("rev-list", "--max-parents=0", "HEAD").strip()
    vs = assert_matches_git(repo, ESSAY)
    assert [(v.commit, v.status) for v in vs] == [(back, "A"), (gone, "D"), (start, "A")]
    assert vs[1].blob is None and vs[1].path == ESSAY
    hist = DraftHistory(GitRepo.open(repo.path), ESSAY)
    with pytest.raises(ReviewtoolError, match="was deleted"):
        hist.text(vs[1])
    assert hist.first_parent(vs[0]) is None  # restored: the draft was not there at its parent
    assert hist.first_parent(vs[1]).commit == start  # the deletion's change is against the start


def test_separators_in_subjects_and_names_do_not_break_parsing(repo):
    c1 = repo.commit("Plain", {ESSAY: essay(1)})
    c2 = repo.commit("Odd \x1e record \x1f unit separators", {ESSAY: essay(2)},
                     author=("Name \x1f with unit", "odd@example.org"))
    c3 = repo.commit(":looks like raw output", {ESSAY: essay(3)})
    vs = assert_matches_git(repo, ESSAY)
    assert [v.commit for v in vs] == [c3, c2, c1]
    assert vs[0].subject == ":looks like raw output"
    assert "record" in vs[1].subject and vs[1].blob is not None
    assert vs[1].date.year >= 2023


def test_long_history_with_a_rename(tmp_path):
    n = 2000
    contents = [essay(i) for i in range(n)]
    repo = fast_import_history(tmp_path / "long", contents, rename_at={1200: "drafts/renamed.md"})
    vs = assert_matches_git(repo, "drafts/renamed.md")
    assert len(vs) == n
    rename = vs[n - 1 - 1200]  # newest first: commit i is vs[n - 1 - i]
    assert rename.status == "R" and rename.old_path == ESSAY and rename.subject == "Version 1201"
    assert vs[n - 1 - 1199].path == ESSAY and vs[0].path == "drafts/renamed.md"
    assert [v.subject for v in vs[:2]] == [f"Version {n}", f"Version {n - 1}"]


def test_unicode_and_special_paths(repo):
    path = "drafts/[draft] ünïcode *star* ?.md"
    repo.commit("Odd name", {path: essay(1)})
    repo.commit("Edit", {path: essay(2)})
    repo.commit("Sibling that a glob would match", {"drafts/d ünïcode x star y.md": essay(9)})
    vs = assert_matches_git(repo, path)
    assert len(vs) == 2 and all(v.path == path for v in vs)


# ---------------------------------------------------------------- working tree


def test_worktree_version_only_when_the_file_differs(repo):
    repo.commit("First", {ESSAY: essay(1)})
    head = repo.commit("Second", {ESSAY: essay(2)})
    git_repo = GitRepo.open(repo.path)
    assert versions(git_repo, ESSAY)[0].commit == head
    # Touching the file (same content) is not a change.
    (repo.path / ESSAY).touch()
    assert versions(git_repo, ESSAY)[0].commit == head
    repo.write(ESSAY, essay(3))
    vs = versions(git_repo, ESSAY)
    wt = vs[0]
    assert wt.commit == WORKTREE and wt.is_worktree and wt.status == "W" and wt.short == "worktree"
    assert wt.parents == (head,) and wt.path == ESSAY
    assert wt.blob == repo.git("hash-object", ESSAY).strip()
    assert committed(vs) == git_follow(repo, ESSAY)
    hist = DraftHistory(git_repo, ESSAY)
    assert hist.text(hist.find("worktree")) == essay(3)
    assert hist.first_parent(wt).commit == head
    assert wt.to_dict()["commit"] is None and wt.to_dict()["worktree"] is True
    # Without the working tree, or when the file is gone, there is no pseudo-version.
    assert versions(git_repo, ESSAY, include_worktree=False)[0].commit == head
    (repo.path / ESSAY).unlink()
    assert versions(git_repo, ESSAY)[0].commit == head


def test_work_given_for_meanwhile_runs_while_git_walks_and_changes_nothing(repo, monkeypatch):
    repo.commit("First", {ESSAY: essay(1)})
    repo.commit("Second", {ESSAY: essay(2)})
    repo.write(ESSAY, essay(3))
    git_repo = GitRepo.open(repo.path)
    plain = versions(git_repo, ESSAY)
    events: list[str] = []
    real_wait = RunningGit.wait

    def wait(self):
        events.append("git read")
        return real_wait(self)

    monkeypatch.setattr(RunningGit, "wait", wait)
    assert versions(git_repo, ESSAY, meanwhile=[lambda: events.append("meanwhile")]) == plain
    assert events[0] == "meanwhile" and events.count("meanwhile") == 1  # before git's output was read
    assert plain[0].is_worktree and len(plain) == 3
    # A history with a merge that took one side's text: the next tasks run while git looks
    # up the merges' texts, after the walk's output was read.
    repo.git("checkout", "--", ESSAY)
    repo.git("checkout", "-q", "-b", "side", "HEAD~1")
    repo.commit("Side", {"notes.txt": "side\n"})
    repo.git("checkout", "-q", "main")
    merge(repo, "side", "Merge side")
    plain = versions(git_repo, ESSAY)
    events.clear()
    tasks = [lambda: events.append("first"), lambda: events.append("second"), lambda: events.append("third")]
    assert versions(git_repo, ESSAY, meanwhile=tasks) == plain
    # The walk read after the first task; the others before the merges' lookup is read.
    assert events[0] == "first" and events[1] == "git read"
    second = events.index("second")
    assert events[second : second + 3] == ["second", "third", "git read"] and events.count("first") == 1


def test_a_cold_cache_loads_the_parser_while_git_walks_and_a_warm_one_does_not(repo):
    repo.commit("First", {ESSAY: essay(1)})
    repo.commit("Second", {ESSAY: essay(2)})
    git_repo = GitRepo.open(repo.path)
    markdown.cache_clear()
    assert len(DraftHistory(git_repo, ESSAY).versions) == 2
    assert markdown.cache_info().currsize == 0  # the caller did not say it reads documents
    history = DraftHistory(git_repo, ESSAY, reads_documents=True)
    assert len(history.versions) == 2
    assert markdown.cache_info().currsize == 1  # every version will be parsed: loaded early
    for version in history.versions:
        history.document(version)
    flush_all()
    forget_all()  # as a new process
    markdown.cache_clear()
    warm = DraftHistory(git_repo, ESSAY, reads_documents=True)
    assert len(warm.versions) == 2 and markdown.cache_info().currsize == 0  # the cache has them parsed
    assert [warm.stats(v) for v in warm.versions] == [history.stats(v) for v in history.versions]
    markdown.cache_clear()
    assert len(DraftHistory(git_repo, ESSAY, use_cache=False, reads_documents=True).versions) == 2
    assert markdown.cache_info().currsize == 1  # no cache: every version is parsed


def _merges_renames_and_restores(repo, unrelated_after_merge: bool = False) -> None:
    """A draft's history with renames, a merge that resolved a conflict, one that took a side,
    commits that did not touch the draft, a deletion and a restore."""
    repo.commit("Start", {"drafts/old.md": essay(1)})
    repo.commit("Unrelated", {"notes.txt": "x\n"})
    repo.commit("Edit", {"drafts/old.md": essay(2)})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("Side", {"drafts/old.md": essay(2).replace("Version 2.", "Version side.")})
    repo.git("checkout", "-q", "main")
    repo.commit("Main", {"drafts/old.md": essay(2).replace("Version 2.", "Version main.")})
    code = subprocess.run(["git", "merge", "-q", "side"], cwd=repo.path, capture_output=True).returncode
    assert code != 0  # a conflict, resolved by hand: a combined entry
    repo.commit("Merge side, resolved", {"drafts/old.md": essay(2).replace("Version 2.", "Version both.")})
    repo.git("checkout", "-q", "-b", "other")
    repo.commit("Other", {"drafts/old.md": essay(3)})
    repo.git("checkout", "-q", "main")
    repo.commit("Elsewhere", {"notes.txt": "y\n"})
    merge(repo, "other", "Merge other")  # takes the other side's text
    if unrelated_after_merge:
        repo.commit("More elsewhere", {"notes.txt": "z\n"})
    repo.mv("drafts/old.md", "drafts/new.md", "Rename")
    repo.commit("Edit after the rename", {"drafts/new.md": essay(4)})
    repo.git("rm", "-q", "drafts/new.md")
    repo.commit("Delete")
    repo.commit("Restore", {"drafts/new.md": essay(5)})


def test_parents_named_by_the_log_are_the_ones_git_resolves(repo, monkeypatch):
    """Each version's draft at its first parent comes from the log's own entry (its old side)
    where the entry names it: renames, a merge that resolved a conflict, a merge that took one
    side, a deletion, a restore, a commit that did not touch the draft between two that did.
    It is the very answer of a batch-check of ``PARENT:PATH``, which is asked for none of them."""
    _merges_renames_and_restores(repo)
    git_repo = GitRepo.open(repo.path)

    asked: list[str] = []
    real_blob_ids = GitRepo.blob_ids

    def blob_ids(self, specs):
        asked.extend(specs)
        return real_blob_ids(self, specs)

    for draft in ("drafts/new.md", "drafts/old.md"):
        resolved = DraftHistory(git_repo, draft, include_worktree=False)
        # Resolved by batch-check only: the log's answers forgotten.
        resolved.versions  # noqa: B018 - the walk fills what the log says
        resolved._at_first_parent.clear()
        expected = [resolved.first_parent(v) for v in resolved.versions]
        monkeypatch.setattr(GitRepo, "blob_ids", blob_ids)
        history = DraftHistory(git_repo, draft, include_worktree=False)
        history.versions  # noqa: B018 - (its own batch-check, for the merges, is not counted)
        asked.clear()
        got = [history.first_parent(v) for v in history.versions]
        monkeypatch.setattr(GitRepo, "blob_ids", real_blob_ids)
        assert got == expected
        logged = {v.commit for v in history.versions if v.commit in history._at_first_parent}
        assert not [spec for spec in asked if spec.split(":")[0] in
                    {v.parents[0] for v in history.versions if v.commit in logged}]
        if draft == "drafts/new.md":
            assert len(history.versions) >= 8 and len(logged) >= 6
            assert any(len(v.parents) == 2 and v.commit in logged for v in history.versions)  # the combined entry
            assert [p.blob if p else None for p in got].count(None) >= 2  # the start and the restore


def test_parents_named_by_the_log_match_on_the_rfc_corpus(tmp_path):
    """The same on a real history with hundreds of merges and a renamed essay."""
    corpus = GitRepo.open(clone_corpus(tmp_path / "rfcs"))
    for draft in ("README.md", "text/3537-msrv-resolver.md", "text/2803-target-tier-policy.md"):
        history = DraftHistory(corpus, draft, include_worktree=False, use_cache=False)
        got = [history.first_parent(v) for v in history.versions]
        assert len(history._at_first_parent) > 0.9 * len(history.versions)
        resolved = DraftHistory(corpus, draft, include_worktree=False, use_cache=False)
        resolved.versions  # noqa: B018 - the walk fills what the log says
        resolved._at_first_parent.clear()
        assert got == [resolved.first_parent(v) for v in resolved.versions]


def _parents_both_ways(git_repo: GitRepo, draft: str, monkeypatch) -> list[str]:
    """Every version's parents with the metadata of the parents that are no version asked
    of git ahead (``reads_changes``, what ``log`` sets) equal those asked when needed; the
    ones asked ahead are not asked again."""
    from reviewtool.draft import history as history_module

    plain = DraftHistory(git_repo, draft, use_cache=False)
    expected = [plain.first_parent(v) for v in plain.versions]
    expected_second = [plain.parent(v, 2) for v in plain.versions]
    ahead_asked: list[str] = []
    asked_later: list[str] = []
    real_start, real = history_module._start_commit_metadata, history_module._commit_metadata

    def start_commit_metadata(repo, commits):
        ahead_asked.extend(commits)
        return real_start(repo, commits)

    def commit_metadata(repo, commits):
        asked_later.extend(commits)
        return real(repo, commits)

    monkeypatch.setattr(history_module, "_start_commit_metadata", start_commit_metadata)
    monkeypatch.setattr(history_module, "_commit_metadata", commit_metadata)
    ahead = DraftHistory(git_repo, draft, use_cache=False, reads_changes=True)
    got = [ahead.first_parent(v) for v in ahead.versions]
    assert ahead._parents_asked is None  # waited for, not left running
    assert not set(asked_later) & set(ahead_asked)  # none asked twice
    first_asked_later = asked_later.copy()
    got_second = [ahead.parent(v, 2) for v in ahead.versions]
    monkeypatch.undo()
    assert got == expected and got_second == expected_second
    unlisted = {p.commit for p in got if p is not None and p.status == "P"}
    assert unlisted  # (each history has parents that are no version)
    assert len(unlisted - set(first_asked_later)) >= 0.6 * len(unlisted)  # most were asked ahead
    return first_asked_later


def test_parents_asked_ahead_are_those_asked_when_needed(repo, monkeypatch):
    """Merges that took a side (left out), one that resolved a conflict (a version), commits
    that did not touch the draft, a rename, a deletion and a restore."""
    _merges_renames_and_restores(repo, unrelated_after_merge=True)
    repo.commit("Last", {"notes.txt": "w\n"})
    # A working-tree version: its parent is HEAD, no version, asked when needed.
    (repo.path / "drafts/new.md").write_text(essay(6))
    git_repo = GitRepo.open(repo.path)
    head = git_repo.resolve_commit("HEAD")
    assert head in _parents_both_ways(git_repo, "drafts/new.md", monkeypatch)  # the working tree's parent
    _parents_both_ways(git_repo, "drafts/old.md", monkeypatch)


def test_parents_asked_ahead_match_on_the_rfc_corpus(tmp_path, monkeypatch):
    """The same on a real history with hundreds of merges (most of them left out)."""
    corpus = GitRepo.open(clone_corpus(tmp_path / "rfcs"))
    for draft in ("README.md", "text/3537-msrv-resolver.md", "text/2803-target-tier-policy.md"):
        assert not _parents_both_ways(corpus, draft, monkeypatch)  # every one asked ahead


# ---------------------------------------------------------------- find


@pytest.fixture
def five(repo):
    """Five versions of the draft and one commit that does not touch it."""
    shas = [repo.commit(f"v{i}", {ESSAY: essay(i)}) for i in range(1, 4)]
    shas.append(repo.commit("unrelated", {"other.txt": "x\n"}))
    shas += [repo.commit(f"v{i}", {ESSAY: essay(i)}) for i in range(4, 6)]
    return repo, shas


def test_find(five):
    repo, shas = five
    hist = DraftHistory(GitRepo.open(repo.path), ESSAY)
    _v1, _v2, v3, unrelated, v4, v5 = shas
    assert hist.find(v3).commit == v3
    assert hist.find(v3[:7]).commit == v3
    assert hist.find("HEAD").commit == v5
    assert hist.find("HEAD~2").commit == v3  # HEAD~2 is the unrelated commit: the version before it
    assert hist.find(unrelated).commit == v3
    assert hist.find("main~1").commit == v4
    assert hist.find("~1").commit == v4 and hist.find("~0").commit == v5
    assert hist.find("worktree").commit == v5  # clean: the newest version
    repo.write(ESSAY, essay(99))
    hist = DraftHistory(GitRepo.open(repo.path), ESSAY)
    assert hist.find("worktree").commit == WORKTREE
    assert hist.find("WORKTREE").commit == WORKTREE
    assert hist.find("HEAD").commit == v5


def test_find_errors(five):
    repo, _shas = five
    hist = DraftHistory(GitRepo.open(repo.path), ESSAY)
    with pytest.raises(UsageError, match="cannot start with '-'"):
        hist.find("-x")
    with pytest.raises(UsageError):
        hist.find("--output=/tmp/x")
    with pytest.raises(ReviewtoolError, match="unknown revision: nosuchrev"):
        hist.find("nosuchrev")
    with pytest.raises(ReviewtoolError, match="has only 5 versions"):
        hist.find("~5")


def test_revisions_resolved_ahead_are_found_as_without(five):
    """find_soon starts git on the revisions find resolves with git, all at once, while the
    history is walked: every revision (a sha, a short one, HEAD~N, a branch, :/text, ~N, the
    working tree, one that does not exist, one twice) is found as plain find finds it, with
    the same errors; an answer nothing took is waited for when the repository is closed."""
    repo, shas = five
    revs = [shas[2], shas[2][:7], "HEAD", "HEAD~2", shas[3], "main~1", ":/v2", "~1", "worktree", "nosuchrev",
            "HEAD", "-x", "/"]
    plain = DraftHistory(GitRepo.open(repo.path), ESSAY)

    def found(hist, rev):
        try:
            return hist.find(rev).commit
        except ReviewtoolError as exc:  # (UsageError is one)
            return f"{type(exc).__name__}: {exc}"

    expected = [found(plain, rev) for rev in revs]
    git_repo = GitRepo.open(repo.path)
    hist = DraftHistory(git_repo, ESSAY)
    hist.find_soon(*revs, None)
    assert set(git_repo._resolving) == {shas[2], shas[2][:7], "HEAD", "HEAD~2", shas[3], "main~1", "nosuchrev", "/"}
    assert [found(hist, rev) for rev in revs] == expected
    assert expected[:7] == [shas[2], shas[2], shas[5], shas[2], shas[2], shas[4], shas[1]]
    assert "unknown revision: nosuchrev" in expected[9] and "cannot start with '-'" in expected[11]
    assert set(git_repo._resolving) == {"/"}  # each answer taken once ("/" is a path: never resolved)
    hist.find_soon("HEAD~1")
    running = list(git_repo._resolving.values())
    git_repo.close()
    assert not git_repo._resolving and all(r._done is not None for r in running)


def test_documents_read_in_one_request_are_the_documents_read_one_by_one(five, monkeypatch):
    """DraftHistory.documents streams the blobs of the versions not in memory in one request
    of the persistent cat-file, which is left free for the next (not restarted): the same
    documents as document() of each, in order, with the same version twice, one in memory,
    the working tree, and with and without the cache."""
    repo, shas = five
    repo.write(ESSAY, essay(99))
    revs = (shas[0], shas[1], shas[2], shas[4], shas[5], "worktree")
    asked = ((0, 1), (2, 2), (0, 5, 3), (1, 4, 0), (5,), (4, 3, 2, 1, 0))
    streams: list[list[str]] = []
    real_stream = ObjectReader.stream

    def stream(self, specs, meanwhile=None):
        streams.append(list(specs))
        return real_stream(self, specs, meanwhile)

    for use_cache in (False, True, True):
        plain = DraftHistory(GitRepo.open(repo.path), ESSAY, use_cache=use_cache)
        expected = [plain.document(plain.find(rev)) for rev in revs]
        git_repo = GitRepo.open(repo.path)
        monkeypatch.setattr(ObjectReader, "stream", stream)
        streams.clear()
        for numbers in asked:
            hist = DraftHistory(git_repo, ESSAY, use_cache=use_cache)
            versions_asked = [hist.find(revs[n]) for n in numbers]
            if numbers == (0, 5, 3):
                hist.document(versions_asked[0])  # one in memory
            before = len(streams)
            ran: list[int] = []
            docs = hist.documents(*versions_asked, meanwhile=lambda: ran.append(1))  # noqa: B023
            assert ran == [1]  # the caller's work, done once whether git is asked or not
            assert [(d.text, [vars(s) for s in d.sections], d.problems) for d in docs] == \
                [(d.text, [vars(s) for s in d.sections], d.problems) for d in (expected[n] for n in numbers)]
            assert git_repo.objects.started == 1  # the same cat-file
            assert not {blob for specs in streams[before:] for blob in specs} & hist._blobs.keys()  # all taken
        assert len(streams) == 3  # (0, 1), (1, 4, 0) and all five: the others ask for one blob at most
        monkeypatch.undo()
        git_repo.close()
        flush_all()
        forget_all()


def test_find_a_commit_before_the_draft_existed(repo):
    before = repo.commit("Before", {"README.md": "hello\n"})
    repo.commit("Draft", {ESSAY: essay(1)})
    hist = DraftHistory(GitRepo.open(repo.path), ESSAY)
    with pytest.raises(ReviewtoolError, match="does not exist at"):
        hist.find(before)


def test_find_does_not_confuse_an_unrelated_file_with_an_old_name(repo):
    """After a rename, a new, unrelated file takes the old name; a commit that
    touches only that file is not a version of the draft."""
    repo.commit("Start", {"drafts/a.md": essay(1)})
    renamed = repo.mv("drafts/a.md", "drafts/b.md")
    unrelated = repo.commit("New file with the old name", {"drafts/a.md": "# Something else entirely\n"})
    hist = DraftHistory(GitRepo.open(repo.path), "drafts/b.md")
    assert hist.find(unrelated).commit == renamed


# ---------------------------------------------------------------- resolve_draft


def test_resolve_draft(repo):
    with pytest.raises(ReviewtoolError, match="no commits yet"):
        resolve_draft(GitRepo.open(repo.path))
    repo.commit("Readme", {"README.md": "# Readme\n"})
    git_repo = GitRepo.open(repo.path)
    with pytest.raises(ReviewtoolError, match="no drafts"):
        resolve_draft(git_repo)
    assert resolve_draft(git_repo, "README.md") == "README.md"
    repo.commit("One draft", {ESSAY: essay(1)})
    assert resolve_draft(git_repo) == ESSAY
    assert resolve_draft(git_repo, ESSAY) == ESSAY
    # Relative to the current directory when one is given.
    assert resolve_draft(git_repo, "essay.md", cwd=repo.path / "drafts") == ESSAY
    assert resolve_draft(git_repo, str(repo.path / ESSAY)) == ESSAY
    repo.commit("Second draft", {"drafts/b.markdown": essay(2), "drafts/notes.txt": "not markdown\n"})
    with pytest.raises(UsageError) as err:
        resolve_draft(git_repo)
    assert str(err.value) == ("2 drafts under drafts/; pick one with -d (or git config reviewtool.draft PATH): "
                              "drafts/b.markdown, drafts/essay.md")
    assert find_drafts(git_repo) == ["drafts/b.markdown", ESSAY]


def test_resolve_draft_refusals(repo):
    repo.commit("Draft", {ESSAY: essay(1)})
    git_repo = GitRepo.open(repo.path)
    repo.write("drafts/untracked.md", "# New\n")
    with pytest.raises(ReviewtoolError, match=r"not tracked by git: drafts/untracked.md"):
        resolve_draft(git_repo, "drafts/untracked.md")
    with pytest.raises(ReviewtoolError, match=r"no such draft at HEAD: drafts/missing.md"):
        resolve_draft(git_repo, "drafts/missing.md")
    repo.write("drafts/staged.md", "# Staged\n")
    repo.git("add", "drafts/staged.md")
    with pytest.raises(ReviewtoolError, match="not committed yet: drafts/staged.md"):
        resolve_draft(git_repo, "drafts/staged.md")
    # A staged-only file is not a draft yet: the committed one is still the only one.
    assert resolve_draft(git_repo) == ESSAY
    with pytest.raises(ReviewtoolError, match="is a directory"):
        resolve_draft(git_repo, "drafts")
    with pytest.raises(ReviewtoolError, match="no such draft"):
        resolve_draft(git_repo, "drafts/*.md")  # a path, never a glob
    with pytest.raises(ReviewtoolError, match="outside the repository"):
        resolve_draft(git_repo, "../elsewhere.md")
    with pytest.raises(UsageError, match="cannot start with '-'"):
        resolve_draft(git_repo, "--output=x")


def test_bare_repository(repo, tmp_path):
    repo.commit("Draft", {ESSAY: essay(1)})
    repo.commit("Edit", {ESSAY: essay(2)})
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(bare)], check=True)
    git_repo = GitRepo.open(bare)
    assert git_repo.bare
    assert find_drafts(git_repo) == [ESSAY]
    assert resolve_draft(git_repo) == ESSAY
    hist = DraftHistory(git_repo, ESSAY)
    assert committed(hist.versions) == git_follow(repo, ESSAY)
    assert hist.text(hist.versions[0]) == essay(2)


def test_open_refuses_non_repositories(tmp_path, repo):
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(ReviewtoolError, match="not a git repository"):
        GitRepo.open(plain)
    with pytest.raises(ReviewtoolError, match="no such directory"):
        GitRepo.open(tmp_path / "missing")
    with pytest.raises(ReviewtoolError, match="inside the .git directory"):
        GitRepo.open(repo.path / ".git")
    assert GitRepo.open(repo.path / ".git" / "..").root == repo.path.resolve()


# ---------------------------------------------------------------- bulk reads


class ProcessCounter:
    """Counts every process started (subprocess.run and the object reader both go through Popen)."""

    def __init__(self, monkeypatch) -> None:
        self.commands: list[list[str]] = []
        real_init = subprocess.Popen.__init__
        counter = self

        def counting_init(self, args, *a, **kw):
            counter.commands.append(list(args) if not isinstance(args, (str, bytes)) else [str(args)])
            return real_init(self, args, *a, **kw)

        monkeypatch.setattr(subprocess.Popen, "__init__", counting_init)

    def __len__(self) -> int:
        return len(self.commands)


@pytest.fixture(scope="module")
def long_repos(tmp_path_factory):
    base = tmp_path_factory.mktemp("bulk")
    small = fast_import_history(base / "small", [essay(i) for i in range(50)], rename_at={20: "drafts/r.md"})
    large = fast_import_history(base / "large", [essay(i) for i in range(500)], rename_at={200: "drafts/r.md"})
    return small, large


def test_versions_runs_a_constant_number_of_git_processes(long_repos, monkeypatch):
    small, large = long_repos
    counts = []
    for r in (small, large):
        git_repo = GitRepo.open(r.path)
        counter = ProcessCounter(monkeypatch)
        vs = versions(git_repo, "drafts/r.md")
        counts.append(len(counter))
        monkeypatch.undo()
        assert len(committed(vs)) in (50, 500)
    assert counts[0] == counts[1] <= 3, counts  # git log (+ hash-object for the working tree)


def test_reading_every_version_starts_at_most_a_couple_of_processes(long_repos, monkeypatch):
    _, large = long_repos
    hist = DraftHistory(GitRepo.open(large.path), "drafts/r.md")
    vs = hist.versions
    counter = ProcessCounter(monkeypatch)
    docs = [hist.document(v) for v in vs]
    assert len(counter) <= 2, counter.commands  # the persistent cat-file
    assert len(docs) == 500
    assert [d.sections[1].key for d in docs[:1]] == ["essay"]
    assert "Version 499." in docs[0].text and "Version 0." in docs[-1].text
    assert all(d.path for d in docs)
