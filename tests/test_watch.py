"""`airesearch watch` with real notifications on this machine's file system:
a command told by the watcher that files changed updates the index, one told
nothing changed does not look, and whenever the watcher cannot vouch (dead,
overflowed, started late, corpus replaced) the command does today's check.
Every case ends with an index equal to a fresh build of the same folder."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from airesearch.cli import commands
from airesearch.cli.launch import answer, parse_options
from airesearch.index import inotify, stamp, watch_server, watched, watcher
from airesearch.index.build import STAMP_MARGIN_NS, update_index

from .conftest import write_corpus

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the watcher uses Linux's inotify"
)
WAIT = 30.0  # seconds: the most any test waits for the watcher


def post(n: int, words: str = "データセンターの電力") -> str:
    front = f"---\ntitle: 記事{n}\ndate: 2026-01-{n % 28 + 1:02d}\n---\n"
    return f"{front}NVIDIAは{words}を語る。\n"


def aged(folder):
    """Files and folders dated a minute ago: what the build lists is then
    older than its stamp by more than the margin, as in real use."""
    old = time.time() - 60
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (old, old), follow_symlinks=False)
    return folder.resolve()


@pytest.fixture
def corpus(tmp_path):
    return aged(
        write_corpus(tmp_path / "corpus", {f"posts/p{n}.md": post(n) for n in range(4)})
    )


@pytest.fixture
def index(tmp_path, corpus):
    path = str(tmp_path / "index.sqlite")
    update_index(corpus, path, workers=1)
    return path


class Running:
    """A watcher process of corpus and index."""

    def __init__(self, corpus, index, *more):
        self.corpus, self.index = str(corpus), index
        self.process = subprocess.Popen(
            [sys.executable, "-m", "airesearch", "watch", "--corpus", self.corpus,
             "--index", index, *more],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        until(lambda: watched.ask(index) is not None or self.process.poll() is not None)
        assert self.process.poll() is None, self.process.stderr.read()

    def says(self) -> bool | None:
        """What a command is told: changed, unchanged, or None (look yourself)."""
        stamp_ns = os.stat(stamp.stamp_path(self.index)).st_mtime_ns
        return watched.corpus_changed(self.index, self.corpus, False, stamp_ns)

    def status(self) -> dict:
        return watch_server.status(self.index)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(WAIT)


@pytest.fixture
def running(corpus, index):
    started = Running(corpus, index)
    yield started
    started.stop()


def until(condition, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the watcher did not get there"
        time.sleep(0.02)


def view(index) -> dict:
    """The index by post path (ids differ between an update and a build)."""
    conn = sqlite3.connect(index)
    try:
        paths = dict(conn.execute("SELECT id, path FROM posts"))
        by_path = {
            table: sorted(
                (paths[row[0]], *row[1:])
                for row in conn.execute(f"SELECT post_id, {columns} FROM {table}")
            )
            for table, columns in (
                ("passages", "seq, kind, text"),
                ("mentions", "entity, type, surface, start, end"),
            )
        }
        return {
            "files": sorted(conn.execute("SELECT path, size, mtime_ns FROM files")),
            "posts": sorted(conn.execute("SELECT path, title, date FROM posts")),
            "vocabulary": sorted(conn.execute("SELECT term, posts FROM vocabulary")),
            **by_path,
        }
    finally:
        conn.close()


def command_sees_it(corpus, index, follow: bool = False) -> None:
    """What every command does first (commands.fresh_answer), then the check
    that the index equals a fresh build of the folder. First, a pause past
    the stamp's margin: a change heard within it of the update's listing is
    still "changed" after it (as find says of a file modified then), which
    costs one more update that finds nothing."""
    time.sleep(STAMP_MARGIN_NS * 2.5 / 1e9)
    conn, _ = commands.fresh_answer(
        commands.Where(str(corpus), index), lambda conn: None
    )
    conn.close()
    fresh = index + ".fresh.sqlite"
    update_index(corpus, fresh, workers=1, follow=follow)
    assert view(index) == view(fresh)


@pytest.mark.parametrize(
    "change",
    ["add", "change in place", "delete", "rename", "new subfolder", "hidden"],
)
def test_the_watcher_tells_a_command_what_changed(corpus, index, running, change):
    assert running.says() is False  # nothing changed: no walk, no update
    target = corpus / "posts/p1.md"
    if change == "add":
        (corpus / "posts/p9.md").write_text(post(9), encoding="utf-8")
    elif change == "change in place":
        # Same size and the same second: one word for another of equal length.
        size = target.stat().st_size
        target.write_text(post(1, "データセンターの冷却"), encoding="utf-8")
        assert target.stat().st_size == size
    elif change == "delete":
        target.unlink()
    elif change == "rename":
        target.rename(corpus / "posts/moved.md")
    elif change == "new subfolder":
        (corpus / "new/deeper").mkdir(parents=True)
        (corpus / "new/deeper/p8.md").write_text(post(8), encoding="utf-8")
    elif change == "hidden":
        # What the index skips is no change: an editor's swap file, a hidden folder.
        (corpus / "posts/.p1.md.swp").write_text("x", encoding="utf-8")
        (corpus / ".drafts").mkdir()
        (corpus / ".drafts/d.md").write_text(post(5), encoding="utf-8")
        (corpus / "posts/notes.json").write_text("{}", encoding="utf-8")
        assert running.says() is False
        return
    assert running.says() is True
    command_sees_it(corpus, index)
    assert running.says() is False
    if change == "new subfolder":
        # The new folders are watched too.
        (corpus / "new/deeper/p8.md").write_text(
            post(8, "半導体の供給"), encoding="utf-8"
        )
        assert running.says() is True
        command_sees_it(corpus, index)


def test_a_burst_of_a_thousand_changes(corpus, index, running):
    for n in range(1000):
        (corpus / f"posts/p{n % 4}.md").write_text(post(n), encoding="utf-8")
    assert running.says() is True
    assert running.status()["pending"] == 4  # four paths, each changed 250 times
    command_sees_it(corpus, index)
    assert running.says() is False


def test_a_watcher_killed_mid_burst_leaves_commands_to_find(corpus, index, running):
    written = []

    def burst():
        for n in range(1000):
            (corpus / f"posts/b{n % 50}.md").write_text(post(n), encoding="utf-8")
            written.append(n)

    writer = threading.Thread(target=burst)
    writer.start()
    until(lambda: len(written) > 300)
    running.process.kill()
    writer.join()
    assert running.process.wait(WAIT) == -signal.SIGKILL
    assert running.says() is None  # its socket is left, nobody answers
    assert stamp.start_quick_check(str(corpus), index, False).answer() is True
    command_sees_it(corpus, index)


def test_an_overflowed_queue_hands_the_check_back_until_an_update(
    corpus, index, running
):
    queue = int(open("/proc/sys/fs/inotify/max_queued_events").read())
    if queue > 200_000:
        pytest.skip(f"max_queued_events is {queue}: too many events to overflow")
    one, other = corpus / "posts/p0.md", corpus / "posts/p1.md"
    running.process.send_signal(signal.SIGSTOP)  # the queue fills, unread
    try:
        for _ in range(queue // 2 + 100):  # alternating: no two events merge
            os.utime(one)
            os.utime(other)
    finally:
        running.process.send_signal(signal.SIGCONT)
    until(lambda: (running.status() or {}).get("overflows") == 1)
    assert running.says() is None  # events were lost: today's check decides
    assert stamp.start_quick_check(str(corpus), index, False).answer() is True
    command_sees_it(corpus, index)
    assert running.says() is False  # trusted again after the update
    (corpus / "posts/p2.md").write_text(post(2, "液浸冷却"), encoding="utf-8")
    assert running.says() is True
    command_sees_it(corpus, index)


def test_a_watcher_started_after_changes_says_they_are_pending(corpus, index):
    (corpus / "posts/p3.md").write_text(post(3, "量子計算の投資"), encoding="utf-8")
    started = Running(corpus, index)
    try:
        assert started.says() is True
        said = started.status()
        assert said["trusted"] and said["changed"] and said["pending"] == 0
        command_sees_it(corpus, index)
        assert started.says() is False
    finally:
        assert started.stop() == 0


def test_a_replaced_corpus_folder_is_not_vouched_for(corpus, index, running, tmp_path):
    corpus.rename(tmp_path / "old")
    write_corpus(corpus, {"posts/p0.md": post(0, "別の記事")})
    # The watcher either stopped (the folder was gone when it looked) or
    # watches the new one and vouches only from then: today's check decides.
    assert running.says() is None
    command_sees_it(corpus, index)


def test_an_answer_about_another_folder_is_not_taken(corpus, index, monkeypatch):
    """The watcher's line names its index, corpus, follow setting and the
    corpus folder's device and inode: a folder remounted or replaced since,
    or another index, gets None (today's check)."""
    info = os.stat(corpus)
    stamp_ns = os.stat(stamp.stamp_path(index)).st_mtime_ns

    def told(**changes):
        said = dict(
            index_path=index, corpus=str(corpus), corpus_id=(info.st_dev, info.st_ino),
            follow=False, complete_from=stamp_ns - 1, last_change=stamp_ns - 5,
        )  # fmt: skip
        said.update(changes)
        monkeypatch.setattr(watched, "ask", lambda *a: watched.fresh_line(**said))
        return watched.corpus_changed(index, str(corpus), False, stamp_ns)

    assert told() is False
    assert told(last_change=stamp_ns) is True
    assert told(corpus_id=(info.st_dev, info.st_ino + 1)) is None  # remounted
    assert told(index_path=index + "-other") is None
    assert told(corpus=str(corpus) + "-other") is None
    assert told(follow=True) is None
    assert told(complete_from=stamp_ns + 1) is None  # vouches from later on


def test_a_corpus_moved_away_stops_the_watcher_with_one_line(corpus, index, tmp_path):
    started = Running(corpus, index)
    corpus.rename(tmp_path / "elsewhere")
    assert started.process.wait(WAIT) == 2
    error = started.process.stderr.read().strip().splitlines()[-1]
    assert error.startswith("airesearch: the corpus folder was moved or deleted")
    assert started.says() is None


def test_links_are_watched_as_the_index_follows_them(tmp_path):
    outside = write_corpus(tmp_path / "outside", {"far.md": post(7)}).resolve()
    corpus = write_corpus(tmp_path / "linked", {"p0.md": post(0)}).resolve()
    (corpus / "shelf").symlink_to(outside, target_is_directory=True)
    outside, corpus = aged(outside), aged(corpus)
    index = str(tmp_path / "linked.sqlite")
    update_index(corpus, index, workers=1, follow=True)
    started = Running(corpus, index)
    try:
        stamp_ns = os.stat(stamp.stamp_path(index)).st_mtime_ns
        assert watched.corpus_changed(index, str(corpus), True, stamp_ns) is False
        # A folder that follows links is another check: not this watcher's.
        assert watched.corpus_changed(index, str(corpus), False, stamp_ns) is None
        (outside / "far.md").write_text(post(7, "光電融合"), encoding="utf-8")
        assert watched.corpus_changed(index, str(corpus), True, stamp_ns) is True
        command_sees_it(corpus, index, follow=True)
        assert "shelf/far.md" in [row[0] for row in view(index)["posts"]]
        # A link made later is followed too: its folder is watched from then.
        other = write_corpus(tmp_path / "other", {"near.md": post(6)}).resolve()
        (corpus / "annex").symlink_to(other, target_is_directory=True)
        stamp_ns = os.stat(stamp.stamp_path(index)).st_mtime_ns
        assert watched.corpus_changed(index, str(corpus), True, stamp_ns) is True
        command_sees_it(corpus, index, follow=True)
        stamp_ns = os.stat(stamp.stamp_path(index)).st_mtime_ns
        assert watched.corpus_changed(index, str(corpus), True, stamp_ns) is False
        (other / "near.md").write_text(post(6, "送電網"), encoding="utf-8")
        assert watched.corpus_changed(index, str(corpus), True, stamp_ns) is True
        command_sees_it(corpus, index, follow=True)
    finally:
        started.stop()


def test_update_brings_the_index_up_to_date_by_itself(corpus, index):
    started = Running(corpus, index, "--update", "--delay", "0.1")
    try:
        for n in range(20):  # a burst: one update after it
            (corpus / f"posts/u{n}.md").write_text(post(n), encoding="utf-8")
        until(lambda: started.status()["updates"] >= 1 and started.says() is False)
        fresh = index + ".fresh.sqlite"
        update_index(corpus, fresh, workers=1)
        assert view(index) == view(fresh)
    finally:
        assert started.stop() == 0


def test_status_stop_and_a_second_watcher(corpus, index, running, capsys):
    found = running.status()
    assert found["alive"] and found["trusted"] and found["changed"] is False
    assert found["folders"] == 2 and found["corpus"] == str(corpus)
    second = subprocess.run(
        [sys.executable, "-m", "airesearch", "watch", "--corpus", str(corpus),
         "--index", index], capture_output=True, text=True, timeout=WAIT,
    )  # fmt: skip
    assert second.returncode == 2
    assert second.stderr.startswith("airesearch: a watcher of this index is already")
    assert running.stop() == 0  # SIGTERM: a clean stop
    assert not os.path.exists(watched.socket_path(index))
    values = parse_options(
        "watch", ["--corpus", str(corpus), "--index", index, "--status", "--json"]
    )
    assert answer("watch", values) == 1
    said = json.loads(capsys.readouterr().out)
    assert said == {"alive": False, "corpus": str(corpus), "index": index}


def test_past_the_watch_limit_one_line_and_no_watcher(
    corpus, index, monkeypatch, capsys
):
    real_add = inotify.Inotify.add

    def add(self, path, mask):
        if path != str(corpus):
            raise inotify.WatchLimit(
                "the kernel's limit of inotify watches (fs.inotify.max_user_watches"
                f" = 8192) is reached at {path}; commands keep checking the corpus"
                " with find"
            )
        return real_add(self, path, mask)

    monkeypatch.setattr(inotify.Inotify, "add", add)
    values = parse_options("watch", ["--corpus", str(corpus), "--index", index])
    assert answer("watch", values) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "max_user_watches" in error
    assert not os.path.exists(watched.socket_path(index))
    stamp_ns = os.stat(stamp.stamp_path(index)).st_mtime_ns
    assert watched.corpus_changed(index, str(corpus), False, stamp_ns) is None


def test_a_long_index_path_puts_the_socket_in_a_private_folder(tmp_path):
    long_index = str(tmp_path / ("x" * 120) / "index.sqlite")
    path = watched.socket_path(long_index)
    assert len(os.fsencode(path)) <= watched.SOCKET_PATH_MAX
    assert path.startswith(watched.runtime_folder() + "/")
    assert watched.socket_path(str(tmp_path / "i.sqlite")).endswith("i.sqlite.watch")


def test_the_overflow_event_itself_is_heard(corpus, index):
    """The kernel's overflow record (wd -1, IN_Q_OVERFLOW) as read from the
    queue, without a real overflow."""
    record = inotify.EVENT_HEADER.pack(-1, inotify.IN_Q_OVERFLOW, 0, 0)
    events = inotify.parse_events(record)
    assert events == [(-1, inotify.IN_Q_OVERFLOW, "")]
    seen = watcher.Watcher(str(corpus), index, False, log=lambda line: None)
    seen.begin()
    assert seen.changed_since_update() is False
    seen.take(events)
    assert seen.overflows == 1 and seen.changed_since_update() is None
    seen.notifier.close()


def test_a_corpus_on_a_network_file_system_is_not_watched():
    """inotify never hears of a change made through another machine: the
    watcher refuses such a corpus (or one with such a folder in it)."""
    table = [
        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
        "40 27 0:50 / /mnt/blog rw,relatime - nfs4 server:/blog rw,vers=4.2",
        "41 27 0:51 / /home/me/posts/shared rw - fuse.sshfs me@host:/p rw",
        "42 27 0:52 / /home/me/other\\040folder rw - tmpfs tmpfs rw",
    ]
    near = watcher.mounts_near("/mnt/blog/_posts", table)
    assert [point for _, point, _ in near] == ["/", "/mnt/blog"]
    assert watcher.remote_mount("/mnt/blog/_posts", near) == ("/mnt/blog", "nfs4")
    home = watcher.mounts_near("/home/me/posts", table)
    assert watcher.remote_mount("/home/me/posts", home) == (
        "/home/me/posts/shared", "fuse.sshfs",
    )  # fmt: skip
    other = watcher.mounts_near("/home/me/other folder", table)
    assert [point for _, point, _ in other] == ["/", "/home/me/other folder"]
    assert watcher.remote_mount("/home/me/other folder", other) is None
    assert (
        watcher.remote_mount("/srv/local", watcher.mounts_near("/srv/local", table))
        is None
    )
