"""First-parent changes on a real history: the Rust RFC repository (``../shared/corpus/``).

``text/3537-msrv-resolver.md`` was drafted on a branch, renamed on acceptance and
merged into a history with hundreds of merges. For a sample of its versions, the
reported change must be git's: the base is ``git rev-parse C^1``, and the words
added and removed are those of ``git diff --word-diff C^1 C``.

Word counts are compared where both tools count the same thing: versions whose
change edits text inside sections (reviewtool's statuses ``edited``/``markup``;
no section added, removed, moved, split or renamed, since reviewtool shows a moved
section as moved, not as deleted and re-added words) and whose git diff touches no
heading line (a heading's title is not counted as words) and no line holding a link
destination (a link's target is markup, not words: ``reviewtool.diff.link_targets``;
git's word diff counts a URL's parts as words). There the net change
(added − removed) must be git's exactly; the two counts must be git's exactly for
most versions (measured on all 136 comparable versions: 125 exact, 92%; the sample
must reach 80%) and never show much more churn than git's (both are word diffs of
the same texts, by different algorithms: difflib with unique-word anchors here,
Myers in git, which sometimes reports a longer replacement).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reviewtool.diff.link_targets import mask_link_targets
from reviewtool.diff.section_diff import diff_documents
from reviewtool.diff.version_change import version_change
from reviewtool.draft.document import count_words
from reviewtool.draft.history import DraftHistory
from reviewtool.git.repo import GitRepo
from tests.gitutil import corpus_bundle, git

BUNDLE = corpus_bundle()
DRAFT = "text/3537-msrv-resolver.md"
#: Words and single punctuation marks, close to reviewtool's tokens (draft.document.WORD_PATTERN).
WORD_REGEX = r"[[:alnum:]]([[:alnum:]'_-]*[[:alnum:]])?|[^[:space:]]"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.M)

pytestmark = pytest.mark.skipif(BUNDLE is None, reason="the RFC corpus is absent: no ../shared/corpus/"
                                "rust-rfcs-essays.bundle next to the repository")


@pytest.fixture(scope="module")
def rfcs(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("corpus") / "rfcs"
    subprocess.run(["git", "clone", "-q", str(BUNDLE), str(where)], check=True, capture_output=True)
    return where


def _heading_lines(text: str) -> set[int]:
    """1-based line numbers of the headings of *text* (CommonMark)."""
    lines: set[int] = set()
    for token in MarkdownIt("commonmark").parse(text):
        if token.type == "heading_open" and token.map:
            lines.update(range(token.map[0] + 1, token.map[1] + 1))
    return lines


def _touched_lines(repo: Path, old: str, new: str) -> tuple[set[int], set[int]]:
    out = git(repo, "diff", "-U0", "--no-color", old, new)
    before: set[int] = set()
    after: set[int] = set()
    for m in _HUNK.finditer(out):
        start, count = int(m[1]), int(m[2] or 1)
        before.update(range(start, start + count))
        start, count = int(m[3]), int(m[4] or 1)
        after.update(range(start, start + count))
    return before, after


def _link_lines(text: str, lines: set[int]) -> bool:
    """Whether any of the 1-based *lines* of *text* holds a link destination."""
    rows = text.splitlines()
    return any(mask_link_targets(rows[n - 1]) != rows[n - 1] for n in lines if 0 < n <= len(rows))


def _git_word_counts(repo: Path, old: str, new: str) -> tuple[int, int]:
    """Words added and removed by ``git diff --word-diff=porcelain OLD NEW``."""
    out = git(repo, "diff", "--no-color", "--word-diff=porcelain", f"--word-diff-regex={WORD_REGEX}", "-U0",
              old, new)
    added = removed = 0
    body = out.split("\n@@", 1)[1] if "\n@@" in out else ""
    for line in body.splitlines():
        if line.startswith("+"):
            added += count_words(line[1:])
        elif line.startswith("-"):
            removed += count_words(line[1:])
    return added, removed


def test_sampled_versions_match_git_word_diff(rfcs):
    hist = DraftHistory(GitRepo.open(rfcs), DRAFT)
    versions = hist.versions
    assert len(versions) >= 180
    sample = versions[::4]
    compared = exact = 0
    for v in sample:
        change = version_change(hist, v)
        parents = git(rfcs, "rev-list", "--parents", "-n", "1", v.commit).split()[1:]
        if change is None:
            assert v.status == "A"  # the skeleton commit added the draft
            continue
        assert change.base.commit == parents[0], v.short
        old, new = f"{parents[0]}:{change.base.path}", f"{v.commit}:{v.path}"
        changed_text = git(rfcs, "rev-parse", old).strip() != git(rfcs, "rev-parse", new).strip()
        assert changed_text != change.counts.is_empty or v.status == "R", v.short  # a change is never "none"
        diff = diff_documents(hist.document(change.base), hist.document(v))
        if {s for c in diff.changes for s in c.status} - {"edited", "markup"}:
            continue
        before, after = _touched_lines(rfcs, old, new)
        if before & _heading_lines(hist.text(change.base)) or after & _heading_lines(hist.text(v)):
            continue
        if _link_lines(hist.text(change.base), before) or _link_lines(hist.text(v), after):
            continue
        added, removed = _git_word_counts(rfcs, old, new)
        ours = change.counts
        compared += 1
        assert ours.words_added - ours.words_removed == added - removed, v.short
        for mine, theirs in ((ours.words_added, added), (ours.words_removed, removed)):
            assert mine <= theirs + max(6, theirs // 20), (v.short, mine, theirs)
        exact += (ours.words_added, ours.words_removed) == (added, removed)
    assert compared >= 25
    assert exact >= 0.8 * compared, (exact, compared)
    print(f"{compared} versions compared with git, {exact} exact")


def test_heading_levels_commit_is_a_markup_change(rfcs):
    """The real commit that moved all 49 headings one level down (98 lines in git)."""
    hist = DraftHistory(GitRepo.open(rfcs), DRAFT)
    commit = git(rfcs, "log", "--format=%H", "--grep=Increase heading level of all headings", "--", DRAFT).split()[0]
    version = hist.find(commit)
    change = version_change(hist, version)
    assert change is not None and change.base.commit == git(rfcs, "rev-parse", f"{commit}^1").strip()
    assert (change.counts.words_added, change.counts.words_removed) == (0, 0)
    assert change.counts.sections_changed == change.counts.markup_changed == 49
    numstat = git(rfcs, "diff", "--numstat", f"{commit}^1", commit, "--", DRAFT).split()
    assert numstat[:2] == ["49", "49"]  # 98 lines in git
