"""The user guide's withdrawal excerpts are what the commands print on the demo repository.

`play` builds the bundled demo (deterministic: fixed authors, dates and commit ids) and
runs the guide's commands for real as Alex (the author) and Priya (a reviewer); the test
compares each ``<!-- withdraw: NAME -->`` block of docs/user-guide.md with that run (event
ids and times aside). ``.venv/bin/python -m tests.test_guide_withdraw`` rewrites the blocks.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from reviewtool.demo.builder import build_demo
from tests.doc_excerpts import Transcript, commit_ids, guide_excerpts, normalized, with_excerpts

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide.md"
TAG = "withdraw"
ALEX = ("Alex Rivera", "alex@example.org")
PRIYA = ("Priya Natarajan", "priya@example.org")


def play(path: Path) -> dict[str, str]:
    """Build the demo at *path* and run the guide's withdrawals there; the excerpts by name."""
    build_demo(path)
    t = Transcript(path)
    t.be(ALEX)
    t.rt("ask", "review", "request", "-r", "priya@example.org", "-r", "sam@example.org",
         "-m", "Third round: the conclusion is new.")
    t.rt("ask", "review", "withdraw", "-r", "sam@example.org", "-m", "Priya has it covered.")
    t.be(PRIYA)
    t.rt("decline", "review", "withdraw", "-m", "Away until Monday.")
    t.rt("decline", "review", "withdraw", "-r", "sam@example.org", code=2)
    t.be(ALEX)
    t.rt("reopen", "status")
    t.rt("reopen", "review", "withdraw", "-r", "priya@example.org", code=1)
    t.rt("reopen", "review", "request", "-r", "priya@example.org", "-m", "When you are back, then.")
    t.rt("reopen", "status")
    return t.texts()


def test_the_user_guides_withdrawal_excerpts_are_what_the_commands_print(tmp_path):
    fresh = play(tmp_path / "demo")
    guide = guide_excerpts(GUIDE.read_text(encoding="utf-8"), TAG)
    assert set(guide) == set(fresh) == {"ask", "decline", "reopen"}
    commits = commit_ids(tmp_path / "demo")
    for name, text in fresh.items():
        assert normalized(guide[name], commits) == normalized(text, commits), (
            f"the user guide's '{name}' withdrawal excerpt is out of date: "
            "run .venv/bin/python -m tests.test_guide_withdraw")
    assert "declined - Away until Monday." in guide["reopen"]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        excerpts = play(Path(tmp) / "demo")
    text = GUIDE.read_text(encoding="utf-8")
    if set(guide_excerpts(text, TAG)) != set(excerpts):
        sys.exit("the guide's withdraw blocks and the excerpts differ")
    GUIDE.write_text(with_excerpts(text, TAG, excerpts), encoding="utf-8")
    print(f"{GUIDE.relative_to(ROOT)}: {len(excerpts)} withdrawal excerpts rewritten")
