"""A section diff as a cache entry and back: :class:`DocumentDiff` to compact JSON-able data,
and data plus the two documents to the same :class:`DocumentDiff`.

:func:`reviewtool.diff.section_diff.diff_documents` is a function of the two texts, so
:func:`document_diff` keeps its result in the persistent cache (:mod:`reviewtool.draft.cache`,
kind ``diff``) by the pair of blob ids, under the fingerprint of the diff layer's sources and
of the stored documents' (:func:`reviewtool.diff.version_change.change_fingerprint`): no
option of ``diff`` changes it (``--section``, ``--context`` and ``--full`` only choose what is
shown of it). A second ``reviewtool diff`` of the same two versions neither aligns nor
word-diffs.

What is kept refers to the documents and never copies their text:

* every pair of the alignment, in order: the indices of its old and new sections, its
  statuses, its similarity and title similarity (floats kept exactly: JSON writes the
  shortest repr);
* per changed pair: its index, its markup changes and its word diff (the counts, and the
  cleaned and raw operations as flat runs of ``kind, old length, new length``: joining an
  operation side's parts rebuilds the pair's text, so the text is sliced from the
  documents again);
* the unchanged pairs' indices (nothing was compared in them).

A change's paragraph rows (:func:`reviewtool.diff.view.change_rows`) are not kept: they are a
function of its word operations, cut again when shown (storing their offsets cost the first
diff of a pair more than cutting them costs a diff read back).

An entry that does not fit the two documents (a section index out of range or used
twice, lengths that do not add up to the pair's texts, a type or status that is not
ours) is refused (:func:`load` returns None) and the diff computed again: never an error.
The core of reviewtool: no Rich, no Textual.
"""

from __future__ import annotations

import math
from typing import Any

from reviewtool.diff import stored_words
from reviewtool.diff.section_diff import DocumentDiff, SectionChange, diff_documents, pair_texts
from reviewtool.diff.section_pairs import STATUSES, Alignment, SectionPair
from reviewtool.diff.version_change import change_fingerprint
from reviewtool.diff.word_ops import WordDiff, WordOp
from reviewtool.draft.document import Document
from reviewtool.draft.history import DraftHistory, Version

#: The cache kind of a stored section diff.
KIND = "diff"
#: Operation kinds, by their code in a stored run.
_OPS = ("equal", "insert", "delete", "replace")
_OP_CODE = {name: code for code, name in enumerate(_OPS)}
_STATUS_SET = frozenset(STATUSES)


def computes(history: DraftHistory, old: Version, new: Version) -> bool:
    """Whether :func:`document_diff` of *old* and *new* will compute the diff (and import the
    differ's stages: :func:`reviewtool.diff.version_change.load_differ`), asked before the
    documents are read: when the cache keeps no entry for the pair (:meth:`Cache.holds`), or
    keeps none for such a pair (no cache, the working tree, a blob against itself). An entry
    held but found damaged when read is computed after all (tests/test_stored_diff.py)."""
    cache = history.cache
    if cache is None or not old.blob or not new.blob or old.is_worktree or new.is_worktree or old.blob == new.blob:
        return True
    return not cache.holds(KIND, change_fingerprint(), f"{old.blob}-{new.blob}")


def document_diff(history: DraftHistory, old: Version, new: Version) -> DocumentDiff:
    """The section diff of the draft from *old* to *new*
    (:func:`reviewtool.diff.section_diff.diff_documents`), from the persistent cache when this
    repository diffed the same two blobs before; computed and kept when not. Versions in the
    working tree (which changes under us) are never kept, nor a blob against itself."""
    old_doc, new_doc = history.document(old), history.document(new)
    cache = history.cache
    if cache is None or not old.blob or not new.blob or old.is_worktree or new.is_worktree or old.blob == new.blob:
        return diff_documents(old_doc, new_doc)  # (a version against itself: nothing to align)
    key = f"{old.blob}-{new.blob}"
    stored = load(cache.get(KIND, change_fingerprint(), key), old_doc, new_doc)
    if stored is not None:
        return stored
    missed = stored_words.lend(cache, ((old.blob, old_doc), (new.blob, new_doc)))  # the words seen before
    diff = diff_documents(old_doc, new_doc)
    stored_words.keep(cache, missed)
    data = dump(diff)
    if data is not None:
        cache.put(KIND, change_fingerprint(), key, data)
    return diff


# ------------------------------------------------------------------ writing


def _runs(ops: list[WordOp]) -> list[int]:
    out: list[int] = []
    for op in ops:
        out += (_OP_CODE[op.op], len(op.old), len(op.new))
    return out


def _stored_word_diff(wd: WordDiff) -> list[Any]:
    return [wd.words_added, wd.words_removed, wd.words_old, wd.words_new, _runs(wd.ops), _runs(wd.raw_ops)]


def dump(diff: DocumentDiff) -> dict[str, Any] | None:
    """*diff* as JSON-able data (see the module docstring); None for a diff
    :func:`diff_documents` does not make (an unchanged pair compared or with markup changes)."""
    if any(c.word_diff is not None or c.markup for c in diff.unchanged):
        return None
    pairs = diff.alignment.pairs
    place = {id(p): k for k, p in enumerate(pairs)}
    return {
        "old": [len(diff.old.text), len(diff.old.sections)],
        "new": [len(diff.new.text), len(diff.new.sections)],
        "pairs": [[[s.index for s in p.old], [s.index for s in p.new], list(p.status), p.similarity,
                   p.title_similarity] for p in pairs],
        "changes": [[place[id(c.pair)], list(c.markup), None if c.word_diff is None else _stored_word_diff(c.word_diff)]
                    for c in diff.changes],
        "unchanged": [place[id(c.pair)] for c in diff.unchanged],
    }


