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
from airesearch.ingest.passages import sentence_of, sentence_spans
from airesearch.models import Brief, SearchRequest
from airesearch.queries.search import match_offsets, parse_request
from airesearch.research.key_sentences import CANDIDATES, Candidate, key_sentences

PARTNERS = 10
EVENTS = 12  # the What happened section: the most told events


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
    from airesearch.queries.entities import (
        co_mentions,
        entity_figures,
        sentences_naming,
    )
    from airesearch.queries.entity_lookup import display_names
    from airesearch.research.trends import trend

    skip = not with_boilerplate
    template = template_share(conn, skip)
    name, kind = display_names(conn, [key])[key]
    mentions, posts, first, last = entity_figures(conn, key, template)
    return Brief(
        subject=name, kind="entity", name=name, type=kind, mentions=mentions,
        posts=posts, first_date=first, last_date=last,
        months=months_of(trend(conn, entities=[key], with_boilerplate=not skip)),
        key_sentences=key_sentences(
            [Candidate(*row) for row in sentences_naming(conn, key, skip)]
        ),
        deals=deals(conn, rates, entity_key=key, top=15, with_boilerplate=not skip),
        partners=co_mentions(conn, [key], limit=PARTNERS, template=template).get(
            key, []
        ),
        events=what_happened(conn, rates, skip, entity_key=key),
        money=money_partners(conn, rates, key, skip),
    )  # fmt: skip


def query_brief(conn, query: str, rates: dict, with_boilerplate=False) -> Brief:
    from airesearch.queries.deals import deal_rows_in, full_deals, with_sentences
    from airesearch.queries.entities import partners_in
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
        conn, full_deals(conn, deal_rows_in(conn, passage_ids), rates)
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
        partners=partners_in(conn, passage_ids, PARTNERS), money=[],
        events=what_happened(conn, rates, not with_boilerplate,
                             post_ids={row.post_id for row in rows}),
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


def what_happened(conn, rates: dict, skip: bool, **subject) -> list:
    """The EVENTS events of the subject (entity_key= or post_ids=) told by
    most posts, in date order (queries/timeline.py)."""
    from airesearch.queries.timeline import timeline

    told = timeline(conn, rates, top=EVENTS, with_boilerplate=not skip, **subject)
    return sorted(told, key=lambda e: (e.when or "", e.actor, e.action))
