"""Benchmark: how fast the TUI shows a long history, and a diff after a cursor move.

Run it as a script: ``.venv/bin/python tests/benchmarks/bench_tui.py [--versions 10000] [--words 10000]``.

Builds (once, cached under the temp folder) a linear history of VERSIONS
commits of one WORDS-word draft with a single streamed ``git fast-import``:
~50 sections of ~200 words, and every version rewrites a sentence in two
sections. Then it runs the real app headless (``App.run_test``, 120x40) and
measures:

* **first rows**: from creating the app to the first history row drawn
  (``HistoryPane.render_line`` returning a version row). Target 1.0 s.
* **diff after a cursor move**: in diff mode, from pressing ``j`` to the
  word diff of the newly highlighted version drawn (the content pane's
  ``LinesView`` drawing its first line after it received that version's
  lines). Median and worst of 20 moves, whole document selected. Target 100 ms (issue 13).

In the same run it times git doing the comparable job -- ``git log --follow
--raw`` of the whole history (what the app runs to list versions) and ``git
diff --word-diff=porcelain`` of two consecutive versions -- and prints the
ratios. Timing is never pass/fail: the exit status is 0, misses print MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reviewtool.tui.app import ReviewApp  # noqa: E402
from reviewtool.tui.content_pane import ContentPane  # noqa: E402
from reviewtool.tui.history_pane import HistoryPane  # noqa: E402
from reviewtool.tui.lines_view import LinesView  # noqa: E402

DRAFT = "drafts/essay.md"
SECTION_WORDS = 200
FIRST_ROWS_TARGET = 1.0
DIFF_TARGET = 0.100
MOVES = 20

_ENV = {**os.environ, "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env=_ENV).stdout


# ---------------------------------------------------------------- the history


def vocabulary() -> list[str]:
    """English words from the bundled demo essay (deterministic)."""
    words: list[str] = []
    for path in sorted((ROOT / "reviewtool" / "demo" / "history").glob("v*.md")):
        words += [w.strip(".,;:!?()\"'*_[]") for w in path.read_text(encoding="utf-8").split()]
    return sorted({w.lower() for w in words if w.isalpha() and len(w) > 2})


class Essay:
    """A WORDS-word essay in sections; :meth:`edit` rewrites a sentence in two sections."""

    def __init__(self, words: int, rng: random.Random) -> None:
        self.rng = rng
        self.vocab = vocabulary()
        count = max(1, words // SECTION_WORDS)
        self.titles = [f"Section {i + 1}: {' '.join(rng.sample(self.vocab, 3))}" for i in range(count)]
        self.sentences = [[self.sentence() for _ in range(SECTION_WORDS // 20)] for _ in range(count)]

    def sentence(self) -> str:
        words = [self.rng.choice(self.vocab) for _ in range(20)]
        return " ".join(words).capitalize() + "."

    def edit(self) -> None:
        for _ in range(2):
            section = self.rng.randrange(len(self.sentences))
            where = self.rng.randrange(len(self.sentences[section]))
            self.sentences[section][where] = self.sentence()

    def text(self) -> str:
        parts = ["---\nlayout: post\ntitle: A long essay\n---\n\n# A long essay\n"]
        for title, sentences in zip(self.titles, self.sentences):
            half = len(sentences) // 2
            parts.append(f"\n## {title}\n\n{' '.join(sentences[:half])}\n\n{' '.join(sentences[half:])}\n")
        return "".join(parts)


def build_history(path: Path, versions: int, words: int) -> None:
    """One streamed ``git fast-import``: VERSIONS commits of the essay."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    essay = Essay(words, random.Random(20230505))
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE, env=_ENV)
    assert proc.stdin is not None
    start = 1_600_000_000
    for i in range(versions):
        if i:
            essay.edit()
        data = essay.text().encode("utf-8")
        message = f"Version {i + 1}: revise two sections".encode()
        when = start + i * 600
        author = ("Ada Author", "ada@example.org") if i % 3 else ("Ben Reviewer", "ben@example.org")
        head = [b"commit refs/heads/main", f"mark :{i + 1}".encode(),
                f"author {author[0]} <{author[1]}> {when} +0000".encode(),
                f"committer {author[0]} <{author[1]}> {when} +0000".encode(),
                b"data %d" % len(message), message]
        if i:
            head.append(f"from :{i}".encode())
        head += [f"M 100644 inline {DRAFT}".encode(), b"data %d" % len(data)]
        proc.stdin.write(b"\n".join(head) + b"\n" + data + b"\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("bench_tui: git fast-import failed")
    git(path, "reset", "-q", "--hard", "main")


def repository(versions: int, words: int) -> Path:
    """The cached benchmark repository (built on first use)."""
    path = Path(tempfile.gettempdir()) / f"reviewtool-bench-tui-{versions}v-{words}w"
    if not (path / ".git").is_dir() or git(path, "rev-list", "--count", "HEAD").strip() != str(versions):
        if path.exists():
            subprocess.run(["rm", "-rf", str(path)], check=True)
        print(f"building {versions:,} versions of a {words:,}-word draft in {path} ...", flush=True)
        started = time.perf_counter()
        build_history(path, versions, words)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return path


# ---------------------------------------------------------------- measuring the app


class Probe:
    """Timestamps recorded from inside the app's widgets."""

    def __init__(self) -> None:
        self.first_row: float | None = None
        self.diff_drawn: dict[str, float] = {}
        self.pending: str | None = None


def install_probe(probe: Probe) -> None:
    render_line = HistoryPane.render_line

    def timed_render_line(self, y):
        strip = render_line(self, y)
        if probe.first_row is None and y >= 1 and self.versions:
            probe.first_row = time.perf_counter()
        return strip

    HistoryPane.render_line = timed_render_line

    set_lines = LinesView.set_lines
    lines_render_line = LinesView.render_line

    def timed_set_lines(self, lines, width, generation, keep_scroll=False):
        set_lines(self, lines, width, generation, keep_scroll)
        pane = next((a for a in self.ancestors if isinstance(a, ContentPane)), None)
        if isinstance(pane, ContentPane) and pane.mode == "diff" and pane.view.version is not None:
            probe.pending = pane.view.version.commit

    def timed_lines_render_line(self, y):
        strip = lines_render_line(self, y)
        if probe.pending is not None:
            probe.diff_drawn.setdefault(probe.pending, time.perf_counter())
            probe.pending = None
        return strip

    LinesView.set_lines = timed_set_lines
    LinesView.render_line = timed_lines_render_line


async def wait_for(predicate, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.001)
    return predicate()


async def measure_app(repo: Path) -> tuple[float, list[float], int]:
    probe = Probe()
    install_probe(probe)
    started = time.perf_counter()
    app = ReviewApp(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        if not await wait_for(lambda: probe.first_row is not None, 60):
            raise SystemExit("bench_tui: the history never showed")
        first_rows = probe.first_row - started
        versions = len(app.query_one(HistoryPane).versions)
        await pilot.press("d")
        await wait_for(lambda: app.version is not None and app.version.commit in probe.diff_drawn, 30)
        latencies = []
        pane = app.query_one(HistoryPane)
        for _ in range(MOVES):
            before = time.perf_counter()
            await pilot.press("j")
            target = pane.versions[pane.cursor].commit
            if not await wait_for(lambda target=target: target in probe.diff_drawn, 30):
                raise SystemExit("bench_tui: the diff never showed")
            latencies.append(probe.diff_drawn[target] - before)
            await asyncio.sleep(0.02)  # a reader's pause between moves
        await app.workers.wait_for_complete()
    return first_rows, latencies, versions


# ---------------------------------------------------------------- git doing the same job


def time_git(repo: Path) -> tuple[float, float]:
    """Seconds for ``git log --follow --raw`` (all versions) and one ``git diff --word-diff``."""
    def best(*args: str, runs: int = 3) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True, env=_ENV)
            times.append(time.perf_counter() - started)
        return min(times)

    log = best("log", "--follow", "--raw", "--no-abbrev", "-z", "--format=%H%x1f%P%x1f%an%x1f%s",
               "HEAD", "--", DRAFT)
    diff = best("diff", "--word-diff=porcelain", "HEAD~2", "HEAD~1", "--", DRAFT)
    return log, diff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="one JSON line of figures (for tests/benchmarks/run.py)")
    args = parser.parse_args()
    repo = repository(args.versions, args.words)
    git_log, git_diff = time_git(repo)
    first_rows, latencies, versions = asyncio.run(measure_app(repo))
    median = statistics.median(latencies)
    worst = max(latencies)
    if args.json:
        print(json.dumps({"versions": versions, "first_rows": first_rows, "diff_median": median, "diff_worst": worst,
                          "git_log": git_log, "git_diff": git_diff}))
        return

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"bench_tui: {versions:,} versions of a {args.words:,}-word draft, 120x40 headless")
    print(f"  first history rows drawn   {first_rows * 1000:8.1f} ms   target {FIRST_ROWS_TARGET * 1000:.0f} ms  "
          f"{verdict(first_rows <= FIRST_ROWS_TARGET)}")
    print(f"    git log --follow --raw   {git_log * 1000:8.1f} ms   ratio app/git {first_rows / git_log:6.2f}x")
    print(f"  diff after a cursor move   median {median * 1000:6.1f} ms, worst {worst * 1000:6.1f} ms "
          f"over {len(latencies)} moves   target {DIFF_TARGET * 1000:.0f} ms  {verdict(median <= DIFF_TARGET)}")
    print(f"    git diff --word-diff     {git_diff * 1000:8.1f} ms   ratio app/git {median / git_diff:6.2f}x")


if __name__ == "__main__":
    main()
