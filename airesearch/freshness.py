"""Whether the corpus changed since the index was last updated: every post
file's name, size and modification time, summed into one fingerprint that the
index keeps, and the check run in a forked child while a search goes on.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable

from airesearch.corpus import walk_posts
from airesearch.index import needs_rebuild, read_meta


def corpus_fingerprint(files: Iterable[tuple[str, int, int]]) -> str:
    """A summary of every post file's name, size and time: it changes when any
    file is added, deleted, renamed or modified, and compares in one step.
    files: PostFile records or (path, size, mtime_ns) tuples, in any order."""
    from zlib import crc32  # enough to notice a renamed file

    count = names = sizes = times = 0
    for path, size, mtime_ns in files:
        count += 1
        names += crc32(path.encode("utf-8", "surrogateescape"))
        sizes += size
        times += mtime_ns
    return f"{count}:{sizes}:{times}:{names}"


def corpus_changed(conn: sqlite3.Connection, corpus: str | os.PathLike) -> bool:
    """Whether any post file was added, changed or deleted since the last update."""
    if needs_rebuild(conn, corpus):
        return True
    meta = read_meta(conn)
    follow = meta.get("follow_links") == "1"
    return corpus_fingerprint(walk_posts(corpus, follow)) != meta.get("fingerprint")


def check_in_background(conn: sqlite3.Connection, corpus: str) -> Callable[[], bool]:
    """Start corpus_changed in a child process, so that stat-ing every file runs
    on the other core while this one searches; call the result for the answer.
    The index must be of this schema and analysis (needs_rebuild is False)."""
    if not hasattr(os, "fork"):
        answer = corpus_changed(conn, corpus)
        return lambda: answer
    meta = read_meta(conn)
    expected, follow = meta.get("fingerprint"), meta.get("follow_links") == "1"
    pid = os.fork()
    if pid == 0:  # the child: no cleanup, no flushing of the parent's buffers
        try:
            found = corpus_fingerprint(walk_posts(corpus, follow))
            os._exit(0 if found == expected else 1)
        except BaseException:
            os._exit(2)

    def changed() -> bool:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) != 0

    return changed
