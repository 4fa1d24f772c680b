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

from airesearch.index.aggregates import add_post, deal_of, remove_post
from airesearch.index.post_terms import TermBook
from airesearch.index.schema import (
    MAX_PASSAGES,
    PASSAGE_BITS,
    TERM,
    label_key,
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
    conn, engine, post_file: PostFile, outcome, book: TermBook, touched: set
) -> list[str]:
    """Write one analysed post (or the reason it was skipped) into the index
    and the engine (engine.EngineWriter), its terms counted in book, its
    passage shapes noted in touched; return its warnings."""
    if isinstance(outcome, str):
        conn.execute(
            "INSERT INTO files (path, size, mtime_ns, post_id, skipped)"
            " VALUES (?, ?, ?, NULL, ?)",
            (post_file.path, post_file.size, post_file.mtime_ns, outcome),
        )
        return []
    post, analysed, figures, (written, compounds), shapes, term_cues = outcome
    conn.executemany(
        "INSERT OR IGNORE INTO written_forms (surface, term) VALUES (?, ?)", written
    )
    conn.executemany(
        "INSERT OR IGNORE INTO compound_parts (part, term, at) VALUES (?, ?, ?)",
        compounds,
    )
    warnings = list(post.warnings)
    if len(post.passages) > MAX_PASSAGES:
        warnings.append(f"only the first {MAX_PASSAGES} passages are indexed")
    cursor = conn.execute(
        "INSERT INTO posts (path, title, date, tags, categories, metadata, dropped,"
        " warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            post.path, post.title, post.date,
            json.dumps(post.tags, ensure_ascii=False),
            json.dumps(post.categories, ensure_ascii=False),
            zlib.compress(json.dumps(post.metadata, ensure_ascii=False).encode(), 9),
            post.dropped,
            json.dumps(warnings, ensure_ascii=False),
        ),
    )  # fmt: skip
    post_id = cursor.lastrowid
    conn.execute(
        "INSERT INTO files (path, size, mtime_ns, post_id, skipped)"
        " VALUES (?, ?, ?, ?, NULL)",
        (post_file.path, post_file.size, post_file.mtime_ns, post_id),
    )
    labels = [("tag", label_key(t)) for t in post.tags]
    labels += [("category", label_key(c)) for c in post.categories]
    conn.executemany(
        "INSERT INTO post_labels (post_id, field, value) VALUES (?, ?, ?)",
        [(post_id, field, value) for field, value in labels],
    )
    rows = [
        (passage_id(post_id, seq), passage, text, mentions)
        for seq, (passage, (text, mentions)) in enumerate(
            zip(post.passages, analysed, strict=True)
        )
        if seq < MAX_PASSAGES
    ]
    conn.executemany(
        "INSERT INTO passages (id, post_id, seq, kind, text) VALUES (?, ?, ?, ?, ?)",
        [(rowid, post_id, p.seq, p.kind, p.text) for rowid, p, _, _ in rows],
    )
    shaped = [
        (rowid, p, shape) for (rowid, p, _, _), shape in zip(rows, shapes, strict=False)
    ]
    conn.executemany(
        "INSERT OR IGNORE INTO passage_shapes (shape, id) VALUES (?, ?)",
        [(shape, rowid) for rowid, _, shape in shaped],
    )
    titles = {shape for _, p, shape in shaped if p.kind == "title"}
    count_shapes(conn, {shape for _, _, shape in shaped}, titles, +1, touched)
    analysed_passages = [(rowid, p.kind, text) for rowid, p, text, _ in rows]
    engine.add_passages(post_id, analysed_passages)
    hold_document(conn, post_id, analysed_passages)
    conn.executemany(
        "INSERT INTO mentions (passage_id, post_id, entity, name, type, surface,"
        " start, end, sentence_start, sentence_end, cue_before, cue_after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(rowid, post_id, *m) for rowid, _, _, mentions in rows for m in mentions],
    )
    count_cues(conn, [m for _, _, _, mentions in rows for m in mentions], +1)
    count_term_cues(conn, post_id, term_cues, +1)
    conn.executemany(
        "INSERT INTO figures (post_id, passage_id, min, max, currency, qualifier,"
        " per, surface, start, end, sentence_start, sentence_end, kind, payer,"
        " payee, parties, entities, entity_keys, mentions, restated, pairs)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (post_id, passage_id(post_id, seq), figure.min, figure.max,
             figure.currency, figure.qualifier, figure.per, figure.surface,
             figure.start, figure.end, figure.sentence_start, figure.sentence_end,
             figure.kind, figure.payer, figure.payee,
             json.dumps(figure.parties, ensure_ascii=False),
             json.dumps(figure.entities, ensure_ascii=False),
             json.dumps(figure.entity_keys, ensure_ascii=False), mentions,
             json.dumps(figure.restated, ensure_ascii=False)
             if figure.restated else None,
             json.dumps(figure.pairs, ensure_ascii=False) if figure.pairs else None)
            for seq, figure, mentions in figures
            if seq < MAX_PASSAGES
        ],
    )  # fmt: skip
    add_post(
        conn, post_id, post.date,
        [(rowid, mentions) for rowid, _, _, mentions in rows],
        [(figure.entity_keys, figure.currency, figure.min,
          deal_of(figure.min, figure.max, figure.currency, figure.per, figure.kind,
                  json.dumps(figure.parties, ensure_ascii=False)))
         for seq, figure, _ in figures if seq < MAX_PASSAGES],
    )  # fmt: skip
    book.add_post(conn, post_id, {t for _, _, text, _ in rows for t in text.split()})
    return warnings


