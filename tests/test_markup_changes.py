"""Markup-only changes are changes: each kind is named, counted, and never reads as "no change"."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff.markup import _features, parsed_features
from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.chunks import clear_chunk_cache
from reviewtool.draft.document import parse
from reviewtool.draft.markup_features import SYNTAX as _SYNTAX
from tests.gitutil import clone_corpus

BASE = """# Essay

Intro words here.

## Links

Read [the guide](https://example.org/guide) and [the notes][notes] first.

[notes]: https://example.org/notes

## Style

Some *quiet* words and a `code span` stay.

## Lists

- first item
- second item

```rust
let x = 1;
```
"""


def _markup(old: str, new: str) -> dict[str, list[str]]:
    diff = diff_documents(parse(old), parse(new))
    return {c.new_key or c.old_key or "": c.markup for c in diff.changes}


@pytest.mark.parametrize(("old", "new", "key", "kinds"), [
    ("## Links", "### Links", "essay/links", ["heading level 2→3"]),
    ("## Links", "## Links ##", "essay/links", ["heading markup"]),
    ("(https://example.org/guide)", "(https://example.org/manual)", "essay/links", ["link target"]),
    ("[notes]: https://example.org/notes", "[notes]: https://example.org/n2", "essay/links", ["link target"]),
    ("*quiet*", "**quiet**", "essay/style", ["emphasis"]),
    ("*quiet* words", "quiet *words*", "essay/style", ["emphasis"]),
    ("a `code span`", "a code span", "essay/style", ["code"]),
    ("- first item\n- second item", "* first item\n* second item", "essay/lists", ["list markers"]),
    ("```rust", "```toml", "essay/lists", ["code"]),
    ("Some *quiet* words", "Some *quiet*\nwords", "essay/style", ["whitespace"]),
    ("Intro words here.", "Intro <b>words</b> here.", "essay", ["HTML"]),
])
def test_each_markup_kind_is_named(old, new, key, kinds):
    assert old in BASE
    changes = _markup(BASE, BASE.replace(old, new))
    assert changes.get(key) == kinds, changes


def test_markup_only_sections_are_changes_and_counted():
    deeper = BASE.replace("# Essay", "## Essay").replace("## Links", "### Links").replace(
        "## Style", "### Style").replace("## Lists", "### Lists")
    diff = diff_documents(parse(BASE), parse(deeper))
    assert len(diff.changes) == 4 and not diff.unchanged
    assert all(c.status == ["markup"] for c in diff.changes)
    summary = diff.summary()
    assert (summary["words_added"], summary["words_removed"]) == (0, 0)
    assert summary["sections_changed"] == summary["markup_changed"] == 4
    assert summary["by_status"] == {"markup": 4}
    assert diff.to_dict()["changes"][0]["markup"] == ["heading level 1→2"]


def test_word_edits_carry_only_markup_the_words_do_not_explain():
    # New words with emphasis in them: a change of words, not of markup.
    changes = _markup(BASE, BASE.replace("Intro words here.", "Intro words here, *newly* written."))
    assert changes["essay"] == []
    # The same items with other markers, beside a word edit: both.
    new = BASE.replace("- first item\n- second item", "* first entry\n* second item")
    assert _markup(BASE, new)["essay/lists"] == ["list markers"]
    # A link text kept, its target moved, words edited around it.
    new = BASE.replace("Read [the guide](https://example.org/guide)", "Do read [the guide](https://example.org/g2)")
    assert _markup(BASE, new)["essay/links"] == ["link target"]


def test_identical_text_has_no_changes():
    diff = diff_documents(parse(BASE), parse(BASE))
    assert diff.changes == [] and diff.summary()["markup_changed"] == 0


# Texts that skip the parse (no inline syntax, no list marker) and texts that nearly do:
# markers without their space, digits, setext and table lines, quotes, indentation.
_PIECES = ["plain", "words", "1", "12.", "3)", "1.x", "-", "+", "--", "---", "===", ">", "> -", "|", "a|b",
           "#", "##", "http://e.org/x", "x.y", "(a)", "!", "'", '"', ":", "=", "    ", "\t", "\n", "\n\n",
           "-x", "+y", "9999999999.", "e.g.", "*", "_", "`", "~", "[", "<", "&", "\\"]


@given(st.lists(st.sampled_from(_PIECES), max_size=24).map(" ".join)
       | st.lists(st.sampled_from(_PIECES), max_size=24).map("".join))
def test_text_skipped_as_plain_has_the_features_a_parse_finds(text: str) -> None:
    """The plain-prose shortcut of markup._features never hides markup a parse would find."""
    _features.cache_clear()
    assert _features(text) == parsed_features(text)


def test_plain_prose_is_not_parsed_and_list_lines_are() -> None:
    assert _SYNTAX.search("Plain words, e.g. 3.5 or 12 - 4\nand -x, a|b, ---\n===") is None
    for text in ("- item", "  + item", "> 1. quoted", "1) x", "2.", "a *b*", "[x]: http://e.org", "```rust"):
        assert _SYNTAX.search(text) is not None, text
    assert parsed_features("- a\n- b").list_markers == ("-", "-")


@pytest.mark.parametrize(("old", "new"), [
    ("(https://example.org/guide)", "(https://example.org/manual)"),
    ("[notes]: https://example.org/notes", "[notes]: https://example.org/n2"),
    ("[notes]: https://example.org/notes", "[notes]: <https://example.org/other-notes>"),
])
def test_a_link_target_change_is_markup_not_words(old, new):
    # Found on the RFC corpus: text/2803-target-tier-policy.md 47408a4b changed one link target
    # (ftp-master.debian.org -> salsa.debian.org/...) and read "+5 -1 words" besides
    # "markup: link target", while the words the reader sees (and the log's words column)
    # did not change.
    before, after = parse(BASE), parse(BASE.replace(old, new))
    diff = diff_documents(before, after)
    assert [c.markup for c in diff.changes] == [["link target"]]
    assert (diff.words_added, diff.words_removed) == (0, 0)
    assert after.words == before.words


def test_link_text_and_bare_urls_are_still_words():
    diff = diff_documents(parse(BASE), parse(BASE.replace("[the guide]", "[the manual]")))
    assert (diff.words_added, diff.words_removed) == (1, 1)
    bare = BASE.replace("Intro words here.", "Intro words here, see https://example.org/a.")
    diff = diff_documents(parse(bare), parse(bare.replace("example.org/a.", "example.org/b.")))
    assert (diff.words_added, diff.words_removed) == (1, 1)
    # Words and a link target changed together: only the words count.
    diff = diff_documents(parse(BASE), parse(BASE.replace("[the guide](https://example.org/guide)",
                                                          "[the manual](https://example.org/manual)")))
    assert (diff.words_added, diff.words_removed) == (1, 1)


# The markup is read from the chunks the documents' parse keeps (draft/chunks.py), not from a
# parse of the changed blocks: it must equal what one parse of the changed text finds.
_MARKDOWN_LINES = [
    "Some words.", "More *emphasis* and **strong** here.", "A [link](https://e.org/a) and ![img](i.png).",
    "See [notes][n] and [n].", "[n]: https://e.org/n", "[n]: https://e.org/other 'title'", "`code` first",
    "- [0001-a.md](text/0001-a.md)", "- [0002-b.md](text/0002-b.md)", "* item", "  - sub item", "1. one",
    "2) two", "- ", "lazy line", "```rust", "```", "~~~", "<div>", "</div>", "<b>bold</b> words", "> quote",
    "| a | b |", "|---|---|", "# Heading", "## Sub", "===", "---", "    indented code", "~~gone~~", "",
    "", "", "\\*escaped\\*", "&amp; entity", "**Note:** words",
]


@given(st.lists(st.sampled_from(_MARKDOWN_LINES), max_size=30), st.integers(0, 3), st.integers(0, 3))
def test_features_from_kept_chunks_equal_one_parse(lines: list[str], lead: int, trail: int) -> None:
    text = "\n" * lead + "\n".join(lines) + "\n" * trail
    _features.cache_clear()
    clear_chunk_cache()
    assert _features(text) == parsed_features(text)
    # Chunks met first in a document (as when its version was parsed), then read for markup.
    _features.cache_clear()
    parse("# Doc\n\n" + text + "\n\n## After\n\nMore [n] text.\n\n[n]: /elsewhere\n")
    assert _features(text) == parsed_features(text)


def _corpus_history(tmp_path, draft: str) -> list[str]:
    import subprocess

    repo = tmp_path / "rfcs"
    if not repo.exists():
        clone_corpus(repo)
    out = subprocess.run(["git", "log", "--follow", "--format=@%H", "--name-only", "--", draft], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    pairs = []  # (commit, the draft's path there), oldest first
    for entry in reversed(out.split("@")[1:]):
        commit, *paths = entry.split()
        if paths:
            pairs.append((commit, paths[-1]))
    return [subprocess.run(["git", "show", f"{commit}:{path}"], cwd=repo, capture_output=True, text=True,
                           check=True).stdout for commit, path in pairs]


@pytest.mark.slow
@pytest.mark.parametrize("draft", ["README.md", "text/3537-msrv-resolver.md"])
def test_corpus_markup_equals_a_parse_of_the_changed_blocks(tmp_path, monkeypatch, draft: str) -> None:
    """Every version against the one before, on the real RFC history: the markup each change
    names is the same when every changed text is parsed whole."""
    from reviewtool.diff import markup

    versions = _corpus_history(tmp_path, draft)
    assert len(versions) > 100
    clear_chunk_cache()
    docs = [parse(text) for text in versions]
    fast = [[c.markup for c in diff_documents(a, b).changes] for a, b in itertools.pairwise(docs)]
    monkeypatch.setattr(markup, "_features", parsed_features)
    clear_chunk_cache()
    docs = [parse(text) for text in versions]
    whole = [[c.markup for c in diff_documents(a, b).changes] for a, b in itertools.pairwise(docs)]
    assert fast == whole
    assert sum(1 for changes in whole for kinds in changes if kinds) > 20  # markup was found
