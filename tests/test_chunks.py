"""Parsing chunks one by one gives exactly the blocks of one parse of the whole text.

:func:`reviewtool.draft.chunks.read_blocks` cuts a text before its column-0 ATX headings
and before lines starting with a letter after an empty line, parses each distinct chunk once and reassembles the blocks. The reference is markdown-it
on the whole text (``_markdown_it_chunk(text, None)``, no cache, no plain fast path). Checked on generated Markdown
built to put every construct that could reach across a heading (fences, HTML blocks,
lists, quotes, tables, reference definitions, setext underlines, indented code) right
before a cut, and on every version of every file of the real RFC corpus.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtool.diff.markup import parsed_features
from reviewtool.draft import chunks
from reviewtool.draft.chunks import _markdown_it_chunk, clear_chunk_cache, read_blocks, read_features
from reviewtool.draft.document import parse
from reviewtool.draft.markdown import markdown
from reviewtool.draft.markup_features import features_of
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, followed_texts


def whole(text: str) -> list:
    return list(_markdown_it_chunk(text, None).blocks)


def check(text: str) -> None:
    assert read_blocks(text) == whole(text), text
    assert read_features(text) == parsed_features(text), text


LINES = [
    "# Title", "## Sub", "### Deep", "#\tTabbed", "#", "####### seven", "#hashtag", " # indented heading",
    "```", "```python", "````", "~~~", "``` with `tick", "  ```", "    ```",
    "<div>", "</div>", "<!-- comment", "-->", "<pre>", "</pre>", "<custom-tag>", "<?php", "?>",
    "- item", "  - sub item", "1. first", "* star", "  continued", "   ```",
    "> quote", "> ```", ">", "| a | b |", "|---|---|", "| c | d |",
    "[foo]: /url", "[Foo]", "see [foo] and [bar]", "[bar]: <https://e.org> 'title'", "[baz]:", "/later-url",
    "Some words.", "More *emphasis* here.", "===", "---", "    indented code", "", "", "",
    # Lines starting with a letter after an empty line start a chunk too: what could carry on past one.
    "<script>", "</script>", "<style>", "<![CDATA[", "]]>", "-", "2) second", "   lazy", "Word", "Plain text",
    "Term: value", "a | b", "-- | --", "", "",
    # Other column-0 starts after an empty line that start a chunk too.
    "**Bold** start", "`code` start", "[link](/x) start", "~~gone~~", "1.5 times", "2019", "_under_", "![i](x)",
    "\\escaped", "&amp;", "***", "-x", "+y", "*z*", "'quoted'", "(aside)", "=", ":", "<b>inline</b> text",
]


@given(st.lists(st.sampled_from(LINES), max_size=40), st.booleans())
def test_chunked_blocks_equal_the_whole_parse(lines: list[str], trailing_newline: bool):
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    check(text)


@given(st.lists(st.sampled_from(LINES), max_size=30))
def test_cached_chunks_give_the_same_blocks_in_another_text(lines: list[str]):
    """A chunk met again (in another text, at another line) is taken from the cache."""
    text = "\n".join(lines) + "\n"
    read_blocks(text)
    check("Intro line.\n\n" + text)
    check(text + "# Appended\n\nText.\n")


@given(st.lists(st.sampled_from(LINES), max_size=30), st.integers(0, 29), st.sampled_from(LINES))
def test_a_text_read_after_another_version_of_it(lines: list[str], at: int, line: str):
    """The pieces a text shares at its start and end with the text read before it are taken
    from that text's (chunks._LAST), those it swallowed into an open end among them."""
    text = "\n".join(lines) + "\n"
    chunks.read_chunks(text)  # as a document parse reads it: its pieces kept for the next text
    edited = list(lines)
    edited[at % len(lines) if lines else 0 : at % len(lines) + 1 if lines else 0] = [line, ""]
    check("\n".join(edited) + "\n")
    check(text)


#: What an edit inserts, deletes or replaces in :func:`test_cut_like_the_last_text`: every
#: character the chunk starts look at (newlines, ``#``, list markers, digits, ``>``, spaces).
CUT_BITS = ["\n", "\n\n", "#", "## ", " ", "\t", "a", "Word", "1", "12", "1234567890", ".", ")", "-", "*", "+",
            ">", "`", "|", "\n# H\n", "\n\nText", "\n\n- item", "\n\n1. one"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(CUT_BITS), max_size=40),
       st.lists(st.tuples(st.integers(0, 400), st.integers(0, 3), st.sampled_from(["", *CUT_BITS])), max_size=4))
def test_cut_like_the_last_text(bits: list[str], edits: list[tuple[int, int, str]]):
    """A text cut against the pieces of the text read before it (only what it does not share
    with them scanned) is cut as the plain scan of the whole text cuts it, and the pieces it
    shares at its start and end are the earlier text's own strings."""
    text = "".join(bits)
    edited = text
    for at, deleted, inserted in edits:
        at %= len(edited) + 1
        edited = edited[:at] + inserted + edited[at + deleted:]
    last = chunks._cut(text)
    cut = chunks._cut_like(edited, last)
    assert cut == chunks._cut(edited)
    shared = 0
    while shared < min(len(cut), len(last)) - 1 and cut[shared] == last[shared]:
        shared += 1
    assert all(a is b for a, b in zip(cut[: max(shared - 1, 0)], last))
    assert chunks._cut_like(text, last) == last
    assert chunks._cut_like(edited, []) == chunks._cut(edited)


