"""Benchmark: the versions of a draft over a long history, against ``git log --follow``.

Run it as a script: ``.venv/bin/python tests/benchmarks/bench_history.py [--commits 10000] [--runs 5] [--big]``.

1. **versions()** on a history of N commits (default 10,000) of one draft of
   about 2,000 words, built with one ``git fast-import``: every commit makes a
   small edit (a few words replaced, now and then a sentence added or
   removed), and the draft is renamed once, in the middle. Timed (median of
   ``--runs``) beside ``git log --follow --format=%H -- PATH`` on the same
   repository in the same run; both must return the same number of commits.
   Also shown: the exact git command versions() runs (``--cc --raw -z`` and
   the log format), to separate git's work from our parsing, and versions()
   without the working-tree check.
2. **Reading every version**: the text of all N versions through the
   persistent ``cat-file --batch``, beside one ``git cat-file --batch`` run
   reading the same blobs.
3. ``reviewtool log --json`` for the newest 1,000 versions (every version parsed for
   its words, sections and prose share) in a new process: the first run, and a later
   run that reads the stats cache; beside ``git log --follow`` of as many commits.
4. ``--big``: ``reviewtool sections`` on a realistic 20 MB draft (headings,
   paragraphs, lists), beside ``git cat-file -p`` of the same blob.

Timing is never pass/fail: the exit status is 0 unless the counts disagree.
"""

from __future__ import annotations

import argparse
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

from reviewtool.draft.history import _LOG_FORMAT, DraftHistory, versions  # noqa: E402
from reviewtool.git.repo import GitRepo  # noqa: E402
from tests.gitutil import GIT_ENV, git, make_repo  # noqa: E402

VOCAB = ["the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not", "this", "are", "or", "from", "at", "which", "but", "have", "an", "they", "you", "were", "their", "has", "would", "when", "if", "so", "no", "will", "more", "can", "out", "up", "who", "essay", "argument", "model", "optimizer", "training", "behaviour", "system", "inner", "outer", "alignment", "objective", "mesa", "learned", "evidence", "reason", "claim"]
DRAFT = "drafts/essay.md"
RENAMED = "drafts/renamed-essay.md"


def interleaved(fns: dict[str, object], runs: int) -> tuple[dict[str, float], dict[str, object]]:
    """Median time of each function, the runs interleaved (round robin) so that a
    change in machine load hits every contender alike."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    results: dict[str, object] = {}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}, results


class Draft:
    """A ~2,000-word essay: a front matter, ten sections of prose, an outline list."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sections = [[self.sentence() for _ in range(12)] for _ in range(10)]

    def sentence(self) -> list[str]:
        words = [self.rng.choice(VOCAB) for _ in range(self.rng.randint(10, 22))]
        words[0] = words[0].capitalize()
        return words

    def edit(self) -> None:
        """A small edit: replace 1-3 words; sometimes add or drop a sentence."""
        sec = self.rng.choice(self.sections)
        roll = self.rng.random()
        if roll < 0.05 and len(sec) < 18:
            sec.insert(self.rng.randrange(len(sec) + 1), self.sentence())
        elif roll < 0.10 and len(sec) > 6:
            sec.pop(self.rng.randrange(len(sec)))
        else:
            for _ in range(self.rng.randint(1, 3)):
                s = self.rng.choice(sec)
                s[self.rng.randrange(len(s))] = self.rng.choice(VOCAB)

    def text(self) -> str:
        out = ["---\ntitle: A long-lived essay\nlayout: post\n---\n\n# A long-lived essay\n"]
        for i, sec in enumerate(self.sections):
            out.append(f"\n## Section {i + 1}\n\n")
            paras = [sec[j:j + 4] for j in range(0, len(sec), 4)]
            out.append("\n\n".join(" ".join(" ".join(s) + "." for s in p) for p in paras) + "\n")
        out.append("\n## Plan\n\n- Costs\n  - fuel and parking\n- Health\n- Conclusion\n")
        return "".join(out)


