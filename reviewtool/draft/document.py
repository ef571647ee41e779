"""The draft model: a Markdown essay parsed into a tree of sections.

Parsing uses markdown-it-py's block tokens and their line maps, never regular
expressions over Markdown, so a ``#`` inside a code fence is not a heading.

A document is cut into sections whose *own spans* tile the text exactly, in
document order: ``"".join(doc.text[s.start:s.end] for s in doc.sections) ==
doc.text`` always holds. Section kinds:

``frontmatter``
    The YAML front matter block (``---`` ... ``---``), with its parsed fields.
``preamble``
    Content before the first heading, when there is any.
``heading``
    An ATX or setext heading and the body up to the next section; headings
    nest by level.
``outline``
    A top-level item of an *outline list*: a list, at the end of a section's
    body, whose top-level items are all short title-like phrases, and that is
    neither metadata, nor a list of links, nor announced by the sentence before
    it (the one rule: :mod:`reviewtool.draft.outline_rules`). The item's nested
    bullets are its sub-points.

The rules are documented in ``docs/sections.md``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import field
from functools import cached_property
from itertools import accumulate
from operator import attrgetter
from typing import Any

from reviewtool.collector import LARGE_TEXT_CHARS, collector_paused
from reviewtool.draft.assembly import Shared, walk_sections
from reviewtool.draft.front_matter import load_fields
from reviewtool.draft.markdown import inline_plain as inline_plain  # re-exported: coverage reads it here
from reviewtool.draft.markdown import markdown

# Re-exported: the word rules live in text_rules; many modules know them from here.
from reviewtool.draft.text_rules import MAX_TITLE_WORDS as MAX_TITLE_WORDS
from reviewtool.draft.text_rules import WORD_PATTERN as WORD_PATTERN
from reviewtool.draft.text_rules import count_words as count_words
from reviewtool.draft.text_rules import is_title_like as is_title_like
from reviewtool.lru import LRU
from reviewtool.records import record

_NEWLINE = re.compile(r"\r\n?|\n")
_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_DASHES = re.compile(r"[\s-]+")


_BOM = "\ufeff"


def __getattr__(name: str) -> Any:
    """``document.MARKDOWN``: the shared parser (:func:`reviewtool.draft.markdown.markdown`), built on first use."""
    if name == "MARKDOWN":
        return markdown()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.lru_cache(maxsize=8192)
def slugify(title: str) -> str:
    """A GitHub-style slug: lowercase, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", title).lower().strip()
    # Keep letters, digits, "-" and "_" (``\w`` is ``str.isalnum`` or "_"); every
    # run of whitespace and hyphens becomes one hyphen.
    slug = _SLUG_DASHES.sub("-", _SLUG_DROP.sub("", text)).strip("-")
    return slug or "section"


@record
class SubPoint:
    """A nested bullet under an outline item."""

    text: str
    depth: int  # 1 = directly under the outline item
    line: int  # 0-based source line


@record
class Section:
    """One section of a document. Offsets are character offsets into ``Document.text``."""

    key: str
    title: str
    kind: str  # frontmatter | preamble | heading | outline
    level: int
    start: int  # own span start (inclusive)
    end: int  # own span end (exclusive)
    line_start: int  # 0-based, inclusive
    line_end: int  # 0-based, exclusive
    body_start: int  # where the body begins (after the heading line or bullet title)
    index: int = 0  # position in document order
    parent: str | None = None
    children: list[str] = field(default_factory=list)
    end_all: int = 0  # end of the span including descendants
    plain: str = ""  # plain text of the own body (no markup, no URLs)
    words: int = 0
    prose_words: int = 0
    outline_words: int = 0
    words_all: int = 0
    subpoints: list[SubPoint] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # front matter only

    @property
    def body_kind(self) -> str:
        """``outline`` for an outline bullet; else ``empty`` (no words), ``other`` (only
        quotes, code, tables, metadata or links) or ``prose``. One rule decides what is an
        outline (:mod:`reviewtool.draft.outline_rules`): a list it does not cut into outline
        sections is body text."""
        if self.kind == "outline":
            return "outline"
        if self.words == 0:
            return "empty"
        if self.prose_words == 0:
            return "other"
        return "prose"

    @cached_property
    def content_hash(self) -> str:
        """Hash of the normalised plain body: equal for whitespace-only differences."""
        norm = " ".join(self.plain.split()).lower()
        return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]

    @property
    def path(self) -> list[str]:
        return self.key.split("/")

    def to_dict(self, doc: Document, with_text: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "level": self.level,
            "parent": self.parent,
            "children": list(self.children),
            "body_kind": self.body_kind,
            "words": self.words,
            "words_with_children": self.words_all,
            "prose_words": self.prose_words,
            "outline_words": self.outline_words,
            "span": {
                "start": self.start,
                "end": self.end,
                "end_with_children": self.end_all,
                "line_start": self.line_start + 1,
                "line_end": self.line_end,
            },
        }
        if self.subpoints:
            data["subpoints"] = [{"text": p.text, "depth": p.depth, "line": p.line + 1} for p in self.subpoints]
        if self.kind == "frontmatter":
            data["fields"] = _jsonable(self.fields)
        if with_text:
            data["text"] = doc.text[self.start : self.end]
        return data


