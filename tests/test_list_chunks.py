"""A simple tight bullet list's block tokens built without markdown-it's block parser are
markdown-it's.

:func:`reviewtool.draft.list_chunks.list_tokens` takes the chunks that are one tight bullet
list of one-paragraph items; :func:`reviewtool.draft.chunks._parse_chunk` runs markdown-it's
core rules after the block rule on its tokens (:func:`reviewtool.draft.markdown.parse_inline`).
Checked against markdown-it's parse: the tokens (every field, the inline children
included), and the chunk built from them (:func:`reviewtool.draft.chunks._markdown_it_chunk`:
every field, its blocks, markup, head and tail), alone and with definitions given, on every
chunk of every version of two files of the RFC corpus (its README, followed through renames,
and an RFC of 186 versions) and the parts their lists are cut into; on generated lists biased
to what can make a line something else (other bullets and indentation, nested lists,
numbered items, rules, setext underlines, headings, quotes, fences, HTML, tables,
definitions, tabs, empty items and lines, deep and lazy continuation lines, inline markup at
a line's start); and on each of those edge cases by name.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.draft import chunks
from reviewtool.draft.chunks import read_chunks
from reviewtool.draft.list_chunks import list_tokens
from tests.gitutil import clone_corpus
from tests.test_plain_chunks import _versions
from tests.token_paths import same_as_markdown_it


def same(text: str, given: tuple[chunks.Definition, ...] | None = None) -> bool:
    """Whether the path takes *text* (with the definitions *given*), its tokens markdown-it's."""
    return same_as_markdown_it(list_tokens, text, given)


# ---------------------------------------------------------------- edge cases by name

TAKEN = [
    "- a", "- a\n", "* a\n* b\n", "+ a\n\n\n", "   - a\n   - b", "- a\n  ", "- a\n\n  ", "- a *b*\n  c\n- d\n\n\n",
    "  * x\ny\n  * z", "+ a\n      deep\n+ b\n", "- a\n continued less\n- b\n", "- x [y] z\n  `code` w\n",
    "- a\n  *emphasis* at the start\n", "- a\n  **strong**\n", "- a\n  _emphasis_ too\n", "- `0000-template.md`\n",
    "- Fill in the RFC. Put care into the details: RFCs that do not present\n  convincing motivation.\n",
    "- a [link](x) and [ref]\n- b\n", "- 2019 was\n  2020 too\n", "- a\n  ~x~ y\n", "- a\n  ``x``\n", "- a\\\n  b\n",
    "- a  \n  b\n", "- a\n  1.5 b\n", "- \u00e9t\u00e9\n",
    "- a\n  \u00a0b\n", "- a &amp; b\n", "- a <b>c</b>\n",
    # a continuation line that starts with "[": a definition cannot interrupt the item's paragraph
    "- a\n  [b]: c\n", "- a\n[b]: c\n- d\n", "- a\n  [b] c\n- d\n  [e][f]\n", "  - a\n    [sub-team] x\n  - b\n",
    "* the idea over on our\n  [official Zulip server], discussing\n", "- a\n  [\n", "- a\n      [b]: c\n",
]

NOT_TAKEN = [
    "", "\n", "-\n", "- \n- a\n", "-  a\n", "-\ta\n", "- a\n- b\n* c\n", "- a\n  - b\n", "- a\n  * b\n", "- a\n---\n",
    "- a\n===\n", "- a\n  # b\n", "- a\n  > b\n", "- a\n  ```\n", "- a\n  ~~~\n", "- a\n  <div>\n", "- a\n  1. b\n",
    "- a\n  2) b\n", "- a\n\n- b\n", "- a\nb\n\nc\n", "- [x]: y\n", "- a\n- [b]: c\n", "- a | b\n", "- a\r\n",
    "- a\0\n", "- a\n  ***\n", "- a\n  ___\n", "- a\n  * * *\n", "- - a\n", "- * a\n", "- 1. a\n", "- > a\n",
    "- # a\n", "    - a\n", "1. a\n", "a\n- b\n", "- a\n\tb\n", "- <div>\n",
    "- #hashtag\n", "- a\n  -b\n", "- a\n  =b\n", "- a\n  +b\n",  # (taken by none, to be safe)
]


@pytest.mark.parametrize("text", TAKEN)
def test_a_simple_list_is_read_as_markdown_it_reads_it(text: str):
    assert same(text)


@pytest.mark.parametrize("text", NOT_TAKEN)
def test_text_that_may_be_something_else_goes_to_markdown_it(text: str):
    assert not same(text)
    assert list_tokens(text) is None


#: Definitions a chunk may be given (label normalised, target, title).
GIVEN = [(("REF", "/url", ""),), (("REF", "#a", "t"), ("X", "#x", "")), (("SUB-TEAM", "x", ""),)]


@pytest.mark.parametrize("given", GIVEN)
@pytest.mark.parametrize("text", [*TAKEN, "- the [sub-team]s\n- [ref] and [x][]\n"])
def test_a_list_given_definitions_is_read_as_markdown_it_reads_it(text: str, given: tuple[chunks.Definition, ...]):
    same(text, given)