def build_history(path: Path, commits: int, seed: int = 7) -> Path:
    """One fast-import stream: *commits* commits, the draft renamed at the middle one."""
    make_repo(path)
    rng = random.Random(seed)
    draft = Draft(rng)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE,
                            env={**os.environ, **GIT_ENV})
    assert proc.stdin is not None
    current = DRAFT
    for i in range(commits):
        if i:
            draft.edit()
        data = draft.text().encode()
        msg = f"Edit {i + 1}".encode()
        when = 1_600_000_000 + i * 600
        lines = [b"commit refs/heads/main", f"mark :{i + 1}".encode(),
                 f"author Ada Author <ada@example.org> {when} +0000".encode(),
                 f"committer Ada Author <ada@example.org> {when} +0000".encode(),
                 b"data " + str(len(msg)).encode(), msg]
        if i:
            lines.append(f"from :{i}".encode())
        if i == commits // 2:
            lines.append(f"D {current}".encode())
            current = RENAMED
        lines += [f"M 100644 inline {current}".encode(), b"data " + str(len(data)).encode()]
        proc.stdin.write(b"\n".join(lines) + b"\n" + data + b"\n")
    proc.stdin.close()
    assert proc.wait() == 0
    git(path, "reset", "-q", "--hard", "main")
    return path


def bench_versions(repo_path: Path, runs: int) -> bool:
    print(f"\n1. versions() of {RENAMED} (renamed once, from {DRAFT})")
    git_cmd = ["git", "log", "--follow", "--format=%H", "--", RENAMED]
    ours_cmd = ["git", "log", "--follow", "--cc", "--raw", "--no-abbrev", "-z", "--no-color",
                "--no-show-signature", "--no-ext-diff", "--no-textconv", f"--format={_LOG_FORMAT}", "HEAD",
                "--", RENAMED]

    def run_git(cmd):
        return subprocess.run(cmd, cwd=repo_path, capture_output=True, check=True,
                              env={**os.environ, "LC_ALL": "C", "GIT_LITERAL_PATHSPECS": "1"}).stdout

    t, res = interleaved({
        "git": lambda: run_git(git_cmd),
        "same": lambda: run_git(ours_cmd),
        "ours": lambda: versions(GitRepo.open(repo_path), RENAMED),
        "nowt": lambda: versions(GitRepo.open(repo_path), RENAMED, include_worktree=False),
    }, runs)
    t_git, t_same, t_ours, t_nowt = t["git"], t["same"], t["ours"], t["nowt"]
    git_count = len(res["git"].split())
    ours_count = len(res["ours"])
    ok = ours_count == git_count
    print(f"   commits listed: versions() {ours_count}, git log --follow {git_count}: "
          f"{'same' if ok else 'DIFFERENT'}")
    print(f"   git log --follow --format=%H          {t_git * 1000:8.1f} ms")
    print(f"   the same log with --cc --raw -z       {t_same * 1000:8.1f} ms   "
          f"(x{t_same / t_git:.2f}: git's extra work for blobs and merges)")
    print(f"   versions() without worktree check     {t_nowt * 1000:8.1f} ms   (x{t_nowt / t_git:.2f})")
    print(f"   versions()                            {t_ours * 1000:8.1f} ms   (x{t_ours / t_git:.2f})")
    print(f"   ratio versions() / git log --follow: {t_ours / t_git:.2f} (target <= 2)")
    return ok


