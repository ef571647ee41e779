"""``make bench``: every speed target of reviewtool in one table, each beside git doing the nearest job.

Run: ``.venv/bin/python tests/benchmarks/run.py [--runs 5] [--quick] [--only NAME,...]``.

Each row is one target of issue 13 (docs/performance.md explains them and records a run):

* ``start-up``: ``reviewtool --version`` minus a bare ``python -c pass`` (the same interpreter).
* ``log``: ``reviewtool log --json`` of a long draft's whole history with our cache folder
  deleted before every run (cold), beside ``git log --follow -p`` of that file. On the real
  RFC repository (``../shared/corpus/``): ``README.md`` (132 versions) and
  ``text/3537-msrv-resolver.md`` (186 versions); and on a generated history of 1,000 versions.
* ``history --section``: a second run (the cache filled by the first), beside ``git log -L``
  over that section's lines at HEAD.
* ``book diff``: ``reviewtool diff A B --json`` of a book-size file made from the corpus
  (see :func:`book_texts`), beside ``git diff --word-diff=porcelain A B``; cold (cache folder
  deleted); with this diff run before (both trees and the pair's section diff in the cache);
  and with both versions seen in other runs (their trees in the cache, the pair's diff not).
* ``bench_diff``: the generated 10,000- and 100,000-word essays of ``bench_diff.py``
  (parse, align, word-diff in one process, caches emptied), beside git's word diff.
* ``TUI``: ``bench_tui.py`` on 10,000 versions: first history rows; diff after a cursor move.

Ratios leave out the interpreter's own start-up: (ours - ``python -c pass``) / git, on wall-clock
time and on CPU time (user + system, from ``wait4``; steadier than wall-clock on a shared machine).
Every figure is the median of ``--runs`` runs, the contenders taking turns within each run so a
change in the machine's load falls on all of them. Peak memory is the largest resident set of
our process (for the in-process rows: of the whole benchmark process). Timing is never pass/fail:
the exit status is 0 whatever the figures; a missed target shows ``MISSED``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
REVIEWTOOL = str(Path(sys.executable).with_name("reviewtool"))
#: The children's environment. Without PYTHONDONTWRITEBYTECODE: an installed reviewtool runs
#: from byte-compiled modules (pip compiles them), and so do these measurements
#: (:func:`compile_package` first), rather than compiling every module in every run.
_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Ada Author", "GIT_AUTHOR_EMAIL": "ada@example.org",
        "GIT_COMMITTER_NAME": "Ada Author", "GIT_COMMITTER_EMAIL": "ada@example.org"}


def compile_package() -> None:
    """Byte-compile reviewtool (and the benchmarks), as installing it does."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "reviewtool"), str(ROOT / "tests")],
                   check=True, env=_ENV, stdout=subprocess.DEVNULL)


README = "README.md"
MSRV = "text/3537-msrv-resolver.md"
BOOK = "book.md"


# ---------------------------------------------------------------- running and timing


@dataclass
class Run:
    """One finished process: wall-clock and CPU seconds, peak resident set (MB), its stdout."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: bytes


#: Runs a command and reports its wall-clock time, CPU time, peak resident set and exit code.
#: A small process of its own starts the command: Linux counts the memory of the process a
#: command was forked from (until its exec) in the command's peak, so a command forked from
#: this benchmark, which grows as it builds its data, would report this benchmark's size.
_MEASURE = r"""
import json, os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)  # vfork-like: no copy of this process
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(report, "w") as f:
    json.dump([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status)], f)
"""


def run(argv: list[str], cwd: Path, check: bool = True) -> Run:
    """Run *argv* to completion; wall-clock time, CPU time and peak memory of that process
    alone (``wait4`` in a small process that starts it: :data:`_MEASURE`)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run([PYTHON, "-c", _MEASURE, str(report), *argv], cwd=cwd, stdout=out, stderr=err,
                       stdin=subprocess.DEVNULL, env=_ENV, check=True)
        wall, cpu, maxrss, code = json.loads(report.read_text())
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if check and code != 0:
        raise SystemExit(f"bench: {' '.join(argv)} failed ({code}): {stderr.decode()[-2000:]}")
    return Run(wall, cpu, maxrss / 1024, stdout)


