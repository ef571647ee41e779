"""Cleaning up a word diff's raw operations so that a rewrite reads as a rewrite
(:func:`clean_up`).

The raw operations (:func:`reviewtool.diff.word_matching.raw_ops`) are cleaned up for
reading:

* an ``equal`` island between two changes (one of them changing a word, the two
  together removing and adding text) that holds at most one word, or only
  punctuation, or at most two stopwords, and no paragraph break, is merged into
  the surrounding change;
* a sentence (cut at sentence ends and line breaks that both versions share)
  with more than :data:`REWRITE_SHARE` of its words changed is shown as one
  whole-sentence replacement, unless its only change is one block of text
  inserted (or deleted): collapsing that would show unchanged words as removed
  and added again;
* a change spanning paragraph breaks is cut at the breaks when both sides have
  as many.

An ``equal`` operation's two texts differ at most in whitespace, before and after.
"""

from __future__ import annotations

import math
import re

from reviewtool.diff.word_ops import WordOp, change_op, normalise
from reviewtool.draft.document import count_words
from reviewtool.draft.text_rules import SENTENCE_BREAK, SENTENCE_TAIL, STOPWORDS, WORD_REGEX

#: A sentence with more than this share of its words changed is shown replaced whole.
REWRITE_SHARE = 0.6
#: Rewrite checks needing at most this many words of context look at the words just
#: before the change first (see :func:`_ends_with_words`).
_TAIL_WORDS = 4

