"""The persistent cache of parsed versions (draft/cache.py, draft/stored_document.py), on real repositories.

Each version is parsed once per repository; the next run reads the cache and prints the
same output; a damaged, foreign-version or unwritable cache is ignored and rebuilt without
an error; several processes share it; it stays within its bound, least recently used first.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewtool.cli.commands import main
from reviewtool.draft import cache as cache_module
from reviewtool.draft import stored_document
from reviewtool.draft.cache import Cache, cache_for, parse_size
from reviewtool.draft.cache_pack import build_pack, encode_entry, pack_contents, pack_entries
from reviewtool.draft.history import DraftHistory, blob_id
from reviewtool.git.repo import GitRepo
from tests.gitutil import Repo, make_repo

DRAFT = "drafts/essay.md"
V1 = "---\ntitle: Essay\ndate: 2023-05-05\ntags: [a, b]\n---\n\n# Essay\n\n## Plan\n\n- one point\n- another point\n"
V2 = ("---\ntitle: Essay\ndate: 2023-05-06 10:30:00+02:00\n---\n\n# Essay\n\n## Plan\n\n"
      "One point, now a sentence with words.\n\n## End\n\nDone. See [the docs][d].\n\n[d]: https://e.org\n")
V3 = V2.replace("Done.", "Done at last.") + "\n## Coda\n\n```\n# not a heading\n```\n"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "repo")
    for i, text in enumerate((V1, V2, V3)):
        repo.commit(f"Version {i + 1}", {DRAFT: text})
    return repo


def cli(repo: Repo, *args: str) -> str:
    result = CliRunner().invoke(main, ["-C", str(repo.path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def cache_root(repo: Repo) -> Path:
    return repo.path / ".git" / "reviewtool" / "cache"


def packs(repo: Repo, kind: str = "doc") -> list[Path]:
    """The packs of *kind* (``doc``: parsed versions; ``change``: what a version changed)."""
    return sorted(cache_root(repo).glob(f"{kind}-*/pack-*.pack"))


def keys(repo: Repo, kind: str = "doc") -> set[str]:
    """The keys of the whole entries in the packs of *kind*."""
    found: set[str] = set()
    for path in packs(repo, kind):
        found.update(key for key, _ in pack_entries(path.read_bytes(), cache_module.CACHE_FORMAT, kind,
                                                   path.parent.name.partition("-")[2])[0])
    return found


def new_process() -> None:
    """What this process keeps of the caches forgotten: the next command lists the packs
    again, as a new process does."""
    cache_module.forget_all()


def outputs(repo: Repo, *extra: str) -> dict[str, str]:
    """Every read-only command's JSON for every version (and diffs between them)."""
    out = {"log": cli(repo, *extra, "log", "--json")}
    revs = ["HEAD~2", "HEAD~1", "HEAD"]
    for rev in revs:
        out[f"sections {rev}"] = cli(repo, *extra, "sections", rev, "--json")
    for a in revs:
        for b in revs:
            out[f"diff {a} {b}"] = cli(repo, *extra, "diff", a, b, "--json")
    out["history"] = cli(repo, *extra, "history", "-s", "essay/end", "--json")
    out["coverage"] = cli(repo, *extra, "coverage", "HEAD~2", "HEAD", "--json")
    return out


def test_each_version_is_parsed_once_and_the_output_stays_the_same(repo, monkeypatch):
    uncached = outputs(repo, "--no-cache")
    assert not cache_root(repo).exists()  # --no-cache writes nothing
    cold = outputs(repo)
    assert len(keys(repo)) == 3  # one entry per version's blob
    assert len(keys(repo, "change")) == 2  # what each version changed against its first parent
    assert len(packs(repo)) == 1 and len(packs(repo, "change")) == 1  # the first command wrote them all
    new_process()
    monkeypatch.setattr("reviewtool.draft.history.parse", _no_parsing)
    warm = outputs(repo)
    assert cold == uncached and warm == uncached


def _no_parsing(*args, **kwargs):
    raise AssertionError("parsed although the version was cached")


def test_a_stored_document_equals_the_parsed_one(repo):
    history = DraftHistory(GitRepo.open(repo.path), DRAFT, use_cache=False)
    for v in history.versions:
        doc = history.document(v)
        stored = stored_document.dump(doc)
        assert stored is not None
        data, plains = json.loads(json.dumps(stored))  # through JSON, as stored
        assert plains == [s.plain for s in doc.sections]
        loaded = stored_document.load(data, plains, doc.text, doc.path)
        assert loaded is not None
        assert loaded.to_dict(with_text=True) == doc.to_dict(with_text=True)
        assert loaded.sections == doc.sections
        assert loaded.front_matter == doc.front_matter and loaded.problems == doc.problems
        assert loaded.fingerprint_hashes == doc.fingerprint_hashes
        assert [s.content_hash for s in loaded.sections] == [s.content_hash for s in doc.sections]
        assert stored_document.valid_stats(json.loads(json.dumps(doc.stats()))) == doc.stats()


def test_front_matter_json_cannot_keep_is_not_stored():
    from reviewtool.draft.document import parse

    doc = parse("---\ndata: !!binary aGVsbG8=\n---\n\n# T\n")
    assert doc.front_matter["data"] == b"hello"
    assert stored_document.dump(doc) is None


