"""The core never imports Textual or Rich: only the UI layer (cli.py, render.py, __main__.py, tui/) may.

Core modules are discovered by globbing the package, so a new module is covered
the moment it is added. Two checks: each core module imported alone in a fresh
interpreter loads no ``textual``/``rich`` module, and no import statement in
a core file (including imports inside functions) names them.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reviewtool"
UI_FILES = {"cli.py", "render.py", "__main__.py"}
UI_PACKAGES = {"tui"}
FORBIDDEN = ("textual", "rich")


def core_files() -> list[Path]:
    files = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in UI_PACKAGES or (len(rel.parts) == 1 and rel.name in UI_FILES):
            continue
        if "__pycache__" in rel.parts:
            continue
        files.append(path)
    return files


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


CORE = core_files()


def is_forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_discovery_finds_the_core_and_skips_the_ui():
    names = {module_name(p) for p in CORE}
    assert {"reviewtool", "reviewtool.document", "reviewtool.history", "reviewtool.gitrepo",
            "reviewtool.errors", "reviewtool.textsafe"} <= names
    assert not names & {"reviewtool.cli", "reviewtool.render", "reviewtool.__main__"}
    assert not any(n.startswith("reviewtool.tui") for n in names)


def test_core_modules_load_no_textual_or_rich_at_runtime():
    """Import each core module alone in a fresh interpreter (all in parallel)."""
    probe = ("import importlib, json, sys; importlib.import_module(sys.argv[1]); "
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))")
    procs = {module_name(p): subprocess.Popen([sys.executable, "-c", probe, module_name(p)],
                                              cwd=PACKAGE.parent, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True)
             for p in CORE}
    loaded = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"importing {name} failed: {err}"
        loaded[name] = json.loads(out.strip().splitlines()[-1])
    offenders = {name: mods for name, mods in loaded.items() if mods}
    assert offenders == {}


def imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an import statement (or a literal import_module/__import__ call) names."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if fname in ("import_module", "__import__"):
                names.append((node.lineno, node.args[0].value))
    return names


@pytest.mark.parametrize("path", CORE, ids=[module_name(p) for p in CORE])
def test_core_files_have_no_textual_or_rich_import_statements(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [(line, name) for line, name in imported_names(tree) if is_forbidden(name)]
    assert bad == [], f"{path.name} imports the UI toolkit: {bad}"
    # Relative imports must stay inside the core too.
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level and node.module:
            assert node.module.split(".")[0] not in {"cli", "render", "tui"} | set(FORBIDDEN), node.module


def test_core_files_do_not_import_the_ui_layer():
    ui = {"reviewtool.cli", "reviewtool.render", "reviewtool.tui"}
    for path in CORE:
        names = [n for _, n in imported_names(ast.parse(path.read_text(encoding="utf-8")))]
        assert not [n for n in names if any(n == u or n.startswith(u + ".") for u in ui)], path.name


def test_the_static_check_catches_offenders():
    """The checker itself: all the forms it must see."""
    src = ("import rich\nfrom textual.app import App\nimport os, rich.text as t\n"
           "def f():\n    import textual\n    importlib.import_module('rich.console')\n")
    found = [n for _, n in imported_names(ast.parse(src)) if is_forbidden(n)]
    assert sorted(found) == ["rich", "rich.console", "rich.text", "textual", "textual.app"]
    assert not is_forbidden("richtext") and not is_forbidden("textualize_helpers")
