"""The markup features of a paragraph or bullet list of simple inline markup, read without
markdown-it, are markdown-it's; and a text with link reference definitions has its
features read from its pieces as one parse of it reads them.

:func:`reviewtool.draft.simple_features.simple_features` is checked against markdown-it's
parse of the same text (:func:`reviewtool.diff.markup.parsed_features`): on edge cases by
name, on generated lists biased to what makes a line something else (nesting, lazy and
deep continuation lines, bullets, empty items) and to inline markup (runs of ``*`` and
``_`` beside letters, spaces and punctuation, code spans, links, brackets), and on every
piece of every version of two files of the RFC corpus and the changed blocks their diffs
read. :func:`reviewtool.draft.chunks._features_defined` (a text whose pieces define link
labels) is checked through :func:`reviewtool.draft.chunks.read_features` on generated texts
and every section body of the corpus's versions.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff.markup import _BLANK_LINES, _changed_blocks, parsed_features
from reviewtool.draft import chunks
from reviewtool.draft.chunks import read_features
from reviewtool.draft.document import parse
from reviewtool.draft.simple_features import simple_features
from tests.gitutil import clone_corpus
from tests.test_plain_chunks import _versions


def same(text: str) -> bool:
    """Whether the path takes *text*; when it does, its features are markdown-it's."""
    found = simple_features(text)
    if found is None:
        return False
    assert found == parsed_features(text), text
    return True


# ---------------------------------------------------------------- edge cases by name

TAKEN = [
    "a *b* c\n", "- a *b*\n  c\n- d\n\n\n", "  - a\n    - b *c\n    d* e\n  - f\n", "- a\n   - b\n  - c\n- d\n",
    "- a\n- b\n* c\n+ d\n", "- **a** b\n", "- ***a*** b\n", "- **a *b* c**\n", "- *a **b** c*\n",
    "- a**b**c\n", "- __a__ b_c_\n", "- *a **b*\n", "- **a*\n", "- *a\n  b*\n", "- ***a* b**\n", "- a *b `*` c* d\n",
    "p *a [b **c**](http://e.f) g*\n", "- `a` `` b `` `c\n", "- x_y_z and _a_ b\n", "a *(b)* c\n", "a*.*b\n",
    "- x [y] not a link\n", "- a [b] (c) d\n", "- a\n  - b\n     - c\n       d\n", "- a\n  - b\n      c\n", "- a [b](c)\n", "- a [](c) [*b*](d/e.md#f)\n", "- a *b [c* d](e) f\n",
    "- a ``` b\n", "- a ` b\n", "- a `` b ` c ``\n", "- 50% of *it*\n", "a\n- b\n  c\n", "- a\n b\n- c\n",
    "- a\n      b *c*\n", "* a\n*b*\n", "- a\n  [b] c\n", "- a  \n  *b*  \n",
    "  - The sub-team will *discuss*\n    the RFC.\n    - This step is taken when\n    the subteam *is in*\n"
    "    a position.\n    - Before actually entering FCP, *all* members\n      of the subteam must sign off.\n\n",
]

NOT_TAKEN = [
    "", "\n", "- a\n\n- b\n", "a\n\nb\n", "- \n", "- a\n  - \n", "-  a\n", "    a\n", "# a\n", "> a\n", "1. a\n",
    "- a\n  1. b\n", "- a\n---\n", "- a\n===\n", "- a\n      - b\n", "- a\n  ```\n", "a\tb\n", "a\\*b\n", "a <b>\n",
    "a &amp;\n", "a ~~b~~\n", "a ![b](c)\n", "[a]: b\n", "a | b\n", "a\r\n", "- x [a](b c)\n", "- x [a](<b>)\n",
    "- x [a](b \"t\")\n", "- x [a [b]](c)\n", "- x [a `]` b](c)\n", "- x [a](mailto:x@y.z)\n", "- x [a](javascript:x)\n",
    "- *\u00e9*\n", "- a\u00a0*b*\n", "- `a\n  b`\n", "- [a] b\n", "- [x] not a link\n", "[a](b)\n",
    "a\n    - b\n",
]


@pytest.mark.parametrize("text", TAKEN)
def test_simple_markup_is_read_as_markdown_it_reads_it(text: str):
    assert same(text)


@pytest.mark.parametrize("text", NOT_TAKEN)
def test_other_text_goes_to_markdown_it(text: str):
    assert simple_features(text) is None


