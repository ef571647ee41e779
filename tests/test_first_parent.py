"""Every version's change is its change against its first parent, as git sees it.

Ground truth: a generated history with branches, merges (clean, evil, taking one
side), a rename and markup-only commits, built with ``git fast-import``. For every
version, the change that reviewtool reports (the core, ``log --json``, the TUI's
row statistics, ``history --section``) must equal the change computed from the
draft's text at the version and at its first parent, both read back from git
(``git rev-parse V^1``, ``git show V^1:PATH``) rather than from reviewtool.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field, replace

import pytest

from reviewtool.cli.commands import run
from reviewtool.diff.section_diff import diff_documents
from reviewtool.diff.section_history import section_history
from reviewtool.diff.version_change import change_counts, version_change
from reviewtool.draft.document import parse
from reviewtool.draft.history import PARENT, DraftHistory
from reviewtool.git.repo import GitRepo
from tests.gitutil import Commit, fast_import_graph, git, make_repo

OLD_PATH = "drafts/essay.md"
NEW_PATH = "drafts/moved-essay.md"

WORDS = ["river", "bridge", "lantern", "orchard", "meadow", "copper", "harbour", "signal", "winter", "market",
         "quiet", "engine", "garden", "ladder", "violet", "thunder", "pencil", "canyon", "saddle", "ember"]


@dataclass
class Part:
    """One section of the generated essay."""

    title: str
    words: list[str]
    link: str
    emphasis: int = -1  # index of the emphasised word, -1: none
    bullets: list[str] = field(default_factory=list)
    marker: str = "-"
    wrap: int = 12  # words per line


@dataclass
class Essay:
    parts: list[Part]
    level: int = 1  # the title's heading level; sections are one deeper

    def render(self) -> str:
        out = [f"{'#' * self.level} The generated essay\n\nAn introduction that stays.\n"]
        for p in self.parts:
            words = [f"*{w}*" if i == p.emphasis else w for i, w in enumerate(p.words)]
            lines = [" ".join(words[i:i + p.wrap]) for i in range(0, len(words), p.wrap)]
            body = "\n".join(lines) + f" See [the notes]({p.link}).\n"
            items = "".join(f"{p.marker} {b}\n" for b in p.bullets)
            out.append(f"\n{'#' * (self.level + 1)} {p.title}\n\n{body}" + (f"\n{items}" if items else ""))
        return "".join(out)


def _copy(essay: Essay) -> Essay:
    return Essay([replace(p, words=list(p.words), bullets=list(p.bullets)) for p in essay.parts], essay.level)


def _mutate(essay: Essay, rng: random.Random, owned: list[int], kind: str) -> Essay:
    """One edit of the parts in *owned* (by index): words, link, emphasis, markers, reflow."""
    e = _copy(essay)
    p = e.parts[rng.choice(owned)]
    if kind == "marker" and not p.bullets:
        kind = "words"  # a part without a list: no marker to change
    if kind == "words":
        i = rng.randrange(len(p.words))
        p.words[i: i + rng.randint(0, 2)] = rng.sample(WORDS, rng.randint(1, 3))
    elif kind == "link":
        p.link = f"https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 99)}"
    elif kind == "emphasis":
        p.emphasis = rng.randrange(len(p.words)) if p.emphasis < 0 else -1
    elif kind == "marker":
        p.marker = "*" if p.marker == "-" else "-"
    elif kind == "reflow":
        p.wrap = 7 if p.wrap == 12 else 12
    return e


def _merge(ours: Essay, theirs: Essay, taken: list[int]) -> Essay:
    """Our essay with the parts the branch owns taken from theirs (a clean merge)."""
    e = _copy(ours)
    for i in taken:
        e.parts[i] = replace(theirs.parts[i], words=list(theirs.parts[i].words),
                             bullets=list(theirs.parts[i].bullets))
    return e


KINDS = ("words", "words", "words", "link", "emphasis", "marker", "reflow")


def build_history(tmp_path, seed: int = 11):
    """Main with six branches merged back (clean, evil, fast-forward-like), a rename on main,
    a commit that moves every heading one level down, markup-only commits."""
    rng = random.Random(seed)
    parts = [Part(f"Part {n}", rng.sample(WORDS, 14), f"https://example.org/{n}",
                  bullets=[f"point {n}.{k}" for k in range(1, 3)] if n % 2 else []) for n in range(6)]
    commits: list[Commit] = []
    state: dict[str, Essay] = {}
    path: dict[str, str] = {}

    def add(name: str, parents: list[str], essay: Essay, branch: str, where: str, message: str = "") -> None:
        files: dict[str, str | None] = {where: essay.render()}
        if parents and path[parents[0]] != where:
            files = {path[parents[0]]: None, **files}
        commits.append(Commit(name, parents, files, branch=branch, message=message or name,
                              author=rng.choice([("Ada Author", "ada@example.org"), ("Ben", "ben@example.org")])))
        state[name], path[name] = essay, where

    add("root", [], Essay(parts), "main", OLD_PATH)
    tip = "root"
    for b in range(6):
        fork = tip
        owned = [b % 6, (b + 3) % 6]
        branch_tip = fork
        for k in range(rng.randint(1, 3)):
            name = f"b{b}.{k}"
            add(name, [branch_tip], _mutate(state[branch_tip], rng, owned, rng.choice(KINDS)), f"side{b}",
                path[fork])
            branch_tip = name
        if b != 2:  # main moves on meanwhile (its own parts); b2's merge then takes the branch's text
            mains = [i for i in range(6) if i not in owned]
            for k in range(rng.randint(1, 2)):
                name = f"m{b}.{k}"
                add(name, [tip], _mutate(state[tip], rng, mains, rng.choice(KINDS)), "main", path[tip])
                tip = name
        merged = _merge(state[tip], state[branch_tip], owned)
        if b == 4:  # an evil merge: one more edit made in the merge itself
            merged = _mutate(merged, rng, [1], "words")
        add(f"merge{b}", [tip, branch_tip], merged, "main", path[tip], f"Merge side{b}")
        tip = f"merge{b}"
        if b == 1:
            add("rename", [tip], state[tip], "main", NEW_PATH, "Move the essay")
            tip = "rename"
        if b == 3:
            deeper = _copy(state[tip])
            deeper.level = 2
            add("levels", [tip], deeper, "main", path[tip], "Increase heading level of all headings")
            tip = "levels"
    repo, ids = fast_import_graph(tmp_path / "graph", commits)
    return repo, ids


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("first-parent"))


def _git_text(repo, rev: str, path: str) -> str | None:
    """The file *path* at *rev* as git shows it, or None when it is not there."""
    there = git(repo.path, "ls-tree", "--name-only", rev, "--", path).strip() == path
    return git(repo.path, "show", f"{rev}:{path}") if there else None


def _ground_truth(repo, commit: str, path: str, old_path: str | None):
    """(first parent id, counts) from git's own view of the commit, or None for a root."""
    parents = git(repo.path, "rev-list", "--parents", "-n", "1", commit).split()[1:]
    if not parents:
        return None
    first = parents[0]
    before = _git_text(repo, first, old_path or path) or _git_text(repo, first, OLD_PATH)
    if before is None:
        return None
    after = git(repo.path, "show", f"{commit}:{path}")
    return first, change_counts(parse(before), parse(after)), before, after


