"""The user guide's console excerpts on the demo are what the commands print now.

``tests/guide_cli.py`` plays every command of the ``<!-- cli: NAME -->`` blocks of
docs/user-guide.md on a fresh demo (one build for the module); each block must equal that
run, event ids and event times aside; the ``<!-- rfcs: NAME -->`` blocks must equal a run on
the RFC corpus (skipped when it is absent). When a command's output changes on purpose, rewrite
the blocks with ``.venv/bin/python -m tests.guide_cli`` and read the prose around them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.doc_excerpts import guide_excerpts, normalized
from tests.guide_cli import (
    GUIDE,
    JSON_EXCERPTS,
    NAMES,
    RFC_NAMES,
    RFC_TAG,
    TAG,
    abridges,
    commits,
    json_blocks,
    json_outputs,
    json_problems,
    play,
    play_rfcs,
)


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], set[str], Path]:
    """One demo for the module: the excerpts played, the commit ids, the folder."""
    folder: Path = tmp_path_factory.mktemp("guide-cli")
    return play(folder), commits(folder), folder


@pytest.fixture(scope="module")
def guide() -> dict[str, str]:
    return guide_excerpts(GUIDE.read_text(encoding="utf-8"), TAG)


def test_the_guide_marks_every_played_excerpt_and_nothing_else(played, guide):
    fresh, _, _ = played
    assert list(guide) == list(fresh) == list(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_user_guides_excerpt_is_what_the_commands_print(played, guide, name):
    fresh, commit_set, _ = played
    assert normalized(guide[name], commit_set) == normalized(fresh[name], commit_set), (
        f"docs/user-guide.md's '{name}' excerpt is out of date: run .venv/bin/python -m tests.guide_cli "
        "and check the prose around it")


def test_the_round_is_deterministic_where_the_guide_names_commits(played, guide):
    """The commit the round adds has fixed dates: the guide's id for it is a real commit."""
    _, commit_set, _ = played
    claim_less = [c for c in commit_set if c.startswith("93ad6549")]
    assert claim_less, "Alex's 'Conclusion: claim less' commit is no longer 93ad6549"
    assert "at 93ad6549 (2023-05-08 10:15, Conclusion: claim less)" in guide["round-close"]
    assert "{+some of+}" in guide["round-approve"]


def test_the_abridged_json_outputs_show_what_the_commands_print(played):
    """The guide's ``diff --json`` blocks leave keys out and cut long strings to ``…``, and
    show every list whole: each value they show is the command's."""
    guide_json = json_blocks(GUIDE.read_text(encoding="utf-8"))
    assert set(guide_json) == set(JSON_EXCERPTS)
    outputs = json_outputs(played[2])
    assert json_problems(guide_json, outputs) == {name: [] for name in JSON_EXCERPTS}
    # The check has teeth: a changed value, a list cut short, an unknown key are found.
    split = guide_json["split-hunks"]
    assert abridges({**split, "context": 1}, outputs["split-hunks"]) == ["/context: 1 in the guide, 0 in the output"]
    hunks = split["changes"][0]["hunks"]
    assert abridges({"changes": [{"hunks": hunks[:1]}]}, outputs["split-hunks"])
    assert abridges({"contexts": 0}, outputs["split-hunks"]) == ["/contexts: not in the output"]
    assert abridges({"changes": [{"hunks": [{}, {"old": "The distinction…"}, {}]}]}, outputs["split-hunks"])


@pytest.fixture(scope="module")
def rfc_played(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    excerpts = play_rfcs(tmp_path_factory.mktemp("guide-rfcs"))
    if excerpts is None:
        pytest.skip("the RFC corpus (../shared/corpus/rust-rfcs-essays.bundle) is absent: "
                    "the guide's excerpts on it are not checked")
    return excerpts


def test_the_guide_marks_every_rfc_excerpt(rfc_played):
    guide_rfcs = guide_excerpts(GUIDE.read_text(encoding="utf-8"), RFC_TAG)
    assert list(guide_rfcs) == list(rfc_played) == list(RFC_NAMES)


@pytest.mark.parametrize("name", RFC_NAMES)
def test_the_user_guides_rfc_excerpt_is_what_the_commands_print(rfc_played, name):
    guide_rfcs = guide_excerpts(GUIDE.read_text(encoding="utf-8"), RFC_TAG)
    assert guide_rfcs[name] == rfc_played[name], (
        f"docs/user-guide.md's '{name}' excerpt (RFC corpus) is out of date: run "
        ".venv/bin/python -m tests.guide_cli and check the prose around it")
