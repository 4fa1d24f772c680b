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

import math
import sqlite3
from collections import Counter, defaultdict, namedtuple

from airesearch.errors import AiresearchError
from airesearch.models import ENTITY_TYPES
from airesearch.query import date_filter

EDGE_KINDS = ("all", "co", "money")
GRAPH_FORMATS = ("table", "json", "gexf", "graphml", "dot", "cytoscape")
MAX_PATHS = 10  # posts listed per edge, newest first (posts: how many in all)

GraphNode = namedtuple("GraphNode", "id name type mentions posts first_date last_date")
GraphEdge = namedtuple(
    "GraphEdge",
    "source target kind weight jaccard pmi usd first_date last_date posts paths",
)
Network = namedtuple("Network", "nodes edges center")


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
) -> Network:
    """The top entities (by mentions, or with entity: its neighbours by
    Jaccard, to depth 1 or 2) and the edges between them."""
    if edges not in EDGE_KINDS:
        raise AiresearchError(f"--edges must be one of {', '.join(EDGE_KINDS)}")
    if depth not in (1, 2):
        raise AiresearchError("--depth must be 1 or 2")
    if top < 1 or min_weight < 1:
        raise AiresearchError("--top and --min-weight must be 1 or more")
    bad = [t for t in types if t not in ENTITY_TYPES]
    if bad:
        raise AiresearchError(f"--type must be one of {', '.join(ENTITY_TYPES)}")
    from airesearch.entity_lookup import display_names, resolve_entity

    center = resolve_entity(conn, entity) if entity else None
    names = display_names(conn)
    scan = scan_mentions(conn, since, until)
    money = money_flows(conn, rates, since, until) if edges != "co" else {}
    allowed = {key for key in scan.nodes if not types or names[key][1] in types}
    if center:
        allowed.add(center)
    co = co_edges(scan, allowed, min_weight) if edges != "money" else {}
    if center:
        chosen = neighbourhood(center, co, money, depth, top)
    else:
        ranked = sorted(allowed, key=lambda k: (-scan.nodes[k][0], names[k][0]))
        if edges == "money":
            ranked = [k for k in ranked if any(k in pair for pair in money)]
        chosen = ranked[:top]
    keep = set(chosen)
    found = [
        edge_record(pair, stats, "co")
        for pair, stats in co.items()
        if pair[0] in keep and pair[1] in keep
    ] + [
        edge_record(pair, stats, "money")
        for pair, stats in money.items()
        if pair[0] in keep and pair[1] in keep
    ]
    nodes = [
        GraphNode(key, *names[key], *scan.nodes.get(key, (0, 0, None, None)))
        for key in chosen
    ]
    return Network(nodes, found, center)


class MentionScan:
    """One pass over the mentions of the posts in range: per entity (mentions,
    posts, first date, last date), the passages naming it, and per passage
    (post id, date, the entities it names)."""

    def __init__(self) -> None:
        self.nodes: dict[str, tuple] = {}
        self.naming: Counter = Counter()
        self.passages: list[tuple[int, str, frozenset]] = []


def scan_mentions(conn, since, until) -> MentionScan:
    dated, params = date_filter(since, until, "p")
    rows = conn.execute(
        "SELECT m.passage_id, m.post_id, m.entity, substr(p.date, 1, 10)"
        " FROM mentions m JOIN posts p ON p.id = m.post_id"
        + "".join(f" AND {condition}" for condition in dated),
        params,
    )
    mentions: Counter = Counter()
    posts: dict[str, set] = defaultdict(set)
    dates: dict[str, list] = {}
    passages: dict[int, tuple] = {}
    for passage_id, post_id, key, day in rows:
        found = passages.get(passage_id)
        if found is None:
            found = passages[passage_id] = (post_id, day, set())
        found[2].add(key)
        mentions[key] += 1
        posts[key].add(post_id)
        if day:
            span = dates.setdefault(key, [day, day])
            span[0], span[1] = min(span[0], day), max(span[1], day)
    scan = MentionScan()
    scan.passages = [
        (post, day, frozenset(keys)) for post, day, keys in passages.values()
    ]
    for _, _, keys in scan.passages:
        scan.naming.update(keys)
    scan.nodes = {
        key: (n, len(posts[key]), *dates.get(key, (None, None)))
        for key, n in mentions.items()
    }
    return scan


