"""SQL pieces the readers share: a long list of values in an IN clause, run in
batches (SQLite caps the parameters of one statement: 999 before 3.32,
32,766 since), and conditions on a post's date."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import date as Date

from airesearch.errors import AiresearchError

BATCH = 500
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def rows_for(
    conn: sqlite3.Connection,
    sql: str,
    values,
    after: tuple | list = (),
    before: tuple | list = (),
) -> Iterator[tuple]:
    """The rows of sql for every batch of values: the one way to run an IN
    list. "{}" in sql stands for the batch's placeholders (every "{}", each
    given the batch again); before and after are the parameters around them.
    Rows come batch by batch, so ORDER BY and GROUP BY hold within a batch.
    Batches fit the connection's variable limit (SQLITE_LIMIT_VARIABLE_NUMBER)."""
    values = list(values)
    holes = sql.count("{}")
    room = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - len(before)
    size = max(1, min(BATCH, (room - len(after)) // max(holes, 1)))
    for first in range(0, len(values), size):
        batch = values[first : first + size]
        yield from conn.execute(
            sql.replace("{}", ",".join("?" * len(batch))),
            [*before, *batch * holes, *after],
        )


def one_of(column: str, values) -> tuple[str, list]:
    """The condition that column is one of a few fixed values (kinds, cues),
    and its parameters; a long list of ids goes through rows_for."""
    values = list(values)
    return f"{column} IN ({','.join('?' * len(values))})", values


def date_filter(
    since: str | None, until: str | None, posts: str = "posts", outside=False
) -> tuple[list[str], list[str]]:
    """SQL conditions on the post date (the date column of table or alias
    posts) for --since and --until, and their parameters; with outside, the
    posts not in that range, undated ones included."""
    conditions, params = [], []
    if check_day(since, "--since"):
        conditions.append(f"substr({posts}.date, 1, 10) >= ?")
        params.append(since)
    if check_day(until, "--until"):
        conditions.append(f"substr({posts}.date, 1, 10) <= ?")
        params.append(until)
    if outside and conditions:
        joined = " AND ".join(conditions)
        return [f"({posts}.date IS NULL OR NOT ({joined}))"], params
    return conditions, params


def check_day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        if not ISO_DAY.fullmatch(value):
            raise ValueError
        Date.fromisoformat(value)
    except ValueError:
        raise AiresearchError(
            f"{option} wants a date as YYYY-MM-DD, not {value!r}"
        ) from None
    return value
