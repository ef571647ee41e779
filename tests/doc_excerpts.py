"""Console excerpts of the guides, kept equal to what the commands print.

A guide marks each generated block with an HTML comment on the line before it,
``<!-- TAG: NAME -->``, then a ``console`` fence. A script under ``tests/`` plays the
commands for real and records, per NAME, each ``$ command`` line and what it printed
(:class:`Transcript`); the script rewrites the blocks (:func:`with_excerpts`) and a test
compares them (:func:`normalized`: event ids and event times differ from run to run,
everything else must be equal). Used by ``tests/tui/review_round.py`` (the TUI guide's
round) and ``tests/test_guide_withdraw.py`` (the user guide's withdrawals).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from reviewtool.cli.commands import main
from tests.gitutil import Repo


def _block(tag: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {tag}: (?P<name>[\w-]+) -->\n```console\n)(?P<body>.*?)(\n```)", re.S)


def guide_excerpts(text: str, tag: str) -> dict[str, str]:
    """The console blocks of the guide marked with *tag*, by name."""
    return {m["name"]: m["body"] for m in _block(tag).finditer(text)}


def with_excerpts(text: str, tag: str, excerpts: dict[str, str]) -> str:
    """The guide with each *tag* block replaced by the excerpt of the same name."""
    return _block(tag).sub(lambda m: m[1] + excerpts[m["name"]] + m[4], text)


def normalized(text: str, commits: set[str]) -> str:
    """*text* with what differs from run to run replaced: event ids (hex that is no prefix of
    one of *commits*) by ``<id>``, event times (``2026-12-03 11:57 UTC``) by ``<time>``."""
    def hexes(m: re.Match[str]) -> str:
        token = m[0]
        return token if any(c.startswith(token) for c in commits) else "<id>"

    text = re.sub(r"\b\d{4}-\d\d-\d\d \d\d:\d\d UTC\b", "<time>", text)
    return re.sub(r"\b[0-9a-f]{8,40}\b", hexes, text)


def commit_ids(path: Path) -> set[str]:
    """The ids of the commits of the branch at *path* (not the notes ref)."""
    return set(Repo(path).git("rev-list", "HEAD").split())


class Transcript:
    """Commands run in one repository, recorded per excerpt name as a console shows them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.excerpts: dict[str, list[str]] = {}

    def be(self, who: tuple[str, str]) -> None:
        """Work as *who* (git's user.name and user.email in the repository)."""
        Repo(self.path).git("config", "user.name", who[0])
        Repo(self.path).git("config", "user.email", who[1])

    def rt(self, excerpt: str, *args: str, code: int = 0, env: dict[str, str] | None = None,
           pipe: str = "", cut: Callable[[str], str] | None = None) -> str:
        """Run ``reviewtool ARGS`` (click's runner, in process); record the command and what it
        printed, stdout then stderr. The exit status must be *code*. *env*: variables set for
        the run, shown before the command (``COLUMNS=90 reviewtool ...``); *pipe*: shell text
        shown after the command (`` | head -19``) whose effect *cut* applies to stdout."""
        result = CliRunner().invoke(main, ["-C", str(self.path), *args], env=env)
        if result.exit_code != code:
            raise AssertionError(f"reviewtool {shlex.join(args)} exited {result.exit_code}, not {code}: "
                                 f"{result.output}")
        lines = self.excerpts.setdefault(excerpt, [])
        prefix = "".join(f"{k}={shlex.quote(v)} " for k, v in (env or {}).items())
        lines.append(f"$ {prefix}reviewtool {shlex.join(args)}{pipe}")
        stdout = cut(result.stdout) if cut else result.stdout
        for stream in (stdout, result.stderr):
            if stream.strip():
                lines += stream.rstrip("\n").splitlines()
        return result.stdout

    def note(self, excerpt: str, line: str) -> None:
        """Record a command that is not reviewtool's (as typed; it printed nothing)."""
        self.excerpts.setdefault(excerpt, []).append(line)

    def texts(self) -> dict[str, str]:
        return {name: "\n".join(lines) for name, lines in self.excerpts.items()}
