"""A plain paragraph or heading read without markdown-it is the chunk markdown-it gives.

:func:`reviewtool.draft.plain_chunks.plain_blocks` takes the chunks that are one paragraph
or one ATX heading free of markup; :func:`reviewtool.draft.chunks._parse_chunk` then builds
the chunk from that block alone. Checked against markdown-it's parse
(:func:`reviewtool.draft.chunks._markdown_it_chunk`, every field of the chunk and its
blocks and markup) on every chunk of every version of two files of the RFC corpus (its
README, followed through renames, and an RFC of 186 versions) and of the seed draft, on
generated text biased to what can make such text something else (indentation, setext
underlines, rules, list markers, quotes, fences, HTML, tables, definitions, entities,
escapes, hard breaks, Unicode whitespace, NUL, carriage returns, heading edge cases), and
on each of those edge cases by name.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.draft import chunks
from reviewtool.draft.blocks import Block, blocks_of
from reviewtool.draft.chunks import _markdown_it_chunk, _parse_chunk, read_chunks
from reviewtool.draft.document import parse
from reviewtool.draft.markdown import markdown
from reviewtool.draft.markup_features import NO_FEATURES
from reviewtool.draft.plain_chunks import plain_blocks
from reviewtool.draft.text_rules import count_words
from tests.gitutil import clone_corpus

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "drafts" / "2023-05-05-seri-mats-problem-2.md"


def same(text: str) -> bool:
    """Whether the fast path takes *text*; when it does, what it gives is markdown-it's."""
    fast = plain_blocks(text)
    chunk = _parse_chunk(text, None)
    reference = _markdown_it_chunk(text, None)
    assert chunk == reference, text
    assert chunk.blocks == reference.blocks, text
    assert chunk.features == reference.features, text
    if fast is None:
        return False
    assert list(fast) == blocks_of(markdown().parse(text, {})), text
    assert chunk.features is NO_FEATURES and not chunk.references and not chunk.open_end, text
    return True


# ---------------------------------------------------------------- edge cases by name


def P(lines: int, plain: str) -> Block:
    """A paragraph block of *lines* lines from the text's start."""
    return Block("paragraph", 0, lines, count_words(plain), 0, plain)


def H(level: int, title: str) -> Block:
    return Block("heading", 0, 1, level=level, title=title)


TAKEN = {
    "Plain text.": P(1, "Plain text."),
    "Plain text.\n": P(1, "Plain text."),
    "Two lines\nof text.\n\n\n": P(2, "Two lines\nof text."),
    "Hard break  \nafter two spaces\n": P(2, "Hard break\nafter two spaces"),
    "Soft break \nafter one\n": P(2, "Soft break\nafter one"),
    "Tab before\t\nthe break\n": P(2, "Tab before\t\nthe break"),
    "Trailing spaces   \n  \t \n": P(1, "Trailing spaces"),
    "Blank lines after\n\n \n\t\n   ": P(1, "Blank lines after"),
    "3.5 million people\n": P(1, "3.5 million people"),
    "2019 was a year\n1999 too\n": P(2, "2019 was a year\n1999 too"),
    "Ends with 1.\n": P(1, "Ends with 1."),
    "\u00a0No-break space first\n": P(1, "No-break space first"),
    "No-break space last\u00a0\nnext\n": P(2, "No-break space last\u00a0\nnext"),
    "\x1cseparator is no space\n": P(1, "\x1cseparator is no space"),
    "Line separator\n\u2028\n": P(2, "Line separator"),
    "Caf\u00e9 and cafe\u0301\n": P(1, "Caf\u00e9 and cafe\u0301"),
    "Questions? (Yes!) 50% off: $3, =x, -y, +z, #tag, >q\n": None,
    "See [foo].\n": P(1, "See [foo]."),
    "The [sub-team]s, [a][b], [c][] and ![d] [e]\n(f) [[g]] ]h[\n": P(2, "The [sub-team]s, [a][b], [c][] and ![d] [e]\n(f) [[g]] ]h["),
    "[Not] a definition\n[x] : y\n": P(2, "[Not] a definition\n[x] : y"),
    "# Title": H(1, "Title"),
    "## Title\n\n": H(2, "Title"),
    "###### Six\n": H(6, "Six"),
    "#\tTabbed\n": H(1, "Tabbed"),
    "#": H(1, "(untitled)"),
    "#\n\n": H(1, "(untitled)"),
    "# \n": H(1, "(untitled)"),
    "## x ##": H(2, "x"),
    "## x ##  \t\n": H(2, "x"),
    "## x #y\n": H(2, "x #y"),
    "## x##\n": H(2, "x##"),
    "## ##\n": H(2, "(untitled)"),
    "# #\n": H(1, "(untitled)"),
    "### a # b ###\n": H(3, "a # b"),
    "## Spaced   out   title  \n": H(2, "Spaced out title"),
    "## \u00a0Nbsp title\u3000\n": H(2, "Nbsp title"),
}

