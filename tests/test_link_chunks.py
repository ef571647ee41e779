"""A plain list of links read without markdown-it is the chunk markdown-it gives.

:func:`reviewtool.draft.link_chunks.link_list` takes the chunks that are ``* [name](target)``
item lines and empty lines; :func:`reviewtool.draft.chunks._parse_chunk` then builds the
chunk from what it gives. Checked against markdown-it's parse
(:func:`reviewtool.draft.chunks._markdown_it_chunk`: every field of the chunk, its blocks,
markup, head and tail) on every chunk of every version of two files of the RFC corpus (its
README, followed through renames, and an RFC of 186 versions), and on the parts a list is
cut into at its items; on generated lists biased to what can make such a line something
else (emphasis, escapes, entities, angle brackets, titles, nested brackets, reference
links, autolinks, code, HTML, schemes and hosts in targets, spaces, other bullets and
indentation, numbered items, continuation lines, text after the link); and on each of
those edge cases by name.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff.markup import parsed_features
from reviewtool.draft import chunks
from reviewtool.draft.blocks import Block, ListItem, blocks_of
from reviewtool.draft.chunks import _markdown_it_chunk, _parse_chunk, read_chunks
from reviewtool.draft.link_chunks import link_list
from reviewtool.draft.markdown import markdown
from reviewtool.draft.markup_features import Features
from tests.gitutil import clone_corpus
from tests.test_plain_chunks import _versions, read_counting_markdown_it


def same(text: str, given: tuple[chunks.Definition, ...] | None = None) -> bool:
    """Whether the fast path takes *text* (parsed with the definitions *given*); when it
    does, what it gives is markdown-it's."""
    fast = link_list(text, given)
    chunk = _parse_chunk(text, given)
    reference = _markdown_it_chunk(text, given)
    assert chunk == reference, text
    assert chunk.blocks == reference.blocks, text
    assert chunk.features == reference.features, text
    assert (chunk.head, chunk.tail) == (reference.head, reference.tail), text
    if fast is None:
        return False
    if not given:
        assert [fast[0]] == blocks_of(markdown().parse(text, {})), text
    assert not chunk.references and not chunk.open_end and chunk.seen == tuple(sorted(given or ())), text
    return True


# ---------------------------------------------------------------- edge cases by name


def test_a_list_of_links_is_read_as_markdown_it_reads_it():
    text = "* [0016-more-attributes.md](text/0016-more-attributes.md)\n* [0019-opt_in.md](text/0019-opt_in.md)\n"
    assert same(text)
    block, features, head, tail = link_list(text)  # type: ignore[misc]
    assert block == Block("list", 0, 2, 0, 4, "0016-more-attributes.md\n0019-opt_in.md", items=(
        ListItem(0, 1, "0016-more-attributes.md", (), "[0016-more-attributes.md](text/0016-more-attributes.md)", True),
        ListItem(1, 2, "0019-opt_in.md", (), "[0019-opt_in.md](text/0019-opt_in.md)", True)), role="links")
    assert features == Features(links=(("0016-more-attributes.md", "text/0016-more-attributes.md"),
                                       ("0019-opt_in.md", "text/0019-opt_in.md")), list_markers=("*", "*"))
    assert head == tail == ("*", 4, 0)


def test_one_link_item_is_a_list_not_a_list_of_links():
    block, _, head, tail = link_list("- [Opening](#rust-rfcs)\n")  # type: ignore[misc]
    assert block.role == "list" and (block.prose_words, block.other_words) == (1, 0)
    assert head == tail == ("-", 1, 0)


def test_empty_lines_after_the_list_belong_to_its_last_item_and_leave_no_tail():
    text = "  + [a b](x)\n  + [c](y),\n\n \t\n"
    assert same(text)
    block, _, head, tail = link_list(text)  # type: ignore[misc]
    assert block.line_end == 4 and block.items[-1].line_end == 4 and block.items[-1].title == "c,"
    assert head == ("  +", 3, 0) and tail is None


