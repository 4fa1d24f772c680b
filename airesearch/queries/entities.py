"""Read-only questions about entities: the summary table and one entity's
profile, from the aggregates the indexer keeps (aggregates.py); names are looked
up in entity_lookup.py.

Mentions are found by ingest/entities.py and stored by index/storage.py; an
entity is the set of mentions that share a key: the gazetteer's canonical
name, or for a name in no gazetteer, its spelling folded for case and width.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections import Counter, defaultdict

from airesearch.errors import AiresearchError
from airesearch.index.name_types import not_names
from airesearch.index.packed_text import unpack
from airesearch.index.sql import date_filter, rows_for
from airesearch.index.template import Share, not_template, template_share
from airesearch.models import EntityProfile, EntitySummary
from airesearch.queries.deals import entity_deal_totals, load_rates
from airesearch.queries.entity_lookup import (
    display_names,
    most_common,
    resolve_entity,
)

SORTS = ("mentions", "posts", "name", "recent")
CO_MENTIONS = 5
MIN_TOGETHER = 2  # passages naming both, for a co-mention to rank by Jaccard


def entities(
    conn: sqlite3.Connection,
    entity_type: str | None = None,
    top: int = 30,
    min_posts: int = 1,
    since: str | None = None,
    until: str | None = None,
    sort: str = "mentions",
    rates: dict[str, float] | None = None,
    with_boilerplate: bool = False,
) -> list[EntitySummary]:
    """Every entity with its mentions, posts, dates, spellings and co-mentions;
    deal totals in USD at rates (default: the bundled table, load_rates()).
    Mentions in boilerplate passages (the blog's template) do not count unless
    with_boilerplate."""
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
    template = template_share(conn, not with_boilerplate)
    figures = template.totals(conn, figures, conditions, params)
    names = display_names(conn)
    terms = not_names(conn)
    rows = [
        (key, *names[key], mentions, posts, first, last)
        for key, mentions, posts, first, last in figures
        if posts >= max(min_posts, 1)
        and (entity_type is None or names[key][1] == entity_type)
        and key not in terms
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
    co = co_mentions(conn, keys, names, template=template)
    money = entity_deal_totals(conn, rates or load_rates(), skip=not with_boilerplate)
    return [
        EntitySummary(
            name=name,
            type=type_,
            aliases=[spelling for spelling, _ in spellings[key].most_common()],
            mentions=mentions,
            posts=posts,
            first_date=first,
            last_date=last,
            co_mentions=co.get(key, []),
            deals=money.get(key, (0, 0.0))[0],
            deals_usd=money.get(key, (0, 0.0))[1],
        )
        for key, name, type_, mentions, posts, first, last in rows
    ]


def spellings_seen(conn, keys: list[str]) -> dict[str, Counter]:
    if not keys:
        return {}
    return most_common(
        rows_for(
            conn,
            "SELECT entity, surface, sum(n) FROM entity_spellings"
            " WHERE entity IN ({}) GROUP BY 1, 2",
            keys,
        )
    )


def co_mentions(
    conn,
    keys: list[str],
    names: dict | None = None,
    limit: int = CO_MENTIONS,
    template: Share | None = None,
) -> dict[str, list[dict]]:
    """For each key, the entities most associated with it: named in the same
    passages, ranked by Jaccard (passages naming both / naming either), those
    named together in fewer than MIN_TOGETHER passages last. Raw counts would
    put the entities named everywhere (日本, NVIDIA, Google) first for
    everyone. names: display_names of them, looked up here if not given;
    template: the template's share of the counts, taken off."""
    template = template or Share({})
    if not keys:
        return {}
    pairs = list(
        rows_for(  # each pair is stored once, the smaller key first
            conn,
            "SELECT entity, other, n FROM entity_pairs WHERE entity IN ({})"
            " UNION ALL SELECT other, entity, n FROM entity_pairs"
            " WHERE other IN ({})",
            keys,
        )
    )
    involved = sorted({key for pair in pairs for key in pair[:2]})
    if names is None:
        names = display_names(conn, involved)
    naming = passages_naming(conn, involved)
    for key in naming:
        naming[key] -= template.passages(key)
    found: dict[str, list] = defaultdict(list)
    for key, other, both in pairs:
        both -= template.pair(key, other)
        if both <= 0:
            continue
        score = jaccard(both, naming[key], naming[other])
        found[key].append((both < MIN_TOGETHER, -score, -both, *names[other], score))
    return {
        key: [
            {
                "name": name,
                "type": type_,
                "passages": -minus_both,
                "jaccard": round(score, 3),
            }
            for _, _, minus_both, name, type_, score in heapq.nsmallest(limit, items)
        ]
        for key, items in found.items()
    }


def passages_naming(conn, keys: list[str]) -> dict[str, int]:
    return dict(
        rows_for(
            conn,
            "SELECT entity, passages FROM entity_totals WHERE entity IN ({})",
            keys,
        )
    )


def jaccard(both: int, one: int, other: int) -> float:
    """The association of two entities (or an entity and a query): passages
    naming both / passages naming either. entity, graph and brief all rank
    by it."""
    union = one + other - both
    return both / union if union > 0 else 0.0


def entity_profile(
    conn: sqlite3.Connection,
    name: str,
    examples: int = 5,
    rates=None,
    with_boilerplate: bool = False,
) -> EntityProfile:
    """One entity: spellings, mentions per month, co-mentions, posts, sentences;
    deal totals in USD at rates (default: the bundled table); the blog's
    template not counted unless with_boilerplate."""
    key = resolve_entity(conn, name)
    others = [
        other
        for (other,) in conn.execute(
            "SELECT other FROM entity_pairs WHERE entity = ?"
            " UNION ALL SELECT entity FROM entity_pairs WHERE other = ?",
            (key, key),
        )
    ]
    names = display_names(conn, [key, *others])  # one lookup for all of them
    template = template_share(conn, not with_boilerplate)
    co = co_mentions(conn, [key], names, template=template).get(key, [])
    display, entity_type = names[key]
    mentions, posts, first, last = entity_figures(conn, key, template)
    money = entity_deal_totals(
        conn, rates or load_rates(), [key], skip=not with_boilerplate
    )
    money = money.get(key, (0, 0.0))
    return EntityProfile(
        name=display,
        type=entity_type,
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
        examples=example_sentences(conn, key, examples, not with_boilerplate),
        deals=money[0],
        deals_usd=money[1],
    )


def entity_figures(conn, key: str, template: Share) -> tuple:
    """(mentions, posts, first date, last date) of one entity, less the
    template's share."""
    totals = conn.execute(
        "SELECT entity, mentions, posts, first_date, last_date FROM entity_totals"
        " WHERE entity = ?",
        (key,),
    ).fetchall()
    return tuple(template.totals(conn, totals)[0][1:])


def sentences_naming(conn, key: str, skip: bool = False) -> list[tuple]:
    """(sentence, path, title, date, the post's mentions of it) of every
    sentence that names the entity (skip: none from the template)."""
    template = f" AND {not_template('m.passage_id')}" if skip else ""
    weights = dict(
        conn.execute(
            "SELECT post_id, mentions FROM entity_posts WHERE entity = ?", (key,)
        )
    )
    # Each post's path, title and date once, not once per mention (a brief of
    # NVIDIA at 1 GB reads 100,000 mentions).
    about = {
        post_id: (path, title, day, weights[post_id])
        for post_id, path, title, day in rows_for(
            conn, "SELECT id, path, title, date FROM posts WHERE id IN ({})",
            sorted(weights),
        )
    }  # fmt: skip
    return [
        (unpack(packed)[start:end].strip(), *about[post_id])
        for post_id, packed, start, end in rows_for(
            conn,
            "SELECT m.post_id, x.text, m.sentence_start, m.sentence_end"
            " FROM mentions m JOIN passages x ON x.id = m.passage_id"
            " JOIN posts p ON p.id = m.post_id WHERE m.post_id IN ({})"
            f" AND m.entity = ?{template}",
            sorted(weights),
            [key],
        )
    ]


def partners_in(conn, passage_ids: list[int], limit: int) -> list[dict]:
    """The entities named in these passages (a query's matches), by Jaccard
    between them and the passages that name the entity."""
    together = Counter(
        key
        for key, _ in rows_for(
            conn,
            "SELECT DISTINCT entity, passage_id FROM mentions WHERE passage_id IN ({})",
            sorted(set(passage_ids)),
        )
    )
    if not together:
        return []
    keys = list(together)
    naming = passages_naming(conn, keys)
    names = display_names(conn, keys)
    matched = len(passage_ids)
    scored = sorted(
        (-jaccard(both, matched, naming.get(key, both)), -both, key)
        for key, both in together.items()
    )[:limit]
    return [
        {"name": names[key][0], "type": names[key][1], "passages": -minus_both,
         "jaccard": round(-minus_score, 3)}
        for minus_score, minus_both, key in scored
    ]  # fmt: skip


def example_sentences(conn, key: str, limit: int, skip: bool = False) -> list[dict]:
    """Distinct sentences that name the entity, newest posts first (skip: none
    from boilerplate passages)."""
    template = f" AND {not_template('m.passage_id')}" if skip else ""
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
    rows = rows_for(
        conn,
        "SELECT p.date, p.path, m.passage_id, m.start, unpack_text(x.text), m.end,"
        " m.sentence_start, m.sentence_end FROM mentions m"
        " JOIN passages x ON x.id = m.passage_id"
        " JOIN posts p ON p.id = m.post_id WHERE m.entity = ?"
        f" AND m.post_id IN ({{}}){template}",
        newest,
        before=(key,),
    )
    # Newest post first, then by path and place in the post (across batches).
    rows = sorted(rows, key=lambda r: (r[0] or "", r[1], r[2], r[3]))
    rows.sort(key=lambda r: r[0] or "", reverse=True)
    for day, path, _, start, text, end, s_start, s_end in rows:
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
