"""Paragraph rows with each operation's breaks found by bisection, compared with the rows cut as before.

:func:`reviewtool.diff.paragraphs._stream` finds the paragraph breaks inside each operation
by two bisections over the side's break offsets in order (``_within``); each operation
looked at every break of its side (a generator over the whole dict, then sorted), so a long
section with many changes and many paragraphs (a long list, a book's chapter) cost
operations times breaks. The stream as it was is kept here and compared, stream and rows, on
hypothesis operation lists (breaks, list items, table rows, whitespace of several kinds), on
bench_diff's essays and on the word diffs of consecutive versions of the RFC corpus's
longest histories (the README's long lists).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from itertools import zip_longest
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff import paragraphs
from reviewtool.diff.paragraphs import LINE_BREAK, PARAGRAPH_BREAK, _Break, _breaks, _stream
from reviewtool.diff.section_diff import diff_documents
from reviewtool.diff.word_ops import WordOp
from reviewtool.draft.document import parse
from tests.benchmarks.bench_diff import edit_essay, make_essay
from tests.gitutil import clone_corpus, followed_texts

# ------------------------------------------------ the code replaced (the reference)


def _here_as_before(breaks: dict[int, bool], start: int, size: int) -> list[int]:
    return sorted(x - start for x in breaks if start < x <= start + size)


def _cut_as_before(text: str, start: int, breaks: dict[int, bool]) -> list[tuple[str, bool | None]]:
    cuts = _here_as_before(breaks, start, len(text))
    pieces: list[tuple[str, bool | None]] = []
    prev = 0
    for at in cuts:
        pieces.append((text[prev:at], breaks[start + at]))
        prev = at
    if prev < len(text) or not pieces:
        pieces.append((text[prev:], None))
    return pieces


def _equal_pieces_as_before(op: WordOp, oa: int, ob: int, old_breaks: dict[int, bool],
                            new_breaks: dict[int, bool]) -> list[WordOp | _Break]:
    old_here = _here_as_before(old_breaks, oa, len(op.old))
    new_here = _here_as_before(new_breaks, ob, len(op.new))
    if not old_here and not new_here:
        return [op]
    same = op.old == op.new
    at: dict[int, list[int | None]] = {}
    for side, here, text in ((0, old_here, op.old), (1, new_here, op.new)):
        prev_x = prev_p = 0
        for x in here:
            if same:
                p = x
            else:
                p = prev_p + paragraphs._non_ws(text[prev_x:x])
                prev_x, prev_p = x, p
            at.setdefault(p, [None, None])[side] = x
    out: list[WordOp | _Break] = []
    po = pn = 0
    for p in sorted(at):
        xo, xn = at[p]
        if same:
            old_cut = new_cut = p
        else:
            old_cut = xo if xo is not None else max(po, paragraphs._cut_at(op.old, p))
            new_cut = xn if xn is not None else max(pn, paragraphs._cut_at(op.new, p))
        out.append(WordOp("equal", op.old[po:old_cut], op.new[pn:new_cut]))
        blank = new_breaks[ob + xn] if xn is not None else old_breaks[oa + xo]  # type: ignore[operator]
        out.append(_Break(xo is not None, xn is not None, blank))
        po, pn = old_cut, new_cut
    out.append(WordOp("equal", op.old[po:], op.new[pn:]))
    return out


def _change_pieces_as_before(op: WordOp, oa: int, ob: int, old_breaks: dict[int, bool],
                             new_breaks: dict[int, bool]) -> list[WordOp | _Break]:
    olds = _cut_as_before(op.old, oa, old_breaks) if op.old else []
    news = _cut_as_before(op.new, ob, new_breaks) if op.new else []
    if len(olds) <= 1 and len(news) <= 1 and all(b is None for _, b in (*olds, *news)):
        return [op]
    out: list[WordOp | _Break] = []
    for o, n in zip_longest(olds, news):
        split_tail = paragraphs._split_tail
        old_text, old_ws = split_tail(o[0]) if o is not None and o[1] is not None else (o[0] if o else "", "")
        new_text, new_ws = split_tail(n[0]) if n is not None and n[1] is not None else (n[0] if n else "", "")
        if old_text:
            out.append(paragraphs._change_piece("delete", old_text, ""))
        if new_text:
            out.append(paragraphs._change_piece("insert", "", new_text))
        if old_ws or new_ws:
            out.append(WordOp("equal", old_ws, new_ws))
        old_break = o is not None and o[1] is not None
        new_break = n is not None and n[1] is not None
        if old_break or new_break:
            blank = bool(n[1]) if new_break and n is not None else bool(o is not None and o[1])
            out.append(_Break(old_break, new_break, blank))
    return out


def _stream_as_before(ops: Sequence[WordOp], pattern: re.Pattern[str]) -> list[WordOp | _Break]:
    """:func:`paragraphs._stream` as it was: every operation's breaks picked out of all its side's."""
    old_breaks = _breaks("".join(op.old for op in ops), pattern)
    new_breaks = _breaks("".join(op.new for op in ops), pattern)
    out: list[WordOp | _Break] = []
    oa = ob = 0
    for op in ops:
        if op.op == "equal":
            out.extend(_equal_pieces_as_before(op, oa, ob, old_breaks, new_breaks))
        else:
            out.extend(_change_pieces_as_before(op, oa, ob, old_breaks, new_breaks))
        oa += len(op.old)
        ob += len(op.new)
    return out


def _same_as_before(ops: list[WordOp], plain: bool) -> None:
    pattern = LINE_BREAK if plain else PARAGRAPH_BREAK
    assert _stream(list(ops), pattern) == _stream_as_before(ops, pattern)
    rows = paragraphs.plain_paragraph_rows(ops, plain)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(paragraphs, "_stream", _stream_as_before)
        assert rows == paragraphs.plain_paragraph_rows(ops, plain)
    # And each operation's breaks, side by side.
    old_breaks = _breaks("".join(op.old for op in ops), pattern)
    new_breaks = _breaks("".join(op.new for op in ops), pattern)
    old_at, new_at = list(old_breaks), list(new_breaks)
    assert old_at == sorted(old_breaks) and new_at == sorted(new_breaks)
    oa = ob = 0
    for op in ops:
        assert paragraphs._within(old_at, oa, len(op.old)) == _here_as_before(old_breaks, oa, len(op.old))
        assert paragraphs._within(new_at, ob, len(op.new)) == _here_as_before(new_breaks, ob, len(op.new))
        if op.old:
            assert paragraphs._cut(op.old, oa, old_breaks, old_at) == _cut_as_before(op.old, oa, old_breaks)
        if op.new:
            assert paragraphs._cut(op.new, ob, new_breaks, new_at) == _cut_as_before(op.new, ob, new_breaks)
        oa += len(op.old)
        ob += len(op.new)


# ------------------------------------------------ generated operations

_PIECES = st.lists(st.sampled_from(["a", "word ", " ", "\n", "\n\n", "\n \n", "\t", "- ", "1. ", "| ", "\xa0", "\u2003",
                                    "\n- item", "\n2) x", "\n|a|", "\n\n\n", "é", "."]), max_size=25).map("".join)
_OPS = st.lists(st.tuples(st.sampled_from(["equal", "insert", "delete", "replace"]), _PIECES, _PIECES), max_size=10)


@given(_OPS, st.booleans())
def test_streams_of_generated_operations_are_the_streams_as_before(ops: list[tuple[str, str, str]], plain: bool):
    word_ops = [WordOp(kind, old if kind != "insert" else "", new if kind != "delete" else "")
                for kind, old, new in ops]
    _same_as_before(word_ops, plain)
    # An unchanged operation's two texts differ only in whitespace: the usual case, the same text.
    _same_as_before([WordOp("equal", op.old, op.old) if op.op == "equal" else op for op in word_ops], plain)


# ------------------------------------------------ real word diffs


def _ops_of(old_text: str, new_text: str) -> Iterator[list[WordOp]]:
    for change in diff_documents(parse(old_text), parse(new_text)).changes:
        if change.word_diff is not None and not change.word_diff.is_equal:
            yield change.word_diff.ops


@pytest.mark.parametrize("size", [3000, 10000])
def test_streams_of_generated_essays_are_the_streams_as_before(size: int):
    essay = make_essay(size, seed=size)
    edited, _truth = edit_essay(essay, seed=size + 1)
    compared = 0
    for ops in _ops_of(essay.text(), edited.text()):
        _same_as_before(ops, False)
        _same_as_before(ops, True)
        compared += 1
    assert compared >= size // 200 - 2


@pytest.mark.slow
def test_streams_of_the_rfc_corpus_are_the_streams_as_before(tmp_path: Path):
    """Consecutive versions of the corpus's longest histories, and distant ones (long lists,
    many paragraphs, many changes in one section)."""
    repo = clone_corpus(tmp_path / "rfcs")
    compared = many = 0
    for path in ("README.md", "text/3537-msrv-resolver.md"):
        texts = followed_texts(repo, path)
        pairs = [*itertools.pairwise(texts), (texts[-1], texts[0]), (texts[len(texts) // 2], texts[0])]
        for old_text, new_text in pairs:
            for ops in _ops_of(old_text, new_text):
                _same_as_before(ops, False)
                compared += 1
                many += len(ops) > 20
    assert compared > 300
    assert many > 5  # sections with many changes, where the breaks were looked at again and again
