"""Benchmark: section alignment, outline->prose matching and section history, against git.

Run it as a script: ``.venv/bin/python tests/benchmarks/bench_align.py [--sections 500] [--versions 200]``.

Text comes from an order-2 word Markov chain (the licence texts in
``/usr/share/common-licenses`` when present, as in the research note, else the
bundled demo essay), seeded, so every run sees the same documents.

1. **Alignment, 500 x 500 sections** (about 100,000 words, 200 per section).
   Version B edits 5% of the words, moves two sections and renames one
   heading ("realistic"); a second B renames every heading as well ("worst
   case": nothing matches by key, everything goes through scoring and
   assignment). Timed: :func:`align` alone on parsed documents, beside
   ``git diff --no-index --word-diff=porcelain`` on the same two files.
2. **Outline -> prose** (the research note's "hard" mode): each prose section
   gets an outline bullet whose working title has 40% of its words replaced
   and 2-4 sub-points of 5 words, 40% of them noise. Reported: the share of
   bullets aligned (promoted) to their own section and placed on it by
   :func:`coverage`, at 50 and 500 sections, and the time.
3. **Section history** over a long history (one commit per version, every
   10th version moves the section, every 25th renames it): one
   :func:`section_history` call from a cold cache, beside ``git log --follow -p``
   of the same file.

Timing is never pass/fail: the exit status is always 0.
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reviewtool.diff.align import align, clear_cache  # noqa: E402
from reviewtool.diff.coverage import coverage  # noqa: E402
from reviewtool.diff.section_history import section_history  # noqa: E402
from reviewtool.draft.document import parse  # noqa: E402
from reviewtool.draft.history import DraftHistory  # noqa: E402
from reviewtool.git.repo import GitRepo  # noqa: E402
from tests.gitutil import fast_import_history  # noqa: E402


def corpus() -> list[str]:
    licences = Path("/usr/share/common-licenses")
    words: list[str] = []
    if licences.is_dir():
        for f in sorted(licences.iterdir()):
            if f.is_file():
                words += f.read_text(encoding="utf-8", errors="replace").split()
    if len(words) < 5000:
        words += (ROOT / "reviewtool" / "demo_history" / "v10.md").read_text(encoding="utf-8").split()
    return [w for w in words if not w.startswith(("#", "-", ">", "*", "[", "`"))]


class Markov:
    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.rng = rng
        self.words = words
        self.chain: dict[tuple[str, str], list[str]] = {}
        for a, b, c in zip(words, words[1:], words[2:]):
            self.chain.setdefault((a, b), []).append(c)
        self.keys = sorted(self.chain)

    def words_(self, n: int) -> list[str]:
        key = self.rng.choice(self.keys)
        out = list(key)
        while len(out) < n:
            nxt = self.chain.get(key)
            if not nxt:
                key = self.rng.choice(self.keys)
                out += key
                continue
            w = self.rng.choice(nxt)
            out.append(w)
            key = (key[1], w)
        return out[:n]

    def title(self, n: int = 4) -> str:
        return " ".join(re.sub(r"[^\w'-]", "", w) or "x" for w in self.words_(n)).strip().capitalize()


def render(sections: list[list]) -> str:
    return "".join(f"## {t}\n\n" + "\n\n".join(ps) + "\n\n" for t, ps in sections)


def edit(sections: list[list], share: float, rng: random.Random, vocab: list[str]) -> None:
    """Edit about *share* of the words: equal shares of substitutions, deletions, insertions."""
    for s in sections:
        for k, p in enumerate(s[1]):
            ws = p.split()
            for _ in range(sum(rng.random() < share for _ in ws)):
                op, pos = rng.randrange(3), rng.randrange(len(ws))
                if op == 0:
                    ws[pos] = rng.choice(vocab)
                elif op == 1 and len(ws) > 5:
                    del ws[pos]
                else:
                    ws.insert(pos, rng.choice(vocab))
            s[1][k] = " ".join(ws)


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def git_word_diff(a: Path, b: Path) -> None:
    subprocess.run(["git", "diff", "--no-index", "--word-diff=porcelain", "--", str(a), str(b)],
                   capture_output=True, check=False)


def bench_alignment(n: int, markov: Markov, rng: random.Random, tmp: Path) -> None:
    sections = [[markov.title() + f" {i}", [" ".join(markov.words_(50)) for _ in range(4)]] for i in range(n)]
    b = copy.deepcopy(sections)
    edit(b, 0.05, rng, markov.words)
    b.insert(n * 3 // 5, b.pop(n // 50))
    b.insert(n // 10, b.pop(n * 2 // 5))
    b[n // 5][0] = "A completely new heading"
    worst = copy.deepcopy(b)
    for i, s in enumerate(worst):
        s[0] = f"Renamed heading {i}"
    old_text = render(sections)
    old_doc = parse(old_text)
    (tmp / "a.md").write_text(old_text)
    print(f"\n1. alignment: {n} x {n} sections, {old_doc.words:,} words")
    for name, version in (("realistic", b), ("worst case", worst)):
        new_text = render(version)
        new_doc = parse(new_text)
        (tmp / "b.md").write_text(new_text)
        ours = median_time(lambda old_doc=old_doc, new_doc=new_doc: (clear_cache(), align(old_doc, new_doc)), 5)  # cold: nothing cached
        git = median_time(lambda: git_word_diff(tmp / "a.md", tmp / "b.md"), 5)
        al = align(old_doc, new_doc)
        counts: dict[str, int] = {}
        for p in al.pairs:
            label = "+".join(p.status)
            counts[label] = counts.get(label, 0) + 1
        print(f"   {name:10}: align {ours * 1000:7.1f} ms, git --word-diff {git * 1000:6.1f} ms, "
              f"ratio {ours / git:5.1f}x; pairs {dict(sorted(counts.items(), key=lambda kv: -kv[1]))}")


def noisy(words: list[str], share: float, rng: random.Random, vocab: list[str]) -> list[str]:
    """*words* with about *share* of them replaced by random words, punctuation stripped."""
    out = [rng.choice(vocab) if rng.random() < share else w for w in words]
    return [re.sub(r"[^\w'-]", "", w) or "x" for w in out]


def bench_outline(n: int, markov: Markov, rng: random.Random) -> None:
    sections = [[markov.title() + f" {i}", [" ".join(markov.words_(60)) for _ in range(3)]] for i in range(n)]
    bullets = []
    for title, paras in sections:
        body = " ".join(paras).split()
        working = " ".join(noisy(title.split(), 0.4, rng, markov.words))
        subs = []
        for _ in range(rng.randint(2, 4)):
            start = rng.randrange(max(1, len(body) - 5))
            subs.append(" ".join(noisy(body[start:start + 5], 0.4, rng, markov.words)))
        bullets.append("- " + re.sub(r"[.!?;:]+$", "", working) + "\n" + "".join(f"  - {s}\n" for s in subs))
    outline = parse("## Plan\n\n" + "".join(bullets))
    order = list(range(n))
    rng.shuffle(order)
    prose = parse(render([sections[i] for i in order]))
    outline_bullets = [s for s in outline.sections if s.kind == "outline"]
    prose_heads = [s for s in prose.sections if s.kind == "heading"]
    truth = {outline_bullets[i].key: prose_heads[order.index(i)].key for i in range(n)}
    t = time.perf_counter()
    al = align(outline, prose)
    t_align = time.perf_counter() - t
    right = sum(1 for b, key in truth.items()
                if (p := al.for_old(b)) is not None and key in p.new_keys and "promoted" in p.status)
    t = time.perf_counter()
    cov = coverage(outline, prose)
    t_cov = time.perf_counter() - t
    placed = sum(1 for b in cov.bullets if b.placement.section is not None and b.placement.section.key == truth[b.key])
    print(f"   {n:4} bullets: aligned to their section {right / n:.2f} ({t_align * 1000:.0f} ms), "
          f"coverage placed {placed / n:.2f} ({t_cov * 1000:.0f} ms), sub-points found {cov.point_share:.2f}")


def bench_history(n_versions: int, markov: Markov, rng: random.Random, tmp: Path) -> None:
    sections = [[markov.title() + f" {i}", [" ".join(markov.words_(60)) for _ in range(3)]] for i in range(40)]
    tracked = 7
    texts = []
    for v in range(n_versions):
        edit(sections, 0.01, rng, markov.words)
        if v and v % 10 == 0:  # move the tracked section one place
            pos = next(i for i, s in enumerate(sections) if s[0].endswith(f" {tracked}"))
            sections.insert((pos + 3) % len(sections), sections.pop(pos))
        if v and v % 25 == 0:
            pos = next(i for i, s in enumerate(sections) if s[0].endswith(f" {tracked}"))
            sections[pos][0] = markov.title() + f" {tracked}"
        texts.append(render(sections))
    repo = fast_import_history(tmp / "history", texts)
    key = next(s.key for s in parse(texts[-1]).sections if s.title.endswith(f" {tracked}"))

    def ours() -> int:
        hist = DraftHistory(GitRepo.open(repo.path), "drafts/essay.md")
        return len(section_history(hist, key))

    def git() -> None:
        subprocess.run(["git", "-C", str(repo.path), "log", "--follow", "-p", "--", "drafts/essay.md"],
                       capture_output=True, check=True)

    entries = ours()
    t_ours, t_git = median_time(ours, 3), median_time(git, 3)
    print(f"\n3. section history: {n_versions} versions x 40 sections, {entries} entries for one section")
    print(f"   section_history {t_ours:.2f} s ({t_ours / n_versions * 1000:.1f} ms per version), "
          f"git log --follow -p {t_git:.2f} s, ratio {t_ours / t_git:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=500)
    parser.add_argument("--versions", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(20240302)
    markov = Markov(corpus(), rng)
    with tempfile.TemporaryDirectory() as tmp:
        bench_alignment(args.sections, markov, rng, Path(tmp))
        print("\n2. outline -> prose, hard mode (40% noise in titles and sub-points)")
        for n in (50, args.sections):
            bench_outline(n, markov, rng)
        bench_history(args.versions, markov, rng, Path(tmp))


if __name__ == "__main__":
    main()
