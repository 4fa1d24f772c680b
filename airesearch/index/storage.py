"""Writing one analysed post into the index (post, labels, passages, its
documents in the search engine, entity mentions, money figures, the post's
term list) and taking it out again; the gazetteer's aliases kept beside them.
updates.py calls these inside its transaction. The engine's documents
(engine.py) are written here and read only by postings.py.
"""

from __future__ import annotations

import json
import sqlite3
import zlib

from airesearch.index.aggregates import Additions, remove_post
from airesearch.index.post_rows import cue_counts
from airesearch.index.post_terms import TermBook
from airesearch.index.schema import (
    PASSAGE_BITS,
    TERM,
    passage_id,
    passage_range,
)
from airesearch.ingest.corpus import PostFile
from airesearch.models import MentionRow


def store_aliases(conn, entities_file=None) -> None:
    """The gazetteer's spellings, for search to expand an alias from SQL alone."""
    from airesearch.ingest.gazetteer import load_gazetteer
    from airesearch.tokens import name_key

    gazetteer = load_gazetteer(entities_file)
    conn.execute("DELETE FROM entity_aliases")
    conn.executemany(
        "INSERT OR REPLACE INTO entity_aliases (alias, entity, spelling)"
        " VALUES (?, ?, ?)",
        [
            (name_key(spelling), name_key(name), spelling)
            for name, spellings in gazetteer.spellings.items()
            for spelling in spellings
        ],
    )


def store_file(
    conn, engine, post_file: PostFile, outcome, book: TermBook, touched: set,
    additions: Additions,
) -> list[str]:  # fmt: skip
    """Write one analysed post (post_rows.PostRows, or the reason it was
    skipped) into the index and the engine (engine.EngineWriter), its terms
    counted in book, its aggregates kept in additions (written by its flush),
    its passage shapes noted in touched; return its warnings."""
    if isinstance(outcome, str):
        conn.execute(
            "INSERT INTO files (path, size, mtime_ns, post_id, skipped)"
            " VALUES (?, ?, ?, NULL, ?)",
            (post_file.path, post_file.size, post_file.mtime_ns, outcome),
        )
        return []
    additions.add_words(outcome.written, outcome.compounds)
    cursor = conn.execute(
        "INSERT INTO posts (path, title, date, tags, categories, metadata, dropped,"
        " warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        outcome.post,
    )
    post_id = cursor.lastrowid
    conn.execute(
        "INSERT INTO files (path, size, mtime_ns, post_id, skipped)"
        " VALUES (?, ?, ?, ?, NULL)",
        (post_file.path, post_file.size, post_file.mtime_ns, post_id),
    )
    conn.executemany(
        "INSERT INTO post_labels (post_id, field, value) VALUES (?, ?, ?)",
        [(post_id, field, value) for field, value in outcome.labels],
    )
    first = passage_id(post_id, 0)
    conn.executemany(
        "INSERT INTO passages (id, post_id, seq, kind, text) VALUES (?, ?, ?, ?, ?)",
        [(first + seq, post_id, seq, kind, text)
         for seq, kind, text in outcome.passages],
    )  # fmt: skip
    shapes = outcome.shapes
    conn.executemany(
        "INSERT OR IGNORE INTO passage_shapes (shape, id) VALUES (?, ?)",
        [(shape, first + seq) for seq, shape in enumerate(shapes)],
    )
    titles = {
        shape for (_, kind, _), shape in zip(outcome.passages, shapes, strict=True)
        if kind == "title"
    }  # fmt: skip
    additions.add_shapes(set(shapes), titles)
    touched.update(shapes)
    conn.execute(
        f"INSERT INTO {HELD_TABLE} (post_id, passages) VALUES (?, ?)",
        (post_id, outcome.held),
    )
    conn.executemany(
        "INSERT INTO mentions (passage_id, post_id, entity, name, type, surface,"
        " start, end, sentence_start, sentence_end, cue_before, cue_after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(first + seq, post_id, *m) for seq, *m in outcome.mentions],
    )
    additions.add_cues(outcome.cue_counts)
    if outcome.term_cues:
        additions.add_cues([(key, TERM, cue, n) for key, cue, n in outcome.term_cues])
        conn.execute(
            "INSERT INTO post_term_cues (post_id, cues) VALUES (?, ?)",
            (post_id, outcome.term_cues_blob),
        )
    conn.executemany(
        "INSERT INTO deals (post_id, passage_id, min, max, currency, qualifier,"
        " per, surface, start, end, sentence_start, sentence_end, kind, payer,"
        " payee, parties, entities, entity_keys, mentions, restated, pairs)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(post_id, first + seq, *row) for seq, *row in outcome.figure_rows],
    )
    conn.executemany(
        "INSERT INTO events (post_id, passage_id, actor, action, object,"
        " object_key, amount_start, sentence_start, sentence_end, day, stated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(post_id, first + seq, *row[:-1], row[-1] == "stated")
         for seq, *row in outcome.events],
    )  # fmt: skip
    additions.add_post(conn, post_id, outcome.post[2], outcome.counts)
    book.add_post(conn, post_id, outcome.terms)
    return json.loads(outcome.post[7])