TAKEN = [
    "* [a](b)", "* [a](b)\n", "- [a](b)\n- [c](d)\n", "+ [a](b)\n\n\n", "   * [a](b)\n   * [c](d)", "* [ a ](b)\n",
    "* [a  b](b)\n", "* [a](b).\n* [c](d),\n* [e](f);\n* [g](h):\n", "* [x_y](z_w)\n", "* [x_y_z](a)\n",
    "* [Help this is all too informal!](#help)\n", "* [(aside)](a)\n", "* [a's \"b\"](c)\n",
    "* [50% off: $3 = #1 @x ^y {z} +w](a)\n", "* [a](#)\n", "* [a](.)\n", "* [a](-)\n", "* [a](a#b#c)\n",
    "* [a](x/y/../z.md)\n", "* [ ](x)\n", "* [a](b)\n  ", "* [a](b)\n\t\n", "* [a]\n", "  - [Table of Contents]\n",
    "- [a]\n- [b](c)\n- [d].\n", "* [a b]\n* [a  b]\n",
]

NOT_TAKEN = [
    "", "\n", "* [a](b)\n- [c](d)\n", "* [a](b)\n  * [c](d)\n", "* [a]:\n", "* [a]: b\n", "* [ ]\n",
    "* [a] \n", "* [a]x\n", "* [a]!\n", "* [a](\n", "* [a][]\n", "* [a](b)\n\n* [c](d)\n", "* [a](b)\ntext\n",
    "* [a](b)\n  more\n", "1. [a](b)\n", "*  [a](b)\n", "*\t[a](b)\n", "    * [a](b)\n", "* [a](b) \n", "* [a](b)x\n",
    "* [a](b) or c\n", "* [a](b)!\n", "* [](b)\n", "* [a]()\n", "* [a](b c)\n", "* [a](<b>)\n", "* [a](b \"t\")\n",
    "* [a](b(c))\n", "* [a][b]\n", "* [[a]](b)\n", "* [a\\]](b)\n", "* [*a*](b)\n", "* [_a_](b)\n",
    "* [a_](b)\n", "* [_a](b)\n", "* [a__b](c)\n", "* [a _b](c)\n", "* [~~a~~](b)\n", "* [`a`](b)\n", "* [a&amp;b](c)\n",
    "* [<b>a</b>](c)\n", "* [a|b](c)\n", "* [\u00e9t\u00e9](c)\n", "* [a\tb](c)\n", "* [a](//host/x)\n",
    "* [a](http://x)\n", "* [a](javascript:alert)\n", "* [a](b%20c)\n", "* [a](b&c)\n", "* [a](\u00e9)\n", "* [a](b\\c)\n",
    "* [a](B)\r\n", "* [a](b)\0\n", "![a](b)\n", "* ![a](b)\n", "[a](b)\n", "* [a](b)\n[a]: /url\n", "* [a](b)\n---\n",
    "* [a](b)\n# Heading\n", "* [a](b)\n> quote\n", "* [a](b)\n```\n",
]


@pytest.mark.parametrize("text", TAKEN)
def test_a_plain_list_of_links_is_read_without_markdown_it(text: str):
    assert same(text)


@pytest.mark.parametrize("text", NOT_TAKEN)
def test_text_that_may_be_something_else_goes_to_markdown_it(text: str):
    assert not same(text)
    assert link_list(text) is None


#: Definitions a chunk may be given (label normalised, target, title).
GIVEN = [(("A", "/url", ""),), (("A", "#a", "t"), ("TABLE OF CONTENTS", "#toc", "")), (("A B", "x", ""),),
         (("B", "y", ""),)]


@pytest.mark.parametrize("given", GIVEN)
@pytest.mark.parametrize("text", [*TAKEN, "* [a]\n* [b]\n", "  - [Table of Contents]\n  - [A]\n", "* [ a\tb ]\n",
                                  "* [a](b)\n* [a]\n* [c]\n"])
def test_a_list_given_definitions_is_read_as_markdown_it_reads_it(text: str, given: tuple[chunks.Definition, ...]):
    same(text, given)


