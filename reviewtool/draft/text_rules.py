"""Text rules every layer shares: what a word is, stop words, where a sentence ends, what
reads as a title.

One home for each rule, so the parser (:mod:`reviewtool.draft.document`), the word diff
(:mod:`reviewtool.diff.word_diff`), the aligner (:mod:`reviewtool.diff.lexicon`) and quote
search (:mod:`reviewtool.review.quote_search`) agree on them.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import filterfalse, repeat

#: English function words (and the fragments contractions split into: "don", "ll", "s"):
#: they never make two sections similar, nor hold a rewrite apart on their own.
STOPWORDS = frozenset(
    [
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "aren", "as", "at", "be", "because", "been", "before", "being", "below", "between",
    "both", "but", "by", "can", "could", "couldn", "did", "didn", "do", "does", "doesn", "doing",
    "don", "done", "down", "during", "each", "either", "even", "few", "for", "from", "further",
    "had", "hadn", "has", "hasn", "have", "haven", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "isn", "it", "it's", "its",
    "itself", "just", "ll", "many", "may", "me", "might", "more", "most", "much", "must", "my",
    "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "onto", "or",
    "other", "our", "ours", "ourselves", "out", "over", "own", "re", "s", "same", "shall", "she",
    "should", "shouldn", "so", "some", "still", "such", "t", "than", "that", "the", "their",
    "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through",
    "to", "too", "under", "until", "up", "upon", "us", "ve", "very", "was", "wasn", "we", "were",
    "weren", "what", "when", "where", "which", "while", "who", "whom", "whose", "why", "will",
    "with", "within", "without", "won", "would", "wouldn", "yet", "you", "your", "yours",
    "yourself", "yourselves",
    ]
)

#: Characters that end a sentence.
SENTENCE_END = ".!?"
#: Characters that end a clause as a list item's first line may (``Note:``, ``a; b;``).
CLAUSE_END = SENTENCE_END + ";:"
#: Characters that may close a sentence after its end mark: quotes, brackets, emphasis marks.
CLOSERS = "\"'”’)]*_"

_CLOSERS_CLASS = "[" + re.escape(CLOSERS) + "]*"
#: A sentence boundary inside text: an end mark (with closers) followed by whitespace, or a line break.
SENTENCE_BREAK = re.compile("[" + re.escape(SENTENCE_END) + "]" + _CLOSERS_CLASS + r"\s+|\n\s*")
#: Text that ends a sentence (an end mark, then only closers).
SENTENCE_TAIL = re.compile("[" + re.escape(SENTENCE_END) + "]" + _CLOSERS_CLASS + "$")
#: Text that ends like a sentence or a clause (used to tell an outline title from a prose item).
CLAUSE_TAIL = re.compile("[" + re.escape(CLAUSE_END) + "]" + _CLOSERS_CLASS + "$")


def mark_class() -> str:
    """Ranges of the combining marks (categories Mn, Mc, Me) of the BMP, for a regex class.

    Python's ``\\w`` leaves them out, which would split "हिन्दी" or a decomposed
    "café" into several words.
    """
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


#: :func:`mark_class` for Unicode 14.0.0 (Python 3.11), written out: computing it takes
#: longer than the rest of start-up (65,000 ``unicodedata`` calls). A test checks it.
_MARKS_UNICODE_14 = (
    r"\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7\u0610-\u061a"
    r"\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7-\u06e8\u06ea-\u06ed\u0711\u0730-\u074a"
    r"\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823\u0825-\u0827\u0829-\u082d\u0859-"
    r"\u085b\u0898-\u089f\u08ca-\u08e1\u08e3-\u0903\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962-"
    r"\u0963\u0981-\u0983\u09bc\u09be-\u09c4\u09c7-\u09c8\u09cb-\u09cd\u09d7\u09e2-\u09e3\u09fe\u0a01-"
    r"\u0a03\u0a3c\u0a3e-\u0a42\u0a47-\u0a48\u0a4b-\u0a4d\u0a51\u0a70-\u0a71\u0a75\u0a81-\u0a83\u0abc"
    r"\u0abe-\u0ac5\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2-\u0ae3\u0afa-\u0aff\u0b01-\u0b03\u0b3c\u0b3e-"
    r"\u0b44\u0b47-\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62-\u0b63\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8"
    r"\u0bca-\u0bcd\u0bd7\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d\u0c55-\u0c56"
    r"\u0c62-\u0c63\u0c81-\u0c83\u0cbc\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd\u0cd5-\u0cd6\u0ce2-"
    r"\u0ce3\u0d00-\u0d03\u0d3b-\u0d3c\u0d3e-\u0d44\u0d46-\u0d48\u0d4a-\u0d4d\u0d57\u0d62-\u0d63"
    r"\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf\u0df2-\u0df3\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
    r"\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u0f18-\u0f19\u0f35\u0f37\u0f39\u0f3e-\u0f3f\u0f71-\u0f84\u0f86-"
    r"\u0f87\u0f8d-\u0f97\u0f99-\u0fbc\u0fc6\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064"
    r"\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u135d-\u135f\u1712-\u1715\u1732-"
    r"\u1734\u1752-\u1753\u1772-\u1773\u17b4-\u17d3\u17dd\u180b-\u180d\u180f\u1885-\u1886\u18a9\u1920-"
    r"\u192b\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e\u1a60-\u1a7c\u1a7f\u1ab0-\u1ace\u1b00-\u1b04"
    r"\u1b34-\u1b44\u1b6b-\u1b73\u1b80-\u1b82\u1ba1-\u1bad\u1be6-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2"
    r"\u1cd4-\u1ce8\u1ced\u1cf4\u1cf7-\u1cf9\u1dc0-\u1dff\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff"
    r"\u302a-\u302f\u3099-\u309a\ua66f-\ua672\ua674-\ua67d\ua69e-\ua69f\ua6f0-\ua6f1\ua802\ua806\ua80b"
    r"\ua823-\ua827\ua82c\ua880-\ua881\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff\ua926-\ua92d\ua947-\ua953"
    r"\ua980-\ua983\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36\uaa43\uaa4c-\uaa4d\uaa7b-\uaa7d\uaab0\uaab2-\uaab4"
    r"\uaab7-\uaab8\uaabe-\uaabf\uaac1\uaaeb-\uaaef\uaaf5-\uaaf6\uabe3-\uabea\uabec-\uabed\ufb1e"
    r"\ufe00-\ufe0f\ufe20-\ufe2f"
)
#: The combining marks as a regex class body (``[...]`` contents): letters may carry them.
MARKS = _MARKS_UNICODE_14 if unicodedata.unidata_version == "14.0.0" else mark_class()
#: What a word is, for the whole product (word counts in the parser, word diffs in
#: :mod:`reviewtool.diff.word_diff`): starts with a letter or digit; may hold combining
#: marks, inner apostrophes and hyphens; ends with a letter, digit or mark.
WORD_PATTERN = rf"[^\W_](?:[\w{MARKS}’'\-]*(?:[^\W_]|[{MARKS}]))?"
#: :data:`WORD_PATTERN` for ASCII text, which holds no combining mark and no ``’``: the
#: same matches there, from classes that compile in microseconds (see :class:`WordRegex`).
ASCII_WORD_PATTERN = r"[^\W_](?:[\w'\-]*[^\W_])?"


#: :data:`WORD_PATTERN` for text that holds no combining mark of :data:`MARKS` (most text that
#: is not ASCII: curly quotes, dashes, accented letters precomposed): the same matches there,
#: from classes that compile in microseconds (see :class:`WordRegex`).
UNMARKED_WORD_PATTERN = r"[^\W_](?:[\w’'\-]*[^\W_])?"


class WordRegex:
    """A regex built around :data:`WORD_PATTERN` (``{word}`` in its template), for any text.

    The word pattern's classes hold every Unicode combining mark, and compiling them takes
    two to three milliseconds a regex: paid by every command that meets a text with a curly
    quote or a dash, though few texts hold a combining mark. So the regex is compiled at once
    with :data:`ASCII_WORD_PATTERN` (which finds the same matches in ASCII text), with
    :data:`UNMARKED_WORD_PATTERN` on the first text that is not ASCII but holds no combining
    mark (:func:`unmarked`: the same matches there), and with the full pattern on the first
    text that holds one; from then on the full regex serves every text that is not ASCII
    (no more checks). Call it with the text to get the regex for it (``str.isascii`` is O(1)).
    """

    __slots__ = ("_flags", "_full", "_template", "_unmarked", "ascii")

    def __init__(self, template: str, flags: int = 0) -> None:
        self._template = template
        self._flags = flags
        #: The regex for ASCII text.
        self.ascii = re.compile(template.replace("{word}", ASCII_WORD_PATTERN), flags)
        self._unmarked: re.Pattern[str] | None = None
        self._full: re.Pattern[str] | None = None

    def __call__(self, text: str) -> re.Pattern[str]:
        if text.isascii():
            return self.ascii
        full = self._full
        if full is None:
            if len(text) <= _CHECKED_CHARS and unmarked(text):
                return self.unmarked
            return self.full
        return full

    @property
    def unmarked(self) -> re.Pattern[str]:
        """The regex for text without combining marks (compiled on first use)."""
        found = self._unmarked
        if found is None:
            found = self._unmarked = re.compile(self._template.replace("{word}", UNMARKED_WORD_PATTERN), self._flags)
        return found

    @property
    def full(self) -> re.Pattern[str]:
        """The regex for any text (compiled on first use)."""
        full = self._full
        if full is None:
            full = self._full = re.compile(self._template.replace("{word}", WORD_PATTERN), self._flags)
        return full


#: Texts up to this long are checked for combining marks (:func:`unmarked`) before the full
#: word regex is compiled for them; a longer text gets the full regex (its run outweighs the
#: compile).
_CHECKED_CHARS = 20_000
#: Characters known to be outside :data:`MARKS` (every one below U+0300 is), grown as texts
#: are checked.
_NOT_MARKS = {chr(c) for c in range(0x300)}


def unmarked(text: str) -> bool:
    """Whether *text* holds no combining mark of :data:`MARKS` (categories Mn, Mc, Me of the
    BMP): then :data:`UNMARKED_WORD_PATTERN` finds what :data:`WORD_PATTERN` finds in it.
    Its distinct characters are checked once a process: a set difference at C speed."""
    chars = set(text)
    chars -= _NOT_MARKS
    if not chars:
        return True
    if any(ch <= "\uffff" and unicodedata.category(ch)[0] == "M" for ch in chars):
        return False
    _NOT_MARKS.update(chars)
    return True


#: The words of a text (:data:`WORD_PATTERN`): ``WORD_REGEX(text).findall(text)``.
WORD_REGEX = WordRegex("{word}")
#: Punctuation around words (no letter, digit or combining mark among them): see :func:`count_words`.
_EDGES = ".,;:!?\"'’‘“”«»()[]{}<>*_`~/\\|-—–…#&%$@^=+"


#: ASCII for :func:`count_words`: letters and digits -> "a", the rest -> " " (bytes from 128 up
#: never occur: the text is ASCII); "_", "'" and "-" are dropped (:data:`_ASCII_DROPPED`).
_ASCII_WORDS = bytes((ord("a") if chr(c).isalnum() else 32) if c < 128 else c for c in range(256))
_ASCII_DROPPED = b"_'-"


def count_words(text: str) -> int:
    """Words in plain text: runs of letters/digits, with inner apostrophes and hyphens
    (:data:`WORD_PATTERN`); punctuation, markup characters and whitespace are not words."""
    if text.isalnum():
        return 1  # the common case in word diffs: one word
    if text.isascii():
        # In ASCII a word is a run of letters, digits, "_", "'" and "-" holding a letter or
        # digit (it starts at the run's first one and ends at its last). With "_'-" dropped,
        # letters and digits as "a" and the rest as spaces, the words are the runs of "a":
        # one translate and one count at C speed, no piece cut out (on the text's bytes:
        # ``bytes.translate`` is a table lookup a byte, ``str.translate`` a dict's).
        marked = text.encode("ascii").translate(_ASCII_WORDS, _ASCII_DROPPED)
        return marked.count(b" a") + (marked[:1] == b"a")
    if len(text) < 40:
        return len(WORD_REGEX(text).findall(text))  # short: one regex pass is quickest
    # A word never spans whitespace, and a whitespace-separated chunk made only of
    # letters and digits (``str.isalnum``, the same test as the regex's ``[^\W_]``)
    # is exactly one word: count those at C speed, run the regex on the rest only.
    chunks = text.split()
    rest = list(filterfalse(str.isalnum, chunks))
    if not rest:
        return len(chunks)
    # Most of the rest are a word with punctuation around it ("word,", "(word)"): what is
    # left when characters that are neither letters, digits nor marks are stripped from its
    # ends is letters and digits only, and the regex finds exactly that one word in it.
    # The regex counts the others, as stripped (no word starts or ends in what was stripped).
    hard = list(filterfalse(str.isalnum, map(str.strip, rest, repeat(_EDGES))))
    if not hard:
        return len(chunks)
    joined = " ".join(hard)
    return len(chunks) - len(hard) + len(WORD_REGEX(joined).findall(joined))


#: Top-level list items with more words than this are prose, not outline titles.
MAX_TITLE_WORDS = 12


def is_title_like(text: str) -> bool:
    """Whether a list item's first line reads as a title rather than a sentence.

    Title-like: at most :data:`MAX_TITLE_WORDS` words, one line, and no
    sentence-ending punctuation at the end (``.``, ``!``, ``?``, ``;``, ``:``).
    """
    text = text.strip()
    if not text or "\n" in text:
        return False
    if count_words(text) > MAX_TITLE_WORDS or count_words(text) == 0:
        return False
    return not CLAUSE_TAIL.search(text)
