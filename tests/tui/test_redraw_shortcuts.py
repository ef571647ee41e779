"""What a cursor move no longer redraws shows the same as redrawing it did (issue 13).

A version whose sections have the same shape as the shown one reuses the sections tree's
nodes (only changed labels are set again); an empty comments pane asked to show the same
message again is left as it is; a border title that reads the same is not set again; the
growth view's sparklines are one span per run of a style, not one per version column. Each
test compares the shortcut with what the full rebuild shows.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widget import Widget

from reviewtool.draft.document import parse
from reviewtool.draft.history import Version
from reviewtool.tui import growth_view
from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.growth_view import GrowthView
from reviewtool.tui.history_pane import RowStats
from reviewtool.tui.sections_pane import SectionMarks, SectionsPane
from reviewtool.tui.threads_loading import set_border_title

V1 = "# Essay\n\nOne two.\n\n## Alpha\n\nAlpha words.\n\n### Deep\n\nDeep text.\n\n## Beta\n\nBeta words here.\n"
V2 = V1.replace("Alpha words.", "Alpha words, more of them.").replace("Beta words here.", "Beta.")
V3 = V1 + "\n## Gamma\n\nNew section.\n"


class _Panes(App[None]):
    def compose(self) -> ComposeResult:
        yield SectionsPane(id="a")
        yield SectionsPane(id="b")
        yield CommentsPane(id="c")


def _state(pane: SectionsPane) -> list[tuple[object, ...]]:
    """Every node as the tree shows it: depth, label (text and styles), data, expanded."""
    out: list[tuple[object, ...]] = []

    def walk(node, depth: int) -> None:  # type: ignore[no-untyped-def]
        label = node.label
        out.append((depth, label.plain, [(s.start, s.end, str(s.style)) for s in label.spans], str(label.style),
                    node.data, node.is_expanded, node.allow_expand))
        for child in node.children:
            walk(child, depth + 1)

    walk(pane.root, 0)
    return out


async def test_a_version_of_the_same_shape_keeps_the_nodes_and_shows_what_a_rebuild_shows():
    app = _Panes()
    async with app.run_test() as pilot:
        reused, fresh = app.query_one("#a", SectionsPane), app.query_one("#b", SectionsPane)
        doc1, doc2 = parse(V1), parse(V2)
        marks2 = SectionMarks(status={"essay/alpha": ["edited"], "essay/beta": ["edited"]}, comments={"essay": 2},
                              total_open=3, base_label="vs abc1234", viewed={"essay/alpha/deep"})
        reused.show(doc1, SectionMarks(), keep="essay/alpha")
        await pilot.pause()
        nodes = dict(reused._key_nodes)
        reused._key_nodes["essay/alpha"].collapse()  # a reader folded a section
        await pilot.pause()
        reused.show(doc2, marks2, keep="essay/alpha")
        fresh.show(doc2, marks2, keep="essay/alpha")
        await pilot.pause()
        await pilot.pause()
        assert all(reused._key_nodes[k] is node for k, node in nodes.items())  # the shortcut was taken
        assert _state(reused) == _state(fresh)
        assert reused.cursor_node is reused._key_nodes["essay/alpha"]
        assert fresh.cursor_node is fresh._key_nodes["essay/alpha"]


async def test_removed_sections_and_another_shape_rebuild_the_tree():
    app = _Panes()
    async with app.run_test() as pilot:
        pane, fresh = app.query_one("#a", SectionsPane), app.query_one("#b", SectionsPane)
        doc1, doc3 = parse(V1), parse(V3)
        pane.show(doc1, SectionMarks())
        await pilot.pause()
        before = pane._key_nodes["essay"]
        pane.show(doc3, SectionMarks(status={"essay/gamma": ["added"]}))  # a section more: rebuilt
        await pilot.pause()
        assert pane._key_nodes["essay"] is not before
        removed = [s for s in doc3.sections if s.key == "essay/gamma"]
        gone = SectionMarks(removed=removed)
        pane.show(doc1, gone)
        fresh.show(doc1, gone)
        await pilot.pause()
        other = SectionMarks(removed=[s for s in doc3.sections if s.key == "essay/beta"])  # as many removed
        pane.show(doc1, other)
        fresh.show(doc1, other)
        await pilot.pause()
        assert _state(pane) == _state(fresh)
        assert "− Beta" in [row[1] for row in _state(pane)]


async def test_the_same_empty_comments_pane_is_left_as_it_is():
    app = _Panes()
    async with app.run_test() as pilot:
        pane = app.query_one(CommentsPane)
        pane.show([], {}, "")
        await pilot.pause()
        first = pane.get_option_at_index(0)
        pane.show([], {"a": "A"}, "")
        assert pane.get_option_at_index(0) is first and pane.option_count == 1
        pane.show([], {}, "notes unreadable")  # another message: shown
        assert pane.option_count == 1
        assert "notes unreadable" in str(pane.get_option_at_index(0).prompt)
        assert pane.note == "notes unreadable" and pane.threads == []


async def test_a_border_title_that_reads_the_same_is_not_set_again():
    app = _Panes()
    async with app.run_test() as pilot:
        widget: Widget = app.query_one("#a", SectionsPane)
        set_border_title(widget, "Sections")
        await pilot.pause()
        shown = widget._border_title
        set_border_title(widget, "Sections")
        assert widget._border_title is shown
        styled = Content.assemble(("Sections", "bold"), "  ", ("2 of 5 viewed", "$text-muted"))
        set_border_title(widget, styled)
        assert widget._border_title is not shown and widget._border_title.plain == styled.plain
        kept = widget._border_title
        set_border_title(widget, Content.assemble(("Sections", "bold"), "  ", ("2 of 5 viewed", "$text-muted")))
        assert widget._border_title is kept
        set_border_title(widget, Content.assemble(("Sections", "bold"), "  ", ("2 of 5 viewed", "$text-success")))
        assert widget._border_title is not kept  # the same words in another style: set again


# ---------------------------------------------------------------- growth view


def _styled_cells(content: Content) -> list[tuple[str, list[str]]]:
    """Each character of *content* with the styles of the spans over it, in order."""
    cells: list[tuple[str, list[str]]] = [(ch, []) for ch in content.plain]
    for span in content.spans:
        for i in range(span.start, span.end):
            cells[i][1].append(str(span.style))
    return cells


def _reference_growth(view: GrowthView) -> Content:
    """GrowthView.render as it was: one span per version column."""
    indices = view.sample_indices()
    stats = [view.stats_for(view.versions[i]) for i in indices]
    known = [s for s in stats if s is not None and not s.deleted]
    tops = {"words": max((s.words for s in known), default=0), "sections": max((s.sections for s in known), default=0),
            "prose": 1.0}
    cursor_col = view._column_of_cursor(indices)
    width = view.column_width()
    current = view.stats_for(view.versions[view.cursor]) if view.versions else None
    lines = []
    for metric, label in growth_view.METRICS:
        parts: list[tuple[str, str] | str] = [(f"{label:<{growth_view.LABEL_WIDTH}}", "$text-muted")]
        for c, s in enumerate(stats):
            if s is None:
                ch, style = "·", "$text-muted"
            elif s.deleted:
                ch, style = "x", "$text-error"
            else:
                value = {"words": s.words, "sections": s.sections, "prose": s.prose_share}[metric]
                ch = growth_view.level(value, tops[metric])
                style = {"words": "$primary", "sections": "$secondary", "prose": "$success"}[metric]
            if c == cursor_col:
                style += " reverse"
            parts.append((ch * width, style))
        if current is not None and not current.deleted:
            shown = {"words": f"{current.words:,}", "sections": str(current.sections),
                     "prose": f"{current.prose_share * 100:.0f}%"}[metric]
        else:
            shown = "…"
        parts.append((f"  {shown:>9}", "bold"))
        lines.append(Content.assemble(*parts))
    return Content("\n").join(lines)


class _Growth(App[None]):
    def __init__(self, view: GrowthView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield self.view


async def test_the_growth_view_styles_every_cell_as_one_span_per_column_did():
    rng = random.Random(7)
    versions = [Version(commit=f"{i:040x}", parents=(), author="a", email="e", date=datetime(2024, 1, 1, tzinfo=UTC),
                        subject=str(i), path="d.md", blob=f"{i:040x}") for i in range(300)]
    stats = {}
    for v in versions:
        pick = rng.random()
        stats[v.commit] = (None if pick < 0.15 else RowStats(0, 0, 0.0, deleted=True) if pick < 0.2 else
                           RowStats(rng.choice([0, 10, 500, 500, 2000]), rng.choice([0, 3, 3, 9]),
                                    rng.choice([0.0, 0.5, 0.5, 1.0])))
    for size in (40, 120, 90):
        view = GrowthView(stats_for=lambda v: stats[v.commit])
        async with _Growth(view).run_test(size=(size, 10)) as pilot:
            shown = versions if size != 90 else versions[:7]
            view.set_versions(shown)
            for cursor in (0, 1, len(shown) // 2, len(shown) - 1):
                view.cursor = cursor
                await pilot.pause()
                assert _styled_cells(view.render()) == _styled_cells(_reference_growth(view))
