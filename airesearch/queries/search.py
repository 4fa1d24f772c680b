"""Read-only questions to the index: search.

A query is parsed into words, phrases, OR groups and exclusions. Every word
becomes the phrases of index terms that can spell it, ORed: the terms of its
own analysis (投資した -> 投資 為る, see tokens.py) and the other spellings the
index holds (製品 also as 製 + 品, コンピューター also inside
スーパーコンピューター; see spellings.py), so a word matches wherever its
characters start and end at token boundaries, whatever MeCab chose there.
The search engine (behind index/postings.py) is given term and phrase
queries built from these terms, never the user's text to parse, so no query
text is read as the engine's syntax.
"""

from __future__ import annotations

import json
import re
import sqlite3

from airesearch import tokens
from airesearch.errors import AiresearchError
from airesearch.index import postings
from airesearch.index.schema import label_key
from airesearch.index.sql import date_filter
from airesearch.models import Hit, Item, ParsedQuery, SearchRequest
from airesearch.queries import spellings

SNIPPET_WIDTH = 120
SNIPPET_LEAD = 30  # characters of context shown before the first match
QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse_query(query: str, spellings=None, conn=None) -> ParsedQuery:
    """Words ANDed, "phrases", a OR b, -excluded; AiresearchError on bad syntax.
    spellings(word), if given, lists other spellings a word also matches; with
    conn, words are expanded to every way the index can spell them."""
    text = tokens.normalize(query).replace("“", '"').replace("”", '"')
    if not text.strip():
        raise AiresearchError("empty query; give at least one word to search for")
    if text.count('"') % 2:
        raise AiresearchError(f"unbalanced quote in query: {query}")
    parsed = ParsedQuery()
    join_next = False
    for match in QUERY_TOKEN.finditer(text):
        minus, phrase, word = match.groups()
        if word == "OR":
            if not parsed.groups or join_next:
                raise AiresearchError(f"OR needs a word on each side: {query}")
            join_next = True
            continue
        negated = bool(minus) or (
            word is not None and word.startswith("-") and len(word) > 1
        )
        raw = (
            phrase
            if phrase is not None
            else word.removeprefix("-")
            if negated
            else word
        )
        item = analyse_item(raw, conn)
        if item and spellings and phrase is None:
            others = other_spellings(item, spellings(raw), conn)
            item = item._replace(alternatives=others)
        if negated:
            if join_next:
                raise AiresearchError(
                    f"cannot combine OR with an excluded word: {query}"
                )
            if item:
                parsed.excluded.append(item)
        elif item is None:
            join_next = False
        elif join_next:
            parsed.groups[-1].append(item)
            join_next = False
        else:
            parsed.groups.append([item])
    if join_next:
        raise AiresearchError(f"OR needs a word on each side: {query}")
    if not parsed.groups:
        raise AiresearchError(f"nothing to search for in query: {query}")
    return parsed


def other_spellings(item: Item, spellings: list[str], conn=None) -> tuple[Item, ...]:
    """Items for the other spellings of a word, minus those that could only
    match where the word itself matches (NVIDIA Corporation for NVIDIA)."""
    found: dict[tuple, Item] = {}
    for spelling in spellings:
        other = analyse_item(spelling, conn)
        if other and not contains(other.terms, item.terms):
            found.setdefault(tuple(other.terms), other)
    return tuple(found.values())


def contains(terms, part) -> bool:
    terms, part = list(terms), list(part)
    return any(terms[i : i + len(part)] == part for i in range(len(terms)))


def analyse_item(text: str, conn: sqlite3.Connection | None = None) -> Item | None:
    """The phrases that spell text in the index (only its own analysis without
    an index), or None for punctuation only."""
    terms = tuple(tokens.terms(text))
    phrases = [terms] if terms else []
    if conn is not None:
        phrases += spellings.other_phrases(conn, text, terms)
    if not phrases:
        return None  # punctuation only, or an auxiliary verb alone
    return Item(text, tuple(phrases[: spellings.MAX_PHRASES]))


def search(conn: sqlite3.Connection, request: SearchRequest) -> list[Hit]:
    """Ranked hits: one per post (its best passage), or one per passage."""
    if request.limit < 0:
        raise AiresearchError(f"--limit must be 0 (all) or more, not {request.limit}")
    parsed, selection = parse_request(conn, request)
    try:
        rows = postings.ranked(
            conn, selection, per_post=not request.passages, limit=request.limit
        )
    except sqlite3.OperationalError as error:
        raise AiresearchError(f"search failed: {error}") from None
    highlight = parsed.highlight_phrases()
    return [to_hit(conn, pid, score, count, highlight) for pid, score, count in rows]