#: Empty lines only (spaces and tabs): no block, as markdown-it gives none (the first piece of
#: a draft with front matter, whose lines the parse reads blanked).
EMPTY = ["", "\n", "\n\n\n\n", " ", "\t", "   \n\t\n", "\n \n\t\t\n    \n", "    "]

NOT_TAKEN = [
    "\n\x1c\n", "\n\nText after empty lines\n", "    indented code\n", "\tTabbed code\n", " One space in\n",
    "Text\n  indented continuation\n", "Text\n===\n", "Text\n---\n", "Text\n=\n", "Text\n- item\n", "Text\n* item\n",
    "Text\n+ item\n", "Text\n1. item\n", "Text\n1) item\n", "Text\n2. item\n", "Text\n1.\n", "1. Item\n", "- Item\n",
    "> quote\n", "Text\n> quote\n", "```\ncode\n```\n", "Text\n~~~\n", "<div>\n", "Text <b>bold</b>\n",
    "a | b\n-|-\n", "a | b\n", "[foo]: /url\n", "See [foo](/url).\n", "![img](x.png)\n", "[a ](b\n",
    "Text\n[foo]: /url\n", "Text [a]: b\n", "AT&amp;T\n", "back\\\nslash\n", "Escaped \\* star\n",
    "Some `code`\n", "Some *emphasis*\n", "Some _emphasis_\n", "~~gone~~\n", "NUL\0 inside\n", "CR\r\nline\n",
    "CR only\rline\n", "Text\n#hashtag\n", "Text\n# Heading\n", "Para\n\nPara two\n", "***\n", "---\n", "___\n",
    "#5\n", "####### seven\n", "#hashtag\n", " # indented heading\n", "# \\#\n", "## Title\nText under it\n",
    "## Title\n\nText\n", "## *Emphasis*\n", "## `code`\n", "## a | b\n", "## Title\n===\n",
]


@pytest.mark.parametrize("text", list(TAKEN))
def test_plain_text_is_read_without_markdown_it(text: str):
    assert same(text)
    expected = TAKEN[text]
    if expected is not None:
        assert plain_blocks(text) == (expected,)


@pytest.mark.parametrize("text", EMPTY)
def test_empty_lines_are_read_without_markdown_it_into_no_block(text: str):
    assert same(text)
    assert plain_blocks(text) == ()


@pytest.mark.parametrize("text", NOT_TAKEN)
def test_text_that_may_be_something_else_goes_to_markdown_it(text: str):
    assert not same(text)
    assert plain_blocks(text) is None


def test_a_chunk_given_definitions_goes_to_markdown_it():
    """A chunk is given definitions only when it mentions a label (so it has a bracket);
    were one given anyway, markdown-it parses it, and its seen definitions are kept."""
    given = (("foo", "/url", ""),)
    chunk = _parse_chunk("Plain text.\n", given)
    assert chunk == _markdown_it_chunk("Plain text.\n", given)
    assert chunk.seen == given


