"""Which passages and posts match a query, and how well: the one reader that
knows where the postings live (the tantivy indexes of engine.py, written by
storage.py; the queries built in engine_queries.py). search, kwic, trend,
keywords and brief all ask here; replacing the engine changes these modules
and the writer, nothing else.

A Selection is what to match: a parsed query (models.ParsedQuery: ANDed groups
of ORed items, each item the term sequences that spell it, and the items whose
posts are excluded) and SQL conditions on the `posts` table (dates, labels,
entities) with their parameters. Every answer is a list of plain rows.

Matching is by passage: every group of the query must match in one passage.
Ranking posts is by the whole post (its post document: title, headings and
body, each with its own BM25 length normalisation, weighted POST_WEIGHTS, the
blog's template left out), so that a post about a word comes before a post
that names it once in a heading or a link.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, namedtuple

from airesearch.errors import damaged_index
from airesearch.index import engine
from airesearch.index.engine_queries import (
    all_values,
    anyof,
    filtered,
    item_query,
    query_of,
    scored_hits,
)
from airesearch.index.meta import generation, index_file
from airesearch.index.packed_text import unpack
from airesearch.index.schema import post_of

HEAD_WEIGHT = 4.0  # a passage's BM25 weight of titles and headings against body
POST_WEIGHTS = (("title", 4.0), ("heading", 2.0), ("body", 1.0))
PASSAGE_WEIGHTS = (("head", HEAD_WEIGHT), ("body", 1.0))
# Hits fetched beyond the limit, so that posts tied at the limit are ordered
# by path like the rest.
TIE_MARGIN = 20
# Hits fetched by best_passage before it drops the template's (see there).
TEMPLATE_MARGIN = 100

# skip: leave out the blog's template (template.py), for the research views.
Selection = namedtuple(
    "Selection", "query conditions params skip", defaults=((), (), False)
)

# A matching passage with its post: what kwic, brief and examples read.
PassageRow = namedtuple("PassageRow", "passage_id seq text post_id path title date")
# The engine of one index generation: its two tantivy indexes, their searchers.
Engine = namedtuple("Engine", "passages posts passage_searcher post_searcher")
ENGINES: dict[str, Engine] = {}


def engine_of(conn: sqlite3.Connection) -> Engine:
    """The engine folder this index names, opened once per process (a
    generation's folder never changes once named). A missing or damaged one
    is a damaged index."""
    file = index_file(conn)
    for attempt in (1, 2):  # an update may swap generations in between
        name = engine.current_folder(conn)
        if name is None:
            raise damaged_index(ValueError("no engine folder named"), file)
        folder = engine.folder_for(file, name)
        if folder in ENGINES:
            return ENGINES[folder]
        try:
            indexes = engine.open_indexes(folder)
            found = Engine(
                indexes[engine.PASSAGES],
                indexes[engine.POSTS],
                indexes[engine.PASSAGES].searcher(),
                indexes[engine.POSTS].searcher(),
            )
        except (ValueError, OSError) as error:
            if attempt == 2:
                raise damaged_index(error, file) from None
            continue
        ENGINES[folder] = found
        return found
    raise AssertionError("unreachable")


class Matcher:
    """One selection against one engine: the tantivy queries and the post
    filters (conditions, exclusions, the template) it needs, each made once."""

    def __init__(self, conn: sqlite3.Connection, selection: Selection) -> None:
        self.conn = conn
        self.selection = selection
        self.engine = engine_of(conn)
        self.passage_schema = self.engine.passages.schema
        self.passage_query = query_of(
            self.passage_schema, PASSAGE_WEIGHTS, selection.query
        )

    def excluded_posts(self) -> set[int]:
        """Posts with a passage that matches an excluded item."""
        if not self.selection.query.excluded:
            return set()
        query = anyof(
            [
                item_query(self.passage_schema, PASSAGE_WEIGHTS, item)
                for item in self.selection.query.excluded
            ],
        )
        return set(all_values(self.engine.passage_searcher, query, "post"))

    def allowed_posts(self) -> set[int] | None:
        """Posts that meet the selection's SQL conditions (None: no
        conditions): a doc-set the engine filters by."""
        if not self.selection.conditions:
            return None
        where = " AND ".join(self.selection.conditions)
        rows = self.conn.execute(
            f"SELECT id FROM posts WHERE {where}", list(self.selection.params)
        )
        return {post_id for (post_id,) in rows}

    def passages_matching(self, with_conditions: bool = True, skip=None):
        """The passage query with every filter of the selection (skip: leave
        the template out; default: as the selection says)."""
        keep = self.allowed_posts() if with_conditions else None
        query = filtered(
            self.passage_schema,
            self.passage_query,
            keep,
            self.excluded_posts(),
        )
        if self.selection.skip if skip is None else skip:
            query = without_template(self.conn, self.passage_schema, query)
        return query


# The template's passage ids and the query that leaves them out, for one index
# generation: a view asks the engine a dozen times.
TEMPLATES: dict[tuple, tuple] = {}


def template_of(conn: sqlite3.Connection, schema) -> tuple[frozenset, object]:
    """(the boilerplate passage ids, the engine query that matches them or
    None)."""
    from airesearch.index.engine_queries import id_set

    stamp = generation(conn)
    if stamp not in TEMPLATES:
        TEMPLATES.clear()
        ids = [row[0] for row in conn.execute("SELECT id FROM boilerplate")]
        TEMPLATES[stamp] = (
            frozenset(ids),
            id_set(schema, "passage", ids) if ids else None,
        )
    return TEMPLATES[stamp]


def without_template(conn: sqlite3.Connection, schema, query):
    """query less the boilerplate passages."""
    from airesearch.index.engine_queries import minus

    template = template_of(conn, schema)[1]
    return query if template is None else minus(query, template)


def ranked(
    conn: sqlite3.Connection, selection: Selection, per_post: bool, limit: int = 0
) -> list[tuple[int, float, int]]:
    """(passage id, score, matching passages) best first, higher scores better:
    with per_post, one row per post (its best passage and how many of its
    passages match), scored by its post document (POST_WEIGHTS), posts whose
    only matches are the blog's template last; without, passages by their
    own BM25 (titles and headings weighted HEAD_WEIGHT). Ties by path, so
    output is reproducible. limit 0: all."""
    matcher = Matcher(conn, selection._replace(skip=False))
    if not per_post:
        return ranked_passages(matcher, limit)
    return ranked_posts(matcher, limit)


def ranked_passages(matcher: Matcher, limit: int) -> list[tuple[int, float, int]]:
    fetch = limit + TIE_MARGIN if limit else 0
    hits = scored_hits(
        matcher.engine.passage_searcher, matcher.passages_matching(), "passage", fetch
    )
    paths = post_paths(matcher.conn, {post_of(pid) for _, pid in hits})
    hits.sort(key=lambda hit: (-round(hit[0], 5), paths[post_of(hit[1])], hit[1]))
    if limit:
        hits = hits[:limit]
    return [(pid, score, 1) for score, pid in hits]


def ranked_posts(matcher: Matcher, limit: int) -> list[tuple[int, float, int]]:
    conn = matcher.conn
    searcher = matcher.engine.passage_searcher
    post_schema = matcher.engine.posts.schema
    post_query = query_of(post_schema, POST_WEIGHTS, matcher.selection.query)
    keep = matcher.allowed_posts()
    excluded = matcher.excluded_posts()
    # A post's document matches a query of several groups when its passages
    # do together; matching is by passage, so those posts come from there.
    matching = None
    if len(matcher.selection.query.groups) > 1:
        matching = set(all_values(searcher, matcher.passage_query, "post"))
        keep = matching if keep is None else keep & matching
    query = filtered(post_schema, post_query, keep, excluded)
    fetch = limit + TIE_MARGIN if limit else 0
    hits = scored_hits(matcher.engine.post_searcher, query, "post", fetch)
    found = {post_id for _, post_id in hits}
    if not limit or len(found) < limit:
        # Posts whose only matches are the template: not in their documents.
        if matching is None:
            matching = set(all_values(searcher, matcher.passage_query, "post"))
        rest = matching - found - excluded
        if keep is not None:
            rest &= keep
        hits += [(0.0, post_id) for post_id in rest]
    paths = post_paths(conn, {post_id for _, post_id in hits})
    hits.sort(key=lambda hit: (-round(hit[0], 5), paths[hit[1]]))
    if limit:
        hits = hits[:limit]
    best = best_passages(matcher, [post_id for _, post_id in hits])
    return [
        (best[post_id][0], score, best[post_id][1])
        for score, post_id in hits
        if post_id in best
    ]


def best_passages(matcher: Matcher, post_ids: list[int]) -> dict[int, tuple[int, int]]:
    """post id -> (its best matching passage, its matching passages): the best
    by BM25, one of the template only when nothing else in it matches."""
    if not post_ids:
        return {}
    query = filtered(matcher.passage_schema, matcher.passage_query, post_ids)
    hits = scored_hits(matcher.engine.passage_searcher, query, "passage", 0)
    template = {
        pid
        for (pid,) in matcher.conn.execute(
            "SELECT id FROM boilerplate WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([pid for _, pid in hits]),),
        )
    }
    counts = Counter(post_of(pid) for _, pid in hits)
    best: dict[int, tuple] = {}
    for score, pid in hits:
        key = (pid not in template, round(score, 5), -pid)
        post_id = post_of(pid)
        if post_id not in best or key > best[post_id][0]:
            best[post_id] = (key, pid)
    return {post_id: (pid, counts[post_id]) for post_id, (_, pid) in best.items()}


def post_paths(conn: sqlite3.Connection, post_ids: set[int]) -> dict[int, str]:
    return dict(
        conn.execute(
            "SELECT id, path FROM posts WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(post_ids)),),
        )
    )


# The text packed (packed_text): a reader that sorts or stops early unpacks
# only the rows it takes (passage_row).
PASSAGE_ROWS = (
    "SELECT passages.id, passages.seq, passages.text, posts.id, posts.path,"
    " posts.title, posts.date FROM passages"
    " JOIN posts ON posts.id = passages.post_id"
    " WHERE passages.id IN (SELECT value FROM json_each(?))"
)


def passage_row(row: tuple) -> PassageRow:
    passage_id, seq, packed, *post = row
    return PassageRow(passage_id, seq, unpack(packed), *post)


def passages(conn: sqlite3.Connection, selection: Selection, newest_first=False):
    """Every matching passage as a PassageRow, lazily: in passage id order, or
    newest post first (undated last), then by path and position, so that a
    reader can stop after the first few."""
    matcher = Matcher(conn, selection)
    ids = all_values(
        matcher.engine.passage_searcher,
        matcher.passages_matching(with_conditions=False),
        "passage",
    )
    conditions = "".join(f" AND {c}" for c in selection.conditions)
    order = (
        " ORDER BY coalesce(posts.date, '') DESC, posts.path, passages.seq"
        if newest_first
        else " ORDER BY passages.id"
    )
    cursor = conn.execute(
        PASSAGE_ROWS + conditions + order, [json.dumps(ids), *selection.params]
    )
    return map(passage_row, cursor)


def best_passage(conn: sqlite3.Connection, selection: Selection) -> PassageRow | None:
    """The passage that holds the query best (BM25, titles weighted as in
    search)."""
    matcher = Matcher(conn, selection)
    searcher = matcher.engine.passage_searcher
    hits = None
    if selection.skip:
        # Asked without the template's exclusion (a large set of ids, costly
        # to the engine) and the template's hits dropped here: the same answer
        # whenever the best hit that is not the template, and every hit tied
        # with it, are among those fetched.
        fetched = scored_hits(
            searcher, matcher.passages_matching(skip=False), "passage",
            TEMPLATE_MARGIN,
        )  # fmt: skip
        template = template_of(conn, matcher.passage_schema)[0]
        kept = [hit for hit in fetched if hit[1] not in template][:TIE_MARGIN]
        last = round(min((s for s, _ in fetched), default=0), 5)
        if len(fetched) < TEMPLATE_MARGIN or (
            kept and round(max(s for s, _ in kept), 5) > last
        ):
            hits = kept
    if hits is None:
        hits = scored_hits(searcher, matcher.passages_matching(), "passage", TIE_MARGIN)
    if not hits:
        return None
    top = round(max(score for score, _ in hits), 5)
    passage_id = min(pid for score, pid in hits if round(score, 5) == top)
    row = conn.execute(PASSAGE_ROWS, (json.dumps([passage_id]),)).fetchone()
    return passage_row(row) if row else None


def per_post(conn: sqlite3.Connection, selection: Selection) -> list[tuple]:
    """(post id, post date, matching passages) for every post that matches."""
    matcher = Matcher(conn, selection)
    counts = Counter(
        all_values(
            matcher.engine.passage_searcher,
            matcher.passages_matching(with_conditions=False),
            "post",
        )
    )
    conditions = "".join(f" AND {c}" for c in selection.conditions)
    rows = conn.execute(
        "SELECT id, date FROM posts WHERE id IN (SELECT value FROM json_each(?))"
        + conditions,
        [json.dumps(sorted(counts)), *selection.params],
    )
    return [(post_id, day, counts[post_id]) for post_id, day in rows]


def post_ids(conn: sqlite3.Connection, selection: Selection) -> set[int]:
    """The ids of the posts that match (the selection's conditions on posts
    left aside: only the query and skip)."""
    matcher = Matcher(conn, selection._replace(conditions=(), params=()))
    query = selection.query
    if selection.skip and len(query.groups) == 1 and not query.excluded:
        # A post's document holds every passage but the template's, kept apart
        # (engine.SEPARATOR): one group matches there exactly when it matches
        # a passage outside the template. A post, not a passage, per hit.
        posts = matcher.engine.posts
        post_query = query_of(posts.schema, POST_WEIGHTS, query)
        return set(all_values(matcher.engine.post_searcher, post_query, "post"))
    return set(
        all_values(matcher.engine.passage_searcher, matcher.passages_matching(), "post")
    )


def has_term(conn: sqlite3.Connection, term: str) -> bool:
    """Whether any passage holds this analysed term."""
    row = conn.execute("SELECT 1 FROM vocabulary WHERE term = ?", (term,))
    return row.fetchone() is not None


def engine_bytes(conn: sqlite3.Connection) -> int:
    """The size of the engine folder this index names."""
    file = index_file(conn)
    name = engine.current_folder(conn)
    return engine.folder_bytes(engine.folder_for(file, name)) if name else 0


def engine_documents(conn: sqlite3.Connection) -> dict[str, int]:
    """How many passage and post documents the engine holds (deletes applied)."""
    found = engine_of(conn)
    return {
        engine.PASSAGES: found.passage_searcher.num_docs,
        engine.POSTS: found.post_searcher.num_docs,
    }
