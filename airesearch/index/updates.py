"""One run of the indexer on an open index: what changed on disk (plan), the
posts taken out, analysed and stored (write, in the caller's transaction), what
the index was built from (meta), and the report. build.py opens the file,
decides between an update and a new build, and calls apply_changes.
"""

from __future__ import annotations

import sqlite3
import time
from collections import namedtuple

from airesearch.errors import damaged_index
from airesearch.index import engine, meta, name_types
from airesearch.index.aggregates import Additions
from airesearch.index.boilerplate import refresh as refresh_boilerplate
from airesearch.index.boilerplate import store_losses
from airesearch.index.storage import (
    forget_file,
    hold_documents,
    rewrite_post_documents,
    store_aliases,
    store_file,
    write_held_documents,
)
from airesearch.index.template import LOSSES_KEY
from airesearch.index.things import store as store_things
from airesearch.ingest.corpus import corpus_fingerprint
from airesearch.models import IndexReport

# The files found on disk, whether links were followed to find them, what was
# skipped on the way (links not followed, loops, dangling links), and the
# user's gazetteer file, if any.
Changes = namedtuple("Changes", "files follow problems entities")
# How one run of the indexer goes: progress callback, worker processes, when
# it started (for the report), the index file, and the Dask client that
# analyses the files instead of local workers (ingest/cluster.py), if any.
Run = namedtuple("Run", "progress workers started index_path cluster", defaults=(None,))
# What changed on disk since the index was last updated.
Plan = namedtuple("Plan", "changed deleted known")
# Posts whose aggregates are written together (aggregates.Additions).
FLUSH_POSTS = 256


