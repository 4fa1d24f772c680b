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

from airesearch.index.aggregates import count_post
from airesearch.index.schema import MAX_PASSAGES

# post: models.Post, its passages cut at MAX_PASSAGES; texts: (analysed text,
# mention rows) per passage; figures: (seq, Figure, mentions); written,
# compounds, shapes: as pipeline.analyse_post gives them; columns: the posts
# row's tags, categories and metadata, ready; figure_rows: the figures table's
# columns after post_id and passage_id, with seq first; terms: the post's
# distinct terms; held: its passages' (seq, kind, analysed text), compressed;
# cue_counts: (entity, type, cue, n) of its mentions; term_cues: (generic key,
# cue, n) and the same compressed; counts: aggregates.PostCounts; too_long:
# whether passages were cut.
PostRows = namedtuple(
    "PostRows",
    "post texts figures written compounds shapes columns figure_rows terms held"
    " cue_counts term_cues term_cues_blob counts too_long",
)


def prepare(outcome):
    """pipeline.analyse_post's answer as PostRows (a skip reason stays as it is)."""
    if isinstance(outcome, str):
        return outcome
    post, texts, figures, (written, compounds), shapes, term_cues = outcome
    too_long = len(post.passages) > MAX_PASSAGES
    passages = post.passages[:MAX_PASSAGES]
    texts = texts[:MAX_PASSAGES]
    shapes = shapes[:MAX_PASSAGES]
    figures = [item for item in figures if item[0] < MAX_PASSAGES]
    dumps = json.dumps
    columns = (
        dumps(post.tags, ensure_ascii=False),
        dumps(post.categories, ensure_ascii=False),
        zlib.compress(dumps(post.metadata, ensure_ascii=False).encode(), 9),
    )
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
    cues: Counter = Counter()
    for _, mentions in texts:
        for m in mentions:
            if m.cue_before:
                cues[m.key, m.type, "<" + m.cue_before] += 1
            if m.cue_after:
                cues[m.key, m.type, ">" + m.cue_after] += 1
    counts = count_post(
        [mentions for _, mentions in texts],
        [(f.entity_keys, f.min, f.max, f.currency, f.per, f.kind,
          dumps(f.parties, ensure_ascii=False)) for _, f, _ in figures],
    )  # fmt: skip
    return PostRows(
        post._replace(passages=passages), texts, figures, written, compounds,
        shapes, columns, figure_rows,
        sorted({term for text, _ in texts for term in text.split()}),
        zlib.compress(dumps(held, ensure_ascii=False).encode(), 1),
        [(*key, n) for key, n in cues.items()],
        term_cues,
        zlib.compress(dumps(term_cues, ensure_ascii=False).encode(), 9),
        counts, too_long,
    )  # fmt: skip
