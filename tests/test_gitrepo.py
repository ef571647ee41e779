"""GitRepo's subprocesses: never the terminal's stdin; detached (the TUI) means no prompt can reach it."""

from __future__ import annotations

import os
import sys

import pytest

from reviewtool.git.object_reader import GitError
from reviewtool.git.repo import GitRepo


def _alias(repo, name: str, code: str) -> None:
    repo.git("config", f"alias.{name}", f"!{sys.executable} -c '{code}'")


def test_git_never_reads_our_stdin_and_runs_in_its_own_session_when_detached(repo):
    repo.commit("v1", {"drafts/essay.md": "# Essay\n"})
    _alias(repo, "probe", "import os, sys; print(os.getsid(0), repr(sys.stdin.read()))")
    git_repo = GitRepo.open(repo.path)
    sid, stdin = git_repo.run("probe").split(" ", 1)
    assert int(sid) == os.getsid(0) and stdin.strip() == "''"  # stdin is /dev/null, not ours
    git_repo.detached = True
    sid, stdin = git_repo.run("probe").split(" ", 1)
    assert int(sid) != os.getsid(0) and stdin.strip() == "''"  # its own session: no terminal to prompt on
    code, out, _ = git_repo.try_run("probe")
    assert code == 0 and int(out.split()[0]) != os.getsid(0)


def test_a_started_git_runs_while_we_work_and_answers_like_run(repo):
    repo.commit("v1", {"drafts/essay.md": "# Essay\n"})
    _alias(repo, "probe", "import os, sys; print(os.getsid(0), repr(sys.stdin.read()))")
    git_repo = GitRepo.open(repo.path)
    walk = git_repo.start("log", "--format=%H")  # left running while other work goes on
    head = git_repo.run("rev-parse", "HEAD").strip()
    assert walk.output().split() == [head] and walk.wait()[0] == 0
    sid, stdin = git_repo.start("probe").output().split(" ", 1)
    assert int(sid) == os.getsid(0) and stdin.strip() == "''"  # never our stdin
    git_repo.detached = True
    assert int(git_repo.start("probe").output().split()[0]) != os.getsid(0)  # no terminal to prompt on
    failed = git_repo.start("rev-parse", "--verify", "--end-of-options", "no-such-branch^{commit}")
    with pytest.raises(GitError, match="Needed a single revision"):
        failed.output()
    code, out, err = failed.wait()
    assert code != 0 and out == "" and "Needed a single revision" in err
    assert failed.output(check=False) == ""


def test_a_started_git_with_much_input_answers_while_we_work(repo):
    """Input and answers larger than a pipe holds: a thread feeds git and reads it, so neither
    side waits on the other; the answers are those of the plain call."""
    repo.commit("v1", {"drafts/essay.md": "# Essay\n"})
    git_repo = GitRepo.open(repo.path)
    specs = ["HEAD:drafts/essay.md" if i % 3 else f"HEAD:drafts/missing-{i}.md" for i in range(6000)]
    pending = git_repo.start_blob_ids(specs)
    head = git_repo.run("rev-parse", "HEAD").strip()  # other work meanwhile
    answers = pending()
    assert len(answers) == 6000 and answers == git_repo.blob_ids(specs)
    blob = git_repo.run("rev-parse", "HEAD:drafts/essay.md").strip()
    assert answers[1] == blob and answers[0] is None and head
    assert git_repo.start_blob_ids([])() == []
    failed = git_repo.start("cat-file", "--no-such-option", input="x\n")
    with pytest.raises(GitError):
        failed.output()


def test_config_and_the_working_tree_check_give_the_same_answers_started_early(repo):
    repo.commit("v1", {"drafts/essay.md": "# Essay\n"})
    git_repo = GitRepo.open(repo.path)
    assert git_repo.config_get("reviewtool.cacheSize") is None
    repo.git("config", "reviewtool.cacheSize", "3k")
    running = git_repo.start_config_get("reviewtool.cacheSize")
    assert git_repo.config_get("reviewtool.cacheSize", running=running) == "3k" == git_repo.config_get(
        "reviewtool.cacheSize")
    assert not git_repo.differs_from_head("drafts/essay.md")
    (repo.path / "drafts/essay.md").write_text("# Changed\n")
    running = git_repo.start_differs_from_head("drafts/essay.md")
    assert git_repo.differs_from_head("drafts/essay.md", running) and git_repo.differs_from_head("drafts/essay.md")


# ---------------------------------------------------------------- discovery


