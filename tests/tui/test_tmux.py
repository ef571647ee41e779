"""End to end in a real terminal: ``reviewtool demo`` inside tmux draws the history and follows ``j``.

Skipped when tmux is not installed. Each test runs its own tmux server on a
private socket, so nothing leaks into (or out of) the user's tmux.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parents[2]
#: The history must be on screen this soon after the command starts (demo build included).


class Tmux:
    """A private tmux server running one session."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", str(self.socket), *args], capture_output=True, text=True,
                              check=True).stdout

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-S", str(self.socket), "has-session", "-t", "review"],
                              capture_output=True).returncode == 0

    def capture(self) -> str:
        return self.run("capture-pane", "-p", "-t", "review")

    def wait_for(self, pattern: str, timeout: float) -> tuple[str, float]:
        started = time.perf_counter()
        screen = ""
        while time.perf_counter() - started < timeout:
            screen = self.capture()
            if re.search(pattern, screen):
                return screen, time.perf_counter() - started
            time.sleep(0.05)
        return screen, time.perf_counter() - started


@pytest.fixture
def tmux(tmp_path):
    server = Tmux(tmp_path / "tmux.sock")
    yield server
    subprocess.run(["tmux", "-S", str(server.socket), "kill-server"], capture_output=True)


def test_demo_draws_history_rows_quickly_and_j_moves_the_cursor(tmp_path, tmux):
    target = tmp_path / "demo"
    # pytest exports COLUMNS/LINES (80x24); the app must size itself from the real terminal.
    command = f"cd {ROOT} && exec env -u COLUMNS -u LINES {sys.executable} -m reviewtool demo --path {target}"
    tmux.run("new-session", "-d", "-s", "review", "-x", "120", "-y", "40", command)
    # How quickly the rows draw is measured by tests/benchmarks/bench_tui.py, never asserted
    # here: this waits (boundedly) for the rows, and checks what is on screen.
    screen, _ = tmux.wait_for(r"Retitle: Mesa-optimizers", timeout=60)
    assert "Retitle: Mesa-optimizers" in screen, screen
    # The newest version is selected: the content title names it.
    newest = re.search(r"^\S*\s+([0-9a-f]{8}) .*Retitle", screen, re.M)
    assert newest, screen
    screen, _ = tmux.wait_for(rf"at {newest.group(1)}", timeout=5)
    assert f"at {newest.group(1)}" in screen

    rows = re.findall(r"│\s+([0-9a-f]{8}) ", screen)
    assert len(rows) >= 5 and rows[0] == newest.group(1)
    tmux.run("send-keys", "-t", "review", "j")
    screen, _ = tmux.wait_for(rf"at {rows[1]}", timeout=5)
    assert f"at {rows[1]}" in screen, screen

    # q from the history quits; the session (which only ran the app) ends with it.
    tmux.run("send-keys", "-t", "review", "q")
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline and tmux.alive():
        time.sleep(0.05)
    assert not tmux.alive()
