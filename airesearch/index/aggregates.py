"""Entity aggregates kept in step with each post's mentions and money figures,
so that `entities`, `entity` and `deals` read a few rows per entity instead of
every mention (a 1 GB corpus has millions). storage.py calls add_post after
writing a post and remove_post before taking one out; the tables are declared
with the rest of the schema in schema.py.

- entity_posts: per entity and post, its mentions and the post's date.
- entity_totals: per entity, mentions, passages that name it, posts, first and
  last date.
- entity_spellings: per entity, how often each (name, type, surface) was found.
- entity_pairs: per pair of entities (entity < other), the passages that name
  both.
- entity_deal_tellings: per entity and deal (deal_of), the figures that tell
  that deal and name the entity.
- entity_deals: per entity and currency, the deals that name it, each counted
  once however many posts tell it, and their total (lower bounds), converted
  to USD when asked (rates change).
"""

from __future__ import annotations

import json
from collections import Counter, namedtuple

# What one post adds to the aggregates (count_post): mentions, (name, type,
# surface) spellings, pairs of entities and passages naming each entity, per
# entity key; and per (entity, deal, currency, low) the figures that tell it.
PostCounts = namedtuple("PostCounts", "mentions spellings pairs naming tellings")


class Additions:
    """What the posts of one run add to the aggregate tables, kept and written
    together (flush): one upsert per key per batch of posts, not per post (the
    frequent entities, cues and pairs come back in most posts). Deals are
    counted at once (a deal counts when its first telling comes)."""

    def __init__(self) -> None:
        self.posts = 0
        self.entity_posts: list[tuple] = []
        self.totals: dict[str, list] = {}  # mentions, passages, posts, first, last
        self.spellings: Counter = Counter()
        self.pairs: Counter = Counter()
        self.cues: Counter = Counter()  # (entity, type, cue) -> n
        self.shapes: dict[int, list] = {}  # shape -> [posts, titles]
        # For query expansion: (surface, term) and (part, term, at), most of
        # them in many posts.
        self.written: set[tuple] = set()
        self.compounds: set[tuple] = set()

    def add_post(self, conn, post_id: int, date: str | None, counts: PostCounts):
        """A post's counts (count_post, made where it was analysed)."""
        date = (date or "")[:10] or None
        self.posts += 1
        tell(conn, counts.tellings, +1)
        self.entity_posts += [
            (key, post_id, date, n) for key, n in counts.mentions.items()
        ]
        for key, n in counts.mentions.items():
            total = self.totals.get(key)
            if total is None:
                self.totals[key] = [n, counts.naming.get(key, 0), 1, date, date]
                continue
            total[0] += n
            total[1] += counts.naming.get(key, 0)
            total[2] += 1
            if date:
                total[3] = min(total[3] or date, date)
                total[4] = max(total[4] or date, date)
        self.spellings.update(counts.spellings)
        self.pairs.update(counts.pairs)

    def add_cues(self, counts) -> None:
        """(entity, type, cue, n) counts for entity_cues."""
        for key, kind, cue, n in counts:
            self.cues[key, kind, cue] += n

    def add_shapes(self, shapes: set, titles: set) -> None:
        """The passage shapes of one post, and which of them are its title's."""
        for shape in shapes:
            counts = self.shapes.setdefault(shape, [0, 0])
            counts[0] += 1
            counts[1] += shape in titles

    def add_words(self, written, compounds) -> None:
        """A post's written forms and katakana parts (pipeline.Lexicon.rows)."""
        self.written.update(written)
        self.compounds.update(compounds)

    def flush(self, conn) -> None:
        """Write what the posts added since the last flush."""
        conn.executemany(
            "INSERT OR IGNORE INTO written_forms (surface, term) VALUES (?, ?)",
            sorted(self.written),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO compound_parts (part, term, at) VALUES (?, ?, ?)",
            sorted(self.compounds),
        )
        conn.executemany(
            "INSERT INTO entity_posts (entity, post_id, date, mentions)"
            " VALUES (?, ?, ?, ?)",
            self.entity_posts,
        )
        conn.executemany(
            "INSERT INTO entity_totals (entity, mentions, passages, posts,"
            " first_date, last_date) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (entity) DO UPDATE SET"
            " mentions = mentions + excluded.mentions,"
            " passages = passages + excluded.passages,"
            " posts = posts + excluded.posts,"
            " first_date = coalesce(min(first_date, excluded.first_date),"
            " first_date, excluded.first_date),"
            " last_date = coalesce(max(last_date, excluded.last_date),"
            " last_date, excluded.last_date)",
            [(key, *total) for key, total in self.totals.items()],
        )
        upsert(
            conn,
            "entity_spellings (entity, name, type, surface, n)",
            "entity, name, type, surface",
            [(*key, n) for key, n in self.spellings.items()],
        )
        upsert(
            conn,
            "entity_pairs (entity, other, n)",
            "entity, other",
            [(*key, n) for key, n in self.pairs.items()],
        )
        upsert(
            conn,
            "entity_cues (entity, type, cue, n)",
            "entity, type, cue",
            [(*key, n) for key, n in self.cues.items()],
        )
        conn.executemany(
            "INSERT INTO shapes (shape, posts, titles) VALUES (?, ?, ?)"
            " ON CONFLICT (shape) DO UPDATE SET posts = posts + excluded.posts,"
            " titles = titles + excluded.titles",
            [(shape, *counts) for shape, counts in self.shapes.items()],
        )
        self.__init__()


