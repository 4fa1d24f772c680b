"""SQL with a long list of values in an IN clause, run in batches: SQLite
caps the parameters of one statement (999 before 3.32)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

BATCH = 500


def rows_for(
    conn: sqlite3.Connection, sql: str, values: list, after: tuple | list = ()
) -> Iterator[tuple]:
    """The rows of sql for every batch of values; "{}" in sql stands for the
    batch's placeholders, after are parameters that follow them."""
    for first in range(0, len(values), BATCH):
        batch = list(values[first : first + BATCH])
        yield from conn.execute(
            sql.format(",".join("?" * len(batch))), [*batch, *after]
        )