def test_the_generated_history_has_branches_merges_and_a_rename(graph):
    repo, _ = graph
    hist = DraftHistory(GitRepo.open(repo.path), NEW_PATH)
    vs = hist.versions
    merges = [v for v in vs if v.is_merge]
    assert len(vs) > 20 and merges, "listed merges: the evil one and those that took both sides"
    assert any(v.status == "R" for v in vs)
    # The row below a version is often not its first parent: the bug this is about.
    assert sum(1 for i, v in enumerate(vs[:-1]) if v.parents and vs[i + 1].commit != v.parents[0]) >= 5


def test_every_version_is_compared_with_its_first_parent(graph):
    repo, _ = graph
    hist = DraftHistory(GitRepo.open(repo.path), NEW_PATH)
    unlisted = 0
    for v in hist.versions:
        truth = _ground_truth(repo, v.commit, v.path, v.old_path)
        change = version_change(hist, v)
        if truth is None:
            assert change is None, v.subject
            continue
        first, counts, before, after = truth
        assert change is not None, v.subject
        assert change.base.commit == first, v.subject
        assert hist.text(change.base) == before
        assert change.counts == counts, v.subject
        # A version that changed the text never reads as no change (markup-only ones included).
        assert change.counts.is_empty == (before == after), v.subject
        assert before != after or v.status == "R"  # only the rename kept the text
        unlisted += change.base.status == PARENT
    assert unlisted >= 2  # bases that are merges, not listed versions: named by their own commit


def test_log_json_reports_the_first_parent_change(graph, capsys):
    repo, _ = graph
    assert run(["-C", str(repo.path), "log", "--json", "-d", NEW_PATH]) == 0
    data = json.loads(capsys.readouterr().out)
    for entry in data["versions"]:
        truth = _ground_truth(repo, entry["commit"], entry["path"], entry["old_path"])
        if truth is None:
            assert entry["change"] is None
            continue
        first, counts, _, _ = truth
        assert entry["change"] == {"base": first, **counts.to_dict()}, entry["subject"]
        assert entry["merge"] == (len(entry["parents"]) > 1)
    # The names are those of diff --json's summary.
    assert run(["-C", str(repo.path), "diff", "--json", "-d", NEW_PATH]) == 0
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert set(data["versions"][0]["change"]) - {"base"} <= set(summary)