@dataclass
class Contest:
    """Medians of interleaved runs: our command, git's, and the bare interpreter."""

    ours: list[Run] = field(default_factory=list)
    git: list[Run] = field(default_factory=list)
    python: list[Run] = field(default_factory=list)

    @staticmethod
    def _median(runs: list[Run], what: str) -> float:
        return statistics.median(getattr(r, what) for r in runs)

    def ours_net(self, what: str = "wall") -> float:
        """Our median minus the interpreter's start-up (both medians)."""
        return self._median(self.ours, what) - self._median(self.python, what)

    def git_median(self, what: str = "wall") -> float:
        return self._median(self.git, what)

    @property
    def peak_mb(self) -> float:
        return max(r.peak_mb for r in self.ours)


def contest(ours: list[str], git: list[str], cwd: Path, runs: int,
            before_ours: Callable[[], None] | None = None) -> Contest:
    """*runs* rounds of: bare python, git, ours (after *before_ours*); one untimed warm-up round first."""
    result = Contest()
    for i in range(runs + 1):
        py = run([PYTHON, "-c", "pass"], cwd)
        theirs = run(git, cwd)
        if before_ours is not None:
            before_ours()
        mine = run(ours, cwd)
        if i:  # the first round warms the page cache and the interpreter's bytecode
            result.python.append(py)
            result.git.append(theirs)
            result.ours.append(mine)
    return result


def clear_cache(repo: Path) -> Callable[[], None]:
    """Delete our cache folder in *repo* (``<git dir>/reviewtool``): the next run is cold."""
    def clear() -> None:
        shutil.rmtree(repo / ".git" / "reviewtool", ignore_errors=True)
    return clear


def forget_kind(repo: Path, kind: str) -> Callable[[], None]:
    """Delete what our cache keeps of one *kind* in *repo* (its ``<kind>-<fingerprint>`` folders)."""
    def forget() -> None:
        for folder in (repo / ".git" / "reviewtool" / "cache").glob(f"{kind}-*"):
            shutil.rmtree(folder, ignore_errors=True)
    return forget


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=_ENV).stdout


# ---------------------------------------------------------------- the table


@dataclass
class Row:
    measure: str
    ours: str
    git: str
    ratio: float | None  # wall-clock, start-up excluded
    cpu_ratio: float | None
    target: str
    ok: bool | None
    peak_mb: float | None
    note: str = ""


def ratio_row(measure: str, c: Contest, target: float, note: str = "") -> Row:
    ours, theirs = c.ours_net("wall"), c.git_median("wall")
    ratio = ours / theirs
    cpu_ratio = c.ours_net("cpu") / max(c.git_median("cpu"), 1e-4)
    return Row(measure, f"{ours * 1000:.0f} ms", f"{theirs * 1000:.0f} ms", ratio, cpu_ratio,
               f"<= {target:g}x", ratio <= target, c.peak_mb, note)


def print_table(rows: list[Row], runs: int) -> None:
    headers = ("measure", "ours", "git", "ratio", "CPU ratio", "target", "", "peak MB")
    cells = []
    for r in rows:
        verdict = "" if r.ok is None else ("ok" if r.ok else "MISSED")
        cells.append((r.measure, r.ours, r.git, "" if r.ratio is None else f"{r.ratio:.1f}x",
                      "" if r.cpu_ratio is None else f"{r.cpu_ratio:.1f}x", r.target, verdict,
                      "" if r.peak_mb is None else f"{r.peak_mb:.0f}"))
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    right = {1, 2, 3, 4, 7}

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(v.rjust(w) if i in right else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths)))

    print()
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print(line(c))
    notes = [f"  {r.measure}: {r.note}" for r in rows if r.note]
    print(f"\nmedians of {runs} interleaved runs; ratios = (ours - python -c pass) / git, wall-clock and CPU time;"
          " peak MB = largest resident set of our process")
    if notes:
        print("notes:")
        print("\n".join(notes))
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs ({_cpu_model()}), Python {platform.python_version()},"
          f" {git(ROOT, '--version').strip()}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# ---------------------------------------------------------------- the measures


def startup(tmp: Path, runs: int) -> list[Row]:
    c = contest([REVIEWTOOL, "--version"], ["git", "--version"], tmp, max(runs, 15))
    net = c.ours_net("wall")
    return [Row("start-up: reviewtool --version", f"+{net * 1000:.0f} ms", f"{c.git_median() * 1000:.0f} ms",
                None, None, "<= +40 ms", net <= 0.040, c.peak_mb,
                f"over python -c pass ({c._median(c.python, 'wall') * 1000:.0f} ms); CPU "
                f"+{c.ours_net('cpu') * 1000:.0f} ms; git figure: git --version")]


