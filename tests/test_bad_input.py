"""Bad input through the real console script: one clear line on stderr, no traceback, non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewtool.draft.history import MAX_DRAFT_BYTES
from tests.gitutil import make_repo

EXE = Path(sys.executable).with_name("reviewtool")
ESSAY = "drafts/essay.md"
TEXT = "# Essay\n\nSome words.\n"


def reviewtool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "reviewtool"]
    return subprocess.run([*cmd, *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"})


def assert_error(proc: subprocess.CompletedProcess, message: str, code: int = 1) -> str:
    """Exactly one line on stderr, ``reviewtool: error: ...`` containing *message*; no traceback."""
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("reviewtool: error: "), lines[0]
    assert message in lines[0], lines[0]
    assert proc.stdout == ""
    return lines[0]


@pytest.fixture
def one_draft(repo):
    repo.commit("Draft", {ESSAY: TEXT, "README.md": "# Readme\n"})
    repo.commit("Edit", {ESSAY: TEXT + "\nMore words.\n"})
    return repo


def test_not_a_git_repository(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    for args in (["log"], ["drafts"]):
        assert_error(reviewtool(*args, cwd=plain), f"not a git repository: {plain}")


def test_inside_the_git_directory(one_draft):
    assert_error(reviewtool("log", cwd=one_draft.path / ".git"), "inside the .git directory")


def test_empty_repository(repo):
    for args in (["drafts"], ["show"], ["log", "-d", "x.md"]):
        assert_error(reviewtool(*args, cwd=repo.path), "the repository has no commits yet")


def test_no_drafts(repo):
    repo.commit("Readme only", {"README.md": "# Readme\n", "drafts/notes.txt": "not markdown\n"})
    line = assert_error(reviewtool("log", cwd=repo.path), "no drafts: no Markdown files under drafts/")
    assert "-d PATH" in line
    # `drafts` itself is not an error: it says there are none.
    proc = reviewtool("drafts", cwd=repo.path)
    assert proc.returncode == 0 and "no drafts under drafts/" in proc.stdout
    assert json.loads(reviewtool("drafts", "--json", cwd=repo.path).stdout) == {"drafts": [], "where": None,
                                                                              "configured": None}
    # A draft only staged (git add) is named, with what to do.
    (repo.path / "drafts" / "new.md").write_text("# New\n")
    repo.git("add", "drafts/new.md")
    assert_error(reviewtool("log", cwd=repo.path), "draft not committed yet: drafts/new.md (commit it first)")


def test_ambiguous_drafts_list_them(one_draft):
    one_draft.commit("Another", {"drafts/b-side.md": TEXT})
    for args in (["log"], ["show"]):
        line = assert_error(reviewtool(*args, cwd=one_draft.path), "2 drafts under drafts/", code=2)
        assert line.endswith("pick one with -d (or git config reviewtool.draft PATH): "
                             "drafts/b-side.md, drafts/essay.md")


def test_draft_not_tracked_not_committed_missing(one_draft):
    one_draft.write("drafts/untracked.md", TEXT)
    assert_error(reviewtool("log", "-d", "drafts/untracked.md", cwd=one_draft.path),
                 "draft not tracked by git: drafts/untracked.md")
    one_draft.write("drafts/staged.md", TEXT)
    one_draft.git("add", "drafts/staged.md")
    assert_error(reviewtool("show", "-d", "drafts/staged.md", cwd=one_draft.path),
                 "draft not committed yet: drafts/staged.md")
    assert_error(reviewtool("sections", "-d", "drafts/nope.md", cwd=one_draft.path),
                 "no such draft at HEAD: drafts/nope.md")
    assert_error(reviewtool("log", "-d", "drafts", cwd=one_draft.path), "drafts is a directory")
    assert_error(reviewtool("log", "-d", "drafts/*.md", cwd=one_draft.path), "no such draft at HEAD: drafts/*.md")
    assert_error(reviewtool("log", "-d", "../outside.md", cwd=one_draft.path), "outside the repository")


def test_unknown_revision(one_draft):
    assert_error(reviewtool("show", "nosuchrev", cwd=one_draft.path), "unknown revision: nosuchrev")
    assert_error(reviewtool("sections", "HEAD~9", cwd=one_draft.path), "unknown revision: HEAD~9")
    assert_error(reviewtool("show", "~5", cwd=one_draft.path), "has only 2 versions")
    before = one_draft.git("rev-list", "--max-parents=0", "HEAD").strip()
    one_draft.commit("Unrelated", {"other.txt": "x\n"})
    # A commit from before the draft existed.
    repo2 = one_draft
    repo2.git("checkout", "-q", "--orphan", "empty-start")
    repo2.git("rm", "-rfq", ".")
    orphan = repo2.commit("Orphan root", {"unrelated.txt": "u\n"})
    repo2.git("checkout", "-q", "main")
    assert_error(reviewtool("show", orphan, cwd=one_draft.path), f"{ESSAY} does not exist at {orphan}")
    assert reviewtool("show", before, cwd=one_draft.path).stdout == TEXT


def test_a_sha256_repository_is_refused_in_one_line(tmp_path):
    path = tmp_path / "sha256"
    subprocess.run(["git", "init", "-q", "--object-format=sha256", str(path)], check=True)
    assert_error(reviewtool("log", cwd=path), "sha256 repositories are not supported yet")


def test_a_shell_expanded_tilde_revision_gets_a_hint(one_draft):
    """``reviewtool show ~0`` reaches us as the current directory."""
    assert_error(reviewtool("show", str(one_draft.path), cwd=one_draft.path), "quote it: '~0'", code=2)


def test_revisions_and_paths_starting_with_a_dash(one_draft, tmp_path):
    target = tmp_path / "x"
    assert_error(reviewtool("show", "--", f"--output={target}", cwd=one_draft.path),
                 "invalid revision '--output=", code=2)
    assert_error(reviewtool("sections", "--", "-p", cwd=one_draft.path), "cannot start with '-'", code=2)
    assert not target.exists()
    # -d takes "--" as its value, then "x" is an extra argument: a usage error.
    assert_error(reviewtool("log", "-d", "--", "x", cwd=one_draft.path), "unexpected extra argument", code=2)
    assert_error(reviewtool("log", "-d", "--", cwd=one_draft.path), "a path cannot start with '-'", code=2)
    assert_error(reviewtool("log", "-d", "-x", cwd=one_draft.path), "cannot start with '-'", code=2)


def test_click_usage_errors_are_one_line(one_draft):
    assert_error(reviewtool("show", "-x", cwd=one_draft.path), "No such option '-x'", code=2)
    assert_error(reviewtool("nosuchcommand", cwd=one_draft.path), "No such command 'nosuchcommand'", code=2)
    assert_error(reviewtool("log", "-n", "0", cwd=one_draft.path), "0 is not in the range", code=2)
    assert_error(reviewtool("show", "a", "b", cwd=one_draft.path), "unexpected extra argument (b)", code=2)
    assert_error(reviewtool("-C", cwd=one_draft.path), "requires an argument", code=2)


def test_dash_c_to_a_missing_directory(tmp_path):
    assert_error(reviewtool("-C", str(tmp_path / "missing"), "log", cwd=tmp_path),
                 f"cannot change to '{tmp_path / 'missing'}': no such directory")
    (tmp_path / "file").write_text("x")
    assert_error(reviewtool("-C", "file", "log", cwd=tmp_path), "Directory 'file' is a file", code=2)


def test_binary_file(one_draft):
    one_draft.commit("Binary", {"drafts/image.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))})
    line = assert_error(reviewtool("show", "-d", "drafts/image.md", cwd=one_draft.path), "is a binary file")
    assert "drafts/image.md at " in line
    assert_error(reviewtool("sections", "-d", "drafts/image.md", cwd=one_draft.path), "is a binary file")
    assert_error(reviewtool("log", "-d", "drafts/image.md", cwd=one_draft.path), "is a binary file")


def test_invalid_utf8(one_draft):
    one_draft.commit("Latin-1", {"drafts/latin.md": "# Café\n\nNaïve\n".encode("latin-1")})
    assert_error(reviewtool("show", "-d", "drafts/latin.md", cwd=one_draft.path),
                 "is not valid UTF-8 (byte 5, line 1)")
    # Also in the working tree.
    one_draft.write(ESSAY, b"# Essay\n\nok\n\xff\xfe broken\n")
    assert_error(reviewtool("sections", "-d", ESSAY, cwd=one_draft.path),
                 "drafts/essay.md at worktree is not valid UTF-8 (byte 12, line 4)")
    # The committed versions stay readable.
    assert reviewtool("show", "HEAD", "-d", ESSAY, cwd=one_draft.path).stdout == TEXT + "\nMore words.\n"


def test_malformed_front_matter_is_a_warning_not_an_error(one_draft):
    one_draft.commit("Bad front matter", {ESSAY: "---\ntitle: [oops\n---\n# Essay\n\nText.\n"})
    proc = reviewtool("sections", cwd=one_draft.path)
    assert proc.returncode == 0
    assert proc.stderr.startswith("reviewtool: warning: malformed front matter at line 3")
    assert "essay" in proc.stdout.splitlines()[-1]


def test_twenty_megabyte_draft_works(tmp_path):
    """20 MB (under the 20 MiB limit) is read and summarised. Long prose lines keep
    this test fast; tests/benchmarks/bench_history.py --big times a realistic one."""
    repo = make_repo(tmp_path / "big")
    words = ("alpha beta gamma delta epsilon zeta eta theta iota kappa " * 20).strip()
    para = "\n".join([words] * 100)
    parts = ["---\ntitle: Big\n---\n"]
    size = i = 0
    while size < 20_000_000:
        i += 1
        chunk = f"\n## Part {i}\n\n{para}\n"
        parts.append(chunk)
        size += len(chunk)
    text = "".join(parts)
    assert 20_000_000 <= len(text.encode()) <= MAX_DRAFT_BYTES
    repo.commit("Big draft", {ESSAY: text})
    proc = reviewtool("sections", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith(f"{ESSAY} at ") and f": {i * 20_000} words, prose share 100%" in first
    assert len(proc.stdout.splitlines()) == 1 + 1 + i


def test_draft_over_the_limit_is_refused_with_a_reason(tmp_path):
    repo = make_repo(tmp_path / "huge")
    line = "Far too long for an essay, but valid Markdown all the same.\n"
    text = line * (MAX_DRAFT_BYTES // len(line) + 10)
    repo.commit("Huge", {ESSAY: text})
    mb = len(text.encode()) / 1e6
    for args in (["sections"], ["log"]):
        assert_error(reviewtool(*args, cwd=repo.path),
                     f"{ESSAY} at {repo.head()[:8]} is {mb:.1f} MB; reviewtool reads drafts up to 20 MiB")
    # In the working tree the size is checked before reading.
    (repo.path / ESSAY).write_text(text + "more\n")
    assert_error(reviewtool("sections", cwd=repo.path), "at worktree is ")