def co_edges(scan: MentionScan, allowed: set, min_weight: int) -> dict:
    """(a, b) with a < b -> {weight, jaccard, pmi, dates, posts} for the pairs
    of allowed entities named together in min_weight passages or more."""
    together: dict[tuple, list] = defaultdict(lambda: [0, set(), None, None])
    for post_id, day, keys in scan.passages:
        inside = sorted(keys & allowed)
        for i, a in enumerate(inside):
            for b in inside[i + 1 :]:
                stats = together[a, b]
                stats[0] += 1
                stats[1].add((day or "", post_id))
                if day:
                    stats[2] = min(stats[2] or day, day)
                    stats[3] = max(stats[3] or day, day)
    total = len(scan.passages)
    found = {}
    for (a, b), (weight, posts, first, last) in together.items():
        if weight < min_weight:
            continue
        na, nb = scan.naming[a], scan.naming[b]
        found[a, b] = {
            "weight": weight,
            "jaccard": round(weight / (na + nb - weight), 4),
            "pmi": round(math.log2(weight * total / (na * nb)), 3),
            "usd": None,
            "first_date": first,
            "last_date": last,
            "posts": posts,
        }
    return found


def money_flows(conn, rates, since, until) -> dict:
    """(payer, payee) -> {weight: figures, usd: their total (lower bounds),
    dates, posts} for the deal-like figures (deal_queries.DEAL_KINDS) that name
    both a payer and a payee."""
    from airesearch.deal_queries import DEAL_KINDS, to_usd
    from airesearch.tokens import name_key

    dated, params = date_filter(since, until, "p")
    flows: dict[tuple, dict] = {}
    for payer, payee, low, currency, post_id, day in conn.execute(
        "SELECT d.payer, d.payee, d.min, d.currency, d.post_id, p.date FROM deals d"
        " JOIN posts p ON p.id = d.post_id WHERE d.payer IS NOT NULL"
        " AND d.payee IS NOT NULL"
        f" AND d.kind IN ({','.join('?' * len(DEAL_KINDS))})"
        + "".join(f" AND {condition}" for condition in dated),
        [*DEAL_KINDS, *params],
    ):
        pair = (name_key(payer), name_key(payee))
        if pair[0] == pair[1]:
            continue
        flow = flows.setdefault(
            pair,
            {"weight": 0, "jaccard": None, "pmi": None, "usd": 0.0,
             "first_date": None, "last_date": None, "posts": set()},
        )  # fmt: skip
        flow["weight"] += 1
        flow["usd"] += to_usd(low or 0, currency, rates) or 0.0
        flow["posts"].add(((day or "")[:10], post_id))
        if day:
            flow["first_date"] = min(flow["first_date"] or day[:10], day[:10])
            flow["last_date"] = max(flow["last_date"] or day[:10], day[:10])
    return flows


def neighbourhood(center, co: dict, money: dict, depth: int, top: int) -> list:
    """center, then its neighbours by Jaccard (money partners first), then
    (depth 2) theirs, top entities in all."""

    def neighbours(key: str) -> list[str]:
        partners = [b if a == key else a for a, b in money if key in (a, b)]
        scored = sorted(
            (-stats["jaccard"], b if a == key else a)
            for (a, b), stats in co.items()
            if key in (a, b)
        )
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


def edge_record(pair, stats, kind) -> GraphEdge:
    """paths: for now the ids of the newest MAX_PATHS posts (with_paths)."""
    newest = sorted(stats["posts"], reverse=True)[:MAX_PATHS]
    return GraphEdge(
        source=pair[0], target=pair[1], kind=kind, weight=stats["weight"],
        jaccard=stats["jaccard"], pmi=stats["pmi"],
        usd=round(stats["usd"], 2) if stats["usd"] is not None else None,
        first_date=stats["first_date"], last_date=stats["last_date"],
        posts=len(stats["posts"]), paths=[post_id for _, post_id in newest],
    )  # fmt: skip


def with_paths(conn, net: Network) -> Network:
    """The network with each edge's post ids turned into post paths."""
    ids = sorted({post_id for edge in net.edges for post_id in edge.paths})
    paths: dict[int, str] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        places = ",".join("?" * len(chunk))
        paths.update(
            conn.execute(f"SELECT id, path FROM posts WHERE id IN ({places})", chunk)
        )
    edges = [edge._replace(paths=[paths[i] for i in edge.paths]) for edge in net.edges]
    return net._replace(edges=edges)