def bench_read_all(repo_path: Path, runs: int) -> None:
    vs = versions(GitRepo.open(repo_path), RENAMED)
    blobs = [v.blob for v in vs if v.blob]
    print(f"\n2. reading the text of all {len(blobs)} versions")

    def ours():
        hist = DraftHistory(GitRepo.open(repo_path), RENAMED)
        hist._versions = vs
        return sum(len(hist.text(v)) for v in vs if v.blob)

    def theirs():
        out = subprocess.run(["git", "cat-file", "--batch"], cwd=repo_path, input="\n".join(blobs).encode() + b"\n",
                             capture_output=True, check=True).stdout
        return len(out)

    t, res = interleaved({"git": theirs, "ours": ours}, max(1, runs // 2))
    t_git, t_ours, n = t["git"], t["ours"], res["ours"]
    print(f"   git cat-file --batch                  {t_git * 1000:8.1f} ms")
    print(f"   DraftHistory.text() x {len(blobs):<6}         {t_ours * 1000:8.1f} ms   (x{t_ours / t_git:.2f}, "
          f"{n / 1e6:.0f} MB of text)")


def bench_log(repo_path: Path, runs: int, limit: int) -> None:
    """``reviewtool log --json`` (words, sections, prose share of every version): the first
    run parses every version; later runs read the stats cache (see stats_cache.py)."""
    print(f"\n3. reviewtool log --json -n {limit} (stats of every version), beside git log --follow -n {limit}")
    cmd = [sys.executable, "-m", "reviewtool", "-C", str(repo_path), "log", "--json", "-n", str(limit)]
    git_cmd = ["git", "log", "--follow", "--format=%H", "-n", str(limit), "--", RENAMED]
    cache = repo_path / ".git" / "reviewtool"

    def timed(argv: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=repo_path, capture_output=True, check=True)
        return time.perf_counter() - t0

    one = [*cmd[:-1], "1"]
    cold, warm, git, start = [], [], [], []
    for _ in range(max(1, runs // 2)):
        for f in cache.glob("stats-*.jsonl"):
            f.unlink()
        git.append(timed(git_cmd))
        cold.append(timed(cmd))
        warm.append(timed(cmd))
        start.append(timed(one))
    med = statistics.median
    print(f"   git log --follow                      {med(git) * 1000:8.1f} ms")
    print(f"   first run (parses every version)      {med(cold) * 1000:8.1f} ms   (x{med(cold) / med(git):.1f})")
    print(f"   later runs (stats cache)              {med(warm) * 1000:8.1f} ms   (x{med(warm) / med(git):.1f})")
    print(f"   of which start-up (log -n 1, cached)  {med(start) * 1000:8.1f} ms   (Python, imports, history)")


def big_draft(rng: random.Random, target: int = 20_000_000) -> str:
    parts = ["---\ntitle: Big\n---\n\n"]
    size = i = 0
    while size < target:
        i += 1
        level = rng.choice([1, 2, 2, 3, 3, 4])
        paras = "\n\n".join(" ".join(" ".join(rng.choice(VOCAB) for _ in range(rng.randint(8, 20))).capitalize()
                                     + "." for _ in range(5)) for _ in range(3))
        chunk = "#" * level + f" Section {i}\n\n{paras}\n\n"
        if i % 4 == 0:
            chunk += "".join(f"- point {k}\n  - detail {k}\n" for k in range(4)) + "\n"
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)


def bench_big(tmp: Path, runs: int) -> None:
    repo = make_repo(tmp / "big")
    text = big_draft(random.Random(3))
    (repo.path / "drafts").mkdir()
    (repo.path / DRAFT).write_text(text, encoding="utf-8")
    repo.commit("A 20 MB draft")
    print(f"\n3. reviewtool sections on a {len(text.encode()) / 1e6:.1f} MB draft")
    exe = [str(Path(sys.executable).with_name("reviewtool"))]
    t, res = interleaved({
        "git": lambda: subprocess.run(["git", "cat-file", "-p", f"HEAD:{DRAFT}"], cwd=repo.path,
                                      capture_output=True, check=True),
        "ours": lambda: subprocess.run([*exe, "sections"], cwd=repo.path, capture_output=True, check=True),
    }, runs)
    t_git, t_ours, proc = t["git"], t["ours"], res["ours"]
    print(f"   git cat-file -p                       {t_git * 1000:8.1f} ms")
    print(f"   reviewtool sections                   {t_ours * 1000:8.1f} ms   (x{t_ours / t_git:.0f})")
    print(f"   {proc.stdout.decode().splitlines()[0]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commits", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big", action="store_true", help="also time `reviewtool sections` on a 20 MB draft")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        t0 = time.perf_counter()
        path = build_history(Path(tmp) / "history", args.commits)
        words = len((path / RENAMED).read_text(encoding="utf-8").split())
        print(f"built {args.commits} commits with git fast-import in {time.perf_counter() - t0:.1f} s "
              f"(draft: {len(Draft(random.Random(7)).text().split())} words at first, {words} at the end)")
        ok = bench_versions(path, args.runs)
        bench_read_all(path, args.runs)
        bench_log(path, args.runs, min(args.commits, 1000))
        if args.big:
            bench_big(Path(tmp), max(1, min(args.runs, 3)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