def damage(path: Path, how: str) -> None:
    """Damage the pack at *path*: its data, its index, its last line, or all of it."""
    data = path.read_bytes()
    kind, _, fingerprint = path.parent.name.partition("-")
    fmt = cache_module.CACHE_FORMAT
    (first_key, (offset, length)), *_ = _index(data).items()
    if how == "truncated mid-entry":
        path.write_bytes(data[: offset + length // 2])
    elif how == "an entry flipped":  # its index whole: the entry's checksum finds it
        at = offset + length - 3
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])
    elif how == "the index flipped":
        at = data.rindex(b"\n", 0, len(data) - 1) - 5  # inside the index, before the last line
        path.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])
    elif how == "the last line flipped":
        path.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    elif how == "garbage":
        path.write_bytes(os.urandom(200))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "another pack":  # a whole pack of the other kind copied over this one
        other = "change" if kind == "doc" else "doc"
        path.write_bytes(next(path.parent.parent.glob(f"{other}-*/pack-*.pack")).read_bytes())
    elif how == "other format":
        path.write_bytes(data.replace(b"reviewtool-cache %d " % fmt, b"reviewtool-cache 99 ")
                         .replace(b"reviewtool-pack %d " % fmt, b"reviewtool-pack 99 "))
    elif how == "valid but wrong":  # well-formed, but sections that do not fit the text, or counts not numbers
        entries = []
        found, _, bodies, _ = pack_contents(data, fmt, kind, fingerprint)
        for key, entry in found:
            _, _, payload = entry.partition(b"\n")
            refs, *parts = [orjson.loads(line) for line in payload.split(b"\n")]
            value = parts[1] if kind == "doc" else parts[-1]  # a stored document: its sections (then its pieces)
            if "sections" in value:
                value["sections"][0][5] += 1
            elif "pairs" in value:  # a stored diff: one section in two pairs
                value["pairs"].append(value["pairs"][0])
            else:
                value["words_added"] = "many"
            if len(parts) > 1:
                parts[0]["words"] = "many"
            entries.append((key, encode_entry(tuple(parts), fmt, kind, fingerprint, key, refs)))
        path.write_bytes(build_pack(entries, fmt, kind, fingerprint, bodies)[0])
    assert first_key


def _index(data: bytes) -> dict[str, list[int]]:
    last = data.rindex(b"\n", 0, len(data) - 1)
    start = data.rindex(b"\n", 0, last) + 1
    return orjson.loads(data[start:last])


DAMAGES = ["truncated mid-entry", "an entry flipped", "the index flipped", "the last line flipped", "garbage",
           "empty", "another pack", "other format", "valid but wrong"]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_cache_is_ignored_and_rebuilt(repo, how):
    expected = outputs(repo, "--no-cache")
    outputs(repo)
    new_process()
    for path in packs(repo) + packs(repo, "change") + packs(repo, "diff"):
        damage(path, how)
    assert outputs(repo) == expected  # no error, the same output
    new_process()
    report = Cache(cache_root(repo)).report()
    # Every damaged entry was written again: 3 versions, 2 changes, 6 diffs of two blobs;
    # and the damaged packs repacked without them.
    assert report.damaged == 0 and report.entries == 11, report
    assert len(packs(repo)) == 1 and len(packs(repo, "change")) == 1
    blobs = [v.blob for v in DraftHistory(GitRepo.open(repo.path), DRAFT, use_cache=False).versions]
    assert keys(repo) == set(blobs)
    assert keys(repo, "change") == {f"{old}-{new}" for new, old in itertools.pairwise(blobs)}
    assert keys(repo, "diff") == {f"{old}-{new}" for old in blobs for new in blobs if old != new}


def test_a_foreign_version_is_not_read_and_a_new_one_is_built(repo, monkeypatch):
    expected = outputs(repo, "--no-cache")
    outputs(repo)
    old = {p.name for p in cache_root(repo).iterdir()}
    from reviewtool.diff.version_change import change_fingerprint

    stored_document.fingerprint.cache_clear()
    change_fingerprint.cache_clear()
    monkeypatch.setattr(cache_module, "CACHE_FORMAT", cache_module.CACHE_FORMAT + 1)
    try:
        assert outputs(repo) == expected
        new = {p.name for p in cache_root(repo).iterdir()} - old
        assert len(new) == 3  # a folder for the new version of each kind (doc, change, diff)
    finally:
        stored_document.fingerprint.cache_clear()
        change_fingerprint.cache_clear()


def _reference_fingerprint(folder: Path, packages: tuple[str, ...] = (), also: str = "") -> str:
    """cache.source_fingerprint of a folder's modules as it was: Path.glob and Path.read_bytes."""
    import contextlib
    import hashlib
    import importlib.util

    files: list[str | None] = sorted(str(p) for p in folder.glob("*.py"))
    digest = hashlib.sha256(f"reviewtool-cache {cache_module.CACHE_FORMAT} {also}".encode())
    for name in packages:
        spec = importlib.util.find_spec(name)
        files.append(spec.origin if spec is not None else None)
    for file in files:
        digest.update(b"\0")
        if file is not None:
            with contextlib.suppress(OSError):
                digest.update(Path(file).read_bytes())
    return digest.hexdigest()[:16]


def test_the_fingerprints_read_our_modules_as_path_glob_and_read_bytes_did(tmp_path):
    from reviewtool.diff import version_change

    draft = Path(stored_document.__file__).parent
    diff = Path(version_change.__file__).parent
    doc = _reference_fingerprint(draft, packages=("markdown_it", "yaml"))
    assert stored_document.fingerprint() == doc
    assert version_change.change_fingerprint() == _reference_fingerprint(diff, also=doc)
    # What glob("*.py") lists, hidden files and folders named like modules included.
    (tmp_path / "a.py").write_text("a = 1\n")
    (tmp_path / ".hidden.py").write_bytes(bytes(range(256)) * 5000)
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a module")
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "b.pyc").write_bytes(b"x")
    for folder in (draft, diff, tmp_path):
        assert cache_module.module_files(str(folder)) == sorted(str(p) for p in folder.glob("*.py"))
        files = cache_module.module_files(str(folder))
        assert cache_module.source_fingerprint(files, also="x") == _reference_fingerprint(folder, also="x")