def test_markup_only_commit_reads_as_a_markup_change(graph, capsys):
    repo, ids = graph
    hist = DraftHistory(GitRepo.open(repo.path), NEW_PATH)
    levels = next(v for v in hist.versions if v.commit == ids["levels"])
    change = version_change(hist, levels)
    assert change is not None and change.base.commit == ids["merge3"]
    assert (change.counts.words_added, change.counts.words_removed) == (0, 0)
    assert change.counts.sections_changed == change.counts.markup_changed == 7  # the title and six parts
    assert run(["-C", str(repo.path), "log", "-d", NEW_PATH]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(ids["levels"][:8]))
    assert row.endswith("markup in 7 sections")
    assert run(["-C", str(repo.path), "diff", "-d", NEW_PATH, f"{ids['levels']}^!"]) == 0
    out = capsys.readouterr().out
    assert "7 sections changed (7 with markup changes)" in out
    assert "heading level 1→2" in out and "heading level 2→3" in out


def test_diff_without_revisions_is_the_newest_against_its_first_parent(graph, capsys):
    repo, ids = graph
    hist = DraftHistory(GitRepo.open(repo.path), NEW_PATH)
    newest = hist.versions[0]
    assert run(["-C", str(repo.path), "diff", "--json", "-d", NEW_PATH]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["new"]["commit"] == newest.commit and data["old"]["commit"] == newest.parents[0]
    # diff X keeps comparing X with the newest version.
    assert run(["-C", str(repo.path), "diff", "--json", "-d", NEW_PATH, ids["root"]]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["old"]["commit"], data["new"]["commit"]) == (ids["root"], newest.commit)
    # The other side of a merge, on request: M^2 M.
    merge = ids["merge4"]
    assert run(["-C", str(repo.path), "diff", "--json", "-d", NEW_PATH, f"{merge}^2", merge]) == 0
    data = json.loads(capsys.readouterr().out)
    truth = change_counts(parse(git(repo.path, "show", f"{merge}^2:{NEW_PATH}")),
                          parse(git(repo.path, "show", f"{merge}:{NEW_PATH}")))
    assert {k: data["summary"][k] for k in truth.to_dict()} == truth.to_dict()


def test_tui_rows_show_the_first_parent_change(graph):
    from reviewtool.tui.view_models import row_stats

    repo, _ = graph
    hist = DraftHistory(GitRepo.open(repo.path), NEW_PATH)
    for v in hist.versions:
        truth = _ground_truth(repo, v.commit, v.path, v.old_path)
        stats = row_stats(hist, v)
        if truth is None:
            assert (stats.added, stats.removed) == (stats.words, 0)  # a root adds everything
            continue
        counts = truth[1]
        assert (stats.added, stats.removed, stats.sections_changed, stats.markup_changed) == (
            counts.words_added, counts.words_removed, counts.sections_changed, counts.markup_changed)


@pytest.mark.parametrize("key", ["the-generated-essay/part-0", "the-generated-essay/part-4"])
def test_section_history_lists_exactly_the_versions_that_changed_the_section(graph, key):
    repo, ids = graph
    hist = DraftHistory(GitRepo.open(repo.path), NEW_PATH)
    expected = []
    for v in hist.versions:
        truth = _ground_truth(repo, v.commit, v.path, v.old_path)
        if truth is None:
            expected.append(v.commit)  # the root adds every section
            continue
        _, _, before, after = truth
        diff = diff_documents(parse(before), parse(after))
        if any(key in c.pair.new_keys for c in diff.changes):
            expected.append(v.commit)
    entries = section_history(hist, key)
    assert [e.version.commit for e in entries] == expected
    assert entries[-1].created and entries[-1].version.commit == ids["root"]


def test_first_parent_line_and_hidden_merges(graph, capsys):
    repo, ids = graph
    assert run(["-C", str(repo.path), "log", "--json", "--first-parent", "-d", NEW_PATH]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = git(repo.path, "log", "--first-parent", "--format=%H", "--follow", "--", NEW_PATH).split()
    assert [v["commit"] for v in data["versions"]] == expected
    assert all(v["commit"] in ids.values() for v in data["versions"])
    # Every merge on the first-parent line is a version: its change is what the branch brought.
    for v in data["versions"]:
        if v["merge"]:
            truth = _ground_truth(repo, v["commit"], v["path"], v["old_path"])
            assert v["change"] == {"base": truth[0], **truth[1].to_dict()}
    assert sum(v["merge"] for v in data["versions"]) >= 5
    assert run(["-C", str(repo.path), "log", "--json", "--no-merges", "-d", NEW_PATH]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["versions"] and not any(v["merge"] for v in data["versions"])
    assert run(["-C", str(repo.path), "log", "-d", NEW_PATH]) == 0
    out = capsys.readouterr().out
    assert "[merge] Merge side4" in out


def test_worktree_version_is_compared_with_head(tmp_path):
    repo = make_repo(tmp_path / "wt")
    repo.commit("One", {OLD_PATH: "# T\n\nOne two three.\n"})
    head = repo.commit("Two", {OLD_PATH: "# T\n\nOne two three four.\n"})
    repo.write(OLD_PATH, "# T\n\nOne two three four five.\n")
    hist = DraftHistory(GitRepo.open(repo.path), OLD_PATH)
    change = version_change(hist, hist.versions[0])
    assert hist.versions[0].is_worktree and change is not None
    assert change.base.commit == head and (change.counts.words_added, change.counts.words_removed) == (1, 0)
