"""Speed and size of airesearch on a folder of posts, as ratios to references
measured in the same run (the machines are shared and noisy):

  (a) plain fugashi: tokenize every file in one process, reading the surface and
      features of every token           -> reference for the build
  (b) `airesearch index --rebuild`       -> goal (b)/(a) <= 1.0, peak memory
      `airesearch index` again, nothing changed -> goal < 1 s (also with --skip-build)
  (c) `airesearch search QUERY --json`   -> median, whole process (and with
                                            --no-update: without the freshness check)
  (d) `rg -c QUERY FOLDER`               -> goal (c)/(d) <= 3 on ~100 MB
  (e) `entities`, `entity NVIDIA`, `deals`, `deals --entity nvidia` (--json)
                                        -> goal <= 0.3 s at 1 GB; `stats` beside
      `kwic データセンター --limit 50`, `trend データセンター NVIDIA`,
      `keywords --since` the newest post's month, `graph --entity NVIDIA`
                                        -> goal <= 1 s at 100 MB
      `graph` (whole graph)              -> goal <= 2 s at 100 MB
      `brief NVIDIA`, `brief データセンター` -> goal <= 3 s at 100 MB
  index file size / corpus size          -> goal <= 1.5

Usage: python benchmarks/speed.py FOLDER [--runs 15] [--query データセンター ...]
       [--build-runs 3] [--skip-build] (reuse the index of an earlier run)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PLAIN_FUGASHI = """
import sys, time, fugashi, unidic_lite
from pathlib import Path
texts = [p.read_text(encoding="utf-8", errors="replace")
         for p in sorted(Path(sys.argv[1]).rglob("*"))
         if p.suffix in (".md", ".markdown", ".txt") and p.is_file()]
tagger = fugashi.GenericTagger("-r /dev/null -d " + unidic_lite.DICDIR)
started = time.perf_counter()
tokens = 0
for text in texts:
    for word in tagger(text):
        surface, features = word.surface, word.feature_raw
        tokens += 1
print(time.perf_counter() - started, tokens)
"""
# The five queries of issue 18: rare to frequent, a phrase last.
DEFAULT_QUERIES = ("ハイレゾ", "液浸冷却", "データセンター", "NVIDIA", "生成AI")
LISTINGS = (
    ("entities", ["entities"]),
    ("entity NVIDIA", ["entity", "NVIDIA"]),
    ("deals", ["deals"]),
    ("deals --entity nvidia", ["deals", "--entity", "nvidia"]),
    ("kwic データセンター --limit 50", ["kwic", "データセンター", "--limit", "50"]),
    ("trend データセンター NVIDIA", ["trend", "データセンター", "NVIDIA"]),
    ("graph", ["graph"]),
    ("graph --entity NVIDIA", ["graph", "--entity", "NVIDIA"]),
    ("brief NVIDIA", ["brief", "NVIDIA"]),
    ("brief データセンター", ["brief", "データセンター"]),
)


def newest_month(index: Path) -> tuple[str, list[str]]:
    """The keywords listing for the month of the newest post in the index."""
    import datetime as dt
    import sqlite3

    with sqlite3.connect(index) as conn:
        (newest,) = conn.execute(
            "SELECT max(substr(date, 1, 10)) FROM posts"
        ).fetchone()
    first = dt.date.fromisoformat(newest).replace(day=1)
    last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    since, until = first.isoformat(), last.isoformat()
    return f"keywords --since {since} --until {until}", [
        "keywords", "--since", since, "--until", until,
    ]  # fmt: skip


def airesearch(*args: str) -> list[str]:
    """The installed console script, as users run it (falls back to -m)."""
    script = Path(sys.executable).with_name("airesearch")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "airesearch", *args]


def timed(command: list[str], env: dict | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"speed.py: {' '.join(command)} failed:\n{done.stderr}")
    return elapsed, done.stdout


def tree_pss_mb(root_pid: int) -> float:
    """Memory of a process and all its descendants, from /proc. PSS, not RSS: the
    dictionary that forked workers share with their parent is counted once."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(
                        handle.read().rsplit(")", 1)[1].split()[1]
                    )
            except (OSError, IndexError, ValueError):
                continue
    total, pending = 0, [root_pid]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                pss = next(line for line in handle if line.startswith("Pss:"))
            total += int(pss.split()[1]) * 1024
        except (OSError, StopIteration):
            pass
        pending += [child for child, parent in parents.items() if parent == pid]
    return total / 1e6