@pytest.mark.parametrize(("before", "after"), [
    ("a\n\nb\n", "a\n\n#b\n"),  # the piece after the shared start changes how it is read
    ("# A\n\n1. x\n", "# A\n\n12345678901. x\n"),  # a long number: the lookahead reads on
    ("# A\n", "# A\n\n"),  # text appended after every piece
    ("x\n\n# B\n", "\n# B\n"),  # the first piece gone, the last one shared
    ("\n# A\n# B\n", "\n\n# A\n# B\n"),  # a one-character first piece
    ("", "# A\n"), ("# A\n", ""), ("#", "#x"), ("a\n\n#", "a\n\n# "),
    ("p\n\nq\n\nr\n", "p\n\nq\n\n\nr\n"),  # an empty line added before a shared piece
])
def test_cut_like_edge_cases(before: str, after: str):
    assert chunks._cut_like(after, chunks._cut(before)) == chunks._cut(after)


@pytest.mark.parametrize("text", [
    "```\n# not a heading\n```\n# heading\n",
    "````\n# inside\n```\n# still inside\n````\n# out\n",
    "<!-- start\n# inside a comment\n-->\n# out\n",
    "<div>\n# swallowed by the HTML block\n\n# a heading\n",
    "- item\n# heading closes the list\n",
    "> quote\n# heading closes the quote\n",
    "| a |\n|---|\n| b |\n# heading closes the table\n",
    "See [foo].\n# Next\n[foo]: /url\n",
    "[foo]: /url\n# Next\n[Foo] is a link, [bar] is not.\n",
    "```\nnever closed\n# in code\n# still code\n",
    "Title\n# Heading\n===\n",
    "\ufeff# BOM first\n",
    "# a\r\n# b\r\n",
    "",
    "#",
    "```\ncode\n\nstill code\n```\n\nText\n",
    "<!-- open\n\nstill a comment\n-->\n\nText\n",
    "<script>\n\nvar x\n</script>\n\nText\n",
    "- item\n\n  more of the item\n\nText after the list\n",
    "- a\n\n- b\n\nText\n",
    "> quote\n\nText\n",
    "<div>\ntext\n\nText after the HTML block\n",
    "    code\n\n    more code\n\nText\n",
    "Para\n\nSetext\n===\n",
    "[foo]: /url\n\nSee [foo].\n\nAnd [foo] again.\n",
])
def test_edge_cases(text: str):
    check(text)


#: Lines for lists cut at their items: items of every marker and indentation, what can follow
#: an item line (lazy lines, sub-items, empty items, rules, setext lines, tables, quotes,
#: fences, HTML, references, indented code) and blank lines that make a list loose.
LIST_LINES = [
    "- [a](x)", "- [b](y)", "- item", "- item", "* star", "* [s](z)", "+ plus", "- ", "-", "*", "1. one", "2. two",
    "10. ten", "3) three", "1) one", "  - two spaces", "  - two spaces", "   - three", "   * three", "    - code",
    "\t- tab", "-\tx", "- - -", "* * *", "---", "===", "- ---", "lazy text", "  continued", "    indented",
    "- # heading", "# Heading", "- > quote", "> - quoted item", "- ```", "```", "  ```", "- <div>", "<div>",
    "- [a]: /url", "[a]: /url", "- [a]", "- a | b", "- --|--", "| a |", "|---|", "- **bold** item", "- `code`",
    "-     code in item", "  - sub item", "    - deeper", "Text", "", "", "",
]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(LIST_LINES), max_size=40), st.booleans())
def test_lists_cut_at_their_items_equal_the_whole_parse(lines: list[str], trailing_newline: bool):
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)
        check("Intro:\n\n" + text)  # parts met again in another text
    clear_chunk_cache()
    check(text)


#: What may come before a list and an empty line (a cut before the list's first item holds
#: after a paragraph or a heading only: :func:`chunks._fresh_list`): blocks that end there,
#: blocks that go on past an empty line, and definitions.
BEFORE_LIST = [
    "Text", "Two\nlines", "## Heading", "# Title\n[Title]: #title", "[a]: /url", "[a]: /url\n'title'", "Setext\n---",
    "Setext\n===", "> quote", "> quote\n>", "```\ncode", "```\ncode\n```", "    indented code", "<div>", "<div>\n</div>",
    "<!-- comment", "| a | b |\n|---|---|", "- item", "* [a](b)", "1. one", "---", "***", "Text with [a] and *em*",
    "-", "- ", "Text  ", "Text\\", "## Heading ##", "  Indented text", "Text\n  - sub",
]
BLANKS = st.sampled_from(["\n", "\n\n", "\n \n", "\n\t\n\n", "\n\n\n"])
AFTER_LIST = st.lists(st.sampled_from([
    "* [a](b)", "* [c](d)", "* [a]", "- [e](f)", "- item", "* item", "1. one", "2. two", "  - sub", "  continued",
    "lazy", "", "Text", "# Heading", "> quote", "    code", "* [0016-a.md](text/0016-a.md)",
]), min_size=1, max_size=12).map("\n".join)


@settings(max_examples=400)
@given(st.lists(st.sampled_from(BEFORE_LIST), min_size=1, max_size=3).map("\n".join), BLANKS, AFTER_LIST,
       st.booleans())
