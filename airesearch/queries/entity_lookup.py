"""Finding and naming entities, below every query module: the entity key a
user means by a name (exact, alias, or the nearest spelling), and each entity's
display name and type, learned from context for names outside the gazetteer.
search.py, entities.py and deals.py all look names up here.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict, namedtuple

from airesearch.errors import AiresearchError
from airesearch.index.meta import generation
from airesearch.index.schema import TERM
from airesearch.index.sql import one_of, rows_for
from airesearch.index.things import CUE_CAP, GLOSS_CUES, informative, things_of
from airesearch.ingest.entity_context import GENERIC_MATE
from airesearch.tokens import name_key

FUZZY_CUTOFF = 75  # rapidfuzz ratio below which a name is not a candidate
AMBIGUOUS_MARGIN = 4  # candidates closer than this to the best are ambiguous
DOMINANT_MENTIONS = 10  # ... unless one is mentioned this many times as often
# Type learning: a naive Bayes over context cues, trained on the gazetteer's
# entities as this corpus writes them. A cue counts at most CUE_CAP times per
# entity (は after NVIDIA a thousand times says little); a name is retyped only
# with LEARNED_CONFIDENCE and LEARNED_EVIDENCE cue sightings behind it.
LEARNED_CONFIDENCE = 0.8
LEARNED_EVIDENCE = 3
CUE_TEACHERS = 3


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
    the type learned from context (learned_types), else the most used type.
    keys: only these (none: all)."""
    names = most_common(for_keys(conn, SPELLINGS.format(column="name"), keys))
    types = most_common(for_keys(conn, SPELLINGS.format(column="type"), keys))
    learned = learned_types(conn, keys)
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


def for_keys(conn, sql: str, keys: list[str] | None, params=()):
    """The rows of sql, whose "entity IN ({})" is left out without keys."""
    if keys:
        return rows_for(conn, sql, keys, after=params)
    every = sql.replace(" AND entity IN ({})", "").replace(" WHERE entity IN ({})", "")
    return conn.execute(every, params)


# A naive Bayes over context cues (see learned_types), trained on the whole
# index: cues that teach, types, log priors and the log share of each cue in
# each type; and the one-word names that end a product's name (tier_names).
TypeModel = namedtuple("TypeModel", "gazetteer cues kinds priors log_share tiers terms")
# An entity in no gazetteer glossed in Japanese in at least this share of its
# mentions (QOL（生活の質）, 推論（Reasoning）) is a term, not a name.
GLOSSED_SHARE = 0.2
# A name described in parentheses (entity_context.GLOSS_KINDS): its type.
DESCRIBED = {
    f"{side}({word})": kind
    for side in "<>"
    for word, kind in (("組織", "org"), ("地名", "place"), ("人名", "person"))
}
TYPE_MODELS: dict[tuple, TypeModel] = {}


def type_model(conn: sqlite3.Connection) -> TypeModel:
    """The model of this index generation (meta.generation), trained once per
    process."""
    stamp = generation(conn)
    if not stamp[0] or stamp not in TYPE_MODELS:
        TYPE_MODELS[stamp] = train_types(conn)
    return TYPE_MODELS[stamp]


def train_types(conn: sqlite3.Connection) -> TypeModel:
    import math

    known = frozenset(
        key for (key,) in conn.execute("SELECT DISTINCT entity FROM entity_aliases")
    )
    gazetteer = "(SELECT DISTINCT entity FROM entity_aliases)"
    training: dict[tuple[str, str], int] = {}
    cue_teachers: dict[str, int] = {}
    for cue, kind, n, teachers in conn.execute(
        "SELECT cue, type, sum(min(n, ?)), count(DISTINCT entity)"
        " FROM entity_cues WHERE n > 0 AND type <> ?"
        f" AND entity IN {gazetteer} GROUP BY 1, 2",
        (CUE_CAP, TERM),
    ):
        if types_cue(cue):
            training[cue, kind] = n
            cue_teachers[cue] = cue_teachers.get(cue, 0) + teachers
    type_entities = dict(
        conn.execute(
            "SELECT type, count(DISTINCT entity) FROM entity_cues"
            f" WHERE n > 0 AND type <> ? AND entity IN {gazetteer} GROUP BY 1",
            (TERM,),
        )
    )
    type_totals: dict[str, int] = defaultdict(int)
    for (_, kind), n in training.items():
        type_totals[kind] += n
    # A cue teaches only when several names of the gazetteer stand by it.
    cues = {cue for cue, teachers in cue_teachers.items() if teachers >= CUE_TEACHERS}
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
    return TypeModel(
        known, cues, kinds, priors, log_share, tier_names(conn, known),
        glossed_terms(conn, known) | things_of(conn),
    )  # fmt: skip


