"""Paragraph rows, hunks and side-by-side line-up of word diffs (reviewtool.diff.paragraphs / hunks / view)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from reviewtool.diff.hunks import Gap, change_spans, collapse
from reviewtool.diff.paragraphs import paragraph_rows, side_rows
from reviewtool.diff.word_diff import word_diff
from reviewtool.draft.document import WORD_PATTERN

WORD = re.compile(WORD_PATTERN)


def rows_of(old: str, new: str):
    return paragraph_rows(word_diff(old, new).ops)


def inline(row) -> str:
    return "".join({"equal": t, "delete": f"[-{t}-]", "insert": f"{{+{t}+}}"}[k] for k, t in row.inline())


def test_one_changed_paragraph_is_one_changed_row():
    old = "\n\n".join(f"Paragraph {i} says something plain." for i in range(50))
    new = old.replace("Paragraph 20 says something", "Paragraph 20 says anything")
    rows = rows_of(old, new)
    assert len(rows) == 50
    assert [i for i, r in enumerate(rows) if r.changed] == [20]
    assert inline(rows[20]) == "Paragraph 20 says [-something-]{+anything+} plain."
    assert rows[19].blank_before and not rows[0].blank_before


def test_added_and_removed_paragraphs_get_rows_of_their_own():
    rows = rows_of("Alpha one is here.\n\nGamma three is here.",
                   "Alpha one is here.\n\nBeta two, new.\n\nGamma three is here.")
    assert [(r.changed, r.has_old, r.has_new) for r in rows] == [(False, True, True), (True, False, True),
                                                               (False, True, True)]
    assert inline(rows[1]) == "{+Beta two, new.+}"
    rows = rows_of("Alpha one is here.\n\nBeta two, old.\n\nGamma three is here.",
                   "Alpha one is here.\n\nGamma three is here.")
    assert [inline(r) for r in rows] == ["Alpha one is here.", "[-Beta two, old.-]", "Gamma three is here."]


def test_a_paragraph_added_at_the_end_does_not_replace_the_last_one():
    # The blank line before an added paragraph belongs to the new text only: the sentence
    # before it is still unchanged (it used to be shown replaced whole).
    wd = word_diff("A long first paragraph with words.", "A long first paragraph with words.\n\nX new para.")
    assert [op.op for op in wd.ops] == ["equal", "insert"]
    wd = word_diff("A long first paragraph with words.", "X new para.\n\nA long first paragraph with words.")
    assert [op.op for op in wd.ops] == ["insert", "equal"]
    wd = word_diff("First stays.\n\nSecond one has an old word.",
                   "First stays.\n\nA new paragraph in between.\n\nSecond one has a new word.")
    assert [op.op for op in wd.ops] == ["equal", "insert", "equal", "replace", "equal"]


def test_list_items_and_table_rows_are_paragraphs_of_their_own():
    old = "Intro line.\n- first item\n- second item\n- third item\n\n| a | b |\n| 1 | 2 |\n| 3 | 4 |"
    new = old.replace("second item", "2nd item").replace("| 3 | 4 |", "| 3 | 5 |")
    rows = rows_of(old, new)
    assert [r.new_text for r in rows] == ["Intro line.", "- first item", "- 2nd item", "- third item",
                                          "| a | b |", "| 1 | 2 |", "| 3 | 5 |"]
    assert [r.blank_before for r in rows] == [False, False, False, False, True, False, False]
    assert [r.changed for r in rows] == [False, False, True, False, False, False, True]


def test_a_rewritten_paragraph_pairs_with_its_replacement_side_by_side():
    rows = rows_of("Keep this.\n\nOld text entirely gone.\n\nAnother old one.\n\nEnd here.",
                   "Keep this.\n\nFresh words instead now.\n\nEnd here.")
    sides = side_rows(rows)
    assert [(s.old is not None, s.new is not None) for s in sides] == [(True, True), (True, True), (True, False),
                                                                      (True, True)]
    assert sides[1].old == (("delete", "Old text entirely gone."),)
    assert sides[1].new == (("insert", "Fresh words instead now."),)


def test_joined_paragraphs_stay_one_row():
    rows = rows_of("End of one.\n\nStart of two here.", "End of one. Start of two there.")
    assert len(rows) == 1 and rows[0].changed
    assert inline(rows[0]) == "End of one. Start of two [-here-]{+there+}."


def test_collapse_keeps_context_around_each_change():
    old = "\n\n".join(f"Paragraph {i} says something plain." for i in range(150))
    new = old.replace("Paragraph 40 says", "Paragraph 40 shouts").replace("Paragraph 44 says", "Paragraph 44 shouts")
    rows = rows_of(old, new)
    assert change_spans(rows) == [(40, 41), (44, 45)]
    items = collapse(rows, 1)
    shape = [f"gap {i.count}" if isinstance(i, Gap) else ("*" if i.changed else ".") for i in items]
    assert shape == ["gap 39", ".", "*", ".", ".", ".", "*", ".", "gap 104"]
    assert items[0].label == "… 39 unchanged paragraphs …"
    # Context 0: only the changes; a single unchanged paragraph between is never a marker.
    assert [f"gap {i.count}" if isinstance(i, Gap) else "*" if i.changed else "." for i in collapse(rows, 0)] == \
        ["gap 40", "*", "gap 3", "*", "gap 105"]
    assert collapse(rows, None) == rows
    # An expanded gap shows its rows.
    first = next(i for i in items if isinstance(i, Gap))
    assert all(not isinstance(i, Gap) for i in collapse(rows, 1, {first.start})[:39])


def test_a_run_of_one_paragraph_is_shown_not_collapsed():
    old = "\n\n".join(f"Para {i} is plain." for i in range(5))
    new = old.replace("Para 0 is", "Para 0 was").replace("Para 4 is", "Para 4 was")
    items = collapse(rows_of(old, new), 1)
    assert not any(isinstance(i, Gap) for i in items) and len(items) == 5


vocabulary = st.sampled_from(["alpha", "beta", "gamma", "delta", "the", "a", "end.", "Why?", "x-y", "don't",
                              "-", "*", "1.", "|", ",", "café"])
paragraph = st.lists(vocabulary, min_size=1, max_size=12).map(" ".join)
separator = st.sampled_from(["\n\n", "\n", "\n\n\n", " \n \n", "\n- ", "\n  * ", "\n| "])


@st.composite
def text(draw) -> str:
    parts = draw(st.lists(paragraph, min_size=0, max_size=6))
    out = ""
    for i, p in enumerate(parts):
        out += (draw(separator) if i else "") + p
    return out


def _words(s: str) -> list[str]:
    return WORD.findall(s)


@given(text(), text())
def test_rows_keep_every_word_in_order_on_both_sides(old, new):
    ops = word_diff(old, new).ops
    rows = paragraph_rows(ops)
    assert _words(" ".join(r.old_text for r in rows)) == _words(old)
    assert _words(" ".join(r.new_text for r in rows)) == _words(new)
    # Side by side keeps them too, each row on its side.
    sides = side_rows(rows)
    assert _words(" ".join(t for s in sides if s.old for _, t in s.old)) == _words(old)
    assert _words(" ".join(t for s in sides if s.new for _, t in s.new)) == _words(new)
    # Collapsing hides unchanged rows only, and keeps all changed ones.
    for context in (0, 1, 2):
        items = collapse(rows, context)
        shown = [i for i in items if not isinstance(i, Gap)]
        hidden = sum(i.count for i in items if isinstance(i, Gap))
        assert len(shown) + hidden == len(rows)
        assert sum(r.changed for r in shown) == sum(r.changed for r in rows)


@given(text(), text())
def test_plain_marks_never_run_words_together(old, new):
    # Reading the marked text back (drop insertions, unwrap deletions) gives the old words,
    # and the other way round the new ones: no word was glued to its neighbour.
    marked = "\n\n".join(inline(r) for r in paragraph_rows(word_diff(old, new).ops))
    as_old = re.sub(r"\[-(.*?)-\]", r"\1", re.sub(r"\{\+.*?\+\}", "", marked, flags=re.S), flags=re.S)
    as_new = re.sub(r"\{\+(.*?)\+\}", r"\1", re.sub(r"\[-.*?-\]", "", marked, flags=re.S), flags=re.S)
    assert _words(as_old) == _words(old)
    assert _words(as_new) == _words(new)


def test_plain_text_rows_are_lines():
    # An outline bullet compared with the prose it became: plain text, one block per line.
    ops = word_diff("Why now\nthe cost", "Why now is the question.\nThe cost is known.\nA third line.").ops
    rows = paragraph_rows(ops, plain=True)
    assert [r.new_text for r in rows] == ["Why now is the question.", "The cost is known.", "A third line."]
    assert all(r.blank_before for r in rows[1:])


def test_heading_note_only_for_headings():
    from reviewtool.diff.heading_moves import heading_note
    from reviewtool.diff.section_diff import diff_documents
    from reviewtool.draft.document import parse

    body = "Cycling to work changed how I think about distance and time in the city."
    rest = "The route is eleven kilometres along the canal, past the old brewery and the market."
    old = parse(f"# Essay\n\n## Intro\n\n{body}\n\n### More\n\n{rest}\n")
    new = parse(f"# Essay\n\n## Intro\n\n{body}\n\n{rest}\n")
    diff = diff_documents(old, new)
    [change] = diff.changes
    assert heading_note(change.pair, old, new) == "heading “More” removed: 15 words moved into “Intro”"
    assert change.words_added == change.words_removed == 0
