"""The persistent cache of parsed versions (draft/cache.py, draft/stored_document.py), on real repositories.

Each version is parsed once per repository; the next run reads the cache and prints the
same output; a damaged, foreign-version or unwritable cache is ignored and rebuilt without
an error; several processes share it; it stays within its bound, least recently used first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.draft import cache as cache_module
from reviewtool.draft import stored_document
from reviewtool.draft.cache import Cache, cache_for, parse_size
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


def entries(repo: Repo, kind: str = "doc") -> list[Path]:
    """The cache entries of *kind* (``doc``: parsed versions; ``change``: what a version changed)."""
    return sorted(p for p in cache_root(repo).glob(f"{kind}-*/*/*") if p.is_file() and not p.name.startswith(".tmp-"))


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
    assert len(entries(repo)) == 3  # one entry per version's blob
    assert len(entries(repo, "change")) == 2  # what each version changed against its first parent
    monkeypatch.setattr("reviewtool.draft.history.parse", _no_parsing)
    warm = outputs(repo)
    assert cold == uncached and warm == uncached


def _no_parsing(*args, **kwargs):
    raise AssertionError("parsed although the version was cached")


def test_a_stored_document_equals_the_parsed_one(repo):
    history = DraftHistory(GitRepo.open(repo.path), DRAFT, use_cache=False)
    for v in history.versions:
        doc = history.document(v)
        data = json.loads(json.dumps(stored_document.dump(doc)))  # through JSON, as stored
        loaded = stored_document.load(data, doc.text, doc.path)
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
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        path.write_bytes(data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:])
    elif how == "garbage":
        path.write_bytes(os.urandom(200))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "other entry":  # a valid entry of another blob copied over this one
        others = [p for p in path.parent.parent.rglob("*") if p.is_file() and p != path]
        path.write_bytes(others[0].read_bytes())
    elif how == "other format":
        path.write_bytes(data.replace(b"reviewtool-cache %d " % cache_module.CACHE_FORMAT, b"reviewtool-cache 99 ", 1))
    elif how == "valid but wrong":  # well-formed, but sections that do not fit the text, or counts not numbers
        import zlib

        import orjson

        header, _, payload = data.partition(b"\n")
        parts = [orjson.loads(line) for line in payload.split(b"\n")]
        value = parts[-1]
        if "sections" in value:
            value["sections"][0][5] += 1
        elif "pairs" in value:  # a stored diff: one section in two pairs
            value["pairs"].append(value["pairs"][0])
        else:
            value["words_added"] = "many"
        if len(parts) > 1:
            parts[0]["words"] = "many"
        fields = header.split(b" ")
        new_payload = b"\n".join(map(orjson.dumps, parts))
        fields[-2:] = [str(len(new_payload)).encode(), str(zlib.crc32(new_payload)).encode()]
        path.write_bytes(b" ".join(fields) + b"\n" + new_payload)


@pytest.mark.parametrize("how", ["truncated", "flipped", "garbage", "empty", "other entry", "other format",
                                 "valid but wrong"])
def test_a_damaged_cache_is_ignored_and_rebuilt(repo, how):
    expected = outputs(repo, "--no-cache")
    outputs(repo)
    for path in entries(repo) + entries(repo, "change") + entries(repo, "diff"):
        damage(path, how)
    assert outputs(repo) == expected  # no error, the same output
    report = Cache(cache_root(repo)).report()
    # Every damaged entry was written again: 3 versions, 2 changes, 6 diffs of two blobs.
    assert report.damaged == 0 and report.entries == 11


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
    assert any(p.parent.name + p.name == blob_id(data) for p in entries(repo))
    assert blob_id(data) == repo.git("hash-object", DRAFT).strip()
    assert cli(repo, "sections", "--json") == expected


def test_several_processes_share_the_cache(repo):
    """Eight processes read and write the cold cache at once; all print the same, nothing is damaged."""
    expected = cli(repo, "--no-cache", "log", "--json")
    procs = [subprocess.Popen([sys.executable, "-m", "reviewtool", "-C", str(repo.path), "log", "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    results = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    assert all(out == expected for out, _ in results)
    report = Cache(cache_root(repo)).report()
    assert report.damaged == 0 and report.temporary == 0 and report.entries == 5


def test_the_cache_is_trimmed_least_recently_used_first(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    value = {"text": os.urandom(3000).hex()}  # about 6 KB of incompressible JSON
    keys = [f"{i:040x}" for i in range(8)]
    for i, key in enumerate(keys):
        cache.put("doc", "abcd1234", key, value)
        path = cache._path("doc", "abcd1234", key)
        os.utime(path, (time.time() - 1000 + i, time.time() - 1000 + i))  # written in order
    cache.get("doc", "abcd1234", keys[0])  # the oldest, used now
    cache._max_bytes = 20_000
    cache.trim()
    kept = [k for k in keys if cache._path("doc", "abcd1234", k).exists()]
    assert sum(cache._path("doc", "abcd1234", k).stat().st_size for k in kept) <= 20_000
    assert keys[0] in kept and keys[-1] in kept and keys[1] not in kept
    assert cache.get("doc", "abcd1234", keys[1]) is None  # trimmed: absent, not an error


def test_a_process_that_writes_keeps_the_cache_within_its_bound(repo):
    repo.git("config", "reviewtool.cacheSize", "1k")
    cli(repo, "log", "--json")
    cli(repo, "sections", "HEAD~1", "--json")
    total = sum(p.stat().st_size for p in entries(repo))
    assert total <= 1024 or len(entries(repo)) == 1
    assert cache_for(GitRepo.open(repo.path)).max_bytes in (1024, cache_module.DEFAULT_MAX_BYTES)


def test_leftover_temporary_files_are_removed(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    cache.put("doc", "abcd1234", "ab" * 20, {"x": 1})
    stale = cache._path("doc", "abcd1234", "ab" * 20).parent / ".tmp-dead"
    stale.write_bytes(b"half an entr")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    assert cache.report().temporary == 1
    cache.trim()
    assert not stale.exists() and cache.get("doc", "abcd1234", "ab" * 20) == {"x": 1}


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
    assert data["entries"] == 5 and data["damaged"] == 0 and data["bytes"] > 0
    assert data["max_bytes"] == cache_module.DEFAULT_MAX_BYTES
    assert all(n["current"] for n in data["namespaces"])


def test_doctor_finds_damaged_entries_and_repair_removes_them(repo):
    cli(repo, "log", "--json")
    damage(entries(repo)[0], "flipped")
    code, report = doctor_json(repo)
    finding = cache_finding(report)
    assert code == 1 and finding["status"] == "warning" and "1 damaged" in finding["message"]
    code, report = doctor_json(repo, "--repair")
    assert code == 0 and cache_finding(report)["status"] == "ok"
    assert any("removed 1 damaged cache entries" in a for r in report["repairs"] for a in r["actions"])
    assert len(entries(repo)) == 2


def test_the_cache_folder_deleted_while_in_use_is_made_again(tmp_path):
    cache = Cache(tmp_path / "cache", max_bytes=10**6)
    cache.put("doc", "abcd1234", "ab" * 20, {"x": 1})
    import shutil

    shutil.rmtree(tmp_path / "cache")
    cache.put("doc", "abcd1234", "ab" * 20, {"x": 2})
    assert cache.writable and cache.get("doc", "abcd1234", "ab" * 20) == {"x": 2}
