"""One full review round, played for real: the walkthrough of docs/user-guide-tui.md.

An author (Ada) asks for a review on the command line; a reviewer (Ben) opens the TUI,
reads sections and marks them viewed, comments on a passage with a suggested edit and
requests changes; Ada replies, applies the suggestion, commits and asks again; Ben sees
"changes since my last review" and approves. Every CLI command runs through the real
`reviewtool` command line (click's runner, in process) on a real repository; every TUI
step is keys pressed in a Pilot session of the real app.

:func:`play_round` returns the console excerpts (name -> ``$ command`` lines and what each
printed) and, given a folder, saves the TUI's screenshots there (SVG, ``App.save_screenshot``).
``tests/tui/test_guide_round.py`` checks the guide's excerpts against a fresh run.

Regenerate the guide's excerpts and screenshots (from the repository root)::

    .venv/bin/python -m tests.tui.review_round

Commits carry fixed dates (as all test commits do), so commit ids are the same on every
run; event ids and event times are not (new random ids, the real clock): the check
compares everything else.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import RadioButton, TextArea

from reviewtool.tui.app import ReviewApp
from reviewtool.tui.comment_editor import CommentEditor
from reviewtool.tui.verdict_dialog import VerdictScreen
from tests.doc_excerpts import Transcript, guide_excerpts, with_excerpts
from tests.gitutil import make_repo
from tests.tui.helpers import open_section, settle, type_text
from tests.tui.snapshots import freeze_cursors

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "user-guide-tui.md"
SCREENSHOTS = ROOT / "docs" / "screenshots"

DRAFT = "drafts/gardens.md"
ADA = ("Ada Author", "ada@example.org")
BEN = ("Ben Reviewer", "ben@example.org")
SIZE = (120, 34)

V1 = """---
title: Small gardens, less stress
---

# Intro

City gardens are small, but they matter. This essay asks whether tending one lowers stress.

# Method

We asked forty gardeners in one town to keep a diary for a month. Each evening they rated their stress from one to ten.
"""

V2 = V1 + """
# Findings

Most of them rated their stress lower on the days they gardened. The effect was largest for those who began the month most stressed.

# Conclusion