def test_where_the_cache_cannot_be_written_everything_still_works(repo):
    """A file where the cache folder would go stands for a read-only repository (a chmod
    would not stop root, who runs CI here)."""
    expected = outputs(repo, "--no-cache")
    blocker = repo.path / ".git" / "reviewtool"
    blocker.write_text("not a folder")
    assert outputs(repo) == expected
    assert blocker.read_text() == "not a folder"
    report = Cache(cache_root(repo)).report()
    assert not report.exists


def test_the_working_tree_version_is_cached_by_what_was_read(repo):
    (repo.path / DRAFT).write_text(V3 + "\n## Uncommitted\n\nNew words.\n", encoding="utf-8")
    expected = cli(repo, "--no-cache", "sections", "--json")
    assert cli(repo, "sections", "--json") == expected
    data = (repo.path / DRAFT).read_bytes()
    assert blob_id(data) in keys(repo)
    assert blob_id(data) == repo.git("hash-object", DRAFT).strip()
    assert cli(repo, "sections", "--json") == expected


def log_processes(repo: Repo, count: int) -> list[str]:
    """*count* ``reviewtool log --json`` processes started at once; their outputs."""
    procs = [subprocess.Popen([sys.executable, "-m", "reviewtool", "-C", str(repo.path), "log", "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(count)]
    results = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    return [out for out, _ in results]


def test_several_processes_share_the_cache(repo):
    """Eight processes read and write the cold cache at once; all print the same, nothing is damaged."""
    expected = cli(repo, "--no-cache", "log", "--json")
    assert log_processes(repo, 8) == [expected] * 8
    report = Cache(cache_root(repo)).report()
    assert report.damaged == 0 and report.temporary == 0 and report.entries == 5


def test_two_processes_fill_the_cache_and_a_third_reads_it_all(repo):
    for i in range(4, 40):  # a longer history: more to write than to start
        repo.commit(f"Version {i}", {DRAFT: V3.replace("Done at last.", f"Done at last, {i} times." * i)})
    expected = cli(repo, "--no-cache", "log", "--json")
    assert log_processes(repo, 2) == [expected] * 2
    written = {p: p.read_bytes() for p in cache_root(repo).glob("*/*")}
    assert all(p.name.startswith("pack-") for p in written)  # nothing else: no temporary file left
    report = Cache(cache_root(repo)).report()
    assert (report.entries, report.damaged) == (39 + 38, 0), report
    assert log_processes(repo, 1) == [expected]
    # everything was read from the packs: nothing computed, so nothing written
    assert {p: p.read_bytes() for p in cache_root(repo).glob("*/*")} == written


def test_every_command_writes_what_it_computed(repo):
    cli(repo, "sections", "HEAD~1", "--json")
    assert len(keys(repo)) == 1 and len(packs(repo)) == 1  # written when the command ended
    cli(repo, "diff", "HEAD~1", "HEAD", "--json")
    assert len(keys(repo)) == 2 and len(packs(repo)) == 2
    result = CliRunner().invoke(main, ["-C", str(repo.path), "show", "-s", "essay/nothing", "HEAD~2"])
    assert result.exit_code == 1  # a command that fails still writes what it computed
    assert len(keys(repo)) == 3


def put_pack(cache: Cache, key: str, value: object, age: float | None = None) -> Path:
    """One entry written as a pack of its own (marked used *age* seconds ago); its path."""
    before = set((cache.root / "doc-abcd1234").glob("pack-*.pack"))
    cache.put("doc", "abcd1234", key, value)
    cache.flush()
    (path,) = set((cache.root / "doc-abcd1234").glob("pack-*.pack")) - before
    if age is not None:
        os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_the_cache_is_trimmed_least_recently_used_first(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    value = {"text": os.urandom(3000).hex()}  # about 6 KB of incompressible JSON
    keys = [f"{i:040x}" for i in range(8)]
    paths = [put_pack(cache, key, value, age=1000 - i) for i, key in enumerate(keys)]  # written in order
    reader = Cache(tmp_path / "cache", max_bytes=20_000)  # another process
    assert reader.get("doc", "abcd1234", keys[0]) == value  # the oldest, used now
    reader.trim()
    kept = [k for k, p in zip(keys, paths) if p.exists()]
    assert sum(p.stat().st_size for p in paths if p.exists()) <= 20_000
    assert keys[0] in kept and keys[-1] in kept and keys[1] not in kept
    assert Cache(tmp_path / "cache").get("doc", "abcd1234", keys[1]) is None  # trimmed: absent, not an error


def test_a_process_that_writes_keeps_the_cache_within_its_bound(repo):
    repo.git("config", "reviewtool.cacheSize", "3k")
    cli(repo, "log", "--json")
    cli(repo, "sections", "HEAD~1", "--json")
    total = sum(p.stat().st_size for p in cache_root(repo).glob("*/*"))
    assert 0 < total <= 3 * 1024
    assert cache_for(GitRepo.open(repo.path)).max_bytes in (3 * 1024, cache_module.DEFAULT_MAX_BYTES)


def test_a_cache_knows_when_it_holds_nothing_of_a_kind(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    assert cache.is_empty("doc", "abcd1234")  # no folder yet
    cache.put("doc", "abcd1234", "0" * 40, {"n": 1})
    assert not cache.is_empty("doc", "abcd1234")  # kept in memory
    assert cache.is_empty("doc", "abcd1235") and cache.is_empty("change", "abcd1234")
    cache.flush()
    assert not cache.is_empty("doc", "abcd1234")
    other = Cache(tmp_path / "cache")  # another process: sees the pack
    assert not other.is_empty("doc", "abcd1234") and other.is_empty("doc", "abcd1235")


def test_a_pack_larger_than_the_bound_keeps_what_fits(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10_000)
    value = {"text": "x" * 3000}
    keys = [f"{i:040x}" for i in range(6)]
    for key in keys:
        cache.put("doc", "abcd1234", key, value)
    cache.flush()
    reader = Cache(tmp_path / "cache")
    found = [k for k in keys if reader.get("doc", "abcd1234", k) == value]
    assert found == keys[:2]  # 8,000 bytes fit (the bound's 80%): the first ones
    assert sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*.pack")) <= 10_000


def test_many_small_packs_are_repacked_into_one(tmp_path):
    writer = Cache(tmp_path / "cache", max_bytes=10**6)
    keys = [f"{i:040x}" for i in range(cache_module._PACK_LIMIT + 1)]
    paths = [put_pack(writer, key, {"n": i}) for i, key in enumerate(keys[:-1])]
    assert all(p.exists() for p in paths)  # as many as the limit: left alone
    writer.put("doc", "abcd1234", keys[-1], {"n": len(keys) - 1})
    writer.flush()  # one more: the small ones are rolled up
    assert not any(p.exists() for p in paths)
    assert len(list((tmp_path / "cache" / "doc-abcd1234").iterdir())) == 1
    reader = Cache(tmp_path / "cache")
    assert [reader.get("doc", "abcd1234", k) for k in keys] == [{"n": i} for i in range(len(keys))]
    report = reader.report()
    assert (report.entries, report.packs, report.damaged, report.temporary) == (len(keys), 1, 0, 0)


def test_a_large_pack_is_not_rewritten_with_the_small_ones(tmp_path):
    writer = Cache(tmp_path / "cache", max_bytes=10**7)
    large = put_pack(writer, "f" * 40, {"text": "x" * 100_000})
    small = [put_pack(writer, f"{i:040x}", {"n": i}) for i in range(cache_module._PACK_LIMIT)]
    # (put_pack's last path is the pack the small ones went into)
    assert large.exists() and small[-1].exists() and not any(p.exists() for p in small[:-1])
    assert len(list(large.parent.iterdir())) == 2
    reader = Cache(tmp_path / "cache")
    assert reader.get("doc", "abcd1234", "f" * 40) == {"text": "x" * 100_000}
    assert [reader.get("doc", "abcd1234", f"{i:040x}") for i in range(cache_module._PACK_LIMIT)] == \
        [{"n": i} for i in range(cache_module._PACK_LIMIT)]


def test_repacking_over_the_bound_keeps_the_newest_entries(tmp_path):
    writer = Cache(tmp_path / "cache", max_bytes=10**6)
    keys = [f"{i:040x}" for i in range(cache_module._PACK_LIMIT + 1)]
    for i, key in enumerate(keys[:-1]):
        put_pack(writer, key, {"text": str(i) * 1000}, age=1000 - i)
    writer._max_bytes = 6_000  # room for about four: the newest packs' entries are kept
    put_pack(writer, keys[-1], {"text": "9" * 1000})
    reader = Cache(tmp_path / "cache")
    found = [k for k in keys if reader.get("doc", "abcd1234", k) is not None]
    assert keys[-1] in found and keys[0] not in found and len(found) == 4
    assert found == keys[-4:]


def test_a_reader_keeps_reading_while_another_process_repacks(tmp_path):
    writer = Cache(tmp_path / "cache", max_bytes=10**6)
    keys = [f"{i:040x}" for i in range(cache_module._PACK_LIMIT + 1)]
    for i, key in enumerate(keys[:-1]):
        put_pack(writer, key, {"n": i})
    reader = Cache(tmp_path / "cache")
    assert reader.get("doc", "abcd1234", keys[0]) == {"n": 0}  # the packs listed and opened
    put_pack(writer, keys[-1], {"n": len(keys) - 1})  # the packs the reader opened are repacked and removed
    assert [reader.get("doc", "abcd1234", k) for k in keys] == [{"n": i} for i in range(len(keys))]
    trimmer = Cache(tmp_path / "cache", max_bytes=1)
    trimmer.trim()  # every pack removed
    assert not list((tmp_path / "cache").rglob("*.pack"))
    late = Cache(tmp_path / "cache")
    assert late.get("doc", "abcd1234", keys[0]) is None  # gone: a miss, not an error
    assert reader.get("doc", "abcd1234", keys[1]) == {"n": 1}  # a pack opened before it went still reads


def test_a_pack_written_by_another_process_is_found(tmp_path):
    reader = Cache(tmp_path / "cache")
    assert reader.get("doc", "abcd1234", "ab" * 20) is None  # nothing yet: the folder listed
    put_pack(Cache(tmp_path / "cache"), "ab" * 20, {"x": 1})
    assert reader.get("doc", "abcd1234", "ab" * 20) == {"x": 1}  # a miss lists the folder again


def test_leftover_temporary_files_are_removed(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    pack = put_pack(cache, "ab" * 20, {"x": 1})
    stale = pack.parent / ".tmp-dead"
    stale.write_bytes(b"half a pac")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    assert cache.report().temporary == 1
    cache.trim()
    assert not stale.exists() and Cache(tmp_path / "cache").get("doc", "abcd1234", "ab" * 20) == {"x": 1}


def test_entries_of_older_versions_count_and_go_first(tmp_path):
    """Entry files of the layout before packs (one file each, in fan-out folders): counted,
    never read, trimmed first, and their folders removed."""
    old = tmp_path / "cache" / "doc-0123456789abcdef" / "a"
    old.mkdir(parents=True)
    for i in range(3):
        (old / f"{i:039x}").write_bytes(b"reviewtool-cache 3 ..." + b"x" * 3000)
        os.utime(old / f"{i:039x}", (time.time() - 10**6, time.time() - 10**6))
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    put_pack(cache, "ab" * 20, {"x": "y" * 3000})
    report = cache.report({"doc-abcd1234"})
    assert [(n.name, n.entries, n.packs, n.current) for n in report.namespaces] == [
        ("doc-abcd1234", 1, 1, True), ("doc-0123456789abcdef", 3, 0, False)]
    cache._max_bytes = 5000
    assert cache.trim() > 9000
    assert not (tmp_path / "cache" / "doc-0123456789abcdef").exists()
    assert Cache(tmp_path / "cache").get("doc", "abcd1234", "ab" * 20) == {"x": "y" * 3000}


def test_sizes():
    assert parse_size("64m") == 64 * 1024**2 and parse_size("1G") == 1024**3 and parse_size("500") == 500
    assert parse_size("lots") is None and parse_size("-1m") is None


def test_keys_are_checked(tmp_path):
    cache = Cache(tmp_path / "cache")
    with pytest.raises(ValueError):
        cache.put("doc", "abcd1234", "../../escape", {})
    with pytest.raises(ValueError):
        cache.get("doc/..", "abcd1234", "ab" * 20)


def doctor_json(repo: Repo, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["-C", str(repo.path), "doctor", "--json", *args])
    return result.exit_code, json.loads(result.output)


def cache_finding(report: dict) -> dict:
    (finding,) = [f for f in report["findings"] if f["check"] == "cache"]
    return finding


def test_doctor_reports_the_size_and_state_of_the_cache(repo):
    code, report = doctor_json(repo)
    assert code == 0 and cache_finding(report)["status"] == "ok" and "empty" in cache_finding(report)["message"]
    cli(repo, "log", "--json")
    code, report = doctor_json(repo)
    finding = cache_finding(report)
    assert code == 0 and finding["status"] == "ok", finding
    data = finding["data"]
    assert data["entries"] == 5 and data["packs"] == 2 and data["damaged"] == 0 and data["bytes"] > 0
    assert "in 5 entries, 2 packs (5 read by this version of reviewtool)" in finding["message"]
    assert data["max_bytes"] == cache_module.DEFAULT_MAX_BYTES
    assert all(n["current"] for n in data["namespaces"])
    cli(repo, "diff", "HEAD~1", "HEAD", "--json")  # a stored section diff: read by this version too
    code, report = doctor_json(repo)
    finding = cache_finding(report)
    assert "in 6 entries, 3 packs (6 read by this version of reviewtool)" in finding["message"], finding
    assert all(n["current"] for n in finding["data"]["namespaces"])


def test_doctor_finds_damaged_entries_and_repair_removes_them(repo):
    cli(repo, "log", "--json")
    damage(packs(repo)[0], "an entry flipped")
    code, report = doctor_json(repo)
    finding = cache_finding(report)
    assert code == 1 and finding["status"] == "warning" and "1 damaged" in finding["message"]
    assert finding["data"]["entries"] == 4 and finding["data"]["packs"] == 2
    code, report = doctor_json(repo, "--repair")
    assert code == 0 and cache_finding(report)["status"] == "ok"
    assert any("removed 1 damaged cache entries" in a for r in report["repairs"] for a in r["actions"])
    assert len(keys(repo)) == 2 and len(keys(repo, "change")) == 2 and len(packs(repo)) == 1


def test_doctor_repair_removes_a_pack_that_cannot_be_read(repo):
    cli(repo, "log", "--json")
    damage(packs(repo)[0], "the index flipped")
    code, report = doctor_json(repo)
    assert code == 1 and "1 damaged" in cache_finding(report)["message"]
    code, report = doctor_json(repo, "--repair")
    assert code == 0 and cache_finding(report)["status"] == "ok"
    assert packs(repo) == [] and len(keys(repo, "change")) == 2


def test_the_cache_folder_deleted_while_in_use_is_made_again(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    put_pack(cache, "ab" * 20, {"x": 1})
    import shutil

    shutil.rmtree(tmp_path / "cache")
    put_pack(cache, "ab" * 20, {"x": 2})
    assert cache.writable and cache.get("doc", "abcd1234", "ab" * 20) == {"x": 2}
    assert Cache(tmp_path / "cache").get("doc", "abcd1234", "ab" * 20) == {"x": 2}


def test_a_repository_deleted_before_the_cache_is_written_is_no_error(tmp_path):
    repo = make_repo(tmp_path / "gone")
    repo.commit("Version 1", {DRAFT: V1})
    history = DraftHistory(GitRepo.open(repo.path), DRAFT)
    history.stats(history.versions[0])
    cache = cache_for(GitRepo.open(repo.path))
    assert cache.pending
    import shutil

    shutil.rmtree(repo.path)
    cache.flush()  # nothing written, and no error
    assert not cache.pending and not repo.path.exists()


def test_entries_kept_in_memory_are_written_when_they_pass_the_flush_size(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "_FLUSH_BYTES", 10_000)
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    keys = [f"{i:040x}" for i in range(10)]
    for key in keys[:3]:
        cache.put("doc", "abcd1234", key, {"text": "x" * 3000})
    assert not (tmp_path / "cache").exists() and cache.pending  # 9 KB: kept
    cache.put("doc", "abcd1234", keys[3], {"text": "x" * 3000})  # 12 KB: written
    assert not cache.pending and len(list((tmp_path / "cache").glob("*/pack-*.pack"))) == 1
    assert cache.get("doc", "abcd1234", keys[0]) == {"text": "x" * 3000}
    cache.put("doc", "abcd1234", keys[4], {"n": 4})
    assert cache.get("doc", "abcd1234", keys[4]) == {"n": 4}  # read from memory before it is written
    assert Cache(tmp_path / "cache").get("doc", "abcd1234", keys[4]) is None  # not yet for other processes


def test_threads_put_and_get_while_another_flushes(tmp_path):
    """The terminal UI's workers: several threads compute and read entries while the cache
    is flushed after each task; every value put is read back whole, and ends in the packs."""
    import threading

    cache = Cache(tmp_path / "cache", max_bytes=10**7)
    failures: list[str] = []

    def worker(n: int) -> None:
        for i in range(60):
            key = f"{n:02x}{i:038x}"
            cache.put("doc", "abcd1234", key, {"n": n, "i": i, "text": "w" * (i * 37 % 500)})
            if cache.get("doc", "abcd1234", key) != {"n": n, "i": i, "text": "w" * (i * 37 % 500)}:
                failures.append(key)
            if i % 7 == 0:
                cache.flush()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cache.flush()
    assert failures == []
    reader = Cache(tmp_path / "cache")
    assert all(reader.get("doc", "abcd1234", f"{n:02x}{i:038x}") == {"n": n, "i": i, "text": "w" * (i * 37 % 500)}
               for n in range(4) for i in range(60))
    report = reader.report()
    assert report.entries == 240 and report.damaged == 0 and report.temporary == 0
    assert report.packs <= cache_module._PACK_LIMIT  # repacked as they accumulated


def test_packs_of_any_sizes_stay_few(tmp_path):
    """Flushes of random sizes (the terminal UI's tasks): after each, at most the limit of
    packs, or packs each at least twice the next smaller (git repack --geometric=2)."""
    import random

    rng = random.Random(5)
    cache = Cache(tmp_path / "cache", max_bytes=10**8)
    folder = tmp_path / "cache" / "doc-abcd1234"
    keys = []
    for n in range(60):
        for _ in range(rng.choice([1, 1, 2, 5, 20])):
            keys.append(f"{len(keys):040x}")
            cache.put("doc", "abcd1234", keys[-1], {"text": "t" * rng.randint(10, 4000)})
        cache.flush()
        sizes = sorted(p.stat().st_size for p in folder.glob("pack-*.pack"))
        assert len(sizes) <= cache_module._PACK_LIMIT or all(b >= 2 * a for a, b in itertools.pairwise(sizes)), \
            (n, sizes)
    reader = Cache(tmp_path / "cache")
    assert all(reader.get("doc", "abcd1234", k) is not None for k in keys)
    assert reader.report().entries == len(keys)


def test_a_long_running_process_measures_the_cache_again_as_it_writes(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=80_000)
    other = tmp_path / "cache" / "doc-0123456789abcdef" / "a"
    other.mkdir(parents=True)
    (other / ("0" * 39)).write_bytes(b"x" * 50_000)  # an older version's entry, never read
    os.utime(other / ("0" * 39), (time.time() - 10**6, time.time() - 10**6))
    put_pack(cache, "ab" * 20, {"text": "t" * 5000})  # the first pack: measured, under the bound
    assert (other / ("0" * 39)).exists()
    for i in range(4):  # 40 KB more, in packs of 10 KB: an eighth of the bound each
        put_pack(cache, f"{i:040x}", {"text": "t" * 10_000})
    assert not (other / ("0" * 39)).exists()  # over the bound: the oldest went first
    assert Cache(tmp_path / "cache").get("doc", "abcd1234", "ab" * 20) == {"text": "t" * 5000}


# ---------------------------------------------------------------------- texts shared by entries (bodies)
SHARED = ["the first section's plain text, which every version has " * 20, "", "a second section " * 30]


def body_ids(pack: Path) -> set[str]:
    """The ids of the bodies in *pack*'s index."""
    return {key[1:] for key in _index(pack.read_bytes()) if key.startswith("=")}


def test_an_entry_s_texts_are_written_once_per_pack_and_read_back(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10**7)
    keys = [f"{i:040x}" for i in range(20)]
    for i, key in enumerate(keys):
        cache.put("doc", "abcd1234", key, {"n": i}, [i], texts=[*SHARED, f"version {i}", SHARED[0]])
    assert cache.get_texts("doc", "abcd1234", keys[3], 1) == ([3], [*SHARED, "version 3", SHARED[0]])  # from memory
    cache.flush()
    (pack,) = (tmp_path / "cache" / "doc-abcd1234").glob("pack-*.pack")
    assert len(body_ids(pack)) == len(SHARED) + len(keys)  # each distinct text once
    assert pack.stat().st_size < 20 * 2000  # the shared texts (1,650 bytes) not once per entry
    reader = Cache(tmp_path / "cache")
    for i, key in enumerate(keys):
        assert reader.get("doc", "abcd1234", key) == {"n": i}  # a part alone, as before
        assert reader.get_texts("doc", "abcd1234", key, 1) == ([i], [*SHARED, f"version {i}", SHARED[0]])
    assert reader.get_texts("doc", "abcd1234", "ff" * 20) is None  # absent
    report = reader.report()
    assert (report.entries, report.packs, report.damaged) == (len(keys), 1, 0)


def test_texts_survive_repacking_and_a_repacked_pack_holds_each_once(tmp_path):
    writer = Cache(tmp_path / "cache", max_bytes=10**7)
    keys = [f"{i:040x}" for i in range(cache_module._PACK_LIMIT + 1)]
    for i, key in enumerate(keys):
        writer.put("doc", "abcd1234", key, {"n": i}, texts=[SHARED[0], f"only in {i}"])
        writer.flush()  # a pack each: the last one makes the small ones roll up
    (pack,) = (tmp_path / "cache" / "doc-abcd1234").glob("pack-*.pack")
    assert len(body_ids(pack)) == 1 + len(keys)
    reader = Cache(tmp_path / "cache")
    assert [reader.get_texts("doc", "abcd1234", k) for k in keys] == \
        [({"n": i}, [SHARED[0], f"only in {i}"]) for i in range(len(keys))]


def test_a_pack_written_by_another_process_gives_its_texts(tmp_path):
    reader = Cache(tmp_path / "cache")
    assert reader.get_texts("doc", "abcd1234", "ab" * 20) is None
    writer = Cache(tmp_path / "cache")
    writer.put("doc", "abcd1234", "ab" * 20, {"x": 1}, texts=SHARED)
    writer.flush()
    assert reader.get_texts("doc", "abcd1234", "ab" * 20) == ({"x": 1}, SHARED)


def rewrite_bodies(pack: Path, change) -> None:
    """Write *pack* again, whole and with a sound index, its bodies passed through *change*
    (id, bytes) -> bytes or None (left out)."""
    data = pack.read_bytes()
    kind, _, fingerprint = pack.parent.name.partition("-")
    fmt = cache_module.CACHE_FORMAT
    index = _index(data)
    entries = [(key, data[o : o + n]) for key, (o, n) in index.items() if not key.startswith("=")]
    bodies = {}
    for key, (o, n) in index.items():
        if key.startswith("="):
            changed = change(key[1:], data[o : o + n])
            if changed is not None:
                bodies[key[1:]] = changed
    pack.write_bytes(build_pack(entries, fmt, kind, fingerprint, bodies)[0])


@pytest.mark.parametrize("how", ["a body missing", "a body flipped", "a body replaced by another"])
def test_an_entry_whose_text_is_damaged_is_ignored_and_rebuilt(repo, how):
    expected = outputs(repo, "--no-cache")
    outputs(repo)
    new_process()
    (pack,) = packs(repo)
    victim = sorted(body_ids(pack))[0]
    others = sorted(body_ids(pack))[1:]

    def change(body_id: str, data: bytes) -> bytes | None:
        if body_id != victim:
            return data
        if how == "a body missing":
            return None
        if how == "a body flipped":
            return data[:-2] + bytes([data[-2] ^ 0x01]) + data[-1:]
        return orjson.dumps("another text")  # well-formed JSON, not the text its id names

    rewrite_bodies(pack, change)
    damaged = Cache(cache_root(repo)).report().damaged
    assert damaged >= 1  # every entry that refers to it
    assert outputs(repo) == expected  # no error, the same output
    new_process()
    report = Cache(cache_root(repo)).report()
    assert report.damaged == 0 and report.entries == 11, report  # written again, the damaged pack repacked
    assert len(packs(repo)) == 1 and victim in body_ids(packs(repo)[0]) and set(others) <= body_ids(packs(repo)[0])


def test_doctor_repair_removes_entries_whose_texts_are_missing(repo):
    cli(repo, "log", "--json")
    (pack,) = packs(repo)
    victim = sorted(body_ids(pack))[0]
    rewrite_bodies(pack, lambda body_id, data: None if body_id == victim else data)
    code, report = doctor_json(repo)
    finding = cache_finding(report)
    assert code == 1 and finding["status"] == "warning" and "damaged" in finding["message"]
    lost = finding["data"]["damaged"]
    code, report = doctor_json(repo, "--repair")
    assert code == 0 and cache_finding(report)["status"] == "ok"
    assert len(keys(repo)) == 3 - lost and victim not in body_ids(packs(repo)[0])  # nothing refers to it now


def old_format_pack(entries: list[tuple[str, list[object]]], kind: str, fingerprint: str) -> bytes:
    """A pack as reviewtool wrote them before texts were shared (format 4: each entry its
    parts alone, a section's plain text inside its row)."""
    import zlib

    chunks = [b"reviewtool-pack 4 %s %s\n" % (kind.encode(), fingerprint.encode())]
    offset, index = len(chunks[0]), {}
    for key, parts in entries:
        payload = b"\n".join(map(orjson.dumps, parts))
        data = b"reviewtool-cache 4 %s %s %s %d %d\n%s" % (kind.encode(), fingerprint.encode(), key.encode(),
                                                           len(payload), zlib.crc32(payload), payload)
        index[key] = [offset, len(data)]
        chunks += (data, b"\n")
        offset += len(data) + 1
    table = orjson.dumps(index)
    chunks += (table, b"\nreviewtool-pack-index 4 %d %d %d\n" % (offset, len(table), zlib.crc32(table)))
    return b"".join(chunks)


def test_a_pack_of_the_format_before_is_ignored_and_rebuilt(repo):
    """A pack of format 4 where this version reads (a copy, a downgrade and upgrade, a
    folder name that matched): never read, the versions parsed again, no error; the
    old pack goes at the next write, and doctor counts it damaged until then."""
    expected = outputs(repo, "--no-cache")
    fingerprint = stored_document.fingerprint()
    history = DraftHistory(GitRepo.open(repo.path), DRAFT, use_cache=False)
    entries = []
    for v in history.versions:
        doc = history.document(v)
        data, plains = stored_document.dump(doc)
        for row, plain in zip(data["sections"], plains):
            row.insert(11, plain)  # where format 4 kept it
        entries.append((v.blob, [doc.stats(), data]))
    folder = cache_root(repo) / f"doc-{fingerprint}"
    folder.mkdir(parents=True)
    (folder / "pack-old.pack").write_bytes(old_format_pack(entries, "doc", fingerprint))
    assert Cache(cache_root(repo)).report().damaged == 1  # a pack whose first line is not ours
    assert outputs(repo) == expected
    new_process()
    report = Cache(cache_root(repo)).report()
    assert report.damaged == 0 and report.entries == 11
    assert not (folder / "pack-old.pack").exists()
    assert keys(repo) == {v.blob for v in history.versions}


_TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)  # any text UTF-8 can hold


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(_TEXTS | st.sampled_from(SHARED), max_size=6), st.integers(0, 3)),
                min_size=1, max_size=12))
def test_any_texts_round_trip_through_packs_and_repacking(tmp_path_factory, versions):
    """Entries with any texts (empty, repeated within an entry and across entries, newlines,
    any code point), written in flushes of any size: every one reads back whole from memory,
    from its pack, and after the packs are repacked into one; doctor finds nothing damaged."""
    root = tmp_path_factory.mktemp("cache") / "cache"
    writer = Cache(root, max_bytes=10**8)
    keys = [f"{i:040x}" for i in range(len(versions))]
    for key, (texts, flushes) in zip(keys, versions):
        writer.put("doc", "abcd1234", key, {"texts": len(texts)}, texts=texts)
        assert writer.get_texts("doc", "abcd1234", key) == ({"texts": len(texts)}, texts)
        for _ in range(flushes % 2):
            writer.flush()
    writer.flush()
    expected = {key: ({"texts": len(texts)}, texts) for key, (texts, _) in zip(keys, versions)}
    assert {key: Cache(root).get_texts("doc", "abcd1234", key) for key in keys} == expected
    packs_before = list(root.glob("*/pack-*.pack"))
    if len(packs_before) > 1:  # every pack rewritten as one, as the small ones are when there are too many
        writer._write(writer._space("doc", "abcd1234", keys[0]), *_contents(packs_before))
        assert len(list(root.glob("*/pack-*.pack"))) == 1
    assert {key: Cache(root).get_texts("doc", "abcd1234", key) for key in keys} == expected
    report = Cache(root).report()
    assert (report.entries, report.damaged) == (len(keys), 0)


def _contents(paths: list[Path]) -> tuple:
    """What Cache._write takes to write the packs at *paths* as one, and replace them."""
    entries: dict[str, bytes] = {}
    bodies: dict[str, bytes] = {}
    refs: dict[str, list[str]] = {}
    for path in sorted(paths, key=lambda p: -p.stat().st_mtime_ns):
        found, damaged, found_bodies, found_refs = pack_contents(path.read_bytes(), cache_module.CACHE_FORMAT,
                                                                 "doc", "abcd1234")
        assert damaged == 0
        for key, data in found:
            if key not in entries:
                entries[key], refs[key] = data, found_refs[key]
        bodies.update(found_bodies)
    return list(entries.items()), bodies, refs, {p.name for p in paths}


def test_a_text_utf_8_cannot_hold_is_not_kept(tmp_path):
    cache = Cache(tmp_path / "cache")
    cache.put("doc", "abcd1234", "ab" * 20, {"x": 1}, texts=["fine", "a lone \ud800 surrogate"])
    assert cache.get_texts("doc", "abcd1234", "ab" * 20) is None and not cache.pending


def test_a_pack_larger_than_the_bound_keeps_what_fits_with_its_texts(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10_000)
    keys = [f"{i:040x}" for i in range(6)]
    for i, key in enumerate(keys):  # 3,000 bytes of text each, its own, and a short one they share
        cache.put("doc", "abcd1234", key, {"n": i}, texts=[str(i) * 3000, "shared"])
    cache.flush()
    reader = Cache(tmp_path / "cache")
    found = [k for k in keys if reader.get_texts("doc", "abcd1234", k) is not None]
    assert found == keys[:2]  # the first ones, each with its texts: 8,000 bytes fit (the bound's 80%)
    assert reader.get_texts("doc", "abcd1234", keys[1]) == ({"n": 1}, ["1" * 3000, "shared"])
    (pack,) = (tmp_path / "cache").rglob("*.pack")
    assert pack.stat().st_size <= 10_000 and len(body_ids(pack)) == 3  # no text of an entry left out


def test_the_texts_a_process_keeps_stay_within_their_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "_TEXTS_KEPT", 10)
    cache = Cache(tmp_path / "cache")
    for i in range(40):
        cache.put("doc", "abcd1234", f"{i:040x}", {"n": i}, texts=[f"text {i}", f"more {i}"])
        assert len(cache._ids) <= 12 and len(cache._texts) <= 12
    cache.flush()
    reader = Cache(tmp_path / "cache")
    for i in range(40):
        assert reader.get_texts("doc", "abcd1234", f"{i:040x}") == ({"n": i}, [f"text {i}", f"more {i}"])
        assert len(reader._texts) <= 12


def test_stored_sections_are_built_in_the_order_of_the_section_fields():
    """``stored_document._load`` builds each Section with positional arguments (a book has
    thousands): a field added, removed or moved in Section must be met there too."""
    import dataclasses

    from reviewtool.draft.document import Section, parse

    assert [f.name for f in dataclasses.fields(Section)] == [
        "key", "title", "kind", "level", "start", "end", "line_start", "line_end", "body_start", "index", "parent",
        "children", "end_all", "plain", "words", "prose_words", "outline_words", "words_all", "subpoints", "fields"]
    text = ("---\ntitle: T\ntags: [a, b]\n---\n\n# Top\n\nSome prose words here, and more of them.\n\n"
            "> a quoted line of words\n\n## Outline\n\n- point one\n  - sub point\n- point two\n\n"
            "### Deeper\n\nA last paragraph, with [a link](http://x).\n")
    doc = parse(text)
    stored = stored_document.dump(doc)
    assert stored is not None
    data, plains = json.loads(json.dumps(stored))
    loaded = stored_document.load(data, plains, text, doc.path)
    assert loaded is not None
    assert [dataclasses.asdict(s) for s in loaded.sections] == [dataclasses.asdict(s) for s in doc.sections]
    # the counts that sit side by side differ somewhere, so a swap would show
    assert any(s.words != s.prose_words for s in doc.sections)
    assert any(s.words != s.outline_words != s.prose_words for s in doc.sections)
    assert any(s.words != s.words_all for s in doc.sections)
    assert any(s.subpoints for s in doc.sections) and any(s.fields for s in doc.sections)
    assert any(s.children for s in doc.sections) and any(s.parent for s in doc.sections)
