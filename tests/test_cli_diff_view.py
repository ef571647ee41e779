"""`reviewtool diff` output a reviewer can read: hunks with context, aligned side by side,
marks in the text without colour, removed headings read as moved words (real git repos)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from tests.gitutil import Repo, make_repo

DRAFT = "drafts/essay.md"


def paragraphs(n: int, word: str = "plain") -> str:
    return "\n\n".join(f"Paragraph {i} of the long section says something {word} about cycling." for i in range(n))


LONG_V1 = f"# Essay\n\n## Short\n\nA short section.\n\n## Long\n\n{paragraphs(150)}\n\n## After\n\nThe end.\n"
LONG_V2 = LONG_V1.replace("Paragraph 73 of the long section says something plain",
                          "Paragraph 73 of the long section says something new")


def run(repo: Repo, *args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["-C", str(repo.path), "diff", *args], env=env, catch_exceptions=False)


@pytest.fixture
def long_repo(tmp_path) -> Repo:
    repo = make_repo(tmp_path / "repo")
    repo.commit("v1", {DRAFT: LONG_V1})
    repo.commit("one word", {DRAFT: LONG_V2})
    return repo


def test_one_word_change_in_a_long_section_prints_a_few_lines(long_repo):
    result = run(long_repo)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    body = lines[lines.index(next(line for line in lines if line.startswith("@@ "))) + 1:]
    assert body == [
        "  … 72 unchanged paragraphs …",
        "Paragraph 72 of the long section says something plain about cycling.",
        "",
        "Paragraph 73 of the long section says something [-plain-]{+new+} about cycling.",
        "",
        "Paragraph 74 of the long section says something plain about cycling.",
        "  … 75 unchanged paragraphs …",
    ]
    assert len(lines) <= 12


def test_context_and_full(long_repo):
    body = run(long_repo, "--context", "3").stdout
    assert "… 70 unchanged paragraphs …" in body and "… 73 unchanged paragraphs …" in body
    assert "Paragraph 70 " in body and "Paragraph 76 " in body and "Paragraph 69 " not in body
    zero = run(long_repo, "-U0").stdout
    assert "… 73 unchanged paragraphs …" in zero and "… 76 unchanged paragraphs …" in zero
    assert "Paragraph 72 " not in zero
    full = run(long_repo, "--full").stdout
    assert "unchanged paragraphs" not in full
    assert all(f"Paragraph {i} " in full for i in range(150))
    # --full wins over --context; JSON is never trimmed.
    assert run(long_repo, "--full", "-U0").stdout == full
    data = json.loads(run(long_repo, "--json", "-U0").stdout)
    assert "".join(op["new"] for op in data["changes"][0]["ops"]).count("Paragraph") == 150
    bad = run(long_repo, "--context", "-1")
    assert bad.exit_code == 2 and bad.stderr.startswith("reviewtool: error:")


def test_markdown_format_is_trimmed_too(long_repo):
    md = run(long_repo, "--format", "markdown").stdout
    assert "*… 72 unchanged paragraphs …*" in md
    assert "says something {~~plain~>new~~} about" in md
    assert "Paragraph 10 " not in md
    assert "Paragraph 10 " in run(long_repo, "--format", "markdown", "--full").stdout


def test_side_by_side_rows_line_up_with_blank_filler(tmp_path):
    repo = make_repo(tmp_path / "repo")
    old = "# Essay\n\n## Part\n\n" + "\n\n".join([
        "The first paragraph stays exactly as it was written.",
        "The second paragraph is long enough to wrap in a narrow column, which is the point of it here.",
        "The third paragraph goes away.",
        "The last paragraph stays."]) + "\n"
    new = "# Essay\n\n## Part\n\n" + "\n\n".join([
        "The first paragraph stays exactly as it was written.",
        "The second paragraph is long enough to wrap in a narrow column, which was the point of it here.",
        "A new paragraph arrives.",
        "Another new one.",
        "The last paragraph stays."]) + "\n"
    repo.commit("v1", {DRAFT: old})
    repo.commit("v2", {DRAFT: new})
    result = run(repo, "--side-by-side", "--full", env={"COLUMNS": "70"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("@@ "))
    table = lines[start + 1:]
    rule = {line.index("│") for line in table if "│" in line}
    assert len(rule) == 1, table  # one column rule for every line: the rows line up
    cells = [[c.strip() for c in line.split("│")] for line in table[2:]]
    olds = [c[0] for c in cells]
    news = [c[1] for c in cells]
    # The wrapped paragraph takes the same number of lines on both sides.
    second = [i for i, c in enumerate(olds) if "second" in c or "narrow" in c or "point" in c]
    assert second and all("second" in news[i] or "narrow" in news[i] or "point" in news[i] or news[i]
                          for i in second)
    # The removed paragraph faces the first added one; the second added one faces a blank.
    third = next(i for i, c in enumerate(olds) if "third" in c)
    assert "{+A new paragraph arrives.+}" in news[third]
    another = next(i for i, c in enumerate(news) if "Another" in c)
    assert olds[another] == ""
    last = next(i for i, c in enumerate(olds) if "last" in c)
    assert "last paragraph stays" in news[last]


def test_moved_section_is_shown_once_with_where_it_came_from(tmp_path):
    repo = make_repo(tmp_path / "repo")
    v1 = ("# Essay\n\n## Health\n\nMy resting heart rate dropped by nine beats.\n\n"
          "## Money\n\nFuel and parking cost two hundred euros a month.\n\n"
          "## Weather\n\nRain caught me eleven times in a year.\n")
    v2 = ("# Essay\n\n## Money\n\nFuel and parking cost two hundred euros a month.\n\n"
          "## Weather\n\nRain caught me eleven times in a year.\n\n"
          "## Health\n\nMy resting heart rate dropped by nine beats a minute.\n")
    repo.commit("v1", {DRAFT: v1})
    repo.commit("v2", {DRAFT: v2})
    for args in ((), ("--side-by-side",)):
        out = run(repo, *args).stdout
        # One change, not a removal plus an addition.
        assert out.count("@@ ") == 1 and "removed" not in out and "added" not in out, out
        assert "moved from the start of “Essay”" in out
        assert "{+a minute+}" in out


def test_no_color_marks_changes_in_text_on_a_terminal(long_repo, monkeypatch, capsys):
    from reviewtool.cli import diff_render, render
    from reviewtool.diff.section_diff import diff_documents
    from reviewtool.draft.document import parse

    monkeypatch.setattr(render, "is_terminal", lambda: True)
    diff = diff_documents(parse(LONG_V1), parse(LONG_V2))
    monkeypatch.setenv("NO_COLOR", "1")
    diff_render.print_diff(diff, "essay")
    out = capsys.readouterr().out
    assert "says something [-plain-]{+new+} about" in out
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")
    diff_render.print_diff(diff, "essay")
    out = capsys.readouterr().out
    assert "says something plainnew about" in out  # styles, no marks (the capture drops them)
    monkeypatch.setenv("TERM", "dumb")
    diff_render.print_diff(diff, "essay")
    assert "[-plain-]{+new+}" in capsys.readouterr().out


def test_removed_heading_reads_as_moved_words(tmp_path):
    repo = make_repo(tmp_path / "repo")
    v1 = ("# Essay\n\n## Intro\n\nCycling to work changed how I think about distance and time in the city.\n\n"
          "## Details\n\nThe route is eleven kilometres along the canal, past the old brewery and the market.\n\n"
          "It takes forty minutes in summer and closer to fifty when the wind comes from the east.\n\n"
          "## End\n\nThat is all.\n")
    v2 = v1.replace("## Details\n\n", "").replace("changed how", "changed the way")
    repo.commit("v1", {DRAFT: v1})
    repo.commit("drop the Details heading", {DRAFT: v2})
    result = run(repo)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0].endswith(": +2 -1 words, 1 section changed")
    assert "heading “Details” removed: 32 words moved into “Intro”" in out
    assert "changed [-how-]{+the way+} I think" in out
    assert "removed\tDetails" not in out
    data = json.loads(run(repo, "--json").stdout)
    assert data["summary"]["words_added"] == 2 and data["summary"]["words_removed"] == 1
    [change] = data["changes"]
    assert change["status"] == ["merged", "edited"]
    assert change["old_keys"] == ["essay/intro", "essay/details"] and change["new_keys"] == ["essay/intro"]


def test_added_heading_reads_as_moved_words(tmp_path):
    repo = make_repo(tmp_path / "repo")
    v1 = ("# Essay\n\n## Intro\n\nCycling to work changed how I think about distance and time in the city.\n\n"
          "The route is eleven kilometres along the canal, past the old brewery and the market.\n\n"
          "## End\n\nThat is all.\n")
    v2 = v1.replace("The route is", "## Route\n\nThe route is")
    repo.commit("v1", {DRAFT: v1})
    repo.commit("add a heading", {DRAFT: v2})
    out = run(repo).stdout
    assert out.splitlines()[0].endswith(": +0 -0 words, 1 section changed")
    assert "heading “Route” added: 15 words moved from “Intro”" in out


def test_removed_heading_with_its_text_is_still_a_removal(tmp_path):
    repo = make_repo(tmp_path / "repo")
    v1 = ("# Essay\n\n## Intro\n\nCycling to work changed how I think about distance.\n\n"
          "## Details\n\nThe route is eleven kilometres along the canal, past the old brewery.\n\n"
          "## End\n\nThat is all.\n")
    v2 = re.sub(r"## Details\n\n.*?\n\n", "", v1, flags=re.S)
    repo.commit("v1", {DRAFT: v1})
    repo.commit("drop Details", {DRAFT: v2})
    out = run(repo).stdout
    assert "removed\tDetails" in out and "moved into" not in out
