"""The faster paths of the view of a diff give exactly what the plain ones gave (issue 13).

Beside tests/test_fast_paths.py (the diff's own shortcuts): each test here runs a shortcut
of what is shown of a diff beside the plain code it replaced, kept here or in the module as
the reference, and compares the results: the JSON escape check that scans only the
non-ASCII bytes; a row of the diff's JSON built in one pass; the hunks collapsed with the
change spans their view already found.
"""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from reviewtool import textsafe
from reviewtool.diff.diff_json import row_json
from reviewtool.diff.hunks import change_spans, collapse
from reviewtool.diff.paragraphs import Row
from reviewtool.diff.word_ops import WordOp

#: Characters near the ones JSON output escapes (same lead bytes, neighbouring code points),
#: the escaped ones, ASCII with DEL, and emoji: what could fool a scan of the non-ASCII bytes.
_NEAR = [chr(cp) for base in (0x80, 0xAD, 0x61C, 0x115F, 0x180E, 0x200B, 0x2028, 0x2060, 0x2066, 0x3164, 0xFEFF,
                              0xFFA0, 0xFFF9, 0x13430, 0x1BCA0, 0x1D173, 0xE0001, 0xE0020, 0xE007F)
         for cp in range(base - 2, base + 3)]
_TEXT = st.text(st.one_of(st.sampled_from(_NEAR), st.characters(max_codepoint=0x7F),
                          st.sampled_from("“”—é😀👍🏽\U0001f3f4\u00a0\u00ff\u0100"),
                          st.characters(exclude_categories=("Cs",))), max_size=60)


def _plain_check(raw: bytes) -> bool:
    """The check as it was: the pattern over every byte."""
    return textsafe._json_escapes_utf8().search(raw) is not None


@given(_TEXT)
def test_the_non_ascii_scan_finds_what_the_whole_scan_finds(text: str):
    for raw in (text.encode("utf-8"), json.dumps({"t": text}, ensure_ascii=False).encode("utf-8")):
        assert textsafe._json_escapes_in(raw) == _plain_check(raw)


def test_the_non_ascii_scan_on_every_character_next_to_ascii_and_to_each_other():
    for cp in [*range(0x7F, 0x3200), *range(0xFE00, 0x10000), *range(0x13400, 0x13500), *range(0x1BC80, 0x1BD00),
               *range(0x1D100, 0x1D200), *range(0xE0000, 0xE0100)]:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        for raw in ((ch + "a").encode(), ("“" + ch + "é").encode(), ("x" + ch + ch).encode()):
            assert textsafe._json_escapes_in(raw) == _plain_check(raw), hex(cp)


# ---------------------------------------------------------------- diff JSON rows

_OP_TEXT = st.text(st.sampled_from(["a", "b", " ", "\n", "\r", "\t", "\u00a0", "\u2028", "\u3000", "\u200b", "é", "-"]),
                   max_size=6)
_OPS = st.lists(st.tuples(st.sampled_from(["equal", "insert", "delete", "replace"]), _OP_TEXT, _OP_TEXT), max_size=6)


def _reference_row_json(row: Row, index: int) -> dict[str, object]:
    """row_json as it was: Row's properties and WordOp.to_dict."""
    return {
        "row": index,
        "changed": any(op.op != "equal" for op in row.ops),
        "blank_before": row.blank_before,
        "old": row.old_text if row.has_old else None,
        "new": row.new_text if row.has_new else None,
        "ops": [op.to_dict() for op in row.ops if op.old or op.new],
    }


@given(_OPS, st.booleans(), st.integers(0, 9))
def test_row_json_in_one_pass_is_the_rows_properties(ops, blank, index):
    row = Row(tuple(WordOp(*op) for op in ops), blank)
    assert json.dumps(row_json(row, index)) == json.dumps(_reference_row_json(row, index))


def test_a_non_space_is_what_strip_keeps_for_every_character():
    """has_old asks ``\\S`` of the text, row_json ``str.strip``: the same for every code point."""
    non_space = re.compile(r"\S")
    for cp in range(0x110000):
        ch = chr(cp)
        assert (non_space.search(ch) is not None) == bool(ch.strip()), hex(cp)


@given(st.lists(st.booleans(), max_size=30), st.one_of(st.none(), st.integers(0, 3)), st.sets(st.integers(0, 30)))
def test_collapse_with_the_spans_given_is_collapse(changed, context, expanded):
    rows = [Row((WordOp("insert" if c else "equal", "x", "y"),)) for c in changed]
    assert collapse(rows, context, expanded, change_spans(rows)) == collapse(rows, context, expanded)