#: The ASCII whitespace ``str.split`` cuts at besides the space and the newline.
_OTHER_ASCII_SPACE = "\t\r\x0b\x0c\x1c\x1d\x1e\x1f"


def normalised_space(raw: str) -> str:
    """``" ".join(raw.split())``: every run of whitespace one space, none at either end.

    ASCII text whose only whitespace is spaces and newlines (most section bodies) is cut into
    lines instead of words: its non-empty lines joined by spaces hold each run of whitespace
    as one space at least (none where the run starts or ends the text), so when no two spaces
    stand together and none at either end, that is the answer. Anything else is split into
    words and joined (``tests/test_fast_paths_fingerprint.py`` compares both)."""
    if raw.isascii() and not any(map(raw.__contains__, _OTHER_ASCII_SPACE)):
        flat = " ".join(filter(None, raw.split("\n")))
        if "  " not in flat and not flat.startswith(" ") and not flat.endswith(" "):
            return flat
    return " ".join(raw.split())


def fingerprint_hash(fingerprint: str) -> str:
    """The hash :attr:`Document.fingerprint_hashes` holds for a section's fingerprint."""
    return hashlib.blake2b(fingerprint.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


#: :func:`fingerprint_hash` of an empty body.
EMPTY_FINGERPRINT = fingerprint_hash("")
#: Section source -> the hash of its fingerprint: versions of a draft share most sections.
_FINGERPRINTS: LRU[str, str] = LRU(8192)


#: A document's shape: each section's kind, level and title, in order.
Shape = tuple[tuple[str, int, str], ...]
_SHAPE = attrgetter("kind", "level", "title")
_WORDS = attrgetter("words")


class Outline:
    """What a document's sections' kinds, levels and titles (its :data:`Shape`) decide, and
    their keys: each section's key, its parent's index and its children (keys, indices), where
    its subtree ends (its descendants are the sections ``i + 1`` to ``subtree_end[i] - 1``), and
    for the aligner (:class:`reviewtool.diff.section_facts.DocumentFacts`) the index of each key,
    the normalised titles and whether each key is trusted. Shared by the documents of one shape
    (:func:`parse` keeps them by shape: most versions of a draft have the same headings), so
    read-only. A document not made by :func:`parse` has its own (:meth:`of_sections`)."""

    __slots__ = ("__dict__", "child_keys", "children", "keys", "parents", "shape", "subtree_end")

    def __init__(self, shape: Shape, keys: tuple[str, ...], parents: tuple[int | None, ...],
                 child_keys: tuple[tuple[str, ...], ...]) -> None:
        self.shape = shape
        self.keys = keys
        self.parents = parents
        self.child_keys = child_keys
        index = self.index
        self.children: tuple[tuple[int, ...], ...] = tuple(tuple(index[k] for k in kids) for kids in child_keys)
        subtree_end = list(range(1, len(keys) + 1))
        for i in range(len(keys) - 1, -1, -1):
            p = parents[i]
            if p is not None and subtree_end[i] > subtree_end[p]:
                subtree_end[p] = subtree_end[i]
        self.subtree_end = tuple(subtree_end)

    @classmethod
    def of_sections(cls, sections: Sequence[Section]) -> Outline:
        """The outline of *sections* as they are (their own keys, parents and children)."""
        index = {s.key: i for i, s in enumerate(sections)}
        return cls(tuple(map(_SHAPE, sections)), tuple(s.key for s in sections),
                   tuple(index.get(s.parent) if s.parent else None for s in sections),
                   tuple(tuple(s.children) for s in sections))

    @cached_property
    def index(self) -> dict[str, int]:
        """Each key's section index (the last, were a key repeated)."""
        return dict(zip(self.keys, range(len(self.keys))))

    @cached_property
    def titles(self) -> tuple[str, ...]:
        """Each title with its whitespace normalised (runs of it one space, none at the ends)."""
        return tuple(" ".join(title.split()) for _, _, title in self.shape)

    @cached_property
    def has_outline_child(self) -> tuple[bool, ...]:
        """Whether each section has an outline item among its children."""
        kinds = [kind for kind, _, _ in self.shape]
        return tuple(any(kinds[k] == "outline" for k in kids) for kids in self.children)

    @cached_property
    def trusted(self) -> tuple[bool, ...]:
        """Whether each section's key names it by its titles alone.

        A key is its title path only when no sibling shares its slug and it took no
        ``-1``, ``-2`` suffix, and its parent's key is trusted too. Otherwise the key
        says where the section stood among namesakes (the first ``## Copper`` is
        ``copper``, the second ``copper-1``), which changes when they are reordered,
        so it is no evidence of identity across versions.
        """
        keys, parents = self.keys, self.parents
        natural: list[str] = []
        for i, (kind, _, title) in enumerate(self.shape):
            if kind in ("frontmatter", "preamble"):
                natural.append(keys[i])
            else:
                p = parents[i]
                natural.append(f"{keys[p]}/{slugify(title)}" if p is not None else slugify(title))
        uses: dict[str, int] = {}
        for base in natural:
            uses[base] = uses.get(base, 0) + 1
        trusted: list[bool] = []
        for i, key in enumerate(keys):
            p = parents[i]
            trusted.append(key == natural[i] and uses[natural[i]] == 1 and (p is None or trusted[p]))
        return tuple(trusted)


#: Shapes met (:func:`_link`) and their outlines.
_OUTLINES: LRU[Shape, Outline] = LRU(64)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@record
class Document:
    """A parsed draft."""

    text: str
    sections: list[Section]
    problems: list[str]
    path: str | None = None

    @cached_property
    def outline(self) -> Outline:
        """The sections' keys and nesting (:class:`Outline`): the one of their shape for a
        document :func:`parse` made, else read from the sections."""
        return Outline.of_sections(self.sections)

    @cached_property
    def by_key(self) -> dict[str, Section]:
        return {s.key: s for s in self.sections}

    def section(self, key: str) -> Section:
        return self.by_key[key]

    def get(self, key: str) -> Section | None:
        return self.by_key.get(key)

    def children(self, section: Section) -> list[Section]:
        return [self.by_key[k] for k in section.children]

    def roots(self) -> list[Section]:
        """The top-level sections, in order (a list of the caller's own)."""
        return list(self._roots)

    @cached_property
    def _roots(self) -> tuple[Section, ...]:
        # Found once: a book's diff asks for them for each of its moved sections (91 sweeps of
        # 2,000 sections).
        return tuple(s for s in self.sections if s.parent is None)

    def walk(self) -> Iterator[Section]:
        return iter(self.sections)

    def own_text(self, section: Section) -> str:
        return self.text[section.start : section.end]

    def full_text(self, section: Section) -> str:
        """The section's source with its descendants."""
        return self.text[section.start : section.end_all]

    def body_text(self, section: Section) -> str:
        """The section's own source after its heading line (or bullet title)."""
        return self.text[section.body_start : section.end]

    @property
    def front_matter(self) -> dict[str, Any]:
        for s in self.sections:
            if s.kind == "frontmatter":
                return s.fields
        return {}

    @property
    def title(self) -> str:
        fm_title = self.front_matter.get("title")
        if isinstance(fm_title, str) and fm_title.strip():
            return fm_title.strip()
        for s in self.sections:
            if s.kind == "heading":
                return s.title
        return self.path or "untitled"

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sections if s.kind != "frontmatter")

    @property
    def content_sections(self) -> list[Section]:
        """Sections that are part of the essay (not the front matter)."""
        return [s for s in self.sections if s.kind != "frontmatter"]

    @property
    def prose_share(self) -> float:
        """Share of the sections with a written body that are prose rather than outline."""
        prose = outline = 0
        for s in self.content_sections:
            kind = s.body_kind
            if kind == "prose":
                prose += 1
            elif kind == "outline":
                outline += 1
        return prose / (prose + outline) if prose + outline else 0.0

    def fingerprint(self, section: Section) -> str:
        """Whitespace-normalised source of a section's own body (its title excluded): what
        two versions of a section must share to be the same. Markup and link targets count
        (a changed URL is an edit). The front matter uses its whole source."""
        raw = self.own_text(section) if section.kind == "frontmatter" else self.body_text(section)
        return normalised_space(raw)

    @cached_property
    def fingerprint_hashes(self) -> list[str]:
        """A hash of each section's :meth:`fingerprint`, in document order: sections compare
        by these first, so the unchanged ones cost nothing (kept in the persistent cache).
        A body met before (in another version) is not hashed again (:data:`_FINGERPRINTS`)."""
        text = self.text
        known: list[str | None] | None = self.__dict__.pop("_known_fingerprints", None)
        if known is not None:  # those of the sections taken from the document parsed before (parse)
            for i, found in enumerate(known):
                if found is None:
                    s = self.sections[i]
                    raw = text[s.start if s.kind == "frontmatter" else s.body_start : s.end]
                    known[i] = _FINGERPRINTS.get(raw) or _FINGERPRINTS.put(raw, fingerprint_hash(normalised_space(raw)))
            return known  # type: ignore[return-value]  # every None replaced
        raws = [text[s.start if s.kind == "frontmatter" else s.body_start : s.end] for s in self.sections]
        hashes = _FINGERPRINTS.get_many(raws)
        for i, found in enumerate(hashes):
            if found is None:
                hashes[i] = _FINGERPRINTS.put(raws[i], fingerprint_hash(normalised_space(raws[i])))
        return hashes  # type: ignore[return-value]  # every None replaced

    def rebuild(self) -> str:
        """Reassemble the text from the sections' own spans (always equals ``text``)."""
        return "".join(self.text[s.start : s.end] for s in self.sections)

    def stats(self) -> dict[str, Any]:
        """Words, sections, prose and outline sections, prose share (:attr:`prose_share`): the
        caller's own dict, counted once per document in one pass over its sections (``log``
        asks twice a version: for its row and for the cache entry)."""
        return dict(self._stats)

    @cached_property
    def _stats(self) -> dict[str, Any]:
        words = sections = prose = outline = 0
        for s in self.sections:
            if s.kind != "frontmatter":
                sections += 1
                words += s.words
                kind = s.body_kind
                if kind == "prose":
                    prose += 1
                elif kind == "outline":
                    outline += 1
        return {
            "words": words,
            "sections": sections,
            "prose_sections": prose,
            "outline_sections": outline,
            "prose_share": round(prose / (prose + outline) if prose + outline else 0.0, 4),
        }

    def to_dict(self, with_text: bool = False) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            **self.stats(),
            "problems": list(self.problems),
            "front_matter": _jsonable(self.front_matter),
            "sections": [s.to_dict(self, with_text=with_text) for s in self.sections],
        }