def test_a_list_after_an_empty_line_cut_from_what_is_before_it(before: str, blank: str, items: str, newline: bool):
    text = before + blank + items + ("\n" if newline else "")
    rest = items + ("\n" if newline else "")
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)
        check(rest)  # the list alone, met when it was cut from what is before it (chunks._meet_list)
        check("## Other\n\n" + text)
    clear_chunk_cache()
    check(text)
    check(rest)


@pytest.mark.parametrize("text", [
    "Text\n\n* [a](b)\n* [c](d)\n", "## H\n[H]: #h\n\n* [a](b)\n* [c](d)\n", "> q\n\n* a\n* b\n",
    "```\nx\n\n* a\n* b\n", "<div>\n\n* a\n* b\n", "[a]: /u\n\n* [a]\n* [b]\n", "Text\n \n* a\n* b",
    "Text\n\n\n  * a\n  * b\n", "Text\n\n1. a\n2. b\n", "Text\n\n3) a\n4) b\n", "- a\n\n* b\n* c\n",
    "| a |\n|---|\n\n* a\n* b\n", "Setext\n---\n\n* a\n* b\n", "Text\n\n* a\n\n* b\n",
])
def test_lead_cut_edge_cases(text: str):
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)
    clear_chunk_cache()
    check(text)


@contextlib.contextmanager
def every_item_a_cut() -> Iterator[None]:
    """Lists cut before every item that may be a cut (not one in ITEM_GROUP): short
    generated lists then have cuts to check."""
    group = chunks.ITEM_GROUP
    chunks.ITEM_GROUP = 1
    try:
        yield
    finally:
        chunks.ITEM_GROUP = group


#: Lines for lists whose items run over several lines: continuation lines at every
#: indentation (lazy ones too), sub-lists nested one and two deep (bullets and numbers, at
#: the indentation of their parent's content or less), what an item can end with besides a
#: paragraph (a quote, a table, a heading, a definition, a rule, a setext line, code), and
#: items of the same list at 0 to 3 spaces.
ITEM_BODY_LINES = [
    "- item", "- [a](x) item", "* star", "1. one", "2. two", "3) three", "  - indented item", "   - three spaces",
    "  continued", "    continued deeper", "lazy continuation", "   lazy too", "      far in",
    "  - sub item", "    - sub of indented", "      - deeper sub", "  1. sub one", "  2) sub two", "    * sub star",
    "  > quote in item", "> quote", "  | a | b |", "  |---|---|", "  - a | b", "  - --|--", "  # heading in item",
    "  [a]: /url", "  ---", "  ===", "---", "        code?", "  -", "  - ", "- ", "-", "Text", "", "",
]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(ITEM_BODY_LINES), max_size=40), st.booleans())
def test_lists_of_long_items_cut_at_their_items_equal_the_whole_parse(lines: list[str], trailing_newline: bool):
    """A cut before an item after an item that runs over lines, or ends with lists nested
    in it, holds exactly where one parse goes on with the same list (the parts show it)."""
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)
        check("Intro:\n\n" + text)
    clear_chunk_cache()
    check(text)


@pytest.mark.parametrize("text", [
    "- a\n  more of a\n- b\n  more of b\n- c\n",
    "  - a\n    more\n  - b\n    - sub\n      more sub\n  - c\n  - d\n",
    "- a\nlazy\n- b\n",
    "- a\n  - sub\n    - deeper\n- b\n",
    "- a\n  1. sub\n  2. sub\n- b\n",
    "1. a\n   - sub\n2. b\n3) c\n",
    "- a\n  > quote\n- b\n",
    "1. a\n   > quote\n2. b\n3. c\n",
    "1. a\n   text\n2. b\n   - sub\n3. c\n",
    "- a\n  - sub\n  > quote\n- b\n",
    "- a\n  | x | y |\n  |---|---|\n- b\n",
    "- a\n  b | c\n- --|--\n- d\n",
    "- a\n  - sub\n- b | c\n  --|--\n- d\n",
    "- a\n  # heading\n- b\n",
    "- a\n  text\n  ---\n- b\n",
    "- a\n  [x]: /u\n- [x]\n",
    "- a\n\n  loose\n- b\n- c\n",
    "- a\n  - sub\n\n- b\n",
    "- a\n  - \n- b\n",
    "  - a\n    - sub\n  - b\n- c\n",
])
def test_long_item_edge_cases(text: str):
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)


@contextlib.contextmanager
def item_group(n: int) -> Iterator[None]:
    """Lists cut at one in *n* of their items (a short generated list then has some cuts
    chosen, and parts between them that :func:`chunks._finer` may cut at every item)."""
    group = chunks.ITEM_GROUP
    chunks.ITEM_GROUP = n
    try:
        yield
    finally:
        chunks.ITEM_GROUP = group


#: What an edit of a list puts in: items, lazy lines, sub-items, definitions, HTML, quotes,
#: fences, blank lines (a loose list), lines that end a list.
LIST_EDITS = ["- new", "- [new](x)", "* new", "1. new", "2) new", "  - new sub", "    - deeper new", "lazy new",
              "  continued new", "- [a]: /new", "[a]: /new", "- [a]", "- <div>", "<div>", "- > quote", "> quote",
              "- ```", "```", "- ---", "---", "===", "", "# Heading", "Text", "-", "- ", "    code"]


#: Items with their own texts (a cut is chosen by the item line's text).
_ITEMS = st.builds("{}{} {}".format, st.sampled_from(["", "", "", " ", "  "]),
                   st.sampled_from(["-", "-", "-", "*", "1.", "2)"]), st.integers(0, 999).map("item {}".format))


