"""The TUI guide's walkthrough of a review round matches what the commands print today.

``tests/tui/review_round.py`` plays the round (the CLI for the author, Pilot keys in the
real app for the reviewer) in a fresh repository; every console excerpt of the guide's
round must be what this run printed, but for event ids and event times (new on every
run). Commit ids, names, counts and wording must match exactly.
"""

from __future__ import annotations

import re

from tests.doc_excerpts import commit_ids, guide_excerpts, normalized
from tests.tui.review_round import GUIDE, ROOT, TAG, play_round


async def test_the_guides_round_excerpts_are_what_the_commands_print(tmp_path):
    repo = tmp_path / "gardens"
    fresh = await play_round(repo)
    guide = guide_excerpts(GUIDE.read_text(encoding="utf-8"), TAG)
    assert set(guide) == set(fresh) == {"ask", "answer", "done"}
    commits = commit_ids(repo)
    for name, text in fresh.items():
        assert normalized(guide[name], commits) == normalized(text, commits), (
            f"the guide's '{name}' excerpt is out of date: run .venv/bin/python -m tests.tui.review_round")
    # The walkthrough's commands and versions are really there: three commits, named in the excerpts.
    assert len(commits) == 3
    assert sum(c[:8] in " ".join(guide.values()) for c in commits) == 2  # the two reviewed versions


def test_the_guides_round_screenshots_exist_and_are_the_apps():
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("### A full review round")
    shots = re.findall(r"\]\((screenshots/round-[\w-]+\.svg)\)", text[start:])
    assert len(shots) == 6
    for rel in shots:
        svg = (ROOT / "docs" / rel).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "reviewtool" in svg and "drafts/gardens.md" in svg


def test_normalizing_keeps_commit_ids_and_hides_only_event_ids_and_times():
    commits = {"12681cad" + "0" * 32}
    text = "asked ben at 12681cad\n4e0ac8d3  open\nBen <b@x.org>, 2026-12-03 11:47 UTC\n(2026-11-30 10:00, v2)"
    assert normalized(text, commits) == (
        "asked ben at 12681cad\n<id>  open\nBen <b@x.org>, <time>\n(2026-11-30 10:00, v2)")
    assert normalized("at 99999999", commits) != normalized("at 12681cad", commits)