def add_cues(conn, counts: list, sign: int) -> None:
    """Add (entity, type, cue, n) counts to entity_cues, times sign."""
    conn.executemany(
        "INSERT INTO entity_cues (entity, type, cue, n) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (entity, type, cue) DO UPDATE SET n = n + excluded.n",
        [(key, kind, cue, sign * n) for key, kind, cue, n in counts],
    )


def count_cues(conn, mentions: list[MentionRow], sign: int) -> None:
    """Keep entity_cues (entity, type, cue) counts in step with the mentions
    added (sign +1) or removed (-1)."""
    add_cues(conn, cue_counts(mentions), sign)


def count_shapes(conn, shapes: set, titles: set, sign: int, touched: set) -> None:
    """The posts that hold each passage shape, and those titled so, as a post
    comes or goes; the shapes are noted in touched for boilerplate.refresh."""
    conn.executemany(
        "INSERT INTO shapes (shape, posts, titles) VALUES (?, ?, ?)"
        " ON CONFLICT (shape) DO UPDATE SET posts = posts + excluded.posts,"
        " titles = titles + excluded.titles",
        [(shape, sign, sign * (shape in titles)) for shape in shapes],
    )
    if sign < 0:
        conn.executemany(
            "DELETE FROM shapes WHERE shape = ? AND posts <= 0",
            [(shape,) for shape in shapes],
        )
    touched |= shapes


# The posts stored by this run whose engine document waits for the blog's
# template to be known (the end of the run, after boilerplate.refresh): what
# the template is depends on every post, and a post's document leaves it out.
# Their analysed passages wait here, compressed by the worker (post_rows.held),
# in the connection's temporary database (a file, not memory: 1 GB of posts
# holds about 1 GB of terms).
HELD_TABLE = "temp.held_documents"


