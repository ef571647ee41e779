"""A section diff kept in the persistent cache (diff/stored_diff.py) is the diff computed.

The stored form goes through JSON and back onto the two documents and must give the same
pairs, statuses, similarities, markup changes, word operations (cleaned and raw) and
counts, hence the same ``diff --json``, text and Markdown output; data that does not fit
the documents is refused (recomputed, never an error); a second ``diff`` of the same two
versions neither aligns nor word-diffs.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from reviewtool.cli.commands import main
from reviewtool.cli.diff_render import render_markdown_diff
from reviewtool.diff import stored_diff
from reviewtool.diff.diff_json import diff_json
from reviewtool.diff.section_diff import DocumentDiff, diff_documents
from reviewtool.diff.view import change_rows
from reviewtool.draft import cache
from reviewtool.draft.cache_pack import build_pack, encode_entry, pack_entries
from reviewtool.draft.document import parse
from tests.essays import FM, HEALTH, INTRO, MONEY, SAFETY, WEATHER
from tests.gitutil import Repo, make_repo
from tests.test_align_properties import trees

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def round_trip(diff: DocumentDiff) -> DocumentDiff:
    data = stored_diff.dump(diff)
    assert data is not None
    stored = orjson.loads(orjson.dumps(data))  # as the cache keeps it
    loaded = stored_diff.load(stored, diff.old, diff.new)
    assert loaded is not None
    assert "rows" not in data and all(c.rows is None for c in loaded.changes)  # (cut again when shown)
    return loaded


def assert_same(a: DocumentDiff, b: DocumentDiff) -> None:
    def pairs(d: DocumentDiff) -> list[tuple[object, ...]]:
        return [([s.index for s in p.old], [s.index for s in p.new], p.status, p.similarity, p.title_similarity)
                for p in d.alignment.pairs]

    assert pairs(a) == pairs(b)
    assert [change_rows(c) for c in a.changes] == [change_rows(c) for c in b.changes]  # kept, or cut again
    assert [(c.pair.old_keys, c.pair.new_keys, c.word_diff, c.markup) for c in a.changes] == \
        [(c.pair.old_keys, c.pair.new_keys, c.word_diff, c.markup) for c in b.changes]  # raw_ops compared too
    assert [(c.pair.old_keys, c.pair.new_keys, c.word_diff, c.markup) for c in a.unchanged] == \
        [(c.pair.old_keys, c.pair.new_keys, c.word_diff, c.markup) for c in b.unchanged]
    assert orjson.dumps(diff_json(a)) == orjson.dumps(diff_json(b))
    assert orjson.dumps(diff_json(a, context=None)) == orjson.dumps(diff_json(b, context=None))
    assert render_markdown_diff(a, "t") == render_markdown_diff(b, "t")


def edited(rng: random.Random, text: str) -> str:
    """*text* with headings removed and added, sections moved and words changed."""
    blocks = text.split("\n\n")
    for _ in range(rng.randint(1, 6)):
        k = rng.randrange(len(blocks))
        roll = rng.random()
        if roll < 0.2 and blocks[k].startswith("#"):
            del blocks[k]  # a heading removed over text that stays
        elif roll < 0.4:
            blocks.insert(k, f"## Added {rng.randrange(100)}")
        elif roll < 0.6:
            blocks.insert(rng.randrange(len(blocks)), blocks.pop(k))
        else:
            words = blocks[k].split(" ")
            words[rng.randrange(len(words))] = rng.choice(["copper", "meadow", "**bold**", "[a link](x)"])
            blocks[k] = " ".join(words)
    return "\n\n".join(blocks)


def test_the_essay_and_its_rewrites_round_trip():
    old = parse(FM + INTRO + HEALTH + MONEY + WEATHER + SAFETY)
    rewrites = [
        FM + INTRO + MONEY + HEALTH.replace("nine", "eleven") + SAFETY,  # moved, edited, removed
        FM + INTRO.replace("## Introduction", "## Why") + HEALTH + MONEY + WEATHER.replace("## ", "### ") + SAFETY,
        INTRO + SAFETY.replace("\n\nBeing", "\n\n## Seen\n\nBeing"),  # front matter gone, a split
        FM + INTRO + HEALTH + MONEY + WEATHER + SAFETY + "\n",  # whitespace only
        "",
    ]
    for text in rewrites:
        new = parse(text)
        diff = diff_documents(old, new)
        assert_same(diff, round_trip(diff))
        back = diff_documents(new, old)
        assert_same(back, round_trip(back))


@pytest.mark.parametrize("seed", range(6))
def test_edited_versions_round_trip(seed: int):
    rng = random.Random(seed)
    text = "# Book\n\n" + "\n\n".join(f"## Part {i}\n\n" + " ".join(rng.choice(["alpha", "beta", "gamma", "delta",
                                                                              "epsilon"]) for _ in range(30))
                                        for i in range(30))
    old, new = parse(text), parse(edited(rng, text))
    diff = diff_documents(old, new)
    assert diff.changes
    loaded = round_trip(diff)
    assert_same(diff, loaded)


@SETTINGS
@given(trees, trees)
def test_any_two_documents_round_trip(a, b):
    old, new = parse("".join(a)), parse("".join(b))
    diff = diff_documents(old, new)
    assert_same(diff, round_trip(diff))


def _damaged(data: dict, how: str) -> dict:
    data = copy.deepcopy(data)
    changed = next(c for c in data["changes"] if c[2] is not None and len(c[2][4]) >= 6)
    if how == "section twice":
        data["pairs"].append(data["pairs"][0])
    elif how == "section missing":
        pair = next(p for p in data["pairs"] if p[0])
        pair[0] = pair[0][:-1]
    elif how == "section out of range":
        next(p for p in data["pairs"] if p[1])[1][0] = 10**6
    elif how == "pair twice":
        data["unchanged"].append(changed[0])
    elif how == "pair missing":
        data["changes"].remove(changed)
    elif how == "op lengths":
        changed[2][4][1] += 1
    elif how == "op kind":
        changed[2][4][0] = 7
    elif how == "raw op kind negative":
        changed[2][5][0] = -1
    elif how == "status":
        data["pairs"][0][2] = ["improved"]
    elif how == "similarity":
        data["pairs"][0][3] = "high"
    elif how == "markup":
        changed[1] = [1]
    elif how == "counts":
        changed[2][0] = -3
    elif how == "other documents":
        data["old"][0] += 1
    elif how == "not a dict":
        return [data]  # type: ignore[return-value]
    elif how == "a field missing":
        del data["unchanged"]
    elif how == "a change too many":
        changed.append(0)
    return data


@pytest.mark.parametrize("how", ["section twice", "section missing", "section out of range", "pair twice",
                                 "pair missing", "op lengths", "op kind", "raw op kind negative", "status",
                                 "similarity", "markup", "counts", "other documents", "not a dict",
                                 "a field missing", "a change too many"])
def test_data_that_does_not_fit_the_documents_is_refused(how: str):
    old = parse(FM + INTRO + HEALTH + MONEY + WEATHER + SAFETY)
    new = parse(FM + INTRO + MONEY + HEALTH.replace("nine", "eleven") + WEATHER.replace("## ", "### ") + SAFETY)
    diff = diff_documents(old, new)
    data = orjson.loads(orjson.dumps(stored_diff.dump(diff)))
    assert stored_diff.load(data, old, new) is not None
    assert stored_diff.load(_damaged(data, how), old, new) is None


def test_a_diff_is_refused_on_other_documents():
    old = parse(FM + INTRO + HEALTH + MONEY)
    new = parse(FM + INTRO + MONEY + HEALTH.replace("nine", "eleven"))
    data = orjson.loads(orjson.dumps(stored_diff.dump(diff_documents(old, new))))
    assert stored_diff.load(data, new, old) is None
    assert stored_diff.load(data, old, parse(FM + INTRO + MONEY + HEALTH.replace("nine", "ten"))) is None


DRAFT = "drafts/essay.md"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "repo")
    repo.commit("One", {DRAFT: FM + INTRO + HEALTH + MONEY + WEATHER + SAFETY})
    repo.commit("Two", {DRAFT: FM + INTRO + MONEY + HEALTH.replace("nine", "eleven") + SAFETY})
    return repo


def cli(repo: Repo, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(repo.path), "-d", DRAFT, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_second_diff_of_the_same_versions_neither_aligns_nor_word_diffs(repo, monkeypatch):
    commands = [("diff", "HEAD~1", "HEAD", "--json"), ("diff", "HEAD~1", "HEAD"), ("diff", "HEAD~1", "HEAD", "-s",
                                                                                    "money", "--full"),
                ("diff", "HEAD~1", "HEAD", "--format", "markdown")]
    first = [cli(repo, *c) for c in commands]
    assert len(stored_diffs(repo)) == 1  # one pair of blobs, whatever was shown of it

    def refuse(*args: object) -> None:
        raise AssertionError("diffed again")

    monkeypatch.setattr(stored_diff, "diff_documents", refuse)
    assert [cli(repo, *c) for c in commands] == first
    uncached = CliRunner().invoke(main, ["-C", str(repo.path), "--no-cache", "-d", DRAFT, "diff", "HEAD~1", "HEAD"])
    assert uncached.exit_code == 3 and "internal error" in uncached.output  # --no-cache computes it: refused


def test_computes_says_whether_the_diff_will_be_computed(repo, monkeypatch):
    """stored_diff.computes, asked before the documents are read (what the diff command imports
    while git reads them), is True exactly when document_diff then computes the diff: a cold
    cache, the diff kept (in memory, then in a pack read by a new process), no cache, a version
    against itself, the working tree, a kept diff found damaged (computed again)."""
    from reviewtool.draft.history import DraftHistory
    from reviewtool.git.repo import GitRepo

    computed: list[bool] = []
    real = stored_diff.diff_documents

    def counting(*args: object, **kwargs: object) -> DocumentDiff:
        computed.append(True)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stored_diff, "diff_documents", counting)

    def check(revs: tuple[str, str], use_cache: bool = True) -> bool:
        hist = DraftHistory(GitRepo.open(repo.path), DRAFT, use_cache=use_cache)
        old, new = hist.find(revs[0]), hist.find(revs[1])
        says = stored_diff.computes(hist, old, new)
        computed.clear()
        stored_diff.document_diff(hist, old, new)
        assert says == bool(computed), revs
        if hist.cache is not None:
            hist.cache.flush()
        return says

    cache.forget_all()
    assert check(("HEAD~1", "HEAD"))  # cold
    assert not check(("HEAD~1", "HEAD"))  # kept (written by the flush)
    cache.forget_all()
    assert not check(("HEAD~1", "HEAD"))  # a new process reads it from its pack
    assert check(("HEAD~1", "HEAD"), use_cache=False)
    assert check(("HEAD", "HEAD")) and check(("HEAD", "HEAD"))  # a blob against itself: never kept
    repo.write(DRAFT, FM + INTRO + MONEY + SAFETY)
    assert check(("HEAD", "worktree")) and check(("HEAD", "worktree"))
    cache.forget_all()
    (pack,) = (repo.path / ".git" / "reviewtool" / "cache").glob("diff-*/pack-*.pack")
    fingerprint = pack.parent.name.partition("-")[2]
    ((key, entry),) = stored_diffs(repo).items()
    data = orjson.loads(entry.split(b"\n")[2])
    data["pairs"].append(data["pairs"][0])  # does not fit: refused when read, computed again
    pack.write_bytes(build_pack([(key, encode_entry((data,), cache.CACHE_FORMAT, "diff", fingerprint, key))],
                                cache.CACHE_FORMAT, "diff", fingerprint)[0])
    hist = DraftHistory(GitRepo.open(repo.path), DRAFT)
    assert not stored_diff.computes(hist, hist.find("HEAD~1"), hist.find("HEAD"))  # held: read, then refused
    cache.forget_all()


def test_the_cache_holds_what_it_gets():
    """Cache.holds(kind, fingerprint, key) is whether get() finds an entry there (whole or not):
    kept in memory, written to a pack, listed again by a new process, absent."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = cache.Cache(root)
        assert not store.holds("diff", "f" * 16, "a" * 16) and store.get("diff", "f" * 16, "a" * 16) is None
        store.put("diff", "f" * 16, "a" * 16, {"x": 1})
        assert store.holds("diff", "f" * 16, "a" * 16) and store.get("diff", "f" * 16, "a" * 16) == {"x": 1}
        store.flush()
        other = cache.Cache(root)  # another process: reads the pack
        assert other.holds("diff", "f" * 16, "a" * 16) and not other.holds("diff", "f" * 16, "b" * 16)
        assert not other.holds("diff", "e" * 16, "a" * 16) and not other.holds("doc", "f" * 16, "a" * 16)
        late = cache.Cache(root)
        assert not late.holds("diff", "f" * 16, "c" * 16)  # (the folder listed now)
        store.put("diff", "f" * 16, "c" * 16, [2])
        store.flush()  # a pack written since: listed again when no pack has the key
        assert late.holds("diff", "f" * 16, "c" * 16) and late.get("diff", "f" * 16, "c" * 16) == [2]
        for c in (store, other, late):
            c.close()