A small garden will not fix a stressful life, but it helps. Plant one.
"""

#: When the three versions were committed (fixed, so commit ids are the same on every run).
DATES = (1_796_029_200, 1_796_032_800, 1_796_139_000)  # 2026-11-30 09:00 and 10:00, 2026-12-01 15:30 UTC

#: The passage Ben comments on, and what he suggests instead.
QUOTE = "in one town"
SUGGESTION = "in Leeds"


class Round(Transcript):
    """The repository of the round and the console excerpts recorded so far."""

    def __init__(self, path: Path) -> None:
        self.repo = make_repo(path)
        super().__init__(path)
        self.thread_id = ""

    def commit(self, excerpt: str, message: str) -> None:
        """``git commit -qam MESSAGE`` (with the fixed date every test commit has); it prints nothing."""
        self.repo.commit(message, author=ADA, date=DATES[2])
        self.note(excerpt, "$ git commit -qam " + shlex.quote(message))


async def _reviewer_first_pass(rnd: Round, shots: Path | None) -> None:
    """Ben: the request in the history, two sections read, a comment with a suggestion, changes requested."""
    app = ReviewApp(rnd.repo.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _shot(app, shots, "round-1-request.svg")
        for title in ("Intro", "Method"):
            await open_section(app, pilot, title)
            await pilot.press("2", "v")  # the sections pane, then mark the section viewed
            await settle(app, pilot)
        await open_section(app, pilot, "Method")
        _shot(app, shots, "round-2-viewed.svg")
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CommentEditor)
        passage = app.screen.query_one("#passage", TextArea)
        line = passage.document.lines[2]
        start = line.index(QUOTE)
        await pilot.press("down", "down", "home", *["right"] * start, *["shift+right"] * len(QUOTE))
        assert passage.selected_text == QUOTE
        await pilot.press("tab")
        await type_text(pilot, "Which town? Name it: readers will ask.")
        await pilot.press("tab")
        await type_text(pilot, SUGGESTION)
        await settle(app, pilot)
        _shot(app, shots, "round-3-comment.svg")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("V")
        await settle(app, pilot)
        assert isinstance(app.screen, VerdictScreen)
        app.screen.query_one("#verdict-changes_requested", RadioButton).value = True
        await pilot.press("tab")
        await type_text(pilot, "Name the town; the rest reads well.")
        await settle(app, pilot)
        _shot(app, shots, "round-4-verdict.svg")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, VerdictScreen)


async def _reviewer_second_pass(rnd: Round, shots: Path | None) -> None:
    """Ben: what changed since his review, then approve."""
    app = ReviewApp(rnd.repo.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("R")
        await settle(app, pilot)
        _shot(app, shots, "round-5-since-review.svg")
        await pilot.press("V")
        await settle(app, pilot)
        assert isinstance(app.screen, VerdictScreen)
        app.screen.query_one("#verdict-approved", RadioButton).value = True
        await pilot.press("tab")
        await type_text(pilot, "Good to go.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        _shot(app, shots, "round-6-approved.svg")


def _shot(app: ReviewApp, folder: Path | None, name: str) -> None:
    if folder is not None:
        freeze_cursors(app)
        app.save_screenshot(name, str(folder))


async def play_round(path: Path, shots: Path | None = None) -> dict[str, str]:
    """Play the round in a new repository at *path*; screenshots go to *shots* (None: none taken).
    Returns the console excerpts by name, each as the text of a ``console`` block."""
    rnd = Round(path)
    rnd.be(ADA)
    rnd.repo.commit("First draft: intro and method", {DRAFT: V1}, author=ADA, date=DATES[0])
    rnd.repo.commit("Findings and conclusion", {DRAFT: V2}, author=ADA, date=DATES[1])

    # Ada asks Ben for a review.
    rnd.rt("ask", "review", "request", "-r", BEN[1], "-m", "First full draft: is the method clear?")
    rnd.rt("ask", "status")

    rnd.be(BEN)
    await _reviewer_first_pass(rnd, shots)

    # Ada reads the verdict and the comment, replies, applies the suggestion, commits, asks again.
    rnd.be(ADA)
    rnd.rt("answer", "status")
    rnd.rt("answer", "comments", "--status", "open")
    threads = re.findall(r"^([0-9a-f]{8})  open", "\n".join(rnd.excerpts["answer"]), re.M)
    assert len(threads) == 1, threads
    rnd.thread_id = threads[0]
    rnd.rt("answer", "comment", "reply", rnd.thread_id, "-m", "Leeds. Taken, thank you.")
    rnd.rt("answer", "comment", "apply", rnd.thread_id)
    rnd.rt("answer", "comment", "resolve", rnd.thread_id)
    rnd.commit("answer", "Method: name the town")
    rnd.rt("answer", "review", "request", "-r", BEN[1], "-m", "Second round: the town is named.")

    rnd.be(BEN)
    await _reviewer_second_pass(rnd, shots)

    rnd.be(ADA)
    rnd.rt("done", "status")
    return rnd.texts()


# ------------------------------------------------------------------ the guide's excerpts

#: The guide's round blocks are marked ``<!-- round: NAME -->`` (see :mod:`tests.doc_excerpts`).
TAG = "round"


def regenerate() -> None:
    """Play the round in a temp folder; write the screenshots and the guide's excerpts."""
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    with tempfile.TemporaryDirectory() as tmp:
        excerpts = asyncio.run(play_round(Path(tmp) / "gardens", SCREENSHOTS))
    text = GUIDE.read_text(encoding="utf-8")
    missing = set(guide_excerpts(text, TAG)) ^ set(excerpts)
    if missing:
        sys.exit(f"the guide's round blocks and the round's excerpts differ: {sorted(missing)}")
    GUIDE.write_text(with_excerpts(text, TAG, excerpts), encoding="utf-8")
    print(f"{GUIDE.relative_to(ROOT)}: {len(excerpts)} excerpts; screenshots in "
          f"{SCREENSHOTS.relative_to(ROOT)} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    regenerate()
