"""The cost of a change: build time, index size and command times of the work
tree against another revision, on one corpus, measured alternately in one run
(the machines are shared and noisy), as ratios after / before.

    python benchmarks/against.py /tmp/corpus-100mb --before eabf75b --builds 2

The revision is checked out in a temporary git worktree; each side runs
`python -m airesearch` with its own package first on the path, from a folder
outside the repository (run from the repository, `-m` would import the work
tree's package on both sides).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from revision import checked_out

HERE = Path(__file__).resolve().parent.parent
COMMANDS = (
    ["keywords", "--since", "2026-04-01", "--until", "2026-04-30", "--json"],
    ["entities", "--json"],
    ["search", "データセンター", "--json"],
    ["trend", "データセンター", "--entity", "NVIDIA", "--json"],
    ["brief", "NVIDIA", "--json"],
    ["graph", "--json"],
    ["stats", "--json"],
)


def index_bytes(path: str) -> int:
    """The index file and its engine folder (index/engine.py), if any."""
    total = os.path.getsize(path)
    folder, name = os.path.split(path)
    for entry in os.listdir(folder):
        if entry.startswith(name + ".engine-"):
            for root, _dirs, files in os.walk(os.path.join(folder, entry)):
                total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


def timed(tree: Path, args: list[str], cwd: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "NO_COLOR": "1"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "airesearch", *args],
        env=env, cwd=cwd, capture_output=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--before", required=True, help="a git revision")
    parser.add_argument("--builds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    with (
        tempfile.TemporaryDirectory() as tmp,
        checked_out(args.before, Path(tmp) / "before") as before,
    ):
        sides = {"before": before, "after": HERE}
        report = measure(sides, corpus, tmp, args.builds, args.runs)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def measure(sides: dict, corpus: str, tmp: str, builds: int, runs: int) -> dict:
    indexes = {name: os.path.join(tmp, f"{name}.sqlite") for name in sides}
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(builds):
        for name, tree in sides.items():
            where = ["--corpus", corpus, "--index", indexes[name]]
            times[name].append(timed(tree, ["index", "--rebuild", *where], tmp))
    build = {name: statistics.median(values) for name, values in times.items()}
    size = {name: index_bytes(path) for name, path in indexes.items()}
    print(f"build {build['before']:.1f} s -> {build['after']:.1f} s"
          f" = {build['after'] / build['before']:.3f}; index {size['before']:,}"
          f" -> {size['after']:,} bytes = {size['after'] / size['before']:.3f}",
          file=sys.stderr)  # fmt: skip
    commands = {}
    for command in COMMANDS:
        seconds: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(runs):
            for name, tree in sides.items():
                where = ["--corpus", corpus, "--index", indexes[name]]
                seconds[name].append(timed(tree, [*command, *where], tmp))
        median = {name: statistics.median(values) for name, values in seconds.items()}
        commands[" ".join(command)] = {
            "before_s": round(median["before"], 3),
            "after_s": round(median["after"], 3),
            "ratio": round(median["after"] / median["before"], 3),
        }
        print(f"{' '.join(command)}: {median['before']:.2f} s -> "
              f"{median['after']:.2f} s", file=sys.stderr)  # fmt: skip
    return {
        "build_s": {k: round(v, 2) for k, v in build.items()},
        "build_ratio": round(build["after"] / build["before"], 3),
        "index_bytes": size,
        "index_ratio": round(size["after"] / size["before"], 4),
        "commands": commands,
    }


if __name__ == "__main__":
    sys.exit(main())
