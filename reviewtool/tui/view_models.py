"""Turn core results into what the panes display (pure functions, run in workers).

Nothing here decides anything about essays: statistics, alignments, word
diffs, coverage and comment placement all come from the core modules
(:mod:`reviewtool.diff.section_diff`, :mod:`reviewtool.diff.coverage`...). These
functions only select, order and format their results for the panes, and they
never touch widgets, so they are safe to call from worker threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.content import Content

from reviewtool.diff import coverage as coverage_module
from reviewtool.diff.section_diff import DocumentDiff, diff_documents
from reviewtool.diff.version_change import version_change
from reviewtool.diff.view import section_view
from reviewtool.draft.document import Document, Section
from reviewtool.draft.history import DraftHistory, Version
from reviewtool.review.events import Thread
from reviewtool.textsafe import clean, one_line
from reviewtool.tui.diff_blocks import DiffPiece
from reviewtool.tui.history_pane import RowStats
from reviewtool.tui.passages import Passage, mark_source
from reviewtool.tui.sections_pane import SectionMarks
from reviewtool.wording import change_label, coverage_certainty

# ---------------------------------------------------------------- history rows


def row_stats(history: DraftHistory, version: Version, with_change: bool = True) -> RowStats:
    """Words, sections, prose share (:meth:`DraftHistory.stats`) and (unless *with_change* is
    False) what the version changed against its first parent
    (:func:`reviewtool.diff.version_change.version_change`; a root version adds all its
    words). Without the change only *version* is parsed (for the growth view)."""
    stats = history.stats(version)
    if stats.get("deleted"):
        return RowStats(0, 0, 0.0, deleted=True)
    words, sections, share = stats["words"], stats["sections"], stats["prose_share"]
    if not with_change:
        return RowStats(words, sections, share)
    change = version_change(history, version)
    if change is None:
        return RowStats(words, sections, share, words, 0, sections_changed=sections)
    c = change.counts
    return RowStats(words, sections, share, c.words_added, c.words_removed,
                    sections_changed=c.sections_changed, markup_changed=c.markup_changed,
                    sections_moved=c.sections_moved)


# ---------------------------------------------------------------- selection


def compare(history: DraftHistory, version: Version, base: Version | None) -> dict[str, Any]:
    """The document of *version* and its section diff against *base* (None: no base, and a note why)."""
    doc = history.document(version)
    if base is None:
        return {"doc": doc, "diff": None, "diff_note": "the first version: nothing to compare with"}
    return {"doc": doc, "diff": diff_documents(history.document(base), doc), "diff_note": ""}


def subtree(doc: Document, key: str) -> list[Section]:
    """The section *key* and its descendants in document order (all sections for ``""``)."""
    if not key:
        return list(doc.sections)
    section = doc.get(key)
    if section is None:
        return []
    return [s for s in doc.sections if s.key == key or s.key.startswith(key + "/")]


def _fence(text: str) -> str:
    longest = 0
    run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def markdown_for(doc: Document, section: Section | None, passages: Sequence[Passage] = ()) -> str:
    """Markdown source to render for *section* (None: the whole document).

    Front matter is shown as a YAML code block rather than parsed as Markdown.
    *passages* (commented passages, offsets in ``doc.text``) are marked for
    :func:`reviewtool.tui.passages.highlight_lines` (never in the front matter).
    """
    def front(s: Section) -> str:
        inner = doc.own_text(s).strip("\n")
        fence = _fence(inner)
        return f"{fence}yaml\n{inner}\n{fence}\n\n"

    if section is None:
        out = []
        for s in doc.sections:
            # mark_source cleans the text around its markers (clean() would show them).
            out.append(clean(front(s)) if s.kind == "frontmatter" else
                       mark_source(doc.own_text(s), s.start, passages))
        return "".join(out)
    if section.kind == "frontmatter":
        return clean(front(section))
    return mark_source(doc.full_text(section), section.start, passages)


def passage_range(doc: Document, section: Section | None) -> tuple[int, int]:
    """The span of ``doc.text`` the text view shows for *section* (None: the whole document)."""
    if section is None:
        return 0, len(doc.text)
    return section.start, section.end_all


def diff_pieces(selection: dict[str, Any], key: str) -> tuple[list[DiffPiece], str]:
    """The section diff of section *key* and its subsections against the base (all for ``""``),
    one piece per changed section with its paragraph rows and notes (:mod:`reviewtool.diff.view`).

    Returns the pieces to show and, when there is nothing to compare, why.
    """
    doc: Document = selection["doc"]
    diff: DocumentDiff | None = selection.get("diff")
    if diff is None:
        return [], selection.get("diff_note") or "no base to compare with"
    pieces: list[DiffPiece] = []
    for index, change in enumerate(diff.changes):
        if key and not change.involves(key):
            continue
        view = section_view(diff, change)
        title = change_label(change) or "(untitled)"
        piece = DiffPiece(title, list(change.status), view if view.has_text else None, change.words_added,
                          change.words_removed, change.pair.similarity, notes=list(view.notes), index=index,
                          key=change.new_key or "")
        markup = ", ".join(change.markup)
        if not view.has_text:
            piece.note = f"markup changed: {markup}" if markup else "the text is unchanged"
        elif markup:
            piece.notes.append(f"markup changed: {markup}")
        pieces.append(piece)
    section = doc.get(key) if key else None
    if not pieces and section is not None:
        pieces.append(DiffPiece(section.title, ["unchanged"], None, note="unchanged since the base",
                                text=clean(doc.full_text(section))))
    return pieces, ""


def neighbour_change(selection: dict[str, Any], key: str, shown: list[int], step: int) -> tuple[int, str] | None:
    """The nearest change of the diff after (*step* 1) or before (-1) the changes *shown* (their
    indices among the diff's changes), and the section to select to see it (``""``: the whole
    document, for a section that is gone). With nothing shown (section *key* is unchanged),
    the nearest change after (before) that section in the document. None: there is none."""
    diff: DocumentDiff | None = selection.get("diff")
    doc: Document = selection["doc"]
    if diff is None:
        return None
    changes = diff.changes
    if shown:
        order = list(range(max(shown) + 1, len(changes))) if step > 0 else list(range(min(shown) - 1, -1, -1))
    else:
        here = doc.get(key) if key else None
        order = list(range(len(changes))) if step > 0 else list(range(len(changes) - 1, -1, -1))
        if here is not None:
            def place(i: int) -> int | None:
                new_key = changes[i].new_key
                section = doc.get(new_key) if new_key else None
                return section.index if section is not None else None

            order = [i for i in order if (p := place(i)) is not None and (p > here.index if step > 0
                                                                          else p < here.index)]
    for i in order:
        if i in shown:
            continue
        new_key = changes[i].new_key
        return i, new_key if new_key and doc.get(new_key) is not None else ""
    return None


def section_marks(selection: dict[str, Any], base: Version | None,
                  open_by_section: dict[str, int]) -> SectionMarks:
    """Status against the base and open comments for the section tree."""
    marks = SectionMarks(comments=dict(open_by_section))
    if base is not None:
        marks.base_label = f"vs {base.short}"
    diff: DocumentDiff | None = selection.get("diff")
    if diff is None:
        return marks
    for change in (*diff.changes, *diff.unchanged):
        pair = change.pair
        statuses = change.status  # "markup" for a pair whose words are unchanged but not its markup
        for s in pair.new:
            marks.status.setdefault(s.key, [])
            for st in statuses:
                if st not in marks.status[s.key]:
                    marks.status[s.key].append(st)
        if not pair.new:
            marks.removed.extend(pair.old)
    return marks


# ---------------------------------------------------------------- comments


def open_threads(threads: list[Thread]) -> list[Thread]:
    """Threads that are open (not resolved, not retracted)."""
    return [t for t in threads if t.status == "open" and not t.retracted]


def compute_coverage(history: DraftHistory, version: Version,
                     outline: Version | None) -> tuple[Any, Version | None]:
    """Coverage of *version*'s prose against an outline version.

    The outline is *outline* (the marked comparison base) when given, else the
    core's default (:func:`reviewtool.diff.coverage.pick_outline_version`). Returns
    ``(None, None)`` when no version has outline bullets.
    """
    if outline is None:
        outline = coverage_module.pick_outline_version(history, version)
    if outline is None:
        return None, None
    return coverage_module.coverage(history.document(outline), history.document(version)), outline


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _coverage_mark(placement: Any) -> tuple[str, str]:
    """✓ written, ? not enough text to judge, ✗ not written yet; with its style."""
    if placement.covered:
        return "✓", "$text-success" if placement.confidence_level != "low" else "$text-warning"
    if placement.state == "not enough text to judge":
        return "?", "$text-warning"
    return "✗", "$text-error"


def coverage_lines(cov: Any, outline: Version, doc: Document, key: str = "") -> list[Content]:
    """Coverage as display lines: totals, then each bullet, where it is written, and its sub-points.

    With a section selected, only the bullets developed in that section (or the
    bullet itself, when the section is an outline item) are listed.
    """
    keys = {s.key for s in subtree(doc, key)} if key else None
    undecided: list[tuple[str, str] | str] = [f", {cov.bullets_undecided} not enough text to judge"] \
        if cov.bullets_undecided else []
    lines: list[Content] = [Content.assemble(
        ("Outline at ", "$text-muted"), (outline.short, "bold $text-warning"), ": ",
        (f"{cov.bullets_covered}/{len(cov.bullets)} bullets written", "bold"),
        f" ({_percent(cov.bullet_share)})", *undecided, ", ",
        (f"{cov.points_covered}/{cov.points_total} sub-points", "bold"), f" ({_percent(cov.point_share)})")]
    shown = 0
    for bullet in cov.bullets:
        placement = bullet.placement
        where = placement.section
        if keys is not None and bullet.key not in keys and (where is None or where.key not in keys):
            continue
        shown += 1
        mark, style = _coverage_mark(placement)
        lines.append(Content(""))
        lines.append(Content.assemble((f"{mark} ", style), (one_line(bullet.title), "bold")))
        if where is not None:
            para = placement.paragraph
            detail: list[tuple[str, str] | str] = [("   → § ", "$text-muted"), one_line(where.title)]
            if para is not None:
                detail += [(f", ¶{para.index} ", "$text-muted"), (f"“{one_line(para.first_words)}”", "italic")]
            detail.append((f"  {_percent(placement.score)} of its words", "$text-muted"))
            lines.append(Content.assemble(*detail))
            lines.append(Content.styled(f"     {coverage_certainty(placement)}",
                                        "$text-warning" if placement.confidence_level == "low" else "$text-muted"))
        else:
            lines.append(Content.styled(f"   {placement.state} ({coverage_certainty(placement)})",
                                        f"{style} italic"))
        for point in bullet.points:
            pmark, pstyle = _coverage_mark(point.placement)
            indent = "   " + "  " * max(0, point.depth - 1)
            parts: list[tuple[str, str] | str] = [indent, (f"{pmark} ", pstyle), clean(one_line(point.text))]
            if point.covered and point.placement.paragraph is not None:
                parts.append((f"  → ¶{point.placement.paragraph.index} of {one_line(point.placement.section.title)}",
                              "$text-muted"))
            lines.append(Content.assemble(*parts))
    if not cov.bullets:
        lines.append(Content.styled("the outline version has no outline bullets", "$text-muted italic"))
    elif shown == 0:
        lines.append(Content.styled("no outline bullet is developed in this section", "$text-muted italic"))
    return lines