# ------------------------------------------------------------------ reading


class _Refused(Exception):
    """Stored data that does not fit the documents."""


def load(data: Any, old: Document, new: Document) -> DocumentDiff | None:
    """The :class:`DocumentDiff` of *old* and *new* from stored *data*; None when there is none
    or it does not fit them."""
    if data is None:
        return None
    try:
        return _load(data, old, new)
    except (_Refused, TypeError, ValueError, KeyError, IndexError):
        return None


def _check(condition: bool) -> None:
    if not condition:
        raise _Refused


def _sections(doc: Document, indices: Any, seen: list[bool]) -> list[Any]:
    _check(type(indices) is list)
    out = []
    for i in indices:
        _check(type(i) is int and 0 <= i < len(seen) and not seen[i])
        seen[i] = True
        out.append(doc.sections[i])
    return out


def _number(value: Any) -> float:
    _check(type(value) in (int, float) and math.isfinite(value))
    return float(value)


#: The one type a list of strings holds (``issuperset`` of the types checks every item at C speed).
_STR = frozenset([str])


def _strings(value: Any) -> list[str]:
    _check(type(value) is list and _STR.issuperset(map(type, value)))
    return list(value)


def _load(data: dict[str, Any], old: Document, new: Document, reuse: bool = True) -> DocumentDiff:
    """:func:`load` of checked *data*; *reuse*: a pair of texts read before with the very same stored
    lists takes what they were read into (False: every change read afresh, for the tests)."""
    _check(type(data) is dict and data["old"] == [len(old.text), len(old.sections)]
           and data["new"] == [len(new.text), len(new.sections)])
    seen_old, seen_new = [False] * len(old.sections), [False] * len(new.sections)
    pairs: list[SectionPair] = []
    for row in data["pairs"]:
        _check(type(row) is list and len(row) == 5)
        status = _strings(row[2])
        _check(bool(status) and _STATUS_SET.issuperset(status))  # (strings: hashable)
        pairs.append(SectionPair(_sections(old, row[0], seen_old), _sections(new, row[1], seen_new), status,
                                 _number(row[3]), _number(row[4])))
    _check(all(seen_old) and all(seen_new))
    used = [False] * len(pairs)

    def pair_at(k: int) -> SectionPair:  # (as stored: checked to be one)
        _check(type(k) is int and 0 <= k < len(pairs) and not used[k])
        used[k] = True
        return pairs[k]

    changes = []
    # What was read for a pair of texts, by the texts: a book repeats whole chapters (822 changes
    # of the book are 273 pairs of texts). Reused only for the very same stored lists, so the
    # result is what reading them again gives (the operations are immutable).
    read: dict[tuple[str, str], tuple[Any, WordDiff | None]] = {}
    for k, markup, stored in data["changes"]:
        pair = pair_at(k)
        texts = pair_texts(old, new, pair)
        seen = read.get(texts) if reuse else None
        if seen is not None and seen[0] == stored:
            wd = seen[1]
            if wd is not None:
                wd = WordDiff(list(wd.ops), wd.words_added, wd.words_removed, wd.words_old, wd.words_new,
                              raw_ops=list(wd.raw_ops))
        else:
            wd = None if stored is None else _word_diff(stored, *texts)
            read[texts] = (stored, wd)
        changes.append(SectionChange(pair, wd, _strings(markup)))
    unchanged = [SectionChange(pair_at(k), None) for k in data["unchanged"]]
    _check(all(used))
    return DocumentDiff(old, new, Alignment(old, new, pairs), changes, unchanged)


def _word_diff(stored: Any, old: str, new: str) -> WordDiff:
    """The stored word diff of a pair whose texts are *old* and *new*."""
    _check(type(stored) is list and len(stored) == 6 and all(type(n) is int and n >= 0 for n in stored[:4]))
    return WordDiff(_ops(stored[4], old, new), stored[0], stored[1], stored[2], stored[3],
                    raw_ops=_ops(stored[5], old, new))


def _ops(runs: Any, old: str, new: str) -> list[WordOp]:
    _check(type(runs) is list and len(runs) % 3 == 0 and _ints(runs)
           and sum(runs[1::3]) == len(old) and sum(runs[2::3]) == len(new))
    ops: list[WordOp] = []
    at_old = at_new = 0
    for code, n_old, n_new in zip(runs[0::3], runs[1::3], runs[2::3]):
        ops.append(WordOp(_OPS[code], old[at_old:at_old + n_old], new[at_new:at_new + n_new]))
        at_old += n_old
        at_new += n_new
    return ops


_INT = frozenset([int])
_CODES = frozenset(range(len(_OPS)))


def _ints(runs: list[Any]) -> bool:
    """Whether flat *runs* (``kind, old length, new length``, ...) hold only non-negative
    integers with a known kind: the checks of each run, at C speed (the lengths' sums are
    then checked against the texts: each run's end is within them when the last one's is)."""
    return _INT.issuperset(map(type, runs)) and (not runs or min(runs) >= 0) and _CODES.issuperset(runs[0::3])

