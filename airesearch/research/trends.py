"""How often a query or an entity comes up, period by period, from the index:
posts that match (or name the entity), passages or mentions, and the share of
the period's posts, which is what compares periods when posting volume varies.

A period bursts when its share is at least BURST_RATIO times the series' median
share over the periods in range (every period counted, empty ones too) and at
least BURST_POSTS posts match in it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
from collections import Counter

from airesearch.errors import AiresearchError
from airesearch.index import postings
from airesearch.index.sql import date_filter
from airesearch.index.template import Share, template_share
from airesearch.models import SearchRequest, TrendPoint
from airesearch.queries.search import parse_request

PERIODS = ("week", "month", "quarter")
BURST_RATIO = 2.0
BURST_POSTS = 3


def period_of(day: str, by: str) -> tuple[str, str]:
    """(label, first day) of the period that holds an ISO date."""
    date = dt.date.fromisoformat(day[:10])
    if by == "week":
        year, week, _ = date.isocalendar()
        start = date - dt.timedelta(days=date.weekday())
        return f"{year}-W{week:02d}", start.isoformat()
    if by == "quarter":
        quarter = (date.month - 1) // 3 + 1
        return f"{date.year}-Q{quarter}", dt.date(
            date.year, quarter * 3 - 2, 1
        ).isoformat()
    return f"{date.year}-{date.month:02d}", date.replace(day=1).isoformat()


def calendar(first: str, last: str, by: str) -> list[tuple[str, str]]:
    """Every period from the one holding first to the one holding last."""
    periods, day = [], dt.date.fromisoformat(period_of(first, by)[1])
    end = dt.date.fromisoformat(last[:10])
    while day <= end:
        periods.append(period_of(day.isoformat(), by))
        if by == "week":
            day += dt.timedelta(days=7)
        else:
            months = 3 if by == "quarter" else 1
            month = day.month - 1 + months
            day = dt.date(day.year + month // 12, month % 12 + 1, 1)
    return periods


def trend(
    conn: sqlite3.Connection,
    queries: list[str] = (),
    entities: list[str] = (),
    by: str = "month",
    request: SearchRequest | None = None,
    with_boilerplate: bool = False,
) -> list[TrendPoint]:
    """Points of every series, period by period, on one calendar; request gives
    the filters (--since, --until, --tag, --category, --exact). Boilerplate
    passages (the blog's template) do not count unless with_boilerplate."""
    if by not in PERIODS:
        raise AiresearchError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")
    if not queries and not entities:
        raise AiresearchError("give a query or --entity NAME")
    request = request or SearchRequest("")
    dated, dates = date_filter(request.since, request.until)
    posts = [
        day
        for (day,) in conn.execute(
            "SELECT substr(posts.date, 1, 10) FROM posts WHERE posts.date IS NOT NULL"
            + "".join(f" AND {condition}" for condition in dated),
            dates,
        )
    ]
    if not posts:
        return []
    periods = calendar(request.since or min(posts), request.until or max(posts), by)
    totals = Counter(period_of(day, by)[0] for day in posts)
    skip = not with_boilerplate
    series = [(query, query_counts(conn, request._replace(query=query), by, skip))
              for query in queries]  # fmt: skip
    template = template_share(conn, skip and bool(entities))
    series += [entity_counts(conn, name, by, dated, dates, template)
               for name in entities]  # fmt: skip
    points = []
    for name, (matched, mentions) in series:
        shares = [matched[label] / totals[label] if totals[label] else 0.0
                  for label, _ in periods]  # fmt: skip
        usual = statistics.median(shares) if shares else 0.0
        for (label, start), share in zip(periods, shares, strict=True):
            points.append(
                TrendPoint(
                    series=name, period=label, start=start, posts=matched[label],
                    mentions=mentions[label], period_posts=totals[label],
                    share=round(share, 4),
                    burst=matched[label] >= BURST_POSTS
                    and share >= BURST_RATIO * max(usual, 1e-9),
                )
            )  # fmt: skip
    return points


def query_counts(
    conn, request: SearchRequest, by: str, skip: bool = False
) -> tuple[Counter, Counter]:
    """(posts, matching passages) per period for one query (skip: not counting
    boilerplate passages)."""
    _, selection = parse_request(conn, request)
    selection = selection._replace(skip=skip)
    posts: Counter = Counter()
    passages: Counter = Counter()
    for _, day, count in postings.per_post(conn, selection):
        if day is None:
            continue
        label = period_of(day, by)[0]
        posts[label] += 1
        passages[label] += count
    return posts, passages


def entity_counts(conn, name, by, dated, dates, template: Share) -> tuple[str, tuple]:
    """(display name, (posts, mentions) per period) for one entity, less the
    mentions in boilerplate passages (template: its share, taken off)."""
    from airesearch.queries.entity_lookup import display_names, resolve_entity

    key = resolve_entity(conn, name)
    posts: Counter = Counter()
    mentions: Counter = Counter()
    conditions = "".join(f" AND {c}" for c in dated)
    for post_id, day, count in conn.execute(
        "SELECT posts.id, posts.date, entity_posts.mentions FROM entity_posts"
        " JOIN posts ON posts.id = entity_posts.post_id"
        f" WHERE entity_posts.entity = ? AND posts.date IS NOT NULL{conditions}",
        [key, *dates],
    ):
        count = template.post_mentions(key, post_id, count)
        if not count:  # named only in the template
            continue
        label = period_of(day, by)[0]
        posts[label] += 1
        mentions[label] += count
    return display_names(conn, [key])[key][0], (posts, mentions)