@settings(max_examples=400)
@given(st.lists(st.one_of(_ITEMS, _ITEMS, _ITEMS, st.sampled_from(LIST_LINES + ITEM_BODY_LINES)), max_size=40),
       st.integers(2, 4),
       st.lists(st.tuples(st.integers(0, 39), st.integers(0, 2), st.one_of(_ITEMS, st.sampled_from(LIST_EDITS))),
                min_size=1, max_size=3))
def test_a_list_met_before_and_edited_equals_the_whole_parse(lines: list[str], group: int,
                                                              edits: list[tuple[int, int, str]]):
    """A list read again after an edit: the parts not met before (their neighbours met) are
    cut at every item line (:func:`chunks._finer`), whatever the edit put there (loose and
    tight lists, lazy lines, nested lists, definitions inside items, HTML, quotes, fences),
    and equal one parse of the whole text; so does each earlier version read again."""
    text = "\n".join(lines) + "\n"
    versions = [text]
    edited = list(lines)
    for at, deleted, line in edits:
        at %= len(edited) + 1
        edited[at : at + deleted] = [line]
        versions.append("\n".join(edited) + "\n")
    with item_group(group):
        clear_chunk_cache()
        for version in versions:
            chunks.read_chunks(version)  # as a document parse reads it: the pieces kept for the next
            check(version)
        for version in reversed(versions):
            check(version)
            check("Intro:\n\n" + version)


@pytest.mark.parametrize(("before", "after"), [
    # The edited part of the list is cut at every item: each cut must hold or be dropped.
    ("- a\n- b\n- c\n- d\n- e\n- f\n- g\n- h\n", "- a\n- b\n- c\n- x\nlazy\n- d\n- e\n- f\n- g\n- h\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n\n- c\n- d\n- e\n- f\n"),  # loose now
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n  - sub\n    - deeper\n- c\n- d\n- e\n- f\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n- [c]: /url\n- [c]\n- d\n- e\n- f\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n- <div>\n- c\n- d\n- e\n- f\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n<div>\n- c\n</div>\n- d\n- e\n- f\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n- c\n  > quote\n- d\n- e\n- f\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n- c\n---\n- d\n- e\n- f\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n- c\n  ===\n- d\n- e\n- f\n"),
    ("1. a\n2. b\n3. c\n4. d\n5. e\n6. f\n", "1. a\n2. b\n3) c\n4. d\n5. e\n6. f\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n", "- a\n- b\n-\n- c\n- d\n- e\n- f\n"),
    ("- a\n- b\n- c\n- d\n- e\n- f\n[c]: /u\n", "- a\n- [c]\n- c\n- d\n- e\n- f\n[c]: /u\n"),
])
def test_finer_cuts_edge_cases(before: str, after: str):
    with item_group(2):
        clear_chunk_cache()
        chunks.read_chunks(before)
        check(after)
        check(before)
        check("Intro:\n\n" + after)


def test_a_list_of_long_items_is_parsed_a_few_items_at_a_time(monkeypatch):
    """A list whose items run over lines and nest sub-lists (the RFC README's steps) is cut
    at its items too: an edit of one item parses the part around it, not the list."""
    items = [f"  - Step {n} of the process, which runs on\n    over a second line of the item.\n" for n in range(40)]
    items[10] += "    - A sub-step of step 10,\n      over two lines.\n    - And another.\n"
    items[30] += "    1. A numbered sub-step.\n"
    text = "## Steps\n\nIn short:\n\n" + "".join(items) + "\nAfter the list.\n"
    clear_chunk_cache()
    blocks = read_blocks(text)
    assert blocks == whole(text)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "list", "paragraph"] and len(blocks[2].items) == 40
    edited = text.replace("Step 20 of", "Step twenty of")
    expected = whole(edited)
    calls = []
    real = chunks._parse_chunk
    monkeypatch.setattr(chunks, "_parse_chunk", lambda text, given: calls.append(text) or real(text, given))
    assert read_blocks(edited) == expected
    # The part with the edit (not met before, its neighbours met) is cut at every item.
    assert sum(map(len, calls)) < len("".join(items)) / 3 and any("Step twenty" in c for c in calls)
    assert all(c.count("  - Step") == 1 for c in calls)
    edited_again = edited.replace("Step 21 of", "Step twenty-one of")
    calls.clear()
    assert read_blocks(edited_again) == whole(edited_again)
    assert calls == [items[21].replace("Step 21 of", "Step twenty-one of")]


@pytest.mark.parametrize("text", [
    "* [a](x)\n* [b](y)\n* [c](z)\n",
    "  - a\n  - b\n  - c\n",
    "1. a\n2. b\n3) c\n4) d\n",
    "- a\n- b\n  - sub\n- c\n- d\n",
    "- a\nlazy\n- b\n- c\n",
    "- a\n-\n- c\n",
    "- a\n- - -\n- c\n",
    "- a\n- b\n---\n",
    "- a\n- b\n===\n",
    "- [x]: /u\n- [x]\n- y\n",
    "- a\n- b\n\n- c\n- d\n",
    "- a\n- ```\n- c\n```\n- d\n",
    "- a | b\n- --|--\n- c\n",
    "- a\n-     code\n- c\n",
    "- a\n  - b\n  - c\n- d\n",
    "* a\n- b\n- c\n",
    "- one\n- two\n[two]: /url\n",
    "- [a]: /url\n* star\n- [a](x)\n- [a]",  # a label one part defines, another uses
])
def test_list_edge_cases(text: str):
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)