def read_counting_markdown_it(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Block], list[str]]:
    """*text*'s blocks read with an empty chunk cache, and the chunks markdown-it parsed."""
    chunks.clear_chunk_cache()
    calls: list[str] = []
    original = chunks._markdown_it_chunk
    monkeypatch.setattr(chunks, "_markdown_it_chunk", lambda t, g: calls.append(t) or original(t, g))
    return chunks.read_blocks(text), calls


def test_documents_of_plain_text_read_no_token(monkeypatch):
    """A text of plain paragraphs and headings is read without one markdown-it parse, and its
    blocks are those of one parse of the whole text."""
    text = "# Essay\n\nFirst paragraph,\nover two lines.\n\n## Part\n\nSecond one  \nwith a break.\n\n## End\n"
    blocks, calls = read_counting_markdown_it(text, monkeypatch)
    assert calls == []
    assert blocks == blocks_of(markdown().parse(text, {}))
    assert [b.kind for b in blocks] == ["heading", "paragraph", "heading", "paragraph", "heading"]
    chunks.clear_chunk_cache()


def test_a_draft_with_front_matter_of_plain_text_reads_no_token(monkeypatch):
    """The front matter's lines, blanked for the parse, are a first piece of empty lines: read
    without markdown-it too, so all the new pieces of the draft are read at once."""
    text = "---\ntitle: An essay\ndate: 2024-01-01\n---\n\n# Essay\n\nFirst paragraph.\n\n## Part\n\nSecond.\n"
    chunks.clear_chunk_cache()
    calls: list[str] = []
    original = chunks._markdown_it_chunk
    monkeypatch.setattr(chunks, "_markdown_it_chunk", lambda t, g: calls.append(t) or original(t, g))
    doc = parse(text)
    assert calls == []
    assert [(s.kind, s.title) for s in doc.sections] == [("frontmatter", "Front matter"), ("heading", "Essay"),
                                                         ("heading", "Part")]
    chunks.clear_chunk_cache()


# ---------------------------------------------------------------- generated text

#: Pieces of lines: what can make a line something else than a paragraph's (at its start)
#: or make its content markup, and plain words around them.
FRAGMENTS = [
    " ", "  ", "    ", "\t", "#", "##", "###", "=", "===", "-", "---", "*", "+", "1.", "1)", "12.", "3.5", "|", ">",
    "<", "<div>", "&", "&amp;", "\\", "`", "```", "~", "~~~", "[", "]", "[x]:", "[x]", "[x][y]", "](", "![", "_", ":",
    "!", "(", ")", ".",
    "word", "Text", "plain", "42", "2019", "\u00e9t\u00e9", "cafe\u0301", "\u00df", "\u0394\u03b9",
    "\u00a0", "\u3000", "\u2028", "\x0b", "\x0c", "\x1c", "\x85", "\u200b", "\r", "\0",
]
WORDS = ["word", "Text", "plain", "the", "essay's", "2019", "3.5", "(aside)", "\u00e9t\u00e9", "cafe\u0301", "x,",
         "end.", "a-b", "50%", "$3", "#tag", "=", "-", "+", "1.", "!"]

edgy_line = st.lists(st.sampled_from(FRAGMENTS), max_size=6).map("".join)
#: A line of prose (most of them plain) and what may be appended to it: trailing spaces.
prose_line = st.builds(lambda first, rest, tail: first + " ".join(rest) + tail,
                       st.sampled_from(["Word", "The", "\u00c9t\u00e9", "2019", "3.5", "(a)", "Text", "x"]),
                       st.lists(st.sampled_from(WORDS), max_size=8).map(lambda ws: " " + " ".join(ws) if ws else ""),
                       st.sampled_from(["", "", " ", "  ", "   ", "\t", "\u00a0", " \u00a0"]))
