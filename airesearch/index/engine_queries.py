"""Tantivy queries from our parsed queries, and the hits they collect: what
postings.py asks the engine (engine.py's indexes). tantivy is imported in
each function, so that a command that never searches never loads it.
"""

from __future__ import annotations


def phrase_query(schema, weights, terms) -> object:
    """One term sequence (a term, or a phrase of several), in any of the
    weighted fields."""
    import tantivy

    Query = tantivy.Query
    clauses = []
    for field_name, weight in weights:
        if len(terms) == 1:
            query = Query.term_query(schema, field_name, terms[0])
        else:
            query = Query.phrase_query(schema, field_name, list(terms))
        if weight != 1.0:
            query = Query.boost_query(query, weight)
        clauses.append((tantivy.Occur.Should, query))
    return Query.boolean_query(clauses)


def item_query(schema, weights, item) -> object:
    """A query word: any of the phrases that spell it, or of its alternatives."""
    forms = [phrase_query(schema, weights, p) for p in item.phrases]
    forms += [item_query(schema, weights, a) for a in item.alternatives]
    return anyof(forms)


def anyof(queries: list) -> object:
    import tantivy

    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def query_of(schema, weights, query) -> object:
    """ParsedQuery's groups: every group, each any of its items."""
    import tantivy

    groups = [
        anyof([item_query(schema, weights, i) for i in group]) for group in query.groups
    ]
    if len(groups) == 1:
        return groups[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, g) for g in groups])


def filtered(schema, query, keep=None, drop=(), drop_field="post"):
    """query, only on posts in keep (None: all), none in drop (ids of
    drop_field)."""
    import tantivy

    Query, Occur = tantivy.Query, tantivy.Occur
    clauses = [(Occur.Must, query)]
    if keep is not None:
        clauses.append((Occur.Must, Query.term_set_query(schema, "post", list(keep))))
    if drop:
        clauses.append(
            (Occur.MustNot, Query.term_set_query(schema, drop_field, list(drop)))
        )
    return query if len(clauses) == 1 else Query.boolean_query(clauses)


def id_set(schema, field_name: str, ids: list[int]):
    """The documents whose field_name is one of ids."""
    import tantivy

    return tantivy.Query.term_set_query(schema, field_name, ids)


def minus(query, dropped):
    """query, less the documents dropped matches."""
    import tantivy

    Occur = tantivy.Occur
    return tantivy.Query.boolean_query([(Occur.Must, query), (Occur.MustNot, dropped)])


def all_values(searcher, query, field_name: str) -> list[int]:
    """The field of every document that matches, in ascending order."""
    import tantivy

    count = searcher.search(query, limit=1).count
    if not count:
        return []
    result = searcher.search(
        query, limit=count, order_by_field=field_name, order=tantivy.Order.Asc
    )
    return [key for key, _ in result.hits]


def scored_hits(searcher, query, field_name: str, limit: int) -> list[tuple]:
    """(score, value of field_name) of the best limit hits (0: all)."""
    if limit <= 0:
        limit = searcher.search(query, limit=1).count
        if not limit:
            return []
    # No count: with a count tantivy must visit every match; without, a top-k
    # of terms skips the blocks that cannot enter it (block-max WAND).
    hits = searcher.search(query, limit=limit, count=False).hits
    values = searcher.fast_field_values(field_name, [address for _, address in hits])
    return [(score, value) for (score, _), value in zip(hits, values, strict=True)]
