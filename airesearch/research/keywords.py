"""The words and entities over-represented in a period against a baseline: the
rest of the corpus, or the same number of days just before the period.

Counted in posts, not occurrences, so that one long post cannot dominate: each
post's distinct terms come from post_terms, each entity's posts from
entity_posts, so nothing is analysed again. For a word held by a of the c
period posts and b of the d baseline posts:

- G² (log-likelihood) of the 2×2 table [a, c-a; b, d-b], the ranking, as in
  Rayson and Garside's keyness and Dunning's test; 3.84, 6.63 and 10.83 are
  its 5 %, 1 % and 0.1 % critical values;
- log ratio = log2((a/c) / (b/d)), Hardie's effect size: +1 is twice as common
  in the period; a zero count counts as 0.5.

A word is a term of two or more characters with a kanji, katakana or Latin
letter, not all hiragana (function words: こと, する), not starting with a digit
(numbers, dates), and not one of the gazetteer's generic words (AI, GPU).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3

from airesearch.errors import AiresearchError
from airesearch.index import postings
from airesearch.index.post_terms import posts_per_term
from airesearch.index.sql import check_day, date_filter
from airesearch.index.template import not_template
from airesearch.models import Item, Keyword, ParsedQuery
from airesearch.queries.search import cut_snippet, match_offsets

BASELINES = ("rest", "previous")
KEYWORD_TYPES = ("all", "word", "entity")
LETTER = re.compile(r"[\u3400-\u9fff\u30a1-\u30fa\u30fc-\u30ffa-z]")
HIRAGANA = re.compile(r"[\u3041-\u309fー]+")
Period = tuple[str, str]  # first and last day, ISO


def keywords(
    conn: sqlite3.Connection,
    since: str,
    until: str | None = None,
    baseline: str = "rest",
    keyword_type: str = "all",
    top: int = 20,
    negative: bool = False,
    min_posts: int = 3,
    min_g2: float = 6.63,
    entities_file: str | None = None,
    with_boilerplate: bool = False,
) -> list[Keyword]:
    """The top words and entities of the period since..until (until: the last
    post's day), by G² (negative: those under-represented), each with one
    example from the period (negative: from the baseline). A post counts for a
    word or entity only through passages that are not boilerplate (the blog's
    template, index/template.py), unless with_boilerplate."""
    period, base = periods(conn, since, until, baseline)
    if keyword_type not in KEYWORD_TYPES:
        raise AiresearchError(f"--type must be one of {', '.join(KEYWORD_TYPES)}")
    if min_posts < 1 or top < 0:
        raise AiresearchError("--min-posts must be 1 or more and --top 0 or more")
    period_ids = post_ids(conn, period)
    if not period_ids:
        return []
    base_ids = post_ids(conn, base) if base else None
    total = conn.execute("SELECT count(*) FROM posts").fetchone()[0]
    c = len(period_ids)
    d = len(base_ids) if base_ids is not None else total - c
    if not d:
        raise AiresearchError(f"the baseline {describe(base)} holds no posts")
    counted = []
    if keyword_type in ("all", "entity"):
        counted += entity_counts(conn, period, base)
    if keyword_type in ("all", "word"):
        names = entity_spellings(conn) if keyword_type == "all" else set()
        counted += word_counts(conn, period_ids, base_ids, entities_file, names)

    def passes(a: int, b: int) -> bool:  # the test each row must pass below
        over = a * d > b * c
        return (over != negative and (b if negative else a) >= min_posts
                and log_likelihood(a, b, c, d) >= min_g2)  # fmt: skip

    if not with_boilerplate:
        counted = without_boilerplate(conn, counted, period_ids, base_ids)
    rows = [
        (log_likelihood(a, b, c, d), a, key, what, b)
        for key, what, a, b in counted
        if passes(a, b)
    ]
    rows.sort(key=lambda row: (-row[0], -row[1], row[2]))
    if keyword_type == "all":
        rows = uncovered(conn, rows, top)
    if top:
        rows = rows[:top]
    # the example: from the period, or for what fell out of use from the
    # baseline (the days before, or anywhere outside the period)
    span, outside = (base or period, base is None) if negative else (period, False)
    skip = not with_boilerplate
    return [
        keyword_row(conn, row, c, d, span, outside, skip)._replace(
            period=describe(period), baseline=describe(base) if base else "rest"
        )
        for row in rows
    ]


def periods(conn, since, until, baseline) -> tuple[Period, Period | None]:
    """The period (until: the last post's day) and the baseline period (None
    for the rest of the corpus)."""
    if baseline not in BASELINES:
        raise AiresearchError(f"--baseline must be one of {', '.join(BASELINES)}")
    check_day(since, "--since")
    if until is None:
        (until,) = conn.execute("SELECT max(substr(date, 1, 10)) FROM posts").fetchone()
        until = max(until or since, since)
    check_day(until, "--until")
    if until < since:
        raise AiresearchError(f"--until {until} is before --since {since}")
    if baseline == "rest":
        return (since, until), None
    first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    before = first - dt.timedelta(days=1)
    start = before - (last - first)
    return (since, until), (start.isoformat(), before.isoformat())


def describe(period: Period | None) -> str:
    return f"{period[0]}..{period[1]}" if period else "the rest of the corpus"


def post_ids(conn, period: Period) -> list[int]:
    dated, params = date_filter(*period)
    return [
        post_id
        for (post_id,) in conn.execute(
            f"SELECT id FROM posts WHERE {' AND '.join(dated)}", params
        )
    ]


def without_boilerplate(conn, counted, period_ids, base_ids) -> list:
    """The counts less the posts that hold a word or an entity only in
    boilerplate passages."""
    from airesearch.index.template import template_share, term_losses

    period = set(period_ids)
    base = set(base_ids) if base_ids is not None else None
    words = {key for key, what, _, _ in counted if what == "word"}
    terms = term_losses(conn, words.__contains__)
    lost = {("word", term): posts for term, posts in terms.items()}
    lost |= {
        ("entity", key): posts
        for key, posts in template_share(conn).lost_posts().items()
    }
    if not lost:
        return counted
    fixed = []
    for key, what, a, b in counted:
        posts = lost.get((what, key))
        if posts:
            in_period = len(posts & period)
            in_base = len(posts & base) if base is not None else len(posts) - in_period
            a, b = a - in_period, b - in_base
        fixed.append((key, what, a, b))
    return fixed


def entity_counts(conn, period: Period, base: Period | None) -> list[tuple]:
    """(entity key, "entity", period posts, baseline posts) of every entity;
    against the rest, the baseline's are the entity's posts less the period's."""

    def in_range(span: Period) -> dict[str, int]:
        dated, params = date_filter(*span, "entity_posts")
        return dict(
            conn.execute(
                "SELECT entity, count(*) FROM entity_posts"
                f" WHERE {' AND '.join(dated)} GROUP BY entity",
                params,
            )
        )

    in_period = in_range(period)
    if base is None:
        return [
            (key, "entity", in_period.get(key, 0), posts - in_period.get(key, 0))
            for key, posts in conn.execute("SELECT entity, posts FROM entity_totals")
        ]
    in_base = in_range(base)
    return [
        (key, "entity", in_period.get(key, 0), in_base.get(key, 0))
        for key in in_period.keys() | in_base.keys()
    ]


def word_counts(conn, period_ids, base_ids, entities_file, names) -> list[tuple]:
    """(term, "word", period posts, baseline posts) of every word (see the
    module docstring); against the rest, the baseline's are the term's posts
    less the period's; names: terms left out."""
    from airesearch.ingest.gazetteer import load_gazetteer
    from airesearch.tokens import stem

    generic = {stem(word) for word in load_gazetteer(entities_file).generic} | names
    in_period = posts_per_term(conn, period_ids)
    in_base = posts_per_term(conn, base_ids) if base_ids is not None else None
    found = []
    for term_id, term, posts in conn.execute("SELECT id, term, posts FROM vocabulary"):
        if not is_word(term) or term in generic:
            continue
        a = in_period.get(term_id, 0)
        if in_base is None:
            found.append((term, "word", a, posts - a))
        elif a or term_id in in_base:
            found.append((term, "word", a, in_base.get(term_id, 0)))
    return found


def is_word(term: str) -> bool:
    return (
        len(term) >= 2
        and not term[0].isdigit()
        and LETTER.search(term) is not None
        and not HIRAGANA.fullmatch(term)
    )


def entity_spellings(conn) -> set[str]:
    """Terms that spell an entity (NVIDIA, エヌビディア): with --type all, the
    entity's row stands for them."""
    from airesearch.tokens import name_key, stem

    return {
        stem(name_key(surface))
        for (surface,) in conn.execute("SELECT DISTINCT surface FROM entity_spellings")
    }


def uncovered(conn, rows: list[tuple], top: int) -> list[tuple]:
    """The rows less the words that are part of an entity's name and hold the
    same posts as that entity (シリコン beside シリコンバレー); top: enough rows
    kept (0: all)."""
    from airesearch.tokens import name_key

    counts = {key: (a, b) for _, a, key, what, b in rows if what == "entity"}
    spellings = [
        (name_key(surface), key)
        for key, surface in conn.execute(
            "SELECT DISTINCT entity, surface FROM entity_spellings"
        )
        if key in counts
    ]
    kept = []
    for row in rows:
        _, a, term, what, b = row
        if what == "word" and any(
            term in spelling and counts[key] == (a, b) for spelling, key in spellings
        ):
            continue
        kept.append(row)
        if top and len(kept) == top:
            break
    return kept


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """G² of the 2×2 table: a of c posts in the period, b of d in the baseline."""
    n = c + d
    # (observed, its row total, its column total) of each cell
    observed = (
        (a, c, a + b), (c - a, c, n - a - b), (b, d, a + b), (d - b, d, n - a - b)
    )  # fmt: skip
    return 2 * sum(
        o * math.log(o * n / (row * column)) for o, row, column in observed if o
    )


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    return math.log2(((a or 0.5) / c) / ((b or 0.5) / d))


def keyword_row(conn, row: tuple, c: int, d: int, span, outside, skip=False):
    """One Keyword (its period and baseline left blank), with an example from
    the posts of span (outside: from the posts outside it)."""
    score, a, key, what, b = row
    if what == "entity":
        from airesearch.queries.entity_lookup import display_names

        name, entity_type = display_names(conn, [key])[key]
        example = entity_example(conn, key, span, outside, skip)
    else:
        name, entity_type = key, None
        example = word_example(conn, key, span, outside, skip)
    return Keyword(
        name, what, entity_type, a, b, c, d, "", "", round(score, 2),
        round(log_ratio(a, b, c, d), 2), *example,
    )  # fmt: skip


def word_example(conn, term: str, span: Period, outside: bool, skip=False) -> tuple:
    """(path, title, date, snippet, snippet_matches) of the passage that holds
    term best (bm25) among the posts of span (or outside it); skip: not a
    boilerplate passage."""
    query = ParsedQuery([[Item(term, ((term,),))]])
    dated, dates = date_filter(*span, outside=outside)
    selection = postings.Selection(query, dated, dates, skip)
    row = postings.best_passage(conn, selection)
    if not row:
        return None, None, None, None, []
    text, path, title, day = row.text, row.path, row.title, row.date
    return (path, title, day, *cut_snippet(text, match_offsets(text, {(term,)})))


def entity_example(conn, key: str, span: Period, outside: bool, skip=False) -> tuple:
    """The same for an entity: its first mention in the post of span (or
    outside it) that names it most (skip: outside boilerplate passages)."""
    template = f" AND {not_template('mentions.passage_id')}" if skip else ""
    dated, dates = date_filter(*span, "entity_posts", outside=outside)
    posts = conn.execute(
        "SELECT post_id FROM entity_posts WHERE entity = ? AND"
        f" {' AND '.join(dated)} ORDER BY mentions DESC, post_id",
        (key, *dates),
    )
    for (post_id,) in posts:
        row = conn.execute(
            "SELECT unpack_text(passages.text), mentions.start, mentions.end,"
            " posts.path,"
            " posts.title, posts.date FROM mentions"
            " JOIN passages ON passages.id = mentions.passage_id"
            " JOIN posts ON posts.id = mentions.post_id"
            f" WHERE mentions.post_id = ? AND mentions.entity = ?{template}"
            " ORDER BY mentions.passage_id, mentions.start LIMIT 1",
            (post_id, key),
        ).fetchone()
        if row:
            text, start, end, path, title, day = row
            return (path, title, day, *cut_snippet(text, [[start, end]]))
    return None, None, None, None, []
