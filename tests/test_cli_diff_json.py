"""`reviewtool diff --json` carries what the text output shows: per changed section its
hunks (rows trimmed by --context, gap markers, each row's word operations) and its notes
(where a moved section was, a heading removed over text that stays). Real git repositories."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from tests.gitutil import Repo, make_repo

DRAFT = "drafts/essay.md"


def paragraph(i: int, word: str = "plain") -> str:
    return f"Paragraph {i} of the long section says something {word} about cycling."


LONG_V1 = ("# Essay\n\n## Short\n\nA short section.\n\n## Long\n\n"
           + "\n\n".join(paragraph(i) for i in range(40)) + "\n\n## After\n\nThe end.\n")
LONG_V2 = LONG_V1.replace(paragraph(20), paragraph(20, "new"))


def diff_json(repo: Repo, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["-C", str(repo.path), "diff", "--json", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def long_repo(tmp_path) -> Repo:
    repo = make_repo(tmp_path / "repo")
    repo.commit("v1", {DRAFT: LONG_V1})
    repo.commit("one word", {DRAFT: LONG_V2})
    return repo


def test_one_word_in_a_long_section_is_a_short_hunk_between_gaps(long_repo):
    data = diff_json(long_repo)
    assert data["context"] == 1
    [change] = data["changes"]
    assert change["new_key"] == "essay/long" and change["status"] == ["edited"]
    assert change["notes"] == [] and change["change_count"] == 1
    hunks = change["hunks"]
    assert hunks[0] == {"gap": 19, "start": 0, "stop": 19}
    assert hunks[-1] == {"gap": 18, "start": 22, "stop": 40}
    rows = hunks[1:-1]
    assert [r["row"] for r in rows] == [19, 20, 21]
    assert [r["changed"] for r in rows] == [False, True, False]
    assert rows[0]["old"] == rows[0]["new"] == paragraph(19)
    changed = rows[1]
    assert changed["old"] == paragraph(20) and changed["new"] == paragraph(20, "new")
    assert [op for op in changed["ops"] if op["op"] != "equal"] == [{"op": "replace", "old": "plain", "new": "new"}]
    # A row's operations rebuild its two texts.
    assert "".join(op["old"] for op in changed["ops"]).strip() == paragraph(20)
    assert "".join(op["new"] for op in changed["ops"]).strip() == paragraph(20, "new")
    # The gaps and the rows account for every paragraph of the section, in order.
    covered = [i for h in hunks for i in (range(h["start"], h["stop"]) if "gap" in h else [h["row"]])]
    assert covered == list(range(40))
    # Additive: every key the JSON had before is still there, the ops untrimmed.
    assert {"status", "old_key", "new_key", "old_keys", "new_keys", "old_title", "new_title", "similarity",
            "words_added", "words_removed", "changed_share", "markup", "ops"} <= set(change)
    assert "".join(op["new"] for op in change["ops"]).count("Paragraph") == 40
    assert (data["summary"]["words_added"], data["summary"]["words_removed"]) == (1, 1)


def test_context_and_full_trim_the_hunks_as_the_text_output(long_repo):
    zero = diff_json(long_repo, "-U0")
    assert zero["context"] == 0
    assert zero["changes"][0]["hunks"] == [
        {"gap": 20, "start": 0, "stop": 20},
        zero["changes"][0]["hunks"][1],
        {"gap": 19, "start": 21, "stop": 40},
    ]
    assert zero["changes"][0]["hunks"][1]["row"] == 20
    three = diff_json(long_repo, "--context", "3")["changes"][0]["hunks"]
    assert [h.get("row") for h in three[1:-1]] == [17, 18, 19, 20, 21, 22, 23]
    assert three[0]["gap"] == 17 and three[-1]["gap"] == 16
    full = diff_json(long_repo, "--full", "-U0")
    assert full["context"] is None
    rows = full["changes"][0]["hunks"]
    assert all("gap" not in h for h in rows) and [h["row"] for h in rows] == list(range(40))
    assert [h["row"] for h in rows if h["changed"]] == [20]
    # --format json is --json.
    result = CliRunner().invoke(main, ["-C", str(long_repo.path), "diff", "--format", "json", "-U0"])
    assert json.loads(result.stdout) == zero


def test_added_and_removed_paragraphs_have_no_text_on_the_other_side(tmp_path):
    repo = make_repo(tmp_path / "repo")
    body = ["The first paragraph stays.", "Rain fell all week long.", "The last paragraph stays."]
    repo.commit("v1", {DRAFT: "# Essay\n\n## Part\n\n" + "\n\n".join(body) + "\n"})
    repo.commit("v2", {DRAFT: "# Essay\n\n## Part\n\n" + "\n\n".join([body[0], body[2], "A new closing line."])
                       + "\n"})
    [change] = diff_json(repo, "--full")["changes"]
    rows = change["hunks"]
    removed = next(r for r in rows if r["old"] == "Rain fell all week long.")
    assert removed["new"] is None and removed["changed"]
    added = next(r for r in rows if r["new"] == "A new closing line.")
    assert added["old"] is None and added["changed"]
    assert change["change_count"] == 2


def test_moved_section_carries_where_it_came_from(tmp_path):
    repo = make_repo(tmp_path / "repo")
    v1 = ("# Essay\n\n## Health\n\nMy resting heart rate dropped by nine beats.\n\n"
          "## Money\n\nFuel and parking cost two hundred euros a month.\n\n"
          "## Weather\n\nRain caught me eleven times in a year.\n")
    v2 = ("# Essay\n\n## Money\n\nFuel and parking cost two hundred euros a month.\n\n"
          "## Health\n\nMy resting heart rate dropped by nine beats.\n\n"
          "## Weather\n\nRain caught me eleven times in a year.\n")
    v3 = ("# Essay\n\n## Weather\n\nRain caught me eleven times in a year, and snow twice.\n\n"
          "## Money\n\nFuel and parking cost two hundred euros a month.\n\n"
          "## Health\n\nMy resting heart rate dropped by nine beats.\n")
    repo.commit("v1", {DRAFT: v1})
    repo.commit("move Health", {DRAFT: v2})
    repo.commit("move and edit Weather", {DRAFT: v3})
    data = diff_json(repo, "HEAD~2", "HEAD~1")
    moved = [c for c in data["changes"] if "moved" in c["status"]]
    assert moved, data["changes"]
    [health] = [c for c in moved if c["new_key"] == "essay/health"] or moved
    assert health["notes"] and health["notes"][0].startswith("moved from ")
    assert health["hunks"] == [] and health["change_count"] == 1  # nothing but the move: the header says it
    # A section moved and edited: the note and the edited row.
    data = diff_json(repo)
    [weather] = [c for c in data["changes"] if c["new_key"] == "essay/weather"]
    assert "moved" in weather["status"]
    assert weather["notes"] == ["moved from after “Health”"]
    [row] = [h for h in weather["hunks"] if h.get("changed")]
    assert row["new"] == "Rain caught me eleven times in a year, and snow twice."
    assert [op for op in row["ops"] if op["op"] != "equal"] == [{"op": "insert", "old": "", "new": ", and snow twice"}]


def test_removed_heading_note_is_in_the_json(tmp_path):
    repo = make_repo(tmp_path / "repo")
    v1 = ("# Essay\n\n## Intro\n\nCycling to work changed how I think about distance and time in the city.\n\n"
          "## Details\n\nThe route is eleven kilometres along the canal, past the old brewery and the market.\n\n"
          "It takes forty minutes in summer and closer to fifty when the wind comes from the east.\n\n"
          "## End\n\nThat is all.\n")
    repo.commit("v1", {DRAFT: v1})
    repo.commit("drop the Details heading", {DRAFT: v1.replace("## Details\n\n", "")})
    [change] = diff_json(repo)["changes"]
    assert change["notes"] == ["heading “Details” removed: 32 words moved into “Intro”"]
    assert change["words_removed"] == 0


def test_section_filter_keeps_notes_and_hunks_aligned(long_repo):
    long_repo.commit("edit the short one too", {DRAFT: LONG_V2.replace("A short section.", "A brief section.")})
    data = diff_json(long_repo, "HEAD~2", "HEAD")
    assert [c["new_key"] for c in data["changes"]] == ["essay/short", "essay/long"]
    short, long = data["changes"]
    assert [h["row"] for h in short["hunks"]] == [0]
    assert [h.get("row") for h in long["hunks"]] == [None, 19, 20, 21, None]
    only = diff_json(long_repo, "HEAD~2", "HEAD", "-s", "Long")
    assert only["changes"] == [long]
