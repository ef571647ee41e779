"""Moving through the changes of a diff: ``]``/``[`` change to change, ``z``/``Z`` context.

Within the shown sections the content pane steps itself (``ContentPane.step_change``);
past the last (first) change it posts ``NoChange`` and :func:`change_in_another_section`
selects the nearest changed section in that direction (``view_models.neighbour_change``),
landing on its first (last) change. Plain functions over the app, as
:mod:`reviewtool.tui.review`: the flow keeps no state of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewtool.tui import view_models

if TYPE_CHECKING:
    from reviewtool.tui.app import ReviewApp


def next_change(app: ReviewApp, step: int = 1) -> None:
    """Go to the next change (*step* < 0: the previous one), on into the next changed section."""
    pane = app.content_pane
    if app.selection is None:
        return
    if app.selection.get("diff") is None:
        app.notify(app.selection.get("diff_note") or "nothing to compare", title="changes")
        return
    if app.mode not in ("diff", "side"):
        pane.pending = ("first" if step > 0 else "last", None)
        app.mode = "diff"
        return
    if not pane.step_change(step):
        change_in_another_section(app, step)


def change_in_another_section(app: ReviewApp, step: int) -> None:
    """Select the nearest changed section after (before) the ones shown, at its first (last) change."""
    assert app.selection is not None
    target = view_models.neighbour_change(app.selection, app.section_key,
                                          [p.index for p in app.content_pane.view.pieces], step)
    if target is None:
        app.notify("no more changes" if step > 0 else "no earlier change", title="changes")
        return
    index, key = target
    app.content_pane.pending = ("first" if step > 0 else "last", index)
    if key == app.section_key:
        app.selection_loader.refresh_content()
    elif not app.sections_pane.select_key(key):
        app.section_key = ""  # a section that is gone: it shows in the whole document


def expand_context(app: ReviewApp) -> None:
    """Expand the collapsed paragraphs around the current change."""
    if app.mode in ("diff", "side") and not app.content_pane.expand_around():
        app.notify("nothing collapsed here", title="changes")


def toggle_full(app: ReviewApp) -> None:
    """Show every paragraph of the changed sections (again: only the changes)."""
    if app.mode in ("diff", "side"):
        app.content_pane.toggle_full()
