"""Run every command's machine-readable output on a corpus and save or compare it.

A refactoring that only moves code must leave every answer identical:

    python benchmarks/same_output.py CORPUS --save /tmp/before   # on the old commit
    python benchmarks/same_output.py CORPUS --compare /tmp/before  # on the new one

Each command runs in a fresh process against one index built for the run;
fields that change from run to run (timings, timestamps, index paths) are blanked.
Exit status 1 when any output differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

COMMANDS = {
    "search": ["search", "データセンター", "--json", "--limit", "0"],
    "search-passages": ["search", "NVIDIA", "投資", "--passages", "--json"],
    "search-exclude": ["search", "--", "GPU", "-ナルヴィク", "--json"],
    "search-entity": ["search", "投資", "--entity", "nvidia", "--json"],
    "search-alias": ["search", "エヌビディア", "--json", "--limit", "0"],
    "search-none": ["search", "zzzqqq", "--json"],
    "kwic": ["kwic", "データセンター", "--json", "--limit", "0"],
    "kwic-left": ["kwic", "GPU", "--sort", "left", "--json"],
    "trend": ["trend", "データセンター", "--entity", "NVIDIA", "--json"],
    "trend-week": ["trend", "GPU", "--by", "week", "--json"],
    "keywords": ["keywords", "--since", "2025-10-01", "--type", "all", "--json"],
    "keywords-entity": [
        "keywords",
        "--since",
        "2025-09-15",
        "--type",
        "entity",
        "--baseline",
        "previous",
        "--min-posts",
        "1",
        "--json",
    ],
    "entities": ["entities", "--top", "0", "--json"],
    "entities-dated": ["entities", "--since", "2025-10-01", "--json"],
    "entity": ["entity", "nvidia", "--json"],
    "entity-nscale": ["entity", "Nscale", "--json"],
    "deals": ["deals", "--top", "0", "--json"],
    "deals-rate": ["deals", "--rate", "JPY=150", "--json"],
    "graph": ["graph", "--json"],
    "graph-ego": ["graph", "--entity", "NVIDIA", "--depth", "2", "--json"],
    "graph-money": ["graph", "--edges", "money", "--json"],
    "brief": ["brief", "NVIDIA", "--json"],
    "brief-md": ["brief", "Nscale"],
    "brief-query": ["brief", "データセンター", "--json"],
    "stats": ["stats", "--json"],
}
VOLATILE = {
    "seconds",
    "updated_at",
    "changed_at",
    "index",
    "index_path",
    "index_bytes",
    "generated",
    "generated_at",
}


def blank(value):
    if isinstance(value, dict):
        return {k: (None if k in VOLATILE else blank(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [blank(item) for item in value]
    return value


def run_all(corpus: str, index: str) -> dict[str, object]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "airesearch",
            "index",
            "--corpus",
            corpus,
            "--index",
            index,
            "--json",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    answers = {}
    for name, args in COMMANDS.items():
        # only search takes --no-update; the others check freshness themselves
        stay = ["--no-update"] if args[0] == "search" else []
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "airesearch",
                args[0],
                "--corpus",
                corpus,
                "--index",
                index,
                *stay,
                *args[1:],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        try:
            out = blank(json.loads(done.stdout))
        except json.JSONDecodeError:
            out = done.stdout
        answers[name] = {
            "exit": done.returncode,
            "stdout": out,
            "stderr": done.stderr.replace(index, "INDEX"),
        }
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        answers = run_all(args.corpus, str(Path(tmp) / "index.sqlite"))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name, answer in answers.items():
            (args.save / f"{name}.json").write_text(
                json.dumps(answer, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        print(f"saved {len(answers)} outputs to {args.save}")
        return 0
    differ = []
    for name, answer in answers.items():
        before = json.loads((args.compare / f"{name}.json").read_text("utf-8"))
        if before != json.loads(json.dumps(answer, ensure_ascii=False)):
            differ.append(name)
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(answers) - len(differ)} of {len(answers)} outputs identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
