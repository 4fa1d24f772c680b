"""Whether the corpus changed since the index was last updated.

The fast way: every update leaves a stamp file beside the index whose
modification time is the moment the update began to list the corpus; then
`find -newer STAMP` (C, in a separate process, while this one searches) looks
for a file or folder modified since: an edited file has a newer time, and
adding, deleting or renaming a file gives its folder a newer time. find stops at
the first one. A newer file that is not a post is a false alarm: the update it
causes finds nothing to analyse and moves the stamp.

The thorough way, when there is no stamp or no usable find: every post file's
name, size and modification time, summed into one fingerprint that the index
keeps. `airesearch index` always uses the thorough way, which also notices a
file put back in place with an older modification time.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

from airesearch.index.build import needs_rebuild, read_meta, stamp_path
from airesearch.ingest.corpus import corpus_fingerprint, walk_posts


def corpus_changed(
    conn: sqlite3.Connection,
    corpus: str | os.PathLike,
    index_path: str | None = None,
    entities_file: str | os.PathLike | None = None,
) -> bool:
    """Whether any post file was added, changed or deleted since the last update
    (or the index must be rebuilt: another schema, analysis or gazetteer)."""
    if needs_rebuild(conn, corpus, entities_file):
        return True
    return check_in_background(conn, os.fspath(corpus), index_path)()


def fingerprint_changed(meta: dict, corpus: str) -> bool:
    follow = meta.get("follow_links") == "1"
    return corpus_fingerprint(walk_posts(corpus, follow)) != meta.get("fingerprint")


def check_in_background(
    conn: sqlite3.Connection, corpus: str, index_path: str | None = None
) -> Callable[[], bool]:
    """Start the check in another process, so that it runs on the other core
    while this one searches; call the result for the answer. The index must be
    of this schema and analysis (needs_rebuild is False)."""
    meta = read_meta(conn)
    if index_path is None:
        index_path = conn.execute("PRAGMA database_list").fetchone()[2]
    found = spawn_find(corpus, stamp_path(index_path), meta)
    if found is not None:
        return found
    return fork_fingerprint(meta, corpus)


def find_command(corpus: str, stamp: str, follow: bool) -> list[str]:
    """find for the first file or folder newer than the stamp, hidden folders
    pruned. No name tests: GNU find runs them before -newer on every file,
    which costs more than the stat; a newer file that is not a post (an image,
    an editor's backup) is a false alarm that costs one update."""
    return [
        "find", "-L" if follow else "-P", corpus, "-mindepth", "1",
        "(", "-type", "d", "-name", ".*", "-prune", ")", "-o",
        "(", "-newer", stamp, "-print", "-quit", ")",
    ]  # fmt: skip


def spawn_find(corpus: str, stamp: str, meta: dict) -> Callable[[], bool] | None:
    """Start find for anything newer than the stamp; None when there is no stamp
    or no find. The answer falls back to the fingerprint if find fails (an
    unreadable folder, a loop of links)."""
    try:
        stamp_ns = os.stat(stamp).st_mtime_ns
        if os.stat(corpus).st_mtime_ns > stamp_ns:
            return lambda: True  # a post added, deleted or renamed at the top
    except OSError:
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.posix_spawnp(
            "find",
            find_command(corpus, stamp, meta.get("follow_links") == "1"),
            # Byte-wise name matching: a UTF-8 locale makes find's tests slower.
            {**os.environ, "LC_ALL": "C"},
            file_actions=[
                (os.POSIX_SPAWN_DUP2, write_end, 1),
                (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_CLOSE, read_end),
            ],
        )
    except (OSError, AttributeError):  # no find, or no posix_spawn (Windows)
        os.close(read_end)
        os.close(write_end)
        return None
    os.close(write_end)

    def changed() -> bool:
        with os.fdopen(read_end, "rb") as output:
            newer = output.read()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return fingerprint_changed(meta, corpus)
        return bool(newer.strip())

    return changed


def fork_fingerprint(meta: dict, corpus: str) -> Callable[[], bool]:
    """The thorough check in a forked child (in this process without fork)."""
    if not hasattr(os, "fork"):
        answer = fingerprint_changed(meta, corpus)
        return lambda: answer
    pid = os.fork()
    if pid == 0:  # the child: no cleanup, no flushing of the parent's buffers
        try:
            os._exit(1 if fingerprint_changed(meta, corpus) else 0)
        except BaseException:
            os._exit(2)

    def changed() -> bool:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) != 0

    return changed