# ---------------------------------------------------------------- generated text

#: What a line's content may start with or hold: words, and what may start a block or markup.
STARTS = ["word", "Text", "2019", "1.5", "(a)", "#", "# ", "##", ">", "-", "- ", "--", "---", "+", "+ ", "=", "==", "*",
          "* ", "**", "*a*", "_", "__", "___", "_a_", "`", "``", "```", "~", "~~", "~~~", "<", "<div>", "<b>", "[", "[x]",
          "[x]:", "[x](y)", "1.", "1. ", "2) ", "12.", "|", "&amp;", "\\", " ", "\t", "\u00e9", "\u00a0"]
WORDS = ["word", "a", "the", "`c`", "*e*", "[r]", "x_y", "50%", "!", ".", "\\", "  ", " |"]
content = st.builds(str.__add__, st.sampled_from(STARTS),
                    st.lists(st.sampled_from(WORDS), max_size=4).map(lambda ws: " ".join(["", *ws]) if ws else ""))
marker = st.sampled_from(["- ", "- ", "* ", "+ ", "  - ", "   * ", "    - ", "-  ", "-", "1. ", "-\t"])
lead = st.sampled_from(["", "", "  ", "  ", " ", "   ", "    ", "      ", "\t"])
item_line = st.builds(str.__add__, marker, content)
continuation = st.builds(str.__add__, lead, content)
blank_line = st.sampled_from(["", " ", "  ", "\t"])


def joined(lines: list[str], blanks: list[str], newline: bool) -> str:
    return "\n".join([*lines, *blanks]) + ("\n" if newline else "")


@given(item_line, st.lists(st.one_of(item_line, continuation, continuation, blank_line), max_size=6),
       st.lists(blank_line, max_size=3), st.booleans(), st.sampled_from([None, *GIVEN]))
def test_generated_lists_are_parsed_as_markdown_it_parses_them(
        first: str, lines: list[str], blanks: list[str], newline: bool, given: tuple[chunks.Definition, ...] | None):
    same(joined([first, *lines], blanks, newline), given)


simple = st.builds(str.__add__, st.sampled_from(["word", "Text", "(a)", "2019", "`c`", "*e*", "[r]"]),
                   st.lists(st.sampled_from(WORDS), max_size=4).map(lambda ws: " ".join(["", *ws]) if ws else ""))
#: Lines of a list of one bullet: mostly simple items and continuation lines (indented as the
#: content, more, less, not at all), some with content that may start a block.
near_line = st.one_of(st.builds(str.__add__, st.just("- "), st.one_of(simple, simple, content)),
                      st.builds(str.__add__, st.sampled_from(["  ", "  ", "", " ", "   ", "      "]),
                                st.one_of(simple, simple, simple, content)),
                      blank_line)


@given(simple, st.lists(near_line, max_size=6), st.lists(blank_line, max_size=3), st.booleans(),
       st.sampled_from([None, *GIVEN]))
def test_generated_lists_of_one_bullet_are_parsed_as_markdown_it_parses_them(
        first: str, lines: list[str], blanks: list[str], newline: bool, given: tuple[chunks.Definition, ...] | None):
    same(joined([f"- {first}", *lines], blanks, newline), given)


@given(st.lists(st.sampled_from(["word", "a the", "(aside)", "`c` d"]), max_size=3), st.booleans())
def test_generated_simple_lists_are_taken(continued: list[str], newline: bool):
    text = joined(["- item one", *(f"  {line}" for line in continued), "- item two"], [], newline)
    assert same(text)


# ---------------------------------------------------------------- real text


@pytest.mark.slow
def test_every_chunk_and_list_part_of_the_rfc_corpus(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    texts = [*_versions(repo, "README.md"), *_versions(repo, "text/3537-msrv-resolver.md")]
    pieces: set[str] = set()
    chunks.clear_chunk_cache()
    for text in texts:
        pieces.update(chunks._cut(text))
        pieces.update(read_chunks(text)[0])
    parts: set[str] = set()
    for piece in pieces:  # the parts a list is cut into at its items, chosen ones and every one
        for cuts in chunks._item_cuts(piece):
            starts = [0, *cuts, len(piece)]
            parts.update(piece[a:b] for a, b in itertools.pairwise(starts))
    taken = sum(same(piece) for piece in pieces | parts)
    assert taken > 150, taken
    given_taken = 0
    for text in texts[::4]:
        definitions = chunks._Definitions.of_references(chunks._resolved(text)[1])
        for piece in {*chunks._cut(text), *read_chunks(text)[0]}:
            for part in {piece, *(piece[a:b] for cuts in chunks._item_cuts(piece)
                                  for a, b in itertools.pairwise([0, *cuts, len(piece)]))}:
                mentioned = definitions.of(definitions.mentioned(part))
                if mentioned:
                    given_taken += same(part, mentioned)
    assert given_taken > 20, given_taken
    chunks.clear_chunk_cache()
