"""Benchmark: reviewtool's section diff against ``git diff --word-diff`` on generated essays.

Run it as a script: ``.venv/bin/python tests/benchmarks/bench_diff.py [--sizes 10000,100000]``.

Essays of 10,000 and 100,000 words are generated deterministically (seeded
random, an order-2 word Markov chain over English text bundled with Python and
with reviewtool: the CPython licence, ``import this`` and the demo essay).
Sections hold about 200 words under ``##`` headings, one paragraph per line.
The second version edits 5% of the body words (equal shares of substitutions,
deletions and insertions), moves two sections, renames one heading and splits
one section in two.

For each size the script times our full diff -- parse both versions from
their texts, align the sections, word-diff every pair -- beside
``git diff --no-index --word-diff=porcelain`` on the same two files, in the
same process: the median of several runs, the two tools taking turns, with our
caches emptied before every run (nothing computed in one run is reused by the
next). It prints wall-clock and CPU time for both tools (git's CPU time
includes starting the process, which is part of git doing the job), the ratio
of each, a CPU breakdown of our phases, a floor (both texts cut into chunks and each chunk
read once -- by the plain-chunk fast path, else by markdown-it -- plus the changed pairs'
texts cut at single spaces and counted once: what any diff built like ours pays, as a
multiple of git), markdown-it's parse of both whole texts as a reference, and both tools' changed-word counts against the true number
of edited words. Targets (issue 13): <= 4x git at 10,000 words,
<= 6x at 100,000 -- in wall-clock and in CPU time -- and our changed words
within 10% of the truth. The exit status is 0 either way (timing is never a
pass/fail test); misses are printed as MISSED.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reviewtool.diff.align import align, clear_cache  # noqa: E402
from reviewtool.diff.markup import clear_markup_changes  # noqa: E402
from reviewtool.diff.paragraphs import clear_rows  # noqa: E402
from reviewtool.diff.section_diff import diff_documents, diff_pairs, pair_texts  # noqa: E402
from reviewtool.diff.word_diff import clear_word_diffs  # noqa: E402
from reviewtool.diff.word_tokens import space_units, tokenize  # noqa: E402
from reviewtool.draft import chunks, document  # noqa: E402
from reviewtool.draft.assembly import clear_walk  # noqa: E402
from reviewtool.draft.chunks import clear_chunk_cache  # noqa: E402
from reviewtool.draft.document import parse  # noqa: E402
from reviewtool.draft.front_matter import clear_loaded  # noqa: E402
from reviewtool.draft.plain_chunks import plain_blocks  # noqa: E402

#: Corpus tokens that are exactly one word: letters with inner apostrophes or
#: hyphens, optionally wrapped in quotes/brackets and followed by punctuation.
#: One such token is one word for both git (whitespace words) and reviewtool.
_TOKEN_OK = re.compile(r"[\"(]?[A-Za-z]+(?:['’-][A-Za-z]+)*[.,;:!?]?[\")]?")
_WORD_ONLY = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
SECTION_WORDS = 200
EDIT_SHARE = 0.05


# ---------------------------------------------------------------- corpus and generator


@functools.lru_cache(maxsize=1)
def corpus_tokens() -> list[str]:
    """English text bundled with Python and reviewtool, as one-word whitespace tokens."""
    import codecs
    import contextlib
    import io

    texts = []
    licence = Path(sys.base_prefix, "lib", f"python{sys.version_info.major}.{sys.version_info.minor}",
                   "LICENSE.txt")
    if licence.is_file():
        texts.append(licence.read_text(encoding="utf-8", errors="replace"))
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    texts.append(codecs.decode(this.s, "rot13"))
    demo = ROOT / "reviewtool" / "demo_history"
    for path in sorted(demo.glob("v*.md")):
        texts.append(path.read_text(encoding="utf-8"))
    tokens = [t for text in texts for t in text.split() if _TOKEN_OK.fullmatch(t)]
    if len(tokens) < 1000:
        raise SystemExit("bench_diff: not enough bundled English text to build a corpus")
    return tokens


@functools.lru_cache(maxsize=1)
def _chain() -> Markov:
    return Markov(corpus_tokens())


@functools.lru_cache(maxsize=1)
def _vocab() -> list[str]:
    """Lowercase corpus words of more than three letters (for headings)."""
    return sorted({m.lower() for t in corpus_tokens() for m in _WORD_ONLY.findall(t) if len(m) > 3})


class Markov:
    """An order-2 word Markov chain."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.next: dict[tuple[str, str], list[str]] = {}
        for a, b, c in zip(tokens, tokens[1:], tokens[2:]):
            self.next.setdefault((a, b), []).append(c)

    def words(self, rng: random.Random, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            k = rng.randrange(len(self.tokens) - 2)
            a, b = self.tokens[k], self.tokens[k + 1]
            out += [a, b]
            while len(out) < n:
                options = self.next.get((a, b))
                if not options:
                    break
                c = rng.choice(options)
                out.append(c)
                a, b = b, c
        return out[:n]


@dataclass
class Essay:
    """A generated essay: sections of paragraphs of words."""

    sections: list[tuple[str, list[list[str]]]]

    def text(self) -> str:
        lines = ["---", "layout: post", "title: A generated essay", "---", ""]
        for title, paragraphs in self.sections:
            lines += [f"## {title}", ""]
            for para in paragraphs:
                lines += [" ".join(para), ""]
        return "\n".join(lines)

    @property
    def words(self) -> int:
        return sum(len(p) for _, paras in self.sections for p in paras)


@dataclass
class Truth:
    """The edits made to build the second version."""

    substituted: int = 0
    deleted: int = 0
    inserted: int = 0
    heading_words: int = 0  # words of renamed/new headings (old + new)
    moved: list[str] = field(default_factory=list)
    renamed: tuple[str, str] | None = None
    split: tuple[str, str] | None = None

    @property
    def body_words(self) -> int:
        """Changed body words: a substitution removes one word and adds one."""
        return 2 * self.substituted + self.deleted + self.inserted

    @property
    def all_words(self) -> int:
        return self.body_words + self.heading_words


def _title(rng: random.Random, vocab: list[str], used: set[str]) -> str:
    while True:
        words = [rng.choice(vocab) for _ in range(rng.randint(2, 4))]
        title = " ".join(words).capitalize()
        if title.lower() not in used:
            used.add(title.lower())
            return title


def make_essay(n_words: int, seed: int = 1) -> Essay:
    """A deterministic essay of *n_words* body words in sections of about 200 words."""
    rng = random.Random(seed)
    corpus_tokens()  # warms the shared corpus cache
    chain = _chain()
    vocab = _vocab()
    used: set[str] = set()
    sections = []
    total = 0
    while total < n_words:
        size = min(SECTION_WORDS, n_words - total)
        paras = []
        left = size
        while left > 0:
            n = min(left, rng.randint(50, 110))
            if left - n < 20:
                n = left
            paras.append(chain.words(rng, n))
            left -= n
        sections.append((_title(rng, vocab, used), paras))
        total += size
    return Essay(sections)


def _word_of(token: str) -> str:
    return " ".join(_WORD_ONLY.findall(token)).lower()


def edit_essay(essay: Essay, seed: int = 2, share: float = EDIT_SHARE) -> tuple[Essay, Truth]:
    """The second version: *share* of the body words edited, two moves, a rename, a split."""
    rng = random.Random(seed)
    tokens = corpus_tokens()
    vocab = _vocab()
    truth = Truth()
    positions = [(s, p, w) for s, (_, paras) in enumerate(essay.sections)
                 for p, para in enumerate(paras) for w in range(len(para))]
    n_each = round(len(positions) * share / 3)
    picked = rng.sample(positions, 2 * n_each)
    subs, dels = set(picked[:n_each]), set(picked[n_each:])
    inserts: dict[tuple[int, int, int], int] = {}
    for pos in rng.sample(positions, n_each):
        inserts[pos] = inserts.get(pos, 0) + 1
    sections: list[tuple[str, list[list[str]]]] = []
    for s, (title, paras) in enumerate(essay.sections):
        new_paras = []
        for p, para in enumerate(paras):
            out: list[str] = []
            for w, tok in enumerate(para):
                for _ in range(inserts.get((s, p, w), 0)):
                    out.append(rng.choice(tokens))
                    truth.inserted += 1
                if (s, p, w) in dels:
                    truth.deleted += 1
                    continue
                if (s, p, w) in subs:
                    new = rng.choice(tokens)
                    while _word_of(new) == _word_of(tok):
                        new = rng.choice(tokens)
                    out.append(new)
                    truth.substituted += 1
                    continue
                out.append(tok)
            new_paras.append(out)
        sections.append((title, new_paras))

    n = len(sections)
    used = {t.lower() for t, _ in sections}
    # Rename one heading (a new, unrelated title).
    r = n // 3
    old_title = sections[r][0]
    new_title = _title(rng, vocab, used)
    sections[r] = (new_title, sections[r][1])
    truth.renamed = (old_title, new_title)
    truth.heading_words += len(old_title.split()) + len(new_title.split())
    # Split one section with several paragraphs: a new heading before its last paragraph.
    k = next(i for i in range(n // 2, n) if len(sections[i][1]) >= 2) if n > 2 else 0
    if len(sections[k][1]) >= 2:
        title, paras = sections[k]
        part = _title(rng, vocab, used)
        sections[k:k + 1] = [(title, paras[:-1]), (part, paras[-1:])]
        truth.split = (title, part)
        truth.heading_words += len(part.split())
    # Move two sections (neither the renamed nor the split one) far from where they were.
    if len(sections) >= 8:
        a, b = 1, len(sections) - 3
        first, second = sections[a], sections[b]
        truth.moved = [first[0], second[0]]
        sections.remove(first)
        sections.remove(second)
        sections.insert(len(sections) - 1, first)
        sections.insert(2, second)
    return Essay(sections), truth


# ---------------------------------------------------------------- measuring


def git_word_diff(a: Path, b: Path) -> str:
    proc = subprocess.run(["git", "diff", "--no-index", "--no-color", "--word-diff=porcelain", "--", str(a), str(b)],
                          capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"git diff failed: {proc.stderr.strip()}")
    return proc.stdout


def git_changed_words(porcelain: str) -> int:
    """Words (whitespace-separated, as git counts them) on ``-``/``+`` lines of porcelain output."""
    total = 0
    in_hunk = False
    for line in porcelain.splitlines():
        if line.startswith("@@"):
            in_hunk = True
            continue
        if not in_hunk:
            continue
        if line.startswith("diff --git"):
            in_hunk = False
            continue
        if line[:1] in "+-":
            total += len(line[1:].split())
    return total


def our_diff(old_text: str, new_text: str):
    """Our whole job from the two texts: parse both versions, align, word-diff every pair."""
    return diff_documents(parse(old_text), parse(new_text))


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (git)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@dataclass
class Timing:
    """Wall-clock and CPU seconds of each run of one tool."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def spread(self) -> str:
        return f"{min(self.walls) * 1000:.1f}-{max(self.walls) * 1000:.1f}"


def _cold() -> None:
    """Forget everything kept between runs, outside the timed region: every timed
    run of ours starts from the texts with no cache filled (parsed chunks, section
    fingerprints, stems, per-document facts, word diffs, markup changes, paragraph rows,
    the walk of the text read last)."""
    clear_cache()
    clear_word_diffs()
    clear_markup_changes()
    clear_rows()
    clear_chunk_cache()
    clear_walk()
    clear_loaded()
    document._FINGERPRINTS.clear()
    gc.collect()


def measure(tools: dict[str, Callable[[], object]], runs: int) -> dict[str, Timing]:
    """Median wall-clock and CPU time of each tool over *runs* runs, after one warm-up run each.

    The tools take turns (ours, git, ours, git, ...) so that a change in the
    load of a shared machine falls on both alike. CPU time counts this process
    and its children: for git that is git itself plus starting it (fork, exec,
    reading its output), which is part of git doing the job; for us it is the
    whole in-process diff. Caches are emptied before every run (:func:`_cold`).
    """
    for fn in tools.values():
        _cold()
        fn()  # warm-up: imports and the interpreter's own caches
    timings = {name: Timing() for name in tools}
    for _ in range(runs):
        for name, fn in tools.items():
            _cold()
            cpu = _cpu()
            start = time.perf_counter()
            result = fn()
            wall = time.perf_counter() - start
            cpu = _cpu() - cpu
            del result  # freed outside the timed region, like the caches
            timings[name].walls.append(wall)
            timings[name].cpus.append(cpu)
    return timings


def difflib_alone(old_doc, new_doc, pairs) -> None:
    """A reference for the word diff: one plain ``SequenceMatcher`` (``autojunk=False``) over the
    word and punctuation tokens of each changed pair of sections, and its opcodes; nothing else
    (no whitespace kept, no clean-up, no counts). Our word diff matches unique words first and
    runs difflib only between them, so it may cost less than this; it says what difflib itself
    costs on the same pairs."""
    for pair in pairs:
        if pair.changed and pair.old is not None and pair.new is not None:
            a, b = pair_texts(old_doc, new_doc, pair)
            SequenceMatcher(None, [t for t in tokenize(a) if not t.isspace()],
                            [t for t in tokenize(b) if not t.isspace()], autojunk=False).get_opcodes()


def read_chunks_once(text: str) -> None:
    """What the parse cannot do without: *text* cut into chunks (:func:`chunks._cut`) and each
    chunk read once, by the plain-chunk fast path (:func:`plain_blocks`) or, when it is not
    plain prose or a plain heading, by markdown-it. No assembly, no caching."""
    md = document.MARKDOWN
    for piece in chunks._cut(text):
        if plain_blocks(piece) is None:
            md.parse(piece)


def floor_primitives(old_doc, new_doc, pairs) -> None:
    """What the word diff cannot do without, on the changed pairs: each pair's two texts cut
    at single spaces, the way the matcher first cuts them (:func:`word_tokens.space_units`),
    and one counting pass over those units (a ``Counter`` a side, as finding the unique
    anchors does). With :func:`read_chunks_once` of both texts it is the floor printed."""
    for pair in pairs:
        if pair.changed and pair.old is not None and pair.new is not None:
            a, b = pair_texts(old_doc, new_doc, pair)
            Counter(space_units(a)), Counter(space_units(b))


def phases(old_text: str, new_text: str, runs: int) -> dict[str, float]:
    """Median CPU time of each phase: parse (both versions), align, word diff; and four
    references: markdown-it's own parse of both whole texts, the chunks of both texts read
    once (:func:`read_chunks_once`: the parse's part of the floor), difflib alone on the
    changed pairs (:func:`difflib_alone`), and the primitives a word diff needs on those
    pairs (:func:`floor_primitives`).

    Every run starts from fresh documents and empty caches, so per-document
    caches filled by one phase are paid for in the run that fills them.
    """
    times: dict[str, list[float]] = {"parse": [], "align": [], "word diff": [], "markdown-it": [], "chunks read": [],
                                     "difflib": [], "split and count": []}
    for _ in range(runs + 1):
        _cold()
        start = time.process_time()
        old_doc, new_doc = parse(old_text), parse(new_text)
        parsed = time.process_time()
        alignment = align(old_doc, new_doc)
        aligned = time.process_time()
        diff_pairs(old_doc, new_doc, alignment.pairs)
        done = time.process_time()
        document.MARKDOWN.parse(old_text), document.MARKDOWN.parse(new_text)
        md_done = time.process_time()
        read_chunks_once(old_text), read_chunks_once(new_text)
        read_done = time.process_time()
        difflib_alone(old_doc, new_doc, alignment.pairs)
        difflib_done = time.process_time()
        floor_primitives(old_doc, new_doc, alignment.pairs)
        floor_done = time.process_time()
        for name, value in (("parse", parsed - start), ("align", aligned - parsed), ("word diff", done - aligned),
                            ("markdown-it", md_done - done), ("chunks read", read_done - md_done),
                            ("difflib", difflib_done - read_done),
                            ("split and count", floor_done - difflib_done)):
            times[name].append(value)
    return {name: statistics.median(values[1:]) for name, values in times.items()}  # first run: warm-up


def timings(n_words: int, runs: int, tmp: Path) -> dict[str, float]:
    """Median wall-clock and CPU seconds of ours and git on the essay of *n_words* words."""
    essay = make_essay(n_words, seed=n_words)
    edited, _truth = edit_essay(essay, seed=n_words + 1)
    old_text, new_text = essay.text(), edited.text()
    a, b = tmp / f"old-{n_words}.md", tmp / f"new-{n_words}.md"
    a.write_text(old_text, encoding="utf-8")
    b.write_text(new_text, encoding="utf-8")
    timing = measure({"ours": lambda: our_diff(old_text, new_text), "git": lambda: git_word_diff(a, b)}, runs)
    return {"words": n_words, "ours_wall": timing["ours"].wall, "git_wall": timing["git"].wall,
            "ours_cpu": timing["ours"].cpu, "git_cpu": timing["git"].cpu}


def bench(n_words: int, runs: int, target: float, tmp: Path) -> bool:
    essay = make_essay(n_words, seed=n_words)
    edited, truth = edit_essay(essay, seed=n_words + 1)
    old_text, new_text = essay.text(), edited.text()
    a, b = tmp / f"old-{n_words}.md", tmp / f"new-{n_words}.md"
    a.write_text(old_text, encoding="utf-8")
    b.write_text(new_text, encoding="utf-8")

    timing = measure({"ours": lambda: our_diff(old_text, new_text), "git": lambda: git_word_diff(a, b)}, runs)
    ours, git = timing["ours"], timing["git"]
    diff = our_diff(old_text, new_text)
    porcelain = git_word_diff(a, b)

    ours_body = diff.words_added + diff.words_removed
    ours_titles = 0
    for c in diff.changes:
        if c.title_changed:
            ours_titles += len(_WORD_ONLY.findall(c.old_title or "")) + len(_WORD_ONLY.findall(c.new_title or ""))
    git_words = git_changed_words(porcelain)
    wall_ratio = ours.wall / git.wall
    cpu_ratio = ours.cpu / git.cpu
    error = abs(ours_body - truth.body_words) / truth.body_words
    by_status = diff.summary()["by_status"]
    phase = phases(old_text, new_text, runs)

    def verdict(ratio: float) -> str:
        return "ok" if ratio <= target else "MISSED"

    print(f"\n== {n_words:,} words: {len(essay.sections)} sections, {len(old_text) / 1000:.0f} KB; "
          f"{truth.substituted} substitutions, {truth.deleted} deletions, {truth.inserted} insertions, "
          f"2 moves, 1 rename, 1 split (median of {runs} interleaved runs, caches emptied before each)")
    print(f"  git diff --word-diff=porcelain  {git.wall * 1000:9.1f} ms wall ({git.spread()})  "
          f"{git.cpu * 1000:9.1f} ms CPU (incl. process start-up)")
    print(f"  reviewtool diff_documents       {ours.wall * 1000:9.1f} ms wall ({ours.spread()})  "
          f"{ours.cpu * 1000:9.1f} ms CPU")
    print(f"  ratio (target <= {target:g}x): {wall_ratio:5.2f}x git wall: {verdict(wall_ratio)}; "
          f"{cpu_ratio:5.2f}x git CPU: {verdict(cpu_ratio)}")
    print(f"  phases (CPU): parse {phase['parse'] * 1000:.1f} ms (markdown-it alone "
          f"{phase['markdown-it'] * 1000:.1f} ms), align {phase['align'] * 1000:.1f} ms, "
          f"word diff {phase['word diff'] * 1000:.1f} ms")
    print(f"  reference (CPU): difflib alone on the changed pairs' tokens {phase['difflib'] * 1000:.1f} ms "
          f"(one SequenceMatcher a pair, no clean-up: our word diff {phase['word diff'] * 1000:.1f} ms); "
          f"markdown-it alone {phase['markdown-it'] / git.cpu:.2f}x git CPU")
    floor = phase["chunks read"] + phase["split and count"]
    print(f"  floor (CPU): the chunks of both texts read once {phase['chunks read'] * 1000:.1f} ms + the changed pairs' "
          f"texts cut at single spaces and counted {phase['split and count'] * 1000:.1f} ms = {floor * 1000:.1f} ms, "
          f"{floor / git.cpu:.2f}x git CPU (ours {cpu_ratio:.2f}x: {ours.cpu / floor:.1f}x the floor)")
    print(f"  changed words, body: truth {truth.body_words:,}; reviewtool {ours_body:,} "
          f"(+{diff.words_added:,} -{diff.words_removed:,}, {error * 100:+.1f}%: "
          f"{'ok' if error <= 0.10 else 'MISSED'} within 10%)")
    print(f"  changed words, incl. headings: truth {truth.all_words:,}; reviewtool {ours_body + ours_titles:,}; "
          f"git {git_words:,} ({(git_words - truth.all_words) / truth.all_words * 100:+.1f}%)")
    print(f"  pairs by status: {by_status}")
    return wall_ratio <= target and cpu_ratio <= target and error <= 0.10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated essay sizes in words")
    parser.add_argument("--runs", type=int, default=0, help="timed runs per tool (default: 15 at 10,000 words, "
                                                              "9 at 100,000)")
    parser.add_argument("--json", action="store_true", help="only time ours and git; one JSON line per size "
                                                            "(for tests/benchmarks/run.py)")
    args = parser.parse_args(argv)
    if args.json:
        with tempfile.TemporaryDirectory() as tmp:
            for size in (int(s) for s in args.sizes.split(",")):
                print(json.dumps(timings(size, args.runs or 9, Path(tmp))), flush=True)
        return 0
    targets = {10000: (4.0, 15), 100000: (6.0, 9)}
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            target, runs = targets.get(size, (6.0, 9))
            ok = bench(size, args.runs or runs, target, Path(tmp)) and ok
    print("\nall targets met (wall and CPU)" if ok else "\nsome targets MISSED (see above)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
