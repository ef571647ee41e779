"""The sections pane: the section tree of the selected version.

Each node shows an icon for the section kind (heading, outline item, front
matter, preamble), the title coloured by body kind (prose green, outline
magenta), the status against the comparison base (edited, renamed, moved,
added, split, promoted...) and the number of open comments, and a ✓ before the sections I marked viewed. Sections of the
base that have no counterpart any more are listed under "removed".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from reviewtool.draft.document import Document, Section
from reviewtool.textsafe import one_line
from reviewtool.tui import bindings

#: Icons per section kind.
KIND_ICONS = {"frontmatter": "⚙", "preamble": "¶", "heading": "§", "outline": "•"}
#: Title colours per body kind.
BODY_STYLES = {"prose": "green", "outline": "magenta", "other": "cyan", "empty": "bright_black"}
#: Badge colours per alignment status.
STATUS_STYLES = {
    "edited": "yellow",
    "renamed": "cyan",
    "moved": "blue",
    "added": "bold green",
    "removed": "red",
    "split": "magenta",
    "merged": "magenta",
    "promoted": "bold magenta",
    "condensed": "yellow",
}

#: Tree data of the root node (the whole document).
ROOT_KEY = ""


@dataclass
class SectionMarks:
    """What the tree shows next to sections: status against the base, open comments."""

    status: dict[str, list[str]] = field(default_factory=dict)  # new key -> statuses
    removed: list[Section] = field(default_factory=list)  # base sections with no counterpart
    comments: dict[str, int] = field(default_factory=dict)  # key -> open threads
    total_open: int = 0  # open threads on the version, whole-version comments included
    base_label: str = ""  # e.g. "vs 3f2a1b0c" (empty: no base)
    note: str = ""  # why statuses are missing
    viewed: set[str] = field(default_factory=set)  # keys of the sections I marked viewed


class SectionsPane(Tree[str]):
    """The section tree of one version of the draft (node data: the section key)."""

    BINDINGS = bindings.SECTIONS

    DEFAULT_CSS = """
    SectionsPane { height: 1fr; overflow-x: hidden; }
    """

    class SectionHighlighted(Message):
        """The cursor is on a section (key ``""`` is the whole document)."""

        def __init__(self, pane: SectionsPane, key: str) -> None:
            super().__init__()
            self.pane = pane
            self.key = key

        @property
        def control(self) -> SectionsPane:
            return self.pane

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty tree; :meth:`show` fills it."""
        super().__init__(Text("(no version)"), data=ROOT_KEY, id=id, classes=classes)
        self.show_root = True
        self.guide_depth = 2
        self.doc: Document | None = None
        self.marks = SectionMarks()
        self._key_nodes: dict[str, TreeNode[str]] = {}
        self._pending_key: str | None = None
        #: The shape of the tree shown (:func:`_shape`): a version with the same one reuses its nodes.
        self._shape: tuple[object, ...] | None = None

    def process_label(self, label: str | Text) -> Text:
        """Labels are never parsed as markup: a ``str`` is taken literally."""
        if isinstance(label, str):
            return Text(one_line(label))
        return label.split()[0] if "\n" in label.plain else label

    # ------------------------------------------------------------ content
    def section_label(self, section: Section) -> Text:
        """The node label of *section*: icon, title, status badges, comment count."""
        label = Text()
        if section.key in self.marks.viewed:
            label.append("✓ ", style="bold green")
        icon = KIND_ICONS.get(section.kind, "·")
        label.append(icon + " ", style=BODY_STYLES.get(section.body_kind, ""))
        title = section.title if section.kind not in ("frontmatter", "preamble") else (
            "front matter" if section.kind == "frontmatter" else "preamble")
        label.append(one_line(title), style=BODY_STYLES.get(section.body_kind, "") +
                     (" bold" if section.kind == "heading" and section.level <= 2 else ""))
        for status in self.marks.status.get(section.key, []):
            if status == "unchanged":
                continue
            label.append(" ")
            label.append(status, style=STATUS_STYLES.get(status, "yellow") + " reverse")
        count = self.marks.comments.get(section.key, 0)
        if count:
            label.append(f" ●{count}", style="bold cyan")
        return label

    def root_label(self) -> Text:
        doc = self.doc
        if doc is None:
            return Text("(no version)")
        label = Text(one_line(doc.title), style="bold")
        label.append(f"  {doc.words:,} words", style="bright_black")
        if self.marks.base_label:
            label.append(f"  {self.marks.base_label}", style="bright_black")
        total = max(self.marks.total_open, sum(self.marks.comments.values()))
        if total:
            label.append(f" ●{total}", style="bold cyan")
        return label

    def show(self, doc: Document, marks: SectionMarks, keep: str | None = None) -> None:
        """Show *doc*'s tree; the cursor goes to section *keep* when it exists.

        When the tree shown has the same shape (the same sections under the same parents, the
        same removed ones: consecutive versions mostly do), its nodes are kept and only the
        labels that changed are set again (:meth:`_reuse`): rebuilding it made the whole screen
        lay out again on every cursor move in the history."""
        shape = _shape(doc, marks)
        if shape == self._shape and self._reuse(doc, marks, keep):
            return
        self._shape = shape
        self.doc = doc
        self.marks = marks
        self.clear()
        self.root.set_label(self.root_label())
        self.root.data = ROOT_KEY
        self._key_nodes = {ROOT_KEY: self.root}
        for section in doc.sections:
            parent = self._key_nodes.get(section.parent or ROOT_KEY, self.root)
            if section.children:
                node = parent.add(self.section_label(section), data=section.key, expand=True)
            else:
                node = parent.add_leaf(self.section_label(section), data=section.key)
            self._key_nodes[section.key] = node
        if marks.removed:
            gone = self.root.add(Text(f"removed since base ({len(marks.removed)})", style="red"),
                                 data=None, expand=False)
            for section in marks.removed:
                gone.add_leaf(Text("− " + one_line(section.title), style="red strike"), data=None)
        self.root.expand()
        target = keep if keep in self._key_nodes else ROOT_KEY
        self._pending_key = target
        self.call_after_refresh(self._restore_cursor, target)

    def _reuse(self, doc: Document, marks: SectionMarks, keep: str | None) -> bool:
        """Show *doc* in the nodes of the tree shown, which has its shape: what a rebuild would
        show (labels, every section expanded, "removed" collapsed, the cursor on *keep*) without
        building the nodes again. False (nothing done) when a node is missing."""
        nodes = self._key_nodes
        if any(section.key not in nodes for section in doc.sections):
            return False
        self.doc = doc
        self.update_marks(marks)
        for section in doc.sections:
            node = nodes[section.key]
            if section.children and not node.is_expanded:
                node.expand()
        for node in self.root.children:
            if node.data is None and node.is_expanded:  # the "removed since base" group
                node.collapse()
        if not self.root.is_expanded:
            self.root.expand()
        target = keep if keep in nodes else ROOT_KEY
        if self._pending_key is not None or self.cursor_node is not nodes[target]:
            self._pending_key = target
            self.call_after_refresh(self._restore_cursor, target)
        return True

    def update_marks(self, marks: SectionMarks) -> None:
        """Refresh labels (comment counts changed) without rebuilding the tree: only the labels
        that differ from the ones shown are set (setting one redraws its lines)."""
        self.marks = marks
        if self.doc is None:
            return
        _relabel(self.root, self.root_label())
        for section in self.doc.sections:
            node = self._key_nodes.get(section.key)
            if node is not None:
                _relabel(node, self.section_label(section))
        removed = next((n for n in self.root.children if n.data is None), None)
        if removed is not None:
            _relabel(removed, Text(f"removed since base ({len(marks.removed)})", style="red"))
            for leaf, section in zip(removed.children, marks.removed):
                _relabel(leaf, Text("− " + one_line(section.title), style="red strike"))

    def _restore_cursor(self, key: str) -> None:
        node = self._key_nodes.get(key)
        if node is None:
            return
        self.move_cursor(node, animate=False)
        self._pending_key = None

    def select_key(self, key: str) -> bool:
        """Move the cursor to section *key*; False when the version has no such section."""
        node = self._key_nodes.get(key)
        if node is None:
            return False
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        self.move_cursor(node, animate=False)
        return True

    # ------------------------------------------------------------ events
    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        event.stop()
        if event.node.data is not None and self._pending_key is None:
            self.post_message(self.SectionHighlighted(self, event.node.data))

    # ------------------------------------------------------------ actions
    def action_collapse(self) -> None:
        """Collapse the section under the cursor (or go to its parent)."""
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent, animate=False)

    def action_expand(self) -> None:
        """Expand the section under the cursor."""
        node = self.cursor_node
        if node is not None and node.children:
            node.expand()


def _shape(doc: Document, marks: SectionMarks) -> tuple[object, ...]:
    """What the tree's nodes depend on besides their labels: each section's key, parent and
    whether it has children (in order), and how many sections are listed as removed."""
    return (tuple((s.key, s.parent, bool(s.children)) for s in doc.sections), len(marks.removed))


def _relabel(node: TreeNode[Any], label: Text) -> None:
    """Set *node*'s label unless it already reads so (styles included: Rich's ``Text ==``
    compares the text and its spans, not the base style)."""
    shown = node.label
    if not isinstance(shown, Text) or shown != label or shown.style != label.style:
        node.set_label(label)
