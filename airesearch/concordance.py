"""Keyword in context: every occurrence of a query in the posts, with the words
on each side, from the index (the matched phrases of search, the passage text,
and the entity and money spans stored with each passage)."""

from __future__ import annotations

import sqlite3

from airesearch.errors import AiresearchError
from airesearch.models import KwicLine
from airesearch.query import SearchRequest, search
from airesearch.storage import PASSAGE_BITS

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
    hits = search(conn, request._replace(passages=True, limit=0))
    lines = [
        KwicLine(
            hit.path, hit.title, hit.date, hit.passage_seq, start, end,
            flat(hit.passage[max(0, start - width) : start]),
            hit.passage[start:end],
            flat(hit.passage[end : end + width]),
            [],
        )
        for hit in hits
        for start, end in hit.matches
    ]  # fmt: skip
    lines.sort(key=lambda line: (line.path, line.passage_seq, line.start))
    if sort == "date":  # newest post first, each in reading order (a stable sort)
        lines.sort(key=lambda line: line.date or "", reverse=True)
    elif sort == "left":  # by the words just before the match, nearest first
        lines.sort(key=lambda line: line.left[::-1])
    else:
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
        passage = conn.execute(
            f"SELECT (id << {PASSAGE_BITS}) + ? FROM posts WHERE path = ?", (seq, path)
        ).fetchone()[0]
        found = [
            (start, end, kind)
            for table, kind in (("mentions", "entity"), ("deals", "money"))
            for start, end in conn.execute(
                f"SELECT start, end FROM {table} WHERE passage_id = ?", (passage,)
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
