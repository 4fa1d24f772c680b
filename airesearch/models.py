"""Records that flow from the corpus reader to the index, and from queries to output.

Frozen dataclasses, turned into JSON with dataclasses.asdict; field names are part
of the documented JSON output and change only with a changelog entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Passage:
    """One paragraph, heading, list item or table row, Markdown removed."""

    seq: int
    kind: str  # title | heading | paragraph | list | table | code
    text: str


@dataclass(frozen=True)
class Post:
    """A post as read from disk: metadata, cleaned passages and what went wrong."""

    path: str  # relative to the corpus folder, with forward slashes
    title: str
    date: str | None  # ISO 8601
    tags: list[str]
    categories: list[str]
    metadata: dict
    passages: list[Passage]
    dropped: int = 0  # repeated passages left out of the index
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    """A search result: the best passage of a post (or one passage with --passages)."""

    path: str
    title: str
    date: str | None
    tags: list[str]
    categories: list[str]
    score: float
    snippet: str
    snippet_matches: list[list[int]]  # [start, end) character offsets in snippet
    passage: str
    passage_kind: str
    passage_seq: int
    matches: list[list[int]]  # [start, end) character offsets in passage
    matched_passages: int  # passages of this post that match the query


@dataclass(frozen=True)
class IndexReport:
    """What one run of the indexer did."""

    index_path: str
    corpus: str
    posts: int
    passages: int
    dropped: int
    terms: int
    added: int
    updated: int
    deleted: int
    unchanged: int
    skipped: list[dict]  # {"path", "reason"}
    warnings: list[dict]  # {"path", "message"}
    seconds: float
    bytes_analysed: int
