"""Finding and naming entities, below every query module: the entity key a
user means by a name (exact, alias, or the nearest spelling), and each entity's
display name and type, learned from context for names outside the gazetteer.
search.py, entities.py and deals.py all look names up here.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict

from airesearch.errors import AiresearchError
from airesearch.index.name_types import for_keys, types_of
from airesearch.tokens import name_key

FUZZY_CUTOFF = 75  # rapidfuzz ratio below which a name is not a candidate
AMBIGUOUS_MARGIN = 4  # candidates closer than this to the best are ambiguous
DOMINANT_MENTIONS = 10  # ... unless one is mentioned this many times as often


def most_common(rows) -> dict[str, Counter]:
    """(entity, value, count) rows -> entity -> Counter of values."""
    found: dict[str, Counter] = defaultdict(Counter)
    for entity, value, count in rows:
        found[entity][value] += count
    return found


def resolve_entity(conn: sqlite3.Connection, name: str) -> str:
    """The entity key a user means by name: exact, an alias, or the closest
    spelling (rapidfuzz); several close candidates are an error listing them."""
    key = name_key(name)
    if not key:
        raise AiresearchError("give an entity name")
    return exact_entity(conn, key) or closest_entity(conn, name, key)


def exact_entity(conn: sqlite3.Connection, key: str) -> str | None:
    """The entity whose key or gazetteer alias is key (name_key), if any is
    in the index."""
    if conn.execute("SELECT 1 FROM entity_totals WHERE entity = ?", (key,)).fetchone():
        return key
    row = conn.execute(
        "SELECT entity FROM entity_aliases WHERE alias = ?", (key,)
    ).fetchone()
    if (
        row
        and conn.execute(
            "SELECT 1 FROM entity_totals WHERE entity = ?", (row[0],)
        ).fetchone()
    ):
        return row[0]
    return None


def closest_entity(conn, name: str, key: str) -> str:
    """The entity whose spelling is nearest to key by edit distance counting a
    swap of two letters as one typo (nvidai -> NVIDIA); among candidates about
    as near, one mentioned far more often wins; otherwise it is ambiguous."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    candidates: dict[str, str] = {}  # spelling key -> entity key
    mentions = dict(conn.execute("SELECT entity, mentions FROM entity_totals"))
    for entity in mentions:
        candidates[entity] = entity
    for alias, entity in conn.execute("SELECT alias, entity FROM entity_aliases"):
        if entity in mentions:
            candidates.setdefault(alias, entity)
    for (surface,) in conn.execute("SELECT DISTINCT surface FROM entity_spellings"):
        candidates.setdefault(name_key(surface), name_key(surface))
    best: dict[str, float] = {}
    for spelling, score, _ in process.extract(
        key,
        list(candidates),
        scorer=OSA.normalized_similarity,
        limit=20,
        score_cutoff=FUZZY_CUTOFF / 100,
    ):
        entity = candidates[spelling]
        best[entity] = max(best.get(entity, 0), score * 100)
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        raise AiresearchError(f"no entity like {name!r} in the index")
    top_score = ranked[0][1]
    close = [
        entity for entity, score in ranked if score >= top_score - AMBIGUOUS_MARGIN
    ]
    if len(close) > 1:
        counts = sorted(close, key=lambda entity: -mentions.get(entity, 0))
        first, second = (mentions.get(entity, 0) for entity in counts[:2])
        if first >= DOMINANT_MENTIONS * max(second, 1):
            return counts[0]
        names = display_names(conn, close)
        listed = ", ".join(names[entity][0] for entity in close if entity in names)
        raise AiresearchError(f"{name!r} is ambiguous: {listed}; give one of them")
    return ranked[0][0]


def display_names(conn, keys: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """entity key -> (name, type): the gazetteer's, else the most used name and
    the type learned from context (index/name_types.py), else the most used
    type.
    keys: only these (none: all)."""
    names = most_common(for_keys(conn, SPELLINGS.format(column="name"), keys))
    types = most_common(for_keys(conn, SPELLINGS.format(column="type"), keys))
    learned = types_of(conn, keys)
    return {
        key: (
            counter.most_common(1)[0][0],
            learned.get(key) or types[key].most_common(1)[0][0],
        )
        for key, counter in names.items()
    }


SPELLINGS = (
    "SELECT entity, {column}, sum(n) FROM entity_spellings"
    " WHERE entity IN ({{}}) GROUP BY 1, 2"
)