def build_with_peak_memory(command: list[str]) -> tuple[float, float]:
    """Wall time of a command and the peak memory of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0.0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_pss_mb(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.returncode:
        sys.exit(f"speed.py: build failed:\n{stderr.decode()}")
    return elapsed, peak


def median_pair(first: list[str], second: list[str], runs: int) -> tuple[float, float]:
    """Medians of two commands, run alternately so that noise hits both alike."""
    timed(first), timed(second)  # warm the page cache
    a_times, b_times = [], []
    for _ in range(runs):
        a_times.append(timed(first)[0])
        b_times.append(timed(second)[0])
    return statistics.median(a_times), statistics.median(b_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--query", action="append", dest="queries")
    parser.add_argument("--index", type=Path, help="index file (default: a temp file)")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument(
        "--build-runs", type=int, default=3, help="(a) and (b) alternately, medians"
    )
    args = parser.parse_args()
    folder = args.folder.resolve()
    corpus_bytes = sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file()
    )  # fmt: skip
    index = args.index or Path(tempfile.gettempdir()) / f"speed-{folder.name}.sqlite"
    where = ["--corpus", str(folder), "--index", str(index)]
    figures: dict[str, object] = {"corpus_mb": round(corpus_bytes / 1e6, 1)}
    print(f"corpus {folder}: {corpus_bytes / 1e6:.1f} MB", file=sys.stderr)

    if not args.skip_build:
        plain_runs, build_runs, peaks = [], [], []
        for _ in range(args.build_runs):  # alternately: noise hits both alike
            done = subprocess.run(
                [sys.executable, "-c", PLAIN_FUGASHI, str(folder)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            plain_runs.append(float(done.stdout.split()[0]))
            seconds, peak = build_with_peak_memory(
                airesearch("index", "--rebuild", *where)
            )
            build_runs.append(seconds)
            peaks.append(peak)
        plain_seconds = statistics.median(plain_runs)
        build_seconds = statistics.median(build_runs)
        peak_mb = max(peaks)
        figures.update(
            plain_fugashi_s=round(plain_seconds, 2),
            plain_fugashi_mb_per_s=round(corpus_bytes / 1e6 / plain_seconds, 2),
            build_s=round(build_seconds, 2),
            build_over_plain=round(build_seconds / plain_seconds, 2),
            build_peak_mb=round(peak_mb),
        )
        print(
            f"(a) plain fugashi {plain_seconds:.2f} s; (b) index --rebuild "
            f"{build_seconds:.2f} s = {build_seconds / plain_seconds:.2f} x (a) "
            f"(medians of {args.build_runs}), peak {peak_mb:.0f} MB",
            file=sys.stderr,
        )
    # The SQLite file and the engine folder it names (index/engine.py).
    index_bytes = index.stat().st_size + sum(
        path.stat().st_size
        for folder in index.parent.glob(index.name + ".engine-*")
        for path in folder.rglob("*")
        if path.is_file()
    )
    figures["index_over_corpus"] = round(index_bytes / corpus_bytes, 2)

    # Compiled modules, as an installed package has them: with
    # PYTHONDONTWRITEBYTECODE set, every run would compile its modules again.
    from importlib.util import find_spec

    package = os.path.dirname(find_spec("airesearch").origin)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    timed(airesearch("index", *where))  # the first may store figures
    recheck_seconds = statistics.median(
        timed(airesearch("index", *where))[0] for _ in range(5)
    )
    figures["recheck_unchanged_s"] = round(recheck_seconds, 3)
    print(f"unchanged re-check {recheck_seconds:.3f} s (median of 5)", file=sys.stderr)
    rg = shutil.which("rg")
    if not rg:
        print("speed.py: rg (ripgrep) not found; search figures have no reference"
              " (apt-get install ripgrep)", file=sys.stderr)  # fmt: skip
    searches = {}
    for query in args.queries or DEFAULT_QUERIES:
        search = airesearch("search", query, *where, "--json")
        hits = len(json.loads(timed(search)[1]))
        if rg:
            ours, theirs = median_pair(
                search, [rg, "-c", query, str(folder)], args.runs
            )
        else:
            ours, theirs = (
                statistics.median(timed(search)[0] for _ in range(args.runs)),
                0,
            )
        # Without the freshness check: start-up, imports and the search alone.
        as_is, _ = median_pair([*search, "--no-update"], search, args.runs)
        searches[query] = {
            "hits": hits,
            "search_ms": round(ours * 1000, 1),
            "rg_ms": round(theirs * 1000, 1),
            "search_over_rg": round(ours / theirs, 2) if theirs else None,
            "no_update_ms": round(as_is * 1000, 1),
        }
        ratio = ours / theirs if theirs else float("nan")
        print(
            f"(c) search {query!r}: {ours * 1000:.0f} ms ({hits} hits); "
            f"(d) rg -c {theirs * 1000:.0f} ms; (c)/(d) = {ratio:.2f}; "
            f"--no-update {as_is * 1000:.0f} ms",
            file=sys.stderr,
        )
    figures["search"] = searches
    # The listing commands, whole process, --json (goal: each <= 0.3 s at 1 GB),
    # alternating with `stats --json` (start-up and one small query) as reference.
    reference = airesearch("stats", *where, "--json")
    listings = {}
    for name, extra in [*LISTINGS, newest_month(index)]:
        command = airesearch(*extra, *where, "--json")
        ours, base = median_pair(command, reference, args.runs)
        listings[name] = {
            "ms": round(ours * 1000, 1),
            "stats_ms": round(base * 1000, 1),
        }
        print(f"(e) {name}: {ours * 1000:.0f} ms; stats {base * 1000:.0f} ms",
              file=sys.stderr)  # fmt: skip
    figures["listings"] = listings
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
