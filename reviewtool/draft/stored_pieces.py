"""The markup of stored documents' pieces, found so that a diff's markup check reads a piece's
markup without parsing it.

A stored version (:mod:`reviewtool.draft.stored_document`) may keep the markup of the pieces
its text was cut into (:func:`reviewtool.draft.chunks.piece_features`). When such a version
is loaded, :func:`remember_pieces` takes what reads them (nothing is read yet); the markup
check (:func:`reviewtool.draft.chunks.read_features`) asks :func:`stored_features` for a
piece it did not parse, which reads the remembered documents' pieces when first asked, then
looks for a piece of that length holding markup (``list.index``, at C speed) and compares
it with the stored text in place. Only the last few documents are remembered
(:data:`REMEMBERED_MAX`).

Nothing is indexed: a diff asks for a handful of pieces (the book's asks for five, among
its versions' 10,000), and indexing every piece by its length and first characters cost
4 ms of that diff's 300.
Core module: no Textual, no Rich.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate
from typing import Any

from reviewtool.draft.markup_features import Features

#: Stored documents remembered at most (the last ones loaded).
REMEMBERED_MAX = 4
#: Stored features kept decoded at most; the store is emptied when it grows past this.
DECODED_SIZE = 16384

#: Stored features read back (:data:`_decode`), by what was stored.
_DECODED: dict[Any, Features | None] = {}


class _Remembered:
    """A stored document's text and its pieces: read when first asked for (:meth:`find`)."""

    __slots__ = ("lengths", "read", "starts", "stored", "text")

    def __init__(self, text: str, read: Callable[[], tuple[list[int], list[Any]] | None]) -> None:
        self.text = text
        self.read: Callable[[], tuple[list[int], list[Any]] | None] | None = read
        self.lengths: list[int] = []
        self.starts: list[int] = []
        self.stored: list[Any] = []

    def find(self, piece: str) -> Any:
        """What is stored for the first piece of the text that is *piece* and has stored markup
        (None: none)."""
        if self.read is not None:
            self._read()
        lengths = self.lengths
        if not lengths:
            return None
        size, index, at = len(piece), lengths.index, -1
        while True:
            try:
                at = index(size, at + 1)
            except ValueError:
                return None
            stored = self.stored[at]
            if stored is not None and self.text.startswith(piece, self.starts[at]):
                return stored

    def _read(self) -> None:
        assert self.read is not None
        found = self.read()
        self.read = None
        if found is None:
            return
        lengths, stored = found
        first = len(self.text) - sum(lengths)  # the last piece ends the text
        if first < 0:
            return  # (a stored document checks that its pieces fit its text)
        self.lengths, self.stored = lengths, stored
        self.starts = list(accumulate(lengths, initial=first))


#: The stored documents remembered, the last loaded last.
_REMEMBERED: list[_Remembered] = []


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
    :func:`reviewtool.draft.chunks.piece_features` gave them) and stored features (None:
    none), which *decode* turns back into :class:`Features` (None: not accepted) when a diff
    first reads one; None when there are none (or they do not fit)."""
    global _decode
    _decode = decode
    if len(_REMEMBERED) >= REMEMBERED_MAX:
        del _REMEMBERED[0]
    _REMEMBERED.append(_Remembered(text, read))


def stored_features(piece: str) -> Features | None:
    """The markup a stored document keeps for *piece* (parsed alone), or None when none of
    the documents remembered holds it (or its stored markup is not accepted). The last
    document loaded is asked first."""
    for remembered in reversed(_REMEMBERED):
        stored = remembered.find(piece)
        if stored is not None:
            found = _DECODED.get(stored)
            if found is None:
                if len(_DECODED) >= DECODED_SIZE:
                    _DECODED.clear()
                found = _DECODED[stored] = _decode(stored)
            return found
    return None


def clear_stored_pieces() -> None:
    """Forget the stored pieces remembered and decoded (for tests and benchmarks)."""
    _DECODED.clear()
    _REMEMBERED.clear()