def test_a_shortcut_reference_is_a_link_to_its_definition_or_its_text():
    alone = link_list("* [Table of  Contents]\n* [x](y)\n")
    given = link_list("* [Table of  Contents]\n* [x](y)\n", (("TABLE OF CONTENTS", "#toc", ""),))
    assert alone is not None and given is not None
    assert alone[0].role == "list" and [item.link_only for item in alone[0].items] == [False, True]
    assert alone[0].items[0].title == "[Table of  Contents]" and alone[1].links == (("x", "y"),)
    assert given[0].role == "links" and given[0].items[0].title == "Table of  Contents"
    assert given[1].links == (("Table of Contents", "#toc"), ("x", "y"))


def test_a_list_of_links_is_cut_and_joined_as_one_parse_reads_it(monkeypatch):
    """A long list of links is cut at its items (:func:`reviewtool.draft.chunks._parse_items`)
    and from the paragraph before it, each part read by a fast path, and the joined blocks
    are those of one parse, with no markdown-it parse at all."""
    items = "".join(f"* [{n:04d}-name-{n}.md](text/{n:04d}-name-{n}.md)\n" for n in range(60))
    text = f"# Index\n\nThe active ones:\n\n{items}\n## After\n\nText.\n"
    blocks, calls = read_counting_markdown_it(text, monkeypatch)
    assert calls == []
    assert blocks == blocks_of(markdown().parse(text, {}))
    assert [b.kind for b in blocks] == ["heading", "paragraph", "list", "heading", "paragraph"]
    assert blocks[2].role == "links" and len(blocks[2].items) == 60
    assert chunks.read_features(text) == parsed_features(text)
    assert len(chunks.read_features(text).links) == 60
    chunks.clear_chunk_cache()


def test_a_list_cut_from_its_heading_is_met_by_the_markup_check(monkeypatch):
    """The markup check reads a section's body alone: a list of links cut from the heading and
    definition before it is met as the list's text (chunks._meet_list), and its markup is its
    parts', as one parse of that text gives it, with no item cut looked for again."""
    items = "".join(f"* [{n:04d}-name-{n}.md](text/{n:04d}-name-{n}.md)\n" for n in range(40))
    text = f"## Active RFC List\n[Active RFC List]: #active-rfc-list\n\n{items}\n## After\n\nText.\n"
    chunks.clear_chunk_cache()
    assert chunks.read_blocks(text) == blocks_of(markdown().parse(text, {}))
    calls: list[str] = []
    original = chunks._item_cuts
    monkeypatch.setattr(chunks, "_item_cuts", lambda t: calls.append(t) or original(t))
    body = items + "\n"
    assert chunks.read_features(body) == parsed_features(body)
    assert calls == [] and len(chunks.read_features(body).links) == 40
    chunks.clear_chunk_cache()


# ---------------------------------------------------------------- generated text

#: Pieces of a link's text: plain ones, and what may make it markup or end it.
LABEL_PARTS = ["a", "Name", "0016", "-", ".md", " ", "  ", "_", "x_y", "'", "\"", "(", ")", "!", "?", ":", "/", "#", "%",
               "$", "@", "^", "{", "}", "+", "=", ",", ";", "*", "**", "~", "~~", "`", "\\", "&", "&amp;", "<", ">",
               "<b>", "[", "]", "|", "\t", "\u00e9", "\u00a0", "http://x.y"]
#: Pieces of a target: plain ones, and schemes, hosts, escapes, spaces, brackets, titles.
TARGET_PARTS = ["text/", "0016", "-more", ".md", "#", "#anchor", "_", ".", "/", "//", "http:", "https://x.org/",
                "javascript:", "HTTP://X.ORG", "%20", "%", "&", "&amp;", "\\", " ", "(", ")", "<", ">", " \"t\"",
                "\u00e9", "~", "?a=b", "+", "*"]

label = st.lists(st.sampled_from(LABEL_PARTS), min_size=0, max_size=5).map("".join)
target = st.lists(st.sampled_from(TARGET_PARTS), min_size=0, max_size=4).map("".join)
after = st.sampled_from(["", "", "", ".", ",", ";", ":", "!", " ", " x", "x", "  "])
bullet = st.sampled_from(["* ", "* ", "- ", "+ ", "*  ", "*\t", "1. ", "  * ", "   - ", "    * "])
plain_label = st.builds(str.__add__, st.sampled_from(["a", "Name", "0016", "(b)"]),
                        st.lists(st.sampled_from(["a", "Name", "0016", "-", ".md", " ", "x_y", "(b)", "!"]),
                                 max_size=3).map("".join))
