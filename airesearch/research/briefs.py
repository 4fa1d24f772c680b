"""A research brief on one entity or one query, from the index: headline
figures, the trend by month, the key sentences of each month, the money
figures, and the main partners. brief_pages.py writes it as Markdown or HTML.

Key sentences are chosen by continuous LexRank (Erkan and Radev): the
sentences of a month that name the entity (or match the query) are compared by
the cosine of their character-bigram TF-IDF vectors (Japanese needs no word
cuts for this), and ranked by the stationary distribution of a random walk over
those similarities, so that a sentence central to what the month's posts say
comes first. Sentences at least NEAR_DUPLICATE alike are one (this corpus
repeats paragraphs across posts): the longest is quoted, with how many posts
repeat it.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter, namedtuple

from airesearch.errors import AiresearchError
from airesearch.index import postings
from airesearch.index.schema import post_of
from airesearch.index.sql import rows_for
from airesearch.index.template import not_template
from airesearch.ingest.passages import sentence_of, sentence_spans
from airesearch.models import Brief, SearchRequest
from airesearch.queries.search import match_offsets, parse_request

NEAR_DUPLICATE = 0.85  # cosine at or above which two sentences are one
PREFIX_CHARS = 10  # a sentence this long that starts another is the same one
PER_MONTH = 3  # key sentences quoted per month
CANDIDATES = 120  # sentences ranked per month, most relevant posts first
DAMPING = 0.85
PARTNERS = 10

Candidate = namedtuple("Candidate", "sentence path title date weight")


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
    from airesearch.index.template import entity_losses
    from airesearch.queries.deals import deals
    from airesearch.queries.entities import co_mentions, without_losses
    from airesearch.queries.entity_lookup import display_names
    from airesearch.research.trends import trend

    skip = not with_boilerplate
    losses = entity_losses(conn) if skip else {}
    name, kind = display_names(conn, [key])[key]
    totals = conn.execute(
        "SELECT entity, mentions, posts, first_date, last_date FROM entity_totals"
        " WHERE entity = ?",
        (key,),
    ).fetchall()
    _, mentions, posts, first, last = without_losses(conn, totals, losses, [], [])[0]
    return Brief(
        subject=name, kind="entity", name=name, type=kind, mentions=mentions,
        posts=posts, first_date=first, last_date=last,
        months=months_of(trend(conn, entities=[key], with_boilerplate=not skip)),
        key_sentences=key_sentences(entity_sentences(conn, key, skip)),
        deals=deals(conn, rates, entity=key, top=15, with_boilerplate=not skip),
        partners=co_mentions(conn, [key], limit=PARTNERS, losses=losses).get(key, []),
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


def key_sentences(candidates: list[Candidate]) -> list[dict]:
    """The PER_MONTH most central sentences of each month (see the module
    docstring), months in order."""
    by_month: dict[str, dict[str, list]] = {}
    for c in candidates:
        if len(c.sentence) < 8:
            continue
        month = (c.date or "undated")[:7]
        by_month.setdefault(month, {}).setdefault(c.sentence, []).append(c)
    chosen = []
    for month in sorted(by_month):
        sentences = by_month[month]
        # most relevant posts first, then longer sentences; repeats counted once
        ranked = sorted(
            sentences.values(),
            key=lambda group: (-max(c.weight for c in group), -len(group[0].sentence)),
        )[:CANDIDATES]
        weighed = [
            (score * news_weight(group[0].sentence), group)
            for score, group in lexrank(ranked)
        ]
        weighed.sort(key=lambda item: -item[0])
        for score, group in weighed[:PER_MONTH]:
            first = min(group, key=lambda c: (c.date or "", c.path))
            chosen.append({
                "month": month, "sentence": first.sentence, "path": first.path,
                "title": first.title, "date": first.date, "score": round(score, 4),
                "posts": len({c.path for c in group}),
            })  # fmt: skip
    return chosen


# What a sentence carries, as factors of its LexRank centrality (news_weight):
# a researcher wants who did what, with which figure, when, not the author's
# questions and opinions.
MONEY_WEIGHT = 1.5  # a money figure (money.py)
NUMBER_WEIGHT = 1.2  # a date, a count or a share: 2026年, 10万基, 40%
NAMES_WEIGHT = 1.2  # two or more names (capitalised Latin or katakana ・ names)
QUESTION_WEIGHT = 0.5  # ends as a question: ？, でしょうか, のか
OPINION_WEIGHT = 0.5  # the author's view: 私は, 考えています, 思います
NUMBER = re.compile(r"\d")
NAME = re.compile(r"[A-Z][A-Za-z0-9]+|[\u30a1-\u30fa]+・[\u30a1-\u30fa]+")
QUESTION = re.compile(r"(?:[?？]|でしょうか|のか|ですか)[」』）)]*[。!！]?$")
OPINION = re.compile(
    "私は|私が|私自身|私たち|個人的に|と考えています|と考える|と思います|と思う|と感じ"
    "|と期待して|ではないでしょうか|べきでしょう"
)


def news_weight(sentence: str) -> float:
    """How much news a sentence carries: a money figure, numbers, names; a
    question or a first-person opinion weighs half (see the factors above)."""
    from airesearch.ingest.money import find_money
    from airesearch.tokens import normalize

    normal = normalize(sentence).strip()
    weight = 1.0
    if find_money(normal):
        weight *= MONEY_WEIGHT
    elif NUMBER.search(normal):
        weight *= NUMBER_WEIGHT
    if len(set(NAME.findall(normal))) >= 2:
        weight *= NAMES_WEIGHT
    if QUESTION.search(normal):
        weight *= QUESTION_WEIGHT
    if OPINION.search(normal):
        weight *= OPINION_WEIGHT
    return weight


def bigram_vectors(texts: list[str]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of character bigrams."""
    counts = [Counter(t[i : i + 2] for i in range(len(t) - 1)) for t in texts]
    documents = Counter(gram for c in counts for gram in c)
    n = len(texts)
    vectors = []
    for c in counts:
        vector = {
            g: k * math.log((1 + n) / (1 + documents[g])) + k for g, k in c.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({g: v / norm for g, v in vector.items()})
    return vectors


def cosine(a: dict, b: dict) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(g, 0.0) for g, v in a.items())


