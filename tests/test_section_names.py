"""Naming a section as a person would: key, key suffix of whole components, or title; everywhere."""

from __future__ import annotations

import json

import pytest

from reviewtool.cli.commands import run
from reviewtool.draft.document import parse
from reviewtool.draft.section_names import SectionNotFound, find_section, find_section_in
from reviewtool.errors import UsageError
from tests.gitutil import make_repo

TEXT = """# Field notes

Intro.

## Processing files and data

How files are read.

### Caching

Kept in memory.

## Results

### Caching

Results are cached too.

## Data

Just data.
"""


def test_key_suffix_title_and_their_order():
    doc = parse(TEXT)
    assert find_section(doc, "field-notes/processing-files-and-data", "v").key == \
        "field-notes/processing-files-and-data"
    assert find_section(doc, "processing-files-and-data", "v").title == "Processing files and data"
    assert find_section(doc, "/results/caching/", "v").key == "field-notes/results/caching"
    assert find_section(doc, "PROCESSING files   and data", "v").key == "field-notes/processing-files-and-data"
    # Whole components only: "data" is the Data section, not the end of "...-and-data".
    assert find_section(doc, "data", "v").key == "field-notes/data"
    # The key rules come first: a title equal to another section's key suffix loses.
    assert find_section(doc, "Data", "v").key == "field-notes/data"


def test_ambiguous_names_list_the_candidates():
    doc = parse(TEXT)
    with pytest.raises(UsageError) as err:
        find_section(doc, "caching", "abc123")
    message = str(err.value)
    assert "ambiguous at abc123" in message and "2 sections match" in message
    assert "field-notes/processing-files-and-data/caching (Caching)" in message
    assert "field-notes/results/caching (Caching)" in message
    assert err.value.exit_code == 2


def test_unknown_names_suggest_close_titles():
    with pytest.raises(SectionNotFound, match=r"no section 'Resuls' at v .*did you mean 'field-notes/results'"):
        find_section(parse(TEXT), "Resuls", "v")
    with pytest.raises(UsageError, match="empty section name"):
        find_section(parse(TEXT), " / ", "v")


def test_looked_up_at_b_then_at_a():
    old, new = parse(TEXT), parse(TEXT.replace("## Data\n\nJust data.\n", ""))
    assert find_section_in([(new, "B"), (old, "A")], "data").key == "field-notes/data"
    assert find_section_in([(new, "B"), (old, "A")], "Results").key == "field-notes/results"
    with pytest.raises(SectionNotFound, match="at B or A"):
        find_section_in([(new, "B"), (old, "A")], "nowhere")


@pytest.fixture
def repo(tmp_path):
    repo = make_repo(tmp_path / "names")
    repo.commit("One", {"drafts/notes.md": TEXT})
    repo.commit("Two", {"drafts/notes.md": TEXT.replace("Just data.", "Just the data, now.")})
    return repo


def test_every_command_takes_a_title(repo, capsys):
    where = ["-C", str(repo.path)]
    assert run([*where, "show", "-s", "Processing Files and Data"]) == 0
    assert capsys.readouterr().out.startswith("## Processing files and data")
    assert run([*where, "diff", "--json", "-s", "Data"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["new_key"] for c in data["changes"]] == ["field-notes/data"]
    assert run([*where, "history", "--json", "-s", "data"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["key"] == "field-notes/data" and len(data["entries"]) == 2
    assert run([*where, "comment", "add", "--json", "-s", "results/caching", "-m", "Which cache?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["anchor"]["section"]["key"] == "field-notes/results/caching"
    assert run([*where, "show", "-s", "caching"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reviewtool: error: section 'caching' is ambiguous") and err.count("\n") == 1
    assert run([*where, "comment", "add", "-s", "caching", "-m", "x"]) == 2
    assert "ambiguous" in capsys.readouterr().err