_WORD = WORD_REGEX
_WS_SPLIT = re.compile(r"(\s+)")
_LEADING_WS = re.compile(r"\s+")
_VISIBLE_RUN = re.compile(r"\S+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_PARAGRAPH_SPLIT = re.compile(r"(\s*\n[ \t]*\n\s*)")


def clean_up(raw: list[WordOp]) -> list[WordOp]:
    """*raw* operations made readable: small islands merged, mostly rewritten sentences
    replaced whole, changes spanning paragraph breaks cut at them."""
    return _split_paragraphs(_rewrite_sentences(_merge_islands(raw)))


def _is_island(op: WordOp) -> bool:
    """An unchanged run too small to stand between two changes."""
    text = op.new
    if len(text) > 200:
        return False  # cheap exit: three words or more, or a long run of punctuation
    chunks = text.split(None, 3)
    if len(chunks) >= 3 and chunks[0].isalnum() and chunks[1].isalnum() and chunks[2].isalnum():
        return False  # three words (an all-alphanumeric chunk is one word)
    if "\n" in text and _BLANK_LINE.search(text):
        return False  # never join changes across a paragraph break
    if count_words(text) > 2:
        return False  # (count_words counts the words findall finds, at C speed for ASCII)
    words = _WORD(text).findall(text)
    if len(words) <= 1:
        return True
    return len(words) == 2 and all(w.lower() in STOPWORDS for w in words)


def _has_word(op: WordOp) -> bool:
    old, new = op.old, op.new
    # (A text of letters and digits only is a word: the regex's first class is str.isalnum.)
    return (old.isalnum() or new.isalnum() or _WORD(old).search(old) is not None
            or _WORD(new).search(new) is not None)


def _both_sides(a: WordOp, b: WordOp) -> bool:
    """Whether changes *a* and *b* together remove something and add something: merging
    the island between two insertions (or two deletions) would show it removed and added."""
    return bool((a.old.strip() or b.old.strip()) and (a.new.strip() or b.new.strip()))


def _merge_islands(ops: list[WordOp]) -> list[WordOp]:
    out: list[WordOp] = []
    append = out.append
    for op in ops:
        # The cheap tests first (all four are pure: the order changes no answer); the most
        # frequent answer, an unchanged run of three words or more, without a call.
        if op[0] != "equal" and len(out) >= 2:
            island = out[-1]
            if island[0] != "equal" or out[-2][0] == "equal":
                append(op)
                continue
            text = island[2]
            if len(text) > 200:
                append(op)
                continue  # (_is_island's own first tests)
            chunks = text.split(None, 3)
            if len(chunks) >= 3 and chunks[0].isalnum() and chunks[1].isalnum() and chunks[2].isalnum():
                append(op)
                continue
            if count_words(text) > 2:
                append(op)
                continue  # three words or more, some with punctuation (_is_island's own test)
            prev = out[-2]
            if _both_sides(prev, op) and _is_island(island) and (_has_word(op) or _has_word(prev)):
                del out[-2:]
                op = change_op(prev[1] + island[1] + op[1], prev[2] + island[2] + op[2])
        append(op)
    return out


def _split_paragraphs(ops: list[WordOp]) -> list[WordOp]:
    """Cut a change that spans paragraph breaks into one change per paragraph, when
    both sides have the same number of breaks (the whitespace between is not a change)."""
    for op in ops:
        if op[0] == "replace" and "\n" in op[1] and "\n" in op[2]:
            break
    else:
        return list(ops)  # no change holds a line break on both sides: nothing to cut
    out: list[WordOp] = []
    split = False
    for op in ops:
        if op.op == "replace" and _BLANK_LINE.search(op.old) and _BLANK_LINE.search(op.new):
            old_parts = _PARAGRAPH_SPLIT.split(op.old)
            new_parts = _PARAGRAPH_SPLIT.split(op.new)
            if len(old_parts) == len(new_parts):
                split = True
                for k, (o, n) in enumerate(zip(old_parts, new_parts)):
                    if k % 2:
                        out.append(WordOp("equal", o, n))
                    elif o != n:
                        out.append(change_op(o, n))
                    elif o:
                        out.append(WordOp("equal", o, n))
                continue
        out.append(op)
    return normalise(out) if split else out


def _split_equal(op: WordOp, at_old: int) -> tuple[WordOp, WordOp]:
    """Split an equal op after ``op.old[:at_old]``; the new text is cut at the same token
    (the two texts differ at most in whitespace)."""
    old, new = op.old, op.new
    if old == new:
        at_new = at_old
    else:
        head = old[:at_old]
        want = len(head) - sum(map(str.isspace, head))  # non-whitespace characters to keep
        at_new = 0
        parts = _WS_SPLIT.split(new)  # chunk, whitespace, chunk, ...
        for idx, part in enumerate(parts):
            if idx % 2 == 0:
                if want <= len(part):
                    at_new += want
                    break
                want -= len(part)
            at_new += len(part)
        if head[-1:].isspace():
            at_new = len(new) - len(new[at_new:].lstrip())
    return (WordOp("equal", old[:at_old], new[:at_new]), WordOp("equal", old[at_old:], new[at_new:]))


def _may_end_sentence(text: str) -> bool:
    """Whether *text* holds a sentence end mark (:data:`SENTENCE_END`): without one neither
    :data:`SENTENCE_BREAK`'s first branch nor :data:`SENTENCE_TAIL` can match. Three
    searches at C speed instead of the regex tried at every character."""
    return "." in text or "?" in text or "!" in text


def _sentence_break(text: str) -> re.Match[str] | None:
    """``SENTENCE_BREAK.search(text)``, without running the regex over text that holds
    neither a line break nor a sentence end mark (its two branches need one)."""
    if "\n" in text or _may_end_sentence(text):
        return SENTENCE_BREAK.search(text)
    return None


def _ends_sentence(text: str) -> bool:
    """``SENTENCE_TAIL.search(text) is not None``, without the regex when no end mark is there."""
    return _may_end_sentence(text) and SENTENCE_TAIL.search(text) is not None


def _first_break(op: WordOp, prev: WordOp | None, side: int = 0) -> int:
    """End of the first sentence break in equal *op* (after change *prev*), or -1.

    *side* 0 looks at the old texts, 1 at the new ones.
    """
    text = op.old if side == 0 else op.new
    if prev is not None and text[:1].isspace() and _ends_sentence(prev.old if side == 0 else prev.new):
        return _LEADING_WS.match(text).end()  # type: ignore[union-attr]
    m = _sentence_break(text)
    return m.end() if m else -1


def _last_break(op: WordOp, prev: WordOp | None, side: int = 0) -> int:
    """End of the last sentence break in equal *op*, or -1."""
    text = op.old if side == 0 else op.new
    start = max(0, len(text) - 300)
    while True:
        end = -1
        for m in SENTENCE_BREAK.finditer(text, start):
            end = m.end()
        if end >= 0 or start == 0:
            break
        start = max(0, start - 3000)
    if end < 0:
        end = _first_break(op, prev, side)
    return end


def _shared_break(op: WordOp, prev: WordOp | None, last: bool) -> int:
    """The sentence break of equal *op* nearest to the change beside it (its last break when
    *op* comes before the change, else its first), as an offset in the old text; -1 if none.

    Both texts are looked at: they differ only in whitespace, and a break often shows on
    one side only (the blank line before a paragraph added at the end belongs to the new
    text alone). A break found on the new side is carried to the same word of the old side.
    """
    best: int | None = None
    for side in (0, 1):
        at = _last_break(op, prev, side) if last else _first_break(op, prev, side)
        if at < 0:
            continue
        head = (op.old if side == 0 else op.new)[:at]
        p = len(head) - sum(map(str.isspace, head))  # non-whitespace characters before the break
        best = p if best is None else (max(best, p) if last else min(best, p))
    if best is None:
        return -1
    text = op.old
    i = offset_after_visible(text, best)
    return len(text) - len(text[i:].lstrip())


def _has_break(op: WordOp, prev: WordOp | None) -> bool:
    """Whether equal *op* (after change *prev*) holds a sentence break on either side:
    :func:`_shared_break` ``>= 0``, without placing it."""
    # _first_break of either side, each regex run once (the two texts are most often the same);
    # _sentence_break's test written out (this runs for every unchanged run between changes).
    # A line break, or an end mark followed by a space, is a break by itself (the regex's
    # second branch, and its first with no closer): found by a substring search at C speed.
    old, new = op[1], op[2]
    if "\n" in old or ". " in old:
        return True
    if ("?" in old or "!" in old or "." in old) and _SEARCH_BREAK(old) is not None:
        return True
    if new != old:
        if "\n" in new or ". " in new:
            return True
        if ("?" in new or "!" in new or "." in new) and _SEARCH_BREAK(new) is not None:
            return True
    return prev is not None and ((old[:1].isspace() and _ends_sentence(prev[1]))
                                 or (new[:1].isspace() and _ends_sentence(prev[2])))


_SEARCH_BREAK = SENTENCE_BREAK.search


def offset_after_visible(text: str, count: int) -> int:
    """The offset in *text* just after its *count*-th non-whitespace character (*count*
    <= 0: 0; more than *text* holds: its length). Walks whole runs of non-whitespace."""
    if count <= 0:
        return 0
    for m in _VISIBLE_RUN.finditer(text):
        run = m.end() - m.start()
        if count <= run:
            return m.start() + count
        count -= run
    return len(text)


def _ends_with_words(text: str, k: int) -> bool:
    """Whether *text* ends with *k* words, each one all-alphanumeric chunk, maybe followed by
    a comma, semicolon or colon, joined and followed by single spaces, all within the last
    160 characters.

    Then :func:`_context_words` counts at least *k* words before a change that
    follows *text*: no sentence break ends after the first of them (a break is
    whitespace after sentence punctuation, or holding a line break: a space after a letter,
    a digit or one of those three marks is neither), and its first window (160 characters)
    holds them all.
    """
    if text[-1:] != " ":
        return False
    parts = text[-160:].rsplit(" ", k + 1)  # [rest, w1, ..., wk, ""]
    return len(parts) == k + 2 and all(part.isalnum() or (part[-1:] in _CLAUSE_MARKS and part[:-1].isalnum())
                                       for part in parts[1:-1])


#: Marks that may follow a word of :func:`_ends_with_words`: no sentence ends at them.
_CLAUSE_MARKS = (",", ";", ":")


def _context_words(op: WordOp, prev: WordOp | None, side: int, limit: float, backward: bool) -> int:
    """Words of equal *op* that share a sentence with the change next to it.

    *backward*: the words after the last break of *op* (it precedes the change);
    else the words before its first break. Looks at a growing window from the
    change's side and stops once *limit* words are seen (the caller needs no more).
    """
    text = op.old if side == 0 else op.new
    width = 160
    while True:
        whole = width >= len(text)
        if backward:
            window = text if whole else text[-width:]
            end = -1
            for m in SENTENCE_BREAK.finditer(window):
                end = m.end()
            if end < 0 and whole:
                end = _first_break(op, prev, side)  # the leading-whitespace rule
            words = count_words(window[end:] if end >= 0 else window)
        else:
            window = text if whole else text[:width]
            end = _first_break(op, prev, side)
            if end > len(window):
                end = -1
            words = count_words(window[:end] if end >= 0 else window)
        if end >= 0 or whole or words >= limit:
            return words
        width *= 4


def _rewrite_sentences(ops: list[WordOp]) -> list[WordOp]:
    """Replace whole sentences whose words mostly changed (see :data:`REWRITE_SHARE`).

    A region runs between sentence breaks found in unchanged text (a break inside
    a change cannot be matched on the other side); the changes of a region
    together with the unchanged words around them decide.
    """
    n = len(ops)
    groups: list[tuple[int, int]] = []
    k = 0
    while k < n:
        if ops[k][0] == "equal":
            k += 1
            continue
        first = last = k
        while last + 2 < n and ops[last + 2][0] != "equal" and not _has_break(ops[last + 1], ops[last]):
            last += 2
        if first != last or (ops[first][1] and ops[first][2]):
            groups.append((first, last))  # (one insertion or deletion alone is never a rewrite)
        k = last + 1
    ops = list(ops)
    collapsed = False
    for first, last in reversed(groups):
        if not _mostly_rewritten(ops, first, last):
            continue
        collapsed = True
        before = ops[first - 1] if first > 0 else None
        after = ops[last + 1] if last + 1 < len(ops) else None
        lead = trail = None
        if before is not None:
            left = max(0, _shared_break(before, ops[first - 2] if first > 1 else None, last=True))
            lead = _split_equal(before, left)
        if after is not None:
            right = _shared_break(after, ops[last], last=False)
            trail = _split_equal(after, right if right >= 0 else len(after.old))
        region = ([lead[1]] if lead else []) + ops[first:last + 1] + ([trail[0]] if trail else [])
        new_ops = ([lead[0]] if lead else []) + _collapse(region) + ([trail[1]] if trail else [])
        ops[max(0, first - 1):last + 2] = new_ops
    return _merge_islands(normalise(ops)) if collapsed else ops


def _mostly_rewritten(ops: list[WordOp], first: int, last: int) -> bool:
    """Whether more than :data:`REWRITE_SHARE` of the words of the sentence region around
    changes ``ops[first..last]`` changed, on either side."""
    if first == last:
        old, new = ops[first][1], ops[first][2]
        if not (old and new):
            return False  # one insertion or deletion: the rule below, without counting words
        if old.isalnum() and new.isalnum():
            # One word replaced by one (the most frequent region): a third of a word of context
            # is room enough on each side. The word just before the change is that (see below);
            # so is a word just after it, a space then a letter or digit: no sentence break
            # comes before that word (the change, a word, ends no sentence), so the context
            # counted after the change holds it.
            preceding = ops[first - 1] if first else None
            following = ops[first + 1] if first + 1 < len(ops) else None
            for side in (1, 2):
                if not ((preceding is not None and _ends_with_words(preceding[side], 1))
                        or (following is not None and following[side][:1] == " "
                            and following[side][1:2].isalnum())):
                    break
            else:
                return False
    # count_words of each side, without the call for what is most of them: nothing (one side
    # of an insertion or deletion), one word, the same text on both sides. A region alternates
    # (raw operations are normalised, and merging an island keeps that): its changes are every
    # other operation from the first, the unchanged runs between them the others.
    changed_old = changed_new = same_old = same_new = 0
    for op in ops[first:last + 1:2]:
        old, new = op[1], op[2]
        words_old = (1 if old.isalnum() else count_words(old)) if old else 0
        changed_old += words_old
        changed_new += words_old if new == old else (1 if new.isalnum() else count_words(new)) if new else 0
    for op in ops[first + 1:last:2]:
        old, new = op[1], op[2]
        words_old = (1 if old.isalnum() else count_words(old)) if old else 0
        same_old += words_old
        same_new += words_old if new == old else (1 if new.isalnum() else count_words(new)) if new else 0
        if same_old >= changed_old and same_new >= changed_new:
            # As many unchanged words as changed on each side (most regions of several
            # changes, once their first run is counted): no share of the changed words can
            # pass REWRITE_SHARE (room <= 0 below on both sides), whatever the rest holds.
            return False
    if first == last and not (changed_old and changed_new):
        # One block of words only added (or only removed): nothing reads as a rewrite, and
        # replacing the sentence whole would show its unchanged words removed and added again.
        return False
    before = ops[first - 1] if first > 0 else None
    after = ops[last + 1] if last + 1 < len(ops) else None
    for side, changed, same in ((0, changed_old, same_old), (1, changed_new, same_new)):
        # Rewritten when changed / (changed + same + context) > REWRITE_SHARE, i.e.
        # when the context holds fewer than `room` words.
        room = changed / REWRITE_SHARE - changed - same
        if room <= 0:
            continue
        if before is not None and room <= _TAIL_WORDS and _ends_with_words(before.old if side == 0 else before.new,
                                                                            math.ceil(room)):
            continue  # the words just before the change are enough context
        context = 0
        if before is not None:
            context += _context_words(before, ops[first - 2] if first > 1 else None, side, room, True)
        if after is not None and context < room:
            context += _context_words(after, ops[last], side, room - context, False)
        if context < room:
            return True
    return False


def _collapse(region: list[WordOp]) -> list[WordOp]:
    """A sentence region as one replacement, its outer whitespace left unchanged."""
    old = "".join(op.old for op in region)
    new = "".join(op.new for op in region)
    old_core, new_core = old.strip(), new.strip()
    ol = len(old) - len(old.lstrip())
    nl = len(new) - len(new.lstrip())
    return [WordOp("equal", old[:ol], new[:nl]), change_op(old_core, new_core),
            WordOp("equal", old[ol + len(old_core):], new[nl + len(new_core):])]
