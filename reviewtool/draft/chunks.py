"""Parse each distinct chunk once per run: the blocks of a text, cut at its headings and
between its paragraphs.

Parsing (markdown-it, in pure Python) is most of the cost of reading a history, and
versions of a draft share most of their text: in the RFC corpus only 8% (an essay, 186
versions) to 21% (a README, 132 versions) of the bytes of heading chunks are distinct
across all versions, and 3.7% to 19% of the bytes of chunks cut between paragraphs too.
So :func:`read_blocks` cuts the text before every line that starts with an ATX heading
(``#`` to ``######`` then a space, a tab or the end of the line, in column 0) and before
every line that starts with a letter after an empty line, parses each chunk alone and
keeps its blocks (:class:`reviewtool.draft.blocks.Block`, lines counted from the chunk's
start) and its markup (:mod:`reviewtool.draft.markup_features`, for the diff's markup
changes: :func:`read_features`) in a cache keyed by the chunk's text, shared by every
document of the process: an edit of one paragraph parses that paragraph again, not its
section, and the diff reads the paragraph's markup from it. A list has no empty line to
cut at, so a chunk is also cut at some of its list items (one in :data:`ITEM_GROUP`,
chosen by their text) where one parse would go on with the same list
(:func:`_parse_items`), and a part between those cuts that was not met before, in a list
whose other parts were, at every item (:func:`_finer`): a list of links that gains an item
parses the items around it the first time, and the new item alone after that. A chunk that
is one plain paragraph or one plain ATX heading (no markup, then empty lines only: most of
the pieces of prose) is read without markdown-it (:mod:`reviewtool.draft.plain_chunks`),
into the same chunk, and so is one that is a plain list of ``* [name](target)`` items (most
parts of a list of links: :mod:`reviewtool.draft.link_chunks`) or link reference definitions
after at most a plain heading (a heading with the definition of its title, a block of
targets: :mod:`reviewtool.draft.definition_chunks`); every other chunk is parsed by
markdown-it (:func:`_markdown_it_chunk`), a simple tight bullet list (most parts of a list of
points cut at its items) and a paragraph or heading with inline markup from block tokens
built without markdown-it's block parser (:mod:`reviewtool.draft.list_chunks`,
:mod:`reviewtool.draft.inline_chunks`).

The result equals parsing the whole text at once, because a chunk boundary is kept only
where the whole parse starts afresh:

* a column-0 ATX heading closes every open paragraph, list, block quote, table and
  reference definition (it is among their terminators in markdown-it), so those never
  reach into the next chunk;
* after an empty line, a line in column 0 that starts with neither a ``>`` nor a list
  marker (a letter, ``**``, a backtick, ``[``, ``<``, ``|``, a rule...) continues no block:
  an empty line ends paragraphs, tables, reference definitions and HTML blocks of the
  kinds that end there, and nothing is continued lazily after it; a list item or a block
  quote goes on after one only on an indented line, a ``>`` or another list marker;
  indented code needs indentation. Fences and the HTML blocks that run past empty lines
  are handled as for headings (below);
* a fenced code block or an HTML block that runs to the end of its chunk could swallow the
  heading line: the chunk is then joined with the next one and parsed again (a fence is
  open when its token spans more lines than its content plus the two fence lines; an
  HTML block that reaches the end is treated as open, whatever its type);
* link reference definitions are global: a chunk that mentions a label the text defines
  is parsed with the text's definition of it (the first definition of a label wins, in
  document order), and cached under those definitions (label, target, title). They are
  known before the chunks are parsed: the chunks met before tell theirs, and the new
  pieces whose lines may start one (:data:`_MAY_DEFINE_LINE`) are parsed first
  (:func:`_guessed`); once every chunk is parsed, a chunk parsed with other definitions
  than the text's own of the labels it mentions (:attr:`_Chunk.seen`) is parsed again
  with those (:func:`_settled`), so the result is exact whatever the guess;
* texts with a carriage return are parsed whole (markdown-it normalises line ends first);
* a list item line after an item line of the same indentation and marker (no empty line
  between) is a cut only when the parts show that one parse would be in a paragraph that
  ends that list's last item there, directly or inside lists nested in it
  (:func:`_parse_items` says why that is exact: whichever item lines are cut at, chosen
  or finer, every cut is checked alike); otherwise the chunk is parsed whole.

``tests/test_chunks.py`` checks the equality (blocks and markup) on every version of the
real RFC corpus and on generated Markdown (fences, HTML, lists, quotes, tables, references
at chunk edges; lists of every marker, indentation and continuation).
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Sequence
from dataclasses import field
from itertools import accumulate, compress, count, repeat
from operator import attrgetter, eq, methodcaller
from typing import TYPE_CHECKING, Any

from reviewtool.draft.blocks import Block, blocks_of, joined_list, list_words
from reviewtool.draft.definition_chunks import definition_chunk
from reviewtool.draft.inline_chunks import inline_tokens
from reviewtool.draft.link_chunks import link_list
from reviewtool.draft.link_rules import normalize_label
from reviewtool.draft.list_chunks import list_tokens
from reviewtool.draft.markdown import markdown, parse_inline
from reviewtool.draft.markup_features import NO_FEATURES, Features, features_of, has_syntax, joined
from reviewtool.draft.plain_chunks import plain_blocks
from reviewtool.draft.simple_features import simple_features
from reviewtool.draft.stored_pieces import clear_stored_pieces, stored_features
from reviewtool.lru import LRU
from reviewtool.records import record

if TYPE_CHECKING:
    from markdown_it.token import Token

#: Where a chunk may start: before an ATX heading in column 0, and after an empty line before
#: a line that starts in column 0 with anything but a ``>`` or a list marker (``-``, ``+``,
#: ``*`` or a number and ``.`` or ``)``, then a space, a tab or the line's end): a letter,
#: emphasis, code, a link, a rule, a fence, HTML, a table (found after a newline: a literal
#: start, which the regex engine finds at C speed; the first chunk starts at 0 anyway).
_CHUNK_START = re.compile(r"\n(?=#{1,6}(?:[ \t\n]|$))|\n\n(?=[^\s>\-+*\d]|[-+*]\S|\d+[^\s\d.)]|\d{1,9}[.)]\S)")
_END = methodcaller("end")
#: Distinct chunks kept per process (a 10,000-word essay has about 200).
CHUNK_CACHE_SIZE = 16384
#: Chunks longer than this are parsed but not kept (one huge chunk would crowd the cache).
_MAX_CACHED_CHUNK = 1_000_000


#: A link reference definition as a chunk is parsed with it: (label, target, title). A
#: label defined elsewhere in another text may point elsewhere, so a chunk parsed with a
#: definition is kept under all three.
Definition = tuple[str, str, str]


@record(frozen=True, slots=True)
class _Chunk:
    """One chunk parsed alone: its blocks (lines from its start), the link reference
    definitions it was parsed with (label -> markdown-it's entry: its own, or those of the
    whole text that it mentions), and whether it ends inside a fence or HTML block that
    could swallow the next chunk's heading. A chunk cut at its list items
    (:func:`_parse_items`) joins its parts' blocks and markup when first asked for them: a
    document's parse reads only the blocks, the diff's markup only the markup."""

    #: Its blocks (:attr:`blocks`); None: not joined from :attr:`_parts` yet.
    _blocks: tuple[Block, ...] | None
    #: Its own link reference definitions (label -> markdown-it's entry; the first one of a
    #: label in it wins), whatever definitions of the text it was parsed with.
    references: dict[str, Any]
    open_end: bool
    #: The labels of :attr:`references`, sorted.
    labels: tuple[str, ...]
    #: Its markup (:attr:`features`); None: not joined from :attr:`_parts` yet.
    _features: Features | None
    #: The definitions its inline content was parsed with, sorted by label: those of the text
    #: it was given (its cache key's) and its own of the labels it was not given. It is the
    #: chunk as parsed within a text when these are the text's definitions of the labels the
    #: chunk mentions (:meth:`_Definitions.mentioned`).
    seen: tuple[Definition, ...]
    #: When it starts with a list at its first line: (the list's key, see :func:`_item_key`;
    #: its prose and other words before its role moved them, see :func:`blocks.list_words`).
    head: tuple[str, int, int] | None = None
    #: When it ends with a top-level list whose last item is one paragraph running to the
    #: chunk's last line: that list's (key, prose and other words), as for :attr:`head`.
    tail: tuple[str, int, int] | None = None
    #: A chunk cut at its list items: its parts (first line, chunk as settled), in order.
    _parts: tuple[tuple[int, _Chunk], ...] = ()
    #: The blocks moved to a first line (a chunk sits at a few lines across versions).
    _at: dict[int, tuple[Block, ...]] = field(default_factory=dict, compare=False)
    #: The labels of a text's reference definitions (their :data:`_LABEL_SETS` number) ->
    #: those this chunk's text mentions.
    _mentions: dict[int, tuple[str, ...]] = field(default_factory=dict, compare=False)
    #: What :mod:`reviewtool.draft.assembly` reads of it, once (its one item, when computed).
    facts: list[Any] = field(default_factory=list, compare=False)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Its blocks, lines counted from its start (a chunk cut at its list items: its parts'
        blocks, each list that runs from one part into the next joined into one block)."""
        found = self._blocks
        if found is None:
            found = _joined_blocks(self._parts)
            object.__setattr__(self, "_blocks", found)
        return found

    @property
    def features(self) -> Features:
        """Its markup (:mod:`reviewtool.draft.markup_features`), read from the same tokens
        (a chunk cut at its list items: its parts' markup, in order)."""
        found = self._features
        if found is None:
            found = joined(chunk.features for _, chunk in self._parts)
            object.__setattr__(self, "_features", found)
        return found

    def at(self, line: int) -> tuple[Block, ...]:
        """The blocks with their lines counted from the text's start, the chunk starting at *line*."""
        found = self._at.get(line)
        if found is None:
            if len(self._at) >= 8:
                self._at.clear()
            found = self._at[line] = tuple(b.shifted(line) for b in self.blocks)
        return found