# ---------------------------------------------------------------------- parsing


class _Lines:
    """Line starts of a text, with markdown-it's notion of newlines (CRLF, CR, LF)."""

    def __init__(self, text: str) -> None:
        self.text = text
        if "\r" in text:
            starts = [0]
            for m in _NEWLINE.finditer(text):
                starts.append(m.end())
        else:
            # LF only: each line starts one past the end of the previous one.
            starts = [0, *accumulate(map((1).__add__, map(len, text.split("\n"))))]
            starts.pop()  # the start of the (nonexistent) line after the last one
        # A trailing newline does not start a new (empty) line for markdown-it.
        if len(starts) > 1 and starts[-1] == len(text):
            starts.pop()
        self.starts = starts

    @property
    def count(self) -> int:
        return len(self.starts) if self.text else 0

    def offset(self, line: int) -> int:
        if line >= len(self.starts):
            return len(self.text)
        return self.starts[line]

    def line(self, n: int) -> str:
        start = self.offset(n)
        end = self.offset(n + 1)
        return _NEWLINE.sub("", self.text[start:end])


def _front_matter(text: str, lines: _Lines) -> tuple[int, dict[str, Any], list[str]] | None:
    """Detect Jekyll front matter: returns (line count, fields, problems) or None."""
    if lines.count == 0 or lines.line(0).removeprefix(_BOM).rstrip() != "---":
        return None
    for n in range(1, lines.count):
        if lines.line(n).rstrip() in ("---", "..."):
            raw = text[lines.offset(1) : lines.offset(n)]
            fields, problems = load_fields(raw)
            return n + 1, fields, problems
    return 0, {}, ["front matter is not closed: no '---' line after the opening one"]


