"""The plain parse of a draft, beside which the fast one is checked (tests/test_assembly.py).

This is :func:`reviewtool.draft.document.parse` as it was before the sections were assembled
from each chunk's facts (:mod:`reviewtool.draft.assembly`): it reads every block of the text
moved to its line (:func:`reviewtool.draft.chunks.read_blocks`, itself checked against one
markdown-it parse of the whole text in tests/test_chunks.py) and sweeps over them. Kept
verbatim but for its name and imports.
"""

from __future__ import annotations

import bisect
from typing import Any

from reviewtool.draft.chunks import read_blocks
from reviewtool.draft.document import _BOM, Document, Section, SubPoint, _front_matter, _Lines, count_words, slugify
from reviewtool.draft.outline_rules import outline_verdict


def plain_parse(text: str, path: str | None = None) -> Document:
    """The parse as it was before :mod:`reviewtool.draft.assembly`: every block of the text,
    moved to its line, then sections found by sweeps over the blocks."""
    lines = _Lines(text)
    problems: list[str] = []
    fm_lines = 0
    fm_fields: dict[str, Any] = {}
    fm = _front_matter(text, lines)
    if fm is not None:
        fm_lines, fm_fields, fm_problems = fm
        problems.extend(fm_problems)
    if fm_lines:
        # Blank the front matter for markdown-it so its line numbers stay valid.
        md_source = "\n" * fm_lines + text[lines.offset(fm_lines):]
    else:
        md_source = text.removeprefix(_BOM)  # no newline in a BOM: line numbers unchanged
    blocks = read_blocks(md_source)

    # Raw section starts, in line order: front matter, preamble, headings.
    raw: list[dict[str, Any]] = []
    if fm_lines:
        raw.append({"line": 0, "kind": "frontmatter", "level": 0, "title": "Front matter", "body_line": fm_lines})
    if blocks and blocks[0].kind != "heading":
        # Content before the first heading.
        raw.append({"line": fm_lines, "kind": "preamble", "level": 0, "title": "Preamble", "body_line": fm_lines})
    for block in blocks:
        if block.kind == "heading":
            raw.append({"line": block.line_start, "kind": "heading", "level": block.level,
                        "title": block.title, "body_line": block.line_end})
    if not raw and text:
        # Only blank lines or link reference definitions: one empty preamble.
        raw.append({"line": 0, "kind": "preamble", "level": 0, "title": "Preamble", "body_line": 0})

    # Outline lists at the end of a heading's (or the preamble's) body. One
    # sweep: the owners and the blocks are both in line order.
    owners = [r for r in raw if r["kind"] in ("heading", "preamble")]
    outline_raw: list[dict[str, Any]] = []
    cut: set[int] = set()  # indices of list blocks cut into outline sections
    bi = 0
    for j, owner in enumerate(owners):
        next_line = owners[j + 1]["line"] if j + 1 < len(owners) else lines.count
        body: list[int] = []
        while bi < len(blocks) and blocks[bi].line_start < next_line:
            if blocks[bi].kind != "heading" and blocks[bi].line_start >= owner["body_line"]:
                body.append(bi)
            bi += 1
        trailing: list[int] = []
        for b_index in reversed(body):
            if blocks[b_index].kind != "list":
                break
            trailing.insert(0, b_index)
        items = [it for b_index in trailing for it in blocks[b_index].items]
        if not items:
            continue
        before = body.index(trailing[0]) - 1
        lead = blocks[body[before]] if before >= 0 and blocks[body[before]].kind == "paragraph" else None
        attached = lead is not None and lead.line_end >= blocks[trailing[0]].line_start
        if outline_verdict(items, [blocks[b_index].role for b_index in trailing],
                           lead.plain if lead is not None else None, attached,
                           whole_body=len(trailing) == len(body) and owner["kind"] == "heading"):
            continue  # not an outline: the lists stay body text (see outline_rules)
        cut.update(trailing)
        base_level = owner["level"] if owner["kind"] == "heading" else 0
        for item in items:
            outline_raw.append({"line": item.line_start, "kind": "outline", "level": base_level + 1,
                                "title": " ".join(item.title.split()),
                                "subpoints": [SubPoint(*p) for p in item.subpoints],
                                "owner_line": owner["line"]})
    raw.extend(outline_raw)
    raw.sort(key=lambda r: (r["line"], 0 if r["kind"] == "frontmatter" else 1))

    # Cut spans: each section starts at its line; the first starts at offset 0.
    sections: list[Section] = []
    for i, r in enumerate(raw):
        start = 0 if i == 0 else lines.offset(r["line"])
        end = len(text) if i + 1 == len(raw) else lines.offset(raw[i + 1]["line"])
        line_end = lines.count if i + 1 == len(raw) else raw[i + 1]["line"]
        if r["kind"] == "outline":
            body_start = min(end, lines.offset(r["line"] + 1))
        elif r["kind"] == "preamble":
            body_start = start
        else:
            body_start = min(end, max(start, lines.offset(r["body_line"])))
        sec = Section(key="", title=r["title"], kind=r["kind"], level=r["level"], start=start, end=end,
                      line_start=r["line"] if i else 0, line_end=line_end, body_start=body_start, index=i)
        if r["kind"] == "outline":
            sec.subpoints = r["subpoints"]
        if r["kind"] == "frontmatter":
            sec.fields = fm_fields
        sections.append(sec)

    # Words: a block belongs to the section whose own span holds its first line.
    plains: list[list[str]] = [[] for _ in sections]
    line_starts = [s.line_start for s in sections]
    for b_index, b in enumerate(blocks):
        if b.kind == "heading" or b_index in cut or not sections:
            continue
        owner_index = max(0, bisect.bisect_right(line_starts, b.line_start) - 1)
        sec = sections[owner_index]
        if sec.kind in ("frontmatter", "outline"):
            continue
        sec.prose_words += b.prose_words
        sec.words += b.prose_words + b.other_words
        plains[owner_index].append(b.plain)
    for i, sec in enumerate(sections):
        if sec.kind == "outline":
            # An outline item's words are its title and its sub-points.
            sec.words = count_words(sec.title) + sum(count_words(p.text) for p in sec.subpoints)
            sec.outline_words = sec.words
            sec.prose_words = 0
            plains[i] = [sec.title, *(p.text for p in sec.subpoints)]
        sec.plain = "\n".join(p for p in plains[i] if p)

    # Nesting by level. Front matter and preamble are roots; the preamble holds
    # only the outline items of its own list; an outline item never holds a
    # heading (its list ends its owner's body, so a following heading of any
    # level belongs to the heading tree, not to the last bullet).
    parents: list[int | None] = [None] * len(sections)
    stack: list[int] = []
    for i, sec in enumerate(sections):
        if sec.kind in ("frontmatter", "preamble"):
            stack = [i] if sec.kind == "preamble" else []
            continue
        if sec.kind == "heading":
            while stack and sections[stack[-1]].kind in ("outline", "preamble"):
                stack.pop()
        while stack and sections[stack[-1]].level >= sec.level:
            stack.pop()
        parents[i] = stack[-1] if stack else None
        stack.append(i)

    # Keys: slug paths, unique within the document (a repeated title gets -1, -2...).
    used: set[str] = set()
    next_suffix: dict[str, int] = {}  # per base: the next suffix to try (keeps this linear)
    for i, sec in enumerate(sections):
        if sec.kind == "frontmatter":
            base = "front-matter"
        elif sec.kind == "preamble":
            base = "preamble"
        else:
            p = parents[i]
            slug = slugify(sec.title)
            base = f"{sections[p].key}/{slug}" if p is not None else slug
        key = base
        n = next_suffix.get(base, 1)
        while key in used:
            key = f"{base}-{n}"
            n += 1
        next_suffix[base] = n
        used.add(key)
        sec.key = key
    kids: list[list[int]] = [[] for _ in sections]
    for i, sec in enumerate(sections):
        p = parents[i]
        if p is not None:
            sec.parent = sections[p].key
            sections[p].children.append(sec.key)
            kids[p].append(i)

    # Span with children and words with children (children follow their parent).
    for i in range(len(sections) - 1, -1, -1):
        sec = sections[i]
        sec.end_all = max([sec.end, *(sections[k].end_all for k in kids[i])])
        sec.words_all = sec.words + sum(sections[k].words_all for k in kids[i])

    return Document(text=text, sections=sections, problems=problems, path=path)
