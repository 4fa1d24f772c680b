"""Keyword in context: every occurrence of a query in the posts, with the words
on each side, from the index (the matched phrases of search, the passage text,
and the entity and money spans stored with each passage)."""

from __future__ import annotations

import sqlite3

from airesearch.errors import AiresearchError
from airesearch.index import postings
from airesearch.index.schema import passage_id
from airesearch.models import KwicLine, SearchRequest
from airesearch.queries.search import match_offsets, parse_request

SORTS = ("date", "left", "right")


def kwic(
    conn: sqlite3.Connection,
    request: SearchRequest,
    width: int = 30,
    sort: str = "date",
    limit: int = 50,
) -> list[KwicLine]:
    """Occurrences of request's query, newest post first (or by the words just
    left or right of the match), at most limit (0: all)."""
    if sort not in SORTS:
        raise AiresearchError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if width < 1 or limit < 0:
        raise AiresearchError("--width must be 1 or more and --limit 0 or more")
    parsed, selection = parse_request(conn, request)
    phrases = parsed.highlight_phrases()
    # Passages in date order, read one by one: with sort=date the first limit
    # lines need only the newest passages' matches (tokens.py analyses each).
    rows = postings.passages(conn, selection, newest_first=True)
    lines: list[KwicLine] = []
    for _, seq, text, _, path, title, day in rows:
        for start, end in match_offsets(text, phrases):
            lines.append(
                KwicLine(
                    path, title, day, seq, start, end,
                    flat(text[max(0, start - width) : start]), text[start:end],
                    flat(text[end : end + width]), [],
                )
            )  # fmt: skip
        if sort == "date" and limit and len(lines) >= limit:
            break
    if sort == "left":  # by the words just before the match, nearest first
        lines.sort(key=lambda line: line.left[::-1])
    elif sort == "right":
        lines.sort(key=lambda line: line.right)
    if limit:
        lines = lines[:limit]
    return with_marks(conn, lines)


def flat(text: str) -> str:
    """Context on one line, its length kept (offsets into it stay right)."""
    return text.translate(str.maketrans("\n\r\t", "   "))


def with_marks(conn: sqlite3.Connection, lines: list[KwicLine]) -> list[KwicLine]:
    """The lines with the entity names and money figures inside their context."""
    spans: dict[tuple[str, int], list] = {}
    for path, seq in {(line.path, line.passage_seq) for line in lines}:
        (post_id,) = conn.execute(
            "SELECT id FROM posts WHERE path = ?", (path,)
        ).fetchone()
        passage = passage_id(post_id, seq)
        found = [  # by post first: both tables are indexed by post
            (start, end, kind)
            for table, kind in (("mentions", "entity"), ("deals", "money"))
            for start, end in conn.execute(
                f"SELECT start, end FROM {table} WHERE post_id = ? AND passage_id = ?",
                (post_id, passage),
            )
        ]
        spans[path, seq] = found
    marked = []
    for line in lines:
        offset = line.start - len(line.left)  # where left begins in the passage
        text_length = len(line.left) + len(line.match) + len(line.right)
        marks = sorted(
            [max(0, start - offset), min(text_length, end - offset), kind]
            for start, end, kind in spans[line.path, line.passage_seq]
            if end > offset and start < offset + text_length
        )
        marked.append(line._replace(marks=marks))
    return marked