def remove_post(conn, post_id: int) -> None:
    """Subtract a post that is still in the mentions and deals tables."""
    passages: dict[int, list] = {}
    for passage_id, *row in conn.execute(
        "SELECT passage_id, entity, name, type, surface FROM mentions"
        " WHERE post_id = ?",
        (post_id,),
    ):
        passages.setdefault(passage_id, []).append(row)
    figures = [
        (json.loads(keys), low, high, currency, per, kind, who)
        for keys, low, high, currency, per, kind, who in conn.execute(
            "SELECT entity_keys, min, max, currency, per, kind, parties FROM deals"
            " WHERE post_id = ?",
            (post_id,),
        )
    ]
    take_out(conn, post_id, count_post(list(passages.values()), figures))


def count_post(passages: list, figures: list) -> PostCounts:
    """passages: each passage's mention rows (entity key, name, type, surface,
    …); figures: (entity keys, min, max, currency, per, kind, parties as
    stored) of each figure."""
    mentions: Counter = Counter()
    spellings: Counter = Counter()
    pairs: Counter = Counter()
    naming: Counter = Counter()  # passages that name each entity
    for rows in passages:
        named = set()
        for key, name, kind, surface, *_ in rows:
            mentions[key] += 1
            spellings[key, name, kind, surface] += 1
            named.add(key)
        naming.update(named)
        for key in named:
            for other in named:
                if key < other:  # each pair once; queries/entities.py reads both ways
                    pairs[key, other] += 1
    tellings: Counter = Counter()
    for keys, low, high, currency, per, kind, parties in figures:
        deal = deal_of(low, high, currency, per, kind, parties)
        for key in set(keys):
            tellings[key, deal, currency, low or 0] += 1
    return PostCounts(mentions, spellings, pairs, naming, tellings)


def tell(conn, tellings: Counter, sign: int) -> None:
    """Count the tellings of deals in or out (entity_deal_tellings), and each
    deal in entity_deals when its first telling comes or its last goes."""
    deals: Counter = Counter()
    totals: Counter = Counter()
    for (key, deal, currency, low), n in tellings.items():
        (told,) = conn.execute(
            "INSERT INTO entity_deal_tellings (entity, deal, currency, low, tellings)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (entity, deal)"
            " DO UPDATE SET tellings = tellings + excluded.tellings"
            " RETURNING tellings",
            (key, deal, currency, low, sign * n),
        ).fetchone()
        if told == (n if sign > 0 else 0):
            deals[key, currency] += 1
            totals[key, currency] += low
    conn.executemany(
        "INSERT INTO entity_deals (entity, currency, figures, total)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (entity, currency)"
        " DO UPDATE SET figures = figures + excluded.figures,"
        " total = total + excluded.total",
        [(*key, sign * n, sign * totals[key]) for key, n in deals.items()],
    )


def take_out(conn, post_id, counts: PostCounts) -> None:
    """Take a post's counts out, at once (additions wait for a batch:
    Additions)."""
    mentions, spellings, pairs, naming, tellings = counts
    tell(conn, tellings, -1)
    conn.executemany(
        "DELETE FROM entity_posts WHERE entity = ? AND post_id = ?",
        [(key, post_id) for key in mentions],
    )
    conn.executemany(
        "UPDATE entity_totals SET mentions = mentions - ?,"
        " passages = passages - ?, posts = posts - 1,"
        " first_date = (SELECT min(date) FROM entity_posts WHERE entity = ?),"
        " last_date = (SELECT max(date) FROM entity_posts WHERE entity = ?)"
        " WHERE entity = ?",
        [(n, naming[key], key, key, key) for key, n in mentions.items()],
    )
    conn.execute("DELETE FROM entity_totals WHERE posts <= 0")
    upsert(
        conn,
        "entity_spellings (entity, name, type, surface, n)",
        "entity, name, type, surface",
        [(*key, -n) for key, n in spellings.items()],
    )
    upsert(
        conn,
        "entity_pairs (entity, other, n)",
        "entity, other",
        [(*key, -n) for key, n in pairs.items()],
    )
    conn.execute("DELETE FROM entity_spellings WHERE n <= 0")
    conn.execute("DELETE FROM entity_pairs WHERE n <= 0")
    conn.execute("DELETE FROM entity_deals WHERE figures <= 0")
    conn.execute("DELETE FROM entity_deal_tellings WHERE tellings <= 0")


def deal_of(low, high, currency, per, kind, parties: str) -> str:
    """One deal, however many posts tell it: the figures with the same amount,
    currency, unit, kind and parties (JSON, as stored), as `deals` groups them
    (queries/deals.py). Numbers as SQLite gives them back (NUMERIC: 6.0 is 6)."""
    low, high = (int(x) if isinstance(x, float) and x.is_integer() else x
                 for x in (low, high))  # fmt: skip
    return json.dumps([low, high, currency, per, kind, parties], ensure_ascii=False)


def upsert(conn, table: str, key: str, rows: list[tuple]) -> None:
    """Add each row's last column (n) to the row with the same key."""
    if not rows:
        return
    places = ", ".join("?" * len(rows[0]))
    conn.executemany(
        f"INSERT INTO {table} VALUES ({places}) ON CONFLICT ({key})"
        " DO UPDATE SET n = n + excluded.n",
        rows,
    )