#: (chunk text, None) -> the chunk parsed alone; (chunk text, definitions) -> parsed with
#: those reference definitions of the whole text (:attr:`_Chunk.seen`, sorted by label).
_CHUNKS: LRU[tuple[str, tuple[Definition, ...] | None], _Chunk] = LRU(CHUNK_CACHE_SIZE)
#: Chunk text -> the chunk last parsed from it or taken from :data:`_CHUNKS` for a text,
#: whatever definitions it was parsed with: what a piece met again is taken as before the
#: definitions are settled (:func:`_read`; its own definitions and open end are the same).
_MET: LRU[str, _Chunk] = LRU(CHUNK_CACHE_SIZE)


def clear_chunk_cache() -> None:
    """Forget the parsed chunks (for benchmarks that measure a cold parse)."""
    global _LAST, _LAST_SETTLED, _LAST_DEFINITIONS
    _CHUNKS.clear()
    _MET.clear()
    clear_stored_pieces()
    _label_of.cache_clear()
    _bracket_labels.cache_clear()
    _LAST = ([], [])
    _LAST_SETTLED = ({}, None, {})
    _LAST_DEFINITIONS = ({}, None)


def read_blocks(source: str) -> list[Block]:
    """The blocks of Markdown *source*, equal to those of one parse of the whole text."""
    blocks: list[Block] = []
    for line, chunk in _resolved(source)[0]:
        blocks.extend(chunk.at(line))
    return blocks


def read_chunks(source: str) -> tuple[list[str], list[int], list[_Chunk]]:
    """*source*'s chunks as parsed within the whole text (see :func:`read_blocks`, which
    moves their blocks to their lines): their texts, their first lines, the chunks.
    A text with a carriage return is one chunk."""
    texts, lines, found, _ = _read(source, remember=True)
    return texts, lines, found


def read_features(source: str) -> Features:
    """The markup features of Markdown *source* (:mod:`reviewtool.draft.markup_features`),
    equal to those of one parse of the whole text, from the same parsed chunks as
    :func:`read_blocks` (a chunk the document parse met is not parsed again), or from the
    pieces' features a stored document brought
    (:func:`reviewtool.draft.stored_pieces.stored_features`)."""
    if "\r" not in source:
        found = _features_alone(source) if "]:" not in source else _features_defined(source)
        if found is not None:
            return found
    chunks, references = _resolved(source)
    found = joined(chunk.features for _, chunk in chunks)
    return found.with_references(references) if references else found


def _features_alone(source: str) -> Features | None:
    """:func:`read_features` of a *source* that defines no link label (no ``]:`` in it: a
    definition is a label between brackets then a colon) and has no carriage return: then
    every piece is parsed alone (with no definition, as :func:`_read` parses it when the
    text has none), and the text's features are its pieces' ones in order. A piece's are
    those of the chunk met for it when that was parsed alone (no :attr:`_Chunk.seen`), else
    those a stored document brought (:func:`reviewtool.draft.stored_pieces.stored_features`), else none when it has no
    syntax (:func:`reviewtool.draft.markup_features.has_syntax`), else those read without
    markdown-it when it is a paragraph or a bullet list of simple inline markup
    (:func:`reviewtool.draft.simple_features.simple_features`), else it is parsed alone
    here. None when a piece has an open end (it would be joined with the next:
    :func:`_read` does that)."""
    return _pieces_alone(_cut(source))


def _features_defined(source: str) -> Features | None:
    """:func:`read_features` of a *source* that has ``]:`` in it and no carriage return, when
    each piece with ``]:`` in it is link reference definitions read without markdown-it
    (:func:`reviewtool.draft.definition_chunks.definition_chunk`, which has no other markup)
    up to its first empty line, with no ``]:`` after it, and no other text mentions a label
    they define (:meth:`_Definitions.mentioned`). The text after such an empty line (a list
    is not cut from definitions before it: :data:`_CHUNK_START`) starts apart from the
    definitions (their last line ends at the empty line), and is cut into pieces of its own.
    Each of the other pieces is then parsed with no definition, as :func:`_read` parses it,
    and its features are read as :func:`_features_alone` reads them; the text's definitions
    are the pieces' ones in text order (the first one of a label winning). None otherwise
    (or when a piece has an open end)."""
    pieces = _cut(source)
    references: dict[str, Any] = {}
    others: list[str] = []
    for piece in pieces:
        if "]:" in piece:
            empty_line = _EMPTY_LINE.search(piece)
            head, rest = (piece, "") if empty_line is None else (piece[:empty_line.end()], piece[empty_line.end():])
            defined = definition_chunk(head, None)
            if defined is None or "]:" in rest:
                return None
            for label, ref in defined[1].items():
                references.setdefault(label, ref)
            if rest:
                others.extend(_cut(rest))
        else:
            others.append(piece)
    definitions = _Definitions.of_references(references)
    if any(map(definitions.mentioned, others)):
        return None
    found = _pieces_alone(others)
    if found is None or not references:
        return found
    return found.with_references(references)


def _pieces_alone(pieces: list[str]) -> Features | None:
    """The features of *pieces* each parsed alone, one after the other (see
    :func:`_features_alone`); None when one has an open end."""
    parts = []
    for piece in pieces:
        chunk = _MET.get(piece)
        if chunk is None or chunk.seen or chunk.open_end:
            stored = stored_features(piece)
            if stored is not None:
                parts.append(stored)
                continue
            if not has_syntax(piece):
                continue  # no markup
            simple = simple_features(piece)
            if simple is not None:
                parts.append(simple)
                continue
            chunk = _chunk(piece, None)
            if chunk.open_end:
                return None
        parts.append(chunk.features)
    return joined(parts)


def piece_features(text: str) -> tuple[list[int], list[Features | None]]:
    """The pieces that end *text* as the last text read (:func:`read_chunks`) was cut, in
    order: their lengths, and the features of each when parsed alone (None: it was not,
    or has an open end or definitions; see :func:`_features_alone`). All of them, or all
    but the first (the parsed text's front matter is blanked, and a byte order mark left
    out), or none when the last text read was another. For a stored document
    (:mod:`reviewtool.draft.stored_document`), so that the diff of stored versions reads the
    markup of their pieces without parsing them."""
    pieces, parsed = _LAST
    lengths = list(map(len, pieces))
    if not _ends(text, pieces, lengths):
        pieces, parsed, lengths = pieces[1:], parsed[1:], lengths[1:]
        if not _ends(text, pieces, lengths):
            return [], []
    return lengths, [None if chunk is None or chunk.seen or chunk.open_end else chunk.features for chunk in parsed]