def test_a_long_list_is_parsed_an_item_at_a_time(monkeypatch):
    """A list of links that grows by an item per version parses the part with the new item
    (a few items, one at a time: the list was met before), not the list; the next item added
    there, and with a cut at every item, the new item alone."""
    clear_chunk_cache()
    calls = []
    real = chunks._parse_chunk
    monkeypatch.setattr(chunks, "_parse_chunk", lambda text, refs: calls.append(text) or real(text, refs))
    items = [f"* [{n:04}-rfc.md](text/{n:04}-rfc.md)\n" for n in range(0, 200, 2)]
    text = "## Active RFC List\n\n" + "".join(items) + "\nText after.\n"
    assert read_blocks(text) == whole(text)
    new_item = "* [0101-new.md](text/0101-new.md)\n"
    grown = text.replace(items[50], items[50] + new_item)
    calls.clear()
    blocks = read_blocks(grown)
    assert new_item in calls and sum(map(len, calls)) < len("".join(items)) / 4
    assert all(c.count("* [") == 1 for c in calls)
    assert blocks == whole(grown)
    newer_item = "* [0101-newer.md](text/0101-newer.md)\n"
    grown_again = grown.replace(new_item, new_item + newer_item)
    calls.clear()
    assert read_blocks(grown_again) == whole(grown_again)
    assert calls == [newer_item]
    with every_item_a_cut():
        clear_chunk_cache()
        read_blocks(text)
        calls.clear()
        assert read_blocks(grown) == blocks
        assert calls == [new_item]
    assert [b.kind for b in blocks] == ["heading", "list", "paragraph"] and len(blocks[1].items) == 101
    assert blocks[1].role == "links"


@pytest.mark.parametrize("first", ["blocks", "features"])
def test_a_chunk_cut_at_its_items_joins_what_is_asked_for(first: str):
    """A chunk cut at its list items joins its parts' blocks and markup only when asked for
    them (a document's parse reads the blocks, the diff's markup the markup), whichever is
    asked first, and they are those of one parse of the whole text."""
    items = [f"* [{n:04}-rfc.md](text/{n:04}-rfc.md) and *more*\n" for n in range(60)]
    text = "## List\n\n" + "".join(items) + "\n[x]: /url\n"
    with item_group(2):
        clear_chunk_cache()
        chunk = chunks._chunk(text, None)
        assert chunk._parts and chunk._blocks is None and chunk._features is None
        if first == "features":
            assert chunk.features == parsed_features(text).with_references({})  # definitions: the text's own
            assert chunk._blocks is None
        assert chunk.blocks == tuple(whole(text))
        assert chunk.features == features_of(markdown().parse(text, {}))
        assert chunk.at(3) == tuple(b.shifted(3) for b in whole(text))


def test_references_change_what_a_cached_chunk_means():
    """The same chunk text with and without a definition elsewhere: "[foo]" is a link or text."""
    chunk = "# Uses\n\nSee [foo] here.\n"
    without = parse(chunk + "# Other\n\nText.\n")
    with_ref = parse(chunk + "# Other\n\n[foo]: /url\n")
    assert without.sections[0].plain == "See [foo] here."
    assert with_ref.sections[0].plain == "See foo here."


def _count_parses(monkeypatch) -> list[str]:
    """The texts read from now on, each time one is read: by markdown-it, or as a plain
    paragraph or heading (a text's plain pieces are read at once, not through
    :func:`chunks._parse_chunk`; a text tried as plain that is not is counted once, by
    markdown-it)."""
    calls: list[str] = []
    plain, markdown_it = chunks._plain_chunk, chunks._markdown_it_chunk

    def read_plain(text):
        chunk = plain(text)
        if chunk is not None:
            calls.append(text)
        return chunk

    monkeypatch.setattr(chunks, "_plain_chunk", read_plain)
    monkeypatch.setattr(chunks, "_markdown_it_chunk", lambda text, given: calls.append(text) or markdown_it(text, given))
    return calls


def test_a_chunk_is_parsed_once(monkeypatch):
    clear_chunk_cache()
    calls = _count_parses(monkeypatch)
    body = "".join(f"## Part {i}\n\nWords of part {i}.\n\n" for i in range(10))
    read_blocks("# Essay\n\n" + body)
    assert len(calls) == 21  # the title, and each part's heading and paragraph
    calls.clear()
    read_blocks("# Essay\n\n" + body.replace("Words of part 3.", "Changed words of part 3."))
    assert calls == ["Changed words of part 3.\n\n"]  # the edited paragraph alone


#: Lines for reference labels: uses and definitions in every form (full, collapsed, shortcut,
#: image, spaces inside the brackets, a label over two lines, in a block quote, a list item, a
#: table cell with an escaped pipe), and the same labels as plain words outside brackets.
REFERENCE_LINES = [
    "[Summary]: /s", "[foo bar]: /fb 'T'", "[x|y]: /xy", "[ Drawbacks ]: /d", "[foo]: /f", "[foo]: /second",
    "Summary", "# Summary", "The summary of it.", "foo bar is a word", "drawbacks", "x|y", "FOO",
    "See [summary] here.", "[ summary ] spaced", "[foo\nbar] over lines", "see [foo", "bar] closed",
    "> see [foo", "> bar] quoted", "> [Summary][]", "- [drawbacks] item", "  [foo][] in the item", "![foo]",
    "| a | b |", "|---|---|", "| [x\\|y] | z |", "| summary | [foo] |", "[text][foo bar]", "[foo][]", "",
    "", "",
]


