"""What import-linter cannot say: the core loads no UI library *at run time*.

The static layering and "nothing below cli/tui imports click, Rich or Textual" are
import-linter contracts in ``pyproject.toml`` (``lint-imports`` runs in ``make test``).
Import-linter reads import statements; this test imports each core module alone in a
fresh interpreter and looks at ``sys.modules``, so an ``importlib.import_module`` call
or a dependency that drags a UI library in is caught too. Core modules are discovered
by globbing the layer folders, so a new module is covered the moment it is added.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "reviewtool"
CORE_LAYERS = ("git", "draft", "diff", "review", "demo")
GROUND_FLOOR = ("errors.py", "textsafe.py", "wording.py", "__init__.py")
FORBIDDEN = ("textual", "rich", "click")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def core_modules() -> list[str]:
    paths = [PACKAGE / name for name in GROUND_FLOOR]
    for layer in CORE_LAYERS:
        paths += sorted((PACKAGE / layer).rglob("*.py"))
    return [module_name(p) for p in paths if "__pycache__" not in p.parts]


def test_discovery_finds_every_layer_and_skips_the_ui():
    names = set(core_modules())
    assert {"reviewtool.git.repo", "reviewtool.draft.document", "reviewtool.diff.align",
            "reviewtool.review.sync", "reviewtool.demo.builder", "reviewtool.errors"} <= names
    assert not any(n.startswith(("reviewtool.cli", "reviewtool.tui")) for n in names)


def test_core_modules_load_no_ui_library_at_runtime():
    """Import each core module alone in a fresh interpreter (all in parallel)."""
    probe = ("import importlib, json, sys; importlib.import_module(sys.argv[1]); "
             f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))")
    procs = {name: subprocess.Popen([sys.executable, "-c", probe, name], cwd=PACKAGE.parent,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in core_modules()}
    loaded = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"importing {name} failed: {err}"
        loaded[name] = json.loads(out.strip().splitlines()[-1])
    assert {name: mods for name, mods in loaded.items() if mods} == {}