def hold_documents(conn) -> None:
    """Start holding post documents for this run (see HELD_TABLE)."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {HELD_TABLE}"
        " (post_id INTEGER PRIMARY KEY, passages BLOB NOT NULL)"
    )


def write_held_documents(conn, engine) -> int:
    """Write the engine documents of every post held (hold_documents): one
    per passage, and the post's with the passages of the template (the
    boilerplate table, refreshed) left out and noted in left_out; the held
    passages are dropped. Returns how many posts."""
    count = 0
    # A cursor of its own, read as it goes: the held posts of 1 GB do not fit
    # in memory at once.
    for post_id, blob in conn.cursor().execute(
        f"SELECT post_id, passages FROM {HELD_TABLE} ORDER BY post_id"
    ):
        low, high = passage_range(post_id)
        left_out = {
            rowid
            for (rowid,) in conn.execute(
                "SELECT id FROM boilerplate WHERE id BETWEEN ? AND ?", (low, high)
            )
        }
        conn.executemany(
            "INSERT INTO left_out (id) VALUES (?)", [(i,) for i in sorted(left_out)]
        )
        first = passage_id(post_id, 0)
        passages = [
            (first + seq, kind, text)
            for seq, kind, text in json.loads(zlib.decompress(blob))
        ]
        engine.add_passages(post_id, passages)
        engine.add_post_document(post_id, passages, left_out)
        store_template_terms(conn, post_id, passages, left_out)
        count += 1
    conn.execute(f"DROP TABLE {HELD_TABLE}")
    return count


def rewrite_post_documents(conn, engine) -> int:
    """Write again the engine documents of the posts written before this run
    whose boilerplate passages are not the ones their documents left out (the
    template changed with the posts that came or went); their passages are
    analysed again. Returns how many."""
    from airesearch.tokens import indexed_text

    posts = [
        post_id
        for (post_id,) in conn.execute(
            f"SELECT DISTINCT id >> {PASSAGE_BITS} FROM"
            " (SELECT id FROM boilerplate EXCEPT SELECT id FROM left_out)"
            f" UNION SELECT DISTINCT id >> {PASSAGE_BITS} FROM"
            " (SELECT id FROM left_out EXCEPT SELECT id FROM boilerplate)"
        )
    ]
    for post_id in posts:
        low, high = passage_range(post_id)
        conn.execute("DELETE FROM left_out WHERE id BETWEEN ? AND ?", (low, high))
        conn.execute(
            "INSERT INTO left_out (id) SELECT id FROM boilerplate"
            " WHERE id BETWEEN ? AND ?",
            (low, high),
        )
        left_out = {
            rowid
            for (rowid,) in conn.execute(
                "SELECT id FROM left_out WHERE id BETWEEN ? AND ?", (low, high)
            )
        }
        passages = [
            (rowid, kind, indexed_text(text))
            for rowid, kind, text in conn.execute(
                "SELECT id, kind, unpack_text(text) FROM passages"
                " WHERE id BETWEEN ? AND ?",
                (low, high),
            )
        ]
        engine.rewrite_post(post_id, passages, left_out)
        store_template_terms(conn, post_id, passages, left_out)
    return len(posts)


def store_template_terms(conn, post_id: int, passages: list, left_out: set) -> None:
    """Keep the terms the post holds only in its left-out passages (the
    template): passages are (id, kind, analysed text), as its engine document
    is made of."""
    inside: set[str] = set()
    outside: set[str] = set()
    for rowid, _, analysed in passages:
        (inside if rowid in left_out else outside).update(analysed.split())
    conn.execute("DELETE FROM template_terms WHERE post_id = ?", (post_id,))
    if only := inside - outside:
        conn.execute(
            "INSERT INTO template_terms (post_id, terms) VALUES (?, ?)",
            (post_id, " ".join(sorted(only))),
        )


def forget_file(
    conn: sqlite3.Connection, engine, path: str, book: TermBook, touched: set
) -> None:
    """Remove a file's post, passages and engine documents, its terms
    uncounted in book, its passage shapes noted in touched."""
    row = conn.execute("SELECT post_id FROM files WHERE path = ?", (path,)).fetchone()
    conn.execute("DELETE FROM files WHERE path = ?", (path,))
    if not row or row[0] is None:
        return
    post_id = row[0]
    engine.delete_posts([post_id])
    from airesearch.ingest.passages import shape_of  # the indexer's, not search's

    shapes = [
        (shape_of(text), rowid, kind)
        for rowid, kind, text in conn.execute(
            "SELECT id, kind, unpack_text(text) FROM passages WHERE id BETWEEN ? AND ?",
            passage_range(post_id),
        )
    ]
    conn.executemany(
        "DELETE FROM passage_shapes WHERE shape = ? AND id = ?",
        [(shape, rowid) for shape, rowid, _ in shapes],
    )
    titles = {shape for shape, _, kind in shapes if kind == "title"}
    count_shapes(conn, {shape for shape, _, _ in shapes}, titles, -1, touched)
    for table in ("boilerplate", "left_out"):
        conn.execute(
            f"DELETE FROM {table} WHERE id BETWEEN ? AND ?", passage_range(post_id)
        )
    conn.execute(
        "DELETE FROM passages WHERE id BETWEEN ? AND ?", passage_range(post_id)
    )
    gone = [
        MentionRow._make(row)
        for row in conn.execute(
            "SELECT entity, name, type, surface, start, end, sentence_start,"
            " sentence_end, cue_before, cue_after FROM mentions WHERE post_id = ?",
            (post_id,),
        )
    ]
    count_cues(conn, gone, -1)
    (cues,) = conn.execute(
        "SELECT cues FROM post_term_cues WHERE post_id = ?", (post_id,)
    ).fetchone() or (zlib.compress(b"[]"),)
    term_cues = json.loads(zlib.decompress(cues))
    add_cues(conn, [(key, TERM, cue, n) for key, cue, n in term_cues], -1)
    conn.execute("DELETE FROM post_term_cues WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM template_terms WHERE post_id = ?", (post_id,))
    remove_post(conn, post_id)
    conn.execute("DELETE FROM mentions WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM deals WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM events WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM post_labels WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))
    book.remove_post(conn, post_id)
