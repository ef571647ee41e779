"""Which draft: -d, then git config reviewtool.draft, then drafts/, _drafts/ and _posts/, content/, docs/."""

from __future__ import annotations

import json

import pytest

from reviewtool.cli.commands import run
from reviewtool.draft.discovery import DraftChoice, choose_draft, find_drafts, published_post
from reviewtool.errors import ReviewtoolError, UsageError
from reviewtool.git.repo import GitRepo
from tests.gitutil import make_repo

POST = "# A post\n\nSome words about riding.\n"


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "site")


def test_folders_in_order_of_precedence(repo):
    repo.commit("Site", {"docs/index.md": "# Docs\n", "README.md": "# Readme\n"})
    git_repo = GitRepo.open(repo.path)
    assert choose_draft(git_repo) == DraftChoice("docs/index.md", "folder", "docs/")
    repo.commit("Hugo", {"content/posts/first.md": POST})
    assert choose_draft(git_repo) == DraftChoice("content/posts/first.md", "folder", "content/")
    repo.commit("Jekyll", {"_posts/2023-05-05-riding.md": POST, "_config.yml": "title: x\n"})
    assert choose_draft(git_repo).path == "_posts/2023-05-05-riding.md"
    repo.commit("A draft too", {"_drafts/walking.md": POST})
    with pytest.raises(UsageError, match=r"2 drafts under _drafts/ and _posts/; pick one with -d .*: "
                                         r"_drafts/walking.md, _posts/2023-05-05-riding.md"):
        choose_draft(git_repo)
    assert find_drafts(git_repo) == ["_drafts/walking.md", "_posts/2023-05-05-riding.md"]
    repo.commit("drafts/ wins", {"drafts/essay.md": POST})
    assert choose_draft(git_repo) == DraftChoice("drafts/essay.md", "folder", "drafts/")


def test_config_then_option(repo):
    repo.commit("Two", {"drafts/a.md": POST, "drafts/b.md": POST, "notes/c.md": POST})
    git_repo = GitRepo.open(repo.path)
    with pytest.raises(UsageError):
        choose_draft(git_repo)
    repo.git("config", "reviewtool.draft", "notes/c.md")
    assert choose_draft(git_repo) == DraftChoice("notes/c.md", "config")
    assert choose_draft(git_repo, "a.md", cwd=repo.path / "drafts") == DraftChoice("drafts/a.md", "option")
    repo.git("config", "reviewtool.draft", "notes/gone.md")
    with pytest.raises(ReviewtoolError, match=r"no such draft at HEAD: notes/gone.md \(named by git config "
                                              r"reviewtool.draft\)"):
        choose_draft(git_repo)


def test_a_published_jekyll_draft_is_followed_to_its_post(repo):
    repo.commit("Draft", {"_drafts/riding.md": POST})
    repo.mv("_drafts/riding.md", "_posts/2023-05-05-riding.md", "Publish")
    git_repo = GitRepo.open(repo.path)
    assert published_post(git_repo, "_drafts/riding.md") == "_posts/2023-05-05-riding.md"
    choice = choose_draft(git_repo, "_drafts/riding.md")
    assert choice == DraftChoice("_posts/2023-05-05-riding.md", "published", "_drafts/riding.md")
    assert choice.describe() == "_posts/2023-05-05-riding.md (published from _drafts/riding.md)"
    repo.git("config", "reviewtool.draft", "_drafts/riding.md")
    assert choose_draft(git_repo).how == "published"
    assert published_post(git_repo, "_drafts/other.md") is None


def test_cli_says_which_draft_in_json_and_takes_a_global_json(repo, capsys):
    repo.commit("Draft", {"_drafts/riding.md": POST})
    repo.mv("_drafts/riding.md", "_posts/2023-05-05-riding.md", "Publish")
    where = ["-C", str(repo.path)]
    assert run([*where, "--json", "log", "-d", "_drafts/riding.md"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["draft"] == "_posts/2023-05-05-riding.md"
    assert data["draft_source"] == {"path": "_posts/2023-05-05-riding.md", "how": "published",
                                    "detail": "_drafts/riding.md"}
    assert [v["path"] for v in data["versions"]] == ["_posts/2023-05-05-riding.md", "_drafts/riding.md"]
    # The global --json works for every command, before or after -C.
    for args in (["--json", *where, "sections"], [*where, "--json", "drafts"], [*where, "--json", "show"]):
        assert run(args) == 0, args
        json.loads(capsys.readouterr().out)
    assert run([*where, "--json"]) == 2
    assert "--json goes with a command" in capsys.readouterr().err


def _stderr_on_a_terminal(*args: str, cwd) -> tuple[str, str]:
    """Run the CLI with stderr on a pseudo-terminal and stdout piped: ``(stdout, stderr)``."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "reviewtool", *args], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=slave, timeout=60, check=False)
    os.close(slave)
    err = b""
    os.set_blocking(master, False)
    try:
        while chunk := os.read(master, 65536):
            err += chunk
    except (BlockingIOError, OSError):
        pass
    os.close(master)
    assert proc.returncode == 0
    return proc.stdout.decode(), err.decode()


def test_the_draft_in_use_is_named_on_a_terminal(repo):
    repo.commit("Draft", {"content/posts/riding.md": POST})
    out, err = _stderr_on_a_terminal("log", cwd=repo.path)
    assert err.strip() == "reviewtool: draft: content/posts/riding.md (the only draft under content/)"
    assert out.startswith("content/posts/riding.md: 1 version")
    out, err = _stderr_on_a_terminal("log", "-d", "content/posts/riding.md", cwd=repo.path)
    assert err == ""  # named with -d: nothing to say