def _ends(text: str, pieces: list[str], lengths: list[int]) -> bool:
    """Whether *text* ends with *pieces* (of *lengths*), compared in place (a joined copy of
    a book's pieces is megabytes of fresh memory)."""
    start = len(text) - sum(lengths)
    return start >= 0 and all(map(text.startswith, pieces, accumulate(lengths, initial=start)))


def _resolved(source: str) -> tuple[list[tuple[int, _Chunk]], dict[str, Any]]:
    """*source*'s chunks as parsed within the whole text (``(first line, chunk)``), and the
    text's link reference definitions (label -> markdown-it's entry; the first one wins)."""
    _, lines, found, references = _read(source)
    return list(zip(lines, found)), references


def _read(source: str, remember: bool = False) -> tuple[list[str], list[int], list[_Chunk], dict[str, Any]]:
    """*source*'s chunks (texts, first lines, each as parsed within the whole text) and its
    link reference definitions (label -> markdown-it's entry; the first one wins).

    Each new chunk is parsed with the text's definitions of the labels it mentions as
    :func:`_guessed` expects them; once every chunk is parsed, their own definitions are the
    text's (in text order, the first of a label winning), and a chunk parsed with others
    than those it mentions (:attr:`_Chunk.seen`) is parsed again with them (or taken from
    the cache), so the result is exact whatever the guess was.
    *remember*: keep its pieces for the next text (:data:`_LAST`): a draft's version, not
    the part of one that the diff reads the markup of between two versions."""
    global _LAST
    if "\r" in source:
        whole = _parse_chunk(source, None)
        return [source], [0], [whole], whole.references
    pieces = _cut_like(source, _LAST[0])
    texts, lines, found, parsed = _joined(pieces)
    references = _references(found)
    if references or any(map(_SEEN, found)):
        found = _settled_again(texts, found, references, remember)
        if len(found) == len(pieces):
            parsed = list[_Chunk | None](found)  # no piece joined to another: the next text takes them as settled
    if remember:
        _LAST = (pieces, parsed)
    return texts, lines, found, references


#: The last draft's version settled (:func:`_settled_again`): its link reference definitions
#: (markdown-it's entries, as :func:`_references` gives them), those as :class:`_Definitions`,
#: and the chunks that settling them left as they were, by text.
_LAST_SETTLED: tuple[dict[str, Any], _Definitions | None, dict[str, _Chunk]] = ({}, None, {})


def _settled_again(texts: list[str], found: list[_Chunk], references: dict[str, Any],
                   remember: bool) -> list[_Chunk]:
    """:func:`_settled` of a text's chunks (*texts*, *found*) with its definitions *references*,
    which the version read before most often has too (a README that defines a label for each
    of its headings): then a chunk that settling that version left as it was, met again for
    the same text, is left again without being looked at (:func:`_settled` of the same text,
    chunk and definitions), and only the others are settled. *remember*: keep what this
    settling left for the next version (:data:`_LAST_SETTLED`), as :func:`_read` keeps its
    pieces. ``tests/test_chunks.py`` compares this with :func:`_settled` version by version."""
    global _LAST_SETTLED
    last_references, definitions, kept = _LAST_SETTLED
    if definitions is None or references != last_references:
        definitions, kept = _Definitions.of_references(references), {}
    todo = [i for i, text in enumerate(texts) if kept.get(text) is not found[i]] if kept else range(len(texts))
    settled = found.copy()
    if todo:
        for i, chunk in zip(todo, _settled(list(map(texts.__getitem__, todo)), list(map(found.__getitem__, todo)),
                                           definitions)):
            settled[i] = chunk
    if remember:
        _LAST_SETTLED = (references, definitions, {text: chunk for text, chunk, before in zip(texts, settled, found)
                                                   if chunk is before})
    return settled


def _references(found: Sequence[_Chunk | None]) -> dict[str, Any]:
    """The link reference definitions of chunks in text order (the first one of a label
    wins; None: no chunk)."""
    references: dict[str, Any] = {}
    for chunk in compress(found, map(getattr, found, repeat("labels"), repeat(()))):
        for label, ref in chunk.references.items():  # type: ignore[union-attr]  # not None: has labels
            references.setdefault(label, ref)
    return references


_SEEN = attrgetter("seen")


def _definition(label: str, ref: Any) -> Definition:
    """A definition (markdown-it's entry) as a chunk is parsed with it and keyed by it."""
    return label, str(ref.get("href", "")), str(ref.get("title", ""))


#: Each set of labels met (sorted) -> its number: a chunk keeps what it mentions by the
#: number (a large tuple is hashed again at every lookup). Numbers are never reused.
_LABEL_SETS: dict[tuple[str, ...], int] = {}
_NUMBERS = count()


class _Definitions:
    """A text's link reference definitions, and which of them a chunk of it is parsed with."""

    __slots__ = ("by_label", "labels", "number")

    def __init__(self, by_label: dict[str, Definition]) -> None:
        self.by_label = by_label
        #: The labels, sorted (as :func:`_mentioned` takes them).
        self.labels = labels = tuple(sorted(by_label))
        number = _LABEL_SETS.get(labels)
        if number is None:
            if len(_LABEL_SETS) >= CHUNK_CACHE_SIZE:
                _LABEL_SETS.clear()
            number = _LABEL_SETS[labels] = next(_NUMBERS)
        #: The labels' number in :data:`_LABEL_SETS`.
        self.number = number

    @classmethod
    def of_references(cls, references: dict[str, Any]) -> _Definitions:
        """The definitions of markdown-it's entries (label -> entry): those given last time
        when the entries are the same (:data:`_LAST_DEFINITIONS`)."""
        global _LAST_DEFINITIONS
        last, definitions = _LAST_DEFINITIONS
        if definitions is None or references != last:
            definitions = cls({label: _definition(label, ref) for label, ref in references.items()})
            _LAST_DEFINITIONS = (references.copy(), definitions)
        return definitions

    def mentioned(self, text: str, chunk: _Chunk | None = None) -> tuple[str, ...]:
        """The labels a chunk of *text* mentions (:func:`_mentioned`): kept by *chunk* (the
        chunk of *text*, when parsed) for the next time with the same labels."""
        labels = self.labels
        if not labels:
            return ()
        known = None if chunk is None else chunk._mentions.get(self.number)
        if known is not None:
            return known
        mentioned = _mentioned(text, labels)
        if chunk is not None:
            self.remember(chunk, mentioned)
        return mentioned

    def of(self, mentioned: tuple[str, ...]) -> tuple[Definition, ...]:
        """The definitions of the labels *mentioned* (sorted)."""
        return tuple(map(self.by_label.__getitem__, mentioned)) if mentioned else ()

    def remember(self, chunk: _Chunk, mentioned: tuple[str, ...]) -> None:
        """Keep with *chunk* the labels its text *mentioned* among these definitions'."""
        if self.labels:
            if len(chunk._mentions) >= 8:
                chunk._mentions.clear()
            chunk._mentions[self.number] = mentioned

    def parsed(self, text: str, part: bool = False) -> _Chunk:
        """A chunk of *text* parsed with the definitions it mentions (from the cache when
        parsed before), which keeps what it mentions; *part*: a part of a chunk cut at its
        list items (:func:`_chunk`)."""
        met = _MET.get(text)  # met before (in this text, most often): it knows what it mentions
        mentioned = self.mentioned(text, met)
        chunk = _chunk(text, self.of(mentioned), part)
        if chunk is not met:
            self.remember(chunk, mentioned)
        return chunk


#: The entries :meth:`_Definitions.of_references` was given last, and its definitions of them:
#: the versions of a draft that defines labels most often define the same ones, and each is
#: asked for a version's definitions a few times (:func:`_guessed`, :func:`_read`). Never
#: changed once made: a chunk keeps what it mentions under their :attr:`_Definitions.number`.
_LAST_DEFINITIONS: tuple[dict[str, Any], _Definitions | None] = ({}, None)


