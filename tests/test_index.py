import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from airesearch.cli.commands import Where, locate
from airesearch.errors import AiresearchError
from airesearch.index import postings
from airesearch.index.build import (
    open_index,
    update_index,
)
from airesearch.index.freshness import check_in_background, corpus_changed
from airesearch.index.meta import index_counts
from airesearch.index.post_terms import decode
from airesearch.index.stamp import (
    default_index_path,
    stamp_follows,
    start_early_check,
)
from airesearch.models import SearchRequest
from airesearch.queries.search import search

from .conftest import BUNDLED


def paths_found(index: Path, query: str) -> set[str]:
    conn = open_index(index)
    try:
        request = SearchRequest(query, limit=0, exact=True)
        return {hit.path for hit in search(conn, request)}
    finally:
        conn.close()


def test_build_reports_posts_dropped_repeats_and_skipped_files(messy_copy, tmp_path):
    report = update_index(messy_copy, tmp_path / "i.sqlite", workers=2)
    assert report.posts == 6
    assert report.added == 8 and report.unchanged == 0
    # nscale 1, truncated 2, and the title line repeated in plain, bom and broken.
    assert report.dropped == 6
    assert {s["path"]: s["reason"] for s in report.skipped} == {
        "binary.md": "binary file",
        "empty.md": "empty file",
    }
    warned = {w["path"] for w in report.warnings}
    assert {"broken.md", "sjis.md", "notes/plain.txt"} <= warned
    assert report.terms > 50


def test_parallel_and_single_process_builds_give_the_same_index(messy_copy, tmp_path):
    update_index(messy_copy, tmp_path / "one.sqlite", workers=1)
    update_index(messy_copy, tmp_path / "two.sqlite", workers=2)
    rows = []
    for name in ("one.sqlite", "two.sqlite"):
        conn = sqlite3.connect(tmp_path / name)
        rows.append(
            conn.execute(
                # Post ids too: ties in the output (graph evidence, deal
                # order) are broken by them, so they must not depend on which
                # worker finished first.
                "SELECT posts.id, posts.path, passages.id, seq, kind, text"
                " FROM passages JOIN posts ON posts.id = post_id"
                " ORDER BY posts.path, seq"
            ).fetchall()
        )
    assert rows[0] == rows[1]


def test_update_analyses_only_changed_files_and_forgets_deleted_ones(
    messy_copy, tmp_path
):
    index = tmp_path / "i.sqlite"
    update_index(messy_copy, index)
    unchanged = update_index(messy_copy, index)
    assert (unchanged.added, unchanged.updated, unchanged.deleted) == (0, 0, 0)

    (messy_copy / "notes/plain.txt").write_text(
        "オラクルの新しい決算\n\n量子アニーリングの話。"
    )
    (messy_copy / "broken.md").unlink()
    (messy_copy / "new.md").write_text("---\ntitle: 新規\n---\nサンバノバの新チップ。")
    report = update_index(messy_copy, index)
    assert (report.added, report.updated, report.deleted) == (1, 1, 1)
    # An unchanged re-check reports the figures the last change stored; they
    # are the index's counts after that change.
    again = update_index(messy_copy, index)
    with sqlite3.connect(index) as counting:
        counted = index_counts(counting)
    for found in (report, again):
        assert (found.posts, found.passages, found.dropped, found.terms) == (
            counted["posts"], counted["passages"], counted["dropped"],
            counted["terms"],
        )  # fmt: skip
    (messy_copy / "extra.md").write_text("# 追加\n\nラピダスの工場。")
    update_index(messy_copy, index)
    assert update_index(messy_copy, index).posts == counted["posts"] + 1
    (messy_copy / "extra.md").unlink()
    update_index(messy_copy, index)
    assert paths_found(index, "量子アニーリング") == {"notes/plain.txt"}
    assert paths_found(index, "エヌビディア") == set()
    assert paths_found(index, "インド") == set()
    assert paths_found(index, "サンバノバ") == {"new.md"}
    conn = sqlite3.connect(index)
    # The engine holds a document per passage and per post, deletes applied.
    (passages,) = conn.execute("SELECT count(*) FROM passages").fetchone()
    (posts,) = conn.execute("SELECT count(*) FROM posts").fetchone()
    assert postings.engine_documents(conn) == {"passages": passages, "posts": posts}
    # The vocabulary table follows deletions: エヌビディア went with plain.txt.
    vocabulary = {term for (term,) in conn.execute("SELECT term FROM vocabulary")}
    assert "エヌビディア" not in vocabulary and "ｘエヌビディア" not in vocabulary
    assert "量子" in vocabulary
    # Each term's post count (keywords' figures) matches the posts' term lists,
    # after a deletion, a change and an addition.
    counted = Counter(
        term_id
        for (blob,) in conn.execute("SELECT terms FROM post_terms")
        for term_id in decode(blob)
    )
    posts = dict(conn.execute("SELECT id, posts FROM vocabulary"))
    assert posts == dict(counted)
    (in_posts,) = conn.execute(
        "SELECT count(*) FROM posts WHERE id NOT IN (SELECT post_id FROM post_terms)"
    ).fetchone()
    assert in_posts == 0


