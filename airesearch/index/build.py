"""The SQLite index: opening and checking it, and incremental, atomic, parallel
updates (the tables are in schema.py).

One file holds the posts, their cleaned passages and what was found in them;
the analysed text (see tokens.py) is indexed by the search engine in a folder
beside it (engine.py), one generation of the folder named by each committed
state of the file. An index made by another analysis or schema is rebuilt,
not patched.

A full build writes a new file and renames it over the old one; an incremental
update runs in one transaction. Either way, killing the process at any moment
leaves the previous index complete and usable.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import contextmanager

from airesearch.errors import AiresearchError, damaged_index, index_error
from airesearch.index import engine, packed_text
from airesearch.index.schema import APPLICATION_ID, SCHEMA, SCHEMA_VERSION
from airesearch.index.stamp import write_stamp
from airesearch.index.update_lock import update_lock
from airesearch.ingest.corpus import check_corpus, find_posts
from airesearch.models import IndexReport

STAMP_MARGIN_NS = 20_000_000

ProgressCallback = Callable[[int, int, int, int], None]


def check_index_file(path: str) -> None:
    """Refuse, without touching it, a file that is not an airesearch index."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except IsADirectoryError:
        raise AiresearchError(f"index path {path} is a folder") from None
    except OSError as error:
        raise AiresearchError(f"cannot read index {path}: {error.strerror}") from None
    if not header.startswith(b"SQLite format 3\x00") or len(header) < 100:
        raise AiresearchError(
            f"{path} is not an airesearch index; refusing to touch it "
            "(choose another --index path)"
        )
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise AiresearchError(
            f"{path} is an SQLite database but not an airesearch index; "
            "refusing to touch it (choose another --index path)"
        )


def open_index(path: str | os.PathLike) -> sqlite3.Connection:
    """Open an existing index for reading, with a clear error if it is not usable."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise AiresearchError(f"no index at {path}; run 'airesearch index' first")
    check_index_file(path)
    conn = packed_text.register(sqlite3.connect(path, timeout=30))
    # Reading pages through mmap instead of read() calls: a common word on a
    # 1 GB index scans tens of thousands of doclist and docsize entries.
    conn.execute(f"PRAGMA mmap_size = {1 << 31}")
    try:
        conn.execute("SELECT count(*) FROM posts").fetchone()
    except sqlite3.DatabaseError as error:
        conn.close()
        raise index_error(error, path) from None
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    from airesearch.index import meta

    return meta.read_all(conn)


def needs_rebuild(
    conn: sqlite3.Connection,
    corpus: str | os.PathLike,
    entities_file: str | os.PathLike | None = None,
) -> bool:
    """An index of another corpus, schema or analysis is rebuilt, not patched."""
    from airesearch.ingest.gazetteer_files import gazetteer_digest
    from airesearch.tokens import dictionary_version

    meta = read_meta(conn)
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    return (
        version != SCHEMA_VERSION
        or meta.get("corpus") != os.fspath(corpus)
        or meta.get("analysis") != dictionary_version()
        or meta.get("entities") != gazetteer_digest(entities_file)
    )


def update_index(
    corpus: str | os.PathLike,
    index_path: str | os.PathLike,
    rebuild: bool = False,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    follow: bool | None = None,
    entities_file: str | os.PathLike | None = None,
    follow_default: bool = False,
    scheduler: str | None = None,
    on_cluster: Callable[[str, int], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
    wait_seconds: float | None = None,
) -> IndexReport:
    """Bring the index of corpus up to date: analyse new and changed files only.
    follow: follow symbolic links; None keeps the index's setting (a new
    index: follow_default). entities_file: a gazetteer of the user's that
    extends the bundled one (a change rebuilds the index). scheduler: the
    address of a Dask scheduler whose workers do the analysis (checked before
    anything is written; on_cluster(address, workers) is told of them).
    One update of an index at a time (update_lock.py): a run that finds
    another one under way waits for it (on_wait(its pid) is told), then finds
    only what that one left to do, waiting at most wait_seconds (default:
    update_lock.WAIT_SECONDS)."""
    lock_for = os.path.abspath(index_path)
    with (
        cluster_for(scheduler, on_cluster) as cluster,
        update_lock(lock_for, on_wait, wait_seconds),
    ):
        return update_on(
            corpus, index_path, rebuild, progress, workers, follow, entities_file,
            follow_default, cluster,
        )  # fmt: skip


@contextmanager
def cluster_for(scheduler: str | None, on_cluster):
    """A Dask client of scheduler (None without one), closed afterwards."""
    if not scheduler:
        yield None
        return
    from airesearch.ingest.cluster import connect, worker_count

    client = connect(scheduler)
    try:
        if on_cluster:
            on_cluster(scheduler, worker_count(client))
        yield client
    finally:
        client.close()


def update_on(
    corpus, index_path, rebuild, progress, workers, follow, entities_file,
    follow_default, cluster,
) -> IndexReport:  # fmt: skip
    """update_index, with the cluster's client (or None: local workers)."""
    # Here, not at the top: a search whose index is fresh never loads the writer.
    from airesearch.index.updates import Changes, Run, apply_changes

    started = time.perf_counter()
    root = check_corpus(corpus)
    index_path = os.path.abspath(index_path)
    remove_stale_builds(index_path)
    if os.path.exists(index_path):
        check_index_file(index_path)
    if follow is None:
        follow = stored_follow(index_path, follow_default)
    problems: list[tuple[str, str]] = []
    # Files modified after this are noticed by the next search. The kernel dates
    # files from a clock that lags by up to a tick, hence the margin.
    listed_ns = time.time_ns() - STAMP_MARGIN_NS
    files = find_posts(root, follow, problems)
    changes = Changes(files, follow, problems, entities_file)
    report = None
    if os.path.exists(index_path) and not rebuild:
        conn = connect_for_update(index_path)
        try:
            if not needs_rebuild(conn, root, entities_file):
                run = Run(progress, workers, started, index_path, cluster)
                report = apply_changes(conn, root, changes, run)
        except sqlite3.OperationalError as error:  # read-only, locked, disk full
            raise AiresearchError(
                f"cannot update index {index_path}: {error}"
            ) from None
        except sqlite3.DatabaseError as error:
            raise damaged_index(error, index_path) from None
        finally:
            conn.close()
    if report is None:
        try:
            run = Run(progress, workers, started, index_path, cluster)
            report = build_new(root, changes, run)
        except sqlite3.OperationalError as error:
            raise AiresearchError(f"cannot build index {index_path}: {error}") from None
    remove_stale_engines(index_path)
    write_stamp(index_path, listed_ns, follow)
    return report


