"""Precision and coverage of who pays whom (deals' payer -> payee) against the
hand labels of benchmarks/role_labels.toml.

- precision: of the labelled figures that come out with a payer and a payee,
  the share whose pair is the one the sentence states;
- coverage: of the figures whose sentence states a pair, the share that come
  out with exactly that pair.

Usage: python benchmarks/roles.py FOLDER [--labels FILE] [--index PATH] [--json]
(FOLDER: ../shared/corpus-sample, which the labels are of.)
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

LABELS = Path(__file__).resolve().parent / "role_labels.toml"


def evaluate(conn, labels: list[dict]) -> dict:
    from airesearch.queries.deals import deals, load_rates

    found = deals(conn, load_rates(), kind="all", top=0, each=True)
    by_figure = {}
    for deal in found:
        by_figure.setdefault((deal.path, deal.amount), []).append(deal)
    rows, missing, merged = [], [], []
    for label in labels:
        candidates = [
            d for d in by_figure.get((label["path"], label["amount"]), [])
            if d.sentence.startswith(label["sentence"][:30])
        ]  # fmt: skip
        if not candidates:
            # The same figure in one post is one record (merge_repeats), under
            # the sentence that says most: a stated pair is looked for there;
            # a sentence that states none is judged by its own record only.
            if not label["payer"]:
                merged.append(label)
                continue
            same = by_figure.get((label["path"], label["amount"]), [])
            pair = (label["payer"], label["payee"])
            candidates = [d for d in same if (d.payer, d.payee) == pair] or same
        if not candidates:
            missing.append(label)
            continue
        deal = candidates[0]
        stated = (label["payer"], label["payee"]) if label["payer"] else None
        given = (deal.payer, deal.payee) if deal.payer and deal.payee else None
        rows.append((label, stated, given))
    given = [(label, s, g) for label, s, g in rows if g]
    stated = [(label, s, g) for label, s, g in rows if s]
    right = [row for row in given if row[1] == row[2]]
    return {
        "labelled": len(labels),
        "matched": len(rows),
        "merged": len(merged),
        "not_found": [f"{m['path']} {m['amount']}" for m in missing],
        "pairs_given": len(given),
        "pairs_right": len(right),
        "precision": round(len(right) / len(given), 3) if given else None,
        "pairs_stated": len(stated),
        "pairs_found": sum(1 for _, s, g in stated if s == g),
        "coverage": round(sum(1 for _, s, g in stated if s == g) / len(stated), 3)
        if stated
        else None,
        "wrong": [
            {"amount": label["amount"], "given": g, "stated": s,
             "sentence": label["sentence"]}
            for label, s, g in given if s != g
        ],
        "missed": [
            {"amount": label["amount"], "given": g, "stated": s,
             "sentence": label["sentence"]}
            for label, s, g in stated if s != g
        ],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--index")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from airesearch.cli.commands import Where, fresh_index

    labels = tomllib.loads(args.labels.read_text("utf-8"))["figure"]
    conn, _, _ = fresh_index(Where(args.folder, args.index))
    report = evaluate(conn, labels)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"labelled {report['labelled']} figures, {report['matched']} judged"
          f" ({report['merged']} stating no pair merged into another sentence's"
          " record)")  # fmt: skip
    print(f"precision {report['precision']} ({report['pairs_right']} of "
          f"{report['pairs_given']} pairs given are the sentence's)")  # fmt: skip
    print(f"coverage  {report['coverage']} ({report['pairs_found']} of "
          f"{report['pairs_stated']} pairs stated are found)")  # fmt: skip
    for title in ("wrong", "missed"):
        for row in report[title]:
            print(f"  {title}: {row['amount']} given {row['given']} stated "
                  f"{row['stated']}: {row['sentence']}")  # fmt: skip
    for item in report["not_found"]:
        print(f"  not in the index: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
