"""Agreement of money kinds (deal, capex, market, …) with hand labels
(benchmarks/kind_labels.toml): the share of labelled figures whose kind is
one the label allows.

Usage: python benchmarks/kinds.py FOLDER [--labels FILE] [--index PATH]
(FOLDER: ../shared/corpus-sample, which the labels are of.)
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

LABELS = Path(__file__).resolve().parent / "kind_labels.toml"


def kinds_of(conn) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(path, amount) -> [(sentence, kind)] of every figure in the index."""
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for path, surface, kind, sentence in conn.execute(
        "SELECT posts.path, f.surface, f.kind, substr(unpack_text(p.text),"
        " f.sentence_start + 1, f.sentence_end - f.sentence_start) FROM deals f"
        " JOIN passages p ON p.id = f.passage_id JOIN posts ON posts.id = f.post_id"
    ):
        found.setdefault((path, surface), []).append((sentence, kind))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--index")
    args = parser.parse_args()
    from airesearch.cli.commands import Where, fresh_index

    labels = tomllib.loads(args.labels.read_text("utf-8"))["figure"]
    conn, _, _ = fresh_index(Where(args.folder, args.index))
    found = kinds_of(conn)
    agree, judged, lines = 0, 0, []
    for label in labels:
        candidates = [
            kind
            for sentence, kind in found.get((label["path"], label["amount"]), [])
            if sentence.startswith(label["sentence"][:30])
        ]
        if not candidates:
            lines.append(f"  not in the index: {label['path']} {label['amount']}")
            continue
        judged += 1
        if candidates[0] in label["kind"].split("|"):
            agree += 1
        else:
            lines.append(f"  {label['amount']}: {candidates[0]}, labelled"
                         f" {label['kind']}: {label['sentence']}")  # fmt: skip
    print(f"kind agreement {agree}/{judged} = {agree / max(judged, 1):.3f}"
          f" ({len(labels)} labelled)")  # fmt: skip
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
