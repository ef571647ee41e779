"""Commented passages in the text view: highlighted where the quote is, and ``}``/``{`` move
through them, showing each one's thread in the comments pane (and the other way round)."""

from __future__ import annotations

from rich.style import Style as RichStyle
from textual.style import Style

from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.content_pane import ContentPane
from reviewtool.tui.lines_view import LinesView, markdown_lines
from reviewtool.tui.passages import Passage, highlight_lines, mark_source
from tests.tui.helpers import open_section, record_notifications, settle

HIGHLIGHT = RichStyle(bgcolor="yellow")


def _words(text: str) -> list[str]:
    return text.replace("*", "").split()


def _highlighted_text(lines, spans, passage: int) -> str:
    parts = []
    for y in sorted(spans):
        for x0, x1, index in spans[y]:
            if index == passage:
                parts.append(lines[y].crop(x0, x1).text)
    return " ".join(parts)


def test_markers_keep_block_syntax_and_highlight_exactly_the_passage():
    text = ("# A heading to quote\n\nSome *emphasised* words in a paragraph long enough to wrap at this "
            "width, and then some.\n\n- first item\n- second item\n\n> a quoted line\n")
    passages = [Passage("h", 0, text.index(" to quote")),
                Passage("p", text.index("words"), text.index(", and")),
                Passage("l", text.index("first"), text.index("second") + len("second")),
                Passage("q", text.index("> a"), text.index("line") + 4)]
    source = mark_source(text, 0, passages)
    plain = markdown_lines(text, 40, Style())
    out = highlight_lines(markdown_lines(source, 40, Style()), HIGHLIGHT)
    # The markers take no room: the layout is the one without them, cell for cell.
    assert [s.text for s in out.lines] == [s.text for s in plain]
    assert _highlighted_text(out.lines, out.spans, 0) == "A heading"  # still a heading (no '#' shown)
    assert _words(_highlighted_text(out.lines, out.spans, 1)) == _words(
        "words in a paragraph long enough to wrap at this width")
    # The list stays a list: both bullets are drawn, the passage runs across them.
    assert sum("•" in s.text for s in out.lines) == 2
    assert _words(_highlighted_text(out.lines, out.spans, 2)) == ["first", "item", "•", "second"]
    assert _highlighted_text(out.lines, out.spans, 3).endswith("a quoted line")
    assert out.rows[1][1] > out.rows[1][0]  # the wrapped passage covers two lines
    # Styled and clickable: every highlighted cell carries the passage number.
    y = out.rows[1][0]
    metas = {seg.style.meta.get("passage") for seg in out.lines[y] if seg.style and seg.style.meta}
    assert metas == {1}


def test_offsets_outside_the_shown_text_and_stray_marks_are_harmless():
    text = "Before \U000e0001 after, one two three."
    out = mark_source(text, 100, [Passage("x", 0, 50), Passage("y", 108, 113), Passage("z", 500, 510)])
    lines = highlight_lines(markdown_lines(out, 60, Style()), HIGHLIGHT)
    assert "\U000e0001" not in "".join(s.text for s in lines.lines)
    assert list(lines.rows) == [1]
    assert _highlighted_text(lines.lines, lines.spans, 1) == "after"


async def _passage_texts(app) -> dict[str, str]:
    """Thread id -> the text the view highlights for it."""
    pane = app.query_one(ContentPane)
    view = pane.query_one("#content-single", LinesView)
    return {p.thread_id: _highlighted_text(view.lines, view.spans, i) for i, p in enumerate(pane.view.passages)}


async def test_commented_passages_are_highlighted_and_braces_walk_through_them(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.mode == "text"
        quoted = {t.id: t for t, p in app.placements if p.scope == "quote" and p.found and not t.retracted}
        assert len(quoted) >= 3
        shown = await _passage_texts(app)
        assert set(shown) == set(quoted)
        doc = app.selection["doc"]
        for thread_id, text in shown.items():
            placement = next(p for t, p in app.placements if t.id == thread_id)
            found = doc.text[placement.start:placement.end]
            assert _words(text) == _words(found), thread_id
        pane = app.query_one(ContentPane)
        comments = app.query_one(CommentsPane)
        order = [p.thread_id for p in pane.view.passages]
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert pane.current_thread_id == order[0]
        assert comments.current_thread_id == order[0]  # its thread shows below
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert comments.current_thread_id == order[1]
        view = pane.query_one("#content-single", LinesView)
        first, _ = pane.passage_rows[1]
        assert view.scroll_offset.y <= first < view.scroll_offset.y + view.size.height  # scrolled to it
        await pilot.press("left_curly_bracket", "left_curly_bracket")  # back, and round to the last
        await settle(app, pilot)
        assert comments.current_thread_id == order[-1]


async def test_moving_through_threads_scrolls_the_text_to_their_passages(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.query_one(ContentPane)
        comments = app.query_one(CommentsPane)
        last = pane.view.passages[-1].thread_id
        await pilot.press("4")
        await pilot.press("G")
        await settle(app, pilot)
        while comments.current_thread_id != last:
            await pilot.press("k")
            await settle(app, pilot)
        assert pane.current_thread_id == last
        view = pane.query_one("#content-single", LinesView)
        first, _ = pane.passage_rows[len(pane.view.passages) - 1]
        assert view.scroll_offset.y <= first < view.scroll_offset.y + view.size.height


async def test_a_click_on_a_passage_shows_its_thread(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await open_section(app, pilot, "Conclusion")
        pane = app.query_one(ContentPane)
        assert len(pane.view.passages) == 1
        view = pane.query_one("#content-single", LinesView)
        y, spans = next(iter(view.spans.items()))
        x0 = spans[0][0]
        view.scroll_to(y=y, animate=False, immediate=True)
        await pilot.pause()
        assert pane.current_passage is None
        await pilot.click(view, offset=(x0 + 2, y - int(view.scroll_offset.y)))
        await settle(app, pilot)
        assert app.query_one(CommentsPane).current_thread_id == pane.view.passages[0].thread_id
        assert pane.current_passage == 0


async def test_braces_in_a_diff_switch_to_the_text_and_say_when_there_is_nothing(make_app):
    app = make_app()
    seen = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert app.mode == "text"
        assert app.query_one(ContentPane).current_passage is not None
        await open_section(app, pilot, "Prompt")
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert any("no commented passage in this section" in m for m in seen)


def test_hidden_characters_are_shown_but_the_markers_are_not():
    text = "A zero\u200bwidth space, then the quoted words here."
    out = mark_source(text, 0, [Passage("x", text.index("quoted"), text.index(" here"))])
    lines = highlight_lines(markdown_lines(out, 80, Style()), HIGHLIGHT)
    shown = "".join(s.text for s in lines.lines)
    assert "<U+200B>" in shown  # textsafe.clean shows hidden characters...
    assert "<U+E00" not in shown and "\U000e0001" not in shown  # ...but not our markers
    assert _highlighted_text(lines.lines, lines.spans, 0) == "quoted words"
