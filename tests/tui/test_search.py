"""Search (``/``) over the essay's text (the selected version, or every version with ctrl+t)
and over the comments, besides section titles and versions."""

from __future__ import annotations

import re

from textual.widgets import OptionList

from reviewtool.tui.comments_pane import CommentsPane
from reviewtool.tui.content_pane import ContentPane
from reviewtool.tui.history_pane import HistoryPane
from reviewtool.tui.lines_view import LinesView
from reviewtool.tui.search import comment_hits, text_hits, version_text_hits
from reviewtool.tui.search_screen import SearchScreen
from tests.tui.helpers import settle, type_text


def test_text_hits_name_their_section_and_count_within_it(demo):
    from reviewtool.draft.discovery import resolve_draft
    from reviewtool.draft.history import DraftHistory
    from reviewtool.git.repo import GitRepo

    repo = GitRepo.open(demo)
    try:
        history = DraftHistory(repo, resolve_draft(repo, None))
        doc = history.document(history.find(None))
        hits = text_hits(doc, "MESA-optimizer")
        expected = [m.start() for m in re.finditer("mesa-optimizer", doc.text, re.IGNORECASE)]
        assert [h.start for h in hits] == expected
        for hit in hits:
            section = doc.get(hit.section_key)
            if section is not None:
                assert section.start <= hit.start < section.end
            assert hit.snippet.match.casefold() == "mesa-optimizer"
        per_section: dict[str, list[int]] = {}
        for hit in hits:
            per_section.setdefault(hit.section_key, []).append(hit.nth)
        assert all(nths == list(range(len(nths))) for nths in per_section.values())
        # Every version: one result per version holding the text, counted; the same blob once.
        versions = history.versions
        found = [h for h in version_text_hits(history, versions, "inner alignment") if not isinstance(h, int)]
        for hit in found:
            text = history.text(versions[hit.index])
            assert hit.count == text.lower().count("inner alignment")
        holding = [i for i, v in enumerate(versions) if v.blob and "inner alignment" in history.text(v).lower()]
        assert [h.index for h in found] == holding
        threads = __import__("tests.tui.helpers", fromlist=["threads"]).threads(demo)
        reply_hits = comment_hits(threads, "claim 1 could")
        assert len(reply_hits) == 1 and reply_hits[0].where == "reply"
    finally:
        repo.close()


def _rows(app) -> list[tuple[str, object]]:
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    return [(kind, value) for kind, value, _ in screen.results]


async def test_a_text_result_opens_its_section_with_the_occurrence_highlighted(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "double descent")
        await settle(app, pilot)
        rows = _rows(app)
        texts = [value for kind, value in rows if kind == "text"]
        assert texts, rows
        target = texts[-1]
        index = rows.index(("text", target))
        app.screen.query_one(OptionList).highlighted = index
        await pilot.press("up", "down")  # keys move through the results
        assert app.screen.query_one(OptionList).highlighted == index
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert app.section_key == target.section_key
        assert app.mode == "text"
        pane = app.query_one(ContentPane)
        assert pane.find is not None and pane.find[0] == "double descent"
        assert pane.found, "the occurrences are highlighted"
        view = pane.query_one("#content-single", LinesView)
        y = pane.found[min(target.nth, len(pane.found) - 1)][0]
        assert view.scroll_offset.y <= y < view.scroll_offset.y + view.size.height
        line = view.lines[y]
        x0, x1 = next((a, b) for yy, a, b in pane.found if yy == y)
        assert line.crop(x0, x1).text.lower() == "double descent"


async def test_every_version_text_search_marks_the_versions_and_n_steps_through_them(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "subprocess")
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        screen = app.screen
        assert screen.every_version and screen.done
        rows = _rows(app)
        assert not [k for k, _ in rows if k == "text"]  # per-occurrence rows are for one version
        per_version = [v for k, v in rows if k == "version-text"]
        holding = [i for i, v in enumerate(app.versions)
                   if v.blob and "subprocess" in app.history.text(v).lower()]
        assert [h.index for h in per_version] == holding and len(holding) >= 2
        index = rows.index(("version-text", per_version[-1]))
        screen.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        await settle(app, pilot)
        history = app.query_one(HistoryPane)
        assert history.cursor == holding[-1]
        assert history.matches == set(holding)
        assert app.section_key == "" and app.mode == "text"
        assert app.query_one(ContentPane).found
        await pilot.press("n")  # round to the first (newest) version holding it
        await settle(app, pilot)
        assert history.cursor == holding[0]
        # The scope is remembered for the next search.
        await pilot.press("slash")
        await settle(app, pilot)
        assert app.screen.every_version
        await pilot.press("escape")


async def test_a_comment_result_shows_its_thread(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "claim 1 could")
        await pilot.press("enter")  # at once: the first result is taken when it comes
        await settle(app, pilot)
        assert not isinstance(app.screen, SearchScreen)
        comments = app.query_one(CommentsPane)
        current = comments.current
        assert current is not None
        assert any("Claim 1 could" in r.body for r in current[0].replies)
        assert app.focused is comments
