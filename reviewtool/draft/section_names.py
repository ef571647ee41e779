"""Naming a section as a person would: by key path, by the end of its key, or by its title.

:func:`find_section` is the one place where a name given by the user (``--section``
on the command line, a comment's section) becomes a section of a document. A name
is tried, in order, as:

1. the key path (``were-not-in-the-best-of-all-possible-worlds/introduction``);
2. a key suffix of whole ``/`` components (``introduction``, ``worlds/introduction``
   does not match: components are whole slugs);
3. the title, case-insensitive, whitespace collapsed (``"Processing files and data"``).

The first rule that matches decides. One match is the section; several are an
ambiguity (:class:`UsageError`, exit 2) that lists the candidates by key and title;
none is an error that suggests close titles. :func:`find_section_in` looks a name
up in several documents in turn (``diff A B``: at B, then at A).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from reviewtool.draft.document import Document, Section
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.textsafe import one_line

#: Candidates listed in an ambiguity error (the rest are counted).
_LISTED = 8


class SectionNotFound(ReviewtoolError):
    """No section of the document answers to the name."""


def _norm(title: str) -> str:
    return " ".join(one_line(title).split()).casefold()


def matches(doc: Document, name: str) -> list[Section]:
    """The sections *name* designates in *doc* under the first rule that matches (see the module)."""
    name = name.strip()
    key = name.strip("/")
    if not key:
        return []
    exact = doc.get(key)
    if exact is not None:
        return [exact]
    suffix = "/" + key
    by_suffix = [s for s in doc.sections if s.key.endswith(suffix)]
    if by_suffix:
        return by_suffix
    wanted = _norm(name)
    return [s for s in doc.sections if _norm(s.title) == wanted]


def _describe(s: Section) -> str:
    return f"{s.key} ({one_line(s.title)})"


def find_section(doc: Document, name: str, where: str) -> Section:
    """The section of *doc* that *name* designates; *where* names the version in errors.

    Raises :class:`UsageError` (exit 2) when several sections match, listing them, and
    :class:`SectionNotFound` when none does.
    """
    if not name.strip().strip("/"):
        raise UsageError("empty section name: give a key, the end of a key or a title")
    found = matches(doc, name)
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(_describe(s) for s in found[:_LISTED])
        more = f" and {len(found) - _LISTED} more" if len(found) > _LISTED else ""
        raise UsageError(f"section {name!r} is ambiguous at {where}: {len(found)} sections match: "
                         f"{listed}{more}; name one by its key")
    titles = {_norm(s.title): s for s in doc.sections}
    close = difflib.get_close_matches(_norm(name), list(titles), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(titles[t].key) for t in close)}?" if close else ""
    raise SectionNotFound(f"no section {name!r} at {where} (see `reviewtool sections`){hint}")


def find_section_in(docs: Sequence[tuple[Document, str]], name: str) -> Section:
    """The section *name* designates in the first of *docs* (``(document, where)`` pairs)
    that has one; an ambiguity in an earlier document is an error, not a reason to go on."""
    for doc, where in docs:
        if matches(doc, name):
            return find_section(doc, name, where)
    if not docs:
        raise SectionNotFound(f"no section {name!r}")
    # No match anywhere: the error of the first document (with its suggestions), naming all.
    return find_section(docs[0][0], name, " or ".join(where for _, where in docs))
