"""What a worker process computes for one post file: the cleaned post, and for
each passage the text the engine indexes, its entity mentions and its money
figures. Files are analysed in parallel worker processes when there are enough
of them (or by cluster.py's Dask workers, which run analyse_jobs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from airesearch.ingest.corpus import PostFile
from airesearch.ingest.entity_context import GENERIC_MATE
from airesearch.models import MentionRow, Post

IN_PROCESS_LIMIT = 4  # fewer changed files than this: no worker processes


def analyse_files(
    root: str, files: list[PostFile], workers: int | None, entities_file=None,
    prepare=None,
) -> Iterator:  # fmt: skip
    """(path, analysed post | skip reason), in file order, in parallel when it
    pays; prepare(analysed post), if given, runs in the worker too (the rows
    the index makes of it: index/post_rows.py)."""
    jobs = [(root, f.path, entities_file, prepare) for f in files]
    workers = workers or os.cpu_count() or 1
    if len(jobs) < IN_PROCESS_LIMIT or workers == 1:
        yield from map(analyse_file, jobs)
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(min(workers, len(jobs))) as pool:
        # In file order, so that post ids (and every tie broken by them) are the
        # same on every build of the same files.
        yield from pool.imap(analyse_file, jobs, chunksize=2)


def analyse_file(job: tuple[str, str]) -> tuple[str, tuple[Post, list] | str]:
    """Read one file and analyse it (runs in a worker process; see
    analyse_post). job: (root, path[, the user's gazetteer file[, prepare]])."""
    from airesearch.ingest.corpus import SkippedFile, read_bytes
    from airesearch.ingest.gazetteer import load_gazetteer

    root, rel, *rest = job
    entities_file, prepare = (*rest, None, None)[:2]
    gazetteer = load_gazetteer(entities_file)
    try:
        data = read_bytes(root, rel)
    except SkippedFile as reason:
        return rel, str(reason)
    analysed = analyse_post(rel, data, gazetteer)
    return rel, prepare(analysed) if prepare else analysed


def analyse_jobs(jobs: list[tuple], prepare=None) -> list[tuple]:
    """A cluster's task (cluster.py), a batch of jobs: (path, the file's bytes,
    the user's gazetteer as text or None) -> (path, analyse_post's answer, or
    prepare's of it)."""
    found = []
    for rel, data, gazetteer_text in jobs:
        analysed = analyse_post(rel, data, gazetteer_from_text(gazetteer_text))
        found.append((rel, prepare(analysed) if prepare else analysed))
    return found


def gazetteer_from_text(text: str | None):
    """The bundled gazetteer extended by a user's file sent as text, written
    once per worker process to a file of its own (the loader reads files)."""
    from airesearch.ingest.gazetteer import load_gazetteer

    if not text:
        return load_gazetteer()
    import hashlib
    import tempfile

    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
    path = os.path.join(tempfile.gettempdir(), f"airesearch-entities-{digest}.toml")
    if not os.path.exists(path):
        partial = f"{path}.{os.getpid()}"
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)
    return load_gazetteer(path)


def analysis_versions() -> dict[str, str]:
    """What must agree between a client and its cluster's workers."""
    from airesearch import __version__
    from airesearch.tokens import dictionary_version

    return {"airesearch": __version__, "analysis": dictionary_version()}


def analyse_post(rel: str, data: bytes, gazetteer) -> tuple[Post, list] | str:
    """Analyse one file's bytes: for each passage, the text the engine indexes
    and its entity mentions; for the post, its money figures with repeats
    merged, the words' written forms, the passages' shapes, the term cues and
    the events its sentences state (events.py); or why it was skipped."""
    from airesearch.ingest.corpus import SkippedFile, post_from_bytes
    from airesearch.ingest.figures import merge_repeats
    from airesearch.ingest.passages import shape_of

    try:
        post = post_from_bytes(rel, data)
    except SkippedFile as reason:
        return str(reason)
    lexicon = Lexicon()
    analysed = [
        analyse_text(passage.text, lexicon, gazetteer) for passage in post.passages
    ]
    figures = [
        (passage.seq, figure)
        for passage, (_, _, found) in zip(post.passages, analysed, strict=True)
        for figure in found
    ]
    from airesearch.ingest.entity_context import ticker_names

    rows = (row for _, mentions, _ in analysed for row in mentions)
    tickers = ticker_names(rows, gazetteer)
    texts = [
        (indexed, [ticker_row(row, tickers) for row in mentions])
        for indexed, mentions, _ in analysed
    ]
    # The passages' shapes (boilerplate.py) are a pure function of their text:
    # computed here, in the workers, not by the one writer.
    shapes = [shape_of(passage.text) for passage in post.passages]
    from airesearch.ingest.events import find_events

    events = [
        (passage.seq, event)
        for passage, (_, mentions), (_, _, found) in zip(
            post.passages, texts, analysed, strict=True
        )
        for event in find_events(passage.text, mentions, found, post.date)
    ]
    return (
        post, texts, merge_repeats(figures), lexicon.rows(), shapes,
        sorted((key, cue, n) for (key, cue), n in lexicon.term_cues.items()),
        events,
    )  # fmt: skip


def ticker_row(row: MentionRow, tickers: dict) -> MentionRow:
    """A mention of a ticker as a mention of its company (entity_context)."""
    if row.key not in tickers:
        return row
    key, name, kind = tickers[row.key]
    return row._replace(key=key, name=name, type=kind)


class Lexicon:
    """What query expansion needs to know of a post's words (see queries/search.py): the
    written forms of its verbs and adjectives, the parts of its long katakana
    words; and, for the entity listing, the context cues of its generic words
    (generic key, "<cue" or ">cue") -> sightings."""

    def __init__(self) -> None:
        from collections import Counter

        self.written: set[tuple[str, str]] = set()
        self.katakana: set[str] = set()
        self.term_cues: Counter = Counter()

    def rows(self) -> tuple[list[tuple[str, str]], list[tuple[str, str, int]]]:
        from airesearch.tokens import compound_parts, stem

        compounds = [
            (part, stem(word), where)
            for word in self.katakana
            for part, where in compound_parts(word)
        ]
        return sorted(self.written), sorted(compounds)


def analyse_text(
    text: str, lexicon: Lexicon | None = None, gazetteer=None
) -> tuple[str, list, list]:
    """(indexed text, mentions as table rows minus the ids, money figures) of
    one passage; its words' facts go into lexicon."""
    from airesearch.ingest.entities import find_mentions, generic_words
    from airesearch.ingest.entity_context import context_cues
    from airesearch.ingest.figures import find_figures
    from airesearch.ingest.gazetteer import load_gazetteer
    from airesearch.ingest.passages import sentence_of, sentence_spans
    from airesearch.tokens import analyse, normalize, offset_mapper

    normal = normalize(text)
    analysis = analyse(normal, names=True)
    if lexicon is not None:
        lexicon.written |= analysis.written
        lexicon.katakana |= analysis.katakana
    indexed = " ".join(analysis.terms)
    gazetteer = gazetteer or load_gazetteer()
    mentions = find_mentions(normal, analysis.name_tokens, gazetteer)
    to_text = offset_mapper(text, normal) if mentions else None
    rows = []
    sentences = sentence_spans(text) if mentions else []
    for mention in mentions:
        start, end = to_text(mention.start), to_text(mention.end)
        rows.append(
            MentionRow(
                mention.key, mention.name, mention.type, text[start:end], start, end,
                *sentence_of(sentences, start),
                *context_cues(normal, mention.start, mention.end),
            )
        )  # fmt: skip
    rows = with_makers(text, rows)
    generic = generic_words(normal, gazetteer)
    if lexicon is not None:
        lexicon.term_cues.update(generic_cues(normal, generic, mentions, gazetteer))
    if rows and generic:
        generic_spans = [(to_text(start), to_text(end)) for start, end, _ in generic]
    else:
        generic_spans = []
    rows = with_list_mates(text, rows, gazetteer, generic_spans)
    return indexed, rows, find_figures(text, rows, normal, gazetteer.owners)


# The cue before a name that follows an organisation and の (AdobeのPhotoshop,
# GoogleのGmail): what its products stand after, for the type learner.
AFTER_ORGANISATION = "[組織]の"


def with_makers(text: str, rows: list) -> list:
    """The mention rows, each right after an organisation and の given the cue
    AFTER_ORGANISATION before it."""
    ends = {row.end for row in rows if row.type == "org"}
    return [
        row._replace(cue_before=AFTER_ORGANISATION)
        if row.start - 1 in ends and text[row.start - 1 : row.start] == "の"
        else row
        for row in rows
    ]


# Names listed together are of one kind (Word、Excel、PowerPoint; Photoshopや
# Illustrator): a name next to a gazetteer name in a list gets the cue of that
# name's type on that side, which the type learner weighs as it weighs 社 or 氏
# (and learns from the gazetteer's names listed together).
LIST_SEPARATORS = frozenset(("、", "や", "と", "・", ",", ", ", "/", "及び"))
LIST_MATE = {"org": "[組織]列", "product": "[製品]列", "person": "[人名]列",
             "place": "[地名]列"}  # fmt: skip


def separator_before(text: str, at: int) -> int:
    """The length of the list separator that ends at text[at], else 0."""
    if text[at - 1 : at] in LIST_SEPARATORS:
        return 1
    return 2 if text[at - 2 : at] in LIST_SEPARATORS else 0


def separator_after(text: str, at: int) -> int:
    """The length of the list separator that starts at text[at], else 0."""
    if text[at : at + 2] in LIST_SEPARATORS:
        return 2
    return 1 if text[at : at + 1] in LIST_SEPARATORS else 0


def generic_cues(normal: str, generic: list, mentions: list, gazetteer):
    """(key, "<cue" | ">cue") of each generic word (start, end, key) in NFKC
    text, as a name's are: the words on each side, or the cue of a list mate
    (a gazetteer name's LIST_MATE, another generic word's GENERIC_MATE)."""
    from airesearch.ingest.entity_context import context_cues

    listed = [m for m in mentions if m.key in gazetteer.by_key]
    mates_after = {m.start: LIST_MATE.get(m.type, "") for m in listed}
    mates_before = {m.end: LIST_MATE.get(m.type, "") for m in listed}
    mates_after.update((start, GENERIC_MATE) for start, _, _ in generic)
    mates_before.update((end, GENERIC_MATE) for _, end, _ in generic)
    for start, end, key in generic:
        before, after = context_cues(normal, start, end)
        gap = separator_before(normal, start)
        if gap:
            before = mates_before.get(start - gap, before)
        gap = separator_after(normal, end)
        if gap:
            after = mates_after.get(end + gap, after)
        if before:
            yield key, "<" + before
        if after:
            yield key, ">" + after


def with_list_mates(text: str, rows: list, gazetteer, generic=None) -> list:
    """The mention rows, each next to a gazetteer name in a list given the
    LIST_MATE cue of that name's type on that side, and each next to a generic
    word (generic: its (start, end) spans in text) the cue GENERIC_MATE."""
    listed = list(rows)
    if generic:
        starts = {start for start, _ in generic}
        ends = {end for _, end in generic}
        for index, row in enumerate(rows):
            gap = separator_before(text, row.start)
            if gap and row.start - gap in ends:
                listed[index] = listed[index]._replace(cue_before=GENERIC_MATE)
            gap = separator_after(text, row.end)
            if gap and row.end + gap in starts:
                listed[index] = listed[index]._replace(cue_after=GENERIC_MATE)
    for index, (first, second) in enumerate(zip(rows, rows[1:], strict=False)):
        if text[first.end : second.start] not in LIST_SEPARATORS:
            continue
        if first.key in gazetteer.by_key:
            listed[index + 1] = listed[index + 1]._replace(
                cue_before=LIST_MATE.get(first.type, "")
            )
        if second.key in gazetteer.by_key:
            listed[index] = listed[index]._replace(
                cue_after=LIST_MATE.get(second.type, "")
            )
    return listed
