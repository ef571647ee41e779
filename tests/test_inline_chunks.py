"""A paragraph or heading with inline markup, its block tokens built without markdown-it's block
parser, is markdown-it's.

:func:`reviewtool.draft.inline_chunks.inline_tokens` takes the chunks that are one paragraph or
one ATX heading (then empty lines); :func:`reviewtool.draft.chunks._parse_chunk` runs
markdown-it's core rules after the block rule on its tokens
(:func:`reviewtool.draft.markdown.parse_inline`). Checked against markdown-it's parse: the
tokens (every field, the inline children included), and the chunk built from them
(:func:`reviewtool.draft.chunks._markdown_it_chunk`: every field, its blocks, markup, head and
tail), alone and with definitions given, on every chunk of every version of two files of the
RFC corpus (its README, followed through renames, and an RFC of 186 versions); on generated
text biased to what can make a line something else (headings and their closing runs,
setext underlines, rules, lists, quotes, fences, HTML, tables, definitions, tabs, indented and
empty lines, inline markup at a line's start); and on each of those edge cases by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.draft import chunks
from reviewtool.draft.chunks import read_chunks
from reviewtool.draft.inline_chunks import inline_tokens
from tests.gitutil import clone_corpus
from tests.test_plain_chunks import _versions
from tests.token_paths import same_as_markdown_it


def same(text: str, given: tuple[chunks.Definition, ...] | None = None) -> bool:
    """Whether the path takes *text* (with the definitions *given*), its tokens markdown-it's."""
    return same_as_markdown_it(inline_tokens, text, given)


# ---------------------------------------------------------------- edge cases by name

TAKEN = [
    "See [a](b) *x*.", "See [a](b) *x*.\n", "The [sub-team]s and `code`\nover two lines.\n\n\n", "a\nb `c`\n\n  ",
    "a\n    b `c` (indented four)\n", "a `b\n c` d\n", "a  \nhard break\n", "a\\\nb\n", "AT&amp;T &copy;\n",
    "*emphasis* first\n", "**strong** first\n", "_e_ first\n", "`code` first\n",
    "![image](x.png) first\n", "(a) [b]\n", "a\n(b)\n", "\u00e9t\u00e9 *x*\n", "\u00a0nbsp *x*\n",
    "# Rust RFCs - [RFC Book](https://rust-lang.github.io/rfcs/) - [Active RFC List](https://rfcbot.rs/)\n\n",
    "#", "#\n", "# *T*", "## x ##\n", "## `c` #\n", "###### Six *x*\n", "## x#\n", "## # #\n", "## a  ##  \n",
    "# a\\#\n", "# [a]\n\n\n",
    # a line after the first that starts with "[": a definition cannot interrupt a paragraph
    "a *b*\n[c]: d\n", "a\n[b]: c\n", "a\n[b]: c\n[d]: e\n", "a\n[b]\n", "a\n  [b][c] d\n", "a\n[b] and\n[c](d) e\n",
    "the idea over on our\n[official Zulip server], discussing\n[developer forum] x\n\n\n", "a\n[\n", "a\n[]: b\n",
]

NOT_TAKEN = [
    "", "\n", "\n\na *b*\n", " a *b*\n", "    code *b*\n", "a *b*\n===\n", "a *b*\n---\n", "a *b*\n- c\n", "a *b*\n* c\n",
    "a *b*\n1. c\n", "a *b*\n> c\n", "a *b*\n```\n", "a *b*\n~~~\n", "a *b*\n<div>\n", "a *b*\n# c\n", "a *b*\n\nc\n",
    "[a]: b\n", "[a] *b*\n", "[a] b\nc\n", "[a]:\nb\n", "a | b\n", "a\tb *c*\n", "a *b*\r\n", "a\0 *b*\n", "***\n", "* a\n",
    "- a\n", "> a\n", "<div>\n", "####### seven *x*\n", "#hashtag *x*\n", "#\ttab\n", "# a\nb\n", "# a\n\nb\n",
    "```\ncode\n```\n", "<b>bold</b> first\n", "2019. was a year\n",  # (taken by none, to be safe)
]


@pytest.mark.parametrize("text", TAKEN)
def test_a_paragraph_or_heading_is_read_as_markdown_it_reads_it(text: str):
    assert same(text)


