"""Text rules every layer shares: stop words and where a sentence ends.

One home for each rule, so the parser (:mod:`reviewtool.draft.document`), the word diff
(:mod:`reviewtool.diff.word_diff`), the aligner (:mod:`reviewtool.diff.lexicon`) and quote
search (:mod:`reviewtool.review.quote_search`) agree on them.
"""

from __future__ import annotations

import re

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