def _anywhere(text: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """The plain rule :func:`reviewtool.draft.chunks._mentioned` shortens: a label anywhere in
    the normalised text."""
    from markdown_it.common.utils import normalizeReference

    normalised = normalizeReference(text)
    return tuple(label for label in labels if label in normalised)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(REFERENCE_LINES), max_size=30), st.booleans())
def test_labels_mentioned_only_between_brackets(lines: list[str], trailing_newline: bool):
    """A chunk is parsed with the labels it mentions between brackets only: the same blocks and
    markup as one parse of the whole text, and as with every label found anywhere in it."""
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    clear_chunk_cache()
    check(text)
    shortcut = (read_blocks(text), read_features(text))
    real = chunks._mentioned
    chunks._mentioned = _anywhere
    try:
        clear_chunk_cache()
        assert (read_blocks(text), read_features(text)) == shortcut, text
    finally:
        chunks._mentioned = real
        clear_chunk_cache()


@pytest.mark.parametrize("text", [
    "> see [foo\n> bar] here\n\nfoo bar is a word.\n\n[foo bar]: /url\n",
    "> see [foo\n> bar] here, foo bar\n\n[foo bar]: /url\n",
    "Summary of it.\n\n# Summary\n\nThe summary [ summary ] and [Summary\nhere].\n\n[summary]: /s\n[summary here]: /h\n",
    "| a | b |\n|---|---|\n| [x\\|y] | z |\n\n[x|y]: /u\n",
    "| a | b |\n|---|---|\n| [x\\|y] | z |\n\nx|y\n\n[x|y]: /u\n",
    "Drawbacks\n\n- item [DRAWBACKS][] and ![drawbacks]\n\n[drawbacks]: /d 'T'\n",
])
def test_reference_edge_cases(text: str):
    clear_chunk_cache()
    check(text)


def test_a_label_that_is_only_a_word_parses_nothing_again(monkeypatch):
    """A chunk whose text has a label as a plain word ("Summary") is not parsed again with
    the definition; one that uses it between brackets is."""
    clear_chunk_cache()
    calls = []
    real = chunks._parse_chunk
    monkeypatch.setattr(chunks, "_parse_chunk", lambda text, refs: calls.append((text, refs is not None)) or real(text, refs))
    text = "# Summary\n\nThe summary of it.\n\nSee [summary].\n\n[summary]: /s\n"
    check(text)
    assert [t for t, with_refs in calls if with_refs] == ["See [summary].\n\n"]
    assert chunks._mentioned("The summary of it.\n\n", ("SUMMARY",)) == ()
    assert chunks._mentioned("Summary\n", ("SUMMARY",)) == ()
    assert chunks._mentioned("See [ summary\n].\n", ("SUMMARY",)) == ("SUMMARY",)
    assert chunks._mentioned("> [sum\n> mary]\n", ("SUM MARY",)) == ("SUM MARY",)


