"""Whether the corpus changed since the index was last updated.

The fast way: every update leaves a stamp file beside the index whose
modification time is the moment the update began to list the corpus; then
`find -newer STAMP` (C, in a separate process, while this one searches) looks
for a file or folder modified since: an edited file has a newer time, and
adding, deleting or renaming a file gives its folder a newer time. find stops at
the first one. A newer file that is not a post is a false alarm: the update it
causes finds nothing to analyse and moves the stamp. The console entry starts
this check first thing, before its imports (stamp.start_early_check), and the
command takes it over once it has opened the index.

The thorough way, when there is no stamp or no usable find: every post file's
name, size and modification time, summed into one fingerprint that the index
keeps. `airesearch index` always uses the thorough way, which also notices a
file put back in place with an older modification time.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

from airesearch.index.build import needs_rebuild, read_meta
from airesearch.index.meta import index_file
from airesearch.index.stamp import QuickCheck, stamp_path, start_quick_check
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
    conn: sqlite3.Connection,
    corpus: str,
    index_path: str | None = None,
    early: QuickCheck | None = None,
) -> Callable[[], bool]:
    """Start the check in another process, so that it runs on the other core
    while this one searches; call the result for the answer. The index must be
    of this schema and analysis (needs_rebuild is False). early: a quick check
    already under way, used if it looks at this corpus and stamp as this
    index's setting says (else stopped and started again)."""
    meta = read_meta(conn)
    if index_path is None:
        index_path = index_file(conn)
    follow = meta.get("follow_links") == "1"
    check = early and early.take(corpus, stamp_path(index_path), follow)
    if check is None:
        check = start_quick_check(corpus, index_path, follow)
    if check is None:
        return fork_fingerprint(meta, corpus)

    def changed() -> bool:
        # find failed (an unreadable folder, a loop of links): the thorough way.
        answer = check.answer()
        return fingerprint_changed(meta, corpus) if answer is None else answer

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
