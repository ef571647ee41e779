"""`reviewtool diff` through the real CLI (click's runner) against real git repositories."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from tests.gitutil import Repo, make_repo

DRAFT = "drafts/essay.md"
V1 = """---
title: Riding to work
---

## Introduction

For six years I drove twelve kilometres to the office and told myself the car was the only sensible option.

## Health

Within two months my resting heart rate dropped by nine beats a minute and my lower back stopped hurting.

## Money

Fuel, parking and wear on the car cost roughly two hundred euros a month; the bike needed tyres and a chain.

## Weather

Rain is the objection everyone raises first and it matters least: heavy rain caught me eleven times in a year.
"""
# Version 2: an edit in the introduction, Health moved to the end, Weather renamed.
V2 = """---
title: Riding to work
---

## Introduction

For seven years I drove twelve kilometres to the office and told myself the car was the only sensible option.

## Money

Fuel, parking and wear on the car cost roughly two hundred euros a month; the bike needed tyres and a chain.

## Rain and cold

Rain is the objection everyone raises first and it matters least: heavy rain caught me eleven times in a year.

## Health

Within two months my resting heart rate dropped by nine beats a minute and my lower back stopped hurting.
"""
# Version 3: more edits to Money; a control sequence in the text.
V3 = V2.replace("roughly two hundred euros", "about two hundred and ten euros").replace(
    "stopped hurting.", "stopped hurting.\x1b[31m")

ANSI = re.compile(r"\x1b\[")


@pytest.fixture
def essay_repo(tmp_path) -> tuple[Repo, list[str]]:
    repo = make_repo(tmp_path / "repo")
    shas = [repo.commit("v1", {DRAFT: V1}), repo.commit("v2", {DRAFT: V2}), repo.commit("v3", {DRAFT: V3})]
    return repo, shas


def run(repo: Repo, *args: str):
    result = CliRunner().invoke(main, ["-C", str(repo.path), "diff", *args], catch_exceptions=False)
    return result


def test_default_compares_the_newest_version_with_the_previous_one(essay_repo):
    repo, shas = essay_repo
    result = run(repo)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    # Money: roughly -> about, +"and ten"; Health: the escape sequence's "31m" counts as a word.
    assert out.startswith(f"{DRAFT} {shas[1][:8]}..{shas[2][:8]}: +4 -1 words, 2 sections changed")
    assert "edited\tMoney\t13%\t+3\t-1" in out
    # Piped: plain redline like git --word-diff=plain, no escape sequences at all.
    assert "[-roughly-]{+about+}" in out
    assert "{+and ten+}" in out
    assert not ANSI.search(out)
    assert "\x1b" not in out


def test_explicit_revisions_and_moved_section_counts(essay_repo):
    repo, shas = essay_repo
    result = run(repo, "--json", shas[0], shas[1])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["old"]["commit"] == shas[0] and data["new"]["commit"] == shas[1]
    summary = data["summary"]
    # Only "six" -> "seven" changed: the moved and the renamed sections add no words.
    assert (summary["words_added"], summary["words_removed"]) == (1, 1)
    by_key = {c["new_key"]: c for c in data["changes"]}
    assert "moved" in by_key["health"]["status"]
    assert by_key["health"]["words_added"] == by_key["health"]["words_removed"] == 0
    assert "renamed" in by_key["rain-and-cold"]["status"]
    assert (by_key["rain-and-cold"]["old_title"], by_key["rain-and-cold"]["new_title"]) == ("Weather", "Rain and cold")


def test_json_shape(essay_repo):
    repo, _shas = essay_repo
    result = run(repo, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"old", "new", "summary", "changes"} <= set(data)
    assert data["draft"] == DRAFT
    assert {"words_added", "words_removed", "sections_changed", "by_status"} <= set(data["summary"])
    assert data["changes"], "expected changes"
    for change in data["changes"]:
        assert {"status", "old_key", "new_key", "old_title", "new_title", "similarity", "words_added",
                "words_removed", "changed_share", "ops"} <= set(change)
        for op in change["ops"]:
            assert set(op) == {"op", "old", "new"} and op["op"] in ("equal", "insert", "delete", "replace")
    money = next(c for c in data["changes"] if c["new_key"] == "money")
    # The ops rebuild the section body exactly, as stored in git.
    body_v3 = V3.split("## Money\n", 1)[1].split("## Rain and cold", 1)[0]
    assert "".join(op["new"] for op in money["ops"]) == body_v3
    # --format json is the same as --json.
    assert json.loads(run(repo, "--format", "json").stdout) == data


def test_section_limits_the_output(essay_repo):
    repo, shas = essay_repo
    result = run(repo, "--json", "--section", "health", shas[0], shas[2])
    data = json.loads(result.stdout)
    assert [c["new_key"] for c in data["changes"]] == ["health"]
    text = run(repo, "--section", "money").stdout
    assert "@@ edited: Money" in text and "Health" not in text


def test_unknown_section_is_one_line_error(essay_repo):
    repo, _ = essay_repo
    result = run(repo, "--section", "no-such-section")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("reviewtool: error: no section 'no-such-section'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_markdown_format_uses_critic_markup(essay_repo):
    repo, _shas = essay_repo
    result = run(repo, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("# drafts/essay.md ")
    assert "## Money" in out
    assert "{~~roughly~>about~~}" in out and "{++and ten++}" in out
    assert "\x1b" not in out


def test_side_by_side_puts_old_and_new_in_columns(essay_repo):
    repo, shas = essay_repo
    result = run(repo, "--side-by-side", "--section", "introduction", shas[0], shas[1])
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "[-six-]" in line]
    assert rows, result.stdout
    # The deletion and the insertion sit on the same line, in two columns.
    assert "{+seven+}" in rows[0] and rows[0].index("[-six-]") < rows[0].index("{+seven+}")


def test_revision_starting_with_dash_is_refused(essay_repo):
    repo, _ = essay_repo
    result = run(repo, "--", "-x")
    assert result.exit_code == 2
    assert result.stderr.startswith("reviewtool: error: invalid revision '-x'")
    result = run(repo, "--output=/tmp/pwned")
    assert result.exit_code == 2 and "reviewtool: error:" in result.stderr


def test_unknown_revision_and_single_version(essay_repo, tmp_path):
    repo, _ = essay_repo
    result = run(repo, "nosuchrev")
    assert result.exit_code == 1 and "unknown revision: nosuchrev" in result.stderr
    single = make_repo(tmp_path / "single")
    single.commit("only", {DRAFT: V1})
    result = run(single)
    assert result.exit_code == 1
    assert "nothing to compare" in result.stderr


def test_worktree_changes_are_the_newest_version(essay_repo):
    repo, shas = essay_repo
    repo.write(DRAFT, V3.replace("eleven times", "twelve times"))
    data = json.loads(run(repo, "--json").stdout)
    assert data["new"]["worktree"] is True and data["old"]["commit"] == shas[2]
    assert (data["summary"]["words_added"], data["summary"]["words_removed"]) == (1, 1)


# ---------------------------------------------------------------- renderers


def _change(old_body: str, new_body: str):
    from reviewtool.diff.section_diff import diff_documents
    from reviewtool.draft.document import parse

    diff = diff_documents(parse(f"## Part\n\n{old_body}\n"), parse(f"## Part\n\n{new_body}\n"))
    [change] = diff.changes
    return diff, change


def test_redline_styles_and_untrusted_markup_stays_literal():
    from reviewtool.cli import diff_render as render

    _, change = _change("Keep [bold]this[/bold] and drop that word here.",
                        "Keep [bold]this[/bold] and add that word here.")
    text = render.render_redline(change)
    assert text.plain == "Keep [bold]this[/bold] and dropadd that word here."
    styles = {text.plain[span.start:span.end]: str(span.style) for span in text.spans}
    assert styles == {"drop": render.DELETE_STYLE, "add": render.INSERT_STYLE}
    assert render.render_plain_redline(change) == "Keep [bold]this[/bold] and [-drop-]{+add+} that word here."


def test_side_by_side_lines_up_paragraphs():
    from reviewtool.cli import diff_render

    _, change = _change("First paragraph stays.\n\nSecond one has an old word.",
                        "First paragraph stays.\n\nA new paragraph in between.\n\nSecond one has a new word.")
    lines = diff_render.render_side_by_side(change, 80, plain=True).plain.splitlines()
    # Title row and rule, then: both sides, a blank row, filler | added, a blank row, both sides.
    assert lines[0].split("│")[0].strip() == "Part"
    rows = [[cell.strip() for cell in line.split(" │ ")] for line in lines[2:]]
    assert rows == [["First paragraph stays.", "First paragraph stays."], ["", ""],
                    ["", "{+A new paragraph in between.+}"], ["", ""],
                    ["Second one has [-an old-] word.", "Second one has {+a new+} word."]]
    # Every line has the column rule at the same place.
    assert len({line.index("│") for line in lines if "│" in line}) == 1


def test_markdown_marks_are_escaped_and_never_span_paragraphs():
    from reviewtool.cli import diff_render as render

    # A delimiter inside a mark is broken up with a backslash (Markdown still shows it).
    _, change = _change("Alpha beta gamma delta --} epsilon zeta eta.\n\nTheta iota kappa lambda mu.",
                        "Alpha beta gamma delta epsilon zeta eta.\n\nTheta iota kappa lambda mu.")
    assert render.render_markdown_change(change) == (
        "Alpha beta gamma delta {---\\-}--}epsilon zeta eta.\n\nTheta iota kappa lambda mu.\n")
    # Unchanged text cannot open a mark either.
    _, change = _change("Keep {++ this literal and change one word here.",
                        "Keep {++ this literal and change two word here.")
    assert render.render_markdown_change(change) == (
        "Keep {\\++ this literal and change {~~one~>two~~} word here.\n")
    _, change = _change("One two three four.\n\nFive six seven eight.", "")
    md = render.render_markdown_change(change)
    assert md.strip() == "{--One two three four.--}\n\n{--Five six seven eight.--}"
    _, change = _change("Totally *old* words here.", "Brand new text now instead.")
    assert render.render_markdown_change(change).strip() == (
        "{~~Totally *old* words here.~>Brand new text now instead.~~}")


def test_terminal_output_prints_summary_table_and_redline(essay_repo, monkeypatch, capsys):
    from reviewtool.cli import diff_render, render
    from reviewtool.diff.section_diff import diff_documents
    from reviewtool.draft.document import parse

    monkeypatch.setattr(render, "is_terminal", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    diff = diff_documents(parse(V1), parse(V2))
    assert diff_render.render_diff_summary(diff).row_count == len(diff.changes)
    diff_render.print_diff(diff, "essay v1..v2")
    out = capsys.readouterr().out
    assert "essay v1..v2: +1 -1 words" in out
    assert "Weather → Rain and cold" in out
    assert "For sixseven years" in out  # deletion then insertion, styled (no marks) on a terminal
    diff_render.print_diff(diff, "essay v1..v2", side_by_side=True)
    assert "Rain and cold" in capsys.readouterr().out


def test_named_commits_read_without_the_worktree_version(essay_repo, monkeypatch):
    """Two named revisions, neither the working tree: the history is read without asking git
    whether the file differs from HEAD's (``diff_commands._named_commits``), and every such diff
    reads as with the working-tree version listed (the general path), with a dirty working tree,
    a commit that did not touch the draft, ``~N`` and ``X^!``; a revision naming the working tree
    still lists it."""
    from reviewtool.cli import diff_commands

    repo, shas = essay_repo
    other = repo.commit("notes", {"notes.md": "# Notes\n\nNot the draft.\n"})
    repo.write(DRAFT, V3.replace("eleven times", "twelve times"))
    pairs = [(shas[0], shas[2]), (shas[2], shas[0]), ("HEAD~2", "HEAD"), (other, shas[0]), ("~2", "~0"),
             (shas[1][:8], "HEAD"), ("HEAD~1^!", None), (shas[0], "worktree"), ("WORKTREE", shas[1])]
    fast = {}
    for a, b in pairs:
        args = [a] if b is None else [a, b]
        fast[(a, b)] = [run(repo, *args, *extra).stdout for extra in (["--json"], ["--format", "markdown"])]
    assert [diff_commands._named_commits(a, b, False) for a, b in pairs] == [True] * 6 + [False] * 3
    assert not diff_commands._named_commits(shas[0], shas[1], True)
    assert not diff_commands._named_commits("", shas[1], False)
    monkeypatch.setattr(diff_commands, "_named_commits", lambda *_: False)
    for (a, b), outputs in fast.items():
        args = [a] if b is None else [a, b]
        assert [run(repo, *args, *extra).stdout for extra in (["--json"], ["--format", "markdown"])] == outputs
    assert json.loads(fast[(shas[0], "worktree")][0])["new"]["worktree"] is True
