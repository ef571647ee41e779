"""The markup of Markdown a word diff cannot see, read from markdown-it's tokens.

Links and their targets, link reference definitions, emphasis, code spans, fences, list
markers and HTML tags: what :mod:`reviewtool.diff.markup` compares to name the markup
changes of a section pair. They are read from the same tokens as a chunk's blocks
(:mod:`reviewtool.draft.chunks` keeps them per chunk), so the diff does not parse a block
the document parse already parsed; :func:`features_of` reads them from any token list.

:class:`Features` is immutable: one chunk's features are shared by every text that
contains the chunk, and a text's features are its chunks' ones joined in order
(:func:`joined`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any, Protocol

from reviewtool.records import record

if TYPE_CHECKING:
    from markdown_it.token import Token

_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_EMPHASIS = {"em_open": "em", "strong_open": "strong", "s_open": "s"}
_EMPHASIS_CLOSE = {"em_close", "strong_close", "s_close"}


@record(frozen=True, slots=True)
class Features:
    """The markup of a Markdown text that a word diff cannot see."""

    links: tuple[tuple[str, str], ...] = ()  # (text, target), images too
    references: Mapping[str, str] = field(default_factory=dict)  # label -> target (first definition)
    emphasis: tuple[tuple[str, str], ...] = ()  # (kind, text)
    code: tuple[str, ...] = ()  # code span contents
    fences: tuple[tuple[str, str], ...] = ()  # (fence, info)
    list_markers: tuple[str, ...] = ()  # one per list item
    tags: tuple[str, ...] = ()  # HTML tag names, in order

    def with_references(self, references: Mapping[str, Any]) -> Features:
        """These features with the reference definitions *references* (markdown-it's env
        entries: label -> ``{"href": ...}``)."""
        refs = {label: str(ref.get("href", "")) for label, ref in references.items()}
        return Features(self.links, refs, self.emphasis, self.code, self.fences, self.list_markers, self.tags)


#: No markup at all.
NO_FEATURES = Features()

#: What any feature needs in the source (:func:`has_syntax`): inline syntax (links, images, emphasis, code,
#: HTML, entities; reference definitions and fences start with some of it too) or a line
#: starting with a list marker (after indentation or quote marks). Text without any of
#: it has no features, and is not parsed.
SYNTAX = re.compile(r"[\\`~*_\[<&]|^[ \t>]*(?:[-+]|\d{1,9}[.)])(?:[ \t]|$)", re.M)
#: :data:`SYNTAX` as searches that each run at C speed (one alternation tried at every
#: character was a quarter of the markup changes of bench_diff's plain prose): its inline
#: characters (each looked for by ``str.__contains__``, a memchr-like scan; a regex class
#: is tried at every character), and a list marker at the text's start or after a line break.
_LIST_MARKER_FIRST = re.compile(r"[ \t>]*(?:[-+]|\d{1,9}[.)])(?:[ \t]|$)", re.M)
_LIST_MARKER_LATER = re.compile(r"\n[ \t>]*(?:[-+]|\d{1,9}[.)])(?:[ \t]|$)", re.M)


def has_syntax(text: str) -> bool:
    """Whether :data:`SYNTAX` finds anything in *text*."""
    return "\\" in text or "`" in text or "~" in text or "*" in text or "_" in text or "[" in text \
        or "<" in text or "&" in text or _LIST_MARKER_FIRST.match(text) is not None \
        or _LIST_MARKER_LATER.search(text) is not None


def features_of(tokens: list[Token]) -> Features:
    """The features of a token list (reference definitions aside: they are in the parse's
    env, see :meth:`Features.with_references`)."""
    links: list[tuple[str, str]] = []
    emphasis: list[tuple[str, str]] = []
    code: list[str] = []
    fences: list[tuple[str, str]] = []
    markers: list[str] = []
    tags: list[str] = []
    for token in tokens:
        kind = token.type
        if kind == "inline":
            if token.children:
                inline_features(token.children, links, emphasis, code, tags)
        elif kind == "list_item_open":
            ordered = token.info != ""
            markers.append(f"1{token.markup}" if ordered else token.markup)
        elif kind == "fence":
            fences.append((token.markup[:1], token.info.strip()))
        elif kind == "html_block":
            tags.extend(m.group(1).lower() for m in _TAG.finditer(token.content))
    if not (links or emphasis or code or fences or markers or tags):
        return NO_FEATURES
    return Features(tuple(links), {}, tuple(emphasis), tuple(code), tuple(fences), tuple(markers), tuple(tags))


class InlineToken(Protocol):
    """What :func:`inline_features` reads of an inline token: markdown-it's, or one built
    without it (:mod:`reviewtool.draft.simple_features`)."""

    @property
    def type(self) -> str: ...

    @property
    def content(self) -> str: ...

    @property
    def attrs(self) -> Mapping[str, Any]: ...

    @property
    def children(self) -> Sequence[InlineToken] | None: ...


def inline_features(children: Sequence[InlineToken], links: list[tuple[str, str]],
                    emphasis: list[tuple[str, str]], code: list[str], tags: list[str]) -> None:
    """Add the links, emphasis, code spans and HTML tags of an inline token's *children*
    to the lists given, in order."""
    open_spans: list[tuple[str, list[str]]] = []  # (kind, collected text) of open links and emphasis
    for child in children:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            for _, parts in open_spans:
                parts.append(child.content)
            if kind == "code_inline":
                code.append(child.content)
        elif kind == "link_open":
            open_spans.append(("link:" + str(child.attrs.get("href", "")), []))
        elif kind in _EMPHASIS:
            open_spans.append((_EMPHASIS[kind], []))
        elif (kind == "link_close" or kind in _EMPHASIS_CLOSE) and open_spans:
            span, parts = open_spans.pop()
            text = " ".join("".join(parts).split())
            for _, outer in open_spans:
                outer.extend(parts)
            if span.startswith("link:"):
                links.append((text, span[5:]))
            else:
                emphasis.append((span, text))
        elif kind == "image":
            alt = "".join(c.content for c in child.children or [])
            links.append((alt, str(child.attrs.get("src", ""))))
        elif kind == "html_inline":
            tags.extend(m.group(1).lower() for m in _TAG.finditer(child.content))


def joined(parts: Iterable[Features]) -> Features:
    """The features of texts one after the other (reference definitions aside)."""
    present = [p for p in parts if p is not NO_FEATURES]
    if not present:
        return NO_FEATURES
    if len(present) == 1:
        return present[0]
    return Features(tuple(x for p in present for x in p.links), {},
                    tuple(x for p in present for x in p.emphasis), tuple(x for p in present for x in p.code),
                    tuple(x for p in present for x in p.fences), tuple(x for p in present for x in p.list_markers),
                    tuple(x for p in present for x in p.tags))
