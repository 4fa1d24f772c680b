"""What the index keeps about itself (the meta table: what it was built from,
its engine folder, the figures and lists an update stores for the listings),
read and written here only; and which index, in which generation, a
connection reads (generation: the key of every process cache).
"""

from __future__ import annotations

import json
import os
import sqlite3


def get(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def get_json(conn: sqlite3.Connection, key: str):
    """A value put by put_json, or None."""
    value = get(conn, key)
    return json.loads(value) if value is not None else None


def read_all(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta"))


def put(conn: sqlite3.Connection, items: dict[str, str]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", items.items()
    )


def put_json(conn: sqlite3.Connection, key: str, value) -> None:
    put(conn, {key: json.dumps(value, ensure_ascii=False)})


# The meta key of index_counts, as the last update that changed the index
# counted them (counting 1 M passages again would be most of an unchanged
# re-check, and 0.2 s of `stats` at 1 GB).
COUNTS_KEY = "counts"


def index_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Posts, passages, dropped repeats and distinct terms in the index."""
    posts, dropped = conn.execute(
        "SELECT count(*), total(dropped) FROM posts"
    ).fetchone()
    (passages,) = conn.execute("SELECT count(*) FROM passages").fetchone()
    (terms,) = conn.execute("SELECT count(*) FROM vocabulary").fetchone()
    return {
        "posts": posts,
        "passages": passages,
        "dropped": int(dropped),
        "terms": terms,
    }


def stored_counts(conn: sqlite3.Connection) -> dict[str, int] | None:
    """index_counts as the last update that changed something stored them."""
    return get_json(conn, COUNTS_KEY)


def index_file(conn: sqlite3.Connection) -> str:
    """The file of the connection's main database ("" for one in memory)."""
    return next(row[2] for row in conn.execute("PRAGMA database_list"))


def generation(conn: sqlite3.Connection) -> tuple:
    """Which index a connection reads, and which generation of it: the file
    (and its inode: a rebuild replaces it), and the engine folder the last
    update that changed anything named (a new one each time). What is cached
    for this tuple stays true until it changes."""
    file = index_file(conn)
    try:
        inode = os.stat(file).st_ino if file else None
    except OSError:
        inode = None
    return file, inode, get(conn, "engine")
