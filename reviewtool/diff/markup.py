"""Markup changes of an aligned section pair: what changed in the source besides the words.

A word diff counts words, so a commit that only moved every heading one level
down, changed a link's target, or turned ``-`` bullets into ``*`` would read as
"+0 -0, unchanged". :func:`markup_changes` names such changes for one pair of
sections (old parts, new parts), from the Markdown structure (markdown-it tokens,
never regular expressions over Markdown; read from the chunks the documents' parse
already parsed, or from the pieces' markup a stored document keeps,
:func:`reviewtool.draft.chunks.read_features`):

``heading level 1→2``
    a heading's level changed (its title did not);
``heading markup``
    the heading line changed but not its title or level (``## T ##``, setext to ATX,
    emphasis in the title);
``link target``
    a link (or image, or reference definition) with the same text points elsewhere;
``links``
    links were added or removed around unchanged words;
``emphasis``
    emphasis, strong or strikethrough added, removed or moved;
``code``
    code spans added or removed around unchanged words, a fence's language or fence;
``list markers``
    a list's bullet (``-``, ``*``, ``+``) or numbering style (``1.``, ``1)``) changed;
``HTML``
    inline or block HTML tags changed;
``whitespace``
    only whitespace or line breaks changed (a reflowed paragraph); blank lines at a
    section's edges only count when nothing else in the document changed;
``markup``
    any other change of the source that changed no word (a table's alignment row).

The last two are reported only when no word changed and nothing more specific
was found, so that every pair whose source differs says something, and a version
that changed the file never reads as "no change".

When words changed too, only the markup that the edit of words cannot explain is
named: heading level and markup, a link text pointing elsewhere, the same number of
list items with other markers, the same fences with another language. New text with
emphasis or HTML in it is a change of words, which the word diff shows.
Core module: no Textual, no Rich.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from reviewtool.draft.chunks import read_features
from reviewtool.draft.document import Document, Section
from reviewtool.draft.markdown import markdown
from reviewtool.draft.markup_features import NO_FEATURES, Features, features_of, has_syntax
from reviewtool.lru import LRU


@functools.lru_cache(maxsize=256)
def _features(text: str) -> Features:
    """The markup of *text*, equal to :func:`parsed_features` (cached: the new text of one
    version is the old text of the next).

    Read from the parsed chunks the documents' parse keeps
    (:func:`reviewtool.draft.chunks.read_features`): the changed blocks of a section were
    parsed when their version was, so they are not parsed again. Blank lines at the ends
    change no feature, so the text is given the two newlines a paragraph's chunk ends with
    in its document."""
    if not has_syntax(text):
        return NO_FEATURES  # plain prose: nothing for a word diff not to see
    return read_features(text.strip("\n") + "\n\n")


def parsed_features(text: str) -> Features:
    """The markup of *text*, from one parse of the whole of it (what :func:`_features` equals)."""
    env: dict[str, Any] = {}
    tokens = markdown().parse(text, env)
    found = features_of(tokens)
    references = env.get("references")
    return found.with_references(references) if references else found


def _heading_line(doc: Document, section: Section) -> str:
    return " ".join(doc.text[section.start:section.body_start].split())


def _retargeted(old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> bool:
    """Whether a link text present on both sides points to different targets: a (text,
    target) pair on one side only whose text is on both sides (:func:`plain_retargeted`
    compares each text's set of targets; the same answer, from sets built at C speed: a
    list of links that gained one has one such pair to look at, not every link's targets)."""
    if old == new:
        return False
    only = set(old).symmetric_difference(new)
    if not only:
        return False
    both = set(map(_TEXT, old)).intersection(map(_TEXT, new))
    return any(text in both for text, _ in only)


_TEXT = itemgetter(0)


def plain_retargeted(old: Iterable[tuple[str, str]], new: Iterable[tuple[str, str]]) -> bool:
    """:func:`_retargeted` as each text's targets compared (kept for the tests)."""
    old_targets: dict[str, set[str]] = {}
    new_targets: dict[str, set[str]] = {}
    for text, target in old:
        old_targets.setdefault(text, set()).add(target)
    for text, target in new:
        new_targets.setdefault(text, set()).add(target)
    return any(old_targets[t] != new_targets[t] for t in old_targets.keys() & new_targets.keys())


def _bodies(doc: Document, sections: list[Section]) -> str:
    return "\n\n".join(doc.body_text(s) for s in sections if s.kind != "frontmatter")


def edge_whitespace_changed(old_doc: Document, old: list[Section], new_doc: Document, new: list[Section]) -> bool:
    """Whether the pair's sources differ only in the blank lines at their edges."""
    old_src = "".join(old_doc.own_text(s) for s in old)
    new_src = "".join(new_doc.own_text(s) for s in new)
    return old_src != new_src and old_src.strip() == new_src.strip()


def _words(doc: Document, sections: list[Section]) -> list[str]:
    """What a word diff and the aligner see as words: titles and plain bodies (the front
    matter's whole source)."""
    return _word_text(doc, sections).split()


def _word_text(doc: Document, sections: list[Section]) -> str:
    """:func:`_words` before the cut at whitespace."""
    return " ".join(doc.own_text(s) if s.kind == "frontmatter" else f"{s.title} {s.plain}" for s in sections)


#: The ASCII characters ``str.split()`` cuts at (``str.isspace``: the controls 9 to 13 and 28 to
#: 31, and the space).
_ASCII_SPACES = bytes(c for c in range(128) if chr(c).isspace())


def _words_changed(old_doc: Document, old: list[Section], new_doc: Document, new: list[Section]) -> bool:
    """``_words(old_doc, old) != _words(new_doc, new)``, without cutting texts whose words
    cannot be the same: two ASCII texts with as many characters that are not whitespace as
    each other may have the same words; with more on one side they do not (the words joined
    are those characters). Equal texts have the same words. ``tests/test_fast_paths_markup_words.py``
    compares it with the cut."""
    if (len(old) == 1 and len(new) == 1 and old[0].kind != "frontmatter" and new[0].kind != "frontmatter"
            and old[0].title == new[0].title):
        # One section a side under one title (most pairs): the words of "title plain" are the
        # title's then the plain text's, so the two sides' words differ where their plain texts'
        # do; compared without joining each title to its text.
        a, b = old[0].plain, new[0].plain
    else:
        a, b = _word_text(old_doc, old), _word_text(new_doc, new)
    if a == b:
        return False
    if (a.isascii() and b.isascii()
            and len(a.encode("ascii").translate(None, _ASCII_SPACES))
            != len(b.encode("ascii").translate(None, _ASCII_SPACES))):
        return True
    return a.split() != b.split()


#: Pairs of sections (by what :func:`plain_markup_changes` reads of them) whose markup
#: changes are kept: a book repeats whole chapters, so many of its pairs are the same pair.
KEPT_PAIRS = 1024
_KEPT: LRU[tuple[tuple[tuple[str, int, str, str, str, str], ...], ...], tuple[str, ...]] = LRU(KEPT_PAIRS)


def clear_markup_changes() -> None:
    """Forget the markup changes kept between calls (for benchmarks and memory)."""
    _KEPT.clear()


def _read_of(doc: Document, sections: list[Section]) -> tuple[tuple[str, int, str, str, str, str], ...]:
    """Everything :func:`plain_markup_changes` reads of *sections*: kind, level, title, plain
    text, own source and the source before the body (the heading line: the body is the own
    source after it)."""
    text = doc.text
    return tuple((s.kind, s.level, s.title, s.plain, text[s.start:s.end], text[s.start:s.body_start])
                 for s in sections)


def markup_changes(old_doc: Document, old: list[Section], new_doc: Document, new: list[Section]) -> list[str]:
    """The markup changes of the pair *old* → *new* (see the module docstring); ``[]`` when
    the sources are equal. Words changed when the plain texts (no markup, no URLs, no
    tags) differ: then only markup that the words do not explain is reported.

    Kept by what it reads of the sections (:func:`_read_of`): the same pair of texts, titles and
    kinds elsewhere in a document, or in another, has the same changes."""
    key = (_read_of(old_doc, old), _read_of(new_doc, new))
    kept = _KEPT.get(key)
    if kept is None:
        kept = _KEPT.put(key, tuple(plain_markup_changes(old_doc, old, new_doc, new)))
    return list(kept)


def plain_markup_changes(old_doc: Document, old: list[Section], new_doc: Document, new: list[Section]) -> list[str]:
    """:func:`markup_changes` computed afresh, without the changes kept."""
    # Blank lines at a section's edges separate it from its neighbours: adding a section
    # after this one may add one here. Not a change of this section (see diff_documents).
    single = len(old) == 1 and len(new) == 1  # (most pairs: their texts without joining one)
    if single:
        old_src, new_src = old_doc.own_text(old[0]).strip(), new_doc.own_text(new[0]).strip()
    else:
        old_src = "".join(old_doc.own_text(s) for s in old).strip()
        new_src = "".join(new_doc.own_text(s) for s in new).strip()
    if old_src == new_src or not old or not new:
        return []
    words_changed = _words_changed(old_doc, old, new_doc, new)
    kinds: list[str] = []
    if len(old) == 1 and len(new) == 1 and old[0].kind == new[0].kind and old[0].kind in ("heading", "outline"):
        a, b = old[0], new[0]
        if a.kind == "heading" and a.level != b.level:
            kinds.append(f"heading level {a.level}→{b.level}")
        elif a.kind == "heading" and a.title == b.title and _heading_line(old_doc, a) != _heading_line(new_doc, b):
            kinds.append("heading markup")
    if single:
        a, b = old[0], new[0]
        bodies = (old_doc.body_text(a) if a.kind != "frontmatter" else "",
                  new_doc.body_text(b) if b.kind != "frontmatter" else "")
    else:
        bodies = (_bodies(old_doc, old), _bodies(new_doc, new))
    kinds.extend(_body_kinds(bodies[0], bodies[1], words_changed, old, new, old_doc, new_doc))
    if not kinds and not words_changed:
        kinds.append("whitespace" if old_src.split() == new_src.split() else "markup")
    return kinds


_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def _changed_blocks(old_text: str, new_text: str) -> tuple[str, str]:
    """The blocks (cut at blank lines) of each text that the other does not have, in order.

    Blocks present on both sides add the same markup to both, so only the others are
    parsed: a one-word edit in a long section parses one paragraph, not the section.
    """
    old_blocks, new_blocks = _BLANK_LINES.split(old_text), _BLANK_LINES.split(new_text)
    common = Counter(old_blocks) & Counter(new_blocks)
    return _without(old_blocks, common), _without(new_blocks, common)


def _without(blocks: list[str], common: Counter[str]) -> str:
    left = Counter(common)
    kept: list[str] = []
    for block in blocks:
        if left[block] > 0:
            left[block] -= 1
        else:
            kept.append(block)
    return "\n\n".join(kept)


def _body_kinds(old_text: str, new_text: str, words_changed: bool, old: list[Section], new: list[Section],
                old_doc: Document, new_doc: Document) -> list[str]:
    outline = any(s.kind == "outline" for s in (*old, *new))
    if outline:
        # An outline item's own span starts with its bullet: its marker is part of the title line.
        old_text = "".join(old_doc.own_text(s) for s in old if s.kind != "frontmatter")
        new_text = "".join(new_doc.own_text(s) for s in new if s.kind != "frontmatter")
    if old_text == new_text:
        return []
    if not (has_syntax(old_text) or has_syntax(new_text)):
        # Plain prose on both sides: so are their changed blocks (each starts where a line of
        # the text starts, and joining them adds only blank lines), whose features are then none.
        return []
    old_text, new_text = _changed_blocks(old_text, new_text)
    if words_changed and _words_explain(old_text, new_text):
        return []
    return _kinds_of(_features(old_text), _features(new_text), words_changed)


#: Where a list item's marker may be (a superset: :func:`_words_explain`), found by what markers
#: are made of (a bullet: a literal the regex engine finds at C speed; a number's delimiter after
#: a digit), what must come before them checked on each hit (:func:`_marker_kinds`).
_BULLETS = tuple((bullet, re.compile(re.escape(bullet) + r"(?=[ \t\r\n]|\Z)")) for bullet in "-*+")
_NUMBER_END = re.compile(r"\d([.)])(?=[ \t\r\n]|\Z)")


def _marker_kinds(text: str) -> set[str]:
    """The kinds of list marker that may be in *text*: a bullet (``-``, ``*``, ``+``), or a
    number's ``.`` or ``)`` (what a :class:`Features`' list marker holds besides the digits),
    each before a space, a tab or the line's end. A bullet counts at the text's start or after
    whitespace or ``>``; a delimiter when the run of decimal digits before it is at most nine
    long and starts there (markdown-it's own rule: after its indentation, quote marks and outer
    markers). ``tests/test_fast_paths_markup_explained.py`` compares it with the regex it
    replaced (a lookbehind tried at every character)."""
    kinds = set()
    for bullet, pattern in _BULLETS:
        if bullet in text:
            for m in pattern.finditer(text):
                start = m.start()
                if not start or text[start - 1].isspace() or text[start - 1] == ">":
                    kinds.add(bullet)
                    break
    if "." in text or ")" in text:
        for m in _NUMBER_END.finditer(text):
            delimiter = m.group(1)
            if delimiter in kinds:
                continue
            first = m.start()  # the last digit; back to the run's first, nine at most
            stop = max(first - 8, 0)
            while first > stop and text[first - 1].isdecimal():
                first -= 1
            if not first or text[first - 1].isspace() or text[first - 1] == ">":
                kinds.add(delimiter)
    return kinds


def _words_explain(old_text: str, new_text: str) -> bool:
    """Whether the changed blocks *old_text* and *new_text* of a pair whose words changed can
    hold none of the markup :func:`_kinds_of` names then, read from their characters alone
    (their markup need not be read: ``tests/test_fast_paths_markup_explained.py`` compares the
    kinds with those of the markup read). With words changed, only a link text pointing
    elsewhere (a link, image or reference definition with the same text on both sides), the
    same number of list items with other markers and the same number of fences with another
    fence or language are named. A side without ``](`` (every inline link and image has one),
    ``]:`` (every reference definition has one, and a reference link needs one in the same
    text) and ``<`` (every autolink) has no links nor definitions, so no link text is on both
    sides; a side without a fence (three backticks or tildes) has none, so the two sides'
    fences are both none or differ in number; and when every list marker either side may
    hold is of one kind, the two sides' markers differ only in number."""
    if not (_no_links(old_text) or _no_links(new_text)):
        return False
    if not (_no_fences(old_text) or _no_fences(new_text)):
        return False
    kinds = _marker_kinds(old_text)
    if len(kinds) > 1:
        return False
    kinds |= _marker_kinds(new_text)
    return len(kinds) <= 1


def _no_links(text: str) -> bool:
    return "](" not in text and "]:" not in text and "<" not in text


def _no_fences(text: str) -> bool:
    return "```" not in text and "~~~" not in text


def _kinds_of(a: Features, b: Features, words_changed: bool) -> list[str]:
    """The markup changes :func:`_body_kinds` names for changed blocks of markup *a* and *b*."""
    kinds: list[str] = []
    refs_moved = any(a.references[k] != b.references[k] for k in a.references.keys() & b.references.keys())
    if _retargeted(a.links, b.links) or refs_moved:
        kinds.append("link target")
    elif not words_changed and [t for t, _ in a.links] != [t for t, _ in b.links]:
        kinds.append("links")
    if words_changed:
        # Words changed too: only markup that the edit of words cannot explain, i.e. the
        # same items with other markers and the same fences with another language. New
        # text with emphasis or HTML in it is a change of words, shown by the word diff.
        emphasis = tags = False
        markers = len(a.list_markers) == len(b.list_markers) and a.list_markers != b.list_markers
        code = len(a.fences) == len(b.fences) and a.fences != b.fences
    else:
        emphasis = a.emphasis != b.emphasis
        markers = a.list_markers != b.list_markers
        tags = a.tags != b.tags
        code = a.fences != b.fences or a.code != b.code
    kinds += [name for name, changed in (("emphasis", emphasis), ("code", code), ("list markers", markers),
                                         ("HTML", tags)) if changed]
    return kinds
