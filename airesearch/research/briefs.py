"""A research brief on one entity or one query, from the index: headline
figures, the trend by month, the key sentences of each month (chosen by
key_sentences.py), the money figures, and the main partners. brief_pages.py
writes it as Markdown or HTML.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

from airesearch.errors import AiresearchError
from airesearch.index import postings
from airesearch.index.schema import post_of
from airesearch.index.sql import rows_for
from airesearch.index.template import not_template
from airesearch.ingest.passages import sentence_of, sentence_spans
from airesearch.models import Brief, SearchRequest
from airesearch.queries.search import match_offsets, parse_request
from airesearch.research.key_sentences import CANDIDATES, Candidate, key_sentences

PARTNERS = 10


def brief(
    conn: sqlite3.Connection, subject: str, rates: dict, with_boilerplate=False
) -> Brief | None:
    """The brief on subject: an entity if it names one (exactly or by an
    alias), else a query; a query that matches nothing may still be a
    misspelt entity (looked up as by `entity`). None if nothing matches."""
    from airesearch.queries.entity_lookup import exact_entity, resolve_entity
    from airesearch.tokens import name_key

    key = exact_entity(conn, name_key(subject))
    if key:
        return entity_brief(conn, key, rates, with_boilerplate)
    found = query_brief(conn, subject, rates, with_boilerplate)
    if found.posts:
        return found
    try:
        return entity_brief(
            conn, resolve_entity(conn, subject), rates, with_boilerplate
        )
    except AiresearchError:
        return None


def entity_brief(conn, key: str, rates: dict, with_boilerplate=False) -> Brief:
    from airesearch.index.template import template_share
    from airesearch.queries.deals import deals
    from airesearch.queries.entities import co_mentions
    from airesearch.queries.entity_lookup import display_names
    from airesearch.research.trends import trend

    skip = not with_boilerplate
    template = template_share(conn, skip)
    name, kind = display_names(conn, [key])[key]
    totals = conn.execute(
        "SELECT entity, mentions, posts, first_date, last_date FROM entity_totals"
        " WHERE entity = ?",
        (key,),
    ).fetchall()
    _, mentions, posts, first, last = template.totals(conn, totals)[0]
    return Brief(
        subject=name, kind="entity", name=name, type=kind, mentions=mentions,
        posts=posts, first_date=first, last_date=last,
        months=months_of(trend(conn, entities=[key], with_boilerplate=not skip)),
        key_sentences=key_sentences(entity_sentences(conn, key, skip)),
        deals=deals(conn, rates, entity_key=key, top=15, with_boilerplate=not skip),
        partners=co_mentions(conn, [key], limit=PARTNERS, template=template).get(
            key, []
        ),
        money=money_partners(conn, rates, key, skip),
    )  # fmt: skip


def query_brief(conn, query: str, rates: dict, with_boilerplate=False) -> Brief:
    from airesearch.queries.deals import full_deals, with_sentences
    from airesearch.research.trends import trend

    parsed, selection = parse_request(conn, SearchRequest(query))
    selection = selection._replace(skip=not with_boilerplate)
    rows = list(postings.passages(conn, selection))
    phrases = parsed.highlight_phrases()
    per_post = Counter(row.post_id for row in rows)
    candidates = []
    for _, _, text, post_id, path, title, day in first_per_month(rows, per_post):
        spans = sentence_spans(text)
        for start, _ in match_offsets(text, phrases):
            s_start, s_end = sentence_of(spans, start)
            candidates.append(
                Candidate(text[s_start:s_end].strip(), path, title, day,
                          per_post[post_id])
            )  # fmt: skip
    dates = sorted(row.date[:10] for row in rows if row.date)
    passage_ids = [row.passage_id for row in rows]
    figures = with_sentences(
        conn, full_deals(conn, figure_rows(conn, passage_ids), rates)
    )
    figures.sort(key=lambda d: -(d.usd_min or 0))
    return Brief(
        subject=query, kind="query", name=query, type=None, mentions=len(rows),
        posts=len(per_post), first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        months=months_of(
            trend(conn, queries=[query], with_boilerplate=with_boilerplate)
        ),
        key_sentences=key_sentences(candidates), deals=figures[:15],
        partners=query_partners(conn, passage_ids), money=[],
    )  # fmt: skip


def first_per_month(rows: list, per_post: Counter) -> list:
    """The CANDIDATES distinct passages of each month from the posts that
    match most: only those are analysed again to find the sentences."""
    by_month: dict[str, dict[str, tuple]] = {}
    ordered = sorted(rows, key=lambda row: (-per_post[row.post_id], row.passage_id))
    for row in ordered:
        texts = by_month.setdefault((row.date or "undated")[:7], {})
        if len(texts) < CANDIDATES and row.text not in texts:
            texts[row.text] = row
    return [row for texts in by_month.values() for row in texts.values()]


def months_of(points) -> list[dict]:
    return [
        {"month": p.period, "posts": p.posts, "mentions": p.mentions, "share": p.share}
        for p in points
    ]


def entity_sentences(conn, key: str, skip: bool = False) -> list[Candidate]:
    """Every sentence that names the entity; weight: its mentions in that post;
    skip: none from boilerplate passages (the template, links to other posts)."""
    template = f" AND {not_template('m.passage_id')}" if skip else ""
    weights = dict(
        conn.execute(
            "SELECT post_id, mentions FROM entity_posts WHERE entity = ?", (key,)
        )
    )
    return [
        Candidate(text[start:end].strip(), path, title, day, weights[post_id])
        for post_id, text, start, end, path, title, day in rows_for(
            conn,
            "SELECT m.post_id, x.text, m.sentence_start, m.sentence_end, p.path,"
            " p.title, p.date FROM mentions m JOIN passages x ON x.id = m.passage_id"
            " JOIN posts p ON p.id = m.post_id WHERE m.post_id IN ({})"
            f" AND m.entity = ?{template}",
            sorted(weights),
            [key],
        )
    ]


def money_partners(conn, rates: dict, key: str, skip: bool = False) -> list[dict]:
    """The entities money flows to (out) and from (in), largest first."""
    from airesearch.queries.entity_lookup import display_names
    from airesearch.queries.relations import money_flows

    flows = [
        (("out", payee) if payer == key else ("in", payer), stats)
        for (payer, payee), stats in money_flows(conn, rates, None, None, skip).items()
        if key in (payer, payee)
    ]
    names = display_names(conn, [other for (_, other), _ in flows])
    return sorted(
        (
            {"direction": direction, "name": names.get(other, (other,))[0],
             "figures": stats["weight"], "posts": len(stats["posts"]),
             "usd": round(stats["usd"], 2),
             "first_date": stats["first_date"], "last_date": stats["last_date"]}
            for (direction, other), stats in flows
        ),
        key=lambda flow: -flow["usd"],
    )  # fmt: skip


def by_posts(conn, sql: str, passage_ids: list[int]) -> list[tuple]:
    """Rows of sql (its last column a passage id, a "{}" where the post ids
    go) for the posts of these passages, kept if their passage is one of
    them: mentions and deals are indexed by post, not passage."""
    wanted = set(passage_ids)
    posts = sorted({post_of(passage_id) for passage_id in wanted})
    return [row for row in rows_for(conn, sql, posts) if row[-1] in wanted]


def figure_rows(conn, passage_ids: list[int]) -> list[tuple]:
    """queries.deals.full_deals rows (id, posts, mentions, first, last) of the
    deal-like figures inside these passages."""
    from airesearch.queries.deals import DEAL_KINDS

    kinds = ", ".join(f"'{kind}'" for kind in DEAL_KINDS)  # constants, not input
    rows = by_posts(
        conn,
        "SELECT d.rowid, 1, d.mentions, p.date, p.date, d.passage_id FROM figures d"
        " JOIN posts p ON p.id = d.post_id"
        f" WHERE d.post_id IN ({{}}) AND d.kind IN ({kinds})",
        passage_ids,
    )
    return [row[:5] for row in rows]


def query_partners(conn, passage_ids: list[int]) -> list[dict]:
    """The entities named in the matching passages, by Jaccard between those
    passages and the passages that name the entity."""
    from airesearch.queries.entities import jaccard, passages_naming
    from airesearch.queries.entity_lookup import display_names

    together = Counter(
        key
        for key, _ in set(
            by_posts(
                conn,
                "SELECT entity, passage_id FROM mentions WHERE post_id IN ({})",
                passage_ids,
            )
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
    )[:PARTNERS]
    return [
        {"name": names[key][0], "type": names[key][1], "passages": -minus_both,
         "jaccard": round(-minus_score, 3)}
        for minus_score, minus_both, key in scored
    ]  # fmt: skip
