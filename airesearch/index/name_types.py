"""The types of the names in no gazetteer, learned from the corpus (a naive
Bayes over the words around the gazetteer's own names), and the names that
are terms, not names: trained when an update changes the index and kept with
it (meta TYPES_KEY, NOT_NAMES_KEY), so that a listing reads them instead of
training per process; queries/entity_lookup.py names entities with them.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict, namedtuple

from airesearch.index import meta
from airesearch.index.meta import generation
from airesearch.index.schema import TERM
from airesearch.index.sql import one_of, rows_for
from airesearch.index.things import CUE_CAP, GLOSS_CUES, informative, things_of
from airesearch.ingest.entity_context import GENERIC_MATE

TYPES_KEY = "learned_types"  # meta: entity key -> type, for every learned one
NOT_NAMES_KEY = "not_names"  # meta: entity keys that are terms
# Type learning: a naive Bayes over context cues, trained on the gazetteer's
# entities as this corpus writes them. A cue counts at most CUE_CAP times per
# entity (は after NVIDIA a thousand times says little); a name is retyped only
# with LEARNED_CONFIDENCE and LEARNED_EVIDENCE cue sightings behind it.
LEARNED_CONFIDENCE = 0.8
LEARNED_EVIDENCE = 3
CUE_TEACHERS = 3


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


def store(conn: sqlite3.Connection) -> None:
    """Keep the learned types and the terms with the index (in the caller's
    transaction, after the things were kept: things.store)."""
    meta.put_json(conn, TYPES_KEY, learned_types(conn))
    meta.put_json(conn, NOT_NAMES_KEY, sorted(type_model(conn).terms))


def types_of(conn: sqlite3.Connection, keys: list[str] | None = None) -> dict:
    """learned_types as the last update kept them (for an index without them,
    learned here)."""
    stored = meta.get_json(conn, TYPES_KEY)
    if stored is None:
        return learned_types(conn, keys)
    return stored


def not_names(conn: sqlite3.Connection) -> frozenset[str]:
    """Entity keys that are terms, not names (glossed_terms, and the names the
    corpus writes only as things: index/things.py), as the last update kept
    them."""
    stored = meta.get_json(conn, NOT_NAMES_KEY)
    return frozenset(stored) if stored is not None else type_model(conn).terms


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
