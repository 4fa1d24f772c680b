"""Precision and type accuracy of `airesearch entities` against hand labels.

Reads the most mentioned entities of a corpus (as `airesearch entities --top N
--json` lists them) and compares each with benchmarks/entity_labels.toml:
precision = names that are names / names labelled; type accuracy = names of
the right type / real names labelled. Names without a label are listed, so that
the labels can be completed by reading their contexts.

Usage: python benchmarks/entities.py FOLDER [--top 150] [--labels FILE]
       [--airesearch COMMAND] (another build, for a before/after comparison)
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--top", type=int, default=150)
    parser.add_argument("--labels", default=os.path.join(HERE, "entity_labels.toml"))
    parser.add_argument("--airesearch", default=f"{sys.executable} -m airesearch")
    args = parser.parse_args()
    with open(args.labels, "rb") as handle:
        labels = {k.casefold(): v for k, v in tomllib.load(handle)["labels"].items()}
    command = [*shlex.split(args.airesearch), "entities", "--corpus", args.folder,
               "--top", str(args.top), "--json"]  # fmt: skip
    listed = json.loads(subprocess.run(command, capture_output=True, check=True,
                                       text=True).stdout)  # fmt: skip
    names = real = right = 0
    unlabelled, wrong = [], []
    for row in listed:
        label = labels.get(row["name"].casefold())
        if label is None:
            unlabelled.append(row["name"])
            continue
        names += 1
        if label == "not_a_name":
            wrong.append(f"{row['name']}: not a name")
            continue
        real += 1
        if row["type"] in label.split("|"):
            right += 1
        else:
            wrong.append(f"{row['name']}: {row['type']}, should be {label}")
    print(f"top {len(listed)}: {names} labelled; precision {real}/{names} = "
          f"{real / max(names, 1):.3f}; type accuracy {right}/{real} = "
          f"{right / max(real, 1):.3f}")  # fmt: skip
    for line in wrong:
        print("  wrong:", line)
    if unlabelled:
        print("  unlabelled:", ", ".join(unlabelled))


if __name__ == "__main__":
    main()