@pytest.mark.parametrize("text", NOT_TAKEN)
def test_text_that_may_be_something_else_goes_to_markdown_it(text: str):
    assert not same(text)
    assert inline_tokens(text) is None


#: Definitions a chunk may be given (label normalised, target, title).
GIVEN = [(("A", "/url", ""),), (("A", "#a", "t"), ("SUB-TEAM", "#s", "")), (("B", "y", ""),)]


@pytest.mark.parametrize("given", GIVEN)
@pytest.mark.parametrize("text", [*TAKEN, "The [sub-team]s and [a][] and [x][A]\n", "The\n[sub-team]s and\n[a]: b\n"])
def test_a_paragraph_given_definitions_is_read_as_markdown_it_reads_it(
        text: str, given: tuple[chunks.Definition, ...]):
    same(text, given)


# ---------------------------------------------------------------- generated text

#: What a line may start with or hold: words, and what may start a block or markup.
STARTS = ["word", "Text", "2019", "1.5", "(a)", "#", "# ", "##", "## ", "###### ", "####### ", ">", "-", "- ", "---",
          "+", "+ ", "=", "==", "*", "* ", "**", "*a*", "_", "__", "___", "_a_", "`", "``", "```", "~", "~~~", "<",
          "<div>", "<b>", "[", "[x]", "[x]:", "[a](b)", "![i](p)", "1.", "1. ", "2) ", "|", "&amp;", "\\", " ", "  ",
          "    ", "\t", "\u00e9", "\u00a0"]
WORDS = ["word", "a", "the", "`c`", "*e*", "[a]", "[r](s)", "x_y", "50%", "!", ".", "\\", "  ", " |", "#", "##", " #"]
line = st.builds(str.__add__, st.sampled_from(STARTS),
                 st.lists(st.sampled_from(WORDS), max_size=4).map(lambda ws: " ".join(["", *ws]) if ws else ""))
simple = st.builds(str.__add__, st.sampled_from(["word", "Text", "(a)", "2019", "`c`", "*e*", "[a]", "## ", "# "]),
                   st.lists(st.sampled_from(WORDS), max_size=4).map(lambda ws: " ".join(["", *ws]) if ws else ""))
blank_line = st.sampled_from(["", " ", "  ", "\t"])
definitions = st.sampled_from([None, *GIVEN])


def joined(lines: list[str], blanks: list[str], newline: bool) -> str:
    return "\n".join([*lines, *blanks]) + ("\n" if newline else "")


@given(st.lists(st.one_of(line, simple, blank_line), min_size=1, max_size=5), st.lists(blank_line, max_size=3),
       st.booleans(), definitions)
def test_generated_text_is_parsed_as_markdown_it_parses_it(
        lines: list[str], blanks: list[str], newline: bool, given: tuple[chunks.Definition, ...] | None):
    same(joined(lines, blanks, newline), given)


@given(simple, st.lists(st.one_of(simple, simple, st.builds(str.__add__, st.sampled_from(["  ", "    ", " "]), simple)),
                        max_size=4), st.lists(blank_line, max_size=2), st.booleans(), definitions)
def test_generated_paragraphs_are_parsed_as_markdown_it_parses_them(
        first: str, lines: list[str], blanks: list[str], newline: bool, given: tuple[chunks.Definition, ...] | None):
    same(joined([first, *lines], blanks, newline), given)


# ---------------------------------------------------------------- real text


@pytest.mark.slow
def test_every_chunk_of_the_rfc_corpus(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    texts = [*_versions(repo, "README.md"), *_versions(repo, "text/3537-msrv-resolver.md")]
    pieces: set[str] = set()
    chunks.clear_chunk_cache()
    for text in texts:
        pieces.update(chunks._cut(text))
        pieces.update(read_chunks(text)[0])
    taken = sum(same(piece) for piece in pieces)
    assert taken > 300, taken
    given_taken = 0
    for text in texts[::4]:
        definitions = chunks._Definitions.of_references(chunks._resolved(text)[1])
        for piece in {*chunks._cut(text), *read_chunks(text)[0]}:
            mentioned = definitions.of(definitions.mentioned(piece))
            if mentioned:
                given_taken += same(piece, mentioned)
    assert given_taken > 20, given_taken
    chunks.clear_chunk_cache()
