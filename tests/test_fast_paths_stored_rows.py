"""Stored paragraph rows kept by the pair's texts and rows are the rows stored afresh.

:func:`reviewtool.diff.stored_diff._stored_rows` keeps what it computed by the two texts and
the rows (a book repeats whole chapters; the rows are compared with those kept, by identity
first); each call is compared with
:func:`reviewtool.diff.stored_diff.plain_stored_rows`, a caller's change to its lists reaches no
other caller, and the stored diff (whose twins share their stored rows:
:func:`reviewtool.diff.stored_diff._dumped_rows`) equals one dumped with nothing kept or shared,
on books that repeat themselves and on a book of the RFC corpus.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reviewtool.diff import stored_diff
from reviewtool.diff.align import clear_cache
from reviewtool.diff.section_diff import diff_documents, pair_texts
from reviewtool.diff.view import change_rows
from reviewtool.draft.document import parse
from tests.test_fast_paths import _corpus_book, _volumes


def _kept_and_plain(old_text: str, new_text: str) -> tuple[int, int]:
    """Dump the diff with the rows kept (checking each against a fresh computation), and with
    nothing kept; returns (changes, distinct pairs of texts)."""
    stored_diff.clear_stored_rows()
    clear_cache()
    diff = diff_documents(parse(old_text), parse(new_text))
    pairs = set()
    for change in diff.changes:
        got = stored_diff._stored_rows(change, diff.old, diff.new)
        old, new = pair_texts(diff.old, diff.new, change.pair)
        pairs.add((old, new))
        assert got == stored_diff.plain_stored_rows(change_rows(change), old, new)
        if got:
            got[0].append(-1)  # a caller's change to its copy reaches no other caller
            assert stored_diff._stored_rows(change, diff.old, diff.new) == \
                stored_diff.plain_stored_rows(change_rows(change), old, new)
            assert stored_diff._stored_rows(change, diff.old, diff.new, copy=False) == \
                stored_diff.plain_stored_rows(change_rows(change), old, new)
    for change in diff.changes:  # what lets twins share their stored rows (stored_diff._dumped_rows)
        if change.word_diff is not None:
            ops = change.word_diff.ops
            assert ("".join(op.old for op in ops), "".join(op.new for op in ops)) == \
                pair_texts(diff.old, diff.new, change.pair)
    kept = stored_diff.dump(diff)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(stored_diff, "_dumped_rows", lambda diff: [stored_diff.plain_stored_rows(
            change_rows(c), *pair_texts(diff.old, diff.new, c.pair)) if change_rows(c) else [] for c in diff.changes])
        clear_cache()
        assert stored_diff.dump(diff_documents(parse(old_text), parse(new_text))) == kept
    return len(diff.changes), len(pairs)


@pytest.mark.parametrize("seed", range(4))
def test_books_that_repeat_themselves_store_the_rows_stored_afresh(seed: int):
    rng = random.Random(seed)
    changes, distinct = _kept_and_plain(_volumes(rng, 4, 30), _volumes(rng, 4, 32))
    assert distinct < changes  # twins: kept rows were used


@pytest.mark.slow
def test_a_book_of_the_rfc_corpus_stores_the_rows_stored_afresh(tmp_path: Path):
    old_text, new_text = _corpus_book(tmp_path)
    changes, distinct = _kept_and_plain(old_text, new_text)
    assert distinct < changes


def test_the_same_texts_with_other_rows_are_stored_afresh():
    """Rows kept for a pair's texts are reused only for the same rows: a pair of the same texts
    cut into other rows (compared as plain text, or rows equal but not the same objects) gets
    its own."""
    from reviewtool.diff.paragraphs import paragraph_rows, plain_paragraph_rows
    from reviewtool.diff.section_diff import SectionChange
    from reviewtool.diff.section_pairs import SectionPair
    from reviewtool.diff.word_diff import word_diff

    stored_diff.clear_stored_rows()
    old_doc = parse("# T\n\nOne two.\nFive six.\n\n- three\n- four\n")
    new_doc = parse("# T\n\nOne too.\nFive six.\n\n- three\n- for\n")
    pair = SectionPair([old_doc.sections[0]], [new_doc.sections[0]], ["edited"], 0.5, 1.0)
    old, new = pair_texts(old_doc, new_doc, pair)
    wd = word_diff(old, new)
    rows_by_paragraph = paragraph_rows(wd.ops)
    rows_by_line = paragraph_rows(wd.ops, plain=True)
    equal_not_same = plain_paragraph_rows(wd.ops)
    assert rows_by_line != rows_by_paragraph
    assert rows_by_paragraph == equal_not_same and rows_by_paragraph[0] is not equal_not_same[0]
    for rows in (rows_by_paragraph, rows_by_line, equal_not_same, rows_by_paragraph):
        change = SectionChange(pair, wd)
        change.rows = rows
        assert stored_diff._stored_rows(change, old_doc, new_doc) == stored_diff.plain_stored_rows(rows, old, new)
