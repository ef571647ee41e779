"""Every key binding of the TUI, as plain data (one list per pane or screen).

Widgets take their ``BINDINGS`` from here, and the help screen and the command palette
read the same lists (:data:`GROUPS`) without importing any widget, so no import cycle runs
through the app. Each binding has an id: a user's ``keymap.toml`` remaps keys by id
(:mod:`reviewtool.tui.keymap`).
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

APP: list[BindingType] = [
    Binding("q", "back_or_quit", "Quit", id="app.quit"),
    Binding("question_mark,f1", "help", "Help", key_display="?", id="app.help"),
    Binding("slash", "search", "Search", key_display="/", id="app.search"),
    Binding("n", "next_match(1)", "Next match", show=False, id="app.next_match"),
    Binding("N", "next_match(-1)", "Previous match", show=False, id="app.previous_match"),
    Binding("tab", "focus_next", "Next pane", show=False, id="app.focus_next"),
    Binding("shift+tab", "focus_previous", "Previous pane", show=False, id="app.focus_previous"),
    Binding("1", "focus_pane('history')", "Focus history", show=False, id="app.focus_history"),
    Binding("2", "focus_pane('sections')", "Focus sections", show=False, id="app.focus_sections"),
    Binding("3", "focus_pane('content')", "Focus content", show=False, id="app.focus_content"),
    Binding("4", "focus_pane('comments')", "Focus comments", show=False, id="app.focus_comments"),
    Binding("b", "mark_base", "Mark base", id="app.mark_base"),
    Binding("B", "clear_base", "Clear base", show=False, id="app.clear_base"),
    Binding("R", "since_review", "Since my last review", show=False, id="app.since_review"),
    Binding("m", "mode('text')", "Show text", show=False, id="app.mode_text"),
    Binding("d", "mode('diff')", "Diff", id="app.mode_diff"),
    Binding("s", "mode('side')", "Side-by-side diff", show=False, id="app.mode_side"),
    Binding("o", "mode('coverage')", "Outline coverage", show=False, id="app.mode_coverage"),
    Binding("right_square_bracket", "next_change(1)", "Next change", key_display="]", show=False,
            id="app.next_change"),
    Binding("left_square_bracket", "next_change(-1)", "Previous change", key_display="[", show=False,
            id="app.previous_change"),
    Binding("z", "expand_context", "Expand collapsed", show=False, id="app.expand"),
    Binding("Z", "toggle_full", "All text or changes", show=False, id="app.full_text"),
    Binding("w", "toggle_growth", "Toggle growth view", show=False, id="app.growth"),
    Binding("F", "toggle_first_parent", "First-parent only", show=False, id="app.first_parent"),
    Binding("M", "toggle_merges", "Hide or show merges", show=False, id="app.hide_merges"),
    Binding("right_curly_bracket", "next_passage(1)", "Next commented passage", show=False,
            key_display="}", id="app.next_passage"),
    Binding("left_curly_bracket", "next_passage(-1)", "Previous commented passage", show=False,
            key_display="{", id="app.previous_passage"),
    Binding("H", "section_history", "Section history", show=False, id="app.section_history"),
    Binding("c", "comment", "Comment", id="app.comment"),
    Binding("V", "verdict", "Review this version", show=False, id="app.verdict"),
    Binding("Q", "request_review", "Request a review", show=False, id="app.request_review"),
    Binding("W", "withdraw_request", "Withdraw or decline a review request", show=False,
            id="app.withdraw_request"),
    Binding("I", "inbox", "Inbox: what waits for me", show=False, id="app.inbox"),
    Binding("v", "toggle_viewed", "Toggle section viewed", show=False, id="app.viewed"),
    Binding("r", "reply", "Reply to thread", show=False, id="app.reply"),
    Binding("e", "edit_comment", "Edit comment", show=False, id="app.edit"),
    Binding("ctrl+e", "edit_reply", "Edit your reply", show=False, id="app.edit_reply"),
    Binding("x", "toggle_resolved", "Resolve or reopen", show=False, id="app.resolve"),
    Binding("X", "reopen", "Reopen thread", show=False, id="app.reopen"),
    Binding("D", "retract", "Retract comment", show=False, id="app.retract"),
    Binding("a", "apply_suggestion", "Apply suggestion", show=False, id="app.apply"),
    Binding("E", "export", "Export summary", show=False, id="app.export"),
    Binding("S", "sync", "Sync notes", show=False, id="app.sync"),
    Binding("ctrl+r,f5", "reload", "Reload history", show=False, id="app.reload"),
]

HISTORY: list[BindingType] = [
    Binding("j,down", "cursor_down", "Down", show=False, id="history.down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="history.up"),
    Binding("g,home", "first", "Newest", show=False, id="history.first"),
    Binding("G,end", "last", "Oldest", show=False, id="history.last"),
    Binding("pagedown", "page_down", "Page down", show=False, id="history.page_down"),
    Binding("pageup", "page_up", "Page up", show=False, id="history.page_up"),
    Binding("enter", "select", "Open", id="history.open"),
]

SECTIONS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, id="sections.down"),
    Binding("k", "cursor_up", "Up", show=False, id="sections.up"),
    Binding("g", "scroll_home", "Top", show=False, id="sections.top"),
    Binding("G", "scroll_end", "Bottom", show=False, id="sections.bottom"),
    Binding("h", "collapse", "Collapse", show=False, id="sections.collapse"),
    Binding("l", "expand", "Expand", show=False, id="sections.expand"),
]

CONTENT: list[BindingType] = [
    Binding("j,down", "scroll_down", "Scroll down", show=False, id="content.down"),
    Binding("k,up", "scroll_up", "Scroll up", show=False, id="content.up"),
    Binding("g,home", "scroll_top", "Top", show=False, id="content.top"),
    Binding("G,end", "scroll_bottom", "Bottom", show=False, id="content.bottom"),
    Binding("pagedown,space", "page_down", "Page down", show=False, id="content.page_down"),
    Binding("pageup", "page_up", "Page up", show=False, id="content.page_up"),
]

COMMENTS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, id="comments.down"),
    Binding("k", "cursor_up", "Up", show=False, id="comments.up"),
    Binding("g", "first", "First", show=False, id="comments.first"),
    Binding("G", "last", "Last", show=False, id="comments.last"),
]

COMMENT_EDITOR: list[BindingType] = [
    Binding("ctrl+s", "save", "Save", id="editor.save"),
    Binding("escape", "cancel", "Cancel", id="editor.cancel"),
]

SEARCH: list[BindingType] = [
    Binding("escape", "close", "Close", id="search.close"),
    Binding("down", "move(1)", "Next result", show=False, id="search.next"),
    Binding("up", "move(-1)", "Previous result", show=False, id="search.previous"),
    Binding("ctrl+t", "toggle_every_version", "Text of every version", id="search.every_version"),
]

SECTION_HISTORY: list[BindingType] = [
    Binding("escape", "close", "Close", id="section_history.close"),
    Binding("enter", "open", "Open that version's diff", id="section_history.open"),
    Binding("j,down", "move(1)", "Older change", show=False, id="section_history.down"),
    Binding("k,up", "move(-1)", "Newer change", show=False, id="section_history.up"),
    Binding("J,ctrl+d", "scroll_change(5)", "Scroll the change down", show=False,
            id="section_history.scroll_down"),
    Binding("K,ctrl+u", "scroll_change(-5)", "Scroll the change up", show=False,
            id="section_history.scroll_up"),
]

CONFIRM: list[BindingType] = [
    Binding("y", "answer(True)", "Yes", id="confirm.yes"),
    Binding("n,escape", "answer(False)", "No", id="confirm.no"),
]

VERDICT: list[BindingType] = [
    Binding("ctrl+s", "submit", "Submit review", id="verdict.submit"),
    Binding("escape", "cancel", "Cancel", id="verdict.cancel"),
]

REQUEST: list[BindingType] = [
    Binding("ctrl+s", "submit", "Ask for the review", id="request.submit"),
    Binding("escape", "cancel", "Cancel", id="request.cancel"),
]

WITHDRAW: list[BindingType] = [
    Binding("ctrl+s", "submit", "Take back the ticked requests", id="withdraw.submit"),
    Binding("escape", "cancel", "Cancel", id="withdraw.cancel"),
]

INBOX: list[BindingType] = [
    Binding("escape", "close", "Close", id="inbox.close"),
    Binding("enter", "open", "Go to the item", id="inbox.open"),
    Binding("j,down", "move(1)", "Next item", show=False, id="inbox.down"),
    Binding("k,up", "move(-1)", "Previous item", show=False, id="inbox.up"),
]

EXPORT: list[BindingType] = [
    Binding("ctrl+s", "export", "Export", id="export.save"),
    Binding("escape", "cancel", "Cancel", id="export.cancel"),
]

HELP: list[BindingType] = [
    Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
    Binding("j,down", "scroll_down", "Down", show=False, id="help.down"),
    Binding("k,up", "scroll_up", "Up", show=False, id="help.up"),
]

START: list[BindingType] = [
    Binding("q,escape", "quit_app", "Quit", id="start.quit"),
    Binding("j", "cursor_down", "Down", show=False, id="start.down"),
    Binding("k", "cursor_up", "Up", show=False, id="start.up"),
]

#: Every group in help-screen order: (where the keys work, the bindings).
GROUPS: list[tuple[str, list[BindingType]]] = [
    ("everywhere", APP),
    ("history", HISTORY),
    ("sections", SECTIONS),
    ("content", CONTENT),
    ("comments", COMMENTS),
    ("comment editor", COMMENT_EDITOR),
    ("search", SEARCH),
    ("section history", SECTION_HISTORY),
    ("confirmation", CONFIRM),
    ("verdict dialog", VERDICT),
    ("request dialog", REQUEST),
    ("withdraw dialog", WITHDRAW),
    ("inbox", INBOX),
    ("export dialog", EXPORT),
    ("help", HELP),
    ("start screen", START),
]

#: Actions of the main screen, disabled while a dialog is open (``q`` still closes it, and
#: ``tab``/``shift+tab`` move between the dialog's fields).
MAIN_SCREEN_ACTIONS = frozenset(
    b.action.split("(", 1)[0]
    for b in APP
    if isinstance(b, Binding) and b.action not in ("back_or_quit", "focus_next", "focus_previous")
)
