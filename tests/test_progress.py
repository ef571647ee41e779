"""Progress of long work: on stderr, only on a terminal, never in stdout or --json output."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from reviewtool.cli.output import Progress
from tests.gitutil import fast_import_history


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_after_its_delay_and_is_erased(monkeypatch):
    monkeypatch.setenv("REVIEWTOOL_PROGRESS_DELAY", "0")
    out = Terminal()
    with Progress("reading versions", 3, stream=out) as progress:
        for done in (1, 2, 3):
            progress(done)
    text = out.getvalue()
    assert "reading versions 1/3" in text and "reading versions 3/3" in text
    assert text.endswith("\r") and "\n" not in text  # erased, no line left behind


def test_no_progress_before_the_delay_nor_off_a_terminal(monkeypatch):
    monkeypatch.setenv("REVIEWTOOL_PROGRESS_DELAY", "3600")
    out = Terminal()
    with Progress("reading versions", 3, stream=out) as progress:
        progress(3)
    assert out.getvalue() == ""
    monkeypatch.setenv("REVIEWTOOL_PROGRESS_DELAY", "0")
    piped = io.StringIO()
    with Progress("reading versions", 3, stream=piped) as progress:
        progress(3)
    assert piped.getvalue() == ""


def test_log_shows_progress_on_a_terminal_and_keeps_json_clean(tmp_path: Path):
    texts = [f"# Essay\n\n## Part\n\nVersion {i} of the words.\n" for i in range(12)]
    repo = fast_import_history(tmp_path / "repo", texts)
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "reviewtool", "log", "--json"], cwd=repo.path,
                            stdout=subprocess.PIPE, stderr=terminal, env={**os.environ, "REVIEWTOOL_PROGRESS_DELAY": "0"})
    os.close(terminal)
    stdout, _ = proc.communicate(timeout=120)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert proc.returncode == 0
    assert len(json.loads(stdout)["versions"]) == 12  # stdout is the JSON alone
    assert b"reading versions 12/12" in shown
