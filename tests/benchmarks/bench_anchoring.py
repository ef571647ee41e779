"""Benchmark: re-anchoring every comment of a long history onto its newest version, against git.

Run it as a script: ``.venv/bin/python tests/benchmarks/bench_anchoring.py [--versions 200 --comments 400]``.

The history starts from the demo essay (``v10.md``, about 2,000 words). Every
version rewrites a few words in three random sentences; every tenth also moves a
section, every 25th renames a heading. The comments quote random sentences of
the version they are made on, spread evenly over the history, and are written
into the notes ref with one ``git fast-import``.

The job: show the newest version with all its comments, i.e.
:func:`reviewtool.review.anchoring.comments_for_version` from a cold start (new
``DraftHistory``, caches cleared: every old version the comments were made on is
read, parsed and aligned with the newest). git's nearest equivalent -- what a
diff-based porter such as Gerrit's does -- is one ``git diff -U0`` from each
distinct commented blob to the newest blob; the script times that beside ours,
interleaved, and prints the ratio. It also prints the warm time (the same view
again, everything cached) and how many comments ended in each state. Target:
cold <= 3x git. The exit status is always 0: timing is never pass/fail.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reviewtool.draft.document import parse  # noqa: E402
from reviewtool.draft.history import DraftHistory  # noqa: E402
from reviewtool.git.repo import GitRepo  # noqa: E402
from reviewtool.review import anchoring  # noqa: E402
from reviewtool.review.anchoring import comments_for_version, make_anchor  # noqa: E402
from reviewtool.review.events import encode_line  # noqa: E402
from reviewtool.review.section_follow import section_at  # noqa: E402
from reviewtool.review.store import ReviewStore  # noqa: E402
from tests.gitutil import GIT_ENV, fast_import_history, git  # noqa: E402

DRAFT = "drafts/essay.md"
REF = "refs/notes/reviewtool"
_SENTENCE = re.compile(r"[A-Z][^\n]{30,}?[.!?](?=\s)")


def make_texts(n: int, rng: random.Random) -> list[str]:
    text = (ROOT / "reviewtool" / "demo_history" / "v10.md").read_text(encoding="utf-8")
    words = re.findall(r"[a-z]{4,}", text)
    texts = [text]
    for i in range(1, n):
        sents = list(_SENTENCE.finditer(text))
        for m in sorted(rng.sample(sents, 3), key=lambda m: -m.start()):
            ws = m.group().split(" ")
            ws[rng.randrange(len(ws))] = rng.choice(words)
            text = text[:m.start()] + " ".join(ws) + text[m.end():]
        if i % 10 == 0:  # move a section after the next one
            parts = re.split(r"(?m)^(?=## )", text)
            j = rng.randrange(2, len(parts) - 1)
            parts[j], parts[j + 1] = parts[j + 1], parts[j]
            text = "".join(parts)
        if i % 25 == 0:
            heads = re.findall(r"(?m)^## .+$", text)
            h = rng.choice(heads[1:])
            text = text.replace(h, h + " revisited", 1)
        texts.append(text)
    return texts


def build(path: Path, versions: int, comments: int, rng: random.Random) -> int:
    texts = make_texts(versions, rng)
    fast_import_history(path, texts, draft=DRAFT)
    log = git(path, "log", "--reverse", "--format=%H", "main").split()
    blobs = git(path, "cat-file", "--batch-check=%(objectname)",
                input="".join(f"{c}:{DRAFT}\n" for c in log)).split()
    start = datetime(2024, 1, 1, tzinfo=UTC)
    notes: dict[str, list[str]] = collections.defaultdict(list)
    for n in range(comments):
        vi = n * len(log) // comments
        doc = parse(texts[vi])
        m = rng.choice(list(_SENTENCE.finditer(texts[vi])))
        from types import SimpleNamespace
        v = SimpleNamespace(commit=log[vi], path=DRAFT, blob=blobs[vi], short=log[vi][:8], is_worktree=False)
        sec = section_at(doc, m.start())
        a = make_anchor(doc, v, sec.key if sec else None, m.group())
        event = {"v": 1, "id": uuid.UUID(int=rng.getrandbits(128)).hex, "type": "comment",
                 "author": "Ben Reviewer", "email": "ben@example.org",
                 "time": (start + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "body": "Why?",
                 "anchor": {"commit": a.commit, "path": a.path, "blob": a.blob,
                            "section": {"key": a.section_key, "title": a.section_title},
                            "quote": {"start": a.start, "end": a.end, "exact": a.exact,
                                      "prefix": a.prefix, "suffix": a.suffix}}}
        notes[log[vi]].append(encode_line(event))
    chunks = [f"commit {REF}\n".encode(), b"committer Bench <bench@example.org> 1700000000 +0000\n",
              b"data 11\nbench notes\n"]
    for commit, lines in notes.items():
        data = ("\n".join(lines) + "\n").encode()
        chunks.append(f"N inline {commit}\n".encode() + f"data {len(data)}\n".encode() + data + b"\n")
    git(path, "fast-import", "--quiet", input=b"".join(chunks))
    return len(notes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=200)
    parser.add_argument("--comments", type=int, default=400)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import os
    os.environ.update(GIT_ENV)
    rng = random.Random(20240501)
    with tempfile.TemporaryDirectory(prefix="bench-anchoring-") as tmp:
        path = Path(tmp) / "repo"
        commented = build(path, args.versions, args.comments, rng)
        repo = GitRepo.open(path)
        threads = ReviewStore(repo).threads()
        newest_blob = DraftHistory(repo, DRAFT).versions[0].blob
        old_blobs = sorted({t.anchor.blob for t in threads})
        print(f"setup: {args.versions} versions, {len(threads)} comments on {commented} versions "
              f"({len(old_blobs)} distinct blobs)")

        def ours():
            anchoring.clear_caches()
            hist = DraftHistory(GitRepo.open(path), DRAFT)
            return comments_for_version(hist, threads, hist.versions[0])

        def theirs():
            for b in old_blobs:
                subprocess.run(["git", "diff", "-U0", "--no-color", b, newest_blob], cwd=path,
                               capture_output=True, check=True)

        t_ours, t_git = [], []
        result = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            theirs()
            t_git.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = ours()
            t_ours.append(time.perf_counter() - t0)
        hist = DraftHistory(GitRepo.open(path), DRAFT)
        comments_for_version(hist, threads, hist.versions[0])
        t0 = time.perf_counter()
        comments_for_version(hist, threads, hist.versions[0])
        warm = time.perf_counter() - t0

        med = statistics.median
        states = collections.Counter(p.state for _, p in result)
        print(f"git diff -U0 per commented blob : median {med(t_git) * 1000:8.1f} ms")
        print(f"comments_for_version (cold)     : median {med(t_ours) * 1000:8.1f} ms "
              f"({med(t_ours) / max(1, len(result)) * 1000:.2f} ms per comment)")
        print(f"comments_for_version (warm)     : {warm * 1000:8.1f} ms")
        ratio = med(t_ours) / med(t_git)
        print(f"ratio cold/git: {ratio:.2f}x {'(target <= 3x)' if ratio <= 3 else 'MISSED (target <= 3x)'}")
        print("states: " + ", ".join(f"{s} {states[s]}" for s in anchoring.STATES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