def lexrank(groups: list[list[Candidate]]) -> list[tuple[float, list]]:
    """(score, sentences) best first; near-duplicates merged into one group."""
    vectors = bigram_vectors([group[0].sentence for group in groups])
    n = len(groups)
    similar = [[0.0] * n for _ in range(n)]
    merged = list(range(n))  # each group's representative
    texts = [group[0].sentence.rstrip("、,… ") for group in groups]
    for i in range(n):
        similar[i][i] = 1.0
        for j in range(i + 1, n):
            value = cosine(vectors[i], vectors[j])
            similar[i][j] = similar[j][i] = value
            # a sentence cut short is the same sentence: its bigram vector is
            # shorter, so the cosine alone misses it
            cut = min(len(texts[i]), len(texts[j])) >= PREFIX_CHARS and (
                texts[i].startswith(texts[j]) or texts[j].startswith(texts[i])
            )
            if (value >= NEAR_DUPLICATE or cut) and merged[j] == j:
                merged[j] = merged[i]
    keep = [i for i in range(n) if merged[i] == i]
    members = {
        i: [c for j in range(n) if merged[j] == i for c in groups[j]] for i in keep
    }
    sums = {i: sum(similar[i][j] for j in keep) or 1.0 for i in keep}
    score = {i: 1.0 / len(keep) for i in keep} if keep else {}
    for _ in range(50):  # power iteration of the damped random walk
        following = {
            i: (1 - DAMPING) / len(keep)
            + DAMPING * sum(similar[j][i] / sums[j] * score[j] for j in keep)
            for i in keep
        }
        done = max(abs(following[i] - score[i]) for i in keep) < 1e-6
        score = following
        if done:
            break
    # the longest of near-duplicates is the one quoted
    ranked = []
    for i in keep:
        group = sorted(members[i], key=lambda c: -len(c.sentence))
        ranked.append((score[i], group))
    ranked.sort(key=lambda item: -item[0])
    return ranked


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
