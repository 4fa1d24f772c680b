"""Each post's distinct terms as a compact list of term ids, and the number of
posts that hold each term: what `keywords` counts (posts, not occurrences)
without analysing the corpus again.

A list is the post's sorted term ids as differences, two bytes each (four when
one is 65,536 or more; the first byte says which), zlib-compressed: most
differences are small, so a post of 700 distinct terms takes about 550 bytes,
and decoding runs in C (zlib, array, accumulate).
"""

from __future__ import annotations

import sqlite3
import zlib
from array import array
from collections import Counter
from itertools import accumulate

from airesearch.index.sql import rows_for


def encode(ids: list[int]) -> bytes:
    ordered = sorted(ids)
    steps = [b - a for a, b in zip([0, *ordered], ordered, strict=False)]
    code = "H" if max(steps, default=0) < 1 << 16 else "I"
    return code.encode() + zlib.compress(array(code, steps).tobytes(), 6)


def decode(blob: bytes) -> list[int]:
    steps = array(chr(blob[0]))
    steps.frombytes(zlib.decompress(blob[1:]))
    return list(accumulate(steps))


def posts_per_term(conn: sqlite3.Connection, post_ids) -> Counter:
    """term id -> how many of these posts hold it."""
    counts: Counter = Counter()
    for (blob,) in rows_for(
        conn, "SELECT terms FROM post_terms WHERE post_id IN ({})", list(post_ids)
    ):
        counts.update(decode(blob))
    return counts


class TermBook:
    """The vocabulary's term ids, and the change in each term's post count made
    by one indexing run, written back by save(): one write per term per run
    instead of one per term per post."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.ids: dict[str, int] = dict(conn.execute("SELECT term, id FROM vocabulary"))
        self.next_id = max(self.ids.values(), default=0) + 1
        self.change: Counter = Counter()

    def add_post(self, conn: sqlite3.Connection, post_id: int, terms: set[str]):
        ids = []
        for term in terms:
            term_id = self.ids.get(term)
            if term_id is None:
                term_id = self.ids[term] = self.next_id
                self.next_id += 1
            ids.append(term_id)
        conn.execute(
            "INSERT INTO post_terms (post_id, terms) VALUES (?, ?)",
            (post_id, encode(ids)),
        )
        self.change.update(ids)

    def remove_post(self, conn: sqlite3.Connection, post_id: int) -> None:
        row = conn.execute(
            "SELECT terms FROM post_terms WHERE post_id = ?", (post_id,)
        ).fetchone()
        if row:
            self.change.subtract(decode(row[0]))
            conn.execute("DELETE FROM post_terms WHERE post_id = ?", (post_id,))

    def save(self, conn: sqlite3.Connection) -> None:
        """Apply the counts; a term no post holds any more leaves the vocabulary."""
        changed = {term_id: n for term_id, n in self.change.items() if n}
        conn.executemany(
            "INSERT INTO vocabulary (term, id, posts, backwards) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (term)"
            " DO UPDATE SET posts = posts + excluded.posts",
            [
                (term, term_id, changed[term_id], term[::-1])
                for term, term_id in self.ids.items()
                if term_id in changed
            ],
        )
        conn.execute("DELETE FROM vocabulary WHERE posts <= 0")
        self.change.clear()
