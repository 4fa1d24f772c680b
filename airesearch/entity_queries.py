"""Read-only questions about entities: the summary table, one entity's profile,
and finding an entity from a name typed by a user (any case, width or typo).

Mentions are stored by the indexer (index.py, entities.py); an entity is the set
of mentions that share a key: the gazetteer's canonical name, or for a name in
no gazetteer, its spelling folded for case and width.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict

from airesearch.deal_queries import entity_deal_totals
from airesearch.errors import AiresearchError
from airesearch.models import EntityProfile, EntitySummary
from airesearch.query import date_filter
from airesearch.tokens import name_key

SORTS = ("mentions", "posts", "name", "recent")
FUZZY_CUTOFF = 75  # rapidfuzz ratio below which a name is not a candidate
AMBIGUOUS_MARGIN = 4  # candidates closer than this to the best are ambiguous
DOMINANT_MENTIONS = 10  # ... unless one is mentioned this many times as often
CO_MENTIONS = 5


def most_common(rows) -> dict[str, Counter]:
    """(entity, value, count) rows -> entity -> Counter of values."""
    found: dict[str, Counter] = defaultdict(Counter)
    for entity, value, count in rows:
        found[entity][value] += count
    return found


def display_names(conn, keys: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """entity key -> (name, type): the gazetteer's, else the most used name and
    the type learned from context (learned_types), else the most used type."""
    where = f"WHERE entity IN ({','.join('?' * len(keys))})" if keys else ""
    params = keys or []
    names = most_common(
        conn.execute(
            f"SELECT entity, name, sum(n) FROM entity_spellings {where} GROUP BY 1, 2",
            params,
        )
    )
    types = most_common(
        conn.execute(
            f"SELECT entity, type, sum(n) FROM entity_spellings {where} GROUP BY 1, 2",
            params,
        )
    )
    learned = learned_types(conn, keys)
    return {
        key: (
            counter.most_common(1)[0][0],
            learned.get(key) or types[key].most_common(1)[0][0],
        )
        for key, counter in names.items()
    }


# Type learning: a naive Bayes over context cues, trained on the gazetteer's
# entities as this corpus writes them. A cue counts at most CUE_CAP times per
# entity (は after NVIDIA a thousand times says little); a name is retyped only
# with LEARNED_CONFIDENCE and LEARNED_EVIDENCE cue sightings behind it.
CUE_CAP = 3
LEARNED_CONFIDENCE = 0.9
LEARNED_EVIDENCE = 3
CUE_TEACHERS = 3


def learned_types(
    conn: sqlite3.Connection, keys: list[str] | None = None
) -> dict[str, str]:
    """entity key -> type for names outside the gazetteer, from the words around
    them (社, 氏, CEO, のモデル, 米 …) weighed by how they stand around the
    gazetteer's own names in this corpus; and a one-word name that ends a
    product's name (Opus of Claude Opus) is a product. Names that UniDic typed
    person or place keep their type. keys: only these (default: all)."""
    import math

    known = {
        key for (key,) in conn.execute("SELECT DISTINCT entity FROM entity_aliases")
    }
    gazetteer = "(SELECT DISTINCT entity FROM entity_aliases)"
    training: dict[tuple[str, str], int] = {}
    cue_teachers: dict[str, int] = {}
    for cue, kind, n, teachers in conn.execute(
        f"SELECT cue, type, sum(min(n, {CUE_CAP})), count(DISTINCT entity)"
        f" FROM entity_cues WHERE n > 0 AND entity IN {gazetteer} GROUP BY 1, 2"
    ):
        if informative(cue):
            training[cue, kind] = n
            cue_teachers[cue] = cue_teachers.get(cue, 0) + teachers
    type_entities = dict(
        conn.execute(
            "SELECT type, count(DISTINCT entity) FROM entity_cues"
            f" WHERE n > 0 AND entity IN {gazetteer} GROUP BY 1"
        )
    )
    type_totals: dict[str, int] = defaultdict(int)
    for (_, kind), n in training.items():
        type_totals[kind] += n
    unknown: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    extracted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    only = f" AND entity IN ({','.join('?' * len(keys))})" if keys else ""
    for entity, kind, cue, n in conn.execute(
        "SELECT entity, type, cue, n FROM entity_cues"
        f" WHERE n > 0 AND entity NOT IN {gazetteer}{only}",
        keys or [],
    ):
        extracted[entity][kind] += n
        if informative(cue):
            unknown[entity][cue] += min(n, CUE_CAP)
    # A cue teaches only when several names of the gazetteer stand by it.
    cues = {cue for cue, teachers in cue_teachers.items() if teachers >= CUE_TEACHERS}
    found: dict[str, str] = {}
    kinds = [kind for kind in type_totals if type_entities.get(kind)]
    total_entities = sum(type_entities[kind] for kind in kinds)
    priors = {kind: math.log(type_entities[kind] / total_entities) for kind in kinds}
    log_share = {
        (cue, kind): math.log(
            (training.get((cue, kind), 0) + 1) / (type_totals[kind] + len(cues))
        )
        for cue in cues
        for kind in kinds
    }
    wanted = set(keys) if keys is not None else None
    for entity, seen in unknown.items():
        if wanted is not None and entity not in wanted:
            continue
        if max(extracted[entity], key=extracted[entity].get) in ("person", "place"):
            continue  # UniDic knew the name's class
        evidence = sum(n for cue, n in seen.items() if cue in cues)
        if evidence < LEARNED_EVIDENCE or not kinds:
            continue
        scores = {
            kind: priors[kind]
            + sum(n * log_share[cue, kind] for cue, n in seen.items() if cue in cues)
            for kind in kinds
        }
        top = max(scores.values())
        weights = {kind: math.exp(score - top) for kind, score in scores.items()}
        best = max(weights, key=weights.get)
        if weights[best] / sum(weights.values()) >= LEARNED_CONFIDENCE:
            found[entity] = best
    for entity in tier_names(conn, known):
        found[entity] = "product"
    return found


def informative(cue: str) -> bool:
    """A content word, or a bracket; not a lone particle (は, が, の, や)."""
    word = cue[1:]
    return bool(word) and not (len(word) == 1 and "ぁ" <= word <= "ん")


def tier_names(conn: sqlite3.Connection, known: set[str]) -> set[str]:
    """One-word names outside the gazetteer that end a product's longer name in
    this corpus: Opus (Claude Opus), Flash (Gemini Flash)."""
    endings = {
        name.split()[-1].casefold()
        for (name,) in conn.execute(
            "SELECT DISTINCT name FROM entity_spellings"
            " WHERE type = 'product' AND name LIKE '% %'"
        )
    }
    return {
        entity
        for (entity,) in conn.execute("SELECT entity FROM entity_totals")
        if entity not in known and " " not in entity and entity in endings
    }


def entities(
    conn: sqlite3.Connection,
    kind: str | None = None,
    top: int = 30,
    min_posts: int = 1,
    since: str | None = None,
    until: str | None = None,
    sort: str = "mentions",
) -> list[EntitySummary]:
    """Every entity with its mentions, posts, dates, spellings and co-mentions."""
    if sort not in SORTS:
        raise AiresearchError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if top < 0 or min_posts < 0:
        raise AiresearchError("--top and --min-posts must be 0 or more")
    conditions, params = date_filter(since, until, "p")
    if conditions:  # counted from the posts in the range
        figures = conn.execute(
            "SELECT p.entity, sum(p.mentions), count(*), min(p.date), max(p.date)"
            f" FROM entity_posts p WHERE {' AND '.join(conditions)}"
            " GROUP BY p.entity",
            params,
        ).fetchall()
    else:
        figures = conn.execute(
            "SELECT entity, mentions, posts, first_date, last_date FROM entity_totals"
        ).fetchall()
    names = display_names(conn)
    rows = [
        (key, *names[key], mentions, posts, first, last)
        for key, mentions, posts, first, last in figures
        if posts >= min_posts and (kind is None or names[key][1] == kind)
    ]
    order = {
        "mentions": lambda r: (-r[3], r[1].casefold()),
        "posts": lambda r: (-r[4], -r[3], r[1].casefold()),
        "name": lambda r: (r[1].casefold(), -r[3]),
        "recent": lambda r: ((r[6] or ""), r[3]),
    }[sort]
    rows.sort(key=order, reverse=sort == "recent")
    if top:
        rows = rows[:top]
    keys = [row[0] for row in rows]
    spellings = spellings_seen(conn, keys)
    co = co_mentions(conn, keys, names)
    money = entity_deal_totals(conn)
    return [
        EntitySummary(
            name=name,
            type=kind_,
            aliases=[spelling for spelling, _ in spellings[key].most_common()],
            mentions=mentions,
            posts=posts,
            first_date=first,
            last_date=last,
            co_mentions=co.get(key, []),
            deals=money.get(key, (0, 0.0))[0],
            deals_usd=money.get(key, (0, 0.0))[1],
        )
        for key, name, kind_, mentions, posts, first, last in rows
    ]


def spellings_seen(conn, keys: list[str]) -> dict[str, Counter]:
    if not keys:
        return {}
    return most_common(
        conn.execute(
            "SELECT entity, surface, sum(n) FROM entity_spellings"
            f" WHERE entity IN ({','.join('?' * len(keys))}) GROUP BY 1, 2",
            keys,
        )
    )


def co_mentions(
    conn, keys: list[str], names: dict | None = None
) -> dict[str, list[dict]]:
    """For each key, the entities most often named in the same passages; names:
    display_names of them, looked up here if not given."""
    if not keys:
        return {}
    pairs = conn.execute(
        "SELECT entity, other, n FROM entity_pairs"
        f" WHERE entity IN ({','.join('?' * len(keys))})",
        keys,
    ).fetchall()
    if names is None:
        names = display_names(conn, sorted({other for _, other, _ in pairs}))
    found: dict[str, list] = defaultdict(list)
    for key, other, passages in pairs:
        found[key].append((passages, names[other][0]))
    return {
        key: [
            {"name": name, "passages": passages}
            for passages, name in sorted(items, key=lambda i: (-i[0], i[1]))[
                :CO_MENTIONS
            ]
        ]
        for key, items in found.items()
    }


def resolve_entity(conn: sqlite3.Connection, name: str) -> str:
    """The entity key a user means by name: exact, an alias, or the closest
    spelling (rapidfuzz); several close candidates are an error listing them."""
    key = name_key(name)
    if not key:
        raise AiresearchError("give an entity name")
    if conn.execute(
        "SELECT 1 FROM mentions WHERE entity = ? LIMIT 1", (key,)
    ).fetchone():
        return key
    row = conn.execute(
        "SELECT entity FROM entity_aliases WHERE alias = ?", (key,)
    ).fetchone()
    if (
        row
        and conn.execute(
            "SELECT 1 FROM mentions WHERE entity = ? LIMIT 1", (row[0],)
        ).fetchone()
    ):
        return row[0]
    return closest_entity(conn, name, key)


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


def entity_profile(
    conn: sqlite3.Connection, name: str, examples: int = 5
) -> EntityProfile:
    """One entity: spellings, mentions per month, co-mentions, posts, sentences."""
    key = resolve_entity(conn, name)
    others = [
        other
        for (other,) in conn.execute(
            "SELECT other FROM entity_pairs WHERE entity = ?", (key,)
        )
    ]
    names = display_names(conn, [key, *others])  # one lookup for all of them
    co = co_mentions(conn, [key], names).get(key, [])
    display, kind = names[key]
    mentions, posts, first, last = conn.execute(
        "SELECT mentions, posts, first_date, last_date FROM entity_totals"
        " WHERE entity = ?",
        (key,),
    ).fetchone()
    money = entity_deal_totals(conn, [key]).get(key, (0, 0.0))
    return EntityProfile(
        name=display,
        type=kind,
        aliases=[
            {"spelling": spelling, "mentions": count}
            for spelling, count in spellings_seen(conn, [key])[key].most_common()
        ],
        mentions=mentions,
        posts=posts,
        first_date=first,
        last_date=last,
        per_month=[
            {"month": month or "undated", "mentions": count}
            for month, count in conn.execute(
                "SELECT substr(date, 1, 7), sum(mentions) FROM entity_posts"
                " WHERE entity = ? GROUP BY 1 ORDER BY 1",
                (key,),
            )
        ],
        co_mentions=co,
        top_posts=[
            {"path": path, "title": title, "date": day, "mentions": count}
            for path, title, day, count in conn.execute(
                "SELECT p.path, p.title, p.date, e.mentions FROM entity_posts e"
                " JOIN posts p ON p.id = e.post_id WHERE e.entity = ?"
                " ORDER BY e.mentions DESC, p.path LIMIT 5",
                (key,),
            )
        ],
        examples=example_sentences(conn, key, examples),
        deals=money[0],
        deals_usd=money[1],
    )


def example_sentences(conn, key: str, limit: int) -> list[dict]:
    """Distinct sentences that name the entity, newest posts first."""
    found: dict[tuple, dict] = {}
    # The newest posts first; a few more posts than examples, in case a post
    # repeats one sentence.
    newest = [
        post_id
        for (post_id,) in conn.execute(
            "SELECT e.post_id FROM entity_posts e JOIN posts p ON p.id = e.post_id"
            " WHERE e.entity = ? ORDER BY p.date DESC, p.path LIMIT ?",
            (key, limit * 4),
        )
    ]
    for path, day, text, start, end, s_start, s_end in conn.execute(
        "SELECT p.path, p.date, x.text, m.start, m.end, m.sentence_start,"
        " m.sentence_end FROM mentions m JOIN passages x ON x.id = m.passage_id"
        " JOIN posts p ON p.id = m.post_id WHERE m.entity = ?"
        f" AND m.post_id IN ({','.join('?' * len(newest))})"
        " ORDER BY p.date DESC, p.path, m.passage_id, m.start",
        (key, *newest),
    ):
        sentence = text[s_start:s_end]
        lead = len(sentence) - len(sentence.lstrip())
        sentence, s_start = sentence.strip(), s_start + lead
        if (path, sentence) not in found:
            if len(found) == limit:
                continue
            found[(path, sentence)] = {
                "path": path,
                "date": day,
                "sentence": sentence,
                "matches": [],
            }
        match = [start - s_start, end - s_start]
        if match not in found[(path, sentence)]["matches"]:
            found[(path, sentence)]["matches"].append(match)
    return list(found.values())
