"""The network of entities, from the index: nodes are entities, edges are
co-mentions (passages that name both) and money flows (figures with a payer
and a payee). Plain records here; graph_views.py turns them into networkx
graphs, measures and file formats.

Co-mention edges are ranked by association, not raw counts: Jaccard (passages
naming both / passages naming either) and PMI (log2 of how much more often
they are named together than chance), so that an entity named everywhere does
not head every neighbourhood.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter, defaultdict
from itertools import chain, groupby
from operator import itemgetter

from airesearch.errors import AiresearchError
from airesearch.index.sql import date_filter, one_of, rows_for
from airesearch.index.template import Share, not_template, template_share
from airesearch.models import ENTITY_TYPES, GraphEdge, GraphNode, Network
from airesearch.queries.entities import jaccard

EDGE_KINDS = ("all", "co", "money", "events")
GRAPH_FORMATS = ("table", "json", "gexf", "graphml", "dot", "cytoscape")
MAX_PATHS = 10  # posts listed per edge, newest first (posts: how many in all)


def network(
    conn: sqlite3.Connection,
    rates: dict[str, float],
    entity: str | None = None,
    depth: int = 1,
    types: tuple[str, ...] = (),
    edges: str = "all",
    min_weight: int = 2,
    since: str | None = None,
    until: str | None = None,
    top: int = 50,
    with_boilerplate: bool = False,
) -> Network:
    """The top entities (by mentions, or with entity: its neighbours by
    Jaccard, to depth 1 or 2) and the edges between them; co-mentions and
    money of boilerplate passages (the blog's template) left out unless
    with_boilerplate."""
    if edges not in EDGE_KINDS:
        raise AiresearchError(f"--edges must be one of {', '.join(EDGE_KINDS)}")
    if depth not in (1, 2):
        raise AiresearchError("--depth must be 1 or 2")
    if top < 0 or min_weight < 1:
        raise AiresearchError("--top must be 0 or more and --min-weight 1 or more")
    bad = [t for t in types if t not in ENTITY_TYPES]
    if bad:
        raise AiresearchError(f"--type must be one of {', '.join(ENTITY_TYPES)}")
    from airesearch.queries.entity_lookup import display_names, resolve_entity

    center = resolve_entity(conn, entity) if entity else None
    figures = node_figures(conn, since, until, not with_boilerplate)
    kinds = display_names(conn) if types else {}
    allowed = {key for key in figures if not types or kinds[key][1] in types}
    top = top or len(allowed) + 1  # 0: all
    together = None  # co-mention counts, not needed for money edges alone
    skip = not with_boilerplate
    if edges not in ("money", "events"):
        together = (
            PassageScan(conn, since, until, skip)
            if since or until
            else IndexPairs(conn, template_share(conn, skip))
        )
    money = (
        money_flows(conn, rates, since, until, skip)
        if edges in ("all", "money")
        else {}
    )
    events = event_pairs(conn, rates, since, until, skip) if edges == "events" else {}
    if center:
        allowed.add(center)
        linked = money or events
        chosen = neighbourhood(
            center, together, allowed, linked, depth, top, min_weight
        )
    else:
        ranked = sorted(allowed, key=lambda k: (-figures[k][0], k))
        if edges in ("money", "events"):
            linked = money or events
            ranked = [k for k in ranked if any(k in pair for pair in linked)]
        chosen = ranked[:top]
    keep = set(chosen)
    shown = []
    if together:
        evidence = shared_posts(conn, chosen, since, until)
        for (a, b), weight in together.among(keep).items():
            if weight >= min_weight:
                shown.append(co_edge(a, b, weight, together, evidence))
    shown += [
        money_edge(pair, stats)
        for pair, stats in money.items()
        if pair[0] in keep and pair[1] in keep
    ]
    shown += [
        event_edge(pair, event)
        for pair, told in events.items()
        if pair[0] in keep and pair[1] in keep
        for event in told
    ]
    names = display_names(conn, chosen)
    nodes = [
        GraphNode(key, *names[key], *figures.get(key, (0, 0, None, None)))
        for key in chosen
    ]
    return Network(nodes, shown, center)


def node_figures(conn, since, until, skip: bool = False) -> dict[str, tuple]:
    """entity -> (mentions, posts, first date, last date) in range (skip: less
    what boilerplate passages add; entities named only there left out)."""

    dated, params = date_filter(since, until, "e")
    if not dated:
        rows = conn.execute(
            "SELECT entity, mentions, posts, first_date, last_date FROM entity_totals"
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT entity, sum(mentions), count(*), min(substr(date, 1, 10)),"
            f" max(substr(date, 1, 10)) FROM entity_posts e WHERE {' AND '.join(dated)}"
            " GROUP BY entity",
            params,
        ).fetchall()
    conditions, values = date_filter(since, until, "p")
    rows = template_share(conn, skip).totals(conn, rows, conditions, values)
    return {key: tuple(rest) for key, *rest in rows if rest[1] > 0}


class IndexPairs:
    """Co-mentions over the whole corpus, as the index keeps them: passages
    naming each pair (entity_pairs) and each entity (entity_totals)."""

    def __init__(self, conn, template: Share | None = None) -> None:
        self.conn = conn
        self.template = template or Share({})  # the template's share: taken off
        self.naming = {
            key: n - self.template.passages(key)
            for key, n in conn.execute("SELECT entity, passages FROM entity_totals")
        }
        (self.total,) = conn.execute(
            "SELECT count(DISTINCT passage_id) FROM mentions"
        ).fetchone()

    def taken_off(self, a: str, b: str) -> int:
        return self.template.pair(a, b)

    def partners(self, key: str) -> dict[str, int]:
        found = {
            other: n - self.taken_off(key, other)
            for other, n in self.conn.execute(
                "SELECT other, n FROM entity_pairs WHERE entity = ?"
                " UNION ALL SELECT entity, n FROM entity_pairs WHERE other = ?",
                (key, key),
            )
        }
        return {other: n for other, n in found.items() if n > 0}

    def among(self, keys: set[str]) -> dict[tuple, int]:
        found = {
            (a, b): n - self.taken_off(a, b)
            for a, b, n in rows_for(
                self.conn,
                "SELECT entity, other, n FROM entity_pairs WHERE entity IN ({})",
                sorted(keys),
            )
            if b in keys
        }
        return {pair: n for pair, n in found.items() if n > 0}


class PassageScan:
    """Co-mentions in the posts of a date range, from one pass over the
    mentions in table order, where a passage's mentions are consecutive
    (storage.py writes a post's mentions together, passage by passage)."""

    def __init__(self, conn, since, until, skip: bool = False) -> None:
        dated, params = date_filter(since, until, "posts")
        template = f" AND {not_template('passage_id')}" if skip else ""
        rows = conn.execute(
            "SELECT passage_id, entity FROM mentions WHERE post_id IN"
            f" (SELECT id FROM posts WHERE {' AND '.join(dated)}){template}"
            " ORDER BY rowid",
            params,
        ).fetchall()
        named = [
            frozenset(map(itemgetter(1), group))
            for _, group in groupby(rows, key=itemgetter(0))
        ]
        self.naming = Counter(chain.from_iterable(named))
        self.total = len(named)
        self.passages = [keys for keys in named if len(keys) > 1]

    def partners(self, key: str) -> dict[str, int]:
        found: Counter = Counter()
        for keys in self.passages:
            if key in keys:
                found.update(keys)
        del found[key]
        return found

    def among(self, keys: set[str]) -> dict[tuple, int]:
        found: Counter = Counter()
        for named in self.passages:
            inside = named & keys
            if len(inside) > 1:
                ordered = sorted(inside)
                found.update(
                    (a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]
                )
        return found


def shared_posts(conn, keys: list[str], since, until) -> SharedPosts:
    """The posts in range that name each of keys (see SharedPosts)."""
    dated, params = date_filter(since, until, "e")
    found: dict[str, dict] = defaultdict(dict)
    for key, post_id, day in rows_for(
        conn,
        "SELECT entity, post_id, substr(date, 1, 10) FROM entity_posts e"
        " WHERE entity IN ({})" + "".join(f" AND {c}" for c in dated),
        keys,
        params,
    ):
        found[key][post_id] = day
    return SharedPosts(found)


class SharedPosts:
    """The posts that name each entity, as sets of bits over all of them in
    (day, id) order: the posts two entities share are counted, dated and the
    newest listed with an AND of two integers, not a walk over every shared
    post (an edge between two entities named everywhere shares 25,000 posts
    at 1 GB)."""

    def __init__(self, found: dict[str, dict]) -> None:
        self.order = sorted(
            {
                (day or "", post)
                for posts in found.values()
                for post, day in posts.items()
            }
        )
        self.undated = sum(1 for day, _ in self.order if not day)
        rank = {post: number for number, (_, post) in enumerate(self.order)}
        self.bits: dict[str, int] = {}
        for key, posts in found.items():
            bits = bytearray(len(self.order) // 8 + 1)
            for post in posts:
                number = rank[post]
                bits[number >> 3] |= 1 << (number & 7)
            self.bits[key] = int.from_bytes(bits, "little")

    def shared(self, a: str, b: str) -> tuple[int, str | None, str | None, list]:
        """(posts that name both, first and last day among them, the newest
        MAX_PATHS post ids, newest first)."""
        both = self.bits.get(a, 0) & self.bits.get(b, 0)
        count = both.bit_count()
        dated = both >> self.undated
        first = last = None
        if dated:
            lowest = (dated & -dated).bit_length() - 1 + self.undated
            first, last = self.order[lowest][0], self.order[both.bit_length() - 1][0]
        newest = []
        while both and len(newest) < MAX_PATHS:
            top = both.bit_length() - 1
            newest.append(self.order[top][1])
            both ^= 1 << top
        return count, first, last, newest


def co_edge(a: str, b: str, weight: int, together, evidence: SharedPosts) -> GraphEdge:
    """A co-mention edge; its posts and dates: the posts that name both."""
    na, nb = together.naming[a], together.naming[b]
    posts, first, last, newest = evidence.shared(a, b)
    return GraphEdge(
        source=a, target=b, kind="co", weight=weight,
        jaccard=round(jaccard(weight, na, nb), 4),
        pmi=round(math.log2(weight * together.total / (na * nb)), 3), usd=None,
        first_date=first, last_date=last, posts=posts, paths=newest,
    )  # fmt: skip


def money_flows(conn, rates, since, until, skip: bool = False) -> dict:
    """(payer, payee) -> {weight: deals, usd: their total (lower bounds), dates,
    posts} for the deal-like figures (queries.deals.DEAL_KINDS) whose sentence
    states pairs, every pair of each; a deal told by several posts (the same
    amount, currency, unit, kind and parties, as `deals` groups figures) counts
    once, its posts all kept."""
    from airesearch.queries.deals import DEAL_KINDS, to_usd
    from airesearch.tokens import name_key

    dated, params = date_filter(since, until, "p")
    deal_like, kinds = one_of("d.kind", DEAL_KINDS)
    flows: dict[tuple, dict] = {}
    for low, high, currency, per, kind, parties, pairs, post_id, day in conn.execute(
        "SELECT d.min, d.max, d.currency, d.per, d.kind, d.parties, d.pairs,"
        " d.post_id, p.date FROM deals d JOIN posts p ON p.id = d.post_id"
        " WHERE d.pairs IS NOT NULL"
        f" AND {deal_like}"
        + (f" AND {not_template('d.passage_id')}" if skip else "")
        + "".join(f" AND {condition}" for condition in dated),
        [*kinds, *params],
    ):
        deal = (low, high, currency, per, kind, parties)
        for payer, payee in json.loads(pairs):
            pair = (name_key(payer), name_key(payee))
            if pair[0] == pair[1]:
                continue
            flow = flows.setdefault(
                pair,
                {"weight": 0, "usd": 0.0, "first_date": None, "last_date": None,
                 "posts": set(), "deals": set()},
            )  # fmt: skip
            if deal not in flow["deals"]:
                flow["deals"].add(deal)
                flow["weight"] += 1
                flow["usd"] += to_usd(low or 0, currency, rates) or 0.0
            flow["posts"].add(((day or "")[:10], post_id))
            if day:
                flow["first_date"] = min(flow["first_date"] or day[:10], day[:10])
                flow["last_date"] = max(flow["last_date"] or day[:10], day[:10])
    return flows


def neighbourhood(center, together, allowed, money, depth, top, min_weight) -> list:
    """center, then its money partners and the entities named with it in
    min_weight passages or more by Jaccard (unless together is None: money
    edges only), then (depth 2) theirs; top entities besides center in all."""

    def neighbours(key: str) -> list[str]:
        mine = together.naming.get(key, 0) if together else 0
        scored = sorted(
            (-jaccard(both, mine, together.naming.get(other, 0)), other)
            for other, both in (together.partners(key) if together else {}).items()
            if other in allowed and both >= min_weight
        )
        partners = [b if a == key else a for a, b in money if key in (a, b)]
        partners = [p for p in partners if p in allowed]
        return list(dict.fromkeys(partners + [other for _, other in scored]))

    chosen = [center]
    ring = [center]
    for _ in range(depth):
        following = []
        for key in ring:
            for other in neighbours(key):
                if other not in chosen and len(chosen) < top + 1:
                    chosen.append(other)
                    following.append(other)
        ring = following
    return chosen


def money_edge(pair, stats) -> GraphEdge:
    """A money edge; paths: for now the ids of its newest MAX_PATHS posts
    (with_paths turns them into paths)."""
    newest = sorted(stats["posts"], reverse=True)[:MAX_PATHS]
    return GraphEdge(
        source=pair[0], target=pair[1], kind="money", weight=stats["weight"],
        jaccard=None, pmi=None, usd=round(stats["usd"], 2),
        first_date=stats["first_date"], last_date=stats["last_date"],
        posts=len(stats["posts"]), paths=[post_id for _, post_id in newest],
    )  # fmt: skip


def event_pairs(conn, rates, since, until, skip) -> dict[tuple, list]:
    """(actor key, object key) -> the timeline's events between two entities
    (queries/timeline.py), for graph --edges events."""
    from airesearch.queries.timeline import keyed_events

    found: dict[tuple, list] = {}
    for actor, obj, event in keyed_events(conn, rates, since, until, not skip):
        if actor != obj:
            found.setdefault((actor, obj), []).append(event)
    return found


def event_edge(pair, event) -> GraphEdge:
    """An event edge, actor → object, labelled by its action and date; paths:
    the posts telling it."""
    return GraphEdge(
        source=pair[0], target=pair[1], kind="event", weight=event.posts,
        jaccard=None, pmi=None, usd=event.usd_min, first_date=event.when,
        last_date=event.when, posts=event.posts,
        paths=[c["path"] for c in event.citations][:MAX_PATHS], action=event.action,
    )  # fmt: skip


def with_paths(conn, net: Network) -> Network:
    """The network with each edge's post ids turned into post paths."""
    ids = sorted({i for edge in net.edges if edge.kind != "event" for i in edge.paths})
    paths = dict(rows_for(conn, "SELECT id, path FROM posts WHERE id IN ({})", ids))
    edges = [
        edge
        if edge.kind == "event"
        else edge._replace(paths=[paths[i] for i in edge.paths])
        for edge in net.edges
    ]
    return net._replace(edges=edges)
