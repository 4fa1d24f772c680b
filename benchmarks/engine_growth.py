"""How search's cost grows with the corpus: the analysed passages of a folder
written N times into one engine (index/engine.py) without analysing them
again, then the queries timed in process (postings.ranked: the top 10 posts,
their best passages and match counts), against the same queries on one copy.

Copies tie every score, the worst case for top-k pruning. The folder is
analysed once (MeCab); each copy gets new post ids. The SQLite side holds only
what ranked reads (posts and their paths, the boilerplate table empty).

Usage: python benchmarks/engine_growth.py FOLDER --copies 100 [--runs 7]
       [--query ハイレゾ ...]
(corpus-sample x 100 = about 1 GB of text, x 1000 = about 10 GB)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

QUERIES = ("ハイレゾ", "液浸冷却", "データセンター", "NVIDIA", "生成AI")


def analysed_posts(folder: str) -> list[list[tuple[int, str, str]]]:
    """Each post's passages as (seq, kind, analysed text), analysed once."""
    from airesearch.ingest.corpus import find_posts, read_post
    from airesearch.tokens import indexed_text

    posts = []  # per post: (seq, kind, analysed text)
    for post_file in find_posts(folder, False, []):
        post = read_post(folder, post_file.path)
        posts.append([(p.seq, p.kind, indexed_text(p.text)) for p in post.passages])
    return posts


def build(work: Path, posts: list, copies: int) -> tuple[str, float]:
    """An index file naming an engine folder with copies of posts; (index
    path, seconds spent writing the engine)."""
    from airesearch.index import engine
    from airesearch.index.schema import SCHEMA, passage_id

    index = str(work / f"copies-{copies}.sqlite")
    conn = sqlite3.connect(index)
    conn.executescript(SCHEMA)
    name = engine.new_folder_name(index)
    writer = engine.EngineWriter(engine.folder_for(index, name), create=True)
    started = time.perf_counter()
    post_id = 0
    rows = []
    for copy in range(copies):
        for number, passages in enumerate(posts):
            post_id += 1
            rows.append((post_id, f"copy{copy:04}/{number:05}.md"))
            writer.add_post(
                post_id,
                [
                    (passage_id(post_id, seq), kind, text)
                    for seq, kind, text in passages
                ],
                set(),
            )
    writer.commit()
    seconds = time.perf_counter() - started
    conn.executemany("INSERT INTO posts (id, path) VALUES (?, ?)", rows)
    conn.execute("INSERT INTO meta VALUES (?, ?)", (engine.ENGINE_KEY, name))
    conn.commit()
    conn.close()
    return index, seconds


def timings(index: str, queries, runs: int) -> dict[str, float]:
    """Median ms of postings.ranked (top 10 posts) per query, in process."""
    from airesearch.index import postings
    from airesearch.queries.search import parse_query

    conn = sqlite3.connect(index)
    found = {}
    for query in queries:
        selection = postings.Selection(parse_query(query))
        postings.ranked(conn, selection, per_post=True, limit=10)  # open, warm
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            postings.ranked(conn, selection, per_post=True, limit=10)
            times.append(time.perf_counter() - started)
        found[query] = round(statistics.median(times) * 1000, 1)
    conn.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--query", action="append", dest="queries")
    args = parser.parse_args()
    queries = args.queries or QUERIES
    work = Path(tempfile.mkdtemp(prefix="engine-growth-"))
    try:
        started = time.perf_counter()
        posts = analysed_posts(args.folder)
        analysis = time.perf_counter() - started
        report: dict = {"posts": len(posts), "analysis_s": round(analysis, 1)}
        for copies in (1, args.copies):
            index, seconds = build(work, posts, copies)
            report[f"x{copies}"] = {
                "engine_write_s": round(seconds, 1),
                "passages": copies * sum(len(p) for p in posts),
                "query_ms": timings(index, queries, args.runs),
            }
            print(f"x{copies}: {report[f'x{copies}']}", file=sys.stderr)
        one, many = report["x1"]["query_ms"], report[f"x{args.copies}"]["query_ms"]
        report["growth"] = {q: round(many[q] / max(one[q], 0.01), 1) for q in queries}
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
