"""Read-only questions about posts and the index itself: one post with its
passages (`show`), and corpus and index figures (`stats`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib

from airesearch.errors import AiresearchError
from airesearch.index.schema import passage_range, post_of
from airesearch.index.sql import rows_for


def show(conn: sqlite3.Connection, corpus: str | os.PathLike, path: str) -> dict:
    """A post's metadata and cleaned passages, by its path in the corpus."""
    corpus = os.fspath(corpus)
    rel = relative_path(corpus, path)
    row = conn.execute(
        "SELECT id, path, title, date, tags, categories, metadata, dropped, warnings"
        " FROM posts WHERE path = ?",
        (rel,),
    ).fetchone()
    if row is None:
        skipped = conn.execute(
            "SELECT skipped FROM files WHERE path = ?", (rel,)
        ).fetchone()
        if skipped:
            raise AiresearchError(f"{rel} is not indexed: {skipped[0]}")
        raise AiresearchError(f"no post {rel} in the index of {corpus}")
    post_id, rel, title, day, tags, categories, metadata, dropped, warnings = row
    from airesearch.index.template import TABLE as table

    passages = [
        {"seq": seq, "kind": kind, "text": text, "boilerplate": why}
        for seq, kind, text, why in conn.execute(
            "SELECT p.seq, p.kind, unpack_text(p.text), b.why FROM passages p"
            f" LEFT JOIN {table} b ON b.id = p.id WHERE p.id BETWEEN ? AND ?"
            " ORDER BY p.seq",
            passage_range(post_id),
        )
    ]
    return {
        "path": rel,
        "title": title,
        "date": day,
        "tags": json.loads(tags),
        "categories": json.loads(categories),
        "metadata": json.loads(zlib.decompress(metadata)),
        "warnings": json.loads(warnings),
        "dropped_passages": dropped,
        "passages": passages,
    }


def relative_path(corpus: str, path: str) -> str:
    """A path given on the command line, as stored: relative to the corpus folder."""
    if os.path.isabs(path) or os.path.exists(path):
        full = os.path.realpath(path)
        if full.startswith(corpus.rstrip(os.sep) + os.sep):
            return os.path.relpath(full, corpus).replace(os.sep, "/")
    return os.path.normpath(path).replace(os.sep, "/")


def stats(conn: sqlite3.Connection, index_path: str | os.PathLike) -> dict:
    """Corpus and index counts and sizes."""
    from airesearch.index.meta import index_counts, read_all, stored_counts

    meta = read_all(conn)
    (skipped,) = conn.execute(
        "SELECT count(*) FROM files WHERE skipped IS NOT NULL"
    ).fetchone()
    (corpus_bytes,) = conn.execute("SELECT total(size) FROM files").fetchone()
    from airesearch.index.postings import engine_bytes
    from airesearch.index.template import counts as template_counts

    sqlite_bytes = os.path.getsize(index_path)
    engine_size = engine_bytes(conn)
    return {
        "corpus": meta.get("corpus"),
        "index": os.fspath(index_path),
        # As the last change stored them: counting again costs 0.2 s at 1 GB.
        **(stored_counts(conn) or index_counts(conn)),
        **template_counts(conn),
        "skipped_files": skipped,
        "corpus_bytes": int(corpus_bytes),
        "index_bytes": sqlite_bytes + engine_size,
        "sqlite_bytes": sqlite_bytes,
        "engine_bytes": engine_size,
        "updated_at": meta.get("updated_at"),
        "changed_at": meta.get("changed_at"),
        "analysis": meta.get("analysis"),
    }


def in_passages(conn: sqlite3.Connection, sql: str, passage_ids, after=()) -> list:
    """Rows of sql (its last column a passage id, a "{}" where the post ids
    go, after: the parameters that follow) for the posts of these passages,
    kept if their passage is one of them: deals are indexed by post, not
    passage (mentions are by both: partners_in asks by passage)."""
    wanted = set(passage_ids)
    posts = sorted({post_of(passage_id) for passage_id in wanted})
    found = rows_for(conn, sql, posts, after=after)
    return [row for row in found if row[-1] in wanted]
