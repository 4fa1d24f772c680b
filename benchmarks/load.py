"""Many users of one index at once (issue: an update done once, whoever asks).

1. CPU after a change: N searches and one `index` started together right
   after P posts changed, against one `index` alone plus N searches with
   --no-update (the work that has to be done); goal <= 1.5 x.
2. Load: W processes for S seconds running `search`, `entity`, `deals` and
   `kwic` in turn, while another process changes, adds and deletes posts
   every few seconds; queries per second and median / 95th percentile
   latency against one process alone, failures (goal: none), and at the end
   the index against a fresh build of the folder (table counts).

Usage: python benchmarks/load.py FOLDER [--workers 8] [--seconds 60]
       [--changed 40] [--searches 6]
(FOLDER is copied first: the run changes its copy.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

COMMANDS = (
    ("search", "データセンター", "--json"),
    ("entity", "NVIDIA", "--json"),
    ("deals", "--json"),
    ("kwic", "データセンター", "--limit", "20", "--json"),
)
MARK = "負荷試験の段落"


def command(where: tuple, *args: str) -> list[str]:
    return [sys.executable, "-m", "airesearch", *args, *where]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def change_posts(folder: Path, count: int, rng: random.Random) -> None:
    for path in rng.sample(sorted(folder.rglob("*.md")), count):
        path.write_text(path.read_text() + f"\n\n{MARK}{rng.random()}\n")


def cpu_after_a_change(folder: Path, work: Path, changed: int, searches: int) -> dict:
    rng = random.Random(23)
    where = ("--corpus", str(folder), "--index", str(work / "cpu.sqlite"))
    subprocess.run(command(where, "index"), check=True, capture_output=True)
    # The work that has to be done: one update, then the searches.
    change_posts(folder, changed, rng)
    before = children_cpu()
    subprocess.run(command(where, "index"), check=True, capture_output=True)
    for _ in range(searches):
        subprocess.run(command(where, "search", "データセンター", "--no-update",
                               "--json"), check=True, capture_output=True)  # fmt: skip
    alone = children_cpu() - before
    # The same change met by all of them at once.
    change_posts(folder, changed, rng)
    before = children_cpu()
    started = [subprocess.Popen(command(where, "index"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)]  # fmt: skip
    started += [
        subprocess.Popen(command(where, "search", "データセンター", "--json"),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(searches)
    ]  # fmt: skip
    failures = sum(process.wait() != 0 for process in started)
    together = children_cpu() - before
    return {
        "changed_posts": changed,
        "searches": searches,
        "cpu_one_update_plus_searches_s": round(alone, 2),
        "cpu_all_at_once_s": round(together, 2),
        "ratio": round(together / alone, 2),
        "failures": failures,
    }


def run_load(where: tuple, workers: int, seconds: float, writer=None) -> dict:
    """W threads each running the commands in turn for seconds; latencies."""
    latencies: list[float] = []
    failures: list[str] = []
    stop = time.monotonic() + seconds

    def user(number: int) -> None:
        turn = number
        while time.monotonic() < stop:
            args = COMMANDS[turn % len(COMMANDS)]
            turn += 1
            started = time.perf_counter()
            done = subprocess.run(command(where, *args), capture_output=True)
            latencies.append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                failures.append(f"{' '.join(args)}: {done.stderr.decode().strip()}")

    threads = [threading.Thread(target=user, args=(n,)) for n in range(workers)]
    if writer:
        threads.append(threading.Thread(target=writer, args=(stop,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "queries": len(latencies),
        "per_second": round(len(latencies) / seconds, 2),
        "median_ms": round(statistics.median(latencies) * 1000),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000),
        "failures": failures[:5],
        "failure_count": len(failures),
    }


def table_counts(index: str) -> dict[str, int]:
    conn = sqlite3.connect(index)
    try:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("posts", "passages", "mentions", "deals", "vocabulary")
        }
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--changed", type=int, default=40)
    parser.add_argument("--searches", type=int, default=6)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="load-"))
    folder = work / "corpus"
    shutil.copytree(args.folder, folder)
    report: dict = {}
    try:
        report["cpu_after_a_change"] = cpu_after_a_change(
            folder, work, args.changed, args.searches
        )
        print(report["cpu_after_a_change"], file=sys.stderr)
        index = str(work / "load.sqlite")
        where = ("--corpus", str(folder), "--index", index)
        subprocess.run(command(where, "index"), check=True, capture_output=True)
        alone = run_load(where, 1, args.seconds / 2)
        rng = random.Random(60)
        spare = work / "spare"
        spare.mkdir()

        def writer(stop: float) -> None:
            number = 0
            while time.monotonic() < stop:
                time.sleep(3)
                change_posts(folder, 5, rng)  # change
                posts = sorted(folder.rglob("*.md"))
                gone = rng.choice(posts)  # delete one, keep it to add back
                shutil.move(gone, spare / f"{number}.md")
                earlier = sorted(spare.glob("*.md"))
                if len(earlier) > 1:  # add one back, under a new name
                    shutil.move(earlier[0], folder / f"added-{number}.md")
                number += 1

        loaded = run_load(where, args.workers, args.seconds, writer)
        report["one_process"] = alone
        report[f"{args.workers}_processes_with_changes"] = loaded
        subprocess.run(command(where, "index"), check=True, capture_output=True)
        fresh = str(work / "fresh.sqlite")
        subprocess.run(command(("--corpus", str(folder), "--index", fresh), "index"),
                       check=True, capture_output=True)  # fmt: skip
        report["equals_fresh_build"] = table_counts(index) == table_counts(fresh)
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    sys.exit(main())
