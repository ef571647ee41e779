"""Which core modules the UI can use right now.

Some core modules (alignment, word diff, comments, coverage, export, sync) are
optional from the UI's point of view: the app works without them and shows a
clear "not available" state in the pane that needs them. :func:`core` imports
a module on demand and remembers why it could not, so a pane can say so.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

#: The optional core modules, with what the UI uses them for.
OPTIONAL = {
    "align": "section status against the comparison base",
    "worddiff": "word-level diffs",
    "sectiondiff": "section-level diffs",
    "coverage": "the outline coverage view",
    "comments": "review comments",
    "anchoring": "placing comments on versions",
    "suggestions": "applying suggested edits",
    "export": "exporting the review summary",
    "sync": "syncing review notes with a remote",
}

_lock = threading.Lock()
_loaded: dict[str, ModuleType] = {}
_errors: dict[str, str] = {}


def core(name: str) -> ModuleType | None:
    """The module ``reviewtool.<name>``, or ``None`` when it cannot be imported.

    A failed import is retried on the next call (the module may be installed or
    fixed while the app runs); the reason is kept for :func:`why_missing`.
    """
    with _lock:
        module = _loaded.get(name)
        if module is not None:
            return module
        try:
            module = importlib.import_module(f"reviewtool.{name}")
        except Exception as exc:  # ImportError, or a broken module: report, never crash the UI
            _errors[name] = f"{type(exc).__name__}: {exc}"
            return None
        _errors.pop(name, None)
        _loaded[name] = module
        return module


def has(*names: str) -> bool:
    """Whether every named optional module can be imported."""
    return all(core(name) is not None for name in names)


def why_missing(*names: str) -> str:
    """One line saying which of *names* are not available, and what needs them."""
    missing = [n for n in names if core(n) is None]
    if not missing:
        return ""
    parts = [f"reviewtool.{n} ({OPTIONAL.get(n, 'needed here')})" for n in missing]
    return "not available yet: " + ", ".join(parts)