heading_line = st.builds(lambda hashes, sep, title, closing: hashes + sep + title + closing,
                         st.sampled_from(["#", "##", "###", "######", "#######", "#5"]),
                         st.sampled_from(["", " ", "  ", "\t", " \u00a0"]),
                         st.lists(st.sampled_from([*WORDS, "#", "##", "\\#", "`x`", "*y*"]), max_size=5).map(" ".join),
                         st.sampled_from(["", " #", " ##", "#", " # ", " ##\t", "  "]))
blank_line = st.sampled_from(["", " ", "\t", "    ", " \t "])
any_line = st.one_of(prose_line, prose_line, edgy_line, heading_line, blank_line,
                     st.builds(str.__add__, edgy_line, prose_line), st.builds(str.__add__, prose_line, edgy_line))


def joined(lines: list[str], blanks: list[str], newline: bool) -> str:
    return "\n".join([*lines, *blanks]) + ("\n" if newline else "")


@given(st.lists(any_line, min_size=1, max_size=6), st.lists(blank_line, max_size=3), st.booleans())
def test_generated_text_taken_is_parsed_as_markdown_it_parses_it(lines: list[str], blanks: list[str], newline: bool):
    same(joined(lines, blanks, newline))


@given(st.lists(prose_line, min_size=1, max_size=6), st.lists(blank_line, max_size=3), st.booleans())
def test_generated_paragraphs_are_taken_as_markdown_it_parses_them(lines: list[str], blanks: list[str], newline: bool):
    text = joined(lines, blanks, newline)
    taken = same(text)
    starts = tuple(line[:1] for line in lines)
    if all(start.isalpha() or start == "(" for start in starts):
        assert taken, text  # words and spaces only: the fast path is taken


@given(heading_line, st.lists(blank_line, max_size=3), st.booleans())
def test_generated_headings_are_parsed_as_markdown_it_parses_them(line: str, blanks: list[str], newline: bool):
    same(joined([line], blanks, newline))


# ---------------------------------------------------------------- real text


def _versions(repo: Path, path: str) -> list[str]:
    """Every version of *path* in *repo*'s history, followed through renames."""
    log = subprocess.run(["git", "log", "--follow", "--format=%H", "--name-only", "--", path], cwd=repo,
                         capture_output=True, text=True, check=True).stdout.split()
    names = [f"{commit}:{name}" for commit, name in zip(log[::2], log[1::2])]
    data = subprocess.run(["git", "cat-file", "--batch"], cwd=repo, input="\n".join(names).encode() + b"\n",
                          capture_output=True, check=True).stdout
    texts, i = [], 0
    while i < len(data):
        header_end = data.index(b"\n", i)
        header = data[i:header_end].split()
        if header[-1] == b"missing":
            i = header_end + 1
            continue
        size = int(header[2])
        texts.append(data[header_end + 1 : header_end + 1 + size].decode("utf-8"))
        i = header_end + 1 + size + 1
    return texts


@pytest.mark.slow
def test_every_chunk_of_the_rfc_corpus_and_the_seed_draft(tmp_path: Path):
    repo = clone_corpus(tmp_path / "rfcs")
    readme = _versions(repo, "README.md")
    msrv = _versions(repo, "text/3537-msrv-resolver.md")
    assert len(readme) >= 100 and len(msrv) >= 150
    texts = [*readme, *msrv, SEED.read_text(encoding="utf-8")]
    pieces: set[str] = set()
    chunks.clear_chunk_cache()
    for text in texts:
        pieces.update(chunks._cut(text))
        pieces.update(read_chunks(text)[0])  # as parsed within the text (pieces joined after an open end)
    taken = {"paragraph": 0, "heading": 0}
    for piece in pieces:
        if same(piece):
            taken[_parse_chunk(piece, None).blocks[0].kind] += 1
    assert taken["paragraph"] > 50 and taken["heading"] > 50, taken
    chunks.clear_chunk_cache()
