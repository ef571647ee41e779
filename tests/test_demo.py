"""The bundled demo history, replayed into a real git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reviewtool.demo.builder import build_demo, demo_steps, demo_version
from reviewtool.errors import ReviewtoolError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "drafts" / "2023-05-05-seri-mats-problem-2.md"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True,
        env={**os.environ, "LC_ALL": "C", "LANG": "C"},
    ).stdout


def git_bytes(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True).stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "repo")


def final_path() -> str:
    return demo_steps()[-1]["path"]


def test_follow_log_has_one_commit_per_step(demo):
    steps = demo_steps()
    assert len(steps) >= 9
    log = git(demo, "log", "--follow", "--oneline", "--", final_path()).splitlines()
    assert len(log) == len(steps)
    subjects = [line.split(" ", 1)[1] for line in reversed(log)]
    assert subjects == [s["message"].split("\n", 1)[0] for s in steps]


def test_every_commit_matches_its_version_file(demo):
    steps = demo_steps()
    shas = git(demo, "rev-list", "--reverse", "HEAD").split()
    assert len(shas) == len(steps)
    for sha, step in zip(shas, steps):
        assert git_bytes(demo, "show", f"{sha}:{step['path']}") == demo_version(step["file"])
        # exactly one file in every commit's tree
        assert git(demo, "ls-tree", "-r", "--name-only", sha).split() == [step["path"]]


def test_seed_version_is_the_draft_byte_for_byte(demo):
    seed = SEED.read_bytes()
    steps = demo_steps()
    matches = [i for i, s in enumerate(steps) if demo_version(s["file"]) == seed]
    assert matches, "no version equals the seed draft"
    index = matches[0]
    sha = git(demo, "rev-list", "--reverse", "HEAD").split()[index]
    assert git_bytes(demo, "show", f"{sha}:{steps[index]['path']}") == seed


def test_authors_dates_and_timezones(demo):
    lines = git(demo, "log", "--format=%an <%ae>|%ad|%cd", "--date=iso-strict").splitlines()
    authors = {line.split("|")[0] for line in lines}
    assert len(authors) >= 2
    expected = [s["date"] for s in reversed(demo_steps())]
    assert [line.split("|")[1] for line in lines] == expected
    assert [line.split("|")[2] for line in lines] == expected


def test_file_rename_is_detected(demo):
    out = git(demo, "log", "--follow", "--name-status", "--format=%h", "--", final_path())
    renames = [line for line in out.splitlines() if re.match(r"R\d+\t", line)]
    assert len(renames) == 1
    _, old, new = renames[0].split("\t")
    assert old == demo_steps()[0]["path"]
    assert new == final_path()


def test_working_tree_is_clean_and_matches_head(demo):
    assert git(demo, "status", "--porcelain") == ""
    assert git(demo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert (demo / final_path()).read_bytes() == demo_version(demo_steps()[-1]["file"])


def test_manifest_documents_the_structural_events():
    steps = demo_steps()
    kinds = [e.split(":", 1)[0] for s in steps for e in s["events"]]
    for kind in ("promoted", "renamed", "moved", "split", "file-renamed"):
        assert kind in kinds, kind
    for step in steps:
        assert set(step) == {"file", "path", "author", "email", "date", "message", "events"}
        text = demo_version(step["file"]).decode("utf-8")
        assert text.startswith("---\nlayout: post\ntitle: ")
        assert "\ndate: 2023-05-05 12:12:12 -0400\ncategories:" in text


def test_default_target_is_a_new_temporary_directory():
    repo = build_demo()
    try:
        assert repo.name.startswith("reviewtool-demo-")
        assert git(repo, "status", "--porcelain") == ""
    finally:
        shutil.rmtree(repo)


def test_empty_existing_directory_is_accepted(tmp_path):
    repo = build_demo(tmp_path)
    assert repo == tmp_path
    assert (tmp_path / ".git").is_dir()


def test_non_empty_target_is_refused(tmp_path):
    (tmp_path / "keep.txt").write_text("mine\n")
    with pytest.raises(ReviewtoolError, match="not empty"):
        build_demo(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