def count_cues(conn, mentions: list[MentionRow], sign: int) -> None:
    """Keep entity_cues (entity, type, cue) counts in step with the mentions
    added (sign +1) or removed (-1)."""
    from collections import Counter

    counts = Counter()
    for m in mentions:
        if m.cue_before:
            counts[m.key, m.type, "<" + m.cue_before] += 1
        if m.cue_after:
            counts[m.key, m.type, ">" + m.cue_after] += 1
    conn.executemany(
        "INSERT INTO entity_cues (entity, type, cue, n) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (entity, type, cue)"
        " DO UPDATE SET n = n + excluded.n",
        [(key, kind, cue, sign * n) for (key, kind, cue), n in counts.items()],
    )


def count_term_cues(conn, post_id: int, cues: list, sign: int) -> None:
    """Keep the generic words' cues ((key, cue, n) of one post) counted in
    entity_cues as the type TERM, and the post's share in post_term_cues."""
    if not cues:
        return
    conn.executemany(
        "INSERT INTO entity_cues (entity, type, cue, n) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (entity, type, cue) DO UPDATE SET n = n + excluded.n",
        [(key, TERM, cue, sign * n) for key, cue, n in cues],
    )
    if sign > 0:
        conn.execute(
            "INSERT INTO post_term_cues (post_id, cues) VALUES (?, ?)",
            (post_id, zlib.compress(json.dumps(cues, ensure_ascii=False).encode(), 9)),
        )
    else:
        conn.execute("DELETE FROM post_term_cues WHERE post_id = ?", (post_id,))


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
# Their analysed passages wait here, compressed, in the connection's temporary
# database (a file, not memory: 1 GB of posts holds about 1 GB of terms).
HELD = "temp.held_documents"


def hold_document(conn, post_id: int, passages: list) -> None:
    """Keep a post's analysed passages ((id, kind, text)) until write_held."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {HELD}"
        " (post_id INTEGER PRIMARY KEY, passages BLOB NOT NULL)"
    )
    conn.execute(
        f"INSERT INTO {HELD} (post_id, passages) VALUES (?, ?)",
        (post_id, zlib.compress(json.dumps(passages, ensure_ascii=False).encode())),
    )


def write_held_documents(conn, engine) -> int:
    """Write the engine document of every post held by hold_document, the
    passages of the template (the boilerplate table, refreshed) left out and
    noted in left_out; the held passages are dropped. Returns how many."""
    held = conn.execute(
        "SELECT name FROM sqlite_temp_master WHERE name = 'held_documents'"
    ).fetchone()
    if not held:
        return 0
    count = 0
    for post_id, blob in conn.execute(
        f"SELECT post_id, passages FROM {HELD} ORDER BY post_id"
    ).fetchall():
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
        engine.add_post_document(post_id, json.loads(zlib.decompress(blob)), left_out)
        count += 1
    conn.execute(f"DROP TABLE {HELD}")
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
                "SELECT id, kind, text FROM passages WHERE id BETWEEN ? AND ?",
                (low, high),
            )
        ]
        engine.rewrite_post(post_id, passages, left_out)
    return len(posts)


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
            "SELECT id, kind, text FROM passages WHERE id BETWEEN ? AND ?",
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
    count_term_cues(conn, post_id, json.loads(zlib.decompress(cues)), -1)
    remove_post(conn, post_id)
    conn.execute("DELETE FROM mentions WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM figures WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM post_labels WHERE post_id = ?", (post_id,))
    conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))
    book.remove_post(conn, post_id)