def _lf_front_matter(text: str) -> tuple[tuple[int, dict[str, Any], list[str]] | None, int]:
    """:func:`_front_matter` of a text whose lines end with LF alone, reading its first lines
    only (not the whole text's line starts), and the offset of the line after it."""
    end = text.find("\n")
    if (text if end < 0 else text[:end]).removeprefix(_BOM).rstrip() != "---":
        return None, 0
    start = end + 1
    n = 1
    while 0 < start < len(text):  # line n exists (a trailing newline starts no line)
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.rstrip() in ("---", "..."):
            fields, problems = load_fields(text[text.index("\n") + 1 : start])
            return (n + 1, fields, problems), len(text) if end < 0 else end + 1
        start = end + 1
        n += 1
    return (0, {}, ["front matter is not closed: no '---' line after the opening one"]), 0


def parse(text: str, path: str | None = None) -> Document:
    """Parse Markdown *text* into a :class:`Document`. Never raises on content.

    Linear in the size of the text (one markdown-it pass plus sweeps over its
    blocks), so large drafts stay fast. A leading byte order mark is ignored
    for parsing but kept in ``text`` (the spans still tile it).
    """
    if len(text) <= LARGE_TEXT_CHARS:
        return _parse(text, path)  # (no context manager: a draft's versions are parsed one after another)
    with collector_paused(settle=True):  # (what it built lives on: no young collection over it after)
        return _parse(text, path)


