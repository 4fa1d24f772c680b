"""Which passages match a query, and how well: the one reader that knows where
the postings live (an SQLite FTS5 table over the analysed text, written by
storage.py). search, kwic, trend, keywords and brief all ask here; replacing
the engine changes this module, the schema and the writer, nothing else.

A Selection is what to match: a parsed query (models.ParsedQuery: ANDed groups
of ORed items, each item the term sequences that spell it, and the items whose
posts are excluded) and SQL conditions on the `posts` table (dates, labels,
entities) with their parameters. Every answer is a list of plain rows.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple

from airesearch.index.schema import PASSAGE_BITS

HEAD_WEIGHT = 4.0  # bm25 weight of titles and headings against body text (1.0)
# Added to a boilerplate passage's rank (bm25: lower is better, a few tens at
# most) so that any other passage of its post comes first.
TEMPLATE_PENALTY = 1e9

# skip: leave out the blog's template (boilerplate.py), for the research views.
Selection = namedtuple(
    "Selection", "query conditions params skip", defaults=((), (), False)
)
LEAVE_OUT = "passage_fts.rowid NOT IN (SELECT id FROM boilerplate)"

# A matching passage with its post: what kwic, brief and examples read.
PassageRow = namedtuple("PassageRow", "passage_id seq text post_id path title date")


def quote(text: str) -> str:
    """A string as one FTS5 phrase: nothing in it is read as query syntax."""
    return '"' + text.replace('"', '""') + '"'


def item_expression(item) -> str:
    forms = [quote(" ".join(phrase)) for phrase in item.phrases]
    forms += [item_expression(other) for other in item.alternatives]
    return f"({' OR '.join(forms)})" if len(forms) > 1 else forms[0]


def match_expression(query) -> str:
    return " AND ".join(
        "(" + " OR ".join(item_expression(item) for item in group) + ")"
        for group in query.groups
    )


def where_clause(selection: Selection) -> tuple[str, list]:
    """The conditions after the MATCH (exclusions first), and every parameter,
    the MATCH expression first."""
    where = list(selection.conditions)
    if selection.skip:
        where.append(LEAVE_OUT)
    params: list = [match_expression(selection.query)]
    if selection.query.excluded:
        excluded = " OR ".join(item_expression(i) for i in selection.query.excluded)
        where.insert(
            0,
            f"posts.id NOT IN (SELECT rowid >> {PASSAGE_BITS} FROM passage_fts"
            " WHERE passage_fts MATCH ?)",
        )
        params.append(excluded)
    return "".join(f" AND {condition}" for condition in where), [
        *params,
        *selection.params,
    ]


def ranked(
    conn: sqlite3.Connection, selection: Selection, per_post: bool, limit: int = 0
) -> list[tuple[int, float, int]]:
    """(passage id, score, matching passages) best first, higher scores better
    (BM25, titles and headings weighted HEAD_WEIGHT): with per_post, one row
    per post (its best passage and how many of its passages match); ties by
    path, so output is reproducible. limit 0: all."""
    conditions, params = where_clause(selection._replace(skip=False))
    where = f" WHERE {conditions.removeprefix(' AND ')}" if conditions else ""
    # bm25() only works in a plain query of the FTS table, hence MATERIALIZED.
    # A passage's id holds its post id in the high bits (schema.py), so
    # passages group into posts without reading the passages table.
    sql = (
        "WITH matched AS MATERIALIZED (SELECT rowid AS id,"
        f" bm25(passage_fts, {HEAD_WEIGHT}, 1.0) AS rank"
        " FROM passage_fts WHERE passage_fts MATCH ?)"
    )
    if per_post:
        # SQLite gives the bare id of the row that holds the min(): a post is
        # ranked by its best passage that is not boilerplate, and by a
        # boilerplate one only when nothing else in it matches.
        sql += (
            f", best AS (SELECT id >> {PASSAGE_BITS} AS post_id, id,"
            f" min(rank + {TEMPLATE_PENALTY} * (id IN (SELECT id FROM boilerplate)))"
            " AS key, count(*) AS n FROM matched"
            f" GROUP BY id >> {PASSAGE_BITS}),"
            f" scored AS (SELECT post_id, id, key - {TEMPLATE_PENALTY}"
            f" * (key > {TEMPLATE_PENALTY} / 2) AS rank, n FROM best)"
            " SELECT scored.id, rank, n FROM scored"
            " JOIN posts ON posts.id = scored.post_id"
            f"{where} ORDER BY rank, posts.path"
        )
    else:
        sql += (
            " SELECT matched.id, rank, 1 FROM matched"
            f" JOIN posts ON posts.id = matched.id >> {PASSAGE_BITS}"
            f"{where} ORDER BY rank, posts.path, matched.id"
        )
    if limit > 0:
        sql += f" LIMIT {int(limit)}"
    return [(pid, -rank, n) for pid, rank, n in conn.execute(sql, params)]


PASSAGE_ROWS = (
    "SELECT passages.id, passages.seq, passages.text, posts.id, posts.path,"
    " posts.title, posts.date FROM passage_fts"
    " JOIN passages ON passages.id = passage_fts.rowid"
    f" JOIN posts ON posts.id = passage_fts.rowid >> {PASSAGE_BITS}"
    " WHERE passage_fts MATCH ?"
)


def passages(conn: sqlite3.Connection, selection: Selection, newest_first=False):
    """Every matching passage as a PassageRow, lazily: in passage id order, or
    newest post first (undated last), then by path and position, so that a
    reader can stop after the first few."""
    conditions, params = where_clause(selection)
    order = (
        " ORDER BY coalesce(posts.date, '') DESC, posts.path, passages.seq"
        if newest_first
        else " ORDER BY passage_fts.rowid"
    )
    cursor = conn.execute(PASSAGE_ROWS + conditions + order, params)
    return map(PassageRow._make, cursor)


def best_passage(conn: sqlite3.Connection, selection: Selection) -> PassageRow | None:
    """The passage that holds the query best (BM25, title and body alike)."""
    conditions, params = where_clause(selection)
    row = conn.execute(
        PASSAGE_ROWS + conditions + " ORDER BY passage_fts.rank LIMIT 1", params
    ).fetchone()
    return PassageRow._make(row) if row else None


def per_post(conn: sqlite3.Connection, selection: Selection) -> list[tuple]:
    """(post id, post date, matching passages) for every post that matches."""
    conditions, params = where_clause(selection)
    return conn.execute(
        "SELECT posts.id, posts.date, count(*) FROM passage_fts"
        f" JOIN posts ON posts.id = passage_fts.rowid >> {PASSAGE_BITS}"
        f" WHERE passage_fts MATCH ?{conditions} GROUP BY posts.id",
        params,
    ).fetchall()


def post_ids(conn: sqlite3.Connection, selection: Selection) -> set[int]:
    """The ids of the posts that match (the selection's conditions on posts
    left aside: only the query and skip)."""
    where = f" AND {LEAVE_OUT}" if selection.skip else ""
    rows = conn.execute(
        f"SELECT DISTINCT rowid >> {PASSAGE_BITS} FROM passage_fts"
        f" WHERE passage_fts MATCH ?{where}",
        (match_expression(selection.query),),
    )
    return {post_id for (post_id,) in rows}


def has_term(conn: sqlite3.Connection, term: str) -> bool:
    """Whether any passage holds this analysed term."""
    row = conn.execute("SELECT 1 FROM passage_vocab WHERE term = ?", (term,))
    return row.fetchone() is not None


def check_postings(conn: sqlite3.Connection) -> None:
    """Read the postings once: sqlite3.DatabaseError if they are damaged."""
    conn.execute("SELECT rowid FROM passage_fts LIMIT 1").fetchone()


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the postings' segments after a full build."""
    conn.execute("INSERT INTO passage_fts (passage_fts) VALUES ('optimize')")
