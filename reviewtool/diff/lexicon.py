"""The aligner's lexicon: similarity tokens, light stemming, and bag-of-words similarity.

Owns what two sections are compared on: their stemmed content words
(:func:`content_words`, :func:`content_set`; stop words from
:data:`reviewtool.draft.text_rules.STOPWORDS` and one-letter tokens dropped), title
similarity (:func:`title_similarity`: difflib's ratio with the Dice coefficient of the
title stems; letter bigrams for a quick bound), and the set measures the aligner scores
content with (:func:`containment`, :func:`plain_similarity`). The stems of words seen
are kept in one table shared by every call (:func:`clear_stems` forgets them).
"""

from __future__ import annotations

import difflib
import re

from reviewtool.draft.text_rules import STOPWORDS

#: Similarity tokens, deliberately not the product's words
#: (:data:`reviewtool.draft.document.WORD_PATTERN`): runs of letters and digits, cut at
#: apostrophes and hyphens, so that "well-known" meets "known" and contraction
#: fragments fall into :data:`reviewtool.draft.text_rules.STOPWORDS`.
TOKEN = re.compile(r"[^\W_]+")
#: Stems are cut to this many characters (truncation stemming): "diverse" and
#: "diversity", "model" and "modeling", "optimizer" and "optimization" meet.
STEM_LENGTH = 6
#: Sections with fewer content words than this give weak evidence: their
#: containment score is scaled down by ``size / MIN_TOKENS`` (a one-word bullet
#: "Conclusion" is contained in any prose that uses the word).
MIN_TOKENS = 3


def stem(word: str) -> str:
    """A light stem of a lowercase word: plural/-ing/-ed stripped, then cut to :data:`STEM_LENGTH`.

    The rules, in order: -ies to -y (more than four letters), -ing dropped (more than five),
    -ed dropped (more than four), a final -s dropped (more than three, not -ss, -us, -is).
    Each rule asks for its own last letter, so the word's last letter picks the one or two
    that may apply (``tests/test_fast_paths_lexicon.py`` compares the rules asked in order)."""
    last = word[-1:]
    if last == "s":
        if len(word) > 4 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    elif last == "g" and len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif last == "d" and len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    return word[:STEM_LENGTH]


def _content_stem(word: str) -> str:
    """What the stem tables hold for a lowercase word: its :func:`stem`, or "" for a stopword
    or a one-letter word (not a content word)."""
    return "" if len(word) < 2 or word in STOPWORDS else stem(word)


class _StemTable(dict[str, str]):
    """Lowercase word -> stem ("" for stopwords and one-letter words), filled on demand.

    A missing word is stemmed by ``__missing__``, so lookups never fail and
    ``map(table.__getitem__, words)`` runs at C speed for every word seen
    before. Thread-safe: a concurrent clear only costs recomputation.
    """

    def __missing__(self, word: str) -> str:
        got = _content_stem(word)
        if len(self) >= _STEMS_MAX:
            self.clear()
        self[word] = got
        return got


_STEMS_MAX = 200_000
_STEMS = _StemTable()


class _AsciiStemTable(dict[bytes, str]):
    """:data:`_STEMS` for words as ASCII bytes (lowercase letters and digits), filled on
    demand by the same rule: what :func:`content_set` looks up when it cuts ASCII text as
    bytes (no string made of the text to cut it). A word met first here is stemmed here,
    not through a miss of :data:`_STEMS` (a book meets some 4,000 words)."""

    def __missing__(self, word: bytes) -> str:
        got = _content_stem(word.decode("ascii"))
        if len(self) >= _STEMS_MAX:
            self.clear()
        self[word] = got
        return got


_ASCII_STEMS = _AsciiStemTable()


def clear_stems() -> None:
    """Forget the word stems kept between calls (for benchmarks and memory)."""
    _STEMS.clear()
    _ASCII_STEMS.clear()


#: ASCII characters other than letters and digits, mapped to spaces.
_ASCII_SEPARATORS = str.maketrans({c: " " for c in range(128) if not chr(c).isalnum()})
#: The same for ASCII bytes, with the capitals lowered too: letters and digits to their
#: lowercase, every other byte below 128 to a space (bytes at 128 and above never occur:
#: the text is ASCII).
_ASCII_LOWER_TOKENS = bytes(ord(chr(c).lower()) if chr(c).isalnum() else 32 if c < 128 else c
                            for c in range(256))


