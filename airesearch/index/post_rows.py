"""What one analysed post becomes in the index, computed where the analysis
runs (a local worker process or a Dask worker), so that the one writer only
merges: the JSON and compressed columns, the post's distinct terms, the
figures' rows, the cue counts, the entity aggregates of the post, and its
passages held for the post's engine document. Nothing here depends on another
post or on the ids the writer gives (passage ids are made from seq there).
storage.store_file writes a PostRows; pipeline.analyse_files and
cluster.analyse_on_cluster call prepare in their workers.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter, namedtuple

from airesearch.index.aggregates import PostCounts, count_post
from airesearch.index.packed_text import pack
from airesearch.index.schema import MAX_PASSAGES, label_key

# Plain tuples, lists and dicts only (what the worker sends is pickled and
# unpickled by the writer: a namedtuple per mention costs the writer more).
# post: the posts row's columns from path to warnings (tags, categories,
# metadata ready); labels: (field, value) of its tags and categories;
# passages: (seq, kind, text packed by packed_text.pack); shapes: each
# passage's shape; held: the passages' (seq, kind, analysed text), compressed
# (the engine's documents are written from it); mentions: (seq, entity, name,
# type, surface, start, end, sentence_start, sentence_end, cue_before,
# cue_after); figure_rows: the figures table's columns after post_id and
# passage_id, seq first; terms: the post's distinct terms; cue_counts:
# (entity, type, cue, n) of its mentions; term_cues: (generic key, cue, n),
# and the same compressed; counts: aggregates.PostCounts; written, compounds:
# for query expansion.
PostRows = namedtuple(
    "PostRows",
    "post labels passages shapes held mentions figure_rows terms cue_counts"
    " term_cues term_cues_blob counts written compounds events",
)


def cue_counts(mentions) -> list[tuple]:
    """(entity, type, "<cue" | ">cue", n) of mention rows (models.MentionRow),
    as entity_cues counts them."""
    counts: Counter = Counter()
    for m in mentions:
        if m.cue_before:
            counts[m.key, m.type, "<" + m.cue_before] += 1
        if m.cue_after:
            counts[m.key, m.type, ">" + m.cue_after] += 1
    return [(*key, n) for key, n in counts.items()]


def prepare(outcome):
    """pipeline.analyse_post's answer as PostRows (a skip reason stays as it is)."""
    if isinstance(outcome, str):
        return outcome
    post, texts, figures, (written, compounds), shapes, term_cues, events = outcome
    warnings = list(post.warnings)
    if len(post.passages) > MAX_PASSAGES:
        warnings.append(f"only the first {MAX_PASSAGES} passages are indexed")
    passages = post.passages[:MAX_PASSAGES]
    texts = texts[:MAX_PASSAGES]
    figures = [item for item in figures if item[0] < MAX_PASSAGES]
    dumps = json.dumps
    row = (
        post.path, post.title, post.date,
        dumps(post.tags, ensure_ascii=False),
        dumps(post.categories, ensure_ascii=False),
        zlib.compress(dumps(post.metadata, ensure_ascii=False).encode(), 9),
        post.dropped, dumps(warnings, ensure_ascii=False),
    )  # fmt: skip
    labels = [("tag", label_key(t)) for t in post.tags]
    labels += [("category", label_key(c)) for c in post.categories]
    figure_rows = [
        (seq, f.min, f.max, f.currency, f.qualifier, f.per, f.surface, f.start,
         f.end, f.sentence_start, f.sentence_end, f.kind, f.payer, f.payee,
         dumps(f.parties, ensure_ascii=False), dumps(f.entities, ensure_ascii=False),
         dumps(f.entity_keys, ensure_ascii=False), mentions,
         dumps(f.restated, ensure_ascii=False) if f.restated else None,
         dumps(f.pairs, ensure_ascii=False) if f.pairs else None)
        for seq, f, mentions in figures
    ]  # fmt: skip
    held = [(p.seq, p.kind, text) for p, (text, _) in zip(passages, texts, strict=True)]
    counts = count_post(
        [mentions for _, mentions in texts],
        [(f.entity_keys, f.min, f.max, f.currency, f.per, f.kind,
          dumps(f.parties, ensure_ascii=False)) for _, f, _ in figures],
    )  # fmt: skip
    return PostRows(
        row, labels, [(p.seq, p.kind, pack(p.text)) for p in passages],
        list(shapes[:MAX_PASSAGES]),
        zlib.compress(dumps(held, ensure_ascii=False).encode(), 1),
        [(seq, *m) for seq, (_, mentions) in enumerate(texts) for m in mentions],
        figure_rows,
        sorted({term for text, _ in texts for term in text.split()}),
        cue_counts(m for _, mentions in texts for m in mentions),
        term_cues,
        zlib.compress(dumps(term_cues, ensure_ascii=False).encode(), 9),
        PostCounts(*(dict(counter) for counter in counts)),
        written, compounds,
        [(seq, *event) for seq, event in events if seq < MAX_PASSAGES],
    )  # fmt: skip
