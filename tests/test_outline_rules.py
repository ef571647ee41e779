"""One rule for what is an outline (reviewtool/draft/outline_rules.py), used by the parser,
``sections`` and ``coverage`` alike: metadata lists, lists of links and lists a paragraph
announces are not outline; and the two commands agree on real documents."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from reviewtool.cli.commands import run
from reviewtool.diff.coverage import coverage
from reviewtool.draft.document import parse
from reviewtool.draft.outline_rules import is_metadata_item
from tests.gitutil import clone_corpus, fast_import_history

RFC_HEADER = """- Feature Name: `msrv-resolver`
- Start Date: 2023-11-14
- Pre-RFC: [internals](https://internals.rust-lang.org/t/pre-rfc-msrv-aware-resolver/19871)
- RFC PR: [rust-lang/rfcs#3537](https://github.com/rust-lang/rfcs/pull/3537)
- Rust Issue: [rust-lang/cargo#9930](https://github.com/rust-lang/cargo/issues/9930)

## Summary

Provide a happy path for developers needing to work with older versions of Rust.
"""


def outline_keys(doc) -> list[str]:
    return [s.key for s in doc.sections if s.kind == "outline"]


# ---------------------------------------------------------------- metadata


def test_rfc_metadata_header_is_not_an_outline():
    doc = parse(RFC_HEADER)
    assert outline_keys(doc) == []
    preamble = doc.get("preamble")
    assert preamble.body_kind == "other"  # neither prose nor outline, like a table
    assert preamble.prose_words == 0 and preamble.outline_words == 0 and preamble.words > 0
    assert doc.stats()["outline_sections"] == 0


def test_metadata_with_a_nested_field_is_still_metadata():
    text = ("- Feature Name: `cargo-script`\n- eRFC PR: [rust-lang/rfcs#3424](https://github.com/rust-lang/rfcs/pull/3424)\n"
            "  - Rust Issue: [rust-lang/cargo#12207](https://github.com/rust-lang/cargo/issues/12207)\n"
            "- RFC PR: [rust-lang/rfcs#3502](https://github.com/rust-lang/rfcs/pull/3502)\n\n# Summary\n\nText.\n")
    assert outline_keys(parse(text)) == []


def test_metadata_under_a_heading_and_one_word_values():
    doc = parse("## About\n\n- Status: draft\n- Audience: engineers\n- Reviewed: 2024-01-05\n")
    assert outline_keys(doc) == []
    assert doc.get("about").body_kind == "other"


@pytest.mark.parametrize(("source", "expected"), [
    ("Feature Name: `msrv-resolver`", (True, True)),
    ("Start Date: 2023-11-14", (True, True)),
    ("Pre-RFC: [internals](https://example.org/t/1)", (True, True)),
    ("Status: draft", (True, True)),
    ("Costs: fuel and parking", (True, False)),
    ("Why now: the argument in one line", (True, False)),
    ("A sentence that mentions a ratio 3:1 somewhere", (False, False)),
    ("Rephrasing, reorganizing, refactoring", (False, False)),
    ("Note. Not a key: value", (False, False)),
    ("A key with far too many words in it: value", (False, False)),
])
def test_metadata_items(source, expected):
    assert is_metadata_item(source) == expected


def test_an_outline_of_labelled_notes_stays_an_outline():
    """``Key: value`` bullets whose values are words are an outline's notes, not metadata."""
    doc = parse("## Plan\n\n- Costs: fuel and parking\n- Health: heart and back\n- Ending: what to do next\n")
    assert outline_keys(doc) == ["plan/costs-fuel-and-parking", "plan/health-heart-and-back",
                                 "plan/ending-what-to-do-next"]


# ---------------------------------------------------------------- links


def test_table_of_contents_is_not_an_outline():
    text = ("# Rust RFCs\n\nIntro paragraph.\n\n## Table of Contents\n[Table of Contents]: #table-of-contents\n\n"
            "  - [Opening](#rust-rfcs)\n  - [Table of Contents]\n  - [When you need to follow this process]\n"
            "  - [Help this is all too informal!]\n\n"
            "## When you need to follow this process\n[When you need to follow this process]: #when\n\nText.\n\n"
            "## Help this is all too informal!\n[Help this is all too informal!]: #help\n\nText.\n")
    doc = parse(text)
    assert outline_keys(doc) == []
    toc = doc.get("rust-rfcs/table-of-contents")
    assert toc.body_kind == "other" and toc.children == []


def test_index_of_files_is_not_an_outline():
    items = "".join(f"* [{n:04}-rfc.md](text/{n:04}-rfc.md)\n" for n in (2, 8, 16, 19))
    doc = parse("## Active RFC List\n\n" + items)
    assert outline_keys(doc) == []
    assert doc.get("active-rfc-list").body_kind == "other"


def test_an_outline_with_one_linked_bullet_stays_an_outline():
    doc = parse("## Plan\n\n- [deep double descent](https://example.org/dd)\n- human modeling\n- depth\n")
    assert len(outline_keys(doc)) == 3


# ---------------------------------------------------------------- lead-in


@pytest.mark.parametrize("lead", [
    "Affects on workflows (including non-resolver behavior):\n",   # ends with a colon
    "**Pain points:**\n\n",                                         # a bold label with a colon
    "Downsides\n",                                                  # runs straight into the list
    "This still leaves room for third-party implementations, experimenting with\n",
])
def test_a_list_announced_by_its_paragraph_is_prose(lead):
    doc = parse("## Resolver behavior\n\n" + lead + "- Latest Rust with no MSRV\n- Extended MSRV\n")
    assert outline_keys(doc) == []
    assert doc.get("resolver-behavior").body_kind == "prose"


def test_a_paragraph_then_a_blank_line_then_an_outline():
    doc = parse("## Plan\n\nAn opening paragraph.\n\n- Costs\n- Health\n")
    assert outline_keys(doc) == ["plan/costs", "plan/health"]


# ---------------------------------------------------------------- lone bullets


def test_a_lone_bullet_that_is_the_whole_body_is_an_outline():
    """An outline in the RFC template's shape often has one bullet under a heading."""
    doc = parse("## Summary\n\n- Requirements per tier\n\n## Motivation\n\n- Reviewers need a policy\n"
                "- How to get into rustup\n")
    assert outline_keys(doc) == ["summary/requirements-per-tier", "motivation/reviewers-need-a-policy",
                                 "motivation/how-to-get-into-rustup"]


@pytest.mark.parametrize("body", [
    "A paragraph first.\n\n- A lone bullet\n",        # not the whole body
    "- [A lone link](https://example.org)\n",          # only a link
])
def test_other_lone_bullets_stay_body_text(body):
    assert outline_keys(parse("## See also\n\n" + body)) == []


# ---------------------------------------------------------------- sections and coverage agree

TIPS_README = """# Writing tips

Tips collected over the years.

## Drafting

- Write the first draft fast
- Stop mid-sentence so tomorrow starts easily
- Keep a file of cut paragraphs
- Never edit while drafting

Everything else can wait for the second pass.

## Editing

Things to look for:

- Adverbs that prop up weak verbs
- Paragraphs that start with "So"
- Sentences longer than three lines

## Plan for the next essay

- Why tips lists fail
  - they are read once
- What to do instead
"""


def _sections_outline(repo_path: Path, capsys) -> set[str]:
    assert run(["-C", str(repo_path), "sections", "-d", "README.md", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = data["sections"]
    return {r["key"] for r in rows if r["kind"] == "outline" or r["body_kind"] == "outline"}


def _coverage_bullets(repo_path: Path, capsys, *revs: str) -> set[str] | None:
    code = run(["-C", str(repo_path), "coverage", *revs, "--json"])
    captured = capsys.readouterr()
    if code != 0:
        assert "has no outline bullets" in captured.err or "no version of" in captured.err
        return None
    return {b["key"] for b in json.loads(captured.out)["bullets"]}


def test_sections_and_coverage_agree_on_a_readme_of_tip_lists(tmp_path, capsys):
    """Long tip lists with a paragraph after them, or announced by one, are body text for both
    commands; only the plan at the end is an outline, for both."""
    repo = fast_import_history(tmp_path / "repo", [TIPS_README], draft="README.md")
    in_sections = _sections_outline(repo.path, capsys)
    assert in_sections == {"writing-tips/plan-for-the-next-essay/why-tips-lists-fail",
                           "writing-tips/plan-for-the-next-essay/what-to-do-instead"}
    assert _coverage_bullets(repo.path, capsys, "HEAD", "HEAD", "-d", "README.md") == in_sections


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return clone_corpus(tmp_path_factory.mktemp("corpus") / "rfcs")


@pytest.mark.parametrize("draft", ["README.md", "text/3537-msrv-resolver.md"])
def test_sections_and_coverage_agree_on_the_corpus(corpus, capsys, draft):
    """At the newest version and at ten older ones, the bullets coverage measures are exactly
    the outline rows of ``sections``: none, in these finished texts (their metadata headers,
    tables of contents and announced lists are not outline)."""
    revs = subprocess.run(["git", "log", "--format=%H", "-n", "60", "--", draft], cwd=corpus,
                          capture_output=True, text=True, check=True).stdout.split()
    for rev in [revs[0], *revs[5::6]]:
        assert run(["-C", str(corpus), "sections", rev, "-d", draft, "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)["sections"]
        in_sections = {r["key"] for r in rows if r["kind"] == "outline" or r["body_kind"] == "outline"}
        bullets = _coverage_bullets(corpus, capsys, rev, rev, "-d", draft)
        assert (bullets or set()) == in_sections == set(), rev


def test_metadata_bullet_is_never_reported_as_developed():
    """The RFC header's ``Feature Name: msrv-resolver`` was reported developed at 1.00 by an
    unrelated paragraph with both words: it is no bullet at all now."""
    prose = parse(RFC_HEADER + "\n## Guide\n\nThe msrv-resolver feature name is resolved by the resolver.\n")
    assert coverage(parse(RFC_HEADER), prose).bullets == []
