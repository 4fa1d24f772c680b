"""The blog's template as the queries and views read it: the boilerplate
passages (kept by boilerplate.py, the writer's side), the one SQL condition
that leaves them out (not_template) or keeps only them (in_template), what
they add to each entity's counts (entity_losses, taken off by Share: the one
subtraction every query and view uses) and the posts that hold a word only
there (term_losses, kept by the writer in template_terms); and `airesearch
boilerplate`'s listing and figures.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict

from airesearch.index import meta
from airesearch.index.meta import generation
from airesearch.index.sql import rows_for

TABLE = "boilerplate"  # the table of boilerplate passages (id, shape, why)
THRESHOLD_KEY = "boilerplate_threshold"  # meta: posts a shape needs


def not_template(column: str) -> str:
    """The SQL condition that column (a passage id) is not the template's."""
    return f"{column} NOT IN (SELECT id FROM {TABLE})"


def in_template(column: str) -> str:
    """The SQL condition that column (a passage id) is the template's."""
    return f"{column} IN (SELECT id FROM {TABLE})"


def listing(conn: sqlite3.Connection) -> list[dict]:
    """One row per repeated text: text (the most used spelling), why, posts,
    passages, first_date, last_date, and a path where it stands; most posts
    first."""
    groups: dict[tuple, dict] = {}
    for shape, why, text, post_id, path, day in conn.execute(
        f"SELECT b.shape, b.why, unpack_text(p.text), p.post_id, posts.path,"
        " posts.date"
        f" FROM {TABLE} b JOIN passages p ON p.id = b.id"
        " JOIN posts ON posts.id = p.post_id ORDER BY posts.path, p.seq"
    ):
        group = groups.setdefault(
            (shape, why),
            {"texts": Counter(), "posts": set(), "passages": 0, "dates": [],
             "path": path},
        )  # fmt: skip
        group["texts"][text] += 1
        group["posts"].add(post_id)
        group["passages"] += 1
        if day:
            group["dates"].append(day[:10])
    rows = [
        {
            "text": group["texts"].most_common(1)[0][0],
            "why": why,
            "posts": len(group["posts"]),
            "passages": group["passages"],
            "first_date": min(group["dates"], default=None),
            "last_date": max(group["dates"], default=None),
            "path": group["path"],
        }
        for (_, why), group in groups.items()
    ]
    rows.sort(key=lambda row: (-row["posts"], row["text"]))
    return rows


def counts(conn: sqlite3.Connection) -> dict:
    """How much of the index is boilerplate: passages and the posts holding
    them, and the threshold in posts."""
    threshold = meta.get(conn, THRESHOLD_KEY)
    passages, touched = conn.execute(
        f"SELECT count(*), count(DISTINCT p.post_id) FROM {TABLE} b"
        " JOIN passages p ON p.id = b.id"
    ).fetchone()
    return {
        "boilerplate_passages": passages,
        "boilerplate_posts": touched,
        "boilerplate_threshold": int(threshold) if threshold else None,
    }


# entity_losses of a connection, while the index it reads stays the same: a
# brief or a graph asks for them several times.
LOSSES: dict[tuple, dict] = {}
# The meta key of count_losses as the last update that changed the index stored
# it (store_losses): reading them back costs a few ms, counting them 0.1 s at
# 1 GB for every entities, entity, graph or brief.
LOSSES_KEY = "template_losses"


def entity_losses(conn: sqlite3.Connection) -> dict[str, dict]:
    """What the boilerplate adds to each entity's counts: entity key ->
    {mentions: {post id: mentions in boilerplate}, lost: posts that name it only
    in boilerplate, passages: boilerplate passages naming it, pairs: other
    entity -> boilerplate passages naming both}."""
    stamp = generation(conn)
    if not stamp[0] or stamp not in LOSSES:
        LOSSES.clear()  # one connection at a time is enough for a command
        LOSSES[stamp] = stored_losses(conn) or count_losses(conn)
    return LOSSES[stamp]


def stored_losses(conn: sqlite3.Connection) -> dict[str, dict] | None:
    """count_losses as store_losses kept them; None for an index without them
    (then they are counted). An empty dict (no template) is falsy too, and
    counting nothing is cheap."""
    found = meta.get_json(conn, LOSSES_KEY)
    if found is None:
        return None
    return {
        entity: {
            "mentions": Counter({int(post): n for post, n in mentions.items()}),
            "lost": set(lost),
            "passages": passages,
            "pairs": Counter(pairs),
        }
        for entity, (mentions, lost, passages, pairs) in found.items()
    }