def _settled(texts: list[str], found: list[_Chunk], definitions: _Definitions, parts: bool = False) -> list[_Chunk]:
    """Each chunk as parsed with the *definitions* it mentions: itself when it was parsed
    with those (:attr:`_Chunk.seen`), else parsed again with them (or from the cache);
    *parts*: the parts of a chunk cut at its list items (:func:`_chunk`)."""
    result = []
    number = definitions.number
    by_label = definitions.by_label
    for text, chunk in zip(texts, found):
        mentioned = chunk._mentions.get(number)  # what :meth:`_Definitions.mentioned` kept
        if mentioned is None:
            mentioned = definitions.mentioned(text, chunk)
        if not mentioned:
            result.append(_chunk(text, (), parts) if chunk.seen else chunk)
            continue
        used = tuple(map(by_label.__getitem__, mentioned))
        result.append(chunk if used == chunk.seen else _chunk(text, used, parts))
    return result


def _guessed(texts: list[str], found: list[_Chunk | None]) -> _Definitions:
    """The text's definitions as they look before its new pieces are parsed: the own
    definitions of the pieces found parsed (:attr:`_Chunk.references`: exact), and those of
    the new pieces that may define one (:data:`_MAY_DEFINE_LINE`), which are parsed here first,
    in text order, each with the definitions of the pieces found that it mentions; one that
    mentions a label another new piece may define (or its own, defined by one before it) is
    parsed after the others, with theirs (so a chunk is parsed once, with the definitions it
    uses, when they are the text's); a piece repeated in the text is looked at once. A
    guess: a piece that an open end before it swallows defines nothing, a definition of a
    label over two lines is not seen, and so on; :func:`_read` makes the result exact."""
    references = _references(found)
    new = []
    repeated = []  # pieces whose text a new piece before has (a book repeats whole files)
    first: set[str] = set()
    for i, chunk in enumerate(found):
        if chunk is None and "]:" in texts[i]:
            if texts[i] in first:
                repeated.append(i)
                continue
            defined = _may_define(texts[i])
            if defined:
                new.append((i, defined))
                first.add(texts[i])
    if not new:
        return _Definitions.of_references(references)
    # Labels that a new piece may define and that no piece found defines yet (sorted).
    pending = tuple(sorted({normalize_label(label) for _, defined in new for label in defined}
                           - references.keys()))
    known = _Definitions.of_references(references)
    later = []
    earlier: set[str] = set()  # the labels the new pieces before may define
    done: dict[str, _Chunk] = {}
    for i, defined in new:
        own = set(map(normalize_label, defined))
        if pending:
            mentioned = _mentioned(texts[i], pending)
            if any(label not in own or label in earlier for label in mentioned):
                later.append(i)  # it mentions a label another new piece may define (first)
                earlier |= own
                continue
        found[i] = done[texts[i]] = known.parsed(texts[i])
        earlier |= own
    if later:
        definitions = _Definitions.of_references(_references(found))
        for i in later:
            found[i] = done[texts[i]] = definitions.parsed(texts[i])
    for i in repeated:
        found[i] = done[texts[i]]
    return _Definitions.of_references(_references(found))  # in text order, the first one winning


#: A line that may start a link reference definition: container markers (block quotes, list
#: items, indentation) then a label between brackets and a colon (the label may run over
#: lines). A guess (:func:`_guessed`): a line in a fence or a paragraph matches too. The
#: multiline pattern ``^[ \t>*+\-.)\d]*\[((?:[^\[\]\\]|\\.)*)\]:`` (the reference in
#: ``tests/test_fast_paths_chunk_scans.py``) at the text's start, and after a newline (see
#: :func:`_may_define`); the label's loop unrolled (runs of a class, which the regex engine
#: takes at C speed, where the alternation is a step per character) and possessive: the
#: characters given back by backtracking would never be the ``]`` that must follow (a marker
#: class without brackets, a character of the label that is no bracket, or the backslash of
#: an escaped pair), so the matches are the same, found without trying each shorter label at
#: every list item.
_MAY_DEFINE_LINE = r"[ \t>*+\-.)\d]*+\[([^\[\]\\]*+(?:\\.[^\[\]\\]*+)*+)\]:"
_FIRST_MAY_DEFINE = re.compile(_MAY_DEFINE_LINE)
_NEXT_MAY_DEFINE = re.compile("\n" + _MAY_DEFINE_LINE)


def _may_define(text: str) -> list[str]:
    """What the multiline pattern of lines that may define (:data:`_MAY_DEFINE_LINE`) finds in
    *text* (``findall``), its lines found after a newline (a literal the regex engine finds
    at C speed, where a multiline ``^`` is tried at every character). A match ends with a
    colon, so the next line start is after a newline past its end, as the multiline scan
    finds it."""
    first = _FIRST_MAY_DEFINE.match(text)
    if first is None:
        return _NEXT_MAY_DEFINE.findall(text)
    return [first.group(1), *_NEXT_MAY_DEFINE.findall(text, first.end())]


#: What makes a label's use in a chunk possibly not in its text as it is used: a line inside
#: a block quote (markdown-it takes its ``>`` out of the inline content, so a label running
#: over two of its lines is not in the text as such) and a table's escaped pipe (``\|`` is
#: read as ``|`` in a cell): the multiline pattern ``^[ \t]*>|\\\|`` (the reference in
#: ``tests/test_fast_paths_chunk_scans.py``). Its quote line at the text's start, and after a
#: newline (a literal the regex engine finds at C speed, where a multiline ``^`` is tried at
#: every character):
_FIRST_QUOTE_LINE = re.compile(r"[ \t]*>")
_QUOTE_LINE = re.compile(r"\n[ \t]*>")


def _unbracketed(text: str) -> bool:
    """Whether a label's use may not be in *text* as it is used: an escaped pipe, or a line
    that starts (after spaces and tabs) with ``>``; each looked for only when its characters
    are there."""
    return "\\|" in text or (">" in text and (_FIRST_QUOTE_LINE.match(text) is not None
                                              or _QUOTE_LINE.search(text) is not None))


#: The block quote markers at a line's start (with the indentation around them).
_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)


#: What may be a link label between brackets: no bracket inside but an escaped one (a label
#: has none, and a definition's label ends at its first ``]``).
_BRACKETED = re.compile(r"\[([^\[\]\\]*(?:\\.[^\[\]\\]*)*)\]", re.S)


