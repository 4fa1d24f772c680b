"""How well search ranks posts by what they are about, against a git revision
(the ranking before) in one run.

- Title measure: every entity that 3 to 60 titles of the corpus name is a
  query (its name); the posts whose title names it are the posts about it.
  With R of them, the share of them among the first R results; the average
  over names, and the names below 0.67.
- nDCG@10 on hand judgments (benchmarks/ranking_judgments.toml: per query,
  each pooled post 2 = about it, 1 = mentions it on the way, 0 = not
  relevant; posts not judged count 0 and are listed, to be judged).

Usage: python benchmarks/ranking.py FOLDER --before REV [--judgments FILE]
(FOLDER: ../shared/corpus-sample, which the judgments are of.)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from revision import checked_out

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
JUDGMENTS = HERE / "ranking_judgments.toml"


def search(tree: Path, folder: str, index: str, query: str, limit: int) -> list[str]:
    """The paths search ranks first, by the code of tree."""
    env = {**os.environ, "PYTHONPATH": str(tree), "NO_COLOR": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "airesearch", "search", query, "--corpus", folder,
         "--index", index, "--limit", str(limit), "--json", "--no-update"],
        capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(),
    )  # fmt: skip
    return [hit["path"] for hit in json.loads(out.stdout or "[]")]


def build(tree: Path, folder: str, index: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(
        [sys.executable, "-m", "airesearch", "index", "--corpus", folder,
         "--index", index, "--rebuild"],
        check=True, capture_output=True, env=env, cwd=tempfile.gettempdir(),
    )  # fmt: skip


def titled(index: str) -> dict[str, tuple[str, set[str]]]:
    """entity key -> (its most used name, paths of the posts whose title
    names it), for entities that 3 to 60 titles name."""
    conn = sqlite3.connect(index)
    found: dict[str, tuple[str, set[str]]] = {}
    rows = conn.execute(
        "SELECT m.entity, m.name, posts.path FROM mentions m"
        " JOIN passages p ON p.id = m.passage_id JOIN posts ON posts.id = m.post_id"
        " WHERE p.kind = 'title'"
    )
    names: dict[str, dict[str, int]] = {}
    for entity, name, path in rows:
        found.setdefault(entity, ("", set()))[1].add(path)
        names.setdefault(entity, {}).setdefault(name, 0)
        names[entity][name] += 1
    conn.close()
    return {
        entity: (max(names[entity], key=names[entity].get), paths)
        for entity, (_, paths) in found.items()
        if 3 <= len(paths) <= 60
    }


def title_measure(tree, folder, index, about) -> dict[str, float]:
    shares = {}
    for name, paths in about.values():
        first = search(tree, folder, index, name, len(paths))
        shares[name] = len(set(first) & paths) / len(paths)
    return shares


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    def dcg(values):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(path, 0) for path in ranked]) / ideal if ideal else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--before", required=True, help="git revision to compare")
    parser.add_argument("--judgments", default=str(JUDGMENTS))
    parser.add_argument(
        "--pool", nargs="+", metavar="QUERY",
        help="print the pooled top 10 of both sides of these queries, to judge",
    )  # fmt: skip
    args = parser.parse_args()
    folder = os.path.abspath(args.folder)
    with (
        tempfile.TemporaryDirectory(prefix="ranking-") as tmp,
        checked_out(args.before, Path(tmp) / "before") as before,
    ):
        work = Path(tmp)
        sides = {"before": before, "after": REPO}
        indexes = {side: str(work / f"{side}.sqlite") for side in sides}
        for side, tree in sides.items():
            build(tree, folder, indexes[side])
        if args.pool:
            for query in args.pool:
                pooled = dict.fromkeys(
                    path
                    for side, tree in sides.items()
                    for path in search(tree, folder, indexes[side], query, 10)
                )
                print(f"[{query}]")
                conn = sqlite3.connect(indexes["after"])
                for path in pooled:
                    (title,) = conn.execute(
                        "SELECT title FROM posts WHERE path = ?", (path,)
                    ).fetchone()
                    print(f"  {path}\t{title}")
                conn.close()
            return 0
        about = titled(indexes["after"])
        report: dict = {"names": len(about)}
        for side, tree in sides.items():
            shares = title_measure(tree, folder, indexes[side], about)
            low = sorted(name for name, share in shares.items() if share < 0.67)
            report[side] = {
                "title_measure": round(sum(shares.values()) / len(shares), 3),
                "below_0.67": low,
            }
        judged = []
        if os.path.exists(args.judgments):
            with open(args.judgments, "rb") as handle:
                judged = tomllib.load(handle)["query"]
        per_query = {}
        for entry in judged:
            grades = {path: grade for path, grade in entry["grades"].items()}
            row = {}
            for side, tree in sides.items():
                ranked = search(tree, folder, indexes[side], entry["query"], 10)
                row[side] = round(ndcg(ranked, grades), 3)
                unjudged = [p for p in ranked if p not in grades]
                if unjudged:
                    row[f"unjudged_{side}"] = unjudged
            per_query[entry["query"]] = row
        report["ndcg@10"] = per_query
        for side in sides:
            values = [row[side] for row in per_query.values()]
            if values:
                report[side]["ndcg@10"] = round(sum(values) / len(values), 3)
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