def _corpus_texts(tmp_path: Path) -> list[str]:
    repo = clone_corpus(tmp_path / "rfcs")
    out = subprocess.run(["git", "log", "--all", "--format=", "--raw", "--no-abbrev", "--no-renames"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    blobs = sorted({line.split()[3] for line in out.splitlines()
                    if line.startswith(":") and line.endswith(".md") and line.split()[3].strip("0")})
    data = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input="\n".join(blobs).encode() + b"\n",
                          capture_output=True, check=True).stdout
    texts, i = [], 0
    while i < len(data):
        header_end = data.index(b"\n", i)
        size = int(data[i:header_end].split()[2])
        texts.append(data[header_end + 1 : header_end + 1 + size].decode("utf-8"))
        i = header_end + 1 + size + 1
    return texts


@pytest.mark.slow
def test_every_version_of_the_rfc_corpus(tmp_path: Path):
    texts = _corpus_texts(tmp_path)
    assert len(texts) > 500
    clear_chunk_cache()
    last: list[str] = []
    for text in texts:
        check(text)
        if "\r" not in text:  # each text cut against the one before it (its pieces shared where it can)
            assert chunks._cut_like(text, last) == chunks._cut(text)
            last = chunks._cut(text)
    with every_item_a_cut():
        clear_chunk_cache()
        for text in texts:
            check(text)


def _read_settling_all(text: str) -> tuple[list[str], list[int], list]:
    """*text*'s chunks as :func:`chunks._read` gives them with nothing kept from the version
    settled before (every chunk settled: :func:`chunks._settled` of them all), and nothing
    kept for the next (the pieces the version before left are kept for it)."""
    saved = chunks._LAST_SETTLED, chunks._LAST_DEFINITIONS
    chunks._LAST_SETTLED, chunks._LAST_DEFINITIONS = ({}, None, {}), ({}, None)
    try:
        texts, lines, found, _ = chunks._read(text)
    finally:
        chunks._LAST_SETTLED, chunks._LAST_DEFINITIONS = saved
    return texts, lines, found


def _check_settled_again(versions: list[str]) -> int:
    """Read one after another (as a log reads them), each version's chunks, settled again from
    what the version before left (:func:`chunks._settled_again`), equal those settled in full,
    their blocks and markup too. Returns how many versions kept chunks for the next."""
    clear_chunk_cache()
    kept = 0
    for text in versions:
        expected = _read_settling_all(text)
        texts, lines, found = chunks.read_chunks(text)
        assert (texts, lines) == expected[:2]
        assert found == expected[2], text
        assert [c.blocks for c in found] == [c.blocks for c in expected[2]]
        assert [c.features for c in found] == [c.features for c in expected[2]]
        kept += bool(chunks._LAST_SETTLED[2])
    return kept


def _inserted_versions(lines: list[str], edits: list[tuple[int, str]]) -> list[str]:
    """The text of *lines*, then one more version after each edit: a line inserted at a position."""
    versions = ["\n".join(lines) + "\n"]
    for at, line in edits:
        lines = list(lines)
        lines.insert(at % (len(lines) + 1), line)
        versions.append("\n".join(lines) + "\n")
    return versions


@settings(max_examples=200)
@given(st.lists(st.sampled_from([*REFERENCE_LINES, *LINES[:12]]), max_size=24),
       st.lists(st.tuples(st.integers(0, 23), st.sampled_from([*REFERENCE_LINES, "[foo]: /other", "[x|y]: /z"])),
                max_size=6))
def test_versions_settled_again_equal_those_settled_in_full(lines: list[str], edits: list[tuple[int, str]]):
    versions = _inserted_versions(lines, edits)
    _check_settled_again(versions)
    _check_settled_again(versions[::-1])


@pytest.mark.slow
@pytest.mark.parametrize("path", ["README.md", "text/3537-msrv-resolver.md"])
def test_corpus_versions_settled_again_equal_those_settled_in_full(tmp_path: Path, path: str):
    """The README defines a label for each of its headings: most of its versions keep their
    chunks as the version before settled them."""
    versions = followed_texts(clone_corpus(tmp_path / "rfcs"), path)
    assert len(versions) > 100
    for order in (versions, versions[::-1]):  # newest first, as a log reads them, and oldest first
        kept = _check_settled_again(order)
        assert kept > len(versions) // 2 if path == "README.md" else kept >= 0


def _joined_both_ways(versions: list[str]) -> int:
    """Each of *versions* read one after another (as a log reads them), with the pieces read at
    once taken together (:func:`chunks._read_at_once`) and by :func:`chunks._joined`'s loop a
    piece at a time: the same chunks, and the same kept in the caches. Returns how many
    versions were read at once."""
    real = chunks._read_at_once
    taken = 0

    def counted(*args):
        nonlocal taken
        read = real(*args)
        taken += read is not None
        return read

    results = []
    for read_at_once in (counted, lambda *args: None):
        chunks._read_at_once = read_at_once
        try:
            clear_chunk_cache()
            results.append([(chunks.read_chunks(text), list(chunks._CHUNKS.keys()), list(chunks._MET.keys()))
                            for text in versions])
        finally:
            chunks._read_at_once = real
    assert results[0] == results[1]
    return taken


def test_pieces_read_at_once_equal_those_read_one_by_one():
    essay = make_essay(3000)
    edited, _ = edit_essay(essay)
    assert _joined_both_ways([essay.text(), edited.text(), essay.text()]) >= 1
    plain = "# T\n\nOne.\n\nTwo.\n\n## S\n\nThree.\n"
    versions = [plain, plain + "\nFour.\n", plain + "\n```\nopen\n\n# Not a heading\n", plain + "\n[a]: /b\n",
                plain + "\n- item\n- item\n", "Two.\n\nOne.\n\n" + plain]
    assert _joined_both_ways(versions) >= 1
    assert _joined_both_ways(versions[::-1]) >= 1


@settings(max_examples=200)
@given(st.lists(st.lists(st.sampled_from(LINES), max_size=20), min_size=1, max_size=4))
def test_generated_pieces_read_at_once_equal_those_read_one_by_one(versions: list[list[str]]):
    _joined_both_ways(["\n".join(lines) + "\n" for lines in versions])


@pytest.mark.slow
def test_corpus_pieces_read_at_once_equal_those_read_one_by_one(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    for path in ("text/3537-msrv-resolver.md", "README.md"):
        versions = followed_texts(repo, path)
        _joined_both_ways(versions)  # newest first, as a log reads them
        _joined_both_ways(versions[::-1])


#: Lines for definitions the scan before the parse (chunks._may_define) misjudges or cannot
#: see: definitions in fences, indented code, HTML blocks, list items and block quotes, a
#: "definition" right after a paragraph line (text, not a definition), duplicate and
#: case-folded labels, labels over two lines, titles on the next line, labels used before
#: and after their definition, and definitions that are not (no target, a space inside).
DEFINITION_LINES = [
    "[foo]: /first", "[FOO]: /upper 'T'", "[Foo]: /third", "[bar]: /bar", "[bar]:", "/bar-next-line", "'title'",
    "[baz\nqux]: /two-lines", "[baz qux]: /one-line", "[ünï]: /u", "[ÜNÏ]", "[x]:/nospace", "[x] : /space",
    "```", "~~~", "    [foo]: /indented-code", "<div>", "</div>", "<!--", "-->",
    "- [foo]: /in-item", "  [bar]: /in-item-continued", "1. [baz qux]: /ordered", "> [foo]: /quoted",
    "> > [bar]: /deeper", "- > [x]: /item-quote", "Paragraph line", "[foo]: /after-a-paragraph",
    "See [foo], [Bar][] and [baz\nqux].", "[foo][bar] and ![x]", "- item [foo]", "> quote [bar]", "| [foo] | b |",
    "|---|---|", "# [foo]", "Text [x] here.", "", "", "",
]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(DEFINITION_LINES), max_size=30), st.booleans())
def test_definitions_the_scan_misjudges(lines: list[str], trailing_newline: bool):
    """Chunks are parsed with the definitions the scan expects, then settled with the text's
    real ones: the result equals one parse of the whole text whatever the scan saw."""
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    clear_chunk_cache()
    check(text)
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)


