"""The cost of building on a Dask cluster, and where a spread-out build would
stop scaling, measured in one run:

1. A build of FOLDER with today's local worker pool (2 processes) against the
   same build through a LocalCluster of 2 single-threaded worker processes
   on 127.0.0.1: the cluster's overhead (serialisation, scheduling), goal
   <= 15 % of the build time.
2. The coordinator's CPU alone of an analysed sample of FOLDER (--sample MB,
   analysed first in one process and kept in memory): receiving each post
   (unpickling what a worker sends) and writing it (SQLite, and the engine's
   own threads), per 100 MB, against the workers' CPU for the analysis of the
   same sample (the analysis and post_rows.prepare, in one process): from
   them, the projected build rate for 4, 16, 64 and 256 worker cores and the
   core count at which the one coordinator becomes the limit.

Usage: python benchmarks/cluster.py FOLDER [--sample 10] [--writes-only]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed_build(folder: str, index: str, **options) -> float:
    from airesearch.index.build import update_index

    started = time.perf_counter()
    update_index(folder, index, rebuild=True, **options)
    return time.perf_counter() - started


def cpu_seconds() -> float:
    """This process's CPU time so far, its threads' included."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def writes_alone(folder: str, work: Path, sample_mb: float) -> dict:
    """CPU seconds to analyse a sample of the folder in one process (what the
    workers do), and to receive and write it (what the coordinator does)."""
    import pickle

    from airesearch.index import updates
    from airesearch.index.build import update_index
    from airesearch.index.post_rows import prepare
    from airesearch.ingest.corpus import find_posts
    from airesearch.ingest.pipeline import analyse_file

    files, size = [], 0
    for post_file in find_posts(folder, False, []):
        if size >= sample_mb * 1e6:
            break
        files.append(post_file)
        size += post_file.size
    sample = work / "sample"
    for post_file in files:
        target = sample / post_file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((Path(folder) / post_file.path).read_bytes())
    started = cpu_seconds()
    sent = [
        pickle.dumps(analyse_file((str(sample), f.path, None, prepare))) for f in files
    ]
    analysis = cpu_seconds() - started
    original = updates.analysed
    started = cpu_seconds()
    done = [pickle.loads(blob) for blob in sent]  # as the pool receives them
    updates.analysed = lambda *args: iter(done)  # the analysis done elsewhere
    try:
        update_index(sample, work / "writes.sqlite", rebuild=True)
        writes = cpu_seconds() - started
    finally:
        updates.analysed = original
    return {"sample_bytes": size, "analysis_s": analysis, "writes_s": writes}


def compare_builds(folder: str, work: Path) -> dict:
    """Part 1: the local pool against a LocalCluster of as many workers."""
    from distributed import LocalCluster

    local = timed_build(folder, str(work / "local.sqlite"), workers=2)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address="127.0.0.1:0", silence_logs=50,
    ) as cluster:  # fmt: skip
        on_cluster = timed_build(
            folder, str(work / "cluster.sqlite"), scheduler=cluster.scheduler_address
        )
    print(f"build: local pool {local:.1f} s, LocalCluster {on_cluster:.1f} s, "
          f"overhead {on_cluster / local - 1:+.1%}", file=sys.stderr)  # fmt: skip
    return {
        "local_pool_s": round(local, 1),
        "local_cluster_s": round(on_cluster, 1),
        "cluster_overhead": round(on_cluster / local - 1, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sample", type=float, default=10.0, help="MB")
    parser.add_argument(
        "--writes-only", action="store_true", help="only part 2 (no builds)"
    )
    args = parser.parse_args()
    folder = str(args.folder.resolve())
    total = folder_bytes(args.folder)
    work = Path(tempfile.mkdtemp(prefix="cluster-bench-"))
    report: dict = {"corpus_bytes": total}
    if not args.writes_only:
        report.update(compare_builds(folder, work))
    alone = writes_alone(folder, work, args.sample)
    mb = alone["sample_bytes"] / 1e6
    writer_rate = mb / alone["writes_s"]  # MB/s the one writer sustains
    core_rate = mb / alone["analysis_s"]  # MB/s one core analyses
    report["coordinator_cpu_s_per_100mb"] = round(alone["writes_s"] * 100 / mb, 1)
    report["analysis_cpu_s_per_100mb"] = round(alone["analysis_s"] * 100 / mb, 1)
    report["writer_mb_per_s"] = round(writer_rate, 2)
    report["core_mb_per_s"] = round(core_rate, 3)
    report["projected_mb_per_s"] = {
        cores: round(min(cores * core_rate, writer_rate), 2)
        for cores in (4, 16, 64, 256)
    }
    report["writer_limit_cores"] = round(writer_rate / core_rate, 1)
    print(json.dumps(report, indent=2))
    for path in work.rglob("*"):
        if path.is_file():
            path.unlink()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    sys.exit(main())
