"""Whether the corpus changed since the index was last updated: every post
file's name, size and modification time, summed into one fingerprint that the
index keeps, and the check run in a forked child while a search goes on.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

from airesearch.corpus import PostFile, find_posts
from airesearch.index import needs_rebuild, read_meta


def corpus_fingerprint(files: list[PostFile]) -> str:
    """A summary of every post file's name, size and time: it changes when any
    file is added, deleted, renamed or modified, and compares in one step."""
    import zlib  # crc32 is enough to notice a renamed file

    names = sum(zlib.crc32(f.path.encode("utf-8", "surrogateescape")) for f in files)
    sizes = sum(f.size for f in files)
    times = sum(f.mtime_ns for f in files)
    return f"{len(files)}:{sizes}:{times}:{names}"


def corpus_changed(conn: sqlite3.Connection, corpus: str | os.PathLike) -> bool:
    """Whether any post file was added, changed or deleted since the last update."""
    if needs_rebuild(conn, corpus):
        return True
    expected = read_meta(conn).get("fingerprint")
    return corpus_fingerprint(find_posts(corpus)) != expected


def check_in_background(conn: sqlite3.Connection, corpus: str) -> Callable[[], bool]:
    """Start corpus_changed in a child process, so that stat-ing every file runs
    on the other core while this one searches; call the result for the answer.
    The index must be of this schema and analysis (needs_rebuild is False)."""
    if not hasattr(os, "fork"):
        answer = corpus_changed(conn, corpus)
        return lambda: answer
    expected = read_meta(conn).get("fingerprint")
    pid = os.fork()
    if pid == 0:  # the child: no cleanup, no flushing of the parent's buffers
        try:
            os._exit(0 if corpus_fingerprint(find_posts(corpus)) == expected else 1)
        except BaseException:
            os._exit(2)

    def changed() -> bool:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) != 0

    return changed
