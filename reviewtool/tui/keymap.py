"""User key remapping: a file mapping binding ids to keys, applied with ``App.set_keymap``.

Looked up in this order: ``$REVIEWTOOL_KEYMAP``; ``$XDG_CONFIG_HOME/reviewtool/keymap.toml``;
``$XDG_CONFIG_HOME/reviewtool/keymap.json`` (``XDG_CONFIG_HOME`` defaults to ``~/.config``).

TOML example (a top-level ``[keymap]`` table is also accepted)::

    "app.mark_base" = "B"
    "history.down" = "j,down,ctrl+n"

Every binding id is listed in the help screen (``?``).
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path


def keymap_path() -> Path | None:
    """The keymap file to read, or ``None`` when there is none."""
    explicit = os.environ.get("REVIEWTOOL_KEYMAP")
    if explicit:
        return Path(explicit).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    for name in ("keymap.toml", "keymap.json"):
        path = base / "reviewtool" / name
        if path.is_file():
            return path
    return None


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """Read a keymap file: ``({binding id: keys}, problems)``. A missing file is no problem."""
    path = path if path is not None else keymap_path()
    if path is None or not path.exists():
        return {}, []
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        return {}, [f"cannot read keymap {path}: {exc.strerror}"]
    try:
        data = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"keymap {path.name} is not valid {'JSON' if path.suffix == '.json' else 'TOML'}: {exc}"]
    if isinstance(data, dict) and isinstance(data.get("keymap"), dict):
        data = data["keymap"]
    if not isinstance(data, dict):
        return {}, [f"keymap {path.name}: expected a table of binding id = \"keys\""]
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in data.items():
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str) or not keys.strip():
            problems.append(f"keymap {path.name}: {binding_id!r} needs a key string such as \"ctrl+j\"")
            continue
        keymap[str(binding_id)] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap, problems
