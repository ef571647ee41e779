"""Messages that misled (issue 12): git's message search, notes.rewriteMode, a history rewritten
with a rename, and usage lines that showed optional arguments as required. Real repositories,
real rewrites (fast-export | fast-import, rebase -i with a squash)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from reviewtool.cli.commands import main
from reviewtool.git.repo import GitRepo
from reviewtool.review import anchoring
from reviewtool.review.store import ReviewStore
from tests.gitutil import fast_import_history

OLD, NEW = "drafts/essay.md", "drafts/gardens.md"
VERSIONS = [
    "# Gardens\n\n## Soil\n\nSoil is the first thing a gardener reads.\n",
    "# Gardens\n\n## Soil\n\nSoil is the first thing a gardener reads.\n\n## Water\n\nWater little, but deep.\n",
    "# Gardens\n\n## Soil\n\nSoil is the first thing a good gardener reads.\n\n## Water\n\nWater little, but deep.\n",
]


@pytest.fixture(autouse=True)
def _fresh_caches():
    anchoring.clear_caches()


def rt(path, *args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["-C", str(path), *args], env=env)


def ok(path, *args: str) -> str:
    result = rt(path, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


# ---------------------------------------------------------------------------- :/message


def test_git_message_search_names_a_version(tmp_path):
    repo = fast_import_history(tmp_path / "r", VERSIONS)  # subjects "Version 1" .. "Version 3"
    assert ok(repo.path, "show", ":/Version 2") == VERSIONS[1]
    data = json.loads(ok(repo.path, "show", ":/Version 1", "--json"))
    assert data["version"]["subject"] == "Version 1"
    diff = json.loads(ok(repo.path, "diff", ":/Version 1", ":/Version 3", "--json"))
    assert diff["summary"]["words_added"] > 0
    missing = rt(repo.path, "show", ":/no such message")
    assert missing.exit_code == 1 and missing.stderr == "reviewtool: error: unknown revision: :/no such message\n"


def test_a_revision_that_names_no_commit_says_what_it_names(tmp_path):
    repo = fast_import_history(tmp_path / "r", VERSIONS)
    blob = rt(repo.path, "show", f":{OLD}")  # the index's blob of the draft
    assert blob.exit_code == 1
    assert blob.stderr == f"reviewtool: error: :{OLD} names a blob, not a commit\n"


# ---------------------------------------------------------------------------- notes.rewriteMode


@pytest.mark.parametrize("mode", ["overwrite", "ignore"])
def test_init_warns_when_rewrite_mode_would_drop_events(tmp_path, mode):
    repo = fast_import_history(tmp_path / "r", VERSIONS)
    repo.git("config", "notes.rewriteMode", mode)
    result = rt(repo.path, "init")
    assert result.exit_code == 0, result.output
    assert f"reviewtool: warning: notes.rewriteMode is {mode}" in result.stderr
    assert "git config notes.rewriteMode concatenate" in result.stderr
    data = json.loads(ok(repo.path, "init", "--json"))
    assert any(f"notes.rewriteMode is {mode}" in w for w in data["warnings"])
    repo.git("config", "notes.rewriteMode", "cat_sort_uniq")
    assert "rewriteMode" not in rt(repo.path, "init").stderr


def test_the_warning_is_true_a_squash_with_overwrite_keeps_one_commits_events(tmp_path):
    """What the warning says, shown with git itself: two commits with comments, squashed by
    ``rebase -i``; with ``overwrite`` the new commit's note holds one commit's events only."""
    for mode, kept in (("overwrite", 1), ("concatenate", 2)):
        repo = fast_import_history(tmp_path / mode, VERSIONS)
        ok(repo.path, "init")
        repo.git("config", "notes.rewriteMode", mode)
        store = ReviewStore(GitRepo.open(repo.path))
        heads = repo.git("rev-list", "HEAD").split()
        for commit in heads[:2]:
            blob = repo.git("rev-parse", f"{commit}:{OLD}").strip()
            store.add_comment(commit, OLD, blob, f"on {commit[:8]}")
        repo.git("rebase", "-q", "-i", "HEAD~2",
                 env={"GIT_SEQUENCE_EDITOR": "sed -i '2s/^pick/squash/'", "GIT_EDITOR": "true"})
        note = repo.git("notes", "--ref", "reviewtool", "show", "HEAD")
        assert len([line for line in note.splitlines() if line.strip()]) == kept, (mode, note)


# ---------------------------------------------------------------------------- a rewrite that renames


def rewrite_renaming(repo, old: str, new: str) -> None:
    """Rewrite the whole history so the draft was always at *new* (fast-export | fast-import):
    every commit gets a new id; the notes stay on the old ones."""
    stream = repo.git("fast-export", "--no-data", "main").replace(f" {old}\n", f" {new}\n")
    repo.git("fast-import", "--quiet", "--force", input=stream)
    repo.git("reset", "-q", "--hard", "main")
    repo.git("reflog", "expire", "--expire=now", "--all")


def test_threads_follow_a_draft_renamed_by_a_history_rewrite(tmp_path):
    repo = fast_import_history(tmp_path / "r", VERSIONS)
    _v1, v2, v3 = reversed(repo.git("rev-list", "HEAD").split())
    store = ReviewStore(GitRepo.open(repo.path))
    for commit, body in ((v2, "Whole version two."), (v3, "Section comment on soil.")):
        blob = repo.git("rev-parse", f"{commit}:{OLD}").strip()
        section = ("gardens/soil", "Soil") if commit == v3 else None
        store.add_comment(commit, OLD, blob, body, section=section)
    text = VERSIONS[2]
    quote = "Water little, but deep."
    start = text.index(quote)
    blob3 = repo.git("rev-parse", f"{v3}:{OLD}").strip()
    suggestion = store.add_comment(v3, OLD, blob3, "Tighter.", section=("gardens/water", "Water"),
                                   quote=(start, start + len(quote), quote, None, None),
                                   suggestion="Water rarely, and deeply.").id
    before = json.loads(ok(repo.path, "comments", "--json"))["threads"]
    rewrite_renaming(repo, OLD, NEW)
    assert repo.git("ls-files").split() == [NEW]
    assert v3 not in repo.git("rev-list", "HEAD")

    after = json.loads(ok(repo.path, "comments", "--json"))
    assert after["draft"] == NEW
    assert [(t["id"], t["placement"]["state"]) for t in after["threads"]] == \
        [(t["id"], t["placement"]["state"]) for t in before]
    plain = ok(repo.path, "comments")
    assert "Whole version two." in plain and "Section comment on soil." in plain
    exported = json.loads(ok(repo.path, "export", "--format", "json"))
    assert exported["summary"]["threads"] == 3
    # Applying the suggestion finds the draft at its new path by itself.
    applied = json.loads(ok(repo.path, "comment", "apply", suggestion[:8], "--json"))
    assert applied["path"] == NEW
    assert "Water rarely, and deeply." in (repo.path / NEW).read_text()


def test_a_thread_of_another_file_with_the_same_text_stays_with_it(tmp_path):
    """Matching by blob must not pull in a thread of another file that is still there with
    the same text (a copy): it belongs to that file."""
    repo = fast_import_history(tmp_path / "r", VERSIONS)
    repo.commit("copy", {"drafts/copy.md": VERSIONS[2]})
    head = repo.head()
    blob = repo.git("rev-parse", f"{head}:drafts/copy.md").strip()
    ReviewStore(GitRepo.open(repo.path)).add_comment(head, "drafts/copy.md", blob, "On the copy.")
    mine = json.loads(ok(repo.path, "comments", "-d", OLD, "--json"))["threads"]
    assert mine == []
    theirs = json.loads(ok(repo.path, "comments", "-d", "drafts/copy.md", "--json"))["threads"]
    assert [t["body"] for t in theirs] == ["On the copy."]


# ---------------------------------------------------------------------------- usage lines


@pytest.mark.parametrize("command, usage", [
    ("sync", "Usage: reviewtool sync [OPTIONS] [REMOTE]"),
    ("init", "Usage: reviewtool init [OPTIONS] [REMOTE]"),
    ("show", "Usage: reviewtool show [OPTIONS] [REV]"),
    ("coverage", "Usage: reviewtool coverage [OPTIONS] [OUTLINE_REV] [PROSE_REV]"),
])
def test_usage_shows_optional_arguments_in_brackets(tmp_path, command, usage):
    result = CliRunner().invoke(main, [command, "--help"], prog_name="reviewtool")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == usage