def clone_corpus(tmp: Path) -> Path | None:
    """A clone of the real RFC repository (``../shared/corpus/`` from the repository root)."""
    sys.path.insert(0, str(ROOT))
    from tests.gitutil import corpus_bundle

    bundle = corpus_bundle()
    if bundle is None:
        print("skipping the corpus rows: ../shared/corpus/rust-rfcs-essays.bundle is absent", file=sys.stderr)
        return None
    path = tmp / "rfcs"
    subprocess.run(["git", "clone", "-q", str(bundle), str(path)], check=True, env=_ENV)
    return path


def log_row(repo: Path, draft: str, label: str, runs: int) -> Row:
    versions = len(git(repo, "log", "--follow", "--format=%H", "--", draft).split())
    c = contest([REVIEWTOOL, "-d", draft, "log", "--json"], ["git", "log", "--follow", "-p", "--", draft], repo,
                runs, before_ours=clear_cache(repo))
    count = len(json.loads(c.ours[-1].stdout)["versions"])
    return ratio_row(f"cold log --json: {label} ({count} versions)", c, 20,
                     "" if count >= versions else f"listed {count}, git {versions}")


def section_lines(repo: Path, draft: str, key: str) -> tuple[int, int]:
    out = run([REVIEWTOOL, "-d", draft, "sections", "--json"], repo).stdout
    for s in json.loads(out)["sections"]:
        if s["key"] == key:
            return s["span"]["line_start"], s["span"]["line_end"]
    raise SystemExit(f"bench: no section {key} in {draft}")


def history_row(repo: Path, draft: str, key: str, label: str, runs: int) -> Row:
    start, end = section_lines(repo, draft, key)
    ours = [REVIEWTOOL, "-d", draft, "history", "-s", key, "--json"]
    run(ours, repo)  # fills the cache: the timed runs are warm
    c = contest(ours, ["git", "log", "-L", f"{start},{end}:{draft}"], repo, runs)
    entries = len(json.loads(c.ours[-1].stdout)["entries"])
    return ratio_row(f"warm history --section: {label} ({entries} changes)", c, 25)


def book_texts(corpus: Path) -> tuple[str, str, str]:
    """A book-size file from the corpus: all its files at one commit, against the same files two years later.

    The corpus keeps seven files (about 46,000 words at their largest), so the book has eight
    volumes: volume k holds every file at the first-parent commit before date D_k (half a year
    apart, 2021-01 to 2024-07) in the old book, and at D_k + 2 years in the new one.
    """
    def snapshot(date: str) -> str:
        commit = git(corpus, "rev-list", "-1", "--first-parent", f"--before={date}", "HEAD").strip()
        files = git(corpus, "ls-tree", "-r", "--name-only", commit).split()
        return "\n\n".join(git(corpus, "show", f"{commit}:{f}").strip("\n") for f in files)

    old, new = [], []
    for year in (2021, 2022, 2023, 2024):
        for month in ("01", "07"):
            old.append(snapshot(f"{year}-{month}-01"))
            new.append(snapshot(f"{year + 2}-{month}-01"))
    return "\n\n".join(old) + "\n", "\n\n".join(new) + "\n", "2021-01..2024-07 vs two years later"


def book_rows(tmp: Path, corpus: Path, runs: int) -> list[Row]:
    old, new, span = book_texts(corpus)
    repo = tmp / "book"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for text, message in ((old, "The book"), (new, "The book, years later")):
        (repo / BOOK).write_text(text, encoding="utf-8")
        git(repo, "add", BOOK)
        git(repo, "commit", "-q", "-m", message)
    words = (len(old.split()), len(new.split()))
    ours = [REVIEWTOOL, "-d", BOOK, "diff", "HEAD~1", "HEAD", "--json"]
    theirs = ["git", "diff", "--word-diff=porcelain", "HEAD~1", "HEAD", "--", BOOK]
    cold = contest(ours, theirs, repo, runs, before_ours=clear_cache(repo))
    run(ours, repo)
    warm = contest(ours, theirs, repo, runs)
    seen = contest(ours, theirs, repo, runs, before_ours=forget_kind(repo, "diff"))
    note = f"{words[0]:,} -> {words[1]:,} words ({span})"
    return [ratio_row("book diff, cold", cold, 10, note),
            ratio_row("book diff, both versions seen before (this diff run before)", warm, 4,
                      "the two trees and the section diff of the pair in the cache"),
            ratio_row("book diff, both versions seen before (in other runs)", seen, 4,
                      "the two trees in the cache, the section diff of the pair not")]