def _mentioned(text: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """Those of *labels* (sorted, normalised by markdown-it's ``normalizeReference``) that a
    chunk of *text* may use or define. A label is used (a full, collapsed or shortcut
    reference, an image) or defined only between brackets, so what is between each pair of
    brackets is normalised as markdown-it normalises a label and looked for among *labels*
    (a label that is also a word outside brackets, such as "Summary", is not mentioned: the
    chunk parsed with it would be the chunk parsed alone). With a line in a block quote or
    an escaped pipe (:func:`_unbracketed`), a label anywhere in the text counts, in the text
    as it is and as markdown-it reads it (the quote markers out, ``\\|`` as ``|``).
    ``tests/test_chunks.py`` checks these against asking for a label anywhere in the text."""
    if "[" not in text:
        return ()
    inside = _bracket_labels(text)
    if inside is None:
        normalised = normalize_label(text)
        read = normalize_label(_QUOTE_MARKERS.sub("", text).replace("\\|", "|"))
        return tuple(label for label in labels if label in normalised or label in read)
    found = inside.intersection(labels)
    return tuple(sorted(found)) if found else ()


@functools.lru_cache(maxsize=2048)
def _bracket_labels(text: str) -> frozenset[str] | None:
    """What is between each pair of brackets in *text*, as labels (:func:`_label_of`); None
    when a label anywhere in it counts (:func:`_unbracketed`). Kept by text: a chunk is asked
    again for every set of labels its texts define (a version that adds a definition asks
    every chunk of the text again), and the parts of a list for the labels of each version."""
    if _unbracketed(text):
        return None
    return frozenset(map(_label_of, _BRACKETED.findall(text)))


@functools.lru_cache(maxsize=1 << 15)
def _label_of(inside: str) -> str:
    """What is between a pair of brackets as a label (markdown-it's ``normalizeReference``),
    kept: the same link texts come back in every version and every chunk of a list."""
    return normalize_label(inside)


def _cut(source: str) -> list[str]:
    """*source* cut where a chunk may start (:data:`_CHUNK_START`): the chunks' texts (one
    empty text for an empty *source*)."""
    ends = list(map(_END, _CHUNK_START.finditer(source)))
    return list(map(source.__getitem__, map(slice, [0, *ends], [*ends, len(source)])))


def _cut_like(source: str, last: list[str]) -> list[str]:
    """:func:`_cut` of *source*, scanning only what it does not share with *last* (the
    pieces of the text read before it, most often the previous version of the same draft):
    the pieces it shares at its start and end are *last*'s own strings.

    Whether a chunk starts at offset *p* (:data:`_CHUNK_START`) depends on the text from
    *p* - 2 on only, up to the first newline at or after *p* (every branch of the lookahead
    stops at a newline), and the pattern's matches never overlap a possible one (a match
    ends before a character that is not a newline, so no match can start at its last
    character). So: the starts of *last*'s first pieces, those that *source* starts with
    and that end with a newline, are starts in *source*; past them, the regex runs from two
    characters before the end of the last of them; and once it finds a start two
    characters or more inside the part *source* shares at its end with *last*'s last
    pieces, every start from there on is one of *last*'s, moved by the difference of
    lengths. ``tests/test_chunks.py`` compares this with :func:`_cut` on edited texts."""
    if not last:
        return _cut(source)
    # The first pieces of *last* that *source* starts with, each ending with a newline.
    head = pos = 0
    starts = source.startswith
    for piece in last:
        if piece[-1:] != "\n" or not starts(piece, pos):
            break
        pos += len(piece)
        head += 1
    # The last pieces of *last* that *source* ends with, after those: from offset *shared*.
    shared = size = len(source)
    tail = len(last)
    ends = source.endswith
    while tail > head and ends(last[tail - 1], pos, shared):
        tail -= 1
        shared -= len(last[tail])
    # The pieces from the last shared first one (its end is checked by the scan) to where
    # *last*'s last ones are taken again: their starts, then their texts.
    first = max(head - 1, 0)
    cuts = [pos - len(last[first])] if head else [0]
    tail_starts: dict[int, int] = {}  # where each of the shared last pieces starts in *source*
    at = shared
    for index in range(tail, len(last)):
        tail_starts[at] = index
        at += len(last[index])
    resumed = len(last)
    stop = size
    for match in _CHUNK_START.finditer(source, max(pos - 2, 0)):
        cut = match.end()
        if cut - 2 >= shared and cut in tail_starts:
            resumed = tail_starts[cut]
            stop = cut
            break
        cuts.append(cut)
    middle = list(map(source.__getitem__, map(slice, cuts, [*cuts[1:], stop])))
    return [*last[:first], *middle, *last[resumed:]]


#: The pieces of the text read last, and the chunk each was parsed into (None: not parsed
#: alone, an open end before it swallowed it): the next text read is most often the next
#: version of the same draft, which shares most of them (see :func:`_looked_up`). Each is
#: the chunk as it was settled within that text when no piece was joined to another.
_LAST: tuple[list[str], list[_Chunk | None]] = ([], [])


def _looked_up(texts: list[str]) -> list[_Chunk | None]:
    """The cached chunk of each piece (None where there is none): those at the start and at
    the end of *texts* that equal the last text's pieces there are that text's, compared at
    C speed (a string comparison, where a cache lookup hashes the string); the others are
    looked up among the chunks met (:data:`_MET`), whatever definitions they were parsed
    with (:func:`_read` settles them)."""
    last_texts, last_found = _LAST
    head = list(map(eq, texts, last_texts))
    start = head.index(False) if False in head else len(head)
    tail = list(map(eq, reversed(texts[start:]), reversed(last_texts[start:])))
    end = len(texts) - (tail.index(False) if False in tail else len(tail))
    if start == end:
        return [*last_found[:start], *last_found[len(last_texts) - (len(texts) - end):]]
    return [*last_found[:start], *_MET.get_many(texts[start:end]),
            *last_found[len(last_texts) - (len(texts) - end):]]


def _joined(texts: list[str]) -> tuple[list[str], list[int], list[_Chunk], list[_Chunk | None]]:
    """Parse each piece (from the cache when seen before) with the text's definitions it
    mentions as :func:`_guessed` has them, joining a piece whose end is open with the next
    one until the joined chunk ends closed (or the text ends): the chunks' texts, first
    lines and parsed chunks, and each piece's chunk (for :data:`_LAST`). A piece an open
    end swallows is not parsed alone."""
    lines = list(accumulate(map(str.count, texts, repeat("\n")), initial=0))
    found = _looked_up(texts)
    # Pieces to look at in order: those not in the cache, and those whose end is open.
    todo = list(compress(range(len(found)), map(getattr, found, repeat("open_end"), repeat(True))))
    if not todo:
        lines.pop()
        return texts, lines, found, found  # type: ignore[return-value]  # none is missing
    definitions = _guessed(texts, found)
    # Pieces parsed in this text: a piece repeated is the same chunk. Without definitions, the
    # new pieces that are plain or cached are read first, at once (:func:`_plain_at_once`).
    new = [] if definitions.labels else [i for i in todo if found[i] is None]
    at_once, fresh = _plain_at_once(list(map(texts.__getitem__, new)))
    if at_once and len(new) == len(todo):
        read = _read_at_once(texts, lines, found, new, at_once, fresh)
        if read is not None:
            return read
    here = dict(at_once)
    out_texts: list[str] = []
    out_lines: list[int] = []
    out: list[_Chunk] = []
    k = 0
    for i in todo:
        if i < k:
            continue  # swallowed by an open end before it
        out_texts += texts[k:i]
        out_lines += lines[k:i]
        out += found[k:i]  # type: ignore[arg-type]
        first = i
        text = texts[i]
        chunk = found[i]
        if chunk is None:
            chunk = here.get(text)
            if chunk is None:
                chunk = here[text] = definitions.parsed(text)
            found[i] = chunk
        while chunk.open_end and i + 1 < len(texts):
            i += 1
            text += texts[i]
            chunk = definitions.parsed(text)
        out_texts.append(text)
        out_lines.append(lines[first])
        out.append(chunk)
        k = i + 1
    out_texts += texts[k:]
    out_lines += lines[k:-1]
    out += found[k:]  # type: ignore[arg-type]  # past the last piece to look at: all found
    if at_once:
        # Kept as :func:`_chunk` keeps what it gives: those read at once that the loop took (not
        # those an open end before them swallowed), the plain ones read there under their key.
        taken = [texts[i] for i in new if found[i] is not None and texts[i] in at_once]
        _keep(taken, [text for text in taken if text in fresh], here)
    return out_texts, out_lines, out, found


_OPEN_END = attrgetter("open_end")


def _read_at_once(texts: list[str], lines: list[int], found: list[_Chunk | None], new: list[int],
                  at_once: dict[str, _Chunk], fresh: set[str],
                  ) -> tuple[list[str], list[int], list[_Chunk], list[_Chunk | None]] | None:
    """What :func:`_joined` gives when every piece it looks at is *new* (none found has an
    open end) and was read at once (:func:`_plain_at_once`: *at_once*, *fresh*) with no
    open end: each piece is its own chunk, as its loop finds them a step a piece (the first
    version read of a draft, bench_diff's essays: every piece new and most of them plain).
    *found* gets the chunks; what the loop keeps is kept (:func:`_keep`). None when a new
    piece was not read at once or has an open end: the loop looks at the pieces then.
    ``tests/test_chunks.py`` compares this with the loop."""
    taken = list(map(texts.__getitem__, new))
    read = list(map(at_once.get, taken))
    if not all(read) or any(map(_OPEN_END, read)):  # (a chunk is true: no __len__ nor __bool__)
        return None
    for i, chunk in zip(new, read):
        found[i] = chunk
    _keep(taken, [text for text in taken if text in fresh], at_once)
    lines.pop()
    return texts, lines, found, found  # type: ignore[return-value]  # none is missing


def _plain_at_once(texts: list[str]) -> tuple[dict[str, _Chunk], set[str]]:
    """The chunks of the pieces *texts* that are in the cache parsed alone or are plain (one
    plain paragraph or heading: :func:`reviewtool.draft.plain_chunks.plain_blocks`), by text,
    and which of them were read here (not in the cache): what :meth:`_Definitions.parsed`
    gives each of them in a text without definitions (:func:`_chunk` with none: the cached
    chunk, else :func:`_parse_items`, which for a plain text is its plain chunk: a plain
    text holds no list item line to cut at), with the cache looked up at once (one lock,
    not one a piece). The other pieces are left to :meth:`_Definitions.parsed`. Nothing is
    kept here: :func:`_joined` keeps those its loop takes (:func:`_keep`); a piece an open
    end before it swallows is read alone for nothing (a plain reading costs little). The
    cache is not asked while it is empty (the first text a process reads)."""
    if not texts:
        return {}, set()
    keys = list(dict.fromkeys(texts))
    cached = _CHUNKS.get_many(list(zip(keys, repeat(None)))) if len(_CHUNKS) else repeat(None)
    found: dict[str, _Chunk] = {}
    fresh: set[str] = set()
    for text, chunk in zip(keys, cached):
        if chunk is None:
            chunk = _plain_chunk(text)
            if chunk is None:
                continue
            fresh.add(text)
        found[text] = chunk
    return found, fresh


def _keep(texts: list[str], fresh: list[str], chunks: dict[str, _Chunk]) -> None:
    """Keep the *chunks* of *texts* as :func:`_chunk` keeps a chunk it gives (the same entries,
    one lock a cache): those of *fresh* (just parsed alone) in :data:`_CHUNKS` too."""
    if fresh:
        fresh = [text for text in fresh if len(text) <= _MAX_CACHED_CHUNK]
        _CHUNKS.put_many(list(zip(fresh, repeat(None))), list(map(chunks.__getitem__, fresh)))
    texts = [text for text in texts if len(text) <= _MAX_CACHED_CHUNK]
    _MET.put_many(texts, list(map(chunks.__getitem__, texts)))


def _chunk(text: str, given: tuple[Definition, ...] | None, part: bool = False) -> _Chunk:
    """*text* parsed with the definitions *given* (those of the whole text that it mentions;
    None or none: alone), from the cache when parsed before. A chunk parsed alone whose own
    definitions are those given (:attr:`_Chunk.seen`) is the same parse.

    *part*: *text* is a part of a chunk cut at its list items (:func:`_parsed_parts`), which
    is not cut again: no item line in it is a cut (its item lines of the least indentation
    after its first one were not chosen, or were not cuts at all: :func:`_item_cuts` is a
    function of the text, and finds the same in the part as in the chunk), so
    :func:`_parse_items` would parse it whole (the same chunk, cached alike), after looking
    at every item line."""
    key = (text, given or None)
    found = _CHUNKS.get(key)
    if found is None:
        if given:
            alone = _CHUNKS.get((text, None))
            if alone is not None and alone.seen == given:
                return alone
        found = (_parse_chunk if part else _parse_items)(text, given or None)
        if len(text) <= _MAX_CACHED_CHUNK:
            _CHUNKS.put(key, found)
    if len(text) <= _MAX_CACHED_CHUNK:
        _MET.put(text, found)
    return found


def _parse_chunk(text: str, given: tuple[Definition, ...] | None) -> _Chunk:
    """Parse *text* alone; with the definitions *given*, as if they were defined elsewhere in
    the text (before it: a definition of their labels in *text* does not win). One plain
    paragraph or heading is read without markdown-it (:mod:`reviewtool.draft.plain_chunks`:
    the same chunk, with no markup, definition, open end, head or tail), and so are link
    reference definitions after at most a plain heading (:mod:`reviewtool.draft.definition_chunks`:
    the heading's block, its definitions; given definitions too) and a plain list of links
    (:mod:`reviewtool.draft.link_chunks`: its links and markers, head and tail; given
    definitions too: it defines none of its own). A simple tight bullet list, and a paragraph
    or heading that holds inline markup, have their block tokens built without markdown-it's
    block parser (:mod:`reviewtool.draft.list_chunks`, :mod:`reviewtool.draft.inline_chunks`),
    and markdown-it's rules after it (the inline parse) run on them."""
    if not given:
        chunk = _plain_chunk(text)
        if chunk is not None:
            return chunk
    if "]:" in text:
        defined = definition_chunk(text, given)
        if defined is not None:
            blocks, own, seen = defined
            return _Chunk(blocks, own, False, tuple(sorted(own)), NO_FEATURES, seen)
    links = link_list(text, given)
    if links is not None:
        block, features, head, tail = links
        return _Chunk((block,), {}, False, (), features, tuple(sorted(given)) if given else (), head, tail)
    listed = list_tokens(text) or inline_tokens(text)
    return _markdown_it_chunk(text, given) if listed is None else _tokens_chunk(text, given, listed)


def _plain_chunk(text: str) -> _Chunk | None:
    """The chunk of *text* when it is one plain paragraph or heading (then empty lines), or
    empty lines only, read without markdown-it (:func:`reviewtool.draft.plain_chunks.plain_blocks`);
    else None."""
    blocks = plain_blocks(text)
    return None if blocks is None else _Chunk(blocks, {}, False, (), NO_FEATURES, ())


def _markdown_it_chunk(text: str, given: tuple[Definition, ...] | None) -> _Chunk:
    """:func:`_parse_chunk` by markdown-it, whatever the text (what the fast paths are checked against)."""
    return _tokens_chunk(text, given, None)


def _tokens_chunk(text: str, given: tuple[Definition, ...] | None, block_tokens: list[Token] | None) -> _Chunk:
    """*text* parsed by markdown-it with the definitions *given* (see :func:`_parse_chunk`);
    *block_tokens*: its block tokens, built without markdown-it's block parser
    (:mod:`reviewtool.draft.list_chunks`), which go through markdown-it's rules after that one
    (None: markdown-it parses the whole text)."""
    if given:
        env: dict[str, Any] = {"references": {label: {"title": title, "href": href, "map": None}
                                              for label, href, title in given}}
    else:
        env = {}
    tokens = markdown().parse(text, env) if block_tokens is None else parse_inline(text, block_tokens, env)
    own: dict[str, Any] = env.get("references", {})
    if given:
        given_labels = {label for label, _, _ in given}
        own = {label: ref for label, ref in own.items() if label not in given_labels}
        seen = tuple(sorted([*given, *map(_definition, own, own.values())]))
        for ref in env.get("duplicate_refs", ()):  # its own definitions of labels it was given
            if ref["label"] in given_labels and ref["label"] not in own:
                own[ref["label"]] = {"title": ref["title"], "href": ref["href"], "map": ref["map"]}
    else:
        seen = tuple(sorted(map(_definition, own, own.values())))
    blocks = tuple(blocks_of(tokens))
    lines = _line_count(text)
    return _Chunk(blocks, own, _open_end(tokens, lines), tuple(sorted(own)), features_of(tokens), seen,
                  _head(text, tokens, blocks), _tail(text, tokens, blocks, lines))


def _line_count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _open_end(tokens: list[Token], lines: int) -> bool:
    """Whether the last top-level block is a fence or HTML block running to the chunk's end
    that the next line could continue (see the module docstring)."""
    for tok in reversed(tokens):
        if tok.level != 0 or tok.map is None:
            continue
        if tok.map[1] < lines:
            return False
        if tok.type == "fence":
            closed = tok.map[1] - tok.map[0] == tok.content.count("\n") + 2
            return not closed
        return tok.type == "html_block"
    return False


#: A list is cut at one in this many of its items, on average (:func:`_item_cuts`): each part
#: is a parse, and markdown-it's cost per parse would outweigh a part of one short line.
ITEM_GROUP = 8
#: A line that starts a list item (at most three spaces, a marker, a space or tab, then text),
#: after the newline before it: groups 1, 2: the indentation and the marker.
_ITEM_LINE = re.compile(r"\n( {0,3})([-*+]|\d{1,9}[.)])[ \t]+\S[^\n]*")
#: :data:`_ITEM_LINE` at a text's start.
_FIRST_ITEM_LINE = re.compile(_ITEM_LINE.pattern[2:])
#: What a list can hold that runs past its item lines (a fence, an HTML block): a text with
#: any of it is not cut at its items (a cut there would not hold, and trying costs a parse):
#: three backticks or tildes, or a line ``^[ \t>*+\-.)\d]*<`` (the multiline pattern is the
#: reference in ``tests/test_fast_paths_chunk_scans.py``). Its HTML line at the text's start,
#: and after a newline (see :data:`_QUOTE_LINE`):
_FIRST_HTML_LINE = re.compile(r"[ \t>*+\-.)\d]*<")
_HTML_LINE = re.compile(r"\n[ \t>*+\-.)\d]*<")


def _runs_on(text: str) -> bool:
    """Whether *text* holds what a list can hold that runs past its item lines: a fence's
    run of backticks or tildes, or a line that starts with ``<`` after container markers;
    each looked for only when its characters are there."""
    return "```" in text or "~~~" in text or ("<" in text and (_FIRST_HTML_LINE.match(text) is not None
                                                              or _HTML_LINE.search(text) is not None))


def _item_key(indent: str, marker: str) -> str:
    """What two item lines must share to be items of one list cut apart: the indentation and
    the bullet, or the delimiter of a number (``1.``, ``1)``)."""
    return indent + (f"1{marker[-1]}" if marker[-1] in ".)" else marker)


def _item_cuts(text: str) -> tuple[list[int], list[int]]:
    """Where *text* may be cut at a list item: an item line of the least indentation among
    the text's item lines, after an item line of the same indentation and marker
    (:func:`_item_key`) with no empty line between them (the lines between: that item's
    own, continuing its paragraph or nesting deeper). Returns those chosen as cuts, one in
    :data:`ITEM_GROUP` of them on average, chosen by the line's own text (its CRC), so that
    an item added or removed moves no other cut: the list's parts stay the same chunks; and
    every one of them (:func:`_finer` cuts the parts not met before at those). Whether a cut
    holds is checked on the parsed parts (:func:`_parse_items`).

    The first item line, too, when it is of that least indentation and comes after an empty
    line (a chunk that starts with a paragraph or a heading, then a list): the list, a list
    of links most often, is then read apart from what is before it (:func:`_fresh_list`)."""
    lines = _item_lines(text)
    if len(lines) < 2:
        return [], []
    # Item lines indented more than others are most likely sub-items (a cut there never holds).
    indent = min(m.end(1) - m.start(1) for m in lines)
    cuts: list[int] = []
    every: list[int] = []
    previous_end = -1
    previous_key = ""
    empty_line = _EMPTY_LINE.search
    for m in lines:
        start, after = m.span(1)
        if after - start != indent:
            continue
        key = m.group(2)  # with the indentation, the same for all: :func:`_item_key`
        if key[-1] in ".)":
            key = key[-1]
        end = m.end()  # the line's end (its newline, or the text's end)
        if previous_end >= 0 and key == previous_key and (
                start == previous_end + 1 or empty_line(text, previous_end, start) is None):
            every.append(start)
            if zlib.crc32(text[start:end].encode()) % ITEM_GROUP == 0:
                cuts.append(start)
        previous_key = key
        previous_end = end
    lead = lines[0].start(1)
    if lead and lines[0].end(1) - lead == indent and _after_empty_line(text, lead):
        # The list's first item after an empty line, before it no item line: a cut that
        # holds when the part before it ends with a paragraph or a heading (_fresh_list).
        cuts.insert(0, lead)
        every.insert(0, lead)
    return cuts, every


def _after_empty_line(text: str, start: int) -> bool:
    """Whether the line that starts at *start* (> 0) comes right after an empty line (only
    spaces and tabs)."""
    if text[start - 1] != "\n" or start < 2:
        return False
    before = text.rfind("\n", 0, start - 1)
    return not text[before + 1 : start - 1].strip(" \t")


def _item_lines(text: str) -> list[re.Match[str]]:
    """The item lines of *text* (:data:`_ITEM_LINE`; group 1 starts where the line does):
    found after a newline, a literal the regex engine finds at C speed, where an anchored
    ``^`` would be tried at every character; the first line is tried on its own."""
    first = _FIRST_ITEM_LINE.match(text)
    lines = list(_ITEM_LINE.finditer(text))
    return lines if first is None else [first, *lines]


def _finer(text: str, cuts: list[int], every: list[int]) -> list[int]:
    """*cuts* and, inside each part between them that was not met before while another part
    was (a list met before, edited there), every item line that may be a cut (*every*, see
    :func:`_item_cuts`): an edit of one item then parses that item, and the next edit near it
    the items it touches, not the part of :data:`ITEM_GROUP` items around it. Empty when no
    part is met or all are (nothing finer to gain). Whether the cuts hold is checked as for
    any (:func:`_parse_items`)."""
    starts = [0, *cuts, len(text)]
    met = _MET.get_many(list(map(text.__getitem__, map(slice, starts, starts[1:]))))
    if None not in met or all(chunk is None for chunk in met):
        return []
    finer: list[int] = []
    at = 0
    size = len(every)
    for k, chunk in enumerate(met):
        if k:
            finer.append(starts[k])
        end = starts[k + 1]
        while at < size and every[at] <= starts[k]:
            at += 1
        if chunk is None:
            while at < size and every[at] < end:
                finer.append(every[at])
                at += 1
    return finer


#: An empty line (only spaces and tabs), found from the end of a line (its newline).
_EMPTY_LINE = re.compile(r"\n[ \t]*\n")


def _parse_items(text: str, given: tuple[Definition, ...] | None) -> _Chunk:
    """*text* parsed as :func:`_parse_chunk` does, cut into its list items where a list's
    items end with a paragraph (a long list of links changes an item at a time, and each
    item is then parsed once, like a paragraph; so do the steps of a process).

    A cut before item line *i* holds when the part before it ends with a top-level list
    whose last item ends with a paragraph running to line *i - 1*, directly or as the last
    item of lists nested in it, with only lists and list items around that paragraph
    (:attr:`_Chunk.tail`), and the part from *i* starts with a list item of the same
    indentation and marker (:attr:`_Chunk.head`): then one parse of the whole text is in
    that paragraph at line *i*. The item line's indentation (at most three spaces, that of
    the list's items) is less than the content of any item, so it ends the paragraph (an
    item line less indented than the paragraph's container ends it, whatever its marker:
    only one at least as indented may fail to, a number other than 1 or an empty item; a
    block quote, inside which that indentation starts again from 0, is not let through),
    and every nested list and item (they go on only on lines indented as their content);
    and the list goes on with an item that is parsed as the part parsed alone parses it.
    A cut before the first item line of a list that follows an empty line (:func:`_item_cuts`)
    holds when the part before ends with a paragraph or a heading (:func:`_fresh_list`): the
    list then starts there, in one parse as in the part alone, and is a block of its own.
    The two lists are then one (:func:`reviewtool.draft.blocks.joined_list`; nothing of a
    block depends on whether the list is tight). When any cut does not hold, the text is
    cut again at the chosen cuts only (when :func:`_finer` added cuts), and parsed whole when
    one of those does not hold either. Definitions are global: each part is parsed with those *given* that it
    mentions, then settled (:func:`_settled`) with those and the parts' own (the first one
    of a label winning), as one parse of *text* with *given* sees them."""
    cuts, every = _item_cuts(text) if "\r" not in text else ([], [])
    if not cuts or _runs_on(text):
        return _parse_chunk(text, given)
    finer = _finer(text, cuts, every) if len(every) > len(cuts) else []
    found = _parsed_parts(text, given, finer) if finer else None
    if found is None:
        found = _parsed_parts(text, given, cuts)
        if found is None:
            return _parse_chunk(text, given)
    _meet_list(text, cuts[0], found._parts)  # the first cut of either set: finer's holds cuts'
    return found


def _meet_list(text: str, cut: int, parts: tuple[tuple[int, _Chunk], ...]) -> None:
    """Keep among the chunks met (:data:`_MET`) the list that *text*, cut into *parts*, holds
    from its first *cut* when that cut is before the list's first item (the part before it
    ends with no list: :func:`_fresh_list`): that list's text parsed alone is its parts from
    the second on, when each of them was parsed alone (no definitions seen). The markup check
    reads a section's changed blocks alone (a heading's body: the list of links without the
    heading and its definition), and finds the list met. Each cut between those parts holds
    in that text as in *text* (it is checked on the parts beside it and the lines around it),
    so they are one parse of it."""
    rest = parts[1:]
    if len(rest) < 2 or parts[0][1].tail is not None or any(chunk.seen for _, chunk in rest):
        return  # no list cut from what is before it, or one part (met by its own text already)
    first = rest[0][0]
    if len(text) - cut <= _MAX_CACHED_CHUNK:
        _MET.put(text[cut:], _Chunk(None, {}, rest[-1][1].open_end, (), None, (),
                                    _parts=tuple((line - first, chunk) for line, chunk in rest)))


def _parsed_parts(text: str, given: tuple[Definition, ...] | None, cuts: list[int]) -> _Chunk | None:
    """:func:`_parse_items` of *text* cut at *cuts*; None when a cut does not hold.

    Without definitions *given*, the parts parsed before are looked up at once (most parts
    of a list met before are; one lookup of each, as :func:`_chunk` would make), and only the
    others are parsed, in order, up to the first cut that does not hold. A part is parsed with
    the definitions *given* and those of the parts before it that it mentions (a heading's
    definition in the part before a list: the list is parsed once, as it is settled)."""
    starts = [0, *cuts, len(text)]
    texts = list(map(text.__getitem__, map(slice, starts, starts[1:])))
    lines = list(accumulate(map(str.count, texts, repeat("\n")), initial=0))
    lines.pop()
    chunks: list[_Chunk] = []
    definitions = _Definitions(dict(zip([d[0] for d in given], given))) if given else None
    found: list[_Chunk | None] | None = None
    if definitions is None:
        found = _CHUNKS.get_many(list(zip(texts, repeat(None))))
        met = [(part, chunk) for part, chunk in zip(texts, found) if chunk is not None]
        if met:
            _MET.put_many(*zip(*met))
    tail: tuple[str, int, int] | None = None
    known = dict(zip([d[0] for d in given], given)) if given else {}
    for k, part in enumerate(texts):
        alone = None if found is None else found[k]
        if definitions is None:
            chunk = alone or _chunk(part, None, True)
        elif alone is not None and not definitions.mentioned(part, alone):
            chunk = alone  # it mentions none of the definitions of the parts before it
        else:
            chunk = definitions.parsed(part, True)
        if chunk.labels:  # its definitions, for the parts after it (a label's first one winning)
            size = len(known)
            for label, ref in chunk.references.items():
                known.setdefault(label, _definition(label, ref))
            if len(known) > size:
                definitions = _Definitions(known.copy())
        if k and (chunk.head is None or (tail[0] != chunk.head[0] if tail is not None
                                         else not _fresh_list(text, starts[k], chunks[-1]))):
            return None
        chunks.append(chunk)
        tail = chunk.tail
    own = _references(chunks)  # the parts' definitions, the first one of a label winning, as in one parse
    seen = dict(zip([d[0] for d in given], given)) if given else {}
    for label, ref in own.items():
        if label not in seen:
            seen[label] = _definition(label, ref)
    if seen:  # a part may use a label another part defines
        chunks = _settled(texts, chunks, _Definitions(seen))
    return _Chunk(None, own, chunks[-1].open_end, tuple(sorted(own)), None, tuple(sorted(seen.values())),
                  _parts=tuple(zip(lines, chunks)))


def _joined_blocks(parts: tuple[tuple[int, _Chunk], ...]) -> tuple[Block, ...]:
    """The blocks of a chunk cut at its list items (:func:`_parsed_parts`), from its *parts*
    (first line, chunk): each list that runs from one part into the next is one block
    (:func:`reviewtool.draft.blocks.joined_list`)."""
    blocks: list[Block] = []
    run: list[tuple[Block, int, int]] = []  # the parts of the list that goes on into the next part
    last = len(parts) - 1
    for k, (line, chunk) in enumerate(parts):
        moved = chunk.at(line)
        if run:
            assert chunk.head is not None
            run.append((moved[0], chunk.head[1], chunk.head[2]))
            if len(moved) == 1 and k < last and chunk.tail is not None:
                continue  # one list item: the list goes on into the next part
            blocks.append(joined_list(run))
            run = []
            moved = moved[1:]
        if k < last and chunk.tail is not None:
            blocks.extend(moved[:-1])
            run = [(moved[-1], chunk.tail[1], chunk.tail[2])]
        else:
            blocks.extend(moved)  # a list that starts in the next part starts afresh (_fresh_list)
    return tuple(blocks)


def _fresh_list(text: str, cut: int, before: _Chunk) -> bool:
    """Whether a cut of *text* at *cut* holds where the part before it (*before*) ends with
    no list to go on, and the part from it starts with a list (checked by the caller): the
    line at *cut* comes after an empty line, and *before* ends with a paragraph or a heading
    (or has no block: definitions only) and no open end. Then one parse of *text* has no block
    open at that empty line (a paragraph ends at it, a heading at its line; no list or block
    quote is open, a list item or a quote being the last block if it were; a definition does
    not run past an empty line; a fence or an HTML block would be an open end, or the last
    block), and the list item line starts a list there, as it does at a part's start."""
    if before.open_end or not _after_empty_line(text, cut):
        return False
    blocks = before.blocks
    return not blocks or blocks[-1].kind in ("heading", "paragraph")


_LIST_OPEN = ("bullet_list_open", "ordered_list_open")


def _line_key(text: str, line: int, marker: str) -> str:
    """The :func:`_item_key` of the item starting at 0-based *line* of *text*."""
    start = 0
    for _ in range(line):
        start = text.index("\n", start) + 1
    indent = len(text) - start - len(text[start:].lstrip(" "))
    return _item_key(text[start : start + indent], marker)


def _words(block: Block, tokens: list[Token]) -> tuple[int, int]:
    """A list block's words before its role moved them."""
    if block.role == "list":
        return block.prose_words, block.other_words  # nothing moved
    return list_words(tokens)


def _head(text: str, tokens: list[Token], blocks: tuple[Block, ...]) -> tuple[str, int, int] | None:
    if not tokens or tokens[0].type not in _LIST_OPEN or tokens[0].map is None or tokens[0].map[0] != 0:
        return None
    end = 1
    while end < len(tokens) and tokens[end].level:
        end += 1
    prose, other = _words(blocks[0], tokens[: end + 1])
    return _line_key(text, 0, _marker(tokens[0], tokens[1])), prose, other


def _marker(list_open: Token, item_open: Token) -> str:
    """The marker :func:`_item_key` takes: the bullet, or a number's delimiter after a digit."""
    return f"1{item_open.markup}" if list_open.type == "ordered_list_open" else item_open.markup


def _tail(text: str, tokens: list[Token], blocks: tuple[Block, ...], lines: int) -> tuple[str, int, int] | None:
    """When the text ends with a top-level list whose last item ends with a paragraph
    running to the text's last line, directly or as the last item of lists nested in it
    (list items and lists only around it: see :func:`_parse_items`): the list's key (of its
    last item), its prose and other words."""
    n = len(tokens)
    if n < 7 or not text.endswith("\n") or tokens[-1].level or tokens[-1].type not in (
            "bullet_list_close", "ordered_list_close"):
        return None
    k = n - 2  # a list item's close, then either a nested list's close or the paragraph's
    while k > 4 and tokens[k].type == "list_item_close" \
            and tokens[k - 1].type in ("bullet_list_close", "ordered_list_close"):
        k -= 2
    if k < 4 or tokens[k].type != "list_item_close" or tokens[k - 1].type != "paragraph_close":
        return None
    paragraph = tokens[k - 3]
    if paragraph.type != "paragraph_open" or paragraph.map is None or paragraph.map[1] != lines:
        return None
    start = n - 2
    while tokens[start].level:
        start -= 1  # the list's open token
    item = k - 4
    while tokens[item].type != "list_item_open" or tokens[item].level != 1:
        item -= 1  # the last item's open token
    item_map = tokens[item].map
    if item_map is None:
        return None
    prose, other = _words(blocks[-1], tokens[start:])
    return _line_key(text, item_map[0], _marker(tokens[start], tokens[item])), prose, other
