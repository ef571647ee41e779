"""The JSON of `reviewtool diff --json`: the section diff, and per changed section what the
text output shows of it (its notes and its hunks), taken from :mod:`reviewtool.diff.view`.

:meth:`reviewtool.diff.section_diff.DocumentDiff.to_dict` gives the summary and, per
changed section, its status, keys, titles, counts, markup changes and every word
operation (``ops``, never trimmed). To each change this adds, from the same
:class:`~reviewtool.diff.view.SectionView` the CLI prints and the TUI lays out:

* ``notes``: what the status alone does not tell (``moved from after “Money”``,
  ``heading “B” removed: 120 words moved into “A”``), worded as the text output words them;
* ``change_count``: how many changes a reader steps through in the section (``]``/``[``);
* ``hunks``: the paragraph rows trimmed to the changes as with ``--context N`` (all of
  them with ``--full``), in order; a run of unchanged rows left out is one
  ``{"gap": n, "start": i, "stop": j}`` marker (rows ``i`` to ``j - 1``), and each row is
  ``{"row": i, "changed", "blank_before", "old", "new", "ops"}`` with its own word
  operations (``old``/``new``: the paragraph's text on that side, null where the side
  has none: an added or removed paragraph).

The top level says which context trimmed the hunks (``context``: N, or null for ``--full``).
The core of reviewtool: no Rich, no Textual.
"""

from __future__ import annotations

from typing import Any

from reviewtool.diff.hunks import DEFAULT_CONTEXT, Gap
from reviewtool.diff.paragraphs import Row
from reviewtool.diff.section_diff import DocumentDiff
from reviewtool.diff.view import SectionView, section_views


def row_json(row: Row, index: int) -> dict[str, Any]:
    """One paragraph row: its index in the section, whether it changed, both texts, its operations
    (those with text: a row cut from the section's stream may hold empty ones).

    The same as ``Row.changed``, ``Row.old_text if Row.has_old`` (and so on) and
    ``WordOp.to_dict``, in one pass over the operations (a book's diff has thousands of rows):
    a side has text when its joined text has a non-space character, as ``has_old`` asks of
    each operation's (``str.strip`` and the regex ``\\S`` use the same Unicode whitespace);
    tests/test_fast_paths_view.py compares the two."""
    changed = False
    ops = []
    for kind, old, new in row.ops:
        if kind != "equal":
            changed = True
        if old or new:
            ops.append({"op": kind, "old": old, "new": new})
    old_text = "".join([op[1] for op in row.ops])
    new_text = "".join([op[2] for op in row.ops])
    return {
        "row": index,
        "changed": changed,
        "blank_before": row.blank_before,
        "old": old_text.strip("\r\n") if old_text.strip() else None,
        "new": new_text.strip("\r\n") if new_text.strip() else None,
        "ops": ops,
    }


def gap_json(gap: Gap) -> dict[str, Any]:
    """A collapsed run of unchanged rows: how many, and which (``start`` to ``stop - 1``)."""
    return {"gap": gap.count, "start": gap.start, "stop": gap.stop}


def hunks_json(view: SectionView, context: int | None = DEFAULT_CONTEXT) -> list[dict[str, Any]]:
    """The rows of *view* trimmed to its changes (:meth:`SectionView.items`), as JSON."""
    index = {id(row): i for i, row in enumerate(view.rows)}  # items() hands back the same row objects
    return [gap_json(item) if isinstance(item, Gap) else row_json(item, index[id(item)])
            for item in view.items(context)]


def view_json(view: SectionView, context: int | None = DEFAULT_CONTEXT,
              kept: dict[tuple[int, ...], tuple[int, list[dict[str, Any]]]] | None = None) -> dict[str, Any]:
    """What a reader is shown of one changed section, beyond :meth:`SectionChange.to_dict`.

    *kept*: the change counts and hunks of views already turned into JSON with the same
    *context*, by the identities of their rows (alive while their diff is): a view with the very
    same row objects (a book repeats whole chapters; rows are kept by their operations, and a
    stored diff's by its texts) shares the hunks list, which reads the same."""
    if kept is None:
        return {"notes": list(view.notes), "change_count": view.change_count, "hunks": hunks_json(view, context)}
    key = tuple(map(id, view.rows))
    got = kept.get(key)
    if got is None:
        got = kept[key] = (view.change_count, hunks_json(view, context))
    return {"notes": list(view.notes), "change_count": got[0], "hunks": got[1]}


def diff_json(diff: DocumentDiff, old_info: dict[str, Any] | None = None, new_info: dict[str, Any] | None = None,
              context: int | None = DEFAULT_CONTEXT) -> dict[str, Any]:
    """:meth:`DocumentDiff.to_dict`, each change with its notes and hunks, and the context used.
    Changes with the very same rows (or operations) share their ``hunks`` (``ops``) lists: the
    result is for reading (printing), not for changing in place."""
    data = diff.to_dict(old_info, new_info)
    kept: dict[tuple[int, ...], tuple[int, list[dict[str, Any]]]] = {}
    for entry, view in zip(data["changes"], section_views(diff), strict=True):
        entry.update(view_json(view, context, kept))
    data["context"] = context
    return data
