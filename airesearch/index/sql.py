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
    conn: sqlite3.Connection, sql: str, values: list, after: tuple | list = ()
) -> Iterator[tuple]:
    """The rows of sql for every batch of values; "{}" in sql stands for the
    batch's placeholders, after are parameters that follow them."""
    for first in range(0, len(values), BATCH):
        batch = list(values[first : first + BATCH])
        yield from conn.execute(
            sql.format(",".join("?" * len(batch))), [*batch, *after]
        )


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