def apply_changes(conn, root: str, changes: Changes, run: Run) -> IndexReport:
    """Analyse what changed and write it in one transaction; report the index.
    The engine's documents go to a new generation of its folder (a copy of
    the current one), named in the same transaction (see engine.py). The
    transaction starts first, so that a concurrent run waits and then copies
    the generation this one wrote."""
    from airesearch.ingest.gazetteer import load_gazetteer

    conn.execute("BEGIN IMMEDIATE")
    writer = folder = None
    try:
        plan = plan_changes(conn, changes.files)
        current = engine.current_folder(conn)
        counts = None
        if current and not (plan.changed or plan.deleted):
            # Nothing to write: the engine, the aliases (the gazetteer is the
            # index's, else it would be rebuilt) and the stored counts stay.
            written = {"added": 0, "updated": 0, "warnings": []}
            written["warnings"] += [
                {"path": p, "message": m} for p, m in changes.problems
            ]
            counts = meta.stored_counts(conn)
        else:
            load_gazetteer(changes.entities)  # before workers fork: they share it
            name = engine.new_folder_name(run.index_path)
            folder = engine.folder_for(run.index_path, name)
            try:
                writer = engine.start_generation(run.index_path, current, folder)
            except ValueError as error:  # the engine's files: missing, damaged
                raise damaged_index(error, run.index_path) from None
            written = write_changes(conn, writer, root, changes, plan, run)
            writer.commit()
            meta.put(conn, {engine.ENGINE_KEY: name})
        write_meta(conn, root, changes, plan)
        if counts is None or meta.get(conn, LOSSES_KEY) is None:
            counts = store_summaries(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        if writer is not None:
            writer.rollback()
        if folder is not None:
            engine.remove_folder(folder)
        raise
    return index_report(conn, root, changes, plan, written, run, counts)


def plan_changes(conn, files: list) -> Plan:
    """The files that are new or changed (size or time) and the paths deleted."""
    known = {
        path: (size, mtime_ns)
        for path, size, mtime_ns in conn.execute(
            "SELECT path, size, mtime_ns FROM files"
        )
    }
    on_disk = {post_file.path for post_file in files}
    changed = [f for f in files if known.get(f.path) != (f.size, f.mtime_ns)]
    deleted = [path for path in known if path not in on_disk]
    return Plan(changed, deleted, known)


def write_changes(
    conn, writer, root: str, changes: Changes, plan: Plan, run: Run
) -> dict:
    """Take out deleted and changed posts, analyse and store the changed ones
    (in the index and the engine writer), keep the vocabulary, the blog's
    template and the aliases; {added, updated, warnings}."""
    from airesearch.index.post_terms import TermBook

    written = {"added": 0, "updated": 0, "warnings": []}
    written["warnings"] += [{"path": p, "message": m} for p, m in changes.problems]
    book = TermBook(conn)
    hold_documents(conn)
    touched: set[int] = set()  # passage shapes of the posts added or removed
    for path in plan.deleted:
        forget_file(conn, writer, path, book, touched)
    total_bytes = sum(f.size for f in plan.changed)
    done_bytes = 0
    by_path = {f.path: f for f in plan.changed}
    additions = Additions()
    for count, (rel, outcome) in enumerate(
        analysed(root, plan.changed, changes.entities, run), 1
    ):
        post_file = by_path[rel]
        written["updated" if rel in plan.known else "added"] += 1
        forget_file(conn, writer, rel, book, touched)
        warnings = store_file(
            conn, writer, post_file, outcome, book, touched, additions
        )
        if additions.posts >= FLUSH_POSTS:
            additions.flush(conn)
        written["warnings"] += [{"path": rel, "message": w} for w in warnings]
        done_bytes += post_file.size
        if run.progress:
            run.progress(count, len(plan.changed), done_bytes, total_bytes)
    additions.flush(conn)
    book.save(conn)
    refresh_boilerplate(conn, touched)
    write_held_documents(conn, writer)
    rewrite_post_documents(conn, writer)
    store_aliases(conn, changes.entities)
    return written


def analysed(root: str, files: list, entities_file, run: Run):
    """(path, analysed post | skip reason) of files, in file order: on the
    run's Dask cluster if it has one, else in local worker processes."""
    from airesearch.index.post_rows import prepare
    from airesearch.ingest.pipeline import analyse_files

    if run.cluster is not None and files:
        from airesearch.ingest.cluster import analyse_on_cluster

        return analyse_on_cluster(run.cluster, root, files, entities_file, prepare)
    return analyse_files(root, files, run.workers, entities_file, prepare)


def write_meta(conn, root: str, changes: Changes, plan: Plan) -> None:
    """What the index was built from: corpus, analysis, gazetteer, files."""
    from airesearch.ingest.gazetteer_files import gazetteer_digest
    from airesearch.tokens import dictionary_version

    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    built_from = {
        "corpus": str(root),
        "analysis": dictionary_version(),
        "entities": gazetteer_digest(changes.entities),
        "fingerprint": corpus_fingerprint(changes.files),
        "follow_links": "1" if changes.follow else "0",
        "updated_at": now,
    }
    if plan.changed or plan.deleted:
        built_from["changed_at"] = now
    meta.put(conn, built_from)


def index_report(
    conn, root: str, changes, plan: Plan, written: dict, run: Run, counts: dict
):
    skipped = [
        {"path": path, "reason": reason}
        for path, reason in conn.execute(
            "SELECT path, skipped FROM files WHERE skipped IS NOT NULL ORDER BY path"
        )
    ]
    return IndexReport(
        index_path=run.index_path,
        corpus=root,
        posts=counts["posts"],
        passages=counts["passages"],
        dropped=counts["dropped"],
        terms=counts["terms"],
        added=written["added"],
        updated=written["updated"],
        deleted=len(plan.deleted),
        unchanged=len(changes.files) - len(plan.changed),
        skipped=skipped,
        warnings=written["warnings"],
        seconds=round(time.perf_counter() - run.started, 3),
        bytes_analysed=sum(f.size for f in plan.changed),
    )


def store_summaries(conn: sqlite3.Connection) -> dict[str, int]:
    """Keep with the index what an unchanged re-check, stats and the listings
    read instead of counting: meta.index_counts (returned), what the template
    adds to each entity (boilerplate.store_losses), the names that are
    things (things.store) and the learned types (name_types.store)."""
    store_losses(conn)
    store_things(conn)
    name_types.store(conn)
    counts = meta.index_counts(conn)
    meta.put_json(conn, meta.COUNTS_KEY, counts)
    return counts
