"""Link reference definitions read without markdown-it are the chunk markdown-it gives.

:func:`reviewtool.draft.definition_chunks.definition_chunk` takes the chunks that are
``[label]: target`` lines after at most one plain ATX heading; :func:`reviewtool.draft.chunks._parse_chunk`
then builds the chunk from what it gives. Checked against markdown-it's parse
(:func:`reviewtool.draft.chunks._markdown_it_chunk`: every field of the chunk, its blocks,
markup and own definitions in order) alone and with definitions given, on every chunk of
every version of two files of the RFC corpus (its README, followed through renames, and an
RFC of 186 versions) and the section bodies the diff's markup check reads; on generated text
biased to what can make such a line something else (titles, angle brackets, parentheses,
escapes, entities, schemes markdown-it refuses, empty labels, brackets, indentation, text
after the target, a heading with markup, lines that continue a definition); and on each of
those edge cases by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff.markup import parsed_features
from reviewtool.draft import chunks
from reviewtool.draft.blocks import Block, blocks_of
from reviewtool.draft.chunks import _markdown_it_chunk, _parse_chunk, read_chunks
from reviewtool.draft.definition_chunks import definition_chunk
from reviewtool.draft.document import parse
from reviewtool.draft.markdown import markdown
from reviewtool.draft.markup_features import NO_FEATURES
from tests.gitutil import clone_corpus
from tests.test_plain_chunks import _versions, read_counting_markdown_it


def same(text: str, given: tuple[chunks.Definition, ...] | None = None) -> bool:
    """Whether the fast path takes *text* (parsed with the definitions *given*); when it
    does, what it gives is markdown-it's."""
    fast = definition_chunk(text, given)
    chunk = _parse_chunk(text, given)
    reference = _markdown_it_chunk(text, given)
    assert chunk == reference, text
    assert chunk.blocks == reference.blocks, text
    assert chunk.features == reference.features, text
    assert list(chunk.references.items()) == list(reference.references.items()), text  # in the same order
    if fast is None:
        return False
    assert chunk.features is NO_FEATURES and not chunk.open_end and chunk.head is None and chunk.tail is None, text
    return True


# ---------------------------------------------------------------- edge cases by name


def test_a_heading_with_its_definition_is_read_as_markdown_it_reads_it():
    text = "## What the process is\n[What the process is]: #what-the-process-is\n\n"
    assert same(text)
    blocks, own, seen = definition_chunk(text)  # type: ignore[misc]
    assert blocks == (Block("heading", 0, 1, level=2, title="What the process is"),)
    assert own == {"WHAT THE PROCESS IS": {"title": "", "href": "#what-the-process-is", "map": [1, 2]}}
    assert seen == (("WHAT THE PROCESS IS", "#what-the-process-is", ""),)


def test_a_block_of_targets_is_read_as_markdown_it_reads_it():
    text = ("[official Zulip server]: https://rust-lang.zulipchat.com/\n"
            "[developer discussion forum]: https://internals.rust-lang.org/\n[sub-team]: http://x.org/t.html")
    assert same(text)
    blocks, own, _ = definition_chunk(text)  # type: ignore[misc]
    assert blocks == () and list(own) == ["OFFICIAL ZULIP SERVER", "DEVELOPER DISCUSSION FORUM", "SUB-TEAM"]
    assert own["SUB-TEAM"]["map"] == [2, 3]


def test_a_label_given_or_defined_twice_keeps_its_first_definition():
    text = "[a]: /one\n[A]: /two\n[b]: /three\n"
    assert same(text)
    assert same(text, (("A", "/given", ""),))
    _, own, seen = definition_chunk(text, (("A", "/given", ""),))  # type: ignore[misc]
    assert list(own.items()) == [("B", {"title": "", "href": "/three", "map": [2, 3]}),
                                 ("A", {"title": "", "href": "/one", "map": [0, 1]})]
    assert seen == (("A", "/given", ""), ("B", "/three", ""))


TAKEN = [
    "[a]: b", "[a]: b\n", "[a]:b\n", "[a]:\tb\t\n", "   [a]: b\n", "[a]: b\n\n \t\n", "\n[a]: b\n", "[a]: b\n\n[c]: d\n",
    "[ a  b ]: c\n", "[a]: HTTP://X.ORG/%zz\n", "[a]: https://x.org/a?b=c#d\n", "[a]: mailto:x@y.z\n", "[a]: #\n",
    "[\u00e9t\u00e9]: /x\n", "[\u1e9e]: /x\n", "[a]: b]c\n", "[a]: 'b'\n", "[a]: \"b\"\n",
    "# T\n[T]: #t\n", "## T\n[T]: #t\n\n", "#\n[a]: b\n", "## a ##\n[a]: b\n", "###### Six\n\n[x]: y\n",
]

