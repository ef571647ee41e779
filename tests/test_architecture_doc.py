"""The architecture page matches the code: every module is on it, every module it names exists.

docs/architecture.md lists one line per module (``layer/module.py  what it owns``). A module
added without a line, or a line left behind by a module that moved, fails here, so the page
cannot drift from the package the way its first version did.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reviewtool"
PAGE = ROOT / "docs" / "architecture.md"


def modules() -> set[str]:
    """Every module of the package as ``layer/name.py`` (package ``__init__`` files aside)."""
    return {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
            if p.name != "__init__.py" and "__pycache__" not in p.parts and p.name != "__main__.py"}


def named_on_page() -> set[str]:
    """The module paths the page's layout block names (``  draft/history.py  ...``)."""
    text = PAGE.read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    return set(re.findall(r"^\s*([a-z_]+(?:/[a-z_]+)*\.py)\b", block, re.M))


def test_every_module_has_a_line_on_the_architecture_page():
    assert sorted(modules() - named_on_page()) == []


def test_every_module_the_page_names_exists():
    assert sorted(named_on_page() - modules()) == []


def test_every_module_says_what_it_owns():
    """One idea per module, named in its docstring (what a newcomer reads first)."""
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        source = path.read_text(encoding="utf-8").lstrip()
        if not source.startswith(('"""', "'''")) and path.name != "__main__.py":
            missing.append(path.relative_to(PACKAGE).as_posix())
    assert missing == []
