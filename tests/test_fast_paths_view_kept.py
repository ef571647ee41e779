"""What the view of a diff reuses for twin changes, and reads at C speed, is what building
each change afresh gives.

A book repeats whole chapters, so many of its changes are the same pair of texts: reading a
stored diff (:func:`reviewtool.diff.stored_diff._load`) reads each pair of texts' stored
operations once and hands the same immutable operations to its twins (whose rows, cut again,
are then the same row objects: :func:`reviewtool.diff.paragraphs.paragraph_rows` keeps them), and
:func:`reviewtool.diff.diff_json.diff_json` builds the ``ops`` and ``hunks`` of the very same
operation and row objects once. Each is compared here with the code without the reuse: a
stored diff read change by change afresh, and the JSON built change by change with
``WordOp.to_dict`` and :func:`reviewtool.diff.diff_json.hunks_json`; on books that repeat
themselves, on edited essays and on a book of the RFC corpus, with every context. The stored
runs of operations are checked with set and sum operations instead of one run at a
time: the same data is refused (hypothesis over damaged runs) and the rest read the same.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewtool.diff import stored_diff
from reviewtool.diff.align import clear_cache
from reviewtool.diff.diff_json import diff_json, hunks_json
from reviewtool.diff.section_diff import DocumentDiff, diff_documents, pair_texts
from reviewtool.diff.view import change_rows, section_views
from reviewtool.diff.word_ops import WordOp
from reviewtool.draft.document import parse
from tests.essays import FM, HEALTH, INTRO, MONEY, SAFETY, WEATHER
from tests.test_fast_paths import _corpus_book, _volumes
from tests.test_stored_diff import assert_same, edited

CONTEXTS = (0, 1, 3, None)


def _plain_diff_json(diff: DocumentDiff, context: int | None) -> dict[str, Any]:
    """diff_json as it was: each change's ``ops`` from ``WordOp.to_dict`` and its view's JSON
    built on its own."""
    data = diff.to_dict()
    for entry, change, view in zip(data["changes"], diff.changes, section_views(diff), strict=True):
        entry["ops"] = [op.to_dict() for op in change.word_diff.ops] if change.word_diff else []
        entry.update({"notes": list(view.notes), "change_count": view.change_count,
                      "hunks": hunks_json(view, context)})
    data["context"] = context
    return data


def _stored(diff: DocumentDiff) -> Any:
    data = stored_diff.dump(diff)
    assert data is not None
    return orjson.loads(orjson.dumps(data))  # as the cache keeps it


def _check(old_text: str, new_text: str) -> tuple[int, int]:
    """Compare both shortcuts with the plain code on the diff of the two texts, computed and
    read back; returns (changes, distinct row lists of the diff read back)."""
    clear_cache()
    diff = diff_documents(parse(old_text), parse(new_text))
    data = _stored(diff)
    kept = stored_diff._load(data, diff.old, diff.new)
    fresh = stored_diff._load(orjson.loads(orjson.dumps(data)), diff.old, diff.new, reuse=False)
    assert_same(kept, fresh)
    assert_same(kept, diff)
    for a, b in zip(kept.changes, fresh.changes, strict=True):
        assert a.word_diff == b.word_diff and a.markup == b.markup
        assert change_rows(a) == change_rows(b) and (not change_rows(a) or change_rows(a) is not change_rows(b))
    for shown in (diff, kept, fresh):
        for context in CONTEXTS:
            assert orjson.dumps(diff_json(shown, context=context)) == \
                orjson.dumps(_plain_diff_json(shown, context))
    # Each change of the diff read back has its own lists: changing one changes no twin.
    lists = [c.rows for c in kept.changes if c.rows]
    assert len({id(rows) for rows in lists}) == len(lists)
    ops = [c.word_diff.ops for c in kept.changes if c.word_diff]
    assert len({id(o) for o in ops}) == len(ops)
    return len(kept.changes), len({tuple(map(id, c.rows)) for c in kept.changes if c.rows})


@pytest.mark.parametrize("seed", range(4))
def test_books_that_repeat_themselves(seed: int):
    rng = random.Random(seed)
    changes, distinct = _check(_volumes(rng, 4, 30), _volumes(rng, 4, 32))
    assert distinct < changes  # twins: rows were shared


@pytest.mark.parametrize("seed", range(6))
def test_edited_essays(seed: int):
    rng = random.Random(seed)
    text = "\n\n".join([FM, INTRO, MONEY, SAFETY, WEATHER, HEALTH])
    once = edited(rng, text)
    _check(text + "\n\n" + text, once + "\n\n" + edited(rng, once))


def test_a_change_to_one_twin_reaches_no_other():
    rng = random.Random(7)
    clear_cache()
    diff = diff_documents(parse(_volumes(rng, 4, 30)), parse(_volumes(rng, 4, 32)))
    kept = stored_diff._load(_stored(diff), diff.old, diff.new)
    before = orjson.dumps(diff_json(kept))
    with_rows = [c for c in kept.changes if c.rows]
    shared = [c for c in with_rows if any(d is not c and d.rows == c.rows for d in with_rows)]
    assert shared
    shared[0].rows.append(shared[0].rows[0])
    shared[0].word_diff.ops.append(shared[0].word_diff.ops[0])
    changed = orjson.loads(orjson.dumps(diff_json(kept)))["changes"]
    was = orjson.loads(before)["changes"]
    k = kept.changes.index(shared[0])
    assert changed[k] != was[k]
    assert changed[:k] + changed[k + 1:] == was[:k] + was[k + 1:]  # its twins read as they did
    shared[0].rows.pop()
    shared[0].word_diff.ops.pop()
    assert orjson.dumps(diff_json(kept)) == before


@pytest.mark.slow
def test_a_book_of_the_rfc_corpus(tmp_path: Path):
    old_text, new_text = _corpus_book(tmp_path)
    changes, distinct = _check(old_text, new_text)
    assert distinct < changes


# ---------------------------------------------------------------- checks of stored runs at C speed

def _reference_ops(runs: Any, old: str, new: str) -> list[WordOp]:
    """stored_diff._ops as it was: each run checked on its own."""
    _check = stored_diff._check
    _check(type(runs) is list and len(runs) % 3 == 0)
    ops: list[WordOp] = []
    at_old = at_new = 0
    for k in range(0, len(runs), 3):
        code, n_old, n_new = runs[k], runs[k + 1], runs[k + 2]
        _check(type(code) is int and 0 <= code < len(stored_diff._OPS)
               and type(n_old) is int and type(n_new) is int and n_old >= 0 and n_new >= 0)
        ops.append(WordOp(stored_diff._OPS[code], old[at_old:at_old + n_old], new[at_new:at_new + n_new]))
        at_old += n_old
        at_new += n_new
    _check(at_old == len(old) and at_new == len(new))
    return ops


def _outcome(read: Any, *args: Any) -> Any:
    try:
        return read(*args)
    except stored_diff._Refused:
        return "refused"
    except (TypeError, ValueError, KeyError, IndexError) as e:  # what load() also turns into "refused"
        return f"refused ({type(e).__name__})"


_VALUES = st.one_of(st.integers(-2, 12), st.sampled_from([True, False, 1.0, 2.5, None, "1", 10**6]))
_TEXTS = st.text(alphabet="ab \n", max_size=12)


@settings(max_examples=300, deadline=None)
@given(runs=st.one_of(st.lists(_VALUES, max_size=12), st.lists(st.integers(0, 4), max_size=12), _VALUES),
       old=_TEXTS, new=_TEXTS)
def test_runs_checked_at_c_speed_are_runs_checked_one_by_one(runs: Any, old: str, new: str):
    got, want = _outcome(stored_diff._ops, runs, old, new), _outcome(_reference_ops, runs, old, new)
    assert (got.startswith("refused") if isinstance(want, str) else got == want), (got, want)


def test_stored_runs_of_a_real_diff_read_as_before():
    rng = random.Random(3)
    clear_cache()
    diff = diff_documents(parse(_volumes(rng, 3, 20)), parse(_volumes(rng, 3, 22)))
    data = _stored(diff)
    read = 0
    for k, _markup, stored in data["changes"]:
        pair = diff.alignment.pairs[k]
        texts = pair_texts(diff.old, diff.new, pair)
        if stored is not None:
            for runs in stored[4:]:
                assert stored_diff._ops(runs, *texts) == _reference_ops(runs, *texts)
                read += 1
    assert read


def _reference_strings(value: Any) -> list[str]:
    """stored_diff._strings as it was: each item's type asked in a generator."""
    stored_diff._check(type(value) is list and all(type(s) is str for s in value))
    return list(value)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.lists(st.one_of(st.sampled_from(["edited", "moved", "improved", ""]), _VALUES),
                                max_size=5), _VALUES))
def test_strings_and_statuses_checked_at_c_speed_are_checked_one_by_one(value: Any):
    got, want = _outcome(stored_diff._strings, value), _outcome(_reference_strings, value)
    assert got == want
    if isinstance(got, list):
        assert stored_diff._STATUS_SET.issuperset(got) == all(s in stored_diff._STATUS_SET for s in got)