def parse_request(
    conn: sqlite3.Connection, request: SearchRequest
) -> tuple[ParsedQuery, postings.Selection]:
    """The parsed query, and what the postings are asked for: the query and
    the SQL conditions on posts (with their parameters) of the request's
    filters."""
    spellings = None if request.exact else (lambda word: alias_spellings(conn, word))
    parsed = parse_query(request.query, spellings, conn)
    dated, dates = date_filter(request.since, request.until)  # checked early
    where: list[str] = []
    params: list[object] = []
    for field_name, values in (("tag", request.tags), ("category", request.categories)):
        for value in values:
            where.append(
                "EXISTS (SELECT 1 FROM post_labels l WHERE l.post_id = posts.id"
                " AND l.field = ? AND l.value = ?)"
            )
            params += [field_name, label_key(value)]
    if request.entity:
        from airesearch.queries.entity_lookup import resolve_entity

        where.append("posts.id IN (SELECT post_id FROM entity_posts WHERE entity = ?)")
        params.append(resolve_entity(conn, request.entity))
    return parsed, postings.Selection(parsed, where + dated, params + dates)


def alias_spellings(conn: sqlite3.Connection, word: str) -> list[str]:
    """Every gazetteer spelling of the entity that word is an alias of."""
    return [
        spelling
        for (spelling,) in conn.execute(
            "SELECT b.spelling FROM entity_aliases a JOIN entity_aliases b"
            " ON b.entity = a.entity WHERE a.alias = ?",
            (tokens.name_key(word),),
        )
    ]


def to_hit(conn, passage_id: int, score: float, count: int, highlight: set) -> Hit:
    path, title, day, tags, categories, kind, seq, text = conn.execute(
        "SELECT posts.path, posts.title, posts.date, posts.tags, posts.categories,"
        " passages.kind, passages.seq, unpack_text(passages.text) FROM passages"
        " JOIN posts ON posts.id = passages.post_id WHERE passages.id = ?",
        (passage_id,),
    ).fetchone()
    matches = match_offsets(text, highlight)
    snippet, snippet_matches = cut_snippet(text, matches)
    return Hit(
        path=path,
        title=title,
        date=day,
        tags=json.loads(tags),
        categories=json.loads(categories),
        score=round(score, 4),
        snippet=snippet,
        snippet_matches=snippet_matches,
        passage=text,
        passage_kind=kind,
        passage_seq=seq,
        matches=matches,
        matched_passages=count,
    )


def match_offsets(text: str, phrases: set[tuple[str, ...]]) -> list[list[int]]:
    """Merged [start, end) offsets in text of every run of tokens that spells
    one of the searched phrases."""
    spans = tokens.term_spans(text)
    terms = [term for _, _, term in spans]
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        by_first.setdefault(phrase[0], []).append(phrase)
    found = []
    for index, term in enumerate(terms):
        for phrase in by_first.get(term, ()):
            end = index + len(phrase)
            if tuple(terms[index:end]) == phrase:
                found.append((spans[index][0], spans[end - 1][1]))
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def cut_snippet(text: str, matches: list[list[int]]) -> tuple[str, list[list[int]]]:
    """A window of the passage around its first match, and the matches inside it."""
    first = matches[0][0] if matches else 0
    start = max(0, min(first - SNIPPET_LEAD, len(text) - SNIPPET_WIDTH))
    end = min(len(text), start + SNIPPET_WIDTH)
    prefix = "…" if start > 0 else ""
    snippet = (
        prefix + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")
    )
    shift = len(prefix) - start
    inside = [
        [max(s, start) + shift, min(e, end) + shift]
        for s, e in matches
        if s < end and e > start
    ]
    return snippet, inside


def missing_words(conn: sqlite3.Connection, query: str) -> list[str]:
    """Query words none of whose spellings occur anywhere in the index."""
    parsed = parse_query(query, conn=conn)
    missing = []
    for item in (item for group in parsed.groups for item in group):
        if not any(
            all(postings.has_term(conn, term) for term in phrase)
            for phrase in item.phrases
        ):
            missing.append(item.text)
    return missing


def suggest(conn: sqlite3.Connection, word: str, limit: int = 3) -> list[str]:
    """Index words that look like word (rapidfuzz), for a "did you mean" hint."""
    from rapidfuzz import fuzz, process

    vocabulary = {term for (term,) in conn.execute("SELECT term FROM vocabulary")}
    target = tokens.normalize(word).lower()
    found = process.extract(
        target, vocabulary, scorer=fuzz.ratio, limit=limit, score_cutoff=60
    )
    return [term for term, _score, _ in found if term != target]