def stored_follow(index_path: str, default: bool) -> bool:
    """The follow-links setting an index was built with, else default."""
    if os.path.exists(index_path):
        try:
            from airesearch.index import meta

            conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
            try:
                follow = meta.get(conn, "follow_links")
            finally:
                conn.close()
            if follow is not None:
                return follow == "1"
        except sqlite3.Error:
            pass  # a damaged index is reported where it is opened
    return default


def connect_for_update(path: str) -> sqlite3.Connection:
    conn = packed_text.register(sqlite3.connect(path, timeout=30, isolation_level=None))
    try:
        conn.execute("SELECT count(*) FROM files").fetchone()
    except sqlite3.DatabaseError as error:
        conn.close()
        raise index_error(error, path) from None
    return conn


def build_new(root: str, changes, run) -> IndexReport:
    """Build a complete index in a temporary file, then rename it into place
    (changes, run: updates.Changes and updates.Run)."""
    from airesearch.index.updates import apply_changes

    index_path = run.index_path
    try:
        os.makedirs(os.path.dirname(index_path), exist_ok=True)
        building = f"{index_path}.building-{os.getpid()}"
        conn = packed_text.register(sqlite3.connect(building, isolation_level=None))
    except (OSError, sqlite3.Error) as error:
        raise AiresearchError(
            f"cannot write an index at {index_path}: {error}"
        ) from None
    try:
        # This file is thrown away if the build dies, so durability is not needed.
        conn.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            " PRAGMA cache_size = -32768;"
        )
        conn.executescript(SCHEMA)
        report = apply_changes(conn, root, changes, run)
        conn.execute("VACUUM")
        conn.close()
        os.replace(building, index_path)
    except BaseException:
        conn.close()
        if os.path.exists(building):
            os.unlink(building)
        raise
    return report


def remove_stale_engines(index_path: str) -> None:
    """Delete the engine folders the index does not name (superseded
    generations, killed runs), leaving live builders' alone."""
    current = None
    if os.path.exists(index_path):
        try:
            conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
            try:
                current = engine.current_folder(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            return  # a damaged index is reported where it is opened
    for stale in engine.stale_folders(index_path, current):
        engine.remove_folder(stale)


def remove_stale_builds(index_path: str) -> None:
    """Delete the half-written files of builds that were killed, and the
    engine folders no index names."""
    remove_stale_engines(index_path)
    folder, name = os.path.split(index_path)
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        if entry.startswith(name + ".building-") and not engine.pid_alive(
            entry.rsplit("-", 1)[-1]
        ):
            try:
                os.unlink(os.path.join(folder, entry))
            except OSError:
                pass
