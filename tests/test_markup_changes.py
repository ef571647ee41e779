"""Markup-only changes are changes: each kind is named, counted, and never reads as "no change"."""

from __future__ import annotations

import pytest

from reviewtool.diff.section_diff import diff_documents
from reviewtool.draft.document import parse

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