@settings(max_examples=200)
@given(st.lists(st.sampled_from(DEFINITION_LINES), max_size=24), st.lists(st.tuples(st.integers(0, 23),
       st.sampled_from(DEFINITION_LINES)), max_size=4))
def test_versions_with_other_definitions(lines: list[str], edits: list[tuple[int, str]]):
    """Versions read one after another in one process (as a log reads them): a chunk parsed
    with a definition in one version is met in another where the label points elsewhere,
    is defined later or not at all; each version equals its own whole parse."""
    clear_chunk_cache()
    versions = _inserted_versions(lines, edits)
    for text in versions:
        chunks.read_chunks(text)  # as a document parse reads it: pieces kept for the next version
        check(text)
    for text in reversed(versions):
        check(text)


@settings(max_examples=200)
@given(st.lists(st.sampled_from(DEFINITION_LINES), max_size=24),
       st.dictionaries(st.sampled_from(["FOO", "BAR", "BAZ QUX", "X", "ÜNÏ", "NONE"]),
                       st.tuples(st.sampled_from(["/first", "/guess", ""]), st.sampled_from(["", "T"])), max_size=4))
def test_any_guess_gives_the_whole_parse(lines: list[str], guess: dict[str, tuple[str, str]]):
    """Whatever definitions the guess before the parse hands out (wrong targets, labels the
    text does not define, none), every chunk ends up parsed with the text's own."""
    text = "\n".join(lines) + "\n"
    real = chunks._guessed

    def wrong(texts, found):
        real(texts, found)  # the new pieces that may define parsed as usual, then a wrong guess
        return chunks._Definitions({label: (label, href, title) for label, (href, title) in guess.items()})

    chunks._guessed = wrong
    try:
        clear_chunk_cache()
        check(text)
        check("Intro [foo] and [bar].\n\n" + text)
    finally:
        chunks._guessed = real
    clear_chunk_cache()


@pytest.mark.parametrize("text", [
    "```\n[foo]: /in-a-fence\n```\n\nSee [foo].\n",
    "See [foo].\n\n```\n[foo]: /in-a-fence\n```\n\n[foo]: /real\n",
    "Paragraph\n[foo]: /not-a-definition\n\nSee [foo].\n",
    "- [foo]: /in-an-item\n\nSee [foo].\n",
    "> [foo]: /in-a-quote\n\nSee [foo].\n",
    "See [FOO] and [Foo].\n\n[foo]: /first\n\n[FOO]: /second\n",
    "See [foo].\n\n[foo]: /first\n\nText.\n\n[foo]: /second\n\nAgain [foo].\n",
    "## [foo]\n[foo]: /own\n\nSee [bar].\n\n[bar]: /bar\n",
    "See [baz\nqux].\n\n[baz\nqux]: /two-lines\n",
    "See [bar].\n\n[bar]:\n/next-line\n'title'\n",
    "<div>\n[foo]: /in-html\n\nSee [foo].\n\n[foo]: /real\n",
    "    [foo]: /indented-code\n\nSee [foo].\n",
    "[foo]: /a\n[foo]: /b\n\n- [foo]\n- [foo][]\n- x\n",
])
def test_definition_edge_cases(text: str):
    clear_chunk_cache()
    check(text)
    with every_item_a_cut():
        clear_chunk_cache()
        check(text)


def test_a_chunk_that_uses_a_definition_is_parsed_once(monkeypatch):
    """Each chunk is parsed once, with the definitions it uses, also those defined after it
    (the scan finds them before the parse); when a later version changes a definition's
    target, the chunks that use it are parsed again with the new one, and nothing else."""
    clear_chunk_cache()
    calls = []
    real = chunks._parse_chunk
    monkeypatch.setattr(chunks, "_parse_chunk", lambda text, given: calls.append((text, given)) or real(text, given))
    text = ("# Title\n[Title]: #title\n\n- [Title]\n- [Usage]\n\nSee [the docs] and [Usage].\n\nPlain words.\n\n"
            "## Usage\n[Usage]: #usage\n\nThe [docs][the docs] say so.\n\n[the docs]: https://example.org/docs\n")
    check(text)
    texts = [t for t, _ in calls]
    assert len(texts) == len(set(texts)) == 7  # the heading and its definition apart from the list after them
    assert dict(calls)["See [the docs] and [Usage].\n\n"] == (("THE DOCS", "https://example.org/docs", ""),
                                                             ("USAGE", "#usage", ""))
    calls.clear()
    check(text.replace("https://example.org/docs", "https://example.org/new"))
    assert sorted(t for t, _ in calls) == ["See [the docs] and [Usage].\n\n", "The [docs][the docs] say so.\n\n",
                                           "[the docs]: https://example.org/new\n"]
