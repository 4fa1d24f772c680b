"""One update of an index at a time, whoever asks for it: commands started
together after a change analyse the changed files once in total, a killed
updater's work is taken over, and nobody waits forever."""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from airesearch.index.build import open_index, update_index
from airesearch.index.update_lock import lock_path

from .test_index import big_corpus, kill_hard, wait_for

NEW_WORD = "ゼノバース"


def airesearch(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "airesearch", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, env={**os.environ, **(env or {})},
    )  # fmt: skip


def change(corpus: Path, count: int) -> list[str]:
    """Add NEW_WORD to count posts; their paths."""
    changed = sorted(p for p in corpus.rglob("*") if p.is_file())[:count]
    for path in changed:
        path.write_text(path.read_text() + f"\n\n{NEW_WORD}の新しい段落。\n")
    return sorted(str(path.relative_to(corpus)) for path in changed)


def table_counts(index: Path) -> dict[str, int]:
    conn = open_index(index)
    try:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("posts", "passages", "mentions", "deals", "vocabulary")
        }
    finally:
        conn.close()


def indexed_copies(tmp_path: Path, copies: int) -> tuple[Path, Path]:
    """(corpus, index): copies of the bundled posts, indexed."""
    corpus = big_corpus(tmp_path / "corpus", copies)
    index = tmp_path / "i.sqlite"
    update_index(corpus, index)
    return corpus, index


def assert_equals_a_fresh_build(corpus: Path, index: Path, tmp_path: Path) -> None:
    update_index(corpus, tmp_path / "fresh.sqlite")
    assert table_counts(index) == table_counts(tmp_path / "fresh.sqlite")


def test_commands_started_together_analyse_the_changed_files_once(tmp_path):
    corpus, index = indexed_copies(tmp_path, 4)
    changed = change(corpus, 8)
    where = ("--corpus", str(corpus), "--index", str(index))
    updaters = [airesearch("index", *where, "--json") for _ in range(3)]
    searches = [
        airesearch("search", NEW_WORD, *where, "--json", "--limit", "0")
        for _ in range(3)
    ]
    reports = [json.loads(p.communicate(timeout=120)[0]) for p in updaters]
    outputs = [p.communicate(timeout=120) for p in searches]
    answers = [json.loads(out) for out, _ in outputs]
    assert all(p.returncode == 0 for p in updaters + searches)
    # Each changed file analysed once in total, by whichever command came
    # first: index says so in its JSON, a search in its summary on stderr.
    analysed = sum(report["updated"] for report in reports) + sum(
        int(count) for _, err in outputs for count in re.findall(r"(\d+) updated", err)
    )
    assert analysed == len(changed)
    assert all(report["added"] == report["deleted"] == 0 for report in reports)
    for found in answers:  # every answer reflects the change
        assert sorted(hit["path"] for hit in found) == changed
    assert_equals_a_fresh_build(corpus, index, tmp_path)


def test_updates_started_together_report_the_work_once(tmp_path):
    corpus, index = indexed_copies(tmp_path, 4)
    changed = change(corpus, 8)
    where = ("--corpus", str(corpus), "--index", str(index))
    updaters = [airesearch("index", *where, "--json") for _ in range(4)]
    reports = [json.loads(p.communicate(timeout=120)[0]) for p in updaters]
    assert sorted(report["updated"] for report in reports) == [0, 0, 0, len(changed)]


def test_a_killed_updater_is_taken_over_by_one_that_waits(tmp_path):
    corpus, index = indexed_copies(tmp_path, 1)
    big_corpus(corpus, 12)  # much to analyse
    where = ("--corpus", str(corpus), "--index", str(index))
    first = airesearch("index", *where)
    lock = Path(lock_path(str(index)))
    holds = str(first.pid)
    assert wait_for(lambda: lock.exists() and lock.read_text().strip() == holds)
    second = airesearch("index", *where, "--json")
    time.sleep(0.5)  # it finds the lock taken and waits
    kill_hard(first)
    report = json.loads(second.communicate(timeout=180)[0])
    assert second.returncode == 0
    assert report["added"] == 5 * 11 and report["posts"] == 5 * 12
    assert_equals_a_fresh_build(corpus, index, tmp_path)


def test_nobody_waits_forever_for_an_update_that_does_not_end(tmp_path):
    corpus, index = indexed_copies(tmp_path, 1)
    change(corpus, 1)
    with open(lock_path(str(index)), "r+") as held:  # an update under way
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(f"{os.getpid()}\n")
        held.flush()
        waiting = airesearch(
            "search", NEW_WORD, "--corpus", str(corpus), "--index", str(index),
            env={"AIRESEARCH_UPDATE_WAIT": "1"},
        )  # fmt: skip
        _, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 2
    assert stderr.count("\n") == 1 and f"(process {os.getpid()})" in stderr
    # --no-update answers at once from the last committed index.
    with open(lock_path(str(index)), "r+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        at_once = airesearch(
            "search", "ナルヴィク", "--corpus", str(corpus), "--index", str(index),
            "--no-update", "--json",
        )  # fmt: skip
        out, _ = at_once.communicate(timeout=60)
    assert at_once.returncode == 0 and len(json.loads(out)) == 1


def test_a_dead_holder_leaves_no_lock_behind(tmp_path):
    corpus, index = indexed_copies(tmp_path, 1)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time; f = open(sys.argv[1], 'a');"
         " fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)",
         lock_path(str(index))],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    change(corpus, 1)
    report = update_index(corpus, index)  # takes the lock at once
    assert report.updated == 1