def count_losses(conn: sqlite3.Connection) -> dict[str, dict]:
    per_post: dict[str, Counter] = defaultdict(Counter)
    by_passage: dict[int, set] = defaultdict(set)
    for passage_id, post_id, entity in conn.execute(
        "SELECT m.passage_id, m.post_id, m.entity"
        # CROSS JOIN: SQLite keeps this order (the template passages are few;
        # scanning every mention would cost a second at 1 GB); NOT INDEXED:
        # in passage order, so the lookups walk the index forward (77 ms
        # against 132 in shape order at 1 GB).
        " FROM boilerplate b NOT INDEXED CROSS JOIN mentions m"
        " ON m.passage_id = b.id"
    ):
        per_post[entity][post_id] += 1
        by_passage[passage_id].add(entity)
    losses: dict[str, dict] = {}
    for entity, counts in per_post.items():
        everywhere = dict(
            conn.execute(
                "SELECT post_id, mentions FROM entity_posts WHERE entity = ?",
                (entity,),
            )
        )
        losses[entity] = {
            "mentions": counts,
            "lost": {p for p, n in counts.items() if everywhere.get(p) == n},
            "passages": 0,
            "pairs": Counter(),
        }
    for named in by_passage.values():
        for entity in named:
            losses[entity]["passages"] += 1
            for other in named - {entity}:
                losses[entity]["pairs"][other] += 1
    return losses


class Share:
    """What the blog's template adds to the entities' counts (entity_losses),
    and the one place it is taken off them. An empty share (with_boilerplate)
    takes nothing off."""

    def __init__(self, losses: dict[str, dict]) -> None:
        self.losses = losses

    def totals(self, conn, figures, conditions=(), params=()) -> list[tuple]:
        """(entity, mentions, posts, first, last) rows less what the template
        adds; conditions on posts p (a date range): only the posts in it."""
        if not self.losses:
            return list(figures)
        in_range = None
        if conditions:
            touched = sorted(
                {p for loss in self.losses.values() for p in loss["mentions"]}
            )
            in_range = {
                post_id
                for (post_id,) in rows_for(
                    conn,
                    "SELECT id FROM posts p WHERE id IN ({})"
                    + "".join(f" AND {c}" for c in conditions),
                    touched,
                    after=list(params),
                )
            }
        fixed = []
        for key, mentions, posts, first, last in figures:
            loss = self.losses.get(key)
            if loss:
                counted = [
                    p for p in loss["mentions"] if in_range is None or p in in_range
                ]
                mentions -= sum(loss["mentions"][p] for p in counted)
                posts -= sum(1 for p in counted if p in loss["lost"])
            fixed.append((key, mentions, posts, first, last))
        return fixed

    def post_mentions(self, key: str, post_id: int, mentions: int) -> int:
        """One post's mentions of an entity less the template's (0: the post
        names it only there)."""
        loss = self.losses.get(key)
        if not loss:
            return mentions
        if post_id in loss["lost"]:
            return 0
        return mentions - loss["mentions"].get(post_id, 0)

    def passages(self, key: str) -> int:
        """The template's passages naming the entity."""
        return self.losses.get(key, {}).get("passages", 0)

    def pair(self, key: str, other: str) -> int:
        """The template's passages naming both."""
        return self.losses.get(key, {}).get("pairs", {}).get(other, 0)

    def lost_posts(self) -> dict[str, set[int]]:
        """entity -> the posts that name it only in the template."""
        return {key: loss["lost"] for key, loss in self.losses.items()}


def template_share(conn: sqlite3.Connection, skip: bool = True) -> Share:
    """The template's share of the counts (skip: False for none)."""
    return Share(entity_losses(conn) if skip else {})


def term_losses(conn: sqlite3.Connection, words) -> dict[str, set[int]]:
    """term -> the posts that hold it only in boilerplate passages, for the
    terms words(term) accepts (kept by the writer in template_terms)."""
    losses: dict[str, set[int]] = defaultdict(set)
    for post_id, terms in conn.execute("SELECT post_id, terms FROM template_terms"):
        for term in terms.split():
            if words(term):
                losses[term].add(post_id)
    return dict(losses)
