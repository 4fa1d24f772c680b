"""Whether indexing adjacent-term pairs as terms of their own pays for its
size (issue 18). A query word of two terms that stand together (生成AI: 生成 ai,
データセンター: データ センタ) is a phrase query, which reads positions and
cannot skip a block; its pair (生成_ai) would be one term query, which can.

The analysed passages of FOLDER (analysed once), N copies, are written twice
straight into tantivy, with the engine's passage fields (head and body, the
whitespace tokenizer, the passage id a fast field): as the engine has them, and
with one more field holding every passage's adjacent pairs. Then, in process,
the top 10 passages of each two-term query word (no count, as search asks)
as a phrase against as a pair term, and the two folders' sizes.

Usage: python benchmarks/pair_terms.py FOLDER --copies 100 [--runs 9]
       [--query 生成AI ...]
(corpus-sample x 100 = about 1 GB of text)
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from engine_growth import analysed_posts

QUERIES = ("生成AI", "データセンター", "液浸冷却", "自動運転", "量子コンピューター")
PAIR_JOINER = "_"  # no analysed term holds it next to another term's text


def pairs_of(analysed: str) -> str:
    terms = analysed.split()
    return " ".join(a + PAIR_JOINER + b for a, b in zip(terms, terms[1:], strict=False))


def schema(with_pairs: bool):
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("passage", indexed=True, fast=True)
    builder.add_text_field("head", tokenizer_name="whitespace")
    builder.add_text_field("body", tokenizer_name="whitespace")
    if with_pairs:
        builder.add_text_field("pairs", tokenizer_name="whitespace")
    return builder.build()


def build(folder: Path, posts: list, copies: int, with_pairs: bool) -> float:
    """The passages written copies times; seconds spent writing."""
    import tantivy

    from airesearch.index.schema import HEAD_KINDS

    folder.mkdir(parents=True)
    index = tantivy.Index(schema(with_pairs), path=str(folder))
    writer = index.writer(96_000_000, 2)
    started = time.perf_counter()
    passage = 0
    for _ in range(copies):
        for passages in posts:
            for _seq, kind, analysed in passages:
                passage += 1
                doc = tantivy.Document()
                doc.add_unsigned("passage", passage)
                doc.add_text("head" if kind in HEAD_KINDS else "body", analysed)
                if with_pairs:
                    doc.add_text("pairs", pairs_of(analysed))
                writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - started


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def phrase(index, terms: list[str]):
    import tantivy

    Query = tantivy.Query
    return Query.boolean_query(
        [
            (tantivy.Occur.Should, Query.phrase_query(index.schema, field, terms))
            for field in ("head", "body")
        ]
    )


def pair(index, terms: list[str]):
    import tantivy

    return tantivy.Query.term_query(index.schema, "pairs", PAIR_JOINER.join(terms))


def median_ms(searcher, query, runs: int) -> tuple[float, int]:
    """Median ms of the top 10 (no count), and how many passages match."""
    total = searcher.search(query, limit=1).count
    searcher.search(query, limit=10, count=False)  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        searcher.search(query, limit=10, count=False)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2), total


def main() -> int:
    import tantivy

    from airesearch.tokens import terms

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--query", action="append", dest="queries")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pair-terms-"))
    try:
        posts = analysed_posts(args.folder)
        report: dict = {"posts": len(posts) * args.copies}
        searchers = {}
        for with_pairs in (False, True):
            name = "with_pairs" if with_pairs else "engine"
            folder = work / name
            seconds = build(folder, posts, args.copies, with_pairs)
            report[name] = {
                "write_s": round(seconds, 1),
                "mb": round(folder_bytes(folder) / 1e6, 1),
            }
            searchers[name] = tantivy.Index.open(str(folder))
            print(f"{name}: {report[name]}", file=sys.stderr)
        report["size_growth"] = round(
            report["with_pairs"]["mb"] / report["engine"]["mb"], 2
        )
        queries = {}
        for query in args.queries or QUERIES:
            words = terms(query)
            if len(words) != 2:
                print(f"{query}: {words} is not two terms; left out", file=sys.stderr)
                continue
            plain, paired = searchers["engine"], searchers["with_pairs"]
            phrase_ms, matches = median_ms(
                plain.searcher(), phrase(plain, words), args.runs
            )
            pair_ms, pair_matches = median_ms(
                paired.searcher(), pair(paired, words), args.runs
            )
            queries[query] = {
                "terms": words,
                "matches": matches,
                "phrase_ms": phrase_ms,
                "pair_ms": pair_ms,
                "same_matches": matches == pair_matches,
            }
            print(f"{query}: {queries[query]}", file=sys.stderr)
        report["queries"] = queries
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