NOT_TAKEN = [
    "", "\n", "[a]:\n", "[a]:\nb\n", "[a]: b \"t\"\n", "[a]: b 't'\n", "[a]: b (t)\n", "[a]: b\n\"title\"\n", "[a]: b\n'title'\n",
    "[a]: b\n(title)\n", "[a]: b c\n", "[a]: <b>\n", "[a]: b(c)\n", "[a]: b\\c\n", "[a]: b&amp;c\n", "[a]: javascript:x\n",
    "[a]: vbscript:x\n", "[a]: data:text/html,x\n", "[ ]: b\n", "[]: b\n", "[a\\]]: b\n", "[[a]]: b\n", "    [a]: b\n",
    "\t[a]: b\n", "[a]: b\ntext\n", "text\n[a]: b\n", "[a]: b\n# H\n", "[a]: b\n===\n", "[a]: b\n---\n", "[a]: b\r\n",
    "[a]: b\0\n", "## `T`\n[T]: #t\n", "## T\n", "## T\n\nText\n", "#hashtag\n[a]: b\n", " # T\n[T]: #t\n", "[a]\n: b\n",
    "[a]: b\n  [c]: d  e\n", "[a]: b\n> [c]: d\n", "- [a]: b\n", "[a]: b | c\n", "[a]: \u00e9\n", "[a]: /caf\u00e9\n",
]


@pytest.mark.parametrize("text", TAKEN)
def test_definitions_are_read_without_markdown_it(text: str):
    assert same(text)


@pytest.mark.parametrize("text", NOT_TAKEN)
def test_text_that_may_be_something_else_goes_to_markdown_it(text: str):
    assert not same(text)
    assert definition_chunk(text) is None


#: Definitions a chunk may be given (label normalised, target, title).
GIVEN = [(("A", "/url", ""),), (("A", "#a", "t"), ("T", "#toc", "")), (("A B", "x", ""),), (("B", "y", ""),)]


@pytest.mark.parametrize("given", GIVEN)
@pytest.mark.parametrize("text", [*TAKEN, "[a]: b\n[b]: c\n[a]: d\n", "[A B]: x\n", "## T\n[t]: /t\n[T]: /u\n"])
def test_definitions_given_definitions_are_read_as_markdown_it_reads_them(
        text: str, given: tuple[chunks.Definition, ...]):
    assert same(text, given)


def test_a_readme_that_links_to_its_sections_is_read_with_no_definition_parsed(monkeypatch):
    """Each heading's definition and the block of targets at the end are read without
    markdown-it (and the paragraph that uses them without its block parser:
    :mod:`reviewtool.draft.inline_chunks`); the blocks and markup are those of one parse of
    the whole text."""
    text = ("# Title\n[Title]: #title\n\nSee [Part] and [forum].\n\n## Part\n[Part]: #part\n\nText.\n\n"
            "[forum]: https://internals.rust-lang.org/\n[RFC repository]: https://github.com/rust-lang/rfcs\n")
    blocks, calls = read_counting_markdown_it(text, monkeypatch)
    assert calls == []
    assert blocks == blocks_of(markdown().parse(text, {}))
    assert [b.kind for b in blocks] == ["heading", "paragraph", "heading", "paragraph"]
    chunks.clear_chunk_cache()
    assert chunks.read_features(text) == parsed_features(text)
    body = "Text.\n\n[forum]: https://internals.rust-lang.org/\n[RFC repository]: https://github.com/rust-lang/rfcs\n"
    assert chunks.read_features(body) == parsed_features(body)
    chunks.clear_chunk_cache()


# ---------------------------------------------------------------- generated text

#: Pieces of a label: plain ones, and what may end it, make it empty or be normalised.
LABEL_PARTS = ["a", "Name", "0016", " ", "  ", "\t", "-", "'", "!", "\u00e9", "\u1e9e", "\u00a0", "[", "]", "\\", "\\]",
               "*", "`", "<b>", ":", "\n"]
