"""Recall of `search --exact` on a folder of posts, against a truth that does not
come from MeCab: a word occurs in a post where its characters stand in the
post's searchable text (title, description, excerpt, body passages; NFKC,
lower-case) with a character of another script, or nothing, on each side.

Queries, drawn at random from the posts (--seed): katakana words (whole
katakana runs), Latin words (whole runs of letters), kanji words (a run of
kanji followed by a particle or punctuation), and the most mentioned entities
(their canonical names). Every query must reach recall >= 0.99.

Usage: python benchmarks/recall.py FOLDER [--per-script 100] [--entities 100]
       [--seed 2026] [--index PATH] [--json] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import unicodedata
from collections import Counter

SCRIPTS = {
    "katakana": "\u30a1-\u30fa\u30fc-\u30fe",
    "latin": "a-z",
    "kanji": "\u3005\u3006\u4e00-\u9fff",
}
PARTICLES = "をにがはのでともへや、。，．・「」（）"
GOAL = 0.99


def script_of(char: str) -> str | None:
    for name, chars in SCRIPTS.items():
        if re.fullmatch(f"[{chars}]", char):
            return name
    return None


def searchable_texts(conn) -> dict[int, str]:
    """post id -> its passages' text, NFKC and lower-case, one passage a line."""
    texts: dict[int, list[str]] = {}
    for post_id, text in conn.execute(
        "SELECT post_id, unpack_text(text) FROM passages"
    ):
        texts.setdefault(post_id, []).append(unicodedata.normalize("NFKC", text))
    return {post_id: "\n".join(parts).lower() for post_id, parts in texts.items()}


def draw_words(texts: dict[int, str], per_script: int, rng: random.Random):
    """Distinct words of each script, drawn uniformly from the distinct words."""
    patterns = {
        "katakana": re.compile(f"(?<![{SCRIPTS['katakana']}])"
                               f"[{SCRIPTS['katakana']}]{{2,}}"
                               f"(?![{SCRIPTS['katakana']}])"),
        "latin": re.compile(r"(?<![a-z])[a-z]{2,}(?![a-z])"),
        "kanji": re.compile(f"(?<![{SCRIPTS['kanji']}])[{SCRIPTS['kanji']}]+"
                            f"(?=[{PARTICLES}])"),
    }  # fmt: skip
    drawn = {}
    for script, pattern in patterns.items():
        words = sorted({w for text in texts.values() for w in pattern.findall(text)})
        drawn[script] = rng.sample(words, min(per_script, len(words)))
    return drawn


def truth(texts: dict[int, str], word: str) -> set[int]:
    """Posts where word stands with another script (or nothing) on each side."""
    word = unicodedata.normalize("NFKC", word).lower()
    first, last = script_of(word[0]), script_of(word[-1])
    before = f"(?<![{SCRIPTS[first]}])" if first else ""
    after = f"(?![{SCRIPTS[last]}])" if last else ""
    pattern = re.compile(before + re.escape(word) + after)
    return {post_id for post_id, text in texts.items() if pattern.search(text)}


def measure(conn, per_script: int = 100, entities: int = 100, seed: int = 2026):
    """(by script: queries, micro recall and precision, queries below GOAL;
    every query as (recall, script, word, found, truth)) on an open index."""
    from airesearch.models import SearchRequest
    from airesearch.queries.search import search

    texts = searchable_texts(conn)
    ids = {
        path: post_id for post_id, path in conn.execute("SELECT id, path FROM posts")
    }
    queries = draw_words(texts, per_script, random.Random(seed))
    queries["entity"] = [
        name
        for name, _ in Counter(
            dict(conn.execute("SELECT name, count(*) FROM mentions GROUP BY entity"))
        ).most_common(entities)
    ]
    results, every = {}, []
    for script, words in queries.items():
        found_total = truth_total = hit_total = 0
        below = 0
        for word in words:
            expected = truth(texts, word)
            if not expected:
                continue
            query = f'"{word}"' if " " in word else word
            request = SearchRequest(query=query, limit=0, exact=True)
            hits = {ids[hit.path] for hit in search(conn, request)}
            found = len(expected & hits)
            recall = found / len(expected)
            found_total += found
            truth_total += len(expected)
            hit_total += len(hits)
            below += recall < GOAL
            every.append((recall, script, word, found, len(expected)))
        results[script] = {
            "queries": len(words),
            "micro_recall": round(found_total / max(truth_total, 1), 4),
            # Hits in the truth: below 1 by design where a part of a compound
            # is found inside it (コンピューター in スーパーコンピューター).
            "micro_precision": round(found_total / max(hit_total, 1), 4),
            "queries_below_goal": below,
        }
    return results, every


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--per-script", type=int, default=100)
    parser.add_argument("--entities", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--index")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--check", action="store_true",
        help=f"exit 1 if any query's recall is below {GOAL} (CI runs this)",
    )  # fmt: skip
    args = parser.parse_args()

    from airesearch.cli.commands import Where, fresh_index

    conn, _, _ = fresh_index(Where(args.folder, args.index))
    results, worst = measure(conn, args.per_script, args.entities, args.seed)
    failed = args.check and any(r["queries_below_goal"] for r in results.values())
    worst.sort()
    report = {
        "folder": os.path.abspath(args.folder),
        "seed": args.seed,
        "goal_per_query": GOAL,
        "by_script": results,
        "worst": [
            {"recall": round(r, 3), "script": s, "word": w, "found": f, "truth": t}
            for r, s, w, f, t in worst[:15]
        ],
    }
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 1 if failed else 0
    for script, figures in results.items():
        print(f"{script:9} {figures['queries']:4} queries  micro recall "
              f"{figures['micro_recall']:.4f}  below {GOAL}: "
              f"{figures['queries_below_goal']}  (hits in the truth: "
              f"{figures['micro_precision']:.4f})")  # fmt: skip
    print("worst:")
    for row in report["worst"]:
        print(f"  {row['recall']:.3f} {row['script']:8} {row['word']} "
              f"({row['found']}/{row['truth']})")  # fmt: skip
    if failed:
        print(f"recall below {GOAL} for some queries", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
