"""A large version's section words as a cache entry and back: what the aligner computed of a
document's content words, kept by its blob, so that a diff of two versions seen before reads
them instead of cutting and stemming every section's text again.

The aligner compares sections on their content words
(:attr:`reviewtool.diff.section_facts.DocumentFacts.tok`: the stemmed words of a section's
title and plain text, :func:`reviewtool.diff.lexicon.content_set`). A book's diff computes
them for some two hundred distinct texts among its two thousand sections (about 11 ms);
read back, they cost under 2 ms. :func:`lend` gives a stored version's facts the words a
diff before computed of it, and :func:`keep` stores what a diff computed of a version that
had none (the words of the sections it read; a section it did not read is stored as
unknown, and computed when a later diff reads it).

Kept in the persistent cache (:mod:`reviewtool.draft.cache`, kind ``words``) by the blob
id, under the fingerprint of the diff layer's sources and the stored documents'
(:func:`reviewtool.diff.version_change.change_fingerprint`: the lexicon, these facts and the
parser), and only for a text of :data:`WORDS_FROM_CHARS` or more (a small version's words cost
little, and a long history of small versions, a cold ``log``, would write them at every
version). The data is JSON: ``{"format", "chars", "codes", "sets"}``, per section the code
of its words (0: unknown, else 1 + an index in *sets*), each distinct set once as its
words joined by spaces (no word holds one; in the set's order). Data of another :data:`FORMAT`, or
that does not fit the document (its length, its number of sections, a code out of range, a
type not ours) is refused and the words computed again: never an error. Sets read back
are kept by their stored text (:data:`_SETS`), so twin sections of the two versions hold the
very same set, as computed ones do.
Core module: no Textual, no Rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reviewtool.collector import LARGE_TEXT_CHARS
from reviewtool.diff.section_facts import TEXT_CACHE_SIZE, document_facts
from reviewtool.diff.version_change import change_fingerprint
from reviewtool.draft.cache import Cache
from reviewtool.draft.document import Document

#: The cache kind of a version's stored section words.
KIND = "words"
#: The version of the stored data; data of another version is refused (and the words computed).
FORMAT = 1
#: The smallest text whose section words are stored (:data:`reviewtool.collector.LARGE_TEXT_CHARS`).
WORDS_FROM_CHARS = LARGE_TEXT_CHARS

#: Sets read back, by their stored text (emptied when it grows past :data:`TEXT_CACHE_SIZE`).
_SETS: dict[str, frozenset[str]] = {}


def dump(doc: Document) -> dict[str, Any] | None:
    """The content words the aligner computed of *doc*'s sections so far, as JSON-able data
    (see the module docstring); None when it computed none."""
    known = document_facts(doc).tok.known()
    codes: list[int] = []
    sets: list[str] = []
    by_id: dict[int, int] = {}  # id of a set -> its code (twin sections share their set)
    by_text: dict[str, int] = {}
    for words in known:
        if words is None:
            codes.append(0)
            continue
        code = by_id.get(id(words))
        if code is None:
            text = " ".join(words)  # (in the set's order: sorting cost a book's first diff 2.4 ms)
            code = by_text.get(text)
            if code is None:
                sets.append(text)
                code = by_text[text] = len(sets)
            by_id[id(words)] = code
        codes.append(code)
    if not sets:
        return None
    return {"format": FORMAT, "chars": len(doc.text), "codes": codes, "sets": sets}


def load(data: Any, doc: Document) -> bool:
    """Give *doc*'s facts the section words stored in *data* (what :func:`dump` made of
    the same text); False (nothing given) when *data* does not fit *doc*."""
    if type(data) is not dict or data.get("format") != FORMAT or data.get("chars") != len(doc.text):
        return False
    codes, sets = data.get("codes"), data.get("sets")
    if type(codes) is not list or type(sets) is not list or len(codes) != len(doc.sections) \
            or not set(map(type, codes)).issubset((int,)) or not set(map(type, sets)).issubset((str,)):
        return False
    if codes and (min(codes) < 0 or max(codes) > len(sets)):
        return False
    kept = _SETS
    if len(kept) + len(sets) > TEXT_CACHE_SIZE:
        kept.clear()
    found: list[frozenset[str] | None] = [None]
    for text in sets:
        words = kept.get(text)
        if words is None:
            words = kept[text] = frozenset(text.split(" ")) if text else frozenset()
        found.append(words)
    document_facts(doc).tok.fill(list(map(found.__getitem__, codes)))
    return True


def lend(cache: Cache | None, versions: Sequence[tuple[str | None, Document]]) -> list[tuple[str, Document]]:
    """Give each of *versions* (blob id, document) of a large text the section words stored
    for its blob; the versions that had none (or whose entry was refused), for :func:`keep`
    after the diff."""
    missed: list[tuple[str, Document]] = []
    if cache is None:
        return missed
    for blob, doc in versions:
        if blob and len(doc.text) >= WORDS_FROM_CHARS \
                and not load(cache.get(KIND, change_fingerprint(), blob), doc):
            missed.append((blob, doc))
    return missed


def keep(cache: Cache | None, missed: Sequence[tuple[str, Document]]) -> None:
    """Store the section words computed of *missed* (what :func:`lend` returned), each under its blob."""
    if cache is None:
        return
    for blob, doc in missed:
        data = dump(doc)
        if data is not None:
            cache.put(KIND, change_fingerprint(), blob, data)


def clear_stored_words() -> None:
    """Forget the sets read back (for tests and benchmarks)."""
    _SETS.clear()