def _parse(text: str, path: str | None) -> Document:
    problems: list[str] = []
    fm_lines = 0
    fm_fields: dict[str, Any] = {}
    fm: tuple[int, dict[str, Any], list[str]] | None = None
    md_source = text.removeprefix(_BOM)  # no newline in a BOM: line numbers unchanged
    if "\r" in text:
        lines = _Lines(text)
        count = lines.count
        fm = _front_matter(text, lines)
        fm_end = lines.offset(fm[0]) if fm is not None else 0
    else:
        count = text.count("\n") + (0 if text.endswith("\n") else 1) if text else 0
        if text.startswith(("---", _BOM + "---")):  # else no front matter (see _front_matter)
            fm, fm_end = _lf_front_matter(text)
    if fm is not None:
        fm_lines, fm_fields, fm_problems = fm
        problems.extend(fm_problems)
        if fm_lines:
            # Blank the front matter for markdown-it so its line numbers stay valid.
            md_source = "\n" * fm_lines + text[fm_end:]
    raw, shared = walk_sections(md_source, fm_lines, count)
    if not raw and text:
        # Only blank lines or link reference definitions: one empty preamble.
        raw.append((0, "preamble", 0, "Preamble", 0, 0, None, 0, 0, ""))
    # Offsets in the text: the parsed source differs from it by its first lines only (a
    # byte order mark in line 0, or the front matter's lines blanked), where no section
    # starts but at line 0, and no body (the front matter's starts after its lines).
    delta = len(text) - len(md_source)
    starts = [r[4] + delta if r[0] else 0 for r in raw]
    starts[0:1] = [0]

    sections: list[Section] = []
    ends = [*starts[1:], len(text)]
    line_ends = [r[0] for r in raw[1:]]
    line_ends.append(count)
    for i, (line, kind, level, title, _, body, subpoints, prose, words, plain) in enumerate(raw):
        start = starts[i]
        end = ends[i]
        if kind == "outline":
            body_start = min(end, body + delta)
        elif kind == "preamble":
            body_start = start
        else:
            body_start = min(end, max(start, body + delta))
        if subpoints is None:
            sections.append(Section("", title, kind, level, start, end, line if i else 0, line_ends[i], body_start, i,
                                    None, [], 0, plain, words, prose, 0, 0, [],
                                    fm_fields if kind == "frontmatter" else {}))
        else:
            # An outline item's words are its title and its sub-points.
            points = [SubPoint(*p) for p in subpoints]
            words = count_words(title) + sum(count_words(p.text) for p in points)
            sections.append(Section("", title, kind, level, start, end, line if i else 0, line_ends[i], body_start, i,
                                    None, [], 0, "\n".join(p for p in [title, *(p.text for p in points)] if p),
                                    words, 0, words, 0, points, {}))
    outline = _link(sections)
    doc = Document(text=text, sections=sections, problems=problems, path=path)
    doc.__dict__["outline"] = outline
    _take_fingerprints(doc, shared)
    return doc