def generated_log_row(tmp: Path, runs: int, commits: int = 1000) -> Row:
    sys.path.insert(0, str(ROOT))
    from tests.benchmarks.bench_history import RENAMED, build_history

    repo = build_history(tmp / "generated", commits)
    c = contest([REVIEWTOOL, "-d", RENAMED, "log", "--json"], ["git", "log", "--follow", "-p", "--", RENAMED], repo,
                runs, before_ours=clear_cache(repo))
    return ratio_row(f"cold log --json: generated ({commits} versions, renamed once)", c, 20)


def bench_diff_rows(runs: int, quick: bool) -> list[Row]:
    sizes = "10000" if quick else "10000,100000"
    proc = run([PYTHON, str(HERE / "bench_diff.py"), "--json", "--sizes", sizes, "--runs", str(max(runs, 5))], ROOT)
    rows = []
    targets = {10000: 4.0, 100000: 6.0}
    for line in proc.stdout.decode().splitlines():
        d = json.loads(line)
        ratio = d["ours_wall"] / d["git_wall"]
        cpu = d["ours_cpu"] / d["git_cpu"]
        target = targets.get(d["words"], 6.0)
        rows.append(Row(f"bench_diff generated essay, {d['words']:,} words", f"{d['ours_wall'] * 1000:.0f} ms",
                        f"{d['git_wall'] * 1000:.0f} ms", ratio, cpu, f"<= {target:g}x", ratio <= target,
                        proc.peak_mb, "in process: parse both, align, word-diff; git: a process" if not rows else ""))
    return rows


def tui_rows(versions: int) -> list[Row]:
    proc = run([PYTHON, str(HERE / "bench_tui.py"), "--json", "--versions", str(versions)], ROOT)
    d = json.loads(proc.stdout.decode().splitlines()[-1])
    return [
        Row(f"TUI: first history rows, {d['versions']:,} versions", f"{d['first_rows'] * 1000:.0f} ms",
            f"{d['git_log'] * 1000:.0f} ms", d["first_rows"] / d["git_log"], None, "<= 1000 ms",
            d["first_rows"] <= 1.0, proc.peak_mb, "git: log --follow --raw of the whole history"),
        Row("TUI: cursor move to diff shown", f"{d['diff_median'] * 1000:.0f} ms", f"{d['git_diff'] * 1000:.0f} ms",
            d["diff_median"] / d["git_diff"], None, "<= 100 ms", d["diff_median"] <= 0.100, None,
            f"median of 20 moves (worst {d['diff_worst'] * 1000:.0f} ms); git: diff --word-diff of two versions"),
    ]


MEASURES = ("startup", "log", "history", "book", "generated", "bench_diff", "tui")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measure (median)")
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 100,000-word essay, no TUI")
    parser.add_argument("--only", default=",".join(MEASURES), help="comma-separated: " + ", ".join(MEASURES))
    parser.add_argument("--tui-versions", type=int, default=10_000)
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    runs = 3 if args.quick else args.runs
    rows: list[Row] = []
    compile_package()
    with tempfile.TemporaryDirectory(prefix="reviewtool-bench-") as name:
        tmp = Path(name)
        if "startup" in only:
            rows += startup(tmp, runs)
        corpus = clone_corpus(tmp) if only & {"log", "history", "book"} else None
        if corpus is not None:
            if "log" in only:
                rows.append(log_row(corpus, MSRV, "RFC essay", runs))
                rows.append(log_row(corpus, README, "README", runs))
            if "history" in only:
                rows.append(history_row(corpus, README, "rust-rfcs-rfc-book-active-rfc-list/what-the-process-is",
                                        "README, What the process is", runs))
                rows.append(history_row(corpus, MSRV, "motivation/status-quo", "RFC essay, Status Quo", runs))
            if "book" in only:
                rows += book_rows(tmp, corpus, runs)
        if "generated" in only:
            rows.append(generated_log_row(tmp, runs))
        if "bench_diff" in only:
            rows += bench_diff_rows(runs, args.quick)
        if "tui" in only and not args.quick:
            rows += tui_rows(args.tui_versions)
    print_table(rows, runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
