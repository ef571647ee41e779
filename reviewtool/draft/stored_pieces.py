"""The markup of stored documents' pieces, indexed so that a diff's markup check finds a piece's
markup without parsing it.

A stored version (:mod:`reviewtool.draft.stored_document`) may keep the markup of the pieces
its text was cut into (:func:`reviewtool.draft.chunks.piece_features`). When such a version
is loaded, :func:`remember_pieces` takes what reads them (nothing is read yet); the markup
check (:func:`reviewtool.draft.chunks.read_features`) asks :func:`stored_features` for a
piece it did not parse, which indexes the pending documents' pieces first, then looks the
piece up by its length and first characters and compares it with the stored text in place.
Only the last few documents wait to be indexed (:data:`PENDING_MAX`), and the index is
bounded (:data:`INDEX_SIZE`). Core module: no Textual, no Rich.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate, compress, repeat
from operator import add, is_not, sub
from typing import Any

from reviewtool.draft.markup_features import Features

#: Pieces indexed at most; the index is emptied when it grows past this.
INDEX_SIZE = 16384
#: Stored documents whose pieces wait to be indexed, at most (the last ones read).
PENDING_MAX = 4
#: How many first characters of a piece its index key holds (besides its length).
_PREFIX = 64

#: A piece's length and first :data:`_PREFIX` characters -> a stored document's text, where
#: a piece of that length and start begins in it, and the piece's features parsed alone (no
#: definition given, none of its own, no open end; some markup) as the document keeps them
#: (:data:`_decode` reads them; :data:`_DECODED`: those read, by what was stored). Keyed by
#: a piece's start, so that indexing a document does not copy and hash all of its text; a
#: piece asked for is compared with the text there.
_KNOWN: dict[tuple[int, str], tuple[str, int, Any]] = {}
_DECODED: dict[Any, Features | None] = {}
#: Stored documents' pieces not indexed into :data:`_KNOWN` yet: (the text, what reads its
#: pieces, as :func:`remember_pieces` takes them).
_PENDING: list[tuple[str, Callable[[], tuple[list[int], list[Any]] | None]]] = []


def _no_decoder(stored: Any) -> Features | None:
    return None


#: Turns stored features back into :class:`Features` (None: not accepted); set by
#: :func:`remember_pieces`.
_decode: Callable[[Any], Features | None] = _no_decoder


def remember_pieces(text: str, read: Callable[[], tuple[list[int], list[Any]] | None],
                    decode: Callable[[Any], Features | None]) -> None:
    """Keep what reads the pieces a stored document of *text* brought, called when the
    markup is first read (:func:`stored_features`; the last few documents only): their
    lengths (positive, the last one ending the text, as
    :func:`reviewtool.draft.chunks.piece_features` gave them) and stored features, which
    *decode* turns back into :class:`Features` (None: not accepted) when a diff first reads
    one; None when there are none (or they do not fit)."""
    global _decode
    _decode = decode
    if len(_PENDING) >= PENDING_MAX:
        del _PENDING[0]
    _PENDING.append((text, read))


def stored_features(piece: str) -> Features | None:
    """The markup a stored document keeps for *piece* (parsed alone), or None when none of
    the documents remembered holds it (or its stored markup is not accepted)."""
    if _PENDING:
        _index_pending()
    known = _KNOWN.get((len(piece), piece[:_PREFIX]))
    if known is None or not known[0].startswith(piece, known[1]):
        return None
    found = _DECODED.get(known[2])
    if found is None:
        found = _DECODED[known[2]] = _decode(known[2])
    return found


def clear_stored_pieces() -> None:
    """Forget the stored pieces remembered and indexed (for tests and benchmarks)."""
    _KNOWN.clear()
    _DECODED.clear()
    _PENDING.clear()


def _index_pending() -> None:
    """Index the pieces of :data:`_PENDING` into :data:`_KNOWN` (at C speed), those with
    stored features only."""
    if len(_KNOWN) > INDEX_SIZE:
        _KNOWN.clear()
        _DECODED.clear()
    for text, read in _PENDING:
        found = read()
        if found is None:
            continue
        lengths, stored = found
        ends = list(accumulate(reversed(lengths), sub, initial=len(text)))
        if ends[-1] < 0:
            continue  # (a stored document checks that its pieces fit its text)
        stored = stored[::-1]
        kept = list(map(is_not, stored, repeat(None)))
        starts = list(compress(ends[1:], kept))
        ends = list(compress(ends, kept))
        heads = map(text.__getitem__, map(slice, starts, map(min, ends, map(add, starts, repeat(_PREFIX)))))
        _KNOWN.update(zip(zip(map(sub, ends, starts), heads), zip(repeat(text), starts, compress(stored, kept))))
    _PENDING.clear()