#: The number of the walk (:func:`reviewtool.draft.assembly.walk_sections`) of the document
#: parsed last, and that document (held weakly: a document is freed when its reader drops it).
_LAST_PARSED: tuple[int, weakref.ref[Document]] | None = None


def _take_fingerprints(doc: Document, shared: Shared) -> None:
    """Give *doc* the fingerprint hashes of the sections it took from the document parsed
    before it (the same source: :func:`reviewtool.draft.assembly.walk_sections`) when that one
    has them; :attr:`Document.fingerprint_hashes` then hashes only the others. Never the first
    section (its own span starts at the text's start: a byte order mark one text has and the
    other not). Then *doc* is the document parsed last."""
    global _LAST_PARSED
    after, serial, same = shared
    last = _LAST_PARSED
    before = last[1]() if last is not None and after == last[0] and same else None
    if before is not None:
        hashes = before.__dict__.get("fingerprint_hashes")
        if hashes is not None:
            known: list[str | None] = [None] * len(doc.sections)
            for here, count, there in same:
                known[here : here + count] = hashes[there : there + count]
            known[0] = None
            doc.__dict__["_known_fingerprints"] = known
    _LAST_PARSED = serial, weakref.ref(doc)


def _link(sections: list[Section]) -> Outline:
    """Nest *sections* (in document order), give them their keys, their children, their
    spans and words with their children; their :class:`Outline`.

    The keys, parents and children depend on the sections' kinds, levels and titles alone
    (:func:`_nest`), which most versions of a draft share: they are kept by that shape
    (:data:`_OUTLINES`). The span and the words with children are read from where each
    subtree ends (descendants follow their section, and the own spans tile the text)."""
    shape = tuple(map(_SHAPE, sections))
    outline = _OUTLINES.get(shape)
    if outline is None:
        keys, parents = _nest(shape)
        outline = _OUTLINES.put(shape, Outline(shape, keys, parents, _children(keys, parents)))
    keys = outline.keys
    for sec, key, p, kids in zip(sections, keys, outline.parents, outline.child_keys):
        sec.key = key
        if p is not None:
            sec.parent = keys[p]
        if kids:
            sec.children = list(kids)
    if sections:
        words = list(accumulate(map(_WORDS, sections), initial=0))
        for i, (sec, end) in enumerate(zip(sections, outline.subtree_end)):
            sec.end_all = sections[end - 1].end
            sec.words_all = words[end] - words[i]
    return outline


def _nest(shape: Shape) -> tuple[tuple[str, ...], tuple[int | None, ...]]:
    """The keys of the sections of *shape* (in document order) and their parents' indices.

    Nesting by level. Front matter and preamble are roots; the preamble holds only the
    outline items of its own list; an outline item never holds a heading (its list ends
    its owner's body, so a following heading of any level belongs to the heading tree, not
    to the last bullet). Keys: slug paths, unique within the document (a repeated title
    gets -1, -2...; a parent's key is made before its children's)."""
    parents: list[int | None] = [None] * len(shape)
    keys: list[str] = []
    stack: list[int] = []
    used: set[str] = set()
    next_suffix: dict[str, int] = {}  # per base met twice: the next suffix to try (keeps this linear)
    for i, (kind, level, title) in enumerate(shape):
        if kind == "frontmatter" or kind == "preamble":
            stack = [i] if kind == "preamble" else []
            key = "front-matter" if kind == "frontmatter" else "preamble"
        else:
            if kind == "heading":
                while stack and shape[stack[-1]][0] in ("outline", "preamble"):
                    stack.pop()
            while stack and shape[stack[-1]][1] >= level:
                stack.pop()
            if stack:
                parents[i] = stack[-1]
                key = f"{keys[stack[-1]]}/{slugify(title)}"
            else:
                key = slugify(title)
            stack.append(i)
        if key in used:
            base = key
            n = next_suffix.get(base, 1)
            while key in used:
                key = f"{base}-{n}"
                n += 1
            next_suffix[base] = n
        used.add(key)
        keys.append(key)
    return tuple(keys), tuple(parents)


def _children(keys: Sequence[str], parents: Sequence[int | None]) -> tuple[tuple[str, ...], ...]:
    """Each section's children's keys, in order, from the parents' indices."""
    children: list[list[str]] = [[] for _ in keys]
    for key, p in zip(keys, parents):
        if p is not None:
            children[p].append(key)
    return tuple(map(tuple, children))
