"""Counts in messages agree with their nouns: one home, :func:`reviewtool.wording.counted`.

Found by reading real output: ``1 merges hidden`` in ``log``'s title, ``has only 1 versions``
for a draft committed once, ``1 entries`` in ``doctor``'s cache line.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reviewtool.wording import counted, relative_date
from tests.test_bad_input import assert_error, reviewtool


def test_counted_agrees_in_number_and_groups_thousands():
    assert counted(0, "version") == "0 versions"
    assert counted(1, "version") == "1 version"
    assert counted(2, "merge") == "2 merges"
    assert counted(1204, "version") == "1,204 versions"
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(3, "entry", "entries") == "3 entries"
    assert counted(1, "open thread") == "1 open thread"


def test_relative_dates_use_the_same_rule():
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert relative_date(now - timedelta(days=1), now) == "1 day ago"
    assert relative_date(now - timedelta(days=3), now) == "3 days ago"
    assert relative_date(now - timedelta(seconds=30), now) == "just now"


def test_a_draft_committed_once_has_one_version(repo):
    repo.commit("The draft", {"drafts/essay.md": "# Essay\n\nOne paragraph of words.\n"})
    assert_error(reviewtool("show", "~3", cwd=repo.path), "drafts/essay.md has only 1 version")