plain_target = st.lists(st.sampled_from(["text/", "0016", "-more", ".md", "#x", "_"]), min_size=1,
                        max_size=3).map("".join)


def item_line(marker: str, text: str, dest: str | None, tail: str) -> str:
    return f"{marker}[{text}]{tail}" if dest is None else f"{marker}[{text}]({dest}){tail}"


edgy_item = st.builds(item_line, bullet, label, st.one_of(target, st.none()), after)
plain_item = st.builds(item_line, st.just("* "), plain_label, st.one_of(plain_target, plain_target, st.none()),
                       st.sampled_from(["", "", ",", "."]))
#: Definitions of labels the generated items use (or not), as a text gives them to a chunk.
definitions = st.sampled_from([None, *GIVEN, (("NAME", "n", ""), ("0016", "o", "")), (("", "e", ""),)])
other_line = st.sampled_from(["", " ", "\t", "text", "  continued", "---", "# Heading", "> quote", "[a]: /url",
                              "```", "<div>", "* [a][b]", "* [a]", "* plain item", "  - [a](b)", "1. [a](b)"])
blank_line = st.sampled_from(["", " ", "\t", "  \t"])


def joined(lines: list[str], blanks: list[str], newline: bool) -> str:
    return "\n".join([*lines, *blanks]) + ("\n" if newline else "")


@given(st.lists(st.one_of(plain_item, edgy_item, other_line), min_size=1, max_size=6),
       st.lists(blank_line, max_size=3), st.booleans(), definitions)
def test_generated_lists_taken_are_parsed_as_markdown_it_parses_them(
        lines: list[str], blanks: list[str], newline: bool, given: tuple[chunks.Definition, ...] | None):
    same(joined(lines, blanks, newline), given)


@given(st.lists(edgy_item, min_size=1, max_size=4), st.lists(blank_line, max_size=2), st.booleans(), definitions)
def test_generated_edgy_items_are_parsed_as_markdown_it_parses_them(
        lines: list[str], blanks: list[str], newline: bool, given: tuple[chunks.Definition, ...] | None):
    same(joined(lines, blanks, newline), given)


@given(st.lists(plain_item, min_size=1, max_size=8), st.lists(blank_line, max_size=3), st.booleans(), definitions)
def test_generated_plain_lists_are_taken(lines: list[str], blanks: list[str], newline: bool,
                                         given: tuple[chunks.Definition, ...] | None):
    assert same(joined(lines, blanks, newline), given)


# ---------------------------------------------------------------- real text


@pytest.mark.slow
def test_every_chunk_and_list_part_of_the_rfc_corpus(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    texts = [*_versions(repo, "README.md"), *_versions(repo, "text/3537-msrv-resolver.md")]
    pieces: set[str] = set()
    chunks.clear_chunk_cache()
    for text in texts:
        pieces.update(chunks._cut(text))
        pieces.update(read_chunks(text)[0])  # as parsed within the text (pieces joined after an open end)
    parts: set[str] = set()
    for piece in pieces:  # the parts a list is cut into at its items, chosen ones and every one
        for cuts in chunks._item_cuts(piece):
            starts = [0, *cuts, len(piece)]
            parts.update(piece[a:b] for a, b in pairwise(starts))
    taken = sum(same(piece) for piece in pieces | parts)
    assert taken > 200, taken
    # Each piece and part with the definitions its text gives it, as a text's parse gives them.
    given_taken = 0
    for text in texts:
        definitions = chunks._Definitions.of_references(chunks._resolved(text)[1])
        for piece in {*chunks._cut(text), *read_chunks(text)[0]}:
            for part in {piece, *(piece[a:b] for cuts in chunks._item_cuts(piece)
                                  for a, b in pairwise([0, *cuts, len(piece)]))}:
                given = definitions.of(definitions.mentioned(part))
                if given:
                    given_taken += same(part, given)
    assert given_taken > 20, given_taken
    chunks.clear_chunk_cache()