def tokens(text: str) -> list[str]:
    """``TOKEN.findall(text.lower())``: lowercase runs of letters and digits.

    For ASCII text (its lowercase is ASCII too), one ``bytes.translate`` lowers the
    letters and turns the separators into spaces, and ``str.split`` cuts the runs:
    several times faster than the regex and the same list
    (``tests/test_fast_paths_lexicon.py`` compares it with :func:`plain_tokens`).
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_LOWER_TOKENS).decode("ascii").split()
    text = text.lower()  # not ASCII, yet its lowercase may be ("\u212a", the Kelvin sign, is "k")
    if text.isascii():
        return text.translate(_ASCII_SEPARATORS).split()
    return TOKEN.findall(text)


def plain_tokens(text: str) -> list[str]:
    """:func:`tokens` as the regex finds them (kept for the tests)."""
    return TOKEN.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Stemmed content words of *text*, in order: lowercase, stopwords and one-letter tokens dropped."""
    return list(filter(None, map(_STEMS.__getitem__, tokens(text))))


def content_set(text: str) -> frozenset[str]:
    """The distinct stemmed content words of *text* (what the similarity measures use).

    ASCII text is cut as bytes (:func:`tokens`' translate, then ``bytes.split``: every byte
    but letters and digits is a space by then, so the same runs) and its words looked up in
    :data:`_ASCII_STEMS`: no string of the text is decoded to be cut
    (``tests/test_fast_paths_lexicon.py`` compares it with the regex's words stemmed)."""
    if text.isascii():
        return frozenset(filter(None, map(_ASCII_STEMS.__getitem__,
                                          text.encode("ascii").translate(_ASCII_LOWER_TOKENS).split())))
    return frozenset(filter(None, map(_STEMS.__getitem__, tokens(text))))


def normalise_title(title: str) -> str:
    """Lowercase words of a title joined by single spaces (punctuation dropped)."""
    return " ".join(TOKEN.findall(title.lower()))


def title_similarity(a: str, b: str) -> float:
    """Similarity of two titles, 0..1: the mean of difflib's ratio on the normalised
    titles and the Dice coefficient of their content-word stems."""
    na, nb = normalise_title(a), normalise_title(b)
    return normalised_title_similarity(na, nb, content_set(a), content_set(b))


def bigrams(text: str) -> frozenset[str]:
    """The letter pairs of *text* padded with a space at each end."""
    padded = f" {text} "
    return frozenset(padded[k:k + 2] for k in range(len(padded) - 1))


def normalised_title_similarity(na: str, nb: str, ta: frozenset[str], tb: frozenset[str],
                                matcher: difflib.SequenceMatcher[str] | None = None) -> float:
    """:func:`title_similarity` of titles already normalised (*na*, *nb*) with their
    content-word sets (*ta*, *tb*); *matcher*, when given, already holds *nb* as seq2."""
    if na == nb:
        return 1.0
    if matcher is None:
        matcher = difflib.SequenceMatcher(None, na, nb, autojunk=False)
    else:
        matcher.set_seq1(na)  # seq2 (the new title) is already indexed
    ratio = matcher.ratio()
    dice = 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else ratio
    return (ratio + dice) / 2


def containment(part: frozenset[str], whole: frozenset[str]) -> float:
    """Share of *part*'s words found in *whole*, scaled down for tiny parts."""
    if not part:
        return 0.0
    return len(part & whole) / len(part) * min(1.0, len(part) / MIN_TOKENS)


def plain_similarity(a: frozenset[str], b: frozenset[str]) -> float | None:
    """Mean of Jaccard and the overlap coefficient; None when both are empty."""
    if not a and not b:
        return None
    if not a or not b:
        return 0.0
    inter = len(a & b)
    small = min(len(a), len(b))
    jaccard = inter / (len(a) + len(b) - inter)
    overlap = inter / small * min(1.0, small / MIN_TOKENS)
    return (jaccard + overlap) / 2
