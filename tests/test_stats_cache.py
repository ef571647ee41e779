"""The stats cache: each draft version is parsed once per repository (real git repositories)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.draft import stats_cache
from reviewtool.draft.history import DraftHistory
from reviewtool.draft.stats_cache import StatsCache
from reviewtool.git.repo import GitRepo
from tests.gitutil import Repo, make_repo

DRAFT = "drafts/essay.md"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repo = make_repo(tmp_path / "repo")
    repo.commit("Outline", {DRAFT: "# Essay\n\n## Plan\n\n- one point\n- another point\n"})
    repo.commit("Prose", {DRAFT: "# Essay\n\n## Plan\n\nOne point, now a sentence with words.\n\n## End\n\nDone.\n"})
    return repo


def log_json(repo: Repo) -> list[dict]:
    result = CliRunner().invoke(main, ["-C", str(repo.path), "log", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["versions"]


def cache_files(repo: Repo) -> list[Path]:
    return sorted((repo.path / ".git" / "reviewtool").glob("stats-*.jsonl"))


def test_log_parses_each_version_once_and_then_reads_the_same_numbers(repo, monkeypatch):
    first = log_json(repo)
    (path,) = cache_files(repo)
    assert len(path.read_text().splitlines()) == 2  # one line per version's blob
    assert first[0]["words"] > first[1]["words"] > 0 and first[0]["prose_share"] > first[1]["prose_share"]

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed although the stats were cached")

    monkeypatch.setattr("reviewtool.draft.history.parse", no_parsing)
    # The numbers come from the cache (what each version changed still needs the texts).
    history = DraftHistory(GitRepo.open(repo.path), DRAFT)
    for v, entry in zip(history.versions, first, strict=True):
        assert history.stats(v) == {k: entry[k] for k in history.stats(v)}
    monkeypatch.undo()
    assert log_json(repo) == first
    path.unlink()
    assert log_json(repo) == first  # recomputed: the same numbers


def test_torn_foreign_and_incomplete_lines_are_skipped(repo):
    log_json(repo)
    (path,) = cache_files(repo)
    good = path.read_text().splitlines()
    blob = json.loads(good[0])["blob"]
    path.write_text('{"blob": "' + blob + '", "stats": {"wor\n[1, 2]\nnot json\n' + good[1] + "\n"
                    + '{"blob": "' + blob + '", "stats": {}}\n'
                    + '{"blob": "' + blob + '", "stats": {"words": "12", "sections": 1, "prose_sections": 1, '
                    '"outline_sections": 0, "prose_share": "1"}}\n')
    history = DraftHistory(GitRepo.open(repo.path), DRAFT)
    v = next(v for v in history.versions if v.blob == blob)
    assert history.stats(v) == json.loads(good[0])["stats"]  # recomputed, and appended again
    assert path.read_text().splitlines()[-1] == good[0]


def test_a_changed_parser_starts_a_new_file_and_removes_the_old(repo, monkeypatch):
    log_json(repo)
    (old,) = cache_files(repo)
    monkeypatch.setattr(stats_cache, "_fingerprint", "0123456789abcdef")
    log_json(repo)
    (new,) = cache_files(repo)
    assert new.name == "stats-0123456789abcdef.jsonl" and not old.exists()


def test_where_the_cache_cannot_be_written_the_stats_still_come(repo):
    """A file where the cache directory would go stands for a read-only repository (a
    chmod would not stop root, who runs CI here)."""
    blocker = repo.path / ".git" / "reviewtool"
    blocker.write_text("not a directory")
    fresh = _fresh(repo)
    for _ in range(2):
        entries = log_json(repo)
        assert [{key: entry[key] for key in stats} for entry, stats in zip(entries, fresh)] == fresh
    assert blocker.read_text() == "not a directory"


def _fresh(repo: Repo) -> list[dict]:
    history = DraftHistory(GitRepo.open(repo.path), DRAFT)
    return [history.document(v).stats() for v in history.versions]


def test_concurrent_writers_keep_every_line_whole(repo):
    cache_dir = GitRepo.open(repo.path)
    stats = {"words": 12, "sections": 3, "prose_sections": 2, "outline_sections": 1, "prose_share": 0.6667}
    blobs = [f"{i:040x}" for i in range(400)]

    def writer(part: list[str]) -> None:
        cache = StatsCache(cache_dir)  # each its own instance, as separate processes would be
        for blob in part:
            cache.put(blob, {**stats, "words": int(blob, 16)})

    threads = [threading.Thread(target=writer, args=(blobs[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reread = StatsCache(cache_dir)
    assert all(reread.get(blob) == {**stats, "words": int(blob, 16)} for blob in blobs)
    assert len(reread.path.read_text().splitlines()) == len(blobs)