#: Pieces of a target: plain ones, and schemes, hosts, escapes, entities, spaces, brackets, titles.
TARGET_PARTS = ["text/", "0016", ".md", "#", "#anchor", "/", "//", "http:", "https://x.org/", "HTTP://X.ORG",
                "javascript:", "vbscript:", "data:", "file:", "mailto:", "%20", "%", "%zz", "&", "&amp;", "\\", "\\(", " ",
                "\t", "(", ")", "<", ">", " \"t\"", " 't'", " (t)", "\u00e9", "~", "?a=b", "+", "*", "]", "'", "\""]

label = st.lists(st.sampled_from(LABEL_PARTS), max_size=4).map("".join)
target = st.lists(st.sampled_from(TARGET_PARTS), max_size=4).map("".join)
indent = st.sampled_from(["", "", "", " ", "   ", "    ", "\t"])
space = st.sampled_from([" ", " ", "", "\t", "  ", "\n", " \n"])
after = st.sampled_from(["", "", "", " ", "\t", " x", "  \"t\""])
plain_label = st.lists(st.sampled_from(["a", "Name", "0016", "-", " ", "What the process is"]), min_size=1,
                       max_size=3).map("".join).filter(str.strip)
plain_target = st.lists(st.sampled_from(["#a", "text/", "0016", ".md", "https://x.org/", "-x"]), min_size=1,
                        max_size=3).map("".join)


def definition_line(lead: str, name: str, gap: str, dest: str, tail: str) -> str:
    return f"{lead}[{name}]:{gap}{dest}{tail}"


edgy_definition = st.builds(definition_line, indent, label, space, target, after)
plain_definition = st.builds(definition_line, st.just(""), plain_label, st.just(" "), plain_target, st.just(""))
heading = st.sampled_from(["# T", "## What the process is", "### a ###", "#", "## `x`", "#x", " # T", "T\n===", "## [T]"])
other_line = st.sampled_from(["", " ", "\t", "text", "  continued", "\"title\"", "'t'", "(t)", "---", "===", "# H",
                              "> quote", "- item", "```", "<div>", "a | b", "[a]", "[a]:", "\r", "\0"])
blank_line = st.sampled_from(["", " ", "\t", "  \t"])
#: Definitions of labels the generated lines define (or not), as a text gives them to a chunk.
definitions = st.sampled_from([None, *GIVEN, (("NAME", "n", ""), ("0016", "o", "t")),
                               (("WHAT THE PROCESS IS", "#w", ""),)])


def joined(first: str | None, lines: list[str], blanks: list[str], newline: bool) -> str:
    return "\n".join([*([first] if first is not None else []), *lines, *blanks]) + ("\n" if newline else "")


@given(st.one_of(st.none(), heading), st.lists(st.one_of(plain_definition, edgy_definition, other_line), min_size=1,
                                               max_size=5),
       st.lists(blank_line, max_size=3), st.booleans(), definitions)
def test_generated_definitions_are_parsed_as_markdown_it_parses_them(
        first: str | None, lines: list[str], blanks: list[str], newline: bool,
        given: tuple[chunks.Definition, ...] | None):
    same(joined(first, lines, blanks, newline), given)


@given(st.one_of(st.none(), st.sampled_from(["# T", "## What the process is", "#"])),
       st.lists(st.one_of(plain_definition, blank_line), min_size=1, max_size=6), st.booleans(), definitions)
def test_generated_plain_definitions_are_taken(first: str | None, lines: list[str], newline: bool,
                                               given: tuple[chunks.Definition, ...] | None):
    text = joined(first, lines, [], newline)
    assert same(text, given) == any(line.strip() for line in lines), text


# ---------------------------------------------------------------- real text


@pytest.mark.slow
def test_every_chunk_and_body_of_the_rfc_corpus(tmp_path: Path):
    """Every piece of every version, alone and with the definitions its text gives it, and
    every section body (what the markup check reads), as markdown-it parses it."""
    repo = clone_corpus(tmp_path / "rfcs")
    texts = [*_versions(repo, "README.md"), *_versions(repo, "text/3537-msrv-resolver.md")]
    chunks.clear_chunk_cache()
    taken = given_taken = 0
    for text in texts:
        definitions = chunks._Definitions.of_references(chunks._resolved(text)[1])
        pieces = {*chunks._cut(text), *read_chunks(text)[0]}
        doc = parse(text)
        bodies = {doc.body_text(s).strip("\n") + "\n\n" for s in doc.sections}
        for piece in pieces | bodies:
            taken += same(piece)
            mentioned = definitions.of(definitions.mentioned(piece))
            if mentioned:
                given_taken += same(piece, mentioned)
    assert taken > 100 and given_taken > 10, (taken, given_taken)
    chunks.clear_chunk_cache()
