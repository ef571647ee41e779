"""The repository's one persistent ``git cat-file --batch``: rounds, streams, threads, failures."""

from __future__ import annotations

import threading

import pytest

from reviewtool.git.object_reader import GitError, parse_tree
from reviewtool.git.repo import GitRepo
from tests.gitutil import fast_import_history


@pytest.fixture
def history(tmp_path):
    repo = fast_import_history(tmp_path / "r", [f"# Essay\n\nVersion {i}.\n" * (1 + i % 7) for i in range(300)])
    commits = repo.git("rev-list", "--reverse", "main").split()
    blobs = repo.git("cat-file", "--batch-check=%(objectname)",
                     input="".join(f"{c}:drafts/essay.md\n" for c in commits)).split()
    git_repo = GitRepo.open(repo.path)
    yield repo, git_repo, blobs
    git_repo.close()


def expected(i: int) -> bytes:
    return (f"# Essay\n\nVersion {i}.\n" * (1 + i % 7)).encode()


def test_blobs_notes_and_trees_share_one_process(history):
    _, git_repo, blobs = history
    assert git_repo.read_blob(blobs[3]) == expected(3)
    assert git_repo.read_blobs(blobs) == {sha: expected(i) for i, sha in enumerate(blobs)}
    reader = git_repo.objects
    tree = reader.ask(["main^{tree}"])[0]
    assert tree is not None and tree[1] == "tree"
    assert [name for _, _, name in parse_tree(tree[2])] == ["drafts"]
    assert list(reader.stream(blobs[:50])) == [expected(i) for i in range(50)]
    assert reader.started == 1


def test_missing_objects_are_none_and_read_blob_says_which(history):
    _, git_repo, blobs = history
    missing = "0" * 40
    assert git_repo.objects.ask([missing, blobs[0], "main:no/such/file.md"]) == [
        None, (blobs[0], "blob", expected(0)), None]
    assert git_repo.read_blobs([missing, blobs[1]]) == {blobs[1]: expected(1)}
    with pytest.raises(GitError, match=f"object {missing} is missing"):
        git_repo.read_blob(missing)
    with pytest.raises(GitError, match="invalid object name"):
        git_repo.objects.ask(["main\nHEAD"])
    assert git_repo.objects.started == 1  # a missing object does not upset the process


def test_an_abandoned_stream_restarts_the_process_and_loses_nothing(history):
    _, git_repo, blobs = history
    reader = git_repo.objects
    stream = reader.stream(blobs)
    assert next(stream) == expected(0)
    stream.close()  # the rest of the answers were never read
    assert git_repo.read_blobs(blobs[:5]) == {sha: expected(i) for i, sha in enumerate(blobs[:5])}
    assert reader.started == 2


def test_work_done_meanwhile_runs_once_between_the_request_and_the_answers(history):
    """A stream's *meanwhile* runs once, when the first answer is asked for and before it is read
    (the request sent: git reads while it runs), in the same and in a one-off process; the
    answers are those of a plain stream. When it fails, its error is the stream's, and git is
    started again for the next request."""
    _, git_repo, blobs = history
    reader = git_repo.objects
    events: list[str] = []
    stream = reader.stream(blobs[:30], meanwhile=lambda: events.append("meanwhile"))
    assert events == []  # nothing is asked before the first answer is
    found = []
    for data in stream:
        events.append("answer")
        found.append(data)
        if len(found) == 2:  # inside the stream: a one-off process answers, its work done once too
            assert list(reader.stream(blobs[-3:], meanwhile=lambda: events.append("inner"))) == \
                [expected(i) for i in range(len(blobs) - 3, len(blobs))]
    assert found == [expected(i) for i in range(30)]
    assert events == ["meanwhile", "answer", "answer", "inner", *["answer"] * 28]
    assert reader.started == 1

    def fail() -> None:
        raise RuntimeError("meanwhile failed")

    with pytest.raises(RuntimeError, match="meanwhile failed"):
        list(reader.stream(blobs[:3], meanwhile=fail))
    assert git_repo.read_blobs(blobs[:3]) == {sha: expected(i) for i, sha in enumerate(blobs[:3])}
    assert reader.started == 2
    assert list(git_repo.stream_blobs(blobs[5:7], meanwhile=lambda: events.append("blobs"))) == \
        [expected(5), expected(6)] and events[-1] == "blobs"


def test_reading_inside_a_stream_of_the_same_thread_does_not_wait_for_itself(history):
    _, git_repo, blobs = history
    seen = []
    for i, data in enumerate(git_repo.objects.stream(blobs[:20])):
        seen.append((data, git_repo.read_blob(blobs[-1 - i])))
    assert seen == [(expected(i), expected(len(blobs) - 1 - i)) for i in range(20)]


def test_threads_take_turns_on_one_process(history):
    _, git_repo, blobs = history
    failures: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for round_ in range(5):
                part = blobs[offset + round_:: 7]
                assert git_repo.read_blobs(part) == {sha: expected(blobs.index(sha)) for sha in part}
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert git_repo.objects.started == 1


def test_close_stops_git_and_the_next_read_starts_it_again(history):
    _, git_repo, blobs = history
    reader = git_repo.objects
    reader.ask([blobs[0]])
    process = reader._process
    assert process is not None
    git_repo.close()
    assert process.proc.poll() == 0  # git ended at the end of its input
    assert git_repo.read_blob(blobs[2]) == expected(2)
    assert git_repo.objects is not reader


def test_a_repository_gone_missing_is_one_clear_error(tmp_path):
    repo = fast_import_history(tmp_path / "r", ["# A\n"])
    git_repo = GitRepo.open(repo.path)
    objects = repo.path / ".git" / "objects"
    objects.rename(tmp_path / "objects-away")
    with pytest.raises(GitError, match="git cat-file"):
        git_repo.read_blob("0" * 40)
    git_repo.close()
