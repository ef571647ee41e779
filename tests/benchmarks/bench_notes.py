"""Benchmark: load every review thread from git notes, against git reading the same notes.

Builds a draft history of 1,000 versions (one ``git fast-import``) and 10,000 comment
threads in ``refs/notes/reviewtool`` (10 per version, plus replies, edits and
resolutions; also written with one ``git fast-import`` on the notes ref, so setup is
quick and does not count). Then times, in the same run and on the same repository:

* ``ReviewStore.load()``: read the notes tree and every note blob through one
  ``git cat-file --batch``, parse every JSON line (orjson, a dependency; the same with
  the stdlib decoder alone is printed too), fold into threads (and, as the result is
  dropped inside the timing, free it all again);
* ``git log --notes=refs/notes/reviewtool --format=%N``: git printing the same notes.

reviewtool keeps no parse cache, so every load parses every note: there is no "warm"
load that skips work, each timed load is the cold case (a fresh clone, or a sync that
brought many notes). The very first load of the process (nothing imported or compiled
yet on the notes path) is reported too. Prints the median of interleaved runs of each
and their ratio (target: <= 3x).

Run: ``.venv/bin/python tests/benchmarks/bench_notes.py [--versions N] [--comments N]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reviewtool.git.repo import GitRepo  # noqa: E402
from reviewtool.review import codec  # noqa: E402
from reviewtool.review.events import encode_line  # noqa: E402
from reviewtool.review.store import ReviewStore  # noqa: E402
from tests.gitutil import GIT_ENV, fast_import_history, git  # noqa: E402

REF = "refs/notes/reviewtool"
WORDS = ["essay", "draft", "argument", "evidence", "section", "claim", "reader", "paragraph", "outline", "revise", "clarity", "structure", "example", "thesis", "conclusion", "tone", "transition", "citation"]


def make_texts(n: int, rng: random.Random) -> list[str]:
    """*n* versions of a growing draft (front matter, a few sections of prose)."""
    texts = []
    paragraphs: list[str] = []
    for i in range(n):
        if i % 10 == 0 or not paragraphs:
            paragraphs.append(" ".join(rng.choice(WORDS) for _ in range(60)) + ".")
        else:
            j = rng.randrange(len(paragraphs))
            paragraphs[j] = paragraphs[j].rstrip(".") + " " + rng.choice(WORDS) + "."
        body = "\n\n".join(f"## Part {k + 1}\n\n{p}" for k, p in enumerate(paragraphs[-12:]))
        texts.append(f"---\ntitle: Bench essay\n---\n\n# Bench essay\n\n{body}\n")
    return texts


def build(path: Path, versions: int, comments: int, seed: int = 7) -> tuple[int, int]:
    """Build the repository; returns (events written, notes written)."""
    rng = random.Random(seed)
    texts = make_texts(versions, rng)
    fast_import_history(path, texts)
    log = git(path, "log", "--reverse", "--format=%H", "main").split()
    blobs = git(path, "cat-file", "--batch-check=%(objectname)",
                input="".join(f"{c}:drafts/essay.md\n" for c in log)).split()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    people = [("Ada Author", "ada@example.org"), ("Ben Reviewer", "ben@example.org"),
              ("Cy Editor", "cy@example.org")]
    notes: dict[str, list[str]] = {c: [] for c in log}
    events = 0
    for n in range(comments):
        vi = n % len(log)
        commit, blob, text = log[vi], blobs[vi], texts[vi]
        when = start + timedelta(seconds=n * 7)
        name, email = people[n % len(people)]
        a = rng.randrange(0, max(1, len(text) - 80))
        b = a + rng.randrange(10, 70)
        cid = uuid.UUID(int=rng.getrandbits(128)).hex
        comment = {"v": 1, "id": cid, "type": "comment", "author": name, "email": email,
                   "time": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                   "body": " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 40))),
                   "anchor": {"commit": commit, "path": "drafts/essay.md", "blob": blob,
                              "section": {"key": "part-1", "title": "Part 1"},
                              "quote": {"start": a, "end": b, "exact": text[a:b],
                                        "prefix": text[max(0, a - 32):a], "suffix": text[b:b + 32]}}}
        lines = [encode_line(comment)]
        # About half of the threads get follow-ups: a reply, sometimes an edit or a resolution.
        if n % 2 == 0:
            rname, remail = people[(n + 1) % len(people)]
            rid = uuid.UUID(int=rng.getrandbits(128)).hex
            lines.append(encode_line({"v": 1, "id": rid, "type": "reply", "target": cid, "author": rname,
                                      "email": remail, "time": (when + timedelta(seconds=1)).strftime(
                                          "%Y-%m-%dT%H:%M:%S.%fZ"), "body": "Agreed, " + rng.choice(WORDS)}))
        if n % 4 == 0:
            lines.append(encode_line({"v": 1, "id": uuid.UUID(int=rng.getrandbits(128)).hex, "type": "resolve",
                                      "target": cid, "author": name, "email": email,
                                      "time": (when + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}))
        if n % 5 == 0:
            lines.append(encode_line({"v": 1, "id": uuid.UUID(int=rng.getrandbits(128)).hex, "type": "edit",
                                      "target": cid, "author": name, "email": email,
                                      "time": (when + timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                                      "body": "Edited: " + rng.choice(WORDS)}))
        events += len(lines)
        notes[commit].extend(lines)
    # One fast-import commit on the notes ref holding every note (fast-import picks the fanout).
    chunks = [b"commit " + REF.encode() + b"\n",
              b"committer Bench <bench@example.org> 1700000000 +0000\n", b"data 11\nbench notes\n"]
    for commit, lines in notes.items():
        if not lines:
            continue
        data = ("\n".join(lines) + "\n").encode()
        chunks.append(b"N inline " + commit.encode() + b"\n")
        chunks.append(b"data " + str(len(data)).encode() + b"\n" + data + b"\n")
    git(path, "fast-import", "--quiet", input=b"".join(chunks))
    return events, sum(1 for v in notes.values() if v)


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def interleaved(ours, theirs, runs: int, cpu: list[tuple[float, float]] | None = None
                ) -> tuple[list[float], list[float], list[float]]:
    """Time *ours* and *theirs* alternately, so both see the same machine load.

    Returns the times of *ours* including freeing its result (as a command that loads,
    prints and exits pays it), of *ours* until it returned, and of *theirs*. When *cpu* is
    a list, ``(ours, theirs)`` CPU seconds of every process involved are added to it per run.
    """
    t_ours, t_returned, t_theirs = [], [], []
    for _ in range(runs):
        c0 = _cpu()
        t0 = time.perf_counter()
        theirs()
        t_theirs.append(time.perf_counter() - t0)
        c1 = _cpu()
        t0 = time.perf_counter()
        result = ours()
        t1 = time.perf_counter()
        del result
        t_ours.append(time.perf_counter() - t0)
        t_returned.append(t1 - t0)
        if cpu is not None:
            cpu.append((_cpu() - c1, c1 - c0))
    return t_ours, t_returned, t_theirs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    os.environ.update(dict(GIT_ENV.items()))
    with tempfile.TemporaryDirectory(prefix="bench-notes-") as tmp:
        path = Path(tmp) / "repo"
        t0 = time.perf_counter()
        events, notes = build(path, args.versions, args.comments)
        print(f"setup: {args.versions} versions, {notes} notes, {events} events "
              f"({args.comments} comments) in {time.perf_counter() - t0:.1f} s")
        repo = GitRepo.open(path)
        store = ReviewStore(repo)

        def ours():
            threads, problems = store.load()
            assert not problems, problems[:3]
            return threads

        def theirs():
            return subprocess.run(["git", "log", f"--notes={REF}", "--format=%N", "main"], cwd=path,
                                  capture_output=True, check=True).stdout

        t0 = time.perf_counter()
        first = ours()  # the first load in this process
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = theirs()
        t_git_first = time.perf_counter() - t0
        assert len(first) == args.comments, len(first)
        git_lines = sum(1 for line in out.split(b"\n") if line.startswith(b"{"))
        assert git_lines == events, (git_lines, events)
        n = args.comments  # what build() wrote: a reply to every 2nd thread, resolve every 4th, edit every 5th
        assert sum(len(t.replies) for t in first) == (n + 1) // 2
        assert sum(t.resolved for t in first) == (n + 3) // 4
        assert sum(len(t.edits) for t in first) == (n + 4) // 5
        del first, out
        print(f"first load in this process: {t_first * 1000:.1f} ms (git log: {t_git_first * 1000:.1f} ms)")
        med = statistics.median
        cpu: list[tuple[float, float]] = []
        t_ours, t_returned, t_git = interleaved(ours, theirs, args.runs, cpu)
        ratios = [a / b for a, b in zip(t_ours, t_git)]
        ratio = med(ratios)
        print(f"ReviewStore.load(): median {med(t_ours) * 1000:7.1f} ms, min {min(t_ours) * 1000:7.1f} ms | "
              f"git log --notes --format=%N: median {med(t_git) * 1000:6.1f} ms, min {min(t_git) * 1000:6.1f} ms"
              f" | ratio {ratio:.2f}x (median of {args.runs} interleaved pairs), "
              f"{min(t_ours) / min(t_git):.2f}x (minimums)")
        print(f"  of which freeing the result: median {med(a - b for a, b in zip(t_ours, t_returned)) * 1000:.1f} ms "
              f"(until load() returned: ratio {med(a / b for a, b in zip(t_returned, t_git)):.2f}x; "
              f"the verdict counts the freeing)")
        # CPU time is less sensitive than wall time to other load on the machine (which
        # slows our two-process pipeline more than git's one process); shown, not judged.
        print(f"  CPU time of every process involved: ours median {med(c for c, _ in cpu) * 1000:.1f} ms, "
              f"git {med(g for _, g in cpu) * 1000:.1f} ms, ratio {med(c / g for c, g in cpu if g):.2f}x")
        # The same, with the stdlib JSON decoder alone (orjson is a dependency, but the
        # stdlib path is what runs where orjson has no wheel; shown, not judged).
        if codec._orjson is not None:
            saved, codec._orjson = codec._orjson, None
            try:
                s_ours, _, s_git = interleaved(ours, theirs, max(5, args.runs // 3))
            finally:
                codec._orjson = saved
            print(f"  with the stdlib JSON decoder instead of orjson: median {med(s_ours) * 1000:.1f} ms, "
                  f"ratio {med(a / b for a, b in zip(s_ours, s_git)):.2f}x")
        print(f"{git_lines} event lines, {args.comments} threads, JSON decoder: "
              f"{'orjson ' + codec._orjson.__version__ if codec._orjson else 'stdlib'}. "
              f"ratio: {ratio:.2f}x (target <= 3x) -> {'OK' if ratio <= 3 else 'TOO SLOW'}")
        repo.close()
        return 0 if ratio <= 3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