def stored_diffs(repo: Repo) -> dict[str, bytes]:
    """The stored diffs in the packs of the cache, by key: the newest pack's where two have one."""
    found: dict[str, bytes] = {}
    paths = (repo.path / ".git" / "reviewtool" / "cache").glob("diff-*/pack-*.pack")
    for path in sorted(paths, key=lambda p: p.stat().st_mtime_ns):
        fingerprint = path.parent.name.partition("-")[2]
        found.update(pack_entries(path.read_bytes(), cache.CACHE_FORMAT, "diff", fingerprint)[0])
    return found


def test_a_damaged_stored_diff_is_computed_again_and_written_whole(repo):
    first = cli(repo, "diff", "HEAD~1", "HEAD", "--json")
    cache.forget_all()  # as a new process: the packs listed again
    (pack,) = (repo.path / ".git" / "reviewtool" / "cache").glob("diff-*/pack-*.pack")
    fingerprint = pack.parent.name.partition("-")[2]
    ((key, entry),) = stored_diffs(repo).items()
    good = orjson.loads(entry.split(b"\n")[2])  # (its header, its texts' ids: none, its one part)
    data = copy.deepcopy(good)
    data["pairs"].append(data["pairs"][0])  # well-formed, checksummed, but does not fit
    bad = encode_entry((data,), cache.CACHE_FORMAT, "diff", fingerprint, key)
    pack.write_bytes(build_pack([(key, bad)], cache.CACHE_FORMAT, "diff", fingerprint)[0])
    assert cli(repo, "diff", "HEAD~1", "HEAD", "--json") == first
    assert orjson.loads(stored_diffs(repo)[key].split(b"\n")[2]) == good  # written again, whole
    cache.forget_all()
    assert cache.Cache(pack.parent.parent).get("diff", fingerprint, key) == good  # and read first
