"""What a cursor move no longer redraws shows the same as redrawing it did (issue 13).

A version whose sections have the same shape as the shown one reuses the sections tree's
nodes (only changed labels are set again); an empty comments pane asked to show the same
message again is left as it is; a border title that reads the same is not set again. Each
test compares the shortcut with what the full rebuild shows.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widget import Widget

from reviewtool.draft.document import parse
from reviewtool.tui.comments_pane import CommentsPane
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
