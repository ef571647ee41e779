"""The command palette provider (ctrl+p) and the catalogue of every key binding.

:func:`catalog` lists the bindings of the app and of each pane, with their
binding ids and the keys in effect after the user's keymap; the help screen
shows it and :class:`ReviewCommands` turns the app-level ones into palette
commands.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from reviewtool.tui import bindings

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True)
class KeyEntry:
    """One binding: where it works, its id, the keys in effect, and what it does."""

    group: str
    binding_id: str
    keys: str
    action: str
    description: str


def _groups() -> list[tuple[str, list[Binding]]]:
    return [(group, [b for b in items if isinstance(b, Binding)]) for group, items in bindings.GROUPS]


def display_keys(keys: str) -> str:
    """``question_mark,f1`` -> ``? f1`` (readable key names)."""
    names = {"question_mark": "?", "slash": "/", "shift+tab": "shift+tab", "pagedown": "pgdn",
             "pageup": "pgup", "left_curly_bracket": "{", "right_curly_bracket": "}",
             "left_square_bracket": "[", "right_square_bracket": "]"}
    return " ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))


def catalog(keymap: dict[str, str] | None = None) -> list[KeyEntry]:
    """Every binding with an id, in display order, with *keymap* overrides applied."""
    keymap = keymap or {}
    entries = []
    for group, group_bindings in _groups():
        # A key the keymap gives to one binding is taken from the others of its group (the
        # remapped binding is the one that runs), so each key is shown where it works.
        taken = {key.strip() for b in group_bindings if b.id in keymap for key in keymap[b.id].split(",")}
        for b in group_bindings:
            if not b.id:
                continue
            if b.id in keymap:
                keys = keymap[b.id]
            else:
                keys = ",".join(k for k in (key.strip() for key in b.key.split(",")) if k not in taken)
            entries.append(KeyEntry(group, b.id, display_keys(keys) if keys else "(no key)", b.action,
                                    b.description))
    return entries


class ReviewCommands(Provider):
    """Every app action as a palette command (shown with its keys)."""

    def _commands(self) -> list[KeyEntry]:
        app: App[object] = self.app
        return [e for e in catalog(getattr(app, "_keymap", {})) if e.group == "everywhere"]

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    async def discover(self) -> Hits:
        """All commands, in the order of the help screen."""
        for entry in self._commands():
            yield DiscoveryHit(
                Content.assemble(entry.description, (f"  {entry.keys}", "$text-muted")),
                partial(self._run, entry.action),
                text=entry.description,
                help=f"{entry.binding_id} — keys: {entry.keys}",
            )

    async def search(self, query: str) -> Hits:
        """Commands whose description (or binding id) matches *query*."""
        matcher = self.matcher(query)
        for entry in self._commands():
            score = max(matcher.match(entry.description), matcher.match(entry.binding_id) * 0.9)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.description), partial(self._run, entry.action),
                          text=entry.description, help=f"{entry.binding_id} — keys: {entry.keys}")