def glossed_terms(conn: sqlite3.Connection, known: frozenset[str]) -> frozenset[str]:
    """Entities in no gazetteer that the corpus glosses as terms (see
    GLOSSED_SHARE): concept acronyms and English words, not names."""
    glossing, cues = one_of("c.cue", GLOSS_CUES)
    return frozenset(
        entity
        for entity, glossed, mentions in conn.execute(
            "SELECT c.entity, sum(c.n), t.mentions FROM entity_cues c"
            " JOIN entity_totals t ON t.entity = c.entity"
            f" WHERE {glossing} AND c.n > 0 AND c.type <> ? GROUP BY c.entity",
            (*cues, TERM),
        )
        if entity not in known and glossed >= max(1, GLOSSED_SHARE * mentions)
    )


def not_names(conn: sqlite3.Connection) -> frozenset[str]:
    """Entity keys that are terms, not names (glossed_terms, and the names the
    corpus writes only as things: index/things.py)."""
    return type_model(conn).terms


def learned_types(
    conn: sqlite3.Connection, keys: list[str] | None = None
) -> dict[str, str]:
    """entity key -> type for names outside the gazetteer, from the words around
    them (社, 氏, CEO, のモデル, 米 …) weighed by how they stand around the
    gazetteer's own names in this corpus; and a one-word name that ends a
    product's name (Opus of Claude Opus) is a product. Names that UniDic typed
    person or place keep their type. keys: only these (default: all)."""
    import math

    model = type_model(conn)
    unknown: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    extracted: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for entity, kind, cue, n in for_keys(
        conn,
        "SELECT entity, type, cue, n FROM entity_cues"
        " WHERE n > 0 AND entity IN ({}) AND type <> ?",
        keys,
        (TERM,),
    ):
        if entity in model.gazetteer:
            continue
        extracted[entity][kind] += n
        if types_cue(cue):
            unknown[entity][cue] += min(n, CUE_CAP)
    found: dict[str, str] = {}
    cues, kinds = model.cues, model.kinds
    for entity, seen in unknown.items():
        described = Counter(
            {kind: seen[cue] for cue, kind in DESCRIBED.items() if seen.get(cue)}
        )
        if described:  # UAE（アラブ首長国連邦）: what the text says it is
            found[entity] = described.most_common(1)[0][0]
            continue
        if max(extracted[entity], key=extracted[entity].get) in ("person", "place"):
            continue  # UniDic knew the name's class
        evidence = sum(n for cue, n in seen.items() if cue in cues)
        if evidence < LEARNED_EVIDENCE or not kinds:
            continue
        scores = {
            kind: model.priors[kind]
            + sum(
                n * model.log_share[cue, kind] for cue, n in seen.items() if cue in cues
            )
            for kind in kinds
        }
        top = max(scores.values())
        weights = {kind: math.exp(score - top) for kind, score in scores.items()}
        best = max(weights, key=weights.get)
        if weights[best] / sum(weights.values()) >= LEARNED_CONFIDENCE:
            found[entity] = best
    for entity in model.tiers:
        found[entity] = "product"
    return found


def types_cue(cue: str) -> bool:
    """A cue the type learner weighs: informative, and not the list mate of a
    generic word (a thing, whatever its type: index/things.py's cue)."""
    return informative(cue) and cue[1:] != GENERIC_MATE


def tier_names(conn: sqlite3.Connection, known: frozenset[str]) -> frozenset[str]:
    """One-word names outside the gazetteer that end a product's longer name in
    this corpus: Opus (Claude Opus), Flash (Gemini Flash)."""
    endings = {
        name.split()[-1].casefold()
        for (name,) in conn.execute(
            "SELECT DISTINCT name FROM entity_spellings"
            " WHERE type = 'product' AND name LIKE '% %'"
        )
    }
    return frozenset(
        entity
        for (entity,) in conn.execute("SELECT entity FROM entity_totals")
        if entity not in known and " " not in entity and entity in endings
    )