@pytest.mark.parametrize("text", ["- a\n     - b\n      c\n", "- a\n     - b\n      - c\n"])
def test_lazy_lines_four_columns_past_an_item_and_short_of_a_deeper_one_are_left_to_markdown_it(text: str):
    # The last line: six columns in, four past "a"'s content (2), short of "b"'s (7).
    assert simple_features(text) is None
    assert parsed_features(text).list_markers == ("-", "-")  # markdown-it: a lazy line of "b"


# ---------------------------------------------------------------- generated text

WORDS = ["word", "a", "(b)", "x_y", "50%", "!", ".", "*", "**", "***", "_", "__", "*a*", "**a**", "_a_", "__a__",
         "*a", "a*", "_a", "a_", "`c`", "``c``", "`", "[x]", "[x](y)", "[*x*](a/b.md#c)", "[x](https://e.f/g)",
         "[x] (y)", "]", "[", "a*b*c", "a_b_c", "*(a)*", "(*a*)", "**a*", "*a**", "***a***", "_*a*_", "*_a_*"]
line_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)
bullet = st.sampled_from(["- ", "- ", "* ", "+ "])
indent = st.sampled_from(["", "", "  ", "  ", "    ", "   ", " ", "      ", "     ", "        "])
item_line = st.builds(lambda i, b, t: i + b + t, indent, bullet, line_text)
continuation = st.builds(str.__add__, indent, line_text)


@given(st.one_of(item_line, line_text), st.lists(st.one_of(item_line, continuation), max_size=7),
       st.sampled_from(["", "\n", "\n\n", "\n  \n"]))
def test_generated_lists_are_read_as_markdown_it_reads_them(first: str, lines: list[str], end: str):
    same("\n".join([first, *lines]) + end)


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join))
def test_generated_paragraphs_are_read_as_markdown_it_reads_them(text: str):
    same(text + "\n")


LABELS = ["a", "B c", "sub-team", "x"]
definition = st.builds(lambda label, target: f"[{label}]: {target}", st.sampled_from(LABELS),
                       st.sampled_from(["#a", "https://e.f/", "b.md"]))
body = st.one_of(line_text, item_line, st.sampled_from(["[a] b", "- [B c]", "*x* [sub-team]", "[x]: y z"]))


@given(st.lists(st.one_of(definition, body, st.just("")), min_size=1, max_size=8))
def test_generated_texts_with_definitions_are_read_as_one_parse_reads_them(lines: list[str]):
    text = "\n".join(lines) + "\n\n"
    chunks.clear_chunk_cache()
    assert read_features(text) == parsed_features(text), text


def test_definitions_before_a_list_are_read_apart_from_it():
    text = "[a]: #a\n[b c]: https://e.f/\n\n- x *y*\n- [z](w)\n\n"
    chunks.clear_chunk_cache()
    assert chunks._features_defined(text) == parsed_features(text)
    assert chunks._features_defined("[a]: #a\n\n- [a] b\n") is None  # the list mentions a label defined


# ---------------------------------------------------------------- real text


@pytest.mark.slow
def test_every_piece_and_changed_block_of_the_rfc_corpus(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    texts = [*_versions(repo, "README.md"), *_versions(repo, "text/3537-msrv-resolver.md")]
    pieces: set[str] = set()
    for text in texts:
        pieces.update(chunks._cut(text))
    bodies: set[str] = set()
    for old, new in itertools.pairwise(texts):
        old_doc, new_doc = parse(old), parse(new)
        old_bodies = {s.title: old_doc.body_text(s) for s in old_doc.sections}
        for section in new_doc.sections:
            before = old_bodies.get(section.title)
            if before is not None and before != new_doc.body_text(section):
                for side in _changed_blocks(before, new_doc.body_text(section)):
                    bodies.add(side.strip("\n") + "\n\n")
    blocks = {block + "\n\n" for piece in pieces for block in _BLANK_LINES.split(piece) if block.strip()}
    taken = sum(same(text) for text in pieces | bodies | blocks)
    assert taken > 300, taken
    chunks.clear_chunk_cache()
    defined = 0
    for text in {*bodies, *(b for t in texts[::3] for b in _section_bodies(t))}:
        if "]:" in text and "\r" not in text:
            chunks.clear_chunk_cache()
            if chunks._features_defined(text) is not None:
                defined += 1
            assert read_features(text) == parsed_features(text), text
    assert defined > 20, defined
    chunks.clear_chunk_cache()


def _section_bodies(text: str) -> list[str]:
    doc = parse(text)
    return [re.sub(r"\n*\Z", "\n\n", doc.body_text(s)) for s in doc.sections if s.kind != "frontmatter"]
