"""Each command imports only what it uses: start-up stays short (docs/performance.md).

Every case runs the real CLI in a fresh interpreter and looks at ``sys.modules`` when the
command is done: ``--version`` loads no library beyond click, a ``--json`` command loads
no Rich and no Textual, a draft without front matter loads no YAML, and nothing but the
TUI loads Textual. (How long start-up takes is measured by ``make bench``, never here.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitutil import make_repo

PROBE = """
import json, sys
from reviewtool.cli.commands import run
code = run(sys.argv[1:])
loaded = sorted({m.split('.')[0] for m in sys.modules})
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""
LIBRARIES = {"rich", "markdown_it", "yaml", "textual", "git", "orjson"}


def loaded_by(args: list[str], cwd: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    return set(report["loaded"]) & LIBRARIES


@pytest.fixture
def plain_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "repo")
    repo.commit("First", {"drafts/essay.md": "# Essay\n\nSome words here.\n"})
    repo.commit("Second", {"drafts/essay.md": "# Essay\n\nSome more words here.\n\n## Next\n\nText.\n"})
    return repo.path


def test_version_loads_no_library(tmp_path: Path):
    assert loaded_by(["--version"], tmp_path) == set()


def test_help_loads_no_library(tmp_path: Path):
    assert loaded_by(["--help"], tmp_path) == set()


def test_log_json_loads_the_parser_and_orjson_only(plain_repo: Path):
    assert loaded_by(["log", "--json"], plain_repo) == {"markdown_it", "orjson"}
    # The second run reads every version from the cache: no parser at all.
    assert loaded_by(["log", "--json"], plain_repo) == {"orjson"}


def test_show_json_parses_nothing(plain_repo: Path):
    assert loaded_by(["show", "--json"], plain_repo) == {"orjson"}


def test_a_table_loads_rich(plain_repo: Path):
    assert loaded_by(["--no-cache", "log"], plain_repo) == {"markdown_it", "rich"}


def test_front_matter_loads_yaml(plain_repo: Path):
    (plain_repo / "drafts" / "essay.md").write_text("---\ntitle: T\n---\n\n# Essay\n", encoding="utf-8")
    assert "yaml" in loaded_by(["sections", "--json"], plain_repo)


def modules_loaded_by(args: list[str], cwd: Path) -> set[str]:
    """The reviewtool.cli modules a run of the CLI imported."""
    probe = PROBE.replace("m.split('.')[0] for m in sys.modules", "m for m in sys.modules if m.startswith('reviewtool.cli')")
    proc = subprocess.run([sys.executable, "-c", probe, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, proc.stderr
    return set(report["loaded"])


def test_a_command_imports_its_own_module_only(plain_repo: Path):
    commands = {"reviewtool.cli.history_commands", "reviewtool.cli.diff_commands", "reviewtool.cli.comment_commands",
                "reviewtool.cli.notes_commands", "reviewtool.cli.review_commands", "reviewtool.cli.tui_commands"}
    assert modules_loaded_by(["--version"], plain_repo) & commands == set()
    assert modules_loaded_by(["log", "--json"], plain_repo) & commands == {"reviewtool.cli.history_commands"}
    assert modules_loaded_by(["--help"], plain_repo) >= commands  # help lists every command


def test_every_command_is_where_the_lazy_list_says():
    """COMMAND_MODULES names every top-level command, each with the module that registers it."""
    import importlib

    from reviewtool.cli.commands import COMMAND_MODULES, main

    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(module)
    assert set(main.commands) == set(COMMAND_MODULES)
    for name, command in main.commands.items():
        module = getattr(command.callback, "__module__", None)
        # doctor is defined in doctor_cli.py and registered by notes_commands.py
        assert module == COMMAND_MODULES[name] or (name, module) == ("doctor", "reviewtool.cli.doctor_cli"), name


def test_version_imports_nothing_of_its_own_beyond_click(tmp_path: Path):
    """Beyond what importing click loads, ``--version`` loads the group and what every command
    needs (output, pager, errors) and no module of the standard library: not textsafe (its
    regexes), not dataclasses, not shlex; those come with the commands that use them."""
    probe = PROBE.replace("m.split('.')[0] for m in sys.modules", "m for m in sys.modules")
    proc = subprocess.run([sys.executable, "-c", probe, "--version"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    loaded = set(json.loads(proc.stderr.strip().splitlines()[-1])["loaded"])
    click_alone = subprocess.run([sys.executable, "-c", "import sys, click; print(' '.join(sys.modules))"],
                                 cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True)
    extra = loaded - set(click_alone.stdout.split()) - {"json", "json.decoder", "json.encoder", "json.scanner",
                                                          "_json"}  # the probe's own
    ours = {m for m in extra if m == "reviewtool" or m.startswith("reviewtool.")}
    assert ours == {"reviewtool", "reviewtool.cli", "reviewtool.cli.commands", "reviewtool.cli.group",
                    "reviewtool.cli.output", "reviewtool.cli.pager", "reviewtool.errors"}
    # click's options translate their help through gettext, which imports locale for some languages
    assert extra - ours <= {"locale", "_locale"}, sorted(extra - ours)
