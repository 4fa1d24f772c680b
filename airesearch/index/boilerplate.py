"""The blog's own template, the writer's side: which passages are it, kept in
the boilerplate table as posts come and go (template.py is the readers' side).
The template is the passages repeated across many posts (関連記事, affiliate
notes, book blurbs, contact lines) and passages that are only the title of
another post (link lists). They stay in the index, in `show` and in search,
but the research views leave them out unless asked.

A passage is boilerplate when its shape (passages.shape_of: its text with width,
case, spaces, punctuation and the values of numbers ignored) stands in at least
threshold() posts: MIN_POSTS (10) times as many posts as an ordinary passage
stands in (the median over shapes: 1 in a real corpus, 10 in a corpus of ten
copies of another, where every passage stands in 10 posts), and at least SHARE
(0.3 %) of the corpus. On this blog's 2,513 posts that is 10 posts; on 25,000
distinct posts 75; on 25 posts 10 of 25; on ten copies of 250 posts 100. The
counts per shape are kept by the writer as posts come and go, so a passage
becomes boilerplate when the 10th post repeats it and stops being one when
posts are deleted, and an update equals a fresh build. Titles are never boilerplate.
"""

from __future__ import annotations

import math
import sqlite3

from airesearch.index import meta
from airesearch.index.schema import PASSAGE_BITS
from airesearch.index.template import LOSSES_KEY, THRESHOLD_KEY, count_losses

MIN_POSTS = 10
SHARE = 0.003


def threshold(posts: int, typical: int = 1) -> int:
    """Posts a shape needs to be boilerplate: MIN_POSTS times as many as an
    ordinary passage stands in (typical: 1, or 10 in a corpus of ten copies
    of another), and at least SHARE of the corpus."""
    return max(MIN_POSTS * max(typical, 1), math.ceil(SHARE * posts))


def typical_posts(conn: sqlite3.Connection) -> int:
    """In how many posts an ordinary passage stands: the median over shapes."""
    (count,) = conn.execute("SELECT count(*) FROM shapes").fetchone()
    if not count:
        return 1
    (median,) = conn.execute(
        "SELECT posts FROM shapes ORDER BY posts LIMIT 1 OFFSET ?", (count // 2,)
    ).fetchone()
    return int(median)


def refresh(conn: sqlite3.Connection, touched: set[int] | None = None) -> None:
    """Bring the boilerplate table in step with the shape counts after posts
    came or went: the passages of the shapes touched (None: all), and of the
    shapes whose count lies between the old and the new threshold."""
    (posts,) = conn.execute("SELECT count(*) FROM posts").fetchone()
    new = threshold(posts, typical_posts(conn))
    stored = meta.get(conn, THRESHOLD_KEY)
    old = int(stored) if stored else new
    conn.execute("DROP TABLE IF EXISTS temp.scope")
    conn.execute("CREATE TEMP TABLE scope (shape INTEGER PRIMARY KEY)")
    if touched is None:
        conn.execute("INSERT INTO temp.scope SELECT shape FROM shapes")
    else:
        conn.executemany(
            "INSERT OR IGNORE INTO temp.scope VALUES (?)", [(s,) for s in touched]
        )
        if old != new:
            conn.execute(
                "INSERT OR IGNORE INTO temp.scope SELECT shape FROM shapes"
                " WHERE posts >= ? AND posts < ?",
                (min(old, new), max(old, new)),
            )
    conn.execute(
        "DELETE FROM boilerplate WHERE shape IN (SELECT shape FROM temp.scope)"
    )
    conn.execute(
        "INSERT INTO boilerplate (id, shape, why) SELECT p.id, s.shape, 'repeated'"
        " FROM temp.scope c JOIN shapes s ON s.shape = c.shape"
        " JOIN passage_shapes ps ON ps.shape = c.shape JOIN passages p ON p.id = ps.id"
        " WHERE s.posts >= ? AND p.kind <> 'title'",
        (new,),
    )
    # Only the title of another post: a link; never a heading that repeats the
    # post's own title (copies of a post share it). A title is passage 0.
    conn.execute(
        "INSERT OR IGNORE INTO boilerplate (id, shape, why)"
        " SELECT p.id, s.shape, 'title' FROM temp.scope c"
        " JOIN shapes s ON s.shape = c.shape"
        " JOIN passage_shapes ps ON ps.shape = c.shape JOIN passages p ON p.id = ps.id"
        " WHERE s.titles > 0 AND p.kind <> 'title' AND NOT EXISTS"
        " (SELECT 1 FROM passage_shapes t WHERE t.shape = c.shape"
        f" AND t.id = (p.id >> {PASSAGE_BITS}) << {PASSAGE_BITS})"
    )
    conn.execute("DROP TABLE temp.scope")
    meta.put(conn, {THRESHOLD_KEY: str(new)})


def store_losses(conn: sqlite3.Connection) -> None:
    """Keep count_losses with the index (in the caller's transaction, after
    the boilerplate table was refreshed)."""
    losses = {
        entity: [loss["mentions"], sorted(loss["lost"]), loss["passages"],
                 loss["pairs"]]
        for entity, loss in count_losses(conn).items()
    }  # fmt: skip
    meta.put_json(conn, LOSSES_KEY, losses)