def settled(folder: Path) -> Path:
    """Date every file a second back, as if written before this test ran."""
    for path in [folder, *folder.rglob("*")]:
        past = path.stat().st_mtime_ns - 1_000_000_000
        os.utime(path, ns=(past, past))
    return folder


CHANGES = {
    "edited in place": lambda c: (c / "sjis.md").open("ab").write(b"\n"),
    "added in a subfolder": lambda c: (c / "2025/09/new.md").write_text("新しい記事"),
    "deleted from a subfolder": lambda c: (c / "2025/09/nscale.md").unlink(),
    "renamed": lambda c: (c / "broken.md").rename(c / "renamed.md"),
    "added at the top": lambda c: (c / "top.md").write_text("新しい記事"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_the_background_check_notices_every_kind_of_change(
    messy_copy, tmp_path, change
):
    # A check that fails would also answer "changed", so both answers are asserted.
    index = tmp_path / "i.sqlite"
    update_index(settled(messy_copy), index)
    conn = open_index(index)
    root = str(messy_copy.resolve())
    assert check_in_background(conn, root)() is False
    CHANGES[change](messy_copy)
    assert check_in_background(conn, root)() is True


@pytest.mark.parametrize("change", ["edited in place", "added in a subfolder"])
def test_the_check_started_before_the_imports_is_the_one_answered(
    messy_copy, tmp_path, change
):
    # The console entry starts the check from the stamp alone (stamp.py), before
    # it opens the index; the command takes it over, once.
    index = tmp_path / "i.sqlite"
    update_index(settled(messy_copy), index)
    assert stamp_follows(str(index)) is False
    root = str(messy_copy.resolve())
    conn = open_index(index)
    early = start_early_check(str(messy_copy), str(index), str(tmp_path))
    assert early is not None and early.corpus == root
    assert check_in_background(conn, root, str(index), early)() is False
    assert early.taken and early.take(root, early.stamp, False) is None  # once
    CHANGES[change](messy_copy)
    early = start_early_check(str(messy_copy), str(index), str(tmp_path))
    assert check_in_background(conn, root, str(index), early)() is True
    # A check that looks otherwise (links followed) is stopped, another started.
    other = start_early_check(str(messy_copy), str(index), str(tmp_path))
    other.follow = True
    assert check_in_background(conn, root, str(index), other)() is True
    assert other.taken and other.pid is None


def test_no_early_check_without_a_stamp_that_says_how_it_listed(messy_copy, tmp_path):
    index = tmp_path / "i.sqlite"
    assert (
        start_early_check(str(messy_copy), str(index), str(tmp_path)) is None
    )  # no index yet
    update_index(messy_copy, index)
    Path(f"{index}.listed").write_text("files modified after this file …\n")
    assert stamp_follows(str(index)) is None
    assert start_early_check(str(messy_copy), str(index), str(tmp_path)) is None
    assert (
        start_early_check(str(tmp_path / "nowhere"), str(index), str(tmp_path)) is None
    )
    assert start_early_check(None, str(index), str(tmp_path)) is None


def test_without_a_stamp_the_fingerprint_is_checked(messy_copy, tmp_path):
    index = tmp_path / "i.sqlite"
    update_index(settled(messy_copy), index)
    Path(f"{index}.listed").unlink()
    conn = open_index(index)
    root = str(messy_copy.resolve())
    assert check_in_background(conn, root)() is False
    os.utime(messy_copy / "sjis.md", ns=(1, 1))  # a time in the past: only this
    assert corpus_changed(conn, messy_copy.resolve())  # check notices it


def test_index_notices_a_file_put_back_with_an_older_time(messy_copy, tmp_path):
    index = tmp_path / "i.sqlite"
    update_index(messy_copy, index)
    (messy_copy / "sjis.md").write_text("別の内容の記事", encoding="utf-8")
    os.utime(messy_copy / "sjis.md", ns=(1, 1))
    assert update_index(messy_copy, index).updated == 1


def test_a_file_that_is_not_an_index_is_refused_and_left_untouched(
    messy_copy, tmp_path
):
    for content in (b"hello, not a database", b""):
        foreign = tmp_path / "notes.db"
        foreign.write_bytes(content)
        before = foreign.stat()
        with pytest.raises(AiresearchError, match="not an airesearch index"):
            update_index(messy_copy, foreign, rebuild=True)
        assert foreign.read_bytes() == content
        assert foreign.stat().st_mtime_ns == before.st_mtime_ns
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(
        AiresearchError, match="SQLite database but not an airesearch index"
    ):
        open_index(other)


def test_a_corrupt_index_says_how_to_rebuild(messy_copy, tmp_path):
    index = tmp_path / "i.sqlite"
    update_index(messy_copy, index)
    data = bytearray(index.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # keep the header, wreck every page
    index.write_bytes(bytes(data))
    with pytest.raises(AiresearchError, match="damaged.*--rebuild"):
        open_index(index)
    update_index(messy_copy, index, rebuild=True)
    assert paths_found(index, "ナルヴィク") == {"2025/09/nscale.md"}


def test_default_index_lives_in_the_cache_folder_one_per_corpus(monkeypatch, tmp_path):
    first = default_index_path("/data/posts", str(tmp_path))
    assert Path(first).parent == tmp_path / "airesearch"
    assert Path(first).name.startswith("posts-")
    assert first != default_index_path("/other/posts", str(tmp_path))
    # The command reads XDG_CACHE_HOME (the edge), the index module does not.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _, index = locate(Where(corpus=str(BUNDLED)))
    assert Path(index).parent == tmp_path / "cache" / "airesearch"


def big_corpus(folder: Path, copies: int) -> Path:
    for number in range(copies):
        shutil.copytree(BUNDLED, folder / f"copy{number:02}", dirs_exist_ok=True)
    return folder


def run_index(corpus: Path, index: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "airesearch", "index", "--corpus", str(corpus),
         "--index", str(index), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL the indexer and its worker processes, as a crash or `kill -9` would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_killing_a_rebuild_leaves_the_previous_index_usable(tmp_path):
    corpus = big_corpus(tmp_path / "corpus", 1)
    index = tmp_path / "i.sqlite"
    update_index(corpus, index)
    big_corpus(corpus, 12)  # now much more to analyse
    process = run_index(corpus, index, "--rebuild")
    assert wait_for(lambda: any(tmp_path.glob("i.sqlite.building-*")))
    time.sleep(0.3)
    kill_hard(process)
    conn = open_index(index)
    assert conn.execute("SELECT count(*) FROM posts").fetchone() == (5,)
    assert paths_found(index, "ナルヴィク") == {"copy00/000_4dd06db96976100c.txt"}
    report = update_index(corpus, index)  # the next run finishes the job
    assert report.posts == 5 * 12
    assert not list(tmp_path.glob("i.sqlite.building-*"))


def test_killing_an_incremental_update_rolls_back_to_the_previous_index(tmp_path):
    corpus = big_corpus(tmp_path / "corpus", 1)
    index = tmp_path / "i.sqlite"
    update_index(corpus, index)
    big_corpus(corpus, 12)
    process = run_index(corpus, index)
    journal = index.with_name(index.name + "-journal")
    assert wait_for(journal.exists)
    time.sleep(0.3)
    kill_hard(process)
    conn = open_index(index)  # SQLite rolls the hot journal back
    assert conn.execute("SELECT count(*) FROM posts").fetchone() == (5,)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert paths_found(index, "ナルヴィク") == {"copy00/000_4dd06db96976100c.txt"}


# An update killed right after the engine committed its new generation and
# before SQLite committed the transaction that names it.
KILL_BETWEEN_COMMITS = """
import os, signal, sys
from airesearch.index import engine
from airesearch.index.build import update_index
commit = engine.EngineWriter.commit
def commit_then_die(self):
    commit(self)
    os.kill(os.getpid(), signal.SIGKILL)
engine.EngineWriter.commit = commit_then_die
update_index(sys.argv[1], sys.argv[2], workers=1)
"""


def engine_folders(index: Path) -> list[Path]:
    return sorted(index.parent.glob(index.name + ".engine-*"))


def test_a_kill_between_the_engine_and_the_sqlite_commit_keeps_one_generation(
    tmp_path,
):
    corpus = big_corpus(tmp_path / "corpus", 1)
    index = tmp_path / "i.sqlite"
    update_index(corpus, index)
    assert len(engine_folders(index)) == 1
    big_corpus(corpus, 3)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_BETWEEN_COMMITS, str(corpus), str(index)],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    assert len(engine_folders(index)) == 2  # the new one committed, not named
    conn = open_index(index)
    assert conn.execute("SELECT count(*) FROM posts").fetchone() == (5,)
    # The previous generation, whole: both stores hold the same posts.
    assert postings.engine_documents(conn) == {
        "passages": conn.execute("SELECT count(*) FROM passages").fetchone()[0],
        "posts": 5,
    }
    conn.close()
    assert paths_found(index, "ナルヴィク") == {"copy00/000_4dd06db96976100c.txt"}
    report = update_index(corpus, index)  # the next run does the work again
    assert report.posts == 5 * 3
    assert len(engine_folders(index)) == 1  # the orphan is gone
    assert len(paths_found(index, "ナルヴィク")) == 3


# An update killed inside the steps that lift the writer: after a batch of
# aggregates was written (aggregates.Additions.flush), and after the held
# engine documents were written (storage.write_held_documents).
KILL_IN_STEP = """
import os, signal, sys
from airesearch.index import aggregates, updates
from airesearch.index.build import update_index
step = sys.argv[3]
if step == "flush":
    flush = aggregates.Additions.flush
    def flush_then_die(self, conn):
        flush(self, conn)
        os.kill(os.getpid(), signal.SIGKILL)
    aggregates.Additions.flush = flush_then_die
else:
    write = updates.write_held_documents
    def write_then_die(conn, engine):
        write(conn, engine)
        os.kill(os.getpid(), signal.SIGKILL)
    updates.write_held_documents = write_then_die
update_index(sys.argv[1], sys.argv[2], workers=1)
"""


@pytest.mark.parametrize("step", ("flush", "held"))
def test_a_kill_inside_the_writers_steps_keeps_the_previous_index(tmp_path, step):
    corpus = big_corpus(tmp_path / "corpus", 1)
    index = tmp_path / "i.sqlite"
    update_index(corpus, index)
    big_corpus(corpus, 3)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_IN_STEP, str(corpus), str(index), step],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    conn = open_index(index)
    assert conn.execute("SELECT count(*) FROM posts").fetchone() == (5,)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert postings.engine_documents(conn) == {
        "passages": conn.execute("SELECT count(*) FROM passages").fetchone()[0],
        "posts": 5,
    }
    conn.close()
    assert paths_found(index, "ナルヴィク") == {"copy00/000_4dd06db96976100c.txt"}
    report = update_index(corpus, index)
    assert report.posts == 5 * 3
    assert len(paths_found(index, "ナルヴィク")) == 3


def test_a_missing_engine_folder_is_a_damaged_index_with_advice(tmp_path):
    corpus = big_corpus(tmp_path / "corpus", 1)
    index = tmp_path / "i.sqlite"
    update_index(corpus, index)
    for folder in engine_folders(index):
        shutil.rmtree(folder)
    with pytest.raises(AiresearchError, match="damaged.*airesearch index --rebuild"):
        paths_found(index, "ナルヴィク")
    (corpus / "copy00" / "new.md").write_text("---\ntitle: 新\n---\n新しい記事。")
    with pytest.raises(AiresearchError, match="damaged.*airesearch index --rebuild"):
        update_index(corpus, index)
    update_index(corpus, index, rebuild=True)
    assert paths_found(index, "ナルヴィク") == {"copy00/000_4dd06db96976100c.txt"}


def test_an_index_that_cannot_be_written_is_a_clear_error(
    messy_copy, tmp_path, monkeypatch
):
    # Read-only files do not stop root (CI), so SQLite's refusal is simulated.
    index = tmp_path / "i.sqlite"
    update_index(messy_copy, index)

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr("airesearch.index.updates.apply_changes", refuse)
    with pytest.raises(AiresearchError, match="cannot update index .*readonly"):
        update_index(messy_copy, index)
    with pytest.raises(AiresearchError, match="cannot build index .*readonly"):
        update_index(messy_copy, index, rebuild=True)
    monkeypatch.undo()
    assert paths_found(index, "ナルヴィク") == {"2025/09/nscale.md"}