def test_open_in_a_linked_worktree_finds_its_own_tree_and_the_main_common_dir(repo, tmp_path):
    first = repo.commit("v1", {"drafts/essay.md": "# Essay\n\nOne.\n"})
    linked = tmp_path / "linked"
    repo.git("worktree", "add", "-q", "-b", "side", str(linked))
    (linked / "drafts" / "sub").mkdir()
    for where in (linked, linked / "drafts" / "sub"):
        git_repo = GitRepo.open(where)
        assert not git_repo.bare
        assert git_repo.root == linked.resolve()
        assert git_repo.git_dir == (repo.path / ".git" / "worktrees" / "linked").resolve()
        assert git_repo.common_dir() == (repo.path / ".git").resolve()
        assert git_repo.resolve_commit("HEAD") == first
        assert git_repo.read_blob(git_repo.blob_ids([f"{first}:drafts/essay.md"])[0] or "") == b"# Essay\n\nOne.\n"
        git_repo.close()
    # The main work tree's repository shares the common dir (notes, caches, locks live there).
    main = GitRepo.open(repo.path)
    assert main.common_dir() == main.git_dir == (repo.path / ".git").resolve()


def test_open_in_a_bare_repository_and_below_it(repo, tmp_path):
    commit = repo.commit("v1", {"drafts/essay.md": "# Essay\n"})
    bare = tmp_path / "remote.git"
    repo.git("clone", "-q", "--bare", str(repo.path), str(bare))
    for where in (bare, bare / "refs"):
        git_repo = GitRepo.open(where)
        assert git_repo.bare and git_repo.root == git_repo.git_dir == bare.resolve()
        assert git_repo.common_dir() == bare.resolve()
        assert git_repo.resolve_commit("main") == commit
        assert git_repo.read_blobs(git_repo.blob_ids([f"{commit}:drafts/essay.md"])) != {}
        git_repo.close()


def test_opened_early_with_a_file_answers_as_open_and_in_head(repo, tmp_path):
    """GitRepo.start_open(where, file): the same repository and errors as open, and in_head of
    the file (as the user named it from *where*) the same answer, for every kind of path."""
    repo.commit("v1", {"drafts/essay.md": "# Essay\n", "drafts/[1].md": "x\n", "README.md": "r\n",
                       "drafts/sub/deep.md": "d\n"})
    repo.write("drafts/untracked.md", "u\n")
    (repo.path / "linked").symlink_to(repo.path / "drafts")
    names = ["README.md", "drafts/essay.md", "essay.md", "../README.md", "drafts", "sub", "sub/deep.md", "[1].md",
             "drafts/[1].md", "drafts/*.md", "*.md", "missing.md", "untracked.md", "linked/essay.md",
             str(repo.path / "drafts" / "essay.md"), "../../elsewhere.md", "./essay.md", "drafts//essay.md"]
    for where in (repo.path, repo.path / "drafts", repo.path / "linked", repo.path / "drafts" / "sub"):
        plain = GitRepo.open(where)
        for name in names:
            early = GitRepo.start_open(where, name)()
            assert (early.root, early.git_dir, early.bare, early.common_dir()) == \
                (plain.root, plain.git_dir, plain.bare, plain.common_dir())
            path = plain.relpath(name, cwd=where)
            assert early.in_head(path) == plain.in_head(path), (where, name)
            assert all(plain.in_head(known) for known in early._in_head)  # files at HEAD only
            if plain.in_head(path) and "linked" not in f"{where}/{name}":  # (a symlink: asked again)
                assert early._in_head == {path}, (where, name)  # answered by the early listing
            early.close()
        plain.close()
    for where in (tmp_path / "nowhere", tmp_path, repo.path / ".git", repo.path / "README.md"):
        errors = []
        for opener in (lambda w: GitRepo.open(w), lambda w: GitRepo.start_open(w, "README.md")()):
            with pytest.raises(Exception) as info:
                opener(where)
            errors.append((type(info.value), str(info.value)))
        assert errors[0] == errors[1]


# ---------------------------------------------------------------- creating


def test_init_and_fast_import_ignore_the_global_config(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    # A global config that would change the result: another default branch, CRLF checkouts.
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = trunk\n[core]\n\tautocrlf = true\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    target = tmp_path / "made"
    target.mkdir()
    made = GitRepo.init(target, branch="main")
    made.fast_import(b"blob\nmark :1\ndata 4\na\nb\n\n"
                     b"commit refs/heads/main\nmark :2\ncommitter A <a@example.org> 1700000000 +0000\n"
                     b"data 3\nv1\nM 100644 :1 essay.md\n\ndone\n")
    made.run("reset", "--hard", "-q", "HEAD")
    assert made.run("symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert (target / "essay.md").read_bytes() == b"a\nb\n"  # no CRLF from the global autocrlf
    opened = GitRepo.open(target)
    assert opened.run("log", "--format=%s").strip() == "v1"
    made.close()
